"""The API under load: ``moneymen serve`` on the full lists, N clients for S seconds, /match and /search.

Run from the repository root::

    .venv/bin/python bench/api_load.py --db STORE.duckdb [--clients 20] [--seconds 60] [--workers 1 2]

For each ``--workers`` value the script copies the store (with its saved index, if any) into a
temporary folder, starts ``moneymen serve --workers W`` on a free loopback port, waits for
``/readyz``, and then runs, one after the other: ``--clients`` threads sending ``POST /match/default``
(one query per request: a name from the store, as listed) for ``--seconds``; the same with
``GET /search/default?q=NAME``; and one client on /match (what a single client gets). Each row: requests
per second, median and 95th-percentile latency, and any answer that was not 200.

The issue's figures (issue 10, before this work) are printed beside: /match 202 req/s (p95 152 ms),
/search 27 req/s (p95 1.0 s), and 20 clients no faster than 1.

The clients run in this process (threads with one keep-alive connection each), on the same machine
as the server: they take CPU from it, as any load generator on a 2-core machine would.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_throughput import machine_facts, markdown_table  # noqa: E402

BEFORE = {"/match": (202, 152), "/search": (27, 1000)}
KEY = "bench-api-load-" + os.urandom(8).hex()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listed_names(db: Path, count: int, seed: int) -> list[str]:
    """``count`` names of the store's people, companies and vessels, drawn with ``seed``."""
    from moneymen.store import open_store

    with open_store(db, read_only=True) as store:
        rows = store.engine.execute(
            "SELECT DISTINCT value FROM statements WHERE prop = 'name' AND length(value) BETWEEN 4 AND 60")
    names = sorted(row[0] for row in rows)
    return random.Random(seed).sample(names, min(count, len(names)))


def load(url: str, route: str, names: list[str], clients: int, seconds: float) -> dict:
    """Requests per second and latencies of ``clients`` threads asking ``route`` for ``seconds``."""
    latencies: list[float] = []
    others: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        mine: list[float] = []
        with httpx.Client(base_url=url, headers={"Authorization": f"ApiKey {KEY}"}, timeout=60) as http:
            i = n
            while time.monotonic() < stop:
                name = names[i % len(names)]
                i += clients
                begin = time.perf_counter()
                if route == "/match":
                    response = http.post("/match/default", json={
                        "queries": {"q": {"schema": "Thing", "properties": {"name": [name]}}}})
                else:
                    response = http.get("/search/default", params={"q": name})
                mine.append(time.perf_counter() - begin)
                if response.status_code != 200:
                    with lock:
                        others[response.status_code] = others.get(response.status_code, 0) + 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - begin
    latencies.sort()
    return {"requests": len(latencies), "rps": len(latencies) / elapsed,
            "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
            "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else float("nan"),
            "others": others}


def serve(db: Path, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "MONEYMEN_API_KEY": KEY}
    process = subprocess.Popen([sys.executable, "-m", "moneymen.cli", "serve", "--db", str(db), "--port", str(port),
                                "--workers", str(workers)], stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while True:
        if process.poll() is not None:
            raise SystemExit(f"the server exited: {log.read_text()[-2000:]}")
        try:
            ready = [httpx.get(f"{url}/readyz", timeout=5).status_code for _ in range(workers * 4)]
            if all(status == 200 for status in ready):  # every worker (the kernel spreads connections)
                return process, url
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("the server was not ready within 300 s")
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="the store to serve (copied first)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--names", type=int, default=2000, help="distinct names the clients cycle through")
    parser.add_argument("--seed", type=int, default=1718)
    args = parser.parse_args(argv)
    names = listed_names(args.db, args.names, args.seed)
    rows = []
    for workers in args.workers:
        with tempfile.TemporaryDirectory(prefix="moneymen-load-") as folder:
            db = Path(folder) / args.db.name
            shutil.copyfile(args.db, db)
            index = args.db.parent / (args.db.name + ".index")
            if index.is_dir():
                shutil.copytree(index, db.parent / index.name)
            process, url = serve(db, workers, Path(folder) / "server.log")
            try:
                for route, clients in (("/match", args.clients), ("/search", args.clients), ("/match", 1)):
                    load(url, route, names, clients, min(5.0, args.seconds))  # warm the caches
                    result = load(url, route, names, clients, args.seconds)
                    before = BEFORE[route] if clients == args.clients else ("—", "—")
                    rows.append([route, str(workers), str(clients), f"{result['requests']:,}",
                                 f"{result['rps']:.0f}", f"{result['p50']:.0f}", f"{result['p95']:.0f}",
                                 ", ".join(f"{n}× {code}" for code, n in sorted(result["others"].items())) or "none",
                                 str(before[0]), str(before[1])])
                    print(f"  {route} workers={workers} clients={clients}: {result['rps']:.0f} req/s, "
                          f"p95 {result['p95']:.0f} ms (load {os.getloadavg()[0]:.1f})", file=sys.stderr)
            finally:
                process.terminate()
                process.wait(timeout=30)
    print("\n".join(machine_facts()))
    print(f"{len(names):,} names of {args.db.name}, {args.seconds:g} s per row after 5 s of warm-up\n")
    print(markdown_table(["route", "workers", "clients", "requests", "req/s", "p50 ms", "p95 ms", "not 200",
                          "before req/s", "before p95 ms"], rows, "lrrrrrrlrr"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
