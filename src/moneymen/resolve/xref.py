"""Sorting the candidate pairs of xref: merged on strong evidence, review, or rejected.

The matcher (:func:`moneymen.match.profiles.compare_profiles`) scores a pair on everything both
records have: names in every script, birth dates, countries, gender, identifiers. Resolution
asks a harder question than screening: not "should a person look at this?" but "may two records
become one entity without a person looking?". So a pair is **merged** automatically only when
the name agrees *and* independent facts confirm it, and nothing disagrees:

* a shared strong identifier (IMO number, SWIFT/BIC, LEI, passport, national ID, registration
  number…) beside a name that matches (:data:`IDENTIFIED_NAME`);
* a shared e-mail address beside a close name (:data:`CLOSE_NAME`);
* a person, with a name that matches closely: the same full birth date and one more fact (a
  shared country, the same sanctions regime, a shared relation, the same phone number); or, with the
  same name (:data:`SAME_NAME`) and no other record of that name in the other list (*unique*),
  birth dates that agree (a year at least) or a shared relation, and a shared country or the
  same sanctions regime;
* an organisation or a vessel, with the same name: two of a shared country, the same sanctions
  regime, a shared relation, and being unique.

*The same sanctions regime*: both lists list the record under programmes of one regime (OFAC's
DPRK3 and the UN's DPRK are both North Korea; see ``data/sanctions_regimes.tsv``). *A shared
relation*: a third entity both records are tied to (a director, a parent, an operator), its own
records counted as one: once the UN's KOMID and OFAC's KOMID merge, a KOMID official on each
list shares a relation. *Unique*: neither record has another candidate of the other's list with
a close name (two OFAC "Kim Chol"s for one UN "Kim Chol" is a person's decision).

Facts that disagree (birth dates, identifiers of a kind both have, genders, countries with none
in common) keep a pair from merging automatically, whatever else agrees. A record that would
merge with two records of one other dataset merges with neither (:func:`keep_unique`). Pairs
that do not merge go to **review** when they score at least the review threshold, and are
**rejected** below it (kept, so that the CSV shows the near misses).

Sorting reads only a pair's explanation (:func:`pair_explanation`: the matcher's, with the
facts of the two profiles it needs), so xref can sort stored pairs again when merges add
relations, without scoring them again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from moneymen.match.profiles import Match, Profile

__all__ = ["CLOSE_NAME", "IDENTIFIED_NAME", "MERGED", "REJECTED", "REVIEW", "SAME_NAME", "STATUSES", "Finding",
           "PairFacts", "keep_unique", "pair_explanation", "regimes_of", "shared_contacts", "shared_relations",
           "sort_pair"]

MERGED = "merged"
REVIEW = "review"
REJECTED = "rejected"
STATUSES = (MERGED, REVIEW, REJECTED)
#: The name score a shared strong identifier needs beside it to merge.
IDENTIFIED_NAME = 0.7
#: A close name: what a person's pair needs with the same full birth date; what makes another candidate a rival.
CLOSE_NAME = 0.9
#: The same name, after legal forms, spelling and romanization.
SAME_NAME = 0.97
#: Identifier kinds strong enough to merge on (an MMSI or call sign is reassigned; a tax number is not unique everywhere).
STRONG_IDENTIFIERS = ("IMO number", "SWIFT/BIC", "LEI", "passport number", "national ID number",
                      "registration number", "OGRN", "INN")


@lru_cache(maxsize=1)
def _regime_table() -> dict[str, frozenset[str]]:
    text = (resources.files("moneymen.resolve") / "data" / "sanctions_regimes.tsv").read_text(encoding="utf-8")
    table: dict[str, set[str]] = defaultdict(set)
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            program, regime = line.split("\t")
            table[program.strip()].add(regime.strip())
    return {program: frozenset(regimes) for program, regimes in table.items()}


def regimes_of(programs: Iterable[str]) -> frozenset[str]:
    """The sanctions regimes of these programmes ("DPRK3", "IRAN-EO13846", the UN's "DPRK")."""
    table = _regime_table()
    found: set[str] = set()
    for program in programs:
        found |= table.get(program.strip()) or table.get(program.split("-", 1)[0].strip()) or frozenset()
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class PairFacts:
    """What resolution adds to the matcher's verdict on a pair: the relations both records share
    (captions of the third entities), the sanctions regimes both are listed under, how many
    rivals the pair has (other candidates with a close name, of the same list as one of the two),
    and the e-mail addresses and phone numbers both state (:func:`shared_contacts`)."""

    shared_relations: tuple[str, ...] = ()
    shared_regimes: tuple[str, ...] = ()
    rivals: int = 0
    shared_emails: tuple[str, ...] = ()
    shared_phones: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """A sorted pair: its score, status, the reasons for it, and its explanation (JSON-ready)."""

    left_id: str
    right_id: str
    score: float
    status: str
    reasons: tuple[str, ...]
    explanation: dict

    def to_dict(self) -> dict:
        """The explanation with the status and its reasons."""
        return {**self.explanation, "status": self.status, "reasons": list(self.reasons)}


def pair_explanation(match: Match, left: Profile, right: Profile) -> dict:
    """The matcher's explanation of a pair, with what sorting needs of the two profiles: whether
    they share a full birth date, and whether either is a person."""
    return {**match.explanation(),
            "same_full_birth_date": any(len(date) == 10 for date in left.birth_dates & right.birth_dates),
            "person": _is_person(left.schema) or _is_person(right.schema)}


def sort_pair(left_id: str, right_id: str, explanation: Mapping, facts: PairFacts, review_threshold: float) -> Finding:
    """The status of the pair of records ``left_id`` and ``right_id`` with this explanation
    (:func:`pair_explanation`) and these facts, and why (see the module's rules)."""
    score = float(explanation["score"])
    name = explanation.get("name") or {}
    name_score = float(name.get("score", 0.0))
    evidence = explanation.get("evidence", [])
    disagreeing = [item["detail"] for item in evidence if item["effect"] < 0]
    # a shared identifier beside a perfect name adds nothing to the score (effect 0), but it is there
    identifiers = [item["detail"] for item in evidence if item["feature"] == "identifier" and item["effect"] >= 0
                   and any(item["detail"].startswith(f"same {kind} ") for kind in STRONG_IDENTIFIERS)]
    dates_agree = any(item["feature"] == "birth_date" and item["effect"] > 0 for item in evidence)
    country = any(item["feature"] == "country" and item["effect"] > 0 for item in evidence)
    unique = facts.rivals == 0
    confirmed: list[str] = []
    if country:
        confirmed.append("shared country")
    if facts.shared_regimes:
        confirmed.append("same sanctions regime (" + ", ".join(facts.shared_regimes) + ")")
    if facts.shared_relations:
        confirmed.append("shared relation: " + ", ".join(facts.shared_relations[:3]))
    if facts.shared_phones:
        confirmed.append("same phone " + facts.shared_phones[0])
    status, reasons = REVIEW if score >= review_threshold else REJECTED, []
    if disagreeing:
        reasons.append("disagrees: " + "; ".join(disagreeing))
    elif identifiers and name_score >= IDENTIFIED_NAME:
        status = MERGED
        reasons.append(f"{identifiers[0]}, name {name_score:.2f}")
    elif facts.shared_emails and name_score >= CLOSE_NAME:
        status = MERGED
        reasons.append(f"same e-mail {facts.shared_emails[0]}, name {name_score:.2f}")
    elif explanation.get("person"):
        if name_score >= CLOSE_NAME and explanation.get("same_full_birth_date") and confirmed:
            status = MERGED
            reasons.append(f"name {name_score:.2f}, same birth date, " + ", ".join(confirmed))
        elif (name_score >= SAME_NAME and unique and (dates_agree or facts.shared_relations)
              and (country or facts.shared_regimes)):
            status = MERGED
            reasons.append(f"same name ({name_score:.2f}), no other of that name, "
                           + ("birth dates agree, " if dates_agree else "") + ", ".join(confirmed))
        else:
            reasons.append(_missing_for_person(name_score, explanation, dates_agree, unique, facts, country))
    else:
        if unique:
            confirmed.append("no other of that name")
        if name_score >= SAME_NAME and len(confirmed) >= 2:
            status = MERGED
            reasons.append(f"same name ({name_score:.2f}), " + ", ".join(confirmed))
        elif name_score < SAME_NAME:
            reasons.append(f"not merged without a person: name {name_score:.2f} < {SAME_NAME}")
        else:
            reasons.append("not merged without a person: same name, but only "
                           + (", ".join(confirmed) if confirmed else "no confirming fact")
                           + " (two are needed)")
    if not unique and status != MERGED:
        reasons.append(f"{facts.rivals} other candidate{'s' if facts.rivals != 1 else ''} with a close name")
    if status != MERGED and score < review_threshold:
        reasons.append(f"score {score:.2f} < review threshold {review_threshold}")
    return Finding(left_id, right_id, score, status, tuple(reasons), dict(explanation))


def _is_person(schema: str) -> bool:
    from moneymen.match.schemata import known_schema

    return known_schema(schema).is_a("Person")


def _missing_for_person(name_score: float, explanation: Mapping, dates_agree: bool, unique: bool,
                        facts: PairFacts, country: bool) -> str:
    missing = []
    if name_score < CLOSE_NAME:
        missing.append(f"name {name_score:.2f} < {CLOSE_NAME}")
    elif not explanation.get("same_full_birth_date"):
        missing.append("no same full birth date")
        if name_score >= SAME_NAME:
            if not unique:
                missing.append("another record has a close name")
            if not (dates_agree or facts.shared_relations):
                missing.append("no birth date or relation in common")
            if not country and not facts.shared_regimes:
                missing.append("no shared country or sanctions regime")
    else:
        missing.append("nothing beside the birth date confirms")
    return "not merged without a person: " + ", ".join(missing)


def keep_unique(findings: Sequence[Finding], datasets_of: Mapping[str, Sequence[str]]) -> list[Finding]:
    """The findings, with merges demoted to review where a record would merge with two records
    of one other dataset (which of them is a person's decision)."""
    merges: dict[tuple[str, str], set[str]] = defaultdict(set)  # (record, other's dataset) → others
    for finding in findings:
        if finding.status == MERGED:
            for one, other in ((finding.left_id, finding.right_id), (finding.right_id, finding.left_id)):
                for dataset in datasets_of.get(other, ()):
                    merges[(one, dataset)].add(other)
    rivals: dict[str, set[str]] = defaultdict(set)
    for (one, _), others in merges.items():
        if len(others) > 1:
            rivals[one] |= others
    kept = []
    for finding in findings:
        crowd = (rivals.get(finding.left_id, set()) | rivals.get(finding.right_id, set())) \
            - {finding.left_id, finding.right_id}
        if finding.status == MERGED and crowd:
            finding = Finding(finding.left_id, finding.right_id, finding.score, REVIEW,
                              (*finding.reasons, "not merged: another record of the same list would merge too ("
                               + ", ".join(sorted(crowd)) + ")"), finding.explanation)
        kept.append(finding)
    return kept


def shared_contacts(left: Mapping[str, Sequence[str]], right: Mapping[str, Sequence[str]]
                    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The e-mail addresses (compared without case) and phone numbers (compared by their last
    nine digits, so "+1 702-555-0100" is "(702) 555 0100") that two records' properties both state."""
    def emails(props: Mapping[str, Sequence[str]]) -> dict[str, str]:
        return {value.strip().lower(): value.strip() for value in props.get("email", ()) if "@" in value}

    def phones(props: Mapping[str, Sequence[str]]) -> dict[str, str]:
        found = {}
        for value in props.get("phone", ()):
            digits = "".join(ch for ch in value if ch.isdigit())
            if len(digits) >= 7:
                found[digits[-9:]] = value.strip()
        return found

    left_emails, right_emails = emails(left), emails(right)
    left_phones, right_phones = phones(left), phones(right)
    return (tuple(sorted(left_emails[key] for key in left_emails.keys() & right_emails.keys())),
            tuple(sorted(left_phones[key] for key in left_phones.keys() & right_phones.keys())))


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
