"""Courses: `prep publish`, a static HTTP server on 127.0.0.1, `prep course add/list/use/update`, `prep fetch`,
checking against the fetched version, tampered archives, a server that is down or slow, exams without solutions,
and where prep looks for exercises."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import shutil
import socket
import tarfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from grader import api, authoring, bank, course

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    return CliRunner().invoke(cli.cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def bank_copy(tmp_path):
    """make(*ids): an instructor's bank in tmp_path/bank with these exercises, learner files freshly built
    (so that colleagues' half-finished edits in the checkout cannot make publishing refuse them)."""
    root = tmp_path / "bank"

    def make(*ids: str) -> Path:
        (root / "solutions").mkdir(parents=True, exist_ok=True)
        for ex_id in ids:
            shutil.copytree(ROOT / "exercises" / ex_id, root / "exercises" / ex_id,
                            ignore=shutil.ignore_patterns("__pycache__"))
            shutil.copy(ROOT / "solutions" / f"{ex_id}.py", root / "solutions")
            authoring.build(bank.load(ex_id, root))
        return root

    return make


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    """serve(folder) -> (base URL, stop): a static HTTP server on 127.0.0.1 in a thread."""
    stops = []

    def start(folder: Path):
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()

        def stop():
            server.shutdown()
            server.server_close()

        stops.append(stop)
        return f"http://127.0.0.1:{server.server_address[1]}/", stop

    yield start
    for stop in stops:
        stop()


def archive_names(path: Path) -> list[str]:
    with tarfile.open(path) as tar:
        return tar.getnames()


def learner_bytes(root: Path, ex_id: str) -> dict[str, bytes]:
    return course.learner_file_bytes(bank.load(ex_id, root))  # as fetch writes them, in the default languages


def test_a_published_course_is_fetched_over_http_verified_and_cached(tmp_path, bank_copy, serve, isolated_home):
    root = bank_copy("autograd-mul", "quiz-dynamic-graphs")
    out = tmp_path / "site" / "practice"
    published = run("publish", "--bank", root, "--out", out)
    assert published.exit_code == 0, published.output
    assert published.output.splitlines()[-2] == (f"course practice v1 (practice, with reference solutions): "
                                                 f"2 exercise(s) in {out}")
    index = json.loads((out / "index.json").read_text())
    assert (index["format"], index["course"], index["version"], index["exam"]) == (1, "practice", 1, False)
    for ex_id, entry in index["exercises"].items():
        archive = out / entry["archive"]
        assert hashlib.sha256(archive.read_bytes()).hexdigest() == entry["sha256"]
        assert f"solutions/{ex_id}.py" in archive_names(archive)
        assert entry["metadata"]["title"] == bank.load(ex_id, root).title

    url, _ = serve(tmp_path / "site")
    added = run("course", "add", url + "practice/")
    assert added.exit_code == 0, added.output
    assert added.output == (f"added course practice v1 (practice, 2 exercise(s)) from {url}practice/; now using it\n"
                            "Next: `prep list`, then `prep fetch ID` (`prep course use builtin` goes back to the "
                            "built-in course)\n")
    assert [line.split()[0] for line in run("list").output.splitlines()] == ["autograd-mul", "quiz-dynamic-graphs"]
    assert run("course", "list").output == (
        f"  {'builtin':<20}  built in, {len(bank.exercise_ids(ROOT))} exercise(s)  {ROOT}\n"
        f"* {'practice':<20}  v1, practice, 2 exercise(s), 0 fetched  {url}practice/\n")

    target = tmp_path / "mul"
    fetched = run("fetch", "autograd-mul", "--dir", target)
    assert fetched.exit_code == 0, fetched.output
    assert fetched.output.splitlines()[0] == "autograd-mul: v1 of course practice"
    for name, data in learner_bytes(root, "autograd-mul").items():
        assert (target / name).read_bytes() == data, name
    assert not (target / "test_hidden.py").exists()
    stored = isolated_home / "courses" / "practice" / "store" / index["exercises"]["autograd-mul"]["sha256"]
    assert (stored / "exercises" / "autograd-mul" / "test_hidden.py").is_file()
    assert run("course", "use", "builtin").output == "using course builtin\n"
    assert len(run("list").output.splitlines()) == len(bank.exercise_ids(ROOT))


def test_update_brings_the_new_version_and_never_overwrites_an_edited_file(tmp_path, bank_copy, serve):
    root = bank_copy("autograd-mul")
    out = tmp_path / "site" / "practice"
    run("publish", "--bank", root, "--out", out)
    url, _ = serve(tmp_path / "site")
    run("course", "add", url + "practice/")
    folder = tmp_path / "mul"
    run("fetch", "autograd-mul", "--dir", folder)
    stub = folder / "autograd-mul.py"
    stub.write_text(stub.read_text() + "\n# my work\n")
    mine = stub.read_bytes()

    toml = root / "exercises" / "autograd-mul" / "exercise.toml"
    toml.write_text(toml.read_text().replace('title = "', 'title = "Revised: ', 1))
    authoring.build(bank.load("autograd-mul", root))
    republished = run("publish", "--bank", root, "--out", out)
    assert republished.output.splitlines()[0].split()[:3] == ["autograd-mul", "v2", "new"]

    updated = run("course", "update")
    assert updated.exit_code == 0, updated.output
    beside = folder / "autograd-mul.v2.py"
    assert updated.output == ("course practice: v1 -> v2\n"
                              "autograd-mul: v1 -> v2\n"
                              f"wrote {folder / 'autograd-mul.ipynb'}\n"
                              f"wrote {folder / 'README.md'}\n"
                              f"kept {stub}: you have edited it; the new version is in {beside}\n")
    new_files = learner_bytes(root, "autograd-mul")
    assert stub.read_bytes() == mine
    assert beside.read_bytes() == new_files["autograd-mul.py"]
    assert (folder / "README.md").read_bytes() == new_files["README.md"]
    ex, version = course.active_source().exercise_for_grading("autograd-mul")
    assert version == "v2 of course practice" and ex.title.startswith("Revised: ")
    assert run("course", "update").output == "course practice is up to date (v2)\n"


def test_a_tampered_archive_is_refused_and_named(tmp_path, bank_copy, serve, isolated_home):
    root = bank_copy("autograd-mul")
    out = tmp_path / "site" / "practice"
    run("publish", "--bank", root, "--out", out)
    entry = json.loads((out / "index.json").read_text())["exercises"]["autograd-mul"]
    archive = out / entry["archive"]
    good = archive.read_bytes()
    bad = good[:-1] + bytes([good[-1] ^ 1])
    archive.write_bytes(bad)
    url, _ = serve(tmp_path / "site")
    run("course", "add", url + "practice/")

    refused = run("fetch", "autograd-mul", "--dir", tmp_path / "mul")
    assert refused.exit_code == 2
    assert refused.output == (f"Error: {entry['archive']} of course practice was refused: its sha256 is "
                              f"{hashlib.sha256(bad).hexdigest()[:16]}..., the index says {entry['sha256'][:16]}... "
                              "(changed or damaged on the way): run `prep course update`, or tell the course's "
                              "publisher\n")
    assert not (tmp_path / "mul").exists()
    assert not (isolated_home / "courses" / "practice" / "store" / entry["sha256"]).exists()
    archive.write_bytes(good)
    assert run("fetch", "autograd-mul", "--dir", tmp_path / "mul").exit_code == 0


def test_with_the_server_stopped_cached_exercises_still_fetch_and_check(tmp_path, bank_copy, serve):
    root = bank_copy("quiz-dynamic-graphs")
    run("publish", "--bank", root, "--out", tmp_path / "site" / "practice")
    url, stop = serve(tmp_path / "site")
    run("course", "add", url + "practice/")
    folder = tmp_path / "quiz"
    assert run("fetch", "quiz-dynamic-graphs", "--dir", folder).exit_code == 0
    stop()

    again = run("fetch", "quiz-dynamic-graphs", "--dir", folder)
    assert again.exit_code == 0 and f"{folder} is up to date\n" in again.output
    checked = run("check", "quiz-dynamic-graphs", "--file", root / "solutions" / "quiz-dynamic-graphs.py")
    assert checked.exit_code == 0, checked.output
    assert checked.output.splitlines()[0].endswith(", v1 of course practice]")
    update = run("course", "update")
    assert update.exit_code == 2
    assert update.output.startswith(f"Error: cannot fetch the index of course practice: {url}practice/index.json "
                                    "cannot be reached (")
    assert update.output.endswith("): check the address and your connection; exercises you fetched before still "
                                  "work offline\n")


def test_a_server_that_never_answers_is_a_clear_error_within_the_timeout(monkeypatch):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # the kernel accepts connections; nobody ever answers them
    monkeypatch.setenv("PREP_HTTP_TIMEOUT", "0.5")
    url = f"http://127.0.0.1:{silent.getsockname()[1]}/course/"
    started = time.monotonic()
    try:
        added = run("course", "add", url)
    finally:
        silent.close()
    assert time.monotonic() - started < 5
    assert added.exit_code == 2
    assert added.output == (f"Error: cannot fetch the course index: {url}index.json did not answer within 0.5 s "
                            "(the server is slow or down): try again later; exercises you fetched before still work "
                            "offline\n")
    assert run("course", "list").output.count("\n") == 1  # nothing was added


def test_an_exam_has_no_solutions_and_force_cannot_reveal_one(tmp_path, bank_copy):
    root = bank_copy("quiz-dynamic-graphs", "fix-softplus")
    out = tmp_path / "exam"
    published = run("publish", "--bank", root, "--out", out, "--exam", "--course-id", "final-exam")
    assert published.exit_code == 0, published.output
    assert published.stdout.splitlines()[-2] == (f"course final-exam v1 (exam, no reference solutions): "
                                                 f"2 exercise(s) in {out}")
    assert published.stderr.startswith("note: quiz-dynamic-graphs is a quiz: its hidden graders hold the answer key")
    index = json.loads((out / "index.json").read_text())
    assert index["exam"] is True
    for ex_id, entry in index["exercises"].items():
        names = archive_names(out / entry["archive"])
        assert not [n for n in names if not n.startswith(f"exercises/{ex_id}/")], names
        assert entry["solution"] is False
        assert not set(course.MAINTAINER_ONLY_FIELDS) & set(entry["metadata"])
    with tarfile.open(out / index["exercises"]["fix-softplus"]["archive"]) as tar:
        toml = tar.extractfile("exercises/fix-softplus/exercise.toml").read().decode()
    assert "seed_defects" not in toml and "equivalent_mutants" not in toml
    assert (root / "solutions" / "fix-softplus.py").is_file()  # the instructor's bank keeps everything

    assert run("course", "add", out).exit_code == 0  # a folder works as well as a URL
    assert run("fetch", "quiz-dynamic-graphs", "--dir", tmp_path / "quiz").exit_code == 0
    withheld = ("Error: course final-exam does not include reference solutions (it was published as an exam), so "
                "there is none to show: ask your instructor\n")
    for args in (["solution", "quiz-dynamic-graphs"], ["solution", "quiz-dynamic-graphs", "--force"]):
        result = run(*args)
        assert (result.exit_code, result.output) == (2, withheld)
    checked = run("check", "quiz-dynamic-graphs", "--file", root / "solutions" / "quiz-dynamic-graphs.py")
    assert checked.exit_code == 0, checked.output  # grading needs no reference
    assert run("solution", "quiz-dynamic-graphs").output == withheld
    assert api.get_bank_exercise("quiz-dynamic-graphs").solution_path.is_file()  # `prep grade` uses the bank


def test_publishing_is_deterministic_and_versions_only_what_changed(tmp_path, bank_copy):
    root = bank_copy("autograd-mul", "quiz-dynamic-graphs")
    first, second = tmp_path / "a" / "course", tmp_path / "b" / "course"
    for out in (first, second):
        assert run("publish", "--bank", root, "--out", out).exit_code == 0
    assert (first / "index.json").read_bytes() == (second / "index.json").read_bytes()
    for archive in (first / "archives").iterdir():
        assert archive.read_bytes() == (second / "archives" / archive.name).read_bytes()
    again = run("publish", "--bank", root, "--out", first)
    assert [line.split()[1:3] for line in again.output.splitlines()[:2]] == [["v1", "unchanged"]] * 2
    assert again.output.splitlines()[2].startswith("course course v1 ")
    subset = run("publish", "quiz-dynamic-graphs", "--bank", root, "--out", first)
    assert subset.output.splitlines()[1] == f"{'autograd-mul':<30}  removed from the course"
    assert subset.output.splitlines()[2].startswith("course course v2 ")
    wrong_kind = run("publish", "--bank", root, "--out", first, "--exam")
    assert wrong_kind.output == f"Error: {first} holds a practice course: publish without --exam, or into another folder\n"


def test_every_exercise_s_metadata_can_be_written_for_an_exam():
    for ex_id in bank.exercise_ids(ROOT):
        path = ROOT / "exercises" / ex_id / "exercise.toml"
        data = course.tomllib.loads(path.read_text(encoding="utf-8"))
        kept = {k: v for k, v in data.items() if k not in course.MAINTAINER_ONLY_FIELDS}
        assert course.tomllib.loads(course.toml_text(kept, where=str(path))) == kept


def test_an_archive_with_a_file_outside_its_exercise_is_refused(tmp_path):
    for name in ("exercises/autograd-mul/../../evil.py", "exercises/other/test_hidden.py", "solutions/other.py"):
        data = course.deterministic_archive([("exercises/autograd-mul/exercise.toml", b""), (name, b"x")])
        with pytest.raises(course.CourseError, match="which is not a file of autograd-mul: it was refused"):
            course.unpack(data, "autograd-mul", tmp_path / "dest", where="a.tar.gz")
    link = io.BytesIO()
    with tarfile.open(fileobj=link, mode="w:gz") as tar:
        info = tarfile.TarInfo("exercises/autograd-mul/probes.py")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(info)
    with pytest.raises(course.CourseError, match="not a file of autograd-mul"):
        course.unpack(link.getvalue(), "autograd-mul", tmp_path / "dest", where="a.tar.gz")
    assert not (tmp_path / "evil.py").exists()


# ---------------------------------------------------------------- where prep looks for exercises


def test_prep_bank_comes_before_the_course_in_use(tmp_path, bank_copy, monkeypatch):
    root = bank_copy("quiz-dynamic-graphs", "autograd-mul")
    run("publish", "quiz-dynamic-graphs", "--bank", root, "--out", tmp_path / "site" / "practice")
    run("course", "add", tmp_path / "site" / "practice")
    mine = tmp_path / "mine"
    shutil.copytree(root / "exercises" / "autograd-mul", mine / "exercises" / "autograd-mul")
    monkeypatch.setenv("PREP_BANK", str(mine))
    assert [line.split()[0] for line in run("list").output.splitlines()] == ["autograd-mul"]
    monkeypatch.delenv("PREP_BANK")
    assert [line.split()[0] for line in run("list").output.splitlines()] == ["quiz-dynamic-graphs"]


def test_a_prep_bank_without_exercises_is_an_error_not_an_empty_list(tmp_path, monkeypatch):
    monkeypatch.setenv("PREP_BANK", str(tmp_path))
    result = run("list")
    assert result.exit_code == 2
    assert result.output == (f"Error: PREP_BANK is {tmp_path}, which has no exercises/ folder: point PREP_BANK at "
                             "your bank (the folder that holds exercises/), or create one with "
                             "`prep new ID --bank DIR`\n")


def test_no_bank_anywhere_says_where_prep_looked(tmp_path, monkeypatch):
    monkeypatch.setattr(bank, "checkout_root", lambda: tmp_path / "site-packages")
    monkeypatch.setattr(bank, "installed_course_root", lambda: tmp_path / "site-packages" / "grader" / "builtin_course")
    expected = (f"Error: no exercise bank found (PREP_BANK is not set, no course is in use, and neither "
                f"{tmp_path / 'site-packages' / 'exercises'} nor "
                f"{tmp_path / 'site-packages' / 'grader' / 'builtin_course' / 'exercises'} exists): reinstall prep, "
                "set PREP_BANK to a folder with exercises/, or run `prep course add URL`\n")
    for args in (["list"], ["fetch", "autograd-mul"], ["show", "autograd-mul"]):
        result = run(*args)
        assert (result.exit_code, result.output) == (2, expected)
