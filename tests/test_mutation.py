"""Mutation testing of the graders (grader/mutation.py, `prep selftest --mutants`).

The operator tests need no torch: they only make mutants of small sources. One end-to-end run
grades a few mutants of autograd-mul through the session's warm worker pool.
"""

from __future__ import annotations

import ast
import dataclasses

import pytest
from click.testing import CliRunner

import cli
from grader import bank, mutation
from grader.bank import EquivalentMutant

HEAD = "# %%\nimport torch\n\n\ndef given(x):\n    return x[0] + 1  # not the learner's: never mutated\n\n\n"


def solution(body: str, head: str = HEAD) -> str:
    """A solution file whose function ``f`` has ``body`` as its SOLUTION region."""
    lines = "\n".join("    " + ln if ln else "" for ln in body.strip("\n").splitlines())
    return f"{head}def f(x, y, n, c, model, opt, xs):\n    ### BEGIN SOLUTION\n{lines}\n    ### END SOLUTION\n"


def ids(source: str) -> set[str]:
    return {m.id for m in mutation.generate(source)}


@pytest.mark.parametrize("body, expected", [
    # classic operators
    ("z = x * 2", ["number: z = x * 2 => z = x * 3", "number: z = x * 2 => z = x * 0",
                   "arithmetic: z = x * 2 => z = x / 2"]),
    ("z = x + y - n", ["arithmetic: z = x + y - n => z = x - y - n", "arithmetic: z = x + y - n => z = x + y + n"]),
    ("z = x ** 2 // n % 3", ["arithmetic: z = x ** 2 // n % 3 => z = x * 2 // n % 3",
                             "arithmetic: z = x ** 2 // n % 3 => z = x ** 2 / n % 3",
                             "arithmetic: z = x ** 2 // n % 3 => z = x ** 2 // n / 3"]),
    ("z = x @ y", ["arithmetic: z = x @ y => z = x * y"]),
    ("ok = x < y and n >= 1", ["comparison: ok = x < y and n >= 1 => ok = x <= y and n >= 1",
                               "comparison: ok = x < y and n >= 1 => ok = x < y and n > 1",
                               "boolean: ok = x < y and n >= 1 => ok = x < y or n >= 1"]),
    ("ok = x == y or n != c", ["comparison: ok = x == y or n != c => ok = x != y or n != c",
                               "comparison: ok = x == y or n != c => ok = x == y or n == c",
                               "boolean: ok = x == y or n != c => ok = x == y and n != c"]),
    ("ok = x is None or y is not None", ["comparison: ok = x is None or y is not None => ok = x is not None or y is "
                                         "not None",
                                         "comparison: ok = x is None or y is not None => ok = x is None or y is None"]),
    ("ok = not c", ["not-removed: ok = not c => ok = c"]),
    ("m = ~c", ["not-removed: m = ~c => m = c"]),
    ("flag = True", ["true-false: flag = True => flag = False"]),
    ("n += 1", ["aug-assign: n += 1 => n = 1", "arithmetic: n += 1 => n -= 1"]),
    ("z = -x", ["unary-minus-removed: z = -x => z = x"]),
    ("k = -1", ["number: k = -1 => k = -2", "number: k = -1 => k = 0"]),
    ("return x * y", ["return-none: return x * y => return None"]),
    ("print(x)", ["call-removed: print(x) => pass"]),
    ("z = x.to(y, non_blocking=True)", ["keyword-removed: z = x.to(y, non_blocking=True) => z = x.to(y)",
                                        "keyword-flipped: z = x.to(y, non_blocking=True) => "
                                        "z = x.to(y, non_blocking=False)"]),
    ("for t in xs:\n    if t is None:\n        continue\n    break",
     ["loop-control: continue => break", "loop-control: break => continue"]),
    # PyTorch operators
    ("z = x.sum(dim=1, keepdim=True)", ["sum-mean: z = x.sum(dim=1, keepdim=True) => z = x.mean(dim=1, keepdim=True)",
                                        "dim: z = x.sum(dim=1, keepdim=True) => z = x.sum(dim=0, keepdim=True)",
                                        "keepdim-dropped: z = x.sum(dim=1, keepdim=True) => z = x.sum(dim=1)"]),
    ("z = torch.mean(x, 0)", ["sum-mean: z = torch.mean(x, 0) => z = torch.sum(x, 0)",
                              "dim: z = torch.mean(x, 0) => z = torch.mean(x, 1)",
                              "dim: z = torch.mean(x, 0) => z = torch.mean(x, -1)"]),
    ("z = x.softmax(-1) + torch.cat([x, y], dim=0)",
     ["dim: z = x.softmax(-1) + torch.cat([x, y], dim=0) => z = x.softmax(0) + torch.cat([x, y], dim=0)",
      "dim: z = x.softmax(-1) + torch.cat([x, y], dim=0) => z = x.softmax(-1) + torch.cat([x, y], dim=1)"]),
    ("n = x.size(0)", ["dim: n = x.size(0) => n = x.size(1)", "dim: n = x.size(0) => n = x.size(-1)"]),
    ("z = x.detach().clone()", ["detach-removed: z = x.detach().clone() => z = x.clone()",
                                "clone-removed: z = x.detach().clone() => z = x.detach()"]),
    ("z = torch.clone(x)", ["clone-removed: z = torch.clone(x) => z = x"]),
    ("with torch.no_grad():\n    x.add_(y)", ["no-grad-removed: with torch.no_grad(): => if True:"]),
    ("with torch.inference_mode():\n    z = model(x)", ["no-grad-removed: with torch.inference_mode(): => if True:"]),
    ("g = torch.autograd.grad(y, x, retain_graph=True, create_graph=True)",
     ["retain-graph-dropped: g = torch.autograd.grad(y, x, retain_graph=True, create_graph=True) => "
      "g = torch.autograd.grad(y, x, create_graph=True)",
      "create-graph-dropped: g = torch.autograd.grad(y, x, retain_graph=True, create_graph=True) => "
      "g = torch.autograd.grad(y, x, retain_graph=True)"]),
    ("opt.zero_grad()\nx.grad.zero_()", ["zero-grad-removed: opt.zero_grad() => pass",
                                         "zero-grad-removed: x.grad.zero_() => pass"]),
    ("z = x.max(1) + max(n, c) + x.clamp(min=0)", [
        "max-min: z = x.max(1) + max(n, c) + x.clamp(min=0) => z = x.min(1) + max(n, c) + x.clamp(min=0)",
        "max-min: z = x.max(1) + max(n, c) + x.clamp(min=0) => z = x.max(1) + min(n, c) + x.clamp(min=0)",
        "max-min: z = x.max(1) + max(n, c) + x.clamp(min=0) => z = x.max(1) + max(n, c) + x.clamp(max=0)"]),
    ("z = torch.exp(x) + x.log1p()", ["exp-expm1: z = torch.exp(x) + x.log1p() => z = torch.expm1(x) + x.log1p()",
                                      "log-log1p: z = torch.exp(x) + x.log1p() => z = torch.exp(x) + x.log()"]),
    ("z = x[0] + y[:, -1]", ["index: z = x[0] + y[:, -1] => z = x[-1] + y[:, -1]",
                             "index: z = x[0] + y[:, -1] => z = x[0] + y[:, 0]"]),
    ("z = x[1:n]", ["slice: z = x[1:n] => z = x[2:n]", "slice: z = x[1:n] => z = x[0:n]",
                    "slice: z = x[1:n] => z = x[1:n + 1]", "slice: z = x[1:n] => z = x[1:n - 1]"]),
    ("z = torch.where(c, x, y)", ["where-swap: z = torch.where(c, x, y) => z = torch.where(c, y, x)"]),
])
def test_operator_makes_the_expected_mutants(body, expected):
    got = ids(solution(body))
    missing = [e for e in expected if e not in got]
    assert not missing, f"missing {missing}; got {sorted(got)}"


def test_device_keyword_is_never_removed():
    got = ids(solution("z = torch.zeros(n, dtype=x.dtype, device=x.device)"))
    assert "keyword-removed: z = torch.zeros(n, dtype=x.dtype, device=x.device) => " \
           "z = torch.zeros(n, device=x.device)" in got
    assert not [i for i in got if i.endswith("=> z = torch.zeros(n, dtype=x.dtype)")]


def test_every_mutant_compiles_changes_only_its_line_and_stays_in_the_solution_region():
    body = """
    z = x.sum(dim=1, keepdim=True) * 2  # a comment the mutants keep
    with torch.no_grad():
        y.add_(z[0])
    if n > 0 and not c:
        z = torch.where(c, x, y)[1:]
    return z.detach()
    """
    source = solution("\n".join(ln[4:] for ln in body.splitlines()))
    mutants = mutation.generate(source)
    assert len(mutants) > 20
    region = mutation.solution_line_ranges(source)
    assert len(region) == 1
    original_lines = source.splitlines()
    for m in mutants:
        compile(m.source, "mutant", "exec")
        assert ast.dump(ast.parse(m.source)) != ast.dump(ast.parse(source))
        assert "# a comment the mutants keep" in m.source and "### BEGIN SOLUTION" in m.source
        changed = [i + 1 for i, (a, b) in enumerate(zip(original_lines, m.source.splitlines())) if a != b]
        assert changed and all(region[0][0] <= i <= region[0][1] for i in changed), m.id
        assert m.id.startswith(f"{m.operator}: ") and f"{m.original} => {m.mutated}" in m.id
        assert original_lines[m.line - 1].strip() == m.original  # every change here is on one line
    assert len({m.id for m in mutants}) == len(mutants)
    assert len({m.source for m in mutants}) == len(mutants)


def test_code_outside_the_solution_regions_is_never_mutated():
    assert ids(solution("pass")) == set()  # HEAD's given() has numbers, operators and an index


def test_ids_do_not_change_when_unrelated_lines_change():
    body = "z = x.sum(dim=1) * 2\nreturn z[0]"
    before = mutation.generate(solution(body))
    moved = HEAD.replace("def given(x):", "# a new comment\n\n\ndef other(a):\n    return a * 3 - 1\n\n\ndef given(x):")
    after = mutation.generate(solution(body, head=moved))
    assert [m.id for m in before] == [m.id for m in after]
    assert all(b.line + 7 == a.line for b, a in zip(before, after))


def test_the_same_text_twice_gets_numbered_ids():
    got = [m.id for m in mutation.generate(solution("z = x * 2\nz = x * 2\nreturn z"))]
    assert "arithmetic: z = x * 2 => z = x / 2" in got
    assert "arithmetic: z = x * 2 => z = x / 2 #2" in got


def test_equivalent_mutants_match_by_id_and_stale_entries_are_found():
    mutants = mutation.generate(solution("z = x * 2\nreturn z"))
    marked = (EquivalentMutant("arithmetic:   z = x * 2 =>  z = x / 2", "whitespace does not matter"),
              EquivalentMutant("arithmetic: z = x * 7 => z = x / 7", "no such line any more"))
    matched, stale = mutation.match_equivalents(mutants, marked)
    assert list(matched) == ["arithmetic: z = x * 2 => z = x / 2"]
    assert matched["arithmetic: z = x * 2 => z = x / 2"].reason == "whitespace does not matter"
    assert [s.mutant for s in stale] == ["arithmetic: z = x * 7 => z = x / 7"]


def test_sampling_is_deterministic_capped_spread_over_operators_and_in_file_order():
    body = "\n".join(f"z{i} = x.sum(dim=1) * {i + 2} + y[0]" for i in range(30)) + "\nreturn z0"
    mutants = mutation.generate(solution(body))
    assert len(mutants) > 100
    picked = mutation.sample(mutants, 20)
    assert [m.id for m in picked] == [m.id for m in mutation.sample(list(mutants), 20)]
    assert len(picked) == 20
    assert {m.operator for m in picked} == {m.operator for m in mutants}  # every operator is represented
    order = [m.id for m in mutants]
    assert [order.index(m.id) for m in picked] == sorted(order.index(m.id) for m in picked)
    assert mutation.sample(mutants, 1000) == mutants


def test_every_code_exercise_has_mutants_and_only_quizzes_have_none():
    for ex in bank.load_all():
        mutants = mutation.generate(ex.solution_path.read_text(encoding="utf-8"))
        if ex.kind == "quiz":
            continue
        assert mutants, f"{ex.id}: no mutants: is its SOLUTION region empty?"


# ---------------------------------------------------------------- grading


@pytest.mark.slow
def test_end_to_end_on_autograd_mul(worker_pool, tmp_path):
    ex = bank.load("autograd-mul")
    all_mutants = mutation.generate(ex.solution_path.read_text(encoding="utf-8"))
    equivalent = all_mutants[0].id
    ex = dataclasses.replace(ex, equivalent_mutants=(
        EquivalentMutant(equivalent, "marked here only to test the bookkeeping"),
        EquivalentMutant("number: x = 1 => x = 2", "stale: matches nothing")))
    with mutation.Judges(pool=worker_pool) as judges:
        report = mutation.mutation_test(ex, judges, max_mutants=12)
    assert not report.error and not report.skipped
    assert report.generated == len(all_mutants)
    assert [e.mutant.id for e in report.equivalent] == [equivalent]
    assert [s.mutant for s in report.stale] == ["number: x = 1 => x = 2"]
    assert report.total == min(12, len(all_mutants) - 1) == len(report.scored)
    assert report.killed + len(report.survivors) == report.total
    assert 0.0 <= report.score <= 1.0 and report.score == report.killed / report.total
    assert 0 < report.budget_s <= 120 and report.reference_s > 0
    for r in report.scored:
        if r.verdict == "killed":
            k = r.killed_by
            assert k is not None and (k.status != "graded" or k.score < k.max_score)
        else:  # a survivor kept full marks with every seed
            assert [g.seed for g in r.gradings] == list(mutation.DEFAULT_SEEDS)
            assert all(g.full_marks for g in r.gradings)
    # a killed mutant really loses points when graded again on its own
    killed = next(r for r in report.scored if r.verdict == "killed" and r.killed_by.status == "graded")
    path = tmp_path / "mutant.py"
    path.write_text(killed.mutant.source, encoding="utf-8")
    again = mutation.grade_file(ex.id, str(path), killed.killed_by.seed, None, worker_pool)
    assert again.status == "graded" and again.score < again.max_score
    data = report.to_json()
    assert data["mutants"] == report.total and data["killed"] == report.killed
    assert data["equivalent"] == 1 and len(data["survivors"]) == len(report.survivors)


def test_cli_skips_quizzes_and_rejects_mutation_options_without_mutants():
    runner = CliRunner()
    result = runner.invoke(cli.cli, ["selftest", "--mutants", "quiz-dynamic-graphs"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "quiz-dynamic-graphs: skipped (quiz: its answers are data, not code to mutate)",
        "0 of 0 exercise(s) reach the 95% goal; 1 quiz exercise(s) skipped"]
    bad = runner.invoke(cli.cli, ["selftest", "--jobs", "2", "quiz-dynamic-graphs"])
    assert bad.exit_code == 2 and "--max-mutants, --jobs and --json go with --mutants" in bad.output
    zero = runner.invoke(cli.cli, ["selftest", "--mutants", "--jobs", "0", "quiz-dynamic-graphs"])
    assert zero.exit_code == 2 and "--jobs must be at least 1" in zero.output
