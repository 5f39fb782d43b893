"""The evidence store: statements, imports and their history, behind one small interface.

``Store`` holds all the logic and all the SQL, written in the common subset of SQL that
DuckDB and PostgreSQL share. An :class:`~moneymen.store.engine.Engine` (one module per database)
implements only a few primitives; dialect differences live on the engine. What the store hands
back about imports and saved scenario runs is in :mod:`moneymen.store.records`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple
from importlib import resources

import pyarrow as pa

from moneymen.model import Grade, RunProvenance, Statement
from moneymen.store.engine import Engine, StoreError
from moneymen.store.records import ImportRecord, ScenarioRunRecord

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
    "original_value",
    "source_last_seen",
    "import_id",
)
#: The first columns match the fields of :class:`moneymen.model.Statement`, in order.
_SELECT_COLUMNS = ", ".join(STATEMENT_COLUMNS[:-1])
#: Every column of the statements table, as a revert restores them.
_ALL_COLUMNS = ", ".join(("id", *STATEMENT_COLUMNS))
#: The same columns in ``statement_changes``, where a before-image keeps its import as ``previous_import_id``.
_BEFORE_COLUMNS = ", ".join(("id", *STATEMENT_COLUMNS[:-1], "previous_import_id"))
#: Import formats whose datasets are official sanctions lists (the publisher's own file).
OFFICIAL_FORMATS = ("un", "ofac")


def statement_id_sql(table: str | None = None) -> str:
    """SQL for a statement's id: sha256 of its dataset, entity, property, value and document.

    Each field is written with its length in bytes before it (and a missing document as ``-``),
    so no two different statements can be written the same way, whatever characters they hold.
    """
    prefix = f"{table}." if table else ""

    def field(name: str) -> str:
        return f"CAST(strlen({prefix}{name}) AS VARCHAR) || ':' || {prefix}{name}"

    document = f"coalesce({field('document_id')}, '-')"
    return "sha256(" + " || ".join([*(field(name) for name in ("dataset", "entity_id", "prop", "value")), document]) + ")"


_IMPORT_COLUMNS = ("id, dataset, format, path, sha256, list_date, seen, started_at, finished_at, entities, "
                   "statements, grade, key_sha256, kind, revertible, reverted_at")
#: Finished imports that have not been reverted: the ones whose statements are in the store.
_LIVE = "finished_at IS NOT NULL AND reverted_at IS NULL"
#: The columns of ``scenario_runs`` that hold a run's provenance, in RunProvenance's order.
_RUN_COLUMNS = "name, scenario_text, sha256, version, seed, runs, started_at, finished_at"


class RevertError(StoreError):
    """An import that cannot be reverted (unknown, already reverted, or changed by later imports)."""


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
                text = script.read_text(encoding="utf-8").replace("{STATEMENT_ID}", statement_id_sql())
                for sql in _split_sql(text):
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

    def find_import(self, dataset: str, key_sha256: str) -> ImportRecord | None:
        """The live import into ``dataset`` made from exactly these files and options, if any."""
        rows = self.engine.execute(
            f"SELECT {_IMPORT_COLUMNS} FROM imports WHERE dataset = ? AND key_sha256 = ? AND {_LIVE} "
            "ORDER BY id LIMIT 1",
            [dataset, key_sha256],
        )
        return ImportRecord(*rows[0]) if rows else None

    def start_import(self, dataset: str, format: str, path: str, sha256: str, seen: str, started_at: str,
                     grade: str, key_sha256: str, kind: str = "version", file_datasets: bool = False) -> int:
        """Record the start of an import (inside the import's transaction) and return its id.

        The import is a version (or addition) of ``dataset``; with ``file_datasets`` it writes
        the datasets its file names instead, ``dataset`` only labels it, and
        :meth:`record_file_datasets` records them once they are written.
        """
        new_id = self.engine.execute("SELECT coalesce(max(id), 0) + 1 FROM imports")[0][0]
        self.engine.execute(
            "INSERT INTO imports (id, dataset, format, path, sha256, seen, started_at, grade, key_sha256, kind, "
            "revertible) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true)",
            [new_id, dataset, format, path, sha256, seen, started_at, grade, key_sha256, kind],
        )
        if not file_datasets:
            self.engine.execute("INSERT INTO import_datasets (import_id, dataset) VALUES (?, ?)", [new_id, dataset])
        return new_id

    def record_file_datasets(self, import_id: int) -> list[str]:
        """Record the datasets that import ``import_id`` wrote as those it is a version of; return them."""
        datasets = self.datasets_written(import_id)
        for dataset in datasets:
            self.engine.execute("INSERT INTO import_datasets (import_id, dataset) VALUES (?, ?)", [import_id, dataset])
        return datasets

    def import_datasets(self, import_id: int) -> list[str]:
        """The datasets import ``import_id`` is a version (or addition) of."""
        rows = self.engine.execute("SELECT dataset FROM import_datasets WHERE import_id = ? ORDER BY dataset",
                                   [import_id])
        return [row[0] for row in rows]

    def finish_import(self, import_id: int, finished_at: str, seen: str, list_date: str | None) -> tuple[int, int, int]:
        """Record the end of an import; return the entities and statements it wrote and how many of
        those statements are new, counted in the store."""
        entities, statements = self.engine.execute(
            "SELECT count(DISTINCT entity_id), count(*) FROM statements WHERE import_id = ?", [import_id])[0]
        new = self.engine.execute("SELECT count(*) FROM statement_changes WHERE import_id = ? AND change = 'insert'",
                                  [import_id])[0][0]
        self.engine.execute(
            "UPDATE imports SET finished_at = ?, entities = ?, statements = ?, seen = ?, list_date = ? "
            "WHERE id = ?",
            [finished_at, entities, statements, seen, list_date, import_id],
        )
        return entities, statements, new

    def imports(self, include_reverted: bool = False) -> list[ImportRecord]:
        """Every finished import, oldest first (reverted ones too, if asked)."""
        where = "finished_at IS NOT NULL" if include_reverted else _LIVE
        rows = self.engine.execute(f"SELECT {_IMPORT_COLUMNS} FROM imports WHERE {where} ORDER BY id")
        return [ImportRecord(*row) for row in rows]

    def imports_by_dataset(self, datasets: Iterable[str] | None = None) -> dict[str, list[ImportRecord]]:
        """The imports (not reverted) that fed each dataset of ``datasets`` (None: every dataset),
        oldest first, read in one query."""
        columns = ", ".join("imports." + column.strip() for column in _IMPORT_COLUMNS.split(","))
        rows = self.engine.execute(
            f"SELECT fed.dataset, {columns} FROM imports JOIN import_datasets AS fed ON fed.import_id = imports.id "
            f"WHERE {_LIVE} "
            "ORDER BY fed.dataset, imports.id")
        wanted = set(datasets) if datasets is not None else None
        found: dict[str, list[ImportRecord]] = {}
        for dataset, *record in rows:
            if wanted is None or dataset in wanted:
                found.setdefault(dataset, []).append(ImportRecord(*record))
        return found

    def get_import(self, import_id: int) -> ImportRecord | None:
        """The import ``import_id`` (finished or not, reverted or not), or None."""
        rows = self.engine.execute(f"SELECT {_IMPORT_COLUMNS} FROM imports WHERE id = ?", [import_id])
        return ImportRecord(*rows[0]) if rows else None

    def latest_seen(self) -> dict[str, str]:
        """For each dataset, when its newest imported version was seen (additions and restores do not count)."""
        rows = self.engine.execute(
            f"SELECT fed.dataset, max(seen) FROM imports JOIN import_datasets AS fed ON fed.import_id = imports.id "
            f"WHERE {_LIVE} AND kind = 'version' GROUP BY fed.dataset"
        )
        return dict(rows)

    def dataset_formats(self) -> dict[str, set[str]]:
        """For each dataset, the formats of the live imports that fed it."""
        found: dict[str, set[str]] = {}
        for dataset, format in self.engine.execute(
                f"SELECT DISTINCT fed.dataset, format FROM imports JOIN import_datasets AS fed "
                f"ON fed.import_id = imports.id WHERE {_LIVE}"):
            found.setdefault(dataset, set()).add(format)
        return found

    def official_datasets(self) -> set[str]:
        """Datasets fed only by official lists' own files (formats :data:`OFFICIAL_FORMATS`)."""
        return {dataset for dataset, formats in self.dataset_formats().items() if formats <= set(OFFICIAL_FORMATS)}

    def listed_entity_ids(self, dataset: str) -> list[str]:
        """Entities of ``dataset`` that its newest version lists (all of them before a first version)."""
        return self._entity_ids_by_listing(dataset, listed=True)

    def _entity_ids_by_listing(self, dataset: str, listed: bool) -> list[str]:
        """Entities of ``dataset`` last seen no earlier (``listed``) or earlier than its newest version."""
        comparison = ">=" if listed else "<"
        rows = self.engine.execute(
            f"SELECT entity_id FROM statements WHERE dataset = ? GROUP BY entity_id HAVING max(last_seen) {comparison} "
            f"coalesce((SELECT max(seen) FROM imports JOIN import_datasets AS fed ON fed.import_id = imports.id "
            f"WHERE fed.dataset = ? AND {_LIVE} AND kind = 'version'), '') "
            "ORDER BY entity_id",
            [dataset, dataset],
        )
        return [row[0] for row in rows]

    def revert_import(self, import_id: int, reverted_at: str) -> int:
        """Undo import ``import_id``: remove what it added, put back what it changed; return statements undone.

        Refused (RevertError) when a later import changed some of the same statements: revert
        that one first, so the store comes back exactly as it was before ``import_id``.
        """
        record = self.get_import(import_id)
        if record is None or record.finished_at is None:
            raise RevertError(f"no import {import_id} in {self.location}; see `moneymen imports`")
        if record.reverted_at is not None:
            raise RevertError(f"import {import_id} was already reverted on {record.reverted_at}")
        if not record.revertible:
            raise RevertError(f"import {import_id} was made before moneymen kept undo records, so it cannot be "
                              "reverted; import the dataset again into a new store instead")
        later = self.engine.execute(
            "SELECT later.import_id, count(*) FROM statement_changes AS mine JOIN statement_changes AS later "
            "ON later.id = mine.id AND later.import_id > mine.import_id WHERE mine.import_id = ? "
            "GROUP BY later.import_id ORDER BY later.import_id",
            [import_id],
        )
        if later:
            blocking = ", ".join(f"{other} ({count:,} statements)" for other, count in later)
            raise RevertError(f"later imports changed statements of import {import_id}: {blocking}. Revert "
                              f"them first (newest first), then import {import_id}")
        with self.transaction():
            undone = self.engine.execute("SELECT count(*) FROM statement_changes WHERE import_id = ?",
                                         [import_id])[0][0]
            self.engine.execute(
                "DELETE FROM statements WHERE id IN (SELECT id FROM statement_changes WHERE import_id = ?)",
                [import_id])
            self.engine.execute(
                f"INSERT INTO statements ({_ALL_COLUMNS}) SELECT {_BEFORE_COLUMNS} FROM statement_changes "
                "WHERE import_id = ? AND change = 'update'",
                [import_id])
            self.engine.execute("DELETE FROM statement_changes WHERE import_id = ?", [import_id])
            self.engine.execute("DELETE FROM referents WHERE import_id = ?", [import_id])
            self.engine.execute("UPDATE imports SET reverted_at = ? WHERE id = ?", [reverted_at, import_id])
        return undone

    # -- statements -------------------------------------------------------------------

    def write_statements(self, batch: pa.Table, import_id: int) -> None:
        """Merge a batch of statements (columns :data:`STATEMENT_COLUMNS`) of import ``import_id``.

        A statement is identified by dataset, entity, property, value and document
        (:func:`statement_id_sql`); seeing it again widens its first/last seen and takes the
        newer provenance (within a batch, the last of equal statements wins). Nothing is
        deleted. What the import creates, and each statement as it was before the import first
        changed it, are recorded in ``statement_changes`` so the import can be reverted.
        Call inside :meth:`transaction`.
        """
        engine = self.engine
        engine.register_table("incoming_statements", batch)
        try:
            engine.execute(
                f"""
                CREATE TEMPORARY TABLE staged_statements AS
                SELECT DISTINCT ON (id) id, {_SELECT_COLUMNS}, import_id FROM (
                    SELECT {statement_id_sql()} AS id, {_SELECT_COLUMNS}, import_id,
                           row_number() OVER () AS position
                    FROM incoming_statements
                ) AS incoming
                ORDER BY id, position DESC
                """
            )
            engine.execute(
                "INSERT INTO statement_changes (import_id, change, id) SELECT ?, 'insert', staged.id "
                "FROM staged_statements AS staged "
                "WHERE NOT EXISTS (SELECT 1 FROM statements WHERE statements.id = staged.id)",
                [import_id],
            )
            engine.execute(
                f"INSERT INTO statement_changes (import_id, change, {_BEFORE_COLUMNS}) "
                f"SELECT ?, 'update', {', '.join('statements.' + name for name in _ALL_COLUMNS.split(', '))} "
                "FROM statements JOIN staged_statements AS staged ON statements.id = staged.id "
                "WHERE statements.import_id IS DISTINCT FROM ?",
                [import_id, import_id],
            )
            engine.execute(
                """
                UPDATE statements SET
                    schema = staged.schema,
                    lang = staged.lang,
                    source_record = staged.source_record,
                    source_url = staged.source_url,
                    quote = staged.quote,
                    original_value = staged.original_value,
                    source_last_seen = greatest(statements.source_last_seen, staged.source_last_seen),
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
                INSERT INTO statements ({_ALL_COLUMNS})
                SELECT staged.* FROM staged_statements AS staged
                WHERE NOT EXISTS (SELECT 1 FROM statements WHERE statements.id = staged.id)
                """
            )
        finally:
            engine.execute("DROP TABLE IF EXISTS staged_statements")
            engine.unregister_table("incoming_statements")

    def conflicting_schemata(self, entity_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        """Of these entities, those the store states with more than one schema: id → [(schema, dataset)]."""
        if not entity_ids:
            return {}
        engine = self.engine
        engine.register_table("checked_entities", pa.table({"entity_id": pa.array(list(entity_ids), pa.string())}))
        try:
            rows = engine.execute(
                "SELECT entity_id, schema, dataset FROM statements WHERE entity_id IN "
                "(SELECT entity_id FROM statements WHERE entity_id IN (SELECT entity_id FROM checked_entities) "
                "GROUP BY entity_id HAVING count(DISTINCT schema) > 1) "
                "GROUP BY entity_id, schema, dataset ORDER BY entity_id, schema, dataset"
            )
        finally:
            engine.unregister_table("checked_entities")
        found: dict[str, list[tuple[str, str]]] = {}
        for entity_id, schema, dataset in rows:
            found.setdefault(entity_id, []).append((schema, dataset))
        return found

    def write_referents(self, import_id: int, pairs: Sequence[tuple[str, str]]) -> None:
        """Record that the source of import ``import_id`` says each (entity id, referent id) is one entity."""
        if not pairs:
            return
        engine = self.engine
        entity_ids, referent_ids = zip(*pairs)
        engine.register_table("incoming_referents", pa.table({
            "entity_id": pa.array(entity_ids, pa.string()), "referent_id": pa.array(referent_ids, pa.string())}))
        try:
            engine.execute("INSERT INTO referents (import_id, entity_id, referent_id) SELECT DISTINCT ?, entity_id, "
                           "referent_id FROM incoming_referents", [import_id])
        finally:
            engine.unregister_table("incoming_referents")

    def referents(self, entity_id: str) -> list[str]:
        """The ids that live imports' sources say are the same entity as ``entity_id`` (OpenSanctions'
        ``referents``), in either direction, sorted."""
        rows = self.engine.execute(
            f"SELECT DISTINCT CASE WHEN entity_id = ? THEN referent_id ELSE entity_id END FROM referents "
            f"WHERE (entity_id = ? OR referent_id = ?) AND import_id IN (SELECT id FROM imports WHERE {_LIVE}) "
            "ORDER BY 1", [entity_id, entity_id, entity_id])
        return [row[0] for row in rows]

    def datasets_written(self, import_id: int) -> list[str]:
        """The datasets of the statements import ``import_id`` created or changed."""
        rows = self.engine.execute("SELECT DISTINCT dataset FROM statements WHERE import_id = ? ORDER BY dataset",
                                   [import_id])
        return [row[0] for row in rows]

    def datasets_with_other_imports(self, datasets: Sequence[str], import_id: int) -> list[str]:
        """Of ``datasets``, those that hold statements some import other than ``import_id`` wrote."""
        if not datasets:
            return []
        rows = self.engine.execute(
            f"SELECT DISTINCT dataset FROM statements WHERE dataset IN ({', '.join('?' for _ in datasets)}) "
            "AND import_id IS DISTINCT FROM ? ORDER BY dataset", [*datasets, import_id])
        return [row[0] for row in rows]

    def count_statements(self, dataset: str | None = None) -> int:
        """How many statements the store holds (in ``dataset``, if given)."""
        if dataset is None:
            return self.engine.execute("SELECT count(*) FROM statements")[0][0]
        return self.engine.execute("SELECT count(*) FROM statements WHERE dataset = ?", [dataset])[0][0]

    def delisted_entity_ids(self, dataset: str) -> list[str]:
        """Entities of ``dataset`` that its newest imported version no longer lists."""
        return self._entity_ids_by_listing(dataset, listed=False)

    def datasets(self) -> list[str]:
        """The names of the datasets that have statements."""
        return [row[0] for row in self.engine.execute("SELECT DISTINCT dataset FROM statements ORDER BY dataset")]

    def statements(self, entity_ids: Sequence[str] | None = None, dataset: str | None = None,
                   min_grade: Grade | None = None) -> Iterator[Statement]:
        """Statements ordered by entity, optionally only of some entities, only those of one dataset,
        or only those graded at least ``min_grade`` (letter and digit each as good or better, as
        :meth:`Grade.at_least`: F and 6 are the worst).

        Streams: safe on a store of any size.
        """
        where: list[str] = []
        params: list[object] = []
        if min_grade is not None:  # grades are stored checked: one of A-F, one of 1-6
            where.append("reliability <= ? AND credibility <= ?")
            params.extend((min_grade.reliability, min_grade.credibility))
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
        where: list[str] = []
        params: list[str] = []
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

    def save_scenario_run(self, provenance: RunProvenance, results: str) -> int:
        """Save one finished scenario run (``results`` is JSON text) and return its id (1, 2, …)."""
        with self.transaction():
            new_id = self.engine.execute("SELECT coalesce(max(id), 0) + 1 FROM scenario_runs")[0][0]
            self.engine.execute(f"INSERT INTO scenario_runs (id, {_RUN_COLUMNS}, results) VALUES ({', '.join('?' * 10)})",
                                [new_id, *astuple(provenance), results])
        return new_id

    def scenario_runs(self) -> list[ScenarioRunRecord]:
        """Every saved scenario run, oldest first, without their results (``results`` is empty)."""
        rows = self.engine.execute(f"SELECT id, {_RUN_COLUMNS}, '' FROM scenario_runs ORDER BY id")
        return [_run_record(row) for row in rows]

    def scenario_run(self, run_id: int) -> ScenarioRunRecord | None:
        """The saved run ``run_id`` with its results, or None when there is none."""
        rows = self.engine.execute(f"SELECT id, {_RUN_COLUMNS}, results FROM scenario_runs WHERE id = ?", [run_id])
        return _run_record(rows[0]) if rows else None


def _run_record(row: Sequence) -> ScenarioRunRecord:
    """A ``scenario_runs`` row (id, the provenance columns, results) as a record."""
    return ScenarioRunRecord(row[0], RunProvenance(*row[1:9]), row[9])


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (no semicolons inside literals in our scripts)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
