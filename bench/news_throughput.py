"""How many news reports per second moneymen reads, beside spaCy alone on the same texts (issue 13).

    .venv/bin/python bench/news_throughput.py [--texts 1000] [--words 400] [--seed 13] [--json]

The texts are made from the project's own reports (bench/news/reports/*.txt and the demo's
example report): each is a headline and paragraphs drawn at random (seeded) from them until it
has about ``--words`` words, so that every text is different and news-length. Four runs, each
over all the texts: spaCy's pipeline alone (the baseline: what any spaCy-based reader pays) and
moneymen's whole extraction (mentions, coreference, claims and chains, events, relations, dates,
grades), each in one process and in two (``Reader.read_many(processes=2)``: each worker parses and
extracts; the model loads once per worker, which the time includes). No store is touched: this
is extraction alone. Target of the issue: at least 20 documents per second on this machine.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from moneymen.data import example_report_path  # noqa: E402
from moneymen.extract.nlp import english, parse_many  # noqa: E402
from moneymen.extract.reader import Reader, Report  # noqa: E402

TARGET = 20.0


def sample_texts(count: int, words: int, seed: int) -> list[str]:
    """``count`` news-length texts of about ``words`` words, from our own reports' paragraphs."""
    sources = sorted((ROOT / "bench" / "news" / "reports").glob("*.txt")) + [example_report_path()]
    headlines, paragraphs = [], []
    for path in sources:
        lines = [line for line in path.read_text(encoding="utf-8").split("\n\n") if line.strip()]
        head, *body = lines
        first, _, rest = head.partition("\n")
        headlines.append(first)
        paragraphs.extend(p for p in ([rest] if rest else []) + body if len(p.split()) > 8)
    chooser = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = [chooser.choice(headlines)]
        size = 0
        while size < words:
            paragraph = chooser.choice(paragraphs)
            parts.append(paragraph)
            size += len(paragraph.split())
        texts.append("\n\n".join(parts))
    return texts


def timed(label: str, run, texts: list[str]) -> dict:
    started = time.perf_counter()
    done = run(texts)
    seconds = time.perf_counter() - started
    assert done == len(texts), f"{label}: {done} of {len(texts)} texts came back"
    words = sum(len(text.split()) for text in texts)
    return {"run": label, "texts": len(texts), "words_per_text": round(words / len(texts)),
            "seconds": round(seconds, 1), "docs_per_s": round(len(texts) / seconds, 1),
            "words_per_s": round(words / seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--words", type=int, default=400, help="about this many words per text")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    texts = sample_texts(args.texts, args.words, args.seed)
    english()  # loaded before timing in this process (the workers load their own, timed)
    reader = Reader()

    def spacy_alone(processes: int):
        return lambda batch: sum(1 for _ in parse_many(batch, processes=processes, batch_size=16))

    def extraction(processes: int):
        return lambda batch: sum(1 for _ in reader.read_many((Report(t, "Example Wire") for t in batch),
                                                             processes=processes))

    rows = [timed("spaCy alone, 1 process", spacy_alone(1), texts),
            timed("moneymen read, 1 process", extraction(1), texts),
            timed("spaCy alone, 2 processes", spacy_alone(2), texts),
            timed("moneymen read, 2 processes", extraction(2), texts)]
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    print(f"{args.texts} texts of about {args.words} words (seed {args.seed}); target ≥ {TARGET:.0f} documents/s\n")
    print("| run | texts | words/text | s | documents/s | words/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['run']} | {row['texts']:,} | {row['words_per_text']} | {row['seconds']} | "
              f"{row['docs_per_s']} | {row['words_per_s']:,} |")


if __name__ == "__main__":
    main()
