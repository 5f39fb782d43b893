"""Korean readings of Hanja (Chinese characters), from ``data/hanja_readings.tsv``.

The table is built from Unicode's Unihan database by ``tools/build_hanja_readings.py``
(kHangul, kKorean, and the readings of traditional forms for simplified Chinese and
Japanese shinjitai: 张 → 장 as 張, 沢 → 택 as 澤). It is read on first use.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from moneymen.names.korean.surnames import initial_law_spelling


def is_han(char: str) -> bool:
    """Whether ``char`` is a CJK ideograph (unified, extensions or compatibility)."""
    if len(char) != 1:
        return False
    code = ord(char)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x3134F)


@lru_cache(maxsize=None)
def _table() -> dict[str, tuple[str, ...]]:
    text = resources.files("moneymen.names.korean").joinpath("data/hanja_readings.tsv").read_text("utf-8")
    table: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        char, readings, *_ = line.split("\t")
        table[char] = tuple(readings.split())
    return table


def readings(char: str) -> tuple[str, ...]:
    """The Korean readings of one character, most common first (李 → ('리', '이')); () if none."""
    return _table().get(char, ())


@lru_cache(maxsize=1 << 14)
def name_readings(char: str) -> frozenset[str]:
    """The readings of a character in a name, with the South's spelling of each at the start
    of a word (龍 → 룡, 용; 女 → 녀, 여; 羅 → 라, 나)."""
    out: set[str] = set()
    for reading in readings(char):
        out.add(reading)
        out.add(initial_law_spelling(reading))
    return frozenset(out)
