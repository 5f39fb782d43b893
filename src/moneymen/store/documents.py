"""What the store keeps of the news: documents read and the claims extracted from them (migration 006).

Call the writing functions inside :meth:`Store.transaction`; :mod:`moneymen.services.reading`
and :mod:`moneymen.services.claims` do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, dataclass, fields

from moneymen.store.base import Store

__all__ = ["ClaimRecord", "DocumentRecord", "add_document", "claim", "claims", "decide_claim", "document",
           "document_by_hash", "documents"]


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """A document as stored: where it came from, its text, and the extraction (JSON text)."""

    id: str
    title: str | None
    outlet: str
    author: str | None
    published: str | None
    url: str | None
    kind: str
    text: str
    text_sha256: str
    raw_sha256: str
    reliability: str
    read_at: str
    extraction: str


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """A claim in the review queue (JSON text in ``chain``, ``hedge_cues`` and ``content``)."""

    id: str
    document_id: str
    number: int
    evidence: str
    start_offset: int
    end_offset: int
    chain: str
    hedged: bool
    hedge_cues: str
    polarity: str
    grade: str
    content: str
    status: str
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None
    import_id: int | None = None


_DOCUMENT_COLUMNS = ", ".join(f.name for f in fields(DocumentRecord))
_CLAIM_COLUMNS = ", ".join(f.name for f in fields(ClaimRecord))


def add_document(store: Store, record: DocumentRecord, claim_records: Sequence[ClaimRecord]) -> None:
    """Store a document and its claims."""
    engine = store.engine
    engine.execute(f"INSERT INTO documents ({_DOCUMENT_COLUMNS}) VALUES ({', '.join('?' * len(fields(DocumentRecord)))})",
                   list(astuple(record)))
    marks = ", ".join("?" * len(fields(ClaimRecord)))
    for item in claim_records:
        engine.execute(f"INSERT INTO claims ({_CLAIM_COLUMNS}) VALUES ({marks})", list(astuple(item)))


def document_by_hash(store: Store, text_sha256: str) -> DocumentRecord | None:
    """The document whose cleaned text has this sha256, if the store holds it."""
    rows = store.engine.execute(f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE text_sha256 = ?", [text_sha256])
    return DocumentRecord(*rows[0]) if rows else None


def document(store: Store, document_id: str) -> DocumentRecord | None:
    rows = store.engine.execute(f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id = ?", [document_id])
    return DocumentRecord(*rows[0]) if rows else None


def documents(store: Store) -> list[DocumentRecord]:
    """Every document, oldest read first."""
    rows = store.engine.execute(f"SELECT {_DOCUMENT_COLUMNS} FROM documents ORDER BY read_at, id")
    return [DocumentRecord(*row) for row in rows]


def claims(store: Store, document_id: str | None = None, status: str | None = None) -> list[ClaimRecord]:
    """The claims of one document or all, of one status or all, in document and text order."""
    where, params = [], []
    if document_id is not None:
        where.append("document_id = ?")
        params.append(document_id)
    if status is not None:
        where.append("status = ?")
        params.append(status)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = store.engine.execute(f"SELECT {_CLAIM_COLUMNS} FROM claims{clause} ORDER BY document_id, number", params)
    return [ClaimRecord(*row) for row in rows]


def claim(store: Store, claim_id: str) -> ClaimRecord | None:
    rows = store.engine.execute(f"SELECT {_CLAIM_COLUMNS} FROM claims WHERE id = ?", [claim_id])
    return ClaimRecord(*rows[0]) if rows else None


def decide_claim(store: Store, claim_id: str, status: str, decided_by: str, decided_at: str, reason: str | None,
                 import_id: int | None = None, grade: str | None = None, chain: str | None = None,
                 content: str | None = None) -> None:
    """Record an analyst's decision on a claim (and, for an edit, the grade, chain or content changed)."""
    store.engine.execute(
        "UPDATE claims SET status = ?, decided_by = ?, decided_at = ?, reason = ?, import_id = ?, "
        "grade = coalesce(?, grade), chain = coalesce(?, chain), content = coalesce(?, content) WHERE id = ?",
        [status, decided_by, decided_at, reason, import_id, grade, chain, content, claim_id])
