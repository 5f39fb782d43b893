"""The evidence store: transactions, idempotent imports, history across list versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from moneymen.data import BUNDLED
from moneymen.services.imports import import_file
from moneymen.model import Grade, InvalidGrade
from moneymen.sources.base import SourceError
from moneymen.store import StoreError, open_store

from conftest import shared_file, store_fingerprint


def write_lines(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def person(entity_id: str, name: str) -> str:
    return f'{{"id": "{entity_id}", "schema": "Person", "properties": {{"name": ["{name}"]}}}}'


def test_reimporting_the_same_file_changes_nothing(store, db_path):
    un = BUNDLED[1]
    first = import_file(store, un.path, format="un")
    before = store_fingerprint_open(store)
    second = import_file(store, un.path, format="un")
    assert not first.unchanged and second.unchanged
    assert second.import_id == first.import_id
    assert store_fingerprint_open(store) == before
    assert len(store.imports()) == 1


def store_fingerprint_open(store):
    return sorted(map(str, store.statements())), [(i.id, i.sha256) for i in store.imports()]


def test_newer_version_updates_last_seen_and_keeps_delisted_entities(store, tmp_path):
    old = write_lines(tmp_path / "v1.jsonl", person("a", "Kim Chol"), person("b", "Ri Song"))
    new = write_lines(tmp_path / "v2.jsonl", person("a", "Kim Chol"), person("c", "Pak Il"))
    import_file(store, old, format="ftm", dataset="watch", seen="2024-01-01T00:00:00Z")
    result = import_file(store, new, format="ftm", dataset="watch", seen="2025-01-01T00:00:00Z")
    assert result.delisted == ["b"]
    by_entity = {s.entity_id: s for s in store.statements()}
    assert set(by_entity) == {"a", "b", "c"}, "history is never deleted"
    assert (by_entity["a"].first_seen, by_entity["a"].last_seen) == ("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z")
    assert by_entity["b"].last_seen == "2024-01-01T00:00:00Z"
    assert by_entity["c"].first_seen == "2025-01-01T00:00:00Z"
    assert store.delisted_entity_ids("watch") == ["b"]


def test_real_un_snapshots_track_history():
    old = shared_file("sanctions", "un", "un_consolidated_2020-11-30.xml")
    new = shared_file("sanctions", "un", "un_consolidated_2025-11-20.xml")
    with open_store(":memory:") as store:
        import_file(store, old, format="un")
        result = import_file(store, new, format="un")
        assert result.seen == "2025-11-20T23:00:09Z"
        delisted = set(result.delisted)
        # 2020 had 713 individuals and 305 entities, 2025 has 727 and 273: some records left the list.
        assert delisted, "records removed between 2020 and 2025 are marked, not deleted"
        listed_2025 = {s.entity_id for s in store.statements() if s.last_seen == result.seen}
        assert not delisted & listed_2025
        first_seen = {s.entity_id: s.first_seen for s in store.statements() if s.prop == "name"}
        assert first_seen["unsc-690734"] == "2020-12-01T01:31:19Z"  # KPi.001, on both lists


def test_a_failed_import_leaves_the_store_exactly_as_it_was(store, tmp_path, db_path):
    import_file(store, write_lines(tmp_path / "good.jsonl", person("a", "Kim Chol")), format="ftm")
    before = store_fingerprint_open(store)
    bad = write_lines(tmp_path / "bad.jsonl", *[person(f"p{i}", f"Name {i}") for i in range(5000)], "[1, 2]")
    with pytest.raises(SourceError, match=r"bad.jsonl, line 5001: expected a JSON object"):
        import_file(store, bad, format="ftm")
    assert store_fingerprint_open(store) == before
    # and the store still works: the same data imports once the file is fixed
    fixed = write_lines(tmp_path / "fixed.jsonl", *[person(f"p{i}", f"Name {i}") for i in range(5000)])
    assert import_file(store, fixed, format="ftm").statements == 5000


def test_store_on_disk_survives_reopen(db_path, tmp_path):
    with open_store(db_path) as store:
        import_file(store, write_lines(tmp_path / "a.jsonl", person("a", "Kim Chol")), format="ftm", grade="B2")
    fingerprint = store_fingerprint(db_path)
    assert fingerprint[0][0][14:16] == ("B", "2")
    assert store_fingerprint(db_path) == fingerprint


def test_store_from_a_newer_moneymen_is_refused(db_path):
    with open_store(db_path) as store:
        store.engine.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(StoreError, match="newer moneymen"):
        open_store(db_path)


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    not_a_store = tmp_path / "notes.duckdb"
    not_a_store.write_text("these are my notes\n")
    with pytest.raises(StoreError, match="notes.duckdb"):
        open_store(not_a_store)


@pytest.mark.parametrize("text, expected", [("B2", "B2"), ("b-2", "B2"), ("F/6", "F6"), (" a1 ", "A1")])
def test_grades_read_as_analysts_write_them(text, expected):
    assert str(Grade.parse(text)) == expected


@pytest.mark.parametrize("text", ["G1", "A7", "AA", "", "2B"])
def test_invalid_grades_are_refused_with_the_scale(text):
    with pytest.raises(InvalidGrade, match="reliability A-F"):
        Grade.parse(text)


def test_grade_filtering_treats_cannot_be_judged_as_worst():
    assert Grade.parse("A1").at_least(Grade.parse("B2"))
    assert not Grade.parse("F2").at_least(Grade.parse("B2"))
    assert not Grade.parse("B6").at_least(Grade.parse("B2"))


def test_imports_by_dataset_lists_what_fed_each_dataset_without_reverted_imports(store, tmp_path):
    old = write_lines(tmp_path / "v1.jsonl", person("a", "Kim Chol"))
    new = write_lines(tmp_path / "v2.jsonl", person("a", "Kim Chol"), person("c", "Pak Il"))
    other = write_lines(tmp_path / "other.jsonl", person("x", "Ri Song"))
    first = import_file(store, old, format="ftm", dataset="watch", seen="2024-01-01T00:00:00Z")
    second = import_file(store, new, format="ftm", dataset="watch", seen="2025-01-01T00:00:00Z")
    third = import_file(store, other, format="ftm", dataset="other", seen="2025-01-01T00:00:00Z")
    held = {name: [record.id for record in records] for name, records in store.imports_by_dataset().items()}
    assert held == {"watch": [first.import_id, second.import_id], "other": [third.import_id]}
    assert list(store.imports_by_dataset(["other"])) == ["other"]
    store.revert_import(second.import_id, "2026-01-01T00:00:00Z")
    assert [record.id for record in store.imports_by_dataset()["watch"]] == [first.import_id]
    (kept,) = store.imports_by_dataset(["watch"])["watch"]
    assert (kept.format, Path(kept.path).name, kept.reverted_at) == ("ftm", "v1.jsonl", None)
