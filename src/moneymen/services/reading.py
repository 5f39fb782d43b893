"""Reading a report into the store: fetch or open it, extract, and keep the document and its claims.

:func:`read_source` takes a URL, an HTML or text file, or an RSS/Atom feed (each new item), reads
each document's main text, extracts mentions, relations, events and claims
(:mod:`moneymen.extract`), links the mentions to the store's entities, and stores each document
once (by the sha256 of its text) with its claims in the review queue, one transaction per
document. A document the store already holds is not read again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from moneymen.extract.dates import read_document_date
from moneymen.extract.gazetteer import Gazetteer
from moneymen.extract.extraction import Extraction
from moneymen.extract.outlets import read_outlets
from moneymen.extract.reader import Reader, Report
from moneymen.sources.articles import Article, ArticleError, item_article, looks_like_feed, read_article, read_feed
from moneymen.sources.webfetch import fetch_document
from moneymen.store import Store
from moneymen.store.documents import ClaimRecord, DocumentRecord, add_document, document_by_hash
from moneymen.timestamps import utc_now

#: How alike a mention's name must be to a store entity's to be linked to it.
LINK_THRESHOLD = 0.9
#: The dataset accepted claims go into (an entity only a report named is linked to last).
NEWS_DATASET = "news"
#: Outlet of a document whose outlet neither the reader nor the document names.
UNKNOWN_OUTLET = "unknown outlet"


@dataclass(frozen=True)
class ReadResult:
    """One document read: its stored record, what was extracted, and whether it was already stored."""

    document: DocumentRecord
    extraction: dict
    already_stored: bool

    def to_dict(self) -> dict:
        """The contract of ``moneymen read --json``: the document, then what was extracted."""
        record = self.document
        return {"document": {"id": record.id, "title": record.title, "outlet": record.outlet,
                             "author": record.author, "date": record.published, "url": record.url,
                             "kind": record.kind, "text_sha256": record.text_sha256,
                             "reliability": record.reliability, "read_at": record.read_at,
                             "already_stored": self.already_stored},
                **self.extraction}


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def read_source(store: Store, source: str, *, outlet: str | None = None, date: str | None = None,
                reliability: str | None = None, outlets_path: Path | None = None, insecure: bool = False,
                max_items: int = 200, link: bool = True,
                progress: Callable[[int, int], None] | None = None) -> tuple[list[ReadResult], int]:
    """Read ``source`` (a URL or a file path) into ``store``; the documents read, and the feed items skipped.

    ``outlet``, ``date`` (YYYY-MM-DD) and ``reliability`` (A–F) override what the document says
    of itself and what the outlet table (``outlets_path``, or the bundled one) gives.
    Raises ArticleError (bad or hostile input, with nothing stored) or ValueError (bad options).
    """
    published = read_document_date(date)
    if reliability is not None and reliability.upper() not in "ABCDEF":
        raise ValueError(f"invalid reliability {reliability!r}: expected a letter A–F")
    if is_url(source):
        fetched = fetch_document(source, insecure=insecure)
        data, name, url, content_type = fetched.data, source, fetched.final_url, fetched.content_type
    else:
        path = Path(source)
        if not path.is_file():
            raise ArticleError(f"{source}: no such file")
        data, name, url, content_type = path.read_bytes(), str(path), None, None
    skipped = 0
    articles: list[Article]
    if looks_like_feed(data, content_type):
        feed = read_feed(data, name=name, max_items=max_items)
        articles = [item_article(item, feed) for item in feed.items]
        skipped = feed.skipped
    else:
        articles = [read_article(data, name=name, url=url, content_type=content_type)]
    names = StoreNames(store) if link else None
    reader = Reader(read_outlets(outlets_path), linker=names.link if names else None,
                    gazetteer=names.gazetteer() if names else None)
    results = []
    for done, article in enumerate(articles, start=1):
        results.append(_read_one(store, reader, article, outlet, published, reliability))
        if progress is not None:
            progress(done, len(articles))
    return results, skipped


def _read_one(store: Store, reader: Reader, article: Article, outlet: str | None, published, reliability) -> ReadResult:
    existing = document_by_hash(store, article.text_sha256)
    if existing is not None:
        return ReadResult(existing, json.loads(existing.extraction), already_stored=True)
    name = outlet or article.outlet or UNKNOWN_OUTLET
    when = published if published is not None else read_document_date(article.published)
    report = Report(article.text, name, when, reliability, title=article.title)
    extraction = reader.read(report)
    data = extraction.to_dict()
    record = DocumentRecord(
        id=f"doc-{article.text_sha256[:12]}", title=article.title, outlet=name, author=article.author,
        published=when.isoformat() if when else None, url=article.url, kind=article.kind, text=article.text,
        text_sha256=article.text_sha256, raw_sha256=article.raw_sha256, reliability=reader.reliability_of(report),
        read_at=utc_now(), extraction=json.dumps(data, ensure_ascii=False))
    with store.transaction():
        add_document(store, record, claim_records(record.id, extraction, data))
    return ReadResult(record, data, already_stored=False)


def claim_records(document_id: str, extraction: Extraction, data: dict) -> list[ClaimRecord]:
    """The review-queue rows of a document's claims, each with the mentions its content names."""
    mentions = {m["id"]: m for m in data["mentions"]}
    records = []
    for number, (claim, shown) in enumerate(zip(extraction.claims, data["claims"]), start=1):
        named = {mention_id for item in shown["relations"] for mention_id in (item["subject_id"], item["object_id"])}
        named |= {mention_id for item in shown["events"] for mention_id in item["participant_ids"]}
        content = {"relations": shown["relations"], "events": shown["events"],
                   "mentions": [mentions[m] for m in sorted(named, key=lambda m: int(m[1:])) if m in mentions],
                   "chain": shown["chain"], "chain_ids": shown["chain_ids"]}
        records.append(ClaimRecord(
            id=f"{document_id}:{claim.id}", document_id=document_id, number=number, evidence=claim.evidence.text,
            start_offset=claim.evidence.start, end_offset=claim.evidence.end,
            chain=json.dumps(shown["chain"], ensure_ascii=False), hedged=claim.hedged,
            hedge_cues=json.dumps(claim.hedge_cues, ensure_ascii=False), polarity=claim.polarity, grade=claim.grade,
            content=json.dumps(content, ensure_ascii=False), status="pending"))
    return records


class StoreNames:
    """The store's people and organisations as reading needs them: a gazetteer of their names (to
    find the spans the model missed) and a linker from a mention's names to an entity, through
    the screening index (built or loaded on first use; nothing when the store holds no entity)."""

    def __init__(self, store: Store):
        self.store = store
        self._screener = None
        self._empty = store.count_statements() == 0
        self._cache: dict[tuple[str, str], str | None] = {}

    def screener(self):
        from moneymen.services.screening import screener_of_store

        if self._screener is None and not self._empty:
            self._screener = screener_of_store(self.store)
        return self._screener

    def gazetteer(self) -> Gazetteer | None:
        """Every name and alias of the store's people and organisations."""
        screener = self.screener()
        if screener is None:
            return None
        names: list[tuple[str, str]] = []
        for entity in screener.entities:
            kind = "Person" if entity.schema == "Person" else "Organization" \
                if entity.schema in _ORGANISATION_SCHEMATA else None
            if kind is not None and NEWS_DATASET not in entity.datasets:
                names.extend((name, kind) for prop in ("name", "alias") for name in entity.properties.get(prop, ()))
        return Gazetteer(names)

    def link(self, names: Sequence[str], kind: str) -> str | None:
        """The store entity a mention with these ``names`` names, if one scores at least
        :data:`LINK_THRESHOLD`: a listed record before an entity only an earlier report named."""
        from moneymen.match.profiles import Profile

        schema = "Person" if kind == "Person" else "LegalEntity"
        wanted = [n for n in names if len(n.split()) >= 2 or kind != "Person"]
        key = ("\x1f".join(wanted), schema)
        if not wanted or key in self._cache:
            return self._cache.get(key)
        screener = self.screener()
        best: tuple[bool, float, str] | None = None
        for name in wanted if screener is not None else ():
            for result in screener.screen(Profile.from_properties(schema, {"name": [name]}),
                                          threshold=LINK_THRESHOLD, limit=5):
                found = (set(result.entity.datasets) != {NEWS_DATASET}, result.score, result.entity.id)
                if result.score >= LINK_THRESHOLD and (best is None or found[:2] > best[:2]):
                    best = found
        self._cache[key] = best[2] if best else None
        return self._cache[key]


#: Schemata whose names the gazetteer takes as organisations'.
_ORGANISATION_SCHEMATA = frozenset({"Organization", "Company", "LegalEntity", "PublicBody"})
