"""Computations drawn per run as plain data: the cases of the "where does the NaN come from" exercises.

A leaf module (torch only, like ``grader.drive``). The judge draws a *spec* (input tensors and a list of operations
with argument indices and constants) with ``draw``; the exercise's probe builds the function from it in the worker
and hands it to the learner, and the judge builds the same function from the same spec with ``build`` and finds the
expected answer itself. No case has a name, and neither the function's code nor its inputs' shapes say what the
answer is: only running it does. A learner who patches this module in the worker changes only their own run.
"""

from __future__ import annotations

from typing import Any, Callable

import torch

# name: number of value arguments (constants follow them)
OPS = {
    "sqrt": 1, "log": 1, "exp": 1, "tanh": 1, "sin": 1, "pow": 1, "scale": 1, "shift": 1, "relu": 1,
    "sum": 1, "rowsum": 1, "detach": 1, "check": 1, "guard": 1, "loop": 1, "misshape": 1,
    "add": 2, "sub": 2, "mul": 2, "div": 2, "where": 3,
}

UNARY = ["sqrt", "log", "exp", "tanh", "sin", "pow", "scale", "shift", "relu", "sum", "rowsum", "detach", "check",
         "guard"]
UNARY_WEIGHTS = [5, 4, 1, 1, 1, 3, 4, 2, 2, 1, 1, 1, 1, 1]
BINARY = ["add", "sub", "mul", "div", "where"]
BINARY_WEIGHTS = [2, 1, 4, 3, 2]
CONSTANTS = {"pow": [0.5, 2.0, 3.0, -1.0, 1.5], "scale": [0.0, 0.0, 2.0, -0.5, 0.5], "shift": [-1.0, 1.0, 0.5]}
LOOP_STEPS = 40


class Guard(torch.autograd.Function):
    """The identity, whose backward refuses a negative incoming gradient (a backward error that is not about NaN)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        return x.view_as(x)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        if bool((grad < 0).any()):
            raise RuntimeError("guard: this function refuses a negative gradient")
        return grad


class Misshape(torch.autograd.Function):
    """The identity, whose backward returns a gradient of the wrong shape: autograd itself then raises
    "Function MisshapeBackward returned an invalid gradient at index 0 - got ... but expected shape ...", an error
    whose text starts like anomaly mode's NaN report but is not one."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        return x.view_as(x)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        return torch.cat([grad.reshape(-1), grad.reshape(-1)[:1]])


def _apply(name: str, a: list[torch.Tensor], c: list[Any]) -> torch.Tensor:
    if name == "sqrt":
        return torch.sqrt(a[0])
    if name == "log":
        return torch.log(a[0])
    if name == "exp":
        return torch.exp(a[0])
    if name == "tanh":
        return torch.tanh(a[0])
    if name == "sin":
        return torch.sin(a[0])
    if name == "pow":
        return a[0] ** c[0]
    if name == "scale":
        return a[0] * c[0]
    if name == "shift":
        return a[0] + c[0]
    if name == "relu":
        return a[0].clamp(min=0.0)
    if name == "sum":
        return a[0].sum()
    if name == "rowsum":
        return a[0].sum(-1, keepdim=True)
    if name == "detach":
        return a[0].detach()
    if name == "check":
        if not bool((a[0] > 0).all()):
            raise ValueError("this function refuses an input that is not positive")
        return a[0]
    if name == "guard":
        return Guard.apply(a[0])
    if name == "misshape":
        return Misshape.apply(a[0])
    if name == "loop":
        r = a[0]
        for _ in range(int(c[0])):  # every step uses r twice: 2 ** steps paths through the graph
            r = r * 0.5 + r * 0.5
        return r
    if name == "add":
        return a[0] + a[1]
    if name == "sub":
        return a[0] - a[1]
    if name == "mul":
        return a[0] * a[1]
    if name == "div":
        return a[0] / a[1]
    if name == "where":
        return torch.where(a[0] > 0, a[1], a[2])
    raise ValueError(f"unknown operation {name!r} in a drawn spec")


def build(spec: dict[str, Any], trace: list[torch.Tensor] | None = None) -> Callable[..., torch.Tensor]:
    """The function spec describes, as fn(*inputs): its last value, summed when spec["reduce"]. Every value it
    computes is appended to trace (a list) when one is given."""
    ops = [list(op) for op in spec["ops"]]
    reduce = bool(spec["reduce"])

    def fn(*inputs: torch.Tensor) -> torch.Tensor:
        v = list(inputs)
        for op in ops:
            k = OPS[op[0]]
            r = _apply(op[0], [v[i] for i in op[1:1 + k]], op[1 + k:])
            v.append(r)
            if trace is not None:
                trace.append(r)
        return v[-1].sum() if reduce else v[-1]

    return fn


def inputs_of(spec: dict[str, Any], device: str | torch.device = "cpu", requires_grad: bool = True) -> list[torch.Tensor]:
    """Fresh copies of spec's input tensors on device (leaves that require grad unless told otherwise)."""
    return [x.detach().to(device).clone().requires_grad_(requires_grad) for x in spec["inputs"]]


def randint(rng: torch.Generator, low: int, high: int) -> int:
    """An int in [low, high], both ends included."""
    return int(torch.randint(low, high + 1, (1,), generator=rng))


def pick(rng: torch.Generator, items: list[Any], weights: list[float] | None = None) -> Any:
    w = torch.tensor(weights if weights is not None else [1.0] * len(items), dtype=torch.float64)
    return items[int(torch.multinomial(w, 1, generator=rng))]


def draw(rng: torch.Generator, *, reduce: bool, loop: bool = False) -> dict[str, Any]:
    """A random spec: 1 to 3 input tensors of a random shape, values in +-[0.5, 2] with exact zeros and negatives at
    random places, and 3 to 7 operations on them; every value computed feeds the result. With loop, the first
    operation reuses a value at every step of a 40-step loop (2 ** 40 paths, over a hundred nodes)."""
    shape = (randint(rng, 2, 5),) if randint(rng, 0, 1) else (randint(rng, 2, 4), randint(rng, 2, 4))
    inputs = []
    for _ in range(randint(rng, 1, 3)):
        x = torch.rand(shape, generator=rng, dtype=torch.float64) * 1.5 + 0.5
        x = torch.where(torch.rand(shape, generator=rng) < 0.2, -x, x)
        if randint(rng, 0, 1):
            x.view(-1)[randint(rng, 0, x.numel() - 1)] = 0.0
        inputs.append(x)
    ops: list[list[Any]] = []
    count, used = len(inputs), set()

    def arg() -> int:
        i = count - 1 - min(randint(rng, 0, 3), count - 1) if randint(rng, 0, 2) else randint(rng, 0, count - 1)
        used.add(i)
        return i

    if loop:
        ops.append(["loop", randint(rng, 0, count - 1), LOOP_STEPS])
        used.add(ops[0][1])
        count += 1
    for _ in range(randint(rng, 3, 7)):
        if randint(rng, 0, 2):
            name = pick(rng, UNARY, UNARY_WEIGHTS)
            op = [name, arg()] + ([pick(rng, CONSTANTS[name])] if name in CONSTANTS else [])
        else:
            name = pick(rng, BINARY, BINARY_WEIGHTS)
            op = [name] + [arg() for _ in range(3 if name == "where" else 2)]
        ops.append(op)
        count += 1
    for i in range(count - 1):  # fold every value nothing used into the result
        if i not in used:
            ops.append(["add", count - 1, i] if randint(rng, 0, 1) else ["add", i, count - 1])
            used.add(count - 1)
            count += 1
    return {"inputs": inputs, "ops": ops, "reduce": reduce}


_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/"}
_TEMPLATES = {
    "where": "torch.where({0} > 0, {1}, {2})", "pow": "{0} ** {c0}", "scale": "{0} * {c0}", "shift": "{0} + {c0}",
    "relu": "{0}.clamp(min=0.0)", "rowsum": "{0}.sum(-1, keepdim=True)", "sum": "{0}.sum()", "detach": "{0}.detach()",
    "loop": "repeat({0})  # y = {0}, then {c0} times y = y * 0.5 + y * 0.5",
    "check": "{0}  # raises ValueError unless every entry is > 0",
    "guard": "guard({0})  # identity; its backward raises RuntimeError on a negative gradient",
    "misshape": "misshape({0})  # identity; its backward returns a gradient of the wrong shape (autograd raises)",
}


def describe(spec: dict[str, Any]) -> str:
    """spec as Python-like text, for a learner's feedback."""
    names = [f"x{i}" for i in range(len(spec["inputs"]))]
    lines = [f"{n} = {x.tolist()}" for n, x in zip(names, spec["inputs"])]
    for op in spec["ops"]:
        name, k = op[0], OPS[op[0]]
        a = [names[i] for i in op[1:1 + k]]
        c = op[1 + k:]
        if name in _INFIX:
            text = f"{a[0]} {_INFIX[name]} {a[1]}"
        elif name in _TEMPLATES:
            text = _TEMPLATES[name].format(*a, c0=int(c[0]) if name == "loop" else (c[0] if c else None))
        else:
            text = f"torch.{name}({a[0]})"
        names.append(f"v{len(names)}")
        lines.append(f"{names[-1]} = {text}")
    if spec["reduce"]:
        lines.append(f"loss = {names[-1]}.sum()")
        head = "):  # float64 inputs that require grad\n    "
    else:
        lines.append(f"return {names[-1]}")
        head = "):  # float64 inputs\n    "
    return "def fn(" + ", ".join(f"x{i}" for i in range(len(spec["inputs"]))) + head + "\n    ".join(lines)
