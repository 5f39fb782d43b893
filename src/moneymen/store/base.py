"""The evidence store: statements, imports and their history, behind one small interface.

``Store`` holds all the logic and all the SQL, written in the common subset of SQL that
DuckDB and PostgreSQL share. An ``Engine`` (one module per database) implements only the
few primitives below; dialect differences live on the engine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pyarrow as pa

from moneymen.model import Statement

#: Columns of a statement batch handed to :meth:`Store.write_statements`, in table order.
STATEMENT_COLUMNS = (
    "entity_id",
    "schema",
    "prop",
    "value",
    "dataset",
    "source_record",
    "source_url",
    "document_id",
    "quote",
    "lang",
    "first_seen",
    "last_seen",
    "retrieved_at",
    "origin",
    "reliability",
    "credibility",
    "import_id",
)
#: The first columns match the fields of :class:`moneymen.model.Statement`, in order.
_SELECT_COLUMNS = ", ".join(STATEMENT_COLUMNS[:-1])


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
        columns = list(zip(*rows)) if rows else [[] for _ in names]
        return pa.table({name: pa.array(list(column), type=pa.string()) for name, column in zip(names, columns)})

    def begin(self) -> None:
        self.execute("BEGIN TRANSACTION")

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        self.execute("ROLLBACK")


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """One run of an importer, as the store remembers it."""

    id: int
    dataset: str
    format: str
    path: str
    sha256: str
    list_date: str | None
    seen: str
    started_at: str
    finished_at: str | None
    entities: int | None
    statements: int | None
    grade: str


@dataclass(frozen=True, slots=True)
class ScenarioRunRecord:
    """A saved scenario run, as the store keeps it: the scenario, code version, seed and results (JSON text)."""

    id: int
    name: str
    scenario_text: str
    sha256: str
    version: str
    seed: int
    runs: int
    started_at: str
    finished_at: str
    results: str


class Store:
    """Statements with provenance, and the history of the imports that wrote them.

    Open one with :func:`moneymen.store.open_store`. Use :meth:`transaction` around every
    change: nothing is visible to others, or kept after a crash, until it commits.
    """

    def __init__(self, engine: Engine, location: str, read_only: bool = False):
        self.engine = engine
        self.location = location
        self.read_only = read_only
        self._in_transaction = False
        self.migrate()

    # -- schema -----------------------------------------------------------------------

    def migrate(self) -> None:
        """Apply the SQL migrations in ``store/migrations`` that this database lacks."""
        engine = self.engine
        if self.read_only:
            current = engine.execute("SELECT max(version) FROM schema_version")[0][0] \
                if engine.table_exists("schema_version") else 0
            if current != len(self._migrations()):
                raise StoreError(f"the store {self.location} has schema {current}, this moneymen needs "
                                 f"{len(self._migrations())}: open it once for writing (any moneymen command) to upgrade")
            return
        if not engine.table_exists("schema_version"):
            engine.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            engine.execute("INSERT INTO schema_version VALUES (0)")
        current = engine.execute("SELECT max(version) FROM schema_version")[0][0] or 0
        scripts = self._migrations()
        if current > len(scripts):
            raise StoreError(
                f"{self.location} was written by a newer moneymen (schema {current}); upgrade moneymen"
            )
        for number, script in enumerate(scripts, start=1):
            if number <= current:
                continue
            with self.transaction():
                for sql in _split_sql(script.read_text(encoding="utf-8")):
                    engine.execute(sql)
                engine.execute("UPDATE schema_version SET version = ?", [number])

    @staticmethod
    def _migrations() -> list:
        folder = resources.files("moneymen.store") / "migrations"
        return sorted((p for p in folder.iterdir() if p.name.endswith(".sql")), key=lambda p: p.name)

    @property
    def schema_version(self) -> int:
        return self.engine.execute("SELECT max(version) FROM schema_version")[0][0]

    # -- transactions -----------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """All changes inside commit together or not at all. Nested calls join the outer one."""
        if self._in_transaction:
            yield self
            return
        self.engine.begin()
        self._in_transaction = True
        try:
            yield self
        except BaseException:
            self._in_transaction = False
            self.engine.rollback()
            raise
        self._in_transaction = False
        self.engine.commit()

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- imports ----------------------------------------------------------------------

    def find_import(self, dataset: str, sha256: str) -> ImportRecord | None:
        """The finished import of exactly this file content into ``dataset``, if any."""
        rows = self.engine.execute(
            "SELECT * FROM imports WHERE dataset = ? AND sha256 = ? AND finished_at IS NOT NULL "
            "ORDER BY id LIMIT 1",
            [dataset, sha256],
        )
        return ImportRecord(*rows[0]) if rows else None

    def start_import(
        self, dataset: str, format: str, path: str, sha256: str, seen: str, started_at: str, grade: str
    ) -> int:
        """Record the start of an import (inside the import's transaction) and return its id."""
        new_id = self.engine.execute("SELECT coalesce(max(id), 0) + 1 FROM imports")[0][0]
        self.engine.execute(
            "INSERT INTO imports (id, dataset, format, path, sha256, seen, started_at, grade) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [new_id, dataset, format, path, sha256, seen, started_at, grade],
        )
        return new_id

    def finish_import(
        self, import_id: int, finished_at: str, entities: int, statements: int, seen: str, list_date: str | None
    ) -> None:
        """Record the end of an import with what it read."""
        self.engine.execute(
            "UPDATE imports SET finished_at = ?, entities = ?, statements = ?, seen = ?, list_date = ? "
            "WHERE id = ?",
            [finished_at, entities, statements, seen, list_date, import_id],
        )

    def imports(self) -> list[ImportRecord]:
        """Every finished import, oldest first."""
        rows = self.engine.execute("SELECT * FROM imports WHERE finished_at IS NOT NULL ORDER BY id")
        return [ImportRecord(*row) for row in rows]

    def latest_seen(self) -> dict[str, str]:
        """For each dataset, when its newest imported version was seen."""
        rows = self.engine.execute(
            "SELECT dataset, max(seen) FROM imports WHERE finished_at IS NOT NULL GROUP BY dataset"
        )
        return dict(rows)

    # -- statements -------------------------------------------------------------------

    def write_statements(self, batch: pa.Table) -> None:
        """Merge a batch of statements (columns :data:`STATEMENT_COLUMNS`) into the store.

        A statement is identified by dataset, entity, property, value and document; seeing it
        again widens its first/last seen and takes the newer provenance. Nothing is deleted.
        Call inside :meth:`transaction`: the store relies on it to keep ids unique.
        """
        engine = self.engine
        engine.register_table("incoming_statements", batch)
        try:
            engine.execute(
                f"""
                CREATE TEMPORARY TABLE staged_statements AS
                SELECT DISTINCT ON (id) * FROM (
                    SELECT md5(dataset || chr(31) || entity_id || chr(31) || prop || chr(31) || value
                               || chr(31) || coalesce(document_id, '')) AS id,
                           {_SELECT_COLUMNS}, import_id
                    FROM incoming_statements
                ) AS incoming
                """
            )
            engine.execute(
                """
                UPDATE statements SET
                    schema = staged.schema,
                    lang = staged.lang,
                    source_record = staged.source_record,
                    source_url = staged.source_url,
                    quote = staged.quote,
                    origin = staged.origin,
                    reliability = staged.reliability,
                    credibility = staged.credibility,
                    first_seen = least(statements.first_seen, staged.first_seen),
                    last_seen = greatest(statements.last_seen, staged.last_seen),
                    retrieved_at = greatest(statements.retrieved_at, staged.retrieved_at),
                    import_id = staged.import_id
                FROM staged_statements AS staged
                WHERE statements.id = staged.id
                """
            )
            engine.execute(
                f"""
                INSERT INTO statements (id, {_SELECT_COLUMNS}, import_id)
                SELECT staged.* FROM staged_statements AS staged
                WHERE NOT EXISTS (SELECT 1 FROM statements WHERE statements.id = staged.id)
                """
            )
        finally:
            engine.execute("DROP TABLE IF EXISTS staged_statements")
            engine.unregister_table("incoming_statements")

    def count_statements(self, dataset: str | None = None) -> int:
        """How many statements the store holds (in ``dataset``, if given)."""
        if dataset is None:
            return self.engine.execute("SELECT count(*) FROM statements")[0][0]
        return self.engine.execute("SELECT count(*) FROM statements WHERE dataset = ?", [dataset])[0][0]

    def delisted_entity_ids(self, dataset: str) -> list[str]:
        """Entities of ``dataset`` that its newest imported version no longer lists."""
        rows = self.engine.execute(
            "SELECT entity_id FROM statements WHERE dataset = ? GROUP BY entity_id "
            "HAVING max(last_seen) < (SELECT max(seen) FROM imports WHERE dataset = ? "
            "AND finished_at IS NOT NULL) ORDER BY entity_id",
            [dataset, dataset],
        )
        return [row[0] for row in rows]

    def datasets(self) -> list[str]:
        """The names of the datasets that have statements."""
        return [row[0] for row in self.engine.execute("SELECT DISTINCT dataset FROM statements ORDER BY dataset")]

    def statements(self, entity_ids: Sequence[str] | None = None, dataset: str | None = None) -> Iterator[Statement]:
        """Statements ordered by entity, optionally only of some entities or only those of one dataset.

        Streams: safe on a store of any size.
        """
        where, params = [], []
        if entity_ids is not None:
            if not entity_ids:
                return
            where.append(f"entity_id IN ({', '.join('?' for _ in entity_ids)})")
            params.extend(entity_ids)
        if dataset is not None:
            where.append("dataset = ?")
            params.append(dataset)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        sql = f"SELECT {_SELECT_COLUMNS} FROM statements {clause} ORDER BY entity_id, prop, value, dataset"
        for rows in self.engine.stream(sql, params):
            for row in rows:
                yield Statement(*row)

    def search_entity_ids(
        self, query: str | None, schemata: Sequence[str] | None, dataset: str | None, limit: int
    ) -> list[str]:
        """Ids of entities whose names contain ``query`` (case-insensitive), best-known first."""
        where, params = [], []
        if query:
            where.append(
                "entity_id IN (SELECT entity_id FROM statements WHERE prop IN "
                "('name', 'alias', 'weakAlias', 'previousName', 'firstName', 'lastName') "
                "AND lower(value) LIKE ? ESCAPE '\\')"
            )
            escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.append(f"%{escaped}%")
        if schemata:
            where.append(f"schema IN ({', '.join('?' for _ in schemata)})")
            params.extend(schemata)
        if dataset:
            where.append("dataset = ?")
            params.append(dataset)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self.engine.execute(
            f"SELECT entity_id FROM statements {clause} GROUP BY entity_id "
            f"ORDER BY count(*) DESC, entity_id LIMIT ?",
            [*params, limit],
        )
        return [row[0] for row in rows]

    def referencing_entity_ids(self, entity_id: str, props: Sequence[str]) -> list[str]:
        """Ids of entities with one of ``props`` (entity-typed properties) pointing at ``entity_id``."""
        if not props:
            return []
        rows = self.engine.execute(
            f"SELECT DISTINCT entity_id FROM statements WHERE value = ? "
            f"AND prop IN ({', '.join('?' for _ in props)}) ORDER BY entity_id",
            [entity_id, *props],
        )
        return [row[0] for row in rows]

    # -- scenario runs ----------------------------------------------------------------

    def save_scenario_run(self, *, name: str, scenario_text: str, sha256: str, version: str, seed: int, runs: int,
                          started_at: str, finished_at: str, results: str) -> int:
        """Save one finished scenario run (``results`` is JSON text) and return its id (1, 2, …)."""
        with self.transaction():
            new_id = self.engine.execute("SELECT coalesce(max(id), 0) + 1 FROM scenario_runs")[0][0]
            self.engine.execute(
                "INSERT INTO scenario_runs (id, name, scenario_text, sha256, version, seed, runs, started_at, "
                "finished_at, results) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [new_id, name, scenario_text, sha256, version, seed, runs, started_at, finished_at, results],
            )
        return new_id

    def scenario_runs(self) -> list[ScenarioRunRecord]:
        """Every saved scenario run, oldest first, without their results (``results`` is empty)."""
        rows = self.engine.execute(
            "SELECT id, name, scenario_text, sha256, version, seed, runs, started_at, finished_at, '' "
            "FROM scenario_runs ORDER BY id"
        )
        return [ScenarioRunRecord(*row) for row in rows]

    def scenario_run(self, run_id: int) -> ScenarioRunRecord | None:
        """The saved run ``run_id`` with its results, or None when there is none."""
        rows = self.engine.execute("SELECT * FROM scenario_runs WHERE id = ?", [run_id])
        return ScenarioRunRecord(*rows[0]) if rows else None


    def graph_tables(self, props: Sequence[str], datasets: Sequence[str] | None = None) -> tuple[pa.Table, pa.Table]:
        """The columns a network view is built from, without a Python object per statement.

        Returns two Arrow tables (string columns):

        - ``entities``: ``entity_id``, ``schemata`` (the entity's distinct schema names joined by
          ``,``) and ``grade`` (its best Admiralty grade, e.g. ``B2``), one row per entity;
        - ``values``: ``entity_id``, ``prop``, ``value`` and ``grade`` (the best grade of the
          statements stating that value), for the properties ``props`` only, ordered by entity,
          property and value (the order :class:`moneymen.model.Entity` gives).

        ``datasets`` restricts both to the statements of those datasets.
        """
        where, params = [], []
        if datasets is not None:
            datasets = list(datasets)
            if not datasets:
                raise ValueError("datasets: an empty list selects nothing; pass None for all datasets")
            where.append(f"dataset IN ({', '.join('?' for _ in datasets)})")
            params.extend(datasets)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        entities = self.engine.arrow(
            f"SELECT entity_id, string_agg(DISTINCT schema, ',' ORDER BY schema) AS schemata, "
            f"min(reliability || credibility) AS grade FROM statements {clause} "
            f"GROUP BY entity_id ORDER BY entity_id",
            params, ("entity_id", "schemata", "grade"),
        )
        props = list(props)
        if not props:
            return entities, pa.table({name: pa.array([], pa.string()) for name in ("entity_id", "prop", "value", "grade")})
        value_where = [*where, f"prop IN ({', '.join('?' for _ in props)})"]
        values = self.engine.arrow(
            f"SELECT entity_id, prop, value, min(reliability || credibility) AS grade FROM statements "
            f"WHERE {' AND '.join(value_where)} GROUP BY entity_id, prop, value ORDER BY entity_id, prop, value",
            [*params, *props], ("entity_id", "prop", "value", "grade"),
        )
        return entities, values


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (no semicolons inside literals in our scripts)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
