"""The candidate index's key digests: the same for a key whichever way it is digested (one key
at query time, millions in bulk at build time), the same in every process, distinct across
millions of realistic keys, and an index saved with the previous digests is rebuilt."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import numpy as np
import pytest

from moneymen.services.demo import import_bundled
from moneymen.match.profiles import Profile
from moneymen.match.index_keys import deletions
from moneymen.match.index_file import LAYOUT, IndexFileError, KeyTable, StringTable, digests, key_digest, read_arrays
from moneymen.services.screening import screener_of_store
from moneymen.store import open_store

#: Digests of layout 2: a saved index holds them, so they may only change with LAYOUT.
KNOWN = {"": 0x7ACDBB98B1344213, "k:김": 0x895E17C5860A88DA}


def random_text(rng: random.Random, length: int) -> str:
    """Letters from ASCII, Hangul, lone surrogates, NUL and the astral planes."""
    pools = [(0, 1), (32, 127), (0xAC00, 0xD7A4), (0xD800, 0xE000), (0x80, 0x800), (0x10000, 0x110000)]
    return "".join(chr(rng.randrange(*rng.choice(pools))) for _ in range(length))


def name_word(rng: random.Random) -> str:
    syllables = ["kim", "jong", "un", "ri", "pak", "chol", "ho", "jin", "song", "yong", "ab", "dul", "ha", "di",
                 "sa", "lek", "mo", "ham", "med", "al", "ras", "hid", "ko", "mid", "va", "nov", "ich", "er"]
    return "".join(rng.choice(syllables) for _ in range(rng.randint(1, 4)))


def realistic_keys(count: int) -> set[str]:
    """At least ``count`` distinct index keys: deletion neighbourhoods of name words and of names
    written together, Korean syllable and whole-name keys, identifiers."""
    rng = random.Random(20240503)
    keys: set[str] = set()
    while len(keys) < count:
        words = [name_word(rng) for _ in range(rng.randint(2, 3))]
        for word in words:
            keys |= deletions(word, 1 if len(word) <= 6 else 2)
        keys |= deletions("".join(words), 1)
        syllables = [chr(0xAC00 + rng.randrange(11172)) for _ in range(3)]
        keys |= {"k:" + syllables[0], "n:" + "|".join(syllables), f"i:imoNumber:{rng.randrange(10**7)}"}
    return keys


def test_one_key_and_many_keys_get_the_same_digest():
    rng = random.Random(7)
    lengths = [0, 1, 7, 8, 9, 64, 65, 1000, 100_000] + [rng.randrange(40) for _ in range(3000)]
    keys = [random_text(rng, length) for length in lengths] + ["", "\0", "\0\0", "a", "a\0", "\ud800", "\udfff\ud800"]
    found = digests(keys)
    assert found.dtype == np.uint64 and len(found) == len(keys)
    assert [key_digest(key) for key in keys] == found.tolist()
    without_nul = [key.replace("\0", "") for key in keys]
    assert [key_digest(key) for key in without_nul] == digests(iter(without_nul)).tolist()
    assert len(set(found.tolist())) == len(set(keys)), "distinct keys, distinct digests (a, a+NUL, …)"
    assert digests([]).dtype == np.uint64 and len(digests([])) == 0


def test_digests_are_those_of_the_saved_layout_in_every_process():
    assert {key: key_digest(key) for key in KNOWN} == KNOWN, f"digests changed: bump LAYOUT (now {LAYOUT})"
    script = "from moneymen.match.index_file import digests; print(digests(['k:김', 'n:김|정|은']).tolist())"
    printed = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert printed == {f"{[key_digest('k:김'), key_digest('n:김|정|은')]}\n"}


def test_two_million_realistic_keys_have_distinct_well_spread_digests():
    keys = realistic_keys(2_000_000)
    found = digests(keys)
    assert len(np.unique(found)) == len(keys)
    bits = np.unpackbits(found.view(np.uint8)).reshape(len(found), 64).mean(axis=0)
    assert np.abs(bits - 0.5).max() < 0.005, "every bit of the digest should be set for half the keys"


def test_a_table_built_from_bulk_digests_finds_every_key_one_at_a_time_and_together():
    rng = random.Random(3)
    keys = sorted(realistic_keys(5_000))[:5_000] + [random_text(rng, 2_000), "x" * 70_000]
    table = KeyTable.build(digests(keys), np.arange(len(keys), dtype=np.int32))
    assert all(table.get(key).tolist() == [value] for value, key in enumerate(keys))
    for batch in (keys[:3], keys[-40:], keys):  # a few keys and many: digested one by one, or in bulk
        assert sorted(int(run[0]) for run in table.runs(batch)) == sorted(keys.index(key) for key in set(batch))
    assert table.runs(["never indexed", "n:가|나|다"]) == []


@pytest.fixture(scope="module")
def saved_store(tmp_path_factory):
    db = tmp_path_factory.mktemp("digests") / "lists.duckdb"
    with open_store(db) as store:
        import_bundled(store)
        screener_of_store(store)  # builds the index and saves it beside the store
    return db


def test_an_index_saved_with_the_previous_digests_is_refused_and_rebuilt(saved_store):
    path = saved_store.parent / (saved_store.name + ".index") / "all.idx"
    saved = path.read_bytes()
    ours = json.dumps({"layout": LAYOUT})[1:-1].encode()
    assert ours in saved[:200]
    path.write_bytes(saved.replace(ours, json.dumps({"layout": LAYOUT - 1})[1:-1].encode(), 1))
    with pytest.raises(IndexFileError, match=f"layout {LAYOUT - 1}"):
        read_arrays(path)
    with open_store(saved_store, read_only=True) as store:
        screener = screener_of_store(store)
    found = screener.screen(Profile.from_properties("Person", {"name": ["Yun Ho-jin"]}), limit=1)
    assert found[0].entity.id == "unsc-690734"
    assert read_arrays(path)[0], "the rebuilt index should be saved in this layout"


def test_strings_read_many_at_once_are_the_strings_read_one_at_a_time():
    rng = random.Random(11)
    texts = [random_text(rng, rng.randrange(0, 40)) for _ in range(2000)]
    table = StringTable.build(texts)
    positions = [0, len(texts) - 1, *rng.sample(range(len(texts)), 500), 0]
    assert table.texts(positions) == [texts[p] for p in positions] == [table[p] for p in positions]
    assert table.texts([]) == []
