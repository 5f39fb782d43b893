"""What every importer shares: the error it raises, the entity it yields, the context it reads.

An importer is a function ``read(path, context) -> Iterator[SourceEntity]``. It only turns
input into entities with properties; the ingest layer (``moneymen.services.imports``) turns those into
statements with provenance and writes them in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from moneymen.model import Grade, Origin

#: Longest line or record an importer accepts. Anything larger is hostile or broken input.
MAX_RECORD_BYTES = 8 * 1024 * 1024


class SourceError(Exception):
    """Bad input: names the file, the line or record, and what was expected."""

    def __init__(self, path: Path | str, where: str | int | None, message: str):
        self.path = str(path)
        self.where = where
        self.message = message
        if isinstance(where, int):
            location = f"{self.path}, line {where}"
        elif where:
            location = f"{self.path}, {where}"
        else:
            location = self.path
        super().__init__(f"{location}: {message}")


@dataclass(slots=True)
class Value:
    """One property value as read from the source, with optional per-value provenance.

    The overrides (quote, grade, seen dates…) are for sources that carry statement-level
    provenance, such as our own lossless FtM export. ``original`` is the source's text when the
    source itself already cleaned it into ``value`` (an FtM statement's ``original_value``, or a
    mapping's date format); the import cleans ``value`` again and keeps the first original.
    """

    prop: str
    value: str
    quote: str | None = None
    lang: str | None = None
    overrides: dict[str, str | None] | None = None
    original: str | None = None


@dataclass(slots=True)
class SourceEntity:
    """An entity read from a source: an FtM schema, an id, property values and where it came from."""

    id: str
    schema: str
    record: str | None = None
    line: int | None = None
    values: list[Value] = field(default_factory=list)
    dataset: str | None = None
    #: Ids the source says are this same entity (OpenSanctions' ``referents``), kept for resolution.
    referents: list[str] = field(default_factory=list)

    def add(self, prop: str, value: object, quote: str | None = None, lang: str | None = None) -> None:
        """Add a value (ignores None and blank strings). ``prop`` must exist on the FtM schema."""
        if value is None:
            return
        text = str(value).strip()
        if not text:
            return
        self.values.append(Value(prop, text, quote=quote, lang=lang))

    def deduplicate(self) -> "SourceEntity":
        """Drop repeated (property, value) pairs, keeping the first of each in order."""
        seen: set[tuple[str, str]] = set()
        unique = []
        for value in self.values:
            key = (value.prop, value.value)
            if key not in seen:
                seen.add(key)
                unique.append(value)
        self.values = unique
        return self

    def first(self, prop: str) -> str | None:
        """The first value of ``prop``, if any."""
        for value in self.values:
            if value.prop == prop:
                return value.value
        return None


@dataclass(slots=True)
class ImportContext:
    """What an importer knows about the run: dataset name, default grade, when the list was seen.

    ``seen`` is the list's own publication time when the importer can read it
    (``set_seen``), else the time of import.
    """

    dataset: str
    grade: Grade
    retrieved_at: str
    seen: str
    source_url: str | None = None
    origin: Origin = Origin.IMPORT
    mapping: Path | None = None
    #: Called by importers with (done, total) in bytes of the input, for progress bars.
    progress: Callable[[int, int], None] | None = None
    #: Set by an importer that reads the list's publication date from the file.
    list_date: str | None = None
    #: A restore of a moneymen export: statement-level provenance in the file is kept as written.
    restore: bool = False
    #: For a format whose files name their datasets (OpenSanctions): (path, where, name) → the
    #: dataset the store keeps that name's statements in (set by :mod:`moneymen.services.imports`).
    dataset_names: Callable[[Path, str | int | None, str], str] | None = None
    #: What the importer tells the user about the file (things it skipped, and why).
    warnings: list[str] = field(default_factory=list)

    def set_seen(self, timestamp: str) -> None:
        """Record the list's own publication time; statements are then dated by it."""
        self.list_date = timestamp
        self.seen = timestamp

    def report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)


def read_bounded_lines(handle: IO[bytes], path: Path, limit: int = MAX_RECORD_BYTES) -> Iterator[tuple[int, bytes]]:
    """Yield (line number, line) without ever holding more than ``limit`` bytes of one line."""
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            raise SourceError(path, number, f"line is longer than {limit // (1024 * 1024)} MiB; expected one record per line")
        yield number, line


Reader = Callable[[Path, ImportContext], Iterator[SourceEntity]]
