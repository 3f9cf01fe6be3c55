"""Find the submissions of a class: one folder per learner, or nbgrader's submitted/ layout, read as is."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".py", ".ipynb")


@dataclass(frozen=True)
class Job:
    learner: str  # the learner's folder name exactly as os.scandir gives it (any bytes: see store.file_stem)
    exercise: str
    path: Path | None  # None: nothing gradable was found (problem says why)
    problem: str = ""
    # (st_dev, st_ino) of the file as discovery saw it: the batch grades only that file, so a folder or file
    # swapped for a link after discovery (to the instructor's reference, say) is refused, never followed
    identity: tuple[int, int] | None = None


def discover(root: Path, exercises: list[str], assignment: str | None = None) -> list[Job]:
    """One job per (learner, exercise).

    Layouts:
      ROOT/<learner>/<file>.py|.ipynb                        (one exercise: the learner's only file,
                                                              or the one named <exercise>.py/.ipynb)
      ROOT/<student>/<assignment>/<exercise>.ipynb|.py       (nbgrader's submitted/; pass assignment)
    Symbolic links are never followed: a learner folder or file that is a link is not gradable.
    """
    jobs: list[Job] = []
    for entry in sorted(os.scandir(root), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            jobs += [Job(entry.name, ex, None, "the learner's folder is a symbolic link") for ex in exercises]
            continue
        if not entry.is_dir(follow_symlinks=False):
            continue
        folder = Path(entry.path)
        if assignment is not None:
            folder = folder / assignment
            if not folder.is_dir() or folder.is_symlink():
                jobs += [Job(entry.name, ex, None, f"no '{assignment}' folder in this submission") for ex in exercises]
                continue
        try:
            files = [f for f in sorted(folder.iterdir()) if f.suffix in SUFFIXES and not f.name.startswith(".")]
        except OSError as e:  # an unreadable folder is this learner's problem, never the batch's
            jobs += [Job(entry.name, ex, None, f"the submission's folder cannot be read ({e.strerror})")
                     for ex in exercises]
            continue
        for ex in exercises:
            jobs.append(_pick(entry.name, ex, files, single=len(exercises) == 1 and assignment is None))
    return jobs


def _pick(learner: str, exercise: str, files: list[Path], single: bool) -> Job:
    named = [f for f in files if f.stem == exercise]
    candidates = named or (files if single and len(files) == 1 else [])
    if not candidates:
        found = ", ".join(f.name for f in files) or "no .py or .ipynb file"
        return Job(learner, exercise, None, f"no {exercise}.py or {exercise}.ipynb (found: {found})")
    # prefer the notebook when both exist: it is what the learner worked in
    path = sorted(candidates, key=lambda f: f.suffix != ".ipynb")[0]
    try:
        st = os.lstat(path)
    except OSError as e:
        return Job(learner, exercise, None, f"{path.name} cannot be read ({e.strerror})")
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISREG(st.st_mode):
        return Job(learner, exercise, None, f"{path.name} is not a regular file")
    return Job(learner, exercise, path, identity=(st.st_dev, st.st_ino))
