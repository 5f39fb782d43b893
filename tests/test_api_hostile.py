"""Hostile and malformed requests against a real server: every one answered with a 4xx naming the
field and the limit, none a 500 or a reset connection, and no request holding the server for long."""

from __future__ import annotations

import json
import random
import string
import time

import httpx
import pytest

from api_server import AUTHORIZATION, running_server
from moneymen.services.demo import import_bundled
from moneymen.store import open_store
from moneymen.web.limits import MATCH_TIME_BUDGET_S

YUN = "unsc-690734"
GOOD = {"q1": {"schema": "Person", "properties": {"name": ["YUN HO-JIN"]}}}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("hostile") / "evidence.duckdb"
    with open_store(db) as store:
        import_bundled(store)
    with running_server(db, tmp_path_factory.mktemp("server") / "server.log") as url:
        with httpx.Client(base_url=url, timeout=120, headers=AUTHORIZATION) as http:
            yield http


def post(client, body: str, **params) -> httpx.Response:
    """POST a raw JSON text (so that NaN, Infinity and lone surrogate escapes reach the server)."""
    return client.post("/match/default", content=body.encode("utf-8"), params=params,
                       headers={"content-type": "application/json"})


def still_serving(client) -> None:
    response = client.post("/match/default", json={"queries": GOOD})
    assert response.status_code == 200 and response.json()["responses"]["q1"]["results"][0]["id"] == YUN


@pytest.mark.parametrize("body, field", [
    ('{"queries": {"q1": {"schema": "Person", "properties": {"name": ["\\ud800"]}}}}', "name"),
    ('{"queries": {"q1": {"schema": "Person", "properties": {"name": "YUN\\udc00"}}}}', "name"),
    ('{"queries": {"\\ud800": {"schema": "Person", "properties": {"name": ["YUN HO-JIN"]}}}}', "queries"),
    ('{"queries": {"q1": {"schema": "Person\\ud800", "properties": {"name": ["YUN HO-JIN"]}}}}', "schema"),
    ('{"queries": {"q1": {"schema": "Person", "properties": {"name": ["YUN\\u0000HO-JIN"]}}}}', "name"),
    ('{"queries": {"q1": {"schema": "Person", "properties": {"name": [NaN]}}}}', "name"),
    ('{"queries": {"q1": {"schema": "Person", "properties": {"name": ["YUN HO-JIN"]}}}, "threshold": NaN}',
     "threshold"),
    ('{"queries": {"q1": {"schema": "Person", "properties": {"name": ["YUN HO-JIN"]}}}, "cutoff": -Infinity}',
     "cutoff"),
    ('{"queries": {"q1": {"schema": "Person", "properties": {"name": ["YUN HO-JIN"]}}}, '
     '"weights": {"name": Infinity}}', "weights"),
    ('{"queries": {"q1": {"schema": "Person", "properties": {"name": ["YUN HO-JIN"]}}}, '
     '"config": {"x": NaN}}', "config"),
])
def test_malformed_text_and_numbers_are_422_naming_the_field(client, body, field):
    response = post(client, body)
    assert response.status_code == 422, response.text
    data = response.json()
    assert field in data["message"], data["message"]
    assert isinstance(data["detail"], list)
    still_serving(client)


def test_a_name_too_long_is_refused_naming_the_limit(client):
    letters = {"q1": {"schema": "Person", "properties": {"name": ["YUN HO-JIN", "x" * 501]}}}
    response = client.post("/match/default", json={"queries": letters})
    assert response.status_code == 422
    assert "name" in response.json()["message"] and "500" in response.json()["message"]
    words = {"q1": {"schema": "Person", "properties": {"alias": [" ".join(["ab"] * 65)]}}}
    response = client.post("/match/default", json={"queries": words})
    assert response.status_code == 422
    assert "alias" in response.json()["message"] and "64" in response.json()["message"]
    response = client.get("/search/default", params={"q": "y" * 501})
    assert response.status_code == 422 and "q" in response.json()["message"]


def test_too_many_names_in_one_query_are_refused(client):
    names = [f"Name Number {number}" for number in range(51)]
    response = client.post("/match/default", json={"queries": {"q1": {"schema": "Person",
                                                                      "properties": {"name": names}}}})
    assert response.status_code == 422 and "50" in response.json()["message"]


def test_a_request_of_long_names_is_cut_off_by_the_time_budget(client):
    """100 queries × 50 names of 500 characters (within every per-name and per-query bound) would
    screen for minutes; the request is refused (413) once it has taken the budget."""
    rng = random.Random(1)

    def name() -> str:
        words = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 9))) for _ in range(60)]
        return " ".join(words)[:500]

    queries = {f"q{n}": {"schema": "Person", "properties": {"name": [name() for _ in range(50)]}} for n in range(100)}
    started = time.monotonic()
    response = client.post("/match/default", json={"queries": queries})
    took = time.monotonic() - started
    assert response.status_code == 413, response.text[:300]
    detail = response.json()["detail"]
    assert f"{MATCH_TIME_BUDGET_S:g} s" in detail and "fewer queries" in detail
    assert took < MATCH_TIME_BUDGET_S + 15
    still_serving(client)


def test_nul_and_control_characters_in_query_parameters_are_422(client):
    for params in ({"q": "YUN\x00HO"}, {"q": "kim", "schema": "Person\x00"}, {"q": "kim", "topics": "\x01"}):
        response = client.get("/search/default", params=params)
        assert response.status_code == 422, (params, response.text)
        json.dumps(response.json())
    still_serving(client)


def test_empty_list_parameters_are_accepted_as_no_filter(client):
    """schemathesis: ``exclude_schema=`` (a blank value, as a form sends it) was refused with a 400."""
    blank = {"exclude_schema": "", "include_dataset": "", "exclude_dataset": "", "topics": "",
             "exclude_entity_ids": "", "changed_since": ""}
    response = client.post("/match/default", params=blank, json={"queries": GOOD})
    assert response.status_code == 200, response.text
    assert response.json()["responses"]["q1"]["results"][0]["id"] == YUN
    response = client.get("/search/default", params={"q": "YUN HO-JIN", **blank})
    assert response.status_code == 200 and response.json()["results"][0]["id"] == YUN
