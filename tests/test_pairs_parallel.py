"""``moneymen match-pairs`` on a CSV of several thousand pairs (scored by several processes) writes
what scoring each pair alone gives, in the order of the input, and stops at the first bad row."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from moneymen.match.profiles import Profile, compare_profiles
from moneymen.services.pairs import CHUNK

from conftest import run_cli

SYLLABLES = ["kim", "jong", "un", "ri", "yong", "ho", "pak", "chol", "song", "il", "han", "min", "su", "hyon"]
WORDS = ["Korea", "Trading", "Bank", "General", "Ocean", "Mining", "Company", "Corporation", "Kwangson", "Tanchon"]


def pairs(count: int) -> list[list[str]]:
    """``count`` pairs of people's and companies' names, some alike, some not (seeded)."""
    rng = random.Random(10)
    rows = []
    for number in range(count):
        if number % 3:
            left = " ".join(rng.choice(SYLLABLES).title() for _ in range(3))
            right = left if number % 7 == 0 else " ".join(rng.choice(SYLLABLES).title() for _ in range(3))
            rows.append([left, right.upper() if number % 5 == 0 else right, "Person"])
        else:
            left = " ".join(rng.sample(WORDS, 3))
            rows.append([left, " ".join(rng.sample(WORDS, 3)), "Company" if number % 2 else ""])
    return rows


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["left", "right", "schema"])
        writer.writerows(rows)
    return path


def test_several_thousand_pairs_score_as_each_pair_alone_in_the_order_given(tmp_path):
    given = pairs(3 * CHUNK + 17)
    out = tmp_path / "scored.csv"
    done = run_cli("match-pairs", str(write(tmp_path / "pairs.csv", given)), "-o", str(out))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [[row["left"], row["right"], row["schema"]] for row in rows] == given
    for row in rows:
        schema = row["schema"] or "Person"
        alone = compare_profiles(Profile.from_properties(schema, {"name": [row["left"]]}),
                                 Profile.from_properties(schema, {"name": [row["right"]]}))
        assert (row["score"], row["match"]) == (f"{alone.score:.4f}", str(alone.match).lower()), row
    assert 0 < sum(row["match"] == "true" for row in rows) < len(rows)


def test_the_first_bad_row_stops_the_run_and_nothing_is_written(tmp_path):
    given = pairs(3 * CHUNK)
    given[2 * CHUNK + 5][2] = "Persn"  # line 2 * CHUNK + 7 of the file (the header is line 1)
    out = tmp_path / "scored.csv"
    failed = run_cli("match-pairs", str(write(tmp_path / "pairs.csv", given)), "-o", str(out))
    assert failed.returncode != 0
    assert f"line {2 * CHUNK + 7}" in failed.stderr and "Persn" in failed.stderr
    assert not out.exists()


def test_a_row_that_cannot_be_read_after_a_bad_one_names_the_bad_one(tmp_path):
    given = pairs(3 * CHUNK)
    given[CHUNK + 100][2] = "Persn"
    path = write(tmp_path / "pairs.csv", given)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[CHUNK + 300] += ",one field too many"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "scored.csv"
    failed = run_cli("match-pairs", str(path), "-o", str(out))
    assert failed.returncode != 0 and f"line {CHUNK + 102}" in failed.stderr and "Persn" in failed.stderr
    lines[CHUNK + 101] = lines[CHUNK + 101].replace("Persn", "Person")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    failed = run_cli("match-pairs", str(path), "-o", str(out))
    assert failed.returncode != 0 and f"line {CHUNK + 301}" in failed.stderr and "expected 3 fields" in failed.stderr
    assert not out.exists()
