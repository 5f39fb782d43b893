"""Bad and hostile input: a clear error naming file and line, a non-zero exit, an unchanged store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from moneymen.data import BUNDLED

from conftest import run_cli, store_fingerprint

UN_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
UN_RECORD = """<CONSOLIDATED_LIST dateGenerated="2025-11-20T23:00:09.067Z"><INDIVIDUALS><INDIVIDUAL>
<DATAID>1</DATAID><FIRST_NAME>KIM</FIRST_NAME><SECOND_NAME>CHOL</SECOND_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
<REFERENCE_NUMBER>KPi.900</REFERENCE_NUMBER><LISTED_ON>2020-01-01</LISTED_ON><COMMENTS1>&name;</COMMENTS1>
</INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>
"""
BILLION_LAUGHS = UN_HEAD + """<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY name "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
""" + UN_RECORD
EXTERNAL_ENTITY = UN_HEAD + '<!DOCTYPE x [ <!ENTITY name SYSTEM "file:///etc/passwd"> ]>\n' + UN_RECORD
MAPPING = "schema: Person\nid: pid\ncolumns:\n  name: name\n"

CASES = {
    # name: (file name, content (bytes or str), extra CLI args, expected words in the error)
    "malformed XML": ("un.xml", UN_HEAD + UN_RECORD.replace("&name;", "x")[:-60], ["--format", "un"],
                      ["un.xml, line", "malformed XML"]),
    "XML entity bomb": ("bomb.xml", BILLION_LAUGHS, ["--format", "un"], ["bomb.xml, line 2", "DOCTYPE"]),
    "XML external entity": ("xxe.xml", EXTERNAL_ENTITY, ["--format", "un"], ["xxe.xml, line 2", "DOCTYPE"]),
    "JSON line not an object": ("list.jsonl", '{"id": "a", "schema": "Person", "properties": {}}\n[1, 2]\n',
                                ["--format", "ftm"], ["list.jsonl, line 2", "expected a JSON object"]),
    "invalid JSON": ("broken.jsonl", '{"id": "a", "schema": "Person"\n', ["--format", "ftm"],
                     ["broken.jsonl, line 1", "invalid JSON"]),
    "unknown schema": ("schema.jsonl", '{"id": "a", "schema": "Pirate", "properties": {"name": ["X"]}}\n',
                       ["--format", "ftm"], ["schema.jsonl, line 1", "unknown FtM schema 'Pirate'"]),
    "unknown property": ("prop.jsonl", '{"id": "a", "schema": "Person", "properties": {"shoeSize": ["44"]}}\n',
                         ["--format", "ftm"], ["prop.jsonl, line 1", "Person has no property 'shoeSize'"]),
    "truncated CSV": ("people.csv", 'pid,name\n1,"Kim Chol\n', ["--format", "csv", "--mapping", "MAPPING"],
                      ["people.csv, line", "malformed CSV"]),
    "wrong encoding": ("latin.csv", b"pid,name\n1,Jos\xe9 Ri\n", ["--format", "csv", "--mapping", "MAPPING"],
                       ["latin.csv, line 2", "not UTF-8"]),
    "CSV row with missing fields": ("short.csv", "pid,name\n1,Kim\n2\n", ["--format", "csv", "--mapping", "MAPPING"],
                                    ["short.csv, line 3", "expected 2 fields"]),
    "OFAC row with too few fields": ("sdn.csv", '36,"AEROCARIBBEAN AIRLINES",-0-,"CUBA",-0-\n', ["--format", "ofac"],
                                     ["sdn.csv, line 1", "expected 12 comma-separated fields", "found 5"]),
    "truncated OFAC file": ("sdn.csv", '36,"AEROCARIBBEAN AIRLINES",-0-,"CUBA",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"Havana\n',
                            ["--format", "ofac"], ["sdn.csv, line 1"]),
    "unknown format": ("x.jsonl", "{}\n", ["--format", "xls"], ["unknown format 'xls'"]),
    "undetectable format": ("notes.txt", "just some notes\n", [], ["notes.txt", "cannot tell the format"]),
    "bad grade": ("g.jsonl", '{"id": "a", "schema": "Person", "properties": {"name": ["X"]}}\n',
                  ["--format", "ftm", "--grade", "Z9"], ["reliability A-F"]),
}


@pytest.fixture
def seeded_db(db_path: Path) -> Path:
    """A store that already holds the bundled UN extract, so 'unchanged' means something."""
    result = run_cli("import", str(BUNDLED[1].path), db=db_path)
    assert result.returncode == 0, result.stderr
    return db_path


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_refused_clearly_and_changes_nothing(case, seeded_db, tmp_path):
    name, content, args, expected = CASES[case]
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(MAPPING)
    args = [str(mapping) if arg == "MAPPING" else arg for arg in args]
    before = store_fingerprint(seeded_db)
    result = run_cli("import", str(path), *args, db=seeded_db)
    message = " ".join(result.stderr.split())
    assert result.returncode != 0
    for words in expected:
        assert words in message, f"{words!r} not in: {message}"
    assert "Traceback" not in result.stderr
    assert store_fingerprint(seeded_db) == before


def test_external_entities_are_never_resolved(tmp_path, seeded_db):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    path = tmp_path / "xxe.xml"
    path.write_text(EXTERNAL_ENTITY.replace("file:///etc/passwd", secret.as_uri()))
    result = run_cli("import", str(path), "--format", "un", db=seeded_db)
    assert result.returncode != 0
    assert "TOP-SECRET-VALUE" not in result.stdout + result.stderr
    assert run_cli("show", "unsc-1", db=seeded_db).returncode != 0, "nothing of the hostile file was stored"


def test_a_100_mb_line_is_refused_without_reading_it_whole(tmp_path, seeded_db):
    path = tmp_path / "giant.jsonl"
    with path.open("wb") as out:
        out.write(b'{"id": "a", "schema": "Person", "properties": {"name": ["')
        chunk = b"x" * (1 << 20)
        for _ in range(100):
            out.write(chunk)
        out.write(b'"]}}\n')
    before = store_fingerprint(seeded_db)
    result = run_cli("import", str(path), "--format", "ftm", db=seeded_db)
    assert result.returncode != 0
    assert "giant.jsonl, line 1" in result.stderr and "longer than" in result.stderr
    assert store_fingerprint(seeded_db) == before


@pytest.mark.skipif(not Path("/proc/self/fdinfo").exists(), reason="needs Linux /proc to see how far the import has read")
def test_an_import_killed_half_way_leaves_the_store_as_it_was(tmp_path, seeded_db):
    path = tmp_path / "large.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(150_000):
            out.write(f'{{"id": "p{i}", "schema": "Person", "properties": {{"name": ["Person {i}"], '
                      f'"alias": ["P {i}"], "birthDate": ["1970"], "notes": ["n"]}}}}\n')
    before = store_fingerprint(seeded_db)
    env = {**os.environ, "MONEYMEN_DB": str(seeded_db)}
    process = subprocess.Popen([sys.executable, "-m", "moneymen.cli", "import", str(path), "--format", "ftm"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if read_position(process.pid, path) > path.stat().st_size // 2:  # half of the file is read
            break
        time.sleep(0.005)
    assert process.poll() is None, "the import finished before it could be killed; make the file larger"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert store_fingerprint(seeded_db) == before
    again = run_cli("import", str(path), "--format", "ftm", db=seeded_db)
    assert again.returncode == 0, again.stderr
    assert "150,000 entities" in " ".join(again.stdout.split())


def read_position(pid: int, path: Path) -> int:
    """How far process ``pid`` has read into ``path`` (Linux /proc), 0 before it opens it."""
    fds = Path(f"/proc/{pid}/fd")
    try:
        for fd in fds.iterdir():
            if os.readlink(fd) == str(path):
                info = Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text()
                return int(info.split("pos:", 1)[1].split()[0])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0
