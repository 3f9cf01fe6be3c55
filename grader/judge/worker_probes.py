"""The copy of an exercise's probes.py that workers load: the probes, without the judge's own functions.

probes.py serves both sides. Its probes drive the learner's code in the worker; its references
(top-level functions whose name starts with ``reference``) compute expected values, and only the
judge runs them (``load_sibling``). A submission runs beside the worker's copy and can call anything
in it, or read its text from disk, so a reference there is an answer key: a fold_conv_bn that wrapped
a probe to learn the seed and then asked ``reference_folded`` for the folded layer got full marks
(tests/probe_attacks/). The worker's copy therefore leaves the references out. Their lines become
blank lines, so a traceback from the worker's copy points at the same line numbers as probes.py.
"""

from __future__ import annotations

import ast
import atexit
import os
import shutil
import tempfile
from pathlib import Path

JUDGE_ONLY_PREFIX = "reference"  # reference(), reference_fused(), ...: run in the judge only


def is_judge_only(name: str) -> bool:
    return name.lstrip("_").startswith(JUDGE_ONLY_PREFIX)


def strip_judge_only(source: str, filename: str = "probes.py") -> str:
    """source without its top-level judge-only functions (decorators included), line numbers kept."""
    tree = ast.parse(source, filename=filename)
    lines = source.splitlines(keepends=True)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_judge_only(node.name):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            for i in range(first - 1, node.end_lineno or node.lineno):
                lines[i] = "\n"
    return "".join(lines)


_COPIES: dict[tuple[str, int, int], str] = {}
_FOLDER: list[str] = []  # the folder of this process's copies, made at the first copy
_OWNER: list[int] = [0]  # the pid that made it (a forked batch judge inherits the list, not the folder)


def worker_copy(probes_path: str | os.PathLike) -> str:
    """A file holding probes.py without its judge-only functions, readable by every user (a worker may run
    under its own uid, and the sandbox binds the file read-only). One copy per version of the file, for the
    life of this process."""
    real = os.path.realpath(probes_path)
    stat = os.stat(real)
    key = (real, stat.st_mtime_ns, stat.st_size)
    if key not in _COPIES:
        if not _FOLDER:
            folder = tempfile.mkdtemp(prefix="prep-worker-probes-")
            os.chmod(folder, 0o755)
            _FOLDER.append(folder)
            _OWNER[:] = [os.getpid()]
            atexit.register(_remove, folder, os.getpid())
        source = Path(real).read_text(encoding="utf-8")
        copy = Path(_FOLDER[0]) / f"{len(_COPIES)}-{Path(real).parent.name}-probes.py"
        copy.write_text(strip_judge_only(source, real), encoding="utf-8")
        copy.chmod(0o644)
        _COPIES[key] = str(copy)
    return _COPIES[key]


def _remove(folder: str, owner: int) -> None:
    if os.getpid() == owner:  # a forked child that runs exit handlers leaves its parent's copies alone
        shutil.rmtree(folder, ignore_errors=True)


def remove_copies() -> None:
    """Remove this process's copies now. For a process about to end with ``os._exit`` (the CLI, the notebook's
    judge), which skips exit handlers: every ``prep check`` left a folder in /tmp (544 on one machine in a day)."""
    if _FOLDER and _FOLDER[0]:
        _remove(_FOLDER[0], _OWNER[0])
        _COPIES.clear()
        _FOLDER.clear()
