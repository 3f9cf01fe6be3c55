"""``report.html``: what it counts, and the learner table in a real browser.

The counting tests run on synthetic records (fast). The browser test opens the report in Debian's
headless Chromium through Playwright (as tests/test_browser_notebook.py does: never a downloaded
browser), sorts the table by score, filters it by status, checks that nothing loads from anywhere
and no hostile name runs, and saves a screenshot in the test's tmp folder (the path is printed).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from grader.batch import export
from grader.batch.export import UNUSABLE, export_stems
from grader.batch.store import display_name
from tests.test_exports import hostile_records

EXERCISE = "fix-softplus"
POINTS = {"test_forward": 1.0, "test_backward": 2.0, "test_large_inputs": 1.0}


def _record(learner: str, status: str, passed: tuple[str, ...] = ()) -> dict:
    tests = [{"name": n, "outcome": "passed" if n in passed else "failed", "hidden": n == "test_large_inputs",
              "points": p if n in passed else 0.0, "max_points": p, "message": "" if n in passed else "wrong"}
             for n, p in POINTS.items()]
    score = None if status == "infra_error" else sum(t["points"] for t in tests)
    return {"learner": learner, "exercise": EXERCISE, "status": status, "score": score,
            "max_score": sum(POINTS.values()), "tests": [] if status == "infra_error" else tests,
            "message": "" if status == "graded" else f"{status} <b>here</b>"}


def class_records() -> list[dict]:
    """Two exercises: the hostile class of test_exports, and a class with every status."""
    mixed = [_record("ada", "graded", tuple(POINTS)), _record("ben", "graded", ("test_forward",)),
             _record("cy", "graded"), _record("dee", "graded", ("test_forward", "test_backward")),
             _record("eve", "not_gradable"), _record("fay", "timeout"), _record("gus", "crashed"),
             _record("hal", "memory_limit"), _record("ivy", "infra_error"),
             _record("<script>alert('x')</script>", "graded", ("test_backward",))]
    return sorted(hostile_records() + mixed, key=lambda r: (r["learner"], r["exercise"]))


class Page(HTMLParser):
    """The elements of a page, with their attributes, and the text of its scripts."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def test_unusable_submissions_are_counted_apart_and_pass_rates_use_graded_only():
    records = [r for r in class_records() if r["exercise"] == EXERCISE]
    counts = export.summary_counts(records)
    graded = [r for r in records if r["status"] == "graded"]
    assert counts["scored"] == len(graded) and sum(counts["histogram"]) == len(graded)
    assert counts["unusable"] == sum(r["status"] in UNUSABLE for r in records)
    assert counts["full_marks"] == sum(r["score"] == r["max_score"] for r in graded)
    assert counts["failed"] == len(graded) - counts["full_marks"]
    rates = export.grader_pass_rates(records)
    for name in POINTS:
        passed = sum(t["name"] == name and t["outcome"] == "passed" for r in graded for t in r["tests"])
        assert rates[(EXERCISE, name)] == (passed, len(graded))


def test_report_has_a_section_per_exercise_a_plot_and_a_row_per_learner(tmp_path):
    records = class_records()
    export.write_all(records, tmp_path)
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    page = Page(text)
    sections = [a["data-exercise"] for tag, a in page.tags if tag == "section"]
    assert sections == sorted({r["exercise"] for r in records})
    assert sum(tag == "svg" and "score-plot" in a.get("class", "") for tag, a in page.tags) == len(sections)
    rows = [a for tag, a in page.tags if tag == "tr" and "data-status" in a]
    assert sorted(a["data-status"] for a in rows) == sorted(r["status"] for r in records)
    stems = export_stems([r["learner"] for r in records])
    links = [unquote(a["href"]) for tag, a in page.tags if tag == "a" and a["href"].startswith("feedback/")]
    assert sorted(links) == sorted(f"feedback/{stems[r['learner']]}.md" for r in records)
    assert all((tmp_path / link).is_file() for link in links)  # every link finds its learner's feedback
    for r in records:
        assert export.html_text(display_name(r["learner"])) in text


def test_report_runs_only_its_own_script_and_loads_nothing(tmp_path):
    export.write_all(class_records(), tmp_path)
    page = Page((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert page.scripts == [export.REPORT_SCRIPT]  # hostile names and messages stay text
    assert not [tag for tag, _ in page.tags if tag in ("b", "img", "iframe", "object", "embed", "link", "base")]
    assert not [(tag, k) for tag, a in page.tags for k in a if k.startswith("on")]
    assert not [v for _, a in page.tags for k, v in a.items() if k in ("src", "href") and re.match(r"\w+:", v)]
    csp = next(a["content"] for tag, a in page.tags if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and f"'sha256-{export._script_hash()}'" in csp


# ---------------------------------------------------------------- in Chromium

CHROMIUM = Path("/usr/bin/chromium")


def _browser_requirements() -> str | None:
    if not CHROMIUM.exists():
        return f"Debian's chromium is not installed ({CHROMIUM}): apt-get install -y chromium (.ci/run does it in CI)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed: ./bootstrap --dev"
    return None


@pytest.mark.slow
@pytest.mark.skipif(_browser_requirements() is not None, reason=str(_browser_requirements()))
def test_report_table_sorts_and_filters_in_chromium(tmp_path, capsys):
    from playwright.sync_api import sync_playwright

    from tests.test_browser_notebook import CHROMIUM_ARGS

    records = class_records()
    export.write_all(records, tmp_path)
    mine = [r for r in records if r["exercise"] == EXERCISE]
    url = (tmp_path / "report.html").as_uri()
    screenshot = tmp_path / "report.png"
    requests, dialogs, errors = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 1000})
            page.on("request", lambda request: requests.append(request.url))
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(url)
            section = page.locator(f"section[data-exercise='{EXERCISE}']")
            rows = section.locator("table.learners tbody tr")
            assert rows.count() == len(mine)
            assert section.locator(".shown").inner_text() == f"{len(mine)} of {len(mine)} shown"

            def shown() -> list[tuple[str, str]]:  # (learner, score cell) of the visible rows, top to bottom
                return [tuple(cells) for cells in rows.evaluate_all(
                    "rows => rows.filter(r => !r.hidden).map(r => [r.cells[0].textContent, r.cells[1].dataset.value])")]

            score_header = section.locator("table.learners thead button", has_text="score")
            score_header.click()
            ascending = shown()
            scored = [float(v) for _, v in ascending if v != ""]
            assert scored == sorted(float(r["score"]) for r in mine if r["status"] != "infra_error")
            assert [v for _, v in ascending[len(scored):]] == [""] * (len(mine) - len(scored))  # not scored: last
            score_header.click()
            descending = [float(v) for _, v in shown() if v != ""]
            assert descending == sorted(scored, reverse=True)

            section.locator("select.status-filter").select_option("graded")
            graded = sorted(display_name(r["learner"]) for r in mine if r["status"] == "graded")
            assert sorted(name for name, _ in shown()) == graded
            assert section.locator(".shown").inner_text() == f"{len(graded)} of {len(mine)} shown"
            section.locator("select.status-filter").select_option("timeout")
            assert [name for name, _ in shown()] == [r["learner"] for r in mine if r["status"] == "timeout"]
            section.locator("select.status-filter").select_option("")
            assert len(shown()) == len(mine)

            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    assert requests == [url]  # the page itself and nothing else: no network, no other file
    assert dialogs == [] and errors == []  # no hostile name ran, no script failed or was refused
    with capsys.disabled():
        print(f"\nreport screenshot: {screenshot}")
