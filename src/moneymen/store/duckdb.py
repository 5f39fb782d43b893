"""The embedded default engine: one DuckDB file on the user's disk.

File permissions. The store holds what an analyst gathered and judged: other users of the
machine should not read it. DuckDB has no setting for the mode of the files it creates; it
creates them with 0666 (folders 0755) less the process umask, so with the usual umask 022 a new
store would be world-readable. Pre-creating an empty 0600 file does not work (DuckDB 2.0
refuses an empty file: "exists, but it is not a valid DuckDB database file"), and chmod after
the fact leaves a window. Nor is creating the database file enough: DuckDB deletes the
``.wal`` file at every checkpoint (on close, and when it grows past ``checkpoint_threshold``)
and creates it again at the next write, with the umask of that moment; the ``.tmp`` folder
where large queries spill is created the same way. So the engine sets the process umask around
every DuckDB call that can create a file (connect, execute, fetch, close), and only there:

* a new store gets umask 077: the file and every later ``.wal`` are 0600, a ``.tmp`` folder 0700;
* an existing store keeps the permissions its owner chose: the umask is derived from the
  file's own mode, so the ``.wal`` gets the same permissions as the file (a store shared with
  a group at 0640 keeps a 0640 ``.wal`` that the group can replay), and nothing is chmod-ed;
* a new parent folder is created 0700 (folders that exist are left alone).

The umask is process-wide, so concurrent DuckDB calls (threads of the API server) share one
setting, counted under a lock: the first call sets it, the last restores the process's own.
Between DuckDB calls the process's own umask applies, so files moneymen writes itself
(exports, reports) are not affected.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from moneymen.store.engine import Engine, StoreError
from moneymen.store.turns import Turn, take_turn

#: The umask for a new store: owner-only files (0600) and folders (0700).
NEW_STORE_UMASK = 0o077

_umask_lock = threading.Lock()
_umask_users = 0
_umask_saved = 0


@contextmanager
def _umask(mask: int | None) -> Iterator[None]:
    """Run the block with the process umask at least as strict as ``mask`` (None: leave it)."""
    global _umask_users, _umask_saved
    if mask is None:
        yield
        return
    with _umask_lock:
        if _umask_users == 0:
            _umask_saved = os.umask(mask)
        else:  # another thread is inside a DuckDB call: keep the stricter of both
            os.umask(os.umask(mask) | mask)
        _umask_users += 1
    try:
        yield
    finally:
        with _umask_lock:
            _umask_users -= 1
            if _umask_users == 0:
                os.umask(_umask_saved)


def umask_like(mode: int) -> int:
    """The umask that gives new files the group and other permissions of ``mode`` (never less for the owner).

    Read permission brings search permission for the folders DuckDB creates, so that a
    readable spill folder can also be entered.
    """
    allowed = stat.S_IMODE(mode) & 0o077
    allowed |= (allowed & 0o044) >> 2
    return 0o077 & ~allowed


class DuckDBEngine(Engine):
    """A connection to a DuckDB database file (or ``:memory:``), read-write or read-only."""

    def __init__(self, path: str, read_only: bool = False, on_wait: Callable[[str], None] | None = None,
                 wait: float | None = None):
        if read_only and not Path(path).is_file():
            raise StoreError(f"no evidence store at {path}: create one with `moneymen demo --db {path}` "
                             f"or `moneymen import FILE --db {path}`")
        #: The umask of this store's DuckDB calls (see the module's docstring); None: none needed.
        self.umask: int | None = None
        if path != ":memory:":  # read-only too: a large query may spill into a new .tmp folder
            try:
                self.umask = umask_like(os.stat(path).st_mode)
            except FileNotFoundError:
                self.umask = NEW_STORE_UMASK
                _make_folder(Path(path).parent)
            except OSError as error:
                raise StoreError(f"cannot open the store {path}: {error}") from error
        #: This process's turn at the file (see :mod:`moneymen.store.turns`); a writer holds it until closing.
        self.turn: Turn | None = None
        try:
            if path == ":memory:":
                self.connection = self._connect(path, read_only)
            else:
                self.connection, self.turn = take_turn(
                    path, not read_only, lambda: self._connect(path, read_only), _locked, on_wait,
                    0o666 & ~(self.umask or 0), wait)
        except duckdb.IOException as error:
            raise StoreError(f"cannot open the store {path}: {error}") from error
        except duckdb.Error as error:
            raise StoreError(f"{path} is not a moneymen DuckDB store: {error}") from error

    def _connect(self, path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
        with _umask(self.umask):
            return duckdb.connect(path, read_only=read_only)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with _umask(self.umask):
            cursor = self.connection.execute(sql, list(params))
            try:
                return cursor.fetchall()
            except duckdb.InvalidInputException:  # statements without a result set
                return []

    def register_table(self, name: str, table: pa.Table) -> None:
        self.connection.register(name, table)

    def unregister_table(self, name: str) -> None:
        self.connection.unregister(name)

    def table_exists(self, name: str) -> bool:
        rows = self.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name])
        return rows[0][0] > 0

    def stream(self, sql: str, params: Sequence[Any] = (), batch_size: int = 10_000) -> Iterator[list[tuple]]:
        cursor = self.connection.cursor()
        try:
            with _umask(self.umask):  # not held across the yield: the caller's own files keep its umask
                result = cursor.execute(sql, list(params))
            while True:
                with _umask(self.umask):
                    rows = result.fetchmany(batch_size)
                if not rows:
                    break
                yield rows
        finally:
            cursor.close()

    def arrow(self, sql: str, params: Sequence[Any], names: Sequence[str]) -> pa.Table:
        with _umask(self.umask):
            table = self.connection.sql(sql, params=list(params)).to_arrow_table()
        return table.rename_columns(list(names))

    def close(self) -> None:
        try:
            with _umask(self.umask):  # closing checkpoints
                self.connection.close()
        finally:
            if self.turn is not None:
                self.turn.release()


def _locked(error: Exception) -> bool:
    """Whether ``error`` says another process holds the file's lock (trying again will work)."""
    return isinstance(error, duckdb.IOException) and "lock" in str(error).lower()


def _make_folder(folder: Path) -> None:
    """Create the store's folder, owner-only (0700), if it does not exist; leave an existing one alone.

    Only the last folder gets 0700; missing folders above it (``~/.local/share``) are created
    with the usual permissions, as any program would.
    """
    if folder.is_dir():
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:  # created meanwhile by another process
        pass
