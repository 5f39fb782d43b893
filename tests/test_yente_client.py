"""moneymen serve, driven by a real yente client: nomenklatura's ``nk match`` and ``nk enrich``.

nomenklatura's YenteEnricher is what OpenSanctions' own tooling uses to screen a file of entities
against a yente server and to pull in what the matches are linked to. It pins its own versions
of followthemoney and duckdb, so it lives in a virtualenv of its own (``.venv-peers/``, made by
``make peers`` or on first use) and runs as the commands a user types.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import venv
from pathlib import Path

import httpx
import pytest

from moneymen.services.demo import import_bundled
from moneymen.store import open_store

from api_server import API_KEY, serving_cli

REPO = Path(__file__).resolve().parents[1]
NOMENKLATURA = "nomenklatura==4.17.4"
PEERS = REPO / ".venv-peers" / "nomenklatura-4.17.4"

YUN = "unsc-690734"            # YUN HO-JIN, UN 1718 list
CHONG_CHON_GANG = "ofac-17069"  # the vessel, IMO 7937317
KKBC = "unsc-6908518"          # KOREA KWANGSON BANKING CORPORATION (KKBC)

QUERIES = [
    {"id": "q-yun", "schema": "Person", "properties": {"name": ["Yun Ho-jin"], "birthDate": ["1944-10-13"]}},
    {"id": "q-ship", "schema": "Vessel", "properties": {"name": ["Chong Chon Gang"], "imoNumber": ["7937317"]}},
    {"id": "q-bank", "schema": "Company", "properties": {"name": ["Korea Kwangson Banking Corporation"]}},
    {"id": "q-nobody", "schema": "Person", "properties": {"name": ["Angela Merkel"], "birthDate": ["1954-07-17"]}},
]


@pytest.fixture(scope="session")
def nk() -> Path:
    """The ``nk`` command of nomenklatura 4.17.4, installed in its own virtualenv if need be."""
    command = PEERS / "bin" / "nk"
    if not command.exists():
        venv.create(PEERS, with_pip=True)
        installed = subprocess.run([str(PEERS / "bin" / "python"), "-m", "pip", "install", "--quiet", NOMENKLATURA],
                                   capture_output=True, text=True, timeout=900)
        if installed.returncode != 0:
            pytest.skip(f"could not install {NOMENKLATURA} (no package index?): {installed.stderr[-500:]}")
    return command


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``moneymen serve`` over the bundled lists, as a user starts it: (base URL, API key)."""
    folder = tmp_path_factory.mktemp("yente-client")
    db = folder / "lists.duckdb"
    with open_store(db) as store:
        import_bundled(store)
    with serving_cli(db, folder / "server.log", env={"HOME": str(folder)}) as url:
        deadline = time.monotonic() + 120
        while httpx.get(url + "/readyz", timeout=5).status_code != 200:
            if time.monotonic() > deadline:
                pytest.fail(f"moneymen serve was not ready within 120 s:\n{(folder / 'server.log').read_text()}")
            time.sleep(0.2)
        yield url + "/", API_KEY


def run_nk(nk: Path, folder: Path, *args: str, key: str) -> subprocess.CompletedProcess:
    """Run ``nk ARGS`` with its resolver database in ``folder``, as a user would."""
    env = {**os.environ, "NOMENKLATURA_DB_URL": f"sqlite:///{folder / 'nomenklatura.db'}", "YENTE_API_KEY": key}
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run([str(nk), *args], capture_output=True, text=True, env=env, cwd=folder, timeout=600)
    assert done.returncode == 0, f"nk {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done


SUGGESTIONS = """
import json
from nomenklatura.db import make_session
from nomenklatura.resolver import Resolver
with make_session() as session:
    edges = Resolver(session, create=True).all_edges(include_suggestions=True)
    print(json.dumps([[edge.source.id, edge.target.id] for edge in edges]))
"""


def suggestions(nk: Path, folder: Path) -> set[tuple[str, str]]:
    """The (sorted) id pairs ``nk match`` suggested, from the resolver database in ``folder``."""
    env = {**os.environ, "NOMENKLATURA_DB_URL": f"sqlite:///{folder / 'nomenklatura.db'}"}
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run([str(nk.parent / "python"), "-c", SUGGESTIONS], capture_output=True, text=True,
                          env=env, cwd=folder, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return {tuple(sorted(pair)) for pair in json.loads(done.stdout)}


def enricher_config(folder: Path, url: str) -> Path:
    path = folder / "moneymen.yml"
    path.write_text(f"name: moneymen\ntitle: moneymen screening API\n"
                    f"type: nomenklatura.enrich.yente:YenteEnricher\napi: {url}\ndataset: default\n")
    return path


def read_entities(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_nk_match_finds_listed_people_vessels_and_companies(nk, server, tmp_path):
    url, key = server
    queries = tmp_path / "queries.json"
    queries.write_text("".join(json.dumps(query) + "\n" for query in QUERIES))
    run_nk(nk, tmp_path, "match", str(enricher_config(tmp_path, url)), str(queries), "-o", "matches.json", key=key)

    found = {entity["id"]: entity for entity in read_entities(tmp_path / "matches.json")}
    for listed, schema in ((YUN, "Person"), (CHONG_CHON_GANG, "Vessel"), (KKBC, "Organization")):
        assert listed in found, f"nk match did not get {listed} back: {sorted(found)}"
        assert found[listed]["schema"] == schema
    # what came back is what the server would call a match: nobody for Angela Merkel, no trading
    # corporation for a bank that only shares 'Korea Kwangson'
    names = {name for entity in found.values() for name in entity["properties"].get("name", [])}
    assert not any("TRADING" in name for name in names), names
    # nk match files each candidate as a suggestion for review (`nk dedupe`); `nk dump-resolver`
    # writes only judged edges, so read the suggestions through nomenklatura's own resolver
    suggested = suggestions(nk, tmp_path)
    assert tuple(sorted(("q-yun", YUN))) in suggested
    assert not any("q-nobody" in pair for pair in suggested)


def test_nk_enrich_brings_the_sanctions_of_confirmed_matches_as_nested_entities(nk, server, tmp_path):
    url, key = server
    queries = tmp_path / "queries.json"
    queries.write_text("".join(json.dumps(query) + "\n" for query in QUERIES[:2]))
    judgements = tmp_path / "judgements.ijson"
    judgements.write_text("".join(json.dumps([listed, query, "positive", 1.0, "analyst", "2026-12-02T00:00:00"]) + "\n"
                                  for listed, query in ((YUN, "q-yun"), (CHONG_CHON_GANG, "q-ship"))))
    run_nk(nk, tmp_path, "load-resolver", str(judgements), key=key)
    run_nk(nk, tmp_path, "enrich", str(enricher_config(tmp_path, url)), str(queries), "-o", "enriched.json", key=key)

    enriched = read_entities(tmp_path / "enriched.json")
    by_id = {entity["id"]: entity for entity in enriched}
    assert YUN in by_id and CHONG_CHON_GANG in by_id
    sanctions = [entity for entity in enriched if entity["schema"] == "Sanction"]
    targets = {target for sanction in sanctions for target in sanction["properties"].get("entity", [])}
    assert {YUN, CHONG_CHON_GANG} <= targets, f"no Sanction entity for the matches: {sorted(by_id)}"
    programs = {program for sanction in sanctions for program in sanction["properties"].get("program", [])}
    assert programs, sanctions


def test_a_client_without_the_key_is_refused(server):
    url, _ = server
    response = httpx.post(url + "match/default", json={"queries": {"q": QUERIES[0]}}, timeout=30)
    assert response.status_code == 401
    assert httpx.get(url + "healthz", timeout=30).status_code == 200
