"""One SDN entry → its entities: the subject, its sanctions, documents, wallets, addresses and links.

The columns of the entry's row, its aliases (``alt.csv``) and addresses (``add.csv``) are
read, then each clause of its Remarks (see :mod:`moneymen.sources.ofac.remarks`) by the first
handler whose pattern matches it; a clause none reads stays in ``notes`` only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache

from followthemoney import registry

from moneymen.dates import read_listed_dates
from moneymen.model import get_schema
from moneymen.sources.base import SourceEntity
from moneymen.sources.ofac.name_index import NameIndex
from moneymen.sources.ofac.remarks import (ALIAS_CLAUSE, ALT_PREFIX, DOCUMENT, IMO_NUMBER, MAX_NUMBER_CHARS,
                                           PROVISION_CLAUSE, clauses, id_kinds, id_labels, identifier_clause,
                                           strip_stop, unquote)
from moneymen.sources.ofac.rows import Row, programs

AUTHORITY = "Office of Foreign Assets Control"
DETAILS_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={ent_num}"
SCHEMA_BY_TYPE = {"": "Organization", "individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}
ALIAS_PROP = {"a": "alias", "n": "alias", "f": "previousName", "aka": "alias", "nka": "alias", "fka": "previousName"}
_SLUG_RE = re.compile(r"[^a-z0-9]+")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by hyphens, for ids."""
    return _SLUG_RE.sub("-", text.lower()).strip("-") or "x"


@lru_cache(maxsize=4096)
def _country_code(text: str) -> str | None:
    return registry.country.clean(text)


@lru_cache(maxsize=None)
def _properties(schema: str) -> frozenset[str]:
    found = get_schema(schema)
    return frozenset(found.properties) if found is not None else frozenset()


def is_imo_number(text: str) -> bool:
    """True for seven digits whose last is the IMO check digit (weights 7..2 over the first six)."""
    if len(text) != 7 or not text.isascii() or not text.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(text[:6], range(7, 1, -1)))
    return total % 10 == int(text[6])


def _flip(name: str) -> str | None:
    """``LAST, Given`` → ``Given LAST``; None when the name is not in that form."""
    last, comma, given = name.partition(",")
    last, given = last.strip(), given.strip()
    if not comma or not last or not given or "," in given:
        return None
    return f"{given} {last}"


@dataclass
class Entry:
    row: Row
    index: NameIndex
    subject: SourceEntity = field(init=False)
    extras: dict[str, SourceEntity] = field(init=False, default_factory=dict)
    provisions: list[str] = field(init=False, default_factory=list)
    links: dict[str, SourceEntity] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        kind = (self.row.get("SDN_Type") or "").lower()
        schema = SCHEMA_BY_TYPE.get(kind, "LegalEntity")
        self.subject = self.new(schema, self.id)
        if kind not in SCHEMA_BY_TYPE:
            self.subject.add("notes", f"SDN_Type: {self.row.get('SDN_Type')}")

    @property
    def id(self) -> str:
        return f"ofac-{self.row.ent_num}"

    @property
    def schema(self) -> str:
        return self.subject.schema

    def new(self, schema: str, entity_id: str) -> SourceEntity:
        return SourceEntity(id=entity_id, schema=schema, record=f"ent_num {self.row.ent_num}", line=self.row.line)

    def extra(self, schema: str, entity_id: str) -> SourceEntity:
        entity = self.extras.get(entity_id)
        if entity is None:
            entity = self.extras[entity_id] = self.new(schema, entity_id)
        return entity

    def add(self, prop: str, value: str | None, entity: SourceEntity | None = None) -> bool:
        """Add ``value`` to ``prop`` if the schema has it; True when added."""
        entity = entity or self.subject
        if value is None or prop not in _properties(entity.schema):
            return False
        entity.add(prop, value)
        return True

    def add_first(self, props: Iterable[str], value: str | None) -> bool:
        return any(self.add(prop, value) for prop in props if prop in _properties(self.schema))

    def add_country(self, prop: str, text: str | None, entity: SourceEntity | None = None) -> None:
        if not text:
            return
        code = _country_code(text)
        if code is not None:
            self.add(prop, code, entity)
        else:
            (entity or self.subject).add("notes", f"{prop}: {text}")

    # building

    def build(self, aliases: Iterable[tuple[str, str]], addresses: Iterable[list[str | None]]) -> None:
        row, subject = self.row, self.subject
        name = row.get("SDN_Name") or ""
        person = self.schema == "Person"
        flipped = _flip(name) if person else None
        if flipped is not None:
            last, _, given = name.partition(",")
            subject.add("name", flipped)
            subject.add("alias", name)
            subject.add("lastName", last)
            subject.add("firstName", given)
        else:
            subject.add("name", name)
        for prop, alias in aliases:
            self.alias(prop, alias)
        title = row.get("Title")
        if not self.add("position", title) and title:
            subject.add("notes", f"Title: {title}")
        if self.schema == "Vessel":
            self.vessel()
        remarks = row.get("Remarks")
        subject.add("notes", remarks)
        subject.add("topics", "sanction")
        subject.add("sourceUrl", DETAILS_URL.format(ent_num=row.ent_num))
        if remarks:
            for clause in clauses(remarks):
                self.clause(clause)
        for fields in addresses:
            self.address(fields)
        for program in programs(row.get("Program")):
            self.sanction(program)
        for entity in [subject, *self.extras.values()]:
            entity.deduplicate()

    def alias(self, prop: str, alias: str) -> None:
        alias = alias.strip()
        if not alias:
            return
        flipped = _flip(alias) if self.schema == "Person" else None
        if flipped is not None:
            self.subject.add(prop, flipped)
        self.subject.add(prop, alias)

    def vessel(self) -> None:
        row, subject = self.row, self.subject
        subject.add("callSign", row.get("Call_Sign"))
        subject.add("type", row.get("Vess_type"))
        for column, prop in (("Tonnage", "tonnage"), ("GRT", "grossRegisteredTonnage")):
            value = row.get(column)
            if value and _NUMBER_RE.fullmatch(value.replace(",", "")):
                subject.add(prop, value.replace(",", ""))
            elif value:
                subject.add("notes", f"{column}: {value}")
        self.add_country("flag", row.get("Vess_flag"))
        owner = row.get("Vess_owner")
        if owner:
            subject.add("notes", f"Vessel owner: {owner}")
            self.refer("owner", owner)

    def refer(self, prop: str, name: str) -> None:
        """Set an entity property to the entry called ``name``, when the file has exactly one."""
        target, _ = self.index.resolve(name, self.row.ent_num)
        if target is not None and target != self.row.ent_num:
            self.add(prop, f"ofac-{target}")

    def sanction(self, program: str) -> None:
        entity = self.new("Sanction", f"{self.id}-sanction-{slug(program)}")
        entity.add("entity", self.id)
        entity.add("authority", AUTHORITY)
        entity.add("authorityId", self.row.ent_num)
        entity.add("program", program)
        entity.add("country", "us")
        entity.add("sourceUrl", DETAILS_URL.format(ent_num=self.row.ent_num))
        for provision in self.provisions:
            entity.add("provisions", provision)
        self.extras[entity.id] = entity

    def address(self, fields: list[str | None]) -> None:
        _, add_num, street, city, country, remarks = fields
        parts = [part for part in (street, city, country) if part]
        if not parts:
            return
        full = ", ".join(parts)
        entity = self.extra("Address", f"{self.id}-address-{slug(add_num or full)}")
        entity.add("full", full)
        entity.add("street", street)
        entity.add("city", city)
        self.add_country("country", country, entity)
        entity.add("remarks", remarks)
        self.add("addressEntity", entity.id)
        self.add("address", full)
        if country and (code := _country_code(country)):
            self.add("country", code)

    def entities(self) -> Iterator[SourceEntity]:
        yield self.subject
        yield from self.extras.values()
        yield from self.links.values()

    # Remarks clauses

    def clause(self, clause: str) -> None:
        text = ALT_PREFIX.sub("", clause).strip()
        if not text:
            return
        if PROVISION_CLAUSE.match(text):
            self.provisions.append(strip_stop(text))
            return
        for pattern, handler in _handlers():
            match = pattern.match(text)
            if match is not None:
                handler(self, match)
                return

    def on_alias(self, match: re.Match) -> None:
        alias = unquote(match.group(2))
        if alias:
            self.alias(ALIAS_PROP[match.group(1).lower()], alias)

    def on_link(self, match: re.Match) -> None:
        name = match.group(1).strip()
        target, why = self.index.resolve(name, self.row.ent_num)
        if target is None or target == self.row.ent_num:
            why = why or "names the entry itself"
            self.subject.add("notes", f"Linked To: {strip_stop(name)} (not resolved in this file: {why})")
            return
        link_id = f"{self.id}-linked-{target}"
        if link_id in self.links:
            return
        link = self.new("UnknownLink", link_id)
        link.add("subject", self.id)
        link.add("object", f"ofac-{target}")
        link.add("role", "Linked To")
        self.links[link_id] = link

    def on_dob(self, match: re.Match) -> None:
        for iso in read_listed_dates(match.group(1)):
            self.add("birthDate", iso)

    def on_pob(self, match: re.Match) -> None:
        self.add("birthPlace", strip_stop(match.group(1)))

    def on_gender(self, match: re.Match) -> None:
        self.add("gender", match.group(1).lower())

    def on_identifier(self, match: re.Match) -> None:
        label, rest = match.group("label"), strip_stop(match.group("rest"))
        imo = IMO_NUMBER.match(rest)
        if imo is not None:
            self.add_first(("imoNumber", "registrationNumber"), f"IMO{imo.group(1)}")
            return
        kind = id_labels()[label]
        parts = DOCUMENT.match(rest)
        if parts is None:
            return
        number = parts.group("number").strip().rstrip(",")
        if not number or len(number) > MAX_NUMBER_CHARS or (kind != "swift" and not re.search(r"\d", number)):
            return
        props, document = id_kinds()[kind]
        self.add_first(props, number)
        if document is None:
            return
        entity = self.extra(document, f"{self.id}-{document.lower()}-{slug(number)}")
        entity.add("holder", self.id)
        entity.add("number", number)
        entity.add("type", label)
        country = parts.group("country")
        if country and (code := _country_code(country)):
            entity.add("country", code)
        for group, prop in (("issued", "startDate"), ("expires", "endDate")):
            if parts.group(group):
                for iso in read_listed_dates(parts.group(group))[:1]:
                    entity.add(prop, iso)

    def on_vessel_registration(self, match: re.Match) -> None:
        rest = strip_stop(match.group(1))
        imo = IMO_NUMBER.match(rest)
        if imo is not None:
            self.add_first(("imoNumber", "registrationNumber"), f"IMO{imo.group(1)}")
        elif is_imo_number(rest):
            self.add_first(("imoNumber", "registrationNumber"), f"IMO{rest}")
        else:
            self.add_first(("registrationNumber",), rest)

    def on_imo(self, match: re.Match) -> None:
        self.add_first(("imoNumber", "registrationNumber"), f"IMO{match.group(1)}")

    def on_wallet(self, match: re.Match) -> None:
        currency, address = match.group(1).upper(), strip_stop(match.group(2))
        entity = self.extra("CryptoWallet", f"{self.id}-wallet-{slug(currency)}-{slug(address)}")
        entity.add("publicKey", address)
        entity.add("currency", currency)
        entity.add("holder", self.id)

    def on_operator(self, match: re.Match) -> None:
        self.refer("operator", strip_stop(match.group(1)))


Handler = Callable[[Entry, re.Match], None]


def _country_handler(prop: str) -> Handler:
    """A clause handler adding a country (as an ISO code) to ``prop``; ``flag`` falls back to ``country``."""

    def handle(entry: Entry, match: re.Match) -> None:
        target = prop if prop in _properties(entry.schema) or prop != "flag" else "country"
        if target in _properties(entry.schema):
            entry.add_country(target, strip_stop(match.group(1)))

    return handle


def _value_handler(prop: str, dates: bool = False) -> Handler:
    """A clause handler adding group 1 (without a final full stop; as ISO dates if ``dates``) to ``prop``."""

    def handle(entry: Entry, match: re.Match) -> None:
        value = strip_stop(match.group(1))
        for item in read_listed_dates(value) if dates else [value]:
            entry.add(prop, item)

    return handle


@cache
def _handlers() -> list[tuple[re.Pattern, Handler]]:
    """Each kind of clause that is read, and how (the first that matches is taken)."""
    return [
        (ALIAS_CLAUSE, Entry.on_alias),
        (re.compile(r"^Linked To\s*:\s*(.+)$"), Entry.on_link),
        (re.compile(r"^DOB\s*:?\s*(.+)$"), Entry.on_dob),
        (re.compile(r"^POB\s*:?\s*(.+)$"), Entry.on_pob),
        (re.compile(r"^Nationality of Registration\s+(.+)$"), _country_handler("flag")),
        (re.compile(r"^nationality\s*:?\s*(.+)$"), _country_handler("nationality")),
        (re.compile(r"^citizen\s*:?\s*(.+)$"), _country_handler("citizenship")),
        (re.compile(r"^Gender\s*:?\s*(Male|Female)\b", re.IGNORECASE), Entry.on_gender),
        (re.compile(r"^Vessel Registration Identification\s+(.+)$"), Entry.on_vessel_registration),
        (re.compile(r"^International Maritime Organization No\.?\s*\(?\s*(\d{7})"), Entry.on_imo),
        (re.compile(r"^MMSI\s*:?\s*(\d{9})\b"), _value_handler("mmsi")),
        (re.compile(r"^Vessel Year of Build\s+(\d{4})"), _value_handler("buildDate")),
        (re.compile(r"^Former Vessel Flag\s+(.+)$"), _country_handler("pastFlags")),
        (re.compile(r"^Other Vessel Flag\s+(.+)$"), _country_handler("flag")),
        (re.compile(r"^Other Vessel Call Sign\s+(\S+)"), _value_handler("callSign")),
        (re.compile(r"^Other Vessel Type\s+(.+)$"), _value_handler("type")),
        (re.compile(r"^Digital Currency Address\s*-\s*([A-Za-z0-9]+)\s+(\S+)\s*$"), Entry.on_wallet),
        (identifier_clause(), Entry.on_identifier),
        (re.compile(r"^Website\s*:?\s*(\S+)"), _value_handler("website")),
        (re.compile(r"^(?:Email Address|E-?mail)\s*:?\s*(\S+@\S+)", re.IGNORECASE), _value_handler("email")),
        (re.compile(r"^(?:Phone Number|Telephone Number|Telephone No\.|Telephone|Phone)\s*:?\s*(.*\d.*)$", re.IGNORECASE),
         _value_handler("phone")),
        (re.compile(r"^Organization Established Date\s*:?\s*(.+)$"), _value_handler("incorporationDate", dates=True)),
        (re.compile(r"^Organization Type\s*:\s*(.+)$"), _value_handler("sector")),
        (re.compile(r"^Target Type\s+(.+)$"), _value_handler("classification")),
        (re.compile(r"^Aircraft Model\s+(.+)$"), _value_handler("model")),
        (re.compile(r"^Aircraft Manufacture Date\s+(.+)$"), _value_handler("buildDate", dates=True)),
        (re.compile(r"^Aircraft Manufacturer's Serial Number \(MSN\)\s+(.+)$"), _value_handler("serialNumber")),
        (re.compile(r"^Aircraft Serial Identification\s+(.+)$"), _value_handler("serialNumber")),
        (re.compile(r"^Aircraft Tail Number\s+(.+)$"), _value_handler("registrationNumber")),
        (re.compile(r"^Aircraft Operator\s+(.+)$"), Entry.on_operator),
    ]
