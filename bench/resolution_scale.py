"""Resolution at scale: xref of synthetic lists of up to a million records, then an incremental run.

Run from the repository root::

    .venv/bin/python bench/resolution_scale.py [--sizes 100000 1000000] [--update 10000] [--seed 1718]
                                               [--data DIR] [--keep]

For each size, the lists of ``bench/synthetic_resolution.py`` (three sources, a truth key; made
in ``--data`` unless already there) are imported into a fresh DuckDB store, except the last
``--update`` records of the last source, which are held back as a list of their own. Then, each
in a fresh child process (so that its peak memory is its own):

1. **xref**: the screening index is built (timed apart: screening builds and keeps the same
   index), then ``run_xref`` over the whole store (every pair, within and across lists), with the
   pairs the matcher scored, the time and the peak resident memory of the process and its forked
   workers;
2. **blocking recall**: the candidate pairs blocking gives (recomputed, not timed with xref) against
   the true pairs of the truth key: how many true pairs are among the pairs scored;
3. **quality**: the pairs xref merged, and merged or queued for review, against the truth (pairwise
   precision and recall);
4. **incremental**: the held-back records are imported as a new list, and xref runs again: the
   index is rebuilt (timed apart), and only the pairs with a new record are formed and scored.

Prints one table per stage, and the growth of time and pairs with size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))


def _peak_mib() -> tuple[float, float]:
    """(this process's peak RSS, the largest peak of its ended children), MiB."""
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def _child(stage: str, **arguments) -> dict:
    """Run a stage of this script in a fresh Python process; its JSON answer."""
    done = subprocess.run([sys.executable, __file__, "--stage", stage, "--arguments", json.dumps(arguments)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"stage {stage} failed:\n{done.stderr[-4000:]}")
    sys.stderr.write(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- stages (each in its own process) --------------------------------------------------------------


def stage_import(db: str, files: list[list[str]]) -> dict:
    from moneymen.services.imports import import_file
    from moneymen.store import open_store

    started = time.perf_counter()
    with open_store(Path(db)) as store:
        for path, dataset in files:
            import_file(store, Path(path), format="ftm", dataset=dataset)
        entities = store.engine.execute("SELECT count(DISTINCT entity_id) FROM statements")[0][0]
    return {"seconds": time.perf_counter() - started, "entities": entities, "rss": _peak_mib()}


def stage_xref(db: str, truth: str | None) -> dict:
    from moneymen.services.resolution import run_xref
    from moneymen.services.screening import screener_of_store
    from moneymen.store import open_store

    found: dict = {}
    with open_store(Path(db)) as store:
        started = time.perf_counter()
        screener = screener_of_store(store)
        found["index_s"] = time.perf_counter() - started
        found["index_rss"] = _peak_mib()
        started = time.perf_counter()
        last = [time.perf_counter()]

        def progress(done: int, total: int) -> None:
            if time.perf_counter() - last[0] > 30:
                last[0] = time.perf_counter()
                print(f"  xref {done:,}/{total:,} records, {time.perf_counter() - started:.0f} s", file=sys.stderr)

        summary = run_xref(store, screener=screener, progress=progress, batch=5_000)
        found.update(xref_s=time.perf_counter() - started, rss=_peak_mib(), records=summary.in_scope,
                     compared=summary.compared, scored=summary.scored, kept=summary.pairs,
                     statuses=summary.statuses, merged_now=summary.merged_now,
                     contradictions=len(summary.contradictions))
        if truth:
            found.update(_quality(store, screener, Path(truth)))
    return found


def _quality(store, screener, truth: Path) -> dict:
    """Blocking recall and the pairwise precision and recall of xref's statuses, against the truth."""
    import numpy as np

    from moneymen.match.blocking import block_pairs, likely_pairs
    from moneymen.store import resolution as kept
    from synthetic_resolution import true_pairs

    index = screener.index
    ids = np.asarray(index.ids.texts(range(len(index.ids))), dtype=object)
    started = time.perf_counter()
    blocked = block_pairs(index)
    scored = likely_pairs(blocked, index)
    blocking_s = time.perf_counter() - started
    present = set(ids.tolist())  # the records held back for the incremental run are not in the store yet
    truth_pairs = {pair for pair in true_pairs(truth) if pair[0] in present and pair[1] in present}
    def found_of(pairs) -> int:
        left, right = ids[pairs.left], ids[pairs.right]
        return sum((a, b) in truth_pairs if a < b else (b, a) in truth_pairs for a, b in zip(left, right))
    candidates = kept.candidates(store)
    merged = {(c.left_id, c.right_id) for c in candidates if c.status == "merged"}
    queued = merged | {(c.left_id, c.right_id) for c in candidates if c.status == "review"}
    judged = {j.pair for j in kept.judgement_log(store) if j.judgement == "positive"}
    return {"true_pairs": len(truth_pairs), "blocked": len(blocked), "blocked_true": found_of(blocked),
            "scored_pairs": len(scored), "scored_true": found_of(scored), "blocking_s": blocking_s,
            "merged": len(judged), "merged_true": len(judged & truth_pairs),
            "queued": len(queued), "queued_true": len(queued & truth_pairs)}


def stage_update(db: str, path: str, dataset: str) -> dict:
    from moneymen.services.imports import import_file
    from moneymen.store import open_store

    started = time.perf_counter()
    with open_store(Path(db)) as store:
        import_file(store, Path(path), format="ftm", dataset=dataset)
    return {"seconds": time.perf_counter() - started}


# -- one size --------------------------------------------------------------------------------------


def run_size(size: int, update: int, seed: int, data: Path, work: Path) -> dict:
    from synthetic_resolution import generate

    folder = data / f"{size + update}-{seed}"
    if not (folder / "manifest.json").is_file():
        print(f"generating {size + update:,} records in {folder}", file=sys.stderr)
        generate(size + update, seed, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    sources = [(folder / item["file"], item["dataset"]) for item in manifest["files"]]
    # hold back the last ``update`` records of the last source as a list of their own
    last, dataset = sources[-1]
    lines = last.read_text(encoding="utf-8").splitlines(keepends=True)
    kept_part, held = work / f"{size}-base.ftm.json", work / f"{size}-update.ftm.json"
    kept_part.write_text("".join(lines[:len(lines) - update]), encoding="utf-8")
    held.write_text("".join(lines[len(lines) - update:]), encoding="utf-8")
    del lines
    db = work / f"{size}.duckdb"
    files = [[str(path), name] for path, name in sources[:-1]] + [[str(kept_part), dataset]]
    print(f"{size:,}: importing", file=sys.stderr)
    imported = _child("import", db=str(db), files=files)
    print(f"{size:,}: xref", file=sys.stderr)
    full = _child("xref", db=str(db), truth=str(folder / "truth.csv"))
    result = {"size": size, "import": imported, "xref": full}
    if update:
        print(f"{size:,}: incremental ({update:,} new records)", file=sys.stderr)
        result["update_import"] = _child("update", db=str(db), path=str(held), dataset="source_update")
        result["incremental"] = _child("xref", db=str(db), truth=None)
    return result


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.4f}" if whole else "—"


def report(results: list[dict]) -> str:
    lines = ["| records | import s | index build s | xref s | peak RSS MiB (xref, workers) | pairs blocked | "
             "pairs scored | scored per record | pairs kept | merged | review | target |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for result in results:
        x = result["xref"]
        rss = max(x["rss"][0], x["index_rss"][0])
        lines.append(f"| {x['records']:,} | {result['import']['seconds']:.0f} | {x['index_s']:.0f} | {x['xref_s']:.0f} | "
                     f"{rss:,.0f}, {x['rss'][1]:,.0f} | {x['blocked']:,} | {x['scored']:,} | "
                     f"{x['scored'] / max(x['records'], 1):.1f} | {x['kept']:,} | {x['statuses'].get('merged', 0):,} | "
                     f"{x['statuses'].get('review', 0):,} | 1M ≤ 600 s, ≤ 8 GiB |")
    lines += ["", "| records | true pairs | blocking recall (all blocks) | blocking recall (pairs scored) | "
              "merged: precision | merged: recall | merged or review: precision | merged or review: recall |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for result in results:
        x = result["xref"]
        lines.append(f"| {x['records']:,} | {x['true_pairs']:,} | {_ratio(x['blocked_true'], x['true_pairs'])} | "
                     f"{_ratio(x['scored_true'], x['true_pairs'])} (target ≥ 0.995) | "
                     f"{_ratio(x['merged_true'], x['merged'])} | {_ratio(x['merged_true'], x['true_pairs'])} | "
                     f"{_ratio(x['queued_true'], x['queued'])} | {_ratio(x['queued_true'], x['true_pairs'])} |")
    updates = [r for r in results if "incremental" in r]
    if updates:
        lines += ["", "| store | new records | import s | index rebuild s | xref s | records compared | pairs scored | "
                  "peak RSS MiB | target |", "|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for result in updates:
            x = result["incremental"]
            lines.append(f"| {result['xref']['records']:,} | {x['compared']:,} | {result['update_import']['seconds']:.1f} | "
                         f"{x['index_s']:.0f} | {x['xref_s']:.1f} | {x['compared']:,} | {x['scored']:,} | "
                         f"{max(x['rss'][0], x['index_rss'][0]):,.0f} | 10k ≤ 30 s |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--update", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1718)
    parser.add_argument("--data", type=Path, default=None, help="where the synthetic lists are made and kept")
    parser.add_argument("--keep", action="store_true", help="keep the stores (printed)")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--arguments", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        found = globals()[f"stage_{args.stage}"](**json.loads(args.arguments))
        print(json.dumps(found))
        return 0
    import platform

    work = Path(tempfile.mkdtemp(prefix="resolution-scale-"))
    data = args.data or work / "data"
    results = []
    try:
        for size in args.sizes:
            results.append(run_size(size, args.update, args.seed, data, work))
    finally:
        if not args.keep:
            import shutil

            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"stores kept in {work}", file=sys.stderr)
    print(f"- machine: {len(os.sched_getaffinity(0))} usable cores, {platform.processor() or platform.machine()}, "
          f"python {platform.python_version()}; seed {args.seed}; {args.update:,} records held back for the incremental run\n")
    print(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
