"""Qualifiers of names: notes in brackets that are no word of the name.

"Kim Jong-sun (fictional)", "장성택 (정치인)", "[alias]": a qualifier is set aside before a
name is analysed (:func:`split_qualifiers`), and kept, as written, to be explained.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rigour.text.scripts import text_scripts

from moneymen.dates import birth_date_in_qualifier

#: A qualifier: a note in brackets, round, square or full-width (also one left unclosed at the end).
_QUALIFIER = re.compile(r"[(\[（【［〔][^()\[\]（）【】［］〔〕]*(?:[)\]）】］〕]|$)")
_BRACKETS = "()[]（）【】［］〔〕"


@lru_cache(maxsize=100_000)
def split_qualifiers(text: str) -> tuple[str, tuple[str, ...]]:
    """A name without its bracketed qualifiers, and the qualifiers as written.

    ``split_qualifiers("Kim Jong-sun (fictional)") == ("Kim Jong-sun", ("(fictional)",))``. A
    bracket in another script than the name is the name written in that script (the UN writes
    "عبدالله السندي (Abdullah Sindhi)"), not a qualifier, unless it states a birth date
    ("(1912년생)") or has no letters; it stays part of the name. A name that is nothing but
    brackets is kept whole: its letters are the name.
    """
    if not _QUALIFIER.search(text):
        return text, ()
    rest = " ".join(_QUALIFIER.sub(" ", text).split())
    if not any(ch.isalnum() for ch in rest):
        return text, ()
    scripts = set(text_scripts(rest))
    kept, qualifiers = [], []
    position = 0
    for found in _QUALIFIER.finditer(text):
        inner = qualifier_text(found.group())
        if set(text_scripts(inner)) <= scripts or birth_date_in_qualifier(inner):
            kept.append(text[position:found.start()])
            qualifiers.append(found.group().strip())
            position = found.end()
    if not qualifiers:
        return text, ()
    kept.append(text[position:])
    return " ".join(" ".join(kept).split()), tuple(qualifiers)


def qualifier_text(qualifier: str) -> str:
    """A qualifier without its brackets: "(born 1912)" → "born 1912"."""
    return qualifier.strip(_BRACKETS + " ")
