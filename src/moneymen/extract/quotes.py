"""Where a text quotes someone: quotations with their nesting, across paragraphs.

News style continues a long quotation into the next paragraph by opening it again without closing
the last ("“I went … guard.\\n\\n“I reached … next.”"): that is one quotation. Single marks inside
double ones are a quotation within it (a source quoting another). A closing single mark between
letters (didn’t, Lee’s) is an apostrophe.
"""

from __future__ import annotations

from dataclasses import dataclass

_OPEN_DOUBLE = "“„«"
_CLOSE_DOUBLE = "”»"
_OPEN_SINGLE = "‘‹"
_CLOSE_SINGLE = "’›"


@dataclass(frozen=True, slots=True)
class Quotation:
    """Quoted text between ``start`` and ``end`` (the marks excluded); ``depth`` 1 for the outermost."""

    start: int
    end: int
    depth: int

    def holds(self, start: int, end: int | None = None) -> bool:
        return self.start <= start and (end if end is not None else start) <= self.end


def quotations(text: str) -> list[Quotation]:
    """Every quotation in ``text``, outermost first where two start together, by start."""
    found: list[Quotation] = []
    stack: list[tuple[str, int]] = []   # (kind, start) of the open quotations: kind "d" or "s"
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        before = text[position - 1] if position else " "
        after = text[position + 1] if position + 1 < length else " "
        if char == "\n":
            # a paragraph ends: a quotation the next paragraph reopens goes on, any other closes
            following = _next_paragraph_start(text, position)
            if stack and not (following is not None and text[following] in _OPEN_DOUBLE + '"'):
                while stack:
                    kind, start = stack.pop()
                    found.append(Quotation(start, _trim_end(text, position), len(stack) + 1))
            elif stack and following is not None:
                # close the single quotations the paragraph left open; skip the reopening mark
                while stack and stack[-1][0] == "s":
                    kind, start = stack.pop()
                    found.append(Quotation(start, _trim_end(text, position), len(stack) + 1))
                position = following + 1
                continue
        elif char in _OPEN_DOUBLE or (char == '"' and not _open(stack, "d")):
            stack.append(("d", position + 1))
        elif char in _CLOSE_DOUBLE or char == '"':
            _close(stack, "d", position, found)
        elif char in _OPEN_SINGLE and not before.isalnum():
            stack.append(("s", position + 1))
        elif char in _CLOSE_SINGLE and _open(stack, "s") and not (before.isalpha() and after.isalpha()) \
                and not (before.lower() == "s" and after.isalpha()):
            _close(stack, "s", position, found)
        position += 1
    while stack:
        kind, start = stack.pop()
        found.append(Quotation(start, _trim_end(text, length), len(stack) + 1))
    return sorted(found, key=lambda q: (q.start, q.depth))


def _open(stack: list[tuple[str, int]], kind: str) -> bool:
    return any(item[0] == kind for item in stack)


def _close(stack: list[tuple[str, int]], kind: str, position: int, found: list[Quotation]) -> None:
    """Close the innermost open quotation of ``kind`` (and any left open inside it)."""
    if not _open(stack, kind):
        return
    while stack:
        open_kind, start = stack.pop()
        found.append(Quotation(start, position, len(stack) + 1))
        if open_kind == kind:
            return


def _next_paragraph_start(text: str, position: int) -> int | None:
    """The first non-space character after the line break at ``position``, if a new paragraph starts there."""
    index = position
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index if index < len(text) else None


def _trim_end(text: str, position: int) -> int:
    while position > 0 and text[position - 1] in " \t\r\n":
        position -= 1
    return position


def innermost(quotes: list[Quotation], start: int, end: int | None = None) -> Quotation | None:
    """The deepest quotation that holds ``start``–``end``, or None."""
    best = None
    for quote in quotes:
        if quote.holds(start, end) and (best is None or quote.depth > best.depth):
            best = quote
    return best
