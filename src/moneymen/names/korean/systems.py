"""Romanization systems for Korean: one small class per system, the tables as data, a registry.

Every system has the same few methods:

* ``romanize(hangul, names=False)``: running text, word by word, with the sound changes the
  system writes; with ``names=True`` a personal name as the system writes names (surname
  apart, given name without sound changes, the system's capitals and hyphens);
* ``syllable(syllable, voiced=False)``: one syllable as the system writes it on its own, or
  (``voiced``) after a vowel inside a name, which the inventory of spellings is built from.

How each system writes each jamo is in ``data/systems.tsv``; the context rules (voicing,
ㄹ, separators) are in the classes. The sound changes shared by RR, MR, the DPRK system and
Kontsevich are in :mod:`moneymen.names.korean.phonology`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from types import MappingProxyType

from moneymen.names.korean.hangul import (
    FINAL_INDEX,
    FINALS,
    INITIAL_INDEX,
    INITIALS,
    MEDIAL_INDEX,
    MEDIALS,
    decompose,
    normalize,
)
from moneymen.names.korean.phonology import pronounce_indices

_I = INITIAL_INDEX
_F = FINAL_INDEX
_M = MEDIAL_INDEX
_NULL = _I["ㅇ"]
_RIEUL_I = _I["ㄹ"]
_RIEUL_F = _F["ㄹ"]
#: Finals after which a plain consonant is voiced (a vowel, i.e. no final, counts too).
_VOICED_FINALS = frozenset({0, _F["ㄴ"], _F["ㄹ"], _F["ㅁ"], _F["ㅇ"]})
_BILABIALS = frozenset({_I["ㅁ"], _I["ㅂ"], _I["ㅃ"], _I["ㅍ"]})


@dataclass(frozen=True)
class JamoTable:
    """One system's column of ``data/systems.tsv``."""

    initials: tuple[tuple[str, str], ...]   # (voiceless, voiced) per initial index
    medials: tuple[tuple[str, str], ...]    # (after a consonant, after silent ㅇ) per medial index
    finals: tuple[str, ...]                 # per final index (0: none)


@lru_cache(maxsize=None)
def jamo_table(column: str) -> JamoTable:
    """Read one system's column of ``data/systems.tsv``."""
    text = resources.files("moneymen.names.korean").joinpath("data/systems.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    header, rows = rows[0], rows[1:]
    col = header.index(column)
    initials: list[tuple[str, str]] = [("", "")] * len(INITIALS)
    medials: list[tuple[str, str]] = [("", "")] * len(MEDIALS)
    finals: list[str] = [""] * len(FINALS)
    for row in rows:
        role, jamo, cell = row[0], row[1], row[col] if col < len(row) else ""
        if role == "initial":
            plain, _, voiced = cell.partition("/")
            initials[_I[jamo]] = (plain, voiced or plain)
        elif role == "medial":
            after_consonant, _, after_null = cell.partition("|")
            medials[_M[jamo]] = (after_consonant, after_null or after_consonant)
        elif role == "final":
            finals[_F[jamo]] = cell
        else:
            raise ValueError(f"systems.tsv: unknown role {role!r}")
    return JamoTable(tuple(initials), tuple(medials), tuple(finals))


_RUNS = re.compile(r"([\uac00-\ud7a3]+)|([\u3131-\u318e]+)")


def _capitalize(text: str) -> str:
    for pos, char in enumerate(text):
        if char.isalpha():
            return text[:pos] + char.upper() + text[pos + 1:]
    return text


def split_name(hangul: str) -> tuple[str, str]:
    """(surname, given name) of a Hangul name: a space if there is one, else a known two-syllable
    surname (남궁, 황보 …) before at least one more syllable, else the first syllable."""
    from moneymen.names.korean.surnames import COMPOUND_SURNAMES

    words = hangul.split()
    if len(words) > 1:
        return words[0], "".join(words[1:])
    word = words[0] if words else ""
    if len(word) >= 3 and word[:2] in COMPOUND_SURNAMES:
        return word[:2], word[2:]
    return word[:1], word[1:]


class RomanizationSystem:
    """The interface of a romanization system (see the module's doc)."""

    #: The registry name, e.g. "mr".
    name: str = ""
    #: How explanations name it, e.g. "MR".
    short: str = ""
    #: Its full name.
    label: str = ""
    #: "Latin" or "Cyrillic".
    script: str = "Latin"
    #: Its column in data/systems.tsv.
    column: str = ""

    @property
    def table(self) -> JamoTable:
        return jamo_table(self.column)

    # -- the interface -------------------------------------------------------------------
    def romanize(self, hangul: str, *, names: bool = False) -> str:
        """Romanize Hangul text; with ``names`` a personal name (surname first)."""
        text = normalize(hangul)
        if names:
            surname, given = split_name(text.strip())
            parts = [self.name_part(surname, surname=True)]
            if given:
                parts.append(self.name_part(given, surname=False))
            return " ".join(p for p in parts if p)
        return _RUNS.sub(lambda m: self.word(m.group(1)) if m.group(1) else self.letters(m.group(2)), text)

    def syllable(self, syllable: str, *, voiced: bool = False) -> str:
        """One syllable on its own (``voiced``: after a vowel, as inside a given name)."""
        i, m, f = decompose(syllable)
        return self.initial(i, voiced=voiced) + self.medial(i, m) + self.final(f)

    # -- pieces the classes share ----------------------------------------------------------
    def initial(self, i: int, *, voiced: bool = False) -> str:
        plain, vo = self.table.initials[i]
        return vo if voiced else plain

    def medial(self, i: int, m: int) -> str:
        after_consonant, after_null = self.table.medials[m]
        return after_null if i == _NULL else after_consonant

    def final(self, f: int) -> str:
        return self.table.finals[f]

    def letters(self, jamo: str) -> str:
        """Jamo standing alone (ㅠㄴㅁㄱ): consonants as initials, vowels as after ㅇ."""
        out = []
        for ch in jamo:
            if ch in _I:
                out.append(self.initial(_I[ch]) or "ng")
            elif ch in _M:
                out.append(self.medial(_NULL, _M[ch]))
            elif ch in _F:
                out.append(self.final(_F[ch]))
            else:
                out.append(ch)
        return "".join(out)

    def word(self, word: str) -> str:
        """A run of Hangul syllables (one word of running text)."""
        raise NotImplementedError

    def name_part(self, hangul: str, *, surname: bool) -> str:
        """A surname or a given name as the system writes names."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


class RevisedRomanization(RomanizationSystem):
    """The Revised Romanization of Korean (South Korea, 2000).

    ``mode="word"`` writes the sound changes (종로 → jongno); ``"syllable"`` writes each syllable
    as it stands, as names and many databases are written (종로 → jongro); ``"transliteration"``
    is the letter-for-letter form of RR §8 for scholarly use (독립 → doglib, 굳이 → gud-i).
    Names are written surname apart, given name joined, without sound changes (Jang Seongtaek).
    """

    label = "Revised Romanization"
    column = "rr"

    def __init__(self, mode: str = "word"):
        if mode not in ("word", "syllable", "transliteration"):
            raise ValueError(f"unknown RR mode {mode!r}")
        self.mode = mode
        self.name = {"word": "rr", "syllable": "rr-syllable", "transliteration": "rr-translit"}[mode]
        self.short = {"word": "RR", "syllable": "RR", "transliteration": "RR transliteration"}[mode]
        self.column = "rr-translit" if mode == "transliteration" else "rr"

    def word(self, word: str) -> str:
        syls = [decompose(ch) for ch in word]
        if self.mode == "word":
            syls = pronounce_indices(syls)
        if self.mode == "transliteration":
            return self._transliterate(syls)
        out = []
        prev_final = 0
        for i, m, f in syls:
            head = "l" if (i == _RIEUL_I and prev_final == _RIEUL_F) else self.initial(i)
            out.append(head + self.medial(i, m) + self.final(f))
            prev_final = f
        return "".join(out)

    def _transliterate(self, syls: list[tuple[int, int, int]]) -> str:
        out: list[str] = []
        prev_final = ""
        for k, (i, m, f) in enumerate(syls):
            head = self.initial(i)
            if k and i == _NULL:
                head = "-"
            elif k and prev_final and head and _ambiguous(prev_final, head, self._codas, self._onsets):
                head = "-" + head
            out.append(head + self.medial(i, m) + self.final(f))
            prev_final = self.final(f)
        return "".join(out)

    @cached_property
    def _codas(self) -> frozenset[str]:
        return frozenset(self.table.finals)

    @cached_property
    def _onsets(self) -> frozenset[str]:
        return frozenset(p for p, _ in self.table.initials if p)

    def name_part(self, hangul: str, *, surname: bool) -> str:
        if self.mode == "transliteration":
            return _capitalize(self.word(hangul))
        out = []
        prev_final = 0
        for ch in hangul:
            i, m, f = decompose(ch)
            head = "l" if (i == _RIEUL_I and prev_final == _RIEUL_F) else self.initial(i)
            out.append(head + self.medial(i, m) + self.final(f))
            prev_final = f
        return _capitalize("".join(out))


def _ambiguous(coda: str, onset: str, codas: frozenset[str], onsets: frozenset[str]) -> bool:
    """Whether coda+onset could also be read split elsewhere (ss+s: s|ss or ss|s)."""
    joined = coda + onset
    for cut in range(len(joined) + 1):
        if cut == len(coda):
            continue
        if joined[:cut] in codas and joined[cut:] in onsets:
            return True
    return False


class McCuneReischauer(RomanizationSystem):
    """McCune–Reischauer (1939): breves ŏ ŭ, apostrophes for aspirates (ch' k' t' p'), voicing
    between voiced sounds (Kim Tae-jung), n'g where n and g meet (Han'gŭl).

    ``ascii=True`` is how MR is mostly typed: no breves, no apostrophes (Chang Song-taek).
    """

    label = "McCune–Reischauer"
    column = "mr"

    def __init__(self, ascii: bool = False):
        self.ascii = ascii
        self.name = "mr-ascii" if ascii else "mr"
        self.short = "MR without diacritics" if ascii else "MR"

    def _plain(self, text: str) -> str:
        if not self.ascii:
            return text
        return text.replace("ŏ", "o").replace("ŭ", "u").replace("Ŏ", "O").replace("Ŭ", "U").replace("'", "")

    def syllable(self, syllable: str, *, voiced: bool = False) -> str:
        i, m, f = decompose(syllable)
        head = "sh" if (i == _I["ㅅ"] and m == _M["ㅟ"]) else self.initial(i, voiced=voiced)
        return self._plain(head + self.medial(i, m) + self.final(f))

    def _join(self, syls: list[tuple[int, int, int]], *, sep: str = "") -> str:
        out = []
        prev_final = None  # None: start of the word
        for i, m, f in syls:
            voiced = prev_final is not None and prev_final in _VOICED_FINALS
            if i == _I["ㅅ"] and m == _M["ㅟ"]:
                head = "sh"
            elif i == _RIEUL_I and prev_final == _RIEUL_F:
                head = "l"
            else:
                head = self.initial(i, voiced=voiced)
            if not sep and prev_final == _F["ㄴ"] and head == "g":
                head = "'g"  # han'gŭl: n and g, not ng
            out.append(head + self.medial(i, m) + self.final(f))
            prev_final = f
        return self._plain(sep.join(out))

    def word(self, word: str) -> str:
        return self._join(pronounce_indices([decompose(ch) for ch in word]))

    def name_part(self, hangul: str, *, surname: bool) -> str:
        return _capitalize(self._join([decompose(ch) for ch in hangul], sep="" if surname else "-"))


class DPRKOfficial(RomanizationSystem):
    """The DPRK's own system (1992, as reported to UNGEGN): MR's vowels with breves, aspirates
    written with h (kh th ph), ㅈ always j, ㄱ ㄷ ㅂ voiced (g d b) inside a word, n-g hyphenated
    (Phan-gyo). Names are written syllable by syllable: Jang Sŏng Thaek, Kim Jŏng Ŭn.

    ``ascii=True`` drops the breves, as KCNA and most lists write it (Jang Song Thaek).
    """

    label = "DPRK official romanization"
    column = "dprk"

    def __init__(self, ascii: bool = False):
        self.ascii = ascii
        self.name = "dprk-ascii" if ascii else "dprk"
        self.short = "DPRK without diacritics" if ascii else "DPRK"

    def _plain(self, text: str) -> str:
        if not self.ascii:
            return text
        return text.replace("ŏ", "o").replace("ŭ", "u").replace("Ŏ", "O").replace("Ŭ", "U")

    def syllable(self, syllable: str, *, voiced: bool = False) -> str:
        return self._plain(super().syllable(syllable, voiced=voiced))

    def word(self, word: str) -> str:
        out = []
        prev_final = None
        for i, m, f in pronounce_indices([decompose(ch) for ch in word]):
            if i == _RIEUL_I and prev_final == _RIEUL_F:
                head = "l"
            else:
                head = self.initial(i, voiced=prev_final is not None)
            if prev_final == _F["ㄴ"] and i == _I["ㄱ"]:
                head = "-" + head
            out.append(head + self.medial(i, m) + self.final(f))
            prev_final = f
        return self._plain("".join(out))

    def name_part(self, hangul: str, *, surname: bool) -> str:
        if surname:
            return _capitalize(self.word(hangul))
        return " ".join(_capitalize(self.syllable(ch)) for ch in hangul)


class Yale(RomanizationSystem):
    """Martin's Yale romanization: letter for letter, no sound changes (Cang Seng-thayk);
    wu is written u after m p pp ph, and a full stop keeps a final apart from a following
    doubled letter (sayk.kkal, payk.kwa)."""

    name = "yale"
    short = "Yale"
    label = "Yale romanization"
    column = "yale"

    def medial(self, i: int, m: int) -> str:
        if m == _M["ㅜ"] and i in _BILABIALS:
            return "u"
        return super().medial(i, m)

    def word(self, word: str) -> str:
        out: list[str] = []
        prev_final = ""
        for ch in word:
            i, m, f = decompose(ch)
            head = self.initial(i)
            if prev_final and head and prev_final[-1] == head[0] and head[0] in "ktpsc":
                head = "." + head
            out.append(head + self.medial(i, m) + self.final(f))
            prev_final = self.final(f)
        return "".join(out)

    def name_part(self, hangul: str, *, surname: bool) -> str:
        if surname:
            return _capitalize(self.word(hangul))
        return _capitalize("-".join(self.syllable(ch) for ch in hangul))


class Kontsevich(RomanizationSystem):
    """Kontsevich's Cyrillic transcription (the Russian standard for Korean).

    ㄱ ㄷ ㅂ ㅈ are voiced (г д б дж) between voiced sounds, final ㄹ is ль (л before ㄹ: лл),
    final ㅇ is н (нъ before a vowel). Names: surname apart, given name in one word (Чан Сонтхэк).
    """

    name = "kontsevich"
    short = "Kontsevich"
    label = "Kontsevich (Cyrillic)"
    script = "Cyrillic"
    column = "kontsevich"

    def _join(self, syls: list[tuple[int, int, int]]) -> str:
        out = []
        prev_final = None
        for k, (i, m, f) in enumerate(syls):
            voiced = prev_final is not None and prev_final in _VOICED_FINALS
            head = "л" if (i == _RIEUL_I and prev_final == _RIEUL_F) else self.initial(i, voiced=voiced)
            nxt = syls[k + 1][0] if k + 1 < len(syls) else None
            if f == _RIEUL_F and nxt == _RIEUL_I:
                tail = "л"
            elif f == _F["ㅇ"] and nxt == _NULL:
                tail = "нъ"
            else:
                tail = self.final(f)
            out.append(head + self.medial(i, m) + tail)
            prev_final = f
        return "".join(out)

    def word(self, word: str) -> str:
        return self._join(pronounce_indices([decompose(ch) for ch in word]))

    def name_part(self, hangul: str, *, surname: bool) -> str:
        return _capitalize(self._join([decompose(ch) for ch in hangul]))


class Registry(Mapping[str, RomanizationSystem]):
    """The romanization systems by name (``SYSTEMS["mr"]``)."""

    def __init__(self, systems: list[RomanizationSystem]):
        self._systems = MappingProxyType({s.name: s for s in systems})

    def __getitem__(self, name: str) -> RomanizationSystem:
        try:
            return self._systems[name.lower()]
        except KeyError:
            raise KeyError(f"unknown romanization system {name!r}; known: {', '.join(self._systems)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._systems)

    def __len__(self) -> int:
        return len(self._systems)

    def __repr__(self) -> str:
        return f"Registry({list(self._systems)})"


SYSTEMS = Registry([
    RevisedRomanization("word"),
    RevisedRomanization("syllable"),
    RevisedRomanization("transliteration"),
    McCuneReischauer(),
    McCuneReischauer(ascii=True),
    DPRKOfficial(),
    DPRKOfficial(ascii=True),
    Yale(),
    Kontsevich(),
])
