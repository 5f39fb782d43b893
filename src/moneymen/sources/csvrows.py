"""The rows of a CSV file with a header, read in bounded memory (UTF-8, at most ``MAX_FIELD`` a field).

What every reader of a user's CSV shares (mapped imports, OpenSanctions statements, batch
screening, pairs to score); it needs no FtM, so that scoring pairs does not load FtM's model.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from moneymen import safeyaml
from moneymen.sources.base import SourceError, read_bounded_lines

#: Largest single CSV field accepted.
MAX_FIELD = 1024 * 1024


def read_rows(path: Path, progress: Callable[[int, int], None] | None = None,
              header_out: list[str] | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row as dict) of a UTF-8 CSV with a header, in bounded memory.

    A UTF-8 byte-order mark is dropped; a UTF-16 file is refused with a message saying so.
    ``progress(bytes_done, bytes_total)`` is called now and then; ``header_out``, if given,
    receives the header's column names as soon as the header is read (before the first row).
    """
    report = progress or (lambda done, total: None)
    total = path.stat().st_size
    csv.field_size_limit(MAX_FIELD)
    with path.open("rb") as handle:
        if safeyaml.looks_like_utf16(handle.read(safeyaml.HEAD_BYTES)):
            raise SourceError(path, None, "the CSV is UTF-16 text; save it as UTF-8 (\"CSV UTF-8\" in Excel)")
        handle.seek(0)
        lines = _decoded_lines(path, handle)
        reader = csv.reader(lines, strict=True)
        try:
            header = next(reader, None)
            if not header:
                raise SourceError(path, 1, "empty file; expected a header row")
            header = [name.strip().lstrip("\ufeff") for name in header]
            if header_out is not None:
                header_out.extend(header)
            for row in reader:
                if not row or row == [""]:
                    continue
                if len(row) != len(header):
                    raise SourceError(
                        path, reader.line_num, f"expected {len(header)} fields as in the header, found {len(row)}"
                    )
                yield reader.line_num, dict(zip(header, row))
                if reader.line_num % 5000 == 0:
                    report(handle.tell(), total)
        except csv.Error as error:
            raise SourceError(path, reader.line_num, f"malformed CSV: {error}") from None
    report(total, total)


def _decoded_lines(path: Path, handle) -> Iterator[str]:
    for number, line in read_bounded_lines(handle, path, limit=MAX_FIELD * 4):
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise SourceError(
                path, number, f"not UTF-8 text (byte {line[error.start]:#x} at column {error.start + 1}); "
                "save the CSV as UTF-8"
            ) from None
