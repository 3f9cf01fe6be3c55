"""Everything a batch writes for people and other tools, derived only from the results store.

The same store always gives byte-identical exports (sorted, no timestamps), so a batch that was
killed and resumed exports exactly what an uninterrupted one would. Feedback never shows hidden
test source or expected values: hidden graders' messages already hold only the failed property.
An ``infra_error`` is never exported as a zero: its score is left empty.

Learner names and messages are data, never markup: every export escapes them for its own format
(CSV cells that a spreadsheet would run as a formula get a leading ``'``; XML 1.0's forbidden
characters become visible escapes; Markdown metacharacters are backslash-escaped and ``<>&``
HTML-escaped; the HTML report goes through ``html.escape``). Names are shown
in their ``display_name`` form (always valid UTF-8, lossless), and files are named by ``file_stem``
(readable prefix + hash), never by percent-encoding.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import math
import re
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import quoteattr

from grader.batch.store import display_name, dumps_json, file_stem

# ---------------------------------------------------------------- escaping, one function per format

# C0/C1 controls but tab and newline, lone surrogates, the two non-characters, and the invisible
# line/paragraph separators and bidi controls (they can make text read backwards): shown, not kept.
_UNSEEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SURROGATES = re.compile("[\ud800-\udfff]")
# What XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _escape_char(m: re.Match[str]) -> str:
    o = ord(m.group())
    if 0xDC80 <= o <= 0xDCFF:
        return f"\\x{o - 0xDC00:02x}"  # a byte that is not UTF-8, as backslashreplace shows it
    return f"\\x{o:02x}" if o < 0x80 else f"\\u{o:04x}"


def visible(text: Any) -> str:
    """Any text as printable, valid Unicode: CRLF becomes a newline; NUL, ESC, other control
    characters, lone surrogates and invisible direction marks become escapes such as ``\\x1b``."""
    text = "" if text is None else str(text)
    return _UNSEEN.sub(_escape_char, text.replace("\r\n", "\n").replace("\r", "\n"))


def xml_text(text: Any) -> str:
    """Text that XML 1.0 accepts (nothing it forbids can remain; ``<>&"`` are quoteattr's job)."""
    return _NOT_XML.sub(_escape_char, visible(text))


_FORMULA_START = tuple("=+-@\t\r") + tuple("\uff1d\uff0b\uff0d\uff20")  # and their full-width forms


def csv_text(text: Any) -> str:
    """A text cell no spreadsheet runs as a formula (OWASP: prefix a single quote).

    A cell that starts with ``= + - @``, a tab or CR, also after leading blanks, gets a leading
    ``'``; so does a cell that already starts with ``'``, so the original stays recoverable
    (strip one leading ``'`` from any cell that has one).
    """
    text = visible(text)
    if text.startswith(_FORMULA_START) or text.lstrip().startswith(_FORMULA_START) or text.startswith("'"):
        return "'" + text
    return text


def csv_number(value: Any) -> str:
    """A number prep computed, written as a plain number; anything else is treated as text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return csv_text(value)
    return f"{value:g}"


_MD_META = re.compile(r"([\\`*_{}\[\]()#+\-.!|~=:$@^])")


def md_text(text: Any) -> str:
    """Markdown that renders as the literal text: metacharacters backslash-escaped, ``<>&``
    HTML-escaped, so no heading, list, link, emphasis, table or raw HTML can come from it."""
    return html.escape(_MD_META.sub(r"\\\1", visible(text)), quote=False)


def html_text(text: Any) -> str:
    return html.escape(visible(text))


def learner_label(learner: str) -> str:
    """The learner's name as exports show it (lossless: see ``display_name``)."""
    return display_name(learner)


# Letters that draw like another in common fonts (the usual ones of Unicode's confusables, TR39: Cyrillic and Greek
# letters shaped as Latin ones; I, l and 1; O and 0), and "rn", which draws like "m". Two learner folders whose names
# differ only by them ("Alice" and "Аlice" with a Cyrillic А), or by the form of an accent ("José" precomposed and
# "José" with a combining accent) or by fullwidth letters ("Ｍartin") are two learners that every export shows under
# the same name; an instructor who copies scores to a roster by name can credit the wrong one.
_LOOKALIKE = str.maketrans(
    "АВЕКМНОРСТХУЅІЈҮԚԜаеорсухѕіјԁһԛԝӏɡΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαρνυιI10",
    "ABEKMHOPCTXYSIJYQWaeopcyxsijdhqwlgABEZHIKMNOPTYXoapvuillO")  # two strings of equal length


def name_skeleton(learner: str) -> str:
    """What a learner's name looks like as exports show it: compatibility forms folded (NFKC: fullwidth letters,
    combining accents, ligatures), lookalike letters of other scripts as the Latin ones, case ignored."""
    text = unicodedata.normalize("NFKC", display_name(learner)).translate(_LOOKALIKE).casefold()
    return text.replace("rn", "m")


def lookalike_names(learners: list[str]) -> list[list[str]]:
    """Groups of two or more distinct learners whose names look the same in the exports (see ``name_skeleton``)."""
    groups: dict[str, set[str]] = defaultdict(set)
    for learner in set(learners):
        groups[name_skeleton(learner)].add(learner)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


def lookalike_note(learner: str) -> str:
    """How to tell a lookalike name apart: its characters outside ASCII, by their Unicode names."""
    def shown(c: str) -> str:  # a combining mark on a dotted circle, not on the character before it
        return "\u25cc" + c if unicodedata.category(c).startswith("M") else c

    odd = [f"{shown(c)} U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in dict.fromkeys(display_name(learner))
           if not c.isascii()]
    return "; ".join(odd) if odd else "ASCII only"


# ---------------------------------------------------------------- the exports


def _score(record: dict[str, Any]) -> str:
    if record.get("status") == "infra_error" or record.get("score") is None:
        return ""
    return csv_number(record["score"])


def _max(record: dict[str, Any]) -> str:
    return csv_number(record.get("max_score") or 0)


def write_all(records: list[dict[str, Any]], out: Path) -> list[Path]:
    written = [write_csv(records, out / "grades.csv"), write_junit(records, out / "junit.xml"),
               write_html_report(records, out / "report.html")]
    written += write_per_learner(records, out)
    return written


def write_csv(records: list[dict[str, Any]], path: Path) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["learner", "exercise", "score", "max_score", "status"])
    for r in records:
        w.writerow([csv_text(learner_label(r["learner"])), csv_text(r["exercise"]), _score(r), _max(r),
                    csv_text(r.get("status"))])
    return _write(path, buf.getvalue())


def export_stems(learners: list[str]) -> dict[str, str]:
    """learner -> the stem of their export files: ``file_stem``, or with the full hash for names
    whose short stems would meet (also ignoring case, for case-insensitive file systems)."""
    by_stem: dict[str, list[str]] = defaultdict(list)
    for learner in sorted(set(learners)):
        by_stem[file_stem(learner).casefold()].append(learner)
    stems = {}
    for group in by_stem.values():
        for i, learner in enumerate(group):
            stems[learner] = file_stem(learner) if i == 0 else file_stem(learner, 64)
    return stems


def write_per_learner(records: list[dict[str, Any]], out: Path) -> list[Path]:
    by_learner: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_learner[r["learner"]].append(r)
    stems = export_stems(list(by_learner))
    written = []
    for learner, recs in sorted(by_learner.items()):
        name = stems[learner]
        summary = {"learner": learner_label(learner), "file": name, "exercises": [_public(r) for r in recs]}
        written.append(_write(out / "learners" / f"{name}.json", _json(summary)))
        written.append(_write(out / "feedback" / f"{name}.md", feedback_markdown(learner, recs)))
        written.append(_write(out / "gradescope" / name / "results.json", _json(gradescope(recs))))
    return written


def _json(data: Any) -> str:
    return dumps_json(_no_surrogates(data), indent=1, sort_keys=True) + "\n"


def _no_surrogates(data: Any) -> Any:
    """JSON for other tools: a lone surrogate (strict parsers refuse its escape) shows as ``\\xe9``."""
    if isinstance(data, str):
        return _SURROGATES.sub(_escape_char, data)
    if isinstance(data, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_no_surrogates(v) for v in data]
    return data


def _public(r: dict[str, Any]) -> dict[str, Any]:
    keep = ("exercise", "status", "score", "max_score", "message", "tests", "seed", "sha256")
    return {k: r.get(k) for k in keep}


def feedback_markdown(learner: str, recs: list[dict[str, Any]]) -> str:
    """One learner's feedback. Headings are prep's own text; the name and every message are
    escaped data (the name after a fixed label), so nothing in them can forge a heading or a score."""
    lines = ["# Feedback", "", f"Learner: {md_text(learner_label(learner))}", ""]
    for r in recs:
        score = _score(r) or "not scored"
        status = str(r.get("status", "")).replace("_", " ")
        lines += [f"## {md_text(r['exercise'])}: {md_text(score)}/{md_text(_max(r))} ({md_text(status)})", ""]
        if r.get("message"):
            lines += [md_text(ln) for ln in visible(r["message"]).splitlines()] + [""]
        for t in r.get("tests") or []:
            mark = "passed" if t.get("outcome") == "passed" else "failed"
            tag = " (hidden)" if t.get("hidden") else ""
            lines.append(f"- **{md_text(t.get('name'))}**{tag}: {mark}, "
                         f"{md_text(csv_number(t.get('points', 0)))}/{md_text(csv_number(t.get('max_points', 0)))}")
            if t.get("outcome") != "passed" and t.get("message") and t.get("message") != r.get("message"):
                lines += ["  " + md_text(ln) for ln in visible(t["message"]).splitlines()]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def gradescope(recs: list[dict[str, Any]]) -> dict[str, Any]:
    """Gradescope's autograder results.json for one learner (all exercises as tests)."""
    tests = []
    for r in recs:
        for t in r.get("tests") or []:
            tests.append({"name": visible(f"{r['exercise']}: {t.get('name')}"), "score": t.get("points", 0),
                          "max_score": t.get("max_points", 0),
                          "status": "passed" if t.get("outcome") == "passed" else "failed",
                          "output": visible(t.get("message", "")),
                          "visibility": "after_published" if t.get("hidden") else "visible"})
    scored = [r for r in recs if _score(r)]
    return {"score": sum(float(r["score"]) for r in scored), "tests": tests,
            "output": visible("; ".join(f"{r['exercise']}: {r.get('status')}" for r in recs
                                        if r.get("status") != "graded"))}


def _attr(text: Any) -> str:
    return quoteattr(xml_text(text))


def write_junit(records: list[dict[str, Any]], path: Path) -> Path:
    by_ex: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_ex[r["exercise"]].append(r)
    out = ['<?xml version="1.0" encoding="utf-8"?>', "<testsuites>"]
    for ex, recs in sorted(by_ex.items()):
        cases = []
        for r in recs:
            tests = r.get("tests") or [{"name": "submission", "outcome": "failed", "message": r.get("message", "")}]
            for t in tests:
                name = _attr(f"{learner_label(r['learner'])} :: {t.get('name')}")
                body = ""
                if r.get("status") == "infra_error":
                    body = f"<error message={_attr(r.get('message') or 'infra error')}/>"
                elif t.get("outcome") != "passed":
                    body = f"<failure message={_attr(visible(t.get('message'))[:500])}/>"
                cases.append(f"    <testcase classname={_attr(ex)} name={name}>{body}</testcase>")
        failures = sum("<failure" in c for c in cases)
        errors = sum("<error" in c for c in cases)
        out.append(f"  <testsuite name={_attr(ex)} tests=\"{len(cases)}\" failures=\"{failures}\" "
                   f"errors=\"{errors}\">")
        out += cases
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return _write(path, "\n".join(out) + "\n")


# What cannot be graded at all: counted apart from failures (a graded submission without full marks),
# and left out of the score plot and of the graders' pass rates.
UNUSABLE = ("not_gradable", "timeout", "crashed", "memory_limit", "infra_error")


def summary_counts(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts for a batch's summary: ``by_status``; of the graded submissions, ``full_marks`` and
    ``failed`` (graded, not full marks) and the ``histogram`` of their scores (ten bins of 10% of the
    maximum, full marks in the last); ``unusable``, the submissions that could not be graded."""
    by_status: dict[str, int] = defaultdict(int)
    fractions = []
    for r in records:
        by_status[r["status"]] += 1
        if r["status"] == "graded" and _score(r) and r.get("max_score"):
            fractions.append(float(r["score"]) / float(r["max_score"]))
    bins = [0] * 10
    for f in fractions:
        bins[min(max(int(f * 10), 0), 9)] += 1
    full = sum(f >= 1 for f in fractions)
    return {"by_status": dict(sorted(by_status.items())), "histogram": bins, "scored": len(fractions),
            "full_marks": full, "failed": len(fractions) - full,
            "unusable": sum(n for s, n in by_status.items() if s in UNUSABLE)}


# ---------------------------------------------------------------- report.html
#
# The class report people read, one self-contained file. An overview, then one section per
# exercise: how many submissions were graded, got full marks or failed, and how many could not be
# graded at all (UNUSABLE), counted apart from the failures; the graded submissions' scores as an
# inline SVG plot (the unusable ones as a separate grey bar); each grader's pass rate over the
# graded submissions only; and the learner table (name, score, status, one mark per grader, a link
# to the learner's feedback file), sortable by any column and filterable by status.
#
# Self-contained: inline CSS, SVG and a few lines of JavaScript; nothing from the network or any
# other file but the feedback files it links to. A Content-Security-Policy allows only that one
# script (by its hash), so even markup that slipped past the escaping could load or run nothing.
# Everything from the results (names, statuses, grader names, messages) goes through html.escape.
# Deterministic: the same records always give the same bytes.

MARKS = {"passed": "\u2713", "failed": "\u2717", "error": "\u2717"}  # check mark, ballot x
NOT_RUN = "\u2013"  # en dash: the grader did not judge this submission
PLOT_WIDTH, PLOT_HEIGHT = 620, 210

# Sorting (click a column's header; again for the other direction) and the status filter. Rows keep
# their data in attributes prep wrote: data-status on the row, data-value on a cell that sorts by number.
REPORT_SCRIPT = """
for (const section of document.querySelectorAll("section.exercise")) {
  const table = section.querySelector("table.learners");
  const body = table.tBodies[0];
  const filter = section.querySelector("select.status-filter");
  const shown = section.querySelector(".shown");
  const applyFilter = () => {
    let n = 0;
    for (const row of body.rows) {
      row.hidden = filter.value !== "" && row.dataset.status !== filter.value;
      n += !row.hidden;
    }
    shown.textContent = n + " of " + body.rows.length + " shown";
  };
  filter.addEventListener("change", applyFilter);
  for (const button of table.tHead.querySelectorAll("button")) {
    button.addEventListener("click", () => {
      const header = button.parentElement, column = header.cellIndex;
      const numeric = button.dataset.sort === "number";
      const ascending = header.getAttribute("aria-sort") !== "ascending";
      for (const other of table.tHead.rows[0].cells) other.removeAttribute("aria-sort");
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const key = (row) => {
        const cell = row.cells[column];
        if (!numeric) return cell.textContent;
        return cell.dataset.value === "" ? null : Number(cell.dataset.value);
      };
      const rows = Array.from(body.rows).sort((a, b) => {
        const x = key(a), y = key(b);
        if (x === null || y === null) return (x === null) - (y === null);  // not scored: always last
        const order = numeric ? x - y : x.localeCompare(y);
        return ascending ? order : -order;
      });
      for (const row of rows) body.appendChild(row);
    });
  }
  applyFilter();
}
"""

STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
th button{font:inherit;font-weight:bold;background:none;border:0;padding:0;cursor:pointer}
th[aria-sort=ascending] button::after{content:" \\25B2"}th[aria-sort=descending] button::after{content:" \\25BC"}
td.num{text-align:right}td.mark{text-align:center}.passed{color:#1a7f37}.failed{color:#c62828}.not-run{color:#999}
tr.unusable td{background:#f6f6f6}table.learners td:first-child{max-width:30em;overflow-wrap:anywhere}
section.exercise{border-top:2px solid #4a7bb7;margin-top:2em}
.note{color:#555;font-size:.9em}.warn{border-left:4px solid #c62828;padding-left:.8em}
"""


def _script_hash() -> str:
    return base64.b64encode(hashlib.sha256(REPORT_SCRIPT.encode("utf-8")).digest()).decode("ascii")


def content_security_policy() -> str:
    """Nothing from the network or other files; only prep's own inline style and script run."""
    return (f"default-src 'none'; style-src 'unsafe-inline'; "
            f"script-src 'sha256-{_script_hash()}'; base-uri 'none'; form-action 'none'")


def grader_pass_rates(records: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[int, int]]:
    """(exercise, grader) -> (passed, graded submissions): over submissions with status ``graded``
    only, since an unusable one never reached the graders (its zeros say nothing about them)."""
    rates: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in records:
        if r["status"] != "graded":
            continue
        for t in r.get("tests") or []:
            rate = rates[(r["exercise"], str(t.get("name")))]
            rate[0] += t.get("outcome") == "passed"
            rate[1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(rates.items())}


def _graders(recs: list[dict[str, Any]]) -> dict[str, bool]:
    """The exercise's graders in the order the records list them (name -> hidden)."""
    found: dict[str, bool] = {}
    for r in recs:
        for t in r.get("tests") or []:
            found.setdefault(str(t.get("name")), bool(t.get("hidden")))
    return found


def _status_words(status: str) -> str:
    return status.replace("_", " ")


def _counts_sentence(recs: list[dict[str, Any]]) -> str:
    c = summary_counts(recs)
    unusable = ", ".join(f"{n} {_status_words(s)}" for s, n in c["by_status"].items() if s in UNUSABLE)
    return (f"{len(recs)} submission(s): {c['scored']} graded ({c['full_marks']} with full marks, "
            f"{c['failed']} without), {c['unusable']} could not be graded"
            + (f" ({html_text(unusable)})" if unusable else "") + ".")


def score_plot(recs: list[dict[str, Any]], exercise: str) -> str:
    """The graded submissions' scores as an SVG bar chart (ten bins of 10% of the maximum), and the
    unusable submissions as a separate grey bar: they have no score to plot."""
    c = summary_counts(recs)
    bars = [(f"{i * 10}\u2013{i * 10 + 10}%", n, "#4a7bb7") for i, n in enumerate(c["histogram"])]
    bars.append(("unusable", c["unusable"], "#9e9e9e"))
    top = max([n for _, n, _ in bars] + [1])
    left, base, room, step = 40, 170, 140, 52
    out = [f'<line x1="{left - 4}" y1="{base}" x2="{left + step * len(bars) + 8}" y2="{base}" stroke="#555"/>',
           f'<text x="{left - 8}" y="{base - room + 4}" font-size="11" text-anchor="end">{top}</text>',
           f'<text x="{left - 8}" y="{base + 4}" font-size="11" text-anchor="end">0</text>']
    for i, (label, n, colour) in enumerate(bars):
        x = left + i * step + (14 if label == "unusable" else 0)
        h = room * n / top
        out.append(f'<rect x="{x}" y="{base - h:.1f}" width="40" height="{h:.1f}" fill="{colour}">'
                   f'<title>{label}: {n}</title></rect>')
        out.append(f'<text x="{x + 20}" y="{base + 16}" font-size="10" text-anchor="middle">{label}</text>')
        if n:
            out.append(f'<text x="{x + 20}" y="{base - h - 4:.1f}" font-size="11" text-anchor="middle">{n}</text>')
    out.append(f'<text x="{left + step * 5}" y="{base + 34}" font-size="11" text-anchor="middle">'
               'score, as a share of the maximum (graded submissions)</text>')
    return (f'<svg class="score-plot" xmlns="http://www.w3.org/2000/svg" width="{PLOT_WIDTH}" '
            f'height="{PLOT_HEIGHT}" role="img" aria-label="score distribution of {html_text(exercise)}">'
            + "".join(out) + "</svg>")


def _pass_rate_table(recs: list[dict[str, Any]], exercise: str, graders: dict[str, bool]) -> str:
    rates = grader_pass_rates(recs)
    graded = summary_counts(recs)["scored"]
    rows = []
    for i, (name, hidden) in enumerate(graders.items(), start=1):
        passed, n = rates.get((exercise, name), (0, 0))
        rate = f"{100 * passed / n:.0f}%" if n else "\u2013"
        rows.append(f"<tr><td class=num>{i}</td><td>{html_text(name)}</td><td>{'hidden' if hidden else 'public'}"
                    f"</td><td class=num>{passed}/{n}</td><td class=num>{rate}</td></tr>")
    return (f'<p class="note">Over the {graded} graded submission(s) only.</p>'
            '<table class="pass-rates"><thead><tr><th>#</th><th>grader</th><th>kind</th><th>passed</th>'
            f'<th>rate</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _learner_row(r: dict[str, Any], graders: dict[str, bool], stem: str) -> str:
    status = str(r.get("status"))
    scored = r.get("score") is not None and status != "infra_error"
    value = csv_number(r["score"]) if scored else ""
    shown = f"{value}/{csv_number(r.get('max_score') or 0)}" if scored else "not scored"
    why = f' title="{html_text(visible(r.get("message"))[:300])}"' if r.get("message") else ""
    cells = [f"<td>{html_text(learner_label(r['learner']))}</td>",
             f'<td class=num data-value="{html_text(value)}">{html_text(shown)}</td>',
             f"<td{why}>{html_text(_status_words(status))}</td>"]
    outcomes = {str(t.get("name")): t for t in r.get("tests") or []}
    for name in graders:
        t = outcomes.get(name)
        if status != "graded" or t is None:
            cells.append(f'<td class="mark not-run" data-value="" title="{html_text(name)}: not run">{NOT_RUN}</td>')
            continue
        outcome = "passed" if t.get("outcome") == "passed" else "failed"
        points = f"{csv_number(t.get('points', 0))}/{csv_number(t.get('max_points', 0))}"
        cells.append(f'<td class="mark {outcome}" data-value="{int(outcome == "passed")}" '
                     f'title="{html_text(name)}: {outcome}, {html_text(points)}">{MARKS[outcome]}</td>')
    href = "feedback/" + quote(f"{stem}.md")
    cells.append(f'<td><a href="{html_text(href)}">feedback</a></td>')
    kind = " class=unusable" if status in UNUSABLE else ""
    return f'<tr data-status="{html_text(status)}"{kind}>{"".join(cells)}</tr>'


def _learner_table(recs: list[dict[str, Any]], graders: dict[str, bool], stems: dict[str, str]) -> str:
    statuses = summary_counts(recs)["by_status"]
    options = ['<option value="">all</option>'] + [
        f'<option value="{html_text(s)}">{html_text(_status_words(s))} ({n})</option>' for s, n in statuses.items()]
    heads = ['<th><button type="button" data-sort="text">learner</button></th>',
             '<th><button type="button" data-sort="number">score</button></th>',
             '<th><button type="button" data-sort="text">status</button></th>']
    heads += [f'<th title="{html_text(name)}"><button type="button" data-sort="number">{i}</button></th>'
              for i, name in enumerate(graders, start=1)]
    heads.append("<th>feedback</th>")
    rows = "".join(_learner_row(r, graders, stems[r["learner"]]) for r in recs)
    return (f'<p><label>Status <select class="status-filter">{"".join(options)}</select></label> '
            f'<span class="shown">{len(recs)} of {len(recs)} shown</span></p>'
            f'<p class="note">Grader columns are numbered as in the pass-rate table; {MARKS["passed"]} passed, '
            f'{MARKS["failed"]} failed, {NOT_RUN} not run (the submission could not be graded).</p>'
            f'<table class="learners"><thead><tr>{"".join(heads)}</tr></thead><tbody>{rows}</tbody></table>')


def _section_id(exercise: str) -> str:
    return "exercise-" + quote(exercise, safe="")


def _exercise_section(exercise: str, recs: list[dict[str, Any]], stems: dict[str, str]) -> str:
    graders = _graders(recs)
    return (f'<section class="exercise" id="{html_text(_section_id(exercise))}" data-exercise="{html_text(exercise)}">'
            f"<h2>{html_text(exercise)}</h2><p>{_counts_sentence(recs)}</p>"
            f"<h3>Score distribution</h3>{score_plot(recs, exercise)}"
            f"<h3>Pass rate per grader</h3>{_pass_rate_table(recs, exercise, graders)}"
            f"<h3>Learners</h3>{_learner_table(recs, graders, stems)}</section>")


def _overview(by_exercise: dict[str, list[dict[str, Any]]]) -> str:
    rows = []
    for exercise, recs in by_exercise.items():
        c = summary_counts(recs)
        graded = [r for r in recs if r["status"] == "graded" and r.get("score") is not None]
        mean = "\u2013"
        if graded:
            average = sum(float(r["score"]) for r in graded) / len(graded)
            mean = f"{average:.3g}/{csv_number(graded[0].get('max_score') or 0)}"
        rows.append(f'<tr><td><a href="#{html_text(_section_id(exercise))}">{html_text(exercise)}</a></td>'
                    + "".join(f"<td class=num>{n}</td>" for n in (len(recs), c["scored"], c["full_marks"], c["failed"],
                                                                    c["unusable"], mean)) + "</tr>")
    return ("<table class=overview><thead><tr><th>exercise</th><th>submissions</th><th>graded</th>"
            "<th>full marks</th><th>graded, not full marks</th><th>could not be graded</th>"
            f"<th>mean score (graded)</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _lookalike_paragraph(learners: list[str], stems: dict[str, str]) -> str:
    groups = lookalike_names(learners)
    if not groups:
        return ""
    items = "".join("<li>" + "; ".join(f"{html_text(learner_label(n))} (files {html_text(stems[n])}: "
                                       f"{html_text(lookalike_note(n))})" for n in group) + "</li>" for group in groups)
    return ("<div class=warn><p>These learners are different folders whose names look the same here (letters of "
            "another script, another form of an accent, fullwidth letters, case): check which is which before you "
            f"copy scores by name.</p><ul>{items}</ul></div>\n")


def write_html_report(records: list[dict[str, Any]], path: Path) -> Path:
    by_exercise: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_exercise[r["exercise"]].append(r)
    by_exercise = dict(sorted(by_exercise.items()))
    stems = export_stems([r["learner"] for r in records])
    learners = len({r["learner"] for r in records})
    sections = "".join(_exercise_section(ex, recs, stems) for ex, recs in by_exercise.items())
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">
<title>prep: class report</title><style>{STYLE}</style></head><body>
<h1>Class report</h1>
<p>{len(records)} result(s) of {learners} learner(s) in {len(by_exercise)} exercise(s).
A submission that could not be graded ({html_text(", ".join(_status_words(s) for s in UNUSABLE))}) is
counted apart from the failures, and left out of the score plots and the graders' pass rates.</p>
{_lookalike_paragraph(list({r["learner"] for r in records}), stems)}{_overview(by_exercise)}
{sections}
<script>{REPORT_SCRIPT}</script>
</body></html>
"""
    return _write(path, page)


def _write(path: Path, text: str) -> Path:
    """Write UTF-8 text; a lone surrogate that escaped every escaping above still cannot fail the
    export (it is written as its backslash escape)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "backslashreplace"))
    return path
