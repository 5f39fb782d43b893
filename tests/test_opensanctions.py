"""OpenSanctions' published formats (entities.ftm.json, statements.csv) imported without losing themselves.

The files here are written by the tests in OpenSanctions' published layout; no OpenSanctions data.
"""

from __future__ import annotations

import csv
import json

import pytest

from moneymen.services.entities import get_entity
from moneymen.services.imports import import_file
from moneymen.sources.base import SourceError

from conftest import run_cli

#: statements.csv as OpenSanctions publishes it: these columns, in this order.
STATEMENT_HEADER = ["id", "entity_id", "canonical_id", "prop", "prop_type", "schema", "value", "dataset", "lang",
                    "original_value", "first_seen", "last_seen", "external", "origin"]


def entity(entity_id, name, datasets, referents=(), **properties):
    return {"id": entity_id, "schema": "Person", "caption": name,
            "properties": {"name": [name], **properties}, "datasets": list(datasets), "referents": list(referents),
            "first_seen": "2019-03-01T10:00:00", "last_seen": "2024-06-01T04:12:00",
            "last_change": "2023-02-02T00:00:00", "target": True}


def write_entities(path, *entities):
    path.write_text("".join(json.dumps(item) + "\n" for item in entities), encoding="utf-8")
    return path


def write_statements(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(STATEMENT_HEADER)
        for number, row in enumerate(rows):
            values = dict(zip(["entity_id", "canonical_id", "prop", "schema", "value", "dataset"], row[:6]))
            values.update(row[6] if len(row) > 6 else {})
            values.setdefault("first_seen", "2020-01-01T00:00:00")
            values.setdefault("last_seen", "2024-06-01T00:00:00")
            values.setdefault("prop_type", "string")
            values.setdefault("external", "f")
            values["id"] = f"stmt{number}"
            writer.writerow([values.get(name, "") for name in STATEMENT_HEADER])
    return path


def test_entities_keep_their_datasets_referents_and_dates(store, tmp_path):
    path = write_entities(
        tmp_path / "entities.ftm.json",
        entity("NK-kim", "Kim Su Il", ["us_ofac_sdn", "eu_fsf"], ["ofac-23001", "eu-fsf-eu-771"], nationality=["kp"]),
        entity("NK-ri", "Ri Won Ho", ["eu_fsf"], ["eu-fsf-eu-772"]),
    )
    result = import_file(store, path)
    assert result.format == "opensanctions", "told apart from plain FtM by its content"
    kim = get_entity(store, "NK-kim")
    # OpenSanctions' own us_ofac_sdn must not pose as the official OFAC file's dataset
    assert kim.datasets == ["eu_fsf", "opensanctions.us_ofac_sdn"]
    assert any("us_ofac_sdn is stored as opensanctions.us_ofac_sdn" in warning for warning in result.warnings)
    assert "opensanctions.us_ofac_sdn" not in store.official_datasets()
    assert store.referents("NK-kim") == ["eu-fsf-eu-771", "ofac-23001"]
    assert store.referents("ofac-23001") == ["NK-kim"], "either id leads to the other"
    assert kim.first_seen() == "2019-03-01T10:00:00Z"
    assert {stmt.source_last_seen for stmt in kim.statements} == {"2024-06-01T04:12:00Z"}
    # last_seen precedes the import, yet a first import delists nothing
    assert result.delisted == [] and kim.delisted_from(store.latest_seen()) == []


def test_an_entity_is_delisted_only_by_a_later_version_of_its_own_dataset(store, tmp_path):
    kim = entity("NK-kim", "Kim Su Il", ["eu_fsf", "gb_hmt_sanctions"])
    ri = entity("NK-ri", "Ri Won Ho", ["eu_fsf"])
    pak = entity("NK-pak", "Pak Chol", ["ch_seco_sanctions"])
    import_file(store, write_entities(tmp_path / "v1.ftm.json", kim, ri, pak), seen="2024-06-01")
    # the next export: Kim left the EU list but not the UK one; SECO is not in this file at all
    kim_uk = entity("NK-kim", "Kim Su Il", ["gb_hmt_sanctions"])
    result = import_file(store, write_entities(tmp_path / "v2.ftm.json", kim_uk, ri), seen="2024-07-01")
    assert sorted(result.datasets) == ["eu_fsf", "gb_hmt_sanctions"]
    assert result.delisted == ["NK-kim"]
    assert get_entity(store, "NK-kim").delisted_from(store.latest_seen()) == ["eu_fsf"]
    assert get_entity(store, "NK-ri").delisted_from(store.latest_seen()) == []
    assert get_entity(store, "NK-pak").delisted_from(store.latest_seen()) == [], "no later version of its dataset"


def test_statements_csv_is_imported_with_canonical_ids_and_original_values(store, tmp_path):
    path = write_statements(tmp_path / "statements.csv", [
        ("ofac-23001", "NK-kim", "name", "Person", "KIM, Su Il", "us_ofac_sdn"),
        ("ofac-23001", "NK-kim", "nationality", "Person", "kp", "us_ofac_sdn",
         {"original_value": "Korea, North", "prop_type": "country"}),
        ("eu-fsf-eu-771", "NK-kim", "name", "Person", "김수일", "eu_fsf", {"lang": "kor", "first_seen": "2018-05-05T00:00:00"}),
        ("eu-fsf-eu-771", "NK-kim", "id", "Person", "eu-fsf-eu-771", "eu_fsf"),
        ("eu-fsf-eu-771", "NK-kim", "alias", "Person", "Kim Soo-il", "eu_fsf", {"external": "t"}),
        ("NK-ri", "NK-ri", "name", "Person", "Ri Won Ho", "eu_fsf"),
    ])
    result = import_file(store, path)
    assert (result.format, result.entities) == ("opensanctions", 2)
    kim = get_entity(store, "NK-kim")
    assert sorted((stmt.dataset, stmt.prop, stmt.value) for stmt in kim.statements) == [
        ("eu_fsf", "name", "김수일"), ("opensanctions.us_ofac_sdn", "name", "KIM, Su Il"),
        ("opensanctions.us_ofac_sdn", "nationality", "kp")]
    by_value = {stmt.value: stmt for stmt in kim.statements}
    assert by_value["kp"].original_value == "Korea, North"
    assert by_value["김수일"].lang == "kor" and by_value["김수일"].first_seen == "2018-05-05T00:00:00Z"
    assert by_value["KIM, Su Il"].source_last_seen == "2024-06-01T00:00:00Z"
    assert store.referents("NK-kim") == ["eu-fsf-eu-771", "ofac-23001"]
    assert "Kim Soo-il" not in kim.values("alias")
    assert any("1 external statements skipped" in warning for warning in result.warnings)


def test_statements_csv_from_the_command_line(tmp_path, db_path):
    path = write_statements(tmp_path / "statements.csv", [
        ("NK-ri", "NK-ri", "name", "Person", "Ri Won Ho", "eu_fsf")])
    result = run_cli("import", str(path), db=db_path)
    assert result.returncode == 0, result.stderr
    assert "cannot tell the format" not in result.stdout + result.stderr


def test_a_dataset_fed_by_another_kind_of_import_is_never_written(store, tmp_path):
    mine = tmp_path / "eu_fsf.jsonl"
    mine.write_text(json.dumps({"id": "x1", "schema": "Person", "properties": {"name": ["My own"]}}) + "\n")
    import_file(store, mine, format="ftm", dataset="eu_fsf")
    result = import_file(store, write_entities(tmp_path / "e.ftm.json", entity("NK-ri", "Ri Won Ho", ["eu_fsf"])))
    assert result.datasets == ["opensanctions.eu_fsf"]
    assert get_entity(store, "x1").datasets == ["eu_fsf"] and get_entity(store, "NK-ri").datasets == ["opensanctions.eu_fsf"]
    # and the other way round: the user's own file cannot go into OpenSanctions' dataset
    with pytest.raises(SourceError, match="opensanctions"):
        import_file(store, mine, format="ftm", dataset="opensanctions.eu_fsf")


def test_dataset_option_and_bad_dataset_names_are_refused(store, tmp_path):
    path = write_entities(tmp_path / "e.ftm.json", entity("NK-ri", "Ri Won Ho", ["eu_fsf"]))
    with pytest.raises(SourceError, match="names its own datasets"):
        import_file(store, path, dataset="mine")
    bad = write_entities(tmp_path / "bad.ftm.json", entity("NK-ri", "Ri Won Ho", ["../../etc"]))
    with pytest.raises(SourceError, match=r"bad.ftm.json, line 1: dataset name '../../etc'"):
        import_file(store, bad)
    none = write_entities(tmp_path / "none.ftm.json", entity("NK-ri", "Ri Won Ho", []))
    with pytest.raises(SourceError, match="expected 'datasets'"):
        import_file(store, none)
    assert store.count_statements() == 0


def test_reverting_an_opensanctions_import_takes_its_datasets_and_referents_with_it(store, tmp_path):
    path = write_entities(tmp_path / "e.ftm.json", entity("NK-kim", "Kim Su Il", ["eu_fsf"], ["eu-fsf-eu-771"]))
    result = import_file(store, path)
    assert store.referents("NK-kim") == ["eu-fsf-eu-771"] and "eu_fsf" in store.latest_seen()
    store.revert_import(result.import_id, "2026-01-01T00:00:00Z")
    assert store.referents("NK-kim") == [] and store.count_statements() == 0
    assert "eu_fsf" not in store.latest_seen() and "eu_fsf" not in store.dataset_formats()
    again = import_file(store, path)
    assert not again.unchanged and again.datasets == ["eu_fsf"], "a reverted import can be made again"
