"""Search by name, in any script: one search behind ``moneymen entities TEXT`` and ``/search``,
with exact totals and stable pages whatever the page size."""

from __future__ import annotations

import re

import httpx
import pytest

from api_server import AUTHORIZATION, running_server
from conftest import run_cli
from moneymen.demo import import_bundled, import_example
from moneymen.store import open_store

KIM_JONG_UN = "ofac-20157"          # "KIM, Jong Un", OFAC SDN
JANG_SONG_THAEK = "ex-jang-song-thaek"  # the example network's Jang Song-thaek
KKBC = "unsc-6908518"               # KOREA KWANGSON BANKING CORPORATION
WORD = re.compile(r"(^|[^a-z])kim([^a-z]|$)")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "evidence.duckdb"
    with open_store(path) as store:
        import_bundled(store)
        import_example(store)
    return path


@pytest.fixture(scope="module")
def client(db, tmp_path_factory):
    with running_server(db, tmp_path_factory.mktemp("server") / "server.log") as url:
        with httpx.Client(base_url=url, timeout=120, headers=AUTHORIZATION) as http:
            yield http


def search(client, **params) -> dict:
    response = client.get("/search/default", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_hangul_finds_the_romanized_records_from_the_cli(db):
    kim = run_cli("entities", "김정은", db=db)
    assert kim.returncode == 0, kim.stderr
    assert KIM_JONG_UN in kim.stdout
    jang = run_cli("entities", "장성택", db=db)
    assert jang.returncode == 0, jang.stderr
    assert JANG_SONG_THAEK in jang.stdout


def test_entities_without_a_query_still_lists(db):
    result = run_cli("entities", "--schema", "Vessel", "--limit", "4", db=db)
    assert result.returncode == 0, result.stderr
    assert "4 entities" in result.stdout and "Person" not in result.stdout


def test_the_cli_and_the_api_find_the_same_entities(db, client):
    api = [result["id"] for result in search(client, q="kim", limit=500)["results"]]
    cli = run_cli("entities", "kim", "--limit", "500", db=db)
    assert cli.returncode == 0, cli.stderr
    found = set(re.findall(r"\b(?:ofac|unsc|ex)-[\w-]+", cli.stdout))
    assert found == set(api)


def test_the_total_does_not_depend_on_the_page(client):
    totals = {limit: search(client, q="kim", limit=limit)["total"]["value"] for limit in (1, 3, 10, 50, 500)}
    assert len(set(totals.values())) == 1, totals
    whole = search(client, q="kim", limit=500)
    assert whole["total"] == {"value": len(whole["results"]), "relation": "eq"}


def test_pages_join_into_the_whole_list_without_repeats_or_gaps(client):
    whole = [result["id"] for result in search(client, q="kim", limit=500)["results"]]
    pages: list[str] = []
    offset = 0
    while True:
        page = search(client, q="kim", limit=7, offset=offset)
        assert page["total"]["value"] == len(whole) and page["offset"] == offset
        if not page["results"]:
            break
        pages.extend(result["id"] for result in page["results"])
        offset += 7
    assert pages == whole
    assert search(client, q="kim", limit=10, offset=len(whole) + 20)["results"] == []


def test_every_name_holding_the_word_is_a_hit_on_any_page(client, db):
    """Every entity with a name that holds the word (counted from the store itself) is a hit,
    and counted in the total of a small page."""
    with open_store(db, read_only=True) as store:
        holding = {stmt.entity_id for stmt in store.statements()
                   if stmt.prop in ("name", "alias", "weakAlias", "previousName") and WORD.search(stmt.value.lower())}
    first = search(client, q="kim", limit=5)
    assert len(holding) > 5 and first["total"]["value"] >= len(holding)
    found = {result["id"] for result in search(client, q="kim", limit=500)["results"]}
    assert holding <= found


def test_facets_count_every_hit_not_only_the_page(client):
    small, whole = search(client, q="kim", limit=2), search(client, q="kim", limit=500)
    assert small["facets"] == whole["facets"]
    assert sum(item["count"] for item in small["facets"]["datasets"]["values"]) >= whole["total"]["value"] > 2
