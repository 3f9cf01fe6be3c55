"""A worker process as the judge sees it: start it, ask it things, and end it for good.

The judge owns the clock and the kill switch. Every request has a deadline;
while waiting, the judge watches the worker's resident memory. A worker that
overruns either is killed with its whole process group, and then the judge
sweeps up any process that escaped the group (a daemon that called setsid):
on Linux the judge makes itself a child subreaper, so such orphans are
re-parented to it and can be found and killed.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# grader.wire imports torch; it is imported inside the methods that need it so that
# start() can spawn the worker before this process pays for its own torch import.

from grader import procfs

PR_SET_CHILD_SUBREAPER = 36


@dataclass(frozen=True)
class Limits:
    """Resource limits of one grading run; an exercise may raise or lower them."""

    wall_s: float = 120.0  # the whole run, start-up included
    call_s: float = 30.0  # one request to the worker
    memory_mb: int = 3072  # resident memory of the worker
    cpu_s: int = 300  # CPU seconds of the worker (a backstop; the wall clock usually fires first)
    fsize_mb: int = 64  # largest file the worker may write
    nproc: int = 64  # processes and threads of the worker's uid (strong sandbox only: it needs its own uid)


class WorkerDied(Exception):
    """The worker is gone: it timed out, used too much memory, or exited on its own."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status  # "timeout", "memory_limit" or "crashed"
        self.message = message


def _load_note() -> str:
    """Said after a timeout when the machine was busier than its CPUs: the deadline credits the CPU waiting it can
    measure, yet a check that is quick on its own may still have been slowed by others' work (a loaded batch, a
    laptop compiling), and the learner should hear that before rewriting code that is fine."""
    try:
        load, cpus = os.getloadavg()[0], os.cpu_count() or 1
    except (OSError, AttributeError):
        return ""
    if load <= cpus:
        return ""
    return (f" (the machine was busy meanwhile: load average {load:.1f} on {cpus} CPU{'s' if cpus > 1 else ''}; "
            "if your code is quick on its own, run the check again)")


class LearnerError(Exception):
    """Learner code raised an exception inside the worker."""

    def __init__(self, error: dict) -> None:
        # Cut to what the worker itself sends (runtime._describe_error): a forged reply's fields are up to 16 MB each,
        # and a load error's message is copied into every grader's outcome and every export (17 copies a learner).
        self.type = str(error.get("type", "Exception"))[:200]
        bases = error.get("bases")
        self.bases = tuple(str(b)[:200] for b in bases[:32]) if isinstance(bases, list) else ()
        self.message = str(error.get("message", ""))[:2000]
        self.where = str(error.get("where", ""))[:400]
        self.in_learner_code = bool(error.get("in_learner_code"))
        super().__init__(self.summary())

    def summary(self) -> str:
        text = f"{self.type}: {self.message}" if self.message else self.type
        text = f"{text} ({self.where})" if self.where else text
        if self.looks_like_a_write_outside_scratch:
            text += (" [prep runs your code in a scratch folder, its current folder, and lets it create or change "
                     "files only there: use a relative path or the tempfile module]")
        return text

    def is_a(self, type_name: str) -> bool:
        """Whether the exception is of that type or derives from it, as ``except type_name:`` would catch it (the
        names come from the worker: they say what the learner's code raised, never more)."""
        return self.type == type_name or type_name in self.bases

    @property
    def looks_like_a_write_outside_scratch(self) -> bool:
        """The worker's Landlock confinement refuses writes outside its scratch folder with EACCES ("Permission
        denied", as Python and torch.save word it)."""
        return "Permission denied" in self.message

    @property
    def looks_like_out_of_memory(self) -> bool:
        return self.type == "MemoryError" or "can't allocate memory" in self.message or "out of memory" in self.message


class InfraError(Exception):
    """prep's own machinery failed (not the learner's fault)."""


def _make_subreaper() -> None:
    if sys.platform != "linux":
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


_LIVE_WORKERS: set[int] = set()


class _Deadline:
    """A request's deadline, kept on the worker's own clock: time the worker (and the judge, whose work every round
    trip waits for) spent runnable but waiting for a CPU (procfs.run_delay: the machine busy with other work, as when a
    class is graded next to other jobs) moves it later, so a right answer is not timed out by someone else's load;
    never past STRETCH times the limit in wall time. Code that loops forever keeps the CPU and moves nothing; a
    worker that sleeps waits for no CPU.
    wire.read_frame and write_frame call it (a deadline may be a callable) and ask again once it has passed."""

    STRETCH = 4.0

    def __init__(self, session: "WorkerSession", seconds: float) -> None:
        now = time.monotonic()
        self.session, self.at, self.latest = session, now + seconds, now + self.STRETCH * seconds

    def __call__(self) -> float:
        if time.monotonic() >= self.at and self.at < self.latest:
            self.session._watch(force=True)
            self.at = min(self.at + self.session._uncredited_delay(), self.latest)
        return self.at


@dataclass
class WorkerSession:
    """One worker process, used for one submission."""

    limits: Limits = field(default_factory=Limits)
    python: str = sys.executable
    pool: Any = None  # a grader.judge.pool.WorkerPool to fork from, or None to spawn
    preload: tuple[str, ...] = ()  # modules a spawned worker imports right after torch
    process: subprocess.Popen | None = None
    pid: int = 0
    log_path: Path | None = None
    died: WorkerDied | None = None
    _request_fd: int = -1
    _reply_fd: int = -1
    _scratch: tempfile.TemporaryDirectory | None = None
    _started_at: float = 0.0
    _ledger: Any = None  # procfs.SharedMemoryLedger: what the worker created in the host's shared memory
    _last_rss_check: float = 0.0
    _run_delay: float = 0.0  # the worker's time waiting for a CPU, and the judge's since the start (see _Deadline)
    _judge_delay_at_start: float = 0.0
    _credited: float = 0.0  # the part of it already added to deadlines
    _children_before: frozenset[int] = frozenset()
    reply_bytes: int = 0  # what the judge has read from the reply pipe (the worker's writes that are not parked data)

    # ------------------------------------------------------------ life cycle

    def start(self) -> None:
        """Start the worker: spawned (it imports torch while the judge does too), or forked from a pool."""
        _make_subreaper()
        # Children this process already had are not ours to sweep (a resource tracker, a server...).
        self._children_before = frozenset(procfs.children(os.getpid()))
        self._ledger = procfs.SharedMemoryLedger(os.getuid(), time.time())
        self._scratch = tempfile.TemporaryDirectory(prefix="prep-worker-")
        scratch = Path(self._scratch.name)
        self.log_path = scratch / "output.log"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(scratch),
            "TMPDIR": str(scratch),
            "LANG": "C.UTF-8",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            # A fixed mmap threshold: glibc otherwise raises it after each large free, and tensors freed
            # later stay resident in the heap, which would blur the judge's memory measurements.
            "MALLOC_MMAP_THRESHOLD_": "131072",
        }
        for passthrough in ("CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
            if passthrough in os.environ:
                env[passthrough] = os.environ[passthrough]
        with open(self.log_path, "wb") as log:
            if self.pool is not None:
                self.pid, self._request_fd, self._reply_fd = self.pool.fork(
                    cwd=str(scratch), env=env, log_fd=log.fileno(), cpu_s=self.limits.cpu_s,
                    fsize_mb=self.limits.fsize_mb, memory_mb=self.limits.memory_mb, nproc=self.limits.nproc)
            else:
                self._spawn(scratch, env, log)
        self._started_at = time.monotonic()
        self._judge_delay_at_start = procfs.run_delay(os.getpid())
        _LIVE_WORKERS.add(self.pid)

    def _spawn(self, scratch: Path, env: dict[str, str], log: Any) -> None:
        reply_r, reply_w = os.pipe()
        args = [self.python, "-I", "-B", "-m", "grader.worker", "--reply-fd", str(reply_w),
                "--cpu-s", str(self.limits.cpu_s), "--fsize-mb", str(self.limits.fsize_mb),
                "--memory-mb", str(self.limits.memory_mb)]
        if self.preload:
            args += ["--preload", ",".join(self.preload)]
        try:
            self.process = subprocess.Popen(
                args, stdin=subprocess.PIPE, stdout=log, stderr=log, pass_fds=(reply_w,),
                cwd=scratch, env=env, start_new_session=True, close_fds=True,
            )
        except OSError as e:
            os.close(reply_r)
            raise InfraError(f"could not start the worker ({e})") from e
        finally:
            os.close(reply_w)
        assert self.process.stdin is not None
        self._request_fd = self.process.stdin.fileno()
        self._reply_fd = reply_r
        self.pid = self.process.pid

    def wait_ready(self) -> dict:
        """Wait for the worker's hello (torch imported)."""
        reply = self._read_reply(time.monotonic() + max(self.limits.call_s, 60.0))
        return reply

    def _exit_code(self, wait_s: float) -> int | None:
        """The worker's exit code if it has ended (waiting up to wait_s), else None."""
        deadline = time.monotonic() + wait_s
        while True:
            if self.process is not None:
                code = self.process.poll()
            elif self.pool is not None and self.pid:
                try:
                    alive, code, _ = self.pool.status(self.pid)
                except InfraError:
                    alive, code = (False if self.pool.sandbox is not None else procfs.alive(self.pid)), None
                if not alive:
                    return -signal.SIGKILL if code is None else code  # gone, its status unknown: assume killed
                code = None
            else:
                return None
            if code is not None or time.monotonic() >= deadline:
                return code
            time.sleep(0.01)

    def close(self) -> None:
        """End the worker and everything it started; safe to call twice."""
        if not self.pid:
            return
        # No graceful shutdown: the worker holds nothing worth saving, and killing its whole group
        # (and sweeping what escaped it) is what must happen in every case anyway.
        self._kill_everything()
        # In spawn mode the request fd belongs to process.stdin: close it only through that object.
        own_fds = [self._reply_fd] + ([self._request_fd] if self.process is None else [])
        for fd in own_fds:
            try:
                os.close(fd)
            except OSError:
                pass
        if self.process is not None and self.process.stdin:
            try:
                self.process.stdin.close()
            except OSError:
                pass
        _LIVE_WORKERS.discard(self.pid)
        self.pid = 0
        if self._scratch is not None:
            # the worker's own folder, nested as deep as it liked: TemporaryDirectory's rmtree recurses once per level
            procfs.remove_tree(self._scratch.name)
            try:
                self._scratch.cleanup()
            except (OSError, RecursionError):  # what could not be removed stays; the check still reports
                pass
            self._scratch = None

    def __enter__(self) -> "WorkerSession":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------ requests

    def request(self, tree: dict, *, timeout: float | None = None, place: Any = None) -> Any:
        """Send one request and return the value it answers, or raise LearnerError / WorkerDied."""
        if self.died is not None:
            raise self.died
        if not self.pid:
            raise InfraError("the worker was never started")
        budget_left = self._budget_left()
        if budget_left <= 0:
            self._die("timeout", f"your code used up the exercise's {self.limits.wall_s:g} s time budget before "
                                 "grading finished; it was stopped")
        call_timeout = min(timeout or self.limits.call_s, budget_left)
        deadline = _Deadline(self, call_timeout)
        from grader import wire

        try:
            wire.write_frame(self._request_fd, wire.encode(tree), deadline=deadline)
        except wire.FrameTimeout:
            self._die("timeout", f"your code stopped reading requests; it was stopped after {self._elapsed_limit_text()}")
        except (BrokenPipeError, OSError):
            self._die("crashed", self._exit_message())
        return self._read_reply(deadline, place=place)

    def measure(self, *, reset: bool = False) -> dict[str, float]:
        """The kernel's figures for the worker, read from outside it: ``rss`` (bytes held now by its
        process tree, plus the shared memory and scratch files it created), ``peak`` (its resident
        high-water mark since the last ``reset``), ``cpu`` (seconds), ``written`` (bytes its tree wrote to
        files and pipes) and ``replies`` (bytes the judge read from it). Learner code cannot rewrite them;
        it can only hide some of them (a non-dumpable process): then ``hidden`` is True."""
        if self.died is not None:
            raise self.died
        if self.pool is not None:
            try:
                figures = self.pool.measure(self.pid, reset=reset)
            except InfraError as e:
                raise InfraError(f"could not measure the worker ({e})") from None
            figures["replies"] = float(self.reply_bytes)
            return figures
        tree = self._tree()
        written = procfs.written_unless_hidden(self.pid, tree, reset=reset)  # None: Learner.measure fails the grader
        return {"rss": float(self._memory_in_use(tree)), "peak": float(procfs.peak_rss(self.pid)),
                "cpu": procfs.cpu_seconds(self.pid), "written": float(written or 0),
                "replies": float(self.reply_bytes), "hidden": written is None}

    def _tree(self) -> set[int]:
        return {self.pid, *procfs.descendants(self.pid)}

    def _memory_in_use(self, tree: set[int] | None = None) -> int:
        tree = self._tree() if tree is None else tree
        used = sum(procfs.held(p) for p in tree) + self._ledger.bytes(tree) + procfs.hidden_file_bytes(tree)
        if self._scratch is not None:
            used += procfs.folder_bytes(self._scratch.name)
        return used

    def _read_reply(self, deadline: "wire.Deadline", place: Any = None) -> Any:
        from grader import wire

        try:
            body = wire.read_frame(self._reply_fd, deadline=deadline, on_wait=self._watch)
            self.reply_bytes += len(body) + wire.HEADER_BYTES
            reply = wire.decode(body, place=place)
        except wire.FrameTimeout:
            self._die("timeout", f"your code was still running after {self._elapsed_limit_text()}; it was stopped")
        except wire.PeerClosed:
            self._die("crashed", self._exit_message())
        except wire.WireError as e:
            self._die("crashed", f"the worker sent a malformed reply ({e}); it was stopped")
        except (WorkerDied, InfraError):  # the memory limit, enforced while waiting; prep's own pool failing
            raise
        except Exception as e:  # anything else a reply provokes while it is decoded and placed (a tensor on a device
            # this torch cannot load: ModuleNotFoundError): learner code can write any frame to this pipe, so it is the
            # learner's failure, never prep's, and never an exception that escapes grade()
            self._die("crashed", f"the worker sent a reply the judge could not read ({type(e).__name__}: "
                                 f"{str(e)[:200]}); it was stopped")
        if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
            self._die("crashed", "the worker sent a reply that is not in the protocol; it was stopped")
        if not reply["ok"]:
            err = reply.get("error") if isinstance(reply.get("error"), dict) else {}
            error = LearnerError(err)
            if error.looks_like_out_of_memory:
                self._die("memory_limit", f"your code ran out of memory ({error.summary()})")
            raise error
        return reply.get("value")

    def _budget_left(self) -> float:
        """Seconds left of the run's budget (``wall_s``): wall time less the CPU waiting credited so far. When little
        is left, the waiting not yet credited counts first: a run of quick calls on a loaded machine never passes a
        call's deadline (where waiting is credited), yet spends the budget waiting for CPUs (a right answer timed
        out at a load of 18 on 2 cores). Never past STRETCH times the budget in wall time."""
        elapsed = time.monotonic() - self._started_at
        left = self.limits.wall_s - (elapsed - self._credited)
        if left < self.limits.call_s:
            self._watch(force=True)
            self._uncredited_delay()
            left = self.limits.wall_s - (elapsed - self._credited)
        return min(left, _Deadline.STRETCH * self.limits.wall_s - elapsed)

    def _uncredited_delay(self) -> float:
        """The worker's CPU waiting not yet added to a deadline, now counted as added."""
        extra = max(self._run_delay - self._credited, 0.0)
        self._credited += extra
        return extra

    def _elapsed_limit_text(self) -> str:
        elapsed = time.monotonic() - self._started_at - self._credited
        if elapsed >= self.limits.wall_s - 0.05:
            return f"the exercise's {self.limits.wall_s:g} s time budget"
        return f"the {self.limits.call_s:g} s limit for one check"

    def _watch(self, force: bool = False) -> None:
        """Called while waiting on the worker: enforce the memory limit (and read its CPU waiting, for _Deadline)."""
        now = time.monotonic()
        if not self.pid or (now - self._last_rss_check < 0.05 and not force):
            return
        self._last_rss_check = now
        if self.pool is not None:  # its pid may be in another PID namespace: ask the zygote
            try:
                _, _, rss, worker_delay, worker_cpu = self.pool.status_and_delay(self.pid)
            except InfraError:
                return
        else:
            tree = self._tree()
            rss = self._memory_in_use(tree)
            worker_delay, worker_cpu = procfs.run_delay(self.pid), procfs.tree_cpu_seconds(tree)
        # The judge's own waits for a CPU stretch a check as much as the worker's (each round trip needs both, and on
        # a loaded machine each waits its turn): both are someone else's load, never the learner's code running.
        waited = worker_delay + max(procfs.run_delay(os.getpid()) - self._judge_delay_at_start, 0.0)
        # ... unless the learner's own processes caused the wait: busy children or threads that crowd out its main
        # thread (and the judge) would stretch its own deadline. A worker that was starved by others had less than
        # one CPU: its tree's CPU time stays below the wall time, and only the rest can have been someone else's.
        self._run_delay = min(waited, max(now - self._started_at - worker_cpu, 0.0))
        if rss > self.limits.memory_mb << 20:
            self._die("memory_limit", f"your code used {rss >> 20} MB of memory (its processes, shared memory and "
                                      f"files), over the {self.limits.memory_mb} MB limit")

    def _exit_message(self) -> str:
        code = self._exit_code(1.0)
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            if -code == signal.SIGXCPU:
                return f"your code used more than {self.limits.cpu_s} s of CPU time and was stopped"
            return f"your code's process was killed by {name}"
        return f"your code ended the process (exit status {code}) before grading finished"

    def _die(self, status: str, message: str) -> None:
        if status == "timeout":
            message += _load_note()
        self.died = WorkerDied(status, message)
        self._kill_everything()
        raise self.died

    def _kill_everything(self) -> None:
        """Kill the worker's group, then any escaped descendant (re-parented to us or to the pool)."""
        if not self.pid:
            return
        if self.pool is not None:
            try:
                self.pool.release(self.pid)
                return
            except InfraError:
                # The zygote itself is gone (learner code may kill it). In the sandbox its death took
                # the whole PID namespace with it; outside, kill the worker's group from here.
                if self.pool.sandbox is not None:
                    return
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.process is not None:
            try:
                self.process.wait(timeout=5.0)
            except subprocess.TimeoutExpired:
                pass
        sweep_orphans(exclude=(_LIVE_WORKERS - {self.pid}) | self._children_before)
        # System V segments and /dev/shm files outlive the processes that made them
        if self._ledger is not None:
            self._ledger.clean()

    def output_tail(self, limit: int = 2000) -> str:
        """The end of what learner code printed (for diagnostics only; never scored)."""
        if not self.log_path or not self.log_path.exists():
            return ""
        with open(self.log_path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - limit))
            return f.read().decode("utf-8", "replace")


def sweep_orphans(exclude: frozenset[int] | set[int] = frozenset(), rounds: int = 50) -> int:
    """Kill children of this process that are not excluded: daemons that escaped a worker's group
    and were re-parented to us (we are a child subreaper).

    Returns how many were killed. Loops because a daemon may fork while we sweep.
    """
    me = os.getpid()
    killed = 0
    for _ in range(rounds):
        strays = [pid for pid in procfs.children(me) if pid not in exclude]
        if not strays:
            break
        for pid in strays:
            for kill in (lambda p: os.killpg(p, signal.SIGKILL), lambda p: os.kill(p, signal.SIGKILL)):
                try:
                    kill(pid)
                except (ProcessLookupError, PermissionError):
                    pass
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
            killed += 1
    return killed
