"""What a screening covers when the user names no schema: every kind of listed thing.

The bundled OFAC and UN lists hold people, organisations, vessels, aircraft and crypto wallets;
a name or an identifier screened without ``--schema`` must reach all of them, once each.
"""

from __future__ import annotations

import csv
import json

import pytest

from conftest import run_cli
from moneymen.services.demo import import_bundled
from moneymen.match.profiles import Profile
from moneymen.services.screening import screener_of_store
from moneymen.store import open_store

CHONG_CHON_GANG = "ofac-17069"   # Vessel, IMO 7937317, OFAC DPRK
CHONGCHONGANG_SHIPPING = "unsc-6908516"  # its operator, UN 1718 list
AIRPLANE = "ofac-20556"          # Airplane "P-914"


@pytest.fixture(scope="module")
def lists_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("defaults") / "lists.duckdb"
    with open_store(db) as store:
        import_bundled(store)
    return db


@pytest.fixture(scope="module")
def screener(lists_db):
    with open_store(lists_db) as store:
        return screener_of_store(store)


def screen_json(*args: str, db) -> list[dict]:
    result = run_cli("screen", *args, "--json", db=db)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_vessel_name_is_found_without_a_schema(lists_db):
    results = screen_json("CHONG CHON GANG", db=lists_db)
    assert results[0]["id"] == CHONG_CHON_GANG and results[0]["schema"] == "Vessel" and results[0]["match"]
    assert "OFAC DPRK" in results[0]["sanctions"]
    ids = [result["id"] for result in results]
    assert CHONGCHONGANG_SHIPPING in ids, "the company of the same name is screened too"
    assert len(ids) == len(set(ids)), "each entity once"


def test_an_imo_number_alone_finds_the_vessel(lists_db):
    results = screen_json("--identifier", "imoNumber=7937317", db=lists_db)
    assert results and results[0]["id"] == CHONG_CHON_GANG and results[0]["match"]


def test_an_aircraft_is_found_without_a_schema(lists_db):
    results = screen_json("P-914", db=lists_db)
    assert results[0]["id"] == AIRPLANE and results[0]["schema"] == "Airplane" and results[0]["match"]


def test_schema_narrows_the_screening(lists_db):
    organisations = screen_json("CHONG CHON GANG", "--schema", "Organization", db=lists_db)
    assert organisations[0]["id"] == CHONGCHONGANG_SHIPPING
    assert all(result["schema"] == "Organization" for result in organisations)
    vessels = screen_json("CHONG CHON GANG", "--schema", "Vessel", db=lists_db)
    assert vessels[0]["id"] == CHONG_CHON_GANG and all(result["schema"] == "Vessel" for result in vessels)


def test_a_screen_without_name_or_identifier_says_what_is_needed(lists_db):
    result = run_cli("screen", db=lists_db)
    assert result.returncode != 0 and "--identifier" in result.stderr


def test_a_batch_without_a_schema_column_screens_every_kind(lists_db, tmp_path):
    source = tmp_path / "counterparties.csv"
    source.write_text("ref,name,imo\n1,CHONG CHON GANG,\n2,,IMO7937317\n3,P-914,\n4,Siemens AG,\n", encoding="utf-8")
    out = tmp_path / "results.csv"
    result = run_cli("screen", "--input", str(source), "-o", str(out), db=lists_db)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    best = {row["ref"]: row for row in rows if row["rank"] == "1"}
    assert best["1"]["entity_id"] == CHONG_CHON_GANG and best["1"]["match"] == "true"
    assert best["2"]["entity_id"] == CHONG_CHON_GANG and best["2"]["match"] == "true"
    assert best["3"]["entity_id"] == AIRPLANE and best["3"]["match"] == "true"
    assert not any(row["match"] == "true" for row in rows if row["ref"] == "4")
    pairs = [(row["ref"], row["entity_id"]) for row in rows if row["entity_id"]]
    assert len(pairs) == len(set(pairs)), "each entity once per row"


def test_any_schema_gives_each_entity_the_score_of_its_own_schema(screener):
    """Screened as any schema, an entity scores what the query would score naming its schema."""
    anything = {result.entity.id: result.score
                for result in screener.screen(Profile.from_properties("Thing", {"name": ["CHONG CHON GANG"]}),
                                              limit=20)}
    for schema in ("Vessel", "Organization"):
        narrowed = screener.screen(Profile.from_properties(schema, {"name": ["CHONG CHON GANG"]}), limit=3)
        for result in narrowed:
            assert anything.get(result.entity.id) == pytest.approx(result.score), (schema, result.entity.id)


def test_a_broader_schema_screens_its_kinds_only(screener):
    """Asset (not matchable itself) covers vessels and aircraft, never people or organisations."""
    results = screener.screen(Profile.from_properties("Asset", {"name": ["CHONG CHON GANG"]}), limit=10)
    assert results[0].entity.id == CHONG_CHON_GANG
    assert {result.entity.schema for result in results} <= {"Vessel", "Airplane", "Company"}
