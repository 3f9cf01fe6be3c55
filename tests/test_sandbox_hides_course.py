"""The strong sandbox never shows a course's hidden graders or reference solutions to learner code.

An installed wheel keeps its built-in course inside the grader package (grader/builtin_course/), and the sandbox
binds that package read-only because the worker imports from it: without a mask, a submission graded by `prep grade`
could read solutions/<id>.py and run it. These tests build that layout in a scratch folder bound the same way and
look at it from inside a real bubblewrap sandbox."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from grader import bank
from grader.judge import sandbox

needs_sandbox = pytest.mark.skipif(sandbox.check_available(import_torch=False) is not None,
                                   reason="the strong sandbox (bubblewrap) is not available here")

LOOK = """
import json, os, sys
seen = {}
for path in sys.argv[1:]:
    try:
        seen[path] = sorted(os.listdir(path)) if os.path.isdir(path) else open(path).read()
    except OSError as e:
        seen[path] = f"error: {type(e).__name__}"
print(json.dumps(seen))
"""


def look_inside(paths: list[str], probes: dict[str, str] | None = None) -> dict:
    argv = sandbox.Sandbox(probes=probes or {}).wrap([sys.executable, "-I", "-c", LOOK, *paths])
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


@needs_sandbox
def test_an_installed_course_inside_a_bound_package_is_empty_in_the_sandbox(tmp_path, monkeypatch):
    site_packages = tmp_path / "site-packages"
    course = site_packages / "grader" / bank.BUILTIN_COURSE_PACKAGE_DIR
    (course / "solutions").mkdir(parents=True)
    (course / "solutions" / "autograd-mul.py").write_text("ANSWER = 42\n")
    (course / "exercises" / "autograd-mul").mkdir(parents=True)
    (course / "exercises" / "autograd-mul" / "test_hidden.py").write_text("SECRET = 1\n")
    (site_packages / "grader" / "wire.py").write_text("IMPORTABLE = True\n")
    bound = sandbox._python_paths()
    monkeypatch.setattr(sandbox, "_python_paths", lambda: sorted([*bound, str(site_packages)]))
    monkeypatch.setattr(bank, "installed_course_root", lambda: course)

    seen = look_inside([str(site_packages / "grader" / "wire.py"), str(course / "solutions"),
                        str(course / "exercises"), str(course / "solutions" / "autograd-mul.py")])

    assert seen[str(site_packages / "grader" / "wire.py")] == "IMPORTABLE = True\n"  # the package stays importable
    assert seen[str(course / "solutions")] == []
    assert seen[str(course / "exercises")] == []
    assert seen[str(course / "solutions" / "autograd-mul.py")] == "error: FileNotFoundError"


@needs_sandbox
def test_the_checkouts_bank_is_not_visible_in_the_sandbox():
    """In a checkout the bank sits beside the package, outside every bound folder."""
    root = bank.checkout_root()
    if not (root / "solutions").is_dir():
        pytest.skip("not a checkout")
    seen = look_inside([str(root / "solutions"), str(root / "exercises" / "autograd-mul")])
    assert all(value.startswith("error:") for value in seen.values()), seen


@needs_sandbox
def test_the_probes_bound_into_the_sandbox_are_the_workers_copy_without_references():
    """The sandbox binds each exercise's probes.py at /prep/probes/<id>.py: the worker's copy, so that the judge's
    reference functions (an answer key) are neither callable nor readable there."""
    ex = bank.load("fix-inference-fusion")
    layout = sandbox.probes_layout([ex])
    inside = "/prep/probes/fix-inference-fusion.py"
    assert list(layout.values()) == [inside]
    seen = look_inside([inside], probes=layout)[inside]
    assert "def folded(" in seen and "def reference_folded(" not in seen
    assert "def reference_folded(" in ex.probes_path.read_text(encoding="utf-8")  # the judge's copy keeps it
