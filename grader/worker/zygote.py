"""The zygote: a warm parent that imports torch once and forks one fresh worker per submission.

Starting a worker costs about a second, almost all of it ``import torch``. A
zygote pays that once; each fork then costs milliseconds. Each child starts
from the zygote's clean state (torch imported and warmed, no learner code ever
loaded in the zygote), becomes its own session and process group, and serves
one submission exactly as a spawned worker does.

The judge drives the zygote over a Unix socket: one JSON line per request,
with file descriptors passed alongside (SCM_RIGHTS):

* ``fork``    fds = [request pipe, reply pipe, log file]; cwd (None: a fresh private one), env,
              cpu_s, fsize_mb, memory_mb -> {"pid"}
* ``status``  pid -> {"alive", "code", "rss"}
* ``release`` pid: kill the worker's group and sweep its escaped descendants -> {"code"}

Started with ``--drop-uid N`` (inside the strong sandbox, where the zygote is root), each child
gives up root for uid N before anything else: it cannot signal the zygote, and at release every
process of uid N is killed, however it detached itself. Pids here are the zygote's own (it may
live in a PID namespace), so the judge never signals them itself.

The zygote is a child subreaper, so a daemon that escapes a worker's group is
re-parented to it and swept at ``release``. Nothing here runs learner code:
the forked child leaves this module for ``serve()`` at once.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import signal
import socket
import sys

MAX_MESSAGE = 64 * 1024
PR_SET_CHILD_SUBREAPER = 36


def _subreaper() -> None:
    if sys.platform == "linux":
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def _children() -> list[int]:
    me, found = os.getpid(), []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    if int(f.read().rsplit(b")", 1)[1].split()[1]) == me:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _pids_of_uid(uid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    found.append(int(entry))
            except OSError:
                pass
    return found


class Zygote:
    def __init__(self, sock: socket.socket, drop_uid: int | None = None) -> None:
        self.sock = sock
        self.drop_uid = drop_uid
        self.scratch: dict[int, str] = {}
        self.counter = 0
        self.live: set[int] = set()
        self.exit_codes: dict[int, int] = {}

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.exit_codes[pid] = os.waitstatus_to_exitcode(status)
            self.live.discard(pid)

    def handle(self, msg: dict, fds: list[int]) -> dict:
        op = msg.get("op")
        if op == "fork":
            return self.fork(msg, fds)
        for fd in fds:
            os.close(fd)
        pid = int(msg.get("pid", 0))
        if op == "status":
            self.reap()
            alive = pid in self.live
            return {"alive": alive, "code": self.exit_codes.get(pid), "rss": _rss(pid) if alive else 0}
        if op == "release":
            return {"code": self.release(pid)}
        return {"error": f"unknown op {op!r}"}

    def fork(self, msg: dict, fds: list[int]) -> dict:
        request_fd, reply_fd, log_fd = fds
        cwd = msg.get("cwd")
        env = dict(msg.get("env", {}))
        if cwd is None:  # a private scratch folder in the sandbox's own tmpfs
            self.counter += 1
            cwd = f"/tmp/w{self.counter}"
            os.makedirs(cwd, mode=0o700)
            if self.drop_uid is not None:
                os.chown(cwd, self.drop_uid, self.drop_uid)
            env.update(HOME=cwd, TMPDIR=cwd)
        pid = os.fork()
        if pid == 0:  # the new worker
            try:
                self.sock.close()
                os.setsid()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                if self.drop_uid is not None:
                    os.setgroups([])
                    os.setgid(self.drop_uid)
                    os.setuid(self.drop_uid)  # from here on: no root, no capabilities
                os.chdir(cwd)
                os.environ.clear()
                os.environ.update(env)
                from grader.worker.__main__ import apply_limits, isolate_stdio, serve

                isolate_stdio(log_fd)
                os.close(log_fd)
                apply_limits(int(msg.get("cpu_s", 0)), int(msg.get("fsize_mb", 64)),
                             memory_mb=int(msg.get("memory_mb", 0)), nproc=int(msg.get("nproc", 0)))
                gc.unfreeze()
                serve(request_fd, reply_fd, warm=False)
            finally:
                os._exit(70)
        for fd in fds:
            os.close(fd)
        self.live.add(pid)
        if msg.get("cwd") is None:
            self.scratch[pid] = cwd
        return {"pid": pid}

    def release(self, pid: int) -> int | None:
        """Kill a worker's group and every escaped descendant; return its exit code if known."""
        for _ in range(50):
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            strays = [c for c in _children() if c not in self.live or c == pid]
            for child in strays:
                for kill in (os.killpg, os.kill):
                    try:
                        kill(child, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
                try:
                    _, status = os.waitpid(child, 0)
                    self.exit_codes[child] = os.waitstatus_to_exitcode(status)
                except ChildProcessError:
                    pass
                self.live.discard(child)
            if self.drop_uid is not None:  # whatever runs as the worker's uid is the worker's
                for other in _pids_of_uid(self.drop_uid):
                    try:
                        os.kill(other, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
                    strays.append(other)
                self.reap()
            if not strays:
                break
        self.live.discard(pid)
        folder = self.scratch.pop(pid, None)
        if folder:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
        return self.exit_codes.pop(pid, None)

    def serve_forever(self) -> None:
        buffer = b""
        while True:
            try:
                data, ancdata, _, _ = self.sock.recvmsg(MAX_MESSAGE, socket.CMSG_SPACE(16 * 4))
            except InterruptedError:
                continue
            if not data:
                break
            fds: list[int] = []
            for level, kind, payload in ancdata:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    n = len(payload) // 4
                    fds.extend(int.from_bytes(payload[i * 4:(i + 1) * 4], sys.byteorder, signed=True)
                               for i in range(n))
            buffer += data
            if not buffer.endswith(b"\n"):
                continue
            msg, buffer = json.loads(buffer), b""
            reply = self.handle(msg, fds)
            self.sock.sendall(json.dumps(reply).encode() + b"\n")
        for pid in list(self.live):
            self.release(pid)


def run_zygote(control_fd: int, drop_uid: int | None = None, preload: list[str] | None = None) -> None:
    sock = socket.socket(fileno=control_fd)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)

    import torch

    torch.set_num_threads(1)  # also keeps fork safe: no intra-op thread pool exists to be lost
    from grader.worker import __main__ as entry
    from grader.worker import runtime  # noqa: F401  (imported once, shared by every child)

    entry.warm_up()
    entry.preload(preload or [])  # heavy lazy imports (torch._dynamo: ~2 s), paid once for every child
    from grader import wire

    wire.decode(wire.encode({"t": torch.ones(2, requires_grad=True)}))  # safetensors' lazy imports, now
    _subreaper()
    gc.collect()
    gc.freeze()  # children skip scanning the zygote's objects, and pages stay shared
    Zygote(sock, drop_uid).serve_forever()
    os._exit(0)

