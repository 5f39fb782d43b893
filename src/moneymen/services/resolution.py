"""Resolution as a service: xref over the store, judgements and their undo, canonical ids.

:func:`run_xref` finds candidate pairs by blocking the screening index (:mod:`moneymen.match.blocking`:
the records that share a key, a word, a sound or a slip of one), scores and sorts each (:mod:`moneymen.resolve.xref`), and
saves them batch by batch, each batch in one transaction with the records it compared: a run
stopped midway (Ctrl-C, a kill) leaves the store consistent, and the next run with the same
settings compares only the records not yet compared, or changed since (the digest of what was
compared is kept per record). When every record is compared, the pairs sorted *merged* become
positive judgements by ``moneymen xref`` (never on a pair a person has judged, even if the
judgement was undone, nor across a negative judgement), and the canonical ids are assigned again.

Analysts' judgements, the review queue and the merged view are in :mod:`moneymen.services.judgements`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from moneymen.match.profiles import Match, Profile, compare_profiles
from moneymen.match.screener import ListedEntity, Screener
from moneymen.model import POSITIVE, Judgement, ordered_pair
from moneymen.resolve.judgements import Clusters, Contradiction, current
from moneymen.resolve.xref import (CLOSE_NAME, MERGED, REVIEW, Finding, PairFacts, keep_unique, pair_explanation,
                                   regimes_of, shared_contacts, shared_relations, sort_pair)
from moneymen.store import Store
from moneymen.store import resolution as kept
from moneymen.store.resolution import Candidate
from moneymen.services.judgements import recluster
from moneymen.timestamps import utc_now

__all__ = ["XREF_ANALYST", "XrefSettings", "XrefSummary", "run_xref", "write_candidates_csv"]

#: The analyst named on xref's automatic merges.
XREF_ANALYST = "moneymen xref"
#: Records compared per transaction (what a kill can lose, at most).
BATCH = 500


@dataclass(frozen=True)
class XrefSettings:
    """What an xref run compares and how: the ``datasets`` in scope (empty: the whole store),
    whether pairs ``within`` one dataset count, the ``threshold`` from which a pair goes to review,
    the ``floor`` below which a pair is not kept, and the most pairs kept per record (``limit``)."""

    datasets: tuple[str, ...] = ()
    within: bool = True
    threshold: float = 0.7
    floor: float = 0.5
    limit: int = 10

    def __post_init__(self) -> None:
        if not 0 < self.floor <= self.threshold <= 1:
            raise ValueError(f"expected 0 < floor ({self.floor}) ≤ threshold ({self.threshold}) ≤ 1")
        if self.limit < 1:
            raise ValueError(f"limit must be at least 1, not {self.limit}")

    def digest(self) -> str:
        """sha256 of the settings and of the code that shapes scores: a record compared under another is compared again."""
        from moneymen.services.screening_index import code_fingerprint

        text = json.dumps({**asdict(self), "datasets": sorted(self.datasets), "code": code_fingerprint(),
                           "rules": _rules_fingerprint()}, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _rules_fingerprint() -> str:
    import moneymen.resolve.xref as rules

    return hashlib.sha256(Path(rules.__file__).read_bytes()).hexdigest()


@dataclass
class XrefSummary:
    """What a run did: records in scope, compared now, skipped (compared before, unchanged), pairs
    found now, pairs by status in the store, merges made now, contradictions in the judgements,
    and the candidate pairs the matcher scored (those blocking found worth it)."""

    run_id: int
    in_scope: int
    compared: int
    skipped: int
    pairs: int
    statuses: dict[str, int] = field(default_factory=dict)
    merged_now: int = 0
    contradictions: list[Contradiction] = field(default_factory=list)
    scored: int = 0


def _digest(entity: ListedEntity) -> str:
    text = json.dumps([entity.schema, sorted((k, sorted(v)) for k, v in entity.properties.items()),
                       sorted(entity.datasets)], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def run_xref(store: Store, settings: XrefSettings = XrefSettings(), screener: Screener | None = None,
             progress: Callable[[int, int], None] | None = None, batch: int = BATCH,
             workers: int | None = None) -> XrefSummary:
    """Compare the records of the scope that need it, save the pairs, merge on strong evidence.

    The candidate pairs come from blocking the whole screening index at once
    (:mod:`moneymen.match.blocking`), those with a record new or changed since the last run with
    these settings; each pair is scored by the matcher, sorted, and saved with the record that owns
    it (the one of the two this run compares first). ``screener`` is the store's (built or read
    from its saved index when not given). ``progress`` hears (records compared, records to compare)
    after each ``batch`` of records, each saved in one transaction with the pairs it owns. The
    pairs are scored in ``workers`` processes (default: one per usable core, from
    :data:`PARALLEL_FROM` pairs), forked once the index is read, so they share its pages; the
    store is written by this process only.
    """
    from moneymen.services.screening import screener_of_store

    screener = screener if screener is not None else screener_of_store(store)
    entities = screener.entities
    ids = screener.index.ids.texts(range(len(screener.index.ids)))
    scope = set(settings.datasets)
    unknown = scope - set(store.datasets())
    if unknown:
        raise ValueError(f"no dataset {', '.join(sorted(unknown))} in {store.location}; it holds "
                         f"{', '.join(store.datasets()) or 'nothing yet'}")
    datasets: list[tuple[str, ...]] = []
    digests: dict[int, str] = {}  # of the records in scope, by position
    for position in range(len(entities)):  # decodes every record once
        entity = entities[position]
        datasets.append(entity.datasets)
        if not scope or scope & set(entity.datasets):
            digests[position] = _digest(entity)
    in_scope = list(digests)
    settings_sha = settings.digest()
    with store.transaction():
        _forget_stale(store, settings_sha, ids)
        before = kept.compared_digests(store, settings_sha)
        # a run stopped before its merges leaves pairs no later run's records touch: sort them all
        interrupted = any(run.finished_at is None for run in kept.xref_runs(store) if run.settings_sha256 == settings_sha)
        run_id = kept.start_xref_run(store, json.dumps({**asdict(settings), "datasets": sorted(scope)}),
                                     settings_sha, utc_now())
    todo = [position for position in in_scope if before.get(ids[position]) != digests[position]]
    changed = {ids[p] for p in todo if ids[p] in before}
    context = _Context.of(store, screener, settings, ids)
    owned = _owned_pairs(screener, settings, datasets, in_scope, todo) if todo else {}
    found_pairs = 0
    touched: set[str] = set(changed)  # the records of the pairs found now (an incremental run sorts theirs again)
    batches = [todo[start:start + batch] for start in range(0, len(todo), batch)]
    done = 0
    for positions, findings in zip(batches, _compared(context, batches, owned, workers)):
        with store.transaction():
            kept.write_candidates(store, run_id, settings_sha, {ids[p]: digests[p] for p in positions},
                                  [_candidate(finding, run_id) for finding in findings], changed)
        found_pairs += len(findings)
        touched.update(node for finding in findings for node in (finding.left_id, finding.right_id))
        done += len(positions)
        if progress is not None:
            progress(done, len(todo))
    with store.transaction():
        merged_now = _merge_strong_pairs(store, context, None if interrupted or len(todo) == len(in_scope) else touched)
        contradictions = recluster(store)
        kept.finish_xref_run(store, run_id, utc_now())
    return XrefSummary(run_id, len(in_scope), len(todo), len(in_scope) - len(todo), found_pairs,
                       kept.count_candidates(store), merged_now, contradictions,
                       sum(len(others) for others in owned.values()))


def _owned_pairs(screener: Screener, settings: XrefSettings, datasets: Sequence[Sequence[str]],
                 in_scope: Sequence[int], todo: Sequence[int]) -> dict[int, list[int]]:
    """``{position: [other positions]}``: the candidate pairs to score, each under the record of the
    two that this run compares first (its *owner*). Pairs whose records are both compared already
    and unchanged are not formed; nor pairs out of the scope, nor (unless ``within``) pairs of one dataset.

    When some records are compared already (an incremental run), only the blocks with a fresh
    record are paired, and each pair is ranked among its fresh record's pairs
    (:func:`~moneymen.match.blocking.likely_pairs` with ``fresh``)."""
    import numpy as np

    from moneymen.match.blocking import block_pairs, likely_pairs

    index = screener.index
    fresh = np.zeros(len(index), dtype=np.bool_)
    fresh[np.asarray(todo, dtype=np.int64)] = True
    some = None if fresh.all() else fresh
    pairs = likely_pairs(block_pairs(index, fresh=some), index, fresh=some)
    rank = np.full(len(index), len(todo), dtype=np.int64)
    rank[np.asarray(todo, dtype=np.int64)] = np.arange(len(todo))
    if settings.datasets:
        wanted = np.zeros(len(index), dtype=np.bool_)
        wanted[np.asarray(in_scope, dtype=np.int64)] = True
        pairs = pairs.subset(wanted[pairs.left] & wanted[pairs.right])
    left, right = pairs.left.astype(np.int64), pairs.right.astype(np.int64)
    owner_first = rank[left] <= rank[right]
    owners, others = np.where(owner_first, left, right), np.where(owner_first, right, left)
    owned: dict[int, list[int]] = defaultdict(list)
    for owner, other in zip(owners.tolist(), others.tolist()):
        if settings.within or not set(datasets[owner]) & set(datasets[other]):
            owned[owner].append(other)
    return owned


#: Runs scoring fewer pairs than this stay in one process (forking costs more than it saves).
PARALLEL_FROM = 4_000
#: Records whose pairs one worker's task scores.
_TASK = 200
#: What forked workers read (inherited from the parent, not sent to them).
_SHARED: dict = {}


def _compared(context: "_Context", batches: list[list[int]], owned: Mapping[int, list[int]],
              workers: int | None) -> Iterator[list[Finding]]:
    """The findings of each batch of records (the pairs they own, scored), in order: in forked workers when worth it."""
    total = sum(len(others) for others in owned.values())
    if workers is None:
        workers = min(len(os.sched_getaffinity(0)), 8) if total >= PARALLEL_FROM else 1
    if workers <= 1:
        for positions in batches:
            yield [finding for position in positions for finding in context.pairs_of(position, owned.get(position, ()))]
        return
    import gc
    import multiprocessing

    _SHARED["context"], _SHARED["owned"] = context, owned
    gc.freeze()  # what the workers inherit is never collected there: its pages stay shared
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        for positions in batches:
            tasks = [positions[start:start + _TASK] for start in range(0, len(positions), _TASK)]
            yield [finding for found in pool.imap(_compare_task, tasks) for finding in found]
    finally:
        _SHARED.clear()
        pool.close()
        pool.join()
        gc.unfreeze()


def _compare_task(positions: list[int]) -> list[Finding]:
    context, owned = _SHARED["context"], _SHARED["owned"]
    return [finding for position in positions for finding in context.pairs_of(position, owned.get(position, ()))]


def _forget_stale(store: Store, settings_sha: str, ids: Sequence[str]) -> None:
    """Drop the candidates of other settings and those of records no longer in the store."""
    store.engine.execute("DELETE FROM xref_candidates WHERE run_id IN "
                         "(SELECT id FROM xref_runs WHERE settings_sha256 <> ?)", [settings_sha])
    kept.forget_records_except(store, ids)


def _candidate(finding: Finding, run_id: int) -> Candidate:
    return Candidate(finding.left_id, finding.right_id, finding.score, finding.status,
                     json.dumps(finding.to_dict(), ensure_ascii=False), run_id)


class _Context:
    """What scoring a record's pairs needs: the screener, the scope, the records' relations and clusters."""

    def __init__(self, screener: Screener, settings: XrefSettings, ids: Sequence[str],
                 neighbours: dict[str, list[tuple[str, str]]], cluster_of: dict[str, str],
                 regimes: dict[str, frozenset[str]]):
        self.screener, self.settings = screener, settings
        self.position = {entity_id: position for position, entity_id in enumerate(ids)}
        self.neighbours, self.cluster_of, self.regimes = neighbours, cluster_of, regimes

    @classmethod
    def of(cls, store: Store, screener: Screener, settings: XrefSettings, ids: Sequence[str]) -> "_Context":
        from moneymen.graph.builder import build_view

        view = build_view(store, resolved=False)  # ties between records, each its own node
        neighbours: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for source, target in zip(view.source.tolist(), view.target.tolist()):
            neighbours[view.ids[source]].append((view.ids[target], view.captions[target]))
            neighbours[view.ids[target]].append((view.ids[source], view.captions[source]))
        regimes = {entity_id: regimes_of(programs) for entity_id, programs in zip(view.ids, view.programs) if programs}
        return cls(screener, settings, ids, dict(neighbours), kept.canonical_ids(store), regimes)

    def pairs_of(self, position: int, others: Iterable[int]) -> list[Finding]:
        """The pairs of the record at ``position`` with ``others`` (positions) worth keeping, sorted:
        scored by the matcher, at least :attr:`XrefSettings.floor`, the best ``limit``."""
        screener, settings = self.screener, self.settings
        profiles, forms = screener.index.profiles, screener.index.forms
        entity, profile, own_forms = screener.entities[position], profiles[position], forms[position]
        scored = []
        for other in others:
            match = compare_profiles(profile, profiles[other], settings.threshold, forms[other], own_forms)
            if match.score >= settings.floor:
                scored.append((match.score, other, match))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [self.finding(entity, profile, screener.entities[other], profiles[other], match)
                for _, other, match in scored[:settings.limit]]

    def finding(self, entity: ListedEntity, profile: Profile, other: ListedEntity, other_profile: Profile,
                match: Match) -> Finding:
        """The pair of two records as the matcher scored it, sorted with what is known so far
        (rivals are counted when every record is compared: :func:`_sort_again`)."""
        left, right = ordered_pair(entity.id, other.id)
        left_profile, right_profile = (profile, other_profile) if left == entity.id else (other_profile, profile)
        return self.sorted(left, right, pair_explanation(match, left_profile, right_profile), 0)

    def sorted(self, left: str, right: str, explanation: dict, rivals: int) -> Finding:
        """The pair sorted from its explanation, with the relations and regimes the two records share."""
        emails, phones = shared_contacts(self._properties(left), self._properties(right))
        facts = PairFacts(shared_relations(left, right, self.neighbours, self.cluster_of),
                          tuple(sorted(self.regimes.get(left, frozenset()) & self.regimes.get(right, frozenset()))),
                          rivals, emails, phones)
        return sort_pair(left, right, explanation, facts, self.settings.threshold)

    def _properties(self, entity_id: str) -> dict[str, list[str]]:
        position = self.position.get(entity_id)
        return self.screener.entities[position].properties if position is not None else {}

    def datasets_of(self, entity_id: str) -> tuple[str, ...]:
        position = self.position.get(entity_id)
        return self.screener.entities[position].datasets if position is not None else ()


@dataclass(frozen=True, slots=True)
class _Stored:
    """What sorting a stored pair again reads of it: its status and reasons as stored, the parts of
    its explanation the rules read (:func:`_sortable`), whether its name makes a rival, its run."""

    score: float
    status: str
    reasons: tuple[str, ...]
    explanation: dict
    close_name: bool
    run_id: int


def _sortable(explanation: Mapping) -> dict:
    """The parts of a pair's explanation that :func:`~moneymen.resolve.xref.sort_pair` reads (the
    scores, the evidence, whether a person, whether the same full birth date), without the name's
    parts and notes, which are most of it."""
    name = explanation.get("name")
    return {"score": explanation["score"], "name": {"score": name.get("score", 0.0)} if name else None,
            "evidence": explanation.get("evidence", []), "person": explanation.get("person", False),
            "same_full_birth_date": explanation.get("same_full_birth_date", False)}


def _stored_pairs(store: Store, touched: set[str] | None) -> dict[tuple[str, str], _Stored]:
    """The merged and review pairs (of the ``touched`` records, when given), each in its compact form."""
    stored = {}
    for batch in kept.candidate_batches(store, (MERGED, REVIEW), nodes=touched):
        for c in batch:
            explanation = json.loads(c.explanation)
            name = explanation.get("name") or {}
            stored[(c.left_id, c.right_id)] = _Stored(
                c.score, c.status, tuple(explanation.get("reasons", ())), _sortable(explanation),
                float(name.get("score", 0.0)) >= CLOSE_NAME and not _by_initials(name), c.run_id)
    return stored


#: Pairs whose explanations are read back and rewritten at a time when their status or reasons change.
_REWRITE = 20_000


def _merge_strong_pairs(store: Store, context: _Context, touched: set[str] | None = None) -> int:
    """Sort the stored pairs again with everything known once every record is compared, and turn
    those sorted merged into positive judgements by xref; how many. With ``touched`` (an
    incremental run), only the pairs of those records are sorted again: no other pair gained a
    rival or lost one.

    Rivals are counted (other candidates of a close name from the same list), and the pairs are
    sorted again while merges add shared relations (a director of two merged companies now shares
    a relation), until nothing changes. A record that would merge with two records of one dataset
    merges with neither (:func:`keep_unique`). A pair that any judgement was ever made on (undone
    or not) is left to people, and so is a pair across a negative judgement. Each pair is held in
    the compact form its sorting reads (:class:`_Stored`); the explanations of the pairs whose
    status or reasons change are read back and rewritten a few thousand at a time.
    """
    if touched is not None and not touched:
        return 0
    log = kept.judgement_log(store)
    ever_judged = {event.pair for event in log}
    clusters = Clusters(current(log))
    stored = _stored_pairs(store, touched)
    rivals = _rivals({pair: item.close_name for pair, item in stored.items()}, context.datasets_of)
    findings: dict[tuple[str, str], Finding] = {}
    merged: set[tuple[str, str]] = set()
    for _ in range(4):  # each round's merges may add relations for the next; four reach a director's company's owner
        context.cluster_of = _clusters_with(clusters, merged)
        findings = {pair: context.sorted(*pair, item.explanation, rivals.get(pair, 0)) for pair, item in stored.items()}
        now_merged = {pair for pair, finding in findings.items() if finding.status == MERGED}
        if now_merged == merged:
            break
        merged = now_merged
    unique = {(f.left_id, f.right_id): f for f in keep_unique(list(findings.values()), {
        node: context.datasets_of(node) for pair in merged for node in pair})}
    del findings
    changed = [pair for pair, f in unique.items() if f.status != stored[pair].status or f.reasons != stored[pair].reasons]
    for start in range(0, len(changed), _REWRITE):
        part = changed[start:start + _REWRITE]
        texts = kept.explanations_of(store, part)
        kept.update_candidates(store, [
            Candidate(*pair, stored[pair].score, unique[pair].status,
                      json.dumps({**json.loads(texts[pair]), "status": unique[pair].status,
                                  "reasons": list(unique[pair].reasons)}, ensure_ascii=False), stored[pair].run_id)
            for pair in part])
    now = utc_now()
    judgements: list[Judgement] = []
    for pair, finding in sorted(unique.items()):
        if finding.status != MERGED or pair in ever_judged or clusters.same(*pair) or clusters.kept_apart(*pair):
            continue
        judgement = Judgement(*pair, POSITIVE, XREF_ANALYST, now, "; ".join(finding.reasons),
                              round(finding.score, 4), "xref")
        judgements.append(judgement)
        clusters.join(judgement)
    kept.add_judgements(store, judgements)
    return len(judgements)


def _rivals(close_names: Mapping[tuple[str, str], bool], datasets_of: Callable[[str], Sequence[str]]
            ) -> dict[tuple[str, str], int]:
    """For each pair, how many other candidates with a close name either record has in the other's
    list; ``close_names`` says of each pair whether its name is close (and not initials only:
    :func:`_by_initials`)."""
    close: dict[tuple[str, str], set[str]] = defaultdict(set)  # (record, a dataset) → its close candidates there
    for (left, right), is_close in close_names.items():
        if is_close:
            for one, other in ((left, right), (right, left)):
                for dataset in datasets_of(other):
                    close[(one, dataset)].add(other)
    counts = {}
    for left, right in close_names:
        others = set()
        for one, other in ((left, right), (right, left)):
            for dataset in datasets_of(other):
                others |= close.get((one, dataset), set())
        counts[(left, right)] = len(others - {left, right})
    return counts


def _by_initials(name: Mapping) -> bool:
    """Whether a name comparison (as an explanation holds it) matched only initials against words.
    A name that matches only as the initials of the other ("IIB" and "Ilsim International Bank") is
    no rival: initials stand for many names."""
    parts = name.get("parts") or []
    return bool(parts) and all(part.get("how") == "initials" for part in parts)


def _clusters_with(clusters: Clusters, pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``{record: cluster representative}`` for the clusters judged so far joined with ``pairs``."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    for group in clusters.groups():
        for node in group[1:]:
            parent[node] = group[0]
        parent.setdefault(group[0], group[0])
    for left, right in pairs:
        a, b = find(left), find(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {node: find(node) for node in parent}


#: The columns of ``moneymen xref -o``: the four the issue names first, then what a reader wants beside them.
CANDIDATE_COLUMNS = ("left_id", "right_id", "score", "status", "left_name", "right_name", "left_datasets",
                     "right_datasets", "judgement", "reasons")


def write_candidates_csv(store: Store, path: Path) -> int:
    """Write every kept pair, best first, as CSV (:data:`CANDIDATE_COLUMNS`); how many rows.
    ``judgement`` is the one that holds for the pair, if any (cells a spreadsheet would run as
    formulas get a leading apostrophe)."""
    from moneymen.files import SafeDictWriter, atomic_write

    holding = current(kept.judgement_log(store))
    pairs = kept.candidates(store)
    ids = sorted({node for pair in pairs for node in (pair.left_id, pair.right_id)})
    names, datasets = kept.names_and_datasets(store, ids)
    with atomic_write(path) as out:
        writer = SafeDictWriter(out, fieldnames=CANDIDATE_COLUMNS)
        writer.writeheader()
        for pair in pairs:
            reasons = json.loads(pair.explanation).get("reasons", [])
            judged = holding.get((pair.left_id, pair.right_id))
            writer.writerow({"left_id": pair.left_id, "right_id": pair.right_id, "score": f"{pair.score:.3f}",
                             "status": pair.status, "left_name": names.get(pair.left_id, ""),
                             "right_name": names.get(pair.right_id, ""),
                             "left_datasets": ";".join(datasets.get(pair.left_id, ())),
                             "right_datasets": ";".join(datasets.get(pair.right_id, ())),
                             "judgement": judged.judgement if judged else "", "reasons": "; ".join(reasons)})
    return len(pairs)
