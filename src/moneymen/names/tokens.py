"""The words of a name: in lower-case ASCII, with numbers and initials written one way.

Punctuation splits words, apostrophes join them (Qa'ida, O'Brien); a word in another script
is transliterated (Hangul a syllable at a time, see :func:`hangul_ascii`); "forty four",
"44th" and "forty-fourth" are all 44; an organisation's initials written apart are one word.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from rigour.text.translit import ascii_text

from moneymen.names.korean.hangul import INITIAL_INDEX, compose, decompose
from moneymen.names.wordlists import number_words

# Our own splitting, not rigour's ``tokenize_name``: rigour joins letters written with full stops
# ("J.C. Juncker" → "JC", "Juncker"; "n.10" → "n10"), where a person's initials must stay two
# words (each an initial of a given name); an organisation's ("S.A.") are joined later, by
# collapse_initials. 2,262 of 68,000 names of the shared lists and benchmarks split otherwise.
#: Punctuation that splits a name's words.
PUNCTUATION = str.maketrans({ch: " " for ch in ",.;:()[]{}\"/\\-_“”!?*&+#|<>"})
#: Apostrophes and the letters for Arabic 'ayn and hamza join a word, never split it: Qa'ida, O'Brien.
APOSTROPHES = str.maketrans({ch: None for ch in "'`’‘ʼʻʿʾ"})
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")
_DIGIT_FIRST = re.compile(r"(?<!\S)\d")  # a word that begins with a digit


def split_words(text: str) -> list[str]:
    """The words of ``text``: apostrophes joined, split at punctuation and spaces."""
    return text.translate(APOSTROPHES).translate(PUNCTUATION).split()


@lru_cache(maxsize=200_000)  # names share their words: each is transliterated once
def ascii_words(token: str) -> tuple[str, ...]:
    """A word of a name in lower-case ASCII, split where its transliteration has punctuation."""
    if token.isascii():
        ascii_token = token.lower()
    else:
        ascii_token = (hangul_ascii(token) if is_hangul(token) else ascii_text(token)).lower()
    return tuple(split_words(ascii_token))


def is_hangul(token: str) -> bool:
    """Whether every letter of ``token`` is a Hangul syllable."""
    return all("\uac00" <= ch <= "\ud7a3" for ch in token)


def hangul_ascii(word: str) -> str:
    """A word of Hangul syllables as rigour's ``ascii_text`` writes it, a syllable at a time.

    rigour transliterates Hangul letter by letter, with a hyphen where two syllables would
    otherwise read ambiguously (속귕 → soggwing, 가어 → ga-eo), and takes a fifth of a
    millisecond for each new word: a list of a million names has hundreds of thousands of
    them. Its spelling of each syllable, and its choice at each boundary, are asked of it once.
    """
    if not word:
        return ""
    parts = [_syllable_ascii(word[0])]
    for before, after in pairwise(word):
        parts.append(_boundary_ascii(*_boundary(before, after)))
        parts.append(_syllable_ascii(after))
    return "".join(parts)


def _boundary(before: str, after: str) -> tuple[str, str]:
    """Two syllables that meet as ``before`` and ``after`` do: what rigour's choice of a hyphen
    between them depends on (the final and initial letters, or the vowels where neither has one)."""
    _, medial, final = decompose(before)
    initial = decompose(after)[0]
    if final == 0 and initial == _NULL_INITIAL:
        return compose(0, medial), after  # 가, 거… against 아, 어…
    return compose(0, 0, final), compose(initial, 0)  # 각, 갂… against 가, 까…


_NULL_INITIAL = INITIAL_INDEX["ㅇ"]


@lru_cache(maxsize=1 << 14)
def _syllable_ascii(syllable: str) -> str:
    return ascii_text(syllable)


@lru_cache(maxsize=1 << 14)
def _boundary_ascii(before: str, after: str) -> str:
    """"-" where rigour writes one between these syllables, else ""."""
    whole = ascii_text(before + after)
    return "" if whole == _syllable_ascii(before) + _syllable_ascii(after) else "-"


def write_numbers(tokens: list[str]) -> list[str]:
    """Write numbers one way: 'forty four' → '44', '1st' → '1', 'first' → '1'."""
    values = number_words()
    if values.keys().isdisjoint(tokens) and not _DIGIT_FIRST.search(" ".join(tokens)):
        return tokens  # no number word, no ordinal: nothing to write otherwise
    out: list[str] = []
    pending: int | None = None
    for token in tokens:
        ordinal = _ORDINAL.match(token)
        value = values.get(token)
        if ordinal:
            value = int(ordinal.group(1))
        elif token.isdigit() and len(token) == 1 and pending is not None and pending % 10 == 0:
            value = int(token)  # "forty 4"
        if value is not None:
            pending = value if pending is None or value >= pending or pending % 10 else pending + value
            continue
        if pending is not None:
            out.append(str(pending))
            pending = None
        out.append(token)
    if pending is not None:
        out.append(str(pending))
    return out


def drop_own_acronym(tokens: list[str]) -> list[str]:
    """'Korea Kwangson Banking Corporation KKBC' → without 'KKBC': a name's own initials add nothing."""
    if len(tokens) < 3:
        return tokens
    for index, token in enumerate(tokens):
        if len(token) < 2 or not token.isupper() or not token.isalpha():
            continue
        others = [t for k, t in enumerate(tokens) if k != index and t[:1].isalpha()]
        initials = "".join(t[0] for t in others).upper()
        significant = "".join(t[0] for t in others if t.lower() not in ("of", "the", "and", "for")).upper()
        if token in (initials, significant) or (len(token) >= 3 and token in initials):
            return tokens[:index] + tokens[index + 1:]
    return tokens


def collapse_initials(tokens: list[str]) -> list[str]:
    """'a b c company' → 'abc company': an organisation's initials are one word (A.B.C.)."""
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if run:
            out.append("".join(run))
            run = []
        if token:
            out.append(token)
    return out
