"""Import throughput: how fast moneymen reads lists and FtM files into a fresh DuckDB store.

Run from the repository root::

    .venv/bin/python bench/import_throughput.py [--shared PATH] [--statements 1000000] [--repeat 3]

Rows (each timed with ``time.perf_counter``; the median of ``--repeat`` runs, each on a fresh
store file in a temporary directory, except the re-import, update and export rows, which work on
the store the FtM import of the same run left behind):

1. the OFAC SDN list 2024-05-03 (``sdn.csv`` only);
2. the OFAC 2021-04 triple (``sdn.csv`` with ``alt.csv`` and ``add.csv`` beside it);
3. the UN Security Council consolidated list 2025-11-20 (XML);
4. FtM JSON lines of at least ``--statements`` statements, generated here (seeded);
5. re-import of the identical FtM file into the same dataset (a no-op: the file is known);
6. the same entities with about 10% of their values changed and a later ``last_seen``,
   imported into the same dataset (an updated version of a list: the merge path);
7. export of the store after row 4 to FtM JSON lines.

Below them, the baselines a user would otherwise reach for: the same FtM file read by
followthemoney into entity proxies (parse only; they store nothing), and moneymen's own FtM
reader without the store, so the cost of storing can be read off.

The import rows time ``import_file`` plus closing the store (DuckDB's checkpoint), not opening
it. The time spent inside ``Store.write_statements`` (the DuckDB merge) is measured as well and
shown in a second table. ``--profile`` adds cProfile listings of one OFAC import, one FtM import and the FtM export.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import platform
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared" / "data"
FTM_DATASET = "bench_ftm"


# -- results --------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table: what was imported, how big it is, how long it took."""

    label: str
    entities: int | None = None
    statements: int | None = None
    seconds: list[float] = field(default_factory=list)
    merge_seconds: list[float] = field(default_factory=list)
    target: str = "—"
    check: Callable[["Row"], bool] | None = None
    rates: bool = True
    note: str | None = None  # "skipped: …" or "failed: …" replaces the figures
    remark: str | None = None  # printed under the table

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def per_second(self, count: int | None) -> float | None:
        if count is None or not self.seconds or self.median <= 0:
            return None
        return count / self.median

    def met(self) -> str:
        if self.note or self.check is None or not self.seconds:
            return "—"
        return "yes" if self.check(self) else "**no**"


def _int(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _seconds(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.2f}"


def markdown_table(header: list[str], rows: list[list[str]], align: str) -> str:
    """A markdown table padded so it also reads well as plain text. ``align``: l/r per column."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]

    def line(cells: list[str]) -> str:
        padded = [cell.ljust(w) if a == "l" else cell.rjust(w) for cell, w, a in zip(cells, widths, align)]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if a == "r" else ("-" * (w + 2)) for w, a in zip(widths, align)) + "|"
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def results_table(rows: list[Row]) -> str:
    header = ["input", "entities", "statements", "median s", "statements/s", "entities/s", "target", "met?"]
    body = []
    for row in rows:
        if row.note:
            body.append([row.label, row.note, "", "", "", "", row.target, "—"])
            continue
        stmt_rate = _rate(row.per_second(row.statements)) if row.rates else "—"
        ent_rate = _rate(row.per_second(row.entities)) if row.rates else "—"
        body.append([row.label, _int(row.entities), _int(row.statements), _seconds(row.median),
                     stmt_rate, ent_rate, row.target, row.met()])
    return markdown_table(header, body, "lrrrrrll")


def stages_table(rows: list[Row]) -> str:
    header = ["input", "median s", "read, convert, commit s", "DuckDB merge s", "merge share"]
    body = []
    for row in rows:
        if row.note or not row.merge_seconds:
            continue
        total, merge = row.median, statistics.median(row.merge_seconds)
        body.append([row.label, _seconds(total), _seconds(max(total - merge, 0.0)), _seconds(merge),
                     f"{merge / total:.0%}" if total else "—"])
    return markdown_table(header, body, "lrrrr")


# -- machine ----------------------------------------------------------------------------


def machine_facts() -> list[str]:
    import duckdb
    import followthemoney
    import pyarrow

    import moneymen

    cpu = platform.processor() or platform.machine()
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages * size / 2**30:.0f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        f"- machine: {usable} usable cores ({os.cpu_count()} online), {cpu}{memory}, {platform.system()} {platform.release()}",
        f"- python {platform.python_version()} ({platform.python_implementation()}), "
        f"duckdb {duckdb.__version__}, pyarrow {pyarrow.__version__}, "
        f"followthemoney {getattr(followthemoney, '__version__', _dist_version('followthemoney'))}, "
        f"moneymen {getattr(moneymen, '__version__', _dist_version('moneymen'))}",
    ]


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


# -- a generated FtM file ----------------------------------------------------------------

COUNTRIES = ("kp", "cn", "ru", "ir", "sy", "ae", "hk", "sg", "my", "th", "vn", "kh", "mn", "by", "tr",
             "cy", "lb", "pa", "vg", "ky", "ch", "de", "gb", "us", "nl", "bg", "ua", "kz", "uz", "pk",
             "in", "id", "ph", "tw", "jp", "kr", "za", "ng", "eg", "ly", "ve", "cu", "mx", "br", "it")
CURRENCIES = ("USD", "EUR", "CNY", "RUB", "AED", "HKD", "SGD", "GBP", "CHF", "KPW")
ONSETS = ("b", "ch", "d", "g", "h", "j", "k", "kh", "l", "m", "n", "p", "r", "s", "sh", "t", "ts", "v", "y", "z")
VOWELS = ("a", "e", "i", "o", "u", "ae", "eo", "ou", "ia", "yo")
CODAS = ("", "", "", "n", "ng", "k", "l", "m", "r", "v", "sh")
WORDS = ("Golden", "Star", "Ocean", "Pacific", "Eastern", "Unity", "Harmony", "Pioneer", "Silk", "Dragon",
         "Phoenix", "Northern", "Summit", "Glory", "Rainbow", "Crystal", "Jade", "Victory", "Horizon", "Pearl",
         "Everbright", "Sunrise", "Kumgang", "Paektu", "Taedong", "Crescent", "Atlas", "Meridian", "Vanguard", "Orient")
TRADES = ("Trading", "Shipping", "Logistics", "Import Export", "Mining", "Petroleum", "Technology",
          "Investment", "Maritime", "Industrial", "Commercial", "Development", "Energy", "Metals", "Finance")
SUFFIXES = ("Co., Ltd.", "LLC", "Limited", "Corporation", "GmbH", "FZE", "JSC", "S.A.", "Pte. Ltd.", "Inc.")
ORG_KINDS = ("Bureau", "Committee", "Department", "General Bureau", "Association", "Foundation", "Office")
POSITIONS = ("Director", "Chairman", "Deputy Director", "Representative", "Manager", "Banker", "Ship captain",
             "Official", "Minister", "Trade counsellor", "Chief executive", "Financial officer")
SECTORS = ("banking", "shipping", "mining", "arms trade", "oil and gas", "construction", "textiles", "seafood",
           "telecommunications", "software", "insurance", "real estate")
RELATIONSHIPS = ("spouse", "son", "daughter", "brother", "sister", "father", "mother", "cousin", "nephew")
DIRECTOR_ROLES = ("director", "chairman", "managing director", "board member", "legal representative", "secretary")
OWNER_ROLES = ("shareholder", "beneficial owner", "parent company", "nominee shareholder")
PURPOSES = ("purchase of goods", "freight charges", "consulting fees", "loan repayment", "commission",
            "equipment", "fuel", "service fee", "investment", "dividend")
AUTHORITIES = (("Office of Foreign Assets Control", "us"), ("United Nations Security Council", ""),
               ("Council of the European Union", "eu"), ("HM Treasury OFSI", "gb"), ("Swiss SECO", "ch"))
PROGRAMS = ("DPRK2", "DPRK3", "NPWMD", "SDGT", "IRAN", "RUSSIA-EO14024", "UN 1718", "EU 2016/849", "CYBER2")
REASONS = ("Involved in illicit ship-to-ship transfers.", "Acted on behalf of a designated bank.",
           "Procured dual-use goods for weapons programmes.", "Generated revenue through overseas labour.",
           "Laundered proceeds of cyber theft.", "Owned or controlled by a designated entity.")

#: Entity kinds and how often each appears (out of 100).
MIX = (("Person", 30), ("Company", 22), ("Organization", 5), ("Ownership", 12), ("Directorship", 12),
       ("Family", 5), ("Payment", 10), ("Sanction", 4))
#: Properties that point at other entities: never changed by the update, so relations stay whole.
REFERENCES = {"owner", "asset", "director", "organization", "person", "relative", "payer", "beneficiary", "entity"}
#: Chance that a changeable value differs in the updated file; about 10% of all values.
CHANGE_RATE = 0.12


class Generator:
    """Deterministic FtM entities: parties first, then relations between parties already made."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.seed = seed
        rng = self.rng
        self.given = sorted({self._word(rng, 2) for _ in range(600)})
        self.family = sorted({self._word(rng, rng.choice((1, 1, 2))) for _ in range(900)})
        self.cities = sorted({self._word(rng, rng.choice((2, 3))) for _ in range(300)})
        self.crawls = [(date(2019, 1, 1) + timedelta(days=n)).isoformat() + "T06:00:00" for n in range(0, 1900, 3)]
        self.people: list[str] = []
        self.companies: list[str] = []
        self.organizations: list[str] = []
        self.counter = 0

    @staticmethod
    def _word(rng: random.Random, syllables: int) -> str:
        return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables)).capitalize()

    def _id(self, schema: str) -> str:
        self.counter += 1
        digest = hashlib.sha1(f"{self.seed}:{self.counter}".encode()).hexdigest()[:20]
        return f"bench-{schema.lower()}-{digest}"

    def _date(self, start: int, end: int) -> str:
        return (date(start, 1, 1) + timedelta(days=self.rng.randrange((end - start) * 365))).isoformat()

    def _number(self, prefix: str, digits: int) -> str:
        return prefix + "".join(self.rng.choice("0123456789") for _ in range(digits))

    def _party(self) -> str:
        pool = self.rng.choices((self.people, self.companies, self.organizations), weights=(5, 4, 1))[0]
        return self.rng.choice(pool or self.people)

    def _company_like(self) -> str:
        return self.rng.choice(self.companies if self.rng.random() < 0.85 or not self.organizations else self.organizations)

    def entity(self, last_seen: str) -> dict:
        rng = self.rng
        schema = rng.choices([name for name, _ in MIX], weights=[weight for _, weight in MIX])[0]
        if schema not in ("Person", "Company", "Organization") and (len(self.people) < 2 or len(self.companies) < 2):
            schema = "Person" if len(self.people) < 2 else "Company"
        entity_id = self._id(schema)
        props = getattr(self, f"_{schema.lower()}")()
        if schema == "Person":
            self.people.append(entity_id)
        elif schema == "Company":
            self.companies.append(entity_id)
        elif schema == "Organization":
            self.organizations.append(entity_id)
        properties = {prop: list(dict.fromkeys(v for v in values if v)) for prop, values in props.items()}
        properties = {prop: values for prop, values in properties.items() if values}
        caption = (properties.get("name") or properties.get("role") or properties.get("relationship")
                   or properties.get("program") or properties.get("purpose") or [schema])[0]
        return {
            "id": entity_id,
            "caption": caption,
            "schema": schema,
            "properties": properties,
            "referents": [],
            "datasets": [FTM_DATASET],
            "first_seen": rng.choice(self.crawls),
            "last_seen": last_seen,
            "target": schema in ("Person", "Company", "Organization") and rng.random() < 0.3,
        }

    def _person(self) -> dict:
        rng = self.rng
        first, last = rng.choice(self.given), rng.choice(self.family).upper()
        country = rng.choice(COUNTRIES)
        aliases = [f"{last} {first}", f"{first[0]}. {last.capitalize()}", f"{rng.choice(self.given)} {last}"]
        return {
            "name": [f"{first} {last.capitalize()}"],
            "alias": aliases[: rng.choice((0, 1, 1, 2, 3))],
            "firstName": [first],
            "lastName": [last.capitalize()],
            "birthDate": [self._date(1940, 2002)] + ([self._date(1940, 2002)] if rng.random() < 0.1 else []),
            "birthPlace": [rng.choice(self.cities)] if rng.random() < 0.5 else [],
            "nationality": [country],
            "country": [country if rng.random() < 0.7 else rng.choice(COUNTRIES)],
            "gender": [rng.choice(("male", "female"))],
            "passportNumber": [self._number(rng.choice(("", "P", "PA", "G")), rng.choice((7, 8, 9)))] if rng.random() < 0.6 else [],
            "idNumber": [self._number("", 10)] if rng.random() < 0.3 else [],
            "position": [rng.choice(POSITIONS)] if rng.random() < 0.4 else [],
            "topics": [rng.choice(("sanction", "role.pep", "crime.fin"))] if rng.random() < 0.4 else [],
        }

    def _company(self) -> dict:
        rng = self.rng
        base = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(TRADES)}"
        country = rng.choice(COUNTRIES)
        return {
            "name": [f"{base} {rng.choice(SUFFIXES)}"],
            "alias": [base.upper()] if rng.random() < 0.4 else [],
            "previousName": [f"{rng.choice(WORDS)} {rng.choice(TRADES)} {rng.choice(SUFFIXES)}"] if rng.random() < 0.15 else [],
            "jurisdiction": [country],
            "country": [country] + ([rng.choice(COUNTRIES)] if rng.random() < 0.3 else []),
            "registrationNumber": [self._number(country.upper() + "-", 9)],
            "taxNumber": [self._number("", 12)] if rng.random() < 0.5 else [],
            "incorporationDate": [self._date(1985, 2024)],
            "address": [f"{rng.randint(1, 999)} {rng.choice(WORDS)} Street, {rng.choice(self.cities)}"] if rng.random() < 0.7 else [],
            "sector": [rng.choice(SECTORS)] if rng.random() < 0.5 else [],
            "swiftBic": [rng.choice(WORDS)[:4].upper() + country.upper() + "22"] if rng.random() < 0.08 else [],
            "imoNumber": [self._number("IMO", 7)] if rng.random() < 0.1 else [],
            "topics": ["sanction"] if rng.random() < 0.3 else [],
        }

    def _organization(self) -> dict:
        rng = self.rng
        name = f"{rng.choice(WORDS)} {rng.choice(ORG_KINDS)}"
        return {
            "name": [name],
            "alias": [f"Office {rng.randint(1, 99)}", name.upper()][: rng.choice((0, 1, 2))],
            "country": [rng.choice(COUNTRIES)],
            "incorporationDate": [self._date(1950, 2020)] if rng.random() < 0.4 else [],
            "address": [f"{rng.choice(self.cities)} District, {rng.choice(self.cities)}"] if rng.random() < 0.6 else [],
            "sector": [rng.choice(SECTORS)],
            "topics": ["sanction"] if rng.random() < 0.5 else [],
        }

    def _ownership(self) -> dict:
        rng = self.rng
        share = rng.choice((100, 51, 50, 49, 33.3, 25, 10, 5))
        return {
            "owner": [self._party()],
            "asset": [self._company_like()],
            "percentage": [f"{share}"],
            "role": [rng.choice(OWNER_ROLES)],
            "startDate": [self._date(1995, 2024)],
            "sharesCount": [str(rng.randint(1, 100_000) * 100)] if rng.random() < 0.3 else [],
            "sourceUrl": [f"https://registry.example.org/filing/{rng.randrange(10**9)}"] if rng.random() < 0.5 else [],
        }

    def _directorship(self) -> dict:
        rng = self.rng
        start = self._date(1995, 2022)
        return {
            "director": [rng.choice(self.people)],
            "organization": [self._company_like()],
            "role": [rng.choice(DIRECTOR_ROLES)],
            "startDate": [start],
            "endDate": [str(int(start[:4]) + rng.randint(1, 5)) + start[4:]] if rng.random() < 0.3 else [],
            "sourceUrl": [f"https://registry.example.org/officers/{rng.randrange(10**9)}"] if rng.random() < 0.4 else [],
        }

    def _family(self) -> dict:
        rng = self.rng
        return {
            "person": [rng.choice(self.people)],
            "relative": [rng.choice(self.people)],
            "relationship": [rng.choice(RELATIONSHIPS)],
            "description": ["Named in a designation notice."] if rng.random() < 0.2 else [],
        }

    def _payment(self) -> dict:
        rng = self.rng
        return {
            "payer": [self._party()],
            "beneficiary": [self._party()],
            "amount": [f"{rng.randint(1, 5_000_000) * 10 ** rng.randint(0, 2)}.{rng.randint(0, 99):02d}"],
            "currency": [rng.choice(CURRENCIES)],
            "date": [self._date(2012, 2025)],
            "purpose": [rng.choice(PURPOSES)] if rng.random() < 0.7 else [],
            "transactionNumber": [self._number("TX", 12)] if rng.random() < 0.6 else [],
        }

    def _sanction(self) -> dict:
        rng = self.rng
        authority, country = rng.choice(AUTHORITIES)
        listed = self._date(2006, 2025)
        return {
            "entity": [self._party()],
            "authority": [authority],
            "country": [country],
            "program": [rng.choice(PROGRAMS)],
            "startDate": [listed],
            "listingDate": [listed],
            "authorityId": [str(rng.randint(1000, 60000))],
            "reason": [rng.choice(REASONS)] if rng.random() < 0.6 else [],
            "sourceUrl": [f"https://sanctions.example.gov/entry/{rng.randrange(10**7)}"],
        }


def _mutate(schema: str, prop: str, value: str, rng: random.Random) -> str:
    """A plausible revision of ``value``: a respelling, a corrected date, a new number."""
    from followthemoney import model

    kind = model.schemata[schema].properties[prop].type.name
    if kind == "date":
        return (date.fromisoformat(value[:10]) + timedelta(days=rng.choice((-400, -31, -1, 1, 31, 400)))).isoformat()
    if kind == "country":
        return rng.choice([code for code in COUNTRIES if code != value] or ["zz"])
    if kind in ("identifier", "number") or value[-1:].isdigit():
        last = value[-1]
        return value[:-1] + str((int(last) + rng.randint(1, 9)) % 10) if last.isdigit() else value + "1"
    letters = [i for i, ch in enumerate(value) if ch.lower() in "aeiou"]
    if letters:
        i = rng.choice(letters)
        swapped = {"a": "e", "e": "i", "i": "y", "o": "u", "u": "oo"}[value[i].lower()]
        return value[:i] + (swapped.upper() if value[i].isupper() else swapped) + value[i + 1:]
    return value + " (revised)"


@dataclass
class Generated:
    path: Path
    update_path: Path
    entities: int
    statements: int
    changed: int
    seconds: float


def generate_ftm(folder: Path, statements: int, seed: int) -> Generated:
    """Write ``entities.ftm.json`` (at least ``statements`` values) and its ~10% revised version."""
    started = time.perf_counter()
    generator = Generator(seed)
    changes = random.Random(seed + 1)
    path, update_path = folder / "entities.ftm.json", folder / "entities_update.ftm.json"
    entity_count = statement_count = changed = 0
    with path.open("wb") as out, update_path.open("wb") as update:
        while statement_count < statements:
            data = generator.entity(last_seen="2025-11-01T06:00:00")
            out.write(orjson.dumps(data) + b"\n")
            revised = {}
            for prop, values in data["properties"].items():
                new_values = []
                for value in values:
                    if prop not in REFERENCES and changes.random() < CHANGE_RATE:
                        new = _mutate(data["schema"], prop, value, changes)
                        if new != value and new not in values:
                            value, changed = new, changed + 1
                    new_values.append(value)
                revised[prop] = list(dict.fromkeys(new_values))
                statement_count += len(values)
            update.write(orjson.dumps({**data, "properties": revised, "last_seen": "2025-12-01T06:00:00"}) + b"\n")
            entity_count += 1
    return Generated(path, update_path, entity_count, statement_count, changed, time.perf_counter() - started)


# -- timing ---------------------------------------------------------------------------


class Timed:
    """A store whose ``write_statements`` calls are timed (the DuckDB merge)."""

    def __init__(self, location: Path):
        from moneymen.store import open_store

        self.store = open_store(location)
        self.merge = 0.0
        write = self.store.write_statements

        def timed_write(batch):
            begin = time.perf_counter()
            write(batch)
            self.merge += time.perf_counter() - begin

        self.store.write_statements = timed_write  # type: ignore[method-assign]


def timed_import(location: Path, path: Path, fmt: str, dataset: str | None = None):
    """Import into the store at ``location``; return (result, seconds, seconds in the merge)."""
    from moneymen.services.imports import import_file

    timed = Timed(location)
    begin = time.perf_counter()
    try:
        result = import_file(timed.store, path, format=fmt, dataset=dataset)
    finally:
        timed.store.close()
    return result, time.perf_counter() - begin, timed.merge


def run_file_row(row: Row, shared: Path, relative: str, fmt: str, workdir: Path, repeat: int) -> Row:
    """Import ``shared/relative`` ``repeat`` times, each into a fresh store; skip it when missing."""
    path = shared / relative
    if not path.is_file():
        row.note = f"skipped: {_display(shared if not shared.is_dir() else path)} not found"
        return row
    for run in range(repeat):
        location = workdir / f"{fmt}-{run}-{time.monotonic_ns()}.duckdb"
        try:
            result, seconds, merge = timed_import(location, path, fmt)
        except Exception as error:  # report and go on with the other rows
            row.note = f"failed: {type(error).__name__}: {error}"[:160]
            return row
        finally:
            _remove_store(location)
        row.entities, row.statements = result.entities, result.statements
        row.seconds.append(seconds)
        row.merge_seconds.append(merge)
        print(f"  {row.label}: run {run + 1}/{repeat} {seconds:.2f} s", file=sys.stderr, flush=True)
    return row


def _remove_store(location: Path) -> None:
    for leftover in (location, location.with_name(location.name + ".wal")):
        leftover.unlink(missing_ok=True)


def time_baseline(label: str, path: Path, read: Callable[[Path], Iterator[object]], repeat: int,
                  statements: int) -> Row:
    row = Row(label, statements=statements, target="baseline, stores nothing")
    for _ in range(repeat):
        begin = time.perf_counter()
        count = sum(1 for _ in read(path))
        row.seconds.append(time.perf_counter() - begin)
        row.entities = count
    print(f"  {label}: {row.median:.2f} s", file=sys.stderr, flush=True)
    return row


def ftm_proxies(path: Path) -> Iterator[object]:
    """What the FtM documentation shows: one ``json.loads`` and ``model.get_proxy`` per line."""
    from followthemoney import model

    with path.open("r", encoding="utf-8") as handle:
        for line in handle:
            yield model.get_proxy(json.loads(line))


def ftm_cli_reader(entity_type_name: str) -> Callable[[Path], Iterator[object]]:
    """followthemoney's own JSON lines reader (the one the ``ftm`` command uses; orjson)."""

    def read(path: Path) -> Iterator[object]:
        import followthemoney
        from followthemoney.cli.util import path_entities

        yield from path_entities(path, getattr(followthemoney, entity_type_name))

    return read


def moneymen_reader(path: Path) -> Iterator[object]:
    """moneymen's FtM importer alone, with no store: parse and validate, no statements written."""
    from moneymen.model import Grade
    from moneymen.sources import ftm
    from moneymen.sources.base import ImportContext

    context = ImportContext(FTM_DATASET, Grade("F", "6"), "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z")
    yield from ftm.read(path, context)


def run_ftm_rows(generated: Generated, workdir: Path, repeat: int) -> list[Row]:
    from moneymen.graph.export import export
    from moneymen.store import open_store

    fresh = Row(f"FtM JSON lines, generated ({generated.statements:,} statements)", target="≥ 100,000 stmt/s",
                check=lambda r: (r.per_second(r.statements) or 0) >= 100_000)
    same = Row("FtM re-import, identical file (no-op)", target="near-instant (< 1 s)",
               check=lambda r: r.median < 1.0, rates=False)
    update = Row(f"FtM update, ~{generated.changed / generated.statements:.0%} of values changed (merge)")
    dump = Row("FtM export of that store (lossless JSON lines)")
    rows = [fresh, same, update, dump]
    grown = ""
    for run in range(repeat):
        location = workdir / f"ftm-{run}-{time.monotonic_ns()}.duckdb"
        try:
            result, seconds, merge = timed_import(location, generated.path, "ftm", FTM_DATASET)
            fresh.entities, fresh.statements = result.entities, result.statements
            fresh.seconds.append(seconds)
            fresh.merge_seconds.append(merge)

            result, seconds, merge = timed_import(location, generated.path, "ftm", FTM_DATASET)
            if not result.unchanged:
                same.note = "failed: the identical file was imported again"
            same.entities, same.statements = result.entities, result.statements
            same.seconds.append(seconds)

            store = open_store(location)
            before = store.count_statements()
            target = workdir / "export.ftm.json"
            begin = time.perf_counter()
            exported = export(store, "ftm", target)
            dump.seconds.append(time.perf_counter() - begin)
            store.close()
            dump.entities, dump.statements = exported, before
            target.unlink(missing_ok=True)

            result, seconds, merge = timed_import(location, generated.update_path, "ftm", FTM_DATASET)
            update.entities, update.statements = result.entities, result.statements
            update.seconds.append(seconds)
            update.merge_seconds.append(merge)
            store = open_store(location)
            grown = f"the update grew the store from {before:,} to {store.count_statements():,} statements"
            store.close()
        except Exception as error:
            for row in rows:
                if not row.seconds:
                    row.note = f"failed: {type(error).__name__}: {error}"[:160]
            break
        finally:
            _remove_store(location)
        print(f"  FtM: run {run + 1}/{repeat} import {fresh.seconds[-1]:.2f} s, no-op {same.seconds[-1]:.3f} s, "
              f"export {dump.seconds[-1]:.2f} s, update {update.seconds[-1]:.2f} s", file=sys.stderr, flush=True)
    update.remark = f"{grown}." if grown else None
    return rows


def warm_up() -> float:
    """Pay the once-per-process costs before timing, and say how long they took.

    Importing the importers and FtM's model, and FtM's country lookup table (which rigour
    builds, transliterating every territory name, on first use): a fresh ``moneymen import``
    process pays this once on top of the figures below.
    """
    begin = time.perf_counter()
    from followthemoney import registry

    import moneymen.services.imports  # noqa: F401
    from moneymen.sources import FORMATS

    for fmt in FORMATS.values():
        try:
            fmt.importer
        except Exception:  # a broken importer is reported by its own row
            pass
    registry.country.clean_text("Democratic People's Republic of Korea")
    return time.perf_counter() - begin


# -- profiling --------------------------------------------------------------------------


def profile(label: str, work: Callable[[], object], top: int = 18) -> str:
    """cProfile ``work()`` and return the top functions by own time, as a markdown section."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        work()
    finally:
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    return f"### cProfile: {label} (by own time; totals include profiler overhead)\n\n```\n{_trim(out.getvalue())}\n```"


def profile_runs(sdn: Path, generated: Generated, workdir: Path) -> list[str]:
    """Profiles of one OFAC import, one FtM import and the export of the FtM store."""
    from moneymen.graph.export import export
    from moneymen.store import open_store

    sections = []
    if sdn.is_file():
        location = workdir / f"profile-ofac-{time.monotonic_ns()}.duckdb"
        sections.append(profile("OFAC SDN 2024-05-03 import", lambda: timed_import(location, sdn, "ofac")))
        _remove_store(location)
    location = workdir / f"profile-ftm-{time.monotonic_ns()}.duckdb"
    sections.append(profile(f"FtM import, {generated.statements:,} statements",
                            lambda: timed_import(location, generated.path, "ftm", FTM_DATASET)))
    store = open_store(location)
    try:
        sections.append(profile("FtM export of that store", lambda: export(store, "ftm", workdir / "profile.ftm.json")))
    finally:
        store.close()
        _remove_store(location)
    return sections


def _trim(text: str) -> str:
    lines = text.strip().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    head = [line for line in lines[:start] if "function calls" in line]
    return "\n".join(head + lines[start:])


# -- main -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help=f"the shared data folder (default: {DEFAULT_SHARED})")
    parser.add_argument("--statements", type=int, default=1_000_000,
                        help="statements in the generated FtM file (default: 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the median is shown (default: 3)")
    parser.add_argument("--seed", type=int, default=1718, help="seed of the generated FtM file (default: 1718)")
    parser.add_argument("--tmp", type=Path, default=None, help="where to put the temporary stores and files")
    parser.add_argument("--profile", action="store_true", help="also print cProfile listings of one OFAC import, one FtM import and the FtM export")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.statements < 1:
        parser.error("--repeat and --statements must be at least 1")

    shared = args.shared
    warm = warm_up()
    with tempfile.TemporaryDirectory(prefix="moneymen-bench-", dir=args.tmp) as tmp:
        workdir = Path(tmp)
        print(f"generating {args.statements:,} FtM statements (seed {args.seed}) in {workdir} …", file=sys.stderr, flush=True)
        generated = generate_ftm(workdir, args.statements, args.seed)
        size = generated.path.stat().st_size
        print(f"  {generated.entities:,} entities, {generated.statements:,} statements, {size / 2**20:.0f} MiB, "
              f"in {generated.seconds:.1f} s", file=sys.stderr, flush=True)

        rows = [
            run_file_row(Row("OFAC SDN 2024-05-03 (sdn.csv)", target="< 10 s", check=lambda r: r.median < 10),
                         shared, "sanctions/ofac/sdn_2024-05-03.csv", "ofac", workdir, args.repeat),
            run_file_row(Row("OFAC 2021-04 (sdn + alt + add)"),
                         shared, "sanctions/ofac/2021-04_sdn.csv", "ofac", workdir, args.repeat),
            run_file_row(Row("UN consolidated 2025-11-20 (XML)"),
                         shared, "sanctions/un/un_consolidated_2025-11-20.xml", "un", workdir, args.repeat),
        ]
        ftm_rows = run_ftm_rows(generated, workdir, args.repeat)
        rows.extend(ftm_rows)
        baselines = [
            time_baseline("followthemoney: json.loads + model.get_proxy", generated.path, ftm_proxies,
                          args.repeat, generated.statements),
            time_baseline("followthemoney: ftm CLI reader → ValueEntity", generated.path,
                          ftm_cli_reader("ValueEntity"), args.repeat, generated.statements),
            time_baseline("followthemoney: ftm CLI reader → StatementEntity", generated.path,
                          ftm_cli_reader("StatementEntity"), args.repeat, generated.statements),
            time_baseline("moneymen FtM reader alone (no store)", generated.path, moneymen_reader,
                          args.repeat, generated.statements),
        ]
        for row in baselines:
            row.target = "parse only, stores nothing"
        profiles = profile_runs(shared / "sanctions/ofac/sdn_2024-05-03.csv", generated, workdir) if args.profile else []

    print(f"## Import throughput (median of {args.repeat} run{'s' if args.repeat > 1 else ''})\n")
    print("\n".join(machine_facts()))
    print(f"- generated FtM file: {generated.entities:,} entities, {generated.statements:,} statements, "
          f"{size / 2**20:.0f} MiB, seed {args.seed}; update file: {generated.changed:,} values changed "
          f"({generated.changed / generated.statements:.1%}), every entity's last_seen moved on\n")
    print(results_table(rows))
    notes = [*(f"- {row.label}: {row.remark}" for row in rows if row.remark),
             "- Import rows time `import_file` and closing the store (DuckDB checkpoint); each on a fresh store "
             "file, except the no-op, update and export rows, which use the store of the FtM import before them.",
             f"- Not in the rows: once per process, {warm:.2f} s to import the importers and FtM and build FtM's "
             "country lookup (rigour transliterates every territory name on first use). A fresh "
             "`moneymen import` pays it on top of its row."]
    print("\n" + "\n".join(note for note in notes if note))
    print("\n### Baselines: the same FtM file read into entity objects, nothing stored\n")
    print(results_table(baselines))
    print("\n### Where the import time goes (medians)\n")
    print(stages_table(rows))
    for text in profiles:
        print("\n" + text)
    return 0


def _display(path: Path) -> str:
    """``path`` as seen from the repository root when it lies beside it (``../shared/data``)."""
    path = path.resolve()
    if path.is_relative_to(REPO.parent):
        return os.path.relpath(path, REPO)
    return str(path)


if __name__ == "__main__":
    sys.exit(main())
