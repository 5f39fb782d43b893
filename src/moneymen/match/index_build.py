"""Building the candidate index's arrays (:func:`build_arrays`), by forked processes for a long list,
and each entity's record: its profile and its names as analysed, to be decoded instead of
analysed again when it becomes a candidate (:func:`encode_record`, :func:`decode_record`)."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from typing import Any

import numpy as np
import orjson

from moneymen.match.profiles import Profile
from moneymen.match.index_file import KeyTable, StringIndex, StringTable, digests
from moneymen.match.index_keys import (KINDS, LONG_WORD, MAX_LENGTH, birth_years, bounded, chinese_keys,
                                       fuzzy_joined_keys, identifier_keys, joined_keys, korean_keys, spelling_keys)
from moneymen.match.names import kind_of
from moneymen.names.forms import NameForm, analyse, form_record, restored_form
from moneymen.names.orgs import synonyms

#: Lists at least this long are indexed by several processes (where the machine has the cores).
PARALLEL_FROM = 20_000
_CHUNK = 5_000


# -- profiles as records -----------------------------------------------------------------------


def _pairs(values: list[list]) -> tuple[tuple, ...]:
    return tuple(map(tuple, values))


#: Each profile field, in the order a record lists it, with how it is written and read back.
_PROFILE_CODECS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
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
    if workers > 1 and isinstance(profiles, Sequence):
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
    vocabulary = list(word_id)
    del word_id
    # the vocabulary's neighbourhoods, by chunks of words (in the workers when there are some)
    found = list(_in_workers(_neighbours_of, (vocabulary, sounds), range(0, len(vocabulary), _CHUNK * 4), workers))
    neighbour_digests = _concatenated([keys for keys, _ in found], np.uint64)
    neighbour_words = _concatenated([values for _, values in found], np.int32)
    del found
    arrays: dict[str, np.ndarray] = {}
    row_words = joined.get("row_words", np.zeros(0, np.int32))
    arrays.update(_postings_by_length(joined.get("posting_words", np.zeros(0, np.int32)),
                                      joined.get("posting_rows", np.zeros(0, np.int32)),
                                      row_words if rows else np.zeros(1, np.int32), len(vocabulary)))
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
    arrays.update(StringIndex.build(vocabulary).arrays("words"))
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
