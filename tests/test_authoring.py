"""Generating learner files from the reference: markers, notebooks, staleness, no leaked solutions."""

from __future__ import annotations

import json

import nbformat
import pytest

from grader import authoring, bank


def test_solution_region_becomes_a_stub_at_its_indentation():
    src = "def f(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION\n"
    assert authoring.render(src, "ex") == 'def f(x):\n    raise NotImplementedError("ex: your code here")\n'


def test_stub_region_replaces_the_solution_uncommented():
    src = ("def f(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION\n"
           "    ### BEGIN STUB\n    # return x - 1  # the seed's bug\n    ### END STUB\n")
    assert authoring.render(src, "ex") == "def f(x):\n    return x - 1  # the seed's bug\n"


@pytest.mark.parametrize("src, message", [
    ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("x = 1\n### END SOLUTION\n", "without its BEGIN"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "inside an open"),
    ("### BEGIN STUB\nx = 1\n### END STUB\n", "must be commented out"),
])
def test_bad_markers_are_reported_with_a_line(src, message):
    with pytest.raises(authoring.MarkerError, match=message):
        authoring.render(src, "ex", where="sol.py")


def test_our_stubs_match_nbgraders_clear_solutions():
    """A plain solution region renders exactly as nbgrader's ClearSolutions preprocessor renders it."""
    from nbgrader.preprocessors import ClearSolutions

    src = "import torch\n\ndef f(x):\n    ### BEGIN SOLUTION\n    y = x * 2\n    return y\n    ### END SOLUTION\n"
    cell = nbformat.v4.new_code_cell(src)
    cell.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False, "grade_id": "c1",
                                 "schema_version": 3, "task": False}
    nb = nbformat.v4.new_notebook(cells=[cell])
    pre = ClearSolutions(code_stub={"python": authoring.stub_text("ex")}, enforce_metadata=True)
    cleared, _ = pre.preprocess(nb, {})
    assert cleared.cells[0].source == authoring.render(src, "ex")


def test_cells_split_on_percent_markers():
    src = "intro for maintainers\n# %%\nimport torch\n# %% [markdown]\n# Some *text*\n# %%\nx = 1\n"
    cells = authoring.split_cells(src, "ex")
    assert [(c.kind, c.source) for c in cells] == [("code", "import torch"), ("markdown", "Some *text*"),
                                                   ("code", "x = 1")]


@pytest.mark.parametrize("exercise", bank.load_all(), ids=lambda e: e.id)
def test_generated_files_are_fresh(exercise):
    stale = authoring.stale_files(exercise)
    assert not stale, f"stale: {[p.name for p in stale]}; run `prep build {exercise.id}`"


@pytest.mark.parametrize("exercise", bank.load_all(), ids=lambda e: e.id)
def test_learner_files_never_contain_the_solution(exercise):
    solution = exercise.solution_path.read_text()
    # a region the prompt itself states (a contract such as a layer's definition) is not a leak
    regions = [r.strip() for r in authoring.solution_regions(solution)
               if len(r.strip()) > 20 and r.strip() not in exercise.prompt_en]
    for path in (exercise.stub_path, exercise.notebook_path, exercise.readme_path):
        text = path.read_text()
        if path.suffix == ".ipynb":
            text = "\n".join(c["source"] for c in json.loads(text)["cells"])
        assert authoring.BEGIN_SOLUTION not in text
        for region in regions:
            assert region not in text, f"{path.name} contains a solution region"
    assert "hidden" not in [p.stem.split("_")[-1] for p in exercise.learner_dir.iterdir()]


@pytest.mark.parametrize("exercise", bank.load_all(), ids=lambda e: e.id)
def test_notebooks_are_valid_nbformat_45_with_nbgrader_answer_cells(exercise):
    nb = nbformat.reads(exercise.notebook_path.read_text(), as_version=4)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5)
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert answers, "no answer cells"
    for c in answers:
        meta = c.metadata["nbgrader"]
        assert meta["grade_id"] == c.id and meta["schema_version"] == 3 and not meta["locked"]
    ids = [c.id for c in nb.cells]
    assert len(ids) == len(set(ids))


def test_stale_files_are_detected(tmp_path, monkeypatch):
    import shutil

    for sub in ("exercises", "solutions"):
        (tmp_path / sub).mkdir()
    shutil.copytree(bank.bank_root() / "exercises" / "autograd-mul", tmp_path / "exercises" / "autograd-mul")
    shutil.copy(bank.bank_root() / "solutions" / "autograd-mul.py", tmp_path / "solutions")
    ex = bank.load("autograd-mul", tmp_path)
    assert authoring.stale_files(ex) == []
    sol = tmp_path / "solutions" / "autograd-mul.py"
    sol.write_text(sol.read_text().replace("with broadcasting, for any float dtype", "changed docstring"))
    assert set(authoring.stale_files(ex)) == {ex.stub_path, ex.notebook_path}
    authoring.build(ex)
    assert authoring.stale_files(ex) == []
