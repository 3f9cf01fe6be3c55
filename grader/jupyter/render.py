"""A check's result as a notebook shows it: an HTML table (and a plain-text one), with the hint ladder.

Every string that reaches the HTML is escaped: grader messages can quote the learner's own
exception text. Headings and fixed phrases come in the learner's language ($PREP_LANG in the
kernel's environment, else English; grader/i18n.py); grader messages stay as written.
"""

from __future__ import annotations

import html
import secrets
from typing import Any

from grader import feedback, i18n
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

_CSS = {"passed": "pass", "failed": "fail", "error": "fail"}
_ORIGIN = {KERNEL: "origin.kernel", SAVED: "origin.saved", ORIGINAL: "origin.original"}


def _lang(lang: str | None) -> str:
    """``lang``, else $PREP_LANG, else English (an unknown $PREP_LANG never breaks a notebook's check)."""
    if lang:
        return lang
    try:
        return i18n.text_lang()
    except i18n.LanguageError:
        return "en"


def _say(key: str, lang: str, **fields: Any) -> str:
    """A sentence in ``lang`` (``both``: the English, then the Chinese)."""
    return i18n.say(key, lang, sep=" ", **fields)


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _score_class(r: Any) -> str:
    if r.full_marks:
        return "prep-full"
    return "prep-part" if r.score > 0 else "prep-zero"


def next_step(r: Any, ladder: Any, *, solution_available: bool = True, lang: str | None = None) -> str:
    lang = _lang(lang)
    if r.full_marks:
        if not solution_available:  # an exam course ships no reference
            return _say("nb.full_marks_exam", lang)
        return _say("nb.full_marks", lang, id=r.exercise)
    if r.status != "graded":
        return _say("nb.not_graded", lang)
    unseen = [s for s in ladder.steps if s.state == "unlocked"] if ladder is not None else []
    if lang == "both":
        return " ".join(next_step(r, ladder, solution_available=solution_available, lang=one) for one in ("en", "zh"))
    more = i18n.say("nb.more_hint", lang, id=r.exercise, level=unseen[0].level) if unseen else ""
    return _say("nb.not_there_yet", lang) + more


def ladder_lines(ladder: Any, lang: str | None = None) -> list[tuple[int, str, str | None]]:
    """(level, state text, hint text or None) per rung."""
    lang = _lang(lang)
    out = []
    for s in ladder.steps:
        if s.state == "seen":
            out.append((s.level, i18n.say("nb.seen", lang), s.text))
        elif s.state == "unlocked":
            out.append((s.level, i18n.say("nb.unlocked", lang), None))
        else:
            out.append((s.level, i18n.say("nb.locked", lang, n=s.unlocks_after, s="" if s.unlocks_after == 1 else "s",
                                          have=ladder.failed_checks), None))
    return out


def to_html(r: Any, answers: list[Any], ladder: Any, *, run_id: str | None = None,
            solution_available: bool = True, lang: str | None = None) -> str:
    lang = _lang(lang)
    run_id = run_id or secrets.token_hex(4)
    status = "" if r.status == "graded" else f" ({_e(feedback.status_words(r.status, lang))})"
    parts = [f"<style>{CSS}</style>",
             f'<div class="prep-check" data-prep-exercise="{_e(r.exercise)}" data-prep-score="{r.score:g}" '
             f'data-prep-max="{r.max_score:g}" data-prep-status="{_e(r.status)}" data-prep-run="{_e(run_id)}">',
             f'<div class="prep-head {_score_class(r)}"><span class="prep-score">{_e(r.exercise)}: '
             f'{_e(feedback.points(r.score, r.max_score, lang))}</span>{status}</div>']
    if r.message:
        parts.append(f'<div class="prep-message prep-msg">{_e(r.message)}</div>')
    ran = not feedback.nothing_ran(r)  # else every row would be an empty failure: one message says it all
    summary, waiting = feedback.not_implemented(r, lang)
    if not ran:
        parts.append(f'<div class="prep-message prep-msg">{_e(feedback.nothing_ran_line(r, lang))}</div>')
    for line in summary:
        parts.append(f'<div class="prep-message prep-msg">{_e(line)}</div>')
    rows = []
    for t in (r.tests if ran else []):
        if t in waiting:
            continue
        label, css = feedback.mark(t.outcome, lang), _CSS.get(t.outcome, "fail")
        msg = "" if t.outcome == "passed" and t.message in ("", "ok") else t.message
        if t.outcome == "passed":  # a quiz item's explanation, in the learner's words
            msg = for_learner(msg)
        if msg == r.message and r.message:
            msg = ""
        rows.append(f'<tr><td class="{css}">{label}</td><td><code>{_e(t.name)}</code></td>'
                    f'<td>{t.points:g}/{t.max_points:g}</td><td>{_e(i18n.say("hidden" if t.hidden else "public", lang))}</td>'
                    f'<td class="prep-msg">{_e(msg)}</td></tr>')
    if rows:
        heads = [_e(i18n.say(k, lang)) for k in ("col.grader", "col.points", "col.feedback")]
        parts.append(f'<table class="prep-table"><thead><tr><th></th><th>{heads[0]}</th><th>{heads[1]}</th><th></th>'
                     f"<th>{heads[2]}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
    if answers:
        items = []
        for a in answers:
            note = f' <span class="prep-note">— {_e(a.note)}</span>' if a.note else ""
            items.append(f"<li><code>{_e(a.cell_id)}</code>: {_e(_origin(a.origin, lang))}, "
                         f"{_e(a.detail)}{note}</li>")
        parts.append(f"<div>{_e(i18n.say('nb.graded', lang))}</div><ul>{''.join(items)}</ul>")
    if ladder is not None and ladder.steps:
        items = []
        for step, (level, state, text) in zip(ladder.steps, ladder_lines(ladder, lang)):
            css = step.state if step.state in ("seen", "unlocked") else "locked"
            rung = _e(i18n.say("nb.hint", lang, level=level, state=state))
            body = f"<details><summary>{rung}</summary>{_e(text)}</details>" if text else rung
            items.append(f'<li class="{css}">{body}</li>')
        command = f"<code>%prep hint {_e(r.exercise)}</code>"
        parts.append(f"<div>{_e(i18n.say('nb.hints', lang, command='@@')).replace('@@', command)}</div>"
                     f"<ul>{''.join(items)}</ul>")
    meta = _meta(r, lang)
    parts.append(f'<div class="prep-next">{_e(next_step(r, ladder, solution_available=solution_available, lang=lang))}</div>'
                 f'<div class="prep-note">{_e(meta)}</div></div>')
    return "".join(parts)


def _origin(origin: str, lang: str) -> str:
    return i18n.say(_ORIGIN[origin], lang) if origin in _ORIGIN else origin


def _meta(r: Any, lang: str) -> str:
    one = "en" if lang == "both" else lang
    return (i18n.say("nb.meta", one, seed=r.seed, seconds=f"{r.duration_s:.1f}")
            + (i18n.say("nb.ran_on", one, devices=", ".join(r.devices)) if r.devices else ""))


def to_text(r: Any, answers: list[Any], ladder: Any, *, solution_available: bool = True,
            lang: str | None = None) -> str:
    lang = _lang(lang)
    head = f"{r.exercise}: {feedback.points(r.score, r.max_score, lang)}"
    if r.status != "graded":
        head += f" ({feedback.status_words(r.status, lang)})"
    one = "en" if lang == "both" else lang
    lines = [f"{head}   [{i18n.say('nb.meta', one, seed=r.seed, seconds=f'{r.duration_s:.1f}')}]"]
    if r.message:
        lines.append(f"  {r.message}")
    ran = not feedback.nothing_ran(r)
    if not ran:
        lines.extend(f"  {line}" for line in feedback.nothing_ran_line(r, lang).splitlines())
    summary, waiting = feedback.not_implemented(r, lang)
    lines.extend(f"  {line}" for line in summary)
    shown = [t for t in r.tests if ran and t not in waiting]
    width = max((len(t.name) for t in shown), default=10)
    marks = {t.outcome: feedback.mark(t.outcome, lang) for t in shown}
    mark_width = max([5] + [i18n.width(m) for m in marks.values()])
    for t in shown:
        tag = f"  ({i18n.say('hidden', lang, sep='/')})" if t.hidden else ""
        lines.append(f"  {i18n.ljust(marks[t.outcome], mark_width)} {t.name:<{width}}  "
                     f"{t.points:g}/{t.max_points:g}{tag}")
        if t.outcome != "passed" and t.message and t.message != r.message:
            lines.extend(f"          {ln}" for ln in t.message.splitlines())
    if answers:
        lines.append(i18n.say("nb.graded", lang))
        for a in answers:
            lines.append(f"  {a.cell_id}: {_origin(a.origin, lang)}, {a.detail}"
                         + (f" ({a.note})" if a.note else ""))
    if ladder is not None and ladder.steps:
        lines.append(i18n.say("nb.hints", lang, command=f"%prep hint {r.exercise}"))
        for level, state, text in ladder_lines(ladder, lang):
            lines.append("  " + i18n.say("nb.hint", lang, level=level, state=state) + (f": {text}" if text else ""))
    lines.append(next_step(r, ladder, solution_available=solution_available, lang=lang))
    return "\n".join(lines)
