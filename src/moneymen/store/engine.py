"""What a database engine gives the store: a few primitives (execute, stream, arrow tables,
transactions), one module per database (:mod:`moneymen.store.duckdb`); the store's errors."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa

__all__ = ["Engine", "StoreBusy", "StoreError"]


class StoreError(Exception):
    """The store cannot be opened or is in a state the user must fix."""


class StoreBusy(StoreError):
    """Another process holds the store for writing; trying again later will work."""


class Engine(ABC):
    """A database connection with the handful of primitives the store needs."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Run one statement and return its rows (empty for statements without results)."""

    @abstractmethod
    def register_table(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under ``name`` for the current connection."""

    @abstractmethod
    def unregister_table(self, name: str) -> None:
        """Forget a table registered with :meth:`register_table`."""

    @abstractmethod
    def table_exists(self, name: str) -> bool:
        """Whether a table called ``name`` exists."""

    @abstractmethod
    def stream(self, sql: str, params: Sequence[Any] = (), batch_size: int = 10_000) -> Iterator[list[tuple]]:
        """Run a query and yield its rows in batches, without loading all of them."""

    @abstractmethod
    def close(self) -> None:
        """Close the connection."""

    def arrow(self, sql: str, params: Sequence[Any], names: Sequence[str]) -> pa.Table:
        """Run a query and return its rows as an Arrow table with columns ``names``.

        This default reads the rows through :meth:`execute`; an engine with a columnar result
        (DuckDB) overrides it to skip the Python rows.
        """
        rows = self.execute(sql, params)
        columns: list[Sequence[Any]] = list(zip(*rows)) if rows else [[] for _ in names]
        return pa.table({name: pa.array(list(column), type=pa.string()) for name, column in zip(names, columns)})

    def begin(self) -> None:
        self.execute("BEGIN TRANSACTION")

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        self.execute("ROLLBACK")
