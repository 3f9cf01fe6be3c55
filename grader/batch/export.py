"""Everything a batch writes for people and other tools, derived only from the results store.

The same store always gives byte-identical exports (sorted, no timestamps), so a batch that was
killed and resumed exports exactly what an uninterrupted one would. Feedback never shows hidden
test source or expected values: hidden graders' messages already hold only the failed property.
An ``infra_error`` is never exported as a zero: its score is left empty.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections import defaultdict
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from grader.batch.store import safe_name


def _score(record: dict[str, Any]) -> str:
    if record.get("status") == "infra_error" or record.get("score") is None:
        return ""
    return f"{record['score']:g}"


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
        w.writerow([r["learner"], r["exercise"], _score(r), f"{r.get('max_score', 0):g}", r["status"]])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def write_per_learner(records: list[dict[str, Any]], out: Path) -> list[Path]:
    by_learner: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_learner[r["learner"]].append(r)
    written = []
    for learner, recs in sorted(by_learner.items()):
        name = safe_name(learner)
        summary = {"learner": learner, "exercises": [_public(r) for r in recs]}
        written.append(_write(out / "learners" / f"{name}.json", json.dumps(summary, indent=1, sort_keys=True,
                                                                             ensure_ascii=False) + "\n"))
        written.append(_write(out / "feedback" / f"{name}.md", feedback_markdown(learner, recs)))
        written.append(_write(out / "gradescope" / name / "results.json",
                              json.dumps(gradescope(recs), indent=1, sort_keys=True, ensure_ascii=False) + "\n"))
    return written


def _public(r: dict[str, Any]) -> dict[str, Any]:
    keep = ("exercise", "status", "score", "max_score", "message", "tests", "seed", "sha256")
    return {k: r.get(k) for k in keep}


def feedback_markdown(learner: str, recs: list[dict[str, Any]]) -> str:
    lines = [f"# Feedback for {learner}", ""]
    for r in recs:
        score = _score(r) or "not scored"
        lines += [f"## {r['exercise']}: {score}/{r.get('max_score', 0):g} ({r['status'].replace('_', ' ')})", ""]
        if r.get("message"):
            lines += [r["message"], ""]
        for t in r.get("tests", []):
            mark = "passed" if t["outcome"] == "passed" else "failed"
            tag = " (hidden)" if t.get("hidden") else ""
            lines.append(f"- **{t['name']}**{tag}: {mark}, {t['points']:g}/{t['max_points']:g}")
            if t["outcome"] != "passed" and t.get("message") and t.get("message") != r.get("message"):
                lines += ["  " + ln for ln in t["message"].splitlines()]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def gradescope(recs: list[dict[str, Any]]) -> dict[str, Any]:
    """Gradescope's autograder results.json for one learner (all exercises as tests)."""
    tests = []
    for r in recs:
        for t in r.get("tests", []):
            tests.append({"name": f"{r['exercise']}: {t['name']}", "score": t["points"], "max_score": t["max_points"],
                          "status": "passed" if t["outcome"] == "passed" else "failed", "output": t.get("message", ""),
                          "visibility": "after_published" if t.get("hidden") else "visible"})
    scored = [r for r in recs if _score(r)]
    return {"score": sum(float(r["score"]) for r in scored), "tests": tests,
            "output": "; ".join(f"{r['exercise']}: {r['status']}" for r in recs if r["status"] != "graded")}


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
                name = quoteattr(f"{r['learner']} :: {t['name']}")
                body = ""
                if r["status"] == "infra_error":
                    body = f"<error message={quoteattr(r.get('message', '') or 'infra error')}/>"
                elif t["outcome"] != "passed":
                    body = f"<failure message={quoteattr(t.get('message', '')[:500])}/>"
                cases.append(f"    <testcase classname={quoteattr(ex)} name={name}>{body}</testcase>")
        failures = sum("<failure" in c for c in cases)
        errors = sum("<error" in c for c in cases)
        out.append(f"  <testsuite name={quoteattr(ex)} tests=\"{len(cases)}\" failures=\"{failures}\" "
                   f"errors=\"{errors}\">")
        out += cases
        out.append("  </testsuite>")
    out.append("</testsuites>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def summary_counts(records: list[dict[str, Any]]) -> dict[str, Any]:
    by_status: dict[str, int] = defaultdict(int)
    fractions = []
    for r in records:
        by_status[r["status"]] += 1
        if _score(r) and r.get("max_score"):
            fractions.append(float(r["score"]) / float(r["max_score"]))
    bins = [0] * 10
    for f in fractions:
        bins[min(int(f * 10), 9)] += 1
    return {"by_status": dict(sorted(by_status.items())), "histogram": bins, "scored": len(fractions)}


def grader_pass_rates(records: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[int, int]]:
    rates: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in records:
        if r["status"] == "infra_error":
            continue
        for t in r.get("tests", []):
            rate = rates[(r["exercise"], t["name"])]
            rate[0] += t["outcome"] == "passed"
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
    status_rows = "".join(f"<tr><td>{html.escape(s)}</td><td>{n}</td></tr>" for s, n in counts["by_status"].items())
    rate_rows = "".join(
        f"<tr><td>{html.escape(ex)}</td><td>{html.escape(name)}</td><td>{p}/{n}</td><td>{100 * p / n:.0f}%</td></tr>"
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
    path.write_text(page, encoding="utf-8")
    return path


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
