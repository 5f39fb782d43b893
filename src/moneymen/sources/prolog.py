"""The prolog of an untrusted XML document: what comes before its root element.

An XML file can declare entities in its prolog (``<!DOCTYPE x [<!ENTITY ...>]>``): nested
internal entities expand a few hundred bytes into gigabytes (the "billion laughs"), and external
ones read local files or URLs. Our XML readers refuse such prologs before any parser sees the
document; these helpers find them. They read text, so decode the bytes first
(:func:`decode_head`, or what the parser itself will read).
"""

from __future__ import annotations

import codecs
import re

_NAME_RE = re.compile(r"[A-Za-z_:][A-Za-z0-9_.:\-]*")
_ENTITY_RE = re.compile(r"<!ENTITY", re.IGNORECASE)


def decode_head(head: bytes) -> str:
    """The head as text, good enough to read markup (BOM-aware; undecodable bytes replaced)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8-sig", errors="replace")


def scan_prolog(text: str, start: int = 0) -> tuple[str, int, str | None]:
    """Walk the prolog from ``start``: ("root", pos, name), ("declaration", pos, None) at a
    ``<!`` declaration, ("text", pos, None) for anything else before the root, or
    ("incomplete", pos, None) when the text ends first."""
    i, end = start, len(text)
    while True:
        while i < end and text[i] in " \t\r\n":
            i += 1
        if i >= end:
            return "incomplete", i, None
        if text.startswith("<?", i):
            close = text.find("?>", i + 2)
            if close < 0:
                return "incomplete", i, None
            i = close + 2
        elif text.startswith("<!--", i):
            close = text.find("-->", i + 4)
            if close < 0:
                return "incomplete", i, None
            i = close + 3
        elif text.startswith("<!", i):
            return "declaration", i, None
        elif text.startswith("<", i):
            match = _NAME_RE.match(text, i + 1)
            return ("root", i, match.group(0)) if match else ("text", i, None)
        else:
            return "text", i, None


def entity_declaration(text: str) -> int | None:
    """Where the prolog of ``text`` declares entities, or None when it does not.

    A DOCTYPE with an internal subset (``[``) counts, and so does any ``<!ENTITY`` before the
    root element (anywhere at all when no root is found); a plain ``<!DOCTYPE rss PUBLIC "…"
    "….dtd">`` does not. The answer errs on the side of refusing: a ``[`` anywhere inside the
    DOCTYPE counts, even inside a quoted identifier.
    """
    pos = 0
    while True:
        kind, pos, _ = scan_prolog(text, pos)
        if kind != "declaration":
            break
        if text[pos:pos + 9].upper() != "<!DOCTYPE":
            return pos  # <!ENTITY, <!ELEMENT… outside a DOCTYPE: not a feed's prolog
        close = text.find(">", pos)
        bracket = text.find("[", pos)
        if bracket >= 0 and (close < 0 or bracket < close):
            return pos
        if close < 0:
            break
        pos = close + 1
    found = _ENTITY_RE.search(text, 0, pos if kind == "root" else len(text))
    return found.start() if found else None
