"""`pytest` in this folder runs the public graders of conv2d-by-hand through prep's judge.

Written by `prep fetch`. The graders in test_public.py need prep's judge (a separate process runs
your code, the judge chooses the inputs and compares), so pytest does not import that file: this
conftest runs `prep check conv2d-by-hand --json` once and shows each public grader as one test. The
hidden graders run too and count in the score printed at the end. `prep check conv2d-by-hand` says the
same, with the hidden graders listed.
"""

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXERCISE = "conv2d-by-hand"
HERE = Path(__file__).resolve().parent
_checked = {}


def _prep():
    beside = Path(sys.executable).with_name("prep")  # the prep installed with this Python
    found = str(beside) if beside.is_file() else shutil.which("prep")
    return [found] if found else [sys.executable, "-c", "import cli; cli.main()"]


def _check():
    """`prep check --json` in this folder, once per pytest run: {"result": ...} or {"error": ...}."""
    if not _checked:
        try:
            proc = subprocess.run(_prep() + ["check", EXERCISE, "--json"], cwd=HERE, capture_output=True,
                                  text=True)
        except OSError as e:
            _checked["error"] = f"prep could not be started ({e}): is prep installed for this Python?"
            return _checked
        try:
            _checked["result"] = json.loads(proc.stdout)
        except ValueError:
            why = (proc.stderr or proc.stdout).strip().splitlines()
            _checked["error"] = why[-1] if why else f"prep check exited with status {proc.returncode}"
    return _checked


class GraderFailed(Exception):
    pass


class PublicGrader(pytest.Item):
    def runtest(self):
        checked = _check()
        if "error" in checked:
            raise GraderFailed(checked["error"])
        result = checked["result"]
        mine = [t for t in result["tests"] if t["name"] == self.name or t["name"].startswith(self.name + "[")]
        if not mine:
            raise GraderFailed(f"prep check did not report {self.name} ({result['status']}: "
                               f"{result.get('message') or 'see prep check'})")
        failed = [t for t in mine if t["outcome"] != "passed"]
        if failed:
            raise GraderFailed("\n".join(f"{t['name']}: {t['message']}" for t in failed))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, GraderFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.name} (graded by prep's judge)"


class PublicGraders(pytest.File):
    def collect(self):
        tree = ast.parse(self.path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                yield PublicGrader.from_parent(self, name=node.name)


def pytest_pycollect_makemodule(module_path, parent):
    if Path(module_path).resolve() == HERE / "test_public.py":
        return PublicGraders.from_parent(parent, path=Path(module_path))
    return None


def pytest_report_header(config):
    return f"prep: the public graders of {EXERCISE}, run by `prep check {EXERCISE} --json` in prep's judge"


def pytest_terminal_summary(terminalreporter):
    result = _checked.get("result")
    if result:
        terminalreporter.write_line(f"prep check {EXERCISE}: {result['score']:g}/{result['max_score']:g} "
                                    f"points with the hidden graders ({result['submission']})")
