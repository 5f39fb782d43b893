"""The claims review queue (issue 13), in a real DuckDB store: an accepted claim becomes statements an
analyst finds with `moneymen show` (quote, document, grade), a rejected one leaves nothing behind,
edits change what is accepted, independent confirmation raises credibility to 1, and a reported
person joins resolution with the listed record of the same name.

Every report here is invented for these tests (the events never happened).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from moneymen.services.claims import ClaimError, accept_claim, edit_claim, reject_claim
from moneymen.services.reading import read_source
from moneymen.store import open_store
from moneymen.store.documents import claim, claims

UN_LIST = REPO / "src" / "moneymen" / "data" / "un_sc_dprk_2025-11-20.xml"
KIM_KWANG_IL = "unsc-690745"          # KIM KWANG-IL, KPi.009, on the bundled UN list
TANCHON = "unsc-690752"               # TANCHON COMMERCIAL BANK

RECALL = ("Kim Kwang-il, an official of the Tanchon Commercial Bank, was recalled to Pyongyang last month, a "
          "source in Hanoi said.")
REPORT = f"HANOI, May 2 (Example Wire) - {RECALL}\n"


def read_into(db: Path, tmp_path: Path, name: str, text: str, outlet: str, date: str = "2024-05-02") -> dict:
    """Read a report into ``db`` as `moneymen read --json` would show it."""
    path = tmp_path / name
    path.write_text(text)
    with open_store(db) as store:
        (result,), _ = read_source(store, str(path), outlet=outlet, date=date)
    return result.to_dict()


def recall_claim(data: dict) -> tuple[str, dict]:
    (found,) = [c for c in data["claims"] if "recalled" in c["evidence"]]
    return f"{data['document']['id']}:{found['id']}", found


def mention_id(data: dict, text: str) -> str:
    (found,) = [m["id"] for m in data["mentions"] if m["text"] == text]
    return f"{data['document']['id']}-{found}"


def statements(db: Path, ids=None, dataset: str | None = "news") -> list:
    with open_store(db, read_only=True) as store:
        return list(store.statements(list(ids) if ids is not None else None, dataset=dataset))


def flat(text: str) -> str:
    return " ".join(text.replace("│", " ").replace("┃", " ").split())


@pytest.fixture(scope="module")
def one_report(tmp_path_factory) -> tuple[Path, dict]:
    """A store holding one read report, its claims pending (copied by each test)."""
    folder = tmp_path_factory.mktemp("one-report")
    db = folder / "news.duckdb"
    return db, read_into(db, folder, "recall.txt", REPORT, "Example Wire")


@pytest.fixture
def news(one_report, tmp_path) -> tuple[Path, dict]:
    db, data = one_report
    copy = tmp_path / "news.duckdb"
    shutil.copy(db, copy)
    return copy, data


def test_the_report_waits_in_the_queue_and_writes_nothing(news):
    db, data = news
    cid, found = recall_claim(data)
    assert found["chain"] == ["Example Wire", "source in Hanoi"] and found["grade"] == "F2"
    with open_store(db, read_only=True) as store:
        assert claim(store, cid).status == "pending"
    assert statements(db, dataset=None) == []


def test_an_accepted_claim_is_in_the_store_with_its_quote_document_and_grade(news):
    db, data = news
    cid, found = recall_claim(data)
    doc = data["document"]["id"]
    result = run_cli("claims", "accept", cid, "--analyst", "tester", "--reason", "two sources agree", db=db)
    assert result.returncode == 0, result.stderr
    assert f"Accepted {cid} at F2:" in flat(result.stdout) and "statements written" in result.stdout
    kim, bank = mention_id(data, "Kim Kwang-il"), mention_id(data, "Tanchon Commercial Bank")
    written = statements(db)
    assert written and {s.origin for s in written} == {"extraction"}
    assert {(s.document_id, s.source_record, s.quote is not None) for s in written} == {(doc, cid, True)}
    assert {(s.reliability, s.credibility) for s in written} == {("F", "2")}
    names = {(s.entity_id, s.schema, s.value) for s in written if s.prop == "name"}
    assert (kim, "Person", "Kim Kwang-il") in names and (bank, "Organization", "Tanchon Commercial Bank") in names
    for s in written:
        if s.entity_id == kim:
            assert s.quote == found["evidence"] == RECALL  # the words that state it
    # the relation is an FtM Employment, the event an FtM Event, both tying the same entities
    by_entity: dict[str, dict[str, set]] = {}
    for s in written:
        by_entity.setdefault(s.entity_id, {"schema": set()})["schema"].add(s.schema)
        by_entity[s.entity_id].setdefault(s.prop, set()).add(s.value)
    employments = [e for e in by_entity.values() if e["schema"] == {"Employment"}]
    assert [(e["employee"], e["employer"]) for e in employments] == [({kim}, {bank})]
    events = [e for e in by_entity.values() if e["schema"] == {"Event"}]
    assert len(events) == 1 and events[0]["involved"] == {kim}
    assert any(value.startswith("2024-04") for value in events[0].get("date", set()))
    # what the analyst sees
    shown = run_cli("show", kim, db=db)
    assert shown.returncode == 0, shown.stderr
    text = flat(shown.stdout)
    assert "Kim Kwang-il (Person)" in text
    assert f'"{RECALL}"' in text                       # the quote
    assert cid in text and "extraction" in text        # the document and claim it came from
    assert "F2" in text
    assert "Employment" in text and "Tanchon Commercial Bank" in text
    listed = flat(run_cli("claims", "--status", "accepted", db=db).stdout)
    assert cid in listed and "accepted" in listed and "tester" in listed  # who decided


def test_rejecting_an_accepted_claim_takes_its_statements_back(news):
    db, data = news
    cid, _ = recall_claim(data)
    kim = mention_id(data, "Kim Kwang-il")
    assert run_cli("claims", "accept", cid, db=db).returncode == 0
    assert statements(db, [kim])
    result = run_cli("claims", "reject", cid, "--reason", "the source recanted", db=db)
    assert result.returncode == 0, result.stderr
    assert f"Rejected {cid}." in flat(result.stdout)
    assert statements(db) == []
    gone = run_cli("show", kim, db=db)
    assert gone.returncode != 0 and "no entity" in gone.stderr
    assert cid in flat(run_cli("claims", "--status", "rejected", db=db).stdout)
    assert "No claims." in run_cli("claims", "--status", "accepted", db=db).stdout


def test_a_claim_is_decided_once(news):
    db, data = news
    cid, _ = recall_claim(data)
    assert run_cli("claims", "accept", cid, db=db).returncode == 0
    before = statements(db)
    again = run_cli("claims", "accept", cid, db=db)
    assert again.returncode != 0 and "already accepted" in flat(again.stderr)
    edit = run_cli("claims", "edit", cid, "--grade", "C3", db=db)
    assert edit.returncode != 0 and "already accepted" in flat(edit.stderr)
    assert statements(db) == before  # nothing written twice
    assert run_cli("claims", "reject", cid, db=db).returncode == 0
    twice = run_cli("claims", "reject", cid, db=db)
    assert twice.returncode != 0 and "already rejected" in flat(twice.stderr)
    unknown = run_cli("claims", "accept", "doc-0000:c9", db=db)
    assert unknown.returncode != 0 and "no claim" in flat(unknown.stderr)


def test_the_services_refuse_unknown_and_decided_claims(news):
    db, data = news
    cid, _ = recall_claim(data)
    with open_store(db) as store:
        with pytest.raises(ClaimError, match="no claim"):
            accept_claim(store, "doc-0000:c1", "tester")
        with pytest.raises(ClaimError, match="no claim"):
            reject_claim(store, "doc-0000:c1", "tester")
        with pytest.raises(ClaimError, match="no claim"):
            edit_claim(store, "doc-0000:c1", "tester", grade="B2")
        with pytest.raises(ClaimError):
            edit_claim(store, cid, "tester", grade="Z9")
        decision = accept_claim(store, cid, "tester")
        assert decision.status == "accepted" and decision.grade == "F2" and decision.statements > 0
        with pytest.raises(ClaimError, match="already accepted"):
            accept_claim(store, cid, "tester")
        with pytest.raises(ClaimError, match="already accepted"):
            edit_claim(store, cid, "tester", grade="B2")
        assert reject_claim(store, cid, "tester").status == "rejected"
        with pytest.raises(ClaimError, match="already rejected"):
            reject_claim(store, cid, "tester")
        with pytest.raises(ClaimError, match="already rejected"):
            accept_claim(store, cid, "tester")


def test_an_edited_grade_is_the_grade_accepted(news):
    db, data = news
    cid, _ = recall_claim(data)
    edited = run_cli("claims", "edit", cid, "--grade", "C3", "--reason", "the source is second-hand", db=db)
    assert edited.returncode == 0, edited.stderr
    assert f"Edited {cid}: grade C3, still pending." in flat(edited.stdout)
    assert "C3" in flat(run_cli("claims", "--status", "pending", db=db).stdout)
    assert statements(db) == []
    accepted = run_cli("claims", "accept", cid, db=db)
    assert f"Accepted {cid} at C3:" in flat(accepted.stdout)
    assert {(s.reliability, s.credibility) for s in statements(db)} == {("C", "3")}


def test_an_edited_chain_is_listed_and_a_bad_edit_refused(news):
    db, data = news
    cid, _ = recall_claim(data)
    edited = run_cli("claims", "edit", cid, "--chain", "Example Wire > Hanoi Daily > a bank clerk", db=db)
    assert edited.returncode == 0, edited.stderr
    assert "Example Wire → Hanoi Daily → a bank clerk" in flat(run_cli("claims", db=db).stdout)
    with open_store(db, read_only=True) as store:
        assert json.loads(claim(store, cid).chain) == ["Example Wire", "Hanoi Daily", "a bank clerk"]
    nothing = run_cli("claims", "edit", cid, db=db)
    assert nothing.returncode != 0 and "nothing to edit" in nothing.stderr
    bad = run_cli("claims", "edit", cid, "--grade", "G7", db=db)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    empty = run_cli("claims", "edit", cid, "--chain", "Example Wire > ", db=db)
    assert empty.returncode != 0


def test_accepting_at_another_grade(news):
    db, data = news
    cid, _ = recall_claim(data)
    result = run_cli("claims", "accept", cid, "--grade", "B2", db=db)
    assert f"Accepted {cid} at B2:" in flat(result.stdout)
    assert {(s.reliability, s.credibility) for s in statements(db)} == {("B", "2")}


# -- confirmation by independent sources -----------------------------------------------------------

def confirm(db: Path, tmp_path: Path, text: str, outlet: str) -> tuple[str, str]:
    """Accept the first report's recall claim, then read and accept another: its claim and the output."""
    with open_store(db, read_only=True) as store:
        (first,) = [c.id for c in claims(store) if "recalled" in c.evidence]
    assert run_cli("claims", "accept", first, db=db).returncode == 0
    second, _ = recall_claim(read_into(db, tmp_path, "second.txt", text, outlet))
    result = run_cli("claims", "accept", second, db=db)
    assert result.returncode == 0, result.stderr
    return second, flat(result.stdout)


def test_a_claim_confirmed_by_another_outlet_and_another_source_is_credibility_1(news, tmp_path):
    db, _ = news
    text = "Kim Kwang-il was recalled to Pyongyang in April, a South Korean government official said.\n"
    second, out = confirm(db, tmp_path, text, "Yonhap")
    assert f"Accepted {second} at B1:" in out and "confirmed by" in out
    with open_store(db, read_only=True) as store:
        (first,) = [c.id for c in claims(store, status="accepted") if c.id != second]
        decided = claim(store, second)
    assert first in out and decided.grade == "B1" and "confirmed by" in decided.reason
    assert {(s.reliability, s.credibility) for s in statements(db) if s.source_record == second} == {("B", "1")}


def test_the_same_outlet_does_not_confirm_itself(news, tmp_path):
    db, _ = news
    text = "Kim Kwang-il was recalled to Pyongyang in April, a South Korean government official said.\n"
    second, out = confirm(db, tmp_path, text, "Example Wire")
    assert f"Accepted {second} at F2:" in out and "confirmed by" not in out


def test_the_same_final_source_does_not_confirm_itself(news, tmp_path):
    db, _ = news
    text = "Kim Kwang-il was recalled to Pyongyang in April, a source in Hanoi said.\n"
    second, out = confirm(db, tmp_path, text, "Yonhap")
    assert f"Accepted {second} at B2:" in out and "confirmed by" not in out


# -- resolution with the listed record -------------------------------------------------------------

def test_a_reported_person_is_linked_to_the_listed_one_and_xref_pairs_them(tmp_path, db_path):
    imported = run_cli("import", str(UN_LIST), db=db_path)
    assert imported.returncode == 0, imported.stderr
    # the list spells him KIM KWANG-IL; the report another way
    report = tmp_path / "recall.txt"
    report.write_text(REPORT.replace("Kim Kwang-il", "Kim Kwang Il"))
    read = run_cli("read", str(report), "--outlet", "Example Wire", "--date", "2024-05-02", "--json", db=db_path)
    assert read.returncode == 0, read.stderr
    data = json.loads(read.stdout)
    linked = {m["text"]: m["entity_id"] for m in data["mentions"]}
    assert linked["Kim Kwang Il"] == KIM_KWANG_IL and linked["Tanchon Commercial Bank"] == TANCHON
    cid, _ = recall_claim(data)
    assert run_cli("claims", "accept", cid, db=db_path).returncode == 0
    kim = mention_id(data, "Kim Kwang Il")
    pairs = tmp_path / "pairs.csv"
    xref = run_cli("xref", "-o", str(pairs), db=db_path)
    assert xref.returncode == 0, xref.stderr
    with pairs.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = [row for row in rows if {row["left_id"], row["right_id"]} == {kim, KIM_KWANG_IL}]
    assert len(found) == 1 and found[0]["status"] in ("review", "merged")
    assert float(found[0]["score"]) >= 0.9
    assert {found[0]["left_datasets"], found[0]["right_datasets"]} == {"news", "un_sc"}
