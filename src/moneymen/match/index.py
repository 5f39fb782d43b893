"""The candidate index: from a query, the entities worth scoring out of millions, each with an
estimate of its score, best first.

Words are indexed twice. Each distinct word of the list (the vocabulary) points to the entities
whose names hold it; and the vocabulary is indexed by the words' deletion neighbourhoods (every
way to drop one letter, or two from words of seven letters or more), their sound (Metaphone),
their first letter (a person's initial) and, in organisation names, their synonyms. So a query
word finds every listed word the matcher would call alike ("Hwansim" → "Hwansun", "Sivler" →
"Silver", "Department" → "Ministry"), and the similarity of each pair is computed exactly, once.

Korean names are also indexed by their syllables, romanization-neutral (one key per syllable
and one for the whole sequence, so 장성택, 張成澤 and "Jang Song Thaek" meet), Chinese names by
their Pinyin readings ("Mao Tse-tung" and "Mao Zedong"), names by their letters written together
("VladimirPutin"), and entities by their strong identifiers.

From what a candidate shares with the query, :meth:`CandidateIndex.candidates` estimates the
score the matcher will give it: the words matched and how well, the words left over on each
side (a conflict, an omission), the whole Korean or Chinese name, a shared identifier. The
estimate orders the candidates and cuts the ones that cannot reach the threshold, so a namesake
crowd is ranked by how alike its members are to the query, not by how rare their words are.

The index is made of flat arrays (:mod:`moneymen.match.index_file`): it is built once, saved
beside the store and mapped back in a later process without rebuilding a Python object per
entity. Each entity's profile and its names as analysed at build time are kept as a small record,
decoded only when the entity becomes a candidate (a bounded cache keeps the recent ones): meeting
a candidate is a decode, not a new analysis of its names.

The work per name is bounded, whatever a list holds: a word longer than ``MAX_SPELLING_LETTERS``
is found by its whole spelling, its first and last letters and its sound, not by dropping
letters (a 4,000-letter word would have eight million two-letter deletions); a name is indexed
by its first ``MAX_NAME_WORDS`` words (its length still counts in the estimate).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields, replace
from functools import lru_cache, partial

import numpy as np
import orjson

from moneymen.match.entities import BIRTH_DATES_DISAGREE, GENDER_DIFFERS, Profile
from moneymen.match.index_file import KeyTable, StringIndex, StringTable, digests
from moneymen.match.names import CONFLICT, OMISSION, SINGLE_WORD, kind_of, token_similarity
from moneymen.match.schemata import schema_facts
from moneymen.names.chinese import chinese_readings
from moneymen.names.forms import NameForm, analyse, form_record, restored_form
from moneymen.names.korean import syllable_key
from moneymen.names.orgs import synonyms

#: Whole-name Korean and Chinese keys are made when a name has at most this many key combinations.
MAX_NAME_KEYS = 64
#: Estimates of names that meet as a whole: the same Korean syllables in order, the same Chinese
#: syllables, the same letters written together; and of a shared strong identifier (first of all).
#: The Korean estimate is above 1: the same syllables in order is surer than a word estimate of 1
#: (an upper bound), so such names are scored before a crowd of namesakes ("Kim Yongpong" before
#: the hundreds of "Kim Yong-…" its words are alike to).
KOREAN_ESTIMATE = 1.01
CHINESE_ESTIMATE = 0.95
JOINED_ESTIMATE = 0.98
IDENTIFIER_ESTIMATE = 2.0
#: Words this long are also found by their first and last four letters (three slips are allowed).
LONG_WORD = 11
KINDS = ("person", "organization", "other")
#: Names are grouped by their number of words up to this many (and more).
MAX_LENGTH = 8
#: Words longer than this are not found by dropping letters (their first and last letters, their
#: sound and their whole spelling find them): the deletions of a long word grow with its square.
MAX_SPELLING_LETTERS = 32
#: A name is indexed, and a query name looked up, by this many of its words at most.
MAX_NAME_WORDS = 64
#: Names written together longer than this are not looked up with a letter dropped.
MAX_JOINED_LETTERS = 64
#: Candidates whose profile and analysed names are kept decoded (the most recently met).
DECODED_CANDIDATES = 100_000
#: Lists at least this long are indexed by several processes (where the machine has the cores).
PARALLEL_FROM = 20_000
_CHUNK = 5_000


def deletions(word: str, depth: int) -> set[str]:
    """``word`` and every string made by dropping up to ``depth`` of its letters."""
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier if len(w) > 1 for i in range(len(w))}
        found |= frontier
    return found


def neighbourhood_depth(word: str) -> int:
    """Letters dropped to find a word's neighbours: two words the matcher calls alike by spelling
    are at most one edit apart up to six letters, two up to ten (and three beyond: see LONG_WORD);
    none beyond ``MAX_SPELLING_LETTERS``."""
    if len(word) > MAX_SPELLING_LETTERS:
        return 0
    return 1 if len(word) <= 6 else 2


def spelling_keys(word: str) -> set[str]:
    """The keys a word is found by through its spelling: its deletion neighbourhood."""
    return deletions(word, neighbourhood_depth(word))


def korean_keys(form: NameForm) -> tuple[set[str], list[set[str]]]:
    """(whole-name keys, one key set per syllable position) of the Korean readings of a name."""
    whole: set[str] = set()
    positions: list[set[str]] = []
    for reading in form.korean:
        syllables = [{syllable_key(s) for s in candidates}
                     for part in (reading.surname, reading.given) for candidates in part.candidates]
        positions.extend(syllables)
        if math.prod(len(position) for position in syllables) <= MAX_NAME_KEYS:
            whole.update("|".join(combination) for combination in itertools.product(*syllables))
    return whole, positions


def chinese_keys(form: NameForm) -> set[str]:
    """Pinyin readings of a person's name written in Latin letters as a Chinese name (Wade–Giles or Pinyin)."""
    # a reading has two to four syllables and each word is one at least: a longer name has none
    if form.kind != "person" or form.scripts != {"Latin"} or len(form.tokens) > 4:
        return set()
    combinations = [combination for reading in chinese_readings(form.tokens)
                    for combination in itertools.islice(itertools.product(*reading), MAX_NAME_KEYS)]
    return {"|".join(combination) for combination in combinations[:MAX_NAME_KEYS]}


def joined_keys(form: NameForm) -> set[str]:
    """The name's letters written together, with and without its legal form ("SiemensAG")."""
    keys = {"".join(form.tokens), "".join(form.tokens + form.legal_forms)}
    return {key for key in keys if len(key) >= 5}


#: Names with a word this short (where the word comparison allows no slip) are also found by
#: their letters written together, one slip allowed ("Km Mun San" → "Kim Un San").
SHORT_WORD = 3


def fuzzy_joined_keys(form: NameForm) -> set[str]:
    """The name written together and with any one letter dropped, when it has a short word."""
    joined = "".join(form.tokens)
    if not 5 <= len(joined) <= MAX_JOINED_LETTERS or len(form.tokens) < 2 \
            or not any(len(t) <= SHORT_WORD for t in form.tokens):
        return set()
    return deletions(joined, 1)


def birth_years(profile: Profile) -> list[int]:
    """The years of a profile's birth dates ("1949-09-26" → 1949); none unless every date has one."""
    if not all(date[:4].isdigit() for date in profile.birth_dates):
        return []
    return [int(date[:4]) for date in profile.birth_dates]


def leftover_factor(ours, matched, theirs):
    """The matcher's penalty for the words of two people's names that did not match, from their
    counts (numbers or arrays): a conflict for each pair of words left over on both sides, an
    omission for each left over on one side, and a single word against several."""
    left_ours = np.maximum(ours - matched, 0)
    left_theirs = np.maximum(theirs - matched, 0)
    conflicts = np.minimum(left_ours, left_theirs)
    omitted = np.maximum(left_ours, left_theirs) - conflicts
    single = (np.minimum(ours, theirs) == 1) & (np.maximum(ours, theirs) > 1)
    return np.power(CONFLICT, conflicts) * np.power(OMISSION["person"], omitted) * np.where(single, SINGLE_WORD, 1.0)


def identifier_keys(profile: Profile) -> list[str]:
    """The index keys of an entity's strong identifiers (passport, IMO, SWIFT/BIC…)."""
    return [f"i:{prop}:{value}" for prop, values in profile.identifiers for value in values]


def bounded(form: NameForm) -> NameForm:
    """``form`` with its first ``MAX_NAME_WORDS`` words only (itself when it has no more)."""
    if len(form.tokens) <= MAX_NAME_WORDS:
        return form
    return replace(form, tokens=form.tokens[:MAX_NAME_WORDS], phonetic=form.phonetic[:MAX_NAME_WORDS],
                   weights=form.weights[:MAX_NAME_WORDS])


# -- profiles as records -----------------------------------------------------------------------


def _pairs(values: list[list]) -> tuple[tuple, ...]:
    return tuple(map(tuple, values))


#: Each profile field, in the order a record lists it, with how it is written and read back.
_PROFILE_CODECS = {
    "schema": (str, str),
    "names": (list, _pairs),
    "birth_dates": (sorted, frozenset),
    "countries": (sorted, frozenset),
    "genders": (sorted, frozenset),
    "identifiers": (lambda identifiers: [(prop, sorted(values)) for prop, values in identifiers],
                    lambda identifiers: tuple((prop, frozenset(values)) for prop, values in identifiers)),
    "birth_date_texts": (list, _pairs),
    "unread_birth_dates": (list, tuple),
}
if tuple(_PROFILE_CODECS) != tuple(f.name for f in fields(Profile)):
    raise ImportError("moneymen.match.index: the profile record does not list Profile's fields")
_WRITERS = tuple(write for write, _ in _PROFILE_CODECS.values())
_READERS = tuple(read for _, read in _PROFILE_CODECS.values())


def encode_record(profile: Profile, forms: Sequence[NameForm]) -> bytes:
    """An entity's record: its profile as a compact JSON array, one item per field (sets as
    sorted arrays), then its names as analysed for its kind (:func:`form_record`), in order."""
    values = [write(getattr(profile, name)) for write, name in zip(_WRITERS, _PROFILE_CODECS)]
    values.append([form_record(form) for form in forms])
    try:
        return orjson.dumps(values)
    except orjson.JSONEncodeError:  # a lone surrogate (from a hostile file): the standard library writes it
        return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def decode_record(record: bytes, kind: str) -> tuple[Profile, tuple[NameForm, ...]]:
    """The profile and analysed names a record of :func:`encode_record` holds (equal ones), for
    an entity whose names are of ``kind``."""
    try:
        values = orjson.loads(record)
    except orjson.JSONDecodeError:
        values = json.loads(record.decode("utf-8", "surrogatepass"))
    profile = Profile(*(read(value) for read, value in zip(_READERS, values)))
    return profile, tuple(restored_form(name, kind, form) for (name, _), form in zip(profile.names, values[-1]))


# -- building ----------------------------------------------------------------------------------


def _strings(texts: Sequence[str | bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(UTF-8 bytes end to end, length of each) of ``texts`` (str, or bytes already encoded)."""
    table = StringTable.build(texts)
    return table.data, np.diff(table.ends, prepend=0)


def _coded(values: list) -> tuple[list, np.ndarray]:
    """(the distinct values in order of first appearance, the code of each value)."""
    code: dict = {}
    codes = np.fromiter((code.setdefault(value, len(code)) for value in values), dtype=np.int32, count=len(values))
    return list(code), codes


def _index_chunk(items: Iterable[tuple[str, Profile]]) -> dict:
    """What the index keeps of some entities, as arrays; words, gender sets and schemata are
    numbered in this chunk alone (their distinct values come along)."""
    vocabulary: dict[str, int] = {}
    sounds: list[str] = []
    posting_words: list[int] = []
    posting_rows: list[int] = []
    row_entity: list[int] = []
    row_words: list[int] = []
    row_weights: list[float] = []
    keys: list[str] = []
    key_positions: list[int] = []
    slips: list[str] = []
    slip_positions: list[int] = []
    ids: list[str] = []
    records: list[bytes] = []
    kinds: list[int] = []
    years_low: list[int] = []
    years_high: list[int] = []
    genders: list[frozenset[str]] = []
    schemata: list[str] = []
    for position, (entity_id, profile) in enumerate(items):
        ids.append(entity_id)
        kind = kind_of(profile.schema)
        forms = [analyse(name, kind) for name, _ in profile.names]
        records.append(encode_record(profile, forms))
        found: set[str] = set(identifier_keys(profile))
        joined: set[str] = set()
        for form in forms:
            limited = bounded(form)  # as a query name is looked up
            if form.tokens:  # one row per name: its words (the first MAX_NAME_WORDS), how many, their weight
                row = len(row_entity)
                row_entity.append(position)
                row_words.append(len(form.tokens))
                row_weights.append(sum(form.weights))
                for token, sound in dict(zip(limited.tokens, limited.phonetic)).items():
                    word = vocabulary.get(token)
                    if word is None:
                        word = vocabulary[token] = len(sounds)
                        sounds.append(sound)
                    posting_words.append(word)
                    posting_rows.append(row)
            whole, syllables = korean_keys(form)
            found.update("n:" + key for key in whole)
            found.update("k:" + key for position_keys in syllables for key in position_keys)
            if form.korean and not whole:  # too many readings to spell out: found syllable by syllable
                found.update("K:" + key for position_keys in syllables for key in position_keys)
            found.update("c:" + key for key in chinese_keys(limited))
            found.update("j:" + key for key in joined_keys(limited))
            joined.update(fuzzy_joined_keys(limited))
        keys.extend(found)
        key_positions.extend(itertools.repeat(position, len(found)))
        slips.extend(joined)
        slip_positions.extend(itertools.repeat(position, len(joined)))
        kinds.append(KINDS.index(kind))
        years = birth_years(profile)
        years_low.append(min(years, default=0))
        years_high.append(max(years, default=0))
        genders.append(profile.genders)
        schemata.append(profile.schema)
    gender_sets, gender_codes = _coded(genders)
    schema_names, schema_codes = _coded(schemata)
    return {"ids": _strings(ids), "id_digests": digests(ids), "records": _strings(records),
            "words": list(vocabulary), "sounds": sounds,
            "posting_words": np.asarray(posting_words, dtype=np.int32),
            "posting_rows": np.asarray(posting_rows, dtype=np.int32),
            "row_entity": np.asarray(row_entity, dtype=np.int32), "row_words": np.asarray(row_words, dtype=np.int32),
            "row_weights": np.asarray(row_weights, dtype=np.float32),
            "key_digests": digests(keys), "key_positions": np.asarray(key_positions, dtype=np.int32),
            "joined_digests": digests(slips), "joined_positions": np.asarray(slip_positions, dtype=np.int32),
            "kinds": np.asarray(kinds, dtype=np.int8), "years_low": np.asarray(years_low, dtype=np.int16),
            "years_high": np.asarray(years_high, dtype=np.int16),
            "gender_sets": gender_sets, "gender_codes": gender_codes,
            "schemata": schema_names, "schema_codes": schema_codes}


def _chunk_of(profiles: Sequence[tuple[str, Profile]], start: int) -> dict:
    return _index_chunk(profiles[i] for i in range(start, min(start + _CHUNK, len(profiles))))


def _neighbour_keys(words: Sequence[str], sounds: Sequence[str], first: int) -> tuple[np.ndarray, np.ndarray]:
    """(key digests, word ids) of the vocabulary's neighbourhoods: deletions, sounds, first and
    last letters of long words, synonyms."""
    keys: list[str] = []
    word_ids: list[int] = []
    same = synonyms()
    targets = frozenset(same.values())
    for word_id, (word, sound) in enumerate(zip(words, sounds), start=first):
        found = spelling_keys(word)
        if sound and len(sound) >= 2 and len(word) >= 4:
            found.add("p:" + sound)
        if len(word) >= LONG_WORD - 3:
            found.update(("a:" + word[:4], "z:" + word[-4:]))
        if word in same or word in targets:
            found.add("y:" + same.get(word, word))
        keys.extend(found)
        word_ids.extend(itertools.repeat(word_id, len(found)))
    return digests(keys), np.asarray(word_ids, dtype=np.int32)


def _neighbours_of(vocabulary: tuple[list[str], list[str]], start: int):
    words, sounds = vocabulary
    return _neighbour_keys(words[start:start + _CHUNK * 4], sounds[start:start + _CHUNK * 4], start)


#: What forked indexing workers read (inherited from the parent, not sent to them).
_SHARED: dict = {}


def _forked(start: int):
    return _SHARED["function"](_SHARED["data"], start)


#: Allocations between collections of the youngest generation in a build worker (Python's default: 700).
#: Name analysis makes millions of short-lived objects and almost no cycles; collecting every 700
#: allocations cost a fifth of the analysis time.
WORKER_GC_THRESHOLD = 100_000


def _sparse_collection() -> None:
    """In a build worker: collect cycles rarely (the worker ends with the build anyway)."""
    import gc

    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


def _in_workers(function, data, starts: range, workers: int):
    """``function(data, start)`` for each start, in order: in ``workers`` forked processes when
    more than one (they inherit ``data``; only the results travel), else in this one."""
    if workers <= 1:
        yield from (function(data, start) for start in starts)
        return
    import gc
    import multiprocessing

    _SHARED.update(function=function, data=data)
    # what the workers inherit is never collected there: its pages stay shared, and unscanned
    gc.freeze()
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_sparse_collection)
    try:
        yield from pool.imap(_forked, starts)
    finally:
        _SHARED.clear()
        pool.close()
        pool.join()
        gc.unfreeze()


def _workers(profiles) -> int:
    """Processes to index with: the usable cores for a long sequence, else one."""
    if not isinstance(profiles, Sequence) or len(profiles) < PARALLEL_FROM:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), 8))


def build_arrays(profiles: Iterable[tuple[str, Profile]]) -> tuple[dict[str, np.ndarray], dict]:
    """The arrays and meta of the index of ``(entity id, profile)`` pairs.

    A long sequence of profiles (at least ``PARALLEL_FROM``) is read by forked processes, a
    chunk each (the profiles are computed in the workers, so a lazy sequence is never built
    whole), and so are the vocabulary's neighbourhoods; any other iterable is indexed here.
    Each chunk comes back as a few arrays, never as a Python object per entity or per key.
    """
    workers = _workers(profiles)
    if workers > 1:
        profiles[0]  # the first profile builds FtM's country lookup once, before the workers fork
    if isinstance(profiles, Sequence):
        chunks = _in_workers(_chunk_of, profiles, range(0, len(profiles), _CHUNK), workers)
    else:
        chunks = iter([_index_chunk(profiles)])
    return _assemble(chunks, workers)


def _global_codes(local: list, code: dict) -> np.ndarray:
    """The codes, over all chunks, of a chunk's distinct values (a value met first gets the next code)."""
    return np.fromiter((code.setdefault(value, len(code)) for value in local), dtype=np.int32, count=len(local))


def _concatenated(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)


def _assemble(chunks, workers: int) -> tuple[dict[str, np.ndarray], dict]:
    """The index's arrays from its chunks: words, gender sets and schemata numbered over all
    chunks, rows and entities by their place in the whole list."""
    word_id: dict[str, int] = {}
    sounds: list[str] = []
    gender_code: dict[frozenset[str], int] = {frozenset(): 0}
    schema_code: dict[str, int] = {}
    parts: dict[str, list[np.ndarray]] = {}
    entities = rows = 0
    for chunk in chunks:
        known = len(word_id)
        words = _global_codes(chunk["words"], word_id)
        sounds.extend(chunk["sounds"][local] for local in np.flatnonzero(words >= known).tolist())
        for name, value in (
                ("posting_words", words[chunk["posting_words"]]), ("posting_rows", chunk["posting_rows"] + rows),
                ("row_entity", chunk["row_entity"] + entities), ("key_positions", chunk["key_positions"] + entities),
                ("joined_positions", chunk["joined_positions"] + entities),
                ("gender_codes", _global_codes(chunk["gender_sets"], gender_code)[chunk["gender_codes"]]),
                ("schema_codes", _global_codes(chunk["schemata"], schema_code)[chunk["schema_codes"]]),
                ("ids_data", chunk["ids"][0]), ("ids_lengths", chunk["ids"][1]), ("id_digests", chunk["id_digests"]),
                ("profiles_data", chunk["records"][0]), ("profiles_lengths", chunk["records"][1]),
                *((name, chunk[name]) for name in ("row_words", "row_weights", "key_digests", "joined_digests",
                                                   "kinds", "years_low", "years_high"))):
            parts.setdefault(name, []).append(value)
        entities += len(chunk["kinds"])
        rows += len(chunk["row_entity"])
    joined = {name: np.concatenate(values) for name, values in parts.items()}
    parts.clear()
    words = list(word_id)
    del word_id
    # the vocabulary's neighbourhoods, by chunks of words (in the workers when there are some)
    found = list(_in_workers(_neighbours_of, (words, sounds), range(0, len(words), _CHUNK * 4), workers))
    neighbour_digests = _concatenated([keys for keys, _ in found], np.uint64)
    neighbour_words = _concatenated([values for _, values in found], np.int32)
    del found
    arrays: dict[str, np.ndarray] = {}
    row_words = joined.get("row_words", np.zeros(0, np.int32))
    arrays.update(_postings_by_length(joined.get("posting_words", np.zeros(0, np.int32)),
                                      joined.get("posting_rows", np.zeros(0, np.int32)),
                                      row_words if rows else np.zeros(1, np.int32), len(words)))
    arrays["row_entity"] = joined["row_entity"] if rows else np.zeros(1, np.int32)
    arrays["row_words"] = row_words.astype(np.float32) if rows else np.zeros(1, np.float32)
    arrays["row_weights"] = joined["row_weights"] if rows else np.zeros(1, np.float32)
    for name, dtype in (("kinds", np.int8), ("years_low", np.int16), ("years_high", np.int16),
                        ("gender_codes", np.int16), ("schema_codes", np.int16)):
        arrays[name] = joined[name].astype(dtype) if entities else np.zeros(1, dtype)
    arrays.update(KeyTable.build(joined.get("key_digests", np.zeros(0, np.uint64)),
                                 joined.get("key_positions", np.zeros(0, np.int32))).arrays("postings"))
    arrays.update(KeyTable.build(neighbour_digests, neighbour_words).arrays("neighbours"))
    del neighbour_digests, neighbour_words
    arrays.update(KeyTable.build(joined.get("joined_digests", np.zeros(0, np.uint64)),
                                 joined.get("joined_positions", np.zeros(0, np.int32))).arrays("joined"))
    ids = StringTable(joined.get("ids_data", np.zeros(0, np.uint8)),
                      np.cumsum(joined.get("ids_lengths", np.zeros(0, np.int64))))
    id_digests = joined.get("id_digests", np.zeros(0, np.uint64))
    order = np.argsort(id_digests, kind="stable")
    arrays.update(StringIndex(ids, id_digests[order], order.astype(np.int32)).arrays("ids"))
    arrays.update(StringTable(joined.get("profiles_data", np.zeros(0, np.uint8)),
                              np.cumsum(joined.get("profiles_lengths", np.zeros(0, np.int64)))).arrays("profiles"))
    arrays.update(StringTable.build(sounds).arrays("sounds"))
    arrays.update(StringIndex.build(words).arrays("words"))
    meta = {"entities": entities, "size": max(entities, 1), "schemata": list(schema_code),
            "gender_sets": [sorted(genders) for genders in gender_code]}
    return arrays, meta


def _postings_by_length(words: np.ndarray, rows: np.ndarray, lengths: np.ndarray, vocabulary: int) -> dict:
    """The rows of each word, shortest names first, and the names' words (a forward index)."""
    buckets = np.minimum(lengths, MAX_LENGTH)
    order = np.lexsort((rows, buckets[rows], words))
    # rows holding each word, grouped by their number of words (1, 2, … MAX_LENGTH or more):
    # the rows of word w with b words are word_rows[word_bounds[w, b - 1]:word_bounds[w, b]]
    keys = words[order].astype(np.int64) * (MAX_LENGTH + 1) + buckets[rows[order]]
    wanted = (np.arange(vocabulary, dtype=np.int64)[:, None] * (MAX_LENGTH + 1)
              + np.arange(1, MAX_LENGTH + 2)[None, :])
    found = {"word_rows": rows[order],
             "word_bounds": np.searchsorted(keys, wanted.ravel(), side="left").reshape(vocabulary, MAX_LENGTH + 1)}
    del keys, wanted
    # forward: the words of each row
    order = np.argsort(rows, kind="stable")
    found["row_word_ids"] = words[order]
    found["row_starts"] = np.searchsorted(rows[order], np.arange(len(lengths) + 1))
    return found


# -- reading -----------------------------------------------------------------------------------


def _decoded_at(records: StringTable, kinds: np.ndarray, position: int) -> tuple[Profile, tuple[NameForm, ...]]:
    """The profile and analysed names of the entity at ``position`` (see :func:`decode_record`)."""
    return decode_record(records.raw(position), KINDS[int(kinds[position])])


class _Column(Sequence):
    """One side of the decoded candidates (their profiles, or their analysed names), by position."""

    def __init__(self, decoded: Callable[[int], tuple[Profile, tuple[NameForm, ...]]], size: int, side: int):
        self.decoded = decoded
        self.size = size
        self.side = side

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        return self.decoded(position)[self.side]


class _Scratch:
    """The work arrays of one query: each entity's estimate and count of syllables held, each word's
    similarity (zero between queries), and a slot per row or entity (see :meth:`CandidateIndex._distinct`)."""

    __slots__ = ("estimate", "counted", "slot", "similarity")

    def __init__(self, entities: int, rows: int, words: int):
        self.estimate = np.zeros(entities, dtype=np.float32)
        self.counted = np.zeros(entities, dtype=np.float32)
        self.slot = np.zeros(max(rows, entities), dtype=np.int32)
        self.similarity = np.zeros(max(words, 1), dtype=np.float32)


class CandidateIndex:
    """Words and keys of every listed entity's names, and the estimate of a query's score against each.

    Once built, an index is only read: several threads may ask for candidates at once. Each query
    works in arrays of its own (:class:`_Scratch`), taken from those of queries done and given back
    after; the caches of words alike are filled with values that never change once computed.
    """

    def __init__(self, profiles: Iterable[tuple[str, Profile]]):
        """Index ``(entity id, profile)`` pairs (see :func:`build_arrays`)."""
        self._attach(*build_arrays(profiles))

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], meta: dict) -> "CandidateIndex":
        """An index over arrays made by :func:`build_arrays` (as :meth:`arrays` gives them, or mapped from a file)."""
        index = cls.__new__(cls)
        index._attach(arrays, meta)
        return index

    def arrays(self) -> tuple[dict[str, np.ndarray], dict]:
        """(arrays, meta): everything the index is made of, to save."""
        return self._arrays, self._meta

    def _attach(self, arrays: dict[str, np.ndarray], meta: dict) -> None:
        self._arrays, self._meta = arrays, meta
        self.ids = StringTable.from_arrays(arrays, "ids")
        self._records = StringTable.from_arrays(arrays, "profiles")
        self.words = StringTable.from_arrays(arrays, "words")
        self._word_sounds = StringTable.from_arrays(arrays, "sounds")
        self.word_id = StringIndex.from_arrays(arrays, "words")
        #: the rows (names) of each word by their number of words, and the words of each row
        self.word_rows, self.word_bounds = arrays["word_rows"], arrays["word_bounds"]
        self.row_word_ids, self.row_starts = arrays["row_word_ids"], arrays["row_starts"]
        self.postings = KeyTable.from_arrays(arrays, "postings")
        self.neighbours = KeyTable.from_arrays(arrays, "neighbours")
        #: each row's entity, its number of words and their weight
        self.row_entity, self.row_words, self.row_weights = arrays["row_entity"], arrays["row_words"], arrays["row_weights"]
        #: each entity's kind of name and schema
        self.kinds, self.schema_codes = arrays["kinds"], arrays["schema_codes"]
        self.schemata: list[str] = list(meta["schemata"])
        #: each entity's earliest and latest birth year (0: none) and its set of genders (by code)
        self.years_low, self.years_high = arrays["years_low"], arrays["years_high"]
        self.gender_codes = arrays["gender_codes"]
        self.gender_sets = [frozenset(genders) for genders in meta["gender_sets"]]
        #: fuzzy whole-name keys (digests), sorted, and the entity of each
        self.joined = KeyTable.from_arrays(arrays, "joined")
        #: each entity's profile, and its names analysed for its own schema, decoded when met; nothing
        #: refers back to the index, so that an index dropped is freed at once, not at the next full
        #: collection of cycles (an index built in memory holds hundreds of megabytes at 1M entities)
        self.decoded = lru_cache(maxsize=DECODED_CANDIDATES)(partial(_decoded_at, self._records, self.kinds))
        self.profiles: Sequence[Profile] = _Column(self.decoded, len(self.ids), 0)
        self.forms: Sequence[tuple[NameForm, ...]] = _Column(self.decoded, len(self.ids), 1)
        size, rows = max(len(self.ids), 1), len(self.row_entity)
        self._similar_cache: dict[tuple[str, str, str], tuple[tuple[int, float], ...]] = {}
        self._compatible_cache: dict[str, tuple[np.ndarray, bool]] = {}
        self._splits_cache: dict[tuple[str, str], tuple] = {}
        self._scratch_size = (size, rows, len(self.words))
        self._spare: list[_Scratch] = []  # the work arrays of queries done, for the next ones
        self._spare_lock = threading.Lock()

    @contextmanager
    def _scratch(self) -> Iterator[_Scratch]:
        """Work arrays for one query: a spare set, or a new one when every set is in use. A query
        that fails midway does not give its set back (it may hold that query's values)."""
        with self._spare_lock:
            scratch = self._spare.pop() if self._spare else None
        if scratch is None:
            scratch = _Scratch(*self._scratch_size)
        yield scratch
        with self._spare_lock:
            self._spare.append(scratch)

    def __len__(self) -> int:
        return len(self.ids)

    def candidates(self, profile: Profile, cutoff: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """(positions, estimates) of the entities whose estimated score against ``profile`` is at
        least ``cutoff``, highest estimate first (ties: the entity indexed first)."""
        with self._scratch() as scratch:
            return self._candidates(profile, cutoff, scratch)

    def _candidates(self, profile: Profile, cutoff: float, scratch: _Scratch) -> tuple[np.ndarray, np.ndarray]:
        kind = kind_of(profile.schema)
        compatible, people = self._compatible(profile.schema)
        estimate = scratch.estimate
        touched = []
        for name, _ in profile.names:
            form = bounded(analyse(name, kind))
            for positions, values in self._name_estimates(form, cutoff, people, scratch):
                # an entity may come more than once (several names): the highest estimate is written last
                order = np.argsort(values, kind="stable")
                positions, values = positions[order], values[order]
                estimate[positions] = np.maximum(estimate[positions], values)
                touched.append(positions)
        for key in identifier_keys(profile):
            positions = self.postings.get(key)
            if positions is not None:
                estimate[positions] = IDENTIFIER_ESTIMATE
                touched.append(positions)
        if not touched:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        # one entity may be found several times (by several of its names, or several ways)
        hit = self._distinct(np.concatenate(touched), scratch)
        values = estimate[hit]
        estimate[hit] = 0.0
        values = values + self._facts_against(profile, hit)
        keep = (values >= cutoff) & compatible[self.schema_codes[hit]]
        hit, values = hit[keep], values[keep]
        order = np.lexsort((hit, -values))
        return hit[order], values[order]

    def _facts_against(self, profile: Profile, positions: np.ndarray) -> np.ndarray:
        """What the matcher will take off for birth dates and genders that disagree, as it does:
        -0.3 when every birth year is more than one from every one of the entity's, -0.2 when
        the genders have none in common."""
        effect = np.zeros(len(positions), dtype=np.float32)
        years = birth_years(profile)
        if years:
            low, high = self.years_low[positions], self.years_high[positions]
            gap = np.min([np.maximum(np.maximum(low - year, year - high), 0) for year in years], axis=0)
            effect -= np.where((low > 0) & (gap > 1), BIRTH_DATES_DISAGREE, 0.0).astype(np.float32)
        if profile.genders:
            differ = np.asarray([bool(genders) and not genders & profile.genders for genders in self.gender_sets])
            effect -= np.where(differ[self.gender_codes[positions]], GENDER_DIFFERS, 0.0).astype(np.float32)
        return effect

    def _compatible(self, schema: str) -> tuple[np.ndarray, bool]:
        """Which indexed schemata an entity of ``schema`` can be (by schema code), and whether
        any of them is a person's (a LegalEntity may be one)."""
        found = self._compatible_cache.get(schema)
        if found is None:
            query = schema_facts(schema)
            codes = np.asarray([query.can_match(schema_facts(s)) for s in self.schemata] or [False], dtype=bool)
            people = any(can and schema_facts(name).is_a("Person") for can, name in zip(codes, self.schemata))
            found = self._compatible_cache[schema] = (codes, people)
        return found

    def _name_estimates(self, form: NameForm, cutoff: float, people: bool, scratch: _Scratch):
        """(positions, estimated scores) of the entities each way of matching ``form`` finds."""
        words = self._word_estimates(form, cutoff, people, scratch)
        if words is not None:
            yield words
        whole, syllables = korean_keys(form)
        if whole:
            found = self._union(self.postings, ("n:" + key for key in whole), scratch)
            if len(found):
                yield found, np.full(len(found), KOREAN_ESTIMATE, dtype=np.float32)
        if syllables:  # names whose readings are too many to spell out whole: by share of syllables
            prefix = "K:" if whole else "k:"
            shared = self._syllable_share(prefix, syllables, scratch)
            if shared is not None:
                yield shared
        fuzzy = self._fuzzy_joined(form, scratch)
        if fuzzy is not None:
            yield fuzzy
        for prefix, keys, value in (("c:", chinese_keys(form), CHINESE_ESTIMATE),
                                    ("j:", joined_keys(form), JOINED_ESTIMATE)):
            found = self._union(self.postings, (prefix + key for key in keys), scratch)
            if len(found):
                yield found, np.full(len(found), value, dtype=np.float32)

    def _fuzzy_joined(self, form: NameForm, scratch: _Scratch):
        """Entities with a name one or two slips from this one's letters written together."""
        found = self._union(self.joined, fuzzy_joined_keys(form), scratch)
        if not len(found):
            return None
        joined = "".join(form.tokens)
        return found, np.full(len(found), JOINED_ESTIMATE - 1 / len(joined), dtype=np.float32)

    def _union(self, table: KeyTable, keys: Iterable[str], scratch: _Scratch) -> np.ndarray:
        """The entities (or words) of ``table`` that any of ``keys`` finds, each once."""
        lists = table.runs(keys)
        if not lists:
            return np.zeros(0, dtype=np.int32)
        return lists[0] if len(lists) == 1 else self._distinct(np.concatenate(lists), scratch)

    def _syllable_share(self, prefix: str, syllables: list[set[str]], scratch: _Scratch):
        """Entities by the share of the name's syllable positions they hold (a Korean name of many readings)."""
        counted = scratch.counted
        touched = []
        for keys in syllables:
            found = self._union(self.postings, (prefix + key for key in keys), scratch)
            if len(found):
                counted[found] += 1.0
                touched.append(found)
        if not touched:
            return None
        hit = self._distinct(np.concatenate(touched), scratch)
        share = np.minimum(counted[hit] / len(syllables), 1.0)
        counted[hit] = 0.0
        return hit, share.astype(np.float32)

    def _word_estimates(self, form: NameForm, cutoff: float, people: bool, scratch: _Scratch):
        """The matcher's word alignment, estimated for the names that could reach ``cutoff``.

        Each query word has the listed words alike to it, with their similarity. A name can
        only reach the cutoff by matching enough of the query's words: so the most common words
        are read only for the names short enough to need no more than them (see
        :meth:`_lengths_to_read`), and every name found is then estimated in full from its own
        words (see :meth:`_estimate_rows`).
        """
        person = form.kind == "person"
        groups: list[tuple[tuple[tuple[int, float], ...], float, int]] = []  # (words alike, weight, query words)
        splits = []  # per group: listed words written together in the query ("Jongchol" for "Jong Chol")
        for token, sound, weight in zip(form.tokens, form.phonetic, form.weights):
            if not (person and len(token) == 1):  # an initial matches any word it begins: counted below
                groups.append((self._similar(token, sound, form.kind), weight, 1))
                splits.append(self._splits(token, form.kind))
        words = len(groups)
        # a short word written apart from its neighbour ("Abd al-Rahman" for "Abdul Rahman"): the
        # listed words alike to both together, and to neither alone, count for both
        for k in range(len(form.tokens) - 1):
            first, second = form.tokens[k], form.tokens[k + 1]
            if min(len(first), len(second)) <= SHORT_WORD and (first + second).isalpha():
                alone = {word_id for token, sound in ((first, form.phonetic[k]), (second, form.phonetic[k + 1]))
                         for word_id, _ in self._similar(token, sound, form.kind)}
                together = tuple(pair for pair in self._similar(first + second, "", form.kind) if pair[0] not in alone)
                if together:
                    groups.append((together, form.weights[k] + form.weights[k + 1], 2))
                    splits.append(())
        bounds = self.word_bounds
        lengths = self._lengths_to_read(form, groups[:words], cutoff, people)
        segments = []
        for g, (similar, _, _) in enumerate(groups):
            low, high = lengths[g] if g < words else (1, MAX_LENGTH)
            if low > high:
                continue
            for word_id, _ in similar:
                start, end = bounds[word_id, low - 1], bounds[word_id, high]
                if end > start:
                    segments.append(self.word_rows[start:end])
        for group_splits in splits:
            for sides in group_splits:  # the rarer side finds the names with both
                rarer = min(sides, key=lambda ids: sum(int(bounds[w, -1] - bounds[w, 0]) for w in ids))
                segments.extend(self.word_rows[bounds[w, 0]:bounds[w, -1]] for w in rarer)
        if not segments:
            return None
        rows = segments[0] if len(segments) == 1 else self._distinct(np.concatenate(segments), scratch)
        return self._estimate_rows(form, rows, groups, splits, scratch)

    def _lengths_to_read(self, form: NameForm, groups, cutoff: float, people: bool) -> list[tuple[int, int]]:
        """For each query word, the lengths (in words, low to high) of the names to read it for.

        Words are taken rarest first. A person's name of n words needs at least m of the query's
        words to reach the cutoff (:meth:`_words_needed`), so it holds one of the rarest
        ``len(groups) - m + 1``: the other words need not be read for names of that length. An
        organisation's common words are not read when, all together, they weigh too little to
        reach the cutoff.
        """
        bounds = self.word_bounds
        sizes = [sum(int(bounds[w, -1] - bounds[w, 0]) for w, _ in similar) for similar, _, _ in groups]
        ranked = sorted(range(len(groups)), key=lambda g: sizes[g])
        person = form.kind == "person"
        initials = sum(1 for token in form.tokens if len(token) == 1) if person else 0
        read = [[] for _ in groups]  # lengths to read each word for, by rank
        if person or people:
            for length in range(1, MAX_LENGTH + 1):
                needed = self._words_needed(len(form.tokens), len(groups), initials, length, cutoff)
                for rank in range(len(groups) - needed + 1 if needed is not None else 0):
                    read[rank].append(length)
        if not person:
            total, spare, common = sum(form.weights), 0.0, len(groups)
            for rank in reversed(range(len(groups))):
                weight = groups[ranked[rank]][1]
                if 2 * (spare + weight) / max(total + spare + weight, 1e-6) >= cutoff:
                    break
                spare, common = spare + weight, rank
            for rank in range(common):
                read[rank] = list(range(1, MAX_LENGTH + 1))
        lengths = [(1, 0)] * len(groups)  # (low, high); empty when low > high
        for rank, g in enumerate(ranked):
            if read[rank]:  # the lengths needed are one run
                lengths[g] = (min(read[rank]), max(read[rank]))
        return lengths

    def _estimate_rows(self, form: NameForm, rows: np.ndarray, groups, splits, scratch: _Scratch):
        """(entities, estimates) of ``rows`` (names) from their own words (a forward index).

        For each query word, its best similarity among the name's words; then the matched share,
        and the penalties for what is left over on either side as the matcher gives them (a
        conflict when both names have a word the other lacks, an omission when one does, a
        single word against several).
        """
        person = form.kind == "person"
        initial_count = sum(1 for token in form.tokens if len(token) == 1) if person else 0
        initials = sum(w for token, w in zip(form.tokens, form.weights) if len(token) == 1) if person else 0.0
        ours = len(form.tokens)
        starts, ends = self.row_starts[rows], self.row_starts[rows + 1]
        counts = ends - starts
        offsets = np.cumsum(counts) - counts
        words = self.row_word_ids[np.repeat(starts - offsets, counts) + np.arange(int(counts.sum()))]
        similarity = scratch.similarity
        score_sum = np.full(len(rows), initials, dtype=np.float32)
        weight_sum = np.full(len(rows), initials, dtype=np.float32)
        words_matched = np.full(len(rows), float(initial_count), dtype=np.float32)
        theirs_joined = np.zeros(len(rows), dtype=np.float32)  # listed words matched two by one query word
        for (similar, weight, covered), group_splits in zip(groups, splits):
            best = np.zeros(len(rows), dtype=np.float32)
            if similar:
                ids = np.fromiter((word_id for word_id, _ in similar), dtype=np.int32, count=len(similar))
                similarity[ids] = np.fromiter((value for _, value in similar), dtype=np.float32, count=len(similar))
                best = np.maximum.reduceat(similarity[words], offsets)
                similarity[ids] = 0.0
            for first, second in group_splits:
                both = np.minimum(np.maximum.reduceat(np.isin(words, first), offsets),
                                  np.maximum.reduceat(np.isin(words, second), offsets)) & (best < 1.0)
                best[both] = 1.0
                theirs_joined += both
            found = best > 0
            score_sum += best * weight
            weight_sum += found * np.float32(weight)
            words_matched += found * np.float32(covered)
        keep = words_matched > initial_count
        rows, score_sum, weight_sum = rows[keep], score_sum[keep], weight_sum[keep]
        words_matched = np.minimum(words_matched[keep], ours)
        theirs = np.maximum(self.row_words[rows] - theirs_joined[keep], 1)
        entities = self.row_entity[rows]
        as_person = (self.kinds[entities] == 0) | person
        as_people = (score_sum / np.maximum(weight_sum, 1e-6)) * leftover_factor(ours, words_matched, theirs)
        # an organisation's generic words left over cost less than a conflict: not estimated
        others = 2 * score_sum / np.maximum(sum(form.weights) + self.row_weights[rows], 1e-6)
        return entities, np.minimum(np.where(as_person, as_people, others), 1.0).astype(np.float32)

    def _splits(self, token: str, kind: str) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
        """Pairs of listed words that, written together, are ``token`` or nearly ("jongchol": jong,
        chol; "samirjong": samir, yong): one side spelt as in the query, the other alike to it."""
        if not 5 <= len(token) <= MAX_SPELLING_LETTERS or not token.isalpha():
            return ()
        cached = self._splits_cache.get((token, kind))
        if cached is not None:
            return cached
        word_id = self.word_id
        found = []
        for k in range(2, len(token) - 1):
            first, second = token[:k], token[k:]
            alike_first = tuple(w for w, _ in self._similar(first, "", kind)) if second in word_id else ()
            alike_second = tuple(w for w, _ in self._similar(second, "", kind)) if first in word_id else ()
            if alike_second:
                found.append(((word_id[first],), alike_second))
            if alike_first:
                found.append((alike_first, (word_id[second],)))
        result = tuple(found)
        if len(self._splits_cache) > 100_000:
            self._splits_cache.clear()
        self._splits_cache[(token, kind)] = result
        return result

    @staticmethod
    @lru_cache(maxsize=1 << 14)  # a few hundred distinct arguments; numpy on scalars is slow
    def _words_needed(ours: int, words: int, initials: int, length: int, cutoff: float) -> int | None:
        """The fewest query words (of ``words`` that are not initials) a person's name of ``length``
        words must match, all perfectly, to be estimated at ``cutoff`` or more; None if it cannot."""
        for matched in range(1, words + 1):
            if leftover_factor(ours, min(matched + initials, ours), length) >= cutoff:
                return matched
        return None

    def _similar(self, token: str, sound: str, kind: str) -> tuple[tuple[int, float], ...]:
        """Listed words the matcher finds alike to ``token``, with their similarity, least alike first."""
        cached = self._similar_cache.get((token, sound, kind))
        if cached is not None:
            return cached
        keys = spelling_keys(token)
        if sound and len(sound) >= 2 and len(token) >= 4:
            keys.add("p:" + sound)
        if len(token) >= LONG_WORD:
            keys.update(("a:" + token[:4], "z:" + token[-4:]))
        if kind == "organization":
            keys.add("y:" + synonyms().get(token, token))
        found: set[int] = set()
        for words in self.neighbours.runs(keys):
            found.update(words.tolist())
        if kind == "person" and len(token) > 1 and token[0] in self.word_id:
            found.add(self.word_id[token[0]])
        similar = []
        ids = list(found)
        for word_id, word, word_sound in zip(ids, self.words.texts(ids), self._word_sounds.texts(ids)):
            score, _ = token_similarity(token, word, sound, word_sound, kind)
            if score > 0:
                similar.append((word_id, score))
        similar.sort(key=lambda pair: (pair[1], pair[0]))
        result = tuple(similar)
        if len(self._similar_cache) > 200_000:
            self._similar_cache.clear()
        self._similar_cache[(token, sound, kind)] = result
        return result

    def _distinct(self, positions: np.ndarray, scratch: _Scratch) -> np.ndarray:
        """``positions`` without repeats, in linear time (no sort): the last of each repeat is kept."""
        order = np.arange(len(positions), dtype=np.int32)
        slot = scratch.slot
        slot[positions] = order
        return positions[slot[positions] == order]
