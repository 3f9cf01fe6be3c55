"""What the kernel says about a process tree, read from /proc: memory, CPU time, children, shared memory.

A leaf module (standard library only, no torch), like ``grader.wire``: the judge uses it to
measure a spawned worker from outside, the zygote to measure and clean up after the workers it
forked. None of it runs learner code, and none of its numbers come from learner code: they are
the kernel's accounting, which the measured process cannot rewrite.
"""

from __future__ import annotations

import ctypes
import os
import stat
import time
from dataclasses import dataclass

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
IPC_RMID = 0


def _stat_fields(pid: int) -> list[bytes] | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None


def alive(pid: int) -> bool:
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != b"Z"


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            fields = _stat_fields(int(entry))
            if fields is not None and int(fields[1]) == pid:
                found.append(int(entry))
    return found


def descendants(pid: int) -> list[int]:
    """Every process below pid (one scan of /proc, then a walk of the parent links)."""
    parent_of: dict[int, int] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            fields = _stat_fields(int(entry))
            if fields is not None and fields[0] != b"Z":
                parent_of[int(entry)] = int(fields[1])
    below: list[int] = []
    frontier = {pid}
    while frontier:
        frontier = {p for p, parent in parent_of.items() if parent in frontier and p not in below}
        below.extend(frontier)
    return below


def pids_of_uid(uid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    found.append(int(entry))
            except OSError:
                pass
    return found


def held(pid: int) -> int:
    """Bytes of memory one process holds: resident, plus swapped out (0 if it is gone).

    Swap counts because a process can push its own pages out (``madvise(MADV_PAGEOUT)``, which Python's
    ``mmap`` offers): data parked that way leaves the resident set but is held all the same."""
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            text = f.read()
    except OSError:
        return 0
    total = 0
    for line in text.splitlines():
        if line.startswith((b"VmRSS:", b"VmSwap:")):
            try:
                total += int(line.split()[1]) * 1024
            except (IndexError, ValueError):
                pass
    return total


def peak_rss(pid: int) -> int:
    """The process's resident high-water mark (VmHWM) in bytes: since it started, or since ``reset_peak``."""
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


class Hidden(Exception):
    """A process refuses the reader the /proc entries that measure it: it made itself non-dumpable
    (``prctl(PR_SET_DUMPABLE, 0)``, or it runs a program the reader may not inspect). Its own user can
    always read a dumpable process's entries, so nothing but the process itself hides them."""


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux clear_refs "5"); False where the kernel does not allow it
    (no such file, the process is gone). Raises ``Hidden`` where the process hides it from the reader."""
    try:
        with open(f"/proc/{pid}/clear_refs", "wb") as f:
            f.write(b"5")
        return True
    except PermissionError:
        raise Hidden(pid) from None
    except OSError:
        return False


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process and of the children it has waited for."""
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLK_TCK


def tree_cpu_seconds(pids: set[int] | list[int]) -> float:
    """cpu_seconds summed over processes (a worker and its descendants): how much CPU the tree had."""
    return sum(cpu_seconds(p) for p in pids)


def run_delay(pid: int) -> float:
    """Seconds the process's main thread has spent runnable but waiting for a CPU (the machine busy with
    other work), from /proc/PID/schedstat; 0.0 where the kernel does not keep it."""
    try:
        with open(f"/proc/{pid}/schedstat", "rb") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def bytes_written(pids: set[int] | list[int]) -> int:
    """Bytes these processes wrote: through write calls (``wchar``: files, pipes, sockets) or through
    pages they dirtied in files (``write_bytes``: a shared mapping), whichever is larger, per process.
    Data parked in a file instead of in memory shows here, wherever the file is. Raises ``Hidden`` for
    a process that hides its counters from the reader (a process that is gone counts 0)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/io", "rb") as f:
                fields = dict(line.split(b":", 1) for line in f.read().splitlines() if b":" in line)
            total += max(int(fields.get(b"wchar", b"0")), int(fields.get(b"write_bytes", b"0")))
        except PermissionError:
            raise Hidden(pid) from None
        except (OSError, ValueError):
            pass
    return total


def written_unless_hidden(pid: int, tree: set[int], *, reset: bool = False) -> int | None:
    """What ``measure`` reads past the resident figures: the bytes ``tree`` wrote, after resetting ``pid``'s
    high-water mark if asked; None where a process hides either from the reader (``Hidden``)."""
    try:
        if reset:
            reset_peak(pid)
        return bytes_written(tree)
    except Hidden:
        return None


# ---------------------------------------------------------------- System V and POSIX shared memory
#
# A worker can leave memory behind that no process holds: System V segments it created and detached,
# files it wrote to /dev/shm (tmpfs pages). Inside the strong sandbox each worker has its own IPC and
# mount namespaces, so all of it goes with the worker. Outside (``prep check`` on the learner's own
# machine, the test suite) the host's are shared with every other program of the same user, so only
# what is provably the worker's is counted and removed: created by this uid since the worker started,
# and used by no live process other than the worker (nobody attached to a segment whose creator is
# gone; a /dev/shm file no other process has open or mapped: named semaphores are only mapped).


@dataclass(frozen=True)
class Segment:
    kind: str  # shm, sem, msg
    ident: int
    cuid: int
    ctime: float
    resident: int  # bytes, for shm
    cpid: int = 0  # creator pid, for shm
    nattch: int = 0  # attachments, for shm


def sysv_objects(kinds: tuple[str, ...] = ("shm", "sem", "msg")) -> list[Segment]:
    """The System V IPC objects of the caller's IPC namespace."""
    found: list[Segment] = []
    for kind in kinds:
        try:
            with open(f"/proc/sysvipc/{kind}", "rb") as f:
                header = f.readline().split()
                for line in f:
                    row = dict(zip(header, line.split()))
                    ident = int(row.get(b"shmid") or row.get(b"semid") or row.get(b"msqid") or -1)
                    shm = kind == "shm"
                    found.append(Segment(kind, ident, int(row[b"cuid"]), float(row[b"ctime"]),
                                         int(row.get(b"rss", b"0")) if shm else 0,
                                         int(row.get(b"cpid", b"0")) if shm else 0,
                                         int(row.get(b"nattch", b"0")) if shm else 0))
        except (OSError, KeyError, ValueError):
            continue
    return found


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def remove_sysv(objects: list[Segment]) -> int:
    """IPC_RMID each object (a shm segment goes once its last attachment is gone); how many went."""
    if not objects:
        return 0
    libc = _libc()
    removed = 0
    for o in objects:
        if o.kind == "shm":
            rc = libc.shmctl(o.ident, IPC_RMID, None)
        elif o.kind == "sem":
            rc = libc.semctl(o.ident, 0, IPC_RMID)
        else:
            rc = libc.msgctl(o.ident, IPC_RMID, None)
        removed += rc == 0
    return removed


def sysv_shm_since(uid: int, since: float, tree: set[int] | None = None) -> list[Segment]:
    """System V segments ``uid`` created at or after ``since`` whose creator is in ``tree`` or gone."""
    return [o for o in sysv_objects(("shm",)) if o.cuid == uid and o.ctime >= int(since)
            and ((tree is not None and o.cpid in tree) or not alive(o.cpid))]


def posix_shm_since(uid: int, since: float, folder: str = "/dev/shm") -> list[tuple[str, int]]:
    """(path, bytes) of the regular files in /dev/shm that ``uid`` created at or after ``since``."""
    found = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for e in entries:
        try:
            st = e.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and st.st_uid == uid and st.st_ctime >= int(since):
            found.append((e.path, st.st_blocks * 512))
    return found


def in_use_by_others(paths: set[str], tree: set[int]) -> set[str]:
    """Which of these paths some live process outside ``tree`` has open or mapped.

    Matched by inode, not by name: glibc's ``sem_open`` maps a temporary file and then links it under
    the semaphore's name, so /proc/PID/maps shows the temporary (deleted) name of the same inode.
    """
    if not paths:
        return set()
    by_inode: dict[int, str] = {}
    for path in paths:
        try:
            by_inode[os.stat(path, follow_symlinks=False).st_ino] = path
        except OSError:
            continue
    used: set[str] = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in tree or len(used) == len(by_inode):
            continue
        try:
            for fd in os.listdir(f"/proc/{entry}/fd"):
                try:
                    inode = os.stat(f"/proc/{entry}/fd/{fd}").st_ino
                except OSError:
                    continue
                if inode in by_inode:
                    used.add(by_inode[inode])
            with open(f"/proc/{entry}/maps", "rb") as f:
                for line in f:
                    if b"/dev/shm/" in line:
                        fields = line.split(None, 5)
                        if len(fields) > 4 and fields[4].isdigit() and int(fields[4]) in by_inode:
                            used.add(by_inode[int(fields[4])])
        except OSError:
            continue
    return used


class SharedMemoryLedger:
    """What one worker created in the host's shared memory, for its memory limit and its clean-up.

    Files another process uses are remembered as not the worker's, so the costly /proc scan runs
    once per new file, not on every look.
    """

    def __init__(self, uid: int, since: float) -> None:
        self.uid, self.since = uid, since
        self.foreign: set[str] = set()

    def _files(self, tree: set[int]) -> list[tuple[str, int]]:
        files = [(p, n) for p, n in posix_shm_since(self.uid, self.since) if p not in self.foreign]
        new = {p for p, _ in files}
        self.foreign |= in_use_by_others(new, tree)
        return [(p, n) for p, n in files if p not in self.foreign]

    def bytes(self, tree: set[int]) -> int:
        return (sum(o.resident for o in sysv_shm_since(self.uid, self.since, tree))
                + sum(n for _, n in self._files(tree)))

    def clean(self, tree: set[int] = frozenset()) -> int:
        """Remove the worker's leftovers (call once its processes are gone); how many objects went."""
        removed = remove_sysv([o for o in sysv_shm_since(self.uid, self.since, tree) if o.nattch == 0])
        for path, _ in self._files(set(tree)):
            try:
                os.unlink(path)
                removed += 1
            except OSError:
                pass
        return removed


def folder_bytes(folder: str) -> int:
    """Disk (or tmpfs) bytes the files under ``folder`` occupy, however deeply it nests: walked with a list of folders
    to visit, not by recursion (os.walk recurses once per level in Python 3.11, and a worker can nest thousands of
    folders in its scratch folder, past Python's recursion limit). Paths are resolved from ``folder`` each time, so
    a folder the worker moves meanwhile cannot lead the walk outside it."""
    total = 0
    pending = [folder]
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            pending.append(entry.path)
                        else:
                            total += entry.stat(follow_symlinks=False).st_blocks * 512
                    except OSError:
                        pass
        except OSError:  # gone, unreadable, or a path longer than PATH_MAX
            pass
    return total


def remove_tree(folder: str) -> None:
    """Delete ``folder`` and everything under it, however deeply it nests (shutil.rmtree recurses once per level and
    raises RecursionError past a thousand; paths that deep are also longer than PATH_MAX): one directory handle at a
    time, going down by name and back up through "..". What cannot be removed is left, never raised."""
    names: list[str] = []  # the folders entered below ``folder``, top first
    stuck: list[set[str]] = [set()]  # per level: sub-folders that could not be entered or removed
    seen: list[tuple[int, int]] = []  # (device, inode) of each folder above the one open now
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return
    try:
        while True:
            below = None
            try:
                with os.scandir(fd) as entries:
                    for entry in entries:
                        if entry.name in stuck[-1]:
                            continue
                        try:
                            if entry.is_dir(follow_symlinks=False):
                                below = entry.name
                                break
                            os.unlink(entry.name, dir_fd=fd)
                        except OSError:
                            stuck[-1].add(entry.name)
            except OSError:
                pass
            if below is not None:
                child = -1
                for attempt in range(2):
                    try:
                        child = os.open(below, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
                        break
                    except PermissionError:  # a folder its owner closed (chmod 0): opened again once made readable
                        if attempt == 0:
                            try:
                                os.chmod(below, 0o700, dir_fd=fd)
                            except OSError:
                                break
                    except OSError:
                        break
                if child < 0:
                    stuck[-1].add(below)
                    continue
                try:
                    os.fchmod(child, 0o700)  # so that what is in it can be deleted
                except OSError:
                    pass
                st = os.fstat(fd)
                seen.append((st.st_dev, st.st_ino))
                os.close(fd)
                fd = child
                names.append(below)
                stuck.append(set())
                continue
            if not names:  # ``folder`` itself is as empty as it can be made
                break
            try:
                parent = os.open("..", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            except OSError:
                break
            st = os.fstat(parent)
            if (st.st_dev, st.st_ino) != seen[-1]:  # moved meanwhile: never walk out of ``folder``
                os.close(parent)
                break
            os.close(fd)
            fd = parent
            name = names.pop()
            stuck.pop()
            seen.pop()
            try:
                os.rmdir(name, dir_fd=fd)
            except OSError:
                stuck[-1].add(name)
    finally:
        os.close(fd)
    try:
        os.rmdir(folder)
    except OSError:
        pass


def hidden_file_bytes(tree: set[int]) -> int:
    """Bytes in files the tree holds that no folder shows: memfds (``memfd_create``) and deleted
    files, open or mapped. Their pages are memory (or disk the worker fills) that resident-set
    figures miss when they are never touched through a mapping, so a worker could park data there
    between two measurements. Each file is counted once, whoever holds it: the size of an open one,
    and of a mapped one the mapped length (its inode cannot be stat'ed from the map)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for pid in tree:
        fd_dir = f"/proc/{pid}/fd"
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue
        for fd in fds:
            try:
                link = os.readlink(f"{fd_dir}/{fd}")
                if not (link.startswith("/memfd:") or link.endswith(" (deleted)")):
                    continue
                st = os.stat(f"{fd_dir}/{fd}")
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode) and (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += max(st.st_blocks * 512, st.st_size)
        try:
            with open(f"/proc/{pid}/maps", "rb") as f:
                maps = f.read().decode("ascii", "replace").splitlines()
        except OSError:
            continue
        mapped: dict[tuple[int, int], int] = {}
        for line in maps:
            parts = line.split(None, 5)
            if len(parts) < 6:
                continue
            path = parts[5]
            if not (path.startswith("/memfd:") or path.endswith(" (deleted)")):
                continue
            major, minor = (int(v, 16) for v in parts[3].split(":"))
            key = (os.makedev(major, minor), int(parts[4]))
            if key in seen:
                continue
            start, end = (int(v, 16) for v in parts[0].split("-"))
            mapped[key] = mapped.get(key, 0) + (end - start)
        for key, size in mapped.items():
            seen.add(key)
            total += size
    return total


INODE_BYTES = 1024  # what tmpfs charges each file, folder or link it holds (its "bogo" inode size)


def tmpfs_used(folder: str) -> int:
    """Bytes in use on the filesystem holding ``folder`` (for a private tmpfs: what was written there), each file,
    folder or link counted at ``INODE_BYTES`` too: names and empty files are kernel memory that no data block shows
    (hundreds of thousands of entries can hold a model's saved tensors in their names)."""
    try:
        st = os.statvfs(folder)
    except OSError:
        return 0
    inodes = max(0, st.f_files - st.f_ffree) if st.f_files else 0
    return (st.f_blocks - st.f_bfree) * st.f_frsize + inodes * INODE_BYTES


def now() -> float:
    return time.time()
