"""A cold ``moneymen screen`` with a current saved index is fast: it loads neither followthemoney nor
DuckDB (it does not open the store), and still never screens against a stale index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from moneymen.services.demo import import_bundled
from moneymen.services.screening_index import RACY_SECONDS
from moneymen.store import open_store

from conftest import run_cli

#: Modules a screen with a current saved index must not import (each costs a tenth of a second or more).
HEAVY = ("followthemoney", "duckdb", "pyarrow", "sqlalchemy")


def settled(db: Path) -> None:
    """Wait until the store's last write is older than the window in which its look is not trusted."""
    while time.time() - max(os.stat(db).st_mtime, os.stat(db).st_ctime) < RACY_SECONDS + 0.1:
        time.sleep(0.2)


def screen_importing(db: Path | None, *args: str, env: dict[str, str] | None = None) -> tuple[list[dict], set[str]]:
    """The JSON results of ``moneymen screen ARGS`` in a fresh process (``--db DB`` unless None), and
    the top-level packages it imported."""
    where = ["--db", str(db)] if db is not None else []
    process = subprocess.run([sys.executable, "-X", "importtime", "-m", "moneymen.cli", "screen", *args, "--json",
                              *where], capture_output=True, text=True, timeout=300,
                             env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})})
    assert process.returncode == 0, process.stderr[-3000:]
    imported = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in process.stderr.splitlines()
                if line.startswith("import time:") and "|" in line}
    return json.loads(process.stdout), imported


@pytest.fixture
def lists(tmp_path) -> Path:
    db = tmp_path / "lists.duckdb"
    with open_store(db) as store:
        import_bundled(store)
    return db


def test_a_screen_with_a_current_index_loads_neither_followthemoney_nor_duckdb(lists):
    first, imported = screen_importing(lists, "Kim Jong Un")  # builds and saves the index
    assert "followthemoney" in imported  # the check below can tell
    settled(lists)
    checked, _ = screen_importing(lists, "Kim Jong Un")  # finds the index current, records the store's look
    fast, imported = screen_importing(lists, "Kim Jong Un")
    assert fast == checked == first
    assert any(result["match"] for result in fast)
    assert not imported & set(HEAVY), f"a screen with a current index imported {sorted(imported & set(HEAVY))}"


def test_the_store_in_the_default_location_is_screened_as_fast(tmp_path):
    # no --db and no MONEYMEN_DB: the store a new user has after `moneymen demo`
    data = tmp_path / "data"
    db = data / "moneymen" / "moneymen.duckdb"
    with open_store(db) as store:
        import_bundled(store)
    env = {"XDG_DATA_HOME": str(data), "MONEYMEN_DB": ""}
    first, _ = screen_importing(None, "Kim Jong Un", env=env)
    settled(db)
    screen_importing(None, "Kim Jong Un", env=env)
    fast, imported = screen_importing(None, "Kim Jong Un", env=env)
    assert fast == first and any(result["match"] for result in fast)
    assert not imported & set(HEAVY), f"a screen of the default store imported {sorted(imported & set(HEAVY))}"


def test_a_screen_after_an_import_sees_what_the_import_added(lists, tmp_path):
    name = "Thaddeus Okonkwo Lindqvist"
    screen_importing(lists, name)
    settled(lists)
    screen_importing(lists, name)
    before, imported = screen_importing(lists, name)
    assert "followthemoney" not in imported  # the fast path was taken
    assert all(result["id"] != "analyst-1" for result in before)
    notes = tmp_path / "notes.jsonl"
    notes.write_text(json.dumps({"id": "analyst-1", "schema": "Person", "properties": {"name": [name]}}) + "\n",
                     encoding="utf-8")
    done = run_cli("import", str(notes), "--format", "ftm", "--dataset", "my_notes", db=lists)
    assert done.returncode == 0, done.stderr
    after, _ = screen_importing(lists, name)  # at once: the store changed within the racy window
    assert after[0]["id"] == "analyst-1"
    settled(lists)
    screen_importing(lists, name)
    again, imported = screen_importing(lists, name)
    assert "followthemoney" not in imported
    assert again == after


def test_a_store_replaced_by_another_is_not_screened_with_the_old_index(lists, tmp_path):
    name = "Thaddeus Okonkwo Lindqvist"
    other = tmp_path / "other.duckdb"
    with open_store(other) as store:
        import_bundled(store)
    notes = tmp_path / "notes.jsonl"
    notes.write_text(json.dumps({"id": "analyst-1", "schema": "Person", "properties": {"name": [name]}}) + "\n",
                     encoding="utf-8")
    assert run_cli("import", str(notes), "--format", "ftm", "--dataset", "my_notes", db=other).returncode == 0
    settled(lists)
    screen_importing(lists, name)
    screen_importing(lists, name)
    before, _ = screen_importing(lists, name)
    assert all(result["id"] != "analyst-1" for result in before)
    os.replace(other, lists)  # an older store put back in place: the look changes (another file)
    after, _ = screen_importing(lists, name)
    assert after[0]["id"] == "analyst-1"
