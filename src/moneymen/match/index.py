"""The candidate index: from a query, the few entities worth scoring, out of millions.

Each name is reduced to keys: its ASCII tokens, their first and last four letters (long words),
their phonetic codes (Metaphone, and Soundex, which forgives more), their letters sorted (a
swap of two letters keeps them: "Sivler" finds "Silver") and, for names that read as Korean,
one romanization-neutral key per syllable and one for the whole sequence of syllables (so
장성택, 張成澤 and "Jang Song Thaek" share keys, and share a rare one); for names that read as
Chinese, one key per reading of the whole name in Pinyin ("Mao Tse-tung" and "Mao Zedong"). A query scores entities
by the rarity (IDF) of the keys they share, counting the rarest key of each part of the query
(a word, a syllable) once; the screener then scores them in full, best first. Keys shared by a
large part of the index (a common surname, "trading") only rank what rarer keys found, unless
the query has fewer than two rarer parts.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from rigour.text.phonetics import soundex

from moneymen.match.entities import Profile
from moneymen.match.names import NameForm, analyse, kind_of
from moneymen.names.chinese import chinese_readings
from moneymen.names.korean import syllable_key

#: A key held by more than this share of entities is "common": used only when rarer keys are few.
COMMON_SHARE = 0.02
MIN_TOKEN = 2
#: Whole-name Korean keys are made when a name has at most this many key combinations.
MAX_NAME_KEYS = 64
#: Weights of key kinds on top of their rarity: a shared identifier outweighs any number of
#: shared words, and a word that only sounds or starts alike counts half a word spelt the same.
KEY_WEIGHT = {"i:": 10.0, "p:": 0.5, "x:": 0.5, "a:": 0.5, "z:": 0.5, "s:": 0.5}
#: What each part of a candidate's shortest name costs in its rank: a tie-break, small beside
#: the rarity of a shared key (about 2 for a common word, 12 for a unique one).
LEFT_OVER = 0.1


def name_key_groups(name: str, kind: str) -> list[set[str]]:
    """The index keys of one name, in groups: one per word, per Korean syllable, and the whole name.

    Keys of one group are different ways of finding the same part of the name (the word, its
    first and last letters, its sound), so a query counts the best of them once, not all of them.
    """
    form = analyse(name, kind)
    groups = []
    for token, code in zip(form.tokens, form.phonetic):
        group = set()
        if len(token) >= MIN_TOKEN:
            group.add("t:" + token)
        if len(token) >= 5:  # a typo leaves the start or the end of a long word intact
            group.add("a:" + token[:4])
            group.add("z:" + token[-4:])
        if code and len(code) >= 2:
            group.add("p:" + code)
        if len(token) >= 4 and token.isalpha():  # Soundex forgives vowels and doubled letters: Johansson, Johnson
            group.add("x:" + soundex(token))
        if len(token) >= 3:  # the letters in order of the alphabet: a swap of two letters keeps them (Sivler)
            group.add("s:" + "".join(sorted(token)))
        if group:
            groups.append(group)
    if kind == "person" and form.scripts == {"Latin"}:
        # a Chinese name, syllable by syllable: "Mao Tse-tung" and "Mao Zedong" share one of these
        combinations = [combination for reading in chinese_readings(form.tokens)
                        for combination in itertools.islice(itertools.product(*reading), MAX_NAME_KEYS)]
        if combinations:
            groups.append({"c:" + "|".join(combination) for combination in combinations[:MAX_NAME_KEYS]})
    for reading in form.korean:
        positions = [{syllable_key(syllable) for syllable in candidates}
                     for syllables in (reading.surname, reading.given) for candidates in syllables.candidates]
        groups.extend({"k:" + key for key in position} for position in positions)
        # the whole name, syllable key by syllable key: two readings of one name share one of these
        if math.prod(len(position) for position in positions) <= MAX_NAME_KEYS:
            groups.append({"n:" + "|".join(combination) for combination in itertools.product(*positions)})
    return groups


def identifier_keys(profile: Profile) -> list[str]:
    """The index keys of an entity's strong identifiers (passport, IMO, SWIFT/BIC…)."""
    return [f"i:{prop}:{value}" for prop, values in profile.identifiers for value in values]


def profile_key_groups(profile: Profile) -> list[set[str]]:
    """The key groups of every name of an entity, plus one group per strong identifier."""
    kind = kind_of(profile.schema)
    groups: list[set[str]] = []
    for name, _ in profile.names:
        groups.extend(name_key_groups(name, kind))
    groups.extend({key} for key in identifier_keys(profile))
    return groups


class CandidateIndex:
    """An inverted index from name keys to entity positions, with IDF weights."""

    def __init__(self, profiles: Iterable[tuple[str, Profile]]):
        """Index ``(entity id, profile)`` pairs."""
        postings: dict[str, list[int]] = defaultdict(list)
        self.ids: list[str] = []
        self.profiles: list[Profile] = []
        #: each entity's names analysed once, for its own schema (so screening never analyses them again)
        self.forms: list[tuple[NameForm, ...]] = []
        parts: list[int] = []
        for position, (entity_id, profile) in enumerate(profiles):
            self.ids.append(entity_id)
            self.profiles.append(profile)
            kind = kind_of(profile.schema)
            self.forms.append(tuple(analyse(name, kind) for name, _ in profile.names))
            name_groups = [name_key_groups(name, kind) for name, _ in profile.names]
            keys = set(identifier_keys(profile)).union(*(group for groups in name_groups for group in groups))
            parts.append(min((len(groups) for groups in name_groups if groups), default=0))
            for key in keys:
                postings[key].append(position)
        size = max(len(self.ids), 1)
        #: parts (words, syllables) of each entity's shortest name: among candidates that share
        #: as much with a query, the one with less left over comes first ("Kim San" before "Kim San Ho")
        self.parts = np.asarray(parts or [0], dtype=np.float32)
        self.postings = {key: np.asarray(values, dtype=np.int32) for key, values in postings.items()}
        self.idf = {key: math.log(1 + size / len(values)) * KEY_WEIGHT.get(key[:2], 1.0)
                    for key, values in postings.items()}
        self.common = int(size * COMMON_SHARE) + 10
        self._scores = np.zeros(size, dtype=np.float32)
        self._best = np.zeros(size, dtype=np.float32)
        self._inside = np.zeros(size, dtype=bool)
        self._slot = np.zeros(size, dtype=np.int32)

    def __len__(self) -> int:
        return len(self.ids)

    def candidates(self, profile: Profile, limit: int = 200) -> list[int]:
        """Positions of the entities most worth scoring against ``profile``, best first.

        An entity's weight is, summed over the parts of the query (a word, a Korean syllable, the
        whole Korean name, an identifier), the rarity of the rarest key it shares for that part.
        Keys held by a large share of the index only rank the entities that rarer keys found,
        unless the query has fewer than two parts with a rarer key.
        """
        postings = self.postings
        groups = []
        # in a fixed order, so that the sums (and so the ranking) are the same in every process
        for group in sorted({tuple(sorted(group)) for group in profile_key_groups(profile)}):
            present = [key for key in group if key in postings]
            if present:
                groups.append(present)
        if not groups:
            return []
        common = [group for group in groups if all(len(postings[key]) > self.common for key in group)]
        use_common = len(groups) - len(common) < 2
        scores = self._scores
        touched = []
        for group in groups:
            keys = [key for key in group if use_common or len(postings[key]) <= self.common]
            if keys:
                touched.append(self._add_best(scores, keys))
        if not touched:
            return []
        hit = self._distinct(np.concatenate(touched))
        if not use_common and common:
            # a common word ("Kim") finds nothing new, but it ranks what the rare ones found
            inside = self._inside
            inside[hit] = True
            for group in common:
                self._add_best(scores, group, inside)
            inside[hit] = False
        # ties go to the entity indexed first (the position term is far below any score difference)
        rank = scores[hit].astype(np.float64) - LEFT_OVER * self.parts[hit] - hit * 1e-12
        order = np.argpartition(-rank, limit - 1)[:limit] if len(hit) > limit else np.arange(len(hit))
        ranked = hit[order[np.argsort(-rank[order], kind="stable")]]
        scores[hit] = 0.0
        return ranked.tolist()

    def _add_best(self, scores: np.ndarray, keys: list[str], within: np.ndarray | None = None) -> np.ndarray:
        """Add to ``scores`` the weight of the rarest of ``keys`` each entity holds (only entities
        marked in ``within``, when given); return the positions touched."""
        postings, idf, best = self.postings, self.idf, self._best
        lists = [postings[key] if within is None else postings[key][within[postings[key]]] for key in keys]
        if len(keys) == 1:
            scores[lists[0]] += idf[keys[0]]
            return lists[0]
        for key, positions in sorted(zip(keys, lists), key=lambda pair: idf[pair[0]]):
            best[positions] = idf[key]  # the rarest key last, so its weight stays
        for positions in lists:  # once per entity: what a later list finds again is 0 by then
            scores[positions] += best[positions]
            best[positions] = 0.0
        return np.concatenate(lists)

    def _distinct(self, positions: np.ndarray) -> np.ndarray:
        """``positions`` without repeats, in linear time (no sort): the last of each repeat is kept."""
        order = np.arange(len(positions), dtype=np.int32)
        slot = self._slot
        slot[positions] = order
        return positions[slot[positions] == order]
