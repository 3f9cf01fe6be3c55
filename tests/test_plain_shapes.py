"""The judge's stand-in for torch's symbolic-shapes module: autograd on plain shapes without sympy, and the real
module, with its own objects, for everyone else. Each test runs in a fresh interpreter: the module is process-wide."""

import subprocess
import sys
import textwrap

PRELUDE = """
import sys, torch
from grader import plain_shapes
NAME = plain_shapes.NAME
"""


def run(body: str) -> str:
    proc = subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(body)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_gradients_with_explicit_grad_outputs_need_no_sympy_and_still_check_shapes():
    out = run("""
        assert plain_shapes.install()
        x = torch.rand(3, dtype=torch.float64, requires_grad=True)
        (g,) = torch.autograd.grad((x * x).sum(), x, torch.ones((), dtype=torch.float64))
        assert torch.equal(g, 2 * x.detach())
        y = torch.ones(2, 3, requires_grad=True)
        (y * y).backward(torch.ones(2, 3))
        try:
            torch.autograd.grad(x * x, x, torch.ones(2, dtype=torch.float64))
        except RuntimeError as e:
            print("refused:", str(e).split(" and ")[0])
        assert torch.autograd.gradgradcheck(torch.sin, (torch.rand(3, dtype=torch.float64, requires_grad=True),))
        assert torch.broadcast_shapes((3, 1), (1, 4), (4,)) == (3, 4)
        torch._check(True)
        import inspect
        inspect.getmodule(torch.sin)  # reads every module's __file__
        print("sympy loaded:", "sympy" in sys.modules)
    """)
    assert "refused: Mismatch in shape: grad_output[0] has a shape of torch.Size([2])" in out
    assert "sympy loaded: False" in out


def test_each_plain_helper_answers_as_the_real_one_does():
    out = run("""
        assert plain_shapes.install()
        stand_in = sys.modules[NAME]

        def read(name):  # a read inside a function: the plain helper
            return getattr(stand_in, name)

        plain = {name: read(name) for name in plain_shapes.PLAIN}
        assert all(f.__module__ == "grader.plain_shapes" for f in plain.values())
        real = plain_shapes._StandIn._real(stand_in)
        values = [True, False, 0, 1, -3, 7, 0.0, 2.5, (), (3,), (3, 1), [3, 1], torch.Size([2, 4]), (2, 4.0), "x", None]
        cases = [(v,) for v in values] + [(a, b) for a in values for b in values]
        compared = 0
        for name, helper in plain.items():
            for args in cases:
                try:
                    want = ("returns", getattr(real, name)(*args))
                except Exception as e:
                    want = ("raises", type(e))
                try:
                    got = ("returns", helper(*args))
                except Exception as e:
                    got = ("raises", type(e))
                assert got == want and type(got[1]) is type(want[1]), (name, args, got, want)
                compared += 1
        print("compared:", compared)
    """)
    assert "compared: " in out


def test_any_other_use_gets_the_real_module_and_its_own_objects():
    out = run("""
        assert plain_shapes.install()
        import torch.fx.experimental.symbolic_shapes as held  # the stand-in, until a name is read
        from torch.fx.experimental.symbolic_shapes import sym_eq, ShapeEnv
        real = sys.modules[NAME]
        print("real in sys.modules:", type(real).__name__ == "module" and real is not held)
        print("same objects:", sym_eq is real.sym_eq and held.expect_true is real.expect_true
              and held.ShapeEnv is ShapeEnv is real.ShapeEnv)
        print("package attribute:", torch.fx.experimental.symbolic_shapes is real)
        held.plain_shapes_test_flag = 1
        print("set through the stand-in:", getattr(real, "plain_shapes_test_flag", None))
        f = torch.compile(lambda a: (a * 2).sum(), backend="eager", dynamic=True)
        print("compiled:", f(torch.ones(4)).item(), f(torch.ones(5)).item())
    """)
    assert "real in sys.modules: True" in out
    assert "same objects: True" in out
    assert "package attribute: True" in out
    assert "set through the stand-in: 1" in out
    assert "compiled: 8.0 10.0" in out


def test_not_installed_over_a_loaded_real_module():
    out = run("""
        import torch.fx.experimental.symbolic_shapes as real
        print("installed:", plain_shapes.install(), sys.modules[NAME] is real)
    """)
    assert "installed: False True" in out
