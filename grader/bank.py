"""The exercise bank: one folder per exercise, described by one ``exercise.toml``.

Layout of an exercise (``exercises/<id>/``)::

    exercise.toml      metadata, validated against SCHEMA_VERSION below
    test_public.py     graders the learner can read
    test_hidden.py     graders the learner never sees (random inputs per run)
    probes.py          optional: trusted helpers that run in the worker
    learner/           generated from solutions/<id>.py: <id>.py, <id>.ipynb, README.md

and ``solutions/<id>.py``, the reference solution with solution markers: the
single source the learner files are generated from.

This module imports no torch, so listing exercises stays fast.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import i18n

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SCHEMA_VERSION = 1
KINDS = ("code", "fix-bug", "quiz")
DIFFICULTIES = ("easy", "medium", "hard")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
SEED_PATTERN = re.compile(r"^\d{3}-\d{2}$")
GRADER_PATTERN = re.compile(r"^test_[A-Za-z0-9_]+(\[[A-Za-z0-9_.]+\])?$")
MODULE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
# an ATen operator name, optionally with an overload and '*' wildcards: aten::sigmoid, aten::_fused_adam*
OP_PATTERN = re.compile(r"^[a-z][a-z0-9_]*::[A-Za-z0-9_*]+(\.[A-Za-z0-9_*]+)?$")  # aten::, mkldnn::, ...
LIMIT_FIELDS = {"wall_s": float, "call_s": float, "memory_mb": int, "cpu_s": int}


@dataclass(frozen=True)
class Clause:
    """One behaviour the task states (``says``, quoted from the prompt) and the graders that fail without it."""

    says: str
    graders: tuple[str, ...]


@dataclass(frozen=True)
class EquivalentMutant:
    """A mutant of the reference that behaves exactly like it (no grader can or should kill it), and why."""

    mutant: str  # the mutant's id as `prep selftest --mutants` prints it
    reason: str


class ExerciseFormatError(Exception):
    """An exercise's metadata breaks the schema; the message names the file and the field."""


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    kind: str
    difficulty: str
    topics: tuple[str, ...]
    seeds: tuple[str, ...]
    question_zh: str
    prompt_en: str
    points: dict[str, float]
    hints: tuple[str, ...]
    time_budget_min: int
    directory: Path
    solution_path: Path
    limits: dict[str, Any] = field(default_factory=dict)
    bans: tuple[str, ...] = ()
    seed_defects: str = ""
    preload: tuple[str, ...] = ()  # modules a warm worker pool imports once (e.g. torch._dynamo)
    ban_ops: tuple[str, ...] = ()  # ATen operator patterns trapped at the dispatcher in the worker
    autograd: bool = True  # false: no operator records a graph in the worker (gradients by hand; grader/worker/seal.py)
    clauses: tuple["Clause", ...] = ()  # each behaviour the task states -> the graders that check it
    context: tuple[str, ...] = ()  # prompt fragments that state no gradable behaviour (background)
    equivalent_mutants: tuple["EquivalentMutant", ...] = ()
    # translations from i18n.toml (grader/i18n.py): "" when there is none, or when it is stale
    question_en: str = ""  # question_zh in English
    task_zh: str = ""  # prompt_en (the task) in Chinese
    stale_translations: tuple[str, ...] = ()  # "question.en", "task.zh": present, but of an older text

    @property
    def task_en(self) -> str:
        return self.prompt_en

    @property
    def i18n_path(self) -> Path:
        return self.directory / i18n.FILE

    @property
    def max_score(self) -> float:
        return float(sum(self.points.values()))

    @property
    def public_graders(self) -> Path:
        return self.directory / "test_public.py"

    @property
    def hidden_graders(self) -> Path:
        return self.directory / "test_hidden.py"

    @property
    def measures_worker(self) -> bool:
        """Whether its graders measure the worker from outside (``learner.measure()``, ``learner.memory()``,
        ``learner.fresh()``):
        then its worker may start no other process (a child that did the work and exited would leave no trace
        in the worker's own figures)."""
        return any(p.exists() and re.search(r"learner\.(measure|memory|fresh)\(", p.read_text(encoding="utf-8"))
                   for p in (self.public_graders, self.hidden_graders))

    @property
    def probes_path(self) -> Path | None:
        p = self.directory / "probes.py"
        return p if p.exists() else None

    @property
    def learner_dir(self) -> Path:
        return self.directory / "learner"

    @property
    def stub_path(self) -> Path:
        return self.learner_dir / f"{self.id}.py"

    @property
    def notebook_path(self) -> Path:
        return self.learner_dir / f"{self.id}.ipynb"

    @property
    def readme_path(self) -> Path:
        return self.learner_dir / "README.md"

    def summary(self) -> dict[str, Any]:
        """The fields ``prep list --json`` promises."""
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "topics": list(self.topics),
            "difficulty": self.difficulty,
            "seeds": list(self.seeds),
            "max_score": self.max_score,
            "time_budget_min": self.time_budget_min,
        }


class BankNotFound(LookupError):
    """No folder with exercises/ was found; the message says where prep looked and how to fix it."""


# The built-in course inside an installed wheel: setup.py copies the checkout's exercises/ and
# solutions/ here at build time (the checkout itself has no such folder).
BUILTIN_COURSE_PACKAGE_DIR = "builtin_course"


def checkout_root() -> Path:
    """The folder this package sits in: a git checkout (or an editable install) has exercises/ there."""
    return Path(__file__).resolve().parent.parent


def installed_course_root() -> Path:
    """Where an installed wheel keeps the built-in course (found through importlib.resources)."""
    from importlib.resources import files

    return Path(str(files("grader") / BUILTIN_COURSE_PACKAGE_DIR))


def is_bank(root: Path) -> bool:
    return (root / "exercises").is_dir()


def bank_root() -> Path:
    """Where exercises/ and solutions/ live, for the local bank.

    In order: $PREP_BANK (an instructor's own bank), the checkout this package sits in, the
    built-in course of an installed wheel. (A course chosen with ``prep course use`` comes between
    $PREP_BANK and the checkout: grader/course.py puts it there.)
    """
    env = os.environ.get("PREP_BANK")
    if env:
        if not is_bank(Path(env)):
            raise BankNotFound(f"PREP_BANK is {env}, which has no exercises/ folder: point PREP_BANK at your "
                               "bank (the folder that holds exercises/), or create one with `prep new ID --bank DIR`")
        return Path(env)
    for root in (checkout_root(), installed_course_root()):
        if is_bank(root):
            return root
    raise BankNotFound(f"no exercise bank found (PREP_BANK is not set, no course is in use, and neither "
                       f"{checkout_root() / 'exercises'} nor {installed_course_root() / 'exercises'} exists): "
                       "reinstall prep, set PREP_BANK to a folder with exercises/, or run `prep course add URL`")


def exercise_ids(root: Path | None = None) -> list[str]:
    base = (root or bank_root()) / "exercises"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / "exercise.toml").is_file())


def load_all(root: Path | None = None) -> list[Exercise]:
    return [load(i, root) for i in exercise_ids(root)]


class UnknownExercise(LookupError):
    pass


def load(exercise_id: str, root: Path | None = None) -> Exercise:
    root = root or bank_root()
    directory = root / "exercises" / exercise_id
    path = directory / "exercise.toml"
    if not ID_PATTERN.match(exercise_id) or not path.is_file():
        raise UnknownExercise(exercise_id)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ExerciseFormatError(f"{path}: not valid TOML: {e}") from None
    return parse(data, directory=directory, solution_path=root / "solutions" / f"{exercise_id}.py", where=str(path))


def translations(directory: Path, question_zh: str, task_en: str) -> dict[str, Any]:
    """The Exercise fields that ``directory/i18n.toml`` gives (grader/i18n.py has its format); {} without one.

    A translation is kept only while its hash matches the normalized text it translates; otherwise it is
    named in ``stale_translations`` and left out, so that no learner reads a translation of an older task.
    """
    path = directory / i18n.FILE
    if not path.is_file():
        return {}
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ExerciseFormatError(f"{where}: not valid TOML: {e}") from None
    known = {"question_zh_sha256": str, "task_en_sha256": str, "question": dict, "task": dict}
    for key, value in data.items():
        if key not in known:
            raise ExerciseFormatError(f"{where}: field '{key}': is not part of {i18n.FILE} "
                                      f"(known fields: {', '.join(sorted(known))})")
        if not isinstance(value, known[key]):
            raise ExerciseFormatError(f"{where}: field '{key}': must be a {known[key].__name__}, "
                                      f"got {type(value).__name__}")
    fields: dict[str, Any] = {}
    stale = []
    for table, lang, hash_key, source, field_name in (("question", "en", "question_zh_sha256", question_zh, "question_en"),
                                                       ("task", "zh", "task_en_sha256", task_en, "task_zh")):
        entries = data.get(table, {})
        if set(entries) - {lang}:
            raise ExerciseFormatError(f"{where}: field '{table}': holds only '{lang}', got {', '.join(sorted(entries))}")
        if lang not in entries:
            continue
        text = entries[lang]
        if not isinstance(text, str) or not text.strip():
            raise ExerciseFormatError(f"{where}: field '{table}.{lang}': must be a non-empty string")
        recorded = data.get(hash_key)
        if not isinstance(recorded, str) or not re.fullmatch(r"[0-9a-f]{64}", recorded):
            raise ExerciseFormatError(f"{where}: field '{hash_key}': must be the sha256 (64 hex digits) of the "
                                      f"text '{table}.{lang}' translates (`prep i18n {directory.name}`)")
        if recorded == i18n.digest(source):
            fields[field_name] = text.strip()
        else:
            stale.append(f"{table}.{lang}")
    if stale:
        fields["stale_translations"] = tuple(stale)
    return fields


def parse(data: dict[str, Any], *, directory: Path, solution_path: Path, where: str) -> Exercise:
    """Validate one exercise's metadata; every error names the file and the field."""

    def fail(field_name: str, problem: str) -> None:
        raise ExerciseFormatError(f"{where}: field '{field_name}': {problem}")

    def need(name: str, kind: type, table: dict = data, prefix: str = "") -> Any:
        if name not in table:
            fail(prefix + name, "is missing")
        value = table[name]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            fail(prefix + name, f"must be a {kind.__name__}, got {type(value).__name__}")
        return value

    def strings(name: str, *, pattern: re.Pattern | None = None, nonempty: bool = True) -> tuple[str, ...]:
        values = need(name, list)
        if nonempty and not values:
            fail(name, "must not be empty")
        for v in values:
            if not isinstance(v, str) or not v.strip():
                fail(name, f"entries must be non-empty strings, got {v!r}")
            if pattern and not pattern.match(v):
                fail(name, f"entry {v!r} does not match {pattern.pattern}")
        if len(set(values)) != len(values):
            fail(name, "has duplicate entries")
        return tuple(values)

    known = {"schema", "id", "title", "kind", "difficulty", "topics", "seeds", "hints", "time_budget_min",
             "bans", "question", "points", "limits", "seed_defects", "preload", "ban_ops", "autograd", "clauses", "context",
             "equivalent_mutants"}
    for key in data:
        if key not in known:
            fail(key, f"is not part of schema {SCHEMA_VERSION} (known fields: {', '.join(sorted(known))})")
    schema = need("schema", int)
    if schema != SCHEMA_VERSION:
        fail("schema", f"is {schema}, this prep reads schema {SCHEMA_VERSION}")
    ex_id = need("id", str)
    if ex_id != directory.name:
        fail("id", f"is {ex_id!r} but the folder is named {directory.name!r}")
    kind = need("kind", str)
    if kind not in KINDS:
        fail("kind", f"must be one of {', '.join(KINDS)}, got {kind!r}")
    difficulty = need("difficulty", str)
    if difficulty not in DIFFICULTIES:
        fail("difficulty", f"must be one of {', '.join(DIFFICULTIES)}, got {difficulty!r}")
    question = need("question", dict)
    zh = need("zh", str, question, "question.")
    en = need("en", str, question, "question.")
    if not zh.strip() or not en.strip():
        fail("question", "needs non-empty 'zh' (the original question, quoted) and 'en' (the English prompt)")
    points_table = need("points", dict)
    if not points_table:
        fail("points", "must list at least one grader")
    points: dict[str, float] = {}
    for name, value in points_table.items():
        if not GRADER_PATTERN.match(name):
            fail(f"points.{name}", "grader names look like test_something or test_something[param]")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            fail(f"points.{name}", f"must be a positive number, got {value!r}")
        points[name] = float(value)
    budget = need("time_budget_min", int)
    if budget <= 0:
        fail("time_budget_min", "must be positive")
    limits = data.get("limits", {})
    if not isinstance(limits, dict):
        fail("limits", "must be a table")
    for key, value in limits.items():
        if key not in LIMIT_FIELDS:
            fail(f"limits.{key}", f"unknown limit (known: {', '.join(LIMIT_FIELDS)})")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            fail(f"limits.{key}", f"must be a positive number, got {value!r}")
    bans = data.get("bans", [])
    if not isinstance(bans, list) or not all(isinstance(b, str) and "." in b for b in bans):
        fail("bans", "must be a list of dotted names such as 'torch.optim.SGD'")
    autograd = data.get("autograd", True)
    if not isinstance(autograd, bool):
        fail("autograd", f"must be true or false, got {autograd!r}")
    ban_ops = data.get("ban_ops", [])
    if not isinstance(ban_ops, list) or not all(isinstance(o, str) and OP_PATTERN.match(o) for o in ban_ops):
        fail("ban_ops", "must be a list of operator patterns such as 'aten::sigmoid', 'aten::_fused_adam*' or 'mkldnn::_linear_pointwise*'")
    clauses = []
    for i, entry in enumerate(data.get("clauses", [])):
        if not isinstance(entry, dict) or set(entry) != {"says", "graders"}:
            fail(f"clauses[{i}]", "must be a table with exactly 'says' (quoted from the prompt) and 'graders'")
        says, graders = entry["says"], entry["graders"]
        if not isinstance(says, str) or not says.strip():
            fail(f"clauses[{i}].says", "must be a non-empty string")
        if not isinstance(graders, list) or not graders or not all(isinstance(g, str) for g in graders):
            fail(f"clauses[{i}].graders", "must be a non-empty list of grader names")
        for g in graders:
            if g not in points:
                fail(f"clauses[{i}].graders", f"names {g!r}, which has no entry in [points]")
        clauses.append(Clause(" ".join(says.split()), tuple(graders)))
    context = data.get("context", [])
    if not isinstance(context, list) or not all(isinstance(c, str) and c.strip() for c in context):
        fail("context", "must be a list of non-empty strings quoted from the prompt")
    equivalent = []
    for i, entry in enumerate(data.get("equivalent_mutants", [])):
        if (not isinstance(entry, dict) or set(entry) != {"mutant", "reason"}
                or not all(isinstance(entry[k], str) and entry[k].strip() for k in entry)):
            fail(f"equivalent_mutants[{i}]", "must be a table with non-empty strings 'mutant' and 'reason'")
        equivalent.append(EquivalentMutant(entry["mutant"].strip(), entry["reason"].strip()))
    preload = data.get("preload", [])
    if not isinstance(preload, list) or not all(isinstance(m, str) and MODULE_PATTERN.match(m) for m in preload):
        fail("preload", "must be a list of module names such as 'torch._dynamo'")
    defects = data.get("seed_defects", "")
    if not isinstance(defects, str):
        fail("seed_defects", "must be a string")
    return Exercise(
        id=ex_id,
        title=need("title", str),
        kind=kind,
        difficulty=difficulty,
        topics=strings("topics"),
        seeds=strings("seeds", pattern=SEED_PATTERN),
        question_zh=zh.strip(),
        prompt_en=en.strip(),
        points=points,
        hints=strings("hints"),
        time_budget_min=budget,
        directory=directory,
        solution_path=solution_path,
        limits={k: LIMIT_FIELDS[k](v) for k, v in limits.items()},
        bans=tuple(bans),
        seed_defects=defects.strip(),
        preload=tuple(preload),
        ban_ops=tuple(ban_ops),
        autograd=autograd,
        clauses=tuple(clauses),
        context=tuple(" ".join(c.split()) for c in context),
        equivalent_mutants=tuple(equivalent),
        **translations(directory, zh, en),
    )
