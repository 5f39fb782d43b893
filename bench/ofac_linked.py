"""Key persons over the network that the OFAC DPRK entries' "Linked To" remarks form.

Run from the repository root::

    .venv/bin/python bench/ofac_linked.py [--shared PATH] [--top 10] [--k 3]

Imports the full OFAC SDN list of 2024-05-03 (``sanctions/ofac/sdn_2024-05-03.csv``, format
``ofac``) into a temporary DuckDB store, so that a DPRK entry's "Linked To: NAME" resolves even
when NAME is listed under another program. Builds the network view of the store
(:func:`moneymen.graph.builder.build_view`) and keeps the UnknownLink edges whose subject carries a
DPRK program (DPRK, DPRK2, DPRK3, DPRK4, DPRK-NKSPEA): the DPRK subset the bundled demo file
holds (``src/moneymen/data/ofac_sdn_dprk_2024-05-03.csv`` is those 484 rows), with its links.
Prints markdown tables: the network, its components, articulation points with the pieces they
cut off, the top brokers by betweenness (exact), and the key-player set of ``--k`` nodes by
fragmentation (Borgatti), beside the top-``k`` by degree and by betweenness.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_throughput import markdown_table  # noqa: E402

from moneymen.algorithms import fragmentation, key_persons, key_player_set  # noqa: E402
from moneymen.graph.builder import build_view  # noqa: E402
from moneymen.services.imports import import_file  # noqa: E402
from moneymen.store import open_store  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared" / "data"


def is_dprk(programs: tuple[str, ...]) -> bool:
    return any(program.upper().startswith("DPRK") for program in programs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--k", type=int, default=3)
    args = parser.parse_args()
    source = args.shared / "sanctions" / "ofac" / "sdn_2024-05-03.csv"
    if not source.is_file():
        print(f"skipped: {source} not found")
        return
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        with open_store(Path(folder) / "ofac.duckdb") as store:
            result = import_file(store, source, format="ofac", dataset="us_ofac_sdn", seen="2024-05-03T00:00:00Z")
            imported = time.perf_counter() - started
            started = time.perf_counter()
            view = build_view(store)
            built = time.perf_counter() - started
    dprk = np.array([is_dprk(p) for p in view.programs])
    links = view.relation_mask(["UnknownLink"]) & dprk[view.source]
    linked = view.select(links)
    touched = np.unique(np.concatenate([linked.source, linked.target]))
    net = linked.subgraph(touched.tolist())
    print(f"OFAC SDN 2024-05-03: {result.entities:,} entities imported in {imported:.1f} s; view of "
          f"{view.n_nodes:,} nodes / {view.n_edges:,} edges built in {built:.2f} s; "
          f"{int(dprk.sum())} nodes carry a DPRK program.\n")
    outside = int((~dprk[net_nodes(view, net)]).sum())
    print(markdown_table(
        ["what", "count"],
        [["DPRK entries", str(int(dprk.sum()))],
         ["'Linked To' edges from DPRK entries (resolved in the file)", str(linked.n_edges)],
         ["entities on those edges", str(net.n_nodes)],
         ["… of which not under a DPRK program", str(outside)],
         ["DPRK entries with no link", str(int(dprk.sum()) - int(dprk[net_nodes(view, net)].sum()))]],
        "lr"))
    adjacency = net.adjacency()
    labels = [f"{c} ({s})" for c, s in zip(net.captions, net.schemata)]
    report = key_persons(adjacency, labels=labels, top=args.top)
    sizes = Counter(report.components)
    print("\n**Components** (size × how many): " + ", ".join(f"{s} × {c}" for s, c in sorted(sizes.items(), reverse=True))
          + f" — {len(report.components)} components, {report.edges} distinct links\n")
    rows = [[str(i + 1), p.label, str(p.component_size), " + ".join(map(str, p.pieces)), str(p.cut_off)]
            for i, p in enumerate(report.articulation_points)]
    print(f"**Articulation points** ({len(rows)}; by nodes cut off from the largest remaining piece)\n")
    print(markdown_table(["#", "entity", "component", "pieces left", "cut off"], rows[: args.top * 2], "lllrr"))
    rows = [[str(i + 1), b.label, f"{b.betweenness:.4f}", f"{b.constraint:.3f}", str(b.degree)]
            for i, b in enumerate(report.brokers)]
    print("\n**Top brokers** (exact betweenness, normalised; Burt's constraint)\n")
    print(markdown_table(["#", "entity", "betweenness", "constraint", "degree"], rows, "llrrr"))
    started = time.perf_counter()
    best = key_player_set(adjacency, args.k, "fragmentation", labels=labels, seed=0)
    searched = time.perf_counter() - started
    degree = np.diff(adjacency.indptr)
    by_degree = np.argsort(-degree, kind="stable")[: args.k].tolist()
    by_between = [b.node for b in report.brokers[: args.k]]
    rows = [
        ["none", "", f"{fragmentation(adjacency):.4f}"],
        [f"key players ({best.method}, {searched:.1f} s)", "; ".join(best.labels), f"{best.value:.4f}"],
        [f"top {args.k} by degree", "; ".join(labels[v] for v in by_degree), f"{fragmentation(adjacency, by_degree):.4f}"],
        [f"top {args.k} by betweenness", "; ".join(labels[v] for v in by_between),
         f"{fragmentation(adjacency, by_between):.4f}"],
    ]
    print(f"\n**Key-player set, k = {args.k}** (fragmentation F after removal: 0 one component … 1 all isolated)\n")
    print(markdown_table(["removed", "entities", "F"], rows, "llr"))


def net_nodes(view, net) -> np.ndarray:
    return view.indices(net.ids)


if __name__ == "__main__":
    main()
