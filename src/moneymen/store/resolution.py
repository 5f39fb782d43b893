"""What the store keeps of resolution: the judgement log, the canonical ids it adds up to, and
xref's candidate pairs and runs (tables of migration 005). Call the writing functions inside
:meth:`Store.transaction`; :mod:`moneymen.services.resolution` does."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa

from moneymen.model import Judgement
from moneymen.store.base import Store

__all__ = ["Candidate", "XrefRun", "add_judgements", "canonical_ids", "candidate", "candidate_batches", "candidates", "compared_digests",
           "count_candidates", "explanations_of", "finish_xref_run", "judgement_log", "members_of", "replace_canonical",
           "forget_records_except", "names_and_datasets", "record_rows", "update_candidates", "start_xref_run", "write_candidates", "xref_runs"]

_JUDGEMENT_COLUMNS = "id, left_id, right_id, judgement, analyst, created_at, reason, score, origin, undoes"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A pair xref found: its score, its status (merged, review, rejected), why (JSON text), and the run."""

    left_id: str
    right_id: str
    score: float
    status: str
    explanation: str
    run_id: int


@dataclass(frozen=True, slots=True)
class XrefRun:
    """One run of xref: its settings (JSON text) and digest, when it ran, what it compared and wrote."""

    id: int
    settings: str
    settings_sha256: str
    started_at: str
    finished_at: str | None
    queried: int
    pairs: int


# -- judgements -----------------------------------------------------------------------------

def add_judgements(store: Store, judgements: Sequence[Judgement]) -> list[int]:
    """Append judgement events to the log; their ids (1, 2, … in the order given)."""
    if not judgements:
        return []
    first = store.engine.execute("SELECT coalesce(max(id), 0) + 1 FROM judgements")[0][0]
    ids = list(range(first, first + len(judgements)))
    table = pa.table({
        "id": pa.array(ids, pa.int64()),
        "left_id": pa.array([j.left_id for j in judgements], pa.string()),
        "right_id": pa.array([j.right_id for j in judgements], pa.string()),
        "judgement": pa.array([j.judgement for j in judgements], pa.string()),
        "analyst": pa.array([j.analyst for j in judgements], pa.string()),
        "created_at": pa.array([j.created_at for j in judgements], pa.string()),
        "reason": pa.array([j.reason for j in judgements], pa.string()),
        "score": pa.array([j.score for j in judgements], pa.float64()),
        "origin": pa.array([j.origin for j in judgements], pa.string()),
        "undoes": pa.array([j.undoes for j in judgements], pa.int64()),
    })
    store.engine.register_table("incoming_judgements", table)
    try:
        store.engine.execute(f"INSERT INTO judgements ({_JUDGEMENT_COLUMNS}) SELECT {_JUDGEMENT_COLUMNS} "
                             "FROM incoming_judgements ORDER BY id")
    finally:
        store.engine.unregister_table("incoming_judgements")
    return ids


def judgement_log(store: Store, nodes: Iterable[str] | None = None, analyst: str | None = None) -> list[Judgement]:
    """The judgement events (oldest first): all of them, or those about any of ``nodes``, or by ``analyst``."""
    where, params = [], []
    if nodes is not None:
        wanted = sorted(set(nodes))
        if not wanted:
            return []
        marks = ", ".join("?" * len(wanted))
        where.append(f"(left_id IN ({marks}) OR right_id IN ({marks}))")
        params += wanted + wanted
    if analyst is not None:
        where.append("analyst = ?")
        params.append(analyst)
    sql = f"SELECT {_JUDGEMENT_COLUMNS} FROM judgements" + (" WHERE " + " AND ".join(where) if where else "")
    return [_judgement(row) for row in store.engine.execute(sql + " ORDER BY id", params)]


def _judgement(row: Sequence) -> Judgement:
    id_, left, right, judgement, analyst, created_at, reason, score, origin, undoes = row
    return Judgement(left, right, judgement, analyst, created_at, reason, score, origin, undoes, id_)


# -- canonical ids --------------------------------------------------------------------------

def canonical_ids(store: Store) -> dict[str, str]:
    """``{entity id: canonical id}`` for every node of a cluster of two or more, as last assigned."""
    return dict(store.engine.execute("SELECT entity_id, canonical_id FROM canonical"))


def members_of(store: Store, canonical_id: str) -> list[str]:
    """The nodes assigned to ``canonical_id``, sorted (empty when it names no cluster)."""
    rows = store.engine.execute("SELECT entity_id FROM canonical WHERE canonical_id = ? ORDER BY entity_id",
                                [canonical_id])
    return [row[0] for row in rows]


def replace_canonical(store: Store, assigned: Mapping[str, str]) -> None:
    """Make ``assigned`` the canonical ids of the store (every other row goes)."""
    engine = store.engine
    engine.execute("DELETE FROM canonical")
    if not assigned:
        return
    engine.register_table("incoming_canonical", pa.table({
        "entity_id": pa.array(list(assigned), pa.string()),
        "canonical_id": pa.array(list(assigned.values()), pa.string())}))
    try:
        engine.execute("INSERT INTO canonical SELECT entity_id, canonical_id FROM incoming_canonical")
    finally:
        engine.unregister_table("incoming_canonical")


# -- xref -----------------------------------------------------------------------------------

def start_xref_run(store: Store, settings: str, settings_sha256: str, started_at: str) -> int:
    """Record the start of an xref run; its id."""
    new_id = store.engine.execute("SELECT coalesce(max(id), 0) + 1 FROM xref_runs")[0][0]
    store.engine.execute("INSERT INTO xref_runs (id, settings, settings_sha256, started_at, queried, pairs) "
                         "VALUES (?, ?, ?, ?, 0, 0)", [new_id, settings, settings_sha256, started_at])
    return new_id


def finish_xref_run(store: Store, run_id: int, finished_at: str) -> None:
    """Record that run ``run_id`` compared every entity it had to."""
    store.engine.execute("UPDATE xref_runs SET finished_at = ? WHERE id = ?", [finished_at, run_id])


def xref_runs(store: Store) -> list[XrefRun]:
    """Every xref run, oldest first."""
    rows = store.engine.execute("SELECT id, settings, settings_sha256, started_at, finished_at, queried, pairs "
                                "FROM xref_runs ORDER BY id")
    return [XrefRun(*row) for row in rows]


def compared_digests(store: Store, settings_sha256: str) -> dict[str, str]:
    """``{entity id: digest}`` of the entities xref compared under these settings."""
    return dict(store.engine.execute("SELECT entity_id, digest FROM xref_compared WHERE settings_sha256 = ?",
                                     [settings_sha256]))


def write_candidates(store: Store, run_id: int, settings_sha256: str, compared: Mapping[str, str],
                     found: Sequence[Candidate], changed: Iterable[str] = ()) -> None:
    """Record one batch of an xref run: the entities ``compared`` ({id: digest}) and the pairs ``found``.

    The pairs found replace those of the same records. The entities of the batch that are
    ``changed`` (compared before, with another digest) lose the pairs earlier runs found for
    them: a pair a record no longer forms, because its names changed, goes.
    """
    engine = store.engine
    ids = list(compared)
    changed = set(changed)
    engine.register_table("batch_compared", pa.table({
        "entity_id": pa.array(ids, pa.string()), "digest": pa.array([compared[i] for i in ids], pa.string()),
        "changed": pa.array([i in changed for i in ids], pa.bool_())}))
    engine.register_table("batch_found", _candidate_table(found))
    try:
        engine.execute(
            "DELETE FROM xref_candidates WHERE run_id <> ? AND "
            "(left_id IN (SELECT entity_id FROM batch_compared WHERE changed) "
            "OR right_id IN (SELECT entity_id FROM batch_compared WHERE changed))", [run_id])
        engine.execute(
            "DELETE FROM xref_candidates WHERE EXISTS (SELECT 1 FROM batch_found AS f "
            "WHERE f.left_id = xref_candidates.left_id AND f.right_id = xref_candidates.right_id)")
        engine.execute(
            "INSERT INTO xref_candidates (left_id, right_id, score, status, explanation, run_id) "
            "SELECT DISTINCT ON (left_id, right_id) left_id, right_id, score, status, explanation, ? "
            "FROM batch_found ORDER BY left_id, right_id, score DESC", [run_id])
        engine.execute(
            "DELETE FROM xref_compared WHERE settings_sha256 = ? AND entity_id IN (SELECT entity_id FROM batch_compared)",
            [settings_sha256])
        engine.execute("INSERT INTO xref_compared (entity_id, settings_sha256, digest, run_id) "
                       "SELECT entity_id, ?, digest, ? FROM batch_compared", [settings_sha256, run_id])
        engine.execute("UPDATE xref_runs SET queried = queried + ?, pairs = pairs + ? WHERE id = ?",
                       [len(ids), len(found), run_id])
    finally:
        engine.unregister_table("batch_compared")
        engine.unregister_table("batch_found")


def _candidate_table(pairs: Sequence[Candidate]) -> pa.Table:
    """Candidate pairs as an Arrow table (to join in one statement)."""
    return pa.table({"left_id": pa.array([c.left_id for c in pairs], pa.string()),
                     "right_id": pa.array([c.right_id for c in pairs], pa.string()),
                     "score": pa.array([c.score for c in pairs], pa.float64()),
                     "status": pa.array([c.status for c in pairs], pa.string()),
                     "explanation": pa.array([c.explanation for c in pairs], pa.string())})


def forget_records_except(store: Store, entity_ids: Sequence[str]) -> None:
    """Drop the candidate pairs and compared digests of records not among ``entity_ids`` (gone from the store)."""
    engine = store.engine
    engine.register_table("present_records", pa.table({"entity_id": pa.array(list(entity_ids), pa.string())}))
    try:
        engine.execute("DELETE FROM xref_candidates WHERE left_id NOT IN (SELECT entity_id FROM present_records) "
                       "OR right_id NOT IN (SELECT entity_id FROM present_records)")
        engine.execute("DELETE FROM xref_compared WHERE entity_id NOT IN (SELECT entity_id FROM present_records)")
    finally:
        engine.unregister_table("present_records")


_CANDIDATE_COLUMNS = "left_id, right_id, score, status, explanation, run_id"


def candidates(store: Store, status: str | None = None, nodes: Iterable[str] | None = None,
               limit: int | None = None) -> list[Candidate]:
    """Candidate pairs, best score first (ties: by pair): all, or of one ``status``, or touching any of ``nodes``."""
    where, params = [], []
    if status is not None:
        where.append("status = ?")
        params.append(status)
    if nodes is not None:
        wanted = sorted(set(nodes))
        if not wanted:
            return []
        marks = ", ".join("?" * len(wanted))
        where.append(f"(left_id IN ({marks}) OR right_id IN ({marks}))")
        params += wanted + wanted
    sql = f"SELECT {_CANDIDATE_COLUMNS} FROM xref_candidates" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY score DESC, left_id, right_id" + (f" LIMIT {int(limit)}" if limit is not None else "")
    return [Candidate(*row) for row in store.engine.execute(sql, params)]


def candidate_batches(store: Store, statuses: Sequence[str], nodes: Iterable[str] | None = None,
                      batch: int = 20_000) -> Iterator[list[Candidate]]:
    """The candidate pairs of these ``statuses`` (of those touching any of ``nodes``, when given),
    in no particular order, a ``batch`` at a time: a pass over every pair that never holds all
    their explanations at once (with ``nodes``, the few an incremental run touched are read at once)."""
    where = f"status IN ({', '.join('?' * len(statuses))})"
    if nodes is None:
        for rows in store.engine.stream(f"SELECT {_CANDIDATE_COLUMNS} FROM xref_candidates WHERE {where}",
                                        list(statuses), batch_size=batch):
            yield [Candidate(*row) for row in rows]
        return
    engine = store.engine
    engine.register_table("wanted_records", pa.table({"entity_id": pa.array(sorted(set(nodes)), pa.string())}))
    try:
        rows = engine.execute(f"SELECT {_CANDIDATE_COLUMNS} FROM xref_candidates WHERE {where} AND "
                              "(left_id IN (SELECT entity_id FROM wanted_records) "
                              "OR right_id IN (SELECT entity_id FROM wanted_records))", list(statuses))
    finally:
        engine.unregister_table("wanted_records")
    for start in range(0, len(rows), batch):
        yield [Candidate(*row) for row in rows[start:start + batch]]


def explanations_of(store: Store, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The stored explanations (JSON text) of these candidate pairs, by pair."""
    if not pairs:
        return {}
    engine = store.engine
    engine.register_table("wanted_pairs", pa.table({"left_id": pa.array([a for a, _ in pairs], pa.string()),
                                                    "right_id": pa.array([b for _, b in pairs], pa.string())}))
    try:
        rows = engine.execute("SELECT c.left_id, c.right_id, c.explanation FROM xref_candidates AS c "
                              "JOIN wanted_pairs AS w ON c.left_id = w.left_id AND c.right_id = w.right_id")
    finally:
        engine.unregister_table("wanted_pairs")
    return {(left, right): explanation for left, right, explanation in rows}


def candidate(store: Store, left_id: str, right_id: str) -> Candidate | None:
    """The candidate pair (``left_id`` < ``right_id``), if xref found it."""
    rows = store.engine.execute(f"SELECT {_CANDIDATE_COLUMNS} FROM xref_candidates WHERE left_id = ? AND right_id = ?",
                                [left_id, right_id])
    return Candidate(*rows[0]) if rows else None


def count_candidates(store: Store) -> dict[str, int]:
    """How many candidate pairs there are of each status."""
    return dict(store.engine.execute("SELECT status, count(*) FROM xref_candidates GROUP BY status"))


def update_candidates(store: Store, changed: Sequence[Candidate]) -> None:
    """Give these candidate pairs their new score, status and explanation (in one statement)."""
    if not changed:
        return
    engine = store.engine
    engine.register_table("changed_pairs", _candidate_table(changed))
    try:
        engine.execute("UPDATE xref_candidates SET score = c.score, status = c.status, explanation = c.explanation "
                       "FROM changed_pairs AS c WHERE xref_candidates.left_id = c.left_id "
                       "AND xref_candidates.right_id = c.right_id")
    finally:
        engine.unregister_table("changed_pairs")


def names_and_datasets(store: Store, entity_ids: Sequence[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The first name (in order) and the datasets of each of these records."""
    if not entity_ids:
        return {}, {}
    engine = store.engine
    engine.register_table("wanted_records", pa.table({"entity_id": pa.array(list(entity_ids), pa.string())}))
    try:
        names = dict(engine.execute("SELECT entity_id, min(value) FROM statements WHERE prop = 'name' AND entity_id IN "
                                    "(SELECT entity_id FROM wanted_records) GROUP BY entity_id"))
        datasets: dict[str, list[str]] = {}
        for entity_id, dataset in engine.execute("SELECT DISTINCT entity_id, dataset FROM statements WHERE entity_id IN "
                                                 "(SELECT entity_id FROM wanted_records) ORDER BY 1, 2"):
            datasets.setdefault(entity_id, []).append(dataset)
    finally:
        engine.unregister_table("wanted_records")
    return names, datasets


def record_rows(store: Store) -> list[tuple[str, str, str, str | None]]:
    """(entity id, dataset, schemata joined by ``,``, the source's record id) of every record, by id and dataset."""
    return store.engine.execute(
        "SELECT entity_id, dataset, string_agg(DISTINCT schema, ',' ORDER BY schema), min(source_record) "
        "FROM statements GROUP BY entity_id, dataset ORDER BY entity_id, dataset")
