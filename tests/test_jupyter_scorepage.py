"""`prep score --html`: a self-contained page with progress by topic and an SVG plot drawn by prep."""

from __future__ import annotations

import re
import subprocess
import sys

from click.testing import CliRunner

import cli
from grader import api, bank

ROOT = bank.bank_root()
QUIZ = "quiz-dynamic-graphs"


def run(*args):
    return CliRunner().invoke(cli.cli, list(args), catch_exceptions=False)


def test_score_report_counts_by_topic():
    run("check", QUIZ, "--file", str(ROOT / "solutions" / f"{QUIZ}.py"))
    report = api.score_report()
    ex = bank.load(QUIZ)
    for topic in ex.topics:
        t = next(t for t in report.topics if t.topic == topic)
        members = [e for e in bank.load_all() if topic in e.topics]
        assert (t.exercises, t.passed, t.attempted) == (len(members), 1, 1)
        assert t.best_points == ex.max_score and t.max_points == sum(e.max_score for e in members)
    assert report.passed == 1


def test_html_page_has_the_topics_and_a_plot(tmp_path):
    run("check", QUIZ, "--file", str(ROOT / "solutions" / f"{QUIZ}.py"))
    page = tmp_path / "out" / "progress.html"
    result = run("score", "--html", str(page))
    assert result.exit_code == 0 and result.output.endswith(f"wrote {page}\n")
    text = page.read_text()
    assert text.startswith("<!doctype html>") and "<svg" in text
    assert "<script" not in text and "src=" not in text and "<link" not in text  # self-contained
    report = api.score_report()
    bars = dict(re.findall(r'class="bar" data-topic="([^"]+)" x="\d+" y="\d+" width="([\d.]+)"', text))
    assert set(bars) == {t.topic for t in report.topics}
    concepts = next(t for t in report.topics if t.topic == "concepts")
    # one kind of number per bar: the share of the topic's exercises passed, labelled with that count
    assert abs(float(bars["concepts"]) - 360 * concepts.passed / concepts.exercises) < 0.1
    assert f">{concepts.passed}/{concepts.exercises} passed</text>" in text
    labels = re.findall(r'<text x="\d+" y="\d+" fill="#1f2328">([^<]*)</text>', text)
    assert labels and all(re.fullmatch(r"\d+/\d+ passed", label) for label in labels)
    tracks = re.findall(r'class="track-bar" data-topic="([^"]+)"', text)
    assert tracks == [t.topic for t in report.tracks] and len(tracks) == 3
    assert f"<code>{QUIZ}</code>" in text and "1 of" in text


def test_html_into_a_folder_is_a_usage_error(tmp_path):
    result = run("score", "--html", str(tmp_path))
    assert result.exit_code == 2


def test_score_html_needs_no_torch(tmp_path):
    code = ("import sys\nfrom click.testing import CliRunner\nimport cli\n"
            f"r = CliRunner().invoke(cli.cli, ['score', '--html', {str(tmp_path / 'p.html')!r}])\n"
            "assert r.exit_code == 0, r.output\nprint('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={"PREP_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}, check=True)
    assert out.stdout.strip() == "False"
