"""Resolution against Senzing's truth set: pairwise and B³ precision, recall and F1.

Run from the repository root::

    .venv/bin/python bench/senzing_truthset.py [--shared PATH]

Reads ``../shared/data/resolution/senzing-truthset`` (Apache-2.0): 159 records of people and
organisations in three data sources (CUSTOMERS, REFERENCE, WATCHLIST), each a list of Senzing
features, and the answer key ``actual_truthset_key.csv`` (which records are one entity). Each
record becomes a FollowTheMoney entity (:func:`ftm_entity`), imported into a temporary DuckDB
store, one dataset per data source; ``xref`` runs over all of them, within and across sources.
The clusters are scored against the key twice: those moneymen merges without a person
(automatic), and those it would have if a reviewer accepted every pair it put in review (the
queue's reach). Also shown: the same figures for the key's own ``alternate_truthset_key.csv``
(Senzing's "competing algorithm"), as a reference point.

What moneymen's matcher reads of a record: names, birth date, gender, country, and the numbers
(passport, national ID, SSN, driver's licence, tax ID, LEI). It does not compare addresses,
phone numbers or e-mail addresses, which this truth set leans on; they are imported (so the
records show them) but play no part in the scores.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_throughput import markdown_table  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared" / "data"
SOURCES = ("CUSTOMERS", "REFERENCE", "WATCHLIST")
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


def entity_id(source: str, record: str) -> str:
    return f"senzing-{source.lower()}-{record}"


def iso_date(text: str) -> str:
    """A Senzing date (US ``3/31/1954`` or ``3/1/70``, ``15-Mar-92``, ``Mar 1 1970``, ISO) as ISO; ``""`` if unread."""
    text = text.strip()
    def year(value: str) -> int:
        number = int(value)
        return number if len(value) == 4 else (1900 + number if number > 26 else 2000 + number)
    try:
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", text):
            first, second = int(m[1]), int(m[2])
            month, day = (second, first) if first > 12 else (first, second)  # "20/8/1991" is day first
            return date(year(m[3]), month, day).isoformat()
        if m := re.fullmatch(r"(\d{1,2})-([A-Za-z]{3})-(\d{2}|\d{4})", text):
            return date(year(m[3]), _MONTHS[m[2].lower()], int(m[1])).isoformat()
        if m := re.fullmatch(r"([A-Za-z]{3})[a-z]* (\d{1,2}),? (\d{4})", text):
            return date(int(m[3]), _MONTHS[m[1].lower()], int(m[2])).isoformat()
        if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
            return text
    except (ValueError, KeyError):
        pass
    return ""  # not a date moneymen can read: left out (the importer refuses what is not a date)


def ftm_entity(record: Mapping) -> dict:
    """A Senzing record as an FtM entity: Person, Organization (or LegalEntity when it says
    neither), names, birth date, gender, addresses, phones, e-mails and identifiers."""
    features = record["FEATURES"]
    kind = next((f["RECORD_TYPE"] for f in features if "RECORD_TYPE" in f), "")
    schema = {"PERSON": "Person", "ORGANIZATION": "Organization"}.get(kind, "LegalEntity")
    props: dict[str, list[str]] = {}

    def add(prop: str, value: str | None) -> None:
        if value and value.strip() and value.strip() not in props.setdefault(prop, []):
            props[prop].append(value.strip())

    for feature in features:
        alias = feature.get("NAME_TYPE", "").upper() == "AKA"
        name = feature.get("NAME_FULL") or feature.get("NAME_ORG") or " ".join(
            part for part in (feature.get("NAME_FIRST"), feature.get("NAME_MIDDLE"), feature.get("NAME_LAST")) if part)
        if name:
            add("alias" if alias or "name" in props else "name", name)
        if schema == "Person" and not alias:
            add("firstName", feature.get("NAME_FIRST"))
            add("lastName", feature.get("NAME_LAST"))
        if schema == "Person":
            add("birthDate", iso_date(feature["DATE_OF_BIRTH"]) if "DATE_OF_BIRTH" in feature else None)
            gender = {"M": "male", "MALE": "male", "F": "female", "FEMALE": "female"}.get(feature.get("GENDER", "").upper())
            add("gender", gender)
            add("passportNumber", feature.get("PASSPORT_NUMBER"))
            add("idNumber", feature.get("NATIONAL_ID_NUMBER"))
            # each kind of number kept apart by its kind, so an SSN never equals a licence number
            add("idNumber", f"SSN {feature['SSN_NUMBER']}" if "SSN_NUMBER" in feature else None)
            add("idNumber", f"DL {feature.get('DRIVERS_LICENSE_STATE', '')} {feature['DRIVERS_LICENSE_NUMBER']}"
                if "DRIVERS_LICENSE_NUMBER" in feature else None)
        add("taxNumber", feature.get("TAX_ID_NUMBER"))
        add("leiCode", feature.get("LEI_NUMBER"))
        address = feature.get("ADDR_FULL") or ", ".join(
            feature[key] for key in ("ADDR_LINE1", "ADDR_CITY", "ADDR_STATE", "ADDR_POSTAL_CODE", "ADDR_COUNTRY")
            if feature.get(key))
        add("address", address)
        add("country", feature.get("ADDR_COUNTRY"))
        add("phone", feature.get("PHONE_NUMBER"))
        add("email", feature.get("EMAIL_ADDRESS"))
    if "name" not in props:
        props["name"] = [f"record {record['RECORD_ID']}"]
    return {"id": entity_id(record["DATA_SOURCE"], record["RECORD_ID"]), "schema": schema, "properties": props}


def truth(path: Path) -> dict[str, str]:
    """The answer key: record (entity id) → cluster."""
    with path.open(encoding="utf-8") as handle:
        return {entity_id(row["DATA_SOURCE"], row["RECORD_ID"]): row["CLUSTER_ID"] for row in csv.DictReader(handle)}


def scores(predicted: Mapping[str, str], actual: Mapping[str, str]) -> dict[str, float]:
    """Pairwise and B³ precision, recall and F1 of ``predicted`` (record → cluster) against ``actual``,
    over the records of ``actual`` (a record missing from ``predicted`` is a cluster of its own).

    Pairwise: of the pairs of records put together, the share that belong together (precision),
    and of the pairs that belong together, the share put together (recall). B³: per record, the
    share of its predicted cluster that is in its true cluster (precision) and of its true
    cluster that is in its predicted one (recall), averaged over records. Counted through the
    contingency of (predicted, true) clusters, without listing pairs.
    """
    records = list(actual)
    guess = {r: predicted.get(r, f"alone:{r}") for r in records}
    both = Counter((guess[r], actual[r]) for r in records)
    by_guess, by_truth = Counter(guess.values()), Counter(actual.values())

    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    correct = sum(pairs(n) for n in both.values())
    predicted_pairs, true_pairs = sum(pairs(n) for n in by_guess.values()), sum(pairs(n) for n in by_truth.values())
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    b3_p = sum(n * n / by_guess[g] for (g, _), n in both.items()) / len(records)
    b3_r = sum(n * n / by_truth[t] for (_, t), n in both.items()) / len(records)

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    return {"pairs": predicted_pairs, "correct": correct, "true": true_pairs, "precision": precision,
            "recall": recall, "f1": f1(precision, recall), "b3_precision": b3_p, "b3_recall": b3_r,
            "b3_f1": f1(b3_p, b3_r)}


def clusters_of(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Record → cluster for the clusters these pairs join."""
    from moneymen.model import Judgement
    from moneymen.resolve.judgements import Clusters, current

    events = [Judgement(*sorted(pair), "positive", "bench", "2024-01-01T00:00:00Z", id=number)
              for number, pair in enumerate(pairs, start=1)]
    clusters = Clusters(current(events))
    return {node: group[0] for group in clusters.groups() for node in group}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args()
    folder = args.shared / "resolution" / "senzing-truthset"
    if not (folder / "actual_truthset_key.csv").is_file():
        print(f"skipped: {folder} not found")
        return
    from moneymen.services.imports import import_file
    from moneymen.services.resolution import run_xref
    from moneymen.store import open_store
    from moneymen.store import resolution as kept

    actual = truth(folder / "actual_truthset_key.csv")
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "senzing.duckdb") as store:
        for source in SOURCES:
            path = Path(tmp) / f"{source.lower()}.ftm.json"
            with (folder / f"{source.lower()}.jsonl").open(encoding="utf-8") as lines, path.open("w") as out:
                for line in lines:
                    out.write(json.dumps(ftm_entity(json.loads(line))) + "\n")
            import_file(store, path, format="ftm", dataset=f"senzing_{source.lower()}")
        summary = run_xref(store)
        merged = clusters_of(event.pair for event in kept.judgement_log(store))
        reviewed = clusters_of([event.pair for event in kept.judgement_log(store)]
                               + [(c.left_id, c.right_id) for c in kept.candidates(store, status="review")])
    alternate = truth(folder / "alternate_truthset_key.csv")
    sizes = Counter(Counter(actual.values()).values())
    print(f"Senzing truth set: {len(actual)} records in {len(set(actual.values()))} entities (sizes: "
          + ", ".join(f"{size} × {count}" for size, count in sorted(sizes.items())) + f"); xref found "
          f"{summary.pairs} pairs ({summary.statuses.get('merged', 0)} merged, {summary.statuses.get('review', 0)} "
          f"review, {summary.statuses.get('rejected', 0)} rejected)\n")
    rows = []
    for label, predicted in (("moneymen, automatic merges", merged),
                             ("moneymen, if every pair in review were accepted", reviewed),
                             ("Senzing's alternate key (its 'competing algorithm')", alternate)):
        found = scores(predicted, actual)
        rows.append([label, f"{found['correct']}/{found['pairs']}", f"{found['precision']:.3f}",
                     f"{found['recall']:.3f}", f"{found['f1']:.3f}", f"{found['b3_precision']:.3f}",
                     f"{found['b3_recall']:.3f}", f"{found['b3_f1']:.3f}"])
    print(markdown_table(["clusters", "correct/predicted pairs", "pairwise P", "pairwise R", "pairwise F1",
                          "B³ P", "B³ R", "B³ F1"], rows, "lrrrrrrr"))
    print(f"\n(true pairs: {scores(merged, actual)['true']})")


if __name__ == "__main__":
    main()
