"""The results store of a batch: one JSON file per (learner, exercise), written only by the judge.

Each record carries its key: the submission's content hash, the exercise, and the grader version
(a hash of the exercise's graders, probes and metadata, and prep's version). A record whose key
matches the current job is final; anything else is re-graded. Records are written atomically
(temporary file, fsync, rename, fsync of the folder), so a batch killed at any instant leaves each
record either complete or absent. One writer at a time: the batch holds an exclusive lock on the
output folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grader
from grader.bank import Exercise


class StoreLocked(Exception):
    pass


def grader_version(ex: Exercise) -> str:
    h = hashlib.sha256(grader.__version__.encode())
    for p in (ex.directory / "exercise.toml", ex.public_graders, ex.hidden_graders, ex.probes_path):
        if p is not None and p.exists():
            h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def safe_name(learner: str) -> str:
    """A file name for any learner id: spaces, unicode and '../' become harmless %-escapes."""
    name = urllib.parse.quote(learner, safe="")
    if name in ("", ".", ".."):
        name = name.replace(".", "%2E") or "%00"
    return name


@dataclass(frozen=True)
class Key:
    sha256: str
    exercise: str
    grader_version: str


class Store:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.results = out / "results"
        self._lock_fd: int | None = None

    def lock(self) -> None:
        self.results.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.out / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise StoreLocked(f"another prep grade (pid {holder}) is writing to {self.out}: wait for it to "
                              "finish, or pass another --out") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._lock_fd = fd

    def unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def path(self, learner: str, exercise: str) -> Path:
        return self.results / exercise / f"{safe_name(learner)}.json"

    def get(self, learner: str, exercise: str) -> dict[str, Any] | None:
        try:
            return json.loads(self.path(learner, exercise).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def is_final(self, learner: str, exercise: str, key: Key) -> bool:
        record = self.get(learner, exercise)
        return bool(record) and record.get("key") == key.__dict__ and record.get("status") != "infra_error"

    def put(self, learner: str, exercise: str, key: Key, record: dict[str, Any]) -> None:
        assert self._lock_fd is not None, "lock() first"
        path = self.path(learner, exercise)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({**record, "learner": learner, "key": key.__dict__}, indent=1, sort_keys=True,
                          ensure_ascii=False).encode()
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def all_records(self) -> list[dict[str, Any]]:
        records = []
        for path in sorted(self.results.glob("*/*.json")):
            try:
                records.append(json.loads(path.read_text(encoding="utf-8")))
            except ValueError:
                continue
        return sorted(records, key=lambda r: (r.get("learner", ""), r.get("exercise", "")))
