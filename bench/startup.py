"""Start-up time of the ``moneymen`` command, as whole processes, beside the import of followthemoney.

Run from the repository root::

    .venv/bin/python bench/startup.py [--repeat 5] [--before-rev 36f4b77 | --before-src DIR]

Times, each as a fresh child process started with this Python (``python -m moneymen.cli`` with
``PYTHONPATH`` set to the version's ``src``): ``moneymen version``, ``moneymen --help``, and as
the baselines ``python -c pass`` (the interpreter alone) and ``python -c "import followthemoney"``
(what every command paid before the CLI imported lazily). Each command runs ``--repeat`` times;
the table gives the best and the median wall time (``time.perf_counter`` around the child).

With ``--before-rev`` (a commit, extracted with ``git archive`` into a temporary folder) or
``--before-src`` (an existing ``src`` folder), the moneymen commands are timed for that version
too, in the same run, interleaved with this working tree's so that both see the same load.
Prints a markdown table. Not a test: nothing fails on a slow machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: The commands timed: label, arguments after the Python executable, whether they run moneymen's code.
COMMANDS = (
    ("python -c pass", ["-c", "pass"], False),
    ('python -c "import followthemoney"', ["-c", "import followthemoney"], False),
    ("moneymen version", ["-m", "moneymen.cli", "version"], True),
    ("moneymen --help", ["-m", "moneymen.cli", "--help"], True),
)


def wall_time(arguments: list[str], src: Path) -> float:
    """Seconds one child process takes, from start to exit; raises when it fails."""
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "100"}
    started = time.perf_counter()
    finished = subprocess.run([sys.executable, *arguments], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if finished.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed ({src}): {finished.stderr.strip()[-500:]}")
    return elapsed


def checked_src(src: Path) -> Path:
    """``src`` if ``python -m moneymen.cli`` imports moneymen from it; exit with a message otherwise."""
    where = subprocess.run([sys.executable, "-c", "import moneymen; print(moneymen.__file__)"], capture_output=True,
                           text=True, env={**os.environ, "PYTHONPATH": str(src)})
    if not where.stdout.strip().startswith(str(src.resolve())):
        raise SystemExit(f"moneymen is not imported from {src} (got {where.stdout.strip() or where.stderr.strip()})")
    return src


def extract(rev: str, folder: Path) -> Path:
    """The ``src`` folder of commit ``rev``, extracted with ``git archive`` into ``folder``."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "src"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder / "src"


def main() -> None:
    """Time every command and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="Runs of each command (default 5).")
    before = parser.add_mutually_exclusive_group()
    before.add_argument("--before-rev", help="Also time the moneymen commands of this commit.")
    before.add_argument("--before-src", type=Path, help="Also time the moneymen of this src folder.")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="moneymen-startup-") as folder:
        versions = {"this tree": checked_src(REPO / "src")}
        if options.before_rev:
            versions[f"before ({options.before_rev})"] = checked_src(extract(options.before_rev, Path(folder)))
        elif options.before_src:
            versions[f"before ({options.before_src})"] = checked_src(options.before_src)
        rows = [(label, name, arguments) for label, arguments, ours in COMMANDS
                for name in (versions if ours else list(versions)[:1])]
        times: dict[tuple[str, str], list[float]] = {(label, name): [] for label, name, _ in rows}
        for _ in range(options.repeat):  # interleaved: a burst of load hits every command alike
            for label, name, arguments in rows:
                times[label, name].append(wall_time(arguments, versions[name]))

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {options.repeat} runs each, whole processes\n")
    print("| command | code | best (s) | median (s) |")
    print("| --- | --- | ---: | ---: |")
    for label, arguments, ours in COMMANDS:
        for name in (versions if ours else ["-"]):
            measured = times[label, name if ours else "this tree"]
            print(f"| `{label}` | {name} | {min(measured):.3f} | {statistics.median(measured):.3f} |")


if __name__ == "__main__":
    main()
