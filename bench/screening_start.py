"""Screening from a cold start: ``moneymen screen NAME`` as whole processes, next to ``moneymen version``.

Run from the repository root::

    .venv/bin/python bench/screening_start.py --db STORE.duckdb [--name "Kim Jong Un"] [--repeat 5]

The store is copied into a temporary folder first (the original is only read). Rows, each a whole
process timed from start to exit (median of ``--repeat``; CPU time and peak RSS from ``wait4``):

1. ``moneymen version``: the floor every command pays (interpreter and imports);
2. the first ``moneymen screen`` on the copy: it finds no saved index, builds one and saves it
   beside the store (``STORE.duckdb.index/``);
3. ``moneymen screen`` once the saved index has been found current: the store is not opened
   (its look is recorded beside the index), followthemoney and DuckDB are not loaded;
4. ``moneymen screen`` after the store was written to (its look changed): the store is opened
   and its imports read to check the saved index, which is then mapped;
5. ``moneymen screen`` after the index file was removed each time: what every run cost before
   the index was saved (it builds the index in memory and saves it again).

The children run as an installed moneymen does, with their bytecode cached (in a private
``PYTHONPYCACHEPREFIX``, even where ``PYTHONDONTWRITEBYTECODE`` is set) after one untimed run.

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


def installed_env(folder: Path) -> dict:
    """The environment of a timed child: its bytecode cached under ``folder`` as an installed
    package's is (not compiled again by every process), a wide terminal, no colours."""
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1", "PYTHONPYCACHEPREFIX": str(folder / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(command: list[str], env: dict) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MiB, CPU seconds) of one process."""
    begin = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - begin
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def settled(db: Path) -> None:
    """Wait until the store's last write is old enough for its look to be recorded (``RACY_SECONDS``)."""
    from moneymen.services.screening_index import RACY_SECONDS

    info = db.stat()
    time.sleep(max(0.0, RACY_SECONDS + 0.1 - (time.time() - max(info.st_mtime, info.st_ctime))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a store to screen against (copied first)")
    parser.add_argument("--name", default="Kim Jong Un", help="the name screened (default: Kim Jong Un)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per row (default: 5)")
    args = parser.parse_args(argv)
    cli = [sys.executable, "-m", "moneymen.cli"]
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="moneymen-start-") as folder:
        env = installed_env(Path(folder))
        db = Path(folder) / args.db.name
        shutil.copyfile(args.db, db)
        index = db.parent / (db.name + ".index")
        screen = [*cli, "screen", args.name, "--db", str(db)]
        timed([*cli, "version"], env)  # writes the bytecode, untimed
        rows = []

        def row(label: str, runs: list[tuple[float, float, float]]):
            rows.append([label, f"{statistics.median(s for s, _, _ in runs):.2f}", f"{min(s for s, _, _ in runs):.2f}",
                         f"{statistics.median(c for _, _, c in runs):.2f}", f"{max(r for _, r, _ in runs):,.0f}",
                         str(len(runs))])
            loads.append(os.getloadavg()[0])
            return statistics.median(s for s, _, _ in runs)

        floor = row("`moneymen version`", [timed([*cli, "version"], env) for _ in range(args.repeat)])
        row("`moneymen screen` first run: builds and saves the index", [timed(screen, env)])
        size = (index / "all.idx").stat().st_size
        settled(db)
        timed(screen, env)  # finds the index current and records the store's look
        saved = row("`moneymen screen`, saved index, store unchanged (not opened)",
                    [timed(screen, env) for _ in range(args.repeat)])
        checked = []
        for _ in range(args.repeat):
            (index / "all.stamp").unlink()  # as after a write to the store: its look is no longer the recorded one
            checked.append(timed(screen, env))
        row("`moneymen screen`, saved index checked against the store's imports", checked)
        rebuilt = []
        for _ in range(args.repeat):
            shutil.rmtree(index)
            rebuilt.append(timed(screen, env))
        row("`moneymen screen`, no saved index (every run before)", rebuilt)
    print(f"## Screening from a cold start ({args.db.name}, `screen {args.name!r}`)")
    print()
    print("\n".join(machine_facts()))
    print(f"- index file: {size / 2**20:,.1f} MiB; load average (1 min) {min(loads):.1f} to {max(loads):.1f} "
          "during the run")
    print()
    print(markdown_table(["process", "median s", "fastest s", "CPU s", "peak RSS MiB", "runs"], rows, "lrrrrr"))
    print()
    print(f"- cold `screen` with the saved index: {saved / floor:.2f}x `moneymen version` (target ≤ 2.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
