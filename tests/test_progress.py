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


# The schema every prep wrote before versions were recorded (user_version 0), exactly as it was.
SCHEMA_OF_TODAY = """
CREATE TABLE IF NOT EXISTS fetches (
    exercise TEXT NOT NULL, directory TEXT NOT NULL, at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
    exercise TEXT NOT NULL, at REAL NOT NULL, status TEXT NOT NULL,
    score REAL NOT NULL, max_score REAL NOT NULL, duration_s REAL NOT NULL,
    sha256 TEXT NOT NULL, file TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS hints (
    exercise TEXT NOT NULL, level INTEGER NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (exercise, level)
);
CREATE INDEX IF NOT EXISTS attempts_by_exercise ON attempts (exercise, at);
"""


def test_a_database_made_with_today_s_schema_migrates_in_place_keeping_its_history(tmp_path):
    import sqlite3

    from grader import progress as progress_module

    path = tmp_path / "p.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_OF_TODAY)
    db.execute("INSERT INTO fetches VALUES ('ex', '/tmp/ex', 100.0)")
    db.execute("INSERT INTO attempts VALUES ('ex', 200.0, 'graded', 3, 10, 1.0, 'a', 'ex.py')")
    db.execute("INSERT INTO attempts VALUES ('ex', 300.0, 'graded', 10, 10, 1.0, 'b', 'ex.py')")
    db.execute("INSERT INTO hints VALUES ('ex', 1, 150.0)")
    db.commit()
    db.close()

    p = Progress(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == progress_module.SCHEMA_VERSION == 2
        columns = [r[1] for r in db.execute("PRAGMA table_info(attempts)")]
    assert columns[-2:] == ["context", "time_used_s"]
    assert [(a.at, a.score, a.context, a.time_used_s) for a in p.attempts()] == [(200.0, 3, "check", None),
                                                                                 (300.0, 10, "check", None)]
    s = p.summary("ex", 10)
    assert (s.attempts, s.best_score, s.passed, s.hints_seen, s.time_to_first_pass_s) == (2, 10, True, 1, 200.0)
    p.record_attempt("ex", status="graded", score=10, max_score=10, duration_s=1.0, sha256="c", file="f",
                     at=400.0, context="interview", time_used_s=60.0)
    assert Progress(path).attempts()[-1].time_used_s == 60.0  # opening it again migrates nothing twice
