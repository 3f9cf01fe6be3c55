"""A check's result as a notebook shows it: an HTML table (and a plain-text one), with the hint ladder.

Every string that reaches the HTML is escaped: grader messages can quote the learner's own
exception text.
"""

from __future__ import annotations

import html
import secrets
from typing import Any

from grader import feedback
from grader.wording import for_learner
from grader.jupyter.sources import KERNEL, ORIGINAL, SAVED

CSS = """
div.prep-check{font-family:var(--jp-ui-font-family,system-ui,sans-serif);font-size:13px;line-height:1.4;max-width:64em}
div.prep-check .prep-head{font-size:15px;font-weight:600;margin:2px 0 6px}
div.prep-check .prep-full{color:#1a7f37}div.prep-check .prep-part{color:#9a6700}div.prep-check .prep-zero{color:#cf222e}
div.prep-check table.prep-table{border-collapse:collapse;margin:4px 0 8px;table-layout:auto}
div.prep-check table.prep-table th,div.prep-check table.prep-table td{border:1px solid #d0d7de;padding:3px 8px;
 text-align:left;vertical-align:top}
div.prep-check table.prep-table th{background:#f6f8fa}
div.prep-check table.prep-table td.pass{color:#1a7f37;font-weight:600}
div.prep-check table.prep-table td.fail{color:#cf222e;font-weight:600}
div.prep-check .prep-msg{white-space:pre-wrap;word-break:normal;overflow-wrap:break-word;
 font-family:var(--jp-code-font-family,monospace);font-size:12px}
div.prep-check .prep-note{color:#57606a}div.prep-check ul{margin:2px 0 6px 0;padding-left:20px}
div.prep-check .locked{color:#8c959f}div.prep-check .seen{color:#1a7f37}
"""

_MARK = {"passed": ("pass", "pass"), "failed": ("FAIL", "fail"), "error": ("ERROR", "fail")}
_ORIGIN = {KERNEL: "run in this kernel", SAVED: "saved notebook", ORIGINAL: "original (not run, not saved)"}


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _score_class(r: Any) -> str:
    if r.full_marks:
        return "prep-full"
    return "prep-part" if r.score > 0 else "prep-zero"


def next_step(r: Any, ladder: Any, *, solution_available: bool = True) -> str:
    if r.full_marks:
        if not solution_available:  # an exam course ships no reference
            return "Full marks. `prep next` in a terminal picks what comes next."
        return f"Full marks. `%prep solution {r.exercise}` shows the reference solution."
    if r.status != "graded":
        return "Fix what the message says, run the answer cell, then this cell again."
    unseen = [s for s in ladder.steps if s.state == "unlocked"] if ladder is not None else []
    more = f" `%prep hint {r.exercise}` shows hint {unseen[0].level}." if unseen else ""
    return f"Not there yet: edit an answer cell, run it, then run this cell again.{more}"


def ladder_lines(ladder: Any) -> list[tuple[int, str, str | None]]:
    """(level, state text, hint text or None) per rung."""
    out = []
    for s in ladder.steps:
        if s.state == "seen":
            out.append((s.level, "seen", s.text))
        elif s.state == "unlocked":
            out.append((s.level, "unlocked", None))
        else:
            out.append((s.level, f"locked until {s.unlocks_after} failed check"
                        + ("" if s.unlocks_after == 1 else "s") + f" (you have {ladder.failed_checks})", None))
    return out


def to_html(r: Any, answers: list[Any], ladder: Any, *, run_id: str | None = None,
            solution_available: bool = True) -> str:
    run_id = run_id or secrets.token_hex(4)
    status = "" if r.status == "graded" else f" ({_e(r.status.replace('_', ' '))})"
    parts = [f"<style>{CSS}</style>",
             f'<div class="prep-check" data-prep-exercise="{_e(r.exercise)}" data-prep-score="{r.score:g}" '
             f'data-prep-max="{r.max_score:g}" data-prep-status="{_e(r.status)}" data-prep-run="{_e(run_id)}">',
             f'<div class="prep-head {_score_class(r)}"><span class="prep-score">{_e(r.exercise)}: '
             f'{r.score:g}/{r.max_score:g} points</span>{status}</div>']
    if r.message:
        parts.append(f'<div class="prep-message prep-msg">{_e(r.message)}</div>')
    ran = not feedback.nothing_ran(r)  # else every row would be an empty failure: one message says it all
    summary, waiting = feedback.not_implemented(r)
    if not ran:
        parts.append(f'<div class="prep-message prep-msg">{_e(feedback.nothing_ran_line(r))}</div>')
    for line in summary:
        parts.append(f'<div class="prep-message prep-msg">{_e(line)}</div>')
    rows = []
    for t in (r.tests if ran else []):
        if t in waiting:
            continue
        label, css = _MARK.get(t.outcome, ("?", "fail"))
        msg = "" if t.outcome == "passed" and t.message in ("", "ok") else t.message
        if t.outcome == "passed":  # a quiz item's explanation, in the learner's words
            msg = for_learner(msg)
        if msg == r.message and r.message:
            msg = ""
        rows.append(f'<tr><td class="{css}">{label}</td><td><code>{_e(t.name)}</code></td>'
                    f'<td>{t.points:g}/{t.max_points:g}</td><td>{"hidden" if t.hidden else "public"}</td>'
                    f'<td class="prep-msg">{_e(msg)}</td></tr>')
    if rows:
        parts.append('<table class="prep-table"><thead><tr><th></th><th>grader</th><th>points</th><th></th>'
                     f"<th>feedback</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
    if answers:
        items = []
        for a in answers:
            note = f' <span class="prep-note">— {_e(a.note)}</span>' if a.note else ""
            items.append(f"<li><code>{_e(a.cell_id)}</code>: {_e(_ORIGIN.get(a.origin, a.origin))}, "
                         f"{_e(a.detail)}{note}</li>")
        parts.append(f"<div>Graded:</div><ul>{''.join(items)}</ul>")
    if ladder is not None and ladder.steps:
        items = []
        for level, state, text in ladder_lines(ladder):
            css = "seen" if state == "seen" else ("locked" if state.startswith("locked") else "unlocked")
            body = (f"<details><summary>hint {level}: {_e(state)}</summary>{_e(text)}</details>" if text
                    else f"hint {level}: {_e(state)}")
            items.append(f'<li class="{css}">{body}</li>')
        parts.append(f"<div>Hints (<code>%prep hint {_e(r.exercise)}</code> shows the next unlocked one):</div>"
                     f"<ul>{''.join(items)}</ul>")
    meta = f"seed {r.seed}, {r.duration_s:.1f} s" + (f", ran on {', '.join(r.devices)}" if r.devices else "")
    parts.append(f'<div class="prep-next">{_e(next_step(r, ladder, solution_available=solution_available))}</div>'
                 f'<div class="prep-note">{_e(meta)}</div></div>')
    return "".join(parts)


def to_text(r: Any, answers: list[Any], ladder: Any, *, solution_available: bool = True) -> str:
    head = f"{r.exercise}: {r.score:g}/{r.max_score:g} points"
    if r.status != "graded":
        head += f" ({r.status.replace('_', ' ')})"
    lines = [f"{head}   [seed {r.seed}, {r.duration_s:.1f} s]"]
    if r.message:
        lines.append(f"  {r.message}")
    ran = not feedback.nothing_ran(r)
    if not ran:
        lines.append(f"  {feedback.nothing_ran_line(r)}")
    summary, waiting = feedback.not_implemented(r)
    lines.extend(f"  {line}" for line in summary)
    shown = [t for t in r.tests if ran and t not in waiting]
    width = max((len(t.name) for t in shown), default=10)
    for t in shown:
        mark = _MARK.get(t.outcome, ("?", ""))[0]
        tag = "  (hidden)" if t.hidden else ""
        lines.append(f"  {mark:<5} {t.name:<{width}}  {t.points:g}/{t.max_points:g}{tag}")
        if t.outcome != "passed" and t.message and t.message != r.message:
            lines.extend(f"          {ln}" for ln in t.message.splitlines())
    if answers:
        lines.append("Graded:")
        for a in answers:
            lines.append(f"  {a.cell_id}: {_ORIGIN.get(a.origin, a.origin)}, {a.detail}"
                         + (f" ({a.note})" if a.note else ""))
    if ladder is not None and ladder.steps:
        lines.append(f"Hints (%prep hint {r.exercise} shows the next unlocked one):")
        for level, state, text in ladder_lines(ladder):
            lines.append(f"  hint {level}: {state}" + (f": {text}" if text else ""))
    lines.append(next_step(r, ladder, solution_available=solution_available))
    return "\n".join(lines)
