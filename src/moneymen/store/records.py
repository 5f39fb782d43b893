"""What the store remembers of imports and scenario runs, as it hands them back."""

from __future__ import annotations

from dataclasses import dataclass

from moneymen.model import RunProvenance

__all__ = ["ImportRecord", "ScenarioRunRecord"]


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """One run of an importer, as the store remembers it.

    ``kind`` is ``version`` (a new version of the dataset: what it no longer lists is delisted),
    ``addition`` (more of the dataset: delists nothing) or ``restore`` (a moneymen export put
    back with its own provenance). ``key_sha256`` digests everything that shaped the statements
    (files, mapping, grade, options); ``revertible`` is false for imports made before moneymen
    kept undo records; ``reverted_at`` is set once the import has been reverted.
    """

    id: int
    dataset: str
    format: str
    path: str
    sha256: str
    list_date: str | None
    seen: str
    started_at: str
    finished_at: str | None
    entities: int | None
    statements: int | None
    grade: str
    key_sha256: str | None = None
    kind: str = "version"
    revertible: bool = False
    reverted_at: str | None = None


@dataclass(frozen=True, slots=True)
class ScenarioRunRecord:
    """A saved scenario run, as the store keeps it: its id, what produced it and its results (JSON text)."""

    id: int
    provenance: RunProvenance
    results: str
