"""Grade one submission against one exercise: the single grading path.

``prep check`` and ``prep grade`` both end up in ``grade()``. The steps:

1. read the submission into module source (judge side; nothing runs);
2. start the worker (it imports torch while this process does the same);
3. have the worker load the submission;
4. run the exercise's public and hidden graders with pytest, in this process;
5. turn pytest's records into a ``Result`` with points and teaching messages;
6. end the worker and everything it started.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import sys
import time
from pathlib import Path
from typing import Any

from grader import submission as submissions
from grader.bank import Exercise
from grader.judge.failure import CheckFailure
from grader.judge.result import GraderOutcome, Result
from grader.judge.session import InfraError, LearnerError, Limits, WorkerDied, WorkerSession
from grader.judge.worker_probes import worker_copy

PYTEST_INI = Path(__file__).with_name("pytest.ini")
# Plugins grading has no use for. Each costs start-up time; unraisableexception alone
# runs two full gc passes per session (~0.25 s with torch's heap), and terminal output
# is not how results travel.
# pytest's own plugins that graders do not use; each one left on costs every grading its fixture scan and hooks
# (graders take no tmp_path, monkeypatch or recwarn fixture, and are no unittest classes or subtests)
UNUSED_PYTEST_PLUGINS = ("cacheprovider", "unraisableexception", "threadexception", "terminal", "stepwise",
                         "junitxml", "pastebin", "faulthandler", "logging", "debugging", "setuponly",
                         "setupplan", "tracemalloc", "doctest", "legacypath", "capture", "tmpdir", "monkeypatch",
                         "recwarn", "unittest", "subtests")


def limits_for(exercise: Exercise, override: Limits | None = None) -> Limits:
    if override is not None:
        return override
    return Limits(**exercise.limits) if exercise.limits else Limits()


def grade(exercise: Exercise, path: Path, *, seed: int | None = None, limits: Limits | None = None,
          python: str | None = None, pool: Any = None, verdict_only: bool = False,
          first: tuple[str, ...] = ()) -> Result:
    """Grade the file at ``path``; never raises for anything the submission does.

    With ``pool`` (a ``WorkerPool``) the worker is forked from a warm zygote instead of spawned.
    ``verdict_only`` stops at the first grader that fails: enough to know that the file does not get
    full marks (the wrong files of the corpus), and the graders after it are reported as not run.
    Learners and instructors always get every grader. ``first`` names graders to run before the others (with
    ``verdict_only``: the one that caught this file last time, so that a wrong file usually costs one grader).
    """
    started = time.monotonic()
    seed = secrets.randbelow(2**31) if seed is None else seed
    hidden = _hidden_names(exercise)
    extra: dict[str, Any] = {"seed": seed, "submission": str(path)}

    def early(status: str, message: str, **more: Any) -> Result:
        r = Result.failed_before_grading(exercise.id, status, message, exercise.max_score, exercise.points,
                                         hidden, **extra, **more)
        r.duration_s = time.monotonic() - started
        return r

    try:
        sub = submissions.load(exercise, Path(path))
    except submissions.NotGradable as e:
        return early("not_gradable", str(e))
    extra["sha256"] = sub.sha256

    limits = limits_for(exercise, limits)
    python = python or sys.executable
    session = WorkerSession(limits=limits, python=python, pool=pool, preload=exercise.preload)
    try:
        session.start()
        # The worker is importing torch now; the judge imports and warms its own side meanwhile.
        from grader.judge.remote import Learner

        warm_up_judge(exercise.preload)
        session.wait_ready()
        learner = Learner(session, sub.source)
        prepare = _prepare_request(exercise, pool, sub.source)
        # Two steps: the seal and the probes first, while no learner code exists in the worker, so that
        # only that reply can say "prep failed"; from the learner's source on, every error is the learner's
        # (learner code can write a forged reply to the pipe, so a reply cannot vouch for itself).
        _prepare(session, prepare)
        if exercise.measures_worker:
            learner.open_fresh = lambda warm: _fresh_learner(exercise, sub, limits, python, pool, prepare, warm)
        try:
            session.request({"op": "load", "source": sub.source, "filename": sub.filename})
        except LearnerError as e:
            if e.type == "BannedCallError":
                return early("not_gradable", sub.name_cells(f"while it was being loaded, your code used something "
                                                            f"this exercise rules out: {e.message}{_where(e)}"))
            return early("not_gradable", sub.name_cells(f"your code raised {e.summary()} while it was being loaded; "
                                                        "fix that first (it runs before any grader)"))
        result = _run_graders(exercise, learner, seed, sub.source, session, verdict_only=verdict_only, first=first)
        for t in result.tests:  # a notebook's line numbers name the cell they are in
            t.message = sub.name_cells(t.message)
    except WorkerDied as e:
        return early(e.status, e.message)
    except InfraError as e:
        return early("infra_error", f"prep could not grade this ({e}); this is not your code's fault")
    finally:
        session.close()
    result.seed, result.submission, result.sha256 = seed, str(path), sub.sha256
    result.duration_s = time.monotonic() - started
    return result


def _prepare_request(exercise: Exercise, pool: Any, source: str) -> dict[str, Any]:
    # the worker loads probes.py without its judge-only functions (grader/judge/worker_probes.py)
    probes = worker_copy(exercise.probes_path) if exercise.probes_path else None
    if probes and pool is not None:
        probes = pool.visible(probes)
    # The submission's own text may repeat a banned function of torch's line for line (a learner who knows torch
    # writes a short method as torch does): the seal refuses such text only when it was read at run time.
    own = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
    return {"op": "prepare", "probes": probes, "bans": list(exercise.bans), "ban_ops": list(exercise.ban_ops),
            "autograd": exercise.autograd, "one_process": exercise.measures_worker, "own_source_sha256": own}


def _prepare(session: WorkerSession, prepare: dict[str, Any]) -> None:
    try:
        session.request(prepare)
    except LearnerError as e:
        raise InfraError(f"the exercise's probes or bans failed to load in the worker: {e.message}") from None


def _fresh_learner(exercise: Exercise, sub: Any, limits: Limits, python: str, pool: Any,
                   prepare: dict[str, Any], warm: str | None) -> Any:
    """A second worker for one measurement (``learner.fresh()``): started and prepared like the first, then
    warmed up by prep's own code (autograd's one-off costs: its engine's threads, first allocations; and the
    probe ``warm``, which runs the computation a right answer does at a small size), and its memory read, all
    before the learner's code is loaded into it. A measured call there starts from memory
    the learner's code could not have taken in advance, except what its import took, which
    ``Learner.measure(room=...)`` bounds."""
    from grader.judge.remote import Learner

    session = WorkerSession(limits=limits, python=python, pool=pool, preload=exercise.preload)
    try:
        session.start()
        session.wait_ready()
        _prepare(session, prepare)
        try:
            session.request({"op": "warm", "probe": warm})
        except LearnerError as e:
            raise InfraError(f"the measuring worker could not warm up: {e.message}") from None
        learner = Learner(session, sub.source)
        learner.rss_floor = learner.memory()
        session.request({"op": "load", "source": sub.source, "filename": sub.filename})
    except BaseException:
        session.close()
        raise
    return learner


def warm_up_judge(modules: tuple[str, ...] = ()) -> None:
    """Pay the judge's one-off costs while the worker starts: pytest, autograd's first call with
    explicit grad_outputs, and the exercise's declared heavy imports (its graders need them too).
    That first call would import sympy for a shape comparison; a stand-in spares it (plain_shapes).

    The judge computes its references on one intra-op thread, as the worker does: its tensors are small, and
    torch's default of one OpenMP thread per core busy-waits between operations on a machine the worker and other
    judges share (the corpus's judge CPU time per graded file halved on 2 cores with it, 0.39 s to 0.19 s)."""
    import importlib

    import pytest  # noqa: F401
    import torch

    from grader import plain_shapes
    from grader.judge.checks import bound_tensor_repr

    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)
    bound_tensor_repr()  # a message that prints a learner's tensor must not cost the judge minutes

    for name in modules:
        importlib.import_module(name)
    plain_shapes.install()

    import grader.judge.plugin  # noqa: F401

    x = torch.ones(2, dtype=torch.float64, requires_grad=True)
    torch.autograd.grad((x * x).sum(), x, torch.ones((), dtype=torch.float64))


def _hidden_names(exercise: Exercise) -> set[str]:
    """Grader names defined in the hidden file (by a cheap text scan; used before pytest runs)."""
    if not exercise.hidden_graders.exists():
        return set()
    text = exercise.hidden_graders.read_text(encoding="utf-8")
    return {n for n in exercise.points if f"def {n.split('[', 1)[0]}(" in text}


def _run_graders(exercise: Exercise, learner: Any, seed: int, source: str, session: WorkerSession, *,
                 verdict_only: bool = False, first: tuple[str, ...] = ()) -> Result:
    import pytest

    from grader.judge.plugin import GradingPlugin

    plugin = GradingPlugin(learner=learner, seed=seed, source=source, hidden_file=str(exercise.hidden_graders),
                           first=tuple(first))
    files = [str(p) for p in (exercise.public_graders, exercise.hidden_graders) if p.exists()]
    args = [*files, "-c", str(PYTEST_INI), "--rootdir", str(exercise.directory.parent.parent),
            "--noconftest", "--import-mode=importlib", "--assert=plain"]
    for name in UNUSED_PYTEST_PLUGINS:
        args += ["-p", f"no:{name}"]
    if verdict_only:
        args.append("--exitfirst")
    saved_env = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # no third-party plugin takes part in grading
    before = set(sys.modules)
    try:
        code = pytest.main(args, plugins=[plugin])
    finally:
        if saved_env is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved_env
        for name in set(sys.modules) - before:  # graders are re-imported fresh on the next run
            if name.startswith("exercises."):
                del sys.modules[name]
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise InfraError(f"pytest could not run the graders of {exercise.id} (exit code {int(code)})")
    return aggregate(exercise, plugin, session, stopped_early=verdict_only)


NOT_RUN = "not run: grading stopped at the first grader that failed"
# A grader's message quotes what the learner's code returned (a state_dict's unexpected keys, a quiz's answers, a
# subclass's name): strings of any length the worker sends, up to a reply's 16 MB header. Uncut, one 12 MB key became
# the message of a grader, in every export and gradebook comment (tests/redteam/huge_check_detail.py).
MAX_MESSAGE_CHARS = 4000


def aggregate(exercise: Exercise, plugin: Any, session: WorkerSession, *, stopped_early: bool = False) -> Result:
    """Fold per-device records into one outcome per grader, with points and messages.

    ``stopped_early``: pytest stopped at the first failure, so graders without records are "not_run"
    (no points) instead of a mismatch between the graders and exercise.toml."""
    from grader.judge.plugin import KNOWN_DEVICES

    by_grader: dict[str, list[Any]] = {}
    for rec in plugin.records:
        by_grader.setdefault(rec.grader, []).append(rec)
    unknown = sorted(set(by_grader) - set(exercise.points))
    missing = sorted(set(exercise.points) - set(by_grader))
    stopped = stopped_early and any(r.outcome == "failed" for r in plugin.records)
    if unknown or (missing and not stopped):
        raise InfraError(f"{exercise.id}: graders and exercise.toml [points] disagree "
                         f"(no points for: {unknown or 'none'}; points for graders that do not exist: {missing or 'none'})")
    tests: list[GraderOutcome] = []
    status = "graded"
    died_in_grader: WorkerDied | None = None
    hidden_names = _hidden_names(exercise) if missing else set()
    for name, max_points in exercise.points.items():
        if name not in by_grader:  # only when stopped at a failure (checked above)
            tests.append(GraderOutcome(name, "not_run", 0.0, max_points, NOT_RUN, name in hidden_names))
            continue
        recs = by_grader[name]
        ran = [r for r in recs if r.outcome != "skipped"]
        skipped = sorted({r.device for r in recs if r.outcome == "skipped" and r.device})
        failed = [r for r in ran if r.outcome == "failed"]
        hidden = any(r.hidden for r in recs)
        devices = sorted({r.device for r in ran if r.device}, key=KNOWN_DEVICES.index)
        if not ran:
            outcome, message = "error", "this grader ran on no device"
        elif failed:
            outcome, message = _explain(failed[0], hidden, autograd=exercise.autograd)
        else:
            outcome, message = "passed", next((r.note for r in ran if r.note), "ok")
        message = _bounded(message)
        if outcome == "error":
            status = "infra_error"
        if isinstance(failed[0].exception if failed else None, WorkerDied) and status == "graded":
            status = failed[0].exception.status  # type: ignore[union-attr]
            died_in_grader = failed[0].exception  # a worker of its own (learner.fresh()) was stopped
        points = max_points if outcome == "passed" else 0.0
        tests.append(GraderOutcome(name, outcome, points, max_points, message, hidden, devices, skipped))
    if session.died is not None and status == "graded":
        status = session.died.status
    score = sum(t.points for t in tests)
    skipped_devices = {d: why for d, why in plugin.availability.items() if why}
    message = ""
    if status != "graded":
        died = session.died if session.died is not None else died_in_grader
        message = died.message if died is not None else "a grader failed to run; this is prep's fault"
    return Result(exercise.id, status, score, exercise.max_score, tests, message=message,
                  devices=[d for d, why in plugin.availability.items() if not why], skipped_devices=skipped_devices)


def _explain(rec: Any, hidden: bool, autograd: bool = True) -> tuple[str, str]:
    """A failure message that teaches; for hidden graders, the property only.

    Whatever a grader raises while it handles the learner's code or results is a failed grader,
    never prep's fault: the reference passes every grader (selftest, and the canaries before a
    batch), so an exception here comes from what this submission did or returned. Only prep's own
    machinery failing (``InfraError``) is an error.
    """
    exc = rec.exception
    on = f"[{rec.device}] " if rec.device and rec.device != "cpu" else ""
    if isinstance(exc, WorkerDied):
        # which property was being checked when the worker was stopped: a timeout's own text names only the limit
        doc = _first_sentence(rec.doc or "")
        during = f"\nwhile checking: {doc}" if doc and exc.status == "timeout" else ""
        return "failed", f"{on}not graded: {exc.message}{during}"
    if isinstance(exc, LearnerError):
        return "failed", on + learner_error_message(exc, autograd=autograd)
    if isinstance(exc, InfraError):
        return "error", f"{on}prep could not run this grader ({exc}); this is prep's fault, not yours"
    if isinstance(exc, CheckFailure):
        return "failed", on + (exc.prop if hidden or not exc.detail else f"{exc.prop}\n{exc.detail}")
    if isinstance(exc, AssertionError):
        doc = rec.doc.splitlines()[0] if rec.doc else rec.grader
        if hidden:
            return "failed", f"{on}hidden check failed: {doc}"
        text = str(exc).strip() or doc
        return "failed", on + "\n".join(text.splitlines()[:12])
    first = str(exc).strip().splitlines()[0][:300] if exc is not None and str(exc).strip() else ""
    name = type(exc).__name__ if exc is not None else "an error"
    return "failed", f"{on}this grader could not use what your code returned ({name}{': ' + first if first else ''})"


def _bounded(message: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """A grader's message cut to ``limit`` characters, saying how much was left out."""
    if len(message) <= limit:
        return message
    return f"{message[:limit].rstrip()}… ({len(message) - limit} more characters not shown)"


def _first_sentence(doc: str, limit: int = 240) -> str:
    """A grader docstring's first sentence (its lines wrap mid-sentence), cut at ``limit`` characters."""
    paragraph = " ".join(doc.strip().split("\n\n")[0].split())
    sentence = re.split(r"(?<=[.!?])\s", paragraph, maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[:limit - 1].rstrip() + "…"


# what autograd's engine says when asked to differentiate a graph that was never recorded
AUTOGRAD_OFF_SYMPTOMS = ("does not require grad and does not have a grad_fn",
                         "appears to not have been used in the graph")


def learner_error_message(e: LearnerError, autograd: bool = True) -> str:
    """What to tell the learner about an exception raised in the worker while a grader ran."""
    if e.type == "BannedCallError":
        return f"your code uses something this exercise rules out: {e.message}{_where(e)}"
    if not autograd and any(s in e.message for s in AUTOGRAD_OFF_SYMPTOMS):
        return ("autograd is switched off in this exercise: no operation records a graph, so nothing can "
                f"differentiate it for you (torch.autograd, .backward(), autograd's engine); compute the gradients "
                f"by hand{_where(e)} [{e.type}: {e.message}]")
    if e.in_learner_code:
        return f"your code raised {e.summary()}"
    text = f"{e.type}: {e.message}" if e.message else e.type
    return (f"{text} (raised while the grader was running your code, not at a line of your file: "
            "check what your code returns or leaves behind)")


def _where(e: LearnerError) -> str:
    return f" ({e.where})" if e.where else ""
