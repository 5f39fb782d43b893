"""The candidate index: from a query, the few entities worth scoring, out of millions.

Each name is reduced to keys: its ASCII tokens, their first and last four letters (long words),
their phonetic codes and, for names that read as Korean, one romanization-neutral key per
syllable and one for the whole sequence of syllables (so 장성택, 張成澤 and "Jang Song Thaek"
share keys, and share a rare one). A query scores entities by the rarity (IDF) of the keys
they share, counting the rarest key of each part of the query (a word, a syllable) once; the
screener then scores them in full, best first. Keys shared by a large part of the index (a
common surname, "trading") are only used when the query has fewer than two rarer parts.
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
#: Whole-name Korean keys are made when a name has at most this many key combinations.
MAX_NAME_KEYS = 64
IDENTIFIER_BOOST = 10.0


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
        if len(token) >= 6:  # a typo leaves the start or the end of a long word intact
            group.add("a:" + token[:4])
            group.add("z:" + token[-4:])
        if code and len(code) >= 2:
            group.add("p:" + code)
        if group:
            groups.append(group)
    for reading in form.korean:
        positions = [{syllable_key(syllable) for syllable in candidates}
                     for syllables in (reading.surname, reading.given) for candidates in syllables.candidates]
        groups.extend({"k:" + key for key in position} for position in positions)
        # the whole name, syllable key by syllable key: two readings of one name share one of these
        if math.prod(len(position) for position in positions) <= MAX_NAME_KEYS:
            groups.append({"n:" + "|".join(combination) for combination in itertools.product(*positions)})
    return groups


def name_keys(name: str, kind: str) -> set[str]:
    """The index keys of one name."""
    return set().union(*name_key_groups(name, kind))


def profile_key_groups(profile: Profile) -> list[set[str]]:
    """The key groups of every name of an entity, plus one group per strong identifier."""
    kind = kind_of(profile.schema)
    groups: list[set[str]] = []
    for name, _ in profile.names:
        groups.extend(name_key_groups(name, kind))
    for prop, values in profile.identifiers:
        for value in values:
            groups.append({f"i:{prop}:{value}"})
    return groups


def profile_keys(profile: Profile) -> set[str]:
    """The index keys of every name of an entity, plus its strong identifiers."""
    return set().union(*profile_key_groups(profile))


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
        self._best = np.zeros(size, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.ids)

    def candidates(self, profile: Profile, limit: int = 200) -> list[int]:
        """Positions of the entities most worth scoring against ``profile``, best first.

        An entity's weight is, summed over the parts of the query (a word, a Korean syllable, the
        whole Korean name, an identifier), the rarity of the rarest key it shares for that part.
        Keys held by a large share of the index are used only when the query has fewer than two
        parts with a rarer key.
        """
        postings = self.postings
        groups = []
        for group in {frozenset(group) for group in profile_key_groups(profile)}:
            present = [key for key in group if key in postings]
            if present:
                groups.append(present)
        if not groups:
            return []
        rare_groups = sum(1 for group in groups if any(len(postings[key]) <= self.common for key in group))
        use_common = rare_groups < 2
        scores, best = self._scores, self._best
        touched = []
        for group in groups:
            keys = [key for key in group if use_common or len(postings[key]) <= self.common]
            if len(keys) == 1:
                positions = postings[keys[0]]
                scores[positions] += self.idf[keys[0]]
            elif keys:
                keys.sort(key=self.idf.__getitem__)  # the rarest key last, so its weight stays
                for key in keys:
                    best[postings[key]] = self.idf[key]
                positions = np.unique(np.concatenate([postings[key] for key in keys]))
                scores[positions] += best[positions]
                best[positions] = 0.0
            else:
                continue
            touched.append(positions)
        if not touched:
            return []
        hit = np.unique(np.concatenate(touched))
        if len(hit) > limit:
            top = hit[np.argpartition(-scores[hit], limit - 1)[:limit]]
        else:
            top = hit
        ranked = top[np.argsort(-scores[top], kind="stable")]
        scores[hit] = 0.0
        return ranked.tolist()
