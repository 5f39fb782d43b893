"""A hostile record in the store (a name of one 4,000-letter word, or of a thousand words) must not
stop screening: the index bounds the work per word and per name, and ordinary names are still found."""

from __future__ import annotations

import json
import random
import resource
import string
import time

import pytest

from moneymen.services.demo import import_bundled
from moneymen.match.profiles import Profile
from moneymen.services.screening import screener_of_store
from moneymen.store import open_store

from conftest import run_cli

#: What one screening process may use: far more than the bundled lists need, far less than the
#: deletion neighbourhood of a 4,000-letter word (tens of gigabytes).
MEMORY = 3 * 2**30
SECONDS = 120

rng = random.Random(10)
LONG_WORD = "".join(rng.choice(string.ascii_lowercase) for _ in range(4000))
MANY_WORDS = " ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(4)) for _ in range(800))
HOSTILE = [
    {"id": "hostile-word", "schema": "Person", "properties": {"name": [LONG_WORD]}},
    {"id": "hostile-words", "schema": "Company", "properties": {"name": [MANY_WORDS]}},
    {"id": "hostile-both", "schema": "Person", "properties": {"name": [LONG_WORD[:2000] + " " + MANY_WORDS[:2000]],
                                                             "alias": ["Km " + LONG_WORD[:3000]]}},
]


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bounds")
    db = folder / "lists.duckdb"
    records = folder / "hostile.jsonl"
    records.write_text("".join(json.dumps(record) + "\n" for record in HOSTILE), encoding="utf-8")
    with open_store(db) as store:
        import_bundled(store)
    done = run_cli("import", str(records), "--format", "ftm", "--dataset", "hostile", db=db)
    assert done.returncode == 0, done.stderr
    return db


def bounded():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def screen(db, *args):
    begin = time.monotonic()
    done = run_cli("screen", *args, "--json", db=db, timeout=SECONDS, preexec_fn=bounded)
    return done, time.monotonic() - begin


def test_a_store_with_hostile_names_screens_ordinary_names_normally(hostile_store):
    done, _ = screen(hostile_store, "Yun Ho-jin")  # builds the index (and saves it)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)[0]["id"] == "unsc-690734"
    done, seconds = screen(hostile_store, "Kim Jong Un")  # reads the saved index
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)[0]["id"] == "ofac-20157"
    assert seconds < 30


def test_hostile_names_are_found_by_themselves_in_bounded_time(hostile_store):
    with open_store(hostile_store, read_only=True) as store:
        screener = screener_of_store(store)
    index = screener.index
    for schema, name, expected in (("Person", LONG_WORD, "hostile-word"),
                                   ("Person", LONG_WORD[:1000] + "x" + LONG_WORD[1001:], "hostile-word"),
                                   ("Company", MANY_WORDS, "hostile-words")):
        begin = time.monotonic()
        positions, _ = index.candidates(Profile.from_properties(schema, {"name": [name]}), cutoff=0.5)
        assert expected in [index.ids[p] for p in positions.tolist()]
        assert time.monotonic() - begin < 30


def test_an_index_over_hostile_names_stays_small(hostile_store):
    with open_store(hostile_store, read_only=True) as store:
        screener = screener_of_store(store)
    # every key of the index stays within what a few thousand ordinary names make
    assert len(screener.index.neighbours) < 2_000_000
    found = screener.screen(Profile.from_properties("Person", {"name": ["Ri Je-son"]}), limit=1)
    assert found and found[0].match.match
