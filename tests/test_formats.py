"""FtM JSON lines in and out without loss, and a user's CSV mapped to FtM entities."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from moneymen.services.entities import get_entity, relations_of
from moneymen.graph.export import export
from moneymen.services.imports import import_file
from moneymen.sources.base import SourceError
from moneymen.store import open_store

from conftest import run_cli


def statements(store) -> list[tuple]:
    return sorted(tuple(map(str, dataclasses.astuple(s))) for s in store.statements())


def test_ftm_export_then_import_gives_the_same_statements(tmp_path):
    source = tmp_path / "case.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in [
        {"id": "jst", "schema": "Person", "properties": {"name": ["Jang Song-thaek"], "alias": ["장성택", "張成澤"]},
         "first_seen": "2013-12-08T00:00:00Z", "last_seen": "2013-12-13T00:00:00Z"},
        {"id": "dept", "schema": "Organization", "properties": {"name": ["Administrative Department"]}},
        {"id": "emp", "schema": "Employment", "properties": {"employee": ["jst"], "employer": ["dept"], "role": ["Director"]}},
    ]) + "\n", encoding="utf-8")
    with open_store(tmp_path / "a.duckdb") as first:
        import_file(first, source, format="ftm", dataset="case", grade="C3")
        out = tmp_path / "export.jsonl"
        assert export(first, "ftm", out) == 3
        original = statements(first)
    with open_store(tmp_path / "b.duckdb") as second:
        import_file(second, out, format="ftm", dataset="elsewhere", grade="F6", kind="restore")
        assert statements(second) == original, "dataset, grade, dates and records survive the round trip"
    dates = {row[0]: (row[10], row[11]) for row in original}
    # the file's first_seen is kept; last seen is when this import saw it (else it would read as delisted)
    assert dates["jst"][0] == "2013-12-08T00:00:00Z"
    assert dates["jst"][1] == dates["dept"][1] > "2026"
    assert {row[14] + row[15] for row in original} == {"C3"}


def test_ftm_export_is_readable_by_followthemoney(tmp_path, store):
    from followthemoney import model

    source = tmp_path / "one.jsonl"
    source.write_text('{"id": "x", "schema": "Company", "properties": {"name": ["Korea Kwangson Banking Corp"], '
                      '"swiftBic": ["KKBCKPPY"]}}\n')
    import_file(store, source, format="ftm")
    export(store, "ftm", tmp_path / "out.jsonl")
    proxy = model.get_proxy(json.loads((tmp_path / "out.jsonl").read_text()))
    assert proxy.caption == "Korea Kwangson Banking Corp"
    assert proxy.get("swiftBic") == ["KKBCKPPY"]


def test_ftm_export_statements_are_read_by_followthemoney_statement_entities(tmp_path, store):
    """nomenklatura and yente read an entity's ``statements`` as FtM statements: each needs its
    entity id, and the datasets must come back as the store's, not the reader's."""
    from followthemoney.dataset import Dataset
    from followthemoney.statement import StatementEntity

    source = tmp_path / "one.jsonl"
    source.write_text('{"id": "x", "schema": "Company", "properties": {"name": ["Korea Kwangson Banking Corp"], '
                      '"swiftBic": ["KKBCKPPY"]}}\n')
    import_file(store, source, format="ftm", dataset="notes")
    export(store, "ftm", tmp_path / "out.jsonl")
    data = json.loads((tmp_path / "out.jsonl").read_text())
    entity = StatementEntity.from_data(Dataset.make({"name": "reader", "title": "reader"}),
                                       {key: value for key, value in data.items() if key != "properties"})
    assert entity.get("swiftBic") == ["KKBCKPPY"]
    assert {stmt.dataset for stmt in entity.statements if stmt.prop != "id"} == {"notes"}


def test_ftm_statement_lines_are_grouped_into_entities(tmp_path, store):
    source = tmp_path / "statements.jsonl"
    lines = [
        {"entity_id": "a", "schema": "Person", "prop": "id", "value": "a", "dataset": "d"},
        {"entity_id": "a", "schema": "Person", "prop": "name", "value": "Ri Su Yong", "dataset": "d",
         "first_seen": "2020-01-01T00:00:00Z", "last_seen": "2021-01-01T00:00:00Z"},
        {"entity_id": "a", "schema": "Person", "prop": "nationality", "value": "kp", "dataset": "d"},
        {"entity_id": "b", "schema": "Company", "prop": "name", "value": "Tanchon Commercial Bank", "dataset": "d"},
    ]
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    result = import_file(store, source, format="ftm")
    assert (result.entities, result.statements) == (2, 3)
    person = get_entity(store, "a")
    assert person.caption == "Ri Su Yong" and person.values("nationality") == ["kp"]
    name = next(stmt for stmt in person.statements if stmt.prop == "name")
    assert name.first_seen == "2020-01-01T00:00:00Z", "the file's first seen is kept"
    assert name.last_seen == result.seen, "last seen is when this import saw it"
    assert name.dataset == store.imports()[0].dataset, "written into the import's own dataset, not the file's 'd'"


def write_people(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text("pid,full_name,dob,company\n"
                    "1,Kim Chol,1970-03-02,Korea Daesong Trading\n"
                    '2,"Ri, Song Il",1968,Korea Daesong Trading\n', encoding="utf-8")
    return path


def test_csv_with_a_short_mapping(tmp_path, store):
    mapping = tmp_path / "m.yml"
    mapping.write_text("schema: Person\nid: pid\ncolumns:\n  full_name: name\n  dob: birthDate\n")
    result = import_file(store, write_people(tmp_path), format="csv", mapping=mapping, grade="B3")
    assert (result.dataset, result.entities, result.statements) == ("people", 2, 4)
    entity = get_entity(store, "2")
    assert entity.caption == "Ri, Song Il" and entity.values("birthDate") == ["1968"]
    assert entity.statements[0].source_record == "row 3" and str(entity.best_grade()) == "B3"


def test_csv_with_an_ftm_mapping_makes_relations(tmp_path, store):
    mapping = tmp_path / "m.yml"
    mapping.write_text("""
entities:
  person: {schema: Person, keys: [pid], properties: {name: {column: full_name}}}
  company: {schema: Company, keys: [company], properties: {name: {column: company}}}
  job:
    schema: Employment
    keys: [pid, company]
    properties: {employee: {entity: person}, employer: {entity: company}}
""")
    import_file(store, write_people(tmp_path), format="csv", mapping=mapping)
    from moneymen.services.search import search_store

    _, found = search_store(store, "Daesong", limit=1)
    company = get_entity(store, found[0].entity.id)
    links = relations_of(store, company)
    assert sorted(link.entity.schema.name for link in links) == ["Employment", "Employment"]


@pytest.mark.parametrize("mapping, message", [
    ("schema: Pirate\ncolumns: {name: name}\n", "unknown FtM schema 'Pirate'"),
    ("schema: Person\n", "expected 'schema: NAME' and 'columns"),
    ("schema: Person\ncolumns: {full_name: shoeSize}\n", "invalid mapping"),
    ("- just\n- a list\n", "expected a YAML mapping"),
    ("schema: [unclosed\n", "cannot read the mapping"),
])
def test_bad_mappings_are_explained(tmp_path, store, mapping, message):
    path = tmp_path / "m.yml"
    path.write_text(mapping)
    with pytest.raises(SourceError, match=message) as error:
        import_file(store, write_people(tmp_path), format="csv", mapping=path)
    assert "m.yml" in str(error.value)
    assert store.count_statements() == 0


def test_csv_import_from_the_command_line(tmp_path, db_path):
    mapping = tmp_path / "m.yml"
    mapping.write_text("schema: Person\nid: pid\ncolumns:\n  full_name: name\n")
    result = run_cli("import", str(write_people(tmp_path)), "--format", "csv", "--mapping", str(mapping),
                     "--dataset", "my_clients", db=db_path)
    assert result.returncode == 0, result.stderr
    assert "2 entities" in result.stdout and "my_clients" in result.stdout


def test_every_export_format_is_one_exporter_in_the_registry(store, tmp_path):
    from moneymen.graph.exporters import EXPORT_FORMATS, EXPORTERS

    assert EXPORT_FORMATS == ("ftm", "csv", "links", "graphml", "gexf", "cytoscape") == tuple(EXPORTERS)
    for name, exporter in EXPORTERS.items():
        assert exporter.name == name and exporter.suffix.startswith(".") and exporter.description
        assert callable(exporter.write)
        assert export(store, name, tmp_path / f"empty{exporter.suffix}") == 0  # an empty store writes an empty file
        assert (tmp_path / f"empty{exporter.suffix}").exists()
    with pytest.raises(ValueError, match="unknown export format 'xlsx'; expected one of: ftm, csv, links, graphml, gexf, "
                                         "cytoscape"):
        export(store, "xlsx", tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()
    help_text = " ".join(run_cli("export", "--help").stdout.split())
    assert all(name in help_text for name in EXPORTERS)
