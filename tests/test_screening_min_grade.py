"""Screening at a minimum grade: ``--min-grade B2`` (CLI, batch files) and ``min_grade=B2`` (/match,
/search, reconciliation) read the listed entities from only the statements graded at least B2, so
what a weaker source (here a D4 rumour) adds to a listed person, or says of a person of its own,
plays no part. Each grade filter has its own saved index, reused by the next process and rebuilt
after an import.

A real DuckDB store built by ``moneymen import`` (the bundled UN extract at A1, then FtM files at
D4 and other grades), the CLI in subprocesses, a real server on loopback.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import time
from importlib.resources import files
from pathlib import Path

import httpx
import pytest

from moneymen.model import Grade
from moneymen.services.screening import load_listed
from moneymen.store import open_store

from api_server import AUTHORIZATION, running_server
from conftest import run_cli
from test_screen_start import HEAVY, screen_importing, settled

UN_LIST = files("moneymen.data") / "un_sc_dprk_2025-11-20.xml"
YUN = "unsc-690734"  # YUN HO-JIN, born 1944-10-13, on the UN list
#: What a D4 source adds: an alias and another birth date of YUN HO-JIN, and a person of its own.
WEAK_ALIAS = "Pak Thae-song"
WEAK_BIRTH_DATE = "1961-02-03"
RUMOURED = "Thaddeus Okonkwo-Lindqvist"
RUMOURS = [
    {"id": YUN, "schema": "Person", "properties": {"alias": [WEAK_ALIAS], "birthDate": [WEAK_BIRTH_DATE]}},
    {"id": "rumour-1", "schema": "Person", "properties": {"name": [RUMOURED], "birthDate": ["1970-05-06"]}},
]


def write_ftm(path: Path, entities: list[dict]) -> Path:
    path.write_text("".join(json.dumps(entity) + "\n" for entity in entities), encoding="utf-8")
    return path


def import_cli(db: Path, path: Path, *options: str) -> None:
    done = run_cli("import", str(path), *options, db=db)
    assert done.returncode == 0, done.stderr


def index_dir(db: Path) -> Path:
    return db.parent / (db.name + ".index")


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> tuple[Path, Path]:
    """(the UN list at A1 plus the D4 rumours, the UN list at A1 alone)."""
    folder = tmp_path_factory.mktemp("graded")
    official = folder / "official.duckdb"
    import_cli(official, Path(str(UN_LIST)), "--grade", "A1")
    both = folder / "both.duckdb"
    shutil.copyfile(official, both)
    import_cli(both, write_ftm(folder / "rumours.jsonl", RUMOURS), "--format", "ftm", "--dataset", "rumours",
               "--grade", "D4")
    return both, official


def screen_json(db: Path, *args: str) -> list[dict]:
    done = run_cli("screen", *args, "--json", db=db)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def ids(results: list[dict]) -> list[str]:
    return [result["id"] for result in results if result["match"]]


# -- the CLI ---------------------------------------------------------------------------------


def test_the_weak_alias_finds_the_listed_person_only_without_min_grade(stores):
    both, _ = stores
    assert ids(screen_json(both, WEAK_ALIAS))[:1] == [YUN]
    assert YUN not in ids(screen_json(both, WEAK_ALIAS, "--min-grade", "B2"))
    # the listed name still finds him at B2
    assert ids(screen_json(both, "Yun Ho-jin", "--min-grade", "B2"))[:1] == [YUN]


def test_the_weak_birth_date_does_not_affect_the_score_at_min_grade(stores):
    both, official = stores
    query = ("Yun Ho-jin", "--dob", WEAK_BIRTH_DATE, "--schema", "Person")

    def yun(results: list[dict]) -> dict:
        return next(result for result in results if result["id"] == YUN)

    unfiltered = yun(screen_json(both, *query))
    graded = yun(screen_json(both, *query, "--min-grade", "B2"))
    alone = yun(screen_json(official, *query))  # the store without the rumours
    assert graded["score"] == alone["score"]
    assert graded["score"] < unfiltered["score"], "the D4 birth date agrees with the query: without a " \
                                                  "filter it raises the score"
    assert "birth dates agree" in json.dumps(unfiltered["explanation"])
    assert "birth dates agree" not in json.dumps(graded["explanation"])
    assert graded["datasets"] == ["un_sc"] and "rumours" in unfiltered["datasets"]


def test_an_entity_known_only_from_the_weak_source_is_not_a_candidate_at_min_grade(stores):
    both, _ = stores
    assert ids(screen_json(both, RUMOURED)) == ["rumour-1"]
    assert all(result["id"] != "rumour-1" for result in screen_json(both, RUMOURED, "--min-grade", "B2"))
    # D4 itself keeps the D4 statements; D3 (a better digit, the same letter) does not
    assert ids(screen_json(both, RUMOURED, "--min-grade", "D4")) == ["rumour-1"]
    assert "rumour-1" not in ids(screen_json(both, RUMOURED, "--min-grade", "D3"))


def test_the_table_says_which_grade_the_lists_were_read_at(stores):
    both, _ = stores
    done = run_cli("screen", "Yun Ho-jin", "--min-grade", "b2", db=both)
    assert done.returncode == 0, done.stderr
    assert "(statements graded B2 or better)" in " ".join(done.stdout.split())
    plain = run_cli("screen", "Yun Ho-jin", db=both)
    assert "graded" not in plain.stdout


def test_the_batch_file_is_screened_at_min_grade(stores, tmp_path):
    both, _ = stores
    source = tmp_path / "counterparties.csv"
    source.write_text(f"ref,name,dob\nalias,{WEAK_ALIAS},\ndob,Yun Ho-jin,{WEAK_BIRTH_DATE}\nonly,{RUMOURED},\n",
                      encoding="utf-8")

    def screened(*options: str) -> tuple[str, dict[str, list[dict[str, str]]]]:
        out = tmp_path / "results.csv"
        done = run_cli("screen", "--input", str(source), "-o", str(out), *options, db=both)
        assert done.returncode == 0, done.stderr
        rows: dict[str, list[dict[str, str]]] = {}
        for row in csv.DictReader(out.open(encoding="utf-8")):
            rows.setdefault(row["ref"], []).append(row)
        return " ".join(done.stdout.split()), rows

    said, plain = screened()
    assert "graded" not in said
    said_graded, graded = screened("--min-grade", "B2")
    assert "with a match at 0.7 (statements graded B2 or better)" in said_graded
    assert plain["alias"][0]["entity_id"] == YUN and plain["alias"][0]["match"] == "true"
    assert all(row["entity_id"] != YUN or row["match"] == "false" for row in graded["alias"])
    assert plain["only"][0]["entity_id"] == "rumour-1"
    assert all(row["entity_id"] != "rumour-1" for row in graded["only"])
    yun_plain = next(row for row in plain["dob"] if row["entity_id"] == YUN)
    yun_graded = next(row for row in graded["dob"] if row["entity_id"] == YUN)
    assert float(yun_graded["score"]) < float(yun_plain["score"])
    assert "rumours" in yun_plain["datasets"] and yun_graded["datasets"] == "un_sc"


def test_a_bad_grade_is_refused_and_nothing_is_created(stores, tmp_path):
    both, _ = stores
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(both, copy)
    for bad in ("Z9", "B7", "2B", "B22"):
        done = run_cli("screen", "Yun Ho-jin", "--min-grade", bad, db=copy)
        assert done.returncode == 1, (bad, done.stdout)
        assert "--min-grade" in done.stderr and "invalid grade" in done.stderr and bad in done.stderr
    out = tmp_path / "out.csv"
    source = tmp_path / "in.csv"
    source.write_text("name\nYun Ho-jin\n", encoding="utf-8")
    done = run_cli("screen", "--input", str(source), "-o", str(out), "--min-grade", "X", db=copy)
    assert done.returncode == 1 and "--min-grade" in done.stderr
    assert not out.exists() and not index_dir(copy).exists()
    missing = tmp_path / "missing.duckdb"
    assert run_cli("screen", "Yun", "--min-grade", "Z9", db=missing).returncode == 1
    assert sorted(os.listdir(tmp_path)) == ["copy.duckdb", "in.csv"]


# -- the saved index of a grade filter ---------------------------------------------------------


def test_a_graded_index_is_saved_reused_by_the_next_process_and_rebuilt_after_an_import(stores, tmp_path):
    both, _ = stores
    db = tmp_path / "lists.duckdb"
    shutil.copyfile(both, db)
    graded = index_dir(db) / "all-B2.idx"
    first, imported = screen_importing(db, "Yun Ho-jin", "--min-grade", "B2")  # builds and saves it
    assert "followthemoney" in imported and graded.is_file()
    assert sorted(path.name for path in index_dir(db).glob("*.idx")) == ["all-B2.idx"]
    built = graded.stat()
    settled(db)
    checked, _ = screen_importing(db, "Yun Ho-jin", "--min-grade", "B2")  # finds it current: loads it
    fast, imported = screen_importing(db, "Yun Ho-jin", "--min-grade", "B2")
    assert fast == checked == first and ids(fast)[:1] == [YUN]
    assert (graded.stat().st_ino, graded.stat().st_mtime_ns) == (built.st_ino, built.st_mtime_ns), \
        "the second process should have loaded the saved index, not built a new one"
    assert not imported & set(HEAVY), f"a screen with a current graded index imported {sorted(imported & set(HEAVY))}"

    # an import at A1 changes what B2 reads: the next screen rebuilds the index and finds the new person
    newcomer = {"id": "note-1", "schema": "Person", "properties": {"name": ["Wilhelmina Castellanos-Achterberg"]}}
    import_cli(db, write_ftm(tmp_path / "notes.jsonl", [newcomer]), "--format", "ftm", "--dataset", "notes",
               "--grade", "A1")
    after, _ = screen_importing(db, "Wilhelmina Castellanos-Achterberg", "--min-grade", "B2")
    assert ids(after) == ["note-1"]
    assert graded.stat().st_ino != built.st_ino, "the graded index should have been rebuilt and saved"
    # without a filter the index of the whole store is its own, as before
    plain, _ = screen_importing(db, WEAK_ALIAS)
    assert ids(plain)[:1] == [YUN]
    assert sorted(path.name for path in index_dir(db).glob("*.idx")) == ["all-B2.idx", "all.idx"]


def test_f6_keeps_every_statement_and_shares_the_unfiltered_index(stores, tmp_path):
    both, _ = stores
    db = tmp_path / "lists.duckdb"
    shutil.copyfile(both, db)
    assert screen_json(db, WEAK_ALIAS, "--min-grade", "F6") == screen_json(db, WEAK_ALIAS)
    assert sorted(path.name for path in index_dir(db).glob("*.idx")) == ["all.idx"]


def test_both_letter_and_digit_must_be_as_good(stores, tmp_path):
    """A3 (better letter, worse digit) and C1 (worse letter, better digit) are not at least B2."""
    _, official = stores
    db = tmp_path / "lists.duckdb"
    shutil.copyfile(official, db)
    for grade, alias in (("A3", "Ri Kwang-il"), ("C1", "Choe Myong-hak")):
        entity = {"id": YUN, "schema": "Person", "properties": {"alias": [alias]}}
        import_cli(db, write_ftm(tmp_path / f"{grade}.jsonl", [entity]), "--format", "ftm", "--dataset",
                   f"source_{grade.lower()}", "--grade", grade)
    with open_store(db, read_only=True) as store:
        def aliases(minimum: str | None) -> set[str]:
            listed = load_listed(store, min_grade=Grade.parse(minimum) if minimum else None)
            return set(next(entity for entity in listed if entity.id == YUN).properties.get("alias", ()))

        assert {"Ri Kwang-il", "Choe Myong-hak"} <= aliases(None)
        assert not {"Ri Kwang-il", "Choe Myong-hak"} & aliases("B2")
        assert "Ri Kwang-il" in aliases("A3") and "Choe Myong-hak" not in aliases("A3")
        assert "Choe Myong-hak" in aliases("C1") and "Ri Kwang-il" not in aliases("C1")
        assert {"Ri Kwang-il", "Choe Myong-hak"} <= aliases("C3")


# -- the HTTP API --------------------------------------------------------------------------------


def person(name: str, **properties: list[str]) -> dict:
    return {"queries": {"q": {"schema": "Person", "properties": {"name": [name], **properties}}}}


@pytest.fixture
def served(stores, tmp_path):
    both, _ = stores
    db = tmp_path / "served.duckdb"
    shutil.copyfile(both, db)
    with running_server(db, tmp_path / "server.log", startup_s=60) as url:
        with httpx.Client(base_url=url, timeout=120, headers=AUTHORIZATION) as client:
            yield db, client


def answer(client: httpx.Client, body: dict, **params: str) -> dict:
    response = client.post("/match/default", json=body, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def matched(response: dict) -> list[str]:
    return [result["id"] for result in response["responses"]["q"]["results"] if result["match"]]


def test_match_and_search_at_min_grade(served, stores):
    db, client = served
    _, official = stores
    plain = answer(client, person(WEAK_ALIAS))
    assert matched(plain)[:1] == [YUN] and plain["min_grade"] is None
    graded = answer(client, person(WEAK_ALIAS), min_grade="B2")
    assert YUN not in matched(graded) and graded["min_grade"] == "B2"
    assert matched(answer(client, person(RUMOURED))) == ["rumour-1"]
    assert "rumour-1" not in matched(answer(client, person(RUMOURED), min_grade="B2"))

    def yun_score(**params: str) -> float:
        results = answer(client, person("Yun Ho-jin", birthDate=[WEAK_BIRTH_DATE]), **params)["responses"]["q"]
        return next(result["score"] for result in results["results"] if result["id"] == YUN)

    with_rumour, at_b2 = yun_score(), yun_score(min_grade="B2")
    alone = next(r["score"] for r in screen_json(official, "Yun Ho-jin", "--dob", WEAK_BIRTH_DATE, "--schema", "Person")
                 if r["id"] == YUN)  # the score without the rumours
    assert at_b2 == pytest.approx(alone) and at_b2 < with_rumour

    hits = client.get("/search/default", params={"q": RUMOURED}).json()
    assert [hit["id"] for hit in hits["results"]][:1] == ["rumour-1"] and hits["min_grade"] is None
    hits = client.get("/search/default", params={"q": RUMOURED, "min_grade": "B2"}).json()
    assert all(hit["id"] != "rumour-1" for hit in hits["results"]) and hits["min_grade"] == "B2"
    alias_hits = client.get("/search/default", params={"q": WEAK_ALIAS, "min_grade": "B2"}).json()
    assert YUN not in [hit["id"] for hit in alias_hits["results"]]
    assert (index_dir(db) / "all-B2.idx").is_file()


def test_a_bad_min_grade_is_a_422_naming_it(served):
    _, client = served
    response = client.post("/match/default", json=person("Yun Ho-jin"), params={"min_grade": "Q9"})
    assert response.status_code == 422, response.text
    assert "min_grade" in response.json()["message"] and "invalid grade" in response.json()["message"]
    assert response.json()["detail"][0]["loc"] == ["query", "min_grade"]
    response = client.get("/search/default", params={"q": "Yun", "min_grade": "B0"})
    assert response.status_code == 422 and "min_grade" in response.json()["message"]


def test_reconciliation_at_min_grade(served):
    _, client = served
    queries = json.dumps({"q0": {"query": WEAK_ALIAS, "type": "Person"}})

    def candidates(**params: str) -> list[str]:
        response = client.post("/reconcile/default", data={"queries": queries}, params=params)
        assert response.status_code == 200, response.text
        return [found["id"] for found in response.json()["q0"]["result"] if found["match"]]

    assert YUN in candidates() and YUN not in candidates(min_grade="B2")
    manifest = client.get("/reconcile/default", params={"min_grade": "B2"}).json()
    assert "min_grade=B2" in manifest["suggest"]["entity"]["service_path"]


def test_a_graded_index_served_is_rebuilt_after_an_import(served, tmp_path):
    db, client = served
    name = "Wilhelmina Castellanos-Achterberg"
    assert matched(answer(client, person(name), min_grade="B2")) == []
    newcomer = {"id": "note-1", "schema": "Person", "properties": {"name": [name]}}
    import_cli(db, write_ftm(tmp_path / "notes.jsonl", [newcomer]), "--format", "ftm", "--dataset", "notes",
               "--grade", "B2")
    deadline = time.monotonic() + 60
    while matched(answer(client, person(name), min_grade="B2")) != ["note-1"]:
        assert time.monotonic() < deadline, "the import was never screened at B2"
        time.sleep(0.2)
    assert matched(answer(client, person(name), min_grade="B3")) == ["note-1"]
    assert matched(answer(client, person(name), min_grade="A2")) == []
