"""The store file on disk: a new store is readable by its owner only; an existing one keeps its permissions.

DuckDB creates the database file and, at the first write after every checkpoint, the ``.wal``
file beside it with the process umask; the tests run under the usual umask 022 so that a
world-readable file would show.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from moneymen.data import BUNDLED
from moneymen.services.imports import import_file
from moneymen.store import open_store

from conftest import run_cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file permissions")


@pytest.fixture(autouse=True)
def usual_umask():
    """Run each test under umask 022, as most users' shells are, and check it is left as it was."""
    before = os.umask(0o022)
    try:
        yield
        assert os.umask(0o022) == 0o022  # the store restored the process's umask after its DuckDB calls
    finally:
        os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def wal(db: Path) -> Path:
    return db.with_name(db.name + ".wal")


def test_a_new_store_and_its_wal_are_owner_only(db_path):
    un, ofac = BUNDLED[1], BUNDLED[0]
    with open_store(db_path) as store:
        assert mode(db_path) == 0o600
        import_file(store, un.path, format=un.format)
        assert wal(db_path).exists() and mode(wal(db_path)) == 0o600
        store.engine.execute("CHECKPOINT")  # DuckDB deletes the .wal ...
        assert not wal(db_path).exists()
        import_file(store, ofac.path, format=ofac.format)  # ... and creates it again at the next write
        assert mode(wal(db_path)) == 0o600
        assert os.umask(0o022) == 0o022  # between DuckDB calls the process keeps its own umask
    assert mode(db_path) == 0o600
    with open_store(db_path) as store:  # reopened: still owner-only
        import_file(store, un.path, format=un.format, dataset="un_again")
        assert mode(wal(db_path)) == 0o600
    assert mode(db_path) == 0o600


def test_a_new_folder_for_the_store_is_owner_only(tmp_path):
    db = tmp_path / "new" / "cases" / "evidence.duckdb"
    with open_store(db):
        pass
    assert mode(db.parent) == 0o700 and mode(db) == 0o600
    assert mode(tmp_path / "new") == 0o755  # folders above it are created as usual


def test_an_existing_folder_is_left_alone(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    with open_store(shared / "evidence.duckdb"):
        pass
    assert mode(shared) == 0o755


def test_an_existing_store_keeps_the_permissions_its_owner_chose(db_path):
    with open_store(db_path):
        pass
    os.chmod(db_path, 0o640)  # shared with a group
    un = BUNDLED[1]
    with open_store(db_path) as store:
        import_file(store, un.path, format=un.format)
        assert mode(wal(db_path)) == 0o640  # the group can replay the .wal as it can read the file
    assert mode(db_path) == 0o640


def test_the_cli_creates_an_owner_only_store(db_path):
    result = run_cli("import", str(BUNDLED[1].path), db=db_path, umask=0o022)
    assert result.returncode == 0, result.stderr
    assert mode(db_path) == 0o600
