"""Korean personal names across scripts and romanizations.

Sanctions lists write one man as 장성택, 張成澤 (or 张成泽), Chang Sŏng-t'aek, Jang Song Thaek,
Jang Seong-taek, Cang Seng-thayk or Чан Сон Тхэк. This package reads each of these as
positions of Hangul syllables and compares them syllable by syllable:

>>> from moneymen.names.korean import read_korean_name, compare_korean_names
>>> a, = read_korean_name("장성택")
>>> b = read_korean_name("JANG Song Thaek")[0]
>>> compare_korean_names(a, b).score
1.0

Modules: :mod:`.hangul` (syllables and jamo), :mod:`.systems` (romanization systems, one class
each, and their registry), :mod:`.phonology` (sound changes), :mod:`.hanja` (readings of
Chinese characters), :mod:`.latin` and :mod:`.cyrillic` (reading romanized syllables back),
:mod:`.reading` (names), :mod:`.compare` (scores and explanations).
"""

from __future__ import annotations

from moneymen.names.korean.compare import KoreanComparison, SyllableMatch, compare_korean_names, syllable_key
from moneymen.names.korean.reading import KoreanName, Syllables, read_korean_name
from moneymen.names.korean.systems import SYSTEMS, RomanizationSystem


def romanize(hangul: str, system: str, *, names: bool = False) -> str:
    """Romanize Hangul with a system of :data:`SYSTEMS` ("rr", "rr-syllable", "mr", "mr-ascii",
    "dprk", "dprk-ascii", "yale", "kontsevich", "rr-translit")."""
    return SYSTEMS[system].romanize(hangul, names=names)


__all__ = [
    "SYSTEMS",
    "KoreanComparison",
    "KoreanName",
    "RomanizationSystem",
    "SyllableMatch",
    "Syllables",
    "compare_korean_names",
    "read_korean_name",
    "romanize",
    "syllable_key",
]
