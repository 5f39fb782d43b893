"""Recall and precision of Korean name matching on the EU DPRK sanctions list (evaluation only).

The EU's consolidated DPRK regulation (2017/1509, as transcribed by OpenSanctions; not
bundled: see the data folder's SOURCE.txt) gives 77 records a Hangul name beside the
romanized names and aliases. For every person record with Hangul:

* recall: the Hangul name against each romanized name or alias of the same record;
* precision: the Hangul name against the romanized names of every *other* person record
  whose surname can be the same.

    .venv/bin/python tools/eval_korean_eu.py [CSV] [--threshold 0.9]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from moneymen.names.korean import compare_korean_names, read_korean_name  # noqa: E402

DEFAULT = REPO.parent / "shared" / "data" / "sanctions" / "eu-dprk-2017" / "32017R1509.csv"
HANGUL = re.compile(r"[\uac00-\ud7a3]+(?:\s+[\uac00-\ud7a3]+)*")


def split_names(*fields: str) -> list[str]:
    """Names in the name/alias fields: ';' separates; ',' too when both sides are full names."""
    out: list[str] = []
    for field in fields:
        for item in field.split(";"):
            pieces = [p.strip() for p in item.split(",")]
            if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
                out.extend(pieces)
            elif item.strip():
                out.append(item.strip())
    return out


def records(path: Path) -> list[dict]:
    out = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["schema"] != "Person":
                continue
            names = split_names(row["name"], row["alias"], row["weakAlias"])
            hangul = sorted({m.group(0) for n in names for m in HANGUL.finditer(n)})
            latin = [HANGUL.sub("", n).strip() for n in names]
            latin = [n for n in latin if n and re.search("[A-Za-z]", n)]
            out.append({"id": f"{row['annex']} {row['recordId']}", "hangul": hangul, "latin": latin})
    return out


def best(left: str, right: str) -> float:
    scores = [compare_korean_names(a, b).score for a in read_korean_name(left) for b in read_korean_name(right)]
    return max(scores, default=0.0)


def surnames(text: str) -> set[str]:
    return {s for r in read_korean_name(text) for c in r.surname.candidates[:1] for s in c}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", nargs="?", default=str(DEFAULT))
    parser.add_argument("--threshold", type=float, default=0.9)
    args = parser.parse_args(argv)
    rows = records(Path(args.csv))
    with_hangul = [r for r in rows if r["hangul"]]
    started = time.perf_counter()
    tp = fn = fp = 0
    misses, false_positives = [], []
    for row in with_hangul:
        for hangul in row["hangul"]:
            for alias in row["latin"]:
                score = best(hangul, alias)
                if score >= args.threshold:
                    tp += 1
                else:
                    fn += 1
                    misses.append((row["id"], hangul, alias, score))
            family = surnames(hangul)
            for other in rows:
                if other is row:
                    continue
                for alias in other["latin"]:
                    if not family & surnames(alias):
                        continue
                    score = best(hangul, alias)
                    if score >= args.threshold:
                        fp += 1
                        false_positives.append((row["id"], hangul, other["id"], alias, score))
    elapsed = time.perf_counter() - started
    recall = tp / (tp + fn) if tp + fn else 0.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    print(f"{len(with_hangul)} person records with Hangul; threshold {args.threshold}")
    print(f"recall    {recall:.3f}  ({tp} of {tp + fn} Hangul–alias pairs of the same record)")
    print(f"precision {precision:.3f}  ({fp} pairs across records with a shared surname scored ≥ threshold)")
    print(f"({elapsed:.2f} s)")
    print("\nmisses (same record, below threshold):")
    for rid, hangul, alias, score in misses:
        print(f"  {rid:10} {hangul:8} {alias!r:28} {score:.2f}")
    print("\nmatches across records (counted against precision):")
    for rid, hangul, oid, alias, score in false_positives:
        print(f"  {rid:10} {hangul:8} ~ {oid:10} {alias!r:28} {score:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
