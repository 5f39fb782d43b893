"""The synthetic resolution data (bench/synthetic_resolution.py): a truth that covers every record
once, clusters spread over distinct sources in the intended mix, the same bytes for the same seed,
and files that a real moneymen store imports whole."""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from moneymen.services.imports import import_file
from moneymen.store import open_store

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from synthetic_resolution import generate, true_pair_arrays, true_pairs  # noqa: E402

SIZE = 2000


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("synthetic") / "data"
    return out, generate(SIZE, 1718, out)


def records_of(out: Path, manifest: dict) -> dict[str, tuple[int, dict]]:
    """Every record of every source file: its id → (source number, the entity)."""
    found: dict[str, tuple[int, dict]] = {}
    for number, entry in enumerate(manifest["files"], 1):
        for line in (out / entry["file"]).read_text(encoding="utf-8").splitlines():
            entity = json.loads(line)
            assert entity["id"] not in found, f"{entity['id']} written twice"
            found[entity["id"]] = (number, entity)
    return found


def test_the_truth_covers_every_record_once_and_a_cluster_never_twice_in_one_source(made):
    out, manifest = made
    records = records_of(out, manifest)
    with (out / "truth.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(records) == SIZE == sum(manifest["records_per_source"])
    assert Counter(row["entity_id"] for row in rows) == Counter(set(records))
    members: dict[str, list[str]] = {}
    for row in rows:
        members.setdefault(row["cluster_id"], []).append(row["entity_id"])
    assert len(members) == manifest["clusters"]
    for ids in members.values():
        sources = [records[entity_id][0] for entity_id in ids]
        assert len(set(sources)) == len(sources) <= 3
        assert len({records[entity_id][1]["schema"] for entity_id in ids}) == 1
    spread = Counter(len(ids) for ids in members.values())
    assert {str(n): count for n, count in sorted(spread.items())} == manifest["clusters_by_sources"]
    assert 0.55 <= spread[1] / len(members) <= 0.65
    assert spread[2] > spread[3] > 0


def test_true_pairs_are_the_pairs_within_each_cluster_ordered(made):
    out, manifest = made
    pairs = true_pairs(out / "truth.csv")
    assert len(pairs) == manifest["true_pairs"] > 0
    assert all(left < right for left, right in pairs)
    left, right = true_pair_arrays(out / "truth.csv")
    assert {(a.decode(), b.decode()) for a, b in zip(left, right)} == pairs
    with (out / "truth.csv").open(encoding="utf-8", newline="") as handle:
        clusters = {row["entity_id"]: row["cluster_id"] for row in csv.DictReader(handle)}
    assert all(clusters[a] == clusters[b] for a, b in pairs)


def test_the_other_records_of_a_cluster_vary_as_another_list_writes_them(made):
    out, manifest = made
    names = manifest["variant_names"]
    for noise in ("Korean: Hangul", "Korean: another romanization", "Russian: Cyrillic",
                  "company: legal form dropped", "Western: surname first"):
        assert names.get(noise, 0) > 0, noise
    dates = manifest["variant_birth_dates"]
    assert dates["kept"] > dates["missing"] > dates["year only"] > 0
    assert manifest["namesake_clusters"] > 0 and manifest["clusters_sharing_a_name"] > manifest["namesake_clusters"]
    assert set(manifest["kinds"]["clusters"]) == {"korean", "western", "arabic", "russian", "company",
                                                   "organization", "vessel"}


def digests(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_data(made, tmp_path):
    out, _ = made
    generate(SIZE, 1718, tmp_path / "again")
    generate(SIZE, 1719, tmp_path / "other")
    first, again, other = digests(out), digests(tmp_path / "again"), digests(tmp_path / "other")
    assert again == first
    assert other.keys() == first.keys()
    assert all(other[name] != digest for name, digest in first.items())


def test_every_file_imports_whole_into_a_store_without_warnings(made, tmp_path):
    out, manifest = made
    with open_store(tmp_path / "evidence.duckdb") as store:
        for entry in manifest["files"]:
            path = out / entry["file"]
            lines = len(path.read_bytes().splitlines())
            result = import_file(store, path, format="ftm", dataset=entry["dataset"])
            assert result.warnings == []
            assert result.entities == lines == entry["records"]
            assert len(store.listed_entity_ids(entry["dataset"])) == lines
        assert sorted(store.datasets()) == sorted(entry["dataset"] for entry in manifest["files"])
