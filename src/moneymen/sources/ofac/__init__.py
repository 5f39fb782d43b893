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
non-numeric ent_num or one of more than :data:`~moneymen.sources.ofac.rows.MAX_ENT_NUM_DIGITS` digits, an unterminated
quote, a field over 1 MiB, a line over :data:`~moneymen.sources.base.MAX_RECORD_BYTES` (read
with a bounded readline, never whole), a repeated ent_num, or a file without SDN rows; and,
before anything is read, a file over :data:`MAX_FILE_BYTES` (the SDN file is held whole) or
one saved as UTF-16. A UTF-8 byte-order mark is dropped.

Modules: :mod:`.rows` (the CSV files, line by line), :mod:`.entry` (one entry's entities),
:mod:`.remarks` (clauses and identifier labels), :mod:`.name_index` (names within the file).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from moneymen.safeyaml import HEAD_BYTES, looks_like_utf16
from moneymen.sources.base import ImportContext, SourceEntity, SourceError
from moneymen.sources.ofac.entry import ALIAS_PROP, Entry
from moneymen.sources.ofac.name_index import NameIndex
from moneymen.sources.ofac.rows import ADD_COLUMNS, ALT_COLUMNS, SDN_COLUMNS, Progress, read_sdn, read_table

#: Largest sdn.csv / alt.csv / add.csv read: the SDN file is held whole in memory (the real one is
#: about 4 MB).
MAX_FILE_BYTES = 64 * 1024 * 1024


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
    progress = Progress(context, sum(p.stat().st_size for p in (path, alt_path, add_path) if p is not None))
    rows = read_sdn(path, progress)
    if not rows:
        raise SourceError(path, None, f"no SDN rows; expected lines of {len(SDN_COLUMNS)} comma-separated fields "
                                      f"({','.join(SDN_COLUMNS)})")
    by_ent = {row.ent_num: row for row in rows}
    aliases: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if alt_path is not None:
        for line, fields in read_table(alt_path, ALT_COLUMNS, progress):
            ent_num, alt_type, alt_name = fields[0], (fields[2] or "").lower(), fields[3]
            if ent_num in by_ent and alt_name:
                aliases[ent_num].append((ALIAS_PROP.get(alt_type, "alias"), alt_name))
    addresses: dict[str, list[list[str | None]]] = defaultdict(list)
    if add_path is not None:
        for line, fields in read_table(add_path, ADD_COLUMNS, progress):
            if fields[0] in by_ent:
                addresses[fields[0]].append(fields)
    progress.done()
    index = NameIndex(rows)
    for row in rows:
        entry = Entry(row, index)
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
