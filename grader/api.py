"""The library behind the ``prep`` commands: one function per command.

Errors a user can fix are raised as ``PrepError`` with a one-line message
that says what to do; the CLI prints it as is. Nothing here imports torch at
module level: only grading does, and only when it runs.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from grader import authoring, bank
from grader.progress import ExerciseProgress, Progress

if TYPE_CHECKING:
    from grader.judge.result import Result
    from grader.judge.session import Limits

MANIFEST = ".prep-fetch.json"


class PrepError(Exception):
    """A problem the user can fix; the message is one line and says how."""


# ---------------------------------------------------------------- exercises


def list_exercises(*, topic: str | None = None, kind: str | None = None) -> list[bank.Exercise]:
    try:
        exercises = bank.load_all()
    except bank.ExerciseFormatError as e:
        raise PrepError(str(e)) from None
    return [e for e in exercises if (topic is None or topic in e.topics) and (kind is None or e.kind == kind)]


def get_exercise(exercise_id: str) -> bank.Exercise:
    try:
        return bank.load(exercise_id)
    except bank.UnknownExercise:
        close = difflib.get_close_matches(exercise_id, bank.exercise_ids(), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise PrepError(f"no exercise '{exercise_id}': {hint}`prep list` shows them all") from None
    except bank.ExerciseFormatError as e:
        raise PrepError(str(e)) from None


# ---------------------------------------------------------------- fetch


@dataclass
class FetchReport:
    directory: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # edited by the learner, left alone
    unchanged: list[Path] = field(default_factory=list)


def learner_files(ex: bank.Exercise) -> dict[str, Path]:
    """File name in the learner's folder -> where it comes from in the bank."""
    files = {p.name: p for p in (ex.stub_path, ex.notebook_path, ex.readme_path)}
    if ex.public_graders.exists():
        files["test_public.py"] = ex.public_graders
    return files


def fetch(exercise_id: str, directory: Path | None = None, *, progress: Progress | None = None) -> FetchReport:
    """Copy the learner's files into ``directory`` (default ./<id>), never overwriting their edits.

    A file counts as edited when it differs from what prep last wrote there
    (hashes kept in .prep-fetch.json); unedited files are refreshed.
    """
    ex = get_exercise(exercise_id)
    target = Path(directory) if directory is not None else Path.cwd() / ex.id
    if target.exists() and not target.is_dir():
        raise PrepError(f"{target} exists and is not a folder: pass another --dir")
    target.mkdir(parents=True, exist_ok=True)
    manifest_path = target / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    except ValueError:
        manifest = {}
    report = FetchReport(target)
    for name, source in learner_files(ex).items():
        dest = target / name
        new = source.read_bytes()
        if dest.exists():
            current = dest.read_bytes()
            if current == new:
                report.unchanged.append(dest)
                manifest[name] = _sha(new)
                continue
            if manifest.get(name) != _sha(current):
                report.kept.append(dest)
                continue
        dest.write_bytes(new)
        manifest[name] = _sha(new)
        report.written.append(dest)
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    (progress or Progress()).record_fetch(ex.id, target.resolve())
    return report


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- check


def default_submission(ex: bank.Exercise, progress: Progress) -> Path:
    """The learner's fetched copy (last fetch, else ./<id>): its .py or .ipynb, whichever was saved last."""
    for directory in filter(None, [progress.fetched_to(ex.id), Path.cwd() / ex.id]):
        files = [p for p in (directory / f"{ex.id}.py", directory / f"{ex.id}.ipynb") if p.is_file()]
        if files:
            return max(files, key=lambda p: p.stat().st_mtime)
    raise PrepError(f"no fetched copy of {ex.id} found: run `prep fetch {ex.id}` first, or pass --file PATH")


def check(exercise_id: str, file: Path | None = None, *, seed: int | None = None, limits: "Limits | None" = None,
          progress: Progress | None = None, record: bool = True, pool: Any = None) -> "Result":
    """Grade a submission with the same graders ``prep grade`` uses, and record the attempt.

    ``pool`` (a ``WorkerPool``) forks workers from a warm zygote (``prep watch`` keeps one).
    """
    from grader.judge.grading import grade

    ex = get_exercise(exercise_id)
    progress = progress or Progress()
    path = Path(file) if file is not None else default_submission(ex, progress)
    if not path.exists():
        raise PrepError(f"{path} does not exist: check the path, or run `prep fetch {ex.id}`")
    result = grade(ex, path, seed=seed, limits=limits, pool=pool)
    if record:
        progress.record_attempt(ex.id, status=result.status, score=result.score, max_score=result.max_score,
                                duration_s=result.duration_s, sha256=result.sha256, file=str(path))
    return result


# ---------------------------------------------------------------- progress, hints, solutions


def score(progress: Progress | None = None) -> list[ExerciseProgress]:
    progress = progress or Progress()
    return [progress.summary(ex.id, ex.max_score) for ex in list_exercises()]


@dataclass(frozen=True)
class TopicProgress:
    topic: str
    exercises: int
    attempted: int
    passed: int
    best_points: float  # sum over the topic's exercises of the best score
    max_points: float

    @property
    def fraction(self) -> float:
        return self.best_points / self.max_points if self.max_points else 0.0


@dataclass(frozen=True)
class ScoreReport:
    rows: list[tuple[bank.Exercise, ExerciseProgress]]
    topics: list[TopicProgress]  # sorted by topic name; an exercise counts in each of its topics

    @property
    def passed(self) -> int:
        return sum(p.passed for _, p in self.rows)


def score_report(progress: Progress | None = None) -> ScoreReport:
    """Progress per exercise and per topic (what ``prep score`` prints and ``prep score --html`` draws)."""
    progress = progress or Progress()
    rows = [(ex, progress.summary(ex.id, ex.max_score)) for ex in list_exercises()]
    by_topic: dict[str, list[tuple[bank.Exercise, ExerciseProgress]]] = {}
    for ex, p in rows:
        for topic in ex.topics:
            by_topic.setdefault(topic, []).append((ex, p))
    topics = [TopicProgress(topic, len(items), sum(p.attempts > 0 for _, p in items), sum(p.passed for _, p in items),
                            sum(p.best_score for _, p in items), sum(ex.max_score for ex, _ in items))
              for topic, items in sorted(by_topic.items())]
    return ScoreReport(rows, topics)


@dataclass(frozen=True)
class Hint:
    level: int  # 1-based
    total: int
    text: str


@dataclass(frozen=True)
class HintStep:
    level: int  # 1-based
    state: str  # "seen", "unlocked" (may be shown now) or "locked"
    unlocks_after: int  # failed checks needed: level - 1
    text: str | None  # only for seen hints


@dataclass(frozen=True)
class HintLadder:
    exercise: str
    failed_checks: int
    passed: bool
    steps: list[HintStep]

    @property
    def unlocked(self) -> int:
        return sum(s.state != "locked" for s in self.steps)


def _unlocked_hints(ex: bank.Exercise, progress: Progress) -> tuple[int, int, bool]:
    """(hints unlocked, failed checks, passed): hint N+1 unlocks after N failed checks; a pass unlocks all."""
    failed = progress.failed_checks(ex.id)
    passed = progress.has_passed(ex.id)
    total = len(ex.hints)
    return (total if passed else min(total, failed + 1)), failed, passed


def hint_ladder(exercise_id: str, *, progress: Progress | None = None) -> HintLadder:
    """Where the learner stands on the hint ladder (shown by ``%prep check`` in a notebook)."""
    ex = get_exercise(exercise_id)
    progress = progress or Progress()
    unlocked, failed, passed = _unlocked_hints(ex, progress)
    seen = progress.hint_levels_seen(ex.id)
    steps = []
    for level, text in enumerate(ex.hints, start=1):
        state = "seen" if level in seen else ("unlocked" if level <= unlocked else "locked")
        steps.append(HintStep(level, state, level - 1, text if state == "seen" else None))
    return HintLadder(ex.id, failed, passed, steps)


def _checks(n: int) -> str:
    return f"{n} failed check" + ("" if n == 1 else "s")


def hint(exercise_id: str, level: int | None = None, *, progress: Progress | None = None) -> Hint:
    """The next hint not yet seen (or hint ``level``); hints are a ladder, from a nudge to nearly the answer.

    Hints unlock one at a time: hint 1 at once, hint N+1 after N failed checks (a check
    without full marks), all of them after a pass. ``level`` picks any unlocked hint.
    """
    ex = get_exercise(exercise_id)
    progress = progress or Progress()
    total = len(ex.hints)
    if not total:
        raise PrepError(f"{ex.id} has no hints: `prep show {ex.id}` shows the task")
    if level is None:
        level = min(progress.hints_seen(ex.id) + 1, total)
    elif not 1 <= level <= total:
        raise PrepError(f"{ex.id} has hints 1 to {total}: pass --level between those")
    unlocked, failed, _ = _unlocked_hints(ex, progress)
    if level > unlocked:
        raise PrepError(f"hint {level} of {ex.id} unlocks after {_checks(level - 1)} and you have {failed}: "
                        f"try again and run `prep check {ex.id}` (--level 1 to {unlocked} shows the unlocked ones)")
    progress.record_hint(ex.id, level)
    return Hint(level, total, ex.hints[level - 1])


def solution(exercise_id: str, *, force: bool = False, progress: Progress | None = None) -> str:
    ex = get_exercise(exercise_id)
    progress = progress or Progress()
    if not force and not progress.has_passed(ex.id):
        raise PrepError(f"the solution of {ex.id} unlocks after a full-marks check; pass --force to see it now")
    return ex.solution_path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- maintainers


def build(exercise_ids: list[str] | None = None) -> list[Path]:
    """Regenerate learner files from the solutions; returns the files that changed."""
    changed: list[Path] = []
    for ex in _select(exercise_ids):
        try:
            changed += authoring.build(ex)
        except authoring.MarkerError as e:
            raise PrepError(f"{ex.id}: {e}") from None
    return changed


@dataclass
class SelftestLine:
    exercise: str
    check: str
    ok: bool
    detail: str


def selftest(exercise_ids: list[str] | None = None,
             on_line: Callable[[SelftestLine], None] | None = None) -> list[SelftestLine]:
    """Every reference scores full marks, every stub zero, every generated file is fresh."""
    from grader.judge.pool import WorkerPool

    lines: list[SelftestLine] = []

    def emit(ex_id: str, what: str, ok: bool, detail: str = "") -> None:
        line = SelftestLine(ex_id, what, ok, detail)
        lines.append(line)
        if on_line:
            on_line(line)

    selected = _select(exercise_ids)
    with WorkerPool(preload=tuple(m for ex in selected for m in ex.preload)) as pool:
        for ex in selected:
            selftest_exercise(ex, pool, emit)
    return lines


def selftest_exercise(ex: bank.Exercise, pool: Any, emit: Callable[..., None]) -> None:
    """The selftest of one exercise; ``emit(exercise_id, check, ok, detail)`` receives each line."""
    from grader.judge.grading import grade

    stale = authoring.stale_files(ex)
    emit(ex.id, "generated files are fresh", not stale,
         f"stale: {', '.join(p.name for p in stale)} (run `prep build {ex.id}`)" if stale else "")
    with tempfile.TemporaryDirectory(prefix="prep-selftest-") as tmp:
        solved_notebook = Path(tmp) / f"{ex.id}.ipynb"
        solved_notebook.write_text(authoring.generate_notebook(ex, with_solutions=True), encoding="utf-8")
        cases = (("reference scores full marks", ex.solution_path, True),
                 ("reference notebook scores full marks", solved_notebook, True),
                 ("stub scores zero", ex.stub_path, False),
                 ("notebook stub scores zero", ex.notebook_path, False))
        for label, path, want_full in cases:
            r = grade(ex, path, pool=pool)
            ok = r.full_marks if want_full else (r.status == "graded" and r.score == 0)
            failing = [t.name for t in r.tests if (t.outcome != "passed") == want_full]
            detail = f"{r.status}, {r.score:g}/{r.max_score:g} in {r.duration_s:.1f} s"
            if not ok:
                detail += f"; {'failed' if want_full else 'passed'}: {', '.join(failing[:5])}"
                if r.message:
                    detail += f"; {r.message}"
            emit(ex.id, label, ok, detail)


def seed_map(*, write: bool) -> tuple[Path, bool]:
    """Regenerate docs/seed-map.md (or, with write=False, only say whether it is stale)."""
    from grader import seedmap

    index = seedmap.catalog_index()
    if index is None:
        raise PrepError("the seed catalog was not found: put it at ../shared/catalog or set PREP_CATALOG")
    text = seedmap.render(seedmap.read_index(index), list_exercises())
    path = seedmap.map_path()
    fresh = path.exists() and path.read_text(encoding="utf-8") == text
    if write and not fresh:
        path.write_text(text, encoding="utf-8")
    return path, fresh


def _select(exercise_ids: list[str] | None) -> list[bank.Exercise]:
    return [get_exercise(i) for i in exercise_ids] if exercise_ids else list_exercises()


# ---------------------------------------------------------------- instructors


@dataclass
class BatchReport:
    out: Path
    total: int
    graded_now: int
    reused: int
    by_status: dict[str, int]
    histogram: list[int]
    exports: list[Path]
    sandboxed: bool


def grade_batch(submissions: Path, exercise_ids: list[str], *, out: Path | None = None, jobs: int | None = None,
                assignment: str | None = None, unsafe_no_sandbox: bool = False, seed: int | None = None,
                canaries: bool = True, call_s: float | None = None,
                on_progress: Callable[..., None] | None = None) -> BatchReport:
    """Grade a class's submissions: sandboxed, parallel, resumable; then write every export."""
    import os
    import secrets

    from grader.batch import canaries as canary
    from grader.batch import export, runner
    from grader.batch.discover import discover
    from grader.batch.store import Store, StoreLocked

    submissions = Path(submissions)
    if not submissions.is_dir():
        raise PrepError(f"{submissions} is not a folder: pass the folder that holds one sub-folder per learner")
    if not exercise_ids:
        raise PrepError("name the exercises to grade with --exercise ID (repeat it for several)")
    exercises = [get_exercise(i) for i in exercise_ids]
    sandboxed = not unsafe_no_sandbox
    if sandboxed:
        from grader.judge.sandbox import check_available

        problem = check_available()
        if problem:
            raise PrepError(f"prep grade runs submissions in a sandbox, and {problem}")
    out = Path(out) if out is not None else submissions.parent / f"{submissions.name}-graded"
    store = Store(out)
    try:
        store.lock()
    except StoreLocked as e:
        raise PrepError(str(e)) from None
    try:
        meta_path = out / "batch.json"
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        batch_seed = seed if seed is not None else meta.get("seed", secrets.randbelow(2**31))
        meta_path.write_text(json.dumps({"seed": batch_seed, "exercises": [e.id for e in exercises]}) + "\n")
        workers = max(1, jobs or os.cpu_count() or 1)
        found = discover(submissions, [e.id for e in exercises], assignment)
        with runner.Judges(workers=min(workers, max(1, len(found))), sandboxed=sandboxed,
                           exercises=[e.id for e in exercises], call_s=call_s) as judges:
            if canaries:
                pairs = canary.canary_jobs([e.id for e in exercises], out / "canaries" / "files")
                canary_store = Store(out / "canaries")
                canary_store.lock()
                try:
                    judges.run([j for j, _ in pairs], canary_store, batch_seed=batch_seed)
                    records = {(r["learner"], r["exercise"]): r for r in canary_store.all_records()}
                finally:
                    canary_store.unlock()
                bad = canary.failures(pairs, records)
                if bad:
                    raise PrepError(f"pre-flight canaries failed, so the batch did not start: {'; '.join(bad)}")
            progress = judges.run(found, store, batch_seed=batch_seed, on_progress=on_progress)
        records = store.all_records()
        exports = export.write_all(records, out)
        counts = export.summary_counts(records)
        return BatchReport(out, progress.total, progress.done - progress.skipped, progress.skipped,
                           counts["by_status"], counts["histogram"], exports, sandboxed)
    finally:
        store.unlock()
