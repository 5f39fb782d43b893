"""The columns a network view is built from (:mod:`moneymen.graph.builder`), read with one
columnar query per table, without a Python object per statement: per record, or per canonical
entity (the records resolution merged counted as one)."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from moneymen.store.base import Store

__all__ = ["graph_tables"]


def graph_tables(store: Store, props: Sequence[str], datasets: Sequence[str] | None = None,
                 resolved: bool = False) -> tuple[pa.Table, pa.Table]:
    """Two Arrow tables (string columns):

    - ``entities``: ``entity_id``, ``schemata`` (the entity's distinct schema names joined by
      ``,``) and ``grade`` (its best Admiralty grade, e.g. ``B2``), one row per entity;
    - ``values``: ``entity_id``, ``prop``, ``value`` and ``grade`` (the best grade of the
      statements stating that value), for the properties ``props`` only, ordered by entity,
      property and value (the order :class:`moneymen.model.Entity` gives).

    ``datasets`` restricts both to the statements of those datasets. ``resolved`` reads every
    record merged into a canonical entity as that entity: its statements are the canonical id's,
    and a value naming the record (a relation's end, a sanction's target) names the canonical id.
    """
    where: list[str] = []
    params: list[str] = []
    if datasets is not None:
        datasets = list(datasets)
        if not datasets:
            raise ValueError("datasets: an empty list selects nothing; pass None for all datasets")
        where.append(f"s.dataset IN ({', '.join('?' for _ in datasets)})")
        params.extend(datasets)
    if resolved:
        source = ("(SELECT coalesce(c.canonical_id, s.entity_id) AS entity_id, s.schema, s.prop, "
                  "coalesce(v.canonical_id, s.value) AS value, s.reliability, s.credibility, s.dataset "
                  "FROM statements AS s LEFT JOIN canonical AS c ON c.entity_id = s.entity_id "
                  "LEFT JOIN canonical AS v ON v.entity_id = s.value)")
    else:
        source = "statements"
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    entities = store.engine.arrow(
        f"SELECT entity_id, string_agg(DISTINCT schema, ',' ORDER BY schema) AS schemata, "
        f"min(reliability || credibility) AS grade FROM {source} AS s {clause} "
        f"GROUP BY entity_id ORDER BY entity_id",
        params, ("entity_id", "schemata", "grade"),
    )
    props = list(props)
    if not props:
        return entities, pa.table({name: pa.array([], pa.string()) for name in ("entity_id", "prop", "value", "grade")})
    value_where = [*where, f"s.prop IN ({', '.join('?' for _ in props)})"]
    values = store.engine.arrow(
        f"SELECT entity_id, prop, value, min(reliability || credibility) AS grade FROM {source} AS s "
        f"WHERE {' AND '.join(value_where)} GROUP BY entity_id, prop, value ORDER BY entity_id, prop, value",
        [*params, *props], ("entity_id", "prop", "value", "grade"),
    )
    return entities, values
