"""yente's protocol beyond /match, against ``moneymen serve`` on loopback: entities with their
adjacent entities nested as yente nests them, readable by FollowTheMoney's own classes; /readyz,
/catalog and /algorithms in yente's shapes.

The store holds the bundled UN and OFAC extracts and the small fictional network of
``network_fixture`` (family, directorship, ownerships, employment, a sanction, an associate).
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from followthemoney import StatementEntity, model
from followthemoney.dataset import Dataset
from followthemoney.statement import Statement

from moneymen.services.demo import import_bundled
from moneymen.services.imports import import_file
from moneymen.store import open_store

from network_fixture import import_case, write_lines
from api_server import API_KEY, AUTHORIZATION, serving_cli

YUN = "unsc-690734"            # YUN HO-JIN, UN 1718 list
CHONG_CHON_GANG = "ofac-17069"  # the vessel, IMO 7937317


@contextmanager
def serving(db: Path, folder: Path, *options: str):
    """``moneymen serve --db DB [OPTIONS]`` as a user starts it, with an API key: yields an httpx client
    whose ``statuses`` are what /readyz answered until it was ready."""
    with serving_cli(db, folder / "server.log", *options, env={"HOME": str(folder)}) as url:
        with httpx.Client(base_url=url, timeout=60, headers=AUTHORIZATION) as client:
            client.key = API_KEY
            client.statuses = []
            for _ in range(1200):
                status = client.get("/readyz").status_code
                client.statuses.append(status)
                if status != 503:
                    break
                time.sleep(0.05)
            yield client


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("yente-protocol")
    db = folder / "lists.duckdb"
    with open_store(db) as store:
        import_bundled(store)
        import_case(store, folder)
    with serving(db, folder) as client:
        yield client


def nested_under(document: dict, prop: str) -> list[dict]:
    return [value for value in document["properties"].get(prop, []) if isinstance(value, dict)]


def schemata(document: dict):
    """The schema of a document and of every entity nested in it."""
    yield document["schema"]
    for values in document["properties"].values():
        for value in values:
            if isinstance(value, dict):
                yield from schemata(value)


# -- /entities/{id}: adjacent entities nested -----------------------------------------------------


def test_a_listed_person_comes_with_its_sanction_nested(client):
    data = client.get(f"/entities/{YUN}").json()
    sanctions = nested_under(data, "sanctions")
    assert [sanction["schema"] for sanction in sanctions] == ["Sanction"]
    sanction = sanctions[0]
    # the sanction points back at the person by id (the way it came), and says which program lists him
    assert sanction["properties"]["entity"] == [YUN]
    assert any("1718" in program for program in sanction["properties"]["program"])
    assert sanction["caption"] and sanction["datasets"] == ["un_sc"]
    assert data["target"] is True
    # nested=false: the entity alone, its values all strings, what points at it under `relations`
    flat = client.get(f"/entities/{YUN}", params={"nested": "false"}).json()
    assert "sanctions" not in flat["properties"]
    assert all(isinstance(value, str) for values in flat["properties"].values() for value in values)
    assert [relation["schema"] for relation in flat["relations"]] == ["Sanction"]


def test_edges_lead_to_the_entity_at_their_other_end(client):
    nephew = client.get("/entities/nephew").json()
    directorship, = nested_under(nephew, "directorshipDirector")
    company, = directorship["properties"]["organization"]
    assert company["id"] == "tradeco" and company["properties"]["name"] == ["Taesong Trading"]
    assert directorship["properties"]["director"] == ["nephew"]
    family, = nested_under(nephew, "familyRelative")
    assert family["properties"]["person"][0]["caption"] == "Pak Chol-ung"
    holding, = nested_under(nephew, "ownershipOwner")
    assert holding["properties"]["asset"][0]["schema"] == "BankAccount"

    tradeco = client.get("/entities/tradeco").json()
    sanction, = nested_under(tradeco, "sanctions")
    assert sanction["properties"]["program"] == ["DPRK3"]
    owned = [ownership["properties"]["asset"][0]["id"] for ownership in nested_under(tradeco, "ownershipOwner")]
    assert owned == ["shipco"]
    employees = [employment["properties"]["employee"][0]["id"] for employment in nested_under(tradeco, "employees")]
    assert employees == ["official"]
    # nesting stops two steps out: the company's owner's other holdings are ids, not objects
    shipco = nested_under(tradeco, "ownershipOwner")[0]["properties"]["asset"][0]
    assert all(isinstance(value, str) for values in shipco["properties"].values() for value in values)
    assert all(model.get(name) is not None for name in schemata(tradeco))


def test_an_entity_is_reached_from_what_it_points_at(client):
    vessel = client.get("/entities/vessel").json()
    owner, = vessel["properties"]["owner"]
    assert owner["id"] == "shipco" and owner["schema"] == "Company"


def test_the_document_reads_as_followthemoney_entities_with_statements_beside(client):
    # nomenklatura's YenteEnricher reads each document with FtM's StatementEntity: a `statements`
    # key in another shape breaks it; moneymen's provenance is FtM statements under its own key
    data = client.get(f"/entities/{YUN}").json()
    dataset = Dataset.make({"name": "enrichment", "title": "Enrichment"})
    entity = StatementEntity.from_data(dataset, json.loads(json.dumps(data)), cleaned=False)
    assert entity.get("name") == ["YUN HO-JIN"] and entity.get("birthDate") == ["1944-10-13"]
    assert "statements" not in data
    statements = [Statement.from_dict(record) for record in data["provenance"]]
    birth = [stmt for stmt in statements if stmt.prop == "birthDate"]
    assert birth and birth[0].value == "1944-10-13" and birth[0].dataset == "un_sc"
    record = next(record for record in data["provenance"] if record["prop"] == "birthDate")
    assert (record["reliability"], record["credibility"], record["source_record"]) == ("A", "2", "KPi.001")
    for sanction in nested_under(data, "sanctions"):
        nested = StatementEntity.from_data(dataset, sanction, cleaned=False)
        assert nested.schema.name == "Sanction" and nested.get("entity") == [YUN]


def test_a_hub_entity_nests_a_bounded_neighbourhood(tmp_path):
    # a department with 700 members: the document stays bounded and quick
    rows = [{"id": "hub", "schema": "Organization", "properties": {"name": ["Department 99"]}}]
    for number in range(700):
        rows.append({"id": f"m{number}", "schema": "Person", "properties": {"name": [f"Member {number}"]}})
        rows.append({"id": f"mem{number}", "schema": "Membership",
                     "properties": {"member": [f"m{number}"], "organization": ["hub"]}})
    db = tmp_path / "hub.duckdb"
    with open_store(db) as store:
        import_file(store, write_lines(tmp_path / "hub.ftm.json", rows), format="ftm", dataset="hub")
    with serving(db, tmp_path) as client:
        started = time.monotonic()
        response = client.get("/entities/hub")
        elapsed = time.monotonic() - started
    assert response.status_code == 200 and elapsed < 10
    memberships = nested_under(response.json(), "membershipOrganization")
    assert 0 < len(memberships) <= 500
    assert len(response.content) < 5_000_000


# -- /readyz, /catalog, /algorithms ---------------------------------------------------------------


def test_readyz_says_when_the_server_can_screen(client):
    # while loading /readyz answers 503 (yente's "Index not ready"), then 200: never anything else
    assert client.statuses and set(client.statuses) <= {503, 200} and client.statuses[-1] == 200
    assert client.get("/readyz").json() == {"status": "ok"}
    started = time.monotonic()
    answer = client.post("/match/default", json={"queries": {"q": {"schema": "Person",
                                                                   "properties": {"name": ["Yun Ho-jin"]}}}})
    assert answer.status_code == 200 and answer.json()["responses"]["q"]["results"][0]["id"] == YUN
    assert time.monotonic() - started < 2, "the index was not built when /readyz said ready"


def test_catalog_lists_the_datasets_served_as_yente_does(client):
    catalog = client.get("/catalog").json()
    entries = {entry["name"]: entry for entry in catalog["datasets"]}
    assert {"un_sc", "us_ofac_sdn", "case", "default"} <= set(entries)
    assert set(catalog["current"]) == {"un_sc", "us_ofac_sdn", "case", "rumours"}
    assert catalog["outdated"] == [] and catalog["index_stale"] is False
    un = entries["un_sc"]
    assert un["load"] is True and un["index_current"] is True and un["version"] == un["index_version"]
    assert un["last_export"].startswith("2025-11-20") and un["thing_count"] > 100
    assert set(entries["default"]["children"]) == set(catalog["current"]) and entries["default"]["load"] is False
    # FtM's own dataset model reads each entry
    for entry in catalog["datasets"]:
        Dataset.make({key: value for key, value in entry.items() if value is not None})


def test_algorithms_list_the_matcher_and_the_names_accepted(client):
    answer = client.get("/algorithms").json()
    names = [algorithm["name"] for algorithm in answer["algorithms"]]
    assert answer["best"] in names and answer["default"] in names
    assert {"moneymen", "logic-v2", "name-based", "ofac-249"} <= set(names)
    moneymen = answer["algorithms"][names.index("moneymen")]
    assert {"name", "identifier", "birth_date"} <= set(moneymen["docs"]["features"])
    # every name listed is one /match accepts
    for name in names:
        query = {"queries": {"q": {"schema": "Vessel", "properties": {"imoNumber": ["7937317"]}}}}
        assert client.post("/match/default", params={"algorithm": name}, json=query).status_code == 200
