"""Comparing two readings of Korean names, syllable by syllable, with the reasons in words.

Positions are compared in order: surname with surname, first given syllable with first
given syllable, and so on (Kim Jong Un is not Kim Un Jong). A position scores

* 1.0 when the two may be the same syllable (their candidate sets meet): 성 and "Sŏng";
* 0.9 for the first given-name syllable written with and without the initial-sound law
  (Choe Ryong Hae / 최용해: the South applies the law at the start of the given name only);
* 0.5 when they are different syllables that sound close (they share a :func:`syllable_key`:
  a typo-level difference such as 송/성 between two Hangul spellings);
* 0 otherwise, and for a syllable that has no counterpart.

The name scores ``(mean + min) / 2`` of its positions: 1.0 when every syllable agrees, at
most 0.5 as soon as one position does not (a different surname, a different or missing
given syllable), about 0.67 for one close-sounding difference in a three-syllable name (below
0.7 for names of up to four syllables).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from moneymen.names.korean.hangul import decompose
from moneymen.names.korean.reading import KoreanName, Syllables
from moneymen.names.korean.surnames import initial_law_forms

SAME = 1.0
INITIAL_LAW = 0.9
NEAR = 0.5


@dataclass(frozen=True, slots=True)
class SyllableMatch:
    """How one position of two names compares."""

    role: str        # "surname" or "given"
    position: int    # 0-based within the surname or the given name
    left: str        # as the left name wrote it
    right: str       # as the right name wrote it
    how: str         # in words
    score: float


@dataclass(frozen=True, slots=True)
class KoreanComparison:
    """The score of two readings in [0, 1] and the comparison of each position."""

    score: float
    parts: tuple[SyllableMatch, ...]


# --- the romanization-neutral key ---------------------------------------------------------

# Initial classes: voicing and aspiration aside (ㄱ ㄲ ㅋ → k); ㄴ ㄹ and silent ㅇ together,
# since the initial-sound law and r/l/n spellings move between them (리, 이, 니).
_INITIAL_CLASS = ("k", "k", "r", "t", "t", "r", "m", "p", "p", "s", "s", "r", "c", "c", "c", "k", "t", "p", "h")
# Vowel classes: the ŏ/o/u/ŭ confusions of MR without diacritics and ad-hoc spellings
# (Song, Sung, Son for 성 선 송 손 승) share one class; so do ae/e, y-vowels, oe/wae/we.
_MEDIAL_CLASS = {
    "ㅏ": "a", "ㅐ": "e", "ㅔ": "e", "ㅑ": "ya", "ㅒ": "ye", "ㅖ": "ye", "ㅓ": "o", "ㅗ": "o", "ㅜ": "o",
    "ㅡ": "o", "ㅕ": "yo", "ㅛ": "yo", "ㅠ": "yo", "ㅘ": "wa", "ㅙ": "we", "ㅚ": "we", "ㅞ": "we",
    "ㅝ": "wo", "ㅟ": "wi", "ㅢ": "i", "ㅣ": "i",
}
_MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_MEDIAL_BY_INDEX = tuple(_MEDIAL_CLASS[m] for m in _MEDIALS)
# Final classes: what a final sounds like at the end of a syllable.
_FINAL_CLASS = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
                "t", "t", "ng", "t", "t", "k", "t", "p", "t")


@lru_cache(maxsize=None)
def syllable_key(hangul_syllable: str) -> str:
    """A coarse, romanization-neutral key of a Hangul syllable for a candidate index.

    Initial consonant class (no voicing or aspiration distinction; ㄴ ㄹ ㅇ together), vowel
    class (ŏ o u ŭ together; ae e; the y-vowels; oe wae we) and final class: 성 and 송 are
    both "s-o-ng", 정 and 청 "c-o-ng", 리 이 니 "r-i-". Every spelling of a syllable in any
    system reads back to candidates that include the syllable, so a romanized name's keys
    always include the keys of the Hangul it stands for.
    """
    i, m, f = decompose(hangul_syllable)
    return f"{_INITIAL_CLASS[i]}-{_MEDIAL_BY_INDEX[m]}-{_FINAL_CLASS[f]}"


@lru_cache(maxsize=1 << 15)
def _keys(candidates: frozenset[str]) -> frozenset[str]:
    return frozenset(syllable_key(s) for s in candidates)


@lru_cache(maxsize=1 << 15)
def _law_forms(candidates: frozenset[str]) -> frozenset[str]:
    out: set[str] = set()
    for syllable in candidates:
        out.update(initial_law_forms(syllable))
    return frozenset(out)


# --- explanations -------------------------------------------------------------------------

@lru_cache(maxsize=1 << 15)
def _system_of(spelled: str, syllable: str, script: str) -> str:
    """Which system writes ``syllable`` as ``spelled`` ("MR", "DPRK" …), else "spelled"."""
    from moneymen.names.korean.systems import SYSTEMS

    names = ("kontsevich",) if script == "Cyrillic" else (
        "mr", "dprk", "rr-syllable", "mr-ascii", "dprk-ascii", "yale", "rr-translit")
    for voiced in (False, True):
        for name in names:
            system = SYSTEMS[name]
            if system.syllable(syllable, voiced=voiced).lower() == spelled:
                return system.short
    return "Cyrillic" if script == "Cyrillic" else "romanized"


def _describe(spelled: str, script: str, syllable: str) -> str:
    if script == "Hangul":
        return f"Hangul {spelled}"
    if script == "Han":
        return f"Hanja {spelled} reads {syllable}"
    return f"{_system_of(spelled, syllable, script)} {spelled}"


def _show(spelled: str, script: str, candidates: frozenset[str]) -> str:
    if script == "Hangul":
        return spelled
    listed = "/".join(sorted(candidates)[:3]) + ("/…" if len(candidates) > 3 else "")
    return f"{spelled} ({listed})"


@lru_cache(maxsize=1 << 16)
def _position(role: str, position: int, a: frozenset[str], b: frozenset[str], a_spelled: str,
              b_spelled: str, a_script: str, b_script: str) -> SyllableMatch:
    common = a & b
    if common:
        if a_script == "Hangul" and a_spelled in common:
            syllable = a_spelled
        elif b_script == "Hangul" and b_spelled in common:
            syllable = b_spelled
        else:
            syllable = min(common)
        if a_script == "Han" or b_script == "Han":
            han, other, other_script = (a_spelled, b_spelled, b_script) if a_script == "Han" else (
                b_spelled, a_spelled, a_script)
            how = f"Hanja {han} reads {syllable}"
            if other_script != "Han" and other_script != "Hangul":
                how += f" ({_describe(other, other_script, syllable)})"
            elif other_script == "Han" and other != han:
                how += f", as does {other}"
        elif a_script == b_script and a_spelled == b_spelled:
            how = f"same spelling {a_spelled}" + ("" if a_script == "Hangul" else f" ({'/'.join(sorted(common)[:3])})")
        else:
            how = (f"same syllable {syllable} ({_describe(a_spelled, a_script, syllable)} / "
                   f"{_describe(b_spelled, b_script, syllable)})")
        return SyllableMatch(role, position, a_spelled, b_spelled, how, SAME)
    if role == "given" and position == 0 and (_law_forms(a) & b or _law_forms(b) & a):
        x = min(_law_forms(a) & b or _law_forms(b) & a)
        how = f"initial-sound law: {_show(a_spelled, a_script, a)} and {_show(b_spelled, b_script, b)} ({x})"
        return SyllableMatch(role, position, a_spelled, b_spelled, how, INITIAL_LAW)
    if _keys(a) & _keys(b):
        how = (f"close but different syllables {_show(a_spelled, a_script, a)} ~ "
               f"{_show(b_spelled, b_script, b)}")
        return SyllableMatch(role, position, a_spelled, b_spelled, how, NEAR)
    how = f"different syllables {_show(a_spelled, a_script, a)} ≠ {_show(b_spelled, b_script, b)}"
    return SyllableMatch(role, position, a_spelled, b_spelled, how, 0.0)


@lru_cache(maxsize=1 << 12)
def _missing(role: str, position: int, a_spelled: str, b_spelled: str) -> SyllableMatch:
    present = a_spelled or b_spelled
    return SyllableMatch(role, position, a_spelled, b_spelled,
                         f"{'surname' if role == 'surname' else 'given-name'} syllable {present} has no counterpart",
                         0.0)


def _compare_role(role: str, a: Syllables, b: Syllables, a_script: str, b_script: str,
                  parts: list[SyllableMatch]) -> None:
    ac, bc, asp, bsp = a.candidates, b.candidates, a.spelled, b.spelled
    for k in range(max(len(ac), len(bc))):
        if k < len(ac) and k < len(bc):
            parts.append(_position(role, k, ac[k], bc[k], asp[k], bsp[k], a_script, b_script))
        else:
            parts.append(_missing(role, k, asp[k] if k < len(asp) else "", bsp[k] if k < len(bsp) else ""))


def compare_korean_names(a: KoreanName, b: KoreanName) -> KoreanComparison:
    """Compare two readings position by position (see the module's doc for the scores)."""
    parts: list[SyllableMatch] = []
    _compare_role("surname", a.surname, b.surname, a.script, b.script, parts)
    _compare_role("given", a.given, b.given, a.script, b.script, parts)
    scores = [p.score for p in parts]
    score = 0.5 * (sum(scores) / len(scores)) + 0.5 * min(scores)
    return KoreanComparison(round(score, 6), tuple(parts))


def best_comparison(left: str, right: str) -> tuple[KoreanComparison, KoreanName, KoreanName] | None:
    """The best-scoring pair of readings of two texts, or None if either has no reading."""
    from moneymen.names.korean.reading import read_korean_name

    best = None
    for a in read_korean_name(left):
        for b in read_korean_name(right):
            result = compare_korean_names(a, b)
            if best is None or result.score > best[0].score:
                best = (result, a, b)
    return best
