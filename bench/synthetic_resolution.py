"""Synthetic resolution data: several lists that name the same real-world entities, and the truth.

Run from the repository root::

    .venv/bin/python bench/synthetic_resolution.py --size 1000000 --seed 1718 --out DIR [--sources 3]

Writes into ``DIR``, streaming (one cluster at a time is held in memory):

- ``source-1.ftm.json`` … ``source-K.ftm.json``: one list each, as FollowTheMoney JSON lines
  (``{"id", "schema", "properties": {prop: [values]}}``, one entity a line), each to be imported as
  its own dataset (``moneymen import DIR/source-1.ftm.json --format ftm --dataset source_1``);
- ``truth.csv``: ``entity_id,cluster_id``, one row for every record of every source, the rows of a
  cluster next to each other (clusters in ascending order);
- ``manifest.json``: what was made (size, seed, sources, records per source with each file's
  SHA-256, clusters, clusters by number of sources, the kinds mix, how the names and birth dates
  varied, the namesakes, the number of true pairs) and the generator version.

``size`` is the total number of records over all sources (1,000,000 means a store of 1,000,000
entities), not the number of real-world entities: a cluster is one real-world entity, written once
in each of the sources that list it, so there are about ``size / 1.48`` clusters.

The entities are those of ``bench/screening_load.py``'s ``Generator`` (its mix: Korean people in
several romanizations and in Hangul, Western, Arabic and Russian people, companies with legal forms
of many jurisdictions, organisations, vessels with IMO numbers). Each becomes a cluster:

1. about 60 % of the clusters appear in one source only, 32 % in two and 8 % in three (with two
   sources: 60 % in one, 40 % in both); never in more than three, never twice in one source: each
   source holds at most one record of a cluster, so every true pair is a pair across two datasets;
2. the cluster's first record (in a source drawn at random) is the entity as the generator wrote it;
   each other record is the entity as another list would write it (``variant_name``, shared with
   the screening benchmark's queries): a Korean name in another romanization (McCune–Reischauer,
   Revised, DPRK practice; hyphenated, joined or spaced), in Hangul, given name first, or with a
   typo; a Western name with a typo, its middle name dropped or as "Surname, Given"; an Arabic name
   in other spellings or short; a Russian name in Cyrillic or another transliteration; a company
   with its legal form changed or dropped, or a typo (word order kept); a typo in an organisation's
   or vessel's name. On top of that, 10 % get a further typo and 8 % are written in capitals (Latin
   names only); an organisation's name is kept as listed 30 % of the time;
3. the other record's facts: a full birth date is kept (about 57 %), missing (25 %), the year only
   (15 %) or has a typo in the day (3 %: its digits swapped, or one day off); a year is kept or
   missing; nationality, gender, a company's jurisdiction, an organisation's country and a vessel's
   flag are kept or missing; a passport number is kept (half of those with other spacing or
   hyphens: ``836110035``, ``836 110 035``, ``836-110-035``) or missing (25 %); an IMO number is
   kept 85 % of the time (a third of those as bare digits, ``9123456`` for ``IMO 9123456``); a
   registration number, MMSI or previous name kept or missing;
4. aliases: 30 % of those records carry one or two aliases (other written forms of the name, as
   above), and each alias of the first record is copied with a chance of one in four;
5. namesakes: 4 % of the clusters are a person with the name of a recent other cluster's person
   (the same name, or with one typo) but another birth year and facts of their own; Korean names
   also collide by themselves (a few dozen surnames, two syllables of a short list). The manifest
   counts both (``namesake_clusters``: made on purpose; ``clusters_sharing_a_name``: clusters
   whose first record's name, case aside, is another cluster's first record's name too).

Record ids are ``s{source}-{16 hex digits}`` (``s2-8f0c…``): unique, and saying nothing about the
cluster (a bijective scramble of the record's number). The files list the clusters in the same
order, so the records of a cluster sit at similar line numbers of their files; nothing should read
that. Everything is deterministic for ``(size, seed, sources)``: the same arguments give the same
bytes. :func:`true_pairs` and :func:`true_pair_arrays` read ``truth.csv`` back as the pairs of
records that are the same entity, each ordered ``left < right``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import random
import resource
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screening_load import COUNTRIES, Generator, typo, variant_name  # noqa: E402

from moneymen.services.imports import file_sha256  # noqa: E402

GENERATOR_VERSION = "1"

#: How many sources a cluster appears in (share of clusters), with three or more sources.
SPREAD = ((1, 0.60), (2, 0.32), (3, 0.08))
#: Share of clusters that are a namesake of a recent person (same or nearly the same name).
NAMESAKE_SHARE = 0.04
#: People kept as candidates for the next namesakes.
NAMESAKE_POOL = 1000
#: Of the other records of a cluster: a further typo, the name in capitals, one or two aliases.
EXTRA_TYPO, CAPITALS, ALIASES = 0.10, 0.08, 0.30
PERSON_KINDS = frozenset({"korean", "western", "arabic", "russian"})

_MASK = (1 << 64) - 1


def record_id(source: int, number: int, seed: int) -> str:
    """The id of the ``number``-th record written (from 0): ``s{source}-`` and 16 hex digits,
    a bijective scramble (splitmix64's finaliser) of ``number`` offset by the seed, so ids never
    collide within a run and say nothing of the record's cluster or position."""
    z = (number + seed * 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return f"s{source}-{z ^ (z >> 31):016x}"


def _latin(text: str) -> bool:
    """True for a name in Latin letters (no Hangul, no Cyrillic: a typo is made in Latin only)."""
    return all(ord(ch) < 0x0370 for ch in text)


class _Variation:
    """The other records of a cluster: each as another list writes the entity, with counts of how."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.names: Counter[str] = Counter()
        self.birth_dates: Counter[str] = Counter()

    def name(self, kind: str, data, props: dict) -> tuple[str, str]:
        rng = self.rng
        if kind == "organization" and rng.random() < 0.3:
            return props["name"][0], "organization: as listed"
        text, how = variant_name(kind, data, props, rng)
        if _latin(text):
            if rng.random() < EXTRA_TYPO:
                text, how = typo(text, rng), how + " + typo"
            if rng.random() < CAPITALS:
                text, how = text.upper(), how + " + capitals"
        return text, how

    def record(self, kind: str, data, schema: str, props: dict) -> dict[str, list[str]]:
        rng = self.rng
        name, how = self.name(kind, data, props)
        self.names[how] += 1
        out: dict[str, list[str]] = {"name": [name]}
        aliases = []
        if rng.random() < ALIASES:
            aliases = [variant_name(kind, data, props, rng)[0] for _ in range(1 if rng.random() < 0.7 else 2)]
        aliases += [alias for alias in props.get("alias", ()) if rng.random() < 0.25]
        aliases = [alias for alias in dict.fromkeys(aliases) if alias != name]
        if aliases:
            out["alias"] = aliases
        if schema == "Person":
            self._birth_date(props, out)
            self._keep(props, out, "nationality", 0.75)
            self._keep(props, out, "gender", 0.6)
            if props.get("passportNumber"):
                self._passport(props["passportNumber"][0], out)
        elif schema == "Company":
            self._keep(props, out, "jurisdiction", 0.7)
            self._keep(props, out, "registrationNumber", 0.6)
        elif schema == "Organization":
            self._keep(props, out, "country", 0.7)
        elif schema == "Vessel":
            draw = rng.random()
            if draw < 0.85:
                imo = props["imoNumber"][0]
                out["imoNumber"] = [imo.removeprefix("IMO ") if draw < 0.85 / 3 else imo]
            self._keep(props, out, "flag", 0.6)
            self._keep(props, out, "mmsi", 0.5)
            self._keep(props, out, "previousName", 0.5)
        return out

    def _keep(self, props: dict, out: dict, prop: str, chance: float) -> None:
        if props.get(prop) and self.rng.random() < chance:
            out[prop] = props[prop][:1]

    def _birth_date(self, props: dict, out: dict) -> None:
        if not props.get("birthDate"):
            return
        date, draw = props["birthDate"][0], self.rng.random()
        if draw < 0.25:
            self.birth_dates["missing"] += 1
            return
        if len(date) == 10 and draw < 0.40:
            date, how = date[:4], "year only"
        elif len(date) == 10 and draw < 0.43:
            date, how = self._day_typo(date), "typo in the day"
        else:
            how = "kept"
        self.birth_dates[how] += 1
        out["birthDate"] = [date]

    def _day_typo(self, date: str) -> str:
        day = date[8:]
        swapped = int(day[::-1])
        if swapped != int(day) and 1 <= swapped <= 28:
            return f"{date[:8]}{swapped:02d}"
        step = 1 if int(day) < 28 and (int(day) == 1 or self.rng.random() < 0.5) else -1
        return f"{date[:8]}{int(day) + step:02d}"

    def _passport(self, number: str, out: dict) -> None:
        draw = self.rng.random()
        if draw < 0.25:
            return
        if draw < 0.625:
            out["passportNumber"] = [number]
            return
        spaced = self.rng.choice((f"{number[:3]} {number[3:6]} {number[6:]}", f"{number[:3]}-{number[3:6]}-{number[6:]}",
                                  f"{number[:2]} {number[2:]}"))
        out["passportNumber"] = [spaced]


class _Namesakes:
    """Recent people, and new clusters that take one's name (or nearly) with facts of their own."""

    def __init__(self, generator: Generator, rng: random.Random):
        self.generator, self.rng = generator, rng
        self.recent: deque[tuple[str, object, dict]] = deque(maxlen=NAMESAKE_POOL)
        self.made = 0

    def remember(self, kind: str, data, props: dict) -> None:
        if kind in PERSON_KINDS:
            self.recent.append((kind, data, props))

    def maybe(self) -> tuple[str, object, str, dict] | None:
        rng = self.rng
        if not self.recent or rng.random() >= NAMESAKE_SHARE:
            return None
        kind, data, props = rng.choice(self.recent)
        name = props["name"][0]
        if _latin(name) and rng.random() < 0.4:
            name = typo(name, rng)
        nationality = props["nationality"][0] if props.get("nationality") else rng.choice(COUNTRIES)
        facts = self.generator.person_facts(nationality)
        years = {date[:4] for date in props.get("birthDate", ())}
        birth = self.generator.birth_date()
        while birth[:4] in years:
            birth = self.generator.birth_date()
        facts["birthDate"] = [birth]
        self.made += 1
        return kind, data, "Person", {"name": [name], **{key: values for key, values in facts.items() if values}}


def _sources_of_cluster(rng: random.Random, sources: int) -> int:
    spread = SPREAD if sources >= 3 else ((1, 0.60), (2, 0.40))
    draw, total = rng.random(), 0.0
    for count, share in spread:
        total += share
        if draw < total:
            return count
    return spread[-1][0]


def _name_key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.casefold().encode(), digest_size=8).digest(), "big")


def file_name(source: int) -> str:
    """The file of source ``source`` (from 1): ``source-1.ftm.json``."""
    return f"source-{source}.ftm.json"


def dataset_name(source: int) -> str:
    """The dataset source ``source`` is meant to be imported as: ``source_1``."""
    return f"source_{source}"


def generate(size: int, seed: int, out_dir: Path, sources: int = 3, progress=None) -> dict:
    """Write ``size`` records (over all sources together) of ``sources`` lists into ``out_dir``,
    with ``truth.csv`` and ``manifest.json`` (see the module's docstring), and return the manifest.

    ``progress``, when given, is called with the number of records written so far, every 50,000.
    """
    if size < 1:
        raise ValueError("size must be at least 1 record")
    if sources < 2:
        raise ValueError("sources must be at least 2 (resolution needs two lists)")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    generator = Generator(seed)
    rng = random.Random(f"synthetic-resolution:{seed}:{sources}")
    variation = _Variation(rng)
    namesakes = _Namesakes(generator, rng)
    records = [0] * sources
    by_sources: Counter[int] = Counter()
    clusters_by_kind: Counter[str] = Counter()
    records_by_kind: Counter[str] = Counter()
    first_names: Counter[int] = Counter()
    pairs = written = clusters = 0
    handles = [(out_dir / file_name(n + 1)).open("wb", buffering=1 << 20) for n in range(sources)]
    try:
        with (out_dir / "truth.csv").open("w", encoding="utf-8", newline="", buffering=1 << 20) as truth:
            truth.write("entity_id,cluster_id\n")
            while written < size:
                clusters += 1
                made = namesakes.maybe()
                if made is None:
                    entity, (kind, data) = generator.entity()
                    schema, props = entity.schema, entity.properties
                    namesakes.remember(kind, data, props)
                else:
                    kind, data, schema, props = made
                count = min(_sources_of_cluster(rng, sources), size - written)
                cluster_id = f"c{clusters:07d}"
                for position, source in enumerate(rng.sample(range(sources), count)):
                    properties = props if position == 0 else variation.record(kind, data, schema, props)
                    entity_id = record_id(source + 1, written, seed)
                    handles[source].write(orjson.dumps({"id": entity_id, "schema": schema,
                                                        "properties": properties}) + b"\n")
                    truth.write(f"{entity_id},{cluster_id}\n")
                    records[source] += 1
                    written += 1
                    if progress is not None and written % 50_000 == 0:
                        progress(written)
                by_sources[count] += 1
                clusters_by_kind[kind] += 1
                records_by_kind[kind] += count
                first_names[_name_key(props["name"][0])] += 1
                pairs += count * (count - 1) // 2
    finally:
        for handle in handles:
            handle.close()
    files = [{"file": file_name(n + 1), "dataset": dataset_name(n + 1), "records": records[n],
              "sha256": file_sha256(out_dir / file_name(n + 1))} for n in range(sources)]
    manifest = {
        "generator": "bench/synthetic_resolution.py",
        "generator_version": GENERATOR_VERSION,
        "size": size,
        "seed": seed,
        "sources": sources,
        "files": files,
        "records_per_source": records,
        "truth": "truth.csv",
        "clusters": clusters,
        "clusters_by_sources": {str(n): by_sources[n] for n in sorted(by_sources)},
        "single_source_share": round(by_sources[1] / clusters, 4),
        "true_pairs": pairs,
        "kinds": {"clusters": dict(sorted(clusters_by_kind.items())), "records": dict(sorted(records_by_kind.items()))},
        "namesake_clusters": namesakes.made,
        "clusters_sharing_a_name": sum(n for n in first_names.values() if n > 1),
        "variant_names": dict(sorted(variation.names.items())),
        "variant_birth_dates": dict(sorted(variation.birth_dates.items())),
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


# -- reading the truth back ------------------------------------------------------------------------


def clusters_of(truth_csv: Path) -> Iterator[tuple[str, list[str]]]:
    """Each cluster of ``truth.csv`` as ``(cluster_id, [entity ids])``, in the file's order, one at a
    time (the rows of a cluster are next to each other; a cluster that comes back later raises)."""
    with Path(truth_csv).open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        if next(rows, None) != ["entity_id", "cluster_id"]:
            raise ValueError(f"{truth_csv}: expected the header entity_id,cluster_id")
        last = (0, "")
        for cluster_id, group in itertools.groupby(rows, key=lambda row: row[1]):
            if (len(cluster_id), cluster_id) <= last:
                raise ValueError(f"{truth_csv}: cluster {cluster_id} is not after {last[1]}; the rows of a cluster "
                                 "must be next to each other, clusters in ascending order")
            last = (len(cluster_id), cluster_id)
            yield cluster_id, [row[0] for row in group]


def _pairs(truth_csv: Path) -> Iterator[tuple[str, str]]:
    for _, ids in clusters_of(truth_csv):
        if len(ids) > 1:
            for left, right in itertools.combinations(sorted(ids), 2):
                yield left, right


def true_pairs(truth_csv: Path) -> set[tuple[str, str]]:
    """Every pair of records that are the same entity, as ``(left, right)`` ids with ``left < right``.

    At 1,000,000 records that is about 380,000 tuples (some 90 MB); :func:`true_pair_arrays` holds
    the same pairs in about a sixth of that."""
    return set(_pairs(truth_csv))


def true_pair_arrays(truth_csv: Path):
    """The pairs of :func:`true_pairs` as two numpy arrays of fixed-width bytes, ``left`` and
    ``right`` (``left[i] < right[i]``), sorted by ``(left, right)``: about 15 MB at 1,000,000 records
    (built without a Python tuple per pair). A pair ``(a, b)`` is true where
    ``i = np.searchsorted(left, a, "left")`` … ``np.searchsorted(left, a, "right")`` holds ``b`` in
    ``right``; or join the arrays with a candidate pair list in pandas, DuckDB or pyarrow."""
    import numpy as np

    lefts: list[bytes] = []
    rights: list[bytes] = []
    for left, right in _pairs(truth_csv):
        lefts.append(left.encode())
        rights.append(right.encode())
    width = max(map(len, lefts + rights), default=1)
    left_ids, right_ids = np.array(lefts, dtype=f"S{width}"), np.array(rights, dtype=f"S{width}")
    del lefts, rights
    order = np.lexsort((right_ids, left_ids))
    return left_ids[order], right_ids[order]


# -- command line ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, required=True, help="records over all sources together")
    parser.add_argument("--seed", type=int, default=1718, help="seed (default: 1718)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the files into")
    parser.add_argument("--sources", type=int, default=3, help="number of lists (default: 3)")
    args = parser.parse_args(argv)
    if args.size < 1:
        parser.error("--size must be at least 1 (records over all sources)")
    if args.sources < 2:
        parser.error("--sources must be at least 2")

    begin = time.perf_counter()

    def progress(done: int) -> None:
        if done % 200_000 == 0:
            print(f"  {done:,} records, {time.perf_counter() - begin:.0f} s", file=sys.stderr, flush=True)

    manifest = generate(args.size, args.seed, args.out, args.sources, progress=progress)
    seconds = time.perf_counter() - begin
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Wrote {args.out}: {', '.join(f['file'] for f in manifest['files'])}, truth.csv, manifest.json")
    print(f"  records: {manifest['size']:,} ({' / '.join(f'{n:,}' for n in manifest['records_per_source'])} "
          f"per source), seed {manifest['seed']}")
    spread = ", ".join(f"{count:,} in {n}" for n, count in manifest["clusters_by_sources"].items())
    print(f"  clusters: {manifest['clusters']:,} ({spread}; {manifest['single_source_share']:.1%} in one source only); "
          f"namesakes {manifest['namesake_clusters']:,} made, {manifest['clusters_sharing_a_name']:,} clusters share a name")
    print(f"  true pairs: {manifest['true_pairs']:,}")
    print(f"  {seconds:.1f} s, peak RSS {peak:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
