"""Hangul syllables and their jamo: compose, decompose, classify.

A precomposed Hangul syllable (U+AC00–U+D7A3) is ``initial × 21 × 28 + medial × 28 + final``
past U+AC00. Jamo here are the *compatibility* jamo (ㄱ, ㅏ …), which is how people type them
and how the tables under ``data/`` write them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

SYLLABLE_FIRST = 0xAC00
SYLLABLE_LAST = 0xD7A3
SYLLABLE_COUNT = 11172

#: The 19 initial consonants, 21 medial vowels and 27 finals (index 0 of FINALS: no final).
INITIALS: tuple[str, ...] = tuple("ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ")
MEDIALS: tuple[str, ...] = tuple("ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ")
FINALS: tuple[str, ...] = ("",) + tuple("ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")

INITIAL_INDEX = {jamo: i for i, jamo in enumerate(INITIALS)}
MEDIAL_INDEX = {jamo: i for i, jamo in enumerate(MEDIALS)}
FINAL_INDEX = {jamo: i for i, jamo in enumerate(FINALS)}

#: The silent initial ㅇ (a syllable that starts with a vowel).
NULL_INITIAL = INITIAL_INDEX["ㅇ"]


def is_syllable(char: str) -> bool:
    """Whether ``char`` is one precomposed Hangul syllable."""
    return len(char) == 1 and SYLLABLE_FIRST <= ord(char) <= SYLLABLE_LAST


def is_jamo(char: str) -> bool:
    """Whether ``char`` is a Hangul letter on its own (compatibility or conjoining jamo)."""
    if len(char) != 1:
        return False
    code = ord(char)
    return 0x3131 <= code <= 0x318E or 0x1100 <= code <= 0x11FF or 0xA960 <= code <= 0xA97F or 0xD7B0 <= code <= 0xD7FF


def is_hangul_char(char: str) -> bool:
    """A Hangul syllable or jamo."""
    return is_syllable(char) or is_jamo(char)


def is_hangul(text: str) -> bool:
    """Whether every letter of ``text`` is Hangul (spaces and punctuation aside) and there is one."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(is_hangul_char(c) for c in letters)


def has_hangul(text: str) -> bool:
    """Whether ``text`` holds at least one Hangul syllable or jamo."""
    return any(is_hangul_char(c) for c in text)


def decompose(syllable: str) -> tuple[int, int, int]:
    """The (initial, medial, final) indices of a syllable; final 0 means none."""
    code = ord(syllable) - SYLLABLE_FIRST
    if not 0 <= code < SYLLABLE_COUNT or len(syllable) != 1:
        raise ValueError(f"not a Hangul syllable: {syllable!r}")
    return code // 588, (code % 588) // 28, code % 28


def compose(initial: int, medial: int, final: int = 0) -> str:
    """The syllable of the given jamo indices (see :data:`INITIALS`, :data:`MEDIALS`, :data:`FINALS`)."""
    if not (0 <= initial < 19 and 0 <= medial < 21 and 0 <= final < 28):
        raise ValueError(f"jamo indices out of range: {initial}, {medial}, {final}")
    return chr(SYLLABLE_FIRST + (initial * 21 + medial) * 28 + final)


def jamo(syllable: str) -> tuple[str, str, str]:
    """The (initial, medial, final) jamo of a syllable, e.g. 택 → ('ㅌ', 'ㅐ', 'ㄱ')."""
    i, m, f = decompose(syllable)
    return INITIALS[i], MEDIALS[m], FINALS[f]


def compose_jamo(initial: str, medial: str, final: str = "") -> str:
    """The syllable of the given compatibility jamo, e.g. ('ㅌ', 'ㅐ', 'ㄱ') → 택."""
    return compose(INITIAL_INDEX[initial], MEDIAL_INDEX[medial], FINAL_INDEX[final])


def all_syllables() -> Iterator[str]:
    """Every one of the 11,172 precomposed syllables, in code point order."""
    return (chr(code) for code in range(SYLLABLE_FIRST, SYLLABLE_LAST + 1))


def normalize(text: str) -> str:
    """NFC, so that sequences of conjoining jamo become precomposed syllables."""
    return unicodedata.normalize("NFC", text)
