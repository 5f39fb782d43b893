"""The evidence store. ``open_store()`` gives the default embedded DuckDB store."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from moneymen.store.base import ImportRecord, Store, StoreError

__all__ = ["ImportRecord", "Store", "StoreError", "default_location", "open_store"]


def default_location() -> str:
    """``$MONEYMEN_DB`` if set, else ``moneymen.duckdb`` in the user's data directory."""
    return os.environ.get("MONEYMEN_DB") or str(Path(user_data_dir("moneymen")) / "moneymen.duckdb")


def open_store(location: str | os.PathLike[str] | None = None) -> Store:
    """Open (creating and migrating if needed) the store at ``location``: a DuckDB file path."""
    from moneymen.store.duckdb import DuckDBEngine

    where = str(location) if location is not None else default_location()
    return Store(DuckDBEngine(where), where)
