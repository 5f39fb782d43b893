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

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache, partial

import numpy as np

from moneymen.match.profiles import BIRTH_DATES_DISAGREE, GENDER_DIFFERS, Profile
from moneymen.match.index_build import build_arrays, decode_record
from moneymen.match.index_file import KeyTable, Positional, StringIndex, StringTable
from moneymen.match.index_keys import (KINDS, LONG_WORD, MAX_LENGTH, MAX_SPELLING_LETTERS, SHORT_WORD, birth_years,
                                       bounded, chinese_keys, fuzzy_joined_keys, identifier_keys, joined_keys,
                                       korean_keys, spelling_keys)
from moneymen.match.names import CONFLICT, OMISSION, SINGLE_WORD, kind_of, token_similarity
from moneymen.match.schemata import known_schema
from moneymen.names.forms import NameForm, analyse
from moneymen.names.orgs import synonyms

#: Estimates of names that meet as a whole: the same Korean syllables in order, the same Chinese
#: syllables, the same letters written together; and of a shared strong identifier (first of all).
#: The Korean estimate is above 1: the same syllables in order is surer than a word estimate of 1
#: (an upper bound), so such names are scored before a crowd of namesakes ("Kim Yongpong" before
#: the hundreds of "Kim Yong-…" its words are alike to).
KOREAN_ESTIMATE = 1.01
CHINESE_ESTIMATE = 0.95
JOINED_ESTIMATE = 0.98
IDENTIFIER_ESTIMATE = 2.0
#: Candidates whose profile and analysed names are kept decoded (the most recently met).
DECODED_CANDIDATES = 100_000


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


# -- reading -----------------------------------------------------------------------------------


def _decoded_at(records: StringTable, kinds: np.ndarray, position: int) -> tuple[Profile, tuple[NameForm, ...]]:
    """The profile and analysed names of the entity at ``position`` (see :func:`decode_record`)."""
    return decode_record(records.raw(position), KINDS[int(kinds[position])])


class _Column(Positional):
    """One side of the decoded candidates (their profiles, or their analysed names), by position."""

    def __init__(self, decoded: Callable[[int], tuple[Profile, tuple[NameForm, ...]]], size: int, side: int):
        self.decoded = decoded
        self.size = size
        self.side = side

    def __len__(self) -> int:
        return self.size

    def at(self, position: int):
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
            query = known_schema(schema)
            codes = np.asarray([query.can_match(known_schema(s)) for s in self.schemata] or [False], dtype=np.bool_)
            people = any(can and known_schema(name).is_a("Person") for can, name in zip(codes, self.schemata))
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
        read: list[list[int]] = [[] for _ in groups]  # lengths to read each word for, by rank
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
        found: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
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
