"""One screener answers queries from several threads at once (as the API server's do) exactly as it
answers them one at a time: the candidate index keeps no scratch state shared between queries."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from moneymen.services.imports import import_file
from moneymen.match.profiles import Profile
from moneymen.match.screener import ANY_SCHEMA, Screener
from moneymen.services.screening import screener_of_store
from moneymen.store import open_store

from conftest import shared_file

THREADS = 8


@pytest.fixture(scope="module")
def screener(tmp_path_factory):
    """The saved-index screener of a store holding the UN's DPRK list (as a server loads it)."""
    db = tmp_path_factory.mktemp("threads") / "un.duckdb"
    with open_store(db) as store:
        import_file(store, shared_file("sanctions", "un", "derived_un_dprk_only_2025-11-20.xml"))
        screener_of_store(store)  # builds and saves the index
        saved = screener_of_store(store)
    assert not isinstance(saved.entities, list), "the screener should come from the saved index"
    return saved


def queries(screener: Screener) -> list[Profile]:
    """Every listed name as a query, as listed, with a letter dropped, with its two halves swapped,
    and as a person born in 1960; and every name of a person in another schema."""
    found = []
    for entity in screener.entities:
        for name in entity.properties.get("name", []) + entity.properties.get("alias", []):
            words = name.split()
            found.append(Profile.from_properties(ANY_SCHEMA, {"name": [name]}))
            found.append(Profile.from_properties(ANY_SCHEMA, {"name": [name[:2] + name[3:]]}))
            found.append(Profile.from_properties(entity.schema, {"name": [" ".join(words[::-1])]}))
            if entity.schema == "Person":
                found.append(Profile.from_properties("Person", {"name": [name], "birthDate": ["1960"],
                                                                "nationality": ["kp"]}))
                found.append(Profile.from_properties("LegalEntity", {"name": [name]}))
    return found


def outcome(screener: Screener, query: Profile) -> list:
    return [(result.entity.id, result.score, result.match.explanation()) for result in screener.screen(query, limit=10)]


def test_screening_from_eight_threads_at_once_gives_the_results_of_screening_one_query_at_a_time(screener):
    asked = queries(screener)
    assert len(asked) > 1000
    serial = [outcome(screener, query) for query in asked]
    assert sum(1 for results in serial if results) > len(asked) * 0.9
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as the interpreter allows
    try:
        for _ in range(2):
            with ThreadPoolExecutor(THREADS) as pool:
                concurrent = list(pool.map(lambda query: outcome(screener, query), asked))
            differ = [str(query.names) for query, a, b in zip(asked, serial, concurrent) if a != b]
            assert not differ, f"{len(differ)} of {len(asked)} queries answered otherwise, e.g. {differ[:3]}"
    finally:
        sys.setswitchinterval(interval)

