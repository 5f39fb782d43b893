"""Korean surnames (``data/surnames.tsv``) and the initial-sound law that links 리 and 이.

The initial-sound law (두음법칙) of the South drops or softens an initial ㄹ or ㄴ at the
start of a word: ㄹ and ㄴ before i/y vowels become silent (리 → 이, 류 → 유, 녀 → 여), ㄹ
before other vowels becomes ㄴ (로 → 노, 라 → 나). The North keeps them. A surname in
either spelling is the same surname.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from moneymen.names.korean.hangul import INITIAL_INDEX, MEDIAL_INDEX, compose, decompose, is_syllable

_RIEUL, _NIEUN, _NULL = INITIAL_INDEX["ㄹ"], INITIAL_INDEX["ㄴ"], INITIAL_INDEX["ㅇ"]
#: Vowels before which ㄹ and ㄴ fall silent at the start of a word.
_Y_VOWELS = frozenset(MEDIAL_INDEX[v] for v in "ㅑㅒㅕㅖㅛㅠㅣ")


def _load() -> tuple[frozenset[str], frozenset[str], dict[str, tuple[str, ...]]]:
    text = resources.files("moneymen.names.korean").joinpath("data/surnames.tsv").read_text("utf-8")
    single: set[str] = set()
    compound: set[str] = set()
    by_hanja: dict[str, list[str]] = {}
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t") + ["", ""]
        hangul, hanja = cells[0], cells[1].split()
        if not hangul or not all(is_syllable(c) for c in hangul) or len(hangul) > 2:
            raise ValueError(f"surnames.tsv: line {number}: not a surname {hangul!r}")
        (single if len(hangul) == 1 else compound).add(hangul)
        for form in hanja:
            by_hanja.setdefault(form, [])
            if hangul not in by_hanja[form]:
                by_hanja[form].append(hangul)
    return frozenset(single), frozenset(compound), {k: tuple(v) for k, v in by_hanja.items()}


#: One-syllable surnames (김, 이, 리 …), two-syllable ones (남궁, 황보 …), and Hanja → surname.
SURNAMES, COMPOUND_SURNAMES, SURNAME_HANJA = _load()


@lru_cache(maxsize=None)
def initial_law_forms(syllable: str) -> frozenset[str]:
    """The syllable and its other spellings under the initial-sound law, both ways.

    리 → {리, 이}; 이 → {이, 리, 니}; 로 → {로, 노}; 노 → {노, 로}; 녀 → {녀, 여}; 김 → {김}.
    """
    i, m, f = decompose(syllable)
    forms = {syllable}
    if m in _Y_VOWELS:
        if i in (_RIEUL, _NIEUN):
            forms.add(compose(_NULL, m, f))
        elif i == _NULL:
            forms.update((compose(_RIEUL, m, f), compose(_NIEUN, m, f)))
    else:
        if i == _RIEUL:
            forms.add(compose(_NIEUN, m, f))
        elif i == _NIEUN:
            forms.add(compose(_RIEUL, m, f))
    return frozenset(forms)


def initial_law_spelling(syllable: str) -> str:
    """The South's spelling of a syllable at the start of a word: 리 → 이, 로 → 노, 녀 → 여, 김 → 김."""
    i, m, f = decompose(syllable)
    if i in (_RIEUL, _NIEUN) and m in _Y_VOWELS:
        return compose(_NULL, m, f)
    if i == _RIEUL:
        return compose(_NIEUN, m, f)
    return syllable


@lru_cache(maxsize=1 << 14)
def as_surname(candidates: frozenset[str]) -> frozenset[str]:
    """The surnames among ``candidates`` and their initial-sound-law spellings."""
    out: set[str] = set()
    for syllable in candidates:
        out.update(initial_law_forms(syllable) & SURNAMES)
    return frozenset(out)
