"""Latin-script Korean names: normalize, split into words, cut words into syllables.

However a name is spaced, hyphenated or joined ("Song-thaek", "Songthaek", "Song Thaek",
"SONG THAEK", "Sŏng-t'aek", "Seongtaek"), :func:`latin_words` gives its words and, for each
word, every plausible way to cut it into syllables (see :mod:`moneymen.names.korean.spelling`
for what a syllable may be spelled as). Breves may be typed as ŏ, ǒ, o˘ or o' ("Yo'n
Cho'ng"); the apostrophe of an aspirate is kept (t'aek), one between n and g (Han'gŭl)
separates syllables, any other is dropped.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from moneymen.names.korean.spelling import SyllableGrammar, grammar

_APOSTROPHES = str.maketrans({c: "'" for c in "’‘`´ʼʻ′ʹ"})
_HYPHENS = str.maketrans({c: "-" for c in "‐‑‒–—―_·・‧"})
_SPACE_APOSTROPHE = re.compile(r"\s+'(?=\w)")
_WORD = re.compile(r"[a-zŏŭ'\-]+")
_BREVE = {"o": "ŏ", "u": "ŭ", "O": "Ŏ", "U": "Ŭ"}
#: Word options kept per word and segmentations per hyphen-free part.
MAX_OPTIONS = 12


@dataclass(frozen=True)
class Word:
    """One word of a name: how it was written and the ways to cut it into syllables."""

    text: str
    options: tuple[tuple[str, ...], ...]
    caps: bool = False


def latin_grammar() -> SyllableGrammar:
    """The inventory of Latin spellings (``data/latin.tsv``)."""
    return grammar("latin.tsv")


def normalize_latin(text: str) -> str:
    """Unify apostrophes and hyphens, turn breves and carons on o/u into ŏ/ŭ, drop other accents."""
    if text.isascii():  # nothing to compose or decompose: only ` and _ change
        text = text.replace("`", "'")
        return (_SPACE_APOSTROPHE.sub("'", text) if "'" in text else text).replace("_", "-")
    text = _SPACE_APOSTROPHE.sub("'", unicodedata.normalize("NFC", text).translate(_APOSTROPHES))
    out: list[str] = []
    for char in unicodedata.normalize("NFD", text.translate(_HYPHENS)):
        if unicodedata.combining(char):
            if char in "\u0306\u030c" and out and out[-1] in _BREVE:
                out[-1] = _BREVE[out[-1]]
            continue
        out.append(char)
    return "".join(out)


def _pieces(part: str) -> list[str]:
    """A hyphen-free part of a word, cut at apostrophes that separate syllables."""
    pieces, current = [], []
    for char in part:
        if char != "'":
            current.append(char)
            continue
        prev = current[-1] if current else ""
        if prev in _BREVE:
            current[-1] = _BREVE[prev]          # Cho'ng: ŏ typed as o'
        elif prev in ("k", "t", "p", "h"):
            current.append("'")                 # k' t' p' ch': aspirates
        elif prev in ("n", "g", "l", "m"):
            pieces.append("".join(current))     # Han'gŭl: a syllable boundary
            current = []
    pieces.append("".join(current))
    return [p for p in pieces if p]


def word_options(word: str, grammar: SyllableGrammar, pieces=_pieces, *, joined: bool = False
                 ) -> tuple[tuple[str, ...], ...]:
    """Every way to cut a lower-case word into syllables, fewest syllables first.

    A hyphenated part is taken as the fewest syllables it can be ("Song-thaek": song, thaek);
    a word that may be a joined given name (``joined``) also as one more ("Gain": 갠 or 가인).
    """
    per_piece = []
    for part in word.split("-"):
        for piece in pieces(part):
            cuts = grammar.segmentations(piece, 1 if joined and "-" not in word else 0)
            if not cuts:
                return ()
            per_piece.append(cuts)
    if not per_piece:
        return ()
    options = []
    for combo in itertools.product(*per_piece):
        options.append(tuple(itertools.chain.from_iterable(combo)))
        if len(options) >= MAX_OPTIONS:
            break
    return tuple(sorted(options, key=len))


def split_words(text: str, word_re: re.Pattern[str]) -> tuple[list[str], int | None] | None:
    """Words of a name and how many stand before a comma ("KIM, Jong Un"); None if a word has
    characters that a name in this script cannot have."""
    before_comma = None
    words: list[str] = []
    chunks = text.split(",")
    if len(chunks) > 2:
        return None
    for number, chunk in enumerate(chunks):
        raw = chunk.split()
        # "Myong- Chin": a hyphen at the end of a word joins it to the next
        joined: list[str] = []
        for token in raw:
            if joined and (joined[-1].endswith("-") or token.startswith("-")):
                joined[-1] += token
            else:
                joined.append(token)
        for token in joined:
            token = token.strip("-'")
            if not token:
                continue
            if not word_re.fullmatch(token.lower()):
                return None
            words.append(token)
        if number == 0 and len(chunks) == 2:
            before_comma = len(words)
    return words, before_comma


def latin_words(text: str) -> tuple[list[Word], int | None] | None:
    """The words of a Latin-script name with their syllable cuttings (None: not a Korean name)."""
    split = split_words(normalize_latin(text), _WORD)
    if split is None:
        return None
    tokens, before_comma = split
    words = []
    for token in tokens:
        word = _latin_word(token, len(tokens) <= 2)
        if word is None:
            return None
        words.append(word)
    return words, before_comma


def written_word(token: str, options: tuple[tuple[str, ...], ...]) -> Word:
    """A word with its syllable cuttings; in capitals when it has two letters or more, all upper case."""
    letters = [c for c in token if c.isalpha()]
    return Word(token, options, caps=len(letters) >= 2 and all(c.isupper() for c in letters))


@lru_cache(maxsize=1 << 17)  # names share their words: each is cut into syllables once
def _latin_word(token: str, joined: bool) -> Word | None:
    options = word_options(token.lower(), latin_grammar(), joined=joined)
    return written_word(token, options) if options else None
