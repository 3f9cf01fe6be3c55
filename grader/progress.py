"""The learner's progress: attempts, best scores, hints seen, time to first pass.

One SQLite file under the user's data directory ($PREP_HOME overrides it).
Several ``prep check`` runs may write at once: the database is in WAL mode,
waits on a busy lock instead of failing, and each write is one short
``BEGIN IMMEDIATE`` transaction. No torch here.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

SCHEMA = """
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


class Progress:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "progress.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)

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

    def record_fetch(self, exercise: str, directory: Path) -> None:
        with self._write() as db:
            db.execute("INSERT INTO fetches VALUES (?, ?, ?)", (exercise, str(directory), time.time()))

    def record_attempt(self, exercise: str, *, status: str, score: float, max_score: float, duration_s: float,
                       sha256: str, file: str) -> None:
        with self._write() as db:
            db.execute("INSERT INTO attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (exercise, time.time(), status, score, max_score, duration_s, sha256, file))

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
