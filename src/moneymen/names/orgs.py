"""Organisation names: legal forms, generic words, abbreviations, synonyms and Korean words.

A legal form ("Co., Ltd", "Corporation", 무역회사) says what kind of body it is, not which
one: two names that differ only in legal form are the same name. Generic words ("trading",
"general bureau", "shipping") are part of the name but weak evidence: "Korea Kwangson
Trading" and "Korea Kwangson Shipping" share their distinctive word. The lists are data
(``data/*.tsv``, ``data/*.txt``), each read once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from moneymen.names.wordlists import mapping, rows


@cache
def legal_forms() -> dict[str, str]:
    """Legal forms and type words → one canonical form (``data/legal_forms.tsv``)."""
    return mapping("legal_forms.tsv")


@cache
def legal_phrases() -> dict[tuple[str, ...], str]:
    """Legal forms of several words → canonical form, matched before single words, in order
    (``data/legal_phrases.tsv``)."""
    return {tuple(words.split(" ")): canonical for words, canonical in rows("legal_phrases.tsv")}


@cache
def generic_words() -> frozenset[str]:
    """Common words of trading-company and state-body names: kept, but weighed lightly
    (``data/generic_words.txt``)."""
    return frozenset(word for word, in rows("generic_words.txt"))


@cache
def abbreviations() -> dict[str, str]:
    """Abbreviated words of organisation names → the word in full ("intl" → international)."""
    return mapping("abbreviations.tsv")


@cache
def synonyms() -> dict[str, str]:
    """Words that name the same thing in organisation names → the one they are taken as: translations
    of one Korean word (부: "ministry", "department"), British and American spellings, and the forms
    of one generic word ("banking" → bank, "trading" → trade)."""
    return mapping("synonyms.tsv")


@cache
def korean_words() -> dict[str, str]:
    """Words of DPRK organisation names written in Hangul → the English words lists use for them."""
    return mapping("korean_org_words.tsv")


@cache
def romanized_words() -> dict[str, str]:
    """Korean words as DPRK bodies romanize them in Latin names ("Joson Paekho Muyok Hoesa") →
    the English word lists use for them."""
    return mapping("romanized_org_words.tsv")


@cache
def _phrases_by_first() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """The legal phrases by their first word, in their order (the first that fits is taken)."""
    found: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, canonical in legal_phrases().items():
        found.setdefault(phrase[0], []).append((phrase, canonical))
    return found


@cache
def _cjk_suffixes() -> list[str]:
    """Legal forms in Hangul or Han, which are often written onto the name without a space."""
    return sorted((form for form in legal_forms() if any(ord(ch) > 0x2E80 for ch in form)), key=len, reverse=True)


def normalise_org_tokens(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split an organisation name's tokens into (name tokens, legal forms found), legal forms canonical."""
    forms: list[str] = []
    kept: list[str] = []
    index = 0
    lowered = [token.lower() for token in tokens]
    table, phrases = legal_forms(), _phrases_by_first()
    while index < len(lowered):
        for phrase, canonical in phrases.get(lowered[index], ()):
            if tuple(lowered[index:index + len(phrase)]) == phrase:
                forms.append(canonical)
                index += len(phrase)
                break
        else:
            token = lowered[index]
            form = table.get(token)
            if form is None and not token.isascii():  # 조선광선무역회사: a suffix written on
                for suffix in _cjk_suffixes():
                    if token.endswith(suffix) and len(token) > len(suffix):
                        kept.append(token[: -len(suffix)])
                        forms.append(table[suffix])
                        break
                else:
                    kept.append(token)
                index += 1
                continue
            if form is not None and form not in ("company", "corporation") or (form and index == len(lowered) - 1):
                forms.append(form)
            else:
                kept.append(token)
            index += 1
    return kept or lowered, forms


@cache
def _korean_words_by_length() -> list[str]:
    return sorted(korean_words(), key=len, reverse=True)


def korean_org_words(token: str, romanize_name: Callable[[str], str]) -> list[str]:
    """Split a Hangul organisation word into known words (in English) and names (romanized).

    '조선남강' → ['korea', 'namgang']: the words DPRK bodies use in their English names, and the
    rest romanized by ``romanize_name`` (the way the DPRK writes its own names).
    """
    words: list[str] = []
    name = ""
    index = 0
    table, by_length = korean_words(), _korean_words_by_length()
    while index < len(token):
        for word in by_length:
            if token.startswith(word, index) and (len(word) > 1 or not name):
                if name:
                    words.append(romanize_name(name))
                    name = ""
                words.extend(table[word].split())
                index += len(word)
                break
        else:
            name += token[index]
            index += 1
    if name:
        words.append(romanize_name(name))
    return words
