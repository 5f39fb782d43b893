"""The UN Security Council consolidated sanctions list (XML, root ``CONSOLIDATED_LIST``).

Published at https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list
(schema ``sc-sanctions.xsd``). Each ``INDIVIDUAL`` becomes a Person and each ``ENTITY`` an
Organization, id ``unsc-{DATAID}``; each record also yields a Sanction
(``unsc-{DATAID}-sanction``) and, for individuals, one Passport or Identification per
identity document with a number (``unsc-{DATAID}-doc-{n}``, ``n`` = the document's position
in the record, from 1).

Notes on the mapping:

* ``FIRST_NAME``..``FOURTH_NAME`` are positional parts, not given/family names: for Korean
  records FIRST_NAME is the family name (``YUN`` ``HO-JIN``). ``firstName``/``secondName``
  therefore say what the UN file says, and the full ``name`` is the parts in order.
* FtM has no ``unscId`` on Person/Organization, only on Sanction: the UN reference number
  (``KPi.001``) is the Sanction's ``unscId`` and every entity's source ``record``.
* Alias quality: "Good", "a.k.a." and unmarked → ``alias``; "Low" → ``weakAlias``;
  "f.k.a." (formerly known as) → ``previousName``. A field holding several names ("A; B",
  "A b) B", "NAME IN ITS SCRIPT (A; B)") gives each as its own (:func:`alias_names`).

The file is untrusted: it is parsed with lxml ``iterparse`` in bounded memory, with entity
resolution, DTD loading and network access off, and any DOCTYPE or entity declaration in the
prolog is refused before lxml sees the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from lxml import etree

from moneymen.sources.base import ImportContext, SourceEntity, SourceError
from moneymen.sources.prolog import decode_head, scan_prolog

ROOT_TAG = "CONSOLIDATED_LIST"
AUTHORITY = "United Nations Security Council"
SOURCE_URL = "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list"
EXPECTED = "expected the UN consolidated list XML"

#: UN_LIST_TYPE → the sanctions regime (committee and founding resolutions) it stands for.
REGIMES = {
    "Al-Qaida": "ISIL (Da'esh) and Al-Qaida sanctions, resolutions 1267 (1999), 1989 (2011) and 2253 (2015)",
    "Taliban": "Taliban sanctions, resolution 1988 (2011)",
    "DPRK": "Democratic People's Republic of Korea sanctions, resolution 1718 (2006)",
    "Iran": "Iran sanctions, resolutions 1737 (2006) and 2231 (2015)",
    "Iraq": "Iraq sanctions, resolution 1518 (2003)",
    "DRC": "Democratic Republic of the Congo sanctions, resolution 1533 (2004)",
    "Libya": "Libya sanctions, resolution 1970 (2011)",
    "Somalia": "Al-Shabaab / Somalia sanctions, resolutions 751 (1992) and 2713 (2023)",
    "CAR": "Central African Republic sanctions, resolution 2127 (2013)",
    "GB": "Guinea-Bissau sanctions, resolution 2048 (2012)",
    "SouthSudan": "South Sudan sanctions, resolution 2206 (2015)",
    "Yemen": "Yemen sanctions, resolution 2140 (2014)",
    "Sudan": "Sudan sanctions, resolution 1591 (2005)",
    "Haiti": "Haiti sanctions, resolution 2653 (2022)",
    "Mali": "Mali sanctions, resolution 2374 (2017)",
    "Lebanon": "Lebanon sanctions, resolution 1636 (2005)",
}

#: How far into the file the root element must start (the prolog is scanned for DOCTYPE).
MAX_PROLOG_BYTES = 1024 * 1024
#: Elements one record may hold; real records have a few hundred at most.
MAX_RECORD_ELEMENTS = 50_000
#: Most birth years one BETWEEN range expands to; wider ranges give their two ends only.
MAX_BIRTH_YEARS = 20
#: Report progress at most every this many bytes.
PROGRESS_STEP = 256 * 1024

RECORD_SCHEMA = {"INDIVIDUAL": "Person", "ENTITY": "Organization"}
NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
#: Raised when the same file is read into other statements, so that importing it again is not
#: taken for an import already done: 2 splits alias fields that hold several names.
READER_VERSION = 2

ALIAS_PROP = {"good": "alias", "a.k.a.": "alias", "": "alias", "low": "weakAlias", "f.k.a.": "previousName"}
GENDERS = {"male": "male", "female": "female"}

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_YEAR_RE = re.compile(r"^\d{4}$")
_DATAID_RE = re.compile(r"^[0-9A-Za-z_.-]{1,64}$")
_PASSPORT_RE = re.compile(r"pass(?:port|eport)|pasaporte", re.IGNORECASE)


def sniff(head: bytes) -> bool:
    """True when the first bytes of a file look like the UN consolidated list (root CONSOLIDATED_LIST)."""
    kind, _, name = scan_prolog(decode_head(head))
    return kind == "root" and name == ROOT_TAG


def read(path: Path, context: ImportContext) -> Iterator[SourceEntity]:
    """Yield a Person/Organization, its identity documents, then its Sanction, for every record."""
    path = Path(path)
    with path.open("rb") as handle:
        total = path.stat().st_size
        _refuse_declarations(path, handle.read(MAX_PROLOG_BYTES), total)
        handle.seek(0)
        yield from _parse(path, handle, total, context)
        context.report(total, total)


# -- safety -------------------------------------------------------------------------------


def _refuse_declarations(path: Path, head: bytes, total: int) -> None:
    """Raise SourceError for a DOCTYPE or entity declaration before the root element."""
    text = decode_head(head)
    kind, pos, _ = scan_prolog(text)
    if kind == "declaration":
        line = text.count("\n", 0, pos) + 1
        found = text[pos : pos + 9]
        raise SourceError(
            path,
            line,
            f"DOCTYPE/entity declarations are not allowed in a UN list (found {found!r}); "
            f"{EXPECTED} with no DTD",
        )
    if kind == "incomplete" and total > len(head):
        raise SourceError(
            path, None, f"no root element in the first {MAX_PROLOG_BYTES // 1024} KiB; {EXPECTED}"
        )
    # "text" (junk before the root) and a short "incomplete" file: lxml reports them below.


# -- parsing ------------------------------------------------------------------------------


def _parse(path: Path, handle: IO[bytes], total: int, context: ImportContext) -> Iterator[SourceEntity]:
    events = etree.iterparse(
        handle,
        events=("start", "end"),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    depth = 0
    record_elements = 0
    reported = 0
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 1:
                    _check_root(path, element, context)
                elif depth >= 3:
                    record_elements += 1
                    if record_elements > MAX_RECORD_ELEMENTS:
                        raise SourceError(
                            path,
                            element.sourceline,
                            f"record has more than {MAX_RECORD_ELEMENTS} elements; {EXPECTED}",
                        )
                continue
            depth -= 1
            if depth == 2:
                record_elements = 0
                if element.tag in RECORD_SCHEMA:
                    yield from _record(path, element)
                _release(element)
                done = handle.tell()
                if done - reported >= PROGRESS_STEP:
                    reported = done
                    context.report(min(done, total), total)
            elif depth == 1:
                _release(element)
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno else None
        message = (error.msg or str(error)).strip()
        raise SourceError(path, line, f"malformed XML: {message}; {EXPECTED}") from None


def _check_root(path: Path, root: etree._Element, context: ImportContext) -> None:
    if root.tag != ROOT_TAG:
        raise SourceError(
            path,
            root.sourceline,
            f"root element is <{root.tag}>, not <{ROOT_TAG}>; {EXPECTED}",
        )
    # The prolog scan already refused any DOCTYPE; this guards against a scan gap.
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise SourceError(path, 1, f"DOCTYPE/entity declarations are not allowed in a UN list; {EXPECTED}")
    generated = root.get("dateGenerated")
    if generated:
        context.set_seen(_utc_timestamp(path, root.sourceline, generated))


def _release(element: etree._Element) -> None:
    """Free a processed element and the siblings before it, so memory stays bounded."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _utc_timestamp(path: Path, line: int | None, text: str) -> str:
    """``2025-11-20T23:00:09.067Z`` → ``2025-11-20T23:00:09Z``; offsets are converted to UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise SourceError(
            path, line, f"dateGenerated {text!r} is not an ISO-8601 timestamp; {EXPECTED}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- mapping ------------------------------------------------------------------------------


def _text(value: str | None) -> str:
    """Whitespace-normalised text ('' for None)."""
    return " ".join(value.split()) if value else ""


#: "(original script)", a remark the list writes after a name in its own script.
_ORIGINAL_SCRIPT = re.compile(r"\s*\(original script\)", re.IGNORECASE)
#: An enumeration mark inside one alias field: "Mohammad Sabet b) M. Javad Kareemi Sabet".
_ENUMERATION = re.compile(r"(?:^|\s)[a-h]\)\s+")


def alias_names(text: str) -> list[str]:
    """The names one ``ALIAS_NAME`` field holds. The list sometimes writes several in one field:
    "Fazel Rahim; Fazil Rahim", "Mohammed Sabet; Mohammad Sabet b) M. Javad Kareemi Sabet", or a
    name in its own script followed by its romanizations in parentheses,
    "حسن غول (Hassan Ghul; Hassan Gul; Hasan Gul)". Each becomes a name of its own, so that
    screening finds every one of them whole; a field holding one name is returned as it is."""
    text = text.strip()
    if ";" not in text:
        return [text] if text else []
    names = []
    if text.endswith(")"):
        depth, start = 0, -1
        for i in range(len(text) - 1, -1, -1):  # the parenthesised list that closes the field
            depth += {")": 1, "(": -1}.get(text[i], 0)
            if depth == 0:
                start = i
                break
        if start > 0 and ";" in text[start:]:
            names.append(text[:start])
            text = text[start + 1:-1]
    for part in text.split(";"):
        names.extend(_ENUMERATION.split(part))
    cleaned = (" ".join(_ORIGINAL_SCRIPT.sub("", name).split()) for name in names)
    return list(dict.fromkeys(name for name in cleaned if name))


def _child(element: etree._Element, tag: str) -> str:
    return _text(element.findtext(tag))


def _values(element: etree._Element, tag: str) -> list[str]:
    """The texts of ``<tag><VALUE>…</VALUE>…</tag>`` in order, blanks dropped."""
    out = []
    for value in element.iterfind(f"{tag}/VALUE"):
        text = _text(value.text)
        if text:
            out.append(text)
    return out


def _iso_date(text: str) -> str | None:
    """The ISO date prefix of a UN date (``1968-01-01-05:00`` → ``1968-01-01``; ``1938`` → ``1938``)."""
    match = _DATE_RE.match(text.strip()) if text else None
    if match is None:
        return None
    return "-".join(part for part in match.groups() if part)


def _join(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


def _record(path: Path, element: etree._Element) -> Iterator[SourceEntity]:
    line = element.sourceline
    data_id = _child(element, "DATAID")
    if not data_id:
        raise SourceError(path, line, f"{element.tag} record has no DATAID; {EXPECTED}, each record with a DATAID")
    if not _DATAID_RE.match(data_id):
        raise SourceError(path, line, f"{element.tag} record has an invalid DATAID {data_id[:40]!r}; expected a number")
    reference = _child(element, "REFERENCE_NUMBER") or None
    entity_id = f"unsc-{data_id}"
    subject = SourceEntity(id=entity_id, schema=RECORD_SCHEMA[element.tag], record=reference, line=line)
    is_person = element.tag == "INDIVIDUAL"

    parts = [_child(element, tag) for tag in NAME_PARTS]
    subject.add("name", " ".join(part for part in parts if part))
    if is_person:
        subject.add("firstName", parts[0])
        subject.add("secondName", parts[1])
    subject.add("name", _child(element, "NAME_ORIGINAL_SCRIPT"))

    prefix = element.tag
    for alias in element.iterfind(f"{prefix}_ALIAS"):
        name = _child(alias, "ALIAS_NAME")
        if not name:
            continue
        quality = _child(alias, "QUALITY").lower()
        for each in alias_names(name):
            subject.add(ALIAS_PROP.get(quality, "alias"), each)
        if is_person:
            subject.add("birthDate", _iso_date(_child(alias, "DATE_OF_BIRTH")))
            place = _join(_child(alias, "CITY_OF_BIRTH"), _child(alias, "COUNTRY_OF_BIRTH"))
            subject.add("birthPlace", place)
            subject.add("birthCountry", _child(alias, "COUNTRY_OF_BIRTH"))

    if is_person:
        for value in _values(element, "TITLE"):
            subject.add("title", value)
        for value in _values(element, "DESIGNATION"):
            subject.add("position", value)
        for value in _values(element, "NATIONALITY"):
            subject.add("nationality", value)
        subject.add("gender", GENDERS.get(_child(element, "GENDER").lower()))
        for birth in element.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
            for value in _birth_dates(birth):
                subject.add("birthDate", value)
        for place in element.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
            country = _child(place, "COUNTRY")
            subject.add(
                "birthPlace",
                _join(_child(place, "STREET"), _child(place, "CITY"), _child(place, "STATE_PROVINCE"), country),
            )
            subject.add("birthCountry", country)

    for address in element.iterfind(f"{prefix}_ADDRESS"):
        country = _child(address, "COUNTRY")
        full = _join(
            _child(address, "STREET"),
            _child(address, "CITY"),
            _child(address, "STATE_PROVINCE"),
            _child(address, "ZIP_CODE"),
            country,
        )
        note = _child(address, "NOTE")
        if note:
            full = f"{full} ({note})" if full else note
        subject.add("address", full)
        subject.add("country", country)

    subject.add("notes", _child(element, "COMMENTS1"))
    updated = sorted(filter(None, (_iso_date(value) for value in _values(element, "LAST_DAY_UPDATED"))))
    modified = updated[-1] if updated else None
    subject.add("modifiedAt", modified)
    subject.add("topics", "sanction")

    # The same document is sometimes listed once per language ("Passport", "Numéro de
    # passeport", "Número de pasaporte"): one entity per (kind, number), values merged.
    documents: dict[tuple[str, str], SourceEntity] = {}
    if is_person:
        for number, document in enumerate(element.iterfind("INDIVIDUAL_DOCUMENT"), start=1):
            entity = _document(subject, document, f"{entity_id}-doc-{number}")
            if entity is None:
                continue
            key = (entity.schema, entity.first("number") or "")
            if key in documents:
                documents[key].values.extend(value for value in entity.values if value.prop != "holder")
            else:
                documents[key] = entity

    sanction = SourceEntity(id=f"{entity_id}-sanction", schema="Sanction", record=reference, line=line)
    sanction.add("entity", entity_id)
    sanction.add("authority", AUTHORITY)
    list_type = _child(element, "UN_LIST_TYPE")
    sanction.add("program", list_type)
    sanction.add("program", REGIMES.get(list_type))
    sanction.add("unscId", reference)
    sanction.add("listingDate", _iso_date(_child(element, "LISTED_ON")))
    sanction.add("modifiedAt", modified)
    sanction.add("sourceUrl", SOURCE_URL)

    yield subject.deduplicate()
    for entity in documents.values():
        yield entity.deduplicate()
    yield sanction.deduplicate()


def _birth_dates(birth: etree._Element) -> list[str]:
    """Birth dates of one INDIVIDUAL_DATE_OF_BIRTH: EXACT/APPROXIMATELY date or year, BETWEEN years."""
    kind = _child(birth, "TYPE_OF_DATE").upper()
    if kind == "BETWEEN":
        start, stop = _child(birth, "FROM_YEAR"), _child(birth, "TO_YEAR")
        if _YEAR_RE.match(start) and _YEAR_RE.match(stop):
            low, high = sorted((int(start), int(stop)))
            if high - low + 1 <= MAX_BIRTH_YEARS:
                return [str(year) for year in range(low, high + 1)]
            return [str(low), str(high)]
        return [year for year in (start, stop) if _YEAR_RE.match(year)]
    dates = [_iso_date(_child(birth, "DATE")), _iso_date(_child(birth, "YEAR"))]
    return [value for value in dates if value]


def _document(subject: SourceEntity, document: etree._Element, doc_id: str) -> SourceEntity | None:
    """A Passport or Identification for one INDIVIDUAL_DOCUMENT; the number also goes on the person."""
    number = _child(document, "NUMBER")
    if not number:
        return None  # FtM requires a number; a document without one says too little to keep.
    kind = _child(document, "TYPE_OF_DOCUMENT")
    is_passport = bool(_PASSPORT_RE.search(kind))
    subject.add("passportNumber" if is_passport else "idNumber", number)
    entity = SourceEntity(
        id=doc_id,
        schema="Passport" if is_passport else "Identification",
        record=subject.record,
        line=document.sourceline or subject.line,
    )
    entity.add("holder", subject.id)
    entity.add("number", number)
    detail = _child(document, "TYPE_OF_DOCUMENT2")
    entity.add("type", kind)
    if detail and detail.rstrip(":").strip().lower() != kind.lower():
        entity.add("type", detail)
    issuing, country_of_issue = _child(document, "ISSUING_COUNTRY"), _child(document, "COUNTRY_OF_ISSUE")
    entity.add("country", issuing)
    if country_of_issue != issuing:
        entity.add("country", country_of_issue)
    entity.add("startDate", _iso_date(_child(document, "DATE_OF_ISSUE")))
    entity.add("summary", _child(document, "NOTE"))
    city = _child(document, "CITY_OF_ISSUE")
    if city:
        entity.add("summary", f"Issued in {city}")
    return entity
