"""What an entity is found by in the candidate index (:mod:`moneymen.match.index`): the keys of
its names (deletion neighbourhoods of words, Korean syllables and whole names, Chinese readings,
names written together) and of its strong identifiers, and the bounds on them."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

from moneymen.match.profiles import Profile
from moneymen.names.chinese import chinese_readings
from moneymen.names.forms import NameForm
from moneymen.names.korean import syllable_key

#: Whole-name Korean and Chinese keys are made when a name has at most this many key combinations.
MAX_NAME_KEYS = 64
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


def identifier_keys(profile: Profile) -> list[str]:
    """The index keys of an entity's strong identifiers (passport, IMO, SWIFT/BIC…)."""
    return [f"i:{prop}:{value}" for prop, values in profile.identifiers for value in values]


def bounded(form: NameForm) -> NameForm:
    """``form`` with its first ``MAX_NAME_WORDS`` words only (itself when it has no more)."""
    if len(form.tokens) <= MAX_NAME_WORDS:
        return form
    return replace(form, tokens=form.tokens[:MAX_NAME_WORDS], phonetic=form.phonetic[:MAX_NAME_WORDS],
                   weights=form.weights[:MAX_NAME_WORDS])
