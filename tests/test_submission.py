"""Reading submissions on the judge's side: .py files and notebooks, however the learner mangled them."""

from __future__ import annotations

import json

import pytest

from grader import authoring, bank, submission

EX = bank.load("autograd-mul")


def solved_notebook() -> dict:
    return json.loads(authoring.generate_notebook(EX, with_solutions=True))


def write_nb(tmp_path, nb, name="autograd-mul.ipynb"):
    path = tmp_path / name
    path.write_text(json.dumps(nb))
    return path


def answer_cells(nb):
    return [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]


def test_python_file_is_taken_whole(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text("x = 1\n")
    sub = submission.load(EX, path)
    assert sub.source == "x = 1\n" and len(sub.sha256) == 64 and sub.filename == "mine.py"


def test_notebook_answer_cells_replace_the_templates(tmp_path):
    sub = submission.load(EX, write_nb(tmp_path, solved_notebook()))
    assert "ctx.save_for_backward(x, y)" in sub.source and "NotImplementedError" not in sub.source


def test_reordered_and_duplicated_cells_are_matched_by_id(tmp_path):
    nb = solved_notebook()
    nb["cells"].reverse()
    nb["cells"].append(dict(answer_cells(nb)[0], source="# a duplicate the learner pasted"))
    sub = submission.load(EX, write_nb(tmp_path, nb))
    assert "ctx.save_for_backward(x, y)" in sub.source
    assert sub.source.index("import torch") < sub.source.index("class Mul")  # template order, not the learner's


def test_edited_setup_cells_and_metadata_change_nothing(tmp_path):
    nb = solved_notebook()
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and not cell["metadata"]["nbgrader"]["solution"]:
            cell["source"] = "import os; os._exit(0)"
            cell["metadata"]["nbgrader"]["points"] = 100
    sub = submission.load(EX, write_nb(tmp_path, nb))
    assert "os._exit" not in sub.source and "import torch" in sub.source


def test_cell_ids_lost_fall_back_to_nbgrader_grade_id(tmp_path):
    nb = solved_notebook()
    for cell in nb["cells"]:
        cell["id"] = "x" + cell["id"][::-1]
    sub = submission.load(EX, write_nb(tmp_path, nb))
    assert "ctx.save_for_backward(x, y)" in sub.source


def test_deleted_answer_cell_says_what_to_restore(tmp_path):
    nb = solved_notebook()
    gone = answer_cells(nb)[0]
    nb["cells"].remove(gone)
    with pytest.raises(submission.NotGradable, match=f"answer cell '{gone['id']}' is missing"):
        submission.load(EX, write_nb(tmp_path, nb))


def test_magics_and_shell_lines_are_not_run(tmp_path):
    nb = solved_notebook()
    cell = answer_cells(nb)[0]
    cell["source"] = "%time\n!rm -rf /\n" + cell["source"]
    sub = submission.load(EX, write_nb(tmp_path, nb))
    assert "!rm" not in sub.source.replace("# prep: IPython-only line not run: !rm", "")
    compile(sub.source, "x", "exec")


def test_a_percent_or_bang_that_continues_python_is_python_not_a_magic(tmp_path, grade_file):
    """Only a line that starts a logical line is a magic, as IPython reads it: black's "break before the operator"
    (``("%d"`` then ``% n)``, ``(a`` then ``!= b)``) and a triple-quoted string's lines were made ``pass``: a right
    answer that Jupyter ran scored 0 as not gradable (a syntax error), and the same text as a .py full marks."""
    nb = solved_notebook()
    cell = answer_cells(nb)[0]
    text = submission._cell_text(cell)
    head = ('        if (x.dim()\n                != x.dim()):\n            raise ValueError("dims: %d"\n'
            '                             % x.dim())\n        """\n%d\n!b\n        """\n')
    save = "        ctx.save_for_backward(x, y)\n"
    cell["source"] = text.replace(save, head + save)
    assert cell["source"] != text
    cell["source"] = "%time\n!echo (\n" + cell["source"] + "\n    # a note\u2028!x = 1\n"
    sub = submission.load(EX, write_nb(tmp_path, nb))
    assert '"dims: %d"\n                             % x.dim())' in sub.source and '"""\n%d\n!b\n' in sub.source
    assert "!= x.dim()" in sub.source and "# prep: IPython-only line not run: !echo (" in sub.source
    assert "# a note\u2028!x = 1" in sub.source  # one line to Python: a comment's text, never code
    result = grade_file("autograd-mul", write_nb(tmp_path, nb))
    assert result.full_marks, (result.status, result.message)


@pytest.mark.parametrize("content, message", [
    (b"{not json", "not a valid notebook"),
    (json.dumps({"nbformat": 3, "cells": []}).encode(), "nbformat 3; prep reads nbformat 4"),
    (json.dumps({"nbformat": 4}).encode(), "has no list of cells"),
    (b"\xff\xfe\x00garbage", "not a valid notebook"),
    (b'{"nbformat": 4, "cells": [], "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
     r"not a valid notebook \(its JSON is nested too deeply\)"),  # RecursionError in json.loads: the file's doing
])
def test_broken_notebooks_are_not_gradable_with_a_reason(tmp_path, content, message):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(submission.NotGradable, match=message):
        submission.load(EX, path)


def test_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "oops.py"
    path.write_text("x = 1\ndef f(:\n")
    with pytest.raises(submission.NotGradable, match="syntax error at line 2"):
        submission.load(EX, path)


def test_an_expression_nested_too_deeply_to_compile_is_not_gradable(tmp_path):
    """The parser's own stack overflows (MemoryError or RecursionError): the learner's file, never prep's failure."""
    path = tmp_path / "deep.py"
    path.write_text("DEEP = " + "-" * 100_000 + "1\n")
    with pytest.raises(submission.NotGradable, match="cannot be compiled: an expression is nested too deeply"):
        submission.load(EX, path)


def test_oversized_and_missing_files(tmp_path, monkeypatch):
    monkeypatch.setattr(submission, "MAX_SUBMISSION_BYTES", 10)
    path = tmp_path / "big.py"
    path.write_text("x = 1  # more than ten bytes\n")
    with pytest.raises(submission.NotGradable, match="over the"):
        submission.load(EX, path)
    with pytest.raises(submission.NotGradable, match="does not exist"):
        submission.load(EX, tmp_path / "nope.py")
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(submission.NotGradable, match="grades .py and .ipynb"):
        submission.load(EX, tmp_path / "a.txt")


def test_a_mangled_notebook_still_grades_full_marks(tmp_path, grade_file):
    nb = solved_notebook()
    nb["cells"].reverse()
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("nbgrader", None) if cell["cell_type"] == "markdown" else None
    result = grade_file("autograd-mul", write_nb(tmp_path, nb))
    assert result.full_marks, [(t.name, t.message) for t in result.tests if t.outcome != "passed"]


def test_not_gradable_result_scores_zero_with_the_message(tmp_path, grade_file):
    path = tmp_path / "oops.py"
    path.write_text("def f(:\n")
    result = grade_file("autograd-mul", path)
    assert result.status == "not_gradable" and result.score == 0
    assert "syntax error" in result.message and all(t.points == 0 for t in result.tests)


def test_a_long_submission_is_graded_whole(tmp_path, grade_file):
    """A filled stub with a long header and comments (well over 4 KB) is graded as written."""
    path = tmp_path / "long.py"
    path.write_text("# a learner's notes\n" * 2000 + bank.load("autograd-mul").solution_path.read_text())
    assert len(path.read_text()) > 20_000
    assert grade_file("autograd-mul", path).full_marks


def test_a_submission_with_megabytes_of_non_ascii_notes_is_graded_whole(tmp_path, grade_file):
    """The load request carries the source in its JSON header, escaped twice: 7 bytes a CJK character (14 past the
    BMP). An 8 MB file of Chinese notes and a right answer, well under the 20 MB prep accepts, made a header past the
    16 MB the worker's decoder took; the worker refused the request and exited, and the judge reported "crashed: your
    code ended the process (exit status 0)", 0 points."""
    path = tmp_path / "notes.py"
    path.write_text(("# " + "\u5b66\u4e60\u7b14\u8bb0\u53cd\u5411\u4f20\u64ad\u7684\u68af\u5ea6" * 4 + "\n") * 60000
                    + bank.load("autograd-mul").solution_path.read_text(), encoding="utf-8")
    assert 7 << 20 < path.stat().st_size < submission.MAX_SUBMISSION_BYTES
    result = grade_file("autograd-mul", path)
    assert result.full_marks, (result.status, result.message)


@pytest.mark.parametrize("raw", [
    "\ufeffx = 1\r\ny = 'caf\u00e9'\r\n".encode("utf-8"),  # a byte-order mark and CRLF, as Windows editors save
    "# -*- coding: latin-1 -*-\ny = 'caf\u00e9'\n".encode("latin-1"),  # a PEP 263 cookie: Python runs it as latin-1
    "#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\ny = 'caf\u00e9'\n".encode("cp1252"),
])
def test_python_files_are_decoded_as_python_decodes_them(tmp_path, raw):
    path = tmp_path / "mine.py"
    path.write_bytes(raw)
    namespace: dict = {}
    exec(submission.load(EX, path).source, namespace)
    assert namespace["y"] == "caf\u00e9"


@pytest.mark.parametrize("raw", [b"y = 'caf\xe9'\n", b"# coding: no-such-codec\nx = 1\n",
                                 b"# coding: ascii\ny = 'caf\xc3\xa9'\n",
                                 # codecs that fail with a bare UnicodeError, which escaped load() (and grade())
                                 b"# coding: undefined\nx = 1\n", b"# coding: punycode\nx = 1\n"])
def test_bytes_python_itself_would_refuse_are_not_gradable(tmp_path, raw):
    path = tmp_path / "mine.py"
    path.write_bytes(raw)
    with pytest.raises(submission.NotGradable, match=r"mine.py is not UTF-8 text \(nor in the encoding its coding line"):
        submission.load(EX, path)


def test_a_helper_in_a_cell_the_learner_added_is_named_when_the_answer_misses_it(tmp_path, grade_file):
    """Only answer cells are graded (as the notebook says): a helper defined in a cell the learner inserted is not
    there when the graders run, and the NameError says where it is and what to do."""
    nb = solved_notebook()
    answer = next(c for c in nb["cells"] if c.get("id") == "autograd-mul-answer-1")
    text = "".join(answer["source"])
    assert "(grad_z * y).sum_to_size(x.shape)" in text
    answer["source"] = text.replace("(grad_z * y).sum_to_size(x.shape)", "reduce_to(grad_z * y, x.shape)")
    at = nb["cells"].index(answer)
    nb["cells"].insert(at, {"cell_type": "code", "id": "mine1", "metadata": {}, "outputs": [], "execution_count": 3,
                            "source": "import math as m\ndef reduce_to(g, shape):\n    return g.sum_to_size(shape)\n"})
    nb["cells"].insert(at, {"cell_type": "code", "id": "mine0", "metadata": {}, "outputs": [], "execution_count": 2,
                            "source": "%time x = 1\n"})
    path = write_nb(tmp_path, nb)
    sub = submission.load(EX, path)
    # the magic line is not run anywhere prep grades, so that cell defines nothing
    assert sub.added == (("a cell you added (code cell 4 of your notebook, which starts `import math as m`)",
                          frozenset({"m", "reduce_to"})),)
    result = grade_file("autograd-mul", path)
    failed = [t for t in result.tests if t.outcome != "passed"]
    assert failed and all(t.message.endswith(
        "`reduce_to` is defined in a cell you added (code cell 4 of your notebook, which starts `import math as m`), "
        "and only the answer cells are graded (the other cells come from the original exercise): move it into an "
        "answer cell") for t in failed), [t.message for t in failed]
    # a NameError for a name no added cell defines is left as it was
    assert sub.name_cells("NameError: name 'other' is not defined") == "NameError: name 'other' is not defined"


@pytest.mark.parametrize("cell", [{"id": ["mine"]}, {"id": {"a": 1}},
                                  {"id": "mine", "metadata": {"nbgrader": {"grade_id": ["x"]}}},
                                  {"id": "mine", "metadata": {"nbgrader": {"grade_id": {"a": 1}}}}], ids=repr)
def test_a_cell_the_learner_added_with_an_unhashable_id_is_only_an_added_cell(tmp_path, cell):
    """A cell id or grade_id is the learner's JSON: a list or a dict there made added_definitions' `in` test raise
    TypeError, which escaped grade() (prep check: a traceback; prep grade: infra_error, no score). Such a cell names
    no template cell: it is a cell the learner added, and the notebook grades as its answer cells say."""
    nb = solved_notebook()
    nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
                        "source": "def helper():\n    return 1\n", **cell})
    sub = submission.load(EX, write_nb(tmp_path, nb))
    assert [names for _, names in sub.added] == [frozenset({"helper"})]
    assert "class Mul" in sub.source and "def helper" not in sub.source


def test_the_judge_parses_no_large_module_and_the_worker_reports_its_syntax_error(tmp_path, grade_file, monkeypatch):
    """Parsing costs the judge CPU with no deadline (1 MB of brackets nested 190 deep takes CPython seconds, 20 MB
    over a minute): a module over JUDGE_PARSE_MAX is compiled by the worker alone, under its deadline and CPU
    limit, and a syntax error in it is still not gradable, in the worker's words."""
    path = tmp_path / "big.py"
    path.write_text("# " + "x" * submission.JUDGE_PARSE_MAX + "\ndef f(:\n")

    def no_parsing(*args, **kwargs):
        raise AssertionError("the judge compiled a module over JUDGE_PARSE_MAX")

    with monkeypatch.context() as patched:
        patched.setattr(submission, "compile", no_parsing, raising=False)
        submission.load(EX, path)  # no NotGradable from the judge: it never parsed the text
    result = grade_file("autograd-mul", path)
    assert result.status == "not_gradable" and result.score == 0
    assert "SyntaxError" in result.message, result.message


def test_added_cells_are_searched_for_names_only_up_to_the_judge_s_parse_budget(tmp_path, monkeypatch):
    """Names defined in added cells only improve a NameError's message: parsing 47,000 added cells cost the judge
    50 s, so cells past JUDGE_PARSE_MAX characters in all are not parsed (their names go unmentioned)."""
    nb = solved_notebook()
    for name in ("first", "second", "third"):
        nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
                            "id": f"added-{name}", "source": f"def {name}():\n    return 1\n" + "#" * 60 + "\n"})
    monkeypatch.setattr(submission, "JUDGE_PARSE_MAX", 200)
    sub = submission.load(EX, write_nb(tmp_path, nb))
    assert [names for _, names in sub.added] == [frozenset({"first"}), frozenset({"second"})]
