"""The exercise metadata schema: every error names the file and the field."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from grader import bank

GOOD = {
    "schema": 1, "id": "demo-ex", "title": "A demo", "kind": "code", "difficulty": "easy",
    "topics": ["autograd-function"], "seeds": ["000-02"], "hints": ["one"], "time_budget_min": 5,
    "question": {"zh": "问题", "en": "Do it."}, "points": {"test_a": 1},
}


def parse(data):
    d = Path("/bank/exercises/demo-ex")
    return bank.parse(data, directory=d, solution_path=Path("/bank/solutions/demo-ex.py"), where="demo.toml")


def with_change(path, value):
    data = copy.deepcopy(GOOD)
    *parents, last = path
    target = data
    for p in parents:
        target = target[p]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return data


def test_good_metadata_parses():
    ex = parse(GOOD)
    assert ex.id == "demo-ex" and ex.max_score == 1.0 and ex.seeds == ("000-02",)


@pytest.mark.parametrize("path, value, message", [
    (("difficulty",), "hardd", "field 'difficulty': must be one of easy, medium, hard, got 'hardd'"),
    (("kind",), "essay", "field 'kind': must be one of code, fix-bug, quiz"),
    (("seeds",), ["0-2"], r"field 'seeds': entry '0-2' does not match"),
    (("seeds",), [], "field 'seeds': must not be empty"),
    (("points",), {"test_a": 0}, "field 'points.test_a': must be a positive number"),
    (("points",), {"check_a": 1}, "field 'points.check_a': grader names look like"),
    (("question", "zh"), KeyError, "field 'question.zh': is missing"),
    (("schema",), 2, "field 'schema': is 2, this prep reads schema 1"),
    (("id",), "other", "field 'id': is 'other' but the folder is named 'demo-ex'"),
    (("hints",), ["a", "a"], "field 'hints': has duplicate entries"),
    (("extra",), 1, "field 'extra': is not part of schema 1"),
    (("limits",), {"gpu_s": 3}, "field 'limits.gpu_s': unknown limit"),
    (("time_budget_min",), "5", "field 'time_budget_min': must be a int"),
])
def test_errors_name_the_file_and_the_field(path, value, message):
    with pytest.raises(bank.ExerciseFormatError, match=message) as info:
        parse(with_change(path, value))
    assert str(info.value).startswith("demo.toml: ")


def test_every_bank_exercise_is_valid_and_has_its_files():
    exercises = bank.load_all()
    assert len(exercises) >= 6
    for ex in exercises:
        assert ex.solution_path.is_file(), ex.id
        assert ex.public_graders.is_file() and ex.hidden_graders.is_file(), ex.id


def test_seed_ids_exist_in_the_catalog():
    index = Path(__file__).resolve().parents[2] / "shared" / "catalog" / "index.tsv"
    if not index.exists():
        pytest.skip("the shared catalog is not next to this checkout")
    known = {line.split("\t")[0] for line in index.read_text(encoding="utf-8").splitlines()[1:] if line}
    for ex in bank.load_all():
        unknown = set(ex.seeds) - known
        assert not unknown, f"{ex.id} lists unknown catalog ids {sorted(unknown)}"


def test_exercises_whose_code_needs_dynamo_declare_it_for_the_warm_pools():
    """A zygote preloads only what its batch's exercises declare; building a torch.optim optimizer, or
    torch.compile / torch.export, imports torch._dynamo (~1.5 s) in every forked worker otherwise."""
    import ast

    def uses_dynamo(path: Path) -> bool:
        if not path.exists():
            return False
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("optim", "compile", "export", "_dynamo"):
                root = node.value
                if isinstance(root, ast.Name) and root.id == "torch":
                    return True
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("torch.optim", "torch._dynamo",
                                                                                      "torch.export")):
                return True
        return False

    for ex in bank.load_all():
        files = [ex.solution_path, ex.directory / "probes.py"]
        if any(uses_dynamo(f) for f in files):
            assert "torch._dynamo" in ex.preload, f"{ex.id} builds optimizers or compiles: preload torch._dynamo"
