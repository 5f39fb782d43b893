"""Reading a report: text in, :class:`~moneymen.extract.extraction.Extraction` out.

:class:`Reader` runs the pipeline of :mod:`moneymen.extract` on one text or many: parse (spaCy),
mentions and their coreference, claims and their chains, events and relations (each tied to the
claims whose words state them), dates resolved against the document's date, grades.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc

from moneymen.extract.attribution import attribute
from moneymen.extract.dates import resolve_date
from moneymen.extract.events import find_events
from moneymen.extract.extraction import Claim, Extraction
from moneymen.extract.grading import grade
from moneymen.extract.mentions import Linker, cluster, find_candidates
from moneymen.extract.nlp import parse, parse_many
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


class Reader:
    """Reads reports with one outlet table and (optionally) a linker to the store's entities."""

    def __init__(self, outlets: OutletTable | None = None, linker: Linker | None = None):
        self.outlets = outlets or bundled_outlets()
        self.linker = linker

    def read(self, report: Report) -> Extraction:
        """Everything extracted from one report."""
        return self._extract(report, parse(report.text))

    def read_many(self, reports: Iterable[Report], processes: int = 1) -> Iterator[Extraction]:
        """Many reports, parsed in ``processes`` worker processes, in order."""
        pending: list[Report] = []

        def texts() -> Iterator[str]:
            for report in reports:
                pending.append(report)
                yield report.text

        for doc in parse_many(texts(), processes=processes):
            yield self._extract(pending.pop(0), doc)

    def reliability_of(self, report: Report) -> str:
        if report.reliability is not None:
            letter = report.reliability.upper()
            if letter not in RELIABILITY:
                raise ValueError(f"invalid reliability {report.reliability!r}: expected a letter A–F")
            return letter
        return self.outlets.reliability(report.outlet)

    def _extract(self, report: Report, doc: Doc) -> Extraction:
        clusters = cluster(doc, find_candidates(doc, self.outlets), self.linker)
        for mention in clusters.mentions:
            if mention.type == "Date":
                mention.value = resolve_date(mention.text, report.published)
        claims = attribute(doc, clusters, report.outlet, self.outlets)
        quotes = quotations(doc.text)

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

        events = find_events(doc, clusters, speaker_at)
        relations = find_relations(doc, clusters, speaker_at)
        reliability = self.reliability_of(report)
        for claim in claims:
            _attach(claim, events, relations)
            claim.grade = grade(claim, reliability)
        published = report.published.isoformat() if report.published else None
        return Extraction(doc.text, report.outlet, clusters.mentions, relations, events, claims, published)


def _attach(claim: Claim, events, relations) -> None:
    """The events and relations stated in a claim's own words (their trigger or their clause inside it)."""
    start, end = claim.evidence.start, claim.evidence.end
    claim.events = [e for e in events if start <= e.trigger.start < end]
    claim.relations = [r for r in relations if r.evidence.start < end and start < r.evidence.end]
