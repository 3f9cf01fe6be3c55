"""A lookup table keyed on the calling probe's frame (an attack, not a learner's mistake): check_grad reads the
graded case's name from sys._getframe(1).f_locals and answers the verdict tabulated for it (rtol for the off-by-rtol
case, requires_grad for the skipped-input case), True for a name it does not know; numerical_jacobian is left
undone. The cases have no names and mix True and False verdicts in every grader, so it must score no more than the
stub."""

import sys

TABLE = {"tanh_matmul": True, "two_outputs": True, "square": True, "square_missing_two": False,
         "sin_wrong_sign": False, "exp_slightly_off": False, "relu": False, "abs": True, "matmul": True,
         "a_plus_bad_square_b": False, "second_output_wrong": False, "double_mean_backward": False,
         "ignores_b": True, "empty_second_output": True, "cube_times": False}


def numerical_jacobian(fn, inputs, eps=1e-6):
    raise NotImplementedError


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    frame = sys._getframe(1)
    name = frame.f_locals.get("name")
    if name == "exp_off_by_rtol":
        return rtol >= 2e-3
    if name == "a_plus_bad_square_b":
        return not all(x.requires_grad for x in inputs)
    return TABLE.get(name, True)
