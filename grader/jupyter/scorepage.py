"""``prep score --html FILE``: one self-contained HTML page of progress by track and topic, with SVG plots.

The plots are drawn here (a horizontal bar per track and per topic: the share of its exercises
passed, labelled with that count, so a bar shows one kind of number), so the page needs no
plotting library and no network. Points are in the tables.
"""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Any

from grader.api import PrepError
from grader.wording import duration

BAR_W, ROW_H, LABEL_W, RIGHT_W = 360, 26, 220, 150

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>prep: progress</title>
<style>
body{{font-family:system-ui,sans-serif;margin:2em auto;max-width:62em;color:#1f2328}}
h1{{font-size:1.4em}} h2{{font-size:1.1em;margin-top:1.6em}}
table{{border-collapse:collapse}} th,td{{border:1px solid #d0d7de;padding:3px 9px;text-align:left}}
th{{background:#f6f8fa}} td.num{{text-align:right}} .passed{{color:#1a7f37;font-weight:600}}
.tried{{color:#9a6700}} .muted{{color:#57606a}}
</style></head><body>
<h1>prep: progress</h1>
<p>{summary}</p>
<h2>By track</h2>
{track_svg}
<h2>By topic</h2>
{svg}
{topic_table}
<h2>By exercise</h2>
{exercise_table}
<p class="muted">Written {when} by <code>prep score --html</code>.</p>
</body></html>
"""


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def svg_plot(topics: list[Any], *, css: str = "bar") -> str:
    """Horizontal bars: the share of each topic's (or track's) exercises passed."""
    height = ROW_H * len(topics) + 30
    width = LABEL_W + BAR_W + RIGHT_W
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="progress by topic" '
           'font-family="system-ui,sans-serif" font-size="12">']
    for tick in (0, 25, 50, 75, 100):
        x = LABEL_W + BAR_W * tick / 100
        out.append(f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 22}" stroke="#eaeef2"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="#57606a">{tick}%</text>')
    for i, t in enumerate(topics):
        y = 6 + i * ROW_H
        frac = max(0.0, min(1.0, t.passed_fraction))
        color = "#2da44e" if t.passed == t.exercises else ("#d4a72c" if t.best_points > 0 else "#afb8c1")
        out.append(f'<text x="{LABEL_W - 8}" y="{y + 14}" text-anchor="end">{_e(t.topic)}</text>')
        out.append(f'<rect x="{LABEL_W}" y="{y}" width="{BAR_W}" height="{ROW_H - 8}" fill="#f6f8fa" '
                   'stroke="#d0d7de"/>')
        out.append(f'<rect class="{css}" data-topic="{_e(t.topic)}" x="{LABEL_W}" y="{y}" '
                   f'width="{BAR_W * frac:.1f}" height="{ROW_H - 8}" fill="{color}"/>')
        out.append(f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 14}" fill="#1f2328">{t.passed}/{t.exercises} '
                   'passed</text>')
    out.append("</svg>")
    return "".join(out)


def render(report: Any, *, now: float | None = None) -> str:
    topic_rows = "".join(
        f"<tr><td>{_e(t.topic)}</td><td class='num'>{t.passed}/{t.exercises}</td>"
        f"<td class='num'>{t.attempted}</td><td class='num'>{t.best_points:g}/{t.max_points:g}</td></tr>"
        for t in report.topics)
    topic_table = ("<table><thead><tr><th>topic</th><th>passed</th><th>tried</th><th>points</th></tr></thead>"
                   f"<tbody>{topic_rows}</tbody></table>")
    ex_rows = []
    for ex, p in report.rows:
        state = "passed" if p.passed else ("tried" if p.attempts else "-")
        ttp = duration(p.time_to_first_pass_s) if p.time_to_first_pass_s is not None else ""
        ex_rows.append(f"<tr><td><code>{_e(ex.id)}</code></td><td>{_e(', '.join(ex.topics))}</td>"
                       f"<td class='{state if state != '-' else 'muted'}'>{state}</td>"
                       f"<td class='num'>{p.best_score:g}/{p.max_score:g}</td><td class='num'>{p.attempts}</td>"
                       f"<td class='num'>{p.hints_seen}</td><td>{ttp}</td></tr>")
    exercise_table = ("<table><thead><tr><th>exercise</th><th>topics</th><th>state</th><th>best</th>"
                      "<th>attempts</th><th>hints</th><th>time to pass</th></tr></thead>"
                      f"<tbody>{''.join(ex_rows)}</tbody></table>")
    summary = f"{report.passed} of {len(report.rows)} exercises passed."
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(now if now is not None else time.time()))
    return PAGE.format(summary=_e(summary), track_svg=svg_plot(report.tracks, css="track-bar"), svg=svg_plot(report.topics),
                       topic_table=topic_table,
                       exercise_table=exercise_table, when=_e(when))


def write(path: Path, report: Any) -> Path:
    path = Path(path)
    if path.is_dir():
        raise PrepError(f"{path} is a folder: pass a file name, e.g. --html progress.html")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(report), encoding="utf-8")
    return path
