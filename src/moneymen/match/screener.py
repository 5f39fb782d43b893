"""The screener: queries matched against listed entities through the candidate index.

A :class:`Screener` holds the listed entities (:class:`ListedEntity`: an entity as screening sees
it, with the sanctions behind it) and their candidate index, and answers queries: each result is
the entity, its score and decision and the explanation, so a compliance analyst sees why it was
flagged and by whom. Nothing here reads the store: :mod:`moneymen.services.screening` builds a
screener over a store's entities, and saves and reads its index beside the store.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from moneymen.match.profiles import (BIRTH_DATES_AGREE, COUNTRY_SHARED, DEFAULT_THRESHOLD, Match, Profile,
                                     compare_profiles)
from moneymen.match.index import CandidateIndex
from moneymen.match.schemata import known_schema, schema_facts


#: Candidates whose estimated score falls this far below the threshold (after what a query's
#: birth date and country could add) are not scored: the estimate is close, not exact.
MARGIN = 0.05
#: Candidates are scored best estimate first; the search stops after this many in a row have not
#: matched (the default; a caller that wants more results may ask for more patience).
CANDIDATES = 100
#: The most candidates one query may have scored in full.
MAX_CANDIDATES = 2000
#: The schema of a query that names none: screened as every matchable schema the store holds.
ANY_SCHEMA = "Thing"
#: Bounds on one query (an API query, a CSV row, a search text): the longest name in characters and
#: in words, and the most names (name, aliases, previous and weak aliases). The longest name on the
#: OFAC and UN lists has 324 characters and 45 words; the most names of one entity are 28.
MAX_NAME_LENGTH = 500
MAX_NAME_WORDS = 64
MAX_QUERY_NAMES = 50


@dataclass(frozen=True)
class ListedEntity:
    """A screenable entity: its id, schema, caption, properties, datasets and sanctions.

    ``sanctions`` are those an official list's own file states ('OFAC DPRK2'); sanctions that
    only another dataset states (an analyst's notes, an aggregator's export) are in
    ``claimed_sanctions``, each with the dataset that claims it ('UN SC DPRK (per my_notes)').
    ``last_change`` is when the entity's data last changed: the latest first sighting of any of
    its statements (what /match's and /search's ``changed_since`` compare with).
    """

    id: str
    schema: str
    caption: str
    properties: dict[str, list[str]]
    datasets: tuple[str, ...]
    sanctions: tuple[str, ...]
    first_seen: str | None = None
    last_seen: str | None = None
    claimed_sanctions: tuple[str, ...] = ()
    last_change: str | None = None


@dataclass(frozen=True)
class ScreeningResult:
    entity: ListedEntity
    match: Match

    @property
    def score(self) -> float:
        return self.match.score


class ListedProfiles(Sequence):
    """``(id, profile)`` of each listed entity, computed when asked for (an index reads each once)."""

    def __init__(self, entities: Sequence["ListedEntity"]):
        self.entities = entities
        self._profile_of = Profile.from_properties  # looked up once: an index asks a million times

    def __len__(self) -> int:
        return len(self.entities)

    def __getitem__(self, position):
        entity = self.entities[position]
        return entity.id, self._profile_of(entity.schema, entity.properties)


class Screener:
    """Screen queries against the named entities of a store (or of one dataset)."""

    def __init__(self, entities: Iterable[ListedEntity], index: CandidateIndex | None = None):
        """Index ``entities`` (a list in memory); or screen with an ``index`` already built over
        them (``entities`` then a sequence in the index's order, as a saved index gives them)."""
        self.entities: Sequence[ListedEntity]
        if index is None:
            self.entities = list(entities)
            self.by_id = {entity.id: entity for entity in self.entities}
            self.index = CandidateIndex(ListedProfiles(self.entities))
        else:
            if not isinstance(entities, Sequence):
                raise TypeError("with an index, the entities are a sequence in the index's order")
            self.entities = entities
            self.by_id = getattr(entities, "by_id", None) or {entity.id: entity for entity in entities}
            self.index = index

    def screen(self, query: Profile, threshold: float = DEFAULT_THRESHOLD, limit: int = 5,
               candidates: int = CANDIDATES) -> list[ScreeningResult]:
        """The best ``limit`` results for ``query``, highest score first (matches and near misses).

        A query of a matchable schema (Person, Company, Vessel…) is screened against the entities
        that can be one. A query of a broader schema (Thing: what a query without a schema is;
        Asset; LegalEntity is itself matchable) is screened as every matchable schema below it
        that the store holds (see :func:`screening_schemata`), and each entity comes back once,
        with its best score. Among equal scores, the entity indexed first comes first.
        """
        schema = known_schema(query.schema)  # a query's schema is checked where it is built
        if schema.matchable:
            found = self._screen_as(query, threshold, limit, candidates)
        else:
            best: dict[int, tuple[float, int, Match]] = {}
            for name in screening_schemata(query.schema, self.index.schemata):
                for item in self._screen_as(replace(query, schema=name), threshold, limit, candidates):
                    position = item[1]
                    if known_schema(self.entities[position].schema).is_a(schema) and \
                            (position not in best or item[0] > best[position][0]):
                        best[position] = item
            found = sorted(best.values(), key=lambda item: (-item[0], item[1]))
        return [ScreeningResult(self.entities[position], verdict) for _, position, verdict in found[:limit]]

    def _screen_as(self, query: Profile, threshold: float, limit: int, candidates: int
                   ) -> list[tuple[float, int, Match]]:
        """(score, position, verdict) of the best ``limit`` candidates for a query of a matchable schema.

        The index estimates each entity's score; entities are scored in full, best estimate
        first, down to ``MARGIN`` (and what the query's birth date and country could add) below
        the threshold. The search stops early once ``limit`` results score at least as much as
        any later estimate could reach, after ``candidates`` candidates in a row have not
        matched, or after ``MAX_CANDIDATES``.
        """
        # what the query's facts beside the name could add to a score, and the estimate's margin
        lift = MARGIN + (BIRTH_DATES_AGREE if query.birth_dates else 0.0) + (COUNTRY_SHARED if query.countries else 0.0)
        positions, estimates = self.index.candidates(query, cutoff=max(threshold - lift, 0.0))
        profiles, forms = self.index.profiles, self.index.forms
        found: list[tuple[float, int, Match]] = []
        best: list[float] = []  # the ``limit`` best scores so far, as a heap
        since_match = 0
        for scored, (position, estimate) in enumerate(zip(positions.tolist(), estimates.tolist())):
            if scored >= MAX_CANDIDATES or since_match >= candidates:
                break
            if len(best) >= limit and best[0] >= min(1.0, estimate + lift):
                break  # no later candidate can displace the results held
            verdict = compare_profiles(query, profiles[position], threshold, forms[position])
            if verdict.score > 0:
                found.append((verdict.score, position, verdict))
                if len(best) < limit:
                    heapq.heappush(best, verdict.score)
                elif verdict.score > best[0]:
                    heapq.heapreplace(best, verdict.score)
            since_match = 0 if verdict.match else since_match + 1
        found.sort(key=lambda item: (-item[0], item[1]))
        return found[:limit]


def screening_schemata(query_schema: str, held: Iterable[str]) -> list[str]:
    """The schemata a query of ``query_schema`` is screened as, against entities of the ``held`` schemata.

    A matchable schema is screened as itself. A schema that is not (Thing, Asset) stands for the
    matchable schemata below it: each held one is screened as its broadest matchable ancestor
    (LegalEntity for people, organisations and companies; Vehicle for vessels and airplanes),
    which compares every candidate as its own kind of name, as if the query had named its schema.
    """
    query = schema_facts(query_schema)
    if query is None:
        raise ValueError(f"unknown FtM schema {query_schema!r}")
    if query.matchable:
        return [query.name]
    chosen: list[str] = []
    for name in held:
        schema = schema_facts(name)
        if schema is None or not schema.matchable or not schema.is_a(query):
            continue
        broadest = min((ancestor for ancestor in schema.schemata if ancestor.matchable and ancestor.can_match(schema)),
                       key=lambda ancestor: (len(ancestor.schemata), ancestor.name))
        if broadest.name not in chosen:
            chosen.append(broadest.name)
    return chosen


def oversized(name: str) -> str | None:
    """Why ``name`` is too long to screen (see MAX_NAME_LENGTH, MAX_NAME_WORDS), or None."""
    if len(name) > MAX_NAME_LENGTH:
        return f"a name of {len(name):,} characters: the limit is {MAX_NAME_LENGTH}"
    words = len(name.split())
    if words > MAX_NAME_WORDS:
        return f"a name of {words:,} words: the limit is {MAX_NAME_WORDS}"
    return None


def check_query(query: Profile) -> None:
    """Raise ValueError, saying which bound, when ``query`` has more than MAX_QUERY_NAMES names or an
    oversized one: the work one query can cause is bounded whatever its source."""
    if len(query.names) > MAX_QUERY_NAMES:
        raise ValueError(f"{len(query.names)} names to screen: the limit is {MAX_QUERY_NAMES} per query")
    for name, _ in query.names:
        problem = oversized(name)
        if problem:
            raise ValueError(f"{problem} ({name[:40]!r}…)")
