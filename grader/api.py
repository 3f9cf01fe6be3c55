"""The library behind the ``prep`` commands: one function per command.

Errors a user can fix are raised as ``PrepError`` with a one-line message
that says what to do; the CLI prints it as is. Nothing here imports torch at
module level: only grading does, and only when it runs.
"""

from __future__ import annotations

import difflib
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from grader import authoring, bank, course, i18n, learning_path
from grader.progress import ExerciseProgress, Progress, data_dir

if TYPE_CHECKING:
    from datetime import datetime

    from grader import review, scaffold, seedmap
    from grader.judge.result import Result
    from grader.judge.session import Limits

MANIFEST = course.MANIFEST  # .prep-fetch.json


class PrepError(Exception):
    """A problem the user can fix; the message is one line and says how."""


class Interrupted(Exception):
    """The user pressed Ctrl-C; the message says what was kept and how to go on (exit status 130)."""


# ---------------------------------------------------------------- exercises


def _source() -> "course.LocalBank | course.Course":
    """Where learner commands read exercises: $PREP_BANK, the course in use, the checkout, the installed course."""
    try:
        return course.active_source()
    except (bank.BankNotFound, course.CourseError) as e:
        raise PrepError(str(e)) from None


def _from_source(read: Callable[[Any], Any], exercise_id: str | None = None, source: Any = None) -> Any:
    """Call ``read(source)``, turning bank and course errors into one-line PrepErrors."""
    source = source or _source()
    try:
        return read(source)
    except bank.UnknownExercise:
        close = difflib.get_close_matches(exercise_id or "", source.exercise_ids(), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        where = f" in course {source.name}" if isinstance(source, course.Course) else ""
        raise PrepError(f"no exercise '{exercise_id}'{where}: {hint}`prep list` shows them all") from None
    except (bank.ExerciseFormatError, bank.BankNotFound, course.CourseError, i18n.LanguageError) as e:
        raise PrepError(str(e)) from None


def list_exercises(*, topic: str | None = None, kind: str | None = None,
                   difficulty: str | None = None) -> list[bank.Exercise]:
    """The exercises, filtered; ``topic`` matches case-insensitively and by prefix (none matching is an error)."""
    exercises = _from_source(lambda source: source.load_all())
    topics = _topics_named(topic, exercises) if topic is not None else None
    return [e for e in exercises if (topics is None or topics & set(e.topics)) and (kind is None or e.kind == kind)
            and (difficulty is None or e.difficulty == difficulty)]


def _topics_named(query: str, exercises: list[bank.Exercise]) -> set[str]:
    known = learning_path.all_topics(exercises)
    found = learning_path.matching_topics(query, known)
    if not found:
        raise PrepError(f"no topic matches '{query}' (case-insensitively, by prefix): the topics are "
                        f"{', '.join(known)}; `prep topics` lists them with their exercises")
    return set(found)


@dataclass(frozen=True)
class ListedExercise:
    """A row of ``prep list``: the exercise, where the learner stands, its place on the path."""

    exercise: bank.Exercise
    progress: ExerciseProgress
    track: int

    @property
    def status(self) -> str:
        return learning_path.status(self.progress)

    @property
    def status_label(self) -> str:
        return learning_path.status_label(self.progress)

    def to_json(self) -> dict[str, Any]:
        return self.exercise.summary() | {"status": self.status, "best_score": self.progress.best_score,
                                          "attempts": self.progress.attempts, "track": self.track}


def catalog(*, topic: str | None = None, kind: str | None = None, difficulty: str | None = None,
            status: str | None = None, progress: Progress | None = None) -> list[ListedExercise]:
    """``prep list``: the exercises in path order (track, difficulty, quizzes first), with the learner's status."""
    progress = progress or Progress()
    rows = [ListedExercise(ex, progress.summary(ex.id, ex.max_score), learning_path.track_of(ex))
            for ex in learning_path.path_order(list_exercises(topic=topic, kind=kind, difficulty=difficulty))]
    return [r for r in rows if status is None or r.status == status]


@dataclass(frozen=True)
class TopicSummary:
    topic: str
    track: int | None  # None: the topic runs through every track
    exercises: list[str]
    passed: int


def topics(progress: Progress | None = None) -> list[TopicSummary]:
    """``prep topics``: every topic, its track, its exercises (in path order) and how many are passed."""
    progress = progress or Progress()
    exercises = learning_path.path_order(list_exercises())
    passed = {ex.id for ex in exercises if progress.has_passed(ex.id)}
    out = []
    for topic in learning_path.all_topics(exercises):
        members = [ex.id for ex in exercises if topic in ex.topics]
        track = next((n for n, (_, names) in learning_path.TRACKS.items() if topic in names), None)
        out.append(TopicSummary(topic, track, members, sum(m in passed for m in members)))
    return out


def language(flag: str | None = None) -> i18n.Lang:
    """The learner's languages: ``--lang`` (en, zh or both), else the question in both and the rest in
    $PREP_LANG, else English (grader/i18n.py)."""
    try:
        return i18n.choose(flag)
    except i18n.LanguageError as e:
        raise PrepError(str(e)) from None


def get_exercise(exercise_id: str) -> bank.Exercise:
    """The exercise as learner commands see it (for a course: the version the learner fetched)."""
    return _from_source(lambda source: source.load(exercise_id), exercise_id)


def get_bank_exercise(exercise_id: str) -> bank.Exercise:
    """The exercise in the local bank ($PREP_BANK, the checkout, the installed course), never a course.

    Authoring and batch grading work on an instructor's bank, which has everything: references included.
    """
    return _from_source(lambda source: source.load(exercise_id), exercise_id, _local_bank())


def _local_bank() -> course.LocalBank:
    try:
        return course.LocalBank(bank.bank_root(), "bank")
    except bank.BankNotFound as e:
        raise PrepError(str(e)) from None


# ---------------------------------------------------------------- fetch


FetchReport = course.FetchReport
learner_files = course.learner_files


def fetch(exercise_id: str, directory: Path | None = None, *, force: bool = False,
          progress: Progress | None = None, lang: str | None = None) -> FetchReport:
    """Copy the learner's files into ``directory`` (default: see ``default_fetch_dir``).

    From a course, the exercise's archive is downloaded once, checked against the index's sha256
    and cached under PREP_HOME; later fetches and checks work offline. A folder that already
    holds the learner's work on this exercise (a file that differs from what prep last wrote
    there, per .prep-fetch.json) is refused; with ``force`` that work is first moved aside into
    ``<folder>.old-<date>`` (``report.set_aside``), then a fresh copy is written. A copy nobody
    edited is simply brought up to date. The README, and the headers of the stub and the notebook, are
    written in the learner's languages (``lang``: see ``language``).
    """
    languages = language(lang)
    target = Path(directory) if directory is not None else default_fetch_dir(exercise_id)
    source = _source()
    names = set(_from_source(lambda s: learner_files(s.load(exercise_id)), exercise_id, source))
    work = learner_work(target, names)
    set_aside = None
    if work and not force:
        raise PrepError(f"{target} already holds your copy of {exercise_id} (you edited "
                        f"{', '.join(p.name for p in work)}): `prep check {exercise_id}` grades it; "
                        f"`prep fetch {exercise_id} --force` moves it aside and fetches a fresh one")
    if work:
        set_aside = move_aside(target, names)
    report = _from_source(lambda s: s.fetch(exercise_id, target, languages), exercise_id, source)
    report.set_aside = set_aside
    (progress or Progress()).record_fetch(exercise_id, target.resolve())
    return report


def default_fetch_dir(exercise_id: str) -> Path:
    """./<id>, except inside a fetched copy: its own folder for the same exercise, a sibling for another
    (a fetch never nests one copy in another)."""
    here = Path.cwd()
    if is_copy_of(here, exercise_id):
        return here
    if (here / MANIFEST).is_file():
        return here.parent / exercise_id
    return here / exercise_id


def is_copy_of(folder: Path, exercise_id: str) -> bool:
    """Whether ``folder`` is a learner's copy of this exercise (its stub or notebook is there)."""
    return (folder / f"{exercise_id}.py").is_file() or (folder / f"{exercise_id}.ipynb").is_file()


def _manifest(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def learner_work(folder: Path, names: set[str]) -> list[Path]:
    """Files prep writes (``names``, or recorded in the folder's manifest) that the learner changed since."""
    if not folder.is_dir():
        return []
    manifest = _manifest(folder)
    return [folder / n for n in sorted(names | set(manifest))
            if (folder / n).is_file() and manifest.get(n) != _sha256(folder / n)]


def move_aside(folder: Path, names: set[str]) -> Path:
    """Move prep's files of ``folder`` (the learner's copy: ``names``, the manifest and what it lists) into a
    new sibling ``<folder>.old-<date>``; the folder itself stays, so a shell inside it stays valid."""
    import shutil
    import time

    stamp = time.strftime("%Y-%m-%d-%H%M%S")
    aside = folder.parent / f"{folder.name}.old-{stamp}"
    n = 2
    while aside.exists():
        aside = folder.parent / f"{folder.name}.old-{stamp}-{n}"
        n += 1
    aside.mkdir(parents=True)
    for name in sorted(names | set(_manifest(folder)) | {MANIFEST}):
        if (folder / name).is_file():
            shutil.move(str(folder / name), str(aside / name))
    return aside


# ---------------------------------------------------------------- courses (grader/course.py, docs/courses.md)


def _course_call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except (course.CourseError, bank.BankNotFound, bank.ExerciseFormatError, i18n.LanguageError) as e:
        raise PrepError(str(e)) from None


def publish(exercise_ids: list[str] | None, out: Path, *, exam: bool = False, course_id: str | None = None,
            bank_dir: Path | None = None) -> course.PublishReport:
    """Write exercises of the instructor's bank (``bank_dir``, else the local bank) as a static course in ``out``."""
    root = Path(bank_dir) if bank_dir is not None else _local_bank().root
    if not bank.is_bank(root):
        raise PrepError(f"{root} has no exercises/ folder: pass --bank with the folder that holds your exercises/")
    return _course_call(course.publish, root, exercise_ids or None, Path(out), exam=exam, course_id=course_id)


def course_add(source: str, name: str | None = None) -> course.CourseInfo:
    """Add a published course (a URL or a folder) and use it."""
    return _course_call(course.add, source, name)


def course_list() -> list[course.CourseInfo]:
    return _course_call(course.courses)


def course_use(name: str) -> course.CourseInfo:
    return _course_call(course.use, name)


def course_update(name: str | None = None, *, progress: Progress | None = None) -> course.UpdateReport:
    """Fetch a course's new versions; edited learner files are kept, the new ones written beside them."""
    return _course_call(course.update, name, progress=progress)


def new_exercise(exercise_id: str, *, kind: str = "code", bank_dir: Path | None = None) -> "scaffold.NewExercise":
    """Scaffold an exercise (metadata, reference, graders, learner files) in the instructor's bank."""
    import os

    from grader import scaffold

    where = bank_dir if bank_dir is not None else os.environ.get("PREP_BANK")
    if not where:
        raise PrepError("prep new writes into your own bank: pass --bank DIR or set PREP_BANK=DIR "
                        "(the folder that holds, or will hold, exercises/ and solutions/)")
    try:
        return scaffold.new_exercise(exercise_id, kind=kind, root=Path(where))
    except scaffold.ScaffoldError as e:
        raise PrepError(str(e)) from None


# ---------------------------------------------------------------- check


@dataclass(frozen=True)
class Copy:
    """A learner's fetched copy of an exercise, and how it was found."""

    directory: Path
    found: str  # "in this folder", "in ./<id>", "beside this folder", "where you last fetched it"
    phrase: str = "copy.here"  # "your copy <found>", in grader/i18n.py's PHRASES


def find_copy(exercise_id: str, progress: Progress) -> Copy | None:
    """The copy in the current folder first (the folder itself, then ./<id>, then beside it), else the last fetch."""
    here = Path.cwd()
    candidates = [(here, "in this folder", "copy.here"), (here / exercise_id, f"in ./{exercise_id}", "copy.sub")]
    if (here / MANIFEST).is_file():
        candidates.append((here.parent / exercise_id, "beside this folder", "copy.beside"))
    last = progress.fetched_to(exercise_id)
    if last is not None:
        candidates.append((last, "where you last fetched it", "copy.last"))
    for directory, found, phrase in candidates:
        if is_copy_of(directory, exercise_id):
            return Copy(directory, found, phrase)
    return None


def choose_submission(ex: bank.Exercise, progress: Progress, lang: str = "en") -> tuple[Path, str]:
    """The file to grade in the learner's copy, and why (in ``lang``, en or zh): of its .py and .ipynb, the one
    the learner saved last; a file still as prep wrote it does not count as saved, so right after ``prep fetch``
    it is the .py."""
    copy = find_copy(ex.id, progress)
    if copy is None:
        raise PrepError(f"no fetched copy of {ex.id} found: run `prep fetch {ex.id}` first, or pass --file PATH")
    return pick_in_copy(copy.directory, ex.id, i18n.say(copy.phrase, lang, id=ex.id), lang)


def pick_in_copy(directory: Path, exercise_id: str, where: str, lang: str = "en") -> tuple[Path, str]:
    """Of a copy's .py and .ipynb, the one the learner saved last (see choose_submission), and why (in ``lang``)."""
    files = [p for p in (directory / f"{exercise_id}.py", directory / f"{exercise_id}.ipynb") if p.is_file()]
    if not files:
        raise PrepError(f"{directory} has neither {exercise_id}.py nor {exercise_id}.ipynb: "
                        f"`prep fetch {exercise_id} --dir {directory}` writes them again")
    manifest = _manifest(directory)
    edited = [p for p in files if manifest.get(p.name) != _sha256(p)]
    sep = "；" if lang == "zh" else "; "
    if not edited:
        path = files[0]
        why = (i18n.say("pick.untouched_both", lang, other=files[1].name) if len(files) > 1
               else i18n.say("pick.untouched", lang))
        return path, f"{where}{sep}{why}"
    path = max(edited, key=lambda p: p.stat().st_mtime)
    others = [p for p in files if p != path]
    if not others:
        return path, f"{where}{sep}{i18n.say('pick.only', lang)}"
    other = others[0]
    why = i18n.say("pick.saved_after" if other in edited else "pick.edited", lang, other=other.name)
    return path, f"{where}{sep}{why}"


def default_submission(ex: bank.Exercise, progress: Progress) -> Path:
    """The learner's fetched copy: its .py or .ipynb, whichever the learner saved last (see choose_submission)."""
    return choose_submission(ex, progress)[0]


def check(exercise_id: str, file: Path | None = None, *, seed: int | None = None, limits: "Limits | None" = None,
          progress: Progress | None = None, record: bool = True, pool: Any = None, context: str = "check",
          time_used_s: float | None = None) -> "Result":
    """Grade a submission with the same graders ``prep grade`` uses, and record the attempt.

    ``pool`` (a ``WorkerPool``) forks workers from a warm zygote (``prep watch`` keeps one).
    ``context`` and ``time_used_s`` go into the record (a mock interview's answers: the learner's time).
    """
    from grader.judge.grading import grade

    ex, version = _from_source(lambda source: source.exercise_for_grading(exercise_id), exercise_id)
    progress = progress or Progress()
    path = Path(file) if file is not None else default_submission(ex, progress)
    if not path.exists():
        raise PrepError(f"{path} does not exist: check the path, or run `prep fetch {ex.id}`")
    result = grade(ex, path, seed=seed, limits=limits, pool=pool)
    result.exercise_version = version
    if record:
        progress.record_attempt(ex.id, status=result.status, score=result.score, max_score=result.max_score,
                                duration_s=result.duration_s, sha256=result.sha256, file=str(path), context=context,
                                time_used_s=time_used_s)
    return result


@dataclass
class LearnerCheck:
    """What ``prep check`` shows: the Result, which file was graded and why, and what may come next."""

    result: "Result"
    graded: str  # "graded <file>: <why>", or "" for --file; for --lang both, the English line, then the Chinese one
    solution_available: bool  # False in an exam course: there is no reference to suggest
    lang: str = "en"  # the language of the headings and fixed phrases: en, zh or both


def check_for_learner(exercise_id: str, file: Path | None = None, *, seed: int | None = None,
                      progress: Progress | None = None, lang: str | None = None) -> LearnerCheck:
    """``prep check``: grade the learner's copy (or ``file``), record the attempt, and say which file was graded
    (in ``lang``: --lang, else $PREP_LANG, else English)."""
    text = language(lang).text
    progress = progress or Progress()
    graded = ""
    if file is None:
        ex = get_exercise(exercise_id)
        lines = []
        for one in i18n.each(text):
            file, why = choose_submission(ex, progress, one)
            lines.append(i18n.say("graded", one, file=file, why=why))
        graded = "\n".join(lines)
    result = check(exercise_id, file, seed=seed, progress=progress)
    return LearnerCheck(result, graded, solutions_included(exercise_id), text)


def solutions_included(exercise_id: str) -> bool:
    """Whether the exercises in use include a reference to show (an exam course has none)."""
    try:
        _source().require_solutions(exercise_id)
    except (course.CourseError, bank.UnknownExercise):
        return False
    return True


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
        """The share of the points earned (best score per exercise)."""
        return self.best_points / self.max_points if self.max_points else 0.0

    @property
    def passed_fraction(self) -> float:
        """The share of the exercises passed: what every progress bar shows (one kind of number per bar)."""
        return self.passed / self.exercises if self.exercises else 0.0


@dataclass(frozen=True)
class TrackProgress(TopicProgress):
    """A track of the learning path (``topic`` holds its name)."""

    track: int = 0


@dataclass(frozen=True)
class Suggestion:
    exercise: str
    why: str


@dataclass(frozen=True)
class ScoreReport:
    rows: list[tuple[bank.Exercise, ExerciseProgress]]
    topics: list[TopicProgress]  # sorted by topic name; an exercise counts in each of its topics
    tracks: list[TrackProgress] = field(default_factory=list)  # the learning path, track by track
    worth_doing: list[Suggestion] = field(default_factory=list)  # due reviews, then the next steps on the path

    @property
    def passed(self) -> int:
        return sum(p.passed for _, p in self.rows)

    @property
    def points(self) -> tuple[float, float]:
        return sum(p.best_score for _, p in self.rows), sum(ex.max_score for ex, _ in self.rows)


WORTH_DOING = 3  # how many suggestions `prep score` shows


def _tally(name: str, items: list[tuple[bank.Exercise, ExerciseProgress]], cls: Any = TopicProgress,
           **extra: Any) -> Any:
    return cls(name, len(items), sum(p.attempts > 0 for _, p in items), sum(p.passed for _, p in items),
               sum(p.best_score for _, p in items), sum(ex.max_score for ex, _ in items), **extra)


def score_report(progress: Progress | None = None, *, now: "datetime | None" = None) -> ScoreReport:
    """Progress per exercise, topic and track, and what is worth doing next (``prep score``, ``--html``)."""
    progress = progress or Progress()
    rows = [(ex, progress.summary(ex.id, ex.max_score)) for ex in list_exercises()]
    by_topic: dict[str, list[tuple[bank.Exercise, ExerciseProgress]]] = {}
    by_track: dict[int, list[tuple[bank.Exercise, ExerciseProgress]]] = {}
    for ex, p in rows:
        for topic in ex.topics:
            by_topic.setdefault(topic, []).append((ex, p))
        by_track.setdefault(learning_path.track_of(ex), []).append((ex, p))
    topics = [_tally(topic, items) for topic, items in sorted(by_topic.items())]
    tracks = [_tally(learning_path.track_name(n), items, TrackProgress, track=n) for n, items in sorted(by_track.items())]
    worth = [Suggestion(c.exercise, f"due for review (last sitting: {c.last.rating})")
             for c in review(now=now, progress=progress).due[:WORTH_DOING]]
    for step in learning_path.next_steps(rows):
        if len(worth) >= WORTH_DOING:
            break
        if all(w.exercise != step.exercise.id for w in worth):
            worth.append(Suggestion(step.exercise.id, step.reason))
    return ScoreReport(rows, topics, tracks, worth)


# ---------------------------------------------------------------- the learning path (grader/learning_path.py)


@dataclass
class NextStep:
    """``prep next``: the exercise, why it comes now, and its copy (found, or fetched now)."""

    exercise: bank.Exercise
    track: int
    why: str
    copy: Copy | None  # a copy the learner already has: pointed to, not fetched again
    fetched: FetchReport | None  # fetched now


def next_exercise(*, topic: str | None = None, fetch_it: bool = True, directory: Path | None = None,
                  progress: Progress | None = None) -> NextStep:
    """The next exercise on the path (unfinished ones first, then new ones, in track and difficulty order):
    its copy if the learner has one, else fetched now (``fetch_it``) into ``directory`` or ./<id>."""
    progress = progress or Progress()
    rows = [(ex, progress.summary(ex.id, ex.max_score)) for ex in list_exercises(topic=topic)]
    steps = learning_path.next_steps(rows, limit=1)
    if not steps:
        where = f" in topic '{topic}'" if topic else ""
        raise PrepError(f"every exercise{where} is passed: `prep review` lists what is due for review, "
                        "`prep interview` rehearses an interview")
    step = steps[0]
    copy = find_copy(step.exercise.id, progress) if directory is None else None
    fetched = None
    if copy is None and fetch_it:
        fetched = fetch(step.exercise.id, directory, progress=progress)
    return NextStep(step.exercise, step.track, step.reason, copy, fetched)


# ---------------------------------------------------------------- review (grader/review.py)


@dataclass
class ReviewReport:
    now: "datetime"
    due: list["review.Card"]  # due today, most overdue first
    later: list["review.Card"]  # the rest of the schedule, soonest first
    fetched: list[FetchReport]  # with fetch_due: a fresh copy of each due exercise


def review(*, fetch_due: bool = False, now: "datetime | None" = None,
           progress: Progress | None = None) -> ReviewReport:
    """``prep review``: the exercises the FSRS schedule says are due today (``now``: for tests, a moved clock).

    With ``fetch_due``, each due exercise is fetched afresh where the learner's copy is (else ./<id>): a copy with
    the learner's work is moved aside first (``set_aside``), so the old answer is kept but not in the way.
    """
    from datetime import datetime

    from grader import review as schedule

    now = now or datetime.now().astimezone()
    progress = progress or Progress()
    budgets = {ex.id: ex.time_budget_min for ex in list_exercises()}
    cards = [c for c in schedule.cards(progress.attempts(), budgets) if c.exercise in budgets]
    due = schedule.due_today(cards, now)
    later = [c for c in cards if c not in due]
    fetched = []
    if fetch_due:
        for card in due:
            copy = find_copy(card.exercise, progress)
            target = copy.directory if copy is not None else default_fetch_dir(card.exercise)
            fetched.append(fetch(card.exercise, target, force=True, progress=progress))
    return ReviewReport(now, due, later, fetched)


# ---------------------------------------------------------------- mock interviews (grader/interview.py)


def interview(*, minutes: int = 45, topic: str | None = None, lang: str | None = None, seed: int | None = None,
              directory: Path | None = None, ask: Callable[[float], bool],
              on_question: Callable[..., None] | None = None, on_tick: Callable[..., None] | None = None,
              on_end: Callable[..., None] | None = None, on_grading: Callable[..., None] | None = None,
              clock: Callable[[], float] | None = None,
              today: Any = None, progress: Progress | None = None) -> Any:
    """``prep interview``: draw a set that fits ``minutes``, fetch it into ``interview-<date>/``, run each
    question on its own clock (``ask(timeout_s)`` is True once the learner says done), then grade every answer
    with the judge, record it (the time used feeds the review schedule), and write report.html.

    Returns a ``grader.interview.Interview``. ``clock`` and ``today`` are for tests; ``lang`` (en, zh or both;
    default: see ``language``) is the language of the questions and of the fetched files.
    """
    import secrets
    import time
    from datetime import date

    from grader import interview as mock

    if minutes < 1:
        raise PrepError("--minutes must be at least 1")
    if lang is not None and lang not in mock.LANGS:
        raise PrepError(f"--lang must be one of {', '.join(mock.LANGS)}")
    flag, lang = lang, lang or language().text  # fetched with the learner's choice (--lang, else the default)
    progress = progress or Progress()
    exercises = list_exercises(topic=topic)
    passed = {ex.id for ex in exercises if progress.has_passed(ex.id)}
    seed = secrets.randbelow(1_000_000) if seed is None else seed
    try:
        chosen = mock.draw(exercises, passed, minutes, seed)
    except mock.NothingFits as e:
        raise PrepError(str(e)) from None
    folder = mock.folder_for(Path(directory) if directory is not None else Path.cwd(), today or date.today())
    questions = []
    for number, ex in enumerate(chosen, start=1):
        fetch(ex.id, folder / ex.id, progress=progress, lang=flag)
        questions.append(mock.Question(number, ex, folder / ex.id, ex.time_budget_min * 60.0, len(chosen)))
    session = mock.Interview(folder, minutes, seed, lang, topic, questions)
    graded = 0
    try:
        mock.conduct(questions, ask=ask, on_question=on_question, on_tick=on_tick, on_end=on_end,
                     clock=clock or time.monotonic)
        from grader.judge.pool import WorkerPool

        with WorkerPool(preload=tuple(m for ex in chosen for m in ex.preload)) as pool:
            for q in questions:
                if on_grading:
                    on_grading(q)
                q.graded_file, _ = pick_in_copy(q.folder, q.exercise.id, "")
                q.result = check(q.exercise.id, q.graded_file, progress=progress, pool=pool, context="interview",
                                 time_used_s=q.time_used_s)
                graded += 1
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted: {graded} of {len(questions)} answer(s) graded; your answers are in "
                          f"{folder}") from None
    session.finished = time.time()
    session.report_html = folder / "report.html"
    session.report_html.write_text(mock.render_html(session), encoding="utf-8")
    progress.record_interview(started=session.started, finished=session.finished, minutes=minutes, seed=seed,
                              lang=lang, folder=str(folder), report=session.to_json())
    return session


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
    """The reference, after a full-marks check (or with ``force``); an exam course has none to show."""
    source = _source()
    ex = _from_source(lambda s: s.load(exercise_id), exercise_id, source)
    _from_source(lambda s: s.require_solutions(exercise_id), exercise_id, source)  # before --force counts
    progress = progress or Progress()
    if not force and not progress.has_passed(ex.id):
        raise PrepError(f"the solution of {ex.id} unlocks after a full-marks check; pass --force to see it now")
    return _from_source(lambda s: s.solution_text(exercise_id), exercise_id, source)


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
class TranslationState:
    exercise: str
    question_zh_sha256: str  # the hashes an up-to-date i18n.toml records (grader/i18n.py)
    task_en_sha256: str
    state: str  # "fresh", "stale: task.zh" (what translates an older text), or "missing"


def translation_hashes(exercise_ids: list[str] | None = None) -> list[TranslationState]:
    """For each exercise, the hashes of its current question and task, and how its i18n.toml stands."""
    out = []
    for ex in _select(exercise_ids):
        if not ex.i18n_path.is_file():
            state = "missing"
        elif ex.stale_translations:
            state = "stale: " + ", ".join(ex.stale_translations)
        else:
            state = "fresh"
        out.append(TranslationState(ex.id, i18n.digest(ex.question_zh), i18n.digest(ex.prompt_en), state))
    return out


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


def selftest_exercise(ex: bank.Exercise, pool: Any, emit: Callable[..., None], seed: int | None = None) -> None:
    """The selftest of one exercise; ``emit(exercise_id, check, ok, detail)`` receives each line. Each file is
    graded under a seed drawn per run, or under ``seed`` (the test suite's fixed one)."""
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
            r = grade(ex, path, pool=pool, seed=seed)
            ok = r.full_marks if want_full else (r.status == "graded" and r.score == 0)
            failing = [t.name for t in r.tests if (t.outcome != "passed") == want_full]
            detail = f"{r.status}, {r.score:g}/{r.max_score:g} in {r.duration_s:.1f} s"
            if not ok:
                detail += f"; {'failed' if want_full else 'passed'}: {', '.join(failing[:5])} (seed {r.seed})"
                first = next((t for t in r.tests if t.outcome != "passed"), None) if want_full else None
                if first is not None and first.message:  # what a reference's failure said: to reproduce it
                    detail += f"; {first.name}: {' '.join(first.message.split())[:300]}"
                if r.message:
                    detail += f"; {r.message}"
            emit(ex.id, label, ok, detail)


def mutation_test(exercise_ids: list[str] | None = None, *, max_mutants: int | None = None, jobs: int = 1,
                  on_report: Callable[..., None] | None = None,
                  on_progress: Callable[[str, int, int], None] | None = None) -> list[Any]:
    """Mutation-test the graders (``prep selftest --mutants``): one ``grader.mutation.ExerciseReport`` each.

    Mutants of each reference's SOLUTION regions are graded with the real graders; quizzes are
    reported as skipped. ``on_report`` receives each exercise's report as soon as it is done.
    """
    from grader import mutation

    if max_mutants is not None and max_mutants < 1:
        raise PrepError("--max-mutants must be at least 1")
    if jobs < 1:
        raise PrepError("--jobs must be at least 1")
    return mutation.run(_select(exercise_ids), max_mutants=max_mutants or mutation.DEFAULT_MAX_MUTANTS, jobs=jobs,
                        on_report=on_report, on_progress=on_progress)


@dataclass(frozen=True)
class SeedMapReport:
    """What ``seed_map`` did: the map's path, whether it was already fresh, and how the catalog is practised
    (``grader.seedmap.Counts``: in all, and per seed document ``000``, ``001``, ...)."""

    path: Path
    fresh: bool
    total: seedmap.Counts
    by_document: dict[str, seedmap.Counts]


def seed_map(*, write: bool) -> SeedMapReport:
    """Regenerate docs/seed-map.md (or, with write=False, only say whether it is stale)."""
    from grader import seedmap

    index = seedmap.catalog_index()
    if index is None:
        raise PrepError("the seed catalog was not found: put it at ../shared/catalog or set PREP_CATALOG")
    entries, exercises = seedmap.read_index(index), _select(None)  # the bank, whatever course is in use
    text = seedmap.render(entries, exercises)
    path = seedmap.map_path()
    fresh = path.exists() and path.read_text(encoding="utf-8") == text
    if write and not fresh:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    total, by_document = seedmap.counts(entries, exercises)
    return SeedMapReport(path, fresh, total, by_document)


def _select(exercise_ids: list[str] | None) -> list[bank.Exercise]:
    """Exercises of the local bank (authoring works there, references included), never of a course."""
    if exercise_ids:
        return [get_bank_exercise(i) for i in exercise_ids]
    return _from_source(lambda source: source.load_all(), source=_local_bank())


# ---------------------------------------------------------------- instructors


def export_gradescope(exercise_ids: list[str], out: Path) -> Any:
    """A Gradescope autograder zip for these exercises of the instructor's bank: setup.sh, run_autograder,
    prep's wheel and the exercises' graders, no references (``grader.batch.gradescope.AutograderExport``)."""
    from grader.batch import gradescope

    if not exercise_ids:
        raise PrepError("name the exercises: prep export-gradescope ID... --out autograder.zip")
    exercises = [get_bank_exercise(i) for i in dict.fromkeys(exercise_ids)]
    try:
        return gradescope.build_autograder(exercises, Path(out))
    except gradescope.ExportError as e:
        raise PrepError(str(e)) from None


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
    lookalikes: list[list[str]] = field(default_factory=list)  # learners whose names look the same in the exports


def grade_batch(submissions: Path, exercise_ids: list[str], *, out: Path | None = None, jobs: int | None = None,
                assignment: str | None = None, unsafe_no_sandbox: bool = False, seed: int | None = None,
                canaries: bool = True, call_s: float | None = None,
                on_progress: Callable[..., None] | None = None,
                on_status: Callable[[str], None] | None = None, cluster: str | None = None) -> BatchReport:
    """Grade a class's submissions: sandboxed, parallel, resumable; then write every export.

    The judge processes and their sandboxed zygotes start first, while the submissions are found.
    Canaries run alongside the class, not before it, and only for exercises whose graders (or prep)
    changed since they last passed; a result is stored only once its exercise's canaries passed.
    ``on_status`` hears what is happening, from the first second. Ctrl-C raises ``Interrupted``,
    saying how much is stored: the same command resumes. With ``cluster`` (a Dask scheduler's
    address) the judges are that cluster's workers (see grader/batch/cluster.py).
    """
    import os
    import secrets

    from grader.batch import canaries as canary
    from grader.batch import export, runner
    from grader.batch.discover import discover
    from grader.batch.store import Store, StoreLocked

    say = on_status or (lambda text: None)
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise PrepError(f"{submissions} is not a folder: pass the folder that holds one sub-folder per learner")
    if not exercise_ids:
        raise PrepError("name the exercises to grade with --exercise ID (repeat it for several)")
    exercises = [get_bank_exercise(i) for i in exercise_ids]  # the instructor's bank, with its references
    sandboxed = not unsafe_no_sandbox
    if sandboxed and cluster is None:  # a cluster's workers check their own machines
        from grader.judge.sandbox import check_available

        problem = check_available(import_torch=False)  # the zygotes import it, and Judges waits for them
        if problem:
            raise PrepError(f"prep grade runs submissions in a sandbox, and {problem}")
    out = Path(out) if out is not None else submissions.parent / f"{submissions.name}-graded"
    store = Store(out)
    try:
        store.lock()
    except StoreLocked as e:
        raise PrepError(str(e)) from None
    judges = None
    try:
        meta_path = out / "batch.json"
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        batch_seed = seed if seed is not None else meta.get("seed", secrets.randbelow(2**31))
        meta_path.write_text(json.dumps({"seed": batch_seed, "exercises": [e.id for e in exercises]}) + "\n")
        if cluster is not None:
            try:
                from grader.batch.cluster import ClusterJudges

                judges = ClusterJudges(cluster, sandboxed=sandboxed, exercises=[e.id for e in exercises], call_s=call_s)
            except ImportError:
                raise PrepError("grading on a cluster needs Dask: pip install 'prep[cluster]'") from None
            except RuntimeError as e:
                raise PrepError(str(e)) from None
            say(f"grading on the Dask cluster at {cluster}: {judges.workers} worker(s) as judges")
        else:
            workers = max(1, jobs or os.cpu_count() or 1)
            say(f"starting {workers} judge process(es), each with a {'sandboxed ' if sandboxed else ''}worker pool")
            try:
                judges = runner.Judges(workers=workers, sandboxed=sandboxed, exercises=[e.id for e in exercises],
                                       call_s=call_s)
            except runner.WorkersDidNotStart as e:
                raise PrepError(f"{e}; pass --unsafe-no-sandbox to grade without the sandbox" if sandboxed
                                else str(e)) from None
        found = discover(submissions, [e.id for e in exercises], assignment)
        learners = len({j.learner for j in found})
        say(f"found {len(found)} submission(s) of {learners} learner(s) for {len(exercises)} exercise(s)")
        pairs: list = []
        cache = canary.VerdictCache(data_dir() / "canary-verdicts.json")
        if canaries:
            unvouched = [e.id for e in exercises if not cache.vouched(e.id)]
            if unvouched:
                pairs = canary.canary_jobs(unvouched, out / "canaries" / "files")
                say(f"checking the graders of {', '.join(unvouched)} with {len(pairs)} canaries, alongside the class")
            else:
                say("the graders' canaries passed before with these graders and this prep: not re-run")
        try:
            progress = judges.run(found, store, batch_seed=batch_seed, on_progress=on_progress, canaries=pairs,
                                  on_canaries=cache.record)
        except runner.CanaryFailure as e:
            raise PrepError(f"pre-flight canaries failed, so no result was stored: {e}") from None
        judges.__exit__(None, None, None)
        judges = None
        records = store.all_records()
        exports = export.write_all(records, out)
        counts = export.summary_counts(records)
        return BatchReport(out, progress.total, progress.done - progress.skipped, progress.skipped,
                           counts["by_status"], counts["histogram"], exports, sandboxed,
                           export.lookalike_names([r["learner"] for r in records]))
    except KeyboardInterrupt:
        if judges is not None:
            judges.abort()
            judges = None
        stored = len(store.all_records())
        raise Interrupted(f"interrupted: {stored} result(s) stored in {out}; run the same command to resume") from None
    finally:
        if judges is not None:
            judges.abort()
        store.unlock()
