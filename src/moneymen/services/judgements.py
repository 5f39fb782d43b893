"""Judgements as a service: analysts judge pairs and take judgements back; the review queue; the
canonical entity of a record (all its records' statements); nomenklatura's resolver files.

Every change to the judgements assigns the canonical ids again (:func:`recluster`) in the same
transaction, so the clusters the store holds always follow from its log.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from moneymen.model import UNDO, Entity, Judgement, is_canonical_id, ordered_pair
from moneymen.resolve.judgements import Clusters, Contradiction, assign_canonical, current
from moneymen.resolve.xref import MERGED, REVIEW
from moneymen.store import Store
from moneymen.store import resolution as kept
from moneymen.store.resolution import Candidate
from moneymen.timestamps import utc_now

__all__ = ["JudgeOutcome", "ResolverImport", "ReviewPair", "analyst_name", "export_resolver", "import_resolver", "canonical_of", "judge", "judgement_log", "merged_entity",
           "recluster", "review_pair", "review_queue", "undo"]


def analyst_name(given: str | None = None) -> str:
    """Who is judging: ``given``, else ``MONEYMEN_ANALYST``, else the login name."""
    name = (given or os.environ.get("MONEYMEN_ANALYST") or getpass.getuser() or "").strip()
    if not name:
        raise ValueError("say who is judging: --analyst NAME (or MONEYMEN_ANALYST)")
    return name


def recluster(store: Store) -> list[Contradiction]:
    """Assign canonical ids again from the judgements that hold; the contradictions among them.
    Call inside a transaction."""
    clusters = Clusters(current(kept.judgement_log(store)))
    kept.replace_canonical(store, assign_canonical(clusters, kept.canonical_ids(store)))
    return clusters.contradictions()


@dataclass(frozen=True)
class JudgeOutcome:
    """A judgement made: the event stored, the canonical id the two records now have (None when
    they are apart), and the contradictions the judgements now hold."""

    judgement: Judgement
    canonical_id: str | None
    contradictions: list[Contradiction]


def judge(store: Store, left_id: str, right_id: str, judgement: str, analyst: str, reason: str = "") -> JudgeOutcome:
    """Record an analyst's judgement on a pair of records (or of a record and a canonical id).

    Raises ValueError for an id the store has no statement about (a typo), other than a
    canonical id, and for a record judged against itself.
    """
    left, right = ordered_pair(left_id.strip(), right_id.strip())
    missing = [node for node in (left, right) if not is_canonical_id(node) and not next(iter(store.statements([node])), None)]
    if missing:
        raise ValueError(f"no entity {', '.join(map(repr, missing))} in {store.location}; "
                         "judge records by their ids (see `moneymen entities NAME`)")
    found = kept.candidate(store, left, right)
    event = Judgement(left, right, judgement, analyst, utc_now(), reason.strip(),
                      found.score if found is not None else None, "analyst")
    with store.transaction():
        (event_id,) = kept.add_judgements(store, [event])
        contradictions = recluster(store)
        canonical = kept.canonical_ids(store)
    stored = Judgement(*event.pair, event.judgement, event.analyst, event.created_at, event.reason, event.score,
                       event.origin, None, event_id)
    same = canonical.get(left) is not None and canonical.get(left) == canonical.get(right)
    return JudgeOutcome(stored, canonical.get(left) if same else None, contradictions)


def undo(store: Store, judgement_id: int, analyst: str, reason: str = "") -> JudgeOutcome:
    """Take back judgement ``judgement_id`` (an event of its own: the log keeps both).

    Raises LookupError when there is no such judgement, or it is an undo, or already undone.
    """
    log = kept.judgement_log(store)
    target = next((event for event in log if event.id == judgement_id), None)
    if target is None or target.judgement == UNDO:
        raise LookupError(f"no judgement {judgement_id} to undo in {store.location}; see `moneymen judgements log`")
    if any(event.undoes == judgement_id for event in log):
        raise LookupError(f"judgement {judgement_id} is already undone")
    event = Judgement(*target.pair, UNDO, analyst, utc_now(), reason.strip(), target.score, "analyst", judgement_id)
    with store.transaction():
        (event_id,) = kept.add_judgements(store, [event])
        contradictions = recluster(store)
        canonical = kept.canonical_ids(store)
    stored = Judgement(*event.pair, UNDO, analyst, event.created_at, event.reason, event.score, "analyst",
                       judgement_id, event_id)
    left, right = target.pair
    same = canonical.get(left) is not None and canonical.get(left) == canonical.get(right)
    return JudgeOutcome(stored, canonical.get(left) if same else None, contradictions)


def review_queue(store: Store, limit: int | None = None) -> list[Candidate]:
    """The pairs waiting for a person, best score first: sorted review by xref (or merged, when the
    merge xref made was undone), not judged (a judgement undone counts as none), not already one
    cluster, not kept apart by a negative judgement."""
    holding = current(kept.judgement_log(store))
    clusters = Clusters(holding)
    queue = []
    for pair in kept.candidates(store):
        key = (pair.left_id, pair.right_id)
        if pair.status not in (REVIEW, MERGED) or key in holding or clusters.same(*key) or clusters.kept_apart(*key):
            continue
        queue.append(pair)
        if limit is not None and len(queue) >= limit:
            break
    return queue


def canonical_of(store: Store, entity_id: str) -> tuple[str, list[str]]:
    """(canonical id, member records) of ``entity_id``'s cluster: ``(entity_id, [entity_id])`` when it
    is a record of its own; members are the records only (canonical nodes left out)."""
    canonical = kept.canonical_ids(store).get(entity_id)
    if canonical is None:
        members = kept.members_of(store, entity_id)  # entity_id may itself be a canonical id
        if not members:
            return entity_id, [entity_id]
        canonical = entity_id
    return canonical, [node for node in kept.members_of(store, canonical) if not is_canonical_id(node)]


def merged_entity(store: Store, entity_id: str) -> Entity | None:
    """The canonical entity of ``entity_id``'s cluster: the statements of all its records, each
    with its own entity id, dataset, source record and grade; None when the store has none."""
    canonical, members = canonical_of(store, entity_id)
    statements = list(store.statements(members))
    return Entity(canonical, statements) if statements else None



def judgement_log(store: Store, node: str | None = None, analyst: str | None = None
                  ) -> tuple[list[Judgement], dict[str, str]]:
    """The judgement events (oldest first), of one record or canonical id or analyst if given, and
    the name of every record they name."""
    events = kept.judgement_log(store, [node] if node is not None else None, analyst)
    names, _ = kept.names_and_datasets(store, sorted({n for e in events for n in e.pair}))
    return events, names


@dataclass(frozen=True)
class ReviewPair:
    """What a reviewer sees of a candidate pair: both sides (each as its whole cluster, with every
    statement), the matcher's explanation with xref's status and reasons, and what each side is
    tied to (captions of the entities its records relate to), which merging would connect."""

    candidate: Candidate
    left: Entity
    right: Entity
    explanation: dict
    left_ties: list[str]
    right_ties: list[str]


def review_pair(store: Store, candidate: Candidate) -> ReviewPair:
    """The pair as :class:`ReviewPair` shows it."""
    import json

    from moneymen.services.entities import get_entities, relations_of

    def side(entity_id: str) -> tuple[Entity, list[str]]:
        entity = merged_entity(store, entity_id) or Entity(entity_id, [])
        ties: list[str] = []
        for record in get_entities(store, canonical_of(store, entity_id)[1]):
            for relation in relations_of(store, record):
                others = [other for _, other in relation.others]
                captions = {e.id: e.caption for e in get_entities(store, others)}
                ties.extend(f"{relation.entity.schema.label}: {captions.get(o, o)}" for o in others)
        return entity, sorted(set(ties))

    left, left_ties = side(candidate.left_id)
    right, right_ties = side(candidate.right_id)
    return ReviewPair(candidate, left, right, json.loads(candidate.explanation), left_ties, right_ties)


def export_resolver(store: Store, path: Path) -> int:
    """Write the judgements that hold as a nomenklatura resolver file; how many lines."""
    from moneymen.resolve.nomenklatura import write_resolver

    return write_resolver(kept.judgement_log(store), path)


@dataclass(frozen=True)
class ResolverImport:
    """What reading a resolver file did: decisions read, suggestions skipped, judgements added
    (a decision the log already holds for that pair, the same, is not added again), and the
    contradictions the judgements now hold."""

    judgements: int
    skipped: int
    added: int
    contradictions: list[Contradiction]


def import_resolver(store: Store, path: Path) -> ResolverImport:
    """Read a nomenklatura resolver file into the judgement log, in one transaction: all of it or,
    for a bad line (named with its line number), nothing."""
    from moneymen.resolve.nomenklatura import read_resolver

    read = read_resolver(path)
    holding = current(kept.judgement_log(store))
    new = []
    for judgement in read.judgements:
        already = holding.get(judgement.pair)
        if already is not None and already.judgement == judgement.judgement:
            continue
        new.append(judgement)
        holding[judgement.pair] = judgement
    with store.transaction():
        kept.add_judgements(store, new)
        contradictions = recluster(store)
    return ResolverImport(len(read.judgements), read.suggestions_skipped, len(new), contradictions)
