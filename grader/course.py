"""Courses: versioned bundles of exercises that an instructor publishes and learners fetch.

**Publishing** (``prep publish``) turns exercises of a bank into a static folder that any static
HTTP server can serve::

    index.json                          course id, version, exam flag; per exercise: its version,
                                        metadata (exercise.toml as JSON), archive name, sha256
    archives/<id>-<sha256[:16]>.tar.gz  one per exercise version: exercises/<id>/... and, unless
                                        the course is an exam, solutions/<id>.py

Archives are deterministic (sorted entries, fixed times and owners, gzip without a time stamp),
so an unchanged exercise keeps its sha256 and its version. Their names hold the hash: published
once, never changed, so any cache in between is safe; index.json is the only file that changes.
An exam archive has no reference solution, and its exercise.toml loses the fields that only
maintainers read (``seed_defects``, ``equivalent_mutants``, whose ids quote the reference).

**Learners** (``prep course add/list/use/update``, ``prep fetch``) keep everything under
``PREP_HOME``::

    courses.json                        the courses added, and the one in use
    courses/<name>/index.json           the index as last fetched (fetch works offline from it)
    courses/<name>/fetched.json         per exercise, the version the learner fetched
    courses/<name>/store/<sha256>/      one unpacked archive: a bank (exercises/, solutions/)

An archive is verified against the index's sha256 before anything of it is used, unpacked into a
temporary folder, and renamed into the store in one step, so a half-written download never
replaces a good copy; every file here is written the same way. Checking and grading use the
graders of the version the learner fetched. HTTP goes through httpx with explicit timeouts and
an overall deadline per download; a server that is down or slow is one clear error, and what was
fetched before keeps working.

Which exercises a learner command sees (``active_source``): ``$PREP_BANK``, then the course in
use, then the checkout next to the package, then the installed built-in course (the last two
are ``bank.bank_root()``'s). Nothing here imports torch.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlparse

from grader import authoring, bank, i18n
from grader.progress import Progress, data_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

INDEX_FORMAT = 1
INDEX_NAME = "index.json"
BUILTIN = "builtin"  # the course that comes with prep: the checkout, or the installed built-in course
MANIFEST = ".prep-fetch.json"  # in a learner's folder: sha256 of each file prep last wrote there
# Fields an exam's exercise.toml leaves out: maintainers' notes about the reference and the seed.
MAINTAINER_ONLY_FIELDS = ("seed_defects", "equivalent_mutants")
MAX_INDEX_BYTES = 8 << 20
MAX_ARCHIVE_BYTES = 64 << 20
MAX_UNPACKED_BYTES = 256 << 20
DEFAULT_TIMEOUT_S = 20.0  # per connect/read; $PREP_HTTP_TIMEOUT overrides it
SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")


class CourseError(Exception):
    """A course problem the user can fix; the message is one line and says how (the CLI exits 2)."""


# ---------------------------------------------------------------- files written in one step


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` so that readers see the old bytes or the new ones, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp's 0600 would hide a published course from the web server
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_json(path: Path, data: Any) -> None:
    write_atomic(path, (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode())


def _read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default
    except ValueError:
        raise CourseError(f"{path} is not valid JSON: delete it and run the command again") from None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- the index


@dataclass(frozen=True)
class Entry:
    """One exercise in a course's index."""

    id: str
    version: int
    archive: str  # relative to the index
    sha256: str
    size: int
    solution: bool  # the archive holds the reference solution
    metadata: dict[str, Any]  # exercise.toml as JSON

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "archive": self.archive, "sha256": self.sha256, "size": self.size,
                "solution": self.solution, "metadata": self.metadata}


@dataclass(frozen=True)
class Index:
    course: str
    version: int
    exam: bool
    exercises: dict[str, Entry]

    def to_json(self) -> dict[str, Any]:
        return {"format": INDEX_FORMAT, "course": self.course, "version": self.version, "exam": self.exam,
                "exercises": {i: e.to_json() for i, e in sorted(self.exercises.items())}}


def parse_index(raw: bytes, where: str) -> Index:
    """Validate an index.json; every problem is one line naming ``where``."""

    def bad(why: str) -> CourseError:
        return CourseError(f"{where} is not a prep course index ({why}): check the address, or ask the course's "
                           "publisher to run `prep publish` again")

    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise bad("not JSON") from None
    if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT:
        raise bad(f"format is {data.get('format') if isinstance(data, dict) else None!r}, "
                  f"this prep reads format {INDEX_FORMAT}")
    course, version, exam, exercises = (data.get(k) for k in ("course", "version", "exam", "exercises"))
    if not isinstance(course, str) or not bank.ID_PATTERN.match(course):
        raise bad(f"course id {course!r}")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise bad(f"version {version!r}")
    if not isinstance(exam, bool) or not isinstance(exercises, dict):
        raise bad("'exam' or 'exercises' missing")
    entries = {}
    for ex_id, e in exercises.items():
        if not bank.ID_PATTERN.match(ex_id) or not isinstance(e, dict):
            raise bad(f"exercise {ex_id!r}")
        archive = e.get("archive")
        if (not isinstance(archive, str) or not archive.endswith(".tar.gz") or archive.startswith("/")
                or ".." in PurePosixPath(archive).parts or urlparse(archive).scheme):
            raise bad(f"{ex_id}: archive {archive!r} is not a relative .tar.gz path")
        if not isinstance(e.get("sha256"), str) or not SHA256_PATTERN.match(e["sha256"]):
            raise bad(f"{ex_id}: sha256")
        if not isinstance(e.get("metadata"), dict) or e["metadata"].get("id") != ex_id:
            raise bad(f"{ex_id}: metadata")
        v, size, solution = e.get("version"), e.get("size"), e.get("solution")
        if not isinstance(v, int) or isinstance(v, bool) or v < 1 or not isinstance(size, int) \
                or not isinstance(solution, bool):
            raise bad(f"{ex_id}: version, size or solution")
        entries[ex_id] = Entry(ex_id, v, archive, e["sha256"], size, solution and not exam, e["metadata"])
    return Index(course, version, exam, entries)


# ---------------------------------------------------------------- publishing


@dataclass
class PublishedExercise:
    id: str
    version: int
    archive: str
    sha256: str
    size: int
    changed: bool  # a new version (or new to the course) in this publish


@dataclass
class PublishReport:
    out: Path
    course: str
    version: int
    exam: bool
    exercises: list[PublishedExercise]
    removed: list[str]
    notes: list[str] = field(default_factory=list)  # warnings for the instructor


def publish(root: Path, exercise_ids: list[str] | None, out: Path, *, exam: bool = False,
            course_id: str | None = None) -> PublishReport:
    """Write the exercises of the bank at ``root`` as a static course in ``out``.

    Publishing again into the same folder keeps each unchanged exercise's version and archive and
    gives a changed one the next version; the course's version goes up when anything changed.
    """
    out = Path(out)
    previous = None
    if (out / INDEX_NAME).is_file():
        previous = parse_index((out / INDEX_NAME).read_bytes(), str(out / INDEX_NAME))
        if previous.exam != exam:
            kind = "an exam" if previous.exam else "a practice course"
            raise CourseError(f"{out} holds {kind}: publish {'with' if previous.exam else 'without'} --exam, "
                              "or into another folder")
    course = course_id or (previous.course if previous else _as_id(out.resolve().name))
    if not bank.ID_PATTERN.match(course):
        raise CourseError(f"{course!r} is not a course id: pass --course-id with lowercase words joined by hyphens")
    try:
        exercises = [bank.load(i, root) for i in exercise_ids] if exercise_ids else bank.load_all(root)
    except bank.UnknownExercise as e:
        raise CourseError(f"no exercise '{e.args[0]}' in {root}: `prep list` shows them") from None
    except bank.ExerciseFormatError as e:
        raise CourseError(str(e)) from None
    if not exercises:
        raise CourseError(f"{root} has no exercises to publish: `prep new ID` creates one")
    entries: dict[str, Entry] = {}
    published = []
    notes = []
    for ex in exercises:
        if not ex.solution_path.is_file():
            raise CourseError(f"{ex.id}: {ex.solution_path} is missing, and the learner files are built from it: "
                              "publish from the bank that has it")
        try:
            stale = authoring.stale_files(ex)
        except authoring.MarkerError as e:
            raise CourseError(f"{ex.id}: {e}") from None
        if stale:
            raise CourseError(f"{ex.id}: {', '.join(p.name for p in stale)} stale: run `prep build {ex.id}` "
                              f"and `prep selftest {ex.id}` first")
        if exam and ex.kind == "quiz":
            notes.append(f"{ex.id} is a quiz: its hidden graders hold the answer key, and they ship with the "
                         "course so that `prep check` can grade; grade the exam with `prep grade` from your bank")
        files, metadata = _exercise_files(ex, exam=exam)
        data = deterministic_archive(files)
        digest = sha256(data)
        archive = f"archives/{ex.id}-{digest[:16]}.tar.gz"
        if not (out / archive).is_file() or sha256((out / archive).read_bytes()) != digest:
            write_atomic(out / archive, data)
        before = previous.exercises.get(ex.id) if previous else None
        changed = before is None or before.sha256 != digest
        version = (before.version + 1 if before else 1) if changed else before.version
        entries[ex.id] = Entry(ex.id, version, archive, digest, len(data), not exam, metadata)
        published.append(PublishedExercise(ex.id, version, archive, digest, len(data), changed))
    removed = sorted(set(previous.exercises) - set(entries)) if previous else []
    anything_changed = previous is None or removed or any(p.changed for p in published)
    version = (previous.version + 1 if previous else 1) if anything_changed else previous.version
    index = Index(course, version, exam, entries)
    _write_json(out / INDEX_NAME, index.to_json())  # last: the archives it names are in place
    return PublishReport(out, course, version, exam, published, removed, notes)


def _as_id(name: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", name.lower())) or "course"


def _exercise_files(ex: bank.Exercise, *, exam: bool) -> tuple[list[tuple[str, bytes]], dict[str, Any]]:
    """(archive name, bytes) of every file of the exercise, and its metadata for the index."""
    toml_path = ex.directory / "exercise.toml"
    text = toml_path.read_text(encoding="utf-8")
    metadata = tomllib.loads(text)
    files = []
    for path in sorted(ex.directory.rglob("*")):
        rel = path.relative_to(ex.directory)
        if not path.is_file() or any(p.startswith(".") or p == "__pycache__" for p in rel.parts) \
                or path.suffix in (".pyc", ".pyo") or path.name.endswith("~"):
            continue
        data = path.read_bytes()
        if rel.as_posix() == "exercise.toml":
            if exam:
                metadata = {k: v for k, v in metadata.items() if k not in MAINTAINER_ONLY_FIELDS}
                data = toml_text(metadata, where=str(toml_path)).encode()
        files.append((f"exercises/{ex.id}/{rel.as_posix()}", data))
    if not exam:
        files.append((f"solutions/{ex.id}.py", ex.solution_path.read_bytes()))
    json.dumps(metadata)  # TOML dates would not survive the index: fail here, naming nothing half-written
    return files, metadata


def toml_text(data: dict[str, Any], *, where: str) -> str:
    """exercise.toml's schema (strings, numbers, booleans, lists of them, tables, arrays of tables) as TOML.

    Exams need exercise.toml without some fields (and without comments, which are maintainers'
    notes). The output is read back and must equal ``data``: anything this writer cannot express
    is an error, never a changed exercise.
    """

    def key(k: str) -> str:
        return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k, ensure_ascii=False)

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)  # a JSON string is a valid TOML basic string
        if isinstance(v, list) and not any(isinstance(x, dict) for x in v):
            return "[" + ", ".join(value(x) for x in v) + "]"
        raise CourseError(f"{where}: cannot write {type(v).__name__} values for an exam")

    lines = []
    tables = []
    for k, v in data.items():
        if isinstance(v, dict) or (isinstance(v, list) and v and all(isinstance(x, dict) for x in v)):
            tables.append((k, v))
        else:
            lines.append(f"{key(k)} = {value(v)}")
    for k, v in tables:
        for table in ([v] if isinstance(v, dict) else v):
            lines += ["", f"[{key(k)}]" if isinstance(v, dict) else f"[[{key(k)}]]"]
            lines += [f"{key(tk)} = {value(tv)}" for tk, tv in table.items()]
    text = "\n".join(lines) + "\n"
    if tomllib.loads(text) != data:
        raise CourseError(f"{where}: its fields could not be written back exactly for an exam")
    return text


def deterministic_archive(files: list[tuple[str, bytes]]) -> bytes:
    """A tar.gz whose bytes depend only on the names and contents: same exercise, same sha256."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for name, data in sorted(files):
                info = tarfile.TarInfo(name)
                info.size, info.mtime, info.mode = len(data), 0, 0o644
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def unpack(data: bytes, exercise_id: str, dest: Path, *, where: str) -> None:
    """Unpack one exercise's archive into ``dest`` (a bank root), refusing anything but its own files."""
    allowed_dir = ("exercises", exercise_id)
    solution = ("solutions", f"{exercise_id}.py")
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar:
                parts = PurePosixPath(member.name).parts
                if member.isdir():
                    continue
                inside = parts[:2] == allowed_dir and len(parts) > 2 or parts == solution
                if not member.isfile() or not inside or any(p in ("..", "") or p.startswith("/") for p in parts):
                    raise CourseError(f"{where} holds {member.name!r}, which is not a file of {exercise_id}: "
                                      "it was refused; tell the course's publisher")
                total += member.size
                if total > MAX_UNPACKED_BYTES:
                    raise CourseError(f"{where} unpacks to more than {MAX_UNPACKED_BYTES >> 20} MB: it was refused")
                target = dest.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                extracted = tar.extractfile(member)
                assert extracted is not None
                target.write_bytes(extracted.read())
    except (tarfile.TarError, EOFError, OSError, gzip.BadGzipFile) as e:
        raise CourseError(f"{where} is not a readable tar.gz ({e}): it was refused") from None


# ---------------------------------------------------------------- fetching over HTTP (or from a folder)


def timeout_s() -> float:
    try:
        return max(0.1, float(os.environ.get("PREP_HTTP_TIMEOUT", DEFAULT_TIMEOUT_S)))
    except ValueError:
        raise CourseError("PREP_HTTP_TIMEOUT must be a number of seconds") from None


def is_url(source: str) -> bool:
    return urlparse(source).scheme in ("http", "https")


def index_location(source: str) -> str:
    """The index's URL or path for a course source: a URL or folder, or the index itself."""
    if is_url(source):
        return source if source.endswith(".json") else source.rstrip("/") + "/" + INDEX_NAME
    path = Path(source[len("file://"):] if source.startswith("file://") else source)
    return str(path if path.suffix == ".json" else path / INDEX_NAME)


def download(location: str, *, what: str, limit: int) -> bytes:
    """The bytes at a URL or path; every failure is one line that names ``what`` and says what still works."""
    if not is_url(location):
        try:
            path = Path(location)
            if path.stat().st_size > limit:
                raise CourseError(f"{location} is over {limit >> 20} MB: it was refused")
            return path.read_bytes()
        except OSError as e:
            raise CourseError(f"cannot read {what} at {location} ({e.strerror or e}): check the path") from None
    import httpx

    timeout = timeout_s()
    # Each connect and read has the timeout; the whole download gets a deadline too, so a server
    # that trickles bytes cannot hold a command for long.
    deadline = time.monotonic() + 3 * timeout
    offline = "exercises you fetched before still work offline"
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True,
                          transport=httpx.HTTPTransport(retries=1),
                          headers={"User-Agent": f"prep/{_version()}"}) as client:
            with client.stream("GET", location) as response:
                if response.status_code != 200:
                    raise CourseError(f"cannot fetch {what}: {location} answered {response.status_code} "
                                      f"{response.reason_phrase}: check the address; {offline}")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise CourseError(f"{what} at {location} is over {limit >> 20} MB: it was refused")
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("overall deadline")
                    chunks.append(chunk)
                return b"".join(chunks)
    except httpx.TimeoutException:
        raise CourseError(f"cannot fetch {what}: {location} did not answer within {timeout:g} s (the server is "
                          f"slow or down): try again later; {offline}") from None
    except (httpx.HTTPError, httpx.InvalidURL) as e:
        reason = str(e).strip() or type(e).__name__
        raise CourseError(f"cannot fetch {what}: {location} cannot be reached ({reason}): check the address "
                          f"and your connection; {offline}") from None


def _version() -> str:
    from grader import __version__

    return __version__


# ---------------------------------------------------------------- the learner's courses


def registry_path() -> Path:
    return data_dir() / "courses.json"


def _registry() -> dict[str, Any]:
    data = _read_json(registry_path(), {})
    return {"active": data.get("active"), "courses": dict(data.get("courses", {}))}


def course_dir(name: str) -> Path:
    return data_dir() / "courses" / name


@dataclass
class CourseInfo:
    name: str
    source: str  # URL or folder; for the built-in course, the folder it is read from
    active: bool
    course: str = ""  # the course id in its index
    version: int = 0
    exam: bool = False
    exercises: int = 0
    fetched: int = 0


def add(source: str, name: str | None = None) -> CourseInfo:
    """Register a published course (a URL or a folder), fetch its index, and use it."""
    source = source if is_url(source) else str(Path(source).expanduser().resolve())
    location = index_location(source)
    raw = download(location, what="the course index", limit=MAX_INDEX_BYTES)
    index = parse_index(raw, location)
    name = name or index.course
    if not bank.ID_PATTERN.match(name) or name == BUILTIN:
        raise CourseError(f"{name!r} cannot name a course: pass --name with lowercase words joined by hyphens "
                          f"(not '{BUILTIN}')")
    reg = _registry()
    known = reg["courses"].get(name)
    if known and known["source"] != source:
        raise CourseError(f"a course named {name} is already added (from {known['source']}): pass --name "
                          "to add this one under another name")
    write_atomic(course_dir(name) / INDEX_NAME, raw)
    reg["courses"][name] = {"source": source}
    reg["active"] = name
    _write_json(registry_path(), reg)
    return _info(name, reg)


def use(name: str) -> CourseInfo:
    reg = _registry()
    if name != BUILTIN and name not in reg["courses"]:
        names = ", ".join([BUILTIN, *sorted(reg["courses"])])
        raise CourseError(f"no course named {name}: the courses are {names} (`prep course add URL` adds one)")
    reg["active"] = None if name == BUILTIN else name
    _write_json(registry_path(), reg)
    return _info(name, reg)


def courses() -> list[CourseInfo]:
    reg = _registry()
    return [_info(BUILTIN, reg)] + [_info(name, reg) for name in sorted(reg["courses"])]


def _info(name: str, reg: dict[str, Any]) -> CourseInfo:
    active = (reg["active"] or BUILTIN) == name
    if name == BUILTIN:
        try:
            root = str(bank.checkout_root() if bank.is_bank(bank.checkout_root()) else bank.installed_course_root())
            count = len(bank.exercise_ids(Path(root)))
        except Exception:  # an odd install: the listing still shows the other courses
            root, count = "(not found)", 0
        return CourseInfo(BUILTIN, root, active, BUILTIN, 0, False, count, 0)
    c = Course(name, reg["courses"][name]["source"])
    index = c.index_or_none()
    if index is None:
        return CourseInfo(name, c.source, active)
    return CourseInfo(name, c.source, active, index.course, index.version, index.exam, len(index.exercises),
                      len(c.fetched()))


def active_source() -> "LocalBank | Course":
    """What learner commands read: $PREP_BANK, the course in use, the checkout, the installed course."""
    if os.environ.get("PREP_BANK"):
        return LocalBank(bank.bank_root(), "PREP_BANK")
    reg = _registry()
    name = reg["active"]
    if name and name in reg["courses"]:
        return Course(name, reg["courses"][name]["source"])
    return LocalBank(bank.bank_root(), BUILTIN)


def learner_files(ex: bank.Exercise) -> dict[str, Path]:
    """File name in the learner's folder -> where it comes from in the bank."""
    files = {p.name: p for p in (ex.stub_path, ex.notebook_path, ex.readme_path)}
    if ex.public_graders.exists():
        files["test_public.py"] = ex.public_graders
    if (ex.learner_dir / "conftest.py").is_file():  # `pytest` there runs the public graders through prep's judge
        files["conftest.py"] = ex.learner_dir / "conftest.py"
    return files


def learner_file_bytes(ex: bank.Exercise, lang: i18n.Lang | None = None) -> dict[str, bytes]:
    """The learner's files as written into their folder: in their languages (default: --lang unset, $PREP_LANG)."""
    files = {n: p.read_bytes() for n, p in learner_files(ex).items()}
    return authoring.localize(ex, files, lang or i18n.choose())


@dataclass
class FetchReport:
    directory: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # edited by the learner, left alone; nothing newer to offer
    unchanged: list[Path] = field(default_factory=list)
    beside: list[tuple[Path, Path]] = field(default_factory=list)  # (edited file kept, the new version beside it)
    version: str = ""  # which version was fetched, for courses: "v2 of course pytorch-101"
    set_aside: Path | None = None  # where `prep fetch --force` moved the learner's old copy


def place_learner_files(target: Path, files: dict[str, bytes], *, tag: str) -> FetchReport:
    """Write the learner's files into ``target``, never overwriting one the learner edited.

    A file counts as edited when it differs from what prep last wrote there (hashes kept in
    .prep-fetch.json). An unedited file is refreshed. An edited one is kept; when there is a new
    version of it, that goes beside it as ``<stem>.<tag><suffix>`` (``autograd-mul.v2.py``).
    """
    if target.exists() and not target.is_dir():
        raise CourseError(f"{target} exists and is not a folder: pass another --dir")
    target.mkdir(parents=True, exist_ok=True)
    manifest_path = target / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        if not isinstance(manifest, dict):
            manifest = {}
    except ValueError:
        manifest = {}
    report = FetchReport(target)
    for name, new in files.items():
        dest = target / name
        if dest.exists():
            current = dest.read_bytes()
            if current == new:
                report.unchanged.append(dest)
                manifest[name] = sha256(new)
                continue
            if manifest.get(name) != sha256(current):  # the learner's work
                if manifest.get(name) == sha256(new):
                    report.kept.append(dest)
                    continue
                other = dest.with_name(f"{dest.stem}.{tag}{dest.suffix}")
                if other.exists() and manifest.get(other.name) != sha256(other.read_bytes()) \
                        and other.read_bytes() != new:
                    report.kept.append(dest)  # the learner edited that one too: leave both
                    continue
                write_atomic(other, new)
                manifest[other.name] = sha256(new)
                report.beside.append((dest, other))
                continue
        write_atomic(dest, new)
        manifest[name] = sha256(new)
        report.written.append(dest)
    _write_json(manifest_path, manifest)
    return report


class LocalBank:
    """A bank on disk: $PREP_BANK, the checkout, or the installed built-in course."""

    def __init__(self, root: Path, name: str) -> None:
        self.root, self.name = root, name

    def exercise_ids(self) -> list[str]:
        return bank.exercise_ids(self.root)

    def load(self, exercise_id: str) -> bank.Exercise:
        return bank.load(exercise_id, self.root)

    def load_all(self) -> list[bank.Exercise]:
        return bank.load_all(self.root)

    def exercise_for_grading(self, exercise_id: str) -> tuple[bank.Exercise, str]:
        return self.load(exercise_id), ""

    def fetch(self, exercise_id: str, target: Path, lang: i18n.Lang | None = None) -> FetchReport:
        ex = self.load(exercise_id)
        return place_learner_files(target, learner_file_bytes(ex, lang), tag="new")

    def require_solutions(self, exercise_id: str) -> None:
        """A bank on disk keeps its references (a missing file is reported when it is read)."""

    def solution_text(self, exercise_id: str) -> str:
        ex = self.load(exercise_id)
        if not ex.solution_path.is_file():
            raise CourseError(f"{ex.solution_path} is missing: this bank has no reference for {ex.id}")
        return ex.solution_path.read_text(encoding="utf-8")


class Course:
    """A course added with ``prep course add``: its cached index, store and fetched versions."""

    def __init__(self, name: str, source: str) -> None:
        self.name, self.source = name, source
        self.dir = course_dir(name)

    # -- the index

    def index_or_none(self) -> Index | None:
        path = self.dir / INDEX_NAME
        return parse_index(path.read_bytes(), str(path)) if path.is_file() else None

    def index(self) -> Index:
        index = self.index_or_none()
        if index is None:
            raise CourseError(f"course {self.name} has no index yet: run `prep course update`")
        return index

    def entry(self, exercise_id: str) -> Entry:
        index = self.index()
        if exercise_id not in index.exercises:
            raise bank.UnknownExercise(exercise_id)
        return index.exercises[exercise_id]

    # -- what the learner holds

    def fetched(self) -> dict[str, dict[str, Any]]:
        return _read_json(self.dir / "fetched.json", {})

    def _record_fetched(self, exercise_id: str, entry: Entry) -> None:
        fetched = self.fetched()
        fetched[exercise_id] = {"sha256": entry.sha256, "version": entry.version}
        _write_json(self.dir / "fetched.json", fetched)

    def label(self, version: int) -> str:
        return f"v{version} of course {self.name}"

    # -- a bank of exercises

    def exercise_ids(self) -> list[str]:
        return sorted(self.index().exercises)

    def load(self, exercise_id: str) -> bank.Exercise:
        """The exercise as the learner fetched it (its files), else as the index describes it."""
        held = self.fetched().get(exercise_id)
        if held and (self.store(held["sha256"]) / "exercises" / exercise_id).is_dir():
            return bank.load(exercise_id, self.store(held["sha256"]))
        entry = self.entry(exercise_id)
        root = self.store(entry.sha256)
        return bank.parse(entry.metadata, directory=root / "exercises" / exercise_id,
                          solution_path=root / "solutions" / f"{exercise_id}.py",
                          where=f"course {self.name}, {exercise_id}")

    def load_all(self) -> list[bank.Exercise]:
        return [self.load(i) for i in self.exercise_ids()]

    def store(self, digest: str) -> Path:
        return self.dir / "store" / digest

    def archive_location(self, entry: Entry) -> str:
        location = index_location(self.source)
        if is_url(location):
            return urljoin(location, entry.archive)
        return str(Path(location).parent.joinpath(*PurePosixPath(entry.archive).parts))

    def materialize(self, entry: Entry) -> bank.Exercise:
        """The exercise's files for this version: from the store, else downloaded, verified and unpacked."""
        root = self.store(entry.sha256)
        if not root.is_dir():
            location = self.archive_location(entry)
            data = download(location, what=f"{entry.id} ({entry.archive})", limit=MAX_ARCHIVE_BYTES)
            got = sha256(data)
            if got != entry.sha256:
                raise CourseError(f"{entry.archive} of course {self.name} was refused: its sha256 is {got[:16]}..., "
                                  f"the index says {entry.sha256[:16]}... (changed or damaged on the way): run "
                                  "`prep course update`, or tell the course's publisher")
            root.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{entry.sha256[:16]}-"))
            try:
                unpack(data, entry.id, tmp, where=entry.archive)
                try:
                    bank.load(entry.id, tmp)
                except (bank.UnknownExercise, bank.ExerciseFormatError) as e:
                    raise CourseError(f"{entry.archive} of course {self.name} holds no valid exercise {entry.id} "
                                      f"({e}): it was refused; tell the course's publisher") from None
                try:
                    os.rename(tmp, root)  # one step: the store has the whole version or none of it
                except OSError:
                    if not root.is_dir():  # not another prep that got there first
                        raise
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        return bank.load(entry.id, root)

    def exercise_for_grading(self, exercise_id: str) -> tuple[bank.Exercise, str]:
        """The graders of the version the learner fetched (else the current one, fetched now)."""
        held = self.fetched().get(exercise_id)
        if held and (self.store(held["sha256"]) / "exercises" / exercise_id).is_dir():
            return bank.load(exercise_id, self.store(held["sha256"])), self.label(held["version"])
        entry = self.entry(exercise_id)
        return self.materialize(entry), self.label(entry.version)

    def fetch(self, exercise_id: str, target: Path, lang: i18n.Lang | None = None) -> FetchReport:
        entry = self.entry(exercise_id)
        ex = self.materialize(entry)
        files = learner_file_bytes(ex, lang)
        report = place_learner_files(target, files, tag=f"v{entry.version}")
        self._record_fetched(exercise_id, entry)
        report.version = self.label(entry.version)
        return report

    def require_solutions(self, exercise_id: str) -> None:
        """An exam's archives hold no reference at all: say so, whatever the learner's progress or --force."""
        entry = self.entry(exercise_id)
        if self.index().exam or not entry.solution:
            raise CourseError(f"course {self.name} does not include reference solutions (it was published as an "
                              "exam), so there is none to show: ask your instructor")

    def solution_text(self, exercise_id: str) -> str:
        self.require_solutions(exercise_id)
        entry = self.entry(exercise_id)
        ex, _ = self.exercise_for_grading(exercise_id)
        if not ex.solution_path.is_file():
            raise CourseError(f"{entry.archive} of course {self.name} has no reference solution: ask the course's "
                              "publisher")
        return ex.solution_path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- updating


@dataclass
class UpdatedExercise:
    id: str
    old_version: int
    new_version: int
    report: FetchReport | None  # None when the learner's folder is gone (the new version is cached)


@dataclass
class UpdateReport:
    name: str
    old_version: int
    new_version: int
    updated: list[UpdatedExercise]
    added: list[str]  # new in the course
    removed: list[str]  # no longer in the course (the learner's copies stay)


def update(name: str | None = None, *, progress: Progress | None = None) -> UpdateReport:
    """Fetch the course's index again, and the new version of every exercise the learner fetched.

    Everything is downloaded and verified before anything changes; then the learner's folders get
    the new files (edited ones are kept, with the new version beside them) and the index is saved.
    """
    reg = _registry()
    name = name or reg["active"]
    if not name or name == BUILTIN:
        raise CourseError("the built-in course comes with prep: upgrade prep to update it (`pipx upgrade prep` or "
                          "`pip install -U prep`); `prep course use NAME` picks an added course")
    if name not in reg["courses"]:
        raise CourseError(f"no course named {name}: `prep course list` shows them")
    course = Course(name, reg["courses"][name]["source"])
    old = course.index_or_none()
    location = index_location(course.source)
    raw = download(location, what=f"the index of course {name}", limit=MAX_INDEX_BYTES)
    new = parse_index(raw, location)
    if old is not None and new.course != old.course:
        raise CourseError(f"{location} now serves course {new.course}, not {old.course}: add it as a new course "
                          f"with `prep course add {course.source} --name NAME`")
    held = course.fetched()
    changed = [(i, new.exercises[i]) for i in sorted(held) if i in new.exercises
               and new.exercises[i].sha256 != held[i]["sha256"]]
    for _, entry in changed:  # download and verify all before touching anything
        course.materialize(entry)
    progress = progress or Progress()
    updated = []
    for ex_id, entry in changed:
        folder = progress.fetched_to(ex_id)
        report = None
        if folder is not None and folder.is_dir():
            ex = bank.load(ex_id, course.store(entry.sha256))
            report = place_learner_files(folder, learner_file_bytes(ex), tag=f"v{entry.version}")
        course._record_fetched(ex_id, entry)
        updated.append(UpdatedExercise(ex_id, int(held[ex_id]["version"]), entry.version, report))
    write_atomic(course.dir / INDEX_NAME, raw)
    before = set(old.exercises) if old else set()
    return UpdateReport(name, old.version if old else 0, new.version, updated,
                        sorted(set(new.exercises) - before), sorted(set(held) - set(new.exercises)))
