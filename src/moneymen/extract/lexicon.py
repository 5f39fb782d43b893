"""The word lists extraction reads by (``extract/data/lexicon.yaml``), loaded once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from moneymen import safeyaml


@dataclass(frozen=True)
class EventTriggers:
    """The lemmas and phrases that say an event of one type happened."""

    type: str
    verbs: frozenset[str]
    nouns: frozenset[str]
    phrases: tuple[str, ...]
    passive: bool
    threat_nouns: frozenset[str]


@dataclass(frozen=True)
class RelationTriggers:
    """The lemmas, nouns, phrases and prepositions that say a relation holds."""

    predicate: str
    verbs: frozenset[str]
    nouns: frozenset[str]
    phrases: tuple[str, ...]
    preps: frozenset[str]


@dataclass(frozen=True)
class Lexicon:
    reporting_verbs: frozenset[str]
    denial_verbs: frozenset[str]
    opinion_verbs: frozenset[str]
    noun_cues: frozenset[str]
    carrying_verbs: frozenset[str]
    interview_nouns: frozenset[str]
    according_to: tuple[str, ...]
    unspecified_cues: tuple[str, ...]
    hedges: dict[str, str]             # cue (lower case; a lemma or a phrase) → class
    events: tuple[EventTriggers, ...]
    planning_verbs: frozenset[str]
    role_nouns: frozenset[str]
    relations: tuple[RelationTriggers, ...]
    money_nouns: frozenset[str]
    people_nouns: frozenset[str]
    source_nouns: frozenset[str]
    organization_nouns: frozenset[str]
    outlet_nouns: frozenset[str]
    part_nouns: frozenset[str]
    state_posts: frozenset[str]
    demonyms: dict[str, str]           # "north korean" → "north korea"
    vague_nouns: frozenset[str]

    def relation(self, predicate: str) -> RelationTriggers:
        for triggers in self.relations:
            if triggers.predicate == predicate:
                return triggers
        raise KeyError(predicate)


def _words(data: dict, key: str) -> frozenset[str]:
    return frozenset(str(word).lower() for word in data.get(key) or ())


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The bundled lexicon."""
    path = resources.files("moneymen.extract").joinpath("data/lexicon.yaml")
    data = safeyaml.loads(path.read_text("utf-8"), "extract/data/lexicon.yaml")
    hedges = {str(cue).lower(): kind for kind, cues in data["hedges"].items() for cue in cues}
    events = tuple(EventTriggers(kind, _words(spec, "verbs"), _words(spec, "nouns"),
                                 tuple(str(p).lower() for p in spec.get("phrases") or ()),
                                 bool(spec.get("passive")), _words(spec, "threat_nouns"))
                   for kind, spec in data["events"].items())
    relations = tuple(RelationTriggers(kind, _words(spec, "verbs"), _words(spec, "nouns"),
                                       tuple(str(p).lower() for p in spec.get("phrases") or ()), _words(spec, "preps"))
                      for kind, spec in data["relations"].items())
    return Lexicon(
        reporting_verbs=_words(data, "reporting_verbs"), denial_verbs=_words(data, "denial_verbs"),
        opinion_verbs=_words(data, "opinion_verbs"), noun_cues=_words(data, "noun_cues"),
        carrying_verbs=_words(data, "carrying_verbs"), interview_nouns=_words(data, "interview_nouns"),
        according_to=tuple(data["according_to"]), unspecified_cues=tuple(data["unspecified_cues"]),
        hedges=hedges, events=events, planning_verbs=_words(data, "planning_verbs"),
        role_nouns=_words(data, "role_nouns"), relations=relations,
        money_nouns=_words(data["relations"]["money_transfer"], "money_nouns"),
        people_nouns=_words(data, "people_nouns"), source_nouns=_words(data, "source_nouns"),
        organization_nouns=_words(data, "organization_nouns"), outlet_nouns=_words(data, "outlet_nouns"),
        part_nouns=_words(data, "part_nouns"), state_posts=_words(data, "state_posts"),
        demonyms={str(k).casefold(): str(v).casefold() for k, v in data["demonyms"].items()}, vague_nouns=_words(data, "vague_nouns"),
    )
