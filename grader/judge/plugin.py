"""The pytest plugin graders run under: fixtures, device parametrisation, outcome capture.

Fixtures a grader may ask for:

* ``learner``  the submission, as a ``Learner`` proxy (every call goes to the worker)
* ``device``   each available device in turn (cpu, cuda, mps); unavailable ones are
               skipped and reported, never silently dropped
* ``rng``      a ``torch.Generator`` seeded from this run's random seed and the grader's name
* ``seed``     this run's seed (an int), for graders that need their own randomness
* ``source``   the submitted module source, for static checks (banned APIs)
* ``explain``  a callable: ``explain("why this is right")`` is shown when the grader passes
               (quiz explanations appear only after a correct answer)

Before every grader, torch's global state is put back to its defaults in the worker and here
(grad mode, default dtype, anomaly mode, inference mode, dispatch modes, RNG seeded from the run's
seed and the grader's name), so that what one grader's call left behind cannot fail the next.

Grader names are the test function's name plus any parameter ids other than
the device: ``test_grad[cpu]`` and ``test_grad[cuda]`` are one grader,
``test_grad``, that passes only if it passes on every device it ran on.
"""

from __future__ import annotations

import builtins
import traceback
import zlib
from dataclasses import dataclass, field
from typing import Any

import pytest
import torch

from grader.seeding import seed_generators

KNOWN_DEVICES = ("cpu", "cuda", "mps")


def device_availability() -> dict[str, str | None]:
    """device -> None if usable here, else why not."""
    mps = getattr(torch.backends, "mps", None)
    return {
        "cpu": None,
        "cuda": None if torch.cuda.is_available() else "no CUDA device is available",
        "mps": None if (mps is not None and mps.is_available()) else "no MPS device is available",
    }


@dataclass
class Record:
    """What happened to one pytest item (one grader on one device)."""

    grader: str
    device: str | None
    outcome: str  # passed / failed / skipped
    exception: BaseException | None = None
    doc: str = ""
    hidden: bool = False
    note: str = ""


def _exception_line(excinfo: pytest.ExceptionInfo[BaseException], *args: Any, **kwargs: Any) -> str:
    return excinfo.exconly()


def _without_frames(exc: BaseException) -> BaseException:
    """The exception with no traceback, nor any on the exceptions it chains, and their frames' locals cleared: a
    record needs the exception's type and words only.
    A traceback holds the grader's frames, and so every value the grader received from the worker (a reply may be
    256 MB): kept in the records for the whole run, a submission whose every answer was a large wrong reply made the
    judge hold one per failed grader (2.4 GB for logistic-regression's 8 graders, while the worker itself may hold 3
    GB), with no limit on the judge's memory; under Dask a nanny restarts a judge past its memory budget, and the
    scheduler retries the job on the next judge (tests/redteam/judge_balloon_in_failed_graders.py)."""
    stack, seen = [exc], set()
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        # the frames' locals too: pytest's own objects keep these frames in reference cycles, which only a full
        # collection of the judge's heap (torch's: costly) frees. Up to Python 3.12 a cleared frame keeps the dict
        # that reading its f_locals made (pytest reads it to format the failure); reading it again empties it.
        tb = e.__traceback__
        traceback.clear_frames(tb)
        while tb is not None:
            tb.tb_frame.f_locals  # noqa: B018
            tb = tb.tb_next
        e.__traceback__ = None
        group = getattr(builtins, "BaseExceptionGroup", ())  # Python 3.11+
        stack += [e.__cause__, e.__context__, *(e.exceptions if group and isinstance(e, group) else ())]
    return exc


def reset_judge_state(seed: int) -> None:
    """The judge's own torch state, as every grader expects it (graders are trusted, but one grader
    should not depend on what another left)."""
    torch.set_grad_enabled(True)
    torch.set_default_dtype(torch.float32)
    torch.autograd.set_detect_anomaly(False)
    seed_generators(seed)
    from grader.judge.checks import reset_repr_budget

    reset_repr_budget()  # each grader's first tensors print in full (see checks.bound_tensor_repr)


def grader_name(item: pytest.Item) -> tuple[str, str | None]:
    """(grader name, device) for an item: test_x[q1-cpu] -> ("test_x[q1]", "cpu")."""
    base = getattr(item, "originalname", None) or item.name.split("[", 1)[0]
    callspec = getattr(item, "callspec", None)
    device = callspec.params.get("device") if callspec is not None else None
    if "[" not in item.name:
        return base, device
    ids = item.name[item.name.index("[") + 1 : -1].split("-")
    rest = [i for i in ids if i not in KNOWN_DEVICES]
    return (f"{base}[{'-'.join(rest)}]" if rest else base), device


@dataclass
class GradingPlugin:
    learner: Any
    seed: int
    source: str
    hidden_file: str
    records: list[Record] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    availability: dict[str, str | None] = field(default_factory=device_availability)
    first: tuple[str, ...] = ()  # graders to run before the others (verdict-only gradings: the likely failure)

    # ---------------------------------------------------------------- fixtures

    @pytest.fixture(name="learner")
    def _learner(self) -> Any:
        return self.learner

    @pytest.fixture(name="seed")
    def _seed(self) -> int:
        return self.seed

    @pytest.fixture(name="source")
    def _source(self) -> str:
        return self.source

    @pytest.fixture(name="explain")
    def _explain(self, request: pytest.FixtureRequest) -> Any:
        def explain(text: str) -> None:
            self.notes[request.node.nodeid] = text

        return explain

    @pytest.fixture(autouse=True)
    def _clean_global_state(self, request: pytest.FixtureRequest) -> None:
        seed = (self.seed * 1_000_003 + zlib.crc32(request.node.name.encode())) % (2**31)
        reset_judge_state(seed)
        session = getattr(self.learner, "session", None)
        if session is not None and session.died is None and session.pid:
            try:
                self.learner.reset(seed)
            except Exception:  # a dead or misbehaving worker fails the grader itself, with its own message
                pass

    @pytest.fixture(name="rng")
    def _rng(self, request: pytest.FixtureRequest) -> torch.Generator:
        g = torch.Generator()
        g.manual_seed((self.seed * 1_000_003 + zlib.crc32(request.node.name.encode())) % (2**63))
        return g

    # ---------------------------------------------------------------- hooks

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self._session = session

    @pytest.hookimpl(tryfirst=True)
    def pytest_ignore_collect(self, collection_path: Any) -> bool | None:
        """Collect the grader files and the folders on the way to them, nothing else. pytest lists every folder
        from the repository root down to the files given, and asks of each entry whether to ignore it: for the
        ~80 entries of exercises/ and the rest of the repository its own checks cost ~0.1 s a grading. Whatever
        is given, or leads to what is given, goes on to pytest's checks (None)."""
        session = getattr(self, "_session", None)
        if session is None or session.isinitpath(collection_path, with_parents=True):
            return None
        return True

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Graders named in ``first`` run first, in the given order; the rest keep the files' order.

        A failed grader's report gets the exception's one line, not pytest's traceback. Nothing reads a report's
        text (a record keeps the exception itself), and pytest's default, the long style with every frame's source
        and arguments, cost the judge about 0.2 s of CPU per failed grader: a fifth of a wrong file's grading."""
        for item in items:
            item.repr_failure = _exception_line  # type: ignore[method-assign]
        if self.first:
            rank = {name: i for i, name in enumerate(self.first)}
            items.sort(key=lambda item: rank.get(grader_name(item)[0], len(rank)))

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "device" in metafunc.fixturenames:
            params = []
            for d in KNOWN_DEVICES:
                why = self.availability[d]
                marks = [pytest.mark.skip(reason=why)] if why else []
                params.append(pytest.param(d, id=d, marks=marks))
            metafunc.parametrize("device", params)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> Any:
        outcome = yield
        report = outcome.get_result()
        name, device = grader_name(item)
        doc = (getattr(item, "function", None).__doc__ or "").strip() if hasattr(item, "function") else ""
        hidden = str(item.path) == self.hidden_file
        if report.when == "setup" and report.skipped:
            self.records.append(Record(name, device, "skipped", doc=doc, hidden=hidden))
        elif report.failed:
            exc = _without_frames(call.excinfo.value) if call.excinfo is not None else None
            self.records.append(Record(name, device, "failed", exc, doc, hidden))
        elif report.when == "call" and report.passed:
            self.records.append(Record(name, device, "passed", doc=doc, hidden=hidden,
                                       note=self.notes.get(item.nodeid, "")))
        elif report.when == "call" and report.skipped:
            exc = _without_frames(call.excinfo.value) if call.excinfo is not None else None
            self.records.append(Record(name, device, "failed", exc, doc, hidden))
