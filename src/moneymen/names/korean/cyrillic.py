"""Cyrillic Korean names (Kontsevich's system and older Russian practice: Ким Чен Ын).

Works as :mod:`moneymen.names.korean.latin` does, with ``data/cyrillic.tsv``; ъ (Чонъын)
separates syllables.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from moneymen.names.korean.latin import Word, split_words, word_options, written_word
from moneymen.names.korean.spelling import SyllableGrammar, grammar

_WORD = re.compile(r"[а-яё\-'ъ]+")
_HYPHENS = str.maketrans({c: "-" for c in "‐‑‒–—―_·"})


def cyrillic_grammar() -> SyllableGrammar:
    """The inventory of Cyrillic spellings (``data/cyrillic.tsv``)."""
    return grammar("cyrillic.tsv")


def _pieces(part: str) -> list[str]:
    return [p for p in part.replace("'", "").split("ъ") if p]


def cyrillic_words(text: str) -> tuple[list[Word], int | None] | None:
    """The words of a Cyrillic name with their syllable cuttings (None: not a Korean name)."""
    split = split_words(unicodedata.normalize("NFC", text).translate(_HYPHENS), _WORD)
    if split is None:
        return None
    tokens, before_comma = split
    words = []
    for token in tokens:
        word = _cyrillic_word(token, len(tokens) <= 2)
        if word is None:
            return None
        words.append(word)
    return words, before_comma


@lru_cache(maxsize=1 << 14)  # names share their words: each is cut into syllables once
def _cyrillic_word(token: str, joined: bool) -> Word | None:
    options = word_options(token.lower(), cyrillic_grammar(), pieces=_pieces, joined=joined)
    return written_word(token, options) if options else None
