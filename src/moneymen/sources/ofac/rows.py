"""Reading OFAC's CSV files (``sdn.csv``, ``alt.csv``, ``add.csv``) into rows, line by line, bounded.

Each physical line is read as UTF-8 when it is valid UTF-8, else as CP1252 (Latin-1 for the
five bytes CP1252 leaves undefined); a Ctrl-Z line reads as blank, a UTF-8 byte-order mark is
dropped. ``-0-`` (often followed by spaces) means "no value".
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from moneymen.sources.base import ImportContext, SourceError, read_bounded_lines

NULL = "-0-"
SDN_COLUMNS = (
    "ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign",
    "Vess_type", "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks",
)
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
ADD_COLUMNS = ("ent_num", "add_num", "address", "city/state/postal", "country", "add_remarks")
#: Longest single CSV field accepted.
MAX_FIELD_CHARS = 1024 * 1024
#: Report progress every this many bytes.
PROGRESS_STEP = 256 * 1024
#: Longest ent_num (OFAC's are at most five digits today).
MAX_ENT_NUM_DIGITS = 10


@dataclass(slots=True)
class Row:
    """One row of ``sdn.csv``: the line it starts on, its ent_num and its cells (None for no value)."""

    line: int
    ent_num: str
    fields: list[str | None]

    def get(self, column: str) -> str | None:
        return self.fields[SDN_COLUMNS.index(column)]


class Progress:
    """Reports how many bytes of the files of one import are read, every :data:`PROGRESS_STEP`."""

    def __init__(self, context: ImportContext, total: int):
        self.context, self.total, self.base, self.last = context, total, 0, 0

    def at(self, offset: int) -> None:
        done = self.base + offset
        if done - self.last >= PROGRESS_STEP:
            self.last = done
            self.context.report(done, self.total)

    def finish_file(self, size: int) -> None:
        self.base += size

    def done(self) -> None:
        self.context.report(self.total, self.total)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:  # the five bytes CP1252 leaves undefined
            return raw.decode("latin-1")


def _lines(handle, path: Path, progress: Progress) -> Iterator[str]:
    """Decoded physical lines, bounded in length; a Ctrl-Z line reads as a blank line."""
    for number, raw in read_bounded_lines(handle, path):
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if raw.strip() == b"\x1a":
            raw = b"\n"
        progress.at(handle.tell())
        yield _decode(raw)


def _records(path: Path, columns: tuple[str, ...], progress: Progress) -> Iterator[tuple[int, list[str]]]:
    """(first line, fields) of each non-blank CSV record of ``path``, checked for its field count."""
    previous_limit = csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        with path.open("rb") as handle:
            reader = csv.reader(_lines(handle, path, progress), strict=True)
            start = 1
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except csv.Error as error:
                    raise SourceError(path, start, _csv_problem(str(error), start)) from None
                line, start = start, reader.line_num + 1
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    continue
                if len(fields) != len(columns):
                    raise SourceError(path, line, f"expected {len(columns)} comma-separated fields "
                                                  f"({','.join(columns)}), found {len(fields)}")
                yield line, fields
            progress.finish_file(handle.tell())
    finally:
        csv.field_size_limit(previous_limit)


def _csv_problem(message: str, line: int) -> str:
    if "field larger than field limit" in message:
        return (f"a field is longer than {MAX_FIELD_CHARS // (1024 * 1024)} MiB (an unterminated quote starting "
                f"on line {line}?)")
    if "unexpected end of data" in message or "EOF" in message:
        return f"unterminated quoted field starting on line {line}: the file looks truncated"
    return f"malformed CSV ({message})"


def _clean(value: str) -> str | None:
    value = value.strip()
    return None if not value or value == NULL else value


def _ent_num(path: Path, line: int, value: str) -> str:
    value = value.strip()
    if not value.isascii() or not value.isdigit():
        raise SourceError(path, line, f"ent_num must be a whole number, found {value[:40]!r}")
    number = value.lstrip("0") or "0"
    if len(number) > MAX_ENT_NUM_DIGITS:
        raise SourceError(path, line, f"ent_num must be a whole number of at most {MAX_ENT_NUM_DIGITS} digits, "
                                      f"found {len(number):,} digits ({value[:20]}…)")
    return number


def read_sdn(path: Path, progress: Progress) -> list[Row]:
    """The rows of an SDN file, checked: an ent_num on each, never twice, and a listed name."""
    rows: list[Row] = []
    seen: dict[str, int] = {}
    first = True
    for line, fields in _records(path, SDN_COLUMNS, progress):
        if first and fields[0].strip().lower() == "ent_num":
            first = False  # the header row of the derived (UTF-8) form
            continue
        first = False
        ent_num = _ent_num(path, line, fields[0])
        if ent_num in seen:
            raise SourceError(path, line, f"ent_num {ent_num} is repeated (first on line {seen[ent_num]})")
        seen[ent_num] = line
        values = [_clean(value) for value in fields]
        values[0] = ent_num
        if not values[1]:
            raise SourceError(path, line, "SDN_Name is empty; expected the listed name")
        rows.append(Row(line, ent_num, values))
    return rows


def read_table(path: Path, columns: tuple[str, ...], progress: Progress) -> Iterator[tuple[int, list[str | None]]]:
    """(line, cells) of each row of ``alt.csv`` or ``add.csv`` (``columns``), the ent_num checked."""
    first = True
    for line, fields in _records(path, columns, progress):
        if first and fields[0].strip().lower() == "ent_num":
            first = False
            continue
        first = False
        values = [_clean(value) for value in fields]
        values[0] = _ent_num(path, line, fields[0])
        yield line, values


def programs(text: str | None) -> list[str]:
    """Program codes of a Program cell: ``NPWMD] [DPRK2`` → ["NPWMD", "DPRK2"]."""
    if not text:
        return []
    codes = (code.strip(" []") for code in text.split("] ["))
    return list(dict.fromkeys(code for code in codes if code and code != NULL))
