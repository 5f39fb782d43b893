"""Resolution judgements to and from nomenklatura's resolver files, and through nomenklatura's own ``nk``.

The peer tests run ``nk load-resolver`` / ``nk dump-resolver`` of nomenklatura 4.17.4 from the
virtualenv ``make peers`` makes (``.venv-peers/``); they skip when it is not there.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from moneymen.resolve.judgements import UNDO, Clusters, Judgement, current
from moneymen.resolve.nomenklatura import edge_order, read_resolver, write_resolver
from moneymen.sources.base import SourceError

REPO = Path(__file__).resolve().parents[1]
PEERS = REPO / ".venv-peers" / "nomenklatura-4.17.4"

NK = "NK-GCxgfrKaKLRNeuF8PTgeSB"

# as nk dump-resolver 4.17.4 writes them (times cut to 28 characters), and one suggestion
DUMPED = f"""\
["{NK}", "ofac-17069", "positive", null, "alice", "2024-05-03T10:00:00.474596+0"]
["{NK}", "unsc-690734", "positive", null, "alice", "2024-05-03T10:00:00.477353+0"]
["unsc-690734", "eu-1234", "positive", null, "bob", "2024-05-03T10:05:00.478739+0"]
["ofac-17069", "eu-99", "negative", null, "alice", "2024-05-03T10:06:00+00:00"]
["eu-99", "eu-5", "unsure", null, null, "2023-01-02T03:04:05.123456"]
["ofac-1", "eu-7", "no_judgement", 0.71, "xref", "2024-05-03T10:07:00.000001+0"]
["Q42", "eu-5", "positive", null, "carol", "2024-05-04T00:00:00.5+0"]
"""


def judged(left: str, right: str, judgement: str = "positive", *, id: int, analyst: str = "ana",
           created_at: str = "2024-05-03T10:00:00Z", score: float | None = None,
           undoes: int | None = None) -> Judgement:
    left, right = sorted((left, right))
    return Judgement(left, right, judgement, analyst, created_at, reason="test", score=score, undoes=undoes, id=id)


def lines(path: Path) -> list[list]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def essentials(judgements) -> set[tuple]:
    """What a resolver file can carry of a judgement: the pair, the judgement, who, when."""
    return {(j.left_id, j.right_id, j.judgement, j.analyst, j.created_at) for j in judgements}


# reading


def test_a_dump_reads_as_judgements_with_nk_ids_as_nodes_of_their_cluster(tmp_path):
    path = tmp_path / "resolver.jsonl"
    path.write_text(DUMPED, encoding="utf-8")
    read = read_resolver(path, default_analyst="opensanctions")

    assert read.suggestions_skipped == 1
    assert len(read.judgements) == 6
    assert all(j.origin == "import" for j in read.judgements)
    assert read.judgements[2].reason == f"nomenklatura resolver file {path}, line 3"
    first = read.judgements[0]
    assert (first.left_id, first.right_id, first.judgement) == (NK, "ofac-17069", "positive")
    # cut to the second, in the store's UTC text; naive times are UTC
    assert first.created_at == "2024-05-03T10:00:00Z"
    assert read.judgements[4].created_at == "2023-01-02T03:04:05Z"
    # a line without a user gets the fallback analyst
    assert read.judgements[4].analyst == "opensanctions"
    assert read.judgements[0].analyst == "alice"
    # the NK id is the cluster the records share; the negative pair stays apart
    clusters = Clusters(current(read.judgements))
    assert clusters.members(NK) == sorted([NK, "eu-1234", "ofac-17069", "unsc-690734"])
    assert clusters.kept_apart("ofac-17069", "eu-99")
    assert clusters.same("Q42", "eu-5")


def test_a_later_line_for_the_same_pair_holds(tmp_path):
    path = tmp_path / "resolver.jsonl"
    path.write_text('["b", "a", "positive", null, "u", "2024-01-01T00:00:00"]\n\n'
                    '["a", "b", "negative", null, "u", "2024-01-02T00:00:00"]\n', encoding="utf-8")
    read = read_resolver(path)
    assert [j.judgement for j in current(read.judgements).values()] == ["negative"]


BAD_LINES = [
    ("not json", "not JSON"),
    ('{"target": "a"}', "expected an array of 6 items"),
    ('["a", "b", "positive", null, "u"]', "found 5 items"),
    ('["a", "b", "positive", null, "u", "2024-01-01T00:00:00", null, 1]', "found 8 items"),
    ('["a", "b", "same", null, "u", "2024-01-01T00:00:00"]', "judgement 'same': expected one of positive"),
    ('["a", "b", "positive", null, "u", "yesterday"]', "'yesterday' is not an ISO-8601"),
    ('["a", "b", "positive", null, "u", null]', "created_at None: expected an ISO-8601 timestamp"),
    ('["a", "b", "positive", null, "u", "2999-01-01T00:00:00"]', "lies in the future"),
    ('["a", "b", "positive", null, "u", "1066-10-14T00:00:00"]', "before 1900"),
    ('["", "b", "positive", null, "u", "2024-01-01T00:00:00"]', "target '': expected a non-empty entity id"),
    ('["a", 7, "positive", null, "u", "2024-01-01T00:00:00"]', "source 7: expected a non-empty entity id"),
    ('["a", "a", "positive", null, "u", "2024-01-01T00:00:00"]', "'a' is judged against itself"),
    ('["a", "b", "positive", NaN, "u", "2024-01-01T00:00:00"]', "NaN is not a number JSON allows"),
    ('["a", "b", "positive", "high", "u", "2024-01-01T00:00:00"]', "score 'high': expected a number or null"),
    (f'["{"x" * 600}", "b", "positive", null, "u", "2024-01-01T00:00:00"]', "at most 512 characters"),
]


@pytest.mark.parametrize(("line", "expected"), BAD_LINES)
def test_a_bad_line_is_named_by_file_and_line_with_what_was_expected(tmp_path, line, expected):
    path = tmp_path / "resolver.jsonl"
    path.write_text('["b", "a", "positive", null, "u", "2024-01-01T00:00:00"]\n' + line + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        read_resolver(path)
    assert str(raised.value).startswith(f"{path}, line 2: ")
    assert expected in str(raised.value)


def test_a_huge_line_or_bytes_that_are_not_utf8_are_refused_without_reading_them_whole(tmp_path):
    huge = tmp_path / "huge.jsonl"
    with open(huge, "wb") as out:
        out.write(b'["a", "b", "positive", null, "u", "2024-01-01T00:00:00"]\n["' + b"x" * (3 * 1024 * 1024))
    with pytest.raises(SourceError, match=r"huge.jsonl, line 2: line is longer than 1 MiB"):
        read_resolver(huge)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('["a", "b", "positive", null, "Jos\xe9", "2024-01-01T00:00:00"]\n'.encode("latin-1"))
    with pytest.raises(SourceError, match=r"latin.jsonl, line 1: not UTF-8 text"):
        read_resolver(latin)


# writing


def test_our_file_reads_back_as_the_judgements_that_hold(tmp_path):
    log = [
        judged("unsc-690734", "ofac-17069", id=1, score=0.93),
        judged("mm-0011aabbccddeeff", "unsc-690734", id=2, analyst="kim"),
        judged("eu-99", "ofac-17069", "negative", id=3, created_at="2024-05-04T08:00:00Z"),
        judged("eu-99", "eu-5", "unsure", id=4),
        judged("eu-99", "eu-5", "positive", id=5, created_at="2024-05-05T09:30:00Z"),  # replaces 4
        judged("eu-1", "eu-2", id=6),
        judged("eu-1", "eu-2", UNDO, id=7, undoes=6),  # taken back: not written
        judged(NK, "ofac-17069", id=8),
    ]
    path = tmp_path / "out" / "resolver.jsonl"
    assert write_resolver(log, path) == 5
    read = read_resolver(path)
    assert read.suggestions_skipped == 0
    holding = current(log).values()
    assert essentials(read.judgements) == essentials(holding)
    assert {j.pair: j.score for j in read.judgements} == {j.pair: j.score for j in holding}
    rows = lines(path)
    # nomenklatura's order: the NK id is the target of its edge, else the greater id
    assert [NK, "ofac-17069", "positive", None, "ana", "2024-05-03T10:00:00+00:00"] in rows
    assert ["unsc-690734", "mm-0011aabbccddeeff", "positive", None, "kim", "2024-05-03T10:00:00+00:00"] in rows
    assert all(rows[i][5] <= rows[i + 1][5] for i in range(len(rows) - 1))
    assert not any("eu-1" in row[:2] for row in rows)


def test_nomenklatura_order_puts_qids_then_nk_ids_then_the_greater_id_first():
    assert edge_order("ofac-1", NK) == (NK, "ofac-1")
    assert edge_order(NK, "Q42") == ("Q42", NK)
    assert edge_order("eu-1", "unsc-1") == ("unsc-1", "eu-1")
    assert edge_order("mm-0011aabbccddeeff", "ofac-1") == ("ofac-1", "mm-0011aabbccddeeff")


def test_a_failed_write_leaves_the_previous_file(tmp_path):
    path = tmp_path / "resolver.jsonl"
    path.write_text("previous\n", encoding="utf-8")

    def broken():
        yield judged("a", "b", id=1)
        raise RuntimeError("store went away")

    with pytest.raises(RuntimeError):
        write_resolver(broken(), path)
    assert path.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["resolver.jsonl"]


# through nomenklatura itself

#: Decisions taken with nomenklatura's own API: a merge that mints an NK id, a record joined
#: to that cluster, two clusters joined, a QID, a negative and an unsure, a changed mind, and
#: a suggestion.
BUILD = """
from nomenklatura.db import make_session
from nomenklatura.judgement import Judgement
from nomenklatura.resolver import Resolver

with make_session() as session:
    resolver = Resolver(session, create=True)
    canonical = resolver.decide("unsc-690734", "ofac-17069", Judgement.POSITIVE, user="alice")
    assert canonical.id.startswith("NK-"), canonical
    resolver.decide("eu-1234", "unsc-690734", Judgement.POSITIVE, user="bob")
    resolver.decide("eu-99", "ofac-17069", Judgement.NEGATIVE, user="alice")
    resolver.decide("eu-5", "eu-99", Judgement.UNSURE, user="bob")
    resolver.decide("Q42", "eu-5", Judgement.POSITIVE, user="carol")
    resolver.decide("uk-1", "uk-2", Judgement.POSITIVE, user="dave")
    resolver.decide("uk-2", "unsc-690734", Judgement.POSITIVE, user="dave")
    resolver.decide("uk-3", "uk-1", Judgement.UNSURE, user="dave")
    resolver.decide("uk-3", "uk-1", Judgement.NEGATIVE, user="erin")
    resolver.suggest("eu-7", "ofac-1", 0.71, user="xref")
"""


@pytest.fixture(scope="module")
def peers() -> Path:
    """The bin/ folder of the peers virtualenv (``make peers``), or skip."""
    if not (PEERS / "bin" / "nk").exists():
        pytest.skip(f"{PEERS} not there: `make peers` installs nomenklatura 4.17.4 for this test")
    return PEERS / "bin"


def nk(peers: Path, database: Path, *args: str) -> None:
    """Run ``nk ARGS`` (or the peers' python) against the resolver database ``database``."""
    env = {**os.environ, "NOMENKLATURA_DB_URL": f"sqlite:///{database}"}
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run([str(peers / args[0]), *args[1:]], capture_output=True, text=True, env=env,
                          cwd=database.parent, timeout=300)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stderr[-3000:]}"


def test_our_file_goes_through_nk_load_and_dump_unchanged(peers, tmp_path):
    log = [
        judged("unsc-690734", "ofac-17069", id=1, score=0.93),
        judged(NK, "ofac-17069", id=2, analyst="kim", created_at="2024-05-03T11:00:00Z"),
        judged("eu-99", "ofac-17069", "negative", id=3, created_at="2024-05-04T08:00:00Z"),
        judged("eu-99", "eu-5", "unsure", id=4, analyst="Sŏng-il"),
        judged("eu-99", "eu-5", "positive", id=5, created_at="2024-05-05T09:30:00Z"),
        judged("mm-0011aabbccddeeff", "eu-5", id=6),
        judged("eu-1", "eu-2", id=7),
        judged("eu-1", "eu-2", UNDO, id=8, undoes=7),
    ]
    ours, dumped = tmp_path / "ours.jsonl", tmp_path / "dumped.jsonl"
    write_resolver(log, ours)
    nk(peers, tmp_path / "nk.db", "nk", "load-resolver", str(ours))
    nk(peers, tmp_path / "nk.db", "nk", "dump-resolver", str(dumped))
    read = read_resolver(dumped)
    assert essentials(read.judgements) == essentials(current(log).values())
    # nomenklatura keeps no score for a decided pair
    assert all(j.score is None for j in read.judgements)
    assert sorted(lines(dumped)) == sorted([*row[:3], None, *row[4:]] for row in lines(ours))


def _to_the_second(row: list) -> list:
    """A dumped row with its time as moneymen keeps it, to the second: nk's own decisions carry
    microseconds (``…10:00:00.474596+0``), which the store does not hold."""
    return [*row[:5], row[5][:len("2024-05-03T10:00:00")] + "+00:00"]


def test_nomenklaturas_own_decisions_survive_our_read_and_write(peers, tmp_path):
    script = tmp_path / "build.py"
    script.write_text(BUILD, encoding="utf-8")
    first, ours, second = tmp_path / "first.jsonl", tmp_path / "ours.jsonl", tmp_path / "second.jsonl"
    nk(peers, tmp_path / "built.db", "python", str(script))
    nk(peers, tmp_path / "built.db", "nk", "dump-resolver", str(first))

    read = read_resolver(first)
    assert read.suggestions_skipped == 0  # nk dump-resolver leaves suggestions out
    nodes = {node for j in read.judgements for node in j.pair}
    assert any(node.startswith("NK-") for node in nodes)
    assert write_resolver(read.judgements, ours) == len(read.judgements)
    nk(peers, tmp_path / "again.db", "nk", "load-resolver", str(ours))
    nk(peers, tmp_path / "again.db", "nk", "dump-resolver", str(second))

    assert sorted(lines(second)) == sorted(lines(ours))
    assert sorted(lines(second)) == sorted(_to_the_second(row) for row in lines(first))
    # the clusters nomenklatura made are ours: two NK clusters joined through their records
    clusters = Clusters(current(read_resolver(second).judgements))
    merged = clusters.members("unsc-690734")
    assert {"ofac-17069", "eu-1234", "uk-1", "uk-2"} <= set(merged)
    assert sum(node.startswith("NK-") for node in merged) == 2
    assert clusters.kept_apart("uk-3", "uk-1")
    assert clusters.same("Q42", "eu-5")
