"""Bans hold: reaching a banned API by another path never earns a point.

Layout: tests/bans/<exercise-id>/<channel>.py. Each file is a submission that leaves the exercise's
work to a banned part of torch, reached through one channel (another module's namespace, a
functional form, a torch._C binding, a Tensor method, torch.ops.aten, ``__subclasses__()``, a name
built from strings, a fresh copy of torch's source, ``exec(inspect.getsource(...))``, a
decomposition...). Its docstring names the channel. It must score no more than the untouched stub:
the seal in the worker (grader/worker/seal.py) switches the banned objects and operators off by
identity, so every channel reaches a trap.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from grader import bank

BANS = Path(__file__).with_name("bans")
FILES = sorted(BANS.glob("*/*.py"))


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


@pytest.fixture(scope="module")
def stub_scores() -> dict[str, float]:
    return {}


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_a_banned_api_reached_another_way_earns_nothing(path, grade_file, stub_scores):
    ex_id = path.parent.name
    if ex_id not in stub_scores:
        stub_scores[ex_id] = grade_file(ex_id, bank.load(ex_id).stub_path).score
    result = grade_file(ex_id, path)
    assert result.status != "infra_error", f"{_id(path)}: {result.message}"
    gained = {t.name: t.message for t in result.tests if t.outcome == "passed"}
    assert result.score <= stub_scores[ex_id], (
        f"{_id(path)} scored {result.score} (the stub scores {stub_scores[ex_id]}): the ban leaks; passed {sorted(gained)}")


def test_every_exercise_with_bans_has_attacks_and_every_attack_says_its_channel():
    banned = [ex.id for ex in bank.load_all() if ex.bans or ex.ban_ops]
    for ex_id in banned:
        attacks = list((BANS / ex_id).glob("*.py"))
        assert len(attacks) >= 3, f"{ex_id} bans APIs but has {len(attacks)} attacks in tests/bans/{ex_id}/ (needs 3)"
    for path in FILES:
        assert path.parent.name in banned, f"{_id(path)}: {path.parent.name} bans nothing"
        assert ast.get_docstring(ast.parse(path.read_text())), f"{path} needs a docstring naming its channel"


def test_autograd_off_feedback_names_the_cause(grade_file):
    """With autograd off (exercise.toml autograd = false), autograd's own complaint ("does not require grad and does
    not have a grad_fn") would point the learner at their tensors; the feedback says autograd is off instead."""
    result = grade_file("fix-mlp-backprop", BANS / "fix-mlp-backprop" / "execution_engine_under_enable_grad.py")
    messages = [t.message for t in result.tests if t.outcome != "passed"]
    assert messages and not result.full_marks
    assert any("autograd is switched off in this exercise" in m and "compute the gradients by hand" in m
               for m in messages), messages
    assert not any("does not have a grad_fn" in m and "autograd is switched off" not in m for m in messages), messages


FINGERPRINT_SCAN = r'''
import glob, json, os, sys
from grader import bank
from grader.worker import seal
import torch

originals = []
for ex in bank.load_all():
    if ex.bans or ex.ban_ops or not ex.autograd:
        sealer = seal._Sealer("scan")
        for dotted in list(ex.bans) + ([] if ex.autograd else list(seal.AUTOGRAD_OFF_BANS)):
            try:
                sealer.ban(dotted)
            except Exception:  # one process bans every exercise's list: later bans may meet earlier traps
                pass
        originals += sealer.originals
prints = seal.fingerprints(originals)
protected = {c.co_filename for c in originals}
site = os.path.dirname(os.path.dirname(torch.__file__))
found = []
for pyc in glob.glob(os.path.join(site, "**", "__pycache__", "*.pyc"), recursive=True):
    folder, name = os.path.split(pyc)
    if os.path.join(os.path.dirname(folder), name.split(".")[0] + ".py") in protected:
        continue
    with open(pyc, "rb") as f:
        if prints.unmarshals_protected(f.read()):
            found.append(pyc)
copies = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        if prints.copied(f.read()):
            copies.append(path)
print(json.dumps({"functions": len(prints.functions), "codes": len(prints.codes), "found": found, "copies": copies}))
'''


def test_fingerprints_of_banned_source_match_no_other_bytecode_and_only_the_copy_that_says_so():
    """The copied-source check must never refuse an honest import or answer: no bytecode cache in the environment
    (other than the banned files' own) holds a banned function's bytecode. Of the reference solutions and right
    corpus files, only the one written to be a line-for-line copy of torch's code holds most of a banned function's
    lines: the submission's own text is exempt from that check (it keeps full marks in test_corpus), so the
    exemption is exercised, and no other honest answer leans on it."""
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    answers = sorted(str(p) for p in [*root.glob("solutions/*.py"), *root.glob("tests/corpus/*/right_*.py")])
    proc = subprocess.run([sys.executable, "-c", FINGERPRINT_SCAN, *answers], cwd=root, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["functions"] > 100 and report["codes"] > 50, report  # the scan saw the banned functions
    assert report["found"] == [], f"fingerprints of banned source match honest bytecode: {report['found']}"
    copies = [str(Path(p).relative_to(root)) for p in report["copies"]]
    assert copies == ["tests/corpus/plateau-lr/right_torch_is_better_verbatim.py"], copies


def every_op_matching(pattern: str) -> list[str]:
    """The definition _matching_ops must keep: fnmatch against every operator name, and against its base name
    when the pattern names no overload (no dot after '::')."""
    import fnmatch

    import torch

    whole_name = "." in pattern.split("::", 1)[1]
    return [n for n in sorted(torch._C._dispatch_get_all_op_names()) if fnmatch.fnmatchcase(n, pattern)
            or (not whole_name and fnmatch.fnmatchcase(n.split(".", 1)[0], pattern))]


@pytest.mark.parametrize("patterns", [
    *[list(ex.ban_ops) for ex in bank.load_all() if ex.ban_ops],
    ["aten::tan"], ["aten::tan.out"], ["aten::tan?"], ["aten::[st]an*"], ["aten::*sigmoid*", "aten::sigmoid"],
    ["onednn::qconv*_pointwise*"], ["aten::_foreach_add*", "aten::_foreach_add_.Scalar"],
], ids=lambda patterns: patterns[0] if len(patterns) < 3 else f"{len(patterns)} patterns from {patterns[0]}")
def test_matching_ops_finds_exactly_what_fnmatch_finds(patterns):
    """The seal looks patterns up by their literal part (it runs before every grading): the same names, in the same
    order, each once, as matching every pattern against every operator."""
    from grader.worker import seal

    want: list[str] = []
    for pattern in patterns:
        want += [n for n in every_op_matching(pattern) if n not in want]
    assert seal._matching_ops(patterns) == want


def test_matching_ops_refuses_a_pattern_this_torch_lacks():
    from grader.worker import seal

    with pytest.raises(seal.SealError, match="bans the operator aten::no_such_op_anywhere"):
        seal._matching_ops(["aten::sigmoid", "aten::no_such_op_anywhere*"])
