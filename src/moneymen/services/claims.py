"""The claims review queue: accept a claim (it becomes statements), edit its grade or chain, or reject it.

An accepted claim is written as one import into the dataset ``news`` (origin ``extraction``): each
person and organisation its relations and events name becomes an entity of the document
(``<document id>-<mention id>``, which resolution can then merge with a listed record), each
relation an FtM link (Employment, Membership, Directorship, Family, Associate, Ownership,
Payment, UnknownLink), each event an FtM Event, and ``located_in`` a country or an address. Every
statement carries the document id, the claim's id as its source record, the document's URL, the
claim's words as its quote, and the claim's grade. Because it is an import, an accepted claim can
be taken back: rejecting it afterwards reverts that import, leaving nothing behind.

Credibility rises when independent sources confirm: a claim whose relation or event another
accepted claim already states, from another outlet and another final source, is accepted as
confirmed (credibility 1), and the decision says which claim confirmed it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from followthemoney.types import registry

from moneymen.model import Grade, InvalidGrade, Origin
from moneymen.services.import_writer import write_statements
from moneymen.services.reading import NEWS_DATASET
from moneymen.sources.base import ImportContext, SourceEntity, SourceError
from moneymen.sources.clean import ValueCleaner
from moneymen.store import Store
from moneymen.store.documents import ClaimRecord, DocumentRecord, claim, claims, decide_claim, document
from moneymen.timestamps import utc_now

STATUSES = ("pending", "accepted", "rejected")

#: relation predicate → (FtM schema, subject property, object property, role or relationship)
_LINKS = {
    "employment": ("Employment", "employee", "employer", None),
    "membership": ("Membership", "member", "organization", None),
    "leads": ("Directorship", "director", "organization", "head"),
    "subordinate_of": ("UnknownLink", "subject", "object", "subordinate of"),
    "associate": ("Associate", "person", "associate", "associate"),
    "family": ("Family", "person", "relative", "family"),
    "ownership": ("Ownership", "owner", "asset", None),
    "money_transfer": ("Payment", "payer", "beneficiary", None),
}
_MENTION_SCHEMA = {"Person": "Person", "Organization": "Organization"}


class ClaimError(ValueError):
    """A decision that cannot be taken: an unknown claim, or one already decided that way."""


@dataclass(frozen=True)
class Decision:
    """What deciding a claim did: its new status, the import it wrote, and the claims that confirm it."""

    claim_id: str
    status: str
    import_id: int | None
    statements: int
    grade: str
    confirmed_by: tuple[str, ...] = ()


def accept_claim(store: Store, claim_id: str, analyst: str, reason: str | None = None,
                 grade: str | None = None) -> Decision:
    """Accept a pending claim (optionally at another ``grade``): its statements go into the store."""
    record = _pending(store, claim_id)
    paper = document(store, record.document_id)
    assert paper is not None  # a claim's document is stored with it
    if grade is not None:
        try:
            grade = str(Grade.parse(grade))
        except InvalidGrade as error:
            raise ClaimError(str(error)) from None
    chosen = grade or record.grade
    confirmed = confirmations(store, record, paper)
    if confirmed and grade is None:
        chosen = f"{chosen[0]}1"
    now = utc_now()
    with store.transaction():
        entities = list(claim_entities(record, paper))
        import_id = None
        statements = 0
        if entities:
            context = ImportContext(dataset=NEWS_DATASET, grade=Grade.parse(chosen), retrieved_at=paper.read_at,
                                    seen=now, source_url=paper.url, origin=Origin.EXTRACTION)
            where = Path(f"claim {claim_id}")
            import_id = store.start_import(NEWS_DATASET, "extraction", f"document {paper.id}, claim {claim_id}",
                                           paper.text_sha256, now, now, chosen, f"claim:{claim_id}:{now}", "addition")
            try:
                write_statements(store, where, entities, context, import_id, ValueCleaner())
            except SourceError as error:
                raise ClaimError(f"claim {claim_id} cannot be written: {error}") from None
            _, statements, _ = store.finish_import(import_id, utc_now(), now, None)
        note = reason
        if confirmed:
            note = "; ".join(filter(None, [reason, f"confirmed by {', '.join(confirmed)}"]))
        decide_claim(store, claim_id, "accepted", analyst, now, note, import_id, grade=chosen)
    return Decision(claim_id, "accepted", import_id, statements, chosen, tuple(confirmed))


def reject_claim(store: Store, claim_id: str, analyst: str, reason: str | None = None) -> Decision:
    """Reject a claim; one accepted before has its statements taken back (its import reverted)."""
    record = claim(store, claim_id)
    if record is None:
        raise ClaimError(f"no claim {claim_id!r}: see `moneymen claims` for their ids")
    if record.status == "rejected":
        raise ClaimError(f"claim {claim_id} is already rejected")
    now = utc_now()
    with store.transaction():
        if record.status == "accepted" and record.import_id is not None:
            store.revert_import(record.import_id, now)
        decide_claim(store, claim_id, "rejected", analyst, now, reason, None)
    return Decision(claim_id, "rejected", None, 0, record.grade)


def edit_claim(store: Store, claim_id: str, analyst: str, grade: str | None = None,
               chain: list[str] | None = None, reason: str | None = None) -> Decision:
    """Change a pending claim's grade or chain (who says it); it stays pending, the edit recorded."""
    record = _pending(store, claim_id)
    if grade is not None:
        try:
            grade = str(Grade.parse(grade))
        except InvalidGrade as error:
            raise ClaimError(str(error)) from None
    if chain is not None and (not chain or any(not step.strip() for step in chain)):
        raise ClaimError("a chain names at least the outlet, and no step is empty")
    content = None
    if chain is not None:
        data = json.loads(record.content)
        data["chain"], data["chain_ids"] = chain, chain
        content = json.dumps(data, ensure_ascii=False)
    with store.transaction():
        decide_claim(store, claim_id, "pending", analyst, utc_now(), reason or "edited", None, grade=grade,
                     chain=json.dumps(chain, ensure_ascii=False) if chain is not None else None, content=content)
    updated = claim(store, claim_id)
    assert updated is not None
    return Decision(claim_id, "pending", None, 0, updated.grade)


def _pending(store: Store, claim_id: str) -> ClaimRecord:
    record = claim(store, claim_id)
    if record is None:
        raise ClaimError(f"no claim {claim_id!r}: see `moneymen claims` for their ids")
    if record.status != "pending":
        raise ClaimError(f"claim {claim_id} is already {record.status}"
                         + (" (reject it to take it back)" if record.status == "accepted" else ""))
    return record


def claim_entities(record: ClaimRecord, paper: DocumentRecord) -> Iterator[SourceEntity]:
    """The FtM entities an accepted claim states, each value quoting the claim's words."""
    content = json.loads(record.content)
    mentions = {m["id"]: m for m in content["mentions"]}
    overrides = {"document_id": paper.id, "source_record": record.id}
    quote = record.evidence

    def entity_id(mention_id: str) -> str:
        return f"{paper.id}-{mention_id}"

    def add(entity: SourceEntity, prop: str, value: str | None, said: str | None = None) -> None:
        """A value quoting the words that state it: the relation's or event's clause, else the claim's."""
        if value:
            entity.values.append(_value(prop, value, (said or quote)[:4000], overrides))

    people: dict[str, SourceEntity] = {}
    for mention_id, mention in mentions.items():
        schema = _MENTION_SCHEMA.get(mention["type"])
        if schema is None:
            continue
        entity = SourceEntity(entity_id(mention_id), schema, record=record.id)
        add(entity, "name", mention["text"])
        for alias in mention["aliases"]:
            if alias != mention["text"] and mention["named"] and len(alias.split()) > 1:
                add(entity, "alias", alias)
        if not mention["named"]:
            add(entity, "description", f"unnamed in the document: {mention['text']}")
        people[mention_id] = entity
    for number, relation in enumerate(content["relations"], start=1):
        subject, obj = relation["subject_id"], relation["object_id"]
        if relation["predicate"] == "located_in":
            if subject in people:
                country = _country(relation["object"])
                add(people[subject], "country" if country else "address", country or relation["object"],
                    relation["evidence"])
            continue
        link = _link_schema(relation["predicate"], mentions.get(subject), mentions.get(obj))
        if link is None or subject not in people or obj not in people:
            continue
        schema, left, right, role = link
        entity = SourceEntity(f"{paper.id}-{record.number}-r{number}", schema, record=record.id)
        said = relation["evidence"]
        add(entity, left, entity_id(subject), said)
        add(entity, right, entity_id(obj), said)
        add(entity, "relationship" if schema in ("Family", "Associate") else "role" if schema != "Payment" else "purpose",
            role, said)
        add(entity, "summary", said[:4000], said)
        yield entity
    for number, event in enumerate(content["events"], start=1):
        entity = SourceEntity(f"{paper.id}-{record.number}-e{number}", "Event", record=record.id)
        said = event["evidence"]
        add(entity, "name", f"{event['type']}: {', '.join(event['participants'])}"[:400], said)
        for participant in event["participant_ids"]:
            if participant in people:
                add(entity, "involved", entity_id(participant), said)
        if event.get("date") and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", event["date"]):
            add(entity, "date", event["date"], said)
        if event.get("place"):
            add(entity, "location", event["place"], said)
            country = _country(event["place"])
            add(entity, "country", country, said)
        add(entity, "description", f"{event['type']} ({event['status']})", said)
        add(entity, "summary", said[:4000], said)
        yield entity
    yield from people.values()


def _country(place: str) -> str | None:
    """The country code of a place that is a country ("North Korea" → kp); None for a city (FtM would
    read "Pyongyang" as kp too, but a city is an address, not a country)."""
    code = registry.country.clean(place)
    if code is None or (registry.country.caption(code) or "").casefold() != place.strip().casefold():
        return None
    return code


def _value(prop: str, value: str, quote: str, overrides: dict):
    from moneymen.sources.base import Value

    return Value(prop, value, quote=quote, overrides=overrides)


def _link_schema(predicate: str, subject: dict | None, obj: dict | None) -> tuple[str, str, str, str | None] | None:
    """The FtM schema a relation is written as, given the kinds of its two ends."""
    if subject is None or obj is None:
        return None
    found = _LINKS.get(predicate)
    if found is None:
        return None
    both_people = subject["type"] == obj["type"] == "Person"
    if predicate in ("associate", "family") and not both_people:
        return ("UnknownLink", "subject", "object", predicate)
    if predicate == "employment" and not (subject["type"] == "Person" and obj["type"] == "Organization"):
        return ("UnknownLink", "subject", "object", "works for")
    if predicate in ("membership", "leads") and obj["type"] != "Organization":
        return ("UnknownLink", "subject", "object", predicate)
    if predicate == "ownership":
        return ("UnknownLink", "subject", "object", "owns")
    return found


def _keys(record: ClaimRecord) -> set[tuple]:
    """What a claim states, by names (relations and events), to compare claims of other documents."""
    content = json.loads(record.content)
    keys: set[tuple] = set()
    for relation in content["relations"]:
        keys.add(("relation", relation["predicate"], _name(relation["subject"]), _name(relation["object"])))
    for event in content["events"]:
        for participant in event["participants"]:
            keys.add(("event", event["type"], _name(participant)))
    return keys


def _name(text: str) -> str:
    return re.sub(r"[\W_]+", "", re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)).casefold()


def confirmations(store: Store, record: ClaimRecord, paper: DocumentRecord) -> list[str]:
    """Accepted claims of other documents that state what ``record`` states, from another outlet
    and another final source: the independent confirmations that make it credibility 1."""
    wanted = _keys(record)
    if not wanted:
        return []
    final = json.loads(record.chain)[-1]
    found = []
    for other in claims(store, status="accepted"):
        if other.document_id == record.document_id:
            continue
        other_paper = document(store, other.document_id)
        if other_paper is None or other_paper.outlet == paper.outlet or json.loads(other.chain)[-1] == final:
            continue
        if wanted & _keys(other):
            found.append(other.id)
    return found
