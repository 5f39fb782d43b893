"""Importers, one per format. Each turns a file into FtM entities; ``moneymen.services.imports`` stores them.

A format is a module with ``read(path, context)`` and ``sniff(head_bytes)``, plus the
default dataset name and Admiralty grade of what it reads (:data:`FORMATS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType

from moneymen.model import Grade
from moneymen.sources.base import ImportContext, SourceEntity, SourceError

__all__ = ["FORMATS", "Format", "ImportContext", "SourceEntity", "SourceError", "detect_format", "get_format"]


@dataclass(frozen=True)
class Format:
    """An input format: its importer module, default dataset and default grade.

    Official sanctions lists are graded A2: the publishing government or the UN is a
    completely reliable source of what it designates (A), and the identifying details it
    lists are probably true but not independently confirmed (2). Data of unknown origin is
    F6 (cannot be judged) until the analyst says otherwise with ``--grade``.
    """

    name: str
    module: str
    dataset: str | None
    grade: Grade
    description: str
    #: Whether its files name the dataset of each entity or statement (OpenSanctions' data), so that
    #: an import writes those datasets rather than one of its own.
    file_datasets: bool = False

    @property
    def importer(self) -> ModuleType:
        return import_module(self.module)


FORMATS: dict[str, Format] = {
    "un": Format("un", "moneymen.sources.un", "un_sc", Grade("A", "2"), "UN Security Council consolidated list (XML)"),
    "ofac": Format("ofac", "moneymen.sources.ofac", "us_ofac_sdn", Grade("A", "2"), "OFAC SDN list (legacy sdn.csv, with alt.csv/add.csv)"),
    "opensanctions": Format("opensanctions", "moneymen.sources.opensanctions", None, Grade("F", "6"),
                            "OpenSanctions' published data (entities.ftm.json or statements.csv)", file_datasets=True),
    "ftm": Format("ftm", "moneymen.sources.ftm", None, Grade("F", "6"), "FollowTheMoney JSON lines (entities or statements)"),
    "csv": Format("csv", "moneymen.sources.csvmap", None, Grade("F", "6"), "CSV with a mapping file (column -> FtM property)"),
}


def get_format(name: str) -> Format:
    """The format called ``name``; ValueError listing the known ones otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; expected one of: {', '.join(FORMATS)}") from None


def detect_format(path: Path) -> Format:
    """Guess the format of ``path`` from its first bytes (and a mapping-less CSV is not guessed)."""
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    for name in ("un", "opensanctions", "ftm", "ofac"):
        fmt = FORMATS[name]
        if fmt.importer.sniff(head):
            return fmt
    raise SourceError(
        path, None, "cannot tell the format from the content; pass --format un|ofac|opensanctions|ftm|csv (csv needs --mapping)"
    )
