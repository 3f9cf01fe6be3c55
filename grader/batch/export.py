"""Everything a batch writes for people and other tools, derived only from the results store.

The same store always gives byte-identical exports (sorted, no timestamps), so a batch that was
killed and resumed exports exactly what an uninterrupted one would. Feedback never shows hidden
test source or expected values: hidden graders' messages already hold only the failed property.
An ``infra_error`` is never exported as a zero: its score is left empty.

Learner names and messages are data, never markup: every export escapes them for its own format
(CSV cells that a spreadsheet would run as a formula get a leading ``'``; XML 1.0's forbidden
characters become visible escapes; Markdown metacharacters are backslash-escaped and ``<>&``
HTML-escaped; the HTML report goes through ``html.escape``). Names are shown in their
``display_name`` form (always valid UTF-8, lossless), and files are named by ``file_stem``
(readable prefix + hash), never by percent-encoding.
"""

from __future__ import annotations

import csv
import html
import io
import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Any
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


def summary_counts(records: list[dict[str, Any]]) -> dict[str, Any]:
    by_status: dict[str, int] = defaultdict(int)
    fractions = []
    for r in records:
        by_status[r["status"]] += 1
        if _score(r) and r.get("max_score"):
            fractions.append(float(r["score"]) / float(r["max_score"]))
    bins = [0] * 10
    for f in fractions:
        bins[min(max(int(f * 10), 0), 9)] += 1
    return {"by_status": dict(sorted(by_status.items())), "histogram": bins, "scored": len(fractions)}


def grader_pass_rates(records: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[int, int]]:
    rates: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in records:
        if r["status"] == "infra_error":
            continue
        for t in r.get("tests") or []:
            rate = rates[(r["exercise"], str(t.get("name")))]
            rate[0] += t.get("outcome") == "passed"
            rate[1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(rates.items())}


def write_html_report(records: list[dict[str, Any]], path: Path) -> Path:
    counts = summary_counts(records)
    bins = counts["histogram"]
    top = max(bins + [1])
    bars = []
    for i, n in enumerate(bins):
        h = 150 * n / top
        bars.append(f'<rect x="{40 + i * 50}" y="{170 - h:.1f}" width="40" height="{h:.1f}" fill="#4a7bb7"/>'
                    f'<text x="{60 + i * 50}" y="188" font-size="11" text-anchor="middle">{i * 10}-{i * 10 + 10}%</text>'
                    f'<text x="{60 + i * 50}" y="{165 - h:.1f}" font-size="11" text-anchor="middle">{n}</text>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="560" height="200" role="img" '
           f'aria-label="score histogram">{"".join(bars)}</svg>')
    status_rows = "".join(f"<tr><td>{html_text(s)}</td><td>{n}</td></tr>" for s, n in counts["by_status"].items())
    rate_rows = "".join(
        f"<tr><td>{html_text(ex)}</td><td>{html_text(name)}</td><td>{p}/{n}</td><td>{100 * p / n:.0f}%</td></tr>"
        for (ex, name), (p, n) in grader_pass_rates(records).items() if n)
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>prep: class report</title>
<style>body{{font-family:sans-serif;max-width:900px;margin:2em auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}</style></head><body>
<h1>Class report</h1>
<p>{len(records)} results, {counts['scored']} scored.</p>
<h2>Scores (fraction of the maximum)</h2>
{svg}
<h2>Results by status</h2>
<table><tr><th>status</th><th>count</th></tr>{status_rows}</table>
<h2>Pass rate per grader</h2>
<table><tr><th>exercise</th><th>grader</th><th>passed</th><th>rate</th></tr>{rate_rows}</table>
</body></html>
"""
    return _write(path, page)


def _write(path: Path, text: str) -> Path:
    """Write UTF-8 text; a lone surrogate that escaped every escaping above still cannot fail the
    export (it is written as its backslash escape)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "backslashreplace"))
    return path
