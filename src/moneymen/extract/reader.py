"""Reading a report: text in, :class:`~moneymen.extract.extraction.Extraction` out.

:class:`Reader` runs the pipeline of :mod:`moneymen.extract` on one text or many: parse (spaCy),
mentions and their coreference, claims and their chains, events and relations (each tied to the
claims whose words state them), dates resolved against the document's date, grades.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Doc

from moneymen.extract.attribution import attribute
from moneymen.extract.dates import resolve_date
from moneymen.extract.events import find_events
from moneymen.extract.extraction import Claim, Extraction
from moneymen.extract.gazetteer import Gazetteer
from moneymen.extract.grading import grade
from moneymen.extract.coreference import cluster
from moneymen.extract.mentions import Linker, find_candidates
from moneymen.extract.nlp import parse, parse_many, text_of
from moneymen.extract.outlets import OutletTable, bundled_outlets
from moneymen.extract.quotes import innermost, quotations
from moneymen.extract.relations import find_relations
from moneymen.model import RELIABILITY


@dataclass(frozen=True)
class Report:
    """A text to read, with what the reader knows about it."""

    text: str
    outlet: str
    published: dt.date | None = None
    reliability: str | None = None    # overrides the outlet table's letter
    title: str | None = None          # a headline the text starts with holds no claims or events

    @property
    def headline_end(self) -> int:
        """Where the headline ends, when the text starts with it; else 0."""
        if self.title and self.text.startswith(self.title.strip()):
            return len(self.title.strip())
        return 0


class Reader:
    """Reads reports with one outlet table and, optionally, the store's names: a ``linker`` to its
    entities and a ``gazetteer`` of the names the model may miss."""

    def __init__(self, outlets: OutletTable | None = None, linker: Linker | None = None,
                 gazetteer: Gazetteer | None = None):
        self.outlets = outlets or bundled_outlets()
        self.linker = linker
        self.gazetteer = gazetteer

    def read(self, report: Report) -> Extraction:
        """Everything extracted from one report."""
        return self._linked(self._extract(report, parse(report.text)))

    def read_many(self, reports: Iterable[Report], processes: int = 1, chunk: int = 16) -> Iterator[Extraction]:
        """Many reports, in order: in this process, or in ``processes`` worker processes that each
        parse and extract ``chunk`` reports at a time (mentions are linked here, in the caller's
        process, where the store is)."""
        if processes <= 1:
            for batch in _chunks(reports, chunk):
                for report, doc in zip(batch, parse_many([r.text for r in batch], batch_size=chunk)):
                    yield self._linked(self._extract(report, doc))
            return
        import multiprocessing

        context = multiprocessing.get_context("spawn")  # the caller may hold a database and its threads
        with context.Pool(processes, initializer=_start_worker, initargs=(self.outlets, self.gazetteer)) as pool:
            for extractions in pool.imap(_read_in_worker, _chunks(reports, chunk)):
                for extraction in extractions:
                    yield self._linked(extraction)

    def _linked(self, extraction: Extraction) -> Extraction:
        if self.linker is not None:
            link_mentions(extraction, self.linker)
        return extraction

    def reliability_of(self, report: Report) -> str:
        if report.reliability is not None:
            letter = report.reliability.upper()
            if letter not in RELIABILITY:
                raise ValueError(f"invalid reliability {report.reliability!r}: expected a letter A–F")
            return letter
        return self.outlets.reliability(report.outlet)

    def _extract(self, report: Report, doc: Doc) -> Extraction:
        clusters = cluster(doc, find_candidates(doc, self.outlets, self.gazetteer), self.outlets)
        for mention in clusters.mentions:
            if mention.type == "Date":
                mention.value = resolve_date(mention.text, report.published)
        quotes = quotations(text_of(doc))
        claims = attribute(doc, clusters, report.outlet, self.outlets, report.headline_end, quotes)

        def speaker_at(char: int) -> str | None:
            """Who "I" is at ``char``: the last source of the claim whose quoted words hold it."""
            quote = innermost(quotes, char)
            if quote is None:
                return None
            for claim in claims:
                if claim.evidence.start <= char < claim.evidence.end or \
                        (quote.start <= claim.evidence.start and claim.evidence.end <= quote.end):
                    last = claim.chain[-1]
                    if last.startswith("m") and last[1:].isdigit():
                        return last
            return None

        events = [e for e in find_events(doc, clusters, speaker_at) if e.trigger.start >= report.headline_end]
        relations = find_relations(doc, clusters, speaker_at)
        # what the outlet only opines, asks or predicts is no finding: keep what the claims state
        events = [e for e in events if any(c.evidence.start <= e.trigger.start < c.evidence.end for c in claims)]
        relations = [r for r in relations if any(c.evidence.start < r.evidence.end and r.evidence.start < c.evidence.end
                                                 for c in claims)]
        reliability = self.reliability_of(report)
        for claim in claims:
            _attach(claim, events, relations)
            claim.grade = grade(claim, reliability)
            if claim.polarity == "deny":
                # "denied that any official had defected": what is denied is said not to have happened
                claim.events = [replace(e, status="negated") for e in claim.events]
                events = [next((d for d in claim.events if d.trigger == e.trigger), e) for e in events]
        published = report.published.isoformat() if report.published else None
        return Extraction(text_of(doc), report.outlet, clusters.mentions, relations, events, claims, published)


def _attach(claim: Claim, events, relations) -> None:
    """The events and relations stated in a claim's own words (their trigger or their clause inside it)."""
    start, end = claim.evidence.start, claim.evidence.end
    claim.events = [e for e in events if start <= e.trigger.start < end]
    claim.relations = [r for r in relations if r.evidence.start < end and start < r.evidence.end]


def link_mentions(extraction: Extraction, linker: Linker) -> None:
    """Tie each named person and organisation of ``extraction`` to the store entity ``linker`` finds."""
    for mention in extraction.mentions:
        if mention.named and mention.type in ("Person", "Organization"):
            mention.entity_id = linker(mention.aliases, mention.type)


def _chunks(reports: Iterable[Report], size: int) -> Iterator[list[Report]]:
    batch: list[Report] = []
    for report in reports:
        batch.append(report)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


_WORKER: Reader | None = None


def _start_worker(outlets: OutletTable, gazetteer: Gazetteer | None) -> None:
    global _WORKER
    _WORKER = Reader(outlets, gazetteer=gazetteer)


def _read_in_worker(batch: list[Report]) -> list[Extraction]:
    assert _WORKER is not None
    docs = parse_many([report.text for report in batch], batch_size=len(batch))
    return [_WORKER._extract(report, doc) for report, doc in zip(batch, docs)]
