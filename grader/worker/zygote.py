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
* ``status``  pid -> {"alive", "code", "rss"}: rss counts the worker's whole process tree and the
              shared memory and scratch files it created
* ``measure`` pid, reset -> {"rss", "peak", "cpu", "written"}: the kernel's figures for the worker (peak since
              the last reset), which learner code cannot rewrite
* ``release`` pid: kill the worker's group, sweep its escaped descendants, and remove the System V
              IPC objects, /dev/shm files and scratch folder it left -> {"code"}
* ``preload`` modules: import them here too, for every worker forked from now on -> {} (a long-lived
              pool learns what its exercises declare one exercise at a time)

Inside the strong sandbox (the zygote is root there) each worker also gets its own IPC and mount
namespaces before it drops root: a fresh, size-capped /dev/shm and a System V shared memory cap,
both gone with the worker's last process.

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
import importlib
import json
import os
import signal
import socket
import sys
import time

from grader import procfs

MAX_MESSAGE = 64 * 1024
PR_SET_CHILD_SUBREAPER = 36
CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
MS_REC, MS_PRIVATE = 0x4000, 1 << 18


def _subreaper() -> None:
    if sys.platform == "linux":
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def _private_namespaces(shm_mb: int) -> bool:
    """In a freshly forked worker, still root: its own IPC namespace (System V objects capped at
    shm_mb and destroyed with it) and mount namespace (a private /dev/shm tmpfs of shm_mb)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWIPC | CLONE_NEWNS) != 0:
        return False
    pages = max(1, (shm_mb << 20) // procfs.PAGE)
    try:
        for name, value in (("shmall", pages), ("shmmax", shm_mb << 20), ("shmmni", 64), ("msgmni", 16)):
            with open(f"/proc/sys/kernel/{name}", "w") as f:
                f.write(str(value))
    except OSError:
        return False
    libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None)
    return libc.mount(b"tmpfs", b"/dev/shm", b"tmpfs", 0, f"size={shm_mb}m,mode=1777".encode()) == 0


def _private_shared_memory(pid: int) -> int:
    """The shared memory a worker holds in its own namespaces (see _private_namespaces): its private
    /dev/shm tmpfs, and the System V segments of its IPC namespace, read by entering that namespace
    for a moment (the zygote is root there) and coming back."""
    used = 0
    private_shm = f"/proc/{pid}/root/dev/shm"
    try:
        if os.stat(private_shm).st_dev != os.stat("/dev/shm").st_dev:
            used += procfs.tmpfs_used(private_shm)
    except OSError:
        return 0
    try:
        theirs = os.open(f"/proc/{pid}/ns/ipc", os.O_RDONLY)
    except OSError:
        return used
    mine = os.open("/proc/self/ns/ipc", os.O_RDONLY)
    libc = ctypes.CDLL(None, use_errno=True)
    try:
        if os.fstat(theirs).st_ino != os.fstat(mine).st_ino and libc.setns(theirs, CLONE_NEWIPC) == 0:
            try:
                used += sum(o.resident for o in procfs.sysv_objects(("shm",)))
            finally:
                libc.setns(mine, CLONE_NEWIPC)
    finally:
        os.close(theirs)
        os.close(mine)
    return used


class Zygote:
    def __init__(self, sock: socket.socket, drop_uid: int | None = None, shm_mb: int = 0) -> None:
        self.sock = sock
        self.drop_uid = drop_uid
        self.shm_mb = shm_mb
        self.scratch: dict[int, str] = {}
        self.tmp_baseline: dict[int, int] = {}  # bytes in use on /tmp when each sandboxed worker was forked
        self.started: dict[int, float] = {}  # when each worker was forked (time.time())
        self.ledgers: dict[int, procfs.SharedMemoryLedger] = {}
        self.counter = 0
        self.live: set[int] = set()
        self.exit_codes: dict[int, int] = {}
        self.worker_uid = drop_uid if drop_uid is not None else os.getuid()

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
            tree = self.tree(pid) if alive else set()
            return {"alive": alive, "code": self.exit_codes.get(pid), "rss": self.memory(pid, tree) if alive else 0,
                    "delay": procfs.run_delay(pid) if alive else 0.0, "cpu": procfs.tree_cpu_seconds(tree)}
        if op == "measure":
            self.reap()
            # None: the worker hid its peak or what it wrote, and the judge fails the measurement
            written = procfs.written_unless_hidden(pid, {pid, *procfs.descendants(pid)}, reset=bool(msg.get("reset")))
            return {"rss": self.memory(pid), "peak": procfs.peak_rss(pid), "cpu": procfs.cpu_seconds(pid),
                    "written": written or 0, "hidden": written is None}
        if op == "release":
            return {"code": self.release(pid)}
        if op == "preload":
            from grader.worker import process

            process.preload([str(m) for m in msg.get("modules", [])])
            _freeze_heap()
            return {}
        return {"error": f"unknown op {op!r}"}

    def fork(self, msg: dict, fds: list[int]) -> dict:
        request_fd, reply_fd, log_fd = fds
        cwd = msg.get("cwd")
        env = dict(msg.get("env", {}))
        if cwd is None:  # a private scratch folder in the sandbox's own tmpfs
            self.counter += 1
            cwd = f"/tmp/w{self.counter}"
            os.makedirs(cwd, mode=0o700)
            env.update(HOME=cwd, TMPDIR=cwd)
        if self.drop_uid is not None:  # the worker's own scratch, whoever made it
            os.chown(cwd, self.drop_uid, self.drop_uid)
        started = time.time()
        pid = os.fork()
        if pid == 0:  # the new worker
            try:
                self.sock.close()
                os.setsid()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                if self.shm_mb and os.geteuid() == 0:
                    _private_namespaces(self.shm_mb)
                if self.drop_uid is not None:
                    os.setgroups([])
                    os.setgid(self.drop_uid)
                    os.setuid(self.drop_uid)  # from here on: no root, no capabilities
                os.chdir(cwd)
                os.environ.clear()
                os.environ.update(env)
                import tempfile

                tempfile.tempdir = None  # the zygote's cached choice (/tmp) would outlive the new TMPDIR: its scratch
                from grader.worker.process import apply_limits, isolate_stdio, serve

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
        self.started[pid] = started
        self.ledgers[pid] = procfs.SharedMemoryLedger(self.worker_uid, started)
        if msg.get("cwd") is None:
            self.scratch[pid] = cwd
            # the sandbox's /tmp is the slot's own tmpfs: what grows there beyond the scratch folder (files
            # written anywhere in /tmp and closed) is this worker's too
            self.tmp_baseline[pid] = procfs.tmpfs_used("/tmp")
        return {"pid": pid}

    def tree(self, pid: int) -> set[int]:
        """The worker and every process it started, escaped ones included where it runs as its own uid."""
        tree = {pid, *procfs.descendants(pid)}
        if self.drop_uid is not None:  # its escaped processes run as its uid
            tree |= set(procfs.pids_of_uid(self.drop_uid))
        return tree

    def memory(self, pid: int, tree: set[int] | None = None) -> int:
        """What the worker holds: its process tree's resident memory, and the shared memory and
        scratch files it created (tmpfs pages are memory too)."""
        tree = self.tree(pid) if tree is None else tree
        used = sum(procfs.held(p) for p in tree) + procfs.hidden_file_bytes(tree)
        ledger = self.ledgers.get(pid)
        if ledger is not None:
            used += ledger.bytes(tree)
        if self.shm_mb:
            used += _private_shared_memory(pid)
        folder = self.scratch.get(pid)
        if folder:
            grown = procfs.tmpfs_used("/tmp") - self.tmp_baseline.get(pid, 0)
            used += max(procfs.folder_bytes(folder), grown)
        return used

    def release(self, pid: int) -> int | None:
        """Kill a worker's group and every escaped descendant; return its exit code if known.

        Another live worker of this zygote (``learner.fresh()`` runs a second one beside the graders' worker, under
        the same uid) is spared, with its process group and its scratch folder: the sweep by uid below is for what
        escaped this worker's group, never for its sibling."""
        siblings = self.live - {pid}
        sibling_scratch = {self.scratch[s] for s in siblings if s in self.scratch}
        started = self.started.get(pid, 0.0)
        for _ in range(50):
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            strays = [c for c in procfs.children(os.getpid()) if c not in self.live or c == pid]
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
                for other in procfs.pids_of_uid(self.drop_uid):
                    if siblings and _group_of(other) in siblings:
                        continue
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
        self.tmp_baseline.pop(pid, None)
        self.started.pop(pid, None)
        if folder:
            procfs.remove_tree(folder)  # however deep the worker nested it (shutil.rmtree recurses once per level)
            if self.drop_uid is not None:  # what it wrote elsewhere in the slot's /tmp goes too
                for entry in os.scandir("/tmp"):
                    if entry.path in sibling_scratch:
                        continue
                    try:
                        info = entry.stat(follow_symlinks=False)
                        # with a sibling alive, only what appeared since this worker started is this worker's
                        if info.st_uid == self.drop_uid and (not siblings or info.st_ctime >= started - 1):
                            (procfs.remove_tree(entry.path) if entry.is_dir(follow_symlinks=False)
                             else os.unlink(entry.path))
                    except OSError:
                        pass
        # System V objects and /dev/shm files it created outlive it unless removed (in a private IPC
        # namespace they are gone already; this covers the shared one).
        ledger = self.ledgers.pop(pid, None)
        if ledger is not None:
            ledger.clean()
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


def _group_of(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


def _freeze_heap() -> None:
    gc.collect()
    gc.freeze()  # children skip scanning the zygote's objects, and pages stay shared


# What probes import from prep. A child that drops its uid may no longer read prep's files (a venv inside a folder
# only root can enter, as pytest's and many home folders are), so the zygote imports them once, like the runtime;
# tests/test_worker_probes.py keeps every probes.py to this list.
PROBE_MODULES = ("grader.drawn", "grader.drive", "grader.wire")


def run_zygote(control_fd: int, drop_uid: int | None = None, preload: list[str] | None = None,
               shm_mb: int = 0) -> None:
    sock = socket.socket(fileno=control_fd)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)

    import torch

    from grader.worker import process
    from grader.worker import runtime  # noqa: F401  (imported once, shared by every child)
    from grader.worker import seal  # noqa: F401
    for name in PROBE_MODULES:  # before any child drops its uid (see PROBE_MODULES)
        importlib.import_module(name)

    process.numerics_defaults()  # one thread also keeps fork safe: no intra-op pool exists to be lost
    process.warm_up()
    process.preload(preload or [])  # heavy lazy imports (torch._dynamo: ~2 s), paid once for every child
    from grader import wire

    wire.decode(wire.encode({"t": torch.ones(2, requires_grad=True)}))  # safetensors' lazy imports, now
    _subreaper()
    _freeze_heap()
    Zygote(sock, drop_uid, shm_mb).serve_forever()
    os._exit(0)
