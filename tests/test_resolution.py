"""Resolution on the bundled UN and OFAC DPRK lists, in a real DuckDB store: xref merges on strong
evidence only, judgements are kept and reversible, a kill leaves the store consistent and the next
run goes on, canonical ids survive re-imports."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from moneymen.model import Judgement
from moneymen.resolve.judgements import Clusters, assign_canonical, current
from moneymen.services.demo import import_bundled
from moneymen.services.judgements import canonical_of, judge, merged_entity, review_queue, undo
from moneymen.services.resolution import XrefSettings, run_xref
from moneymen.store import open_store
from moneymen.store import resolution as kept

from conftest import run_cli

KOMID = ("ofac-9345", "unsc-690735")           # Korea Mining Development Trading Corporation, OFAC and UN (KPe.001)
JANG_SONG_CHOL = ("ofac-17620", "unsc-6908615")  # KOMID in Russia: same name and birth date (KPi.056)


@pytest.fixture(scope="module")
def resolved(tmp_path_factory) -> Path:
    """A store of the bundled lists after one xref run (copied by each test that changes it)."""
    path = tmp_path_factory.mktemp("resolved") / "lists.duckdb"
    with open_store(path) as store:
        import_bundled(store)
        run_xref(store)
    return path


def copy_of(path: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy.duckdb"
    shutil.copy(path, target)
    return target


def statements_of(store, ids) -> list[tuple]:
    return sorted((s.entity_id, s.prop, s.value, s.dataset, s.source_record) for s in store.statements(list(ids)))


def test_xref_merges_the_same_company_and_the_same_person_across_lists(resolved):
    with open_store(resolved, read_only=True) as store:
        for pair in (KOMID, JANG_SONG_CHOL):
            canonical, members = canonical_of(store, pair[0])
            assert canonical.startswith("mm-") and members == sorted(pair)
            assert canonical_of(store, pair[1])[0] == canonical
        entity = merged_entity(store, "unsc-690735")
        assert {s.dataset for s in entity.statements} == {"un_sc", "us_ofac_sdn"}
        assert {s.entity_id for s in entity.statements} == set(KOMID)
        log = kept.judgement_log(store, KOMID)
        assert [(e.judgement, e.analyst, e.origin) for e in log] == [("positive", "moneymen xref", "xref")]
        assert "same name" in log[0].reason


def test_no_automatic_merge_of_two_people_whose_birth_dates_disagree(resolved):
    with open_store(resolved, read_only=True) as store:
        log = kept.judgement_log(store)
        for event in log:
            pair = kept.candidate(store, *event.pair)
            assert pair is not None and pair.status == "merged"
            assert "disagrees" not in pair.explanation
        disagreeing = [c for c in kept.candidates(store, status="review") if "disagrees" in c.explanation]
        assert disagreeing, "the bundled lists hold pairs whose birth dates differ by a day: they go to review"
        merged_pairs = {event.pair for event in log}
        assert not any((c.left_id, c.right_id) in merged_pairs for c in disagreeing)


def test_merge_and_undo_leave_every_statement_intact(resolved, tmp_path):
    with open_store(copy_of(resolved, tmp_path)) as store:
        before = statements_of(store, KOMID)
        (merge,) = kept.judgement_log(store, KOMID)
        outcome = undo(store, merge.id, "analyst one", "checking")
        assert outcome.canonical_id is None
        assert canonical_of(store, KOMID[0]) == (KOMID[0], [KOMID[0]])
        assert statements_of(store, KOMID) == before
        assert merged_entity(store, KOMID[0]).id == KOMID[0]
        again = judge(store, *KOMID, "positive", "analyst one", "same KOMID")
        assert again.canonical_id is not None
        assert statements_of(store, KOMID) == before
        events = [(e.judgement, e.analyst) for e in kept.judgement_log(store, KOMID)]
        assert events == [("positive", "moneymen xref"), ("undo", "analyst one"), ("positive", "analyst one")]


def test_an_undone_automatic_merge_is_not_made_again_by_xref(resolved, tmp_path):
    with open_store(copy_of(resolved, tmp_path)) as store:
        (merge,) = kept.judgement_log(store, KOMID)
        undo(store, merge.id, "analyst one")
        run_xref(store, XrefSettings(threshold=0.69))  # other settings: every record is compared again
        assert canonical_of(store, KOMID[0])[1] == [KOMID[0]]
        assert KOMID in {(c.left_id, c.right_id) for c in review_queue(store)}


def test_a_negative_judgement_holds_on_the_next_xref(resolved, tmp_path):
    with open_store(copy_of(resolved, tmp_path)) as store:
        waiting = review_queue(store)
        first = (waiting[0].left_id, waiting[0].right_id)
        judge(store, *first, "negative", "analyst one", "different people")
        (merge,) = kept.judgement_log(store, JANG_SONG_CHOL)
        undo(store, merge.id, "analyst one")
        judge(store, *JANG_SONG_CHOL, "negative", "analyst one", "not him")
        summary = run_xref(store, XrefSettings(threshold=0.69))
        assert summary.compared == summary.in_scope
        queue = {(c.left_id, c.right_id) for c in review_queue(store)}
        assert first not in queue and JANG_SONG_CHOL not in queue
        assert canonical_of(store, JANG_SONG_CHOL[0])[1] == [JANG_SONG_CHOL[0]]


def test_a_positive_against_a_negative_through_a_chain_is_reported(resolved, tmp_path):
    with open_store(copy_of(resolved, tmp_path)) as store:
        other = "ofac-12209"  # Office 39
        judge(store, KOMID[0], other, "negative", "analyst one", "different companies")
        outcome = judge(store, KOMID[1], other, "positive", "analyst two", "a mistake")
        (contradiction,) = outcome.contradictions
        assert contradiction.negative.pair == tuple(sorted((KOMID[0], other)))
        assert {step.pair for step in contradiction.chain} == {tuple(sorted(KOMID)), tuple(sorted((KOMID[1], other)))}


def test_a_second_run_compares_only_new_or_changed_records(resolved, tmp_path):
    path = copy_of(resolved, tmp_path)
    with open_store(path) as store:
        again = run_xref(store)
        assert again.compared == 0 and again.skipped == again.in_scope
    extra = tmp_path / "notes.ftm.json"
    extra.write_text('{"id": "note-komid", "schema": "Company", "properties": {"name": '
                     '["Korea Mining Development Trading Corp."], "country": ["kp"]}}\n', encoding="utf-8")
    with open_store(path) as store:
        from moneymen.services.imports import import_file

        import_file(store, extra, format="ftm", dataset="my_notes")
        third = run_xref(store)
        assert third.compared == 1
        pairs = {(c.left_id, c.right_id) for c in kept.candidates(store, nodes=["note-komid"])}
        assert tuple(sorted(("note-komid", KOMID[0]))) in pairs
    # a record in Hangul with the same birth date and nationality merges, in a run that compares it alone
    hangul = tmp_path / "hangul.ftm.json"
    hangul.write_text('{"id": "note-jang", "schema": "Person", "properties": {"name": ["장성철"], '
                      '"birthDate": ["1967-03-12"], "nationality": ["kp"]}}\n', encoding="utf-8")
    with open_store(path) as store:
        import_file(store, hangul, format="ftm", dataset="my_hangul_notes")
        fourth = run_xref(store)
        assert fourth.compared == 1 and fourth.merged_now >= 1
        assert set(JANG_SONG_CHOL) <= set(canonical_of(store, "note-jang")[1])


def test_canonical_ids_survive_a_reimport(resolved, tmp_path):
    path = copy_of(resolved, tmp_path)
    with open_store(path) as store:
        canonical = canonical_of(store, KOMID[0])[0]
        ofac = next(record for record in store.imports() if record.dataset == "us_ofac_sdn")
        from moneymen.timestamps import utc_now

        store.revert_import(ofac.id, utc_now())
        run_xref(store)
        assert merged_entity(store, KOMID[1]).statements  # the UN record alone is still there
        import_bundled(store)
        run_xref(store)
        assert canonical_of(store, KOMID[0]) == (canonical, sorted(KOMID))


def test_canonical_ids_stay_when_a_cluster_grows_or_splits():
    def event(pair, id_, kind="positive"):
        return Judgement(*sorted(pair), kind, "a", "2024-01-01T00:00:00Z", id=id_)

    first = assign_canonical(Clusters(current([event(("a", "b"), 1)])), {})
    name = first["a"]
    grown = assign_canonical(Clusters(current([event(("a", "b"), 1), event(("b", "c"), 2)])), first)
    assert set(grown.values()) == {name}
    split = assign_canonical(Clusters(current([event(("a", "b"), 1), event(("c", "d"), 2), event(("b", "c"), 3),
                                               event(("d", "e"), 4)])), {})
    halves = assign_canonical(Clusters(current([event(("a", "b"), 1), event(("c", "d"), 2), event(("d", "e"), 4)])),
                              split)
    assert halves["c"] == split["c"]  # the larger half keeps the name
    assert halves["a"] != split["a"]
    with_nk = assign_canonical(Clusters(current([event(("NK-x1", "a"), 1), event(("a", "b"), 2)])), first)
    assert set(with_nk.values()) == {"NK-x1"}


KILLER = textwrap.dedent("""
    import os, signal, sys
    from moneymen.services.resolution import run_xref
    from moneymen.store import open_store

    batches = 0
    def progress(done, total):
        global batches
        batches += 1
        if batches == 3:
            os.kill(os.getpid(), signal.SIGKILL)

    with open_store(sys.argv[1]) as store:
        run_xref(store, progress=progress, batch=40)
""")


def test_a_kill_during_xref_leaves_the_store_consistent_and_the_next_run_goes_on(tmp_path):
    path = tmp_path / "lists.duckdb"
    with open_store(path) as store:
        import_bundled(store)
    child = subprocess.run([sys.executable, "-c", KILLER, str(path)], capture_output=True, text=True, timeout=600,
                           env={**os.environ})
    assert child.returncode == -signal.SIGKILL, child.stderr
    with open_store(path) as store:
        (run,) = kept.xref_runs(store)
        assert run.finished_at is None and run.queried == 120  # three batches of 40, each committed whole
        assert kept.judgement_log(store) == []  # merges are made once every record is compared
        resumed = run_xref(store)
        assert resumed.skipped == 120 and resumed.compared == resumed.in_scope - 120
        assert canonical_of(store, KOMID[0])[1] == sorted(KOMID)
        after_kill = {(c.left_id, c.right_id, c.status) for c in kept.candidates(store)}
    fresh = tmp_path / "fresh.duckdb"
    with open_store(fresh) as store:
        import_bundled(store)
        run_xref(store)
        uninterrupted = {(c.left_id, c.right_id, c.status) for c in kept.candidates(store)}
    assert after_kill == uninterrupted


def test_xref_review_and_judgements_from_the_command_line(resolved, tmp_path):
    db = copy_of(resolved, tmp_path)
    out = tmp_path / "pairs.csv"
    result = run_cli("xref", "-o", str(out), db=db)
    assert result.returncode == 0, result.stderr
    assert "unchanged since the last run" in result.stdout
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:4] == ["left_id", "right_id", "score", "status"]
    assert {row["status"] for row in rows} <= {"merged", "review", "rejected"}
    komid = next(row for row in rows if (row["left_id"], row["right_id"]) == KOMID)
    assert komid["status"] == "merged" and komid["judgement"] == "positive"
    with open_store(db, read_only=True) as store:
        first = review_queue(store)[0]
    review = run_cli("review", "--analyst", "Analyst One", db=db, input="n\nq\n")
    assert review.returncode == 0, review.stderr
    assert first.left_id in review.stdout and "1 judgement(s) made by Analyst One" in review.stdout
    log = run_cli("judgements", "log", "--entity", first.left_id, db=db)
    assert "negative" in log.stdout and "Analyst One" in log.stdout
    shown = run_cli("show", KOMID[1], db=db)
    assert "Canonical entity of 2 records" in shown.stdout and "KPe.001" in shown.stdout and "9345" in shown.stdout
    links = tmp_path / "links.csv"
    assert run_cli("export", "--format", "links", "-o", str(links), db=db).returncode == 0
    with links.open(encoding="utf-8") as handle:
        linked = {row["entity_id"]: row for row in csv.DictReader(handle)}
    assert linked[KOMID[0]]["canonical_id"] == linked[KOMID[1]]["canonical_id"] != KOMID[0]
    assert (linked[KOMID[1]]["record_id"], linked[KOMID[0]]["record_id"]) == ("KPe.001", "9345")
    bad = run_cli("judgements", "add", "ofac-9345", "no-such-record", "positive", db=db)
    assert bad.returncode == 1 and "no entity 'no-such-record'" in bad.stderr


def test_the_network_is_resolved_with_a_switch_for_raw_records(resolved):
    from moneymen.graph.builder import build_view

    with open_store(resolved, read_only=True) as store:
        canonical = canonical_of(store, KOMID[0])[0]
        view = build_view(store)
        raw = build_view(store, resolved=False)
    assert canonical in view and view.index_of(KOMID[0]) == view.index_of(KOMID[1]) == view.index_of(canonical)
    assert KOMID[0] not in view.ids and KOMID[1] not in view.ids
    assert raw.index_of(KOMID[0]) != raw.index_of(KOMID[1])
    node = view.index_of(canonical)
    programs = set(view.programs[node])
    assert programs == set(raw.programs[raw.index_of(KOMID[0])]) | set(raw.programs[raw.index_of(KOMID[1])])
    degree = int((view.source == node).sum() + (view.target == node).sum())
    raw_degree = sum(int((raw.source == raw.index_of(i)).sum() + (raw.target == raw.index_of(i)).sum()) for i in KOMID)
    assert degree == raw_degree > 0  # every record's relations, on the one node
    assert view.n_nodes < raw.n_nodes


def test_the_api_redirects_a_merged_record_to_its_canonical_entity(resolved, tmp_path):
    import httpx

    from api_server import AUTHORIZATION, running_server

    db = copy_of(resolved, tmp_path)
    with open_store(db, read_only=True) as store:
        canonical = canonical_of(store, KOMID[0])[0]
        alone = next(entity_id for entity_id in store.listed_entity_ids("us_ofac_sdn")
                     if entity_id not in kept.canonical_ids(store))
    with running_server(db, tmp_path / "server.log", startup_s=60) as url, \
            httpx.Client(base_url=url, timeout=60, headers=AUTHORIZATION) as http:
        moved = http.get(f"/entities/{KOMID[0]}", params={"nested": "false"})
        assert moved.status_code == 308
        assert moved.headers["location"].endswith(f"/entities/{canonical}?nested=false")
        document = http.get(moved.headers["location"]).json()
        assert document["id"] == canonical
        assert {s["dataset"] for s in document["provenance"]} == {"un_sc", "us_ofac_sdn"}
        assert {s["entity_id"] for s in document["provenance"]} == set(KOMID)
        assert set(KOMID) <= set(document["referents"])
        assert http.get(f"/entities/{alone}").status_code == 200  # a record of its own is served as before


def test_judgements_travel_through_a_resolver_file(resolved, tmp_path):
    exported = tmp_path / "resolver.json"
    result = run_cli("judgements", "export", "-o", str(exported), db=resolved)
    assert result.returncode == 0, result.stderr
    lines = exported.read_text(encoding="utf-8").splitlines()
    with open_store(resolved, read_only=True) as store:
        merges = kept.judgement_log(store)
        clusters = sorted(sorted(members) for members in Clusters(current(merges)).groups())
    assert len(lines) == len(merges)
    fresh = tmp_path / "fresh.duckdb"
    with open_store(fresh) as store:
        import_bundled(store)
    imported = run_cli("judgements", "import", str(exported), db=fresh)
    assert imported.returncode == 0, imported.stderr
    assert f"{len(merges)} added to the log" in imported.stdout
    with open_store(fresh, read_only=True) as store:
        log = kept.judgement_log(store)
        assert {event.origin for event in log} == {"import"}
        assert sorted(sorted(members) for members in Clusters(current(log)).groups()) == clusters
        assert canonical_of(store, KOMID[0])[1] == sorted(KOMID)
    again = run_cli("judgements", "import", str(exported), db=fresh)
    assert "0 added to the log" in again.stdout  # the same decisions are not logged twice
    bad = tmp_path / "bad.json"
    bad.write_text(lines[0] + "\n" + '["a", "b", "maybe", null, "x", "2024-01-01T00:00:00"]\n', encoding="utf-8")
    refused = run_cli("judgements", "import", str(bad), db=fresh)
    assert refused.returncode == 1 and "line 2" in refused.stderr and "Nothing was imported" in refused.stderr
    with open_store(fresh, read_only=True) as store:
        assert len(kept.judgement_log(store)) == len(log)


def test_xref_in_two_processes_finds_what_one_finds(resolved, tmp_path):
    path = tmp_path / "two.duckdb"
    with open_store(path) as store:
        import_bundled(store)
        run_xref(store, workers=2, batch=100)
        forked = {(c.left_id, c.right_id, c.status, round(c.score, 6)) for c in kept.candidates(store)}
    with open_store(resolved, read_only=True) as store:
        alone = {(c.left_id, c.right_id, c.status, round(c.score, 6)) for c in kept.candidates(store)}
    assert forked == alone and forked
