"""The judge's handle on a zygote: a warm worker parent that forks one fresh worker per submission.

Used where many submissions are graded by one judge (``prep grade``, the test
suite, ``prep watch``, the notebook's warm judge): each worker then costs a fork instead of a
torch import. ``prep check`` grades one file and spawns its worker directly instead.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from typing import Any

from grader.judge.session import InfraError


SHM_MB = 256  # System V shared memory and /dev/shm each worker may create inside the strong sandbox
CALL_TIMEOUT_S = 20.0  # the zygote answers in milliseconds; a stopped or wedged one must not hang the judge
IMPORT_TIMEOUT_S = 120.0  # waiting for the zygote to import torch (or a preload) on a busy machine


class WorkerPool:
    """One zygote process, optionally inside the strong sandbox; thread-safe."""

    def __init__(self, python: str = sys.executable, sandbox: Any = None, preload: tuple[str, ...] = (),
                 drop_uid: int | None = None) -> None:
        self.python = python
        self.sandbox = sandbox  # a grader.judge.sandbox.Sandbox, or None
        # Without a sandbox, as root: each worker still drops to this unprivileged uid (it cannot write
        # the judge's files, read what only root may, or signal the judge or the zygote).
        self.drop_uid = drop_uid
        self.probe_copies: dict[str, str] = {}  # host path -> a copy the dropped uid can read
        # Modules the zygote imports once, for every worker: what the exercises declare (building a
        # torch.optim optimizer imports torch._dynamo, ~1.5 s; tests/test_bank.py makes every exercise
        # that needs it declare it). Nothing more: a zygote that imports what no exercise of its batch
        # uses delays every batch.
        self.preload = tuple(sorted(set(preload)))
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._proc: subprocess.Popen | None = None
        self._started_by = 0  # the pid that started the zygote (and alone can wait for it)
        self.last_worker = 0  # the pid of the worker forked last (the zygote's pid namespace)
        self._answered = False  # whether the running zygote has answered yet (then torch is imported)

    def start(self) -> None:
        """Start the zygote now (it imports torch), instead of at the first fork."""
        with self._lock:
            self._ensure_started()

    def wait_ready(self) -> None:
        """Start the zygote if needed and wait until it answers (torch imported and warmed)."""
        self._call({"op": "status", "pid": 0})

    @property
    def zygote_pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def add_preload(self, modules: tuple[str, ...]) -> None:
        """Have the zygote import ``modules`` too (once), for every worker forked from now on.

        A long-lived pool that grades whatever exercise comes next (the notebook's warm judge,
        ``prep watch``) learns what to preload one exercise at a time, instead of importing up front
        what no exercise of the session may need."""
        missing = sorted(set(modules) - set(self.preload))
        if not missing:
            return
        self.preload = tuple(sorted({*self.preload, *missing}))  # a restarted zygote imports them at start
        self._call({"op": "preload", "modules": missing}, timeout=IMPORT_TIMEOUT_S)

    def _alive(self) -> bool:
        if self._proc is None:
            return False
        if os.getpid() == self._started_by:
            return self._proc.poll() is None
        # A process forked after the zygote started (a batch's judge) cannot wait for it: ask /proc.
        from grader import procfs

        return procfs.alive(self._proc.pid)

    def _ensure_started(self) -> None:
        if self._alive():
            return
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        argv = [self.python, "-I", "-B", "-m", "grader.worker", "--zygote", "--control-fd", str(theirs.fileno())]
        if self.preload:
            argv += ["--preload", ",".join(self.preload)]
        if self.sandbox is not None:
            if self.sandbox.drop_uid is not None:
                argv += ["--drop-uid", str(self.sandbox.drop_uid)]
            argv += ["--shm-mb", str(SHM_MB)]
            argv = self.sandbox.wrap(argv)
        elif self.drop_uid is not None:
            argv += ["--drop-uid", str(self.drop_uid)]
        try:
            self._proc = subprocess.Popen(
                argv,
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                start_new_session=True, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
                                             "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
                                             "MALLOC_MMAP_THRESHOLD_": "131072"},
            )
        except OSError as e:
            raise InfraError(f"could not start the worker pool ({e})") from e
        finally:
            theirs.close()
        self._sock = mine
        self._answered = False
        self._started_by = os.getpid()

    def _call(self, msg: dict, fds: tuple[int, ...] = (), timeout: float = CALL_TIMEOUT_S) -> dict:
        with self._lock:
            self._ensure_started()
            assert self._sock is not None
            # Until the zygote first answers it is importing torch, which takes longer on a busy machine.
            self._sock.settimeout(timeout if self._answered else max(timeout, IMPORT_TIMEOUT_S))
            try:
                data = json.dumps(msg).encode() + b"\n"
                if fds:
                    self._sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                                 b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in fds))])
                else:
                    self._sock.sendall(data)
                reply = b""
                while not reply.endswith(b"\n"):
                    chunk = self._sock.recv(65536)
                    if not chunk:
                        raise OSError("the worker pool closed its socket")
                    reply += chunk
                self._answered = True
            except OSError as e:
                self._reset()
                raise InfraError(f"the worker pool failed ({e})") from e
        return json.loads(reply)

    def visible(self, host_path: str) -> str:
        """Where a trusted file (an exercise's probes.py) is seen from inside the workers."""
        if self.sandbox is None:
            if self.drop_uid is not None:
                return self._readable_copy(host_path)
            return host_path
        try:
            return self.sandbox.visible(host_path)
        except KeyError:
            raise InfraError(f"{host_path} is not mounted in the sandbox (the batch did not declare it)") from None

    def _readable_copy(self, host_path: str) -> str:
        """A copy of a probes file that a worker running as ``drop_uid`` can read, wherever the bank is
        (its folders may be closed to other users: the hidden graders sit next to the probes)."""
        if host_path not in self.probe_copies:
            import shutil
            import tempfile

            if not self.probe_copies:
                self._probe_dir = tempfile.mkdtemp(prefix="prep-probes-")
                os.chmod(self._probe_dir, 0o711)
            copy = os.path.join(self._probe_dir, f"{len(self.probe_copies)}-{os.path.basename(host_path)}")
            shutil.copyfile(host_path, copy)
            os.chmod(copy, 0o644)
            self.probe_copies[host_path] = copy
        return self.probe_copies[host_path]

    def fork(self, *, cwd: str, env: dict[str, str], log_fd: int, cpu_s: int, fsize_mb: int,
             memory_mb: int = 0, nproc: int = 0) -> tuple[int, int, int]:
        """A new worker: returns (pid, request fd to write, reply fd to read)."""
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        msg = {"op": "fork", "cwd": None if self.sandbox is not None else cwd, "env": env, "cpu_s": cpu_s,
               "fsize_mb": fsize_mb, "memory_mb": memory_mb,
               "nproc": nproc if self.sandbox is not None or self.drop_uid is not None else 0}
        try:
            reply = self._call(msg, (req_r, rep_w, log_fd))
        except BaseException:
            for fd in (req_w, rep_r):
                os.close(fd)
            raise
        finally:
            os.close(req_r)
            os.close(rep_w)
        self.last_worker = int(reply["pid"])
        return self.last_worker, req_w, rep_r

    def status(self, pid: int) -> tuple[bool, int | None, int]:
        """(alive, exit code if ended, resident bytes) of a worker."""
        alive, code, rss, _, _ = self.status_and_delay(pid)
        return alive, code, rss

    def status_and_delay(self, pid: int) -> tuple[bool, int | None, int, float, float]:
        """status(), the seconds the worker has waited for a CPU (procfs.run_delay), and the CPU seconds its
        process tree has used (procfs.tree_cpu_seconds)."""
        reply = self._call({"op": "status", "pid": pid})
        figures = []
        for key in ("delay", "cpu"):
            try:
                figures.append(float(reply.get(key, 0.0)))
            except (TypeError, ValueError):
                figures.append(0.0)
        return bool(reply["alive"]), reply.get("code"), int(reply.get("rss", 0)), figures[0], figures[1]

    def measure(self, pid: int, *, reset: bool = False) -> dict[str, float]:
        """The kernel's figures for a worker: rss (bytes, its tree and the shared memory it created),
        peak (its own resident high-water mark since the last reset), cpu (seconds), written (bytes its
        tree wrote to files and pipes), hidden (the worker hid the peak or what it wrote)."""
        reply = self._call({"op": "measure", "pid": pid, "reset": reset})
        return {"rss": float(reply.get("rss", 0)), "peak": float(reply.get("peak", 0)),
                "cpu": float(reply.get("cpu", 0.0)), "written": float(reply.get("written", 0)),
                "hidden": reply.get("hidden") is True}

    def release(self, pid: int) -> int | None:
        """Kill the worker and anything it left behind; its exit code if it had ended."""
        return self._call({"op": "release", "pid": pid}).get("code")

    def _reset(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._proc is not None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self._proc.wait()
            self._proc = None

    def close(self) -> None:
        if self.probe_copies:
            import shutil

            shutil.rmtree(self._probe_dir, ignore_errors=True)
            self.probe_copies = {}
        with self._lock:
            if self._sock is not None:
                self._sock.close()  # the zygote releases its workers and exits
                self._sock = None
            if self._proc is not None:
                try:
                    self._proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
                self._reset()

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
