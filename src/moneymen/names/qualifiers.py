"""Qualifiers of names: notes in brackets, and an organisation's country, that are no word of the name.

"Kim Jong-sun (fictional)", "장성택 (정치인)", "[alias]": a qualifier is set aside before a
name is analysed (:func:`split_qualifiers`), and kept, as written, to be explained.

An organisation's name may end in the country it belongs to: "Foreign Trade Bank of the
Democratic People's Republic of Korea" is the UN's "Foreign Trade Bank". That trailing "of (the)
<country>" is a country qualifier (:func:`split_country_qualifier`): set aside from the name's
words and kept as the country's codes, so that two names that differ only by it are compared by
the rest and by whether their countries agree (see :func:`moneymen.match.names.compare_forms`).
The countries are the ones rigour knows, in any of their names ("DPRK", "North Korea", "Korea,
North", "the Democratic People's Republic of Korea"): no list of ours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rigour.territories import lookup_by_identifier, lookup_territory
from rigour.territories.util import normalize_territory_name
from rigour.text.scripts import text_scripts

from moneymen.dates import birth_date_in_qualifier
from moneymen.names.orgs import generic_words

#: A qualifier: a note in brackets, round, square or full-width (also one left unclosed at the end).
_QUALIFIER = re.compile(r"[(\[（【［〔][^()\[\]（）【】［］〔〕]*(?:[)\]）】］〕]|$)")
_BRACKETS = "()[]（）【】［］〔〕"


@lru_cache(maxsize=100_000)
def split_qualifiers(text: str) -> tuple[str, tuple[str, ...]]:
    """A name without its bracketed qualifiers, and the qualifiers as written.

    ``split_qualifiers("Kim Jong-sun (fictional)") == ("Kim Jong-sun", ("(fictional)",))``. A
    bracket in another script than the name is the name written in that script (the UN writes
    "عبدالله السندي (Abdullah Sindhi)"), not a qualifier, unless it states a birth date
    ("(1912년생)") or has no letters; it stays part of the name. A name that is nothing but
    brackets is kept whole: its letters are the name.
    """
    if not _QUALIFIER.search(text):
        return text, ()
    rest = " ".join(_QUALIFIER.sub(" ", text).split())
    if not any(ch.isalnum() for ch in rest):
        return text, ()
    scripts = set(text_scripts(rest))
    kept, qualifiers = [], []
    position = 0
    for found in _QUALIFIER.finditer(text):
        inner = qualifier_text(found.group())
        if set(text_scripts(inner)) <= scripts or birth_date_in_qualifier(inner):
            kept.append(text[position:found.start()])
            qualifiers.append(found.group().strip())
            position = found.end()
    if not qualifiers:
        return text, ()
    kept.append(text[position:])
    return " ".join(" ".join(kept).split()), tuple(qualifiers)


def qualifier_text(qualifier: str) -> str:
    """A qualifier without its brackets: "(born 1912)" → "born 1912"."""
    return qualifier.strip(_BRACKETS + " ")


#: The word a country qualifier begins with, and the article that may follow it ("of the DPRK").
COUNTRY_OF = "of"
ARTICLE = "the"
#: The most words a country's name has ("the democratic peoples republic of korea" has six).
COUNTRY_WORDS = 8


def split_country_qualifier(words: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """An organisation name's words (lower case) without a trailing "of (the) <country>", that
    qualifier's words, and the codes of the country it names (:func:`country_codes`).

    ``split_country_qualifier(["foreign", "trade", "bank", "of", "the", "dprk"])`` is
    ``(("foreign", "trade", "bank"), ("of", "the", "dprk"), ("kp",))``. The first "of" whose rest
    names a country begins the qualifier. A name whose other words are all generic keeps its
    country: in "Bank of China" or "Bank of Korea" the country is what tells the bank apart.
    A name with no such qualifier is given back whole, with no country.
    """
    words = tuple(words)
    generic = generic_words()
    for index, word in enumerate(words):
        if word != COUNTRY_OF or index == 0 or len(words) - index - 1 > COUNTRY_WORDS:
            continue
        if all(other in generic for other in words[:index]):
            continue
        rest = words[index + 1:]
        codes = country_codes(" ".join(rest))
        if not codes and len(rest) > 1 and rest[0] == ARTICLE:
            codes = country_codes(" ".join(rest[1:]))
        if codes:
            return words[:index], words[index:], codes
    return words, (), ()


@lru_cache(maxsize=10_000)
def country_codes(text: str) -> tuple[str, ...]:
    """The FtM country codes that ``text``, the name of a country in any of its forms rigour
    knows, may stand for (sorted); none for anything else.

    A code ("it", "usa"), a city ("Pyongyang", "Tehran") or a region that is no FtM country
    ("Moscow") names no country here: as the end of an organisation's name they are words of
    it. A short name shared by the names of two countries rigour links (its ``see``) stands for
    both: "Korea" may be either Korea ("korea" → kp, kr), "DPRK" is only the North.
    """
    if not text or lookup_by_identifier(text) is not None:
        return ()
    territory = lookup_territory(text)
    if territory is None or not territory.is_ftm:
        return ()
    name = normalize_territory_name(text)
    if any(normalize_territory_name(place) == name for place in territory.places):
        return ()
    codes = {territory.code}
    if name not in {normalize_territory_name(territory.name), normalize_territory_name(territory.full_name)}:
        for other in territory.see:
            if other.is_ftm and any(f" {name} " in f" {normalize_territory_name(each)} "
                                    for each in (other.name, other.full_name)):
                codes.add(other.code)
    return tuple(sorted(codes))
