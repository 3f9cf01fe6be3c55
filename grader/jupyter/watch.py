"""``prep watch ID``: grade the learner's file again every time it is saved.

It polls the modification time (and size) of the watched files: the fetched copy's
``<id>.py`` and ``<id>.ipynb`` (or the one ``--file`` names), grading whichever was saved
last. A save is graded once it has settled (two polls alike), so an editor that writes in
two steps is graded once. Workers fork from one warm pool (``start_pool``), so a re-check
skips the torch import: it costs a fork and the graders, as in the notebook's warm judge.
Ctrl-C stops it cleanly; ``max_checks`` and ``timeout_s`` stop it too (for tests and scripts).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from grader import api
from grader.progress import Progress


@dataclass
class WatchSummary:
    exercise: str
    files: list[Path]
    checks: int
    last: Any  # the last Result, or None
    stopped_by: str  # "interrupt", "max_checks" or "timeout"


def watched_files(ex: Any, file: Path | None, progress: Progress) -> list[Path]:
    if file is not None:
        path = Path(file)
        if not path.is_file():
            raise api.PrepError(f"{path} does not exist: check the path, or run `prep fetch {ex.id}`")
        return [path]
    copy = api.find_copy(ex.id, progress)  # the copy in this folder first, as `prep check` finds it
    if copy is None:
        raise api.PrepError(f"no fetched copy of {ex.id} found: run `prep fetch {ex.id}` first, or pass --file PATH")
    return [p for p in (copy.directory / f"{ex.id}.py", copy.directory / f"{ex.id}.ipynb") if p.is_file()]


def start_pool(ex: Any) -> Any:
    """A warm pool for re-checking ``ex``: its zygote imports torch (and what the exercise declares)
    while this process imports the judge's side, so even the first check overlaps the two."""
    from grader.judge.grading import warm_up_judge
    from grader.judge.pool import WorkerPool

    pool = WorkerPool(preload=ex.preload)
    try:
        pool.start()
        warm_up_judge(ex.preload)
    except BaseException:  # Ctrl-C while starting: the zygote goes too
        pool.close()
        raise
    return pool


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def watch(exercise_id: str, file: Path | None = None, *, interval_s: float = 0.5, max_checks: int | None = None,
          timeout_s: float | None = None, on_result: Callable[[Any], None] | None = None,
          on_waiting: Callable[[list[Path]], None] | None = None, initial: bool = True,
          progress: Progress | None = None, seed: int | None = None) -> WatchSummary:
    """Check now (``initial``), then after every save; returns when stopped (Ctrl-C included)."""
    ex = api.get_exercise(exercise_id)
    progress = progress or Progress()
    files = watched_files(ex, file, progress)
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    checks, last, stopped_by = 0, None, "interrupt"
    seen = {p: _stamp(p) for p in files}
    pending: dict[Path, tuple[int, int]] = {}
    announce = True
    try:
        with start_pool(ex) as pool:
            def run(path: Path) -> None:
                nonlocal checks, last, announce
                last = api.check(ex.id, path, progress=progress, pool=pool, seed=seed)
                checks += 1
                announce = True
                if on_result:
                    on_result(last)

            if initial:  # the file the learner saved last (right after fetch: the .py), as `prep check` picks it
                run(files[0] if len(files) == 1 else api.pick_in_copy(files[0].parent, ex.id, "")[0])
            while True:
                if max_checks is not None and checks >= max_checks:
                    stopped_by = "max_checks"
                    break
                if announce and on_waiting:
                    on_waiting(files)
                announce = False
                if deadline is not None and time.monotonic() >= deadline:
                    stopped_by = "timeout"
                    break
                time.sleep(interval_s)
                changed = []
                for p in files:
                    now = _stamp(p)
                    if now is None or now == seen[p]:
                        pending.pop(p, None)
                    elif pending.get(p) == now:  # settled: one check per save
                        seen[p] = now
                        del pending[p]
                        changed.append(p)
                    else:
                        pending[p] = now
                if changed:
                    run(max(changed, key=lambda p: (seen[p] or (0, 0))[0]))
    except KeyboardInterrupt:
        stopped_by = "interrupt"
    return WatchSummary(ex.id, files, checks, last, stopped_by)
