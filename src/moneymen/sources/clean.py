"""Values through FollowTheMoney's property types, as every import stores them.

A country is stored as FtM's country code (``ir``, not "Iran (Islamic Republic of)"), a date in
FtM's ISO form, a gender, language, topic, e-mail, URL, phone number or identifier as FtM's type
cleans it, so that exports are valid FtM, facets count every value, and two lists that write the
same country differently agree. The source's own text is kept beside the cleaned value as the
statement's ``original_value`` (as FtM statements keep it) whenever cleaning changed it.

A value its type cannot read (a country "Indonesia (as at December 2003)", a birth date
"19.2.1968; 1965 or 1966" in a mapped CSV) is neither guessed nor lost: it is kept, labelled with
its property, as text in the entity's ``notes`` (or ``summary`` for schemata without notes, such
as Sanction or Identification), where an analyst reads it and no country or date facet counts
it. Only where the schema has neither is it dropped; the import's warnings count both cases.
One exception: a file in FtM's own formats (FtM or OpenSanctions JSON, statements) promises
FtM's ISO dates, so a date there that FtM cannot read is a broken or forged file and the import
is refused (:class:`UnreadableDate`), as it always was.

Free text (names, addresses, notes), entity references and JSON are stored as the source wrote
them: FtM's cleaning of those only collapses whitespace, and an entity id is checked elsewhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from followthemoney.property import Property
from followthemoney.schema import Schema
from followthemoney.types import registry

#: The property types whose values are cleaned: codes and formats.
CLEANED_TYPES = frozenset({
    registry.country, registry.date, registry.gender, registry.identifier, registry.email, registry.url,
    registry.phone, registry.ip, registry.language, registry.mimetype, registry.topic, registry.checksum,
})
#: Where a value its type cannot read is kept as text, the first the schema has.
TEXT_PROPERTIES = ("notes", "summary")
#: Cleaned values remembered per import (the same country label recurs thousands of times).
_CACHE_SIZE = 200_000


class UnreadableDate(ValueError):
    """A date FtM cannot read, in a file whose format promises FtM's dates."""


class ValueCleaner:
    """Cleans the values of one import and counts those it could not read.

    ``strict_dates``: the file's format promises FtM's dates, so an unreadable one raises
    :class:`UnreadableDate` instead of being kept as text.
    """

    def __init__(self, strict_dates: bool = False) -> None:
        self.strict_dates = strict_dates
        self._cache: dict[tuple[str, str], str | None] = {}
        #: (schema, property, its type, where it went: a text property, or None when dropped) → count
        self.unread: Counter[tuple[str, str, str, str | None]] = Counter()
        self._examples: dict[tuple[str, str, str, str | None], str] = {}

    def clean(self, schema: Schema, prop: Property, raw: str, original: str | None = None,
              countries: Callable[[], Iterable[str]] | None = None) -> tuple[str, str, str | None] | None:
        """The (property, value, original text) to store for ``raw``, or None when it is dropped.

        ``original`` is the source's text when the source had already cleaned ``raw`` itself.
        ``countries`` gives the entity's countries: a phone number written without its country
        code (``009613679153``) is read as a number of one of them, as FtM's mapping does.
        """
        kind = prop.type
        if kind not in CLEANED_TYPES:
            return prop.name, raw, original
        key = (kind.name, raw)
        cleaned: str | None
        if key in self._cache:
            cleaned = self._cache[key]
        else:
            cleaned = kind.clean(raw)
            if cleaned is None and kind is registry.phone and countries is not None:
                cleaned = next(filter(None, (kind.clean(raw, format=code) for code in sorted(countries()))), None)
            else:  # a phone number read with the entity's country hint is not remembered for others
                if len(self._cache) >= _CACHE_SIZE:
                    self._cache.clear()
                self._cache[key] = cleaned
        if cleaned is not None:
            return prop.name, cleaned, original or (raw if cleaned != raw else None)
        if self.strict_dates and kind is registry.date:
            raise UnreadableDate(f"property {prop.name!r}: {raw[:40]!r} is not a date; expected YYYY, YYYY-MM or "
                                 "YYYY-MM-DD (optionally with a time)")
        target = next((name for name in TEXT_PROPERTIES if name in schema.properties), None)
        counted = (schema.name, prop.name, kind.name, target)
        self.unread[counted] += 1
        self._examples.setdefault(counted, raw)
        if target is None:
            return None
        return target, f"{prop.label}: {raw}", original or raw

    def warnings(self) -> list[str]:
        """One line per kind of value that FtM's types could not read, saying where it went."""
        lines = []
        for counted, count in sorted(self.unread.items(), key=lambda item: tuple(map(str, item[0]))):
            schema, prop, kind, target = counted
            example = self._examples[counted][:60]
            where = f"kept as text in {target}" if target else f"dropped ({schema} has no text property to keep it)"
            lines.append(f"{count:,} {schema}.{prop} value(s) are not a valid {kind} (e.g. {example!r}): {where}")
        return lines

