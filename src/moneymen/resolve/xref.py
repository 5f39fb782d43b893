"""Sorting the candidate pairs of xref: merged on strong evidence, review, or rejected.

The matcher (:func:`moneymen.match.profiles.compare_profiles`) scores a pair on everything both
records have: names in every script, birth dates, countries, gender, identifiers. Resolution
asks a harder question than screening: not "should a person look at this?" but "may two records
become one entity without a person looking?". So a pair is **merged** automatically only when
the name agrees *and* independent facts confirm it, and nothing disagrees:

* a shared strong identifier (IMO number, SWIFT/BIC, LEI, passport, national ID, registration
  number…) beside a name that matches (:data:`IDENTIFIED_NAME`);
* a person: a name that matches closely (:data:`CLOSE_NAME`) and the same full birth date, and
  a shared country or a shared relation;
* an organisation or a vessel: a name that is the same after legal forms and spelling
  (:data:`SAME_NAME`), and two of: a shared country, a shared relation (the same director, the
  same parent, the same address), both listed by a sanctions authority.

Facts that disagree (birth dates, identifiers of a kind both have, genders, countries with none
in common) keep a pair from merging automatically, whatever else agrees. A record with two such
pairs into one other dataset is not merged with either (:func:`keep_unique`): that is a person's
decision. Pairs that do not merge are put in **review** when they score at least the review
threshold, **rejected** below it (kept, so the CSV shows near misses).

A shared relation is a third entity both records are tied to (a director, a parent company, a
vessel's operator, an address), once the third entity's own records are resolved: when the UN's
KOMID and OFAC's KOMID are merged, two directors of KOMID, one on each list, share a relation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from moneymen.match.profiles import Match, Profile

__all__ = ["CLOSE_NAME", "IDENTIFIED_NAME", "MERGED", "REJECTED", "REVIEW", "SAME_NAME", "STATUSES", "Finding",
           "PairFacts", "keep_unique", "shared_relations", "sort_pair"]

MERGED = "merged"
REVIEW = "review"
REJECTED = "rejected"
STATUSES = (MERGED, REVIEW, REJECTED)
#: The name score a shared strong identifier needs beside it to merge.
IDENTIFIED_NAME = 0.7
#: The name score a person's pair needs, with the same full birth date, to merge.
CLOSE_NAME = 0.9
#: The name score of an organisation's or vessel's pair that counts as the same name.
SAME_NAME = 0.95
#: Identifier kinds strong enough to merge on (an MMSI or call sign is reassigned; a tax number is not unique everywhere).
STRONG_IDENTIFIERS = ("IMO number", "SWIFT/BIC", "LEI", "passport number", "national ID number",
                      "registration number", "OGRN", "INN")


@dataclass(frozen=True, slots=True)
class PairFacts:
    """What resolution adds to the matcher's verdict on a pair: the relations both records share
    (captions of the third entities), and whether each is listed by a sanctions authority."""

    shared_relations: tuple[str, ...] = ()
    both_sanctioned: bool = False


@dataclass(frozen=True, slots=True)
class Finding:
    """A scored pair, sorted: its status and the reasons for it (what confirmed, what disagreed)."""

    left_id: str
    right_id: str
    score: float
    status: str
    reasons: tuple[str, ...]
    match: Match

    def explanation(self) -> dict:
        """The matcher's explanation with the resolution's status and reasons."""
        return {**self.match.explanation(), "status": self.status, "reasons": list(self.reasons)}


def sort_pair(left_id: str, right_id: str, left: Profile, right: Profile, match: Match, facts: PairFacts,
              review_threshold: float) -> Finding:
    """The status of the pair of records ``left_id`` and ``right_id`` (with these profiles) that the
    matcher scored ``match``, and why (see the module's rules)."""
    name_score = match.name.score if match.name is not None else 0.0
    disagreeing = [item.detail for item in match.evidence if item.effect < 0]
    identifiers = [item.detail for item in match.evidence if item.feature == "identifier" and item.effect > 0
                   and any(item.detail.startswith(f"same {kind} ") for kind in STRONG_IDENTIFIERS)]
    full_birth_date = any(len(date) == 10 for date in left.birth_dates & right.birth_dates)
    country = any(item.feature == "country" and item.effect > 0 for item in match.evidence)
    confirmed: list[str] = []
    if facts.shared_relations:
        confirmed.append("shared relation: " + ", ".join(facts.shared_relations[:3]))
    if country:
        confirmed.append("shared country")
    reasons: list[str] = []
    status = REVIEW if match.score >= review_threshold else REJECTED
    if disagreeing:
        reasons.append("disagrees: " + "; ".join(disagreeing))
    elif identifiers and name_score >= IDENTIFIED_NAME:
        status = MERGED
        reasons.append(f"{identifiers[0]}, name {name_score:.2f}")
    elif _is_person(left.schema):
        if name_score >= CLOSE_NAME and full_birth_date and confirmed:
            status = MERGED
            reasons.append(f"name {name_score:.2f}, same birth date, " + ", ".join(confirmed))
        else:
            reasons.append(_missing_for_person(name_score, full_birth_date, confirmed))
    else:
        if facts.both_sanctioned:
            confirmed.append("both sanctioned")
        if name_score >= SAME_NAME and len(confirmed) >= 2:
            status = MERGED
            reasons.append(f"same name ({name_score:.2f}), " + ", ".join(confirmed))
        elif name_score < SAME_NAME:
            reasons.append(f"name {name_score:.2f} < {SAME_NAME} needed to merge without a person")
        else:
            reasons.append(f"same name, but only {len(confirmed)} of the 2 confirming facts needed"
                           + (f" ({', '.join(confirmed)})" if confirmed else ""))
    if status != MERGED and match.score < review_threshold:
        reasons.append(f"score {match.score:.2f} < review threshold {review_threshold}")
    return Finding(left_id, right_id, match.score, status, tuple(reasons), match)


def _is_person(schema: str) -> bool:
    from moneymen.match.schemata import known_schema

    return known_schema(schema).is_a("Person")


def _missing_for_person(name_score: float, full_birth_date: bool, confirmed: list[str]) -> str:
    missing = []
    if name_score < CLOSE_NAME:
        missing.append(f"name {name_score:.2f} < {CLOSE_NAME}")
    if not full_birth_date:
        missing.append("no same full birth date")
    if not confirmed:
        missing.append("no shared country or relation")
    return "not merged without a person: " + ", ".join(missing)


def keep_unique(findings: Sequence[Finding], dataset_of: Mapping[str, Sequence[str]]) -> list[Finding]:
    """The findings, with merges demoted to review where a record would merge with two records
    of one other dataset (which of them is a person's decision)."""
    merges: dict[tuple[str, str], list[str]] = defaultdict(list)  # (record, other's dataset) → others
    for finding in findings:
        if finding.status == MERGED:
            for one, other in ((finding.left_id, finding.right_id), (finding.right_id, finding.left_id)):
                for dataset in dataset_of.get(other, ()):
                    merges[(one, dataset)].append(other)
    crowded = {(one, other) for (one, _), others in merges.items() if len(set(others)) > 1 for other in others}
    kept = []
    for finding in findings:
        if finding.status == MERGED and ((finding.left_id, finding.right_id) in crowded
                                         or (finding.right_id, finding.left_id) in crowded):
            rivals = "; ".join(sorted({o for (one, _), others in merges.items() for o in others
                                       if one in (finding.left_id, finding.right_id)} - {finding.left_id, finding.right_id}))
            finding = Finding(finding.left_id, finding.right_id, finding.score, REVIEW,
                              (*finding.reasons, f"not merged: another record of the same list merges too ({rivals})"),
                              finding.match)
        kept.append(finding)
    return kept


def shared_relations(left_id: str, right_id: str, neighbours: Mapping[str, Iterable[tuple[str, str]]],
                     cluster_of: Mapping[str, str]) -> tuple[str, ...]:
    """Captions of the third entities both records are tied to, a third entity's records counted
    as one through ``cluster_of`` (record id → cluster id; a record absent is its own cluster).
    ``neighbours`` maps a record to its (neighbour id, caption) pairs."""
    def clusters(entity_id: str) -> dict[str, str]:
        return {cluster_of.get(other, other): caption for other, caption in neighbours.get(entity_id, ())
                if other not in (left_id, right_id)}

    left, right = clusters(left_id), clusters(right_id)
    return tuple(sorted(left[key] for key in left.keys() & right.keys()))
