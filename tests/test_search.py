"""Search by name, in any script: one search behind ``moneymen entities TEXT`` and ``/search``,
with exact totals and stable pages whatever the page size."""

from __future__ import annotations

import re

import httpx
import pytest

from api_server import AUTHORIZATION, running_server
from conftest import run_cli
from moneymen.services.demo import import_bundled, import_example
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


def test_entities_without_a_query_lists_what_the_api_lists(db, client):
    result = run_cli("entities", "--schema", "Vessel", "--limit", "4", db=db)
    assert result.returncode == 0, result.stderr
    listed = search(client, schema="Vessel", limit=4)
    assert f"{listed['total']['value']:,} entities (the first 4 shown" in result.stdout
    assert "Person" not in result.stdout
    shown = re.findall(r"\b(?:ofac|unsc|ex)-[\w-]+", result.stdout)
    assert shown == [entity["id"] for entity in listed["results"]]  # the same four, in the same order


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


# -- yente's filters and facets ----------------------------------------------------------------------


def facet_counts(answer: dict, name: str) -> dict[str, int]:
    return {item["name"]: item["count"] for item in answer["facets"][name]["values"]}


def countries_of(result: dict) -> set[str]:
    return {value for prop in ("nationality", "citizenship", "country", "jurisdiction")
            for value in result["properties"].get(prop, [])}


def test_a_country_filter_keeps_the_entities_of_that_country_and_its_total_is_the_facet_count(client):
    whole = search(client, q="kim", limit=500)
    korean = search(client, q="kim", countries="kp", limit=500)
    assert 0 < korean["total"]["value"] == facet_counts(whole, "countries")["kp"] < whole["total"]["value"]
    assert korean["total"]["value"] == len(korean["results"])
    assert all("kp" in countries_of(result) for result in korean["results"])
    # yente's filter=FIELD:VALUE form, and a country written as a user would, find the same
    assert search(client, q="kim", filter="countries:kp", limit=500)["results"] == korean["results"]
    assert search(client, q="kim", countries="KP", limit=500)["results"] == korean["results"]
    # the facets then count the filtered hits only
    assert facet_counts(korean, "countries")["kp"] == korean["total"]["value"]


def test_topics_and_datasets_filters_count_as_their_facets_say(client):
    whole = search(client, q="kim", limit=500)
    listed = search(client, q="kim", topics="sanction", limit=500)
    assert listed["total"]["value"] == facet_counts(whole, "topics")["sanction"]
    assert all(result["target"] for result in listed["results"])
    assert not any(result["target"] for result in search(client, q="kim", target="false", limit=500)["results"])
    un = search(client, q="kim", datasets="un_sc", limit=500)
    assert un["total"]["value"] == facet_counts(whole, "datasets")["un_sc"] > 0
    assert all(result["datasets"] == ["un_sc"] for result in un["results"])


def test_values_of_one_field_combine_with_filter_op(client):
    either = search(client, q="kim", filter=["countries:cn", "countries:vn"], limit=500)
    both = search(client, q="kim", filter=["countries:cn", "countries:kp"], filter_op="AND", limit=500)
    assert {"cn", "vn"} <= {country for result in either["results"] for country in countries_of(result)}
    assert all(countries_of(result) & {"cn", "vn"} for result in either["results"])
    assert both["total"]["value"] >= 1
    assert all({"cn", "kp"} <= countries_of(result) for result in both["results"])


def test_a_property_filter_finds_the_entity_with_that_value(client):
    for form in ("properties.birthDate:1984-01-08", "birthDate:1984-01-08"):
        found = search(client, q="kim", filter=form)
        assert [result["id"] for result in found["results"]] == [KIM_JONG_UN], form
    vessels = search(client, filter="schema:Vessel", limit=500)
    assert vessels["total"]["value"] > 3 and {result["schema"] for result in vessels["results"]} == {"Vessel"}


def test_facets_are_those_asked_for(client):
    assert list(search(client, q="kim")["facets"]) == ["countries", "topics", "datasets"]
    chosen = search(client, q="kim", facets=["schema", "genders"])["facets"]
    assert list(chosen) == ["schema", "genders"]
    assert chosen["schema"]["label"] == "Entity types" and chosen["schema"]["values"][0]["label"] == "People"
    assert search(client, q="kim", countries="kp")["facets"]["countries"]["values"][0]["label"] == "North Korea"
    assert search(client, q="kim", facets="")["facets"] == {}


def test_results_can_be_sorted_as_in_yente(client):
    names = [result["caption"] for result in search(client, q="kim", sort="caption", limit=500)["results"]]
    assert names == sorted(names) and len(names) > 10
    backwards = [result["caption"] for result in search(client, q="kim", sort="caption:desc", limit=500)["results"]]
    assert backwards == sorted(names, reverse=True)


def test_empty_list_parameters_are_no_filter(client):
    plain = search(client, q="kim", limit=500)
    empty = {name: "" for name in ("exclude_schema", "include_dataset", "exclude_dataset", "countries", "topics",
                                   "datasets", "filter", "sort", "exclude_entity_ids", "changed_since",
                                   "filter_op")}
    assert search(client, q="kim", limit=500, **empty) == plain


@pytest.mark.parametrize("params, named", [
    ({"filter": "nationality"}, "FIELD:VALUE"),
    ({"filter": "colour:red"}, "'colour'"),
    ({"sort": "weight:desc"}, "'weight:desc'"),
    ({"schema": "Persn"}, "Persn"),
])
def test_a_filter_or_sort_that_cannot_be_applied_is_a_400_naming_it(client, params, named):
    response = client.get("/search/default", params={"q": "kim", **params})
    assert response.status_code == 400, response.text
    assert named in response.json()["detail"]


def test_an_unknown_operator_or_facet_is_a_422_naming_it_as_yente_answers(client):
    for params in ({"filter_op": "XOR"}, {"facets": "names"}):
        response = client.get("/search/default", params={"q": "kim", **params})
        assert response.status_code == 422 and next(iter(params)) in response.json()["message"], response.text
