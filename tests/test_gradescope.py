"""`prep export-gradescope`: the autograder zip, and its run_autograder on a scratch /autograder.

Gradescope's autograder specification, https://gradescope-autograders.readthedocs.io/en/latest/specs/,
says what the zip holds (setup.sh and run_autograder at its root), where things are at run time
(/autograder/source, /autograder/submission, /autograder/results/results.json) and the results
format (written down below as GRADESCOPE_RESULTS_SCHEMA).

run_autograder runs here against a scratch root laid out as Gradescope's (PREP_AUTOGRADER_ROOT),
with this test venv's Python instead of the one setup.sh would install: a scratch venv on the same
interpreter that sees the test venv's packages (torch...) through a .pth file, and prep installed
into it from the zip's wheel (offline, --no-deps). So what grades is the code the zip ships, not this
checkout. It grades with the light isolation (PREP_AUTOGRADER_SANDBOX=off): the strong sandbox's
read-only view holds only a venv's own packages, not the ones borrowed through the .pth file.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from click.testing import CliRunner

import cli
from grader import bank
from tests.conftest import ROOT
from tests.test_batch import WRONG

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

pytestmark = pytest.mark.slow

EXERCISE = "autograd-mul"

# Gradescope's results.json, from https://gradescope-autograders.readthedocs.io/en/latest/specs/#output-format
# (every field is optional there; "required" lists what prep always writes).
_VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
_FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
GRADESCOPE_RESULTS_SCHEMA = {
    "type": "object",
    "required": ["score", "tests", "output"],
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": _FORMAT,
        "test_output_format": _FORMAT,
        "test_name_format": _FORMAT,
        "visibility": _VISIBILITY,
        "stdout_visibility": _VISIBILITY,
        "extra_data": {"type": "object"},
        "leaderboard": {"type": "array", "items": {
            "type": "object", "required": ["name", "value"],
            "properties": {"name": {"type": "string"}, "value": {"type": ["number", "string"]},
                           "order": {"enum": ["asc", "desc"]}}}},
        "tests": {"type": "array", "items": {
            "type": "object",
            "required": ["name", "score", "max_score", "output", "visibility"],
            "additionalProperties": False,
            "properties": {
                "score": {"type": "number"},
                "max_score": {"type": "number"},
                "status": {"enum": ["passed", "failed"]},
                "name": {"type": "string"},
                "name_format": _FORMAT,
                "number": {"type": "string"},
                "output": {"type": "string"},
                "output_format": _FORMAT,
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": _VISIBILITY,
                "extra_data": {"type": "object"},
            },
        }},
    },
}


def _unzip(archive: Path, dest: Path) -> None:
    """Unzip keeping each file's mode (Gradescope runs run_autograder as an executable)."""
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            path = Path(z.extract(info, dest))
            os.chmod(path, (info.external_attr >> 16) & 0o777 or 0o644)


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    """The exported zip, and a scratch venv with prep installed from its wheel."""
    base = tmp_path_factory.mktemp("gradescope")
    archive = base / "autograder.zip"
    result = CliRunner().invoke(cli.cli, ["export-gradescope", EXERCISE, "--out", str(archive)])
    assert result.exit_code == 0, result.output
    source = base / "source"
    _unzip(archive, source)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    target = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 cwd=base, check=True, capture_output=True, text=True).stdout.strip())
    (target / "test-venv-packages.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    (wheel,) = source.glob("prep-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target",
                    str(target), str(wheel)], check=True)
    where = subprocess.run([str(python), "-c", "import grader, cli; print(grader.__file__, cli.__file__)"],
                           cwd=base, check=True, capture_output=True, text=True).stdout.split()
    assert all(Path(p).is_relative_to(target) for p in where), where  # the wheel's prep, not the checkout
    return {"zip": archive, "output": result.output, "source": source, "python": python, "wheel": wheel}


def _gradescope_root(tmp_path: Path, source: Path, submission: dict[str, str | Path]) -> Path:
    """/autograder as Gradescope lays it out: source/ (the zip), run_autograder copied next to it,
    submission/ (the student's files) and an empty results/."""
    root = tmp_path / "autograder"
    shutil.copytree(source, root / "source", copy_function=shutil.copy2)
    shutil.copy2(source / "run_autograder", root / "run_autograder")
    for name, content in submission.items():
        path = root / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy(content, path)
        else:
            path.write_text(content)
    (root / "submission").mkdir(exist_ok=True)
    (root / "results").mkdir()
    return root


def _run_autograder(root: Path, python: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PREP_AUTOGRADER_ROOT=str(root), PREP_AUTOGRADER_PYTHON=str(python),
               PREP_AUTOGRADER_SANDBOX="off")
    return subprocess.run([str(root / "run_autograder")], cwd=tmp_cwd(root), env=env, capture_output=True,
                          text=True, timeout=600)


def tmp_cwd(root: Path) -> Path:
    return root.parent  # anywhere but the checkout: run_autograder changes to the root itself


def test_the_zip_holds_the_scripts_prep_and_only_the_named_exercises(autograder):
    assert autograder["output"].startswith(f"wrote {autograder['zip']} (")
    assert autograder["output"].endswith(
        f"1 exercise(s): {EXERCISE}\nNext: upload it as the autograder of a Gradescope programming assignment\n")
    with zipfile.ZipFile(autograder["zip"]) as z:
        names = z.namelist()
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in z.infolist()}
    assert {"setup.sh", "run_autograder", "prep-autograder.json"} <= set(names)  # at the root of the archive
    assert modes["setup.sh"] & stat.S_IXUSR and modes["run_autograder"] & stat.S_IXUSR
    ex = bank.load(EXERCISE)
    shipped = {n.removeprefix(f"bank/exercises/{EXERCISE}/") for n in names if n.startswith("bank/")}
    expected = {p.relative_to(ex.directory).as_posix() for p in ex.directory.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")}
    assert shipped == expected  # its graders (hidden ones included), probes and learner files; nothing else
    assert not [n for n in names if "solution" in n]
    with zipfile.ZipFile(autograder["wheel"]) as w:
        inside = w.namelist()
        metadata = w.read(next(n for n in inside if n.endswith(".dist-info/METADATA"))).decode()
    assert {"cli.py", "prep.py", "grader/judge/grading.py", "grader/batch/gradescope.py"} <= set(inside)
    assert not [n for n in inside if "builtin_course" in n or n.startswith(("exercises/", "solutions/"))]
    required = {line.split(":", 1)[1].strip().split(";")[0] for line in metadata.splitlines()
                if line.startswith("Requires-Dist:") and "extra ==" not in line}
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    # built from this checkout's pyproject (compared as requirements: `>=6.0,<7` and `<7,>=6.0` are one)
    assert {str(Requirement(d.split(";")[0])) for d in declared} == {str(Requirement(r)) for r in required}
    config = json.loads((autograder["source"] / "prep-autograder.json").read_text())
    assert config["exercises"] == [EXERCISE]
    setup = (autograder["source"] / "setup.sh").read_text()
    assert f'pip install "$ROOT/source/{autograder["wheel"].name}"' in setup and config["torch"] in setup


def test_export_errors_say_what_to_do(tmp_path):
    unknown = CliRunner().invoke(cli.cli, ["export-gradescope", "autograd-mull", "--out", str(tmp_path / "a.zip")])
    assert unknown.exit_code == 2
    assert unknown.output == ("Error: no exercise 'autograd-mull': did you mean 'autograd-mul'? "
                              "`prep list` shows them all\n")
    folder = CliRunner().invoke(cli.cli, ["export-gradescope", EXERCISE, "--out", str(tmp_path)])
    assert folder.exit_code == 2
    assert folder.output == (f"Error: {tmp_path} is a folder: pass the zip file to write, e.g. "
                             f"--out {tmp_path / 'autograder.zip'}\n")


def test_run_autograder_grades_the_submission_with_preps_grading_path(autograder, tmp_path, grade_file):
    import jsonschema

    root = _gradescope_root(tmp_path, autograder["source"], {f"my-work/{EXERCISE}.py": WRONG, "notes.txt": "hi"})
    (root / "results" / "results.json").write_text('{"score": 100}')  # a stale or forged file never counts
    proc = _run_autograder(root, autograder["python"])
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, GRADESCOPE_RESULTS_SCHEMA)

    (run,) = results["extra_data"]["exercises"]
    assert run["submission"] == f"my-work/{EXERCISE}.py" and run["status"] == "graded"
    same = grade_file(EXERCISE, WRONG, seed=run["seed"])  # the one grading path, with the same inputs
    assert results["score"] == same.score == run["score"]
    assert {t["name"]: t["score"] for t in results["tests"]} == {f"{EXERCISE}: {t.name}": t.points for t in same.tests}
    assert sum(t["max_score"] for t in results["tests"]) == bank.load(EXERCISE).max_score
    for t, outcome in zip(results["tests"], same.tests):
        assert t["visibility"] == ("after_published" if outcome.hidden else "visible")
        assert t["status"] == ("passed" if outcome.outcome == "passed" else "failed")
    assert results["output"].startswith(f"{EXERCISE}: {same.score:g}/{same.max_score:g} points (graded from "
                                        f"my-work/{EXERCISE}.py, seed {run['seed']})")
    assert f"{EXERCISE}: {same.score:g}/{same.max_score:g} points" in proc.stdout  # the instructor's log


def test_run_autograder_without_the_file_scores_zero_and_says_why(autograder, tmp_path):
    import jsonschema

    root = _gradescope_root(tmp_path, autograder["source"], {"homework.txt": "nothing here"})
    proc = _run_autograder(root, autograder["python"])
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, GRADESCOPE_RESULTS_SCHEMA)
    assert results["score"] == 0 and all(t["score"] == 0 for t in results["tests"])
    assert len(results["tests"]) == len(bank.load(EXERCISE).points)
    assert results["output"] == (f"{EXERCISE}: 0/{bank.load(EXERCISE).max_score:g} points (not gradable)\n"
                                 f"  no {EXERCISE}.py or {EXERCISE}.ipynb (found: no .py or .ipynb file)")


def test_setup_selfcheck_grades_each_stub_to_zero(autograder, tmp_path):
    root = _gradescope_root(tmp_path, autograder["source"], {})
    env = dict(os.environ, PREP_AUTOGRADER_SANDBOX="off")
    proc = subprocess.run([str(autograder["python"]), "-m", "grader.batch.gradescope", "selfcheck", str(root)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    max_score = bank.load(EXERCISE).max_score
    assert f"prep: {EXERCISE}: the untouched stub scores 0/{max_score:g} (graded)" in proc.stdout


def test_an_installed_prep_repacks_itself_into_the_same_wheel(autograder, tmp_path):
    """Exporting from prep installed from a wheel (no checkout): its installed files, repacked."""
    code = ("import sys; from pathlib import Path; from grader.batch.gradescope import prep_wheel; "
            "print(prep_wheel(Path(sys.argv[1])))")
    proc = subprocess.run([str(autograder["python"]), "-c", code, str(tmp_path)], cwd=tmp_path,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    repacked = Path(proc.stdout.strip())
    with zipfile.ZipFile(autograder["wheel"]) as original, zipfile.ZipFile(repacked) as again:
        assert sorted(again.namelist()) == sorted(original.namelist())
        for name in original.namelist():
            if not name.endswith("/RECORD"):
                assert again.read(name) == original.read(name), name


@pytest.mark.skipif(os.geteuid() != 0, reason="the privilege drop needs root, as on Gradescope")
def test_without_the_sandbox_student_code_cannot_forge_results_or_read_hidden_graders(autograder, tmp_path):
    """On Gradescope the container may forbid namespaces; the student's code then still runs as an
    unprivileged uid: the results folder, the hidden graders and the judge are out of its reach."""
    drop = tmp_path / "drop"
    drop.mkdir(mode=0o777)
    drop.chmod(0o777)  # where the attack reports what it managed (any uid may write here)
    root = _gradescope_root(tmp_path, autograder["source"], {f"{EXERCISE}.py": "placeholder"})
    attack = WRONG.read_text(encoding="utf-8") + f'''
import os
ROOT, DROP = {str(root)!r}, {str(drop)!r}
try:
    open(os.path.join(ROOT, "results", "pwned"), "w").write("forged")
except OSError:
    pass
for dirpath, _, names in os.walk(ROOT):
    for name in names:
        if name == "test_hidden.py":
            try:
                open(os.path.join(DROP, "leak"), "w").write(open(os.path.join(dirpath, name)).read())
            except OSError:
                pass
'''
    (root / "submission" / f"{EXERCISE}.py").write_text(attack, encoding="utf-8")
    proc = _run_autograder(root, autograder["python"])
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    assert not (root / "results" / "pwned").exists(), "student code wrote into the results folder"
    assert not (drop / "leak").exists(), "student code read a hidden grader"
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] < bank.load(EXERCISE).max_score


@pytest.mark.skipif(os.geteuid() != 0, reason="the privilege drop needs root, as on Gradescope")
def test_without_the_sandbox_the_graders_of_an_exercise_not_handed_in_stay_closed_too(autograder, request):
    """An autograder of two exercises, one a quiz (its hidden graders hold the answer key). A student who
    hands in only the other one must not read the quiz's key from it (and show it in their feedback, in an
    exception's message): their next submission would then score full marks on the quiz. Every exercise
    of the autograder is closed, not only those handed in."""
    quiz = "quiz-autograd-graph"
    # On Gradescope /autograder is open to every user on the way down; pytest's tmp_path is not (its base is
    # 0700), which alone would keep any other uid out and make this test pass for the wrong reason.
    base = Path(tempfile.mkdtemp(prefix="prep-gradescope-"))
    base.chmod(0o755)
    request.addfinalizer(lambda: shutil.rmtree(base, ignore_errors=True))
    root = _gradescope_root(base, autograder["source"], {f"{EXERCISE}.py": "placeholder"})
    shutil.copytree(bank.load(quiz).directory, root / "source" / "bank" / "exercises" / quiz,
                    ignore=shutil.ignore_patterns("__pycache__"))
    config_path = root / "source" / "prep-autograder.json"
    config = json.loads(config_path.read_text())
    config_path.write_text(json.dumps({**config, "exercises": [EXERCISE, quiz]}))
    key = root / "source" / "bank" / "exercises" / quiz / "test_hidden.py"
    # the control: the same code reads a file of the autograder's that holds nothing secret
    attack = WRONG.read_text(encoding="utf-8") + f'''
def _read(path):
    try:
        return open(path).read()
    except OSError:
        return ""
raise RuntimeError("control=%s leak=%s" % ('"exercises"' in _read({str(config_path)!r}),
                                           "KEY = {{" in _read({str(key)!r})))
'''
    (root / "submission" / f"{EXERCISE}.py").write_text(attack, encoding="utf-8")
    proc = _run_autograder(root, autograder["python"])
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    assert "control=True" in results["output"], results["output"]  # the student's code ran and could read
    assert "leak=False" in results["output"], "student code read the answer key of a quiz it did not hand in"
