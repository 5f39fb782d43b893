"""Spans of a document as claims' evidence: exact pieces of its text, with their offsets."""

from __future__ import annotations

from spacy.tokens import Doc, Span as SpacySpan

from moneymen.extract.extraction import Span
from moneymen.extract.nlp import text_of
from moneymen.extract.quotes import Quotation


def span_of(doc: Doc, start: int, end: int) -> Span:
    """The text of ``doc`` from ``start`` to ``end``, as a Span."""
    return Span(start, end, text_of(doc)[start:end])


def clip(sentence: SpacySpan, start: int, end: int) -> Span:
    """The part of ``sentence`` within ``start``–``end``."""
    return strip_marks(sentence.doc, span_of(sentence.doc, max(start, sentence.start_char), min(end, sentence.end_char)))


def overlaps(sentence: SpacySpan, quote: Quotation) -> bool:
    return sentence.start_char < quote.end and quote.start < sentence.end_char


def strip_marks(doc: Doc, span: Span) -> Span:
    """A span without surrounding spaces, trailing commas, and quotation marks that open or close
    nothing within it (a sentence that quotes keeps its marks: “…,” said X)."""
    start, end = span.start, span.end
    text = text_of(doc)
    while True:
        before = (start, end)
        while start < end and (text[start].isspace() or text[start] == ","):
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
            end -= 1
        inner = text[start:end]
        if not inner:
            return span_of(doc, start, end)
        if inner[0] in "“\"‘" and not any(mark in inner[1:] for mark in "”\"’"):
            start += 1
        elif inner[-1] in "”\"’" and not any(mark in inner[:-1] for mark in "“\"‘") and not inner[-2:-1].isalpha():
            end -= 1
        if (start, end) == before:
            return span_of(doc, start, end)


def first_char(sentence: SpacySpan) -> int:
    return sentence.start_char + (len(sentence.text) - len(sentence.text.lstrip("“\"‘ \n")))


def last_char(sentence: SpacySpan) -> int:
    return sentence.end_char - (len(sentence.text) - len(sentence.text.rstrip("”\"’ \n.")))


def sentence_evidence(sentence: SpacySpan, taken: list[tuple[int, int]], at: int | None = None) -> Span:
    """The sentence as a claim's evidence, less the clauses other claims of it hold (``taken``):
    the longest stretch left, or the one holding character ``at``."""
    doc = sentence.doc
    pieces = [(sentence.start_char, sentence.end_char)]
    for start, end in sorted(taken):
        next_pieces = []
        for left, right in pieces:
            if end <= left or start >= right:
                next_pieces.append((left, right))
                continue
            if left < start:
                next_pieces.append((left, start))
            if end < right:
                next_pieces.append((end, right))
        pieces = next_pieces
    pieces = [p for p in pieces if text_of(doc)[p[0]:p[1]].strip(" ,;:-—\n“”\"‘’")]
    if not pieces:
        return strip_marks(doc, span_of(doc, sentence.start_char, sentence.end_char))
    chosen = next((p for p in pieces if at is not None and p[0] <= at < p[1]), None) or \
        max(pieces, key=lambda p: p[1] - p[0])
    return strip_marks(doc, span_of(doc, *chosen))


def sentence_span(sentence: SpacySpan) -> Span:
    """A sentence as evidence: without the spaces and quotation marks around it."""
    text = text_of(sentence.doc)
    start, end = sentence.start_char, sentence.end_char
    while start < end and (text[start].isspace() or text[start] in "“”\"‘’"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "“”\"‘’"):
        end -= 1
    return Span(start, end, text[start:end])
