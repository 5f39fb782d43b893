"""The evidence store. ``open_store()`` gives the default embedded DuckDB store."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from pathlib import Path

from moneymen.locations import default_location
from moneymen.store.base import Store
from moneymen.store.engine import StoreBusy, StoreError
from moneymen.store.records import ImportRecord, ScenarioRunRecord

__all__ = ["ImportRecord", "ScenarioRunRecord", "Store", "StoreBusy", "StoreError", "StoreMissing",
           "default_location", "open_store", "require_store"]


class StoreMissing(StoreError):
    """There is no store at the location given (a typo in ``--db``, or none was created yet)."""



def require_store(location: str | os.PathLike[str]) -> str:
    """``location`` as a string if a store file is there; StoreMissing otherwise.

    A path whose folder does not exist is missing too. The message names the path, says how
    to create a store there, and names a store of a similar name in the same folder, if any.
    """
    where = str(location)
    if not Path(where).exists():
        raise StoreMissing(f"no evidence store at {where}{_similar(Path(where))}; create one with "
                           f"`moneymen import FILE --db {where}` or `moneymen demo --db {where}`")
    return where


def _similar(path: Path) -> str:
    """``" (did you mean OTHER?)"`` for the closest file name of the same folder and suffix, or ``""``."""
    try:
        names = [other.name for other in path.parent.iterdir() if other.suffix == path.suffix and other.is_file()]
    except OSError:  # the folder is missing or unreadable: nothing to suggest
        return ""
    close = difflib.get_close_matches(path.name, names, n=1)
    return f" (did you mean {path.parent / close[0]}?)" if close else ""


def open_store(location: str | os.PathLike[str] | None = None, read_only: bool = False,
               create: bool = True, on_wait: Callable[[str], None] | None = None,
               wait: float | None = None) -> Store:
    """Open the store at ``location`` (a DuckDB file path), creating and migrating it if needed.

    ``create=False`` opens only a store that exists: a missing one raises StoreMissing and
    nothing is created, neither the file nor its folder (see :func:`require_store`); commands
    that only read use it, so that a mistyped path is an error rather than an empty store.
    ``read_only`` opens an existing store without taking the writer's lock, so that other
    processes (an API server, a second reader) can read while nobody writes; it never migrates
    nor creates. A new store is readable by its owner only (the file and its ``.wal`` 0600, a
    new folder 0700); an existing one keeps the permissions it has (see :mod:`moneymen.store.duckdb`).
    Processes take turns (:mod:`moneymen.store.turns`): a writer waits for the readers and other
    writers inside, readers wait while a writer is; ``on_wait`` hears once that the call waits.
    Raises StoreBusy when the store stays in use beyond ``wait`` seconds (default 60 s, or
    ``MONEYMEN_STORE_WAIT``; 0: do not wait).
    """
    from moneymen.store.duckdb import DuckDBEngine

    where = str(location) if location is not None else default_location()
    if read_only or not create:
        require_store(where)
    engine = DuckDBEngine(where, read_only=read_only, on_wait=on_wait, wait=wait)
    try:
        return Store(engine, where, read_only=read_only)
    except BaseException:
        engine.close()
        raise
