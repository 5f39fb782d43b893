"""Hedging: the words of a claim that make it uncertain, each with the class grading reads.

A hedge of possibility ("may", "possibly", "seemed", "it seems") or of doubt ("speculation",
"rumour", "reportedly", "I bet") found in a claim's own words, or as the modal of its reporting
verb ("may also have to decide"). Reporting verbs are attribution, never hedging; "could not be
reached" and "are expected to" (an obligation) say nothing doubtful; a hedge inside a quotation
nested in the claim hedges that inner claim, not this one.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from moneymen.extract.extraction import Span
from moneymen.extract.lexicon import lexicon
from moneymen.extract.quotes import Quotation, innermost

_MODALS_POSSIBLE = frozenset({"may", "might", "could"})


def is_passive(token: Token) -> bool:
    return any(c.dep_ == "auxpass" for c in token.children)


def hedge_cues(doc: Doc, evidence: Span, quotes: list[Quotation], cue: Token | None = None) -> list[tuple[str, str]]:
    """The hedging words of a claim, each with its class (``possible`` or ``doubtful``): those in its
    own words (not in a quotation nested inside it), and the modal on its reporting verb ("may
    also have to decide")."""
    words = lexicon()
    own = innermost(quotes, evidence.start, evidence.end)
    own_depth = own.depth if own is not None else 0
    found: list[tuple[str, str]] = []
    span = doc.char_span(evidence.start, evidence.end, alignment_mode="expand")
    tokens = list(span) if span is not None else []
    if cue is not None:
        tokens += [c for c in cue.children if c.dep_ in ("aux", "advmod") and c.i not in {t.i for t in tokens}]
    for token in tokens:
        inner = innermost(quotes, token.idx)
        if inner is not None and inner.depth > own_depth and inner.start > evidence.start:
            continue
        lower, lemma = token.lower_, token.lemma_.lower()
        if lower in _MODALS_POSSIBLE and (token.tag_ != "MD" or any(c.dep_ == "neg" for c in token.head.children)):
            continue  # "could not be reached" says nothing doubtful
        if lemma == "expect" and is_passive(token):
            continue  # "are expected to": an obligation
        if lemma in ("appear", "expect", "believe", "suggest", "interpret") and token.pos_ != "VERB":
            continue
        if lemma == "possible" and token.pos_ not in ("ADJ", "ADV"):
            continue
        key = lower if lower in words.hedges else lemma if lemma in words.hedges else None
        if key is not None and " " not in key and all(text != token.text for text, _ in found):
            found.append((token.text, words.hedges[key]))
    text = evidence.text.lower().replace("’", "'")
    for phrase, kind in words.hedges.items():
        if " " in phrase and re.search(rf"\b{re.escape(phrase)}\b", text):
            found = [(cue, k) for cue, k in found if cue.lower() not in phrase.split()]  # "it seems", not "seems" too
            found.append((phrase, kind))
    return found
