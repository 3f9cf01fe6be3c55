"""The worker loads each exercise's probes.py without the judge's own functions (grader/judge/worker_probes.py).

A submission runs beside the worker's copy of probes.py: it can call anything there and read the file. The
references (top-level functions named reference*) compute expected values for the judge, so in the worker they are an
answer key. These tests check that no worker copy holds one, that the probes the graders call are all still there,
and that the attack which used a reference to forge points now earns only what its own code earns."""

from __future__ import annotations

import ast
import re

import pytest

from grader import bank
from grader.judge import worker_probes
from tests.conftest import ROOT

EXERCISES_WITH_PROBES = [ex for ex in bank.load_all() if ex.probes_path]


def test_judge_only_functions_become_blank_lines_and_line_numbers_stay():
    source = ("import torch\n\n\ndef probe(mod, x):\n    return mod.f(x)\n\n\n@staticmethod\ndef reference(x):\n"
              "    return x * 2\n\n\ndef _reference_helper(x):\n    return x\n\n\ndef referee(mod):\n"
              "    return 1\n\n\nTAIL = 3\n")
    stripped = worker_probes.strip_judge_only(source)
    assert stripped.count("\n") == source.count("\n")
    names = {n.name for n in ast.parse(stripped).body if isinstance(n, ast.FunctionDef)}
    assert names == {"probe", "referee"}  # "referee" is not "reference..."
    lines = stripped.splitlines()
    assert lines[3] == "def probe(mod, x):" and lines[-1] == "TAIL = 3"
    assert "staticmethod" not in stripped and "x * 2" not in stripped


@pytest.mark.parametrize("exercise", EXERCISES_WITH_PROBES, ids=lambda ex: ex.id)
def test_the_workers_copy_has_every_probe_and_no_reference(exercise):
    copy = worker_probes.worker_copy(exercise.probes_path)
    text = open(copy, encoding="utf-8").read()
    tree = ast.parse(text)
    defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    assert not [name for name in defined if worker_probes.is_judge_only(name)]
    tests = "".join(p.read_text(encoding="utf-8") for p in (exercise.public_graders, exercise.hidden_graders)
                    if p.exists())
    called = set(re.findall(r'\.probe\(\s*"(\w+)"', tests)) | set(re.findall(r'warm="(\w+)"', tests))
    assert called <= defined, f"probes the graders call but the worker's copy lacks: {sorted(called - defined)}"
    # what the judge itself uses stays available to it: load_sibling reads probes.py, not the worker's copy
    original = {n.name for n in ast.parse(exercise.probes_path.read_text(encoding="utf-8")).body
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    assert original - defined == {name for name in original if worker_probes.is_judge_only(name)}


def test_an_answer_in_a_reference_function_is_out_of_the_submissions_reach(grade_file):
    """fix-inference-fusion's probes.py holds reference_folded, the judge's folded Conv2d. A fold_conv_bn that
    raises for a BatchNorm without affine parameters (7/10) wrapped the probe to learn the seed and spec and asked
    reference_folded for the answer: 10/10. The worker's copy has no reference_folded, so the file scores 7/10 again,
    failing where its own fold_conv_bn fails."""
    attack = ROOT / "tests" / "probe_attacks" / "fix_inference_fusion_reference_folded.py"
    plain = ROOT / "tests" / "corpus" / "fix-inference-fusion" / "wrong_fold_assumes_affine.py"
    forged, honest = grade_file("fix-inference-fusion", attack, seed=5), grade_file("fix-inference-fusion", plain, seed=5)
    assert (forged.score, forged.max_score) == (honest.score, honest.max_score) == (7, 10)
    outcome = {t.name: (t.outcome, t.message) for t in forged.tests}
    assert outcome["test_fold_conv_bn"][0] == "failed" and "TypeError" in outcome["test_fold_conv_bn"][1], outcome


@pytest.mark.parametrize("exercise_id", [i for i in bank.exercise_ids() if (ROOT / "exercises" / i / "probes.py").exists()])
def test_probes_import_from_prep_only_what_the_zygote_imported_first(exercise_id):
    """A worker forked from the zygote may drop its uid and lose read access to prep's files (a venv in a folder
    only root can enter): every prep module a probes.py imports must be one the zygote imported before forking."""
    from grader.worker.zygote import PROBE_MODULES

    tree = ast.parse((ROOT / "exercises" / exercise_id / "probes.py").read_text())
    used = {f"{node.module}.{a.name}" if node.module == "grader" else node.module
            for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
            and node.module.split(".")[0] == "grader" for a in node.names}
    used |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names
             if a.name.split(".")[0] == "grader"}
    assert used <= set(PROBE_MODULES), f"{exercise_id}/probes.py imports {sorted(used - set(PROBE_MODULES))}"
