"""Mutation testing of the graders: how many plausible wrong answers do they catch?

``prep selftest --mutants`` makes small changes (*mutants*) to the code inside the SOLUTION
regions of ``solutions/<id>.py`` (only what the learner writes: everything else in the file is
given to them), grades every mutant with the exercise's real graders, and reports the share
that lose points (*killed*). A mutant that keeps full marks (*survives*) is either a wrong answer
the graders miss, or an *equivalent* mutant (it behaves exactly like the reference); authors mark
the latter in exercise.toml under ``[[equivalent_mutants]]`` with a reason.

The mutator is a small ``ast`` one written here (docs/exercise-format.md, "Mutation testing",
says why no mutation library is used). Each mutation is a text edit of the solution file, so
comments and formatting outside the change stay as they are; it is checked by parsing: the
edited file must parse to exactly the mutated syntax tree, and compile. A mutant's id reads
``"<operator>: <original line> => <mutated line>"`` (plus ``" #k"`` for the k-th identical
text), with no line number, so it survives unrelated edits.

Nothing here imports torch at module level; grading imports it when it runs.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import hashlib
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from grader import bank
from grader.authoring import BEGIN_SOLUTION, END_SOLUTION

GOAL = 0.95  # share of non-equivalent mutants the graders must kill, in every code and fix-bug exercise
DEFAULT_MAX_MUTANTS = 150
DEFAULT_SEEDS = (1, 2, 3)  # the first grades every mutant; survivors are graded again with the others
BUDGET_FACTOR, BUDGET_EXTRA_S = 3.0, 5.0  # a mutant's wall budget: 3x the reference's grading time + 5 s

# ---------------------------------------------------------------- operators

# The classic operators, after mutmut's (mutmut/node_mutation.py in mutmut 3.3, mutation/mutators.py in 3.8).
ARITHMETIC = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
              ast.Mod: ast.Div, ast.Pow: ast.Mult, ast.LShift: ast.RShift, ast.RShift: ast.LShift,
              ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd, ast.BitXor: ast.BitAnd, ast.MatMult: ast.Mult}
OP_TEXT = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**",
           ast.LShift: "<<", ast.RShift: ">>", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.MatMult: "@"}
COMPARISON = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
              ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
CMP_TEXT = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is",
            ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}

# PyTorch mistakes: a method or function name swapped for its sibling (only where it is called).
NAME_SWAPS = {
    "sum": ("sum-mean", "mean"), "mean": ("sum-mean", "sum"),
    "max": ("max-min", "min"), "min": ("max-min", "max"), "amax": ("max-min", "amin"), "amin": ("max-min", "amax"),
    "argmax": ("max-min", "argmin"), "argmin": ("max-min", "argmax"),
    "maximum": ("max-min", "minimum"), "minimum": ("max-min", "maximum"),
    "clamp_min": ("max-min", "clamp_max"), "clamp_max": ("max-min", "clamp_min"),
    "exp": ("exp-expm1", "expm1"), "expm1": ("exp-expm1", "exp"),
    "log": ("log-log1p", "log1p"), "log1p": ("log-log1p", "log"),
}
# Keyword flags whose default is False: setting them True is the point, so the mutant drops them.
DROPPED_FLAGS = {"keepdim": "keepdim-dropped", "retain_graph": "retain-graph-dropped",
                 "create_graph": "create-graph-dropped"}
# Keywords keyword-removed leaves alone: without device=, a tensor lands on the CPU, which no grader can
# tell apart on the CPU-only machines prep's CI runs on (where a GPU exists, the device graders check it).
NOT_REMOVED = {"device"}
# Methods and functions whose first positional argument (after the tensor, for torch.f) is a dim.
DIM_METHODS = {"sum", "mean", "softmax", "log_softmax", "cumsum", "cumprod", "argmax", "argmin", "max", "min",
               "amax", "amin", "prod", "std", "var", "logsumexp", "unsqueeze", "squeeze", "size", "all", "any",
               "median", "flatten", "unbind", "norm_except_dim", "count_nonzero", "nansum", "nanmean"}
DIM_FUNCTIONS = DIM_METHODS - {"size"} | {"cat", "stack", "concat", "concatenate"}
GRAD_MODE_OFF = ("no_grad", "inference_mode")
ZEROING = ("zero_", "zero_grad")

OPERATORS = {
    # classic
    "number": "a number n becomes n + 1, and 0 (unless it is 0)",
    "comparison": "< <= > >= == != is in: each swapped for its neighbour (< for <=, == for !=, is for is not...)",
    "arithmetic": "+ - * / // % ** @ << >> & | ^ swapped (+ for -, * for /, // and % for /, ** and @ for *...)",
    "boolean": "and for or, or for and",
    "not-removed": "not x and ~x become x",
    "true-false": "True for False and back",
    "aug-assign": "x += y becomes x = y (every augmented assignment); the arithmetic swap gives x -= y",
    "unary-minus-removed": "-x becomes x",
    "return-none": "return x becomes return None",
    "call-removed": "a call statement (f(x) on its own line) becomes pass",
    "keyword-removed": "f(a, k=v) becomes f(a) (except device=: see NOT_REMOVED)",
    "keyword-flipped": "f(k=True) becomes f(k=False) and back",
    "loop-control": "break for continue, continue for break",
    # PyTorch
    "sum-mean": ".sum( for .mean( and back (methods and torch functions)",
    "dim": "dim= values (and positional dims of .sum(0), torch.cat(xs, 1), .size(0)...): 0 -> 1 and -1, 1 -> 0, -1 -> 0",
    "keepdim-dropped": "keepdim=True removed",
    "detach-removed": "x.detach() becomes x",
    "clone-removed": "x.clone() and torch.clone(x) become x",
    "no-grad-removed": "with torch.no_grad(): (or inference_mode) becomes if True:, and @torch.no_grad() is removed",
    "retain-graph-dropped": "retain_graph=True removed",
    "create-graph-dropped": "create_graph=True removed",
    "zero-grad-removed": "a .zero_() or .zero_grad() call statement becomes pass",
    "max-min": "max for min (and amax, argmax, maximum, clamp_max, min= and max= keywords), and back",
    "exp-expm1": "exp for expm1 and back",
    "log-log1p": "log for log1p and back",
    "index": "an index 0 becomes -1, and -1 becomes 0 (x[0], x[:, -1])",
    "slice": "a slice bound shifted by one each way (x[1:] -> x[2:] and x[0:], x[:n] -> x[:n + 1] and x[:n - 1])",
    "where-swap": "torch.where(c, a, b) becomes torch.where(c, b, a)",
}
TORCH_OPERATORS = ("sum-mean", "dim", "keepdim-dropped", "detach-removed", "clone-removed", "no-grad-removed",
                   "retain-graph-dropped", "create-graph-dropped", "zero-grad-removed", "max-min", "exp-expm1",
                   "log-log1p", "index", "slice", "where-swap")


@dataclass(frozen=True)
class Mutant:
    """One mutant of a reference solution."""

    id: str  # "<operator>: <original> => <mutated>" (+ " #k"): what [[equivalent_mutants]] mutant = "..." names
    operator: str
    line: int  # first line of the change in the solution file (shown, never part of the id)
    original: str  # the changed line(s) of the reference, stripped (joined by one space if several)
    mutated: str  # the same line(s) in the mutant ("(removed)" when the line is gone)
    source: str  # the whole mutated solution file

    @property
    def diff(self) -> str:
        return f"{self.original} => {self.mutated}"


@dataclass
class _Edit:
    start: int  # character offsets into the source
    end: int
    text: str


class _Source:
    """The solution text, with ast positions (lines, UTF-8 byte columns) turned into character offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = re.findall(r"[^\n]*\n|[^\n]+$", text)  # ast's lines: split at \n only
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, lineno: int, col: int) -> int:
        if lineno - 1 >= len(self.lines):
            return len(self.text)
        line = self.lines[lineno - 1]
        return self.starts[lineno - 1] + len(line.encode("utf-8")[:col].decode("utf-8", "replace"))

    def start(self, node: ast.AST) -> int:
        return self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> int:
        return self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]

    def seg(self, node: ast.AST) -> str:
        return self.text[self.start(node):self.end(node)]

    def line_of(self, offset: int) -> int:
        """1-based line number holding character ``offset``."""
        lo, hi = 0, len(self.lines) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1


def solution_line_ranges(source: str) -> list[tuple[int, int]]:
    """(first, last) 1-based lines strictly inside each ``### BEGIN SOLUTION`` / ``### END SOLUTION`` pair."""
    ranges, start = [], None
    for i, line in enumerate(source.splitlines(), 1):
        s = line.strip()
        if s == BEGIN_SOLUTION:
            start = i
        elif s == END_SOLUTION and start is not None:
            if i - 1 > start:
                ranges.append((start + 1, i - 1))
            start = None
    return ranges


def _int_literal(node: ast.AST) -> int | None:
    """The value of an int literal (``3``, ``-1``), else None."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant)
            and type(node.operand.value) is int):
        return -node.operand.value
    return None


def _number_node(value: int | float) -> ast.expr:
    if value < 0:
        return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-value))
    return ast.Constant(value=value)


def _number_text(value: int | float) -> str:
    return repr(value)


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _call_name(call: ast.Call) -> str:
    """The called method's or function's last name: ``x.sum(...)`` -> ``sum``."""
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _dim_targets(value: int) -> list[int]:
    if value == 0:
        return [1, -1]
    if value in (1, -1):
        return [0]
    return [value - 1] if value > 0 else [value + 1]


def _gap_token(gap: str, token: str) -> int:
    """Where the operator ``token`` stands in the text between two operands, or -1 when unsure."""
    if "#" in gap or "\\" in gap:
        return -1
    core = re.sub(r"\s+", " ", gap.replace("(", " ").replace(")", " ")).strip()
    if core != token:
        return -1
    return gap.find(token)  # -1 for "is  not" written with two spaces: the caller falls back to unparse


@dataclass
class _Candidate:
    operator: str
    target: ast.AST  # the node replaced in the tree
    replacement: Any  # the node that takes its place
    edits: list[_Edit]  # text edits to try in turn: the first that parses to the mutated tree wins


class _Mutator:
    def __init__(self, source: str) -> None:
        self.src = _Source(source)
        self.tree = ast.parse(source)
        self.regions = solution_line_ranges(source)
        self.parents: dict[int, tuple[ast.AST, str, int | None]] = {}
        for parent in ast.walk(self.tree):
            for name, value in ast.iter_fields(parent):
                if isinstance(value, list):
                    for i, child in enumerate(value):
                        if isinstance(child, ast.AST):
                            self.parents[id(child)] = (parent, name, i)
                elif isinstance(value, ast.AST):
                    self.parents[id(value)] = (parent, name, None)
        self.skip: set[int] = set()  # nodes no operator touches: f-strings, annotations
        for node in ast.walk(self.tree):
            if isinstance(node, ast.JoinedStr):
                self.skip.update(id(n) for n in ast.walk(node))
            for name in ("annotation", "returns"):
                sub = getattr(node, name, None)
                if isinstance(sub, ast.AST):
                    self.skip.update(id(n) for n in ast.walk(sub))

    # ------------------------------------------------------------ where

    def inside(self, node: ast.AST) -> bool:
        if id(node) in self.skip or not hasattr(node, "lineno"):
            return False
        first, last = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        return any(a <= first and last <= b for a, b in self.regions)

    def parent(self, node: ast.AST) -> tuple[ast.AST, str, int | None] | None:
        return self.parents.get(id(node))

    # ------------------------------------------------------------ edits

    def node_edits(self, node: ast.AST, new: ast.AST, fine: _Edit | None = None) -> list[_Edit]:
        """Try a minimal edit first, then the new node's text over the old one's, then parenthesised."""
        start, end = self.src.start(node), self.src.end(node)
        edits = [fine] if fine is not None else []
        try:
            text = ast.unparse(new)
        except Exception:  # noqa: BLE001 - an odd node: keep only the fine edit
            return edits
        edits += [_Edit(start, end, text), _Edit(start, end, f"({text})")]
        return edits

    def replace_text(self, node: ast.AST, text: str) -> _Edit:
        return _Edit(self.src.start(node), self.src.end(node), text)

    def candidate(self, operator: str, node: ast.AST, new: Any, fine: _Edit | None = None) -> _Candidate:
        return _Candidate(operator, node, new, self.node_edits(node, new, fine) if isinstance(new, ast.expr)
                          else [fine] if fine is not None else [])

    # ------------------------------------------------------------ the operators

    def torch_operators(self, node: ast.AST) -> Iterator[_Candidate]:
        src = self.src
        if isinstance(node, ast.Call):
            name = _call_name(node)
            f = node.func
            # sum-mean, max-min, exp-expm1, log-log1p: a called name swapped for its sibling
            if name in NAME_SWAPS:
                op, other = NAME_SWAPS[name]
                if isinstance(f, ast.Attribute):
                    end = src.end(f)
                    new_f = ast.Attribute(value=f.value, attr=other, ctx=ast.Load())
                    fine = _Edit(end - len(name), end, other) if src.text[end - len(name):end] == name else None
                    yield self.candidate(op, f, new_f, fine)
                elif isinstance(f, ast.Name) and name in ("max", "min"):
                    yield self.candidate(op, f, ast.Name(id=other, ctx=ast.Load()), self.replace_text(f, other))
            # max-min on keywords: x.clamp(min=0) -> x.clamp(max=0)
            if name in ("clamp", "clamp_", "clip", "clip_"):
                for kw in node.keywords:
                    if kw.arg in ("min", "max"):
                        other = "max" if kw.arg == "min" else "min"
                        new = copy.copy(node)
                        new.keywords = [ast.keyword(arg=other, value=k.value) if k is kw else k for k in node.keywords]
                        s = src.start(kw)
                        fine = _Edit(s, s + 3, other) if src.text[s:s + 3] == kw.arg else None
                        yield self.candidate("max-min", node, new, fine)
            # dim values, by keyword and by position
            dims: list[ast.AST] = [kw.value for kw in node.keywords if kw.arg == "dim"]
            if isinstance(f, ast.Attribute) and node.args:
                is_torch_function = _dotted(f.value) in ("torch", "torch.nn.functional", "F", "nn.functional")
                if is_torch_function and name in DIM_FUNCTIONS and len(node.args) >= 2:
                    dims.append(node.args[1])
                elif not is_torch_function and name in DIM_METHODS:
                    dims.append(node.args[0])
            for d in dims:
                value = _int_literal(d)
                if value is None:
                    continue
                for target in _dim_targets(value):
                    yield self.candidate("dim", d, _number_node(target), self.replace_text(d, str(target)))
            # flags with a False default, set True: dropped
            for kw in node.keywords:
                if kw.arg in DROPPED_FLAGS and isinstance(kw.value, ast.Constant) and kw.value.value is True:
                    yield from self.keyword_removed(node, kw, DROPPED_FLAGS[kw.arg])
            # detach-removed, clone-removed
            if isinstance(f, ast.Attribute) and name in ("detach", "clone") and not node.keywords:
                if not node.args and not _dotted(f.value) == "torch":
                    op = f"{name}-removed"
                    yield self.candidate(op, node, f.value, self.replace_text(node, src.seg(f.value)))
                elif len(node.args) == 1 and _dotted(f.value) == "torch" and not isinstance(node.args[0], ast.Starred):
                    yield self.candidate(f"{name}-removed", node, node.args[0],
                                         self.replace_text(node, src.seg(node.args[0])))
            # where-swap
            if name == "where" and len(node.args) == 3 and not node.keywords \
                    and not any(isinstance(a, ast.Starred) for a in node.args):
                a, b = node.args[1], node.args[2]
                new = copy.copy(node)
                new.args = [node.args[0], b, a]
                fine = _Edit(src.start(a), src.end(b), src.seg(b) + src.text[src.end(a):src.start(b)] + src.seg(a))
                yield self.candidate("where-swap", node, new, fine)
        # zero-grad-removed
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and _call_name(node.value) in ZEROING \
                and isinstance(node.value.func, ast.Attribute):
            yield _Candidate("zero-grad-removed", node, ast.Pass(), [self.replace_text(node, "pass")])
        # no-grad-removed
        if isinstance(node, (ast.With, ast.AsyncWith)):
            off = [it for it in node.items if self.grad_mode_off(it.context_expr) and it.optional_vars is None]
            if off:
                rest = [it for it in node.items if it not in off]
                last = node.items[-1]
                header_end = src.end(last.optional_vars or last.context_expr)
                if rest:
                    new: Any = copy.copy(node)
                    new.items = rest
                    text = "with " + ", ".join(src.seg(it.context_expr) + (f" as {src.seg(it.optional_vars)}"
                                                                          if it.optional_vars else "") for it in rest)
                else:
                    new = ast.If(test=ast.Constant(value=True), body=node.body, orelse=[])
                    text = "if True"
                yield _Candidate("no-grad-removed", node, new, [_Edit(src.start(node), header_end, text)])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for dec in node.decorator_list:
                if not (self.grad_mode_off(dec) and self.inside(dec)):
                    continue
                line = src.lines[dec.lineno - 1]
                if line.strip() != "@" + src.seg(dec).strip():
                    continue
                new = copy.copy(node)
                new.decorator_list = [d for d in node.decorator_list if d is not dec]
                first = src.starts[dec.lineno - 1]
                yield _Candidate("no-grad-removed", node, new, [_Edit(first, first + len(line), "")])
        # index: x[0] <-> x[-1]
        if isinstance(node, ast.Subscript):
            elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            for e in elements:
                value = _int_literal(e)
                if value in (0, -1):
                    target = -1 if value == 0 else 0
                    yield self.candidate("index", e, _number_node(target), self.replace_text(e, str(target)))
        # slice bounds shifted by one
        if isinstance(node, ast.Slice):
            for bound in (node.lower, node.upper):
                if bound is None:
                    continue
                value = _int_literal(bound)
                for delta in (1, -1):
                    if value is not None:
                        yield self.candidate("slice", bound, _number_node(value + delta),
                                             self.replace_text(bound, str(value + delta)))
                    else:
                        new = ast.BinOp(left=bound, op=ast.Add() if delta > 0 else ast.Sub(), right=ast.Constant(1))
                        text = f"{src.seg(bound)} {'+' if delta > 0 else '-'} 1"
                        yield self.candidate("slice", bound, new, self.replace_text(bound, text))

    @staticmethod
    def grad_mode_off(expr: ast.AST) -> bool:
        if isinstance(expr, ast.Call):
            expr = expr.func
        name = _dotted(expr)
        return name.split(".")[-1] in GRAD_MODE_OFF and name.startswith("torch")

    def keyword_removed(self, call: ast.Call, kw: ast.keyword, operator: str) -> Iterator[_Candidate]:
        src = self.src
        new = copy.copy(call)
        new.keywords = [k for k in call.keywords if k is not kw]
        items = sorted([*call.args, *call.keywords], key=lambda n: (n.lineno, n.col_offset))
        i = next(j for j, n in enumerate(items) if n is kw)
        if i > 0:
            fine = _Edit(src.end(items[i - 1]), src.end(kw), "")
        elif len(items) > 1:
            fine = _Edit(src.start(kw), src.start(items[1]), "")
        else:
            fine = _Edit(src.start(kw), src.end(kw), "")
        yield self.candidate(operator, call, new, fine)

    def classic_operators(self, node: ast.AST) -> Iterator[_Candidate]:
        src = self.src
        parent = self.parent(node)
        if isinstance(node, ast.Constant) and not isinstance(node.value, bool) and isinstance(node.value, (int, float)):
            is_negated = parent is not None and isinstance(parent[0], ast.UnaryOp) and isinstance(parent[0].op, ast.USub)
            if not is_negated:
                value = node.value
                targets = [value + 1] + ([0] if value != 0 else [])
                for t in targets:
                    t = type(value)(t)
                    yield self.candidate("number", node, ast.Constant(value=t), self.replace_text(node, _number_text(t)))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
                and isinstance(node.operand.value, (int, float)) and not isinstance(node.operand.value, bool):
            value = -node.operand.value
            for t in (value - 1, type(value)(0)):
                yield self.candidate("number", node, _number_node(t), self.replace_text(node, _number_text(t)))
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            if not (parent is not None and isinstance(parent[0], ast.keyword)):
                other = not node.value
                yield self.candidate("true-false", node, ast.Constant(value=other), self.replace_text(node, str(other)))
        if isinstance(node, ast.keyword) and node.arg is not None and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, bool):
            if not (node.arg in DROPPED_FLAGS and node.value.value is True):
                other = not node.value.value
                yield self.candidate("keyword-flipped", node.value, ast.Constant(value=other),
                                     self.replace_text(node.value, str(other)))
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg is not None and kw.arg not in NOT_REMOVED and not (
                        kw.arg in DROPPED_FLAGS and isinstance(kw.value, ast.Constant) and kw.value.value is True):
                    yield from self.keyword_removed(node, kw, "keyword-removed")
        if isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC:
            new_op = ARITHMETIC[type(node.op)]
            new = ast.BinOp(left=node.left, op=new_op(), right=node.right)
            fine = self.gap_edit(node.left, node.right, OP_TEXT[type(node.op)], OP_TEXT[new_op])
            yield self.candidate("arithmetic", node, new, fine)
        if isinstance(node, ast.AugAssign) and type(node.op) in ARITHMETIC:
            token = OP_TEXT[type(node.op)] + "="
            assign = ast.Assign(targets=[node.target], value=node.value)
            yield _Candidate("aug-assign", node, assign,
                             [e for e in [self.gap_edit(node.target, node.value, token, "=")] if e])
            new_op = ARITHMETIC[type(node.op)]
            swapped = ast.AugAssign(target=node.target, op=new_op(), value=node.value)
            yield _Candidate("arithmetic", node, swapped,
                             [e for e in [self.gap_edit(node.target, node.value, token, OP_TEXT[new_op] + "=")] if e])
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            for i, op in enumerate(node.ops):
                new_op = COMPARISON[type(op)]
                new = ast.Compare(left=node.left, ops=[new_op() if j == i else o for j, o in enumerate(node.ops)],
                                  comparators=node.comparators)
                fine = self.gap_edit(operands[i], operands[i + 1], CMP_TEXT[type(op)], CMP_TEXT[new_op])
                yield self.candidate("comparison", node, new, fine)
        if isinstance(node, ast.BoolOp):
            old, other = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
            new = ast.BoolOp(op=ast.Or() if old == "and" else ast.And(), values=node.values)
            parts = [src.seg(node.values[0])]
            ok = True
            for left, right in zip(node.values, node.values[1:]):
                gap = src.text[src.end(left):src.start(right)]
                at = _gap_token(gap, old)
                ok = ok and at >= 0
                parts += [gap[:at] + other + gap[at + len(old):] if at >= 0 else gap, src.seg(right)]
            fine = _Edit(src.start(node.values[0]), src.end(node.values[-1]), "".join(parts)) if ok else None
            yield self.candidate("boolean", node, new, fine)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, (ast.Not, ast.Invert)):
                yield self.candidate("not-removed", node, node.operand, self.replace_text(node, src.seg(node.operand)))
            elif isinstance(node.op, ast.USub) and not isinstance(node.operand, ast.Constant):
                yield self.candidate("unary-minus-removed", node, node.operand,
                                     self.replace_text(node, src.seg(node.operand)))
        if isinstance(node, ast.Return) and node.value is not None \
                and not (isinstance(node.value, ast.Constant) and node.value.value is None):
            new = ast.Return(value=ast.Constant(value=None))
            yield _Candidate("return-none", node, new, [self.replace_text(node.value, "None")])
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            yield _Candidate("call-removed", node, ast.Pass(), [self.replace_text(node, "pass")])
        if isinstance(node, (ast.Break, ast.Continue)):
            new = ast.Continue() if isinstance(node, ast.Break) else ast.Break()
            yield _Candidate("loop-control", node, new,
                             [self.replace_text(node, "continue" if isinstance(node, ast.Break) else "break")])

    def gap_edit(self, left: ast.AST, right: ast.AST, token: str, new_token: str) -> _Edit | None:
        start, end = self.src.end(left), self.src.start(right)
        gap = self.src.text[start:end]
        at = _gap_token(gap, token)
        if at < 0:
            return None
        return _Edit(start + at, start + at + len(token), new_token)

    # ------------------------------------------------------------ making mutants

    def candidates(self) -> Iterator[_Candidate]:
        nodes = [n for n in ast.walk(self.tree) if self.inside(n)
                 or isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.decorator_list]
        for family in (self.torch_operators, self.classic_operators):  # torch first: it names a shared mutant
            for node in nodes:
                if not self.inside(node) and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                try:
                    yield from family(node)
                except (AttributeError, StopIteration, ValueError, TypeError):
                    continue

    def expected_dump(self, cand: _Candidate) -> str | None:
        """The dump of the tree with the candidate's replacement in place (the tree is restored after)."""
        where = self.parent(cand.target)
        if where is None:
            return None
        parent, name, index = where
        old = getattr(parent, name)
        if index is None:
            setattr(parent, name, cand.replacement)
        else:
            old = list(old)
            changed = list(old)
            changed[index] = cand.replacement
            setattr(parent, name, changed)
        try:
            return ast.dump(self.tree)
        finally:
            setattr(parent, name, old)

    def mutants(self) -> list[Mutant]:
        original_dump = ast.dump(self.tree)
        seen = {original_dump}
        made: list[tuple[int, str, str, str, str, str]] = []  # (start, operator, original, mutated, source, dump)
        for cand in self.candidates():
            want = self.expected_dump(cand)
            if want is None or want in seen:
                continue
            for edit in cand.edits:
                text = self.src.text[:edit.start] + edit.text + self.src.text[edit.end:]
                try:
                    got = ast.dump(ast.parse(text))
                except (SyntaxError, ValueError):
                    continue
                if got != want:
                    continue
                try:
                    compile(text, "<mutant>", "exec")
                except (SyntaxError, ValueError):
                    break
                seen.add(want)
                before, after = self.lines_changed(edit)
                made.append((edit.start, cand.operator, before, after, text, want))
                break
        made.sort(key=lambda m: m[0])
        counts: dict[str, int] = {}
        out = []
        for start, operator, before, after, text, _ in made:
            base = f"{operator}: {before} => {after}"
            counts[base] = counts.get(base, 0) + 1
            mid = base if counts[base] == 1 else f"{base} #{counts[base]}"
            out.append(Mutant(mid, operator, self.src.line_of(start), before, after, text))
        return out

    def lines_changed(self, edit: _Edit) -> tuple[str, str]:
        """The original and mutated text of the lines an edit touches, each stripped to one line."""
        first = self.src.line_of(edit.start)
        last = self.src.line_of(max(edit.end - 1, edit.start)) if edit.end > edit.start else first
        lo, hi = self.src.starts[first - 1], self.src.starts[last]
        before = self.src.text[lo:hi]
        after = self.src.text[lo:edit.start] + edit.text + self.src.text[edit.end:hi]
        return _one_line(before), _one_line(after) or "(removed)"


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def generate(source: str) -> list[Mutant]:
    """Every mutant of the code inside the SOLUTION regions of ``source``, in file order."""
    return _Mutator(source).mutants()


def normalize_id(text: str) -> str:
    return " ".join(text.split())


def match_equivalents(mutants: list[Mutant], marked: tuple[bank.EquivalentMutant, ...]
                      ) -> tuple[dict[str, bank.EquivalentMutant], list[bank.EquivalentMutant]]:
    """(mutant id -> its [[equivalent_mutants]] entry, entries that match no mutant: stale)."""
    by_id = {normalize_id(m.id): m.id for m in mutants}
    matched: dict[str, bank.EquivalentMutant] = {}
    stale = []
    for entry in marked:
        mid = by_id.get(normalize_id(entry.mutant))
        if mid is None:
            stale.append(entry)
        else:
            matched[mid] = entry
    return matched, stale


def sample(mutants: list[Mutant], cap: int) -> list[Mutant]:
    """At most ``cap`` mutants, deterministically: round robin over the operators, each operator's mutants
    in an order given by a hash of their ids (so unrelated edits barely change the pick), then file order."""
    if len(mutants) <= cap:
        return list(mutants)
    groups: dict[str, list[Mutant]] = {}
    for m in mutants:
        groups.setdefault(m.operator, []).append(m)
    for ms in groups.values():
        ms.sort(key=lambda m: hashlib.sha256(m.id.encode()).hexdigest())
    picked: list[Mutant] = []
    depth = 0
    while len(picked) < cap:
        for name in sorted(groups):
            if depth < len(groups[name]) and len(picked) < cap:
                picked.append(groups[name][depth])
        depth += 1
    order = {m.id: i for i, m in enumerate(mutants)}
    return sorted(picked, key=lambda m: order[m.id])


# ---------------------------------------------------------------- grading


@dataclass(frozen=True)
class Grading:
    """One grading of one file, as much of it as the report needs (plain data: it crosses processes)."""

    seed: int
    status: str
    score: float
    max_score: float
    full_marks: bool
    failed: tuple[str, ...]  # graders that did not pass
    duration_s: float
    message: str = ""
    prep_failed: bool = False  # prep's own machinery failed (a judge process died): no verdict on the file

    @property
    def kills(self) -> bool:
        return not self.prep_failed and (self.status != "graded" or not self.full_marks)


def grade_file(exercise_id: str, path: str, seed: int, wall_s: float | None, pool: Any,
               verdict_only: bool = False) -> Grading:
    """Grade one file with the exercise's public and hidden graders, within ``wall_s`` if given.

    ``verdict_only`` (a mutant): stop at the first grader that fails, which is enough to call it killed."""
    from grader.judge.grading import grade, limits_for

    ex = bank.load(exercise_id)
    limits = limits_for(ex)
    if wall_s is not None:
        limits = dataclasses.replace(limits, wall_s=min(limits.wall_s, wall_s))
    try:
        r = grade(ex, Path(path), seed=seed, limits=limits, pool=pool, verdict_only=verdict_only)
    except Exception as e:  # noqa: BLE001 - prep's own failure, reported as such
        return Grading(seed, "infra_error", 0.0, ex.max_score, False, (), 0.0,
                       f"prep failed while grading ({type(e).__name__}: {e})", prep_failed=True)
    failed = tuple(t.name for t in r.tests if t.outcome not in ("passed", "not_run"))
    return Grading(seed, r.status, float(r.score), float(r.max_score), r.full_marks, failed, r.duration_s, r.message)


JUDGE_DIED = "a judge process failed"


def serve() -> None:
    """A judge process of ``--jobs N``: grade the tasks read from stdin (JSON lines), one answer line each.

    Started by ``Judges`` as ``python -c "from grader.mutation import serve; serve()" [PRELOAD...]``.
    It dies with its coordinator (PR_SET_PDEATHSIG, and end of input), and owns one warm worker pool.
    """
    import ctypes
    import json
    import os
    import signal
    import sys

    answers = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # anything grading prints goes to the log, never into the answers
    if sys.platform == "linux":
        try:
            ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    from grader.judge.grading import warm_up_judge
    from grader.judge.pool import WorkerPool

    preload = tuple(sys.argv[1:])
    with WorkerPool(preload=preload) as pool:
        warm_up_judge(preload)
        for line in sys.stdin:
            exercise_id, path, seed, wall_s, verdict_only = json.loads(line)
            g = grade_file(exercise_id, path, seed, wall_s, pool, verdict_only)
            answers.write(json.dumps(dataclasses.asdict(g)) + "\n")


Task = tuple[str, str, int, "float | None", bool]  # (exercise id, path, seed, wall budget, verdict only)


class _JudgeProcess:
    """One judge process (see ``serve``), spoken to over pipes: no multiprocessing machinery."""

    def __init__(self, preload: tuple[str, ...]) -> None:
        self.preload = preload
        self.proc: Any = None
        self.log: Any = None

    def start(self) -> None:
        import subprocess
        import sys

        self.close()
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, "-c", "from grader.mutation import serve; serve()",
                                      *self.preload], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True, bufsize=1)

    def grade(self, task: Task) -> Grading:
        import json

        if self.proc is None or self.proc.poll() is not None:
            self.start()
        try:
            self.proc.stdin.write(json.dumps(list(task)) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except (OSError, ValueError):
            line = ""
        if not line:
            why = self.log_tail()
            self.close()
            return Grading(task[2], "infra_error", 0.0, 0.0, False, (), 0.0, f"{JUDGE_DIED}: {why}", prep_failed=True)
        data = json.loads(line)
        data["failed"] = tuple(data["failed"])
        return Grading(**data)

    def log_tail(self) -> str:
        if self.log is None:
            return ""
        try:
            self.log.seek(0)
            text = self.log.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        return text.splitlines()[-1][:300] if text else "it exited"

    def close(self) -> None:
        if self.proc is not None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except Exception:  # noqa: BLE001 - a stuck or dead judge: kill it
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        if self.log is not None:
            self.log.close()
            self.log = None


class Judges:
    """Grades files: in this process with one warm pool (jobs=1), or in ``jobs`` judge processes, a pool each."""

    def __init__(self, jobs: int = 1, preload: tuple[str, ...] = (), *, pool: Any = None) -> None:
        """``pool``: an existing ``WorkerPool`` to grade with in this process (it is not closed here)."""
        self.jobs = 1 if pool is not None else max(1, jobs)
        self.pool: Any = pool
        self.own_pool = pool is None
        self.judges: list[_JudgeProcess] = []
        if pool is None and self.jobs == 1:
            from grader.judge.grading import warm_up_judge
            from grader.judge.pool import WorkerPool

            self.pool = WorkerPool(preload=preload)
            warm_up_judge(preload)
        elif pool is None:
            self.judges = [_JudgeProcess(preload) for _ in range(self.jobs)]
            for judge in self.judges:
                judge.start()  # they import torch and warm up while the mutants are made

    def grade(self, tasks: list[Task], on_done: Callable[[], None] | None = None) -> list[Grading]:
        """Grade every task (results in the same order)."""
        if not self.judges:
            out = []
            for task in tasks:
                exercise_id, path, seed, wall_s, verdict_only = task
                out.append(grade_file(exercise_id, path, seed, wall_s, self.pool, verdict_only))
                if on_done:
                    on_done()
            return out
        import queue
        import threading

        results: list[Grading | None] = [None] * len(tasks)
        todo: queue.Queue[int] = queue.Queue()
        for i in range(len(tasks)):
            todo.put(i)
        lock = threading.Lock()

        def work(judge: _JudgeProcess) -> None:
            while True:
                try:
                    i = todo.get_nowait()
                except queue.Empty:
                    return
                g = judge.grade(tasks[i])
                if g.prep_failed:
                    g = judge.grade(tasks[i])  # once more, in a fresh judge process
                results[i] = g
                if on_done:
                    with lock:
                        on_done()

        threads = [threading.Thread(target=work, args=(j,), daemon=True) for j in self.judges]
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(0.2)  # a short wait keeps Ctrl-C responsive
        return [r for r in results if r is not None]

    def close(self) -> None:
        if self.pool is not None and self.own_pool:
            self.pool.close()
        for judge in self.judges:
            judge.close()

    def __enter__(self) -> "Judges":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


# ---------------------------------------------------------------- the report


@dataclass
class MutantResult:
    mutant: Mutant
    verdict: str  # "killed", "survived", or "equivalent" (marked in exercise.toml; not scored)
    gradings: list[Grading] = field(default_factory=list)
    reason: str = ""  # why it is equivalent (from exercise.toml)

    @property
    def killed_by(self) -> Grading | None:
        return next((g for g in self.gradings if g.kills), None)

    @property
    def only_some_seeds(self) -> bool:
        """Killed, but not by the first seed: the graders' verdict on it depends on the random inputs."""
        return self.verdict == "killed" and bool(self.gradings) and not self.gradings[0].kills

    def to_json(self) -> dict[str, Any]:
        k = self.killed_by
        data: dict[str, Any] = {"id": self.mutant.id, "operator": self.mutant.operator, "line": self.mutant.line,
                                "original": self.mutant.original, "mutated": self.mutant.mutated,
                                "verdict": self.verdict, "seeds": [g.seed for g in self.gradings]}
        if k is not None:
            data["killed_by"] = {"seed": k.seed, "status": k.status, "score": k.score, "failed": list(k.failed)}
        if self.verdict == "killed":
            data["only_some_seeds"] = self.only_some_seeds
        if self.reason:
            data["reason"] = self.reason
        return data


@dataclass
class ExerciseReport:
    exercise: str
    kind: str
    generated: int = 0  # every mutant the operators made (before the cap)
    results: list[MutantResult] = field(default_factory=list)  # graded: the sample plus the equivalent ones
    stale: list[bank.EquivalentMutant] = field(default_factory=list)  # entries that match no mutant
    skipped: str = ""  # why the exercise was not mutation-tested (a quiz)
    error: str = ""  # why it could not be (the reference loses points...)
    reference_s: float = 0.0  # the reference's grading time (the fastest over the seeds)
    budget_s: float = 0.0  # each mutant's wall budget
    seeds: tuple[int, ...] = DEFAULT_SEEDS
    duration_s: float = 0.0

    @property
    def scored(self) -> list[MutantResult]:
        return [r for r in self.results if r.verdict != "equivalent"]

    @property
    def equivalent(self) -> list[MutantResult]:
        return [r for r in self.results if r.verdict == "equivalent"]

    @property
    def killed(self) -> int:
        return sum(r.verdict == "killed" for r in self.results)

    @property
    def total(self) -> int:
        return len(self.scored)

    @property
    def survivors(self) -> list[MutantResult]:
        return [r for r in self.results if r.verdict == "survived"]

    @property
    def flaky(self) -> list[MutantResult]:
        return [r for r in self.results if r.only_some_seeds]

    @property
    def not_graded_kills(self) -> list[MutantResult]:
        """Killed by a status other than 'graded' (timeout, crash, a grader that failed on the mutant...)."""
        return [r for r in self.results if r.verdict == "killed" and r.killed_by and r.killed_by.status != "graded"]

    @property
    def killed_equivalent(self) -> list[MutantResult]:
        """Marked equivalent, yet the graders take points off it: the mark is wrong (or a grader is)."""
        return [r for r in self.equivalent if any(g.kills for g in r.gradings)]

    @property
    def score(self) -> float:
        return self.killed / self.total if self.total else 1.0

    @property
    def reaches_goal(self) -> bool:
        if self.skipped:
            return True
        return not self.error and self.score >= GOAL

    def to_json(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise, "kind": self.kind, "skipped": self.skipped or None, "error": self.error or None,
            "generated": self.generated, "mutants": self.total, "equivalent": len(self.equivalent),
            "killed": self.killed, "score": round(self.score, 4), "goal": GOAL, "reaches_goal": self.reaches_goal,
            "survivors": [r.to_json() for r in self.survivors],
            "killed_only_by_some_seeds": [r.mutant.id for r in self.flaky],
            "stale_equivalent_mutants": [{"mutant": e.mutant, "reason": e.reason} for e in self.stale],
            "equivalent_mutants": [r.to_json() for r in self.equivalent],
            "marked_equivalent_but_killed": [r.mutant.id for r in self.killed_equivalent],
            "seeds": list(self.seeds), "reference_s": round(self.reference_s, 3), "budget_s": round(self.budget_s, 2),
            "duration_s": round(self.duration_s, 2), "results": [r.to_json() for r in self.results],
        }


def mutation_test(ex: bank.Exercise, judges: Judges, *, max_mutants: int = DEFAULT_MAX_MUTANTS,
                  seeds: tuple[int, ...] = DEFAULT_SEEDS,
                  on_progress: Callable[[str, int, int], None] | None = None) -> ExerciseReport:
    """Mutation-test one exercise's graders with ``judges`` (see the module docstring)."""
    started = time.monotonic()
    report = ExerciseReport(ex.id, ex.kind, seeds=tuple(seeds))
    if ex.kind == "quiz":
        report.skipped = "quiz: its answers are data, not code to mutate"
        return report
    try:
        mutants = generate(ex.solution_path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError) as e:
        report.error = f"could not read the reference solution: {e}"
        return report
    report.generated = len(mutants)
    marked, report.stale = match_equivalents(mutants, ex.equivalent_mutants)
    chosen = sample([m for m in mutants if m.id not in marked], max_mutants)
    equivalent = [m for m in mutants if m.id in marked]

    done = [0]
    total = [len(seeds) + len(chosen) + len(equivalent)]

    def tick() -> None:
        done[0] += 1
        if on_progress:
            on_progress(ex.id, done[0], total[0])

    # the reference gets every grader (a failure is reported by name); a mutant only needs its verdict
    reference = judges.grade([(ex.id, str(ex.solution_path), s, None, False) for s in seeds], tick)
    bad = [g for g in reference if g.kills or g.prep_failed]
    if bad:
        g = bad[0]
        report.error = (f"the reference scores {g.score:g}/{g.max_score:g} ({g.status}) with seed {g.seed}"
                        + (f", failing {', '.join(g.failed[:3])}" if g.failed else "")
                        + (f": {g.message}" if g.message else "") + "; fix that first (`prep selftest`)")
        report.duration_s = time.monotonic() - started
        return report
    # The fastest run: the others may include a judge process's one-off start (its zygote, first imports).
    report.reference_s = min(g.duration_s for g in reference)
    wall = bank_wall_s(ex)
    report.budget_s = min(wall, BUDGET_FACTOR * report.reference_s + BUDGET_EXTRA_S)

    with tempfile.TemporaryDirectory(prefix=f"prep-mutants-{ex.id}-") as tmp:
        paths = []
        for i, m in enumerate([*chosen, *equivalent]):
            p = Path(tmp) / f"mutant{i:04d}.py"
            p.write_text(m.source, encoding="utf-8")
            paths.append(str(p))
        first = judges.grade([(ex.id, p, seeds[0], report.budget_s, True) for p in paths], tick)
        # A timeout may be the machine's load, not the mutant: confirm it with a 3x longer budget.
        slow = [i for i, g in enumerate(first) if g.status == "timeout"]
        longer = min(wall, BUDGET_FACTOR * report.budget_s)
        if slow and longer > report.budget_s:
            total[0] += len(slow)
            for i, g in zip(slow, judges.grade([(ex.id, paths[i], seeds[0], longer, True) for i in slow], tick)):
                first[i] = g
        results = [MutantResult(m, "equivalent" if m.id in marked else ("killed" if g.kills else "survived"), [g],
                                marked[m.id].reason if m.id in marked else "")
                   for m, g in zip([*chosen, *equivalent], first)]
        again = [i for i, r in enumerate(results) if r.verdict == "survived"]
        total[0] += len(again) * (len(seeds) - 1)
        tasks = [(ex.id, paths[i], s, report.budget_s, True) for i in again for s in seeds[1:]]
        more = judges.grade(tasks, tick)
        for k, i in enumerate(again):
            gs = more[k * (len(seeds) - 1):(k + 1) * (len(seeds) - 1)]
            results[i].gradings += gs
            if any(g.kills for g in gs):
                results[i].verdict = "killed"
    report.results = results
    broken = [r for r in results if any(g.prep_failed for g in r.gradings) and r.verdict != "killed"]
    if broken:
        report.error = (f"{len(broken)} mutant(s) could not be graded, prep failed "
                        f"({next(g for g in broken[0].gradings if g.prep_failed).message}); run it again")
    report.duration_s = time.monotonic() - started
    return report


def bank_wall_s(ex: bank.Exercise) -> float:
    from grader.judge.grading import limits_for

    return limits_for(ex).wall_s


def run(exercises: list[bank.Exercise], *, max_mutants: int = DEFAULT_MAX_MUTANTS, jobs: int = 1,
        seeds: tuple[int, ...] = DEFAULT_SEEDS, on_report: Callable[[ExerciseReport], None] | None = None,
        on_progress: Callable[[str, int, int], None] | None = None) -> list[ExerciseReport]:
    """Mutation-test each exercise in turn (quizzes are reported as skipped), with ``jobs`` judges."""
    reports: list[ExerciseReport] = []
    gradable = [ex for ex in exercises if ex.kind != "quiz"]
    judges = Judges(jobs, tuple(sorted({m for ex in gradable for m in ex.preload}))) if gradable else None
    try:
        for ex in exercises:
            if judges is None or ex.kind == "quiz":
                report = ExerciseReport(ex.id, ex.kind, skipped="quiz: its answers are data, not code to mutate",
                                        seeds=tuple(seeds))
            else:
                report = mutation_test(ex, judges, max_mutants=max_mutants, seeds=seeds, on_progress=on_progress)
            reports.append(report)
            if on_report:
                on_report(report)
    finally:
        if judges is not None:
            judges.close()
    return reports
