"""`pytest` in a fetched folder runs the public graders through prep's judge: one test per public grader.

Without the fetched conftest.py, pytest imports test_public.py itself and every grader errors with
"fixture 'learner' not found"."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from grader import api, bank

EXERCISE = "autograd-mul"
ROOT = bank.bank_root()


def pytest_in(folder, home):
    env = dict(os.environ, PREP_HOME=str(home))
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=600)


def public_graders() -> list[str]:
    text = bank.load(EXERCISE).public_graders.read_text()
    return re.findall(r"^def (test\w*)\(", text, flags=re.M)


def test_pytest_in_the_fetched_folder_runs_each_public_grader_through_the_judge(tmp_path, isolated_home):
    folder = tmp_path / EXERCISE
    api.fetch(EXERCISE, folder)
    assert (folder / "conftest.py").is_file()
    names = public_graders()
    assert len(names) >= 2

    stub = pytest_in(folder, isolated_home)
    assert stub.returncode == 1, stub.stdout + stub.stderr
    assert "fixture 'learner' not found" not in stub.stdout
    assert f"{len(names)} failed" in stub.stdout.splitlines()[-1]
    for name in names:
        assert f"FAILED test_public.py::{name}" in stub.stdout
    assert "your code raised NotImplementedError" in stub.stdout  # the judge's message, shown by pytest

    shutil.copy(ROOT / "solutions" / f"{EXERCISE}.py", folder / f"{EXERCISE}.py")
    right = pytest_in(folder, isolated_home)
    assert right.returncode == 0, right.stdout + right.stderr
    assert f"{len(names)} passed" in right.stdout.splitlines()[-1]
    top = f"{bank.load(EXERCISE).max_score:g}"
    assert f"prep check {EXERCISE}: {top}/{top} points with the hidden graders" in right.stdout
    assert [a.score for a in api.Progress().attempts()][-1] == bank.load(EXERCISE).max_score  # a real check
