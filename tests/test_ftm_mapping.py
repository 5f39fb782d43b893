"""FollowTheMoney's mapping language in full, run by followthemoney's own mapping code on our bounded CSV reader."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from moneymen.services.entities import get_entity
from moneymen.services.imports import import_file
from moneymen.sources.base import SourceError

from conftest import shared_file

EU_MAPPING = """
eu_dprk_2017:
  label: EU restrictive measures against the DPRK (Regulation 2017/1509)
  queries:
    - filters: {schema: Person}
      entities:
        person:
          schema: Person
          keys: [annex, recordId, name]
          properties:
            name: {column: name}
            alias: {column: alias}
            nationality: {column: nationality}
            birthDate: {column: birthDate, format: "%d.%m.%Y"}
    - filters_not: {schema: Person}
      entities:
        other:
          schema: LegalEntity
          keys: [annex, recordId, name]
          properties:
            name: {column: name}
            country: {column: country}
"""


def schemata(store) -> Counter:
    return Counter(entity_schema for entity_schema in
                   {stmt.entity_id: stmt.schema for stmt in store.statements()}.values())


def test_two_queries_split_the_eu_list_into_persons_and_the_rest(store, tmp_path):
    path = shared_file("sanctions", "eu-dprk-2017", "32017R1509.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    mapping = tmp_path / "eu.yml"
    mapping.write_text(EU_MAPPING, encoding="utf-8")
    result = import_file(store, path, format="csv", mapping=mapping, dataset="eu_dprk")
    people = sum(1 for row in rows if row["schema"] == "Person")
    assert result.entities == len(rows)
    assert schemata(store) == {"Person": people, "LegalEntity": len(rows) - people}
    # the mapping's date format and FtM's country names apply; the list's own words are kept
    yun = next(row for row in rows if row["name"] == "Yun Ho-jin")
    [person_id] = {stmt.entity_id for stmt in store.statements() if stmt.value == "Yun Ho-jin"}
    birth = [stmt for stmt in get_entity(store, person_id).statements if stmt.prop == "birthDate"]
    assert [(stmt.value, stmt.original_value) for stmt in birth] == [("1944-10-13", yun["birthDate"])]
    nationality = {(stmt.value, stmt.original_value) for stmt in store.statements() if stmt.prop == "nationality"}
    assert ("kp", "DPRK") in nationality


def write_csv(path, header, *rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_queries_with_filters_ids_templates_and_relations(store, tmp_path):
    data = write_csv(tmp_path / "list.csv", ["ref", "kind", "first", "last", "company", "status"],
                     ["1", "person", "Song Il", "Ri", "Korea Ryonbong", "listed"],
                     ["2", "person", "Chol", "Kim", "Korea Ryonbong", "delisted"],
                     ["3", "vessel", "", "CHONG CHON GANG", "", "listed"])
    mapping = tmp_path / "m.yml"
    mapping.write_text("""
queries:
  - filters: {kind: person}
    filters_not: {status: delisted}
    entities:
      person:
        schema: Person
        id_column: ref
        properties:
          name: {template: "{{last}}, {{first}}"}
          firstName: {column: first}
      company:
        schema: Company
        keys: [company]
        properties: {name: {column: company}}
      job:
        schema: Employment
        keys: [ref, company]
        properties: {employee: {entity: person}, employer: {entity: company}}
  - filters: {kind: vessel}
    entities:
      ship: {schema: Vessel, keys: [ref], properties: {name: {column: last}}}
""", encoding="utf-8")
    import_file(store, data, format="csv", mapping=mapping, dataset="mine")
    assert schemata(store) == {"Person": 1, "Company": 1, "Employment": 1, "Vessel": 1}
    assert get_entity(store, "1").values("name") == ["Ri, Song Il"], "id_column keeps the row's own id"


@pytest.mark.parametrize("mapping, message", [
    ("queries:\n  - entities: {p: {schema: Person, keys: [ref], properties: {name: {column: last}}}}\n"
     "    csv_url: http://example.org/x.csv\n", "key 'csv_url' is not accepted"),
    ("queries:\n  - entities: {p: {schema: Person, keys: [ref], properties: {name: {column: last}}}}\n"
     "    filters: {nope: x}\n", "'nope' not in the header"),
    ("queries: []\n", "expected a list of queries"),
    ("queries:\n  - filters: {kind: person}\n", "query 1: expected a table with 'entities'"),
    ("queries:\n  - entities: {p: {schema: Person, keys: [ref], properties: {name: {column: last}}}}\n"
     "schema: Person\n", "key 'schema' cannot stand beside 'queries'"),
    ("dataset:\n  queries:\n    - entities: {p: {schema: Pirate, keys: [ref]}}\n  database: x\n",
     "unknown key 'database'"),
])
def test_bad_query_lists_are_explained(store, tmp_path, mapping, message):
    data = write_csv(tmp_path / "list.csv", ["ref", "kind", "last"], ["1", "person", "Ri"])
    path = tmp_path / "m.yml"
    path.write_text(mapping, encoding="utf-8")
    with pytest.raises(SourceError, match=message) as error:
        import_file(store, data, format="csv", mapping=path, dataset="mine")
    assert "m.yml" in str(error.value)
    assert store.count_statements() == 0
