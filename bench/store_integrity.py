"""Hostile and mistaken imports into a store holding the full lists, before and after the integrity work.

Run from the repository root::

    .venv/bin/python bench/store_integrity.py [--cases 1,4,forged-provenance] [--timeout 120]
                                              [--shared PATH] [--before-rev 33e9b9e | --before-src DIR]
                                              [--max-mib 8192] [--base-cache DIR] [--tmp DIR] [--keep]

Every case runs twice in the same run: with the code BEFORE the integrity work (``--before-rev``,
by default 33e9b9e, extracted with ``git archive`` into a temporary folder, or an existing
``src`` folder given with ``--before-src``) and AFTER it (this working tree's ``src``). Each run
of the ``moneymen`` command is a child process (``python -m moneymen.cli`` with ``PYTHONPATH``
set to that version's ``src``, checked before anything runs), timed with ``time.perf_counter``,
its peak RSS read from its ``/proc`` status (``VmHWM``) while it runs, killed after
``--timeout`` seconds (``--slow-timeout`` for the homonyms case) or above ``--max-mib``.

Each case starts from a fresh copy of a base store built once per version from the full OFAC
SDN list of 2024-05-03 and the UN consolidated list of 2025-11-20 (about 46,000 entities), then
judges the outcome by reading the store afterwards: the CLI's ``summary``, ``show``,
``export``, ``screen`` and ``imports``, exit codes and messages, and a few read-only DuckDB
queries. The time and memory columns are those of the case's main command(s) (named in the
outcome when there are several); every figure includes the child's start-up (`moneymen version` alone
takes 2-3 s and 150 MiB on the development VM).
Prints a markdown table. Skips with a message when the shared data folder is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared" / "data"
BEFORE_REV = "33e9b9e"
OFAC_2024 = Path("sanctions/ofac/sdn_2024-05-03.csv")
OFAC_2021 = Path("sanctions/ofac/sdn_2021-08-18.csv")
UN_2025 = Path("sanctions/un/un_consolidated_2025-11-20.xml")


# -- running one child ---------------------------------------------------------------------------


@dataclass
class Run:
    """One ``moneymen`` child process: exit code (None when killed), output, wall time, peak RSS."""

    args: tuple[str, ...]
    rc: int | None
    out: str
    err: str
    seconds: float
    peak_mib: float
    killed: str | None = None  # why it was killed

    @property
    def ok(self) -> bool:
        return self.rc == 0

    @property
    def text(self) -> str:
        return " ".join((self.out + " " + self.err).split())


def run_child(argv: list[str], env: dict[str, str], cwd: Path, timeout: float, max_mib: float) -> Run:
    """Run ``argv``, polling it; kill its process group past ``timeout`` s or ``max_mib`` MiB of RSS.

    The peak is the child's own high-water mark (``VmHWM``, read every 50 ms while it runs). Not
    ``ru_maxrss``: Linux carries the parent's peak over ``vfork`` + ``exec`` into it, so every child
    of this process would show at least this process's own peak.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                                start_new_session=True)
        peak = 0.0
        killed = None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.perf_counter() - started
            rss, hwm = _memory_mib(proc.pid)
            peak = max(peak, hwm)
            if killed is None and (elapsed > timeout or rss > max_mib):
                killed = (f"killed after {timeout:.0f} s" if elapsed > timeout
                          else f"killed at {rss:,.0f} MiB after {elapsed:.0f} s")
                os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(tuple(argv[3:]), None if killed else proc.returncode,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   seconds, peak or usage.ru_maxrss / 1024, killed)


def _memory_mib(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a running process, in MiB; zeros once it has gone (or before it has exec'd)."""
    found = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    found[line[:5]] = int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return found.get("VmRSS", 0.0), found.get("VmHWM", 0.0)


# -- one version of the code, one case's store -------------------------------------------------


@dataclass
class Side:
    """One version of the code (its ``src`` folder) and the base store it built."""

    name: str
    src: Path
    base: Path | None = None
    base_fingerprint: tuple | None = None

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key != "MONEYMEN_DB"}
        env.update(PYTHONPATH=str(self.src), COLUMNS="250", NO_COLOR="1", TERM="dumb", PYTHONWARNINGS="ignore")
        return env


class Trial:
    """One case on one side: a folder, a fresh copy of the base store, the measured commands."""

    def __init__(self, side: Side, work: Path, options: argparse.Namespace, timeout: float):
        self.side, self.work, self.options, self.timeout = side, work, options, timeout
        self.shared: Path = options.shared
        work.mkdir(parents=True)
        self.db = work / "store.duckdb"
        if side.base is not None:
            shutil.copy(side.base, self.db)
        self.measured: list[Run] = []

    def cli(self, *args: object, measure: bool = True, db: Path | None = None, timeout: float | None = None) -> Run:
        argv = [sys.executable, "-m", "moneymen.cli", *map(str, args), "--db", str(db or self.db)]
        run = run_child(argv, self.side.env(), self.work, timeout or self.timeout, self.options.max_mib)
        if measure:
            self.measured.append(run)
        return run

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.work / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    def data(self, relative: Path) -> Path:
        return self.shared / relative

    def sql(self, query: str, params: list | None = None, db: Path | None = None) -> list[tuple]:
        with duckdb.connect(str(db or self.db), read_only=True) as con:
            return con.execute(query, params or []).fetchall()

    def brief(self, run: Run) -> str:
        """ok / exit N: the error's first line / traceback: its last line / killed …"""
        if run.killed:
            return run.killed
        if run.ok:
            return "ok"
        err = run.err.replace(str(self.work) + "/", "").replace(str(self.work), ".").replace(str(self.shared) + "/", "")
        lines = [line.strip() for line in err.splitlines() if line.strip()]
        if "Traceback (most recent call last)" in err:
            return f"traceback: {shorten(lines[-1])}"
        message = " ".join(" ".join(lines).split("Nothing was")[0].split()) or run.out.strip()[-200:]
        return f"exit {run.rc}: {shorten(message.removeprefix('error: '))}"

    def delisted(self) -> str:
        """What ``summary`` says is no longer listed ('43,731 in us_ofac_sdn'), or why it failed."""
        summary = self.cli("summary", measure=False)
        if not summary.ok:
            return f"summary {self.brief(summary)}"
        found = re.search(r"No longer listed: (.*?)(?: Relations|$)", summary.text)
        return found.group(1) if found else "none"

    def fingerprint(self, db: Path | None = None) -> tuple:
        """Statements, entities and a digest of every statement (less retrieval time and import id)."""
        return self.sql(
            "SELECT count(*), count(DISTINCT entity_id), md5(string_agg(row, chr(10) ORDER BY row)) FROM ("
            "SELECT entity_id, concat_ws('|', entity_id, schema, prop, value, dataset, coalesce(lang, ''), "
            "coalesce(source_record, ''), coalesce(source_url, ''), coalesce(document_id, ''), coalesce(quote, ''), "
            "origin, reliability, credibility, coalesce(first_seen, ''), coalesce(last_seen, '')) AS row "
            "FROM statements)", db=db)[0]


def shorten(text: str, limit: int = 170) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def imported(run: Run) -> str:
    """'43,732 entities, 282,315 statements' from an import's output, or 'already imported'."""
    if "Already imported" in run.text:
        return "already imported"
    found = re.search(r"([\d,]+) entities, ([\d,]+) statements", run.text)
    return f"imported {found.group(1)} entities, {found.group(2)} statements" if found else "imported"


def delisted_by(run: Run) -> str:
    found = re.search(r"([\d,]+) entities of \S+ are (?:no longer listed|not on its newest)", run.text)
    return found.group(1) if found else "0"


def timed(run: Run) -> str:
    return f"{run.seconds:.1f} s, {run.peak_mib:,.0f} MiB"


def ftm_line(entity_id: str, schema: str, **properties: list[str]) -> str:
    return json.dumps({"id": entity_id, "schema": schema, "properties": properties}) + "\n"


# -- the cases -----------------------------------------------------------------------------------


def case_schema_reuse(t: Trial) -> str:
    path = t.write("vessel.jsonl", ftm_line("unsc-690734", "Vessel", name=["MY NOTES VESSEL"], flag=["kp"]))
    result = t.cli("import", path, "--dataset", "my_notes")
    summary = t.cli("summary", measure=False)
    show = t.cli("show", "unsc-690734", measure=False)
    export = t.cli("export", "--format", "ftm", "-o", t.work / "all.ftm.json", measure=False)
    return (f"import: {t.brief(result) if not result.ok else imported(result)}; summary {t.brief(summary)}; "
            f"show unsc-690734 {t.brief(show)}; export ftm {t.brief(export)}")


def case_forged_provenance(t: Trial) -> str:
    (schema,), = t.sql("SELECT DISTINCT schema FROM statements WHERE entity_id = 'ofac-9345'")
    (name,), = t.sql("SELECT value FROM statements WHERE entity_id = 'ofac-9345' AND prop = 'name'")
    line = {"id": "ofac-9345", "schema": schema, "statements": [
        {"prop": "alias", "value": "FORGED ALIAS", "dataset": "us_ofac_sdn", "source_record": "ent_num 9345",
         "reliability": "A", "credibility": "1"},
        {"prop": "name", "value": name, "dataset": "us_ofac_sdn", "reliability": "F", "credibility": "6",
         "source_url": "http://attacker.example/"}]}
    result = t.cli("import", t.write("forged.jsonl", json.dumps(line) + "\n"), "--dataset", "my_notes")
    show = t.cli("show", "ofac-9345", measure=False)
    rows = t.sql("SELECT prop, dataset, reliability || credibility, coalesce(source_url, '') FROM statements "
                 "WHERE entity_id = 'ofac-9345' AND (value = 'FORGED ALIAS' OR prop = 'name') ORDER BY prop, dataset")
    stated = "; ".join(f"{'FORGED ALIAS' if prop == 'alias' else 'name'} {dataset} {grade}"
                       + (f" ({url})" if "attacker" in url else "") for prop, dataset, grade, url in rows)
    warned = ", warned 'named another dataset'" if "named another dataset" in result.text else ""
    return (f"{schema}; import {t.brief(result)}{warned}; show {t.brief(show)}, "
            f"{'lists' if 'FORGED ALIAS' in show.text else 'does not list'} FORGED ALIAS; store: {stated}")


def case_claimed_sanction(t: Trial) -> str:
    lines = (ftm_line("note-ryu", "Person", name=["Ryu Gyong Ho"])
             + ftm_line("note-ryu-sanction", "Sanction", entity=["note-ryu"],
                        authority=["United Nations Security Council"], program=["DPRK"]))
    result = t.cli("import", t.write("analyst.jsonl", lines), "--dataset", "my_notes", measure=False)
    screen = t.cli("screen", "Ryu Gyong Ho", "--json")
    if not screen.ok:
        return f"import {t.brief(result)}; screen {t.brief(screen)}"
    hits = [hit for hit in json.loads(screen.out) if hit["id"] == "note-ryu"]
    if not hits:
        return f"import {t.brief(result)}; note-ryu not among the results"
    hit = hits[0]
    claimed = hit.get("claimed_sanctions", "(no such key)")
    return f"note-ryu score {hit['score']}: sanctions {hit['sanctions']}, claimed_sanctions {claimed}"


def _version_import(t: Trial, path: Path, *options: object) -> str:
    result = t.cli("import", path, *options)
    if not result.ok:
        return f"{t.brief(result)}; summary delisted: {t.delisted()}"
    return (f"{imported(result)}, import says {delisted_by(result)} delisted; summary delisted: {t.delisted()}")


def case_one_row(t: Trial) -> str:
    first = t.data(OFAC_2024).read_bytes().split(b"\r\n", 1)[0] + b"\r\n"
    return _version_import(t, t.write("sdn.csv", first), "--seen", "2024-06-01")


def case_truncated(t: Trial) -> str:
    content = t.data(OFAC_2024).read_bytes()
    cut = content.rindex(b"\r\n", 0, len(content) // 3) + 2
    return _version_import(t, t.write("sdn.csv", content[:cut]), "--seen", "2024-06-01")


def case_future_un(t: Trial) -> str:
    content = t.data(UN_2025).read_bytes()
    content, count = re.subn(rb'dateGenerated="\d{4}', b'dateGenerated="2999', content, count=1)
    assert count == 1
    outcome = _version_import(t, t.write("consolidated.xml", content))
    (last,), = t.sql("SELECT max(last_seen) FROM statements WHERE entity_id = 'unsc-690734'")
    return f"{outcome}; unsc-690734 last seen {last}"


def case_older_ofac(t: Trial) -> str:
    return _version_import(t, t.data(OFAC_2021))


def case_reimport_after_one_row(t: Trial) -> str:
    first = t.data(OFAC_2024).read_bytes().split(b"\r\n", 1)[0] + b"\r\n"
    accept = ("--accept-delisting",) if t.side.name == "after" else ()
    steps = []
    bad = t.cli("import", t.write("sdn.csv", first), "--seen", "2024-06-01", *accept, measure=False)
    steps.append(f"one-row {' '.join(accept) + ' ' if accept else ''}{t.brief(bad)} ({delisted_by(bad)} delisted)")
    if t.side.name == "after":
        found = re.search(r"Import #(\d+)", bad.text)
        if found:
            revert = t.cli("imports", "revert", found.group(1), measure=False)
            steps.append(f"imports revert {found.group(1)} {t.brief(revert)}")
    again = t.cli("import", t.data(OFAC_2024), "--seen", "2024-05-03")
    steps.append(f"genuine 2024 file: {t.brief(again) if not again.ok else imported(again)}")
    now = t.fingerprint()
    base = t.side.base_fingerprint
    same = ("equals the base" if now == base else
            f"differs from the base (same {now[0]:,} statements, other content)" if now[0] == base[0] else
            f"differs from the base ({now[0]:,} statements vs {base[0]:,})")
    return "; ".join(steps) + f"; store {same}; summary delisted: {t.delisted()}"


PEOPLE = "pid,full_name,dob\np1,Kim Chol,1970-03-02\np2,Ri Song Il,1968\n"


def case_mapping_corrected(t: Trial) -> str:
    people = t.write("people.csv", PEOPLE)
    mapping = t.write("people.yml", "schema: Person\nid: pid\ncolumns:\n  full_name: name\n")
    first = t.cli("import", people, "--format", "csv", "--mapping", mapping, "--dataset", "my_clients", measure=False)
    t.write("people.yml", "schema: Person\nid: pid\ncolumns:\n  full_name: name\n  dob: birthDate\n")
    second = t.cli("import", people, "--format", "csv", "--mapping", mapping, "--dataset", "my_clients")
    (dates,), = t.sql("SELECT count(*) FROM statements WHERE dataset = 'my_clients' AND prop = 'birthDate'")
    return (f"first {t.brief(first)}; corrected mapping: {t.brief(second) if not second.ok else imported(second)}; "
            f"birthDate statements stored: {dates}")


def case_missing_column(t: Trial) -> str:
    people = t.write("people.csv", PEOPLE)
    mapping = t.write("people.yml", "schema: Person\nid: pid\ncolumns:\n  full_name: name\n"
                                    "  passport_no: passportNumber\n")
    result = t.cli("import", people, "--format", "csv", "--mapping", mapping, "--dataset", "my_clients")
    (stored,), = t.sql("SELECT count(*) FROM statements WHERE dataset = 'my_clients'")
    return f"{t.brief(result) if not result.ok else imported(result)}; statements stored: {stored}"


def case_separator_collision(t: Trial) -> str:
    line = {"id": "coll-1", "schema": "Person", "statements": [
        {"prop": "name", "value": "X\u001f"}, {"prop": "name", "value": "X", "document_id": "\u001f"}]}
    result = t.cli("import", t.write("collide.jsonl", json.dumps(line) + "\n"), "--dataset", "my_notes")
    (stored,), = t.sql("SELECT count(*) FROM statements WHERE entity_id = 'coll-1'")
    reported = re.search(r"([\d,]+) statements", result.text)
    said = f"reported {reported.group(1)} statements" if result.ok and reported else t.brief(result)
    return f"2 statements given; import {said}; rows stored: {stored}"


def _import_then_export(t: Trial, path: Path) -> str:
    result = t.cli("import", path, "--dataset", "my_notes")
    size = f"{path.stat().st_size / 2**20:.1f} MiB file"
    if not result.ok:
        return f"{size}; import {t.brief(result)} ({timed(result)})"
    export = t.cli("export", "--format", "ftm", "--dataset", "my_notes", "-o", t.work / "notes.ftm.json")
    return (f"{size}; import {imported(result)} ({timed(result)}); "
            f"export ftm --dataset my_notes {t.brief(export)} ({timed(export)})")


def case_many_values(t: Trial, count: int, template: str) -> str:
    """One FtM entity line with ``count`` alias values (import and export timed)."""
    aliases = [template.format(i) for i in range(count)]
    return _import_then_export(t, t.write("many.jsonl", ftm_line("many-1", "Person", name=["Many Values"],
                                                                  alias=aliases)))


def case_many_statement_lines(t: Trial, count: int, every: int = 0) -> str:
    """One entity written as ``count`` statement lines (import and export timed); with ``every``, a line of
    another entity after every ``every`` of them."""
    lines = [json.dumps({"entity_id": "many-2", "schema": "Person", "prop": "name", "value": "Many Lines"})]
    for i in range(count):
        lines.append(json.dumps({"entity_id": "many-2", "schema": "Person", "prop": "alias", "value": f"ALIAS {i:07d}"}))
        if every and (i + 1) % every == 0:
            lines.append(json.dumps({"entity_id": f"other-{i}", "schema": "Person", "prop": "name", "value": f"Other {i}"}))
    return _import_then_export(t, t.write("lines.jsonl", "\n".join(lines) + "\n"))


SDN_ROW = '{ent},"{name}",-0- ,"{program}",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"{remarks}"\r\n'


def case_homonyms(t: Trial) -> str:
    name = "KOREA HOMONYM TRADING CORPORATION"
    rows = [SDN_ROW.format(ent=900_001 + i, name=name, program="DPRK", remarks=f"Linked To: {name}.")
            for i in range(24_000)]
    path = t.write("sdn.csv", "".join(rows))
    result = t.cli("import", path, "--format", "ofac", "--dataset", "homonyms", "--seen", "2024-05-03")
    return (f"{len(rows):,} rows, {path.stat().st_size / 2**20:.1f} MB, --dataset homonyms; "
            f"{t.brief(result) if not result.ok else imported(result)}")


def yaml_bomb(levels: int = 9) -> str:
    """One YAML value whose anchors and aliases expand to 9**levels strings ("billion laughs")."""
    value = '&a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
    for i in range(1, levels):
        value = f"&a{i} [{value}," + ",".join([f"*a{i - 1}"] * 8) + "]"
    return value


def case_yaml_bomb_mapping(t: Trial) -> str:
    bomb = f"schema: Person\ncolumns: {{full_name: name}}\nkeys: {yaml_bomb()}\n"
    mapping = t.write("bomb.yml", bomb)
    result = t.cli("import", t.write("people.csv", PEOPLE), "--format", "csv", "--mapping", mapping,
                   "--dataset", "my_clients")
    return f"{len(bomb.encode())}-byte mapping (keys: the bomb); {t.brief(result) if not result.ok else imported(result)}"


def case_yaml_bomb_scenario(t: Trial) -> str:
    bomb = f"name: bomb\nseeds: [ofac-9345]\nsink: {yaml_bomb()}\n"
    result = t.cli("scenario", "run", t.write("bomb.yaml", bomb), "--runs", "10")
    return f"{len(bomb.encode())}-byte scenario (sink: the bomb); {t.brief(result)}"


def case_huge_value(t: Trial, megabytes: int) -> str:
    path = t.write("huge.jsonl", ftm_line("huge-1", "Person", name=["KIM " * (megabytes * 250_000)]))
    result = t.cli("import", path, "--dataset", "my_notes")
    (stored,), = t.sql("SELECT count(*) FROM statements WHERE entity_id = 'huge-1'")
    return f"{path.stat().st_size / 2**20:.1f} MiB line; {t.brief(result)}; statements stored: {stored}"


FORMULA = '=HYPERLINK("http://evil/","x")'


def case_formula(t: Trial) -> str:
    t.cli("import", t.write("evil.jsonl", ftm_line("evil-1", "Person", name=[FORMULA])), "--dataset", "my_notes",
          measure=False)
    export = t.cli("export", "--format", "csv", "--dataset", "my_notes", "-o", t.work / "notes.csv")
    parts = [f"export csv {t.brief(export)}"]
    if export.ok:
        import csv
        with open(t.work / "notes.csv", newline="", encoding="utf-8") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row if "HYPERLINK" in cell]
        parts.append(f"name cell starts {cells[0][:3]!r}" if cells else "no name cell")
    counterparties = t.write("counterparties.csv", 'name\n"' + FORMULA.replace('"', '""') + '"\n')
    screen = t.cli("screen", "--input", counterparties, "-o", t.work / "hits.csv", measure=False)
    if screen.ok:
        import csv
        with open(t.work / "hits.csv", newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        echoed = rows[0].get("name", "")[:3] if rows else ""
        matched = next((row.get("entity_name", "")[:3] for row in rows if row.get("entity_id") == "evil-1"), None)
        parts.append(f"screen --input: echoed name {echoed!r}"
                     + (f", entity_name {matched!r}" if matched is not None else ", evil-1 not in the results"))
    else:
        parts.append(f"screen --input {t.brief(screen)}")
    return "; ".join(parts)


def case_control_characters(t: Trial) -> str:
    from lxml import etree

    result = t.cli("import", t.write("ctrl.jsonl", ftm_line("ctrl-1", "Company", name=["NUL\u0000 BEL\u0007 TRADING"])),
                   "--dataset", "my_notes", measure=False)
    parts = [f"import {t.brief(result)}"]
    if not result.ok:
        return parts[0]
    for format in ("gexf", "graphml"):
        out = t.work / f"notes.{format}"
        export = t.cli("export", "--format", format, "--dataset", "my_notes", "-o", out)
        if not export.ok:
            parts.append(f"{format}: {t.brief(export)}")
            continue
        try:
            etree.parse(str(out))
            parsed = "parses"
        except etree.XMLSyntaxError as error:
            parsed = f"lxml: {shorten(str(error), 80)}"
        warned = "warning printed" if "warning" in export.text else "no warning"
        parts.append(f"{format}: exit 0, {parsed}, {warned}")
    return "; ".join(parts)


def case_database_key(t: Trial) -> str:
    target = t.work / "x.db"
    mapping = t.write("sql.yml", f"database: sqlite:///{target}\ntables: [people]\nentities:\n"
                                 "  person: {schema: Person, keys: [pid], properties: {name: {column: full_name}}}\n")
    result = t.cli("import", t.write("people.csv", PEOPLE), "--format", "csv", "--mapping", mapping,
                   "--dataset", "my_clients")
    return f"{t.brief(result) if not result.ok else imported(result)}; sqlite file created: " + (
        "yes" if target.exists() else "no")


def case_file_mode(t: Trial) -> str:
    fresh = t.work / "fresh.duckdb"
    result = t.cli("import", t.write("one.jsonl", ftm_line("one-1", "Person", name=["One Person"])),
                   "--dataset", "my_notes", db=fresh)
    modes = ", ".join(f"{path.name} {oct(path.stat().st_mode & 0o777)}" for path in sorted(t.work.glob("fresh.duckdb*")))
    return f"import {t.brief(result)}; umask {oct(_umask())}; {modes}"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def case_bom(t: Trial) -> str:
    bom = b"\xef\xbb\xbf"
    ftm = t.cli("import", t.write("bom.jsonl", bom + ftm_line("bom-1", "Person", name=["Bom Person"]).encode()),
                "--dataset", "my_notes")
    (ftm_rows,), = t.sql("SELECT count(*) FROM statements WHERE entity_id = 'bom-1'")
    row = SDN_ROW.format(ent=990_001, name="BOM TEST TRADING CO", program="DPRK", remarks="-0-").encode()
    sdn = t.write("sdn.csv", bom + row)
    auto = t.cli("import", sdn, "--dataset", "bom_ofac", "--seen", "2024-05-03")
    explicit = auto if auto.ok else t.cli("import", sdn, "--format", "ofac", "--dataset", "bom_ofac",
                                          "--seen", "2024-05-03")
    ids = [entity_id for entity_id, in t.sql("SELECT DISTINCT entity_id FROM statements WHERE dataset = 'bom_ofac' "
                                             "AND prop = 'name'")]
    ofac = f"OFAC (detected) {t.brief(auto)}" + ("" if auto.ok else f", --format ofac {t.brief(explicit)}")
    return f"FtM {t.brief(ftm)}, {ftm_rows} rows for bom-1; {ofac}; entity ids: {[repr(i) for i in ids] or 'none'}"


def case_bad_values(t: Trial) -> str:
    lines = {
        "first_seen 'yesterday'": ("seen.jsonl", {"id": "bad-seen", "schema": "Person",
                                                  "properties": {"name": ["Seen Yesterday"]},
                                                  "first_seen": "yesterday"}),
        "birthDate '9999-99-99'": ("dob.jsonl", {"id": "bad-dob", "schema": "Person",
                                                "properties": {"name": ["Born Never"], "birthDate": ["9999-99-99"]}}),
        "reliability 5 (int)": ("grade.jsonl", {"id": "bad-grade", "schema": "Person", "statements": [
            {"prop": "name", "value": "Graded Five", "reliability": 5}]}),
    }
    parts = []
    for label, (name, line) in lines.items():
        result = t.cli("import", t.write(name, json.dumps(line) + "\n"), "--dataset", "my_notes")
        stored = t.sql("SELECT prop, value, first_seen, reliability FROM statements WHERE entity_id = ? "
                       "ORDER BY prop", [line["id"]])
        detail = ""
        if stored:
            first_seen = {row[2] for row in stored}
            dates = [row[1] for row in stored if row[0] == "birthDate"]
            detail = (f", stored first_seen {sorted(first_seen)}" if "seen" in name else
                      f", stored birthDate {dates}" if "dob" in name else f", stored reliability {stored[0][3]!r}")
        parts.append(f"{label}: {t.brief(result)}{detail}")
    return "; ".join(parts)


@dataclass
class Case:
    number: str
    name: str
    what: str
    run: Callable[[Trial], str]
    slow: bool = False  # gets --slow-timeout


CASES = [
    Case("1", "schema-reuse", "FtM line reusing unsc-690734 (UN Person) as a Vessel, --dataset my_notes",
         case_schema_reuse),
    Case("2", "forged-provenance", "ofac-9345 line claiming dataset us_ofac_sdn: FORGED ALIAS A1, real name F6 "
         "from attacker.example, --dataset my_notes", case_forged_provenance),
    Case("3", "claimed-sanction", "analyst Person 'Ryu Gyong Ho' + Sanction (UNSC, DPRK) in my_notes; "
         "`screen \"Ryu Gyong Ho\" --json` (timed)", case_claimed_sanction),
    Case("4", "one-row-ofac", "first SDN row alone as sdn.csv, --seen 2024-06-01", case_one_row),
    Case("5", "truncated-ofac", "first third of the 2024 SDN file (cut at a line end), --seen 2024-06-01",
         case_truncated),
    Case("6", "future-un", "UN 2025 file with dateGenerated 2999-…", case_future_un),
    Case("7", "older-ofac", "sdn_2021-08-18.csv without --seen", case_older_ofac),
    Case("8", "reimport-after-one-row", "case 4 (after: with --accept-delisting, then `imports revert ID`), then "
         "the genuine 2024 file again, --seen 2024-05-03 (timed)", case_reimport_after_one_row),
    Case("9", "mapping-corrected", "mapped CSV imported, then its mapping corrected (dob: birthDate added) and "
         "imported again (timed)", case_mapping_corrected),
    Case("10", "missing-column", "mapping naming a column (passport_no) the CSV lacks", case_missing_column),
    Case("11", "separator-collision", "one entity, statements value 'X\\x1f' and value 'X' + document_id '\\x1f'",
         case_separator_collision),
    Case("12", "many-values", "one FtM entity line with 700,000 alias values ('ALIAS NUMBER 0000001', a 15 MB "
         "line); import, then export ftm (both timed)", lambda t: case_many_values(t, 700_000, "ALIAS NUMBER {:07d}")),
    Case("12a", "many-short-values", "the same with short aliases ('A000001') so the line stays under 8 MiB",
         lambda t: case_many_values(t, 700_000, "A{:06d}")),
    Case("12b", "9000-statement-lines", "one entity as 9,001 statement lines; import, then export ftm (both timed)",
         lambda t: case_many_statement_lines(t, 9_000)),
    Case("12c", "700000-statement-lines", "one entity as 700,001 statement lines; import, then export ftm "
         "(both timed)", lambda t: case_many_statement_lines(t, 700_000)),
    Case("12d", "700000-interleaved-lines", "the same 700,001 lines with another entity's line after every 9,000",
         lambda t: case_many_statement_lines(t, 700_000, every=9_000)),
    Case("13", "homonyms", "OFAC-format file, every row the same name and program, Remarks 'Linked To: THAT "
         "NAME.'", case_homonyms, slow=True),
    Case("14", "yaml-bomb-mapping", "billion-laughs YAML value (anchors/aliases, 9 levels: 9**9 strings) as a CSV mapping's keys",
         case_yaml_bomb_mapping),
    Case("14b", "yaml-bomb-scenario", "the same bomb as a scenario YAML's sink, `scenario run bomb.yaml`",
         case_yaml_bomb_scenario),
    Case("15", "huge-name", "FtM record with a 9 MB name", lambda t: case_huge_value(t, 9)),
    Case("15b", "big-name", "the same with a 7 MB name (under the 8 MiB line limit both versions have)",
         lambda t: case_huge_value(t, 7)),
    Case("16", "formula", f"entity named {FORMULA}: export csv (timed); screen --input of that name",
         case_formula),
    Case("17", "control-characters", "name with \\x00 and \\x07: export gexf and graphml (timed), parsed by lxml",
         case_control_characters),
    Case("18", "database-key", "full-form mapping with `database: sqlite:///…/x.db`", case_database_key),
    Case("19", "file-mode", "mode of a newly created store file", case_file_mode),
    Case("20", "bom", "UTF-8 BOM before an FtM file and before a one-row sdn.csv", case_bom),
    Case("21", "bad-values", "FtM: first_seen 'yesterday'; birthDate '9999-99-99'; \"reliability\": 5",
         case_bad_values),
]


# -- setting up and the table --------------------------------------------------------------------


def before_src(options: argparse.Namespace, folder: Path) -> Path:
    if options.before_src:
        return options.before_src.resolve()
    target = folder / "before"
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", options.before_rev, "src"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "src"


def check_code(side: Side) -> None:
    found = subprocess.run([sys.executable, "-c", "import moneymen; print(moneymen.__file__)"], env=side.env(),
                           capture_output=True, text=True, check=True).stdout.strip()
    if not Path(found).resolve().is_relative_to(side.src.resolve()):
        sys.exit(f"{side.name}: moneymen imports from {found}, not from {side.src}")


def build_base(side: Side, folder: Path, options: argparse.Namespace) -> list[Run] | None:
    """Build the side's base store (or reuse the one in --base-cache, returning None)."""
    cached = options.base_cache / f"base_{side.name}.duckdb" if options.base_cache else None
    if cached is not None and cached.is_file():
        side.base_fingerprint = Trial(side, folder / f"{side.name}-base", options, 0).fingerprint(cached)
        side.base = cached
        return None
    trial = Trial(side, folder / f"{side.name}-base", options, options.slow_timeout)
    runs = [trial.cli("import", trial.data(OFAC_2024), "--seen", "2024-05-03"), trial.cli("import", trial.data(UN_2025))]
    for run in runs:
        if not run.ok:
            sys.exit(f"{side.name}: building the base store failed: {trial.brief(run)}\n{run.err[-2000:]}")
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(trial.db, cached)
    side.base = trial.db
    side.base_fingerprint = trial.fingerprint()
    return runs


def cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def markdown(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if h in ("s", "peak MiB") else "---"
                                                             for h in header) + "|"]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def pick(names: str | None) -> list[Case]:
    if not names:
        return CASES
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    chosen = [case for case in CASES if case.number in wanted or case.name in wanted]
    unknown = set(wanted) - {case.number for case in chosen} - {case.name for case in chosen}
    if unknown:
        sys.exit(f"unknown case(s) {', '.join(sorted(unknown))}; expected numbers or names: "
                 + ", ".join(f"{case.number} {case.name}" for case in CASES))
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--cases", help="comma-separated case numbers or names (default: all)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds before a child is killed")
    parser.add_argument("--slow-timeout", type=float, default=200, help="the same, for the homonyms case and "
                        "the base stores")
    parser.add_argument("--max-mib", type=float, default=8192, help="RSS at which a child is killed")
    parser.add_argument("--before-rev", default=BEFORE_REV)
    parser.add_argument("--before-src", type=Path, help="an existing src folder of the code before")
    parser.add_argument("--base-cache", type=Path, help="keep the base stores in this folder and reuse them on "
                        "later runs (delete them when the code changes)")
    parser.add_argument("--tmp", type=Path, help="where the temporary folder goes")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    options = parser.parse_args()
    cases = pick(options.cases)
    missing = [relative for relative in (OFAC_2024, OFAC_2021, UN_2025) if not (options.shared / relative).is_file()]
    if missing:
        print(f"skipped: {options.shared / missing[0]} not found (the shared data folder; --shared PATH)")
        return
    folder = Path(tempfile.mkdtemp(prefix="store-integrity-", dir=options.tmp))
    try:
        sides = [Side("before", before_src(options, folder)), Side("after", REPO / "src")]
        for side in sides:
            check_code(side)
        rows = []
        base_row = ["0", "base store: import OFAC 2024 (--seen 2024-05-03), then UN 2025 (every case starts "
                         "from a copy)"]
        for side in sides:
            built = build_base(side, folder, options)
            statements, entities, _ = side.base_fingerprint
            if built is None:
                base_row += [f"{entities:,} entities, {statements:,} statements (from --base-cache)", "—", "—"]
            else:
                ofac, un = built
                base_row += [f"{entities:,} entities, {statements:,} statements; OFAC {timed(ofac)}, UN {timed(un)}",
                             f"{ofac.seconds + un.seconds:.1f}", f"{max(ofac.peak_mib, un.peak_mib):,.0f}"]
            print(f"base {side.name}: {base_row[-3]}", file=sys.stderr, flush=True)
        rows.append(base_row)
        for case in cases:
            row = [case.number, f"{case.name}: {case.what}"]
            for side in sides:
                trial = Trial(side, folder / f"{side.name}-{case.number}", options,
                              options.slow_timeout if case.slow else options.timeout)
                try:
                    outcome = case.run(trial)
                except Exception as error:  # a case that cannot judge its outcome says so, the rest still runs
                    outcome = f"bench error: {type(error).__name__}: {error}"
                seconds = sum(run.seconds for run in trial.measured)
                peak = max((run.peak_mib for run in trial.measured), default=0.0)
                row += [outcome, f"{seconds:.1f}", f"{peak:,.0f}"]
                print(f"{case.number} {side.name}: {outcome} ({seconds:.1f} s, {peak:,.0f} MiB)", file=sys.stderr,
                      flush=True)
                if not options.keep:
                    shutil.rmtree(trial.work, ignore_errors=True)
            rows.append(row)
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"], capture_output=True,
                               text=True).stdout.count("\n")
        print(f"- before: {options.before_src or options.before_rev}; after: working tree at {head}"
              f"{f' with {dirty} uncommitted files in src/' if dirty else ''}")
        print(f"- timeout {options.timeout:.0f} s ({options.slow_timeout:.0f} s for homonyms and the base stores), "
              f"kill above {options.max_mib:,.0f} MiB RSS; s and peak MiB: the case's timed command(s), "
              f"start-up included\n")
        print(markdown(rows, ["#", "case", "before", "s", "peak MiB", "after", "s", "peak MiB"]))
    finally:
        if options.keep:
            print(f"\nkept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
