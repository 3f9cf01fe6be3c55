"""The kernel's warm judge: one judge process per notebook session, so that a re-check skips torch's import.

A cold ``%prep check`` starts a judge process and a worker that both import torch (seconds). Once
the extension is loaded, the kernel keeps one judge running instead (``python -I -m
grader.jupyter.judge --serve``, see ``judge.serve``): it has imported torch and pytest and keeps
a warm zygote, so a check costs a fork and the graders. The trust rule is the cold path's: the
kernel sends only the answer cells' source text and reads back a result; the judge never runs
learner code (each check's worker is forked from the zygote, with the same limits and isolation
as in ``prep grade``).

The judge talks to the kernel over its stdin and stdout pipes, nothing else: no socket or file
another user could reach. It dies with the kernel (PR_SET_PDEATHSIG, and the end of its stdin),
lives in its own session (a Ctrl-C in a terminal does not reach it), and keeps its scratch files
in a private 0700 folder removed when it ends.

Learner code runs in the kernel that holds those pipes, so it can write to them, read from
them, or stop or kill the judge. That cannot change how a check is graded (the judge executes
nothing it receives), and it cannot block the notebook beyond a check's budget: every write and
read here has a deadline, an idle judge must acknowledge a check within ``ACK_S``, and a judge
that died, hung or broke the protocol is killed and replaced once, while the check runs the cold
way (``judge.run``) with a one-line note. A replacement that fails before its first check is not
replaced: the session's checks stay cold until the kernel restarts.
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

from grader import api
from grader.jupyter import judge

ACK_S = 10.0  # an idle warm judge acknowledges a check in milliseconds; a stopped or wedged one never does
MAX_REPLY = 64 << 20  # a result is kilobytes; more is not from our judge
# What the judge reads from its environment (the bank, the progress database): a judge started under
# other values would grade or record elsewhere than a cold check would, so a change replaces it.
ENVIRONMENT = ("HOME", "XDG_DATA_HOME")
ENVIRONMENT_PREFIX = "PREP_"


class JudgeFailed(Exception):
    """The warm judge died, did not answer in time, or broke the protocol: it has to be replaced."""


class JudgeTimedOut(JudgeFailed):
    """The warm judge took a check and did not answer within the check's budget."""


def _line(request: dict) -> bytes:
    # The leading newline ends whatever partial line other code may have written into the judge's
    # input, so that a request always starts a line of its own (the judge drops the other line).
    return b"\n" + json.dumps(request).encode() + b"\n"


def _pid(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def environment_key() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k in ENVIRONMENT or k.startswith(ENVIRONMENT_PREFIX)))


class WarmJudge:
    """One warm judge process, as the kernel sees it: start, check, kill."""

    def __init__(self, python: str | None = None) -> None:
        self.python = python or sys.executable
        self.proc: subprocess.Popen | None = None
        self.folder = ""  # private (0700): the judge's cwd, TMPDIR and log
        self.ready = False  # it said it has imported everything and its zygote answers
        self.zygote = 0  # pid of its zygote (from its "ready" line)
        self.last_worker = 0  # pid of the worker forked for the last check
        self.checks = 0  # checks it answered
        self.replacement = False  # started because the one before it failed
        self.environment = environment_key()
        self._buffer = bytearray()

    @property
    def pid(self) -> int:
        return self.proc.pid if self.proc is not None else 0

    def start(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="prep-warm-judge-")  # mkdtemp: 0700, this user only
        with open(os.path.join(self.folder, "judge.log"), "wb") as log:
            # -I: the kernel's folder and PYTHON* variables never shape the judge's imports. Its own
            # session: a Ctrl-C meant for a terminal kernel does not reach it (the kernel ends it).
            self.proc = subprocess.Popen(
                [self.python, "-I", "-m", "grader.jupyter.judge", "--serve", "--parent", str(os.getpid())],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, cwd=self.folder,
                env=dict(os.environ, TMPDIR=self.folder), start_new_session=True)
        assert self.proc.stdin is not None
        os.set_blocking(self.proc.stdin.fileno(), False)  # writes give up at their deadline

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # ------------------------------------------------------------ the pipes

    def _write(self, data: bytes, deadline: float) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        fd = self.proc.stdin.fileno()
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise JudgeFailed("did not take the request (its input is full)")
            try:  # learner code may have closed or replaced the kernel's end of the pipe: then it is broken
                if not select.select([], [fd], [], left)[1]:
                    continue
                view = view[os.write(fd, view):]
            except BlockingIOError:
                continue
            except (OSError, ValueError):
                raise JudgeFailed(self._ended()) from None

    def _read_message(self, deadline: float, *, timed_out: type[JudgeFailed] = JudgeFailed) -> dict:
        """The next JSON object the judge sent (its "ready" line is noted and skipped)."""
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[:end + 1]
                try:
                    message = json.loads(line)
                except ValueError:
                    continue  # not our judge's: whatever wrote it, it is no reply
                if not isinstance(message, dict):
                    continue
                if message.get("ready"):
                    self.ready = True
                    self.zygote = _pid(message.get("zygote"))
                    continue
                return message
            if len(self._buffer) > MAX_REPLY:
                raise JudgeFailed("sent more than any reply holds")
            left = deadline - time.monotonic()
            if left <= 0:
                raise timed_out("did not answer in time")
            try:
                if not select.select([fd], [], [], left)[0]:
                    continue
                chunk = os.read(fd, 1 << 16)
            except BlockingIOError:
                continue
            except (OSError, ValueError):
                chunk = b""
            if not chunk:
                raise JudgeFailed(self._ended())
            self._buffer += chunk

    def _await(self, rid: str, deadline: float, *, timed_out: type[JudgeFailed] = JudgeFailed) -> dict:
        while True:
            message = self._read_message(deadline, timed_out=timed_out)
            if message.get("id") == rid:  # anything else answers an earlier request, or nobody's
                return message

    def _ended(self) -> str:
        code = self.proc.poll() if self.proc is not None else None
        if code is None and self.proc is not None:
            try:
                code = self.proc.wait(1.0)
            except subprocess.TimeoutExpired:
                return "closed its pipes"
        how = f"was killed by signal {-code}" if code is not None and code < 0 else f"ended (exit status {code})"
        tail = self.log_tail()
        return f"{how}{': ' + tail if tail else ''}"

    def log_tail(self) -> str:
        try:
            with open(os.path.join(self.folder, "judge.log"), "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - 2000))
                lines = f.read().decode("utf-8", "replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1][:300] if lines else ""

    # ------------------------------------------------------------ requests

    def request(self, message: dict, *, deadline: float) -> dict:
        """Send one request and wait for its reply (tests and ``ping`` use it)."""
        rid = secrets.token_hex(8)
        self._write(_line({**message, "id": rid}), deadline)
        return self._await(rid, deadline)

    def wait_ready(self, timeout_s: float = judge.OVERHEAD_S) -> dict:
        """Wait until the judge answers (after its start-up); its pids."""
        return self.request({"op": "ping"}, deadline=time.monotonic() + timeout_s)

    def check(self, exercise_id: str, answers: dict[str, str], *, seed: int | None, record_as: str, record: bool,
              timeout_s: float, added: list[tuple[str, str]] = ()) -> Any:
        """Grade answer-cell sources; raises JudgeFailed (replace the judge) or api.PrepError (the learner's)."""
        started = time.monotonic()
        deadline = started + timeout_s
        rid = secrets.token_hex(8)
        request = {"id": rid, "op": "check", "exercise": exercise_id, "answers": answers, "seed": seed,
                   "record_as": record_as, "record": record, "added": [list(cell) for cell in added]}
        # An idle judge acknowledges at once; one still starting up does after its imports.
        acknowledge_by = min(deadline, started + (ACK_S if self.ready else judge.OVERHEAD_S))
        self._write(_line(request), acknowledge_by)
        if not self._await(rid, acknowledge_by).get("accepted"):
            raise JudgeFailed("did not accept the check")
        reply = self._await(rid, deadline, timed_out=JudgeTimedOut)
        if "error" in reply:
            raise api.PrepError(str(reply["error"]))
        try:
            result = judge.result_from_json(reply["result"])
        except (KeyError, TypeError, ValueError, AttributeError):
            raise JudgeFailed("sent a reply that is not a result") from None
        self.last_worker = _pid(reply.get("worker"))
        self.checks += 1
        return result

    # ------------------------------------------------------------ the end

    def close(self, wait_s: float = 1.0) -> None:
        """End the judge: the end of its input ends it (its zygote follows); killed if it lingers or
        is still starting (it reads its input only once it is ready)."""
        if self.proc is not None and not self.ready:
            self.kill()
        if self.proc is not None:
            for stream in (self.proc.stdin, self.proc.stdout):
                try:
                    stream.close()  # type: ignore[union-attr]
                except OSError:
                    pass
            try:
                self.proc.wait(wait_s)
            except subprocess.TimeoutExpired:
                self.kill()
        self._forget()

    def kill(self) -> None:
        """Kill the judge now; its zygote sees its socket close, kills the worker and exits."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: the judge alone
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout):
                try:
                    stream.close()  # type: ignore[union-attr]
                except OSError:
                    pass
        self._forget()

    def _forget(self) -> None:
        self.proc = None
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = ""


# ---------------------------------------------------------------- the kernel's session


class _Session:
    judge: WarmJudge | None = None
    given_up = False  # a replacement failed before its first check: checks stay cold from then on
    exit_hook = False


_session = _Session()


def _main_thread() -> bool:
    # PR_SET_PDEATHSIG fires when the *thread* that started the judge ends: a judge started from a
    # passing thread would die with it. Kernels run cells in their main thread.
    return threading.current_thread() is threading.main_thread()


def start_session() -> None:
    """Start the warm judge (``%load_ext prep``, and the check cell that loads it again); a running one is kept."""
    if not _main_thread() or _session.given_up:
        return
    if _session.judge is not None and _session.judge.alive() and _session.judge.environment == environment_key():
        return
    _replace_judge()
    if not _session.exit_hook:
        atexit.register(end_session)  # a kernel that exits normally ends its judge at once
        _session.exit_hook = True


def end_session() -> None:
    """End the warm judge (``%unload_ext prep``, the kernel exiting)."""
    if _session.judge is not None:
        _session.judge.close()
        _session.judge = None
    _session.given_up = False


def current() -> WarmJudge | None:
    """The session's warm judge, if one is running."""
    return _session.judge


def _replace_judge(*, after_failure: bool = False) -> None:
    if _session.judge is not None:
        _session.judge.kill()
        _session.judge = None
    warm = WarmJudge()
    warm.replacement = after_failure
    try:
        warm.start()
    except OSError:
        return
    _session.judge = warm


def run(exercise_id: str, answers: dict[str, str], *, seed: int | None = None, record_as: str = "",
        record: bool = True, added: list[tuple[str, str]] = ()) -> tuple[Any, str]:
    """Grade answer-cell sources with the session's warm judge, else the cold way (``judge.run``). ``added``: the
    cells the learner ran besides the exercise's (sources.added_cells), never graded, named in messages only.

    Returns the Result and a note: empty, or one line saying why this check ran the cold way.
    """
    ex = api.get_exercise(exercise_id)
    budget = float(ex.limits.get("wall_s", 120)) + judge.OVERHEAD_S
    if _session.judge is not None and _main_thread() and _session.judge.environment != environment_key():
        _replace_judge()  # started under other PREP_* settings: it would grade or record elsewhere
    warm = _session.judge
    if warm is None or not _main_thread():
        return judge.run(ex.id, answers, seed=seed, record_as=record_as, record=record, added=added), ""
    started = time.monotonic()
    try:
        return warm.check(ex.id, answers, seed=seed, record_as=record_as, record=record, timeout_s=budget,
                          added=added), ""
    except KeyboardInterrupt:  # the interrupt button: end the check's worker with its judge, start another
        _replace_judge()
        raise
    except JudgeFailed as e:
        why = f"prep's warm judge {e}"
        if warm.replacement and warm.checks == 0:  # a replacement failed at once: stop paying for it
            warm.kill()
            _session.judge = None
            _session.given_up = True
            note = f"{why}; checks run in a fresh judge process until the kernel restarts"
        else:
            _replace_judge(after_failure=True)
            note = f"{why}; a new one is starting, and this check ran in a fresh judge process"
        if isinstance(e, JudgeTimedOut):  # the check's budget is spent
            raise api.PrepError(f"{why} within {budget:.0f} s: run the check again, "
                                f"or `prep check {ex.id} --file {ex.id}.ipynb` in a terminal") from None
    left = budget - (time.monotonic() - started)
    return judge.run(ex.id, answers, seed=seed, record_as=record_as, record=record, timeout_s=left, added=added), note
