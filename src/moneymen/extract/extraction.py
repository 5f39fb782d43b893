"""What reading a report gives: mentions, relations, events and attributed claims, each with its evidence.

Every span is an exact piece of the text the reader was given, with its character offsets, so an
analyst (and the review queue) can always show where a finding came from. :meth:`Extraction.to_dict`
writes the contract of ``moneymen read --json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The types of mention, as the contract names them.
MENTION_TYPES = ("Person", "Organization", "Place", "Money", "Date", "Group")
#: What a chain ends in when the text names no source: "reportedly", "it is said".
UNSPECIFIED = "unspecified reports"


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the text: its characters ``start``–``end`` and the text itself."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(slots=True)
class Mention:
    """One entity of the document (a person, an organisation, a group…) and every place it is named.

    ``text`` is its fullest name in the document; ``aliases`` every surface form; ``named`` says
    whether it has a proper name (a defined organisation or "a source in China" has none);
    ``entity_id`` is the store's entity it was linked to, if any.
    """

    id: str
    type: str
    text: str
    spans: list[Span] = field(default_factory=list)
    named: bool = True
    entity_id: str | None = None
    value: str | None = None          # a resolved date (ISO prefix) or an amount
    resolved_by: list[str] = field(default_factory=list)  # how later spans were tied to it

    @property
    def aliases(self) -> list[str]:
        """Every distinct surface form, in order of first appearance."""
        seen: dict[str, None] = {}
        for span in self.spans:
            seen.setdefault(span.text, None)
        return list(seen)

    def to_dict(self) -> dict:
        data: dict = {"id": self.id, "text": self.text, "type": self.type, "aliases": self.aliases,
                      "entity_id": self.entity_id, "named": self.named,
                      "spans": [[span.start, span.end] for span in self.spans]}
        if self.value is not None:
            data["value"] = self.value
        if self.resolved_by:
            data["resolved_by"] = self.resolved_by
        return data


@dataclass(frozen=True, slots=True)
class Relation:
    """``subject`` ``predicate`` ``object`` (mention ids), with the clause that says so."""

    subject: str
    predicate: str
    object: str
    evidence: Span


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened (or was planned, threatened or denied) to its participants."""

    type: str
    trigger: Span
    participants: tuple[str, ...]
    evidence: Span
    place: str | None = None
    date: str | None = None           # mention id of the date
    status: str = "happened"          # happened, planned, possible, negated, threatened


@dataclass(slots=True)
class Claim:
    """One reported proposition, and who says it: the chain from the outlet to the final source.

    ``chain`` holds the outlet's name, then mention ids, or :data:`UNSPECIFIED` at the end.
    ``hedged`` is set by the hedging cues found in the proposition; the grade is the outlet's
    reliability and the credibility the cues allow.
    """

    id: str
    evidence: Span
    chain: list[str]
    cue: Span | None = None
    hedge_cues: list[str] = field(default_factory=list)
    hedge_classes: list[str] = field(default_factory=list)   # "possible" or "doubtful", one per cue
    polarity: str = "assert"          # assert, deny
    grade: str = "F6"
    relations: list[Relation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def hedged(self) -> bool:
        return bool(self.hedge_cues)


@dataclass(slots=True)
class Extraction:
    """Everything read from one text."""

    text: str
    outlet: str
    mentions: list[Mention]
    relations: list[Relation]
    events: list[Event]
    claims: list[Claim]
    published: str | None = None

    def mention(self, mention_id: str) -> Mention:
        for mention in self.mentions:
            if mention.id == mention_id:
                return mention
        raise KeyError(mention_id)

    def surface(self, reference: str) -> str:
        """The name a chain element, subject or participant is shown by: a mention's text, or as is."""
        for mention in self.mentions:
            if mention.id == reference:
                return mention.text
        return reference

    def to_dict(self) -> dict:
        """The contract of ``moneymen read --json``, less the document (which the caller adds)."""
        surface = self.surface

        def relation(item: Relation) -> dict:
            return {"subject": surface(item.subject), "predicate": item.predicate, "object": surface(item.object),
                    "subject_id": item.subject, "object_id": item.object, "evidence": item.evidence.text,
                    "start": item.evidence.start, "end": item.evidence.end}

        def event(item: Event) -> dict:
            return {"type": item.type, "participants": [surface(p) for p in item.participants],
                    "participant_ids": list(item.participants),
                    "place": surface(item.place) if item.place else None,
                    "date": self._date_value(item.date), "status": item.status, "trigger": item.trigger.text,
                    "evidence": item.evidence.text, "start": item.evidence.start, "end": item.evidence.end}

        return {
            "mentions": [m.to_dict() for m in self.mentions],
            "relations": [relation(r) for r in self.relations],
            "events": [event(e) for e in self.events],
            "claims": [{"id": c.id, "evidence": c.evidence.text, "start": c.evidence.start, "end": c.evidence.end,
                        "chain": [surface(item) for item in c.chain], "chain_ids": list(c.chain),
                        "cue": c.cue.text if c.cue else None, "hedged": c.hedged, "hedge_cues": list(c.hedge_cues),
                        "polarity": c.polarity, "grade": c.grade,
                        "relations": [relation(r) for r in c.relations], "events": [event(e) for e in c.events]}
                       for c in self.claims],
        }

    def _date_value(self, mention_id: str | None) -> str | None:
        if mention_id is None:
            return None
        found = self.mention(mention_id)
        return found.value or found.text
