"""Resolution benchmarks: the UN consolidated list linked with the OFAC SDN list.

Run from the repository root::

    .venv/bin/python bench/resolution.py [--shared PATH] [--sample 40]

Imports the full UN consolidated list (2025-11-20) and the full OFAC SDN list (2024-05-03) from
``../shared/data/sanctions`` into a temporary DuckDB store, runs ``xref`` across the two lists
(:func:`moneymen.services.resolution.run_xref`) and reports, for the UN's DPRK records (reference
numbers KPi.* for individuals, KPe.* for entities): how many were merged automatically with an OFAC
record, how many have an OFAC record first in their review queue, and how many have no candidate.
Beside it, the baseline the issue names: a plain join on the exact name (case-folded), as a
spreadsheet would do it. Then a random sample of the automatic merges (all lists), to check by
hand, and the DPRK records left to review with their first candidate.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_throughput import markdown_table  # noqa: E402

from moneymen.services.imports import import_file  # noqa: E402
from moneymen.services.judgements import canonical_of, review_queue  # noqa: E402
from moneymen.services.resolution import XrefSettings, run_xref  # noqa: E402
from moneymen.store import open_store  # noqa: E402
from moneymen.store import resolution as kept  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared" / "data"


def un_dprk_records(store) -> list[tuple[str, str]]:
    """(entity id, UN reference number) of every record of the UN's DPRK regime (KPi.*, KPe.*)."""
    return store.engine.execute(
        "SELECT DISTINCT e.value, u.value FROM statements u JOIN statements e ON e.entity_id = u.entity_id "
        "AND e.prop = 'entity' WHERE u.dataset = 'un_sc' AND u.prop = 'unscId' AND u.value LIKE 'KP%' ORDER BY 2")


#: UN DPRK records with no OFAC record in the 2024-05-03 list (checked by hand: no entry of that
#: name, alias or romanization in sdn_2024-05-03.csv). "No candidate" is the right answer for them.
NOT_ON_OFAC = {"KPe.014": "KOREA KUMRYONG TRADING CORPORATION", "KPi.003": "HWANG SOK-HWA", "KPi.005": "HAN YU-RO"}


def names_of(store, dataset: str) -> dict[str, set[str]]:
    """Each record's names (name, alias) as a plain join compares them: upper case, spaces
    collapsed, OFAC's "LAST, First" read as "LAST First"."""
    found: dict[str, set[str]] = {}
    for entity_id, value in store.engine.execute(
            "SELECT entity_id, value FROM statements WHERE dataset = ? AND prop IN ('name', 'alias')", [dataset]):
        found.setdefault(entity_id, set()).add(" ".join(value.upper().replace(",", " ").split()))
    return found


def primary_names(store) -> dict[str, str]:
    """Each record's name (the first in order, where it has several)."""
    return dict(store.engine.execute("SELECT entity_id, min(value) FROM statements WHERE prop = 'name' GROUP BY 1"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--sample", type=int, default=40)
    args = parser.parse_args()
    un = args.shared / "sanctions" / "un" / "un_consolidated_2025-11-20.xml"
    ofac = args.shared / "sanctions" / "ofac" / "sdn_2024-05-03.csv"
    if not un.is_file() or not ofac.is_file():
        print(f"skipped: {un} or {ofac} not found")
        return
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "lists.duckdb") as store:
        started = time.perf_counter()
        import_file(store, ofac, format="ofac")
        import_file(store, un, format="un")
        imported = time.perf_counter() - started
        started = time.perf_counter()
        summary = run_xref(store, XrefSettings(datasets=("un_sc", "us_ofac_sdn"), within=False))
        took = time.perf_counter() - started
        print(f"UN 2025-11-20 × OFAC SDN 2024-05-03: imported in {imported:.0f} s; xref compared "
              f"{summary.compared:,} records in {took:.0f} s and found {summary.pairs:,} pairs "
              f"({summary.statuses.get('merged', 0):,} merged, {summary.statuses.get('review', 0):,} review, "
              f"{summary.statuses.get('rejected', 0):,} rejected); contradictions: {len(summary.contradictions)}\n")
        queue = review_queue(store)
        first: dict[str, tuple[str, float]] = {}
        for pair in queue:
            for one, other in ((pair.left_id, pair.right_id), (pair.right_id, pair.left_id)):
                first.setdefault(one, (other, pair.score))
        ofac_names = names_of(store, "us_ofac_sdn")
        by_name: dict[str, set[str]] = {}
        for entity_id, names in ofac_names.items():
            for name in names:
                by_name.setdefault(name, set()).add(entity_id)
        un_names = names_of(store, "un_sc")
        counts: Counter = Counter()
        left_over = []
        for entity_id, reference in un_dprk_records(store):
            kind = "individuals" if reference.startswith("KPi") else "entities"
            counts[kind, "all"] += 1
            counts[kind, "absent"] += reference in NOT_ON_OFAC
            if any(by_name.get(name) for name in un_names.get(entity_id, ())):
                counts[kind, "exact"] += 1
            canonical, members = canonical_of(store, entity_id)
            if len(members) > 1:
                counts[kind, "merged"] += 1
            elif entity_id in first:
                counts[kind, "queue"] += 1
                left_over.append((reference, entity_id, *first[entity_id]))
            else:
                counts[kind, "none"] += 1
                left_over.append((reference, entity_id, "", 0.0))
        rows = []
        for kind in ("individuals", "entities"):
            total, on_ofac = counts[kind, "all"], counts[kind, "all"] - counts[kind, "absent"]
            rows.append([f"UN DPRK {kind}", str(total), str(on_ofac),
                         f"{counts[kind, 'exact']} ({counts[kind, 'exact'] / on_ofac:.0%})",
                         f"{counts[kind, 'merged']} ({counts[kind, 'merged'] / on_ofac:.0%})",
                         f"{counts[kind, 'queue']}",
                         f"{(counts[kind, 'merged'] + counts[kind, 'queue']) / on_ofac:.0%}",
                         f"{counts[kind, 'none']} ({counts[kind, 'absent']} not on OFAC)"])
        print(markdown_table(["records", "n", "on OFAC", "exact-name join", "merged automatically", "first in queue",
                              "merged or first in queue", "no candidate"], rows, "lrrrrrrr"))
        print("\nShares are of the records OFAC lists too; 'first in queue' counts the record whose queue has any "
              "OFAC record first: check the table of them below for whether it is the right one.")
        names = primary_names(store)
        merges = [event for event in kept.judgement_log(store) if event.origin == "xref"]
        random.seed(12)
        print(f"\n**A sample of {args.sample} of the {len(merges)} automatic merges** (to check by hand)\n")
        sample = random.sample(merges, min(args.sample, len(merges)))
        print(markdown_table(["OFAC", "UN", "why"], [[names.get(e.left_id, e.left_id)[:45], names.get(e.right_id, e.right_id)[:45],
                                                     e.reason[:90]] for e in sample], "lll"))
        print("\n**UN DPRK records not merged**: the first candidate in the queue\n")
        print(markdown_table(["UN", "name", "first candidate", "score", "why not merged"], [
            [reference, names.get(entity_id, entity_id)[:40], names.get(other, other)[:40] if other else "—",
             f"{score:.2f}" if other else "", _why(store, entity_id, other)[:80]]
            for reference, entity_id, other, score in left_over], "lllrl"))


def _why(store, entity_id: str, other: str) -> str:
    if not other:
        return "no candidate"
    left, right = sorted((entity_id, other))
    pair = kept.candidate(store, left, right)
    return "; ".join(json.loads(pair.explanation).get("reasons", [])) if pair else ""


if __name__ == "__main__":
    main()
