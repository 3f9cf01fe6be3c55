"""The package: `python -m build` makes an sdist and a wheel that carry the built-in course, and the wheel,
installed in a fresh venv outside the checkout, lists, fetches and checks exactly like the checkout.

The fresh venv gets torch and prep's other dependencies from this test venv through a .pth file (read after
the fresh venv's own site-packages, and without running the .pth files there, so the checkout's editable
install stays out of it): installing torch again would take minutes. prep itself is installed from the wheel
with --no-deps.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from grader import bank, course

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
COURSE = "grader/builtin_course"


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """sdist first, then the wheel built from the unpacked sdist (so the sdist must carry the bank too)."""
    pytest.importorskip("build", reason="`build` is in the dev extra: ./bootstrap --dev")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True)
    return out


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    ours = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    Path(site, "zz-prep-test-dependencies.pth").write_text("\n".join(ours) + "\n")
    (wheel,) = dist.glob("prep-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                    "--quiet", "--disable-pip-version-check", str(wheel)], check=True)
    return venv


def prep(venv: Path, *args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "PREP_HOME": str(home), "HOME": str(home)}
    return subprocess.run([str(venv / "bin" / "prep"), *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_the_sdist_and_the_wheel_carry_the_built_in_course(dist):
    (sdist,) = dist.glob("prep-*.tar.gz")
    with tarfile.open(sdist) as tar:
        in_sdist = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    (wheel,) = dist.glob("prep-*.whl")
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    ids = [i for i in bank.exercise_ids(ROOT)]
    assert ids
    for ex_id in ids:
        for name in ("exercise.toml", "test_public.py", "test_hidden.py", f"learner/{ex_id}.py",
                     f"learner/{ex_id}.ipynb", "learner/README.md"):
            assert f"exercises/{ex_id}/{name}" in in_sdist, (ex_id, name)
            assert f"{COURSE}/exercises/{ex_id}/{name}" in in_wheel, (ex_id, name)
        assert f"{COURSE}/solutions/{ex_id}.py" in in_wheel
    assert not [n for n in in_wheel | in_sdist if "__pycache__" in n or n.endswith(".pyc")]
    assert {"cli.py", "prep.py", "grader/course.py", "grader/judge/pytest.ini"} <= in_wheel


def test_the_installed_wheel_lists_fetches_and_checks_like_the_checkout(venv, tmp_path):
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import grader, grader.bank as b; print(grader.__file__); print(b.bank_root())"],
                           cwd=work, capture_output=True, text=True, check=True).stdout.split()
    assert Path(where[0]).is_relative_to(venv), where  # prep comes from the wheel, not the checkout
    installed = Path(where[1])
    assert installed == Path(where[0]).parent / "builtin_course"
    # the sandbox of `prep grade` binds the installed package, and masks the course inside it
    masked = subprocess.run([str(venv / "bin" / "python"), "-c", "from grader.judge import sandbox as s; "
                             "print(*s._course_folders_inside(s._python_paths()), sep='\\n')"],
                            cwd=work, capture_output=True, text=True, check=True).stdout.split()
    assert masked == [os.path.realpath(installed / "exercises"), os.path.realpath(installed / "solutions")], masked

    listed = prep(venv, "list", "--json", cwd=work, home=home)
    assert listed.returncode == 0, listed.stderr
    want = {ex.id: ex.max_score for ex in bank.load_all(installed)}
    assert {e["id"]: e["max_score"] for e in json.loads(listed.stdout)} == want
    assert set(want) == set(bank.exercise_ids(ROOT))

    fetched = prep(venv, "fetch", "autograd-mul", cwd=work, home=home)
    assert fetched.returncode == 0, fetched.stderr
    ex = bank.load("autograd-mul", installed)
    want = course.learner_file_bytes(ex)  # as fetch writes them, in the default languages
    for name in ("autograd-mul.py", "autograd-mul.ipynb", "README.md", "test_public.py"):
        assert (work / "autograd-mul" / name).read_bytes() == want[name], name

    stub = prep(venv, "check", "autograd-mul", "--file", "autograd-mul/autograd-mul.py", "--json", cwd=work, home=home)
    assert stub.returncode == 1, stub.stderr
    assert (json.loads(stub.stdout)["status"], json.loads(stub.stdout)["score"]) == ("graded", 0)
    quiz = installed / "solutions" / "quiz-dynamic-graphs.py"
    good = prep(venv, "check", "quiz-dynamic-graphs", "--file", str(quiz), "--json", cwd=work, home=home)
    assert good.returncode == 0, good.stdout + good.stderr
    result = json.loads(good.stdout)
    assert result["score"] == result["max_score"] == bank.load("quiz-dynamic-graphs", ROOT).max_score
    solution = prep(venv, "solution", "quiz-dynamic-graphs", cwd=work, home=home)
    assert solution.stdout == quiz.read_text()
    assert os.listdir(work) == ["autograd-mul"]
