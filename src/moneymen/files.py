"""Writing files so that a failure never leaves half a file under the name the user asked for.

:func:`atomic_write` writes beside the target and renames at the end; what it writes gets the
permissions the user's umask asks for (or those of the file it replaces). Every CSV file moneymen writes
(screening results, scored pairs, the statements export, a report's tables) goes through
:class:`SafeCsvWriter` or :class:`SafeDictWriter`: names and other values come from untrusted lists,
articles and the user's own files, so each text cell that a spreadsheet would read as a formula (it
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading apostrophe
(:func:`safe_cell`, OWASP's advice against CSV injection); numbers are written as numbers.
"""

from __future__ import annotations

import csv
import os
import secrets
import stat
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_write(path: Path, mode: str = "w") -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place only on success.

    The file gets the permissions a plain ``open(path, "w")`` would give it: those of the file it
    replaces, or for a new file 0666 less the user's umask (0644 under the usual 022), as the
    user expects of what a command writes for them. (The evidence store itself is the
    exception: it is created owner-only, see :mod:`moneymen.store.duckdb`.)
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        replaced: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        replaced = None
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.part")
    # "x": created here, never an existing file, with 0666 less the umask like any file open() creates
    exclusive = mode.replace("w", "x")
    out = open(temporary, exclusive) if "b" in mode else open(temporary, exclusive, encoding="utf-8", newline="")
    try:
        with out:
            if replaced is not None:
                os.chmod(temporary, replaced)
            yield out
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` ready for a CSV cell: numbers as they are, text with a leading ``'`` if it could be a formula.

    Only a Python ``int`` or ``float`` stays a number; text that looks like one (``"-2+3"``) is text and
    is guarded. ``None`` is an empty cell, a bool ``yes``/``no``, a list or tuple its items joined with ``"; "``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(item) for item in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeCsvWriter:
    """A :func:`csv.writer` whose every cell goes through :func:`safe_cell` (names come from untrusted lists)."""

    def __init__(self, out: IO[str], **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        """Write one row, each cell made safe."""
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write every row, each cell made safe."""
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """A :class:`csv.DictWriter` whose every cell, the header's included, goes through :func:`safe_cell`."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        """Write one row (``writeheader`` comes through here too), each cell made safe."""
        return super().writerow({key: safe_cell(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        """Write every row, each cell made safe."""
        for rowdict in rowdicts:
            self.writerow(rowdict)
