"""Chinese names in Latin letters: Hanyu Pinyin and Wade–Giles, syllable by syllable.

Sanctions lists write Chinese names in Pinyin (Xi Jinping, Mao Zedong), but older sources,
Taiwan and Hong Kong records and many news archives use Wade–Giles (Hsi Chin-p'ing, Mao
Tse-tung), usually without its apostrophes and umlauts. This module reads a Latin name as a
sequence of Chinese syllables and gives, for each, the Pinyin syllables it can stand for, so
that two names can be compared syllable by syllable in order.

Conservative by design: a name is read as Wade–Giles only when one of its words is Wade–Giles
and not Pinyin ("Hsi", "Tse", "Tung", "Chin"); then every word of it may be ("Teng" is Deng in
"Teng Hsiao-ping"). Otherwise its words are Pinyin or runs of Pinyin syllables ("Jinping"). Without the apostrophes, Wade–Giles cannot tell aspirated
from plain initials (ch/ch', t/t', k/k', p/p', ts/ts'), so such a syllable stands for both.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

#: Pinyin initials, longest first for splitting.
_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r",
             "z", "c", "s", "y", "w", "")
_FINALS = ("a", "o", "e", "i", "u", "v", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "ong", "er",
           "ia", "ie", "iao", "iu", "ian", "in", "iang", "ing", "iong", "ua", "uo", "uai", "ui", "uan", "un",
           "uang", "ue", "ve")
_PALATAL = frozenset({"j", "q", "x"})
_RETROFLEX_DENTAL = frozenset({"zh", "ch", "sh", "r", "z", "c", "s"})
#: The finals in i- and the initials that take them (bi, dia, miu, lin…; yi, yin, ying written with y).
_I_FINAL_INITIALS = {
    "i": set("bpmdtnljqxy"), "ia": set("dljqx"), "ie": set("bpmdtnljqx"), "iao": set("bpmdtnljqx"),
    "iu": set("mdnljqx"), "ian": set("bpmdtnljqx"), "in": set("bpmnljqxy"), "iang": set("nljqx"),
    "ing": set("bpmdtnljqxy"), "iong": set("jqx"),
}
_U_FINALS_PALATAL = frozenset({"u", "ue", "uan", "un"})
#: The syllables written with y and w.
_Y_W = frozenset({"ya", "yan", "yang", "yao", "ye", "yi", "yin", "ying", "yo", "yong", "you", "yu", "yuan", "yue",
                  "yun", "wa", "wai", "wan", "wang", "wei", "wen", "weng", "wo", "wu"})
_NOT_AFTER_LABIALS = frozenset({"ong", "ua", "uo", "uai", "ui", "uan", "un", "uang", "ue", "ia", "iang",
                                "iong", "v", "ve", "e"})


def _pinyin_syllables() -> frozenset[str]:
    """Every Pinyin syllable (a small superset: a few combinations no standard word uses)."""
    syllables = set()
    for initial in _INITIALS:
        for final in _FINALS:
            if final in _I_FINAL_INITIALS:
                if initial not in _I_FINAL_INITIALS[final] and not (final == "i" and initial in _RETROFLEX_DENTAL):
                    continue
            elif initial in _PALATAL and final not in _U_FINALS_PALATAL:
                continue
            if initial == "" and final in ("i", "u", "v", "ui", "un", "iu", "ve", "ue", "in", "ing", "ong"):
                continue  # written yi, wu, yu, wei, wen, you, yue, yin, ying
            if final == "er" and initial:
                continue
            if initial in ("b", "p", "m", "f") and final in _NOT_AFTER_LABIALS:
                continue
            syllables.add(initial + final)
    syllables = {syllable for syllable in syllables if not syllable.startswith(("y", "w"))}
    return frozenset(syllables | _Y_W)


PINYIN = _pinyin_syllables()

#: Wade–Giles initials (apostrophes dropped) → the Pinyin initials they may stand for.
_WG_INITIALS = {
    "ch": ("zh", "ch", "j", "q"), "hs": ("x",), "sh": ("sh",), "ts": ("z", "c"), "tz": ("z", "c"),
    "ss": ("s",), "sz": ("s",), "j": ("r",), "k": ("g", "k"), "p": ("b", "p"), "t": ("d", "t"),
    "b": ("b",), "m": ("m",), "f": ("f",), "n": ("n",), "l": ("l",), "h": ("h",), "s": ("s",),
    "y": ("y",), "w": ("w",), "": ("",),
}
_WG_INITIAL_ORDER = sorted(_WG_INITIALS, key=len, reverse=True)
#: Wade–Giles finals → Pinyin finals (identity when absent).
_WG_FINALS = {
    "ih": ("i",), "u": ("u", "i"), "ieh": ("ie",), "ien": ("ian",), "ung": ("ong",), "iung": ("iong",),
    "uei": ("ui",), "ueh": ("ue",), "uan": ("uan",), "o": ("o", "e", "uo"), "eh": ("e",), "erh": ("er",),
    "en": ("en", "an"), "i": ("i",), "iu": ("iu",), "ui": ("ui",), "un": ("un",),
}


@lru_cache(maxsize=1 << 17)
def wade_giles(syllable: str) -> frozenset[str]:
    """The Pinyin syllables a Wade–Giles syllable (lower case, no apostrophe) may stand for.

    ``wade_giles("hsi") == {"xi"}``; ``wade_giles("tse") == {"ze", "ce"}``; empty when the
    text is no Wade–Giles syllable.
    """
    found = set()
    for initial in _WG_INITIAL_ORDER:
        if not syllable.startswith(initial):
            continue
        final = syllable[len(initial):]
        if not final:
            continue
        for pinyin_initial in _WG_INITIALS[initial]:
            for pinyin_final in _WG_FINALS.get(final, (final,)):
                candidate = pinyin_initial + pinyin_final
                if initial == "" and pinyin_final == "rh":
                    continue
                if candidate in PINYIN:
                    found.add(candidate)
        if syllable in ("yu",):
            found.update({"you", "yu"})
        if found:
            break
    return frozenset(found)


@lru_cache(maxsize=1 << 17)
def pinyin_split(word: str) -> tuple[tuple[str, ...], ...]:
    """Ways to read ``word`` as a run of Pinyin syllables ("jinping" → ("jin", "ping")), at most four."""
    if not word.isascii() or not word.isalpha():
        return ()
    results: list[tuple[str, ...]] = []

    def walk(rest: str, taken: tuple[str, ...]) -> None:
        if len(results) >= 4 or len(taken) > 4:
            return
        if not rest:
            results.append(taken)
            return
        for size in range(min(6, len(rest)), 0, -1):
            head = rest[:size]
            if head in PINYIN:
                walk(rest[size:], (*taken, head))

    walk(word, ())
    return tuple(results)


@lru_cache(maxsize=100_000)  # a name is read when indexed and again in each comparison
def chinese_readings(tokens: tuple[str, ...]) -> tuple[tuple[frozenset[str], ...], ...]:
    """Readings of a name's words as Chinese syllables: per syllable, the Pinyin it may stand for.

    A word that is Pinyin is read as Pinyin only; a word that is not may be one Wade–Giles
    syllable. Empty when some word is neither, or the name reads as more than four syllables.
    """
    if not all(map(_chinese_word, tokens)):
        return ()  # most names of a large list: "Smith", "Ivanovich" are no Chinese syllable
    wade = uses_wade_giles(tokens)
    per_token: list[list[tuple[frozenset[str], ...]]] = []
    for token in tokens:
        splits = pinyin_split(token)
        readings = wade_giles(token) if wade or not splits else frozenset()
        options = [tuple(frozenset({syllable}) for syllable in split) for split in splits]
        if readings:  # in a Wade–Giles name, "Teng" may be Deng
            options.append((readings | {split[0] for split in splits if len(split) == 1},))
        if not options:
            return ()
        per_token.append(options)
    out = []
    for combination in itertools.product(*per_token):
        syllables = tuple(itertools.chain.from_iterable(combination))
        if 2 <= len(syllables) <= 4:
            out.append(syllables)
    return tuple(out[:16])


@lru_cache(maxsize=1 << 17)
def _chinese_word(token: str) -> bool:
    """Whether a word may be written Chinese: Pinyin syllables, or one Wade–Giles syllable."""
    return bool(pinyin_split(token) or wade_giles(token))


@lru_cache(maxsize=200_000)
def uses_wade_giles(tokens: tuple[str, ...]) -> bool:
    """Whether some word of the name is Wade–Giles and not Pinyin ("Hsi", "Tse-tung", "Chin")."""
    return any(not pinyin_split(token) and wade_giles(token) for token in tokens)


def same_chinese_name(left: tuple[str, ...], right: tuple[str, ...]) -> bool:
    """Whether two names read as the same Chinese syllables, in order, in some reading of each."""
    for a in chinese_readings(left):
        for b in chinese_readings(right):
            if len(a) == len(b) and all(x & y for x, y in zip(a, b)):
                return True
    return False


@lru_cache(maxsize=50_000)
def same_syllable(read: str, written: str) -> bool | None:
    """Whether ``written`` (a Latin word) can be ``read``, the Pinyin of a Chinese character.

    A character's Pinyin is exact, and Pinyin syllables are a closed set: "chen" is another
    syllable than "cheng", not a misspelling of it. So a word that is a Chinese syllable (Pinyin,
    or Wade–Giles: "Chang" for zhang) is the character's syllable or is not; None when
    ``written`` is no Chinese syllable at all (it may be a misspelling: compare it as a word).
    """
    if written == read:
        return True
    readings = wade_giles(written)
    if written not in PINYIN and not readings:
        return None
    return read in readings
