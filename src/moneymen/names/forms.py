"""A name analysed once, as the matcher compares it: a :class:`NameForm`.

A name is analysed (cached) into ASCII words, their phonetic keys, its scripts, its legal
forms (organisations) and, for people, its readings as a Korean name. A qualifier in brackets
of a person's name ("Kim Jong-sun (fictional)", "장성택 (정치인)", "[alias]") is set aside
first (:mod:`moneymen.names.qualifiers`): it is no word of the name. So is the country that ends
an organisation's name ("Foreign Trade Bank of the DPRK"): its codes are kept beside the words.
A form can be kept as a small record and given back without a new analysis (:func:`form_record`,
:func:`restored_form`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rigour.names.org_types import replace_org_types_compare
from rigour.text.phonetics import metaphone
from rigour.text.scripts import text_scripts

from moneymen.names.korean import KoreanName, read_korean_name, romanize
from moneymen.names.korean.reading import reading_from_spelling, spelling_of
from moneymen.names.orgs import abbreviations, generic_words, korean_org_words, normalise_org_tokens, romanized_words
from moneymen.names.qualifiers import split_country_qualifier, split_qualifiers
from moneymen.names.tokens import (ascii_words, collapse_initials, drop_own_acronym, is_hangul, split_words,
                                   write_numbers)
from moneymen.names.wordlists import titles

#: Scripts in which Korean names are written besides Latin.
KOREAN_SCRIPTS = frozenset({"Hangul", "Han", "Cyrillic"})
#: Scripts compared in their own letters when both names use them (transliteration loses too much).
NATIVE_SCRIPTS = frozenset({"Han", "Arabic", "Hebrew", "Cyrillic", "Greek", "Thai", "Khmer", "Ethiopic",
                            "Bengali", "Devanagari", "Georgian", "Armenian", "Hiragana", "Katakana"})
#: How much a generic word of an organisation's name weighs against a distinctive one.
GENERIC_WEIGHT = 0.3
#: Words joining parts of an organisation's name: "H and M" is "H&M".
CONNECTORS = frozenset({"and", "und", "et"})


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name as the matcher sees it."""

    text: str
    kind: str                       # "person", "organization" or "other"
    tokens: tuple[str, ...]         # ASCII, lower case, legal forms removed
    phonetic: tuple[str, ...]
    weights: tuple[float, ...]
    scripts: frozenset[str]
    legal_forms: tuple[str, ...] = ()
    korean: tuple[KoreanName, ...] = ()
    native: tuple[str, ...] = ()     # words (Han: characters) in the original script, when one script
    qualifiers: tuple[str, ...] = ()  # notes set aside: "(fictional)" as written, an organisation's "of the dprk"
    countries: tuple[str, ...] = ()  # an organisation's country qualifier ("of the DPRK"): its FtM codes


@lru_cache(maxsize=500_000)
def analyse(text: str, kind: str) -> NameForm:
    """Analyse a name once; results are cached because screening meets the same names again and again.

    Qualifiers in brackets of people's and vessels' names are set aside (see
    :func:`split_qualifiers`) and kept in the form's ``qualifiers``; ``text`` stays the name as
    written. In an organisation's name a bracket names a branch or a country ("ICBC (Asia)",
    "ICBC (London)"): its words are words of the name. A trailing "of (the) <country>" of an
    organisation's name is not (:func:`~moneymen.names.qualifiers.split_country_qualifier`): it
    is set aside as a qualifier (its words, in ``qualifiers``) and its country kept in ``countries``.
    """
    # an organisation's bracket is part of its name: "Bank of China (Hong Kong)" is not the Australian one
    name, qualifiers = split_qualifiers(text) if kind != "organization" else (text, ())
    scripts = frozenset(text_scripts(name))
    raw_tokens = split_words(name)
    legal_forms: tuple[str, ...] = ()
    if kind == "organization":
        # letters written apart are one word before legal forms are looked up: "S.A.", "B.V."
        raw_tokens = drop_own_acronym(collapse_initials(raw_tokens))
        # rigour knows the world's legal forms (Aktiengesellschaft → ag, ООО → ooo); our table then
        # sets them aside, with Korean and Chinese forms and generic words
        raw_tokens = replace_org_types_compare(" ".join(raw_tokens).lower()).split()
        kept, forms = normalise_org_tokens(raw_tokens)
        legal_forms = tuple(forms)
        raw_tokens = [token for token in kept if token not in CONNECTORS] or kept
    elif kind == "person":
        # Our titles, not rigour's remove_person_prefixes: rigour takes them off the front of a
        # name only, and knows other words ("Lt. Col." and "Don" are no titles to it); ours
        # are set aside wherever they stand, as in OFAC's "ABDULLAH, Dr. Ramadan" (690 of 68,000
        # names of the shared lists and benchmarks read otherwise with rigour's).
        honorifics = titles()
        kept = [token for token in raw_tokens if token.lower().rstrip(".") not in honorifics]
        raw_tokens = kept or raw_tokens
    tokens: list[str] = []
    for token in raw_tokens:
        if kind == "organization" and "Hangul" in scripts and is_hangul(token):
            tokens.extend(_korean_org_words(token))
        else:
            tokens.extend(ascii_words(token))
    tokens = write_numbers(tokens)
    countries: tuple[str, ...] = ()
    if kind == "organization":
        # before abbreviations and romanized words: the country is looked up as written ("DPR Korea")
        kept_words, country_words, countries = split_country_qualifier(tokens)
        if countries:
            tokens, qualifiers = list(kept_words), (" ".join(country_words),)
        romanized, shortened = romanized_words(), abbreviations()
        tokens = collapse_initials([romanized.get(token) or shortened.get(token, token) for token in tokens])
    korean: tuple[KoreanName, ...] = ()
    if kind == "person" and (scripts & KOREAN_SCRIPTS or (scripts == {"Latin"} and len(raw_tokens) > 1)):
        korean = read_korean_name(name)
    native: tuple[str, ...] = ()
    if len(scripts) == 1 and scripts <= NATIVE_SCRIPTS:
        native = tuple(ch for token in raw_tokens for ch in token) if scripts == {"Han"} else \
            tuple(token.lower() for token in raw_tokens)
    return _form(text, kind, tuple(tokens), scripts, legal_forms, korean, native, qualifiers, countries)


def _form(text: str, kind: str, tokens: tuple[str, ...], scripts: frozenset[str], legal_forms: tuple[str, ...],
          korean: tuple[KoreanName, ...], native: tuple[str, ...], qualifiers: tuple[str, ...],
          countries: tuple[str, ...] = ()) -> NameForm:
    """A name's form, with the sounds and weights of its words."""
    organization = kind == "organization"
    generic = generic_words()
    weights = tuple((GENERIC_WEIGHT if organization and token in generic else 1.0) * max(len(token), 2)
                    for token in tokens)
    return NameForm(text, kind, tokens, tuple(map(_metaphone, tokens)), weights, scripts, legal_forms, korean,
                    native, qualifiers, countries)


def form_record(form: NameForm) -> list:
    """What a record keeps of an analysed name to give it back without analysing it again
    (:func:`restored_form`): its words, legal forms, scripts, Korean readings (by how each
    syllable is written), words in their own script, qualifiers and the codes of a country
    qualifier, as JSON values. The text and kind are the record's own; sounds and weights follow
    from the words."""
    return [form.tokens, form.legal_forms, sorted(form.scripts),
            [[*spelling_of(reading), *(() if reading.text == form.text else (reading.text,))]
             for reading in form.korean],
            form.native, form.qualifiers, form.countries]


def restored_form(text: str, kind: str, record: list) -> NameForm:
    """The form :func:`analyse` gives ``text`` as a ``kind`` of name (an equal one), from its
    :func:`form_record`: about 10 µs against 75 µs for an analysis of a typical listed name."""
    tokens, legal_forms, scripts, readings, native, qualifiers, countries = record
    korean = tuple(reading_from_spelling(script, surname, given, given_first, read[0] if read else text)
                   for script, surname, given, given_first, *read in readings)
    return _form(text, kind, tuple(tokens), frozenset(scripts), tuple(legal_forms), korean, tuple(native),
                 tuple(qualifiers), tuple(countries))


@lru_cache(maxsize=20_000)
def _korean_org_words(token: str) -> tuple[str, ...]:
    """A Hangul word of an organisation's name as the English and romanized words it stands for."""
    return tuple(part for word in korean_org_words(token, _dprk_word) for part in split_words(word))


@lru_cache(maxsize=20_000)
def _dprk_word(word: str) -> str:
    """A Hangul word as the DPRK's own romanization writes it, without diacritics (남강 → namgang)."""
    return romanize(word, "dprk-ascii").replace("-", "").replace("'", "")


_metaphone = lru_cache(maxsize=200_000)(metaphone)
