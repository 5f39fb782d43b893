"""The embedded default engine: one DuckDB file on the user's disk."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from moneymen.store.base import Engine, StoreBusy, StoreError


class DuckDBEngine(Engine):
    """A connection to a DuckDB database file (or ``:memory:``), read-write or read-only."""

    def __init__(self, path: str, read_only: bool = False):
        if read_only and not Path(path).is_file():
            raise StoreError(f"no evidence store at {path}: create one with `moneymen demo --db {path}` "
                             f"or `moneymen import FILE --db {path}`")
        if path != ":memory:" and not read_only:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.connection = duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise StoreBusy(f"the store {path} is in use by another moneymen process (an import?); "
                                "try again when it has finished") from error
            raise StoreError(f"cannot open the store {path}: {error}") from error
        except duckdb.Error as error:
            raise StoreError(f"{path} is not a moneymen DuckDB store: {error}") from error

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        cursor = self.connection.execute(sql, list(params))
        try:
            return cursor.fetchall()
        except duckdb.InvalidInputError:  # statements without a result set
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
            result = cursor.execute(sql, list(params))
            while rows := result.fetchmany(batch_size):
                yield rows
        finally:
            cursor.close()

    def arrow(self, sql: str, params: Sequence[Any], names: Sequence[str]) -> pa.Table:
        table = self.connection.sql(sql, params=list(params)).to_arrow_table()
        return table.rename_columns(list(names))

    def close(self) -> None:
        self.connection.close()
