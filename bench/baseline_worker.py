"""The baseline matcher, run in its own virtual environment: OpenSanctions' nomenklatura ``logic-v2``.

nomenklatura pins versions that moneymen's environment does not want (duckdb < 2, scikit-learn),
so it lives in ``bench/.venv-baseline`` and ``bench/matching.py`` talks to this script through a
pipe. Set the environment up once, from the repository root::

    python3 -m venv bench/.venv-baseline
    bench/.venv-baseline/bin/pip install nomenklatura

Protocol: one JSON object per line on stdin, one answer per line on stdout (flushed after each).

``{"op": "versions"}``
    → ``{"op": "versions", "nomenklatura": "…", "followthemoney": "…", "rigour": "…", "algorithm": "logic-v2"}``
``{"op": "score", "id": ID, "query": ENTITY, "candidate": ENTITY}``
    → ``{"id": ID, "score": S, "features": {feature: value, …}}``, the score of
    ``LogicV2.compare(query, candidate, LogicV2.default_config())`` and its non-zero features.
``{"op": "load", "query": ENTITY, "candidate": ENTITY}``
    keeps the pair (entities built now) for timing; answers nothing.
``{"op": "time", "rounds": N}``
    → ``{"op": "time", "pairs": P, "seconds": [s1, …, sN]}``: each round compares every loaded pair
    once; round 1 runs with logic-v2's caches cold (each entity is new to it; one unrelated pair per
    schema is compared first so that loading tables is not timed), later rounds warm.
    The loaded pairs are then dropped.

``ENTITY`` is ``{"id": …, "schema": "Person", "properties": {"name": […], "birthDate": […], …}}``.

``baseline_worker.py --pairs IN.csv OUT.csv`` instead scores every row of a CSV of name pairs
(``left,right,schema``, as ``moneymen match-pairs`` reads it) and writes them back with ``score``:
the whole-process counterpart of ``moneymen match-pairs`` that ``bench/matching.py`` times.
Values are cleaned by followthemoney as they are added (country names become codes, as in yente).
The ids in requests are not used: each entity built gets a fresh one, because logic-v2 caches
name analysis by entity id.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from importlib.metadata import version


_built = 0


def build(data: dict, prefix: str):
    """A followthemoney entity from ``{"id", "schema", "properties"}``; invalid values are dropped.

    Each entity gets an id of its own (a counter), whatever the request says: logic-v2 caches name
    analysis by entity id, so two requests that reuse an id would otherwise share the first one's names.
    """
    global _built
    from followthemoney import ValueEntity, model

    _built += 1
    schema = model.get(data["schema"])
    if schema is None:
        raise ValueError(f"unknown schema {data['schema']!r}")
    entity = ValueEntity(schema, {"id": f"{prefix}-{_built}"})
    for prop, values in data.get("properties", {}).items():
        if prop not in schema.properties:
            continue
        for value in values:
            if value:
                entity.add(prop, value, quiet=True)
    return entity


def score_pairs(algorithm, config, source: str, target: str) -> None:
    """Score each ``left,right,schema`` row of ``source`` (names); write the rows with ``score`` to ``target``."""
    import csv

    with open(source, encoding="utf-8", newline="") as rows, open(target, "w", encoding="utf-8", newline="") as out:
        reader = csv.DictReader(rows)
        writer = csv.DictWriter(out, fieldnames=[*reader.fieldnames, "score"])
        writer.writeheader()
        for row in reader:
            schema = row.get("schema") or "Person"
            result = algorithm.compare(build({"schema": schema, "properties": {"name": [row["left"]]}}, "l"),
                                       build({"schema": schema, "properties": {"name": [row["right"]]}}, "r"), config)
            writer.writerow({**row, "score": f"{result.score:.4f}"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--algorithm", default="logic-v2", help="nomenklatura algorithm name (default: logic-v2)")
    parser.add_argument("--pairs", nargs=2, metavar=("IN.csv", "OUT.csv"), help="score a CSV of name pairs and exit")
    args = parser.parse_args(argv)

    from nomenklatura.matching import get_algorithm

    algorithm = get_algorithm(args.algorithm)
    if algorithm is None:
        print(json.dumps({"error": f"no algorithm {args.algorithm!r}"}), flush=True)
        return 2
    config = algorithm.default_config()
    if args.pairs:
        score_pairs(algorithm, config, *args.pairs)
        return 0
    loaded: list[tuple[object, object]] = []
    out = sys.stdout

    def answer(data: dict) -> None:
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
        out.flush()

    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        op = request.get("op")
        try:
            if op == "versions":
                answer({"op": "versions", "algorithm": algorithm.NAME, "nomenklatura": version("nomenklatura"),
                        "followthemoney": version("followthemoney"), "rigour": version("rigour"),
                        "python": sys.version.split()[0]})
            elif op == "score":
                query = build(request["query"], "q")
                candidate = build(request["candidate"], "c")
                result = algorithm.compare(query, candidate, config)
                features = {name: round(ft.score, 4) for name, ft in result.explanations.items() if ft.score}
                answer({"id": request["id"], "score": float(result.score), "features": features})
            elif op == "load":
                loaded.append((build(request["query"], "tq"), build(request["candidate"], "tc")))
            elif op == "time":
                # pay the one-time loading of tables and models on pairs unrelated to the timed ones
                for schema in sorted({query.schema.name for query, _ in loaded}):
                    warm = {"schema": schema, "properties": {"name": ["Warm Up Name"]}}
                    algorithm.compare(build(warm, "w"), build({**warm, "properties": {"name": ["Other Name"]}}, "w"),
                                      config)
                rounds = []
                for _ in range(int(request.get("rounds", 3))):
                    begin = time.perf_counter()
                    for query, candidate in loaded:
                        algorithm.compare(query, candidate, config)
                    rounds.append(time.perf_counter() - begin)
                answer({"op": "time", "pairs": len(loaded), "seconds": rounds})
                loaded = []
            else:
                answer({"id": request.get("id"), "error": f"unknown op {op!r}"})
        except Exception as error:  # one bad pair must not stop the run: report it on its line
            answer({"id": request.get("id"), "error": f"{type(error).__name__}: {error}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
