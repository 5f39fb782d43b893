"""Birth dates as people and lists write them, read into FtM's ISO date prefixes.

A screening query says ``13/10/1944``, ``January 8, 1984``, ``8-JAN-1984`` (as OFAC writes),
``circa 1960`` or ``1960 to 1962``; a list says ``1944-10-13``. Each text is read into the ISO
prefixes it may stand for (``1944-10-13``, ``1944-10``, ``1944``): one for most texts, both
readings for a numeric date whose day and month could be swapped (``01/02/1944``), every year of
a range, and the year before and after for an approximate year. Two profiles' birth dates agree
when some reading of one agrees with some reading of the other. A text none of these forms reads
gives no reading: it is unknown, never a conflict.

The parsing is prefixdate's (FtM's date type): ISO prefixes through :func:`prefixdate.parse`,
the other forms through ``strptime`` formats with :func:`prefixdate.parse_format`, which keeps
each format's precision (``Jan 1984`` is ``1984-01``).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from prefixdate import parse, parse_format

#: Forms of a date written with digits only. Day first is the rule outside the United States;
#: with a slash or a hyphen the month may come first, so such a date has both readings when the
#: two numbers can each be a month. A dot is day first only (13.10.1944).
NUMERIC_FORMATS = {
    "/": ("%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%m/%Y", "%Y/%m"),
    "-": ("%d-%m-%Y", "%m-%d-%Y", "%m-%Y"),
    ".": ("%d.%m.%Y", "%Y.%m.%d", "%m.%Y", "%Y.%m"),
}
#: Forms with the month's English name (full or abbreviated), once separators are spaces.
NAMED_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%B %Y", "%b %Y", "%Y %B %d", "%Y %b %d",
                 "%Y %B", "%Y %b")
#: Words before an approximate date: "circa 1960", "c. 1960", "approximately 1960".
APPROXIMATE = re.compile(r"^(?:circa|ca\.?|c\.|c|approx\.?|approximately|about|around|abt\.?)\s*(?=\d)",
                         re.IGNORECASE)
#: How many years either side of an approximate year count as agreeing with it.
APPROXIMATE_YEARS = 1
#: The widest range of years read year by year; a wider one says too little to compare.
MAX_RANGE_YEARS = 20
#: The ends of a range: "1960 to 1962", "between 1960 and 1962", "1960-1962", "1960–1962".
RANGE = re.compile(r"^(?:between\s+|from\s+)?(.+?)\s+(?:to|and|until|till)\s+(.+)$"
                   r"|^([12]\d{3})\s*[-–—]\s*([12]\d{3})$", re.IGNORECASE)
#: Several dates in one text: "1965 or 1966", "19.2.1968; 1965".
ALTERNATIVES = re.compile(r"\s*;\s*|\s+or\s+", re.IGNORECASE)
_ISO = re.compile(r"^[12]\d{3}(?:-\d{1,2}(?:-\d{1,2}(?:[T ]\d{1,2}(?::\d{1,2}(?::\d{1,2})?)?)?)?)?$")
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)
_SEPT = re.compile(r"\bsept\b", re.IGNORECASE)
_FILLERS = re.compile(r"\b(?:the|of)\b", re.IGNORECASE)  # "the 8th of January 1984"
_SEPARATORS = re.compile(r"[\s,./-]+")
_DAY_MONTH_YEAR = re.compile(r"^(?:(\d{1,2}) )?([A-Za-z]{3,9}) ([12]\d{3})$")
#: English month names, full and abbreviated, by number (the names strptime's %B and %b read in the C locale).
_MONTHS = {name.lower(): number for number in range(1, 13)
           for name in (date(2000, number, 1).strftime("%B"), date(2000, number, 1).strftime("%b"))}
_NUMERIC = re.compile(r"^\d{1,4}([/.-])\d{1,4}(?:\1\d{1,4})?$")
#: A qualifier of a name that says when its bearer was born: "born 1912", "b. 13 Oct 1944",
#: "1912–1984" (a life span), "1912년생", "1912年生".
BIRTH_QUALIFIER = re.compile(r"^(?:born|b\.|geb\.|geboren|né|née)\s+(?P<date>.+)$"
                             r"|^(?P<span>[12]\d{3})\s*[-–—]\s*(?:[12]\d{3})?$"
                             r"|^(?P<cjk>[12]\d{3})\s*(?:년\s*(?:생|출생)|年\s*(?:生|出生))$", re.IGNORECASE)


@lru_cache(maxsize=50_000)
def read_birth_date(text: str) -> tuple[str, ...]:
    """The ISO date prefixes a birth date written as ``text`` may stand for; () when not understood.

    ``read_birth_date("13/10/1944") == ("1944-10-13",)``; ``"01/02/1944"`` gives both
    ``1944-02-01`` and ``1944-01-02``; ``"circa 1960"`` gives 1959, 1960 and 1961;
    ``"1960 to 1962"`` each year from 1960 to 1962; ``"1965 or 1966"`` both.
    """
    text = " ".join(text.split()).strip().rstrip(".").strip()
    if not text:
        return ()
    if _ISO.match(text):  # the form of every cleaned list: no more work
        reading = parse(text)
        if reading.text is None:  # prefixdate leaves no text exactly when the precision is EMPTY
            return ()
        return (reading.text[:10],)
    parts = [part for part in ALTERNATIVES.split(text) if part]
    if len(parts) > 1:
        readings = [read_birth_date(part) for part in parts]
        return tuple(dict.fromkeys(r for found in readings for r in found)) if all(readings) else ()
    ranged = RANGE.match(text)
    if ranged:
        start, end = (ranged.group(1), ranged.group(2)) if ranged.group(1) else (ranged.group(3), ranged.group(4))
        return _years_between(_read_one(start), _read_one(end))
    approximate = APPROXIMATE.match(text)
    if approximate:
        years = sorted({int(reading[:4]) for reading in _read_one(text[approximate.end():])})
        if not years:
            return ()
        return tuple(str(year) for year in range(years[0] - APPROXIMATE_YEARS, years[-1] + APPROXIMATE_YEARS + 1))
    return _read_one(text)


def read_listed_dates(text: str) -> list[str]:
    """The dates a list states in ``text``, as ISO prefixes, for importing: ``10 Oct 1958``,
    ``Oct 1958``, ``1958``, ``circa 1958`` (the year stated: an import keeps what the list says,
    it does not widen it), ``1958 to 1960`` (both ends). A text with an ambiguous (``01/02/1958``)
    or unreadable part gives []."""
    text = " ".join(text.split()).strip().rstrip(".").strip()
    approximate = APPROXIMATE.match(text)
    if approximate:
        text = text[approximate.end():]
    parts = re.split(r"\s+to\s+", text, flags=re.IGNORECASE)
    if len(parts) > 2:
        return []
    found = []
    for part in parts:
        readings = _read_one(part)
        if len(readings) != 1:
            return []
        found.append(readings[0])
    return list(dict.fromkeys(found))


@lru_cache(maxsize=50_000)
def _read_one(text: str) -> tuple[str, ...]:
    """The readings of one date: ISO, numeric (day or month first) or with a month's name."""
    text = text.strip()
    if _ISO.match(text):
        reading = parse(text)
        return (reading.text[:10],) if reading.text is not None else ()
    numeric = _NUMERIC.match(text)
    if numeric:
        formats = NUMERIC_FORMATS[numeric.group(1)]
    elif any(ch.isalpha() for ch in text):
        text = _SEPARATORS.sub(" ", _FILLERS.sub(" ", _SEPT.sub("sep", _ORDINAL.sub(r"\1", text)))).strip()
        common = _DAY_MONTH_YEAR.match(text)
        if common:  # the form of most lists ("10 Oct 1958", "Oct 1958"), read without strptime
            return _day_month_year(*common.groups())
        formats = NAMED_FORMATS
    else:
        return ()
    readings = []
    for form in formats:
        reading = parse_format(text, form)
        if reading.text is not None and reading.text[:10] not in readings:
            readings.append(reading.text[:10])
    return tuple(readings)


def _day_month_year(day: str | None, month_name: str, year: str) -> tuple[str, ...]:
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return ()
    if day is None:
        return (f"{year}-{month:02d}",)
    try:
        return (date(int(year), month, int(day)).isoformat(),)
    except ValueError:
        return ()


def _years_between(start: tuple[str, ...], end: tuple[str, ...]) -> tuple[str, ...]:
    """Each year from the earliest of ``start`` to the latest of ``end``; () if either is unread
    or the range is wider than :data:`MAX_RANGE_YEARS`."""
    if not start or not end:
        return ()
    years = sorted(int(reading[:4]) for reading in (*start, *end))
    low, high = years[0], years[-1]
    if high - low + 1 > MAX_RANGE_YEARS:
        return ()
    if low == high:
        return tuple(dict.fromkeys((*start, *end)))
    return tuple(str(year) for year in range(low, high + 1))


def birth_date_in_qualifier(qualifier: str) -> tuple[str, ...]:
    """The birth dates a name's qualifier states ("born 1912", "1912–1984", "1912년생"); () if none.

    A year alone ("2019 interview", "1912") says no birth: it gives nothing.
    """
    found = BIRTH_QUALIFIER.match(" ".join(qualifier.split()))
    if found is None:
        return ()
    if found.group("date"):
        return read_birth_date(found.group("date"))
    return (found.group("span") or found.group("cjk"),)
