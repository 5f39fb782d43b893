"""Score a CSV of name pairs, for analysts calibrating the matcher on their own labelled data.

Pairs are scored in chunks of ``CHUNK`` rows; a CSV of more than one chunk is scored by forked
processes, one per usable core (at most ``MAX_WORKERS``), while this one reads the rows ahead and
writes the results in the order of the input: the scores are those one process would give.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from moneymen.files import SafeDictWriter, atomic_write
from moneymen.match.profiles import DEFAULT_THRESHOLD, Profile, compare_profiles
from moneymen.sources.base import SourceError
from moneymen.sources.csvrows import read_rows

#: Pairs scored together (by one process).
CHUNK = 1_000
#: The most processes that score pairs at once.
MAX_WORKERS = 8


@lru_cache(maxsize=100_000)
def name_profile(schema: str, name: str) -> Profile:
    """The profile of a lone name (a CSV of pairs names most entities several times: each is read once)."""
    return Profile.from_properties(schema, {"name": [name]})


def verdicts(pairs: list[tuple[str, str, str]], threshold: float) -> list[tuple[float, bool] | str]:
    """(score, match) of each (schema, left name, right name), or why the pair cannot be scored."""
    found: list[tuple[float, bool] | str] = []
    for schema, left, right in pairs:
        try:
            verdict = compare_profiles(name_profile(schema, left), name_profile(schema, right), threshold)
        except ValueError as error:
            found.append(str(error))
            continue
        found.append((verdict.score, verdict.match))
    return found


def score_pairs(source: Path, target: Path, schema: str = "Person", threshold: float = DEFAULT_THRESHOLD,
                progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Read ``left,right[,schema]`` rows, write them back with ``score,match``; return (pairs, matches).

    Every cell written, the input's own included, is guarded against spreadsheet formulas
    (:class:`moneymen.files.SafeDictWriter`). The first row that cannot be read or scored, in the
    order of the file, stops the run with a SourceError naming its line; nothing is written then.
    """
    header: list[str] = []
    rows = read_rows(source, header_out=header)
    count = matches = 0
    with atomic_write(target) as out:
        writer = None
        for chunk, found in _scored(_chunks(rows, header, source, schema), threshold):
            if writer is None:
                writer = SafeDictWriter(out, fieldnames=[*header, "score", "match"])
                writer.writeheader()
            for (number, row, _), verdict in zip(chunk, found):
                if isinstance(verdict, str):
                    raise SourceError(source, number, verdict)
                writer.writerow({**row, "score": f"{verdict[0]:.4f}", "match": str(verdict[1]).lower()})
                count += 1
                matches += verdict[1]
                if progress is not None and count % 500 == 0:
                    progress(count)
        if writer is None:
            raise SourceError(source, 1, "no pairs: expected a header left,right and one row per pair")
    return count, matches


_Chunk = list[tuple[int, dict[str, str], tuple[str, str, str]]]


def _chunks(rows: Iterable[tuple[int, dict[str, str]]], header: list[str], source: Path,
            schema: str) -> Iterator[_Chunk]:
    """The rows by chunks of ``CHUNK``: (line number, row, (schema, left, right)) each. A row that
    cannot be read ends the chunk before it, then raises."""
    chunk: _Chunk = []
    try:
        for number, row in rows:
            if not chunk:
                missing = {"left", "right"} - set(header)
                if missing:
                    raise SourceError(source, 1, f"expected columns left,right (and optionally schema); "
                                      f"missing {', '.join(sorted(missing))}")
            chunk.append((number, row, ((row.get("schema") or "").strip() or schema, row["left"], row["right"])))
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
    except SourceError:
        if chunk:
            yield chunk
        raise
    if chunk:
        yield chunk


def _workers() -> int:
    """Processes to score with: the usable cores (at most ``MAX_WORKERS``), one where processes cannot fork."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(usable, MAX_WORKERS))


def _scored(chunks: Iterator[_Chunk], threshold: float) -> Iterator[tuple[_Chunk, list]]:
    """Each chunk with its verdicts, in order: here for a CSV of one chunk (or a machine of one core),
    else the first here and the others in forked processes (which inherit the tables and names the
    first one loaded), reading at most two chunks a process ahead. A row that cannot be read is
    raised after the verdicts of the rows before it."""
    workers = _workers()
    pending: deque = deque()  # (chunk, its verdicts: a list, a worker's result to come, or None: to score here)
    pool = None

    def scored(chunk: _Chunk) -> list:
        return verdicts([pair for _, _, pair in chunk], threshold)

    def submitted(chunk: _Chunk):
        return pool.apply_async(verdicts, ([pair for _, _, pair in chunk], threshold)) if pool is not None else None

    def done() -> tuple[_Chunk, list]:
        chunk, result = pending.popleft()
        if result is None:
            return chunk, scored(chunk)
        return chunk, result if isinstance(result, list) else result.get()

    try:
        try:
            for chunk in chunks:
                if pending and pool is None and workers > 1:  # more than one chunk: score in workers
                    pending = deque((waiting, scored(waiting)) for waiting, _ in pending)
                    pool = multiprocessing.get_context("fork").Pool(workers)
                pending.append((chunk, submitted(chunk)))
                while len(pending) > 2 * workers:
                    yield done()
        except SourceError:
            while pending:
                yield done()
            raise
        while pending:
            yield done()
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
