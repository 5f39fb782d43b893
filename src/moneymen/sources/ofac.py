"""The US Treasury OFAC SDN list in its legacy CSV form (``sdn.csv``, with ``alt.csv`` and ``add.csv``).

Published at https://www.treasury.gov/ofac/downloads/sdn.csv. ``sdn.csv`` has twelve
columns and no header: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type,
Tonnage, GRT, Vess_flag, Vess_owner, Remarks. ``-0-`` (often followed by spaces) means
"no value". The file is Latin-1/CP1252 text (each line is read as UTF-8 when it is valid
UTF-8, else as CP1252) and may end with a Ctrl-Z line, which is ignored. The same columns as
UTF-8 with a header row (``ent_num,SDN_Name,...``) are accepted too.

When the companion files exist beside the SDN file they are read as well: the name with its
``sdn`` replaced by ``alt`` / ``add`` (``sdn.csv`` → ``alt.csv``; ``2021-04_sdn.csv`` →
``2021-04_alt.csv``). ``alt.csv`` (ent_num, alt_num, alt_type, alt_name, alt_remarks) gives
structured aliases; ``add.csv`` (ent_num, add_num, address, city/state/postal, country,
add_remarks) gives addresses. Rows that point at an ent_num the SDN file lacks are ignored.

Entities (all with ``record="ent_num N"`` and the SDN row's line number):

* the subject ``ofac-{ent_num}``: ``individual`` → Person, ``vessel`` → Vessel,
  ``aircraft`` → Airplane, ``-0-`` → Organization (the list says "entity", not "company";
  an unknown type → LegalEntity, with a note), with ``topics`` = ``sanction`` and
  ``sourceUrl`` = the entry's page;
* one Sanction per (entry, program) ``ofac-{ent_num}-sanction-{program slug}``: authority
  "Office of Foreign Assets Control", program code (``DPRK2``, ``NPWMD``…), country ``us``,
  authorityId = ent_num, sourceUrl = the entry's page on sanctionssearch.ofac.treas.gov, and
  the regime clauses of the Remarks ("Secondary sanctions risk: …", "Transactions Prohibited
  For Persons Owned or Controlled By U.S. Financial Institutions: …", "Additional Sanctions
  Information - …", directive determinations, CAATSA/IFCA clauses) as ``provisions``;
* Passport ``ofac-{ent_num}-passport-{number slug}`` and Identification
  ``ofac-{ent_num}-identification-{number slug}`` for personal identity documents (holder,
  number, type, country, startDate = issued, endDate = expires);
* CryptoWallet ``ofac-{ent_num}-wallet-{currency}-{address slug}`` for each "Digital Currency
  Address" (publicKey, currency, holder);
* Address ``ofac-{ent_num}-address-{add_num}`` from ``add.csv`` (full, street, city = the
  "city/state/postal" column as OFAC writes it, country, remarks); the subject gets
  ``addressEntity``, ``address`` (the full text) and ``country``;
* UnknownLink ``ofac-{src}-linked-{dst}`` (subject, object, role "Linked To") for each
  "Linked To: NAME" whose NAME is the SDN_Name of another row in the same file.

Names. An individual listed as ``LAST, Given`` gets ``name`` = "Given LAST", ``lastName`` and
``firstName``, and the listed form "LAST, Given" as an ``alias`` (only when it differs, i.e.
always when there is exactly one comma; names with more commas are kept as listed). The same
rule applies to an individual's aliases (both forms become aliases or previous names).
Other subjects keep SDN_Name as ``name``.

Remarks. The whole Remarks text goes to ``notes`` as given. Its ``;``-separated clauses
(``alt.`` prefixes dropped) are also read: ``a.k.a. 'X'`` and ``n.k.a. 'X'`` → ``alias``;
``f.k.a. 'X'`` → ``previousName``; ``DOB`` (``10 Oct 1958``, ``Oct 1958``, ``1958``,
``circa 1958``; a range ``1958 to 1960`` gives both ends) → ``birthDate`` (ISO); ``POB`` →
``birthPlace``; ``nationality`` / ``citizen`` → ``nationality`` / ``citizenship``; ``Gender``;
passports and personal ID documents (National ID No., Cedula No., C.U.R.P., SSN, …) →
``passportNumber`` / ``idNumber`` plus the document entity; company registers (Registration
Number, Company Number, Commercial Registry Number, Government Gazette Number, …) →
``registrationNumber``; tax numbers (Tax ID No., R.F.C., NIT #, RUC #, …) → ``taxNumber``;
``V.A.T. Number`` → ``vatCode``; USCC → ``uscCode``; ``Legal Entity Number`` → ``leiCode``;
``D-U-N-S Number`` → ``dunsCode``; ``SWIFT/BIC`` → ``swiftBic``; any ``… IMO 1234567`` →
``imoNumber`` (``IMO1234567``), as is a bare seven-digit "Vessel Registration
Identification" with a valid IMO check digit; ``MMSI``; ``Website``; ``Email Address``;
``Phone`` / ``Telephone``; ``Organization Established Date`` → ``incorporationDate``;
``Organization Type:`` → ``sector``; ``Target Type`` → ``classification``; vessel and
aircraft details (``Vessel Year of Build`` → buildDate, ``Former Vessel Flag`` → pastFlags,
``Other Vessel Flag`` / ``Nationality of Registration`` → flag (``country`` for
non-vessels), ``Aircraft Model`` → model, ``Aircraft Manufacture Date`` → buildDate, ``Aircraft Manufacturer's Serial Number (MSN)`` /
``Aircraft Serial Identification`` → serialNumber, ``Aircraft Tail Number`` →
registrationNumber). Any other clause (job titles, "Executive Order … information:",
"Aircraft Operator", faxes…) is kept in ``notes`` only. OFAC cuts Remarks off at 1,000
characters in this format, so the last clause of a 1,000-character Remarks is not read.

Columns: Title → ``position`` (individuals; others: ``notes``); Call_Sign → ``callSign``;
Vess_type → ``type``; Tonnage → ``tonnage``; GRT → ``grossRegisteredTonnage`` (thousands
separators dropped); Vess_flag → ``flag``; Vess_owner → a note "Vessel owner: X", and
``owner`` = that entry's id when X is an SDN_Name in the file. Likewise an "Aircraft
Operator X" that names an entry in the file sets ``operator``.

Countries become ISO codes (FtM's country type); a country FtM cannot read is left out of
the property and kept as a note (or in the Remarks note).

"Linked To" resolution. The file is read whole first (15,000 rows take well under a second)
to index SDN_Name → ent_num. A name is looked up as written, then without its final period
(the clause's own full stop), then case- and space-insensitively. When several entries share
the name, the one sharing a program with the source entry is taken; when that still leaves
several, or none matches (the target is not in this file, e.g. a subset file), no link is
made and the source entity gets the note "Linked To: NAME (not resolved in this file: …)",
which lists the first five homonyms' ent_nums ("… and N more"). The name index is keyed by
(name, program), so resolution stays linear in the file however many entries share a name.

Bad input raises SourceError with the file and line: a row without 12 fields, a
non-numeric ent_num or one of more than :data:`MAX_ENT_NUM_DIGITS` digits, an unterminated
quote, a field over 1 MiB, a line over :data:`~moneymen.sources.base.MAX_RECORD_BYTES` (read
with a bounded readline, never whole), a repeated ent_num, or a file without SDN rows; and,
before anything is read, a file over :data:`MAX_FILE_BYTES` (the SDN file is held whole) or
one saved as UTF-16. A UTF-8 byte-order mark is dropped.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from followthemoney import registry

from moneymen.dates import read_listed_dates
from moneymen.model import get_schema
from moneymen.safeyaml import HEAD_BYTES, looks_like_utf16
from moneymen.sources.base import ImportContext, SourceEntity, SourceError, read_bounded_lines

AUTHORITY = "Office of Foreign Assets Control"
DETAILS_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={ent_num}"
NULL = "-0-"
SDN_COLUMNS = (
    "ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign",
    "Vess_type", "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks",
)
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
ADD_COLUMNS = ("ent_num", "add_num", "address", "city/state/postal", "country", "add_remarks")
#: Longest single CSV field accepted.
MAX_FIELD_CHARS = 1024 * 1024
#: OFAC truncates Remarks to this many characters in the legacy CSV.
REMARKS_LIMIT = 1000
#: Report progress every this many bytes.
PROGRESS_STEP = 256 * 1024
#: Longest identifier (passport, registration number…) read from a clause.
MAX_NUMBER_CHARS = 64
#: Largest sdn.csv / alt.csv / add.csv read: the SDN file is held whole in memory (the real one is
#: about 4 MB).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Longest ent_num (OFAC's are at most five digits today).
MAX_ENT_NUM_DIGITS = 10
#: How many ent_nums a "not resolved" note lists when several entries share a name.
LISTED_HOMONYMS = 5

SCHEMA_BY_TYPE = {"": "Organization", "individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}
ALIAS_PROP = {"a": "alias", "n": "alias", "f": "previousName", "aka": "alias", "nka": "alias", "fka": "previousName"}

# Identifier labels in Remarks → what they are. Passport / id → a document entity as well.
_PASSPORT = ("Passport", "Diplomatic Passport", "Passport Booklet", "Passport No.", "British National Overseas Passport",
             "Stateless Person Passport")
_PERSONAL_ID = (
    "National ID No.", "Identification Number", "Personal ID Card", "Cedula No.", "D.N.I.", "C.U.R.P.", "C.U.I.P.",
    "Kenyan ID No.", "Turkish Identification Number", "SSN", "Birth Certificate Number", "Travel Document Number",
    "Residency Number", "Electoral Registry No.", "Credencial electoral", "I.F.E.", "Numero de Identidad", "C.U.I.",
    "LE Number", "VisaNumberID", "Public Security and Immigration No.", "Cartilla de Servicio Militar Nacional",
    "Driver's License No.", "National Foreign ID Number", "Citizen's Card Number", "Refugee ID Card",
    "Stateless Person ID Card", "Tazkira National ID Card", "Moroccan Personal ID No.", "Bosnian Personal ID No.",
    "N.I.E.", "CNP (Personal Numerical Code)", "Military Registration Number", "Seafarer's Identification Document",
    "Immigration No.", "UAE Identification", "Pilot License Number", "Permit Number", "SRE Permit No.",
    "Romanian Permanent Resident CAN",
)
_REGISTRATION = (
    "Registration Number", "Registration ID", "Company Number", "Commercial Registry Number",
    "Business Registration Number", "Business Registration Document", "Business Number", "Enterprise Number",
    "Chamber of Commerce Number", "Certificate of Incorporation Number", "Government Gazette Number",
    "Public Registration Number", "UK Company Number", "Folio Mercantil No.", "Matricula Mercantil No",
    "Trade License No.", "License", "Branch Unit Number", "C.R. No.", "Romanian C.R.",
    "Economic Register Number (CBLS)", "Istanbul Chamber of Comm. No.", "Dubai Chamber of Commerce Membership No.",
    "Registered Charity No.", "Central Registration System Number", "Organization Code", "File Number",
    "MSB Registration Number", "Registration Certificate Number (Dubai)", "C.I.N.", "Tourism License No.",
    "Russian State Individual Business Registration Number Pattern (OGRNIP)",
    "Afghan Money Service Provider License Number",
)
_TAX = (
    "Tax ID No.", "R.F.C.", "RFC", "NIT", "RUC", "RIF", "C.U.I.T.", "US FEIN", "RTN", "Italian Fiscal Code",
    "Paraguayan tax identification number", "Numero Unico de Identificacao Tributaria (NUIT)", "C.I.F.", "N.I.F.",
    "Fiscal Code", "Romanian Tax Registration",
)
#: kind → (subject properties in order of preference, document schema or None)
_KINDS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "passport": (("passportNumber", "idNumber", "registrationNumber"), "Passport"),
    "id": (("idNumber", "registrationNumber"), "Identification"),
    "registration": (("registrationNumber",), None),
    "tax": (("taxNumber",), None),
    "vat": (("vatCode", "taxNumber"), None),
    "usc": (("uscCode", "registrationNumber"), None),
    "lei": (("leiCode",), None),
    "duns": (("dunsCode",), None),
    "swift": (("swiftBic",), None),
    "bik": (("idNumber", "registrationNumber"), None),
}
_LABELS: dict[str, str] = {}
for _kind, _labels in (("passport", _PASSPORT), ("id", _PERSONAL_ID), ("registration", _REGISTRATION), ("tax", _TAX)):
    _LABELS.update(dict.fromkeys(_labels, _kind))
_LABELS.update({
    "V.A.T. Number": "vat", "Unified Social Credit Code (USCC)": "usc",
    "United Social Credit Code Certificate (USCCC)": "usc", "Legal Entity Number": "lei",
    "D-U-N-S Number": "duns", "SWIFT/BIC": "swift", "BIK (RU)": "bik",
})
_LABEL_RE = re.compile(
    r"^(?P<label>" + "|".join(re.escape(label) for label in sorted(_LABELS, key=len, reverse=True)) + r")"
    r"(?=[\s:#])\s*[:#]?\s*(?P<rest>\S.*)$"
)
_DOCUMENT_RE = re.compile(
    r"^(?P<number>.+?)(?:\s*\((?P<country>[^()]*)\))?"
    r"(?:\s+issued\s+(?P<issued>.+?))?(?:\s+expires?\s+(?P<expires>.+?))?$"
)
_IMO_RE = re.compile(r"^IMO\s*:?\s*(\d{7})\b")
_ALT_RE = re.compile(r"^alt\.\s*", re.IGNORECASE)
_ALIAS_RE = re.compile(r"^([afn])\.k\.a\.?\s*'(.+)'\s*\.?$", re.IGNORECASE)
_PROVISION_RE = re.compile(
    r"^(?:Secondary sanctions risk|Transactions Prohibited For Persons Owned or Controlled|"
    r"Additional Sanctions Information|Executive Order \d+ Directive Determination|CAATSA Section|"
    r"IFCA Determination|Listing Date \(|Effective Date \()"
)
_SLUG_RE = re.compile(r"[^a-z0-9]+")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")


def sniff(head: bytes) -> bool:
    """True when ``head`` (the first bytes of a file) looks like an OFAC sdn.csv (UTF-16 too, so that
    the import can say the file is UTF-16)."""
    if looks_like_utf16(head):
        marked = head.startswith((b"\xff\xfe", b"\xfe\xff"))
        codec = "utf-16" if marked else "utf-16-be" if head[0::2].count(0) > head[1::2].count(0) else "utf-16-le"
        text = head[:len(head) // 2 * 2].decode(codec, errors="replace").lstrip("\ufeff\r\n")
    else:
        text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1").lstrip("\r\n")
    first, newline, _ = text.partition("\n")
    first = first.rstrip("\r")
    if first.lower().startswith("ent_num,sdn_name,sdn_type"):
        return True
    try:
        fields = next(csv.reader([first]), [])
    except csv.Error:
        return False
    if len(fields) < 3 or not fields[0].strip().isdigit():
        return False
    if fields[2].strip().lower() not in ("-0-", "individual", "vessel", "aircraft"):
        return False
    return len(fields) == len(SDN_COLUMNS) if newline else len(fields) <= len(SDN_COLUMNS)


def read(path: Path, context: ImportContext) -> Iterator[SourceEntity]:
    """Yield the entities of the SDN file at ``path`` (and its alt/add companions, if present)."""
    path = Path(path)
    alt_path, add_path = companion(path, "alt"), companion(path, "add")
    for each in (path, alt_path, add_path):
        if each is not None:
            _check_file(each)
    progress = _Progress(context, sum(p.stat().st_size for p in (path, alt_path, add_path) if p is not None))
    rows = _read_sdn(path, progress)
    if not rows:
        raise SourceError(path, None, f"no SDN rows; expected lines of {len(SDN_COLUMNS)} comma-separated fields "
                                      f"({','.join(SDN_COLUMNS)})")
    by_ent = {row.ent_num: row for row in rows}
    aliases: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if alt_path is not None:
        for line, fields in _read_table(alt_path, ALT_COLUMNS, progress):
            ent_num, alt_type, alt_name = fields[0], (fields[2] or "").lower(), fields[3]
            if ent_num in by_ent and alt_name:
                aliases[ent_num].append((ALIAS_PROP.get(alt_type, "alias"), alt_name))
    addresses: dict[str, list[list[str | None]]] = defaultdict(list)
    if add_path is not None:
        for line, fields in _read_table(add_path, ADD_COLUMNS, progress):
            if fields[0] in by_ent:
                addresses[fields[0]].append(fields)
    progress.done()
    index = _NameIndex(rows)
    for row in rows:
        entry = _Entry(row, index)
        entry.build(aliases.get(row.ent_num, ()), addresses.get(row.ent_num, ()))
        yield from entry.entities()


def inputs(path: Path) -> list[Path]:
    """Every file an import of ``path`` reads: the SDN file and the companions beside it."""
    return [path, *(other for other in (companion(path, "alt"), companion(path, "add")) if other is not None)]


def _check_file(path: Path) -> None:
    """Refuse a file too large to hold in memory, or one saved as UTF-16, before reading it."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise SourceError(path, None, f"the file is {size:,} bytes; expected an OFAC list file of at "
                                      f"most {MAX_FILE_BYTES // (1024 * 1024)} MiB (sdn.csv is about 4 MB)")
    with path.open("rb") as handle:
        if looks_like_utf16(handle.read(HEAD_BYTES)):
            raise SourceError(path, None, "the file is UTF-16 text; save it as UTF-8 "
                                          "(or use OFAC's sdn.csv as published)")


def companion(path: Path, kind: str) -> Path | None:
    """The ``alt``/``add`` file beside ``path``: its name with the last ``sdn`` replaced, if it exists."""
    name = path.name
    at = name.lower().rfind("sdn")
    if at < 0:
        return None
    word = kind.upper() if name[at:at + 3].isupper() else kind
    candidate = path.with_name(name[:at] + word + name[at + 3:])
    return candidate if candidate.is_file() and candidate != path else None


# --- reading the CSV ---------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    line: int
    ent_num: str
    fields: list[str | None]

    def get(self, column: str) -> str | None:
        return self.fields[SDN_COLUMNS.index(column)]


class _Progress:
    def __init__(self, context: ImportContext, total: int):
        self.context, self.total, self.base, self.last = context, total, 0, 0

    def at(self, offset: int) -> None:
        done = self.base + offset
        if done - self.last >= PROGRESS_STEP:
            self.last = done
            self.context.report(done, self.total)

    def finish_file(self, size: int) -> None:
        self.base += size

    def done(self) -> None:
        self.context.report(self.total, self.total)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:  # the five bytes CP1252 leaves undefined
            return raw.decode("latin-1")


def _lines(handle, path: Path, progress: _Progress) -> Iterator[str]:
    """Decoded physical lines, bounded in length; a Ctrl-Z line reads as a blank line."""
    for number, raw in read_bounded_lines(handle, path):
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if raw.strip() == b"\x1a":
            raw = b"\n"
        progress.at(handle.tell())
        yield _decode(raw)


def _records(path: Path, columns: tuple[str, ...], progress: _Progress) -> Iterator[tuple[int, list[str]]]:
    """(first line, fields) of each non-blank CSV record of ``path``, checked for its field count."""
    previous_limit = csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        with path.open("rb") as handle:
            reader = csv.reader(_lines(handle, path, progress), strict=True)
            start = 1
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except csv.Error as error:
                    raise SourceError(path, start, _csv_problem(str(error), start)) from None
                line, start = start, reader.line_num + 1
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    continue
                if len(fields) != len(columns):
                    raise SourceError(path, line, f"expected {len(columns)} comma-separated fields "
                                                  f"({','.join(columns)}), found {len(fields)}")
                yield line, fields
            progress.finish_file(handle.tell())
    finally:
        csv.field_size_limit(previous_limit)


def _csv_problem(message: str, line: int) -> str:
    if "field larger than field limit" in message:
        return (f"a field is longer than {MAX_FIELD_CHARS // (1024 * 1024)} MiB (an unterminated quote starting "
                f"on line {line}?)")
    if "unexpected end of data" in message or "EOF" in message:
        return f"unterminated quoted field starting on line {line}: the file looks truncated"
    return f"malformed CSV ({message})"


def _clean(value: str) -> str | None:
    value = value.strip()
    return None if not value or value == NULL else value


def _ent_num(path: Path, line: int, value: str) -> str:
    value = value.strip()
    if not value.isascii() or not value.isdigit():
        raise SourceError(path, line, f"ent_num must be a whole number, found {value[:40]!r}")
    number = value.lstrip("0") or "0"
    if len(number) > MAX_ENT_NUM_DIGITS:
        raise SourceError(path, line, f"ent_num must be a whole number of at most {MAX_ENT_NUM_DIGITS} digits, "
                                      f"found {len(number):,} digits ({value[:20]}…)")
    return number


def _read_sdn(path: Path, progress: _Progress) -> list[_Row]:
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    first = True
    for line, fields in _records(path, SDN_COLUMNS, progress):
        if first and fields[0].strip().lower() == "ent_num":
            first = False  # the header row of the derived (UTF-8) form
            continue
        first = False
        ent_num = _ent_num(path, line, fields[0])
        if ent_num in seen:
            raise SourceError(path, line, f"ent_num {ent_num} is repeated (first on line {seen[ent_num]})")
        seen[ent_num] = line
        values = [_clean(value) for value in fields]
        values[0] = ent_num
        if not values[1]:
            raise SourceError(path, line, "SDN_Name is empty; expected the listed name")
        rows.append(_Row(line, ent_num, values))
    return rows


def _read_table(path: Path, columns: tuple[str, ...], progress: _Progress) -> Iterator[tuple[int, list[str | None]]]:
    first = True
    for line, fields in _records(path, columns, progress):
        if first and fields[0].strip().lower() == "ent_num":
            first = False
            continue
        first = False
        values = [_clean(value) for value in fields]
        values[0] = _ent_num(path, line, fields[0])
        yield line, values


# --- small helpers -------------------------------------------------------------------------


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


def _unquote(text: str) -> str:
    text = text.strip()
    while len(text) > 1 and text[0] == text[-1] == "'":
        text = text[1:-1].strip()
    return text


def _strip_stop(text: str) -> str:
    text = text.strip()
    return text[:-1].rstrip() if text.endswith(".") else text


# --- resolution of names within the file ---------------------------------------------------


def _loose(name: str) -> str:
    return " ".join(name.casefold().split()).rstrip(". ")


class _Homonyms:
    """The entries that share one name (as written, or loosely), and the same per program.

    Built once for the file, so that resolving a name among thousands of homonyms is a few
    lookups rather than a scan (ent_nums are unique in a file, so each is here once).
    """

    __slots__ = ("ents", "by_program", "_why")

    def __init__(self) -> None:
        self.ents: list[str] = []
        self.by_program: dict[str, list[str]] = defaultdict(list)
        self._why: str | None = None

    def add(self, ent_num: str, codes: Iterable[str]) -> None:
        self.ents.append(ent_num)
        for code in codes:
            self.by_program[code].append(ent_num)

    def sharing(self, codes: Iterable[str]) -> str | None:
        """The one entry that shares a program in ``codes``; None when none or several do."""
        found = None
        for code in codes:
            for ent in self.by_program.get(code, ()):
                if found is None:
                    found = ent
                elif ent != found:
                    return None  # a second one: at most a few steps, however many homonyms
        return found

    def why(self) -> str:
        """Why the name is not resolved: how many entries have it, and the first few ent_nums."""
        if self._why is None:
            listed = ", ".join(self.ents[:LISTED_HOMONYMS])
            more = len(self.ents) - LISTED_HOMONYMS
            self._why = (f"{len(self.ents)} entries have this name: ent_num {listed}"
                         + (f" and {more:,} more" if more > 0 else ""))
        return self._why


class _NameIndex:
    """SDN_Name → ent_nums of the whole file, for "Linked To", vessel owners and aircraft operators."""

    def __init__(self, rows: Iterable[_Row]):
        self.exact: dict[str, _Homonyms] = defaultdict(_Homonyms)
        self.loose: dict[str, _Homonyms] = defaultdict(_Homonyms)
        self.programs: dict[str, tuple[str, ...]] = {}
        for row in rows:
            name = row.get("SDN_Name") or ""
            codes = self.programs[row.ent_num] = tuple(programs(row.get("Program")))
            self.exact[name].add(row.ent_num, codes)
            self.loose[_loose(name)].add(row.ent_num, codes)

    def resolve(self, name: str, source: str) -> tuple[str | None, str]:
        """(ent_num, "") for the entry called ``name``, or (None, why not).

        Among several entries of that name, the one sharing a program with ``source`` is taken.
        """
        name = name.strip()
        tries = [self.exact.get(name)]
        if name.endswith("."):
            tries.append(self.exact.get(name[:-1].rstrip()))
        tries.append(self.loose.get(_loose(name)))
        for candidates in tries:
            if candidates is None:
                continue
            if len(candidates.ents) == 1:
                return candidates.ents[0], ""
            sharing = candidates.sharing(self.programs.get(source, ()))
            if sharing is not None:
                return sharing, ""
            return None, candidates.why()
        return None, "no entry of this file has this name"


def programs(text: str | None) -> list[str]:
    """Program codes of a Program cell: ``NPWMD] [DPRK2`` → ["NPWMD", "DPRK2"]."""
    if not text:
        return []
    codes = (code.strip(" []") for code in text.split("] ["))
    return list(dict.fromkeys(code for code in codes if code and code != NULL))


# --- one SDN entry -------------------------------------------------------------------------


@dataclass
class _Entry:
    row: _Row
    index: _NameIndex
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
        text = _ALT_RE.sub("", clause).strip()
        if not text:
            return
        if _PROVISION_RE.match(text):
            self.provisions.append(_strip_stop(text))
            return
        for pattern, handler in _HANDLERS:
            match = pattern.match(text)
            if match is not None:
                handler(self, match)
                return

    def on_alias(self, match: re.Match) -> None:
        alias = _unquote(match.group(2))
        if alias:
            self.alias(ALIAS_PROP[match.group(1).lower()], alias)

    def on_link(self, match: re.Match) -> None:
        name = match.group(1).strip()
        target, why = self.index.resolve(name, self.row.ent_num)
        if target is None or target == self.row.ent_num:
            why = why or "names the entry itself"
            self.subject.add("notes", f"Linked To: {_strip_stop(name)} (not resolved in this file: {why})")
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
        self.add("birthPlace", _strip_stop(match.group(1)))

    def on_gender(self, match: re.Match) -> None:
        self.add("gender", match.group(1).lower())

    def on_identifier(self, match: re.Match) -> None:
        label, rest = match.group("label"), _strip_stop(match.group("rest"))
        imo = _IMO_RE.match(rest)
        if imo is not None:
            self.add_first(("imoNumber", "registrationNumber"), f"IMO{imo.group(1)}")
            return
        kind = _LABELS[label]
        parts = _DOCUMENT_RE.match(rest)
        if parts is None:
            return
        number = parts.group("number").strip().rstrip(",")
        if not number or len(number) > MAX_NUMBER_CHARS or (kind != "swift" and not re.search(r"\d", number)):
            return
        props, document = _KINDS[kind]
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
        rest = _strip_stop(match.group(1))
        imo = _IMO_RE.match(rest)
        if imo is not None:
            self.add_first(("imoNumber", "registrationNumber"), f"IMO{imo.group(1)}")
        elif is_imo_number(rest):
            self.add_first(("imoNumber", "registrationNumber"), f"IMO{rest}")
        else:
            self.add_first(("registrationNumber",), rest)

    def on_imo(self, match: re.Match) -> None:
        self.add_first(("imoNumber", "registrationNumber"), f"IMO{match.group(1)}")

    def on_wallet(self, match: re.Match) -> None:
        currency, address = match.group(1).upper(), _strip_stop(match.group(2))
        entity = self.extra("CryptoWallet", f"{self.id}-wallet-{slug(currency)}-{slug(address)}")
        entity.add("publicKey", address)
        entity.add("currency", currency)
        entity.add("holder", self.id)

    def on_operator(self, match: re.Match) -> None:
        self.refer("operator", _strip_stop(match.group(1)))


def clauses(remarks: str) -> list[str]:
    """The ``;``-separated clauses of a Remarks cell; a cut-off last clause is left out."""
    parts = [part.strip() for part in remarks.split(";")]
    if len(remarks) >= REMARKS_LIMIT:
        parts = parts[:-1]
    return [part for part in parts if part]


Handler = Callable[[_Entry, re.Match], None]


def _country_handler(prop: str) -> Handler:
    """A clause handler adding a country (as an ISO code) to ``prop``; ``flag`` falls back to ``country``."""

    def handle(entry: _Entry, match: re.Match) -> None:
        target = prop if prop in _properties(entry.schema) or prop != "flag" else "country"
        if target in _properties(entry.schema):
            entry.add_country(target, _strip_stop(match.group(1)))

    return handle


def _value_handler(prop: str, dates: bool = False) -> Handler:
    """A clause handler adding group 1 (without a final full stop; as ISO dates if ``dates``) to ``prop``."""

    def handle(entry: _Entry, match: re.Match) -> None:
        value = _strip_stop(match.group(1))
        for item in read_listed_dates(value) if dates else [value]:
            entry.add(prop, item)

    return handle


_HANDLERS: list[tuple[re.Pattern, Handler]] = [
    (_ALIAS_RE, _Entry.on_alias),
    (re.compile(r"^Linked To\s*:\s*(.+)$"), _Entry.on_link),
    (re.compile(r"^DOB\s*:?\s*(.+)$"), _Entry.on_dob),
    (re.compile(r"^POB\s*:?\s*(.+)$"), _Entry.on_pob),
    (re.compile(r"^Nationality of Registration\s+(.+)$"), _country_handler("flag")),
    (re.compile(r"^nationality\s*:?\s*(.+)$"), _country_handler("nationality")),
    (re.compile(r"^citizen\s*:?\s*(.+)$"), _country_handler("citizenship")),
    (re.compile(r"^Gender\s*:?\s*(Male|Female)\b", re.IGNORECASE), _Entry.on_gender),
    (re.compile(r"^Vessel Registration Identification\s+(.+)$"), _Entry.on_vessel_registration),
    (re.compile(r"^International Maritime Organization No\.?\s*\(?\s*(\d{7})"), _Entry.on_imo),
    (re.compile(r"^MMSI\s*:?\s*(\d{9})\b"), _value_handler("mmsi")),
    (re.compile(r"^Vessel Year of Build\s+(\d{4})"), _value_handler("buildDate")),
    (re.compile(r"^Former Vessel Flag\s+(.+)$"), _country_handler("pastFlags")),
    (re.compile(r"^Other Vessel Flag\s+(.+)$"), _country_handler("flag")),
    (re.compile(r"^Other Vessel Call Sign\s+(\S+)"), _value_handler("callSign")),
    (re.compile(r"^Other Vessel Type\s+(.+)$"), _value_handler("type")),
    (re.compile(r"^Digital Currency Address\s*-\s*([A-Za-z0-9]+)\s+(\S+)\s*$"), _Entry.on_wallet),
    (_LABEL_RE, _Entry.on_identifier),
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
    (re.compile(r"^Aircraft Operator\s+(.+)$"), _Entry.on_operator),
]
