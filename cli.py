"""`prep`: the command line. It parses arguments, calls one library function, prints the answer.

The library is ``grader.api``; it is imported inside each command so that
``prep --help`` stays fast and never imports torch.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # what a shell reports for a command ended by Ctrl-C (128 + SIGINT)


class UsageProblem(click.ClickException):
    """A library error the user can fix, printed as one line (exit status 2)."""

    exit_code = EXIT_USAGE


def _api() -> Any:
    from grader import api

    return api


def _run(fn: Any, *args: Any, **kwargs: Any) -> Any:
    api = _api()
    try:
        return fn(*args, **kwargs)
    except api.PrepError as e:
        raise UsageProblem(str(e)) from None
    except api.Interrupted as e:  # Ctrl-C, with what was kept and how to go on
        click.echo(str(e), err=True)
        raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


_FAST_EXIT = False  # set by main(); in-process callers (tests, CliRunner) get a normal exit


def _finish(code: int) -> NoReturn:
    """End the command; from the console script, skip interpreter teardown (~0.4 s once torch is loaded)."""
    if _FAST_EXIT:
        sys.stdout.flush()
        sys.stderr.flush()
        _remove_scratch_copies()
        os._exit(code)
    sys.exit(code)


def _remove_scratch_copies() -> None:
    """What exit handlers would have removed, and os._exit skips: the workers' copies of probes.py (one folder in
    /tmp per command that graded). Only if grading ran in this process: importing the module here costs nothing."""
    probes = sys.modules.get("grader.judge.worker_probes")
    if probes is not None:
        probes.remove_copies()


class PrepGroup(click.Group):
    """click's group, except that Ctrl-C ends any command with one line and exit status 130
    (click alone prints "Aborted!" and exits 1, the same status as "not full marks")."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, click.exceptions.Abort):
            click.echo("interrupted", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


@click.group(cls=PrepGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="prep", prog_name="prep")
def cli() -> None:
    """PyTorch interview exercises, graded numerically.

    \b
    A learner's loop:
      prep next                      fetch the next exercise on the path (prep list: all of them)
      prep check autograd-mul        grade your copy: score and feedback (prep hint: a hint)
      prep score                     your progress, and what is worth doing next
      prep review                    what the schedule says to practise again today
      prep interview --minutes 45    rehearse: a timed mock interview, graded, with a report
    """


@cli.command("list")
@click.option("--topic", help="Only this topic (any case, or its start: `--topic optim`); `prep topics` lists them.")
@click.option("--kind", type=click.Choice(["code", "fix-bug", "quiz"]), help="Only exercises of this kind.")
@click.option("--difficulty", type=click.Choice(["easy", "medium", "hard"]), help="Only this difficulty.")
@click.option("--status", type=click.Choice(["new", "tried", "passed"]),
              help="Only exercises you have not checked (new), checked without full marks (tried), or passed.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def list_command(topic: str | None, kind: str | None, difficulty: str | None, status: str | None,
                 as_json: bool) -> None:
    """List the exercises in the suggested order: track by track, easy to hard.

    Each row: id, your status (new, tried or passed, with your best score), track (1: autograd and
    gradients, 2: models and training, 3: graphs, memory, speed and deployment), kind,
    difficulty, main topic, title.

    \b
    Example:
        prep list --topic optimizer --status new
    """
    rows = _run(_api().catalog, topic=topic, kind=kind, difficulty=difficulty, status=status)
    if as_json:
        _emit_json([r.to_json() for r in rows])
        return
    if not rows:
        click.echo("no exercise matches these filters")
        return
    width = max(len(r.exercise.id) for r in rows)
    swidth = max(len(r.status_label) for r in rows)
    twidth = max(len(r.exercise.topics[0]) for r in rows)
    for r in rows:  # one line per exercise, so that scripts can count and grep them
        ex = r.exercise
        click.echo(f"{ex.id:<{width}}  {r.status_label:<{swidth}}  track {r.track}  {ex.kind:<7}  "
                   f"{ex.difficulty:<6}  {ex.topics[0]:<{twidth}}  {_learner_words(ex.title)}")


LANG_HELP = ("Language: en, zh or both (default: the interview question in both, everything else in $PREP_LANG, "
             "else en).")


def _lang_option(help_text: str = LANG_HELP) -> Any:
    return click.option("--lang", type=click.Choice(["en", "zh", "both"]), help=help_text)


def _learner_words(text: str) -> str:
    from grader.wording import for_learner

    return for_learner(text)


@cli.command()
def topics() -> None:
    """List the topics: their track, and how many of their exercises you passed.

    \b
    Example:
        prep topics
    """
    rows = _run(_api().topics)
    width = max((len(t.topic) for t in rows), default=5)
    for t in rows:
        track = f"track {t.track}" if t.track else "all tracks"
        click.echo(f"{t.topic:<{width}}  {track:<10}  {t.passed}/{len(t.exercises)} passed")
    click.echo("`prep list --topic T` lists a topic's exercises (any case, or the start of its name)")


@cli.command("next")
@click.option("--topic", help="The next exercise of this topic.")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Where to fetch it (default: ./EXERCISE).")
@click.option("--no-fetch", is_flag=True, help="Only say which exercise comes next.")
def next_command(topic: str | None, directory: Path | None, no_fetch: bool) -> None:
    """Fetch the next exercise on the path (or point to your copy of it).

    Unfinished exercises come first (checked, not yet full marks), then new ones, in the order of
    `prep list`: track 1 (autograd and gradients), 2 (models and training), 3 (graphs, memory,
    speed and deployment), each from easy to hard.

    \b
    Example:
        prep next --topic optimizer
    """
    step = _run(_api().next_exercise, topic=topic, fetch_it=not no_fetch, directory=directory)
    ex = step.exercise
    click.echo(f"next: {ex.id} (track {step.track}, {ex.kind}, {ex.difficulty}, about {ex.time_budget_min} min): "
               f"{step.why}")
    click.echo(f"  {_learner_words(ex.title)}")
    if step.copy is not None:
        click.echo(f"your copy is {step.copy.found}: {step.copy.directory}")
        click.echo(f"Next: edit it, then run `prep check {ex.id}` (`prep hint {ex.id}` gives a hint)")
    elif step.fetched is not None:
        _print_fetch_report(step.fetched)
        click.echo(f"Next: edit {step.fetched.directory / (ex.id + '.py')}, then run `prep check {ex.id}`")
    else:
        click.echo(f"Next: `prep fetch {ex.id}`")


@cli.command()
@click.argument("exercise")
@click.option("--json", "as_json", is_flag=True, help="Print the metadata as JSON.")
@_lang_option()
def show(exercise: str, as_json: bool, lang: str | None) -> None:
    """Show an exercise's question, task and metadata.

    The interview question is the bank's original (Chinese) with its English translation, the task
    is English with its Chinese translation: --lang (or PREP_LANG) picks what you read.

    \b
    Example:
        prep show sgd-momentum --lang zh
    """
    api = _api()
    ex = _run(api.get_exercise, exercise)
    if as_json:
        data = ex.summary() | {"question_zh": ex.question_zh, "question_en": ex.question_en,
                               "prompt_en": ex.prompt_en, "task_zh": ex.task_zh, "points": ex.points,
                               "hints": len(ex.hints)}
        _emit_json(data)
        return
    from grader import authoring, i18n, wording

    languages = _run(api.language, lang)
    text = languages.text
    kind, difficulty, minutes = authoring.facts(ex, text)
    click.echo(i18n.say("show.head", "en" if text == "both" else text, title=wording.for_learner(ex.title),
                        id=ex.id, kind=kind, difficulty=difficulty, minutes=minutes))
    for one in i18n.each(text):
        click.echo(i18n.say("show.question", one, origin=wording.from_questions(ex.seeds, one),
                            topics=", ".join(ex.topics)))
    click.echo("\n" + "\n\n".join(authoring.question_parts(ex, languages, rstrip=False)) + "\n")
    click.echo("\n\n".join(authoring.task_parts(ex, text)))
    notes = [i18n.say("sample_answer", one) for one in i18n.each(text)
             if ("sample answer" in wording.for_learner(ex.prompt_en) if one == "en" or not ex.task_zh
                 else "示例答案" in ex.task_zh)]
    for note in dict.fromkeys(notes):
        click.echo(f"\n{note}")
    for one in i18n.each(text):
        click.echo(("\n" if one == i18n.each(text)[0] else "")
                   + i18n.say("show.tail", one, graders=wording.graders_summary(ex, one), hints=len(ex.hints), id=ex.id))


@cli.command()
@click.argument("exercise")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Where to put the files (default: ./EXERCISE, or this folder if it is the exercise's copy).")
@click.option("--force", is_flag=True, help="Over a copy you edited: move it aside to FOLDER.old-DATE, then fetch.")
@_lang_option("The language of the README and of the stub's and notebook's texts: en, zh or both (default: the "
              "interview question in both, the rest in $PREP_LANG, else en).")
def fetch(exercise: str, directory: Path | None, force: bool, lang: str | None) -> None:
    """Copy an exercise's stub, notebook, README and public graders into a folder.

    From a course (`prep course use`), the exercise is downloaded once, checked against the
    course's sha256 and cached: later fetches and checks work offline. A folder with your work
    on the exercise is refused (--force moves your files aside first); inside the exercise's
    own folder, fetch updates that folder (it never nests a copy in a copy).

    \b
    Example:
        prep fetch autograd-mul --dir ~/practice/mul
    """
    report = _run(_api().fetch, exercise, directory, force=force, lang=lang)
    if report.version:
        click.echo(f"{exercise}: {report.version}")
    if report.set_aside is not None:
        click.echo(f"moved your copy aside to {report.set_aside}")
    _print_fetch_report(report)
    click.echo(f"Next: edit {report.directory / (exercise + '.py')}, then run `prep check {exercise}`")


def _print_fetch_report(report: Any) -> None:
    for p in report.written:
        click.echo(f"wrote {p}")
    for p in report.kept:
        click.echo(f"kept {p}: you have edited it, so it was left as it is")
    for mine, new in report.beside:
        click.echo(f"kept {mine}: you have edited it; the new version is in {new}")
    if not report.written and not report.kept and not report.beside:
        click.echo(f"{report.directory} is up to date")


@cli.command()
@click.argument("exercise")
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path),
              help="The .py or .ipynb to grade (default: your copy here, else ./EXERCISE, else your last fetch; "
                   "of its .py and .ipynb, the one you saved last).")
@click.option("--seed", type=int, help="Reuse the random inputs of an earlier run.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@_lang_option("The language of the headings and fixed phrases: en, zh or both (default: $PREP_LANG, else en); "
              "the graders' messages stay as written.")
def check(exercise: str, file: Path | None, seed: int | None, as_json: bool, lang: str | None) -> None:
    """Grade your solution: a score, and feedback for every grader.

    Exit status 0 only for full marks, 1 otherwise, 2 for usage errors.

    \b
    Example:
        prep check autograd-mul --file my_mul.py
    """
    checked = _run(_api().check_for_learner, exercise, file, seed=seed, lang=lang)
    result = checked.result
    if as_json:
        _emit_json(result.to_json())
    else:
        _print_result(result, graded=checked.graded, solution_available=checked.solution_available,
                      lang=checked.lang)
    _finish(0 if result.full_marks else 1)


def _print_result(r: Any, *, graded: str = "", solution_available: bool = True, lang: str | None = None) -> None:
    from grader.feedback import result_lines

    lang = lang or _run(_api().language).text
    for line in result_lines(r, graded=graded, solution_available=solution_available, lang=lang):
        click.echo(line)


@cli.command()
@click.option("--all", "show_all", is_flag=True, help="Every topic and every exercise, not only the summary.")
@click.option("--json", "as_json", is_flag=True, help="Print progress as JSON.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write an HTML page with progress by track and topic, and plots.")
def score(show_all: bool, as_json: bool, html_file: Path | None) -> None:
    """Show your progress: by track, then the few exercises worth doing next (--all: everything).

    \b
    Example:
        prep score --html progress.html
    """
    report = _run(_api().score_report)
    if html_file is not None:
        from grader.jupyter import scorepage

        _run(scorepage.write, html_file, report)
    if as_json:
        _emit_json([{"exercise": p.exercise, "attempts": p.attempts, "best_score": p.best_score,
                     "max_score": p.max_score, "passed": p.passed, "hints_seen": p.hints_seen,
                     "time_to_first_pass_s": p.time_to_first_pass_s} for _, p in report.rows])
        return
    from grader import learning_path
    from grader.wording import duration

    def bar(fraction: float) -> str:  # one kind of number per bar: the share of exercises passed
        filled = round(20 * fraction)
        return "#" * filled + "." * (20 - filled)

    earned, possible = report.points
    click.echo(f"{report.passed} of {len(report.rows)} exercises passed ({earned:g} of {possible:g} points)")
    groups = report.topics if show_all else report.tracks
    label = [t.topic for t in groups] if show_all else [f"track {t.track}: {t.topic}" for t in groups]
    width = max((len(x) for x in label), default=5)
    click.echo(f"{'topic' if show_all else 'track':<{width}}  exercises passed")
    for name, t in zip(label, groups):
        click.echo(f"{name:<{width}}  {bar(t.passed_fraction)} {t.passed}/{t.exercises}")
    if show_all:
        click.echo("")
        ids = max((len(ex.id) for ex, _ in report.rows), default=10)
        for ex, p in report.rows:
            status = learning_path.status_label(p)
            took = f"  passed in {duration(p.time_to_first_pass_s)}" if p.time_to_first_pass_s is not None else ""
            tries = f"  {p.attempts} check{'' if p.attempts == 1 else 's'}" if p.attempts else ""
            click.echo(f"{ex.id:<{ids}}  {status}{tries}{took}")
    if report.worth_doing:
        click.echo("worth doing next:")
        ids = max(len(w.exercise) for w in report.worth_doing)
        for w in report.worth_doing:
            click.echo(f"  {w.exercise:<{ids}}  {w.why}")
    if not show_all:
        click.echo("`prep next` fetches the next on the path; `prep score --all` shows every topic and exercise")
    if html_file is not None:
        click.echo(f"wrote {html_file}")


@cli.command()
@click.option("--fetch", "fetch_due", is_flag=True,
              help="Fetch each due exercise afresh (a copy with your work is moved aside first).")
def review(fetch_due: bool) -> None:
    """What to practise again today: spaced repetition over your check history (FSRS).

    Each exercise you have checked is a card. A sitting (checks with no gap over 4 hours) is one
    review: full marks on the first check is Good (Easy when a mock interview's clock shows you
    took at most half the time budget), full marks after failures is Hard, no full marks is Again.
    The FSRS scheduler turns those into the day each exercise is due again.

    \b
    Example:
        prep review --fetch
    """
    from grader.wording import duration

    report = _run(_api().review, fetch_due=fetch_due)
    if not report.due and not report.later:
        click.echo("nothing to review yet: the exercises you check join the schedule (`prep next` picks one)")
        return

    def ago(card: Any) -> str:
        return duration(report.now.timestamp() - card.last.at)

    if report.due:
        click.echo(f"due today ({len(report.due)}):")
        width = max(len(c.exercise) for c in report.due)
        for c in report.due:
            late = report.now - c.due
            when = f"overdue by {duration(late.total_seconds())}" if late.total_seconds() >= 86400 else "due today"
            click.echo(f"  {c.exercise:<{width}}  {when}; last sitting {ago(c)} ago: {c.last.rating}")
    else:
        click.echo("nothing due today")
    if report.later:
        soon = ", ".join(f"{c.exercise} in {duration((c.due - report.now).total_seconds())}" for c in report.later[:3])
        click.echo(f"coming up: {soon}" + (f" (and {len(report.later) - 3} more)" if len(report.later) > 3 else ""))
    for fetched in report.fetched:
        aside = f" (your old copy is in {fetched.set_aside})" if fetched.set_aside else ""
        click.echo(f"fetched a fresh copy into {fetched.directory}{aside}")
    if report.due and not fetch_due:
        click.echo("`prep review --fetch` fetches them afresh (your old copies are kept aside)")


@cli.command()
@click.option("--minutes", type=int, default=45, show_default=True, help="The time the set must fit in.")
@click.option("--topic", help="Draw from this topic only (any case, or its start).")
@_lang_option("The language of the questions and the fetched files: en, zh or both (default: the interview "
              "question in both, the rest in $PREP_LANG, else en).")
@click.option("--seed", type=int, help="Draw the same set again (the report names the seed it used).")
def interview(minutes: int, topic: str | None, lang: str | None, seed: int | None) -> None:
    """Rehearse an interview: a timed set of questions, then a graded report.

    The set fits the minutes given: a concept quiz and one or two coding or fix-the-bug tasks,
    preferring ones you have not passed, fetched into ./interview-DATE/. Each question runs on
    its own clock (its time budget): answer in the files, then type `done` (or the time runs
    out). Then every answer is graded by the judge, and a report is printed and written as
    interview-DATE/report.html. The results count in `prep review`.

    \b
    Example:
        prep interview --minutes 45 --topic autograd
    """
    live = sys.stdout.isatty()
    languages = _run(_api().language, lang)

    def show(q: Any) -> None:
        from grader import authoring

        ex = q.exercise
        click.echo("")
        click.echo(f"Question {q.number} of {q.total}: {ex.id} ({ex.kind}, {ex.difficulty}), "
                   f"{q.budget_s / 60:.0f} min on the clock")
        click.echo(f"  {_learner_words(ex.title)}")
        click.echo("\n".join(authoring.question_parts(ex, languages, rstrip=False)))
        click.echo("\n\n".join(authoring.task_parts(ex, languages.text)))
        click.echo(f"Answer in {q.folder / (ex.id + '.py')} (or the .ipynb beside it); "
                   "type done and Enter when you have finished.")
        if live:  # the clock, redrawn by tick(); the learner types after it
            sys.stdout.write(f"{_clock(q.budget_s)} ")
            sys.stdout.flush()
        else:
            click.echo(f"{q.budget_s / 60:.0f} min left")

    def tick(q: Any, left: float) -> None:
        if live:  # redraw the clock at the start of the line, keeping the cursor where the learner types
            sys.stdout.write(f"\0337\r{_clock(left)}\0338")
            sys.stdout.flush()

    def end(q: Any) -> None:
        if q.ran_out:
            click.echo(("\n" if live else "") + "time is up: this answer is graded as you left it")

    def grading(q: Any) -> None:
        click.echo(f"grading {q.number}: {q.exercise.id}{' (time ran out)' if q.ran_out else ''}")

    done = _run(_api().interview, minutes=minutes, topic=topic, lang=lang, seed=seed, ask=_said_done,
                on_question=show, on_tick=tick, on_end=end, on_grading=grading)
    from grader.wording import duration

    click.echo("")
    click.echo(f"Interview report: {done.score:g}/{done.max_score:g} points in {duration(done.time_used_s)} "
               f"(seed {done.seed})")
    width = max(len(q.exercise.id) for q in done.questions)
    for q in done.questions:
        ran_out = ", ran out" if q.ran_out else ""
        click.echo(f"  {q.number}. {q.exercise.id:<{width}}  {q.score:g}/{q.max_score:g}  "
                   f"time {duration(q.time_used_s)} of {duration(q.budget_s)}{ran_out}")
    review_topics = done.topics_to_review
    click.echo(f"topics to review: {', '.join(review_topics)}" if review_topics else "topics to review: none")
    click.echo(f"wrote {done.report_html}; `prep review` schedules these exercises again")


def _clock(left_s: float) -> str:
    minutes, seconds = divmod(int(left_s + 0.999), 60)
    return f"[{minutes:02d}:{seconds:02d} left]"


def _said_done(timeout_s: float) -> bool:
    """Wait up to ``timeout_s`` for a line on stdin: True once it says done (or stdin ends)."""
    import select

    try:
        ready = select.select([sys.stdin], [], [], timeout_s)[0]
    except (ValueError, OSError, TypeError):  # no file descriptor (a test's stdin): read a line
        ready = [sys.stdin]
    if not ready:
        return False
    line = sys.stdin.readline()
    if not line or line.strip().lower() in ("done", "d"):
        return True
    click.echo("(type done and Enter when you have finished this question)")
    return False


@cli.command()
@click.argument("exercise")
@click.option("--level", type=int, help="Show this unlocked hint (1 is the gentlest) instead of the next one.")
def hint(exercise: str, level: int | None) -> None:
    """Show the next hint of an exercise's ladder.

    Hint 1 is there from the start; hint N+1 unlocks after N failed checks, and all of them after a pass.
    """
    h = _run(_api().hint, exercise, level)
    click.echo(f"Hint {h.level} of {h.total}: {h.text}")


@cli.command()
@click.argument("exercise")
@click.option("--force", is_flag=True, help="Show it even before you have passed.")
def solution(exercise: str, force: bool) -> None:
    """Show the reference solution (after a full-marks check, or with --force).

    A course published as an exam includes no reference solutions: there is none to show.
    """
    click.echo(_run(_api().solution, exercise, force=force), nl=False)


@cli.command()
@click.argument("exercises", nargs=-1)
@click.option("--mutants", is_flag=True,
              help="Mutation testing: grade mutants of each reference with its graders; print the share killed.")
@click.option("--max-mutants", type=int, help="With --mutants: at most this many mutants per exercise (default 150).")
@click.option("--jobs", type=int, help="With --mutants: judge processes grading in parallel (default 1).")
@click.option("--json", "as_json", is_flag=True, help="With --mutants: print one JSON object.")
def selftest(exercises: tuple[str, ...], mutants: bool, max_mutants: int | None, jobs: int | None,
             as_json: bool) -> None:
    """Check the bank: references score full marks, stubs zero, generated files are fresh.

    With --mutants: mutate the code in each reference's SOLUTION regions, grade every mutant
    with the exercise's graders, and print the mutation score (killed / non-equivalent mutants)
    and the surviving mutants. Exit status 0 only when every code and fix-bug exercise reaches
    95%; quizzes are skipped. See docs/exercise-format.md, "Mutation testing".

    \b
    Example:
        prep selftest --mutants autograd-mul --jobs 2
    """
    if mutants:
        _selftest_mutants(exercises, max_mutants, 1 if jobs is None else jobs, as_json)
        return
    if max_mutants is not None or jobs is not None or as_json:
        raise UsageProblem("--max-mutants, --jobs and --json go with --mutants")

    def show_line(line: Any) -> None:
        click.echo(f"{'ok  ' if line.ok else 'FAIL'}  {line.exercise}: {line.check}"
                   + (f" ({line.detail})" if line.detail else ""))

    lines = _run(_api().selftest, list(exercises) or None, on_line=show_line)
    bad = [ln for ln in lines if not ln.ok]
    click.echo(f"{len(lines) - len(bad)} passed, {len(bad)} failed")
    _finish(1 if bad else 0)


def _selftest_mutants(exercises: tuple[str, ...], max_mutants: int | None, jobs: int, as_json: bool) -> None:
    live = sys.stderr.isatty()

    def progress(exercise: str, done: int, total: int) -> None:
        if live:
            sys.stderr.write(f"\r{exercise}: {done}/{total} gradings ")
            sys.stderr.flush()

    def show(report: Any) -> None:
        if live:
            sys.stderr.write("\r\033[K")
        if not as_json:
            _print_mutation_report(report)

    reports = _run(_api().mutation_test, list(exercises) or None, max_mutants=max_mutants, jobs=jobs,
                   on_report=show, on_progress=progress)
    tested = [r for r in reports if not r.skipped]
    below = [r.exercise for r in tested if not r.reaches_goal]
    if as_json:
        from grader import mutation

        _emit_json({"goal": mutation.GOAL, "seeds": list(mutation.DEFAULT_SEEDS), "reaches_goal": not below,
                    "below_goal": below, "exercises": [r.to_json() for r in reports]})
    else:
        skipped = len(reports) - len(tested)
        click.echo(f"{len(tested) - len(below)} of {len(tested)} exercise(s) reach the 95% goal"
                   + (f"; below it: {', '.join(below)}" if below else "")
                   + (f"; {skipped} quiz exercise(s) skipped" if skipped else ""))
    _finish(1 if below else 0)


def _print_mutation_report(r: Any) -> None:
    if r.skipped:
        click.echo(f"{r.exercise}: skipped ({r.skipped})")
        return
    if r.error:
        click.echo(f"{r.exercise}: ERROR {r.error}")
    else:
        goal = "" if r.reaches_goal else "   BELOW THE 95% GOAL"
        click.echo(f"{r.exercise}: {r.killed}/{r.total} ({r.score * 100:.1f}%), equivalent: {len(r.equivalent)}, "
                   f"survivors: {len(r.survivors)}{goal}   [{r.generated} generated, budget {r.budget_s:.1f} s "
                   f"per mutant, {r.duration_s:.0f} s]")
    for s in r.survivors:
        click.echo(f"  survivor  {s.mutant.id}   (line {s.mutant.line})")
    for e in r.equivalent:
        click.echo(f"  equivalent  {e.mutant.id}   ({e.reason})")
    for e in r.killed_equivalent:
        click.echo(f"  marked equivalent, yet the graders kill it (remove the entry?): {e.mutant.id}")
    for st in r.stale:
        click.echo(f"  stale [[equivalent_mutants]] entry, it matches no mutant: {st.mutant}")
    for f in r.flaky:
        seeds = ", ".join(str(g.seed) for g in f.gradings if g.kills)
        click.echo(f"  killed only with seed {seeds} (the verdict depends on the inputs): {f.mutant.id}")
    odd = r.not_graded_kills
    if odd:
        by: dict[str, int] = {}
        for k in odd:
            by[k.killed_by.status] = by.get(k.killed_by.status, 0) + 1
        click.echo("  killed without a grade: " + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(by.items())))


@cli.command()
@click.argument("exercises", nargs=-1)
def build(exercises: tuple[str, ...]) -> None:
    """Regenerate stubs, notebooks and READMEs from the reference solutions."""
    changed = _run(_api().build, list(exercises) or None)
    for p in changed:
        click.echo(f"wrote {p}")
    click.echo(f"{len(changed)} file(s) changed")


@cli.command("i18n")
@click.argument("exercises", nargs=-1)
def i18n_command(exercises: tuple[str, ...]) -> None:
    """Print the hashes each exercise's i18n.toml must record, and whether its translations are fresh.

    \b
    Example (after editing a task, translate it again, then paste the hashes):
        prep i18n grad-clipping
    """
    for t in _run(_api().translation_hashes, list(exercises) or None):
        click.echo(f"# {t.exercise}: {t.state}")
        click.echo(f'question_zh_sha256 = "{t.question_zh_sha256}"')
        click.echo(f'task_en_sha256 = "{t.task_en_sha256}"')


@cli.command()
@click.argument("submissions", type=click.Path(file_okay=False, path_type=Path))
@click.option("--exercise", "exercises", multiple=True, required=True,
              help="An exercise to grade (repeat for an assignment of several).")
@click.option("--assignment", help="Read nbgrader's submitted/<student>/<ASSIGNMENT>/<exercise>.ipynb layout.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Results and exports (default: SUBMISSIONS-graded next to SUBMISSIONS).")
@click.option("--jobs", type=int, help="Parallel sandboxes (default: the number of cores).")
@click.option("--seed", type=int, help="The batch's random seed (kept in OUT/batch.json for resuming).")
@click.option("--unsafe-no-sandbox", is_flag=True, help="Grade without the sandbox (only for trusted code).")
@click.option("--no-canaries", is_flag=True, help="Skip the pre-flight checks of the graders.")
@click.option("--call-timeout", type=float, help="Seconds one check may run (default: the exercise's limit).")
@click.option("--cluster", metavar="ADDRESS", help="Grade on a Dask cluster (its scheduler's tcp://HOST:PORT).")
def grade(submissions: Path, exercises: tuple[str, ...], assignment: str | None, out: Path | None,
          jobs: int | None, seed: int | None, unsafe_no_sandbox: bool, no_canaries: bool,
          call_timeout: float | None, cluster: str | None) -> None:
    """Grade a class: one sub-folder per learner, sandboxed, in parallel, resumable.

    Writes OUT/grades.csv, per-learner JSON and feedback, junit.xml, Gradescope results.json
    and report.html. Run it again on the same OUT to resume: finished results are kept.

    \b
    Example:
        prep grade class/ --exercise autograd-mul --out graded/
    """
    bar = _ProgressBar()
    report = _run(_api().grade_batch, submissions, list(exercises), out=out, jobs=jobs, assignment=assignment,
                  unsafe_no_sandbox=unsafe_no_sandbox, seed=seed, canaries=not no_canaries,
                  call_s=call_timeout, on_progress=bar.update, on_status=bar.say, cluster=cluster)
    bar.close()
    if not report.sandboxed:
        click.echo("warning: graded WITHOUT the sandbox (--unsafe-no-sandbox)" + (
            ": learner code had the network, and so could reach the Dask scheduler (it has no authentication of its "
            "own) and other learners' jobs" if cluster else ""), err=True)
    click.echo(f"{report.total} result(s): {report.graded_now} graded now, {report.reused} kept from before")
    click.echo("by status: " + ", ".join(f"{s} {n}" for s, n in report.by_status.items()))
    top = max(report.histogram + [1])
    click.echo("scores of the graded submissions (fraction of the maximum):")
    for i, n in enumerate(report.histogram):
        click.echo(f"  {i * 10:>3}-{i * 10 + 10:<3}% {'#' * round(30 * n / top):<30} {n}")
    click.echo(f"exports in {report.out}: grades.csv, learners/, feedback/, junit.xml, gradescope/, report.html")
    _warn_lookalikes(report)
    _finish(0)


def _warn_lookalikes(report: Any) -> None:
    """Different learner folders whose names look the same in every export (report.html lists them too)."""
    from grader.batch.export import learner_label, lookalike_note

    for group in report.lookalikes:
        click.echo("warning: these learners' names look the same in the exports, tell them apart before copying "
                   "scores by name: " + "; ".join(f"{learner_label(n)!r} ({lookalike_note(n)})" for n in group),
                   err=True)


class _ProgressBar:
    """A one-line progress bar with ETA on stderr, when stderr is a terminal."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self.drawn = False

    def say(self, text: str) -> None:
        """A line about what is happening (starting judges, canaries...), above the bar."""
        if self.drawn:
            sys.stderr.write("\n")
            self.drawn = False
        click.echo(f"prep: {text}", err=True)

    def update(self, progress: Any, record: Any) -> None:
        if not self.live:
            return
        width = 30
        filled = int(width * progress.done / max(progress.total, 1))
        eta = progress.eta_s
        eta_text = f"ETA {int(eta) // 60}:{int(eta) % 60:02d}" if eta is not None else "ETA --:--"
        sys.stderr.write(f"\r[{'=' * filled}{' ' * (width - filled)}] {progress.done}/{progress.total} {eta_text} ")
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.live and self.drawn:
            sys.stderr.write("\n")


@cli.command("grade-nbgrader")
@click.argument("course", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--assignment", required=True, help="The nbgrader assignment whose submitted/ notebooks to grade.")
@click.option("--exercise", "exercises", multiple=True, help="Exercises (default: the released notebooks).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="prep's results and exports (default: COURSE/prep-graded/ASSIGNMENT).")
@click.option("--jobs", type=int, help="Parallel sandboxes (default: the number of cores).")
@click.option("--unsafe-no-sandbox", is_flag=True, help="Grade without the sandbox (only for trusted code).")
def grade_nbgrader(course: Path, assignment: str, exercises: tuple[str, ...], out: Path | None, jobs: int | None,
                   unsafe_no_sandbox: bool) -> None:
    """Grade an nbgrader course's submissions with prep, and write the scores into its gradebook.

    \b
    Example:
        prep grade-nbgrader course/ --assignment ps1
    """
    from grader.jupyter import nbgrader_course

    bar = _ProgressBar()
    report, written = _run(nbgrader_course.grade_course, course, assignment, list(exercises) or None, out=out,
                           jobs=jobs, unsafe_no_sandbox=unsafe_no_sandbox, on_progress=bar.update)
    bar.close()
    click.echo("by status: " + ", ".join(f"{s} {n}" for s, n in report.by_status.items()))
    click.echo(f"wrote {written} score(s) into the gradebook of {course}; exports in {report.out}")
    _warn_lookalikes(report)
    _finish(0)


@cli.command("map")
@click.option("--check", is_flag=True, help="Only say whether docs/seed-map.md is stale (exit 1 if so).")
def map_command(check: bool) -> None:
    """Regenerate docs/seed-map.md: every seed question, the exercises that cover it, and whether it is
    practised by code (a code or fix-bug exercise) or only quizzed; then print the counts."""
    report = _run(_api().seed_map, write=not check)
    if check:
        click.echo(f"{report.path} is {'up to date' if report.fresh else 'stale: run `prep map`'}")
        _finish(0 if report.fresh else 1)
    click.echo(f"{report.path} is up to date" if report.fresh else f"wrote {report.path}")
    total = report.total
    click.echo(f"{total.questions} catalog questions: {total.code} practised by code, {total.quiz} only quizzed, "
               f"{total.not_covered} not covered")
    click.echo("by seed document (practised by code/only quizzed): "
               + ", ".join(f"{doc} {c.code}/{c.quiz}" for doc, c in report.by_document.items()))


@cli.command()
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Scratch folder (default: a new temporary one).")
@click.argument("exercise", default="autograd-mul")
def demo(directory: Path | None, exercise: str) -> None:
    """Fetch an exercise into a scratch folder, then grade the reference and the untouched stub."""
    import tempfile

    api = _api()
    target = directory or Path(tempfile.mkdtemp(prefix="prep-demo-"))
    report = _run(api.fetch, exercise, target / exercise)
    click.echo(f"fetched {exercise} into {report.directory}")
    ex = _run(api.get_exercise, exercise)
    reference = _run(api.check, exercise, ex.solution_path, record=False)
    stub = _run(api.check, exercise, report.directory / f"{exercise}.py", record=False)
    click.echo(f"reference solution: {reference.score:g}/{reference.max_score:g} ({reference.status}, "
               f"{reference.duration_s:.1f} s)")
    click.echo(f"untouched stub:     {stub.score:g}/{stub.max_score:g} ({stub.status}, {stub.duration_s:.1f} s)")
    ok = reference.full_marks and stub.score == 0
    click.echo("demo ok" if ok else "demo FAILED: the reference should score full marks and the stub zero")
    _finish(0 if ok else 1)


# ---------------------------------------------------------------- courses and authoring outside the checkout
# (library: grader/course.py, grader/scaffold.py; docs/courses.md)


@cli.command()
@click.argument("exercises", nargs=-1)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The folder to write (index.json and archives/); publish into it again to release new versions.")
@click.option("--exam", is_flag=True, help="Leave out every reference solution (and maintainers' notes).")
@click.option("--course-id", help="The course's id (default: the id already in OUT, else OUT's folder name).")
@click.option("--bank", "bank_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Your bank (default: $PREP_BANK, else the built-in course).")
def publish(exercises: tuple[str, ...], out: Path, exam: bool, course_id: str | None, bank_dir: Path | None) -> None:
    """Publish exercises (default: all) as a course that any static HTTP server can serve.

    Writes OUT/index.json and one archive per exercise, with its sha256. Publishing into the same
    folder again gives changed exercises a new version; learners get them with `prep course update`.

    \b
    Example:
        prep publish --out site/pytorch-101 && python -m http.server -d site
    """
    report = _run(_api().publish, list(exercises), out, exam=exam, course_id=course_id, bank_dir=bank_dir)
    for e in report.exercises:
        state = "new version" if e.changed else "unchanged"
        click.echo(f"{e.id:<30}  v{e.version}  {state:<11}  {e.archive}  ({e.size / 1024:.0f} KiB)")
    for ex_id in report.removed:
        click.echo(f"{ex_id:<30}  removed from the course")
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    kind = "exam, no reference solutions" if report.exam else "practice, with reference solutions"
    click.echo(f"course {report.course} v{report.version} ({kind}): {len(report.exercises)} exercise(s) in "
               f"{report.out}")
    click.echo(f"Next: serve {report.out} over HTTP; learners run `prep course add URL`")


_BUILTIN = "builtin"  # grader.course.BUILTIN, spelled here so that `prep --help` imports no library


@cli.group()
def course() -> None:
    """Courses: exercises an instructor published, fetched over HTTP or from a folder.

    \b
    Example:
        prep course add https://example.org/pytorch-101/
        prep fetch autograd-mul
        prep course update
    """


@course.command("add")
@click.argument("source")
@click.option("--name", help="What to call it here (default: the course's id).")
def course_add(source: str, name: str | None) -> None:
    """Add a published course (its URL or folder) and use it."""
    info = _run(_api().course_add, source, name)
    kind = "exam" if info.exam else "practice"
    click.echo(f"added course {info.name} v{info.version} ({kind}, {info.exercises} exercise(s)) from {info.source}; "
               "now using it")
    click.echo(f"Next: `prep list`, then `prep fetch ID` (`prep course use {_BUILTIN}` goes back to the built-in course)")


@course.command("list")
def course_list() -> None:
    """The courses: * marks the one in use."""
    for info in _run(_api().course_list):
        mark = "*" if info.active else " "
        if info.name == _BUILTIN:
            about = f"built in, {info.exercises} exercise(s)"
        elif not info.version:
            about = "no index yet: run `prep course update`"
        else:
            about = (f"v{info.version}, {'exam' if info.exam else 'practice'}, {info.exercises} exercise(s), "
                     f"{info.fetched} fetched")
        click.echo(f"{mark} {info.name:<20}  {about}  {info.source}")


@course.command("use")
@click.argument("name")
def course_use(name: str) -> None:
    """Use a course for list, show, fetch, check, hint and solution."""
    info = _run(_api().course_use, name)
    click.echo(f"using course {info.name}")


@course.command("update")
@click.argument("name", required=False)
def course_update(name: str | None) -> None:
    """Fetch the course's new versions (default: the course in use).

    Exercises you fetched are updated in their folders; a file you edited is kept, and the new
    version is written beside it.
    """
    report = _run(_api().course_update, name)
    if report.new_version == report.old_version:
        click.echo(f"course {report.name} is up to date (v{report.new_version})")
    else:
        click.echo(f"course {report.name}: v{report.old_version} -> v{report.new_version}")
    for u in report.updated:
        click.echo(f"{u.id}: v{u.old_version} -> v{u.new_version}")
        if u.report is None:
            click.echo(f"  its folder is gone: `prep fetch {u.id}` writes the new version")
        else:
            _print_fetch_report(u.report)
    for ex_id in report.added:
        click.echo(f"{ex_id}: new in the course (`prep fetch {ex_id}`)")
    for ex_id in report.removed:
        click.echo(f"{ex_id}: no longer in the course; your copy stays")


@cli.command()
@click.argument("exercise")
@click.option("--kind", type=click.Choice(["code", "fix-bug", "quiz"]), default="code", show_default=True,
              help="What the learner does: write code, fix a bug, or answer a quiz.")
@click.option("--bank", "bank_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Your bank: the folder for exercises/ and solutions/ (default: $PREP_BANK).")
def new(exercise: str, kind: str, bank_dir: Path | None) -> None:
    """Scaffold a working exercise in your bank: metadata, reference, graders, learner files.

    `prep build` and `prep selftest` accept it as it is; then replace the example with your task.
    See docs/exercise-format.md, "From `prep new` to `prep publish`".

    \b
    Example:
        prep new masked-mean --bank ~/my-course
    """
    made = _run(_api().new_exercise, exercise, kind=kind, bank_dir=bank_dir)
    for p in made.written:
        click.echo(f"wrote {p}")
    click.echo(f"Next: export PREP_BANK={made.root}; edit {made.exercise.solution_path} and "
               f"{made.exercise.directory}, then `prep build {exercise}` and `prep selftest {exercise}`")


# ---------------------------------------------------------------- Jupyter, nbgrader, the learner loop
# (library: grader/jupyter/; docs/jupyter.md)


@cli.command()
@click.argument("exercise")
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path),
              help="The file to watch (default: your fetched copy's .py and .ipynb).")
@click.option("--interval", type=float, default=0.5, show_default=True, help="Seconds between polls.")
@click.option("--max-checks", type=int, help="Stop after this many checks.")
@click.option("--timeout", type=float, help="Stop after this many seconds.")
def watch(exercise: str, file: Path | None, interval: float, max_checks: int | None, timeout: float | None) -> None:
    """Check your copy now and again every time you save it (Ctrl-C stops).

    \b
    Example:
        prep watch autograd-mul
    """
    from grader.jupyter import watch as watching

    def waiting(files: list[Path]) -> None:
        click.echo(f"watching {', '.join(str(f) for f in files)} for saves (Ctrl-C to stop)")

    def show(result: Any) -> None:
        if sys.stdout.isatty():  # each run replaces the last on screen, as the learner sees it in the terminal
            click.clear()
        else:
            click.echo("")
        _print_result(result)

    summary = _run(watching.watch, exercise, file, interval_s=interval, max_checks=max_checks, timeout_s=timeout,
                   on_result=show, on_waiting=waiting)
    why = {"interrupt": "", "max_checks": " (--max-checks reached)", "timeout": " (--timeout reached)"}
    click.echo(f"stopped watching {summary.exercise} after {summary.checks} check(s){why[summary.stopped_by]}")
    _finish(EXIT_INTERRUPTED if summary.stopped_by == "interrupt" else 0)


@cli.command("export-nbgrader")
@click.argument("exercises", nargs=-1, required=True)
@click.option("--course", "course", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The nbgrader course folder to write (created if missing).")
@click.option("--assignment", default="prep", show_default=True, help="The assignment's name.")
@click.option("--generate", is_flag=True, help="Then run `nbgrader generate_assignment` on it.")
def export_nbgrader(exercises: tuple[str, ...], course: Path, assignment: str, generate: bool) -> None:
    """Export exercises as an nbgrader assignment whose grade cells prep fills in.

    \b
    Example:
        prep export-nbgrader autograd-mul sgd-momentum --course ~/course --generate
    """
    from grader.jupyter import nbgrader_course

    report = _run(nbgrader_course.export, list(exercises), course, assignment=assignment)
    for p in report.notebooks:
        click.echo(f"wrote {p}")
    if generate:
        _run(nbgrader_course.generate_assignment, course, assignment)
        click.echo(f"nbgrader generate_assignment {assignment}: wrote {course / 'release' / assignment}")
    else:
        click.echo(f"Next: cd {course} && nbgrader generate_assignment {assignment}")



@cli.command("export-gradescope")
@click.argument("exercises", nargs=-1, required=True)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The autograder zip to write.")
def export_gradescope(exercises: tuple[str, ...], out: Path) -> None:
    """Build a Gradescope autograder: setup.sh, run_autograder, prep's wheel and the exercises' graders.

    Upload the zip as a programming assignment's autograder (base image: Ubuntu 22.04 or later).
    It holds no reference solutions. See docs/grading.md, "Gradescope".

    \b
    Example:
        prep export-gradescope autograd-mul fix-softplus --out autograder.zip
    """
    made = _run(_api().export_gradescope, list(exercises), out)
    for note in made.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"wrote {made.path} ({made.size / 1024:.0f} KiB): {made.wheel}, {made.torch}, "
               f"{len(made.exercises)} exercise(s): {', '.join(made.exercises)}")
    click.echo("Next: upload it as the autograder of a Gradescope programming assignment")


def main() -> None:
    global _FAST_EXIT
    _FAST_EXIT = True
    cli()


if __name__ == "__main__":
    main()
