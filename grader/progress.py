"""The learner's progress: attempts, best scores, hints seen, time to first pass.

One SQLite file under the user's data directory ($PREP_HOME overrides it).
Several ``prep check`` runs may write at once: the database is in WAL mode,
waits on a busy lock instead of failing, and each write is one short
``BEGIN IMMEDIATE`` transaction. No torch here.

The schema migrates in place: ``PRAGMA user_version`` says which of MIGRATIONS a file
has had, and opening it applies the rest in one transaction, so a learner's history
survives every upgrade of prep (tests/test_progress.py opens a file made with schema 1).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

# Schema 1: what every prep wrote before versions were recorded (its files have user_version 0).
SCHEMA_1 = """
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

# Schema 2: where an attempt came from ('check', or 'interview' with the time the learner used,
# which the review schedule reads), and the mock interviews themselves.
SCHEMA_2 = """
ALTER TABLE attempts ADD COLUMN context TEXT NOT NULL DEFAULT 'check';
ALTER TABLE attempts ADD COLUMN time_used_s REAL;
CREATE TABLE IF NOT EXISTS interviews (
    id INTEGER PRIMARY KEY, started REAL NOT NULL, finished REAL NOT NULL, minutes INTEGER NOT NULL,
    seed INTEGER NOT NULL, lang TEXT NOT NULL, folder TEXT NOT NULL, report TEXT NOT NULL
);
"""

MIGRATIONS = (SCHEMA_1, SCHEMA_2)  # MIGRATIONS[k] takes a file from user_version k to k + 1
SCHEMA_VERSION = len(MIGRATIONS)


def _now(at: float | None) -> float:
    return time.time() if at is None else at


def data_dir() -> Path:
    """$PREP_HOME, else the platform's per-user data directory."""
    if os.environ.get("PREP_HOME"):
        return Path(os.environ["PREP_HOME"])
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "prep"
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "prep"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "prep"


@dataclass(frozen=True)
class ExerciseProgress:
    exercise: str
    attempts: int
    best_score: float
    max_score: float
    passed: bool
    first_fetch: float | None
    first_pass: float | None
    hints_seen: int
    fetched_to: str | None

    @property
    def time_to_first_pass_s(self) -> float | None:
        if self.first_pass is None:
            return None
        start = self.first_fetch if self.first_fetch is not None and self.first_fetch <= self.first_pass else None
        return None if start is None else self.first_pass - start


@dataclass(frozen=True)
class Attempt:
    """One recorded check, as the review schedule reads the history."""

    exercise: str
    at: float  # seconds since the epoch
    status: str
    score: float
    max_score: float
    context: str  # "check" or "interview"
    time_used_s: float | None  # the learner's time on it, where known (an interview's clock)

    @property
    def passed(self) -> bool:
        return self.status == "graded" and self.max_score > 0 and self.score >= self.max_score


class Progress:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "progress.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            self._migrate(db)

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        """Bring the file up to SCHEMA_VERSION in one transaction (several processes may open it at once)."""
        if db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]  # again, under the write lock
            for step in MIGRATIONS[version:]:
                for statement in filter(str.strip, step.split(";")):
                    db.execute(statement)
            if version < SCHEMA_VERSION:
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=30000")
            yield db
        finally:
            db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def record_fetch(self, exercise: str, directory: Path, *, at: float | None = None) -> None:
        with self._write() as db:
            db.execute("INSERT INTO fetches VALUES (?, ?, ?)", (exercise, str(directory), _now(at)))

    def record_attempt(self, exercise: str, *, status: str, score: float, max_score: float, duration_s: float,
                       sha256: str, file: str, at: float | None = None, context: str = "check",
                       time_used_s: float | None = None) -> None:
        with self._write() as db:
            db.execute("INSERT INTO attempts (exercise, at, status, score, max_score, duration_s, sha256, file, "
                       "context, time_used_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (exercise, _now(at), status, score, max_score, duration_s, sha256, file, context,
                        time_used_s))

    def attempts(self) -> list[Attempt]:
        """Every recorded check, oldest first."""
        with self._connect() as db:
            rows = db.execute("SELECT exercise, at, status, score, max_score, context, time_used_s FROM attempts "
                              "ORDER BY at, rowid").fetchall()
        return [Attempt(r[0], float(r[1]), r[2], float(r[3]), float(r[4]), r[5], r[6]) for r in rows]

    def record_interview(self, *, started: float, finished: float, minutes: int, seed: int, lang: str, folder: str,
                         report: dict) -> int:
        with self._write() as db:
            cur = db.execute("INSERT INTO interviews (started, finished, minutes, seed, lang, folder, report) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (started, finished, minutes, seed, lang, folder, json.dumps(report)))
            return int(cur.lastrowid or 0)

    def interviews(self) -> list[dict]:
        with self._connect() as db:
            rows = db.execute("SELECT id, started, finished, minutes, seed, lang, folder, report FROM interviews "
                              "ORDER BY started").fetchall()
        return [{"id": r[0], "started": r[1], "finished": r[2], "minutes": r[3], "seed": r[4], "lang": r[5],
                 "folder": r[6], "report": json.loads(r[7])} for r in rows]

    def record_hint(self, exercise: str, level: int) -> None:
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO hints VALUES (?, ?, ?)", (exercise, level, time.time()))

    def fetched_to(self, exercise: str) -> Path | None:
        with self._connect() as db:
            row = db.execute("SELECT directory FROM fetches WHERE exercise = ? ORDER BY at DESC LIMIT 1",
                             (exercise,)).fetchone()
        return Path(row[0]) if row else None

    def has_passed(self, exercise: str) -> bool:
        with self._connect() as db:
            row = db.execute("SELECT 1 FROM attempts WHERE exercise = ? AND status = 'graded' "
                             "AND score >= max_score AND max_score > 0 LIMIT 1", (exercise,)).fetchone()
        return row is not None

    def failed_checks(self, exercise: str) -> int:
        """Recorded checks without full marks (prep's own infra errors do not count against the learner)."""
        with self._connect() as db:
            (n,) = db.execute("SELECT COUNT(*) FROM attempts WHERE exercise = ? AND status != 'infra_error' "
                              "AND NOT (status = 'graded' AND max_score > 0 AND score >= max_score)",
                              (exercise,)).fetchone()
        return int(n)

    def hint_levels_seen(self, exercise: str) -> set[int]:
        with self._connect() as db:
            return {int(r[0]) for r in db.execute("SELECT level FROM hints WHERE exercise = ?", (exercise,))}

    def hints_seen(self, exercise: str) -> int:
        with self._connect() as db:
            (n,) = db.execute("SELECT COUNT(*) FROM hints WHERE exercise = ?", (exercise,)).fetchone()
        return int(n)

    def summary(self, exercise: str, max_score: float) -> ExerciseProgress:
        with self._connect() as db:
            attempts, best = db.execute("SELECT COUNT(*), MAX(score) FROM attempts WHERE exercise = ?",
                                        (exercise,)).fetchone()
            (first_fetch,) = db.execute("SELECT MIN(at) FROM fetches WHERE exercise = ?", (exercise,)).fetchone()
            (first_pass,) = db.execute("SELECT MIN(at) FROM attempts WHERE exercise = ? AND status = 'graded' "
                                       "AND score >= max_score AND max_score > 0", (exercise,)).fetchone()
            (hints,) = db.execute("SELECT COUNT(*) FROM hints WHERE exercise = ?", (exercise,)).fetchone()
        return ExerciseProgress(exercise, int(attempts), float(best or 0.0), max_score, first_pass is not None,
                                first_fetch, first_pass, int(hints),
                                str(self.fetched_to(exercise)) if attempts or first_fetch else None)
