"""Gradescope: the autograder zip (``prep export-gradescope``), and what runs inside it.

Gradescope's autograder specification (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
the zip holds ``setup.sh`` (run once, as root, to build the image) and ``run_autograder`` (run for
every submission, in a fresh container, working directory /autograder); the zip is unpacked into
/autograder/source, the student's files are in /autograder/submission, and the results go to
/autograder/results/results.json.

What the zip holds, and why:

* **prep itself, as a wheel** (``prep-<version>-py3-none-any.whl``), built from the checkout by
  setuptools exactly as ``python -m build`` would (or, from an installed prep, repacked from its
  installed files), with no exercises and no reference solutions in it. A wheel installs offline and
  without any build step: pip unpacks it, whatever the image's setuptools (a source tree would need
  prep's build backend fetched and run on Gradescope). Only its dependencies (torch's CPU build, the
  exact version this autograder was exported with, and prep's small pure-Python dependencies) come
  from the network, while Gradescope builds the image.
* **the named exercises** (``bank/exercises/<id>/``): metadata, public and hidden graders, probes and
  learner files, as ``prep publish --exam`` ships them: no reference solutions and no maintainers'
  notes. Gradescope keeps the autograder private, but the student's code runs in the same container,
  and without the strong sandbox it could read a reference and hand it in; hidden graders cannot
  help it (the judge chooses the inputs at random and keeps the expected values).
* ``prep-autograder.json``: the exercises, prep's and torch's versions.

``run_autograder`` runs ``python -m grader.batch.gradescope run``: it finds each exercise's file in the
submission (by name, ``<id>.ipynb`` before ``<id>.py``, in any folder; with one exercise, a lone
``.py``/``.ipynb`` of any name), grades it with prep's one grading path (the batch grader's judge: the
strong sandbox when bubblewrap works in the container, else the light isolation of ``prep check``)
and writes results.json (``export.gradescope``'s format, plus a summary and the seeds). prep's own
failure (``infra_error``, after two retries) writes no results and exits 1: Gradescope then reports
that the autograder failed, which an instructor can re-run, instead of a zero.
``PREP_AUTOGRADER_ROOT`` (default /autograder) moves the whole layout, for tests and local runs.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grader
from grader import bank

CONFIG_NAME = "prep-autograder.json"
ROOT_VARIABLE = "PREP_AUTOGRADER_ROOT"
SANDBOX_VARIABLE = "PREP_AUTOGRADER_SANDBOX"  # auto (default): the strong sandbox where it works; require; off
DEFAULT_ROOT = "/autograder"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the same exercises and prep always give the same zip
# what never goes into the wheel: bytecode, editor leftovers, hidden files, a wheel's built-in course
NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.py[cod]", ".*", "*~", "*.swp", bank.BUILTIN_COURSE_PACKAGE_DIR)
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"


class ExportError(Exception):
    """The autograder could not be built; the message is one line and says what to do."""


@dataclass(frozen=True)
class AutograderExport:
    path: Path
    exercises: list[str]
    wheel: str  # the wheel's file name in the zip
    torch: str  # the torch requirement setup.sh installs
    size: int
    notes: list[str]  # warnings for the instructor


# ---------------------------------------------------------------- the scripts

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root and with network access, to build the autograder's image.
# Written by `prep export-gradescope` (prep {version}). Specification:
# https://gradescope-autograders.readthedocs.io/en/latest/specs/
set -euo pipefail
ROOT="${{PREP_AUTOGRADER_ROOT:-/autograder}}"
VENV="$ROOT/prep-venv"

# Python with venv (Ubuntu 22.04 or later: prep needs Python 3.10+), and bubblewrap for prep's strong
# sandbox, used when the container lets it start.
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip bubblewrap ca-certificates
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
# torch: the CPU build (Gradescope has no GPU), the version this autograder was exported with.
"$VENV/bin/python" -m pip install "{torch}" --index-url {torch_index}
# prep: the wheel in this zip (nothing to build); its small dependencies come from PyPI.
"$VENV/bin/python" -m pip install "$ROOT/source/{wheel}"
# The graders must work here: every exercise's untouched stub is graded and must score zero.
"$VENV/bin/python" -m grader.batch.gradescope selfcheck "$ROOT"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission: prep grades /autograder/submission/ and writes
# /autograder/results/results.json. Written by `prep export-gradescope` (prep {version}).
# PREP_AUTOGRADER_ROOT moves the layout (default /autograder); PREP_AUTOGRADER_PYTHON picks the Python.
set -uo pipefail
ROOT="${{PREP_AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{PREP_AUTOGRADER_PYTHON:-$ROOT/prep-venv/bin/python}}"
RESULTS="$ROOT/results/results.json"
cd "$ROOT" || exit 1
rm -f "$RESULTS"
"$PYTHON" -m grader.batch.gradescope run "$ROOT"
status=$?
if [ "$status" -ne 0 ]; then
  rm -f "$RESULTS"  # never a results file that prep did not finish: Gradescope reports a failed run
fi
exit "$status"
"""


# ---------------------------------------------------------------- export


def build_autograder(exercises: list[bank.Exercise], out: Path) -> AutograderExport:
    """Write the autograder zip for these exercises (of the instructor's bank) to ``out``."""
    from grader import course

    out = Path(out)
    if out.is_dir():
        raise ExportError(f"{out} is a folder: pass the zip file to write, e.g. --out {out / 'autograder.zip'}")
    files: list[tuple[str, bytes, int]] = []
    notes = [f"{ex.id} is a quiz: its hidden graders hold the answer key, and a submission graded without the "
             "strong sandbox (bubblewrap) can read them" for ex in exercises if ex.kind == "quiz"]
    for ex in exercises:
        try:
            exercise_files, _ = course._exercise_files(ex, exam=True)  # as an exam ships it: no references
        except course.CourseError as e:
            raise ExportError(str(e)) from None
        files += [(f"bank/{name}", data, 0o644) for name, data in exercise_files]
    torch = torch_requirement()
    with tempfile.TemporaryDirectory(prefix="prep-gradescope-") as tmp:
        wheel = prep_wheel(Path(tmp))
        files.append((wheel.name, wheel.read_bytes(), 0o644))
    ids = [ex.id for ex in exercises]
    config = {"exercises": ids, "prep": grader.__version__, "torch": torch}
    files.append((CONFIG_NAME, (json.dumps(config, indent=1) + "\n").encode(), 0o644))
    fill = {"version": grader.__version__, "torch": torch, "torch_index": TORCH_INDEX, "wheel": wheel.name}
    files.append(("setup.sh", SETUP_SH.format(**fill).encode(), 0o755))
    files.append(("run_autograder", RUN_AUTOGRADER.format(**fill).encode(), 0o755))
    data = _zip(files)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = out.with_name(f".{out.name}.tmp{os.getpid()}")
    tmp_out.write_bytes(data)
    os.replace(tmp_out, out)
    return AutograderExport(out, ids, wheel.name, torch, len(data), notes)


def torch_requirement() -> str:
    """The torch this prep runs with (its canaries and selftests passed with it), as a pip requirement."""
    try:
        version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        return "torch>=2.4"
    return f"torch=={version.split('+')[0]}"  # 2.5.1+cpu -> torch==2.5.1, from PyTorch's CPU index


def _zip(files: list[tuple[str, bytes, int]]) -> bytes:
    """A deterministic zip: sorted names, a fixed date, explicit modes (the scripts are executable)."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, mode in sorted(files):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


# ---------------------------------------------------------------- prep's wheel


def prep_wheel(folder: Path) -> Path:
    """prep as a wheel, without exercises or references: built from the checkout when prep runs from
    one, else repacked from the installed distribution. Returns the wheel's path in ``folder``."""
    root = bank.checkout_root()
    if (root / "pyproject.toml").is_file():
        return _wheel_from_checkout(root, folder)
    return _wheel_from_installation(folder)


def _wheel_from_checkout(root: Path, folder: Path) -> Path:
    """The project's own build (setuptools, through pip, offline) on a copy of the checkout whose
    exercises/ and solutions/ are empty: the wheel's built-in course is empty, prep is all there is."""
    stage = folder / "prep-source"
    stage.mkdir()
    for path in root.iterdir():
        if path.is_file() and not path.name.startswith("."):
            shutil.copy2(path, stage / path.name)
    shutil.copytree(root / "grader", stage / "grader", ignore=NOT_SHIPPED)
    for name in ("exercises", "solutions"):
        (stage / name).mkdir()
    dist = folder / "dist"
    env = dict(os.environ, SOURCE_DATE_EPOCH="315532800", PIP_DISABLE_PIP_VERSION_CHECK="1")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                           "--wheel-dir", str(dist), str(stage)], capture_output=True, text=True, env=env)
    wheels = sorted(dist.glob("prep-*.whl")) if proc.returncode == 0 else []
    if len(wheels) != 1:
        why = [ln.strip() for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()][-1:] or ["no wheel"]
        raise ExportError(f"building prep's wheel failed ({why[0][:200]}): run `{sys.executable} -m pip wheel "
                          f"--no-deps --no-build-isolation {root}` to see why (it needs setuptools installed)")
    return wheels[0]


def _wheel_from_installation(folder: Path) -> Path:
    """An installed prep (no checkout around it) packed back into a wheel: its installed files, minus
    the built-in course, with the dist-info it was installed with and a fresh RECORD."""
    try:
        dist = importlib.metadata.distribution("prep")
    except importlib.metadata.PackageNotFoundError:
        raise ExportError("prep's own files were not found (no checkout and no installed distribution): "
                          "install prep with pip, or run this from a checkout") from None
    info_dir = next((str(f).split("/")[0] for f in dist.files or [] if str(f).endswith(".dist-info/METADATA")), None)
    if info_dir is None or dist.version != grader.__version__:
        raise ExportError("the installed prep's metadata does not match the running prep: reinstall prep")
    entries: list[tuple[str, bytes]] = []
    for f in dist.files or []:
        name = str(f)
        parts = name.split("/")
        if name.startswith("..") or "__pycache__" in parts or name.endswith((".pyc", ".pyo")) \
                or bank.BUILTIN_COURSE_PACKAGE_DIR in parts \
                or (parts[0] == info_dir and parts[-1] in ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")):
            continue
        entries.append((name, Path(f.locate()).read_bytes()))
    if "grader/__init__.py" not in {name for name, _ in entries}:  # e.g. an editable install whose checkout is gone
        raise ExportError("the installed prep has no files of its own to pack (an editable install?): run this from "
                          "prep's checkout, or install prep's wheel")
    record = "".join(f"{name},sha256={_digest(data)},{len(data)}\n" for name, data in entries)
    entries.append((f"{info_dir}/RECORD", (record + f"{info_dir}/RECORD,,\n").encode()))
    path = folder / f"prep-{dist.version}-py3-none-any.whl"
    path.write_bytes(_zip([(name, data, 0o644) for name, data in entries]))
    return path


def _digest(data: bytes) -> str:
    return urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


# ---------------------------------------------------------------- inside Gradescope


def submission_files(folder: Path) -> list[Path]:
    """Every .py and .ipynb under the submission, shallowest first (an upload from GitHub nests
    them); hidden files and folders, macOS archive leftovers and bytecode folders are skipped."""
    from grader.batch.discover import SUFFIXES

    found = []
    for path in Path(folder).rglob("*"):
        rel = path.relative_to(folder).parts
        if any(p.startswith(".") or p in ("__MACOSX", "__pycache__") for p in rel):
            continue
        if path.suffix in SUFFIXES and (path.is_file() or path.is_symlink()):
            found.append(path)
    return sorted(found, key=lambda p: (len(p.relative_to(folder).parts), str(p)))


def _sandboxed() -> tuple[bool, str]:
    """(use the strong sandbox, why not); PREP_AUTOGRADER_SANDBOX: auto (default), require or off."""
    wanted = os.environ.get(SANDBOX_VARIABLE, "auto")
    if wanted == "off":
        return False, f"{SANDBOX_VARIABLE}=off"
    from grader.judge.sandbox import check_available

    problem = check_available()
    if problem and wanted == "require":
        raise RuntimeError(f"{SANDBOX_VARIABLE}=require, and {problem}")
    return problem is None, problem or ""


def _hide_from_workers(exercise_ids: list[str]) -> None:
    """As root: the graders and metadata of these exercises readable by root only; probes.py stays
    readable (workers load it), and folders stay traversable (not listable) on the way to it."""
    if os.geteuid() != 0:
        return
    for ex_id in exercise_ids:
        ex = bank.load(ex_id)
        for path in ex.directory.rglob("*"):
            if path.is_file() and path.name != "probes.py":
                path.chmod(0o600)
            elif path.is_dir():
                path.chmod(0o711)
        ex.directory.chmod(0o711)


def grade_submission(folder: Path, exercise_ids: list[str], *, seed: int | None = None,
                     say: Any = print) -> list[dict[str, Any]]:
    """One record per exercise (the batch store's format), graded by the batch grader's judge."""
    from grader.batch import runner
    from grader.batch.discover import _pick

    files = submission_files(folder)
    jobs = [_pick("submission", ex_id, files, single=len(exercise_ids) == 1) for ex_id in exercise_ids]
    gradable = [job.exercise for job in jobs if job.path is not None]
    state = None
    if gradable:
        sandboxed, why_not = _sandboxed()
        say("prep: grading in the strong sandbox" if sandboxed else
            f"prep: grading with the light isolation of `prep check` (no strong sandbox: {why_not})")
        # Without the strong sandbox (a container that forbids namespaces), the student's code still
        # runs as an unprivileged uid: it cannot write /autograder/results, read the hidden graders
        # (made unreadable below) or signal the judge. Every exercise of the autograder is closed, not only
        # those handed in: code handed in for one could otherwise read a quiz's answer key from another's
        # hidden graders (and show it in its own feedback), for the next submission to use.
        if not sandboxed:
            _hide_from_workers(exercise_ids)
        state = runner.start_judge(sandboxed, gradable, None, drop_privileges=True)
    records = []
    try:
        for job in jobs:
            if job.path is None:
                records.append(runner._not_gradable(bank.load(job.exercise), job.problem))
                continue
            job_seed = seed if seed is not None else secrets.randbelow(2**31)
            for _ in range(1 + runner.INFRA_RETRIES):
                record = runner.grade_with(state, job.exercise, job.path, job_seed)
                if record["status"] != "infra_error":
                    break
            record["submission"] = str(job.path.relative_to(folder))
            records.append(record)
    finally:
        if state is not None:
            state["pool"].close()
    return records


def results_json(records: list[dict[str, Any]], *, duration_s: float) -> dict[str, Any]:
    """Gradescope's results.json: a test per grader (``export.gradescope``), the score, a summary for
    the student, and what reproduces the run (prep's version, each exercise's seed) in extra_data."""
    from grader.batch import export

    data = export.gradescope(records)
    lines = []
    for r in records:
        status = str(r["status"]).replace("_", " ")
        where = f" from {r['submission']}" if r.get("submission") else ""
        seed = f", seed {r['seed']}" if r.get("seed") is not None else ""
        lines.append(f"{r['exercise']}: {export.csv_number(r['score'])}/{export.csv_number(r['max_score'])} points "
                     f"({status}{where}{seed})")
        if r.get("message"):
            lines.append(f"  {export.visible(r['message'])}")
    data["output"] = "\n".join(lines)
    data["execution_time"] = round(duration_s)
    data["extra_data"] = {"prep": grader.__version__, "exercises": [
        {k: r.get(k) for k in ("exercise", "status", "score", "max_score", "seed", "sha256", "submission")}
        for r in records]}
    return export._no_surrogates(data)


def run(root: Path) -> int:
    """Grade /autograder/submission and write /autograder/results/results.json (exit status)."""
    started = time.monotonic()
    source = root / "source"
    config = json.loads((source / CONFIG_NAME).read_text(encoding="utf-8"))
    os.environ["PREP_BANK"] = str(source / "bank")
    try:
        records = grade_submission(root / "submission", config["exercises"])
    except RuntimeError as e:
        print(f"prep: {e}", file=sys.stderr)
        return 1
    broken = [r for r in records if r["status"] == "infra_error"]
    if broken:
        for r in broken:
            print(f"prep: {r['exercise']}: {r.get('message')}", file=sys.stderr)
        print("prep: prep itself failed (not the student's code): no results written; re-run the autograder",
              file=sys.stderr)
        return 1
    data = results_json(records, duration_s=time.monotonic() - started)
    results = root / "results" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    tmp = results.with_name(f".results.json.tmp{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, results)
    print(data["output"])
    return 0


def selfcheck(root: Path) -> int:
    """For setup.sh: each exercise's untouched stub, graded here, must score zero (exit status)."""
    source = root / "source"
    config = json.loads((source / CONFIG_NAME).read_text(encoding="utf-8"))
    os.environ["PREP_BANK"] = str(source / "bank")
    bad = []
    for ex_id in config["exercises"]:
        ex = bank.load(ex_id)
        with tempfile.TemporaryDirectory(prefix="prep-selfcheck-") as tmp:
            shutil.copy(ex.stub_path, Path(tmp) / ex.stub_path.name)
            try:
                (record,) = grade_submission(Path(tmp), [ex_id])
            except RuntimeError as e:
                print(f"prep: {e}", file=sys.stderr)
                return 1
        ok = record["status"] == "graded" and record["score"] == 0
        print(f"prep: {ex_id}: the untouched stub scores {record['score']:g}/{record['max_score']:g} "
              f"({record['status']})"
              + ("" if ok else f": expected 0 (graded); {record.get('message', '')}"))
        bad += [] if ok else [ex_id]
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 2 or not args or args[0] not in ("run", "selfcheck"):
        print("usage: python -m grader.batch.gradescope run|selfcheck [ROOT]", file=sys.stderr)
        return 2
    root = Path(args[1] if len(args) == 2 else os.environ.get(ROOT_VARIABLE, DEFAULT_ROOT))
    return run(root) if args[0] == "run" else selfcheck(root)


if __name__ == "__main__":
    sys.exit(main())
