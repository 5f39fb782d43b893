"""The sound changes between the syllables of a word, as the romanization systems write them.

:func:`pronounce` takes a word of Hangul syllables and returns the syllables as they sound
in the sense the Revised Romanization, McCune–Reischauer, the DPRK system and Kontsevich
write them: linking of a final to a following vowel (설악 → 서락), ㅎ dropping or making the
next consonant aspirated (좋고 → 조코), palatalization (같이 → 가치), nasalization (백마 → 뱅마,
합니다 → 함니다), ㄹ assimilation (신라 → 실라, 강릉 → 강능, 막론 → 망논) and finals reduced
to the seven that are pronounced. Tensing (국밥 → 국빱) is not written by any of them and
is not applied.

Some changes depend on which words make up a compound, which the spelling does not show.
The rules below take the common case and say where they guess:

* an obstruent before ㅎ is aspirated only when the ㅎ-syllable looks like the verbal
  suffix 히/혀 (잡혀 → 자펴, 굳히다 → 구치다); before any other ㅎ it keeps its h, as the
  RR writes nouns (묵호 → 묵호, 집현전 → 집현전);
* ㄴ + ㄹ becomes ㄴㄴ when the ㄹ-syllable is a suffix-like 란 량 력 령 례 로 론 료 류 률
  at the third syllable or later (생산량 → 생산냥), and ㄹㄹ otherwise (신라 → 실라);
* ㄷ/ㅌ + 이 is palatalized unless another vowel follows the 이 (곧이어 → 고디어).
"""

from __future__ import annotations

from moneymen.names.korean.hangul import FINAL_INDEX, INITIAL_INDEX, MEDIAL_INDEX, compose, decompose

_I = INITIAL_INDEX
_F = FINAL_INDEX
_M = MEDIAL_INDEX
NONE = 0

#: A final before a consonant or at the end of a word: the one consonant it is pronounced as.
NEUTRAL_FINAL = {
    _F[""]: NONE,
    _F["ㄱ"]: _F["ㄱ"], _F["ㄲ"]: _F["ㄱ"], _F["ㅋ"]: _F["ㄱ"], _F["ㄳ"]: _F["ㄱ"], _F["ㄺ"]: _F["ㄱ"],
    _F["ㄴ"]: _F["ㄴ"], _F["ㄵ"]: _F["ㄴ"], _F["ㄶ"]: _F["ㄴ"],
    _F["ㄷ"]: _F["ㄷ"], _F["ㅅ"]: _F["ㄷ"], _F["ㅆ"]: _F["ㄷ"], _F["ㅈ"]: _F["ㄷ"], _F["ㅊ"]: _F["ㄷ"],
    _F["ㅌ"]: _F["ㄷ"], _F["ㅎ"]: _F["ㄷ"],
    _F["ㄹ"]: _F["ㄹ"], _F["ㄼ"]: _F["ㄹ"], _F["ㄽ"]: _F["ㄹ"], _F["ㄾ"]: _F["ㄹ"], _F["ㅀ"]: _F["ㄹ"],
    _F["ㅁ"]: _F["ㅁ"], _F["ㄻ"]: _F["ㅁ"],
    _F["ㅂ"]: _F["ㅂ"], _F["ㅍ"]: _F["ㅂ"], _F["ㄿ"]: _F["ㅂ"], _F["ㅄ"]: _F["ㅂ"],
    _F["ㅇ"]: _F["ㅇ"],
}

#: A final followed by a vowel: what stays and which initial moves over (ㄲ, ㅆ move whole).
_LINK = {
    _F["ㄱ"]: (NONE, _I["ㄱ"]), _F["ㄲ"]: (NONE, _I["ㄲ"]), _F["ㄳ"]: (_F["ㄱ"], _I["ㅅ"]),
    _F["ㄴ"]: (NONE, _I["ㄴ"]), _F["ㄵ"]: (_F["ㄴ"], _I["ㅈ"]), _F["ㄷ"]: (NONE, _I["ㄷ"]),
    _F["ㄹ"]: (NONE, _I["ㄹ"]), _F["ㄺ"]: (_F["ㄹ"], _I["ㄱ"]), _F["ㄻ"]: (_F["ㄹ"], _I["ㅁ"]),
    _F["ㄼ"]: (_F["ㄹ"], _I["ㅂ"]), _F["ㄽ"]: (_F["ㄹ"], _I["ㅅ"]), _F["ㄾ"]: (_F["ㄹ"], _I["ㅌ"]),
    _F["ㄿ"]: (_F["ㄹ"], _I["ㅍ"]), _F["ㅁ"]: (NONE, _I["ㅁ"]), _F["ㅂ"]: (NONE, _I["ㅂ"]),
    _F["ㅄ"]: (_F["ㅂ"], _I["ㅅ"]), _F["ㅅ"]: (NONE, _I["ㅅ"]), _F["ㅆ"]: (NONE, _I["ㅆ"]),
    _F["ㅈ"]: (NONE, _I["ㅈ"]), _F["ㅊ"]: (NONE, _I["ㅊ"]), _F["ㅋ"]: (NONE, _I["ㅋ"]),
    _F["ㅌ"]: (NONE, _I["ㅌ"]), _F["ㅍ"]: (NONE, _I["ㅍ"]),
}

#: ㅎ-finals: what remains once the ㅎ is gone.
_H_FINALS = {_F["ㅎ"]: NONE, _F["ㄶ"]: _F["ㄴ"], _F["ㅀ"]: _F["ㄹ"]}
_ASPIRATE = {_I["ㄱ"]: _I["ㅋ"], _I["ㄷ"]: _I["ㅌ"], _I["ㅈ"]: _I["ㅊ"], _I["ㅂ"]: _I["ㅍ"]}

#: A final before ㅎ: (what stays, the aspirated initial it makes).
_BEFORE_H = {
    _F["ㄱ"]: (NONE, _I["ㅋ"]), _F["ㄲ"]: (NONE, _I["ㅋ"]), _F["ㄺ"]: (_F["ㄹ"], _I["ㅋ"]),
    _F["ㄷ"]: (NONE, _I["ㅌ"]), _F["ㅅ"]: (NONE, _I["ㅌ"]), _F["ㅈ"]: (NONE, _I["ㅊ"]),
    _F["ㅊ"]: (NONE, _I["ㅊ"]), _F["ㅌ"]: (NONE, _I["ㅌ"]), _F["ㄵ"]: (_F["ㄴ"], _I["ㅊ"]),
    _F["ㅂ"]: (NONE, _I["ㅍ"]), _F["ㄼ"]: (_F["ㄹ"], _I["ㅍ"]),
}

_PALATAL = {_F["ㄷ"]: (NONE, _I["ㅈ"]), _F["ㅌ"]: (NONE, _I["ㅊ"]), _F["ㄾ"]: (_F["ㄹ"], _I["ㅊ"])}
_NASAL = {_F["ㄱ"]: _F["ㅇ"], _F["ㄷ"]: _F["ㄴ"], _F["ㅂ"]: _F["ㅁ"]}

#: Suffix-like syllables after which ㄴ + ㄹ is read ㄴㄴ (생산량, 의견란, 입원료 …).
_NN_SUFFIXES = frozenset("란량력령례로론료류률")

_VOWEL = _I["ㅇ"]
_YEO = _M["ㅕ"]
_I_VOWEL = _M["ㅣ"]


def _verbal_h(medial: int, final: int) -> bool:
    """Whether an ㅎ-syllable looks like the passive/causative suffix 히-/혀- (히 힌 혀 혔 …)."""
    return medial == _I_VOWEL or (medial == _YEO and final in (NONE, _F["ㅆ"]))


def pronounce_indices(word: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Apply the sound changes to a word given as (initial, medial, final) indices."""
    s = [list(syl) for syl in word]
    n = len(s)
    for k in range(n):
        if k + 1 == n:
            s[k][2] = NEUTRAL_FINAL[s[k][2]]
            break
        nxt = s[k + 1]
        f, i = s[k][2], nxt[0]
        # ㅎ finals: aspirate, tense ㅅ, or vanish
        if f in _H_FINALS:
            rest = _H_FINALS[f]
            if i in _ASPIRATE:
                s[k][2], nxt[0] = rest, _ASPIRATE[i]
            elif i == _I["ㅅ"]:
                s[k][2], nxt[0] = rest, _I["ㅆ"]
            elif i == _VOWEL:
                s[k][2] = rest
            elif i in (_I["ㄴ"], _I["ㄹ"]):
                s[k][2] = _F["ㄴ"] if f == _F["ㅎ"] else rest
            f, i = s[k][2], nxt[0]
        # an obstruent before the verbal suffix 히/혀
        if i == _I["ㅎ"] and f in _BEFORE_H and _verbal_h(nxt[1], nxt[2]):
            rest, aspirated = _BEFORE_H[f]
            if aspirated == _I["ㅌ"] and nxt[1] == _I_VOWEL:
                aspirated = _I["ㅊ"]  # 굳히다 → 구치다
            s[k][2], nxt[0] = rest, aspirated
            f, i = s[k][2], nxt[0]
        # palatalization: 같이 → 가치
        if (f in _PALATAL and i == _VOWEL and nxt[1] == _I_VOWEL
                and not (k + 2 < n and s[k + 2][0] == _VOWEL)):
            s[k][2], nxt[0] = _PALATAL[f]
            f, i = s[k][2], nxt[0]
        # linking a final to a following vowel
        if i == _VOWEL and f in _LINK:
            s[k][2], nxt[0] = _LINK[f]
            f = s[k][2]
            if f:  # the part of a cluster that stays is pronounced on its own
                s[k][2] = NEUTRAL_FINAL[f]
            continue
        if i == _VOWEL:
            continue
        # consonant meets consonant
        if f == _F["ㄺ"] and i == _I["ㄱ"]:
            f = _F["ㄹ"]
        else:
            f = NEUTRAL_FINAL[f]
        if i == _I["ㄹ"]:
            if f == _F["ㄴ"]:
                syl = compose(*nxt)
                if k >= 1 and syl in _NN_SUFFIXES:
                    i = _I["ㄴ"]
                else:
                    f = _F["ㄹ"]
            elif f in (_F["ㅁ"], _F["ㅇ"]):
                i = _I["ㄴ"]
            elif f in _NASAL:
                i = _I["ㄴ"]
        elif i == _I["ㄴ"] and f == _F["ㄹ"]:
            i = _I["ㄹ"]
        if i in (_I["ㄴ"], _I["ㅁ"]) and f in _NASAL:
            f = _NASAL[f]
        s[k][2], nxt[0] = f, i
    return [tuple(syl) for syl in s]  # type: ignore[misc]


def pronounce(word: str) -> str:
    """The word of Hangul syllables as it sounds (see the module's doc), e.g. 종로 → 종노."""
    if not word:
        return word
    return "".join(compose(*syl) for syl in pronounce_indices([decompose(ch) for ch in word]))
