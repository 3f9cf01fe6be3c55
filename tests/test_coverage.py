"""Every question of the seed bank is covered by some exercise, and docs/seed-map.md says so."""

from __future__ import annotations

import pytest

from grader import bank, seedmap

INDEX = seedmap.catalog_index()
needs_catalog = pytest.mark.skipif(INDEX is None, reason="the seed catalog (../shared/catalog) is not here")


@needs_catalog
def test_every_catalog_question_is_covered():
    entries = seedmap.read_index(INDEX)
    assert len(entries) == 155
    coverage = seedmap.coverage(entries, bank.load_all())
    missing = sorted(cid for cid, exercises in coverage.items() if not exercises)
    assert not missing, f"catalog questions no exercise covers: {missing}"


@needs_catalog
def test_exercises_cite_only_catalog_ids():
    known = {e.id for e in seedmap.read_index(INDEX)}
    for ex in bank.load_all():
        assert set(ex.seeds) <= known, f"{ex.id}: {sorted(set(ex.seeds) - known)}"


@needs_catalog
def test_seed_map_is_fresh():
    text = seedmap.render(seedmap.read_index(INDEX), bank.load_all())
    assert seedmap.map_path().read_text(encoding="utf-8") == text, "docs/seed-map.md is stale: run `prep map`"
