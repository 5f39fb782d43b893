"""A gazetteer of the store's names: spans the model missed that name an entity the store holds.

The model finds most names, but not all: a listed name in capitals ("JANG Song Thaek"), an
organisation it reads as two words of prose, an acronym ("KOMID"). The gazetteer holds every name
and alias of the store's people and organisations as a key that ignores case, spaces, hyphens
and apostrophes (so "Jang Song-thaek", "JANG Song Thaek" and "Jang Songthaek" are one key), and
finds runs of two to six capitalised words of the text, or a word in capitals of four letters or
more, whose key it holds. Which entity a span names is left to linking (the screening index,
with every romanization the names module knows).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.tokens import Doc

_KEY = re.compile(r"[\W_]+")
#: Longest run of words looked up.
MAX_WORDS = 6


def name_key(text: str) -> str:
    """A name without case, spaces, hyphens, apostrophes or dots."""
    return _KEY.sub("", text).casefold()


class Gazetteer:
    """Names of people and organisations, by key: (key → "Person" or "Organization")."""

    def __init__(self, names: Iterable[tuple[str, str]]):
        self.kinds: dict[str, str] = {}
        for text, kind in names:
            words = text.split()
            key = name_key(text)
            single_acronym = len(words) == 1 and text.isupper() and len(key) >= 4
            if len(key) >= 4 and (len(words) >= 2 or single_acronym) and len(words) <= MAX_WORDS:
                self.kinds.setdefault(key, kind)

    def __len__(self) -> int:
        return len(self.kinds)

    def find(self, doc: Doc, covered: set[int]) -> list[tuple[int, int, str]]:
        """Spans (token start, end, kind) of ``doc`` that the gazetteer names and no other span covers;
        the longest first where runs overlap."""
        found: list[tuple[int, int, str]] = []
        taken: set[int] = set(covered)
        tokens = list(doc)
        for start, token in enumerate(tokens):
            if start in taken or not token.text[:1].isupper() or not token.is_alpha:
                continue
            best = None
            words = 0
            end = start
            text = ""
            while end < len(tokens) and words < MAX_WORDS:
                current = tokens[end]
                if current.is_space or current.i in taken or current.is_sent_start and end > start:
                    break
                if current.text in ("-", "‐", "'", "’"):
                    text += current.text
                    end += 1
                    continue
                if not (current.text[:1].isupper() or current.text[:1].isdigit() or current.is_lower and text.endswith("-")):
                    break
                text += current.text
                words += 1
                end += 1
                kind = self.kinds.get(name_key(text))
                if kind is not None and (words >= 2 or text.isupper()):
                    best = (start, end, kind)
            if best is not None:
                found.append(best)
                taken.update(range(best[0], best[1]))
        return found
