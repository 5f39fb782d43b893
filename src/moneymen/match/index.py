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
"""

from __future__ import annotations

import itertools
import math
from array import array
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from moneymen.match.entities import BIRTH_DATES_DISAGREE, GENDER_DIFFERS, Profile
from moneymen.match.names import CONFLICT, OMISSION, SINGLE_WORD, NameForm, _token_similarity, analyse, kind_of
from moneymen.match.orgs import SYNONYMS
from moneymen.model import get_schema
from moneymen.names.chinese import chinese_readings
from moneymen.names.korean import syllable_key

#: Whole-name Korean and Chinese keys are made when a name has at most this many key combinations.
MAX_NAME_KEYS = 64
#: Estimates of names that meet as a whole: the same Korean syllables in order, the same Chinese
#: syllables, the same letters written together; and of a shared strong identifier (first of all).
KOREAN_ESTIMATE = 1.0
CHINESE_ESTIMATE = 0.95
JOINED_ESTIMATE = 0.98
IDENTIFIER_ESTIMATE = 2.0
#: Words this long are also found by their first and last four letters (three slips are allowed).
LONG_WORD = 11
KINDS = ("person", "organization", "other")
#: Names are grouped by their number of words up to this many (and more).
MAX_LENGTH = 8
_SYNONYM_TARGETS = frozenset(SYNONYMS.values())


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
    are at most one edit apart up to six letters, two up to ten (and three beyond: see LONG_WORD)."""
    return 1 if len(word) <= 6 else 2


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
    if form.kind != "person" or form.scripts != {"Latin"}:
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
    if len(joined) < 5 or len(form.tokens) < 2 or not any(len(t) <= SHORT_WORD for t in form.tokens):
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


class CandidateIndex:
    """Words and keys of every listed entity's names, and the estimate of a query's score against each."""

    def __init__(self, profiles: Iterable[tuple[str, Profile]]):
        """Index ``(entity id, profile)`` pairs."""
        self.ids: list[str] = []
        self.profiles: list[Profile] = []
        #: each entity's names analysed once, for its own schema (so screening never analyses them again)
        self.forms: list[tuple[NameForm, ...]] = []
        self.word_id: dict[str, int] = {}
        self.words: list[str] = []
        self._word_sounds: list[str] = []
        posting_words, posting_rows = array("i"), array("i")
        postings: dict[str, list[int]] = defaultdict(list)
        row_entity, row_words, row_weights, kinds, schemata = [], [], [], [], []
        years_low, years_high, gender_codes = [], [], []
        self.gender_sets: list[frozenset[str]] = [frozenset()]
        joined_keys_found, joined_positions = array("q"), array("i")
        self.schemata: list[str] = []
        schema_code: dict[str, int] = {}
        for position, (entity_id, profile) in enumerate(profiles):
            self.ids.append(entity_id)
            self.profiles.append(profile)
            kind = kind_of(profile.schema)
            forms = tuple(analyse(name, kind) for name, _ in profile.names)
            self.forms.append(forms)
            keys: set[str] = set(identifier_keys(profile))
            joined_hashes: set[int] = set()
            for form in forms:
                if form.tokens:  # one row per name: its words, how many, their weight
                    row = len(row_entity)
                    row_entity.append(position)
                    row_words.append(len(form.tokens))
                    row_weights.append(sum(form.weights))
                    for token, sound in dict(zip(form.tokens, form.phonetic)).items():
                        word = self.word_id.get(token)
                        if word is None:
                            word = self.word_id[token] = len(self.words)
                            self.words.append(token)
                            self._word_sounds.append(sound)
                        posting_words.append(word)
                        posting_rows.append(row)
                whole, syllables = korean_keys(form)
                keys.update("n:" + key for key in whole)
                keys.update("k:" + key for position_keys in syllables for key in position_keys)
                if form.korean and not whole:  # too many readings to spell out: found syllable by syllable
                    keys.update("K:" + key for position_keys in syllables for key in position_keys)
                keys.update("c:" + key for key in chinese_keys(form))
                keys.update("j:" + key for key in joined_keys(form))
                joined_hashes.update(hash(key) for key in fuzzy_joined_keys(form))
            for key in joined_hashes:
                joined_keys_found.append(key)
                joined_positions.append(position)
            for key in keys:
                postings[key].append(position)
            kinds.append(KINDS.index(kind))
            years = birth_years(profile)
            years_low.append(min(years, default=0))
            years_high.append(max(years, default=0))
            if profile.genders not in self.gender_sets:
                self.gender_sets.append(profile.genders)
            gender_codes.append(self.gender_sets.index(profile.genders))
            if profile.schema not in schema_code:
                schema_code[profile.schema] = len(self.schemata)
                self.schemata.append(profile.schema)
            schemata.append(schema_code[profile.schema])
        size, rows = max(len(self.ids), 1), max(len(row_entity), 1)
        self._postings_by_length(np.frombuffer(posting_words, dtype=np.int32) if posting_words else
                                 np.zeros(0, np.int32),
                                 np.frombuffer(posting_rows, dtype=np.int32) if posting_rows else np.zeros(0, np.int32),
                                 np.asarray(row_words or [0], dtype=np.int32))
        self.postings = {key: np.asarray(values, dtype=np.int32) for key, values in postings.items()}
        #: each row's entity, its number of words and their weight
        self.row_entity = np.asarray(row_entity or [0], dtype=np.int32)
        self.row_words = np.asarray(row_words or [0], dtype=np.float32)
        self.row_weights = np.asarray(row_weights or [0.0], dtype=np.float32)
        #: each entity's kind of name and schema
        self.kinds = np.asarray(kinds or [0], dtype=np.int8)
        self.schema_codes = np.asarray(schemata or [0], dtype=np.int16)
        #: each entity's earliest and latest birth year (0: none) and its set of genders (by code)
        self.years_low = np.asarray(years_low or [0], dtype=np.int16)
        self.years_high = np.asarray(years_high or [0], dtype=np.int16)
        self.gender_codes = np.asarray(gender_codes or [0], dtype=np.int16)
        self.neighbours = self._neighbours()
        hashes = np.frombuffer(joined_keys_found, dtype=np.int64) if joined_keys_found else np.zeros(0, np.int64)
        order = np.argsort(hashes, kind="stable")
        #: fuzzy whole-name keys (hashed), sorted, and the entity of each
        self.joined_hashes = hashes[order]
        self.joined_positions = (np.frombuffer(joined_positions, dtype=np.int32) if joined_positions
                                 else np.zeros(0, np.int32))[order]
        self._similar_cache: dict[tuple[str, str, str], tuple[tuple[int, float], ...]] = {}
        self._compatible_cache: dict[str, tuple[np.ndarray, bool]] = {}
        self._splits_cache: dict[tuple[str, str], tuple] = {}
        self._estimate = np.zeros(size, dtype=np.float32)
        self._counted = np.zeros(size, dtype=np.float32)
        self._slot = np.zeros(max(rows, size), dtype=np.int32)
        self._similarity = np.zeros(max(len(self.words), 1), dtype=np.float32)

    def _postings_by_length(self, words: np.ndarray, rows: np.ndarray, lengths: np.ndarray) -> None:
        """The rows of each word, shortest names first, and the names' words (a forward index)."""
        buckets = np.minimum(lengths, MAX_LENGTH)
        order = np.lexsort((rows, buckets[rows], words))
        #: rows holding each word, grouped by their number of words (1, 2, … MAX_LENGTH or more):
        #: the rows of word w with b words are postings[bounds[w, b - 1]:bounds[w, b]]
        self.word_rows = rows[order]
        keys = words[order].astype(np.int64) * (MAX_LENGTH + 1) + buckets[rows[order]]
        wanted = (np.arange(len(self.words), dtype=np.int64)[:, None] * (MAX_LENGTH + 1)
                  + np.arange(1, MAX_LENGTH + 2)[None, :])
        self.word_bounds = np.searchsorted(keys, wanted.ravel(), side="left").reshape(len(self.words), MAX_LENGTH + 1)
        # forward: the words of each row
        order = np.argsort(rows, kind="stable")
        self.row_word_ids = words[order]
        self.row_starts = np.searchsorted(rows[order], np.arange(len(lengths) + 1))

    def _neighbours(self) -> dict[str, list[int]]:
        """Vocabulary keys → word ids: deletion neighbourhoods, sounds, first letters of long words, synonyms."""
        neighbours: dict[str, list[int]] = defaultdict(list)
        for word_id, (word, sound) in enumerate(zip(self.words, self._word_sounds)):
            for variant in deletions(word, neighbourhood_depth(word)):
                neighbours[variant].append(word_id)
            if sound and len(sound) >= 2 and len(word) >= 4:
                neighbours["p:" + sound].append(word_id)
            if len(word) >= LONG_WORD - 3:
                neighbours["a:" + word[:4]].append(word_id)
                neighbours["z:" + word[-4:]].append(word_id)
            if word in SYNONYMS or word in _SYNONYM_TARGETS:
                neighbours["y:" + SYNONYMS.get(word, word)].append(word_id)
        return dict(neighbours)

    def __len__(self) -> int:
        return len(self.ids)

    def candidates(self, profile: Profile, cutoff: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """(positions, estimates) of the entities whose estimated score against ``profile`` is at
        least ``cutoff``, highest estimate first (ties: the entity indexed first)."""
        kind = kind_of(profile.schema)
        compatible, people = self._compatible(profile.schema)
        estimate = self._estimate
        touched = []
        for name, _ in profile.names:
            form = analyse(name, kind)
            for positions, values in self._name_estimates(form, cutoff, people):
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
        hit = self._distinct(np.concatenate(touched))
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
            query = get_schema(schema)
            codes = np.asarray([query.can_match(get_schema(s)) for s in self.schemata] or [False], dtype=bool)
            people = any(can and get_schema(name).is_a("Person") for can, name in zip(codes, self.schemata))
            found = self._compatible_cache[schema] = (codes, people)
        return found

    def _name_estimates(self, form: NameForm, cutoff: float, people: bool):
        """(positions, estimated scores) of the entities each way of matching ``form`` finds."""
        words = self._word_estimates(form, cutoff, people)
        if words is not None:
            yield words
        whole, syllables = korean_keys(form)
        if whole:
            found = self._union("n:" + key for key in whole)
            if len(found):
                yield found, np.full(len(found), KOREAN_ESTIMATE, dtype=np.float32)
        if syllables:  # names whose readings are too many to spell out whole: by share of syllables
            prefix = "K:" if whole else "k:"
            shared = self._syllable_share(prefix, syllables)
            if shared is not None:
                yield shared
        fuzzy = self._fuzzy_joined(form)
        if fuzzy is not None:
            yield fuzzy
        for prefix, keys, value in (("c:", chinese_keys(form), CHINESE_ESTIMATE),
                                    ("j:", joined_keys(form), JOINED_ESTIMATE)):
            found = self._union(prefix + key for key in keys)
            if len(found):
                yield found, np.full(len(found), value, dtype=np.float32)

    def _fuzzy_joined(self, form: NameForm):
        """Entities with a name one or two slips from this one's letters written together."""
        keys = fuzzy_joined_keys(form)
        if not keys or not len(self.joined_hashes):
            return None
        wanted = np.asarray(sorted({hash(key) for key in keys}), dtype=np.int64)
        starts = np.searchsorted(self.joined_hashes, wanted, side="left")
        ends = np.searchsorted(self.joined_hashes, wanted, side="right")
        lists = [self.joined_positions[start:end] for start, end in zip(starts, ends) if end > start]
        if not lists:
            return None
        found = self._distinct(np.concatenate(lists))
        joined = "".join(form.tokens)
        return found, np.full(len(found), JOINED_ESTIMATE - 1 / len(joined), dtype=np.float32)

    def _union(self, keys: Iterable[str]) -> np.ndarray:
        lists = [self.postings[key] for key in keys if key in self.postings]
        if not lists:
            return np.zeros(0, dtype=np.int32)
        return lists[0] if len(lists) == 1 else self._distinct(np.concatenate(lists))

    def _syllable_share(self, prefix: str, syllables: list[set[str]]):
        """Entities by the share of the name's syllable positions they hold (a Korean name of many readings)."""
        counted = self._counted
        touched = []
        for keys in syllables:
            found = self._union(prefix + key for key in keys)
            if len(found):
                counted[found] += 1.0
                touched.append(found)
        if not touched:
            return None
        hit = self._distinct(np.concatenate(touched))
        share = np.minimum(counted[hit] / len(syllables), 1.0)
        counted[hit] = 0.0
        return hit, share.astype(np.float32)

    def _word_estimates(self, form: NameForm, cutoff: float, people: bool):
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
        rows = segments[0] if len(segments) == 1 else self._distinct(np.concatenate(segments))
        return self._estimate_rows(form, rows, groups, splits)

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

    def _estimate_rows(self, form: NameForm, rows: np.ndarray, groups, splits):
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
        similarity = self._similarity
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
        if len(token) < 5 or not token.isalpha():
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
        neighbours = self.neighbours
        found: set[int] = set()
        for variant in deletions(token, neighbourhood_depth(token)):
            found.update(neighbours.get(variant, ()))
        if sound and len(sound) >= 2 and len(token) >= 4:
            found.update(neighbours.get("p:" + sound, ()))
        if len(token) >= LONG_WORD:
            found.update(neighbours.get("a:" + token[:4], ()))
            found.update(neighbours.get("z:" + token[-4:], ()))
        if kind == "organization":
            found.update(neighbours.get("y:" + SYNONYMS.get(token, token), ()))
        if kind == "person" and len(token) > 1 and token[0] in self.word_id:
            found.add(self.word_id[token[0]])
        similar = []
        for word_id in found:
            score, _ = _token_similarity(token, self.words[word_id], sound, self._word_sounds[word_id], kind)
            if score > 0:
                similar.append((word_id, score))
        similar.sort(key=lambda pair: (pair[1], pair[0]))
        result = tuple(similar)
        if len(self._similar_cache) > 200_000:
            self._similar_cache.clear()
        self._similar_cache[(token, sound, kind)] = result
        return result

    def _distinct(self, positions: np.ndarray) -> np.ndarray:
        """``positions`` without repeats, in linear time (no sort): the last of each repeat is kept."""
        order = np.arange(len(positions), dtype=np.int32)
        slot = self._slot
        slot[positions] = order
        return positions[slot[positions] == order]
