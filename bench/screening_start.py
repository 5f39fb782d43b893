"""Screening from a cold start: ``moneymen screen NAME`` as whole processes, next to ``moneymen version``.

Run from the repository root::

    .venv/bin/python bench/screening_start.py --db STORE.duckdb [--name "Kim Jong Un"] [--repeat 5]

The store is copied into a temporary folder first (the original is only read). Rows, each a whole
process timed from start to exit (median of ``--repeat``, peak RSS from ``wait4``):

1. ``moneymen version``: the floor every command pays (interpreter and imports);
2. the first ``moneymen screen`` on the copy: it finds no saved index, builds one and saves it
   beside the store (``STORE.duckdb.index/``);
3. ``moneymen screen`` again: it maps the saved index (every later process of an unchanged store);
4. ``moneymen screen`` after the index file was removed each time: what every run cost before
   the index was saved (it builds the index in memory and saves it again).

The target (issue 10): a cold ``screen`` within 2.5x of ``moneymen version``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_throughput import machine_facts, markdown_table  # noqa: E402


def timed(command: list[str], env: dict) -> tuple[float, float]:
    """(seconds, peak RSS MiB) of one process."""
    begin = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - begin
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a store to screen against (copied first)")
    parser.add_argument("--name", default="Kim Jong Un", help="the name screened (default: Kim Jong Un)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per row (default: 5)")
    args = parser.parse_args(argv)
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    cli = [sys.executable, "-m", "moneymen.cli"]
    with tempfile.TemporaryDirectory(prefix="moneymen-start-") as folder:
        db = Path(folder) / args.db.name
        shutil.copyfile(args.db, db)
        index = db.parent / (db.name + ".index")
        screen = [*cli, "screen", args.name, "--db", str(db)]
        rows = []

        def row(label: str, runs: list[tuple[float, float]]):
            rows.append([label, f"{statistics.median(s for s, _ in runs):.2f}", f"{min(s for s, _ in runs):.2f}",
                         f"{max(r for _, r in runs):,.0f}", str(len(runs))])
            return statistics.median(s for s, _ in runs)

        floor = row("`moneymen version`", [timed([*cli, "version"], env) for _ in range(args.repeat)])
        row("`moneymen screen` first run: builds and saves the index", [timed(screen, env)])
        size = sum(f.stat().st_size for f in index.iterdir())
        saved = row("`moneymen screen`, index saved", [timed(screen, env) for _ in range(args.repeat)])
        rebuilt = []
        for _ in range(args.repeat):
            shutil.rmtree(index)
            rebuilt.append(timed(screen, env))
        row("`moneymen screen`, no saved index (every run before)", rebuilt)
    print(f"## Screening from a cold start ({args.db.name}, `screen {args.name!r}`)")
    print()
    print("\n".join(machine_facts()))
    print(f"- index file: {size / 2**20:,.1f} MiB")
    print()
    print(markdown_table(["process", "median s", "fastest s", "peak RSS MiB", "runs"], rows, "lrrrr"))
    print()
    print(f"- cold `screen` with the saved index: {saved / floor:.2f}x `moneymen version` (target ≤ 2.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
