"""The progress database: attempts, best scores, first pass, and safety under concurrent writers."""

from __future__ import annotations

import multiprocessing

from grader.progress import Progress, data_dir


def test_data_dir_honours_prep_home(isolated_home):
    assert data_dir() == isolated_home


def test_summary_tracks_attempts_best_score_and_time_to_pass(tmp_path):
    p = Progress(tmp_path / "p.sqlite3")
    p.record_fetch("ex", tmp_path)
    p.record_attempt("ex", status="graded", score=3, max_score=10, duration_s=1.0, sha256="a", file="f")
    assert not p.has_passed("ex")
    p.record_attempt("ex", status="graded", score=10, max_score=10, duration_s=1.0, sha256="b", file="f")
    s = p.summary("ex", 10)
    assert (s.attempts, s.best_score, s.passed) == (2, 10, True)
    assert s.time_to_first_pass_s is not None and s.time_to_first_pass_s >= 0


def test_a_timeout_with_full_points_is_not_a_pass(tmp_path):
    p = Progress(tmp_path / "p.sqlite3")
    p.record_attempt("ex", status="timeout", score=10, max_score=10, duration_s=1.0, sha256="a", file="f")
    assert not p.has_passed("ex")


def _writer(path, n):
    p = Progress(path)
    for i in range(n):
        p.record_attempt("ex", status="graded", score=i, max_score=100, duration_s=0.1, sha256=str(i), file="f")


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "p.sqlite3"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, 40)) for _ in range(4)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    assert Progress(path).summary("ex", 100).attempts == 160
