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


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


_FAST_EXIT = False  # set by main(); in-process callers (tests, CliRunner) get a normal exit


def _finish(code: int) -> NoReturn:
    """End the command; from the console script, skip interpreter teardown (~0.4 s once torch is loaded)."""
    if _FAST_EXIT:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="prep", prog_name="prep")
def cli() -> None:
    """PyTorch interview exercises, graded numerically.

    \b
    A learner's loop:
      prep list                      what there is to practise
      prep fetch autograd-mul        copy the exercise into ./autograd-mul
      prep check autograd-mul        grade your copy: score and feedback
      prep hint autograd-mul         the next hint
      prep score                     your progress
    """


@cli.command("list")
@click.option("--topic", help="Only exercises with this topic.")
@click.option("--kind", type=click.Choice(["code", "fix-bug", "quiz"]), help="Only exercises of this kind.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def list_command(topic: str | None, kind: str | None, as_json: bool) -> None:
    """List the exercises.

    \b
    Example:
        prep list --topic optimizer
    """
    exercises = _run(_api().list_exercises, topic=topic, kind=kind)
    if as_json:
        _emit_json([e.summary() for e in exercises])
        return
    width = max((len(e.id) for e in exercises), default=10)
    for e in exercises:
        click.echo(f"{e.id:<{width}}  {e.kind:<7}  {e.difficulty:<6}  {e.title}")


@cli.command()
@click.argument("exercise")
@click.option("--json", "as_json", is_flag=True, help="Print the metadata as JSON.")
def show(exercise: str, as_json: bool) -> None:
    """Show an exercise's question, prompt and metadata.

    \b
    Example:
        prep show sgd-momentum
    """
    ex = _run(_api().get_exercise, exercise)
    if as_json:
        data = ex.summary() | {"question_zh": ex.question_zh, "prompt_en": ex.prompt_en, "points": ex.points,
                               "hints": len(ex.hints)}
        _emit_json(data)
        return
    click.echo(f"{ex.title}  [{ex.id}: {ex.kind}, {ex.difficulty}, about {ex.time_budget_min} min]")
    click.echo(f"seeds: {', '.join(ex.seeds)}    topics: {', '.join(ex.topics)}")
    click.echo("\n" + "\n".join("> " + ln for ln in ex.question_zh.splitlines()) + "\n")
    click.echo(ex.prompt_en)
    click.echo(f"\nGraders: {len(ex.points)}, {ex.max_score:g} points. Hints: {len(ex.hints)}. "
               f"Start with: prep fetch {ex.id}")


@cli.command()
@click.argument("exercise")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Where to put the files (default: ./EXERCISE).")
def fetch(exercise: str, directory: Path | None) -> None:
    """Copy an exercise's stub, notebook, README and public graders into a folder.

    Files you have edited are never overwritten.

    \b
    Example:
        prep fetch autograd-mul --dir ~/practice/mul
    """
    report = _run(_api().fetch, exercise, directory)
    for p in report.written:
        click.echo(f"wrote {p}")
    for p in report.kept:
        click.echo(f"kept {p}: you have edited it, so it was left as it is")
    if not report.written and not report.kept:
        click.echo(f"{report.directory} is up to date")
    click.echo(f"Next: edit {report.directory / (exercise + '.py')}, then run `prep check {exercise}`")


@cli.command()
@click.argument("exercise")
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path),
              help="The .py or .ipynb to grade (default: your fetched copy).")
@click.option("--seed", type=int, help="Reuse the random inputs of an earlier run.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def check(exercise: str, file: Path | None, seed: int | None, as_json: bool) -> None:
    """Grade your solution: a score, and feedback for every grader.

    Exit status 0 only for full marks, 1 otherwise, 2 for usage errors.

    \b
    Example:
        prep check autograd-mul --file my_mul.py
    """
    result = _run(_api().check, exercise, file, seed=seed)
    if as_json:
        _emit_json(result.to_json())
    else:
        _print_result(result)
    _finish(0 if result.full_marks else 1)


def _print_result(r: Any) -> None:
    head = f"{r.exercise}: {r.score:g}/{r.max_score:g} points"
    if r.status != "graded":
        head += f" ({r.status.replace('_', ' ')})"
    click.echo(f"{head}   [{r.submission}, seed {r.seed}, {r.duration_s:.1f} s]")
    if r.message:
        click.echo(f"  {r.message}")
    width = max((len(t.name) for t in r.tests), default=10)
    for t in r.tests:
        mark = "pass" if t.outcome == "passed" else ("FAIL" if t.outcome == "failed" else "ERROR")
        tag = "  (hidden)" if t.hidden else ""
        click.echo(f"  {mark:<5} {t.name:<{width}}  {t.points:g}/{t.max_points:g}{tag}")
        if t.outcome != "passed" and t.message and t.message != r.message:
            for line in t.message.splitlines():
                click.echo(f"          {line}")
    if r.skipped_devices:
        skipped = "; ".join(f"{d} ({why})" for d, why in r.skipped_devices.items())
        click.echo(f"  ran on: {', '.join(r.devices)}; skipped: {skipped}")
    if r.full_marks:
        click.echo(f"Full marks. `prep solution {r.exercise}` shows the reference solution.")
    elif r.status == "graded":
        click.echo(f"Not there yet. `prep hint {r.exercise}` gives a hint; rerun with --seed {r.seed} "
                   "to get the same inputs.")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print progress as JSON.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write an HTML page with progress by topic and a plot.")
def score(as_json: bool, html_file: Path | None) -> None:
    """Show your progress: by topic, then per exercise (attempts, best score, time to first pass).

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
    twidth = max((len(t.topic) for t in report.topics), default=5)
    click.echo(f"{'topic':<{twidth}}  passed  points         progress")
    for t in report.topics:
        bar = "#" * round(20 * t.fraction) + "." * (20 - round(20 * t.fraction))
        click.echo(f"{t.topic:<{twidth}}  {f'{t.passed}/{t.exercises}':<6}  "
                   f"{f'{t.best_points:g}/{t.max_points:g}':<13}  {bar} {t.fraction * 100:3.0f}%")
    click.echo("")
    width = max((len(ex.id) for ex, _ in report.rows), default=10)
    for _, p in report.rows:
        state = "passed" if p.passed else ("tried" if p.attempts else "-")
        ttp = f"{p.time_to_first_pass_s / 60:.0f} min to pass" if p.time_to_first_pass_s is not None else ""
        click.echo(f"{p.exercise:<{width}}  {state:<6}  best {p.best_score:g}/{p.max_score:g}  "
                   f"{p.attempts} attempt(s)  {ttp}".rstrip())
    click.echo(f"{report.passed} of {len(report.rows)} exercises passed")
    if html_file is not None:
        click.echo(f"wrote {html_file}")


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
    """Show the reference solution (after a full-marks check, or with --force)."""
    click.echo(_run(_api().solution, exercise, force=force), nl=False)


@cli.command()
@click.argument("exercises", nargs=-1)
def selftest(exercises: tuple[str, ...]) -> None:
    """Check the bank: references score full marks, stubs zero, generated files are fresh."""
    def show_line(line: Any) -> None:
        click.echo(f"{'ok  ' if line.ok else 'FAIL'}  {line.exercise}: {line.check}"
                   + (f" ({line.detail})" if line.detail else ""))

    lines = _run(_api().selftest, list(exercises) or None, on_line=show_line)
    bad = [ln for ln in lines if not ln.ok]
    click.echo(f"{len(lines) - len(bad)} passed, {len(bad)} failed")
    _finish(1 if bad else 0)


@cli.command()
@click.argument("exercises", nargs=-1)
def build(exercises: tuple[str, ...]) -> None:
    """Regenerate stubs, notebooks and READMEs from the reference solutions."""
    changed = _run(_api().build, list(exercises) or None)
    for p in changed:
        click.echo(f"wrote {p}")
    click.echo(f"{len(changed)} file(s) changed")


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
def grade(submissions: Path, exercises: tuple[str, ...], assignment: str | None, out: Path | None,
          jobs: int | None, seed: int | None, unsafe_no_sandbox: bool, no_canaries: bool,
          call_timeout: float | None) -> None:
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
                  call_s=call_timeout, on_progress=bar.update)
    bar.close()
    if not report.sandboxed:
        click.echo("warning: graded WITHOUT the sandbox (--unsafe-no-sandbox)", err=True)
    click.echo(f"{report.total} result(s): {report.graded_now} graded now, {report.reused} kept from before")
    click.echo("by status: " + ", ".join(f"{s} {n}" for s, n in report.by_status.items()))
    top = max(report.histogram + [1])
    click.echo("scores (fraction of the maximum):")
    for i, n in enumerate(report.histogram):
        click.echo(f"  {i * 10:>3}-{i * 10 + 10:<3}% {'#' * round(30 * n / top):<30} {n}")
    click.echo(f"exports in {report.out}: grades.csv, learners/, feedback/, junit.xml, gradescope/, report.html")
    _finish(0)


class _ProgressBar:
    """A one-line progress bar with ETA on stderr, when stderr is a terminal."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()

    def update(self, progress: Any, record: Any) -> None:
        if not self.live:
            return
        width = 30
        filled = int(width * progress.done / max(progress.total, 1))
        eta = progress.eta_s
        eta_text = f"ETA {int(eta) // 60}:{int(eta) % 60:02d}" if eta is not None else "ETA --:--"
        sys.stderr.write(f"\r[{'=' * filled}{' ' * (width - filled)}] {progress.done}/{progress.total} {eta_text} ")
        sys.stderr.flush()

    def close(self) -> None:
        if self.live:
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
    _finish(0)


@cli.command("map")
@click.option("--check", is_flag=True, help="Only say whether docs/seed-map.md is stale (exit 1 if so).")
def map_command(check: bool) -> None:
    """Regenerate docs/seed-map.md: every seed question and the exercises that cover it."""
    path, fresh = _run(_api().seed_map, write=not check)
    if check:
        click.echo(f"{path} is {'up to date' if fresh else 'stale: run `prep map`'}")
        _finish(0 if fresh else 1)
    click.echo(f"{path} is up to date" if fresh else f"wrote {path}")


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
        click.echo("")
        _print_result(result)

    summary = _run(watching.watch, exercise, file, interval_s=interval, max_checks=max_checks, timeout_s=timeout,
                   on_result=show, on_waiting=waiting)
    why = {"interrupt": "", "max_checks": " (--max-checks reached)", "timeout": " (--timeout reached)"}
    click.echo(f"stopped watching {summary.exercise} after {summary.checks} check(s){why[summary.stopped_by]}")
    _finish(0)


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


def main() -> None:
    global _FAST_EXIT
    _FAST_EXIT = True
    cli()


if __name__ == "__main__":
    main()
