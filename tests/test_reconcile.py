"""The reconciliation API (``/reconcile/{dataset}``), called as OpenRefine calls it, against
``moneymen serve`` on loopback: the manifest when the service is added, batches of queries as a
URL-encoded form field holding JSON, suggest boxes, preview cards and data extension.
"""

from __future__ import annotations

import json

import httpx
import pytest

from moneymen.services.demo import import_bundled
from moneymen.store import open_store

from test_yente_protocol import serving

YUN = "unsc-690734"            # YUN HO-JIN, UN 1718 list
CHONG_CHON_GANG = "ofac-17069"  # the vessel, IMO 7937317
KKBC = "unsc-6908518"          # KOREA KWANGSON BANKING CORPORATION (KKBC)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reconcile")
    db = folder / "lists.duckdb"
    with open_store(db) as store:
        import_bundled(store)
    with serving(db, folder) as client:
        yield client


def reconcile(client, queries: dict, dataset: str = "default") -> dict:
    """POST a batch as OpenRefine does: form field `queries` holding JSON, URL-encoded."""
    response = client.post(f"/reconcile/{dataset}", data={"queries": json.dumps(queries)})
    assert response.status_code == 200, response.text
    assert response.request.headers["content-type"] == "application/x-www-form-urlencoded"
    return response.json()


def test_the_manifest_describes_the_service(client):
    manifest = client.get("/reconcile/default").json()
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] and manifest["schemaSpace"]
    types = {item["id"] for item in manifest["defaultTypes"]}
    assert {"Person", "Organization", "Vessel", "LegalEntity", "Thing"} <= types
    assert "Sanction" not in types
    for kind in ("entity", "type", "property"):
        service = manifest["suggest"][kind]
        assert service["service_url"].endswith("/reconcile/default") and service["service_path"] == f"/suggest/{kind}"
    assert "{{id}}" in manifest["preview"]["url"] and "{{id}}" in manifest["view"]["url"]
    assert manifest["extend"]["propose_properties"]["service_path"] == "/extend/property"
    assert client.get("/reconcile/nope").status_code == 404


def test_openrefine_given_the_key_in_the_url_uses_it_on_every_call(client):
    # OpenRefine adds a service by URL and sends no headers: the key rides in the query string
    url = f"{client.base_url}/reconcile/default?api_key={client.key}"
    manifest = httpx.get(url, timeout=60).json()
    suggest = manifest["suggest"]["entity"]
    found = httpx.get(suggest["service_url"] + suggest["service_path"] + "&prefix=kwangson", timeout=60)
    assert found.status_code == 200 and KKBC in [item["id"] for item in found.json()["result"]]
    preview = httpx.get(manifest["preview"]["url"].replace("{{id}}", YUN), timeout=60)
    assert preview.status_code == 200 and "YUN HO-JIN" in preview.text
    answers = httpx.post(url, data={"queries": json.dumps({"q": {"query": "Yun Ho-jin"}})}, timeout=60)
    assert answers.status_code == 200 and answers.json()["q"]["result"][0]["id"] == YUN
    assert httpx.get(f"{client.base_url}/reconcile/default", timeout=60).status_code == 401


def test_a_batch_finds_people_vessels_and_companies(client):
    answers = reconcile(client, {
        "q0": {"query": "Yun Ho-jin", "type": "Person", "properties": [{"pid": "birthDate", "v": "1944-10-13"}]},
        "q1": {"query": "Chong Chon Gang", "type": "Vessel", "type_strict": "should"},
        "q2": {"query": "Korea Kwangson Banking Corporation"},          # no type: any kind of entity
        "q3": {"query": "Angela Merkel", "type": "Person",
               "properties": [{"pid": "Person:birthDate", "v": "1954-07-17"}]},
        "q4": {"query": "윤호진", "type": "Person", "limit": 1},
    })
    assert set(answers) == {"q0", "q1", "q2", "q3", "q4"}
    best = {key: answer["result"][0] for key, answer in answers.items() if answer["result"]}
    assert best["q0"]["id"] == YUN and best["q0"]["match"] is True and best["q0"]["name"] == "YUN HO-JIN"
    assert best["q0"]["type"][0]["id"] == "Person"
    assert best["q1"]["id"] == CHONG_CHON_GANG and best["q1"]["match"] is True
    assert best["q2"]["id"] == KKBC and best["q2"]["match"] is True
    assert best["q4"]["id"] == YUN and len(answers["q4"]["result"]) == 1
    assert not any(candidate["match"] for candidate in answers["q3"]["result"])
    # candidates come best first, each with a score
    for answer in answers.values():
        scores = [candidate["score"] for candidate in answer["result"]]
        assert scores == sorted(scores, reverse=True)


def test_a_birth_date_column_separates_namesakes(client):
    same = reconcile(client, {"q": {"query": "Yun Ho-jin", "type": "Person",
                                    "properties": [{"pid": "birthDate", "v": "1944-10-13"}]}})
    other = reconcile(client, {"q": {"query": "Yun Ho-jin", "type": "Person",
                                     "properties": [{"pid": "birthDate", "v": "1990-01-01"}]}})
    assert same["q"]["result"][0]["score"] > other["q"]["result"][0]["score"]


def test_queries_also_come_as_a_get_parameter(client):
    response = client.get("/reconcile/un_sc", params={"queries": json.dumps({"q": {"query": "Yun Ho-jin"}})})
    assert response.status_code == 200 and response.json()["q"]["result"][0]["id"] == YUN
    # one dataset only: the OFAC vessel is not in the UN list
    answers = reconcile(client, {"q": {"query": "Chong Chon Gang", "type": "Vessel"}}, dataset="un_sc")
    assert CHONG_CHON_GANG not in [candidate["id"] for candidate in answers["q"]["result"]]


def test_a_bad_batch_is_a_400_naming_what_is_wrong(client):
    response = client.post("/reconcile/default", data={"queries": "{not json"})
    assert response.status_code == 400 and "queries" in response.json()["detail"]
    response = client.post("/reconcile/default", data={"queries": json.dumps({"q": {"query": "x", "limit": "many"}})})
    assert response.status_code == 400 and "q.limit" in response.json()["detail"]
    response = client.post("/reconcile/default", data={"queries": json.dumps({"q": {"query": "x", "type": "Persn"}})})
    assert response.status_code == 400 and "Persn" in response.json()["detail"]
    many = {f"q{number}": {"query": "Kim"} for number in range(101)}
    response = client.post("/reconcile/default", data={"queries": json.dumps(many)})
    assert response.status_code == 400 and "100" in response.json()["detail"]
    response = client.post("/reconcile/default", content=b'{"queries": {}}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 415


def test_suggest_boxes(client):
    entities = client.get("/reconcile/default/suggest/entity", params={"prefix": "korea kwangs"}).json()
    assert KKBC in [item["id"] for item in entities["result"]]
    assert entities["prefix"] == "korea kwangs"
    in_hangul = client.get("/reconcile/default/suggest/entity", params={"prefix": "윤호진"}).json()
    assert YUN in [item["id"] for item in in_hangul["result"]]
    types = client.get("/reconcile/default/suggest/type", params={"prefix": "vess"}).json()
    assert [item["id"] for item in types["result"]] == ["Vessel"]
    properties = client.get("/reconcile/default/suggest/property", params={"prefix": "birth"}).json()
    assert "Person:birthDate" in [item["id"] for item in properties["result"]]


def test_the_preview_card_shows_the_entity_escaped(client):
    response = client.get("/reconcile/default/preview", params={"id": YUN})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "YUN HO-JIN" in response.text and "1944-10-13" in response.text and "North Korea" in response.text
    assert client.get("/reconcile/default/preview", params={"id": "<script>"}).status_code == 404


def test_data_extension_adds_columns(client):
    proposed = client.get("/reconcile/default/extend/property", params={"type": "Person"}).json()
    ids = [item["id"] for item in proposed["properties"]]
    assert proposed["type"] == "Person" and {"birthDate", "nationality"} <= set(ids)
    assert ids[:3] == ["name", "nationality", "birthDate"]  # the schema's featured properties first
    extend = {"ids": [YUN, "no-such-id"], "properties": [{"id": "birthDate"}, {"id": "nationality"}]}
    response = client.post("/reconcile/default", data={"extend": json.dumps(extend)})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert {meta["id"] for meta in answer["meta"]} == {"birthDate", "nationality"}
    assert answer["rows"][YUN] == {"birthDate": [{"str": "1944-10-13"}], "nationality": [{"str": "North Korea"}]}
    assert answer["rows"]["no-such-id"] == {}
    raw = {"ids": [YUN], "properties": [{"id": "nationality", "settings": {"render": "raw"}}]}
    answer = client.post("/reconcile/default", data={"extend": json.dumps(raw)}).json()
    assert answer["rows"][YUN]["nationality"] == [{"str": "kp"}]
    assert client.get("/reconcile/default/extend/property", params={"type": "Persn"}).status_code == 400


def test_a_bad_extension_or_an_empty_preview_id_is_refused_naming_it(client):
    for extend in ("{ids: nope", json.dumps({"ids": "x", "properties": []})):
        response = client.post("/reconcile/default", data={"extend": extend})
        assert response.status_code == 400 and "extend" in response.json()["detail"], response.text
    response = client.get("/reconcile/default", params={"extend": "[1, 2"})
    assert response.status_code == 400 and "extend" in response.json()["detail"]
    for params in ({"id": ""}, {}):
        response = client.get("/reconcile/default/preview", params=params)
        assert response.status_code == 422 and "id" in response.json()["message"], response.text


OPENREFINE = "http://127.0.0.1:3333"


def test_openrefine_may_frame_the_preview_card_and_nothing_else(client):
    preview = client.get("/reconcile/default/preview", params={"id": YUN})
    policy = preview.headers["content-security-policy"]
    assert f"frame-ancestors {OPENREFINE} http://localhost:3333" in policy and "default-src 'none'" in policy
    assert "x-frame-options" not in preview.headers
    for path in ("/reconcile/default", f"/entities/{YUN}", "/reconcile/default/preview/x"):
        answer = client.get(path)
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"], path
        assert answer.headers["x-frame-options"] == "DENY", path


def test_openrefine_in_the_browser_passes_the_cors_preflight_when_its_origin_is_allowed(tmp_path):
    db = tmp_path / "lists.duckdb"
    with open_store(db) as store:
        import_bundled(store)
    with serving(db, tmp_path, "--cors-origin", OPENREFINE) as allowing:
        url = f"/reconcile/default/suggest/entity?prefix=kwangson&api_key={allowing.key}"
        preflight = httpx.options(f"{allowing.base_url}{url}", headers={
            "Origin": OPENREFINE, "Access-Control-Request-Method": "GET"})
        assert preflight.status_code == 200, preflight.text
        assert preflight.headers["access-control-allow-origin"] == OPENREFINE
        found = httpx.get(f"{allowing.base_url}{url}", headers={"Origin": OPENREFINE}, timeout=60)
        assert found.status_code == 200 and found.headers["access-control-allow-origin"] == OPENREFINE
        assert KKBC in [item["id"] for item in found.json()["result"]]
        refused = httpx.options(f"{allowing.base_url}{url}", headers={
            "Origin": "http://evil.example", "Access-Control-Request-Method": "GET"})
        assert "access-control-allow-origin" not in refused.headers
