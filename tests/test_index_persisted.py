"""The screening index is saved with the store, read back without rebuilding, and rebuilt when the
store's contents change (an import, a revert), so that screening always sees what the store holds."""

from __future__ import annotations

import gc
import json
import stat
import weakref
from pathlib import Path

import pytest

from moneymen.services.demo import import_bundled
from moneymen.match.profiles import Profile
from moneymen.match.index import CandidateIndex
from moneymen.match.names import kind_of
from moneymen.match.screener import Screener
from moneymen.names.forms import analyse
from moneymen.services.screening import screener_of_store
from moneymen.services.screening import load_listed
from moneymen.store import open_store

from conftest import run_cli

NEW_PERSON = {"id": "analyst-1", "schema": "Person",
              "properties": {"name": ["Thaddeus Okonkwo-Lindqvist"], "birthDate": ["1961-02-03"]}}


def index_file(db: Path) -> Path:
    return db.parent / (db.name + ".index") / "all.idx"


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    db = tmp_path_factory.mktemp("persisted") / "lists.duckdb"
    with open_store(db) as store:
        import_bundled(store)
    return db


def queries(entities) -> list[Profile]:
    """Each listed name of every fifth entity as a query, as listed and with a letter dropped."""
    found = []
    for entity in entities[::5]:
        for name in entity.properties.get("name", [])[:1] + entity.properties.get("alias", [])[:1]:
            found.append(Profile.from_properties(entity.schema, {"name": [name]}))
            if len(name) > 6:
                found.append(Profile.from_properties("LegalEntity", {"name": [name[:3] + name[4:]]}))
    return found


def outcome(results) -> list:
    return [(r.entity, round(r.score, 6), r.match.explanation()) for r in results]


def test_the_saved_index_gives_exactly_the_results_of_a_fresh_one(bundled):
    with open_store(bundled, read_only=True) as store:
        fresh = Screener(load_listed(store))
        screener_of_store(store)  # builds the index and saves it beside the store
        assert index_file(bundled).is_file()
        saved = screener_of_store(store)  # reads it back
    assert not isinstance(saved.entities, list), "the second screener should come from the saved index"
    assert len(saved.entities) == len(fresh.entities)
    asked = queries(fresh.entities)
    assert len(asked) > 300
    for query in asked:
        assert outcome(saved.screen(query, limit=5)) == outcome(fresh.screen(query, limit=5)), query
    assert saved.by_id["unsc-690734"] == fresh.by_id["unsc-690734"]
    assert list(saved.entities) == fresh.entities


def test_the_saved_index_is_readable_by_its_owner_only(bundled):
    with open_store(bundled, read_only=True) as store:
        screener_of_store(store)
    path = index_file(bundled)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_an_import_and_a_revert_reach_screening_without_a_manual_step(tmp_path):
    db = tmp_path / "lists.duckdb"
    with open_store(db) as store:
        import_bundled(store)
    first = run_cli("screen", "Thaddeus Okonkwo Lindqvist", "--json", db=db)
    assert first.returncode == 0, first.stderr
    assert all(r["id"] != "analyst-1" for r in json.loads(first.stdout))
    saved = index_file(db).read_bytes()

    notes = tmp_path / "notes.jsonl"
    notes.write_text(json.dumps(NEW_PERSON) + "\n", encoding="utf-8")
    done = run_cli("import", str(notes), "--format", "ftm", "--dataset", "my_notes", db=db)
    assert done.returncode == 0, done.stderr
    after = run_cli("screen", "Thaddeus Okonkwo Lindqvist", "--json", db=db)
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)[0]["id"] == "analyst-1"
    assert index_file(db).read_bytes() != saved, "the index should have been rebuilt and saved"

    with open_store(db) as store:
        import_id = store.imports()[-1].id
    assert run_cli("imports", "revert", str(import_id), db=db).returncode == 0
    reverted = run_cli("screen", "Thaddeus Okonkwo Lindqvist", "--json", db=db)
    assert reverted.returncode == 0, reverted.stderr
    assert all(r["id"] != "analyst-1" for r in json.loads(reverted.stdout))


def test_a_damaged_index_file_is_rebuilt(bundled, tmp_path):
    db = tmp_path / "copy.duckdb"
    db.write_bytes(bundled.read_bytes())
    path = index_file(db)
    path.parent.mkdir(mode=0o700)
    for damage in (b"", b"MONEYMEN-INDEX\n" + b"\xff" * 40, b"something else entirely"):
        path.write_bytes(damage)
        with open_store(db, read_only=True) as store:
            screener = screener_of_store(store)
        found = screener.screen(Profile.from_properties("Person", {"name": ["Yun Ho-jin"]}), limit=1)
        assert found[0].entity.id == "unsc-690734"
        assert path.stat().st_size > 10_000


#: Names whose analysis has every part a record keeps: Korean readings in each script (and of a
#: name written in two), qualifiers, legal forms, words in their own script, a country qualifier.
ANALYSED_NAMES = [
    ("Person", "장성택"), ("Person", "張成澤"), ("Person", "Chang Sŏng-t'aek"), ("Person", "JANG Song Thaek"),
    ("Person", "Чан Сон Тхэк"), ("Person", "김정은 (정치인)"), ("Person", "Kim Jong-sun (fictional, born 1951)"),
    ("Person", "리영호 Ri Yong Ho"), ("Person", "KIM, Yong Pong"), ("Person", "Dr. Abdul Hadi Salek"),
    ("Person", "Ахмед Аль-Сайед"), ("Person", "سالم عبد الله"),
    ("Company", "Korea Kwangson Banking Corp."), ("Company", "조선광선은행"), ("Company", "Kaveh Pars Mining (KMID)"),
    ("Organization", "Bank of China (Hong Kong) Limited"), ("Company", "ООО Ромашка"), ("Vessel", "CHONG CHON GANG"),
    ("Organization", "FOREIGN TRADE BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA"),
]


def test_an_edited_word_list_makes_saved_indexes_stale(tmp_path):
    """The word lists of name analysis (``names/data``: abbreviations, legal forms…) shape every
    saved index as the code does: an index saved before one of them changed is not used after."""
    import shutil
    import subprocess
    import sys

    import moneymen

    copy = tmp_path / "src" / "moneymen"
    shutil.copytree(Path(moneymen.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))

    def fingerprint() -> str:
        return subprocess.run([sys.executable, "-c", "from moneymen.services.screening_index import code_fingerprint; "
                               "print(code_fingerprint())"], env={"PYTHONPATH": str(copy.parent)},
                              capture_output=True, text=True, check=True).stdout.strip()

    before = fingerprint()
    with (copy / "names" / "data" / "abbreviations.tsv").open("a", encoding="utf-8") as words:
        words.write("shpgg\tshipping\n")
    assert fingerprint() != before


def test_names_decoded_from_the_index_are_the_names_analysed_anew(bundled):
    """The index keeps each name as it was analysed at build time, and a candidate met is decoded,
    not analysed again: what it decodes must equal a new analysis, or a candidate would score
    otherwise from the index than from its names."""
    listed = [(f"case-{n}", Profile.from_properties(schema, {"name": [name]}))
              for n, (schema, name) in enumerate(ANALYSED_NAMES)]
    built = CandidateIndex(listed)
    with open_store(bundled, read_only=True) as store:
        saved = screener_of_store(store).index
    checked = 0
    for index in (built, saved):
        for position in range(len(index)):
            profile, forms = index.decoded(position)
            kind = kind_of(profile.schema)
            assert forms == tuple(analyse(name, kind) for name, _ in profile.names), profile.names
            checked += len(forms)
    assert checked > len(ANALYSED_NAMES) + 1000
    korean = [form for forms in built.forms for form in forms]
    assert sum(bool(form.korean) for form in korean) >= 7, "the cases should have Korean readings to keep"


def test_a_dropped_index_is_freed_at_once(bundled):
    """A server replaces its index after each import: the one it drops (hundreds of megabytes at a
    million entities when built in memory) must go at once, not wait for a full collection of
    cycles, which the ``moneymen`` command makes rare."""
    with open_store(bundled, read_only=True) as store:
        built = Screener(load_listed(store))
        screener_of_store(store)  # saves the index, if no test before did
        loaded = screener_of_store(store)
    assert not isinstance(loaded.entities, list), "the second screener should come from the saved index"
    for screener in (built, loaded):
        screener.screen(Profile.from_properties("Person", {"name": ["Kim Jong Un"]}))  # fills the caches
    refs = [weakref.ref(part) for screener in (built, loaded) for part in (screener.index, screener.entities)
            if not isinstance(part, list)]
    assert len(refs) == 3
    gc.disable()
    try:
        del built, loaded, screener
        assert [ref() for ref in refs] == [None, None, None]
    finally:
        gc.enable()
