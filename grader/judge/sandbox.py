"""The strong sandbox of `prep grade`: bubblewrap around each warm worker parent (zygote).

Each job slot gets its own sandbox, made of real, packaged tools:

* bubblewrap (Debian's ``bubblewrap``): new PID, network, IPC and UTS namespaces, so the slot has
  no network and its whole process tree dies with it; a new session; a read-only view of the
  system holding only what Python, torch and the worker need: the interpreter, the virtual
  environment, the ``grader`` package and the probes of the exercises being graded. Never the
  hidden graders, reference solutions, expected values, gradebook, or other learners' files;
  the submission itself arrives as text over the wire, not as a file;
* a private tmpfs for scratch, of bounded size, and a cleared environment;
* when prep runs as root: each forked worker drops to the slot's own unprivileged uid (with
  ``no_new_privs``), so it cannot signal the zygote, and rlimits on processes bind it; rlimits
  on CPU time, file size, open files and address space, and the judge's resident-memory watch.

If bubblewrap cannot run here, ``check_available`` says how to get it.
"""

from __future__ import annotations

import glob
import os
import shutil
import site
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

FIRST_SANDBOX_UID = 61000  # slot n runs its workers as uid FIRST_SANDBOX_UID + n


@dataclass(frozen=True)
class Sandbox:
    slot: int = 0
    tmpfs_mb: int = 512
    shm_mb: int = 256  # the slot's /dev/shm (each worker gets a private one of this size as root)
    probes: dict[str, str] = field(default_factory=dict)  # host path -> path inside the sandbox

    @property
    def drop_uid(self) -> int | None:
        return FIRST_SANDBOX_UID + self.slot if os.geteuid() == 0 else None

    def visible(self, host_path: str) -> str:
        return self.probes[host_path]

    def wrap(self, argv: list[str]) -> list[str]:
        """The bubblewrap command line that runs argv (the zygote) inside this sandbox."""
        bwrap = shutil.which("bwrap")
        assert bwrap, "check_available() first"
        cmd = [bwrap, "--die-with-parent", "--new-session"]
        if os.geteuid() == 0:
            # Real root: no user namespace (it would map only uid 0), keep just what the zygote
            # needs to hand each worker its own uid and to clean up after it.
            cmd += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                    "--cap-drop", "ALL"]
            # CAP_SYS_ADMIN: each forked worker gets its own IPC and mount namespaces (a capped /dev/shm and
            # System V shared memory that die with it) before it drops to its uid and loses every capability;
            # CAP_SYS_PTRACE: the zygote reads what the worker holds there (/proc/PID/ns, /proc/PID/root).
            for cap in ("CAP_SETUID", "CAP_SETGID", "CAP_KILL", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER",
                        "CAP_SYS_ADMIN", "CAP_SYS_PTRACE"):
                cmd += ["--cap-add", cap]
        else:
            cmd += ["--unshare-all", "--cap-drop", "ALL"]
        # The scratch tmpfs first: binds below may live under /tmp (a checkout there) and must stay visible.
        cmd += ["--size", str(self.tmpfs_mb << 20), "--tmpfs", "/tmp"]
        cmd += ["--ro-bind", "/usr", "/usr"]
        for name in ("lib", "lib64", "bin", "sbin"):
            if os.path.islink(f"/{name}"):
                cmd += ["--symlink", os.readlink(f"/{name}"), f"/{name}"]
            elif os.path.isdir(f"/{name}"):
                cmd += ["--ro-bind", f"/{name}", f"/{name}"]
        for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime"):
            if os.path.exists(etc):
                cmd += ["--ro-bind", etc, etc]
        made: set[str] = set()
        bound = _python_paths()
        for path in bound:
            # Parents created by bwrap would copy the host's modes (/root is 0700): make them
            # traversable, so that a worker that dropped to its own uid can still import lazily.
            for parent in reversed(Path(path).parents[:-1]):
                if str(parent) not in made and str(parent) not in ("/usr",) and not str(parent).startswith("/usr/"):
                    cmd += ["--perms", "0755", "--dir", str(parent)]
                    made.add(str(parent))
            cmd += ["--ro-bind", path, path]
        # An installed wheel keeps its built-in course (hidden graders, reference solutions) inside the grader
        # package, which the worker imports from: an empty tmpfs goes over every course folder a bind exposed.
        for folder in _course_folders_inside(bound):
            cmd += ["--size", str(1 << 20), "--tmpfs", folder]
        if self.probes:
            cmd += ["--perms", "0755", "--dir", "/prep", "--perms", "0755", "--dir", "/prep/probes"]
        for host, inside in sorted(self.probes.items()):
            cmd += ["--ro-bind", host, inside]
        cmd += ["--proc", "/proc", "--dev", "/dev"]
        # A GPU stays usable inside: its device nodes (the driver's libraries are under /usr).
        for node in sorted(glob.glob("/dev/nvidia*")) + sorted(glob.glob("/dev/dri/*")):
            cmd += ["--dev-bind", node, node]
        cmd += ["--size", str(self.shm_mb << 20), "--tmpfs", "/dev/shm", "--chdir", "/tmp", "--clearenv",
                "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp", "--setenv", "LANG", "C.UTF-8",
                "--setenv", "OMP_NUM_THREADS", "1", "--setenv", "PYTHONHASHSEED", "0",
                "--setenv", "MALLOC_MMAP_THRESHOLD_", "131072", "--"]
        return cmd + argv


def _python_paths() -> list[str]:
    """What the worker needs to import: the interpreter's prefix, the venv, and the grader package only."""
    import grader

    package = str(Path(grader.__file__).resolve().parent)
    paths = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), package}
    for sp in site.getsitepackages():
        real = os.path.realpath(sp)
        if os.path.isdir(real) and not any(real.startswith(p + os.sep) for p in paths):
            paths.add(real)
    exe = os.path.realpath(sys.executable)
    if not any(exe.startswith(p + os.sep) for p in paths):
        paths.add(os.path.dirname(exe))
    # bind outer folders first, so a nested bind is not hidden by its parent's
    return sorted(paths, key=lambda p: (p.count(os.sep), p))


def _course_folders_inside(bound: list[str]) -> list[str]:
    """The exercises/ and solutions/ folders of every bank prep knows of (an installed wheel's built-in course,
    $PREP_BANK or the course in use, the checkout) that lie inside a folder bound into the sandbox."""
    from grader import bank

    roots = {bank.installed_course_root(), bank.checkout_root()}
    try:
        roots.add(bank.bank_root())
    except bank.BankNotFound:
        pass
    found = set()
    for root in roots:
        for name in ("exercises", "solutions"):
            folder = os.path.realpath(root / name)
            if os.path.isdir(folder) and any(folder == p or folder.startswith(p + os.sep) for p in bound):
                found.add(folder)
    return sorted(found)


def probes_layout(exercises: list) -> dict[str, str]:
    """Each exercise's probes.py (the worker's copy, without the judge-only functions), bound read-only at
    /prep/probes/<id>.py."""
    from grader.judge.worker_probes import worker_copy

    return {worker_copy(ex.probes_path): f"/prep/probes/{ex.id}.py" for ex in exercises if ex.probes_path}


def claim_slot(limit: int = 256) -> tuple[int, int]:
    """A sandbox slot no other judge on this machine holds: (slot, the fd of its lock).

    The slot decides the uid the sandbox's workers run as, and at release every process of that uid
    is killed: two judges (of one batch, of two batches, or Dask workers) must never share one. The
    lock (flock) is held as long as the returned fd is open, so it goes with the judge process.
    """
    import fcntl
    import tempfile

    folder = Path(tempfile.gettempdir()) / "prep-sandbox-slots"
    folder.mkdir(mode=0o755, exist_ok=True)
    for slot in range(limit):
        fd = os.open(folder / f"{slot}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        os.set_inheritable(fd, False)
        return slot, fd
    raise RuntimeError(f"all {limit} sandbox slots of this machine are taken by other judges")


_CHECKED: dict[bool, str] = {}  # import_torch -> "" (works) or the problem


def check_available(*, import_torch: bool = True) -> str | None:
    """None if the sandbox works here, else a one-line message saying how to get it.

    The probe runs Python in a sandbox and imports torch there (about as long as torch's own import).
    ``import_torch=False`` only finds torch's package from inside the sandbox (tens of milliseconds),
    for callers that confirm the import anyway before any grade counts: ``prep grade`` waits for its
    sandboxed zygotes, which import torch while the coordinator does, and reports a failure there.
    """
    if _CHECKED.get(import_torch) is not None:
        return _CHECKED[import_torch] or None
    problem = ""
    if sys.platform != "linux":
        problem = "the strong sandbox needs Linux (bubblewrap)"
    elif shutil.which("bwrap") is None:
        problem = ("bubblewrap is not installed: install it (Debian/Ubuntu: `apt-get install bubblewrap`, as root) "
                   "or pass --unsafe-no-sandbox to grade without it")
    else:
        code = ("import torch" if import_torch else
                "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('torch') else "
                "'torch is not visible inside the sandbox')")
        probe = Sandbox().wrap([sys.executable, "-I", "-c", code])
        try:
            proc = subprocess.run(probe, capture_output=True, timeout=60)
            if proc.returncode != 0:
                why = proc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["unknown error"]
                problem = (f"bubblewrap cannot start a sandbox here ({why[0]}): enable user namespaces or run as "
                           "root, or pass --unsafe-no-sandbox to grade without it")
        except (OSError, subprocess.TimeoutExpired) as e:
            problem = f"bubblewrap failed to start ({e}); pass --unsafe-no-sandbox to grade without it"
    _CHECKED[import_torch] = problem
    return problem or None
