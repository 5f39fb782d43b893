"""Integrity of the store under hostile and mistaken imports (issue 9).

Every test works on a real DuckDB file holding the bundled OFAC and UN lists, attacks it the
way a careless user or a hostile source would, and checks what a user would see afterwards.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from moneymen.data import BUNDLED
from moneymen.services.entities import get_entities, get_entity, iter_entities, relations_of, summarize
from moneymen.services.search import search_store
from moneymen.graph.export import EXPORT_FORMATS, export
from moneymen.services.import_writer import MAX_VALUES_PER_ENTITY
from moneymen.services.imports import DelistingRefused, import_file
from moneymen.match.profiles import Profile
from moneymen.model import Entity, Statement
from moneymen.services.screening import screener_of_store
from moneymen.sources.base import SourceError
from moneymen.store import open_store
from moneymen.store.base import RevertError

from conftest import run_cli

OFAC, UN = BUNDLED
KPI_001 = "unsc-690734"  # UN KPi.001, a person


@pytest.fixture(scope="module")
def lists_store(tmp_path_factory) -> Path:
    """A store file with the bundled OFAC and UN lists, built once; tests work on copies."""
    path = tmp_path_factory.mktemp("lists") / "lists.duckdb"
    with open_store(path) as store:
        for bundled in BUNDLED:
            import_file(store, bundled.path, format=bundled.format, dataset=bundled.dataset, seen=bundled.seen)
    return path


@pytest.fixture
def db(lists_store, tmp_path) -> Path:
    copy = tmp_path / "evidence.duckdb"
    shutil.copy(lists_store, copy)
    return copy


def jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    return path


def snapshot(db: Path, dataset: str | None = None) -> list[tuple]:
    """Every statement (of ``dataset``) with all its fields, and (for the whole store) the live imports."""
    with open_store(db) as store:
        statements = sorted(tuple(map(str, (s.entity_id, s.schema, s.prop, s.value, s.dataset, s.source_record,
                                            s.source_url, s.document_id, s.quote, s.lang, s.first_seen, s.last_seen,
                                            s.retrieved_at, s.origin, s.reliability, s.credibility)))
                            for s in store.statements(dataset=dataset))
        imports = [(i.id, i.dataset, i.key_sha256) for i in store.imports()]
    return statements if dataset else statements + imports


def every_read_works(db: Path, tmp_path: Path) -> None:
    """What a user reads from a store: summary, search, show with relations, every export, screening, the API."""
    with open_store(db) as store:
        summary = summarize(store)
        assert summary.entities > 0
        _, found = search_store(store, "kim", limit=5)
        for entity in get_entities(store, [hit.entity.id for hit in found]) + [get_entity(store, KPI_001)]:
            assert entity.caption and entity.schema
            relations_of(store, entity)
        for format in EXPORT_FORMATS:
            export(store, format, tmp_path / f"out.{format}")
        screener = screener_of_store(store)
        assert screener.screen(Profile.from_properties("Person", {"name": ["Ri Je Son"]}))
    from fastapi.testclient import TestClient
    from moneymen.web.app import create_app

    with TestClient(create_app(db)) as client:
        response = client.post("/match/default", json={"queries": {"q": {"schema": "Person",
                                                                           "properties": {"name": ["Kim Chol"]}}}})
        assert response.status_code == 200, response.text
        assert client.get("/search/default", params={"q": "kwangson"}).status_code == 200
        assert client.get(f"/entities/{KPI_001}").status_code == 200


# -- 1. one line must not brick the store ---------------------------------------------------------------

def test_an_id_reused_with_an_incompatible_schema_is_refused_and_the_store_keeps_working(db, tmp_path):
    before = snapshot(db)
    vessel = jsonl(tmp_path / "notes.jsonl",
                   {"id": "note-1", "schema": "Person", "properties": {"name": ["Kim Il"]}},
                   {"id": KPI_001, "schema": "Vessel", "properties": {"name": ["CHON MA SAN"], "imoNumber": ["IMO8660313"]}})
    result = run_cli("import", str(vessel), "--dataset", "my_notes", db=db)
    assert result.returncode == 1
    assert "notes.jsonl, line 2" in result.stderr and "Vessel" in result.stderr and "Person" in result.stderr
    assert snapshot(db) == before
    every_read_works(db, tmp_path)


def test_the_same_with_a_mapped_csv_row(db, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text(f"id,name\nrow-1,Pak Il\n{KPI_001},CHON MA SAN\n", encoding="utf-8")
    mapping = tmp_path / "vessels.yml"
    mapping.write_text("schema: Vessel\nid: id\ncolumns:\n  name: name\n", encoding="utf-8")
    before = snapshot(db)
    with open_store(db) as store, pytest.raises(SourceError, match=r"rows.csv, line 3: entity 'unsc-690734'"):
        import_file(store, rows, format="csv", mapping=mapping, dataset="my_rows")
    assert snapshot(db) == before


def test_a_compatible_schema_is_reconciled_the_same_way_in_every_order(db, tmp_path):
    more = jsonl(tmp_path / "more.jsonl", {"id": KPI_001, "schema": "LegalEntity", "properties": {"country": ["kp"]}})
    with open_store(db) as store:
        import_file(store, more, dataset="my_notes")
        entity = get_entity(store, KPI_001)
        assert entity.schema.name == "Person"
        caption = entity.caption
        for order in (entity.statements, list(reversed(entity.statements))):
            assert Entity(entity.id, list(order)).schema.name == "Person"
            assert Entity(entity.id, list(order)).caption == caption


def test_a_store_holding_irreconcilable_statements_can_still_be_read(db, tmp_path):
    """Stores written before imports refused such statements must open, show and export."""
    import pyarrow as pa
    from moneymen.store.base import STATEMENT_COLUMNS

    stmt = Statement(KPI_001, "Vessel", "imoNumber", "IMO8660313", "legacy", first_seen="2020-01-01T00:00:00Z",
                     last_seen="2020-01-01T00:00:00Z")
    row = {name: getattr(stmt, name, None) for name in STATEMENT_COLUMNS}
    with open_store(db) as store, store.transaction():
        store.write_statements(pa.table({name: pa.array([value], pa.string() if name != "import_id" else pa.int32())
                                         for name, value in row.items()}), 0)
    with open_store(db) as store:
        schemata = {get_entity(store, KPI_001).schema.name for _ in range(3)}
    assert schemata == {"Person"}
    every_read_works(db, tmp_path)
    assert run_cli("show", KPI_001, db=db).returncode == 0


# -- 2. provenance cannot be forged -----------------------------------------------------------------------

FORGED = {"id": "ofac-9345", "schema": "Organization", "statements": [
    {"prop": "alias", "value": "FORGED ALIAS", "dataset": "us_ofac_sdn", "source_record": "ent_num 9345",
     "reliability": "A", "credibility": "1", "origin": "analyst", "first_seen": "2001-01-01T00:00:00Z",
     "last_seen": "2026-01-01T00:00:00Z"},
    {"prop": "name", "value": "FORGED NAME", "dataset": "us_ofac_sdn", "reliability": "F", "credibility": "6",
     "source_url": "http://attacker.example/"},
]}


def test_a_file_cannot_write_into_or_regrade_another_dataset(db, tmp_path):
    official = snapshot(db, "us_ofac_sdn")
    forged = jsonl(tmp_path / "forged.jsonl", FORGED)
    with open_store(db) as store:
        result = import_file(store, forged, format="ftm", dataset="my_notes", grade="C3")
    assert snapshot(db, "us_ofac_sdn") == official, "no statement of the OFAC dataset changed"
    assert result.warnings and "another dataset" in result.warnings[0]
    with open_store(db) as store:
        alias = next(s for s in get_entity(store, "ofac-9345").statements if s.value == "FORGED ALIAS")
    assert alias.dataset == "my_notes" and alias.origin == "import"
    assert str(alias.grade) == "C3", "a file's A1 is at most the C3 the import grants"
    assert alias.last_seen == result.seen and alias.first_seen == "2001-01-01T00:00:00Z"
    shown = run_cli("show", "ofac-9345", db=db).stdout
    assert "my_notes" in shown


def test_a_grade_worse_than_the_import_grants_is_kept(db, tmp_path):
    worse = jsonl(tmp_path / "worse.jsonl", {"id": "w", "schema": "Person", "statements": [
        {"prop": "name", "value": "Kim Su Il", "grade": "D4"}]})
    with open_store(db) as store:
        import_file(store, worse, dataset="tips", grade="B2")
        assert str(get_entity(store, "w").statements[0].grade) == "D4"


def test_an_official_lists_dataset_takes_only_that_lists_files(db, tmp_path):
    notes = jsonl(tmp_path / "us_ofac_sdn.jsonl", {"id": "x", "schema": "Person", "properties": {"name": ["X"]}})
    before = snapshot(db)
    for dataset in ("us_ofac_sdn", None, "un_sc"):  # None: the file's stem, here the OFAC dataset's name
        with open_store(db) as store, pytest.raises(SourceError, match="dataset of its own"):
            import_file(store, notes, format="ftm", dataset=dataset)
    assert snapshot(db) == before


def test_a_sanction_in_an_analysts_dataset_is_shown_as_claimed_not_official(db, tmp_path):
    claim = jsonl(tmp_path / "claim.jsonl",
                  {"id": "innocent", "schema": "Person", "properties": {"name": ["Ryu Gyong Ho"]}},
                  {"id": "fake-sanction", "schema": "Sanction", "properties": {
                      "entity": ["innocent"], "authority": ["United Nations Security Council"], "program": ["DPRK"]}})
    with open_store(db) as store:
        import_file(store, claim, dataset="my_notes")
        screener = screener_of_store(store)
    best = screener.screen(Profile.from_properties("Person", {"name": ["Ryu Gyong Ho"]}))[0]
    assert best.entity.id == "innocent"
    assert best.entity.sanctions == ()
    assert best.entity.claimed_sanctions == ("UN SC DPRK (per my_notes)",)
    official = screener.screen(Profile.from_properties("Person", {"name": ["Ri Je Son"]}))[0]
    assert official.entity.sanctions and not official.entity.claimed_sanctions
    printed = run_cli("screen", "Ryu Gyong Ho", db=db).stdout
    assert "claimed, not on an official list" in printed


# -- 3. delisting cannot be poisoned ----------------------------------------------------------------------

def test_a_one_row_version_of_a_list_is_refused_unless_confirmed(db, tmp_path):
    one_row = tmp_path / "sdn.csv"
    one_row.write_text("\n".join(OFAC.path.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    before = snapshot(db)
    result = run_cli("import", str(one_row), "--seen", "2024-06-01", db=db)
    assert result.returncode == 1 and "would delist" in result.stderr and "--accept-delisting" in result.stderr
    assert snapshot(db) == before
    confirmed = run_cli("import", str(one_row), "--seen", "2024-06-01", "--accept-delisting", db=db)
    assert confirmed.returncode == 0, confirmed.stderr
    assert "not on its newest version" in confirmed.stdout


def test_a_list_cut_at_a_line_boundary_is_refused(db, tmp_path):
    lines = OFAC.path.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = tmp_path / "sdn.csv"
    cut.write_text("".join(lines[: len(lines) // 3]), encoding="utf-8")
    with open_store(db) as store, pytest.raises(DelistingRefused):
        import_file(store, cut, seen="2024-06-01")


def test_a_list_dated_in_the_future_is_refused(db, tmp_path):
    text = UN.path.read_text(encoding="utf-8")
    future = tmp_path / "consolidated.xml"
    future.write_text(text.replace('dateGenerated="2025-11-20', 'dateGenerated="2999-11-20', 1), encoding="utf-8")
    before = snapshot(db)
    result = run_cli("import", str(future), db=db)
    assert result.returncode == 1 and "in the future" in result.stderr
    assert run_cli("import", str(OFAC.path), "--seen", "2999-01-01", db=db).returncode == 1
    assert snapshot(db) == before


def test_an_older_version_never_delists_the_newer_entries(db, tmp_path):
    lines = OFAC.path.read_text(encoding="utf-8").splitlines(keepends=True)
    older = tmp_path / "sdn.csv"
    older.write_text("".join(lines[:100]), encoding="utf-8")
    with open_store(db) as store:
        listed = set(store.listed_entity_ids("us_ofac_sdn"))
        import_file(store, older, seen="2020-01-01")
        assert set(store.listed_entity_ids("us_ofac_sdn")) == listed
        assert store.delisted_entity_ids("us_ofac_sdn") == []


def test_an_import_can_be_listed_and_reverted_exactly(db, tmp_path):
    before = snapshot(db)
    one_row = tmp_path / "sdn.csv"
    one_row.write_text("\n".join(OFAC.path.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    forged = jsonl(tmp_path / "forged.jsonl", FORGED, {"id": "new", "schema": "Person", "properties": {"name": ["N"]}})
    with open_store(db) as store:
        bad = import_file(store, one_row, seen="2024-06-01", accept_delisting=True)
        assert len(store.delisted_entity_ids("us_ofac_sdn")) > 1000
        notes = import_file(store, forged, dataset="my_notes")
    listed = run_cli("imports", db=db)
    assert listed.returncode == 0 and "my_notes" in listed.stdout and "us_ofac_sdn" in listed.stdout
    assert run_cli("imports", "revert", str(notes.import_id), db=db).returncode == 0
    assert run_cli("imports", "revert", str(bad.import_id), db=db).returncode == 0
    assert snapshot(db) == before, "every statement and import as it was"
    with open_store(db) as store:
        assert store.delisted_entity_ids("us_ofac_sdn") == []
        # the genuine file imports again: it is not taken as "already imported"
        again = import_file(store, one_row, seen="2024-06-01", accept_delisting=True)
        assert not again.unchanged
    again_twice = run_cli("imports", "revert", str(bad.import_id), db=db)
    assert again_twice.returncode == 1 and "already reverted" in again_twice.stderr


def test_a_revert_that_later_imports_depend_on_is_refused(db, tmp_path):
    first = jsonl(tmp_path / "v1.jsonl", {"id": "a", "schema": "Person", "properties": {"name": ["Kim Chol"]}})
    second = jsonl(tmp_path / "v2.jsonl", {"id": "a", "schema": "Person", "properties": {"name": ["Kim Chol"],
                                                                                          "alias": ["Kim Cheol"]}})
    with open_store(db) as store:
        one = import_file(store, first, dataset="watch", seen="2024-01-01")
        two = import_file(store, second, dataset="watch", seen="2024-02-01")
        with pytest.raises(RevertError, match=f"later imports changed statements of import {one.import_id}"):
            store.revert_import(one.import_id, "2026-01-01T00:00:00Z")
        store.revert_import(two.import_id, "2026-01-01T00:00:00Z")
        store.revert_import(one.import_id, "2026-01-01T00:00:00Z")
        assert "watch" not in store.datasets()


def test_an_addition_delists_nothing(db, tmp_path):
    first = jsonl(tmp_path / "part1.jsonl", *[{"id": f"p{i}", "schema": "Person", "properties": {"name": [f"Kim {i}"]}}
                                             for i in range(30)])
    second = jsonl(tmp_path / "part2.jsonl", {"id": "q", "schema": "Person", "properties": {"name": ["Ri Q"]}})
    with open_store(db) as store:
        import_file(store, first, dataset="watch", seen="2024-01-01")
        with pytest.raises(DelistingRefused):
            import_file(store, second, dataset="watch", seen="2024-02-01")
        added = import_file(store, second, dataset="watch", seen="2024-02-01", kind="addition")
        assert added.delisted == [] and len(store.listed_entity_ids("watch")) == 31


# -- 4. imports do not lose data silently -----------------------------------------------------------------

def test_reimport_is_keyed_on_grade_mapping_and_companion_files(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("id,name,dob\n1,Kim Chol,1970-01-01\n", encoding="utf-8")
    mapping = tmp_path / "map.yml"
    mapping.write_text("schema: Person\nid: id\ncolumns:\n  name: name\n", encoding="utf-8")
    with open_store(tmp_path / "s.duckdb") as store:
        assert not import_file(store, rows, format="csv", mapping=mapping).unchanged
        assert import_file(store, rows, format="csv", mapping=mapping).unchanged
        assert not import_file(store, rows, format="csv", mapping=mapping, grade="B2").unchanged
        mapping.write_text("schema: Person\nid: id\ncolumns:\n  name: name\n  dob: birthDate\n", encoding="utf-8")
        corrected = import_file(store, rows, format="csv", mapping=mapping, grade="B2")
        assert not corrected.unchanged
        assert get_entity(store, store_entity_id(store)).values("birthDate") == ["1970-01-01"]
    triple = tmp_path / "ofac"
    triple.mkdir()
    (triple / "sdn.csv").write_text(OFAC.path.read_text(encoding="utf-8"), encoding="utf-8")
    ent_num = (triple / "sdn.csv").read_text(encoding="utf-8").splitlines()[1].split(",", 1)[0]
    with open_store(tmp_path / "o.duckdb") as store:
        import_file(store, triple / "sdn.csv", seen="2024-05-03")
        (triple / "alt.csv").write_text(f'{ent_num},1,"aka","NEW ALIAS FROM ALT",-0-\n', encoding="utf-8")
        result = import_file(store, triple / "sdn.csv", seen="2024-05-03")
        assert not result.unchanged and result.new_statements >= 1
        assert "NEW ALIAS FROM ALT" in get_entity(store, f"ofac-{ent_num}").values("alias")


def store_entity_id(store) -> str:
    return next(iter_entities(store)).id


def test_statements_that_differ_only_in_where_a_separator_falls_are_both_stored(store, tmp_path):
    tricky = jsonl(tmp_path / "tricky.jsonl", {"id": "t", "schema": "Person", "statements": [
        {"prop": "name", "value": "X\x1f"},
        {"prop": "name", "value": "X", "document_id": "\x1f"},
    ]})
    result = import_file(store, tricky, format="ftm")
    assert result.statements == 2 == store.count_statements()


def test_counts_reported_are_the_rows_stored(store, tmp_path):
    repeated = jsonl(tmp_path / "rep.jsonl",
                     {"id": "a", "schema": "Person", "properties": {"name": ["Kim Chol", "Kim Chol"]}},
                     {"entity_id": "a", "schema": "Person", "prop": "name", "value": "Kim Chol"},
                     {"id": "b", "schema": "Person", "properties": {"name": ["Ri"]}})
    result = import_file(store, repeated, format="ftm")
    assert (result.entities, result.statements) == (2, 2) == (len(list(iter_entities(store))), store.count_statements())


# -- 5. bounded cost --------------------------------------------------------------------------------------

def test_an_entity_with_too_many_values_is_refused(store, tmp_path):
    many = jsonl(tmp_path / "many.jsonl", {"id": "m", "schema": "Person",
                                           "properties": {"alias": [f"A{i}" for i in range(MAX_VALUES_PER_ENTITY + 1)]}})
    with pytest.raises(SourceError, match=r"many.jsonl, line 1: entity 'm' has 10,001 values"):
        import_file(store, many, format="ftm")
    assert store.count_statements() == 0


def test_an_entity_with_thousands_of_values_reads_in_linear_time(store, tmp_path):
    lines = [{"entity_id": "m", "schema": "Person", "prop": "alias", "value": f"Alias {i}"} for i in range(9000)]
    import_file(store, jsonl(tmp_path / "s.jsonl", *lines), format="ftm")
    entity = get_entity(store, "m")
    assert len(entity.proxy.get("alias")) == 9000
    assert export(store, "ftm", tmp_path / "out.jsonl") == 1


def test_a_name_of_megabytes_is_refused(store, tmp_path):
    huge = jsonl(tmp_path / "huge.jsonl", {"id": "h", "schema": "Person", "properties": {"name": ["K" * 1_000_000]}})
    with pytest.raises(SourceError, match=r"huge.jsonl, line 1: property 'name': a value of 1,000,000 characters"):
        import_file(store, huge, format="ftm")


# -- 7. smaller holes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("record, expected", [
    ({"id": "d", "schema": "Person", "properties": {"birthDate": ["9999-99-99"]}}, "is not a date"),
    ({"id": "d", "schema": "Person", "first_seen": "yesterday", "properties": {"name": ["K"]}}, "not an ISO-8601"),
    ({"id": "d", "schema": "Person", "statements": [{"prop": "name", "value": "K", "reliability": 5}]},
     "expected text, found int"),
    ({"id": "d", "schema": "Person", "statements": [{"prop": "name", "value": "K", "quote": ["x"]}]},
     "expected text, found list"),
    ({"id": "d", "schema": "Person", "statements": [{"prop": "name", "value": "K", "grade": "Z9"}]}, "invalid grade"),
    ({"id": "d", "schema": "Person", "statements": [{"prop": "name", "value": "K", "last_seen": "2999-01-01"}]},
     "in the future"),
])
def test_garbage_dates_and_wrongly_typed_fields_get_a_clear_error(db_path, tmp_path, record, expected):
    path = jsonl(tmp_path / "bad.jsonl", record)
    result = run_cli("import", str(path), db=db_path)
    assert result.returncode == 1 and "bad.jsonl, line 1" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr


def test_a_utf8_byte_order_mark_is_accepted(store, tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"id": "b", "schema": "Person", "properties": {"name": ["Kim Bom"]}}\n')
    assert import_file(store, path).statements == 1
