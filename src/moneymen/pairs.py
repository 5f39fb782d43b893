"""Score a CSV of name pairs, for analysts calibrating the matcher on their own labelled data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from moneymen.files import SafeDictWriter, atomic_write
from moneymen.match.entities import DEFAULT_THRESHOLD, Profile, compare_profiles
from moneymen.sources.base import SourceError
from moneymen.sources.csvrows import read_rows


def score_pairs(source: Path, target: Path, schema: str = "Person", threshold: float = DEFAULT_THRESHOLD,
                progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Read ``left,right[,schema]`` rows, write them back with ``score,match``; return (pairs, matches).

    Every cell written, the input's own included, is guarded against spreadsheet formulas
    (:class:`moneymen.files.SafeDictWriter`).
    """
    header: list[str] = []
    rows = read_rows(source, header_out=header)
    count = matches = 0
    with atomic_write(target) as out:
        writer = None
        for number, row in rows:
            if writer is None:
                missing = {"left", "right"} - set(header)
                if missing:
                    raise SourceError(source, 1, f"expected columns left,right (and optionally schema); "
                                      f"missing {', '.join(sorted(missing))}")
                writer = SafeDictWriter(out, fieldnames=[*header, "score", "match"])
                writer.writeheader()
            pair_schema = (row.get("schema") or "").strip() or schema
            try:
                verdict = compare_profiles(Profile.from_properties(pair_schema, {"name": [row["left"]]}),
                                           Profile.from_properties(pair_schema, {"name": [row["right"]]}), threshold)
            except ValueError as error:
                raise SourceError(source, number, str(error)) from None
            writer.writerow({**row, "score": f"{verdict.score:.4f}", "match": str(verdict.match).lower()})
            count += 1
            matches += verdict.match
            if progress is not None and count % 500 == 0:
                progress(count)
        if writer is None:
            raise SourceError(source, 1, "no pairs: expected a header left,right and one row per pair")
    return count, matches
