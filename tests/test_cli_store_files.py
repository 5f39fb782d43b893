"""The store a command opens and the files it writes, as a user meets them.

A command that only reads refuses a store that is not there (a typo in ``--db``) instead of
creating an empty one and answering "no candidate"; the files moneymen writes for the user
(exports, screening results, reports, plots) get the permissions the user's umask asks for;
two stores in one folder keep their reports apart; and ``moneymen version`` or ``--help`` do
not pay for the heavy imports the other commands need.
"""

from __future__ import annotations

import os
import re
import socket
import stat
import sys
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli
from moneymen.data import example_scenario_path
from moneymen.store import open_store


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flat(text: str) -> str:
    return " ".join(text.split())


#: Every command that only reads the store (or changes what it already holds), with its arguments.
READING_COMMANDS = {
    "screen": ["screen", "Kim Jong Un"],
    "entities": ["entities", "kim"],
    "show": ["show", "ofac-9345"],
    "export": ["export", "--format", "ftm", "--output", "export.jsonl"],
    "summary": ["summary"],
    "imports": ["imports"],
    "imports revert": ["imports", "revert", "1"],
    "scenario run": ["scenario", "run", str(example_scenario_path()), "--runs", "10"],
    "scenario list": ["scenario", "list"],
    "scenario show": ["scenario", "show", "1", "--report", "again.html"],
    "scenario compare": ["scenario", "compare", "1", "2"],
    "serve": ["serve"],  # on a free port
}


def refused(result: subprocess.CompletedProcess, where: Path) -> None:
    """Assert that the command stopped, naming the missing store and how to create one."""
    message = flat(result.stderr)
    assert result.returncode != 0, result.stdout
    assert f"no evidence store at {where}" in message, message
    assert "moneymen import" in message and "moneymen demo" in message, message


@pytest.mark.parametrize("command", READING_COMMANDS)
def test_a_reading_command_refuses_a_missing_store_and_creates_nothing(command, tmp_path):
    typo = tmp_path / "ful.duckdb"
    arguments = ["serve", "--port", str(free_port())] if command == "serve" else READING_COMMANDS[command]
    result = run_cli(*arguments, "--db", str(typo), cwd=tmp_path, timeout=60)
    refused(result, typo)
    assert files_under(tmp_path) == set()  # no store, no .wal, no export, no report


@pytest.mark.parametrize("command", ["screen", "summary", "serve"])
def test_a_store_in_a_missing_folder_is_missing_and_no_folder_appears(command, tmp_path):
    where = tmp_path / "no such folder" / "evidence.duckdb"
    arguments = ["serve", "--port", str(free_port())] if command == "serve" else READING_COMMANDS[command]
    result = run_cli(*arguments, db=where, cwd=tmp_path, timeout=60)  # through MONEYMEN_DB this time
    refused(result, where)
    assert files_under(tmp_path) == set()


def test_batch_screening_against_a_missing_store_writes_no_results(tmp_path):
    names = tmp_path / "counterparties.csv"
    names.write_text("name\nKim Jong Un\nKOMID\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    typo = tmp_path / "ful.duckdb"
    result = run_cli("screen", "--input", str(names), "--output", str(results), "--db", str(typo))
    refused(result, typo)
    assert not results.exists() and not typo.exists()


def test_a_typo_is_answered_with_the_store_beside_it(tmp_path):
    with open_store(tmp_path / "full.duckdb"):
        pass
    result = run_cli("summary", "--db", str(tmp_path / "ful.duckdb"))
    refused(result, tmp_path / "ful.duckdb")
    assert f"did you mean {tmp_path / 'full.duckdb'}?" in flat(result.stderr)


def test_commands_that_write_data_create_the_store(tmp_path):
    where = tmp_path / "new folder" / "evidence.duckdb"
    listing = tmp_path / "names.jsonl"
    listing.write_text('{"id": "p1", "schema": "Person", "properties": {"name": ["Ri Chol-jin"]}}\n',
                       encoding="utf-8")
    result = run_cli("import", str(listing), "--db", str(where))
    assert result.returncode == 0, result.stderr
    assert where.is_file()
    assert "Ri Chol-jin" in run_cli("entities", "--db", str(where)).stdout


# -- the files moneymen writes for the user -----------------------------------------------------------

@pytest.fixture
def empty_store(tmp_path) -> Path:
    where = tmp_path / "evidence.duckdb"
    with open_store(where):
        pass
    return where


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_an_export_has_the_permissions_the_umask_asks_for(empty_store, tmp_path, umask, expected):
    output = tmp_path / "export.jsonl"
    result = run_cli("export", "--format", "ftm", "--output", str(output), db=empty_store, umask=umask)
    assert result.returncode == 0, result.stderr
    assert mode(output) == expected
    assert mode(empty_store) == 0o600  # the store itself stays its owner's


def test_an_export_over_a_file_keeps_that_files_permissions(empty_store, tmp_path):
    output = tmp_path / "export.csv"
    output.write_text("old\n", encoding="utf-8")
    os.chmod(output, 0o640)  # shared with a group, on purpose
    result = run_cli("export", "--format", "csv", "--output", str(output), db=empty_store, umask=0o022)
    assert result.returncode == 0, result.stderr
    assert mode(output) == 0o640 and output.read_text(encoding="utf-8") != "old\n"


def test_batch_results_and_a_plot_follow_the_umask(empty_store, tmp_path):
    names = tmp_path / "counterparties.csv"
    names.write_text("name\nKim Jong Un\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    screened = run_cli("screen", "--input", str(names), "--output", str(results), db=empty_store, umask=0o027)
    assert screened.returncode == 0, screened.stderr
    assert mode(results) == 0o640
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\na,b\nb,c\nc,d\n", encoding="utf-8")
    plot = tmp_path / "curve.svg"
    drawn = run_cli("disrupt", str(edges), "--strategy", "degree", "--steps", "2", "--plot", str(plot), umask=0o022)
    assert drawn.returncode == 0, drawn.stderr
    assert mode(plot) == 0o644


def report_path(output: str) -> Path:
    match = re.search(r"Report: (\S+\.html)", flat(output))
    assert match, output[-500:]
    return Path(match.group(1))


@pytest.fixture(scope="module")
def two_demo_stores(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two-stores")
    reports = {}
    for name in ("alpha.duckdb", "beta.duckdb"):
        result = run_cli("demo", "--db", str(folder / name), cwd=folder, umask=0o022)
        assert result.returncode == 0, result.stderr
        reports[name] = report_path(result.stdout)
    return folder, reports


def test_two_stores_in_one_folder_keep_their_own_reports(two_demo_stores):
    folder, reports = two_demo_stores
    alpha, beta = (folder / path if not path.is_absolute() else path for path in reports.values())
    assert alpha != beta and alpha.is_file() and beta.is_file()
    assert "alpha" in str(alpha.relative_to(folder)) and "beta" in str(beta.relative_to(folder))
    assert mode(alpha) == 0o644  # the user's umask, not 0600
    tables = alpha.with_name(f"{alpha.stem}-csv")
    assert tables.is_dir() and all(mode(table) == 0o644 for table in tables.iterdir())


def test_scenario_runs_of_two_stores_keep_their_own_reports(two_demo_stores):
    folder, _ = two_demo_stores
    written = []
    for name in ("alpha.duckdb", "beta.duckdb"):
        result = run_cli("scenario", "run", str(example_scenario_path()), "--runs", "20", "--db", str(folder / name),
                         cwd=folder)
        assert result.returncode == 0, result.stderr
        written.append((folder / report_path(result.stdout)).resolve())
    assert written[0] != written[1] and all(path.is_file() for path in written)


# -- start-up -------------------------------------------------------------------------------------

#: Packages that only some commands need, each costing tenths of a second to import.
HEAVY = ("followthemoney", "duckdb", "numpy", "scipy", "pyarrow", "networkx", "rigour", "fastapi", "moneymen.store")


@pytest.mark.parametrize("arguments", [["version"], ["--help"]])
def test_version_and_help_do_not_import_what_only_other_commands_need(arguments):
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "moneymen.cli", *arguments],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert not {name for name in imported if name.split(".")[0] in HEAVY or name in HEAVY}


def test_help_lists_every_import_and_export_format():
    from moneymen.graph.export import EXPORT_FORMATS
    from moneymen.sources import FORMATS

    imports = flat(run_cli("import", "--help").stdout)
    exports = flat(run_cli("export", "--help").stdout)
    assert all(name in imports for name in FORMATS), imports
    assert all(name in exports for name in EXPORT_FORMATS), exports
