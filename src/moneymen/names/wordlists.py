"""The word lists of name analysis, as data: read once from ``data/`` beside this module.

Each list is a text file: ``#`` lines say what it is and what its columns are; every other line
is one entry, its cells separated by tabs (a ``.txt`` list has one word a line). The lists of
organisations' names (legal forms, generic words…) are read by :mod:`moneymen.names.orgs`; the
words of people's names that are no part of them (titles) and the number words are here.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


def rows(filename: str) -> list[list[str]]:
    """The entries of ``data/FILENAME``, in order, each as its cells."""
    text = resources.files("moneymen.names").joinpath(f"data/{filename}").read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def mapping(filename: str) -> dict[str, str]:
    """A two-column list as a dict, first column → second, in the file's order."""
    return {key: value for key, value in rows(filename)}


@cache
def titles() -> frozenset[str]:
    """Words that are not part of a person's name: honorifics and offices (``data/titles.txt``)."""
    return frozenset(word for word, in rows("titles.txt"))


@cache
def number_words() -> dict[str, int]:
    """English number words and their values ("forty" → 40, "first" → 1; ``data/number_words.tsv``)."""
    return {word: int(value) for word, value in rows("number_words.tsv")}
