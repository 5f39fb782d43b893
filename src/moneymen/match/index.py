"""The candidate index: from a query, the few entities worth scoring, out of millions.

Each name is reduced to keys: its ASCII tokens, their first and last four letters (long words),
their phonetic codes and, for names that read
as Korean, one romanization-neutral key per syllable and one for the whole sequence of
syllables (so 장성택, 張成澤 and "Jang Song Thaek" share keys, and share a rare one). A query scores entities by the summed rarity (IDF) of the keys they share, and
the top few hundred go on to full scoring. Keys shared by a large part of the index (a common
surname, "trading") are only used when the query has nothing rarer.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from moneymen.match.entities import Profile
from moneymen.match.names import analyse, kind_of
from moneymen.names.korean import syllable_key

#: A key held by more than this share of entities is "common": used only when rarer keys are few.
COMMON_SHARE = 0.02
MIN_TOKEN = 2
#: Candidates whose shared-key weight is below this share of the best candidate's are dropped.
RELATIVE_FLOOR = 0.35
#: Whole-name Korean keys are made when a name has at most this many key combinations.
MAX_NAME_KEYS = 64
IDENTIFIER_BOOST = 10.0


def name_keys(name: str, kind: str) -> set[str]:
    """The index keys of one name."""
    form = analyse(name, kind)
    keys = set()
    for token, code in zip(form.tokens, form.phonetic):
        if len(token) >= MIN_TOKEN:
            keys.add("t:" + token)
        if len(token) >= 6:  # a typo leaves the start or the end of a long word intact
            keys.add("a:" + token[:4])
            keys.add("z:" + token[-4:])
        if code and len(code) >= 2:
            keys.add("p:" + code)
    for reading in form.korean:
        positions = [{syllable_key(syllable) for syllable in candidates}
                     for syllables in (reading.surname, reading.given) for candidates in syllables.candidates]
        for position in positions:
            keys.update("k:" + key for key in position)
        # the whole name, syllable key by syllable key: two readings of one name share one of these
        if math.prod(len(position) for position in positions) <= MAX_NAME_KEYS:
            keys.update("n:" + "|".join(combination) for combination in itertools.product(*positions))
    return keys


def profile_keys(profile: Profile) -> set[str]:
    """The index keys of every name of an entity, plus its strong identifiers."""
    kind = kind_of(profile.schema)
    keys: set[str] = set()
    for name, _ in profile.names:
        keys |= name_keys(name, kind)
    for prop, values in profile.identifiers:
        for value in values:
            keys.add(f"i:{prop}:{value}")
    return keys


class CandidateIndex:
    """An inverted index from name keys to entity positions, with IDF weights."""

    def __init__(self, profiles: Iterable[tuple[str, Profile]]):
        """Index ``(entity id, profile)`` pairs."""
        postings: dict[str, list[int]] = defaultdict(list)
        self.ids: list[str] = []
        self.profiles: list[Profile] = []
        for position, (entity_id, profile) in enumerate(profiles):
            self.ids.append(entity_id)
            self.profiles.append(profile)
            for key in profile_keys(profile):
                postings[key].append(position)
        size = max(len(self.ids), 1)
        self.postings = {key: np.asarray(values, dtype=np.int32) for key, values in postings.items()}
        # a shared identifier outweighs any number of shared words
        self.idf = {key: math.log(1 + size / len(values)) * (IDENTIFIER_BOOST if key.startswith("i:") else 1.0)
                    for key, values in postings.items()}
        self.common = int(size * COMMON_SHARE) + 10
        self._scores = np.zeros(size, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.ids)

    def candidates(self, profile: Profile, limit: int = 200) -> list[int]:
        """Positions of the entities most worth scoring against ``profile``, best first."""
        keys = [key for key in profile_keys(profile) if key in self.postings]
        if not keys:
            return []
        keys.sort(key=lambda key: len(self.postings[key]))
        rare = [key for key in keys if len(self.postings[key]) <= self.common]
        use = rare if len(rare) >= 2 or (rare and len(keys) == len(rare)) else keys
        scores = self._scores
        touched = []
        for key in use:
            positions = self.postings[key]
            scores[positions] += self.idf[key]
            touched.append(positions)
        hit = np.unique(np.concatenate(touched))
        if len(hit) > limit:
            hit_scores = scores[hit]
            top = hit[np.argpartition(-hit_scores, limit - 1)[:limit]]
        else:
            top = hit
        ranked = top[np.argsort(-scores[top], kind="stable")]
        # candidates sharing far less than the best one are not worth a full comparison
        floor = scores[ranked[0]] * RELATIVE_FLOOR if len(ranked) else 0.0
        ranked = ranked[scores[ranked] >= floor]
        scores[hit] = 0.0
        return ranked.tolist()
