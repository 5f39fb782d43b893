"""Dates written in words, resolved against the document's own date ("last week", "in March").

dateparser reads the words; we keep only as much of the date as the words say (a month for "in
March", a year for "last year") and never resolve a relative date without the document's date:
"two days ago" read against today would be a fact no one stated.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DECADE = re.compile(r"\b(1[89]\d|20\d)0s\b")
_THIS_YEAR = re.compile(r"\b(?:this|earlier this|later this) year\b", re.IGNORECASE)
_PRECISION = {"day": 10, "week": 10, "month": 7, "year": 4}


@lru_cache(maxsize=1)
def _parser(base: dt.date | None):
    from dateparser.date import DateDataParser

    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day)
    return DateDataParser(languages=["en"], settings=settings)


@lru_cache(maxsize=4096)
def resolve_date(text: str, base: dt.date | None) -> str | None:
    """An ISO date prefix (``2013``, ``2013-12``, ``2013-12-05``) for ``text``, or None.

    Relative dates need ``base`` (the document's date); without it only dates that state their
    year are read.
    """
    decade = _DECADE.search(text)
    if decade:
        return decade.group(1)
    if base is not None and _THIS_YEAR.search(text):
        return f"{base.year:04d}"
    if base is None and not _YEAR.search(text):
        return None
    data = _parser(base).get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    found = data.date_obj.date()
    if base is not None and found > base and not _YEAR.search(text):
        return None  # "in March" read into the document's future: no such date was meant
    return found.isoformat()[:_PRECISION.get(data.period or "day", 10)]


def read_document_date(text: str | None) -> dt.date | None:
    """A document date given as ``YYYY-MM-DD`` (or a prefix, taken at its first day), or None."""
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text.strip())
    if match is None:
        raise ValueError(f"invalid date {text!r}: expected YYYY-MM-DD")
    year, month, day = int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1)
    return dt.date(year, month, day)
