"""The evidence store. ``open_store()`` gives the default embedded DuckDB store."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from moneymen.store.base import ImportRecord, ScenarioRunRecord, Store, StoreBusy, StoreError

__all__ = ["ImportRecord", "ScenarioRunRecord", "Store", "StoreBusy", "StoreError", "default_location", "open_store"]


def default_location() -> str:
    """``$MONEYMEN_DB`` if set, else ``moneymen.duckdb`` in the user's data directory."""
    return os.environ.get("MONEYMEN_DB") or str(Path(user_data_dir("moneymen")) / "moneymen.duckdb")


def open_store(location: str | os.PathLike[str] | None = None, read_only: bool = False) -> Store:
    """Open the store at ``location`` (a DuckDB file path), creating and migrating it if needed.

    ``read_only`` opens an existing store without taking the writer's lock, so that other
    processes (an API server, a second reader) can read while nobody writes; it never migrates.
    A new store is readable by its owner only (the file and its ``.wal`` 0600, a new folder
    0700); an existing one keeps the permissions it has (see :mod:`moneymen.store.duckdb`).
    Raises StoreBusy when another process is writing.
    """
    from moneymen.store.duckdb import DuckDBEngine

    where = str(location) if location is not None else default_location()
    engine = DuckDBEngine(where, read_only=read_only)
    try:
        return Store(engine, where, read_only=read_only)
    except BaseException:
        engine.close()
        raise
