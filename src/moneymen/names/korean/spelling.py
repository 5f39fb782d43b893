"""Reading a romanized syllable back into the Hangul syllables it may stand for.

A :class:`SyllableGrammar` holds, for one script, the ways an initial consonant, a vowel and
a final may be spelled (``data/latin.tsv``, ``data/cyrillic.tsv``) plus whole-syllable
spellings that follow no rule (Lee, Park, Цой). It is the inventory of every romanized form
of every one of the 11,172 syllables in every system, kept as its three parts instead of as
a million strings: ``grammar.syllables("song")`` is every syllable "song" can spell (송, 성,
쏭 …), and ``grammar.segmentations("songthaek")`` every way to cut a joined given name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from moneymen.names.korean.hangul import (FINAL_INDEX, INITIAL_INDEX, MEDIAL_INDEX, SYLLABLE_FIRST, all_syllables,
                                          compose)

#: Finals that occur in names (Sino-Korean readings end in one of these) …
_NAME_FINALS = frozenset(FINAL_INDEX[j] for j in ("", "ㄱ", "ㄴ", "ㄹ", "ㅁ", "ㅂ", "ㅇ"))
#: … and native given-name syllables that end otherwise (빛나 Bitna, 꽃님, 햇님).
_NAME_EXTRA = frozenset("빛꽃햇")


def is_name_syllable(syllable: str) -> bool:
    """Whether a syllable can be part of a personal name read from a romanization."""
    return (ord(syllable) - SYLLABLE_FIRST) % 28 in _NAME_FINALS or syllable in _NAME_EXTRA


#: Every syllable that :func:`is_name_syllable` allows.
_NAME_SYLLABLES = frozenset(filter(is_name_syllable, all_syllables()))


@dataclass
class SyllableGrammar:
    """The spellings of syllable parts in one script (see the module's doc)."""

    initials: dict[str, tuple[int, ...]]
    medials: dict[str, tuple[int, ...]]
    finals: dict[str, tuple[int, ...]]
    null_only: frozenset[str]
    whole: dict[str, frozenset[str]]
    longest: int = field(init=False)

    def __post_init__(self) -> None:
        self._max_i = max(map(len, self.initials))
        self._max_m = max(map(len, self.medials))
        self.longest = self._max_i + self._max_m + max(map(len, self.finals))
        self.syllables = lru_cache(maxsize=1 << 16)(self._syllables)
        self.name_syllables = lru_cache(maxsize=1 << 16)(self._name_syllables)
        self.segmentations = lru_cache(maxsize=1 << 14)(self._segmentations)

    @classmethod
    def load(cls, filename: str) -> SyllableGrammar:
        """Read a grammar from a TSV file under ``data/``."""
        text = resources.files("moneymen.names.korean").joinpath(f"data/{filename}").read_text("utf-8")
        parts: dict[str, dict[str, tuple[int, ...]]] = {"initial": {}, "medial": {}, "final": {}}
        index = {"initial": INITIAL_INDEX, "medial": MEDIAL_INDEX, "final": FINAL_INDEX}
        null_only: set[str] = set()
        whole: dict[str, frozenset[str]] = {}
        lines = [line for line in text.splitlines() if line and not line.startswith("#")]
        for number, line in enumerate(lines[1:], start=2):
            cells = line.split("\t") + ["", "", ""]
            role, spelling, jamo, only = cells[0], cells[1], cells[2].split(), cells[3]
            if role == "syllable":
                whole[spelling] = frozenset(jamo)
                continue
            if role not in parts:
                raise ValueError(f"{filename}: line {number}: unknown role {role!r}")
            try:
                values = tuple(index[role][j] for j in jamo) if jamo else (0,)
            except KeyError as err:
                raise ValueError(f"{filename}: line {number}: not a {role} jamo: {err}") from None
            parts[role][spelling] = values
            if only == "null":
                null_only.add(spelling)
        return cls(parts["initial"], parts["medial"], parts["final"], frozenset(null_only), whole)

    def _syllables(self, spelled: str) -> frozenset[str]:
        """Every Hangul syllable that ``spelled`` (lower case, one syllable) may stand for."""
        out: set[str] = set(self.whole.get(spelled, ()))
        n = len(spelled)
        if n > self.longest:
            return frozenset(out)
        for a in range(min(self._max_i, n) + 1):
            initials = self.initials.get(spelled[:a])
            if initials is None:
                continue
            for b in range(a + 1, min(a + self._max_m, n) + 1):
                vowel = spelled[a:b]
                medials = self.medials.get(vowel)
                if medials is None or (a and vowel in self.null_only):
                    continue
                finals = self.finals.get(spelled[b:])
                if finals is None:
                    continue
                for i in initials:
                    for m in medials:
                        for f in finals:
                            out.add(compose(i, m, f))
        return frozenset(out)

    def _name_syllables(self, spelled: str) -> frozenset[str]:
        """:meth:`syllables` restricted to those that occur in names (see :func:`is_name_syllable`)."""
        return self.syllables(spelled) & _NAME_SYLLABLES

    def _segmentations(self, word: str, extra: int = 0, most: int = 3, limit: int = 12
                       ) -> tuple[tuple[str, ...], ...]:
        """The ways to cut ``word`` into name syllables, fewest first: those with the fewest
        syllables, and with ``extra`` > 0 those with up to ``extra`` more (at most ``most``
        syllables, at most ``limit`` ways). "thaek" is one syllable (tha-ek only with
        ``extra``); "jongun" is jong-un or jon-gun; "gain" is 갠, or with ``extra`` ga-in."""
        n = len(word)
        memo: dict[tuple[int, int], list[tuple[str, ...]]] = {}

        def cuts(start: int, left: int) -> list[tuple[str, ...]]:
            if start == n:
                return [()]
            if left == 0:
                return []
            key = (start, left)
            if key not in memo:
                found: list[tuple[str, ...]] = []
                for end in range(start + 1, min(n, start + self.longest) + 1):
                    piece = word[start:end]
                    if end < n and piece[-1] == "h":
                        continue  # suhyeon is su-hyeon: the h of Suh, Ahn, Oh only ends a word
                    if self.name_syllables(piece):
                        found.extend((piece, *rest) for rest in cuts(end, left - 1))
                    if len(found) >= 4 * limit:
                        break
                memo[key] = found
            return memo[key]

        found = cuts(0, most)
        if not found:
            return ()
        fewest = min(map(len, found))
        return tuple(sorted((cut for cut in found if len(cut) <= fewest + extra), key=len)[:limit])


@lru_cache(maxsize=None)
def grammar(filename: str) -> SyllableGrammar:
    """The grammar in ``data/FILENAME`` (read once)."""
    return SyllableGrammar.load(filename)
