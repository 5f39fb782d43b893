"""The screening HTTP API, called over loopback exactly as a yente client calls yente.

One real uvicorn server (a subprocess running ``moneymen.web.serve``) over a real DuckDB store
built from the bundled UN and OFAC extracts; requests go through httpx.
"""

from __future__ import annotations

import json
import time
import re
from pathlib import Path

import httpx
import pytest

from moneymen.services.demo import import_bundled
from moneymen.services.imports import import_file
from moneymen.store import open_store

from api_server import AUTHORIZATION, running_server

YUN = "unsc-690734"           # YUN HO-JIN, UN 1718 list, KPi.001
JANG_SONG_CHOL = "ofac-17620"  # "JANG, Song Chol", OFAC SDN
KKBC = "unsc-6908518"         # KOREA KWANGSON BANKING CORPORATION
ISO_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")

@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("api") / "evidence.duckdb"
    with open_store(path) as store:
        import_bundled(store)
    return path


@pytest.fixture(scope="module")
def base_url(db: Path, tmp_path_factory):
    with running_server(db, tmp_path_factory.mktemp("server") / "server.log", startup_s=60) as url:
        yield url


@pytest.fixture(scope="module")
def client(base_url: str):
    with httpx.Client(base_url=base_url, timeout=120, headers=AUTHORIZATION) as http:
        yield http


def person(name: str, **properties: list[str]) -> dict:
    return {"schema": "Person", "properties": {"name": [name], **properties}}


def match(client: httpx.Client, queries: dict, dataset: str = "default", params: dict | None = None,
          **body) -> dict:
    response = client.post(f"/match/{dataset}", json={"queries": queries, **body}, params=params)
    assert response.status_code == 200, response.text
    return response.json()


# -- /match ---------------------------------------------------------------------------


def test_match_finds_the_listed_person_with_an_explanation(client):
    data = match(client, {"q1": person("YUN HO-JIN", birthDate=["1944-10-13"], nationality=["kp"])})

    answer = data["responses"]["q1"]
    assert answer["status"] == 200
    top = answer["results"][0]
    assert top["id"] == YUN and top["caption"] == "YUN HO-JIN" and top["schema"] == "Person"
    assert top["match"] is True and top["score"] >= 0.9
    assert top["datasets"] == ["un_sc"] and top["target"] is True and top["referents"] == []
    assert "1944-10-13" in top["properties"]["birthDate"]
    assert top["sanctions"], "the programs that list him"
    # yente's feature values and per-feature explanations, and ours
    assert top["features"]["name"] == 1.0 and top["features"]["birth_date"] > 0
    assert top["explanations"]["name"]["candidate"] == "YUN HO-JIN"
    assert "birth dates agree" in top["explanations"]["birth_date"]["detail"]
    explanation = top["explanation"]
    assert explanation["match"] is True and explanation["name"]["right"] == "YUN HO-JIN"
    assert any(item["feature"] == "birth_date" for item in explanation["evidence"])
    # timestamps as yente writes them
    assert ISO_SECONDS.match(top["first_seen"]) and ISO_SECONDS.match(top["last_seen"])
    # the query is echoed as it was read; the totals and matcher are yente's shape
    assert answer["query"] == {"id": None, "schema": "Person", "properties": {
        "name": ["YUN HO-JIN"], "birthDate": ["1944-10-13"], "nationality": ["kp"]}}
    assert answer["total"] == {"value": 1, "relation": "eq"}
    assert data["limit"] == 5
    assert data["matcher"]["name"] == "moneymen" and data["matcher"]["version"]


def test_match_a_hangul_name_finds_the_latin_record(client):
    data = match(client, {"q1": person("윤호진")})
    top = data["responses"]["q1"]["results"][0]
    assert top["id"] == YUN and top["match"] is True
    assert top["explanation"]["name"]["method"] == "korean"


def test_match_an_unlisted_name_matches_nothing(client):
    # the first example of OpenSanctions' curl guide
    data = match(client, {"q1": {"schema": "Person", "properties": {"name": ["Barack Obama"]}}})
    answer = data["responses"]["q1"]
    assert not [result for result in answer["results"] if result["match"]]
    assert answer["total"]["value"] == 0


def test_match_the_opensanctions_example_request(client):
    # The request of OpenSanctions' "The request" guide: filters and options as query
    # parameters, a person described by name parts and a birth year.
    params = {
        "topics": ["sanction", "sanction.linked", "debarment"],
        "include_dataset": ["un_sc"],
        "algorithm": "logic-v2",
        "threshold": 0.8,
    }
    query = {"schema": "Person", "properties": {"firstName": ["Ho-jin"], "lastName": ["Yun"],
                                                "birthDate": ["1944"]}}
    data = match(client, {"q": query}, params=params)

    results = data["responses"]["q"]["results"]
    assert results[0]["id"] == YUN and results[0]["match"] is True
    assert all("un_sc" in result["datasets"] for result in results)
    assert data["matcher"] == {"name": "moneymen", "version": data["matcher"]["version"], "requested": "logic-v2"}


def test_match_several_queries_in_one_batch(client):
    data = match(client, {
        "person": person("Yun Ho-jin"),
        "bank": {"schema": "Organization", "properties": {"name": ["Korea Kwangson Banking Corp"]}},
        "company": {"schema": "Company", "properties": {"name": "Brilliant Amazing Limited", "jurisdiction": "hk"}},
    })
    responses = data["responses"]
    assert responses["person"]["results"][0]["id"] == YUN
    assert responses["bank"]["results"][0]["id"] == KKBC and responses["bank"]["results"][0]["match"]
    assert not [r for r in responses["company"]["results"] if r["match"]]
    # a string property value is read as a one-value list, as yente reads it
    assert responses["company"]["query"]["properties"]["jurisdiction"] == ["hk"]


def test_limit_and_threshold_are_respected(client):
    queries = {"q1": person("Kim Chol")}
    wide = match(client, queries, threshold=0.5, cutoff=0.0, limit=10)
    results = wide["responses"]["q1"]["results"]
    assert wide["limit"] == 10 and 2 < len(results) <= 10
    assert all(result["match"] == (result["score"] >= 0.5) for result in results)
    assert [result["score"] for result in results] == sorted((result["score"] for result in results), reverse=True)
    matches = sum(result["match"] for result in results)
    assert wide["responses"]["q1"]["total"]["value"] >= matches

    # as query parameters (yente's way), which win over the body
    narrow = match(client, queries, params={"limit": 2, "threshold": 0.95}, limit=10, threshold=0.5, cutoff=0.0)
    results = narrow["responses"]["q1"]["results"]
    assert narrow["limit"] == 2 and len(results) == 2
    assert all(result["match"] == (result["score"] >= 0.95) for result in results)

    strict = match(client, {"q1": person("YUN HO-JIN")}, params={"threshold": 1.0, "cutoff": 0.9})
    results = strict["responses"]["q1"]["results"]
    assert [result["id"] for result in results] == [YUN], "the cutoff leaves out weaker results"


def test_no_result_below_the_threshold_unless_a_lower_cutoff_is_asked_for(client):
    """yente 5: the cutoff defaults to 0.7 and is never above the threshold."""
    queries = {"q1": person("Kim Chol")}
    default = match(client, queries, limit=50)["responses"]["q1"]["results"]
    assert default and all(result["score"] >= 0.7 for result in default)
    strict = match(client, queries, params={"threshold": 0.9}, limit=50)["responses"]["q1"]["results"]
    assert all(result["score"] > 0.7 for result in strict), "the default cutoff stays 0.7 under a higher threshold"
    lenient = match(client, queries, params={"threshold": 0.3}, limit=50)["responses"]["q1"]["results"]
    assert all(result["score"] > 0.3 for result in lenient)
    assert len(lenient) > len(default), "a lower threshold lowers the cutoff with it"
    asked = match(client, queries, params={"cutoff": 0.1}, limit=50)["responses"]["q1"]["results"]
    assert any(result["score"] < 0.7 for result in asked), "near misses when a lower cutoff is asked for"


def test_match_is_scoped_to_a_dataset(client):
    un = match(client, {"q1": person("YUN HO-JIN")}, dataset="un_sc")["responses"]["q1"]["results"]
    assert un[0]["id"] == YUN and all(result["datasets"] == ["un_sc"] for result in un)
    ofac = match(client, {"q1": person("YUN HO-JIN")}, dataset="us_ofac_sdn")["responses"]["q1"]["results"]
    assert all(result["datasets"] == ["us_ofac_sdn"] for result in ofac)
    assert YUN not in {result["id"] for result in ofac}
    everything = match(client, {"q1": person("YUN HO-JIN")}, dataset="all")["responses"]["q1"]["results"]
    assert everything[0]["id"] == YUN


def test_unknown_dataset_is_404(client):
    response = client.post("/match/eu_fsf", json={"queries": {"q1": person("YUN HO-JIN")}})
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert "eu_fsf" in detail and "un_sc" in detail and "us_ofac_sdn" in detail
    assert client.get("/search/eu_fsf", params={"q": "yun"}).status_code == 404


def test_unknown_algorithm_is_400(client):
    response = client.post("/match/default", params={"algorithm": "magic"},
                           json={"queries": {"q1": person("YUN HO-JIN")}})
    assert response.status_code == 400
    assert "magic" in response.json()["detail"] and "logic-v2" in response.json()["detail"]


@pytest.mark.parametrize("body, status, expected", [
    (b'{"queries": {"q1": ', 422, "not valid JSON"),
    (b'{"query": {"q1": {"schema": "Person", "properties": {"name": ["x"]}}}}', 422, "queries: Field required"),
    (b'["YUN HO-JIN"]', 422, "valid dictionary"),
    (b'{"queries": {}}', 400, "No queries provided"),
    (b'{"queries": {"q1": {"schema": "Persn", "properties": {"name": ["YUN HO-JIN"]}}}}', 400, "unknown schema 'Persn'"),
    (b'{"queries": {"q1": {"schema": "Person", "properties": {"birthDate": ["1944"]}}}}', 400, "has no name"),
    (b'{"queries": {"q1": {"schema": "Person", "properties": {"name": [{"a": 1}]}}}}', 400, "expected strings"),
])
def test_bad_requests_say_what_was_expected(client, body, status, expected):
    response = client.post("/match/default", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status, response.text
    data = response.json()
    message = data["detail"] if status == 400 else data["message"]
    assert expected in message
    if status == 422:
        assert '"queries"' in data["message"], "the message shows the expected body"
        assert isinstance(data["detail"], list), "FastAPI's error list, as yente clients expect"


def test_too_many_queries_and_too_large_bodies_are_refused(client):
    queries = {f"q{number}": person("Kim") for number in range(101)}
    response = client.post("/match/default", json={"queries": queries})
    assert response.status_code == 400 and "Too many queries" in response.json()["detail"]
    huge = {"queries": {"q1": person("x" * (5 * 1024 * 1024))}}
    response = client.post("/match/default", json=huge)
    assert response.status_code == 413 and "too large" in response.json()["detail"]


def test_a_query_of_a_broad_schema_screens_every_kind_below_it(client):
    """yente matches a schema that cannot be matched itself (Thing) against its descendants."""
    vessel = "ofac-17069"  # CHONG CHON GANG, IMO 7937317
    data = match(client, {"name": {"schema": "Thing", "properties": {"name": ["CHONG CHON GANG"]}},
                          "imo": {"schema": "Asset", "properties": {"imoNumber": ["7937317"]}}})
    by_name = data["responses"]["name"]["results"]
    assert by_name[0]["id"] == vessel and by_name[0]["schema"] == "Vessel" and by_name[0]["match"]
    assert data["responses"]["imo"]["results"][0]["id"] == vessel
    assert data["responses"]["name"]["query"]["schema"] == "Thing"
    response = client.post("/match/default", json={"queries": {"q1": {"schema": "Sanction",
                                                                      "properties": {"name": ["x"]}}}})
    assert response.status_code == 400 and "cannot be matched" in response.json()["detail"]


def test_excluded_ids_are_left_out(client):
    queries = {"q1": person("YUN HO-JIN")}
    assert match(client, queries)["responses"]["q1"]["results"][0]["id"] == YUN
    left = match(client, queries, params={"exclude_entity_ids": [YUN]})["responses"]["q1"]
    assert YUN not in [result["id"] for result in left["results"]] and left["total"]["value"] == 0
    found = client.get("/search/default", params={"q": "YUN HO-JIN", "exclude_entity_ids": YUN}).json()
    assert YUN not in [result["id"] for result in found["results"]]


def test_changed_since_is_checked_and_filters(client):
    queries = {"q1": person("YUN HO-JIN")}
    for garbage in ("yesterday", "2024-13-45", "2024-05-01T25", "2024-05-01 10:00"):
        response = client.post("/match/default", params={"changed_since": garbage}, json={"queries": queries})
        assert response.status_code == 422, (garbage, response.text)
        assert "changed_since" in response.json()["message"]
        assert client.get("/search/default", params={"q": "yun", "changed_since": garbage}).status_code == 422
    later = match(client, queries, params={"changed_since": "2999-01-01"})["responses"]["q1"]["results"]
    assert later == []
    earlier = match(client, queries, params={"changed_since": "1990-01-01T10"})["responses"]["q1"]["results"]
    assert earlier and earlier[0]["id"] == YUN
    assert earlier[0]["last_change"] and earlier[0]["last_change"] > "1990-01-01"


@pytest.mark.parametrize("field, value, expected", [
    ("config", {"nm_number_mismatch": 0.4}, "Invalid configuration parameter: 'nm_number_mismatch'"),
    ("weights", {"name_literal": 0.8}, "Invalid weight: 'name_literal'"),
])
def test_weights_and_config_keys_are_checked(client, field, value, expected):
    response = client.post("/match/default", json={"queries": {"q1": person("YUN HO-JIN")}, field: value})
    assert response.status_code == 400 and expected in response.json()["detail"]
    assert match(client, {"q1": person("YUN HO-JIN")}, **{field: {}})["responses"]["q1"]["results"][0]["id"] == YUN


def test_empty_filter_values_are_no_filter(client):
    """schemathesis sends ``exclude_schema=`` (an empty value the schema allows): no filter, not a 400."""
    queries = {"q1": person("YUN HO-JIN")}
    for name in ("exclude_schema", "topics", "include_dataset", "exclude_dataset"):
        data = match(client, queries, params={name: ""})
        assert data["responses"]["q1"]["results"][0]["id"] == YUN, name
        found = client.get("/search/default", params={"q": "YUN HO-JIN", name: ""})
        assert found.status_code == 200 and found.json()["results"][0]["id"] == YUN, name


# -- /search --------------------------------------------------------------------------


def test_search_by_word(client):
    response = client.get("/search/default", params={"q": "kwangson"})
    assert response.status_code == 200
    data = response.json()
    assert data["results"][0]["id"] == KKBC
    assert data["total"]["relation"] == "eq" and data["total"]["value"] >= 1
    assert data["limit"] == 10 and data["offset"] == 0
    datasets = {item["name"] for item in data["facets"]["datasets"]["values"]}
    assert "un_sc" in datasets


def test_search_by_a_common_word_lists_the_names_that_hold_it(client):
    data = client.get("/search/default", params={"q": "trading", "limit": 50}).json()
    names = [[value for prop in ("name", "alias", "previousName", "weakAlias") for value in result["properties"].get(prop, [])]
             for result in data["results"]]
    assert len(names) >= 3
    # OFAC writes the word short ("KOREA MARINE & INDUSTRIAL TRDG"): that is the word too
    assert all(any("TRAD" in name.upper() or "TRDG" in name.upper() for name in entity) for entity in names), names
    assert any("TRDG" in name for entity in names for name in entity), names


def test_search_across_scripts(client):
    data = client.get("/search/default", params={"q": "장성철"}).json()
    found = [result["id"] for result in data["results"]]
    assert JANG_SONG_CHOL in found and "unsc-6908615" in found, "the OFAC and the UN record of JANG Song Chol"


def test_search_schema_limit_and_offset(client):
    people = client.get("/search/default", params={"q": "kim", "schema": "Person", "limit": 3}).json()
    assert len(people["results"]) == 3 and people["total"]["value"] > 3
    assert all(result["schema"] == "Person" for result in people["results"])
    next_page = client.get("/search/default", params={"q": "kim", "schema": "Person", "limit": 3,
                                                      "offset": 3}).json()
    assert not {r["id"] for r in people["results"]} & {r["id"] for r in next_page["results"]}
    vessels = client.get("/search/default", params={"q": "kwangson", "schema": "Vessel"}).json()
    assert KKBC not in [result["id"] for result in vessels["results"]]
    response = client.get("/search/default", params={"q": "kim", "schema": "Persn"})
    assert response.status_code == 400 and "Persn" in response.json()["detail"]


# -- /entities ------------------------------------------------------------------------


def test_entity_with_statements_and_relations(client):
    response = client.get(f"/entities/{YUN}")
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == YUN and data["schema"] == "Person" and data["caption"] == "YUN HO-JIN"
    assert "YUN HO-JIN" in data["properties"]["name"]
    birth = [stmt for stmt in data["provenance"] if stmt["prop"] == "birthDate"]
    assert birth and birth[0]["value"] == "1944-10-13"
    assert birth[0]["dataset"] == "un_sc" and birth[0]["source_record"] == "KPi.001"
    assert (birth[0]["reliability"], birth[0]["credibility"]) == ("A", "2")
    sanctions = [relation for relation in data["relations"] if relation["schema"] == "Sanction"]
    assert sanctions and sanctions[0]["role"] == "entity"
    assert data["target"] is True


def test_unknown_entity_is_404(client):
    response = client.get("/entities/no-such-id")
    assert response.status_code == 404 and "no-such-id" in response.json()["detail"]


# -- service --------------------------------------------------------------------------


def test_health_and_docs(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    spec = client.get("/openapi.json").json()
    assert {"/match/{dataset}", "/search/{dataset}", "/entities/{entity_id}", "/healthz"} <= set(spec["paths"])
    assert "MatchRequest" in spec["components"]["schemas"]


def test_an_import_while_serving_is_screened_once_the_index_is_reloaded(client, db, tmp_path):
    # the API holds no lock between requests: an import can write; the request after it starts a reload
    # in the background and is answered from the old index; once reloaded, the new entity is found
    new_list = tmp_path / "notes.ftm.json"
    new_list.write_text(json.dumps({"id": "note-1", "schema": "Person",
                                    "properties": {"name": ["Ri Chol-ung"], "birthDate": ["1971-02-03"]}}) + "\n",
                        encoding="utf-8")
    with open_store(db) as store:
        import_file(store, new_list, format="ftm", dataset="analyst_notes", grade="C3")

    deadline = time.monotonic() + 60
    while True:
        results = match(client, {"q1": person("Ri Chol Ung", birthDate=["1971-02-03"])})["responses"]["q1"]["results"]
        if results and results[0]["id"] == "note-1":
            break
        assert time.monotonic() < deadline, "the import was never screened"
        time.sleep(0.2)
    scoped = match(client, {"q1": person("Ri Chol Ung")}, dataset="analyst_notes")
    assert scoped["responses"]["q1"]["results"][0]["datasets"] == ["analyst_notes"]
