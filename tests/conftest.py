"""Shared fixtures: every test gets its own progress database, and a way to grade a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader import bank

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """No test reads or writes the developer's real progress database."""
    home = tmp_path / "prep-home"
    monkeypatch.setenv("PREP_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def worker_pool():
    """One warm zygote for the whole run: each grading forks a worker instead of importing torch."""
    from grader.judge.pool import WorkerPool

    pool = WorkerPool(preload=tuple(m for ex in bank.load_all() for m in ex.preload))
    yield pool
    pool.close()


@pytest.fixture
def grade_file(worker_pool):
    """grade_file(exercise_id, path, **kw) -> Result, through the one grading path (forked workers)."""
    from grader.judge.grading import grade

    def run(exercise_id: str, path: Path, **kw):
        kw.setdefault("pool", worker_pool)
        return grade(bank.load(exercise_id), Path(path), **kw)

    return run


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
