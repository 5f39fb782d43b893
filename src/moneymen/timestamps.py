"""Timestamps as the store writes them: ISO-8601 text in UTC, to the second ("2024-05-03T10:00:00Z")."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

__all__ = ["CLOCK_SKEW", "is_future", "parse_timestamp", "utc_now"]

#: A list may be dated this far ahead of the clock (time zones, clock skew), no further.
CLOCK_SKEW = timedelta(days=1)


def utc_now() -> str:
    """Now, as the ISO-8601 UTC text the store uses."""
    return _iso_utc(datetime.now(timezone.utc))


def _iso_utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> str:
    """An ISO-8601 date or timestamp as the store's UTC text; ValueError when it is not one.

    A date or a time without zone counts as UTC. Years before 1900 are refused: no list or
    report moneymen reads is that old, and such a date is a typo or an attack on the ordering.
    """
    if not isinstance(text, str) or not 4 <= len(text) <= 40:
        raise ValueError(f"{text!r} is not an ISO-8601 date or timestamp")
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO-8601 date or timestamp, e.g. 2024-05-03 or "
                         "2024-05-03T10:00:00Z") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    if moment.year < 1900:
        raise ValueError(f"{text!r} is before 1900")
    return _iso_utc(moment)


def is_future(timestamp: str) -> bool:
    """Whether ``timestamp`` (the store's text) lies ahead of the clock by more than :data:`CLOCK_SKEW`."""
    return timestamp > _iso_utc(datetime.now(timezone.utc) + CLOCK_SKEW)
