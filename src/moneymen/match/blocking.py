"""Blocking: the pairs of a whole candidate index worth scoring, found at once rather than record by record.

Resolution compares every record with every other; screening each against the index
(:meth:`moneymen.match.index.CandidateIndex.candidates`) reads the longest postings once per record,
which at a million records is most of the time. Blocking reads the index's arrays once instead:
every key that an entity is found by is a *block*, the entities holding it its members, and two
entities are a candidate pair when they share a block. The blocks are, by family:

- ``keys``: the index's keys (strong identifiers such as an IMO or passport number, a Korean name's
  syllables in order whatever its romanization or script, a Chinese name's readings, the letters
  of a name written together), and a name written together with one letter dropped (a slip);
- ``words``: a word of a name, and a word's sound (its phonetic code, so "Jhon" meets "John");
- ``word pairs``: two words of one name together, by sound ("John Smith" is a block when "John" and
  "Smith" alone are too common to be);
- ``deletions``: a word held by at most ``cap`` entities with one letter dropped, so that two
  spellings one slip apart meet ("Muprhy" and "Murphy" share "murhy");
- ``neighbours``: not blocks but names next to each other once every name is written together and
  sorted, forwards and backwards, and spelt alike ("Eastern Bureau" and "Eatsern Bureau", both
  words too common to form blocks).

A block of more than ``cap`` members pairs each member only with its ``window`` nearest neighbours
once the members are sorted by birth year (a sorted neighbourhood), so a name held by thousands
does not pair them all; a word, a sound or a slip held by more than ``cap`` entities forms no
pairs at all (the word pairs, keys and neighbours find those entities' matches).

Each pair carries the weight of the blocks its two entities share (each block weighs
``log(entities / members)``, rarer is heavier; a key three times a word), which
:func:`likely_pairs` turns into the rank that decides which pairs are worth the matcher's full
comparison. Pairs are returned as arrays of positions in the index, never as Python objects per pair.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from moneymen.match.index import CandidateIndex

__all__ = ["BlockedPairs", "block_pairs", "likely_pairs"]

#: The families of blocks, as bits of :attr:`BlockedPairs.families`.
KEYS, WORDS, WORD_PAIRS, DELETIONS, NEIGHBOURS = 1, 2, 4, 8, 16
#: A key (an identifier, a Korean or Chinese name's syllables, a name written together) weighs this
#: many times a word of the same rarity: sharing one says more than sharing a word.
KEY_WEIGHT = 3.0
#: Blocks with more members than this pair only neighbours (sorted by birth year).
CAP = 64
#: How many neighbours on each side a member of an oversized block is paired with.
WINDOW = 12
#: Names next to each other in spelling order paired (each side, forwards and backwards), and how alike they must be.
NEIGHBOUR_WINDOW = 4
NEIGHBOUR_LIKENESS = 0.8
#: Pairs handled at a time where each needs Python objects (a name per side), and summed at a time (× 8).
_CHUNK = 2_000_000
#: The words of a name (its first ones) paired with each other for the word-pair blocks.
PAIRED_WORDS = 5


@dataclass(frozen=True)
class BlockedPairs:
    """Candidate pairs of index positions (``left < right``), with the summed weight of the blocks
    each pair shares and the families (bits) of those blocks."""

    left: np.ndarray
    right: np.ndarray
    weight: np.ndarray
    families: np.ndarray

    def __len__(self) -> int:
        return len(self.left)

    def subset(self, keep: np.ndarray) -> "BlockedPairs":
        return BlockedPairs(self.left[keep], self.right[keep], self.weight[keep], self.families[keep])


@dataclass
class _Members:
    """Block memberships of one family: parallel arrays of block codes and entity positions."""

    blocks: np.ndarray
    entities: np.ndarray
    family: int
    oversized_pairs: bool  # whether a block over the cap still pairs neighbours


def _runs(starts: np.ndarray) -> np.ndarray:
    """The run number of each value of a table whose run k is values[starts[k]:starts[k + 1]]."""
    return np.repeat(np.arange(len(starts) - 1, dtype=np.int64), np.diff(starts))


def _distinct(blocks: np.ndarray, entities: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(blocks, entities) with each membership once."""
    codes = np.unique(blocks.astype(np.int64) * size + entities)
    return codes // size, (codes % size).astype(np.int32)


def _memberships(index: CandidateIndex, cap: int) -> list[_Members]:
    """Every family's block memberships, read from the index's arrays."""
    size = max(len(index), 1)
    families = []
    # the index's keys and the slips of names written together: blocks of entities as they are
    offset = 0
    key_blocks, key_entities = [], []
    for table in (index.postings, index.joined):
        key_blocks.append(_runs(table.starts) + offset)
        key_entities.append(table.values)
        offset += len(table)
    blocks, entities = _distinct(np.concatenate(key_blocks), np.concatenate(key_entities), size)
    families.append(_Members(blocks, entities, KEYS, True))
    # words and their sounds: each row's words, the row's entity
    rows = _runs(index.row_starts)
    words = index.row_word_ids.astype(np.int64)
    row_entities = index.row_entity[rows]
    sound_of_word = _sound_codes(index)
    vocabulary = len(index.words)
    word_blocks, word_entities = _distinct(words, row_entities, size)
    families.append(_Members(word_blocks, word_entities, WORDS, False))
    blocks, entities = _distinct(sound_of_word[words], row_entities, size)
    families.append(_Members(blocks, entities, WORDS, False))
    deleted = _deletion_memberships(index, word_blocks, word_entities, cap)
    if deleted is not None:
        families.append(deleted)
    # pairs of a name's first words, by sound
    sounds = sound_of_word[words]
    place = np.arange(len(words)) - index.row_starts[rows]
    first = place < PAIRED_WORDS
    sounds, rows_first = sounds[first], rows[first]
    distinct_sounds = int(sound_of_word.max(initial=0)) + 1
    pair_blocks, pair_entities = [], []
    for gap in range(1, PAIRED_WORDS):
        same_row = rows_first[gap:] == rows_first[:-gap]
        a, b = sounds[:-gap][same_row], sounds[gap:][same_row]
        pair_blocks.append(np.minimum(a, b) * distinct_sounds + np.maximum(a, b))
        pair_entities.append(index.row_entity[rows_first[gap:][same_row]])
    if pair_blocks:
        blocks, entities = _distinct(np.concatenate(pair_blocks), np.concatenate(pair_entities), size)
        families.append(_Members(blocks, entities, WORD_PAIRS, True))
    return families


def _deletion_memberships(index: CandidateIndex, word_blocks: np.ndarray, word_entities: np.ndarray,
                          cap: int) -> _Members | None:
    """Blocks of a word with one letter dropped, for the words held by at most ``cap`` entities and
    of at least four letters: two spellings one slip apart (a letter changed, dropped, added, or two
    swapped) share one. Sorted ``word_blocks`` and ``word_entities`` are the words' memberships."""
    from moneymen.match.index_file import digests

    size = max(len(index), 1)
    starts = np.searchsorted(word_blocks, np.arange(len(index.words) + 1))
    counts = np.diff(starts)
    rare = np.flatnonzero((counts >= 1) & (counts <= cap))
    texts = index.words.texts(rare.tolist())
    keys: list[str] = []
    owners: list[int] = []
    for word, text in zip(rare.tolist(), texts):
        if len(text) >= 4:
            found = {text[:i] + text[i + 1:] for i in range(len(text))}
            found.add(text)
            keys.extend(found)
            owners.extend([word] * len(found))
    if not keys:
        return None
    key_codes = np.unique(digests(keys), return_inverse=True)[1].astype(np.int64)
    owner = np.asarray(owners, dtype=np.int64)
    # each (key, word) stands for every entity holding the word
    repeat = counts[owner]
    first = np.repeat(starts[owner], repeat)
    offset = np.arange(int(repeat.sum())) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    blocks, entities = _distinct(np.repeat(key_codes, repeat), word_entities[first + offset], size)
    return _Members(blocks, entities, DELETIONS, False)


def _sound_codes(index: CandidateIndex) -> np.ndarray:
    """A code for each word's sound (words of one sound share it; a word without one is its own)."""
    sounds = index._word_sounds.texts(range(len(index._word_sounds)))
    code: dict[str, int] = {}
    return np.fromiter((code.setdefault(sound or f"\0{word}", len(code)) for word, sound in enumerate(sounds)),
                       dtype=np.int64, count=len(sounds))


def block_pairs(index: CandidateIndex, fresh: np.ndarray | None = None, cap: int = CAP,
                window: int = WINDOW) -> BlockedPairs:
    """The candidate pairs of ``index``: every two entities that share a block (see the module).

    ``fresh`` (a boolean per position) keeps only the pairs with at least one fresh entity (an
    incremental run: the entities new or changed since the last): only the blocks with a fresh
    member are paired, so a few new records in a large index cost little more than reading its
    arrays. Positions are the index's.
    """
    size = max(len(index), 1)
    reduced: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # each family's pairs, once each
    for members in _memberships(index, cap):
        order = np.lexsort((members.entities, index.years_low[members.entities], members.blocks))
        blocks, entities = members.blocks[order], members.entities[order]
        del members.blocks, members.entities, order
        starts = np.flatnonzero(np.concatenate(([True], blocks[1:] != blocks[:-1])))
        counts = np.diff(np.append(starts, len(blocks)))
        member_count = np.repeat(counts, counts)
        if fresh is not None and len(blocks):  # only the blocks with a fresh member can form a pair with one
            holds_fresh = np.repeat(np.maximum.reduceat(fresh[entities], starts), counts)
            blocks, entities, member_count = blocks[holds_fresh], entities[holds_fresh], member_count[holds_fresh]
        weight = (np.log(size / member_count) * (KEY_WEIGHT if members.family == KEYS else 1.0)).astype(np.float32)
        reduced.append(_reduce(_pairs_in_blocks(blocks, entities, member_count, weight, cap, window,
                                                members.oversized_pairs), members.family, size, fresh))
        del blocks, entities, member_count, weight
    reduced.append(_reduce(((a, b, np.zeros(len(a), np.float32)) for a, b in
                            _neighbours_in_order(index, NEIGHBOUR_WINDOW, fresh)), NEIGHBOURS, size, fresh))
    code = np.concatenate([codes for codes, _, _ in reduced])
    weight = np.concatenate([weights for _, weights, _ in reduced])
    family = np.concatenate([bits for _, _, bits in reduced])
    del reduced
    code, weight, family = _summed(code, weight, family)
    return BlockedPairs((code // size).astype(np.int32), (code % size).astype(np.int32), weight, family)


def _reduce(found: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]], family: int, size: int,
            fresh: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pair codes, summed weights, family bits) of one family's (left, right, weight) arrays:
    each pair of two distinct entities once (with a fresh one, when ``fresh`` is given). The
    arrays are summed a few million pairs at a time, so that a pair found in many blocks is held
    once, not once per block."""
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    codes: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    held = 0
    for a, b, w in found:
        keep = a != b
        if fresh is not None:
            keep &= fresh[a] | fresh[b]
        a, b = a[keep], b[keep]
        codes.append(np.minimum(a, b).astype(np.int64) * size + np.maximum(a, b))
        weights.append(w[keep])
        held += len(a)
        if held >= _CHUNK * 8:
            parts.append(_part(codes, weights, family))
            held = 0
    parts.append(_part(codes, weights, family))
    if len(parts) == 1:
        return parts[0]
    merged = tuple(np.concatenate([part[i] for part in parts]) for i in range(3))
    parts.clear()
    return _summed(*merged)


def _part(codes: list[np.ndarray], weights: list[np.ndarray], family: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of ``codes`` and ``weights`` summed (the lists are emptied)."""
    if not codes:
        return np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.int8)
    code, weight = np.concatenate(codes), np.concatenate(weights)
    codes.clear()
    weights.clear()
    return _summed(code, weight, np.full(len(code), family, dtype=np.int8))


def _summed(code: np.ndarray, weight: np.ndarray, family: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each distinct pair code once, its weights summed and its family bits joined."""
    if not len(code):
        return code, weight, family
    order = np.argsort(code, kind="stable")
    code, weight, family = code[order], weight[order], family[order]
    del order
    starts = np.flatnonzero(np.concatenate(([True], code[1:] != code[:-1])))
    return code[starts], np.add.reduceat(weight, starts), np.bitwise_or.reduceat(family, starts)


def _neighbours_in_order(index: CandidateIndex, window: int, fresh: np.ndarray | None = None):
    """(left, right) entity arrays of names next to each other when every name is written with its
    words together and sorted, forwards and backwards, whose spellings are alike (a slip in a word
    common enough to form no block of its own: "Eastern Bureau" and "Eatsern Bureau"); with
    ``fresh``, only the pairs with a fresh entity are compared."""
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.process import cpdist

    rows = len(index.row_starts) - 1
    if rows < 2:
        return
    joined = _row_names(index, "")
    for written in (joined, [text[::-1] for text in joined]):
        order = np.asarray(sorted(range(rows), key=written.__getitem__), dtype=np.int64)
        for gap in range(1, window + 1):
            a, b = order[:-gap], order[gap:]
            ea, eb = index.row_entity[a], index.row_entity[b]
            other = ea != eb
            if fresh is not None:
                other &= fresh[ea] | fresh[eb]
            a, b, ea, eb = a[other], b[other], ea[other], eb[other]
            alike = cpdist([joined[r] for r in a.tolist()], [joined[r] for r in b.tolist()],
                           scorer=Levenshtein.normalized_similarity, workers=-1) >= NEIGHBOUR_LIKENESS
            yield ea[alike], eb[alike]


def _pairs_in_blocks(blocks, entities, member_count, weight, cap, window, oversized_pairs):
    """(left, right, weight) arrays of the pairs within blocks: every two members of a block of at
    most ``cap``; in a larger one (when ``oversized_pairs``), each member and its next ``window``."""
    small = (member_count >= 2) & (member_count <= cap)
    b, e, w, n = blocks[small], entities[small], weight[small], member_count[small]
    # members of blocks of n: each block's members are consecutive; pair each with the next d, d < n
    for gap in range(1, cap):
        same = b[gap:] == b[:-gap]
        if not same.any():
            break
        yield e[:-gap][same], e[gap:][same], w[gap:][same]
    if not oversized_pairs:
        return
    large = member_count > cap
    b, e, w = blocks[large], entities[large], weight[large]
    for gap in range(1, window + 1):
        same = b[gap:] == b[:-gap]
        yield e[:-gap][same], e[gap:][same], w[gap:][same]


#: How many of its likeliest pairs each entity keeps (:func:`likely_pairs`).
PER_ENTITY = 5
#: How many times ``per_entity`` pairs a fresh entity keeps in an incremental run (:func:`likely_pairs`).
FRESH_PER_ENTITY = 2
#: How a pair's rank changes when the two were born the same year, or years apart (more than one).
SAME_YEAR, YEARS_APART = 2.0, 0.25


def likely_pairs(pairs: BlockedPairs, index: CandidateIndex, per_entity: int = PER_ENTITY,
                 fresh: np.ndarray | None = None) -> BlockedPairs:
    """The pairs worth the matcher's full comparison: for each entity, its ``per_entity`` likeliest
    pairs (a pair is kept when it is among the likeliest of either entity), and every pair of names
    next to each other in spelling order.

    With ``fresh`` (the pairs were blocked for the fresh entities only: an incremental run), a
    pair is ranked among its fresh entity's pairs only, and kept among the likeliest
    :data:`FRESH_PER_ENTITY` × ``per_entity`` of them: the other entity's pairs with entities not
    fresh were not formed, so its side cannot rank them. On the synthetic lists (110,000 records,
    10,000 of them fresh) that keeps as many true pairs as ranking the whole index does (7,188 of
    7,298), with 156,000 pairs instead of 125,000.

    A pair's likelihood is the weight of the blocks its two entities share, times how alike their
    first names are in spelling (cubed; each name's words sorted), times :data:`SAME_YEAR` for
    entities born the same year or :data:`YEARS_APART` for entities born years apart. A crowd of
    namesakes stays bounded whatever its size, and a record's true match is among its likeliest
    pairs in more than 99 cases in 100 on the synthetic lists (see bench/resolution_scale.py).
    """
    if not len(pairs):
        return pairs
    from rapidfuzz import fuzz
    from rapidfuzz.process import cpdist

    names = _first_names(index)
    alike = np.empty(len(pairs), dtype=np.float32)
    for start in range(0, len(pairs), _CHUNK):  # a chunk at a time: a Python string per pair and side
        left, right = pairs.left[start:start + _CHUNK].tolist(), pairs.right[start:start + _CHUNK].tolist()
        alike[start:start + len(left)] = cpdist([names[a] for a in left], [names[b] for b in right],
                                                scorer=fuzz.ratio, workers=-1) / 100
    years = index.years_low
    low, high = years[pairs.left].astype(np.int32), years[pairs.right].astype(np.int32)
    known = (low > 0) & (high > 0)
    facts = np.where(known & (low == high), SAME_YEAR, np.where(known & (np.abs(low - high) > 1), YEARS_APART, 1.0))
    rank = pairs.weight * facts * (0.2 + alike) ** 3
    left_rank, right_rank = _ranks(pairs.left, rank), _ranks(pairs.right, rank)
    if fresh is None:
        keep = np.minimum(left_rank, right_rank) < per_entity
    else:
        allowed = per_entity * FRESH_PER_ENTITY
        keep = ((left_rank < allowed) & fresh[pairs.left]) | ((right_rank < allowed) & fresh[pairs.right])
    return pairs.subset(keep | ((pairs.families & NEIGHBOURS) > 0))


def _first_names(index: CandidateIndex) -> list[str]:
    """Each entity's first name as analysed, its words sorted ("" for an entity without one)."""
    names = [""] * len(index)
    rows = _row_names(index, " ", sort=True)
    for row, entity in enumerate(index.row_entity[:len(rows)].tolist()):
        if not names[entity]:
            names[entity] = rows[row]
    return names


def _row_names(index: CandidateIndex, separator: str, sort: bool = False) -> list[str]:
    """Each row's (name's) words as analysed, joined by ``separator`` (in alphabetical order when ``sort``)."""
    vocabulary = index.words.texts(range(len(index.words)))
    word_ids, starts = index.row_word_ids.tolist(), index.row_starts.tolist()
    order = sorted if sort else list
    return [separator.join(order([vocabulary[w] for w in word_ids[starts[r]:starts[r + 1]]]))
            for r in range(len(starts) - 1)]


def _ranks(entities: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Each pair's place among the pairs of its entity in ``entities``, heaviest first (0: the heaviest)."""
    order = np.lexsort((-rank, entities))
    grouped = entities[order]
    starts = np.flatnonzero(np.concatenate(([True], grouped[1:] != grouped[:-1])))
    place = np.arange(len(grouped)) - np.repeat(starts, np.diff(np.append(starts, len(grouped))))
    found = np.empty(len(grouped), np.int64)
    found[order] = place
    return found
