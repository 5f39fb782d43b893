"""Key digests of the candidate index: BLAKE2b per key (layout 1) against the vectorised digest.

Builds ``--keys`` realistic index keys (deletion neighbourhoods of romanized and Hangul name
words, Korean syllable and whole-name keys, sound keys, identifiers, names written together),
then times ``digests()`` on all of them, old and new interleaved, and prints µs per key.

    .venv/bin/python bench/key_digests.py [--keys 5000000] [--repeat 3] [--seed 7]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import time

import numpy as np

from moneymen.match.index_keys import deletions
from moneymen.match.index_file import digests

ONSETS = ["", "k", "g", "n", "d", "t", "r", "m", "b", "p", "s", "j", "ch", "h", "y", "w", "sh", "z", "l", "f"]
VOWELS = ["a", "o", "u", "i", "e", "eo", "ae", "yo", "yu", "ui", "ou", "ia"]
CODAS = ["", "", "", "n", "ng", "m", "l", "k", "r", "s", "d", "t"]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(rng.randint(1, 4)))


def hangul(rng: random.Random) -> str:
    return chr(0xAC00 + rng.randrange(11172))


def realistic_keys(count: int, seed: int) -> list[str]:
    """``count`` index keys, in the proportions of a build (mostly deletion variants of words)."""
    rng = random.Random(seed)
    keys: list[str] = []
    while len(keys) < count:
        words = [word(rng) for _ in range(rng.randint(2, 4))]
        for token in words:
            keys.extend(deletions(token, 1 if len(token) <= 6 else 2))
            keys.append("p:" + token[:4].upper())
        syllables = [hangul(rng) for _ in range(3)]
        keys.append("k:" + syllables[0])
        keys.append("n:" + "|".join(syllables))
        keys.extend(deletions("".join(syllables), 1))
        joined = "".join(words)
        keys.append(joined)
        if rng.random() < 0.3:
            keys.extend(deletions(joined, 1))
        if rng.random() < 0.05:
            keys.append(f"i:imoNumber:{rng.randrange(10**6, 10**7)}")
    return keys[:count]


def blake2b_digests(keys: list[str]) -> np.ndarray:
    """Layout 1's digests: BLAKE2b (8 bytes) of each key, called from Python."""
    return np.fromiter((int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                                       "little") for key in keys), dtype=np.uint64, count=len(keys))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    keys = realistic_keys(args.keys, args.seed)
    size = sum(len(key.encode("utf-8", "surrogatepass")) for key in keys) / len(keys)
    times: dict[str, list[float]] = {"BLAKE2b per key (layout 1)": [], "vectorised digests() (layout 2)": []}
    for _ in range(args.repeat):
        for (label, run) in zip(times, (blake2b_digests, digests)):
            start = time.process_time()
            found = run(keys)
            times[label].append(time.process_time() - start)
            assert len(found) == len(keys)
    print(f"{len(keys):,} keys, {len(set(keys)):,} distinct, {size:.1f} UTF-8 bytes each on average; "
          f"CPU time, median of {args.repeat}; load {os.getloadavg()[0]:.2f}\n")
    print("| digests of | s | µs per key |\n|---|---:|---:|")
    for label, spent in times.items():
        median = statistics.median(spent)
        print(f"| {label} | {median:.2f} | {median / len(keys) * 1e6:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
