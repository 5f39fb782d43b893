"""Every imported value goes through FtM's property types, and the source's own text is kept."""

from __future__ import annotations

import csv
import json

from followthemoney import model
from followthemoney.types import registry

from moneymen.services.entities import get_entity
from moneymen.graph.export import export
from moneymen.services.imports import import_file
from moneymen.store import open_store

from conftest import shared_file


def country_values(store) -> list[tuple[str, str, str | None]]:
    """(property, value, original text) of every country-typed statement in the store."""
    found = []
    for stmt in store.statements():
        prop = model.get(stmt.schema).properties.get(stmt.prop)
        if prop is not None and prop.type is registry.country:
            found.append((stmt.prop, stmt.value, stmt.original_value))
    return found


def test_un_countries_are_stored_as_ftm_codes_with_the_lists_own_words_kept(store, tmp_path):
    result = import_file(store, shared_file("sanctions", "un", "un_consolidated_2025-11-20.xml"), format="un")
    countries = country_values(store)
    assert len(countries) > 2000
    not_codes = sorted({value for _, value, _ in countries if value not in registry.country.names})
    assert not_codes == [], f"country values that are not FtM country codes: {not_codes[:10]}"
    originals = {(prop, value, original) for prop, value, original in countries}
    assert ("nationality", "ir", "Iran (Islamic Republic of)") in originals
    assert ("nationality", "kp", "Democratic People's Republic of Korea") in originals
    # what the types could not read is said, not hidden
    assert all("not a valid" in warning for warning in result.warnings if "value(s)" in warning)

    # the FtM statements CSV export carries the list's own words beside the code
    out = tmp_path / "statements.csv"
    export(store, "csv", out)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert "original_value" in rows[0]
    assert any(row["value"] == "ir" and row["original_value"] == "Iran (Islamic Republic of)" for row in rows)

    # and the FtM export is valid FtM: followthemoney keeps every country it reads back
    export(store, "ftm", tmp_path / "un.ftm.json")
    for line in (tmp_path / "un.ftm.json").read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        proxy = model.get_proxy({key: data[key] for key in ("id", "schema", "properties")}, cleaned=False)
        for prop, values in data["properties"].items():
            if model.get(data["schema"]).properties[prop].type is registry.country:
                assert sorted(proxy.get(prop)) == sorted(values), (data["id"], prop, values)


def test_un_and_ofac_write_the_same_country_the_same_way(store):
    import_file(store, shared_file("sanctions", "un", "un_consolidated_2025-11-20.xml"), format="un")
    import_file(store, shared_file("sanctions", "ofac", "sdn_2024-05-03.csv"), format="ofac")
    by_dataset: dict[str, set[str]] = {}
    for stmt in store.statements():
        if stmt.prop == "nationality":
            by_dataset.setdefault(stmt.dataset, set()).add(stmt.value)
    assert "kp" in by_dataset["un_sc"] and "kp" in by_dataset["us_ofac_sdn"]
    assert "ir" in by_dataset["un_sc"] and "ir" in by_dataset["us_ofac_sdn"]
    assert not {value for values in by_dataset.values() for value in values} - set(registry.country.names)


def write_lines(path, *records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def test_a_value_its_type_cannot_read_is_kept_as_text_and_counted(store, tmp_path):
    path = write_lines(
        tmp_path / "list.jsonl",
        {"id": "p1", "schema": "Person", "properties": {
            "name": ["Kim Chol"], "nationality": ["DPRK", "Indonesia (as at December 2003)"],
            "email": ["not an address"], "gender": ["Male"]}},
        {"id": "s1", "schema": "Sanction", "properties": {"entity": ["p1"], "country": ["Atlantis"]}},
    )
    result = import_file(store, path, format="ftm", dataset="mine")
    person = get_entity(store, "p1")
    assert person.values("nationality") == ["kp"], "a label FtM reads becomes its code"
    assert person.values("gender") == ["male"]
    assert sorted(person.values("notes")) == ["Email: not an address", "Nationality: Indonesia (as at December 2003)"]
    originals = {stmt.value: stmt.original_value for stmt in person.statements}
    assert originals["kp"] == "DPRK" and originals["male"] == "Male"
    assert originals["Nationality: Indonesia (as at December 2003)"] == "Indonesia (as at December 2003)"
    assert get_entity(store, "s1").values("summary") == ["Country: Atlantis"], "a schema without notes: summary"
    assert sorted(result.warnings) == [
        "1 Person.email value(s) are not a valid email (e.g. 'not an address'): kept as text in notes",
        "1 Person.nationality value(s) are not a valid country (e.g. 'Indonesia (as at December 2003)'): "
        "kept as text in notes",
        "1 Sanction.country value(s) are not a valid country (e.g. 'Atlantis'): kept as text in summary",
    ]


def test_the_original_text_survives_an_export_and_a_restore(tmp_path):
    path = write_lines(tmp_path / "list.jsonl",
                       {"id": "p1", "schema": "Person", "properties": {"name": ["Ri"], "country": ["Syrian Arab Republic"]}})
    with open_store(tmp_path / "a.duckdb") as first:
        import_file(first, path, format="ftm", dataset="mine")
        export(first, "ftm", tmp_path / "out.jsonl")
    with open_store(tmp_path / "b.duckdb") as second:
        import_file(second, tmp_path / "out.jsonl", format="ftm", kind="restore")
        [stmt] = [stmt for stmt in second.statements() if stmt.prop == "country"]
    assert (stmt.value, stmt.original_value) == ("sy", "Syrian Arab Republic")


def test_a_phone_number_without_its_country_code_is_read_with_the_entitys_country(store, tmp_path):
    path = write_lines(tmp_path / "list.jsonl", {"id": "o1", "schema": "Organization", "properties": {
        "name": ["Beirut Trading"], "country": ["Lebanon"], "phone": ["009613679153"]}})
    result = import_file(store, path, format="ftm", dataset="mine")
    [phone] = [stmt for stmt in get_entity(store, "o1").statements if stmt.prop == "phone"]
    assert (phone.value, phone.original_value) == ("+9613679153", "009613679153")
    assert result.warnings == []
