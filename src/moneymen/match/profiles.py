"""Comparing two entities the way a compliance analyst weighs them.

The name decides; other facts move the score when both sides have them: an identical
identifier (IMO, passport, SWIFT/BIC, registration number) is near-proof, a different IMO
number on two vessels is near-disproof; birth dates that agree confirm, birth dates that
disagree count against; nationality and gender weigh lightly. Every adjustment is listed in
the explanation with its effect on the score. The countries a record states also weigh, in the
name comparison, a country qualifier only the other's name has ("Foreign Trade Bank", stated in
North Korea, against "Foreign Trade Bank of the DPRK": see :func:`~moneymen.match.names.compare_forms`).

Birth dates are read in the forms people write them (``13/10/1944``, ``January 8, 1984``,
``circa 1960``, ``1960 to 1962``: see :mod:`moneymen.dates`); one that cannot be read is
not compared, and the explanation says so. A person's name may state a birth date in a qualifier
("Kim Il (born 1912)"): when no birth date is given, that one counts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from moneymen.dates import birth_date_in_qualifier, read_birth_date
from moneymen.match.names import NameComparison, compare_forms, kind_of
from moneymen.match.schemata import known_schema, schema_facts
from moneymen.names.forms import NameForm, analyse
from moneymen.names.qualifiers import qualifier_text, split_qualifiers

DEFAULT_THRESHOLD = 0.7

#: Name properties and how much a match on each counts (a weak alias is weaker evidence).
NAME_WEIGHTS = {"name": 1.0, "alias": 1.0, "previousName": 0.95, "weakAlias": 0.9, "firstName": 0.0}
#: Identifier properties → (kind, effect when equal, effect when both have one and none agrees).
IDENTIFIERS = {
    "imoNumber": ("IMO number", 0.95, -0.4),
    "mmsi": ("MMSI", 0.9, -0.2),
    "swiftBic": ("SWIFT/BIC", 0.95, -0.2),
    "passportNumber": ("passport number", 0.95, 0.0),   # people hold several passports
    "idNumber": ("national ID number", 0.95, 0.0),
    "registrationNumber": ("registration number", 0.9, -0.1),
    "taxNumber": ("tax number", 0.9, -0.1),
    "leiCode": ("LEI", 0.95, -0.3),
    "ogrnCode": ("OGRN", 0.95, -0.2),
    "innCode": ("INN", 0.95, -0.2),
    "callSign": ("call sign", 0.8, 0.0),
}
#: What birth dates more than a year apart, and genders with none in common, take off a score.
BIRTH_DATES_DISAGREE = 0.3
GENDER_DIFFERS = 0.2
#: What full birth dates that agree, and a shared country, add to a score (the most facts beside
#: the name can add, identifiers aside).
BIRTH_DATES_AGREE = 0.05
COUNTRY_SHARED = 0.02
COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "birthCountry", "flag")
_ID_CLEAN = re.compile(r"[^0-9A-Z]")


@dataclass(frozen=True)
class Profile:
    """What matching uses of an entity: its schema, names and identifying facts.

    ``birth_dates`` are ISO date prefixes ("1944-10-13", "1944-10", "1944"): every reading of the
    birth dates given (:func:`~moneymen.dates.read_birth_date`), or of one stated in a
    qualifier of a name when none is given. ``birth_date_texts`` says, for a reading written
    otherwise, how it was written; ``unread_birth_dates`` are the birth dates that could not be
    read, which are not compared.
    """

    schema: str
    names: tuple[tuple[str, float], ...]
    birth_dates: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    genders: frozenset[str] = frozenset()
    identifiers: tuple[tuple[str, frozenset[str]], ...] = ()
    birth_date_texts: tuple[tuple[str, str], ...] = ()
    unread_birth_dates: tuple[str, ...] = ()

    @classmethod
    def from_properties(cls, schema: str, properties: dict[str, list[str]]) -> "Profile":
        """Build a profile from FtM-style properties (as a yente query or a store entity has them)."""
        found = schema_facts(schema)
        if found is None:
            raise ValueError(f"unknown FtM schema {schema!r}")
        names = [(value, weight) for prop, weight in NAME_WEIGHTS.items() if weight
                 for value in properties.get(prop, ()) if value and value.strip()]
        if not names and found.is_a("Person"):
            parts = [properties.get(p, []) for p in ("firstName", "secondName", "middleName", "lastName")]
            joined = " ".join(values[0] for values in parts if values)
            if joined:
                names.append((joined, 1.0))
        countries = frozenset(code for prop in COUNTRY_PROPS for value in properties.get(prop, ())
                              if (code := _country(value)))
        identifiers = []
        for prop in IDENTIFIERS:
            given = properties.get(prop)
            values = frozenset(filter(None, map(_identifier, given))) if given else None
            if values:
                identifiers.append((prop, values))
        dates: dict[str, str] = {}  # reading → how it was written, "" when as the reading
        unread = []
        for value in properties.get("birthDate", []):
            readings = read_birth_date(value) if value.strip() else ()
            if value.strip() and not readings:
                unread.append(value.strip())
            for reading in readings:
                dates.setdefault(reading, "" if reading == value.strip() else f"written {value.strip()!r}")
        if not dates and found.birth_date:
            for name, _ in names:
                for qualifier in split_qualifiers(name)[1]:
                    for reading in birth_date_in_qualifier(qualifier_text(qualifier)):
                        dates.setdefault(reading, f"from the name {name!r}")
        return cls(
            schema=found.name,
            names=tuple(dict.fromkeys(names)),
            birth_dates=frozenset(dates),
            countries=countries,
            genders=frozenset(v.strip().lower() for v in properties.get("gender", ()) if v.strip()),
            identifiers=tuple(identifiers),
            birth_date_texts=tuple(sorted((reading, text) for reading, text in dates.items() if text)),
            unread_birth_dates=tuple(dict.fromkeys(unread)),
        )


@dataclass(frozen=True)
class Evidence:
    """One fact beside the name that moved the score."""

    feature: str
    effect: float
    detail: str

    def to_dict(self) -> dict:
        return {"feature": self.feature, "effect": round(self.effect, 3), "detail": self.detail}


@dataclass(frozen=True)
class Match:
    """The verdict on a pair: score, decision, and why."""

    score: float
    match: bool
    threshold: float
    name: NameComparison | None
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = ()

    @property
    def features(self) -> dict[str, float]:
        """yente-style feature values: the name score and each adjustment."""
        values = {"name": round(self.name.score, 3) if self.name else 0.0}
        for item in self.evidence:
            values[item.feature] = round(values.get(item.feature, 0.0) + item.effect, 3)
        return values

    def explanation(self) -> dict:
        """The whole reasoning as JSON-ready data (see README, 'Reading an explanation')."""
        return {
            "score": round(self.score, 3),
            "match": self.match,
            "threshold": self.threshold,
            "name": self.name.to_dict() if self.name else None,
            "evidence": [item.to_dict() for item in self.evidence],
            "notes": list(self.notes),
        }


@lru_cache(maxsize=1_000)
def _pair_kind(query_schema: str, candidate_schema: str) -> str | None:
    """The kind of name two schemata are compared as, or None when one cannot be the other."""
    query_found, candidate_found = known_schema(query_schema), known_schema(candidate_schema)
    if not query_found.can_match(candidate_found):
        return None
    return kind_of(candidate_found.name if candidate_found.is_a(query_found) else query_found.name)


def compare_profiles(query: Profile, candidate: Profile, threshold: float = DEFAULT_THRESHOLD,
                     candidate_forms: tuple[NameForm, ...] | None = None,
                     query_forms: tuple[NameForm, ...] | None = None) -> Match:
    """Score how likely ``candidate`` is the entity ``query`` describes.

    ``candidate_forms`` are the candidate's names already analysed for its own schema (the
    screener keeps them for every listed entity); they are used when the pair is compared as
    that kind of name; ``query_forms`` are the query's, likewise (resolution compares two listed
    entities, both analysed already).
    """
    kind = _pair_kind(query.schema, candidate.schema)
    if kind is None:
        return Match(0.0, False, threshold, None, (), (f"a {query.schema} cannot be a {candidate.schema}",))
    if candidate_forms is not None and kind != kind_of(candidate.schema):
        candidate_forms = None
    if query_forms is not None and kind != kind_of(query.schema):
        query_forms = None
    best: NameComparison | None = None
    best_score = 0.0
    for query_position, (left, left_weight) in enumerate(query.names):
        left_form = query_forms[query_position] if query_forms is not None else analyse(left, kind)
        for position, (right, right_weight) in enumerate(candidate.names):
            right_form = candidate_forms[position] if candidate_forms is not None else analyse(right, kind)
            result = compare_forms(left_form, right_form, query.countries, candidate.countries)
            weighted = result.score * left_weight * right_weight
            if best is None or weighted > best_score:
                best, best_score = result, weighted
                if weighted >= 1.0:
                    break
        if best_score >= 1.0:
            break
    score = best_score
    evidence = []
    for item in _identifier_evidence(query, candidate):
        if item.effect > 0:  # a shared identifier lifts the score most of the way to 1
            lifted = max(score, item.effect + (1 - item.effect) * best_score)
            item = Evidence(item.feature, lifted - score, item.detail)
            score = lifted
        else:
            score += item.effect
        evidence.append(item)
    for item in (_date_evidence(query, candidate), _country_evidence(query, candidate), _gender_evidence(query, candidate)):
        if item is not None:
            evidence.append(item)
            score += item.effect
    score = min(1.0, max(0.0, score))
    notes = []
    if best is not None and best_score < best.score:
        notes.append("the best name is an alias of lower standing (weak alias or previous name)")
    unread = query.unread_birth_dates
    if query.birth_dates or query.unread_birth_dates:  # the listed side's matter only beside a query's
        unread += candidate.unread_birth_dates
    notes.extend(f"birth date {text!r} not understood: not compared" for text in dict.fromkeys(unread))
    return Match(score, score >= threshold, threshold, best, tuple(evidence), tuple(notes))


def _identifier_evidence(query: Profile, candidate: Profile):
    theirs = dict(candidate.identifiers)
    for prop, values in query.identifiers:
        other = theirs.get(prop)
        if not other:
            continue
        label, same, differ = IDENTIFIERS[prop]
        shared = values & other
        if shared:
            yield Evidence("identifier", same, f"same {label} {sorted(shared)[0]}")
        elif differ:
            yield Evidence("identifier", differ, f"different {label}: {sorted(values)[0]} / {sorted(other)[0]}")


def _date_evidence(query: Profile, candidate: Profile) -> Evidence | None:
    if not query.birth_dates or not candidate.birth_dates:
        return None
    best: tuple[float, str] | None = None
    written_left, written_right = dict(query.birth_date_texts), dict(candidate.birth_date_texts)
    for left in sorted(query.birth_dates):
        for right in sorted(candidate.birth_dates):
            precision = min(len(left), len(right))
            if left[:precision] == right[:precision]:
                effect, said = (BIRTH_DATES_AGREE if precision >= 10 else 0.03), "birth dates agree"
            elif left[:4] == right[:4]:
                effect, said = -0.15, "same birth year, different date"
            elif left[:4].isdigit() and right[:4].isdigit() and abs(int(left[:4]) - int(right[:4])) == 1:
                effect, said = -0.1, "birth years one apart"
            else:
                effect, said = -BIRTH_DATES_DISAGREE, "birth dates disagree"
            if best is None or effect > best[0]:
                best = (effect, f"{said}: {_shown(left, written_left)} / {_shown(right, written_right)}")
    assert best is not None  # both sides have birth dates: the first pair set it
    return Evidence("birth_date", *best)


def _shown(reading: str, written: dict[str, str]) -> str:
    """A birth date's reading, with how it was written when that differs ("1944-10-13 (written '13/10/1944')")."""
    return f"{reading} ({written[reading]})" if reading in written else reading


def _country_evidence(query: Profile, candidate: Profile) -> Evidence | None:
    if not query.countries or not candidate.countries:
        return None
    shared = query.countries & candidate.countries
    if shared:
        return Evidence("country", COUNTRY_SHARED, f"shared country: {', '.join(sorted(shared))}")
    return Evidence("country", -0.05, f"no shared country: {', '.join(sorted(query.countries))} / "
                    f"{', '.join(sorted(candidate.countries))}")


def _gender_evidence(query: Profile, candidate: Profile) -> Evidence | None:
    if query.genders and candidate.genders and not query.genders & candidate.genders:
        return Evidence("gender", -GENDER_DIFFERS, f"gender differs: {'/'.join(sorted(query.genders))} vs "
                        f"{'/'.join(sorted(candidate.genders))}")
    return None


@lru_cache(maxsize=10_000)
def _country(value: str) -> str | None:
    """The country code of ``value`` (a code or a name, read fuzzily) as FtM's country type cleans
    it (NFC, unsafe characters dropped, then rigour's territory lookup), without loading FtM."""
    from normality.cleaning import remove_unsafe_chars
    from rigour.territories import lookup_territory

    text = remove_unsafe_chars(unicodedata.normalize("NFC", value)).strip()
    territory = lookup_territory(text, fuzzy=True) if text else None
    return territory.ftm_country if territory is not None else None


def _identifier(value: str) -> str:
    cleaned = _ID_CLEAN.sub("", value.upper())
    return cleaned[3:] if cleaned.startswith("IMO") else cleaned
