"""Reading a written name as a Korean personal name: which syllables, in which order.

:func:`read_korean_name` returns every plausible reading of a name written in Hangul, Hanja
(traditional, simplified or Japanese forms), Latin script (any romanization) or Cyrillic:
a surname of one or two syllables (김, 남궁) and a given name of one to three, each position
with the set of Hangul syllables it may be. A Latin or Cyrillic name is read both surname
first and given name first (unless a comma or capitals say which word is the surname);
a name with no known surname, or with a word that is no Korean syllable, has no reading.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from moneymen.names.korean.cyrillic import cyrillic_grammar, cyrillic_words
from moneymen.names.korean.hangul import is_hangul_char, is_syllable
from moneymen.names.korean.hanja import is_han, name_readings
from moneymen.names.korean.latin import Word, latin_grammar, latin_words
from moneymen.names.korean.spelling import SyllableGrammar
from moneymen.names.korean.surnames import COMPOUND_SURNAMES, SURNAME_HANJA, as_surname

#: Apostrophe-like letters (ʼ ʻ are letters to Unicode) and fullwidth ASCII, made plain first.
_PLAIN = {**{ord(c): "'" for c in "ʼʻʹ′’‘`´"}, **{code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}}

#: Longest text read as a name, in characters; most given-name syllables; most readings.
MAX_TEXT = 80
MAX_GIVEN = 3
MAX_READINGS = 24
MAX_COMBINATIONS = 64
#: What is stripped from the ends of a run of one script; a letter of ASCII text.
_RUN_EDGES = " ()[]（）;/"
_ASCII_LETTER = re.compile("[A-Za-z]")


@dataclass(frozen=True, slots=True)
class Syllables:
    """Positions of a surname or given name: the Hangul syllables each may be, and how the
    text wrote each (a Hangul syllable, a Hanja, a romanized syllable in lower case)."""

    candidates: tuple[frozenset[str], ...]
    spelled: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.candidates)


@dataclass(frozen=True, slots=True)
class KoreanName:
    """One reading of a name as a Korean personal name."""

    surname: Syllables
    given: Syllables
    script: str          # "Hangul", "Han", "Latin" or "Cyrillic"
    given_first: bool    # the text wrote the given name before the surname
    text: str            # the text read (its part in this script, for a name written in two)


@lru_cache(maxsize=1 << 16)  # the letters names are written in are few: each is classified once
def _script_of(char: str) -> str | None:
    if is_hangul_char(char):
        return "Hangul"
    if is_han(char):
        return "Han"
    if char.isalpha():
        name = unicodedata.name(char, "")
        if name.startswith("LATIN"):
            return "Latin"
        if name.startswith("CYRILLIC"):
            return "Cyrillic"
        return "Other"
    return None


# --- candidates of one written syllable, per script ------------------------------------------

def _hangul_candidates(spelled: str) -> frozenset[str]:
    return frozenset((spelled,))


def _han_candidates(spelled: str) -> frozenset[str]:
    return name_readings(spelled)


def _surname_candidates(script: str, spelled: tuple[str, ...], grammar: SyllableGrammar | None
                        ) -> tuple[frozenset[str], ...] | None:
    """The candidates of each surname position, or None if these syllables are no surname."""
    if len(spelled) == 1:
        (one,) = spelled
        if script == "Hangul":
            found = as_surname(frozenset((one,)))
        elif script == "Han":
            found = as_surname(frozenset(SURNAME_HANJA.get(one, ()))) or as_surname(name_readings(one))
        else:
            found = as_surname(grammar.name_syllables(one))  # type: ignore[union-attr]
        return (found,) if found else None
    if len(spelled) == 2:
        if script == "Hangul":
            joined = "".join(spelled)
            return (frozenset(joined[0]), frozenset(joined[1])) if joined in COMPOUND_SURNAMES else None
        if script == "Han":
            known = SURNAME_HANJA.get("".join(spelled), ())
            pairs = [(s[0], s[1]) for s in known if len(s) == 2]
            if not pairs:
                firsts, seconds = name_readings(spelled[0]), name_readings(spelled[1])
                pairs = [(s[0], s[1]) for s in COMPOUND_SURNAMES if s[0] in firsts and s[1] in seconds]
        else:
            firsts = grammar.name_syllables(spelled[0])  # type: ignore[union-attr]
            seconds = grammar.name_syllables(spelled[1])  # type: ignore[union-attr]
            pairs = [(s[0], s[1]) for s in COMPOUND_SURNAMES if s[0] in firsts and s[1] in seconds]
        if not pairs:
            return None
        return frozenset(a for a, _ in pairs), frozenset(b for _, b in pairs)
    return None


@lru_cache(maxsize=1 << 15)
def _surname_of(script: str, spelled: tuple[str, ...]) -> tuple[frozenset[str], ...] | None:
    """:func:`_surname_candidates` with the script's grammar, once per spelling."""
    grammar = latin_grammar() if script == "Latin" else cyrillic_grammar() if script == "Cyrillic" else None
    return _surname_candidates(script, spelled, grammar)


def _given_candidates(script: str) -> Callable[[str], frozenset[str]]:
    """What each given-name syllable written in ``script`` may be, as a function of its spelling."""
    if script == "Hangul":
        return _hangul_candidates
    if script == "Han":
        return _han_candidates
    return (latin_grammar() if script == "Latin" else cyrillic_grammar()).name_syllables


def _assemble(script: str, text: str, words: list[list[str]], *, orders: tuple[bool, ...],
              before_comma: int | None, surname_word: int | None = None) -> list[KoreanName]:
    """Readings of one way of cutting the words into syllables, in the orders allowed
    (``surname_word``: the surname is exactly that word, the first or the last)."""
    flat = [syl for word in words for syl in word]
    ends, count = set(), 0  # syllable counts at word ends
    for word in words:
        count += len(word)
        ends.add(count)
    one_word = len(words) == 1
    candidates = _given_candidates(script)
    out = []
    for given_first in orders:
        for size in (1, 2):
            if size >= len(flat):
                continue
            if given_first:
                cut = len(flat) - size
                if one_word or (len(flat) - size) not in ends:
                    continue
                surname_spelled, given_spelled = flat[cut:], flat[:cut]
            else:
                if before_comma is not None:
                    boundary = sum(len(w) for w in words[:before_comma])
                    if size != boundary:
                        continue
                elif not one_word and size not in ends:
                    continue
                surname_spelled, given_spelled = flat[:size], flat[size:]
            if not 1 <= len(given_spelled) <= MAX_GIVEN:
                continue
            if surname_word is not None and (
                    (surname_word == 0 and (given_first or size != len(words[0])))
                    or (surname_word != 0 and (not given_first or size != len(words[-1])))):
                continue
            surname = _surname_of(script, tuple(surname_spelled))
            if surname is None:
                continue
            given = tuple(map(candidates, given_spelled))
            if not all(given):
                continue
            out.append(KoreanName(Syllables(surname, tuple(surname_spelled)),
                                  Syllables(given, tuple(given_spelled)), script, given_first, text))
    return out


def _read_characters(script: str, text: str) -> list[KoreanName]:
    """Hangul or Hanja: one syllable per character, surname first."""
    words = [[c for c in word if (is_syllable(c) if script == "Hangul" else is_han(c))]
             for word in re.split(r"[\s·・,]+", text)]
    words = [w for w in words if w]
    if not words or len(words) > 3:
        return []
    return _assemble(script, text, words, orders=(False,), before_comma=None)


def _read_romanized(script: str, text: str) -> list[KoreanName]:
    parsed = latin_words(text) if script == "Latin" else cyrillic_words(text)
    if parsed is None:
        return []
    words, before_comma = parsed
    if not words or len(words) > 5:
        return []
    if len(words) == 1 and len(words[0].options[-1]) < 3:
        return []  # one short word ("Lee", "Kimjong") is not a full name
    caps = [k for k, w in enumerate(words) if w.caps]
    if len(words) > 1 and len(caps) == 1 and caps[0] in (0, len(words) - 1) and before_comma is None:
        # "KIM Jong Un", "Jong Un KIM": the one word in capitals is the surname
        readings = _romanized_readings(script, text, words, before_comma, surname_word=caps[0])
        if readings:
            return readings
    return _romanized_readings(script, text, words, before_comma)


def _romanized_readings(script: str, text: str, words: list[Word], before_comma: int | None,
                        surname_word: int | None = None) -> list[KoreanName]:
    orders = (False,) if before_comma is not None else (False, True)
    out: list[KoreanName] = []
    for combination in itertools.islice(itertools.product(*(w.options for w in words)), MAX_COMBINATIONS):
        out.extend(_assemble(script, text, [list(c) for c in combination], orders=orders,
                             before_comma=before_comma, surname_word=surname_word))
    return out


@lru_cache(maxsize=1 << 16)
def read_korean_name(text: str) -> tuple[KoreanName, ...]:
    """Every plausible reading of ``text`` as a Korean personal name; () if it cannot be one.

    >>> [r.given.spelled for r in read_korean_name("장성택")]
    [('성', '택')]
    """
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return ()
    if text.isascii():  # one Latin run, from the first letter on
        first = _ASCII_LETTER.search(text)
        if first is None:
            return ()
        run = text[first.start():].replace("`", "'").strip()
        return _distinct(_read_romanized("Latin", run.strip(_RUN_EDGES).strip()))
    text = unicodedata.normalize("NFC", text.translate(_PLAIN)).strip()
    runs: dict[str, list[str]] = {}
    current: str | None = None
    for char in text:
        script = _script_of(char)
        if script is None or script == current:
            if current is not None:
                runs[current][-1] += char
            continue
        if script == "Other":
            return ()
        runs.setdefault(script, []).append(char)
        current = script
    readings: list[KoreanName] = []
    for script, pieces in runs.items():
        part = " ".join(p.strip(_RUN_EDGES) for p in pieces).strip()
        if script in ("Hangul", "Han"):
            readings.extend(_read_characters(script, part))
        else:
            readings.extend(_read_romanized(script, part))
    return _distinct(readings)


def _distinct(readings: list[KoreanName]) -> tuple[KoreanName, ...]:
    """The readings without repeats (same syllables, same order), at most :data:`MAX_READINGS`."""
    seen: set[tuple] = set()
    unique = []
    for reading in readings:
        key = (reading.surname, reading.given, reading.given_first)
        if key not in seen:
            seen.add(key)
            unique.append(reading)
    return tuple(unique[:MAX_READINGS])


def spelling_of(reading: KoreanName) -> tuple[str, tuple[str, ...], tuple[str, ...], bool]:
    """What a reading was made of: (script, surname and given name as written, syllable by
    syllable, given name first); :func:`reading_from_spelling` makes the reading again."""
    return reading.script, reading.surname.spelled, reading.given.spelled, reading.given_first


def reading_from_spelling(script: str, surname: Sequence[str], given: Sequence[str], given_first: bool,
                          text: str) -> KoreanName:
    """The reading of ``text`` that :func:`spelling_of` describes (an equal one), without reading
    ``text`` again: each syllable's candidates follow from how it is written."""
    surname, given = tuple(surname), tuple(given)
    candidates = _surname_of(script, surname)
    if candidates is None:
        raise ValueError(f"{'/'.join(surname)!r} is no surname in {script}")
    return KoreanName(Syllables(candidates, surname), Syllables(tuple(map(_given_candidates(script), given)), given),
                      script, given_first, text)
