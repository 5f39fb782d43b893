"""Blocking: which pairs of a whole list xref scores. Each test builds a real candidate index over
a small list and checks a pair a user expects resolved is among the candidates, or that a crowd
does not pair all its members."""

from __future__ import annotations

import numpy as np

from moneymen.match.blocking import CAP, WINDOW, block_pairs, likely_pairs
from moneymen.match.screener import ListedEntity, Screener


def listed(entity_id: str, schema: str, name: str, **properties: str) -> ListedEntity:
    props = {"name": [name], **{key: [value] for key, value in properties.items()}}
    return ListedEntity(id=entity_id, schema=schema, caption=name, properties=props, datasets=("test",), sanctions=())


#: Made-up words, distinct and far apart in spelling.
WORDS = [a + b + c for a in ("Bor", "Dav", "Gul", "Mek", "Tis") for b in ("an", "ez", "ol", "ur")
         for c in ("dak", "fim", "kel", "sot")][:CAP + 6]
#: Unrelated filler, so that "Pedro", "Eastern" and "Bureau" are each held by more than CAP
#: entities (as common words are in a real list) and form no block of their own.
FILLER = ([listed(f"p{n}", "Person", f"Pedro {word}") for n, word in enumerate(WORDS)]
          + [listed(f"o{n}", "Organization", f"{word} Bureau") for n, word in enumerate(WORDS)]
          + [listed(f"e{n}", "Organization", f"Eastern {word}") for n, word in enumerate(WORDS)])


def pairs_of(entities: list[ListedEntity], **options) -> set[tuple[str, str]]:
    index = Screener(entities).index
    found = likely_pairs(block_pairs(index, **options), index)
    ids = index.ids.texts(range(len(index.ids)))
    return {tuple(sorted((ids[a], ids[b]))) for a, b in zip(found.left.tolist(), found.right.tolist())}


def test_romanizations_and_scripts_of_one_korean_name_are_candidates():
    found = pairs_of(FILLER + [listed("a", "Person", "Jang Song Thaek"), listed("b", "Person", "Chang Sŏng-t'aek"),
                               listed("c", "Person", "장성택"), listed("d", "Person", "Kim Jong Nam")])
    assert {("a", "b"), ("a", "c"), ("b", "c")} <= found


def test_a_slip_in_a_rare_word_and_in_a_common_one_are_candidates():
    found = pairs_of(FILLER + [listed("a", "Person", "Pedro Murphy"), listed("b", "Person", "Pedro Muprhy"),
                               listed("c", "Organization", "Eastern Bureau"),
                               listed("d", "Organization", "Eatsern Bureau")])
    assert ("a", "b") in found  # a letter swapped in the rarer word: one dropped letter makes them meet
    assert ("c", "d") in found  # both words common: next to each other once spelt backwards


def test_a_shared_imo_number_pairs_two_vessels_of_other_names():
    found = pairs_of(FILLER + [listed("a", "Vessel", "Sea Star", imoNumber="9123456"),
                               listed("b", "Vessel", "Ocean Glory", imoNumber="9123456")])
    assert ("a", "b") in found


def test_a_crowd_of_namesakes_does_not_pair_every_member_with_every_other():
    crowd = [listed(f"k{n}", "Person", "Kim Chol", birthDate=str(1940 + n % 60)) for n in range(400)]
    index = Screener(crowd).index
    found = block_pairs(index)
    assert len(found) < 400 * 399 / 2 / 4  # far fewer than every two of them
    # each keeps its nearest in birth year: a member pairs with about 2 × WINDOW others per block family
    assert len(found) <= 400 * 2 * WINDOW * 4
    kept = likely_pairs(found, index)
    per_member = np.bincount(np.concatenate((kept.left, kept.right)), minlength=400)
    assert per_member.max() < CAP


def test_only_pairs_with_a_fresh_record_are_formed_when_some_are():
    entities = FILLER + [listed("a", "Person", "Pedro Murphy"), listed("b", "Person", "Pedro Murphy"),
                         listed("c", "Person", "Jang Song Thaek"), listed("d", "Person", "Jang Song-thaek")]
    index = Screener(entities).index
    ids = index.ids.texts(range(len(index.ids)))
    fresh = np.asarray([entity_id == "b" for entity_id in ids])
    found = block_pairs(index, fresh=fresh)
    named = {tuple(sorted((ids[a], ids[b]))) for a, b in zip(found.left.tolist(), found.right.tolist())}
    assert ("a", "b") in named
    assert all("b" in pair for pair in named)


def test_blocking_only_the_fresh_records_finds_every_pair_the_whole_index_has_with_them():
    """An incremental run pairs only the blocks with a fresh member: it must find exactly the pairs
    with a fresh record that blocking the whole index finds, with the same weights and families."""
    crowd = [listed(f"k{n}", "Person", "Kim Chol", birthDate=str(1940 + n % 60)) for n in range(200)]
    entities = FILLER + crowd + [listed("a", "Person", "Pedro Murphy"), listed("b", "Person", "Pedro Muprhy"),
                                 listed("c", "Organization", "Eastern Bureau"),
                                 listed("d", "Organization", "Eatsern Bureau"),
                                 listed("e", "Person", "Jang Song Thaek"), listed("f", "Person", "장성택")]
    index = Screener(entities).index
    fresh = np.random.default_rng(7).random(len(index)) < 0.05
    whole = block_pairs(index)
    with_fresh = whole.subset(fresh[whole.left] | fresh[whole.right])
    found = block_pairs(index, fresh=fresh)
    assert len(found) == len(with_fresh) > 0
    assert np.array_equal(found.left, with_fresh.left) and np.array_equal(found.right, with_fresh.right)
    assert np.allclose(found.weight, with_fresh.weight) and np.array_equal(found.families, with_fresh.families)
