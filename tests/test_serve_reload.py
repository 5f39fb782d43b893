"""Imports while `moneymen serve` answers: the import waits its turn and never fails "in use",
requests never fail, the server keeps screening with the old index and then with the new one.

A real server (`moneymen serve --workers 2`, two processes) over a real DuckDB file, real
`moneymen import` and `moneymen imports revert` processes, and client threads sending
/match, /search, /entities and /readyz the whole time.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from importlib.resources import files
from pathlib import Path

import httpx

from api_server import AUTHORIZATION, serving_cli
from conftest import run_cli

UN_LIST = files("moneymen.data") / "un_sc_dprk_2025-11-20.xml"
OFAC_LIST = files("moneymen.data") / "ofac_sdn_dprk_2024-05-03.csv"
#: Korea Mining Development Trading Corporation, as the UN lists it (in the store from the start).
UN_KOMID = "unsc-690735"
KIM_JONG_UN = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}}


def _match_ids(client: httpx.Client) -> list[str]:
    response = client.post("/match/default", json=KIM_JONG_UN)
    response.raise_for_status()
    return [result["id"] for result in response.json()["responses"]["q"]["results"] if result["match"]]


class Clients:
    """Threads that keep asking the server and count the answers' status codes."""

    def __init__(self, url: str, threads: int = 4):
        self.url = url
        self.statuses: Counter[str] = Counter()
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._ask, args=(n,), daemon=True) for n in range(threads)]

    def __enter__(self) -> "Clients":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)

    def _ask(self, n: int) -> None:
        requests = [
            ("match", lambda c: c.post("/match/default", json=KIM_JONG_UN)),
            ("search", lambda c: c.get("/search/default", params={"q": "Korea Mining"})),
            ("entity", lambda c: c.get(f"/entities/{UN_KOMID}")),
            ("readyz", lambda c: c.get("/readyz")),
        ]
        with httpx.Client(base_url=self.url, headers=AUTHORIZATION, timeout=90) as client:
            turn = n
            while not self._stop.is_set():
                name, ask = requests[turn % len(requests)]
                turn += 1
                try:
                    status = ask(client).status_code
                except httpx.HTTPError as error:
                    self.failures.append(f"{name}: {error!r}")
                    continue
                self.statuses[f"{name} {status}"] += 1


def test_imports_while_serving_wait_their_turn_and_requests_never_fail(tmp_path: Path) -> None:
    db = tmp_path / "lists.duckdb"
    run_cli("import", str(UN_LIST), db=db).check_returncode()
    with serving_cli(db, tmp_path / "server.log", "--workers", "2") as url:
        with httpx.Client(base_url=url, headers=AUTHORIZATION, timeout=90) as client:
            deadline = time.monotonic() + 120
            while client.get("/readyz").status_code != 200:
                assert time.monotonic() < deadline, "the server never became ready"
                time.sleep(0.2)
            before = _match_ids(client)
            assert not any(id.startswith("ofac-") for id in before)
            with Clients(url) as clients:
                imports = [run_cli("import", str(OFAC_LIST), "--dataset", "ofac_dprk", db=db),
                           run_cli("imports", "revert", "2", db=db),
                           run_cli("import", str(OFAC_LIST), "--dataset", "ofac_dprk_again", db=db)]
                # the server picks the new data up in the background; until then it answers from the old
                deadline = time.monotonic() + 120
                while not any(id.startswith("ofac-") for id in _match_ids(client)):
                    assert time.monotonic() < deadline, "the server never screened against the new import"
                    time.sleep(0.5)
            for done in imports:
                assert done.returncode == 0, done.stderr
                assert "in use" not in done.stderr
            # /catalog says when the index holds every import, and then counts the new dataset's entities
            deadline = time.monotonic() + 120
            while (catalog := client.get("/catalog").json())["index_stale"]:
                assert time.monotonic() < deadline, f"the index never caught up: {catalog['outdated']}"
                time.sleep(0.5)
            entries = {entry["name"]: entry for entry in catalog["datasets"]}
            assert set(catalog["current"]) == {"un_sc", "ofac_dprk_again"}
            assert "ofac_dprk" not in entries  # reverted: no longer served
            assert entries["ofac_dprk_again"]["thing_count"] > 100
            assert entries["ofac_dprk_again"]["index_version"] == entries["ofac_dprk_again"]["version"]
    assert not clients.failures, clients.failures[:5]
    errors = {status: count for status, count in clients.statuses.items() if not status.endswith(" 200")}
    assert not errors, f"answers other than 200 while importing: {errors} of {dict(clients.statuses)}"
    for kind in ("match", "search", "entity", "readyz"):
        assert clients.statuses[f"{kind} 200"] > 0, dict(clients.statuses)
