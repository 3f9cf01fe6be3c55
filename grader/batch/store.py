"""The results store of a batch: one JSON file per (learner, exercise), written only by the judge.

Each record carries its key: the submission's content hash, the exercise, and the grader version
(a hash of the exercise's graders, probes and metadata, and prep's version). A record whose key
matches the current job is final; anything else is re-graded. Records are written atomically
(temporary file, fsync, rename, fsync of the folder), so a batch killed at any instant leaves each
record either complete or absent. One writer at a time: the batch holds an exclusive lock on the
output folder.

A record is stored under ``results/<exercise>/<file_stem(learner)>.json`` and holds the learner's
exact id; any folder name (unicode, 255 bytes, bytes that are not UTF-8) gets a safe, bounded,
collision-free file name, never a percent-encoded one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import unicodedata
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


# ---------------------------------------------------------------- learner names
#
# A learner's id is the name of their folder, exactly as os.scandir gives it: any bytes but '/' and
# NUL, up to 255 of them; bytes that are not UTF-8 (what unzip leaves from Windows archives) arrive
# as lone surrogates (surrogateescape). prep keeps that exact string in every stored record, and
# derives from it, never by percent-encoding:
#   * file_stem: a file name that is always safe, short and unique (readable prefix + hash);
#   * display_name: a lossless, printable, always-UTF-8 form for exports (grades.csv, junit.xml, ...).

PREFIX_BYTES = 100  # at most this many UTF-8 bytes of readable prefix in a file name
HASH_CHARS = 8  # hex digits of the name's hash after the prefix
_UNSAFE_IN_NAMES = set('/\\:*?"<>|')  # separators, and what Windows refuses in a file name
_INVISIBLE = {0x2028, 0x2029, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}  # line breaks, bidi, BOM
# Characters that draw nothing besides the format ones (Cf: zero-width space and joiners, soft hyphen, word
# joiner, tags...): combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian and other
# variation selectors. Shown as an escape in exports, so that "Anna" + U+200B never reads as another "Anna".
_DRAWS_NOTHING = {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0, *range(0x180B, 0x1810),
                  *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)}


def name_bytes(learner: str) -> bytes:
    """The exact original bytes of a folder name (os.fsencode's, on a UTF-8 file system).

    A string that no folder name decodes to (a lone surrogate that surrogateescape would not produce)
    gets a distinct, still lossless encoding: a NUL (never in a file name) and its surrogatepass UTF-8.
    """
    try:
        raw = learner.encode("utf-8", "surrogateescape")
        if raw.decode("utf-8", "surrogateescape") == learner:
            return raw
    except UnicodeEncodeError:
        pass
    return b"\0" + learner.encode("utf-8", "surrogatepass")


def name_hash(learner: str, chars: int = HASH_CHARS) -> str:
    return hashlib.sha256(name_bytes(learner)).hexdigest()[:chars]


def _prefix(learner: str) -> str:
    out = []
    for c in learner:
        cat = unicodedata.category(c)
        if c in _UNSAFE_IN_NAMES or cat in ("Cc", "Cf", "Cs", "Zl", "Zp") or ord(c) in _INVISIBLE:
            c = "_"
        out.append(c)
    text = "".join(out)
    stripped = text.lstrip(".- ")
    text = "_" * (len(text) - len(stripped)) + stripped  # no hidden files, no options, no leading blanks
    raw = text.encode("utf-8")
    if len(raw) > PREFIX_BYTES:
        text = raw[:PREFIX_BYTES].decode("utf-8", "ignore")  # cut on a character boundary
    return text or "_"


def file_stem(learner: str, chars: int = HASH_CHARS) -> str:
    """A file name for any learner id: e.g. ``Frank Müller-3f2a9c1b``.

    A readable prefix (unicode kept; '/', '\\', NUL, control and invisible characters, what Windows
    refuses, and leading dots, dashes and blanks replaced by '_'; at most PREFIX_BYTES bytes) and a
    hash of the exact original bytes, so names that differ only by case, by replaced characters or
    past the prefix never share a file. Never '.', '..', hidden, or longer than ~120 bytes.
    ``chars=64`` is the fallback when two names' short hashes collide.
    """
    return f"{_prefix(learner)}-{name_hash(learner, chars)}"


def display_name(learner: str) -> str:
    """A printable, valid-Unicode and lossless form of a learner id, for exports.

    Readable names are unchanged. A backslash is doubled; a byte that is not UTF-8 shows as ``\\xe9``
    (what ``bytes.decode(errors="backslashreplace")`` shows); control characters as ``\\n``, ``\\t``,
    ``\\x1b``, and invisible ones (bidi overrides, line separators, zero-width and other format characters,
    variation selectors, fillers) as ``\\u202e`` (``\\U000e0041`` past U+FFFF): a name that differs from another
    only by what draws nothing never looks like it. A zero-width (non-)joiner between two letters of Arabic or an Indic
    script is kept: there it is spelling (Persian and Indic names), and it changes how the letters look.
    ``parse_display`` inverts it.
    """
    out = []
    for i, c in enumerate(learner):
        o = ord(c)
        if o in (0x200C, 0x200D) and _joins_letters(learner, i):
            out.append(c)  # a zero-width (non-)joiner inside a word is spelling: Persian and Indic names need it
        elif c == "\\":
            out.append("\\\\")
        elif 0xDC80 <= o <= 0xDCFF:
            out.append(f"\\x{o - 0xDC00:02x}")  # a byte surrogateescape could not decode
        elif 0xD800 <= o <= 0xDFFF or o in _INVISIBLE or 0x80 <= o <= 0x9F or o in (0xFFFE, 0xFFFF) \
                or o in _DRAWS_NOTHING or unicodedata.category(c) == "Cf":
            out.append(f"\\u{o:04x}" if o <= 0xFFFF else f"\\U{o:08x}")
        elif o < 0x20 or o == 0x7F:
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(c, f"\\x{o:02x}"))
        else:
            out.append(c)
    return "".join(out)


def _joins_letters(text: str, i: int) -> bool:
    """Whether text[i] stands between two letters (or marks) of the scripts where a joiner is spelling and changes
    how the letters look (Arabic to Mongolian, and Arabic's presentation forms); never between Latin, Greek,
    Cyrillic or CJK letters, where it draws nothing ("A" + U+200D + "B" would read as another learner's "AB")."""
    def joining_script(c: str) -> bool:
        o = ord(c)
        return (0x0600 <= o < 0x1E00 or 0xFB50 <= o <= 0xFEFC) and unicodedata.category(c)[0] in "LM"

    return 0 < i < len(text) - 1 and joining_script(text[i - 1]) and joining_script(text[i + 1])


_DISPLAY_ESCAPE = re.compile(r"\\(\\|n|t|r|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})")


def parse_display(shown: str) -> str:
    """The exact learner id back from ``display_name``'s form."""
    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e in ("\\", "n", "t", "r"):
            return {"\\": "\\", "n": "\n", "t": "\t", "r": "\r"}[e]
        o = int(e[1:], 16)
        return chr(0xDC00 + o) if e[0] == "x" and o >= 0x80 else chr(o)
    return _DISPLAY_ESCAPE.sub(one, shown)


_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps_json(data: Any, **kwargs: Any) -> str:
    """json.dumps, readable unicode kept, that never fails on a lone surrogate (a non-UTF-8 name):
    it is written as its \\udcXX escape, which json.loads reads back exactly."""
    text = json.dumps(data, ensure_ascii=False, **kwargs)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


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
        """Where this learner's record for this exercise lives: ``results/<exercise>/<file_stem>.json``.

        Should another learner's record already hold that name (their short hashes collide), the
        name with the full hash is used instead, so two learners never share a file.
        """
        folder = self.results / exercise
        short = folder / f"{file_stem(learner)}.json"
        owner = self._read(short)
        if owner is None or owner.get("learner") == learner:
            return short
        return folder / f"{file_stem(learner, 64)}.json"

    @staticmethod
    def _read(path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def get(self, learner: str, exercise: str) -> dict[str, Any] | None:
        record = self._read(self.path(learner, exercise))
        if record is None or record.get("learner") != learner or record.get("exercise") != exercise:
            return None
        return record

    def is_final(self, learner: str, exercise: str, key: Key) -> bool:
        record = self.get(learner, exercise)
        return bool(record) and record.get("key") == key.__dict__ and record.get("status") != "infra_error"

    def put(self, learner: str, exercise: str, key: Key, record: dict[str, Any]) -> None:
        assert self._lock_fd is not None, "lock() first"
        path = self.path(learner, exercise)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = dumps_json({**record, "learner": learner, "exercise": exercise, "key": key.__dict__}, indent=1,
                          sort_keys=True).encode("utf-8")
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
        """Every stored record, sorted by (learner, exercise).

        Only a file whose name is the one prep derives from the record's own learner and exercise
        counts: files left by older versions of prep (percent-encoded names) or put there by hand
        are ignored, so a learner never appears twice.
        """
        records = []
        for path in sorted(self.results.glob("*/*.json")):
            record = self._read(path)
            if record is None or not isinstance(record.get("learner"), str):
                continue
            learner, exercise = record["learner"], record.get("exercise")
            if exercise != path.parent.name or path.stem not in (file_stem(learner), file_stem(learner, 64)):
                continue
            records.append(record)
        return sorted(records, key=lambda r: (r["learner"], r["exercise"]))
