"""Who knows an account, and what is lost with them: orphaned accounts and sole controllers.

An account is **orphaned** when every one of its known holders is removed (purged, defected,
captured). The holders are the people who know the account: the persons that
:data:`~moneymen.analysis.flow_graph.HOLDER_RELATIONS` tie to it (an Ownership of it, a Control,
Representation or unknown link such as a signatory, a crypto wallet's holder). A company that
holds an account knows it only through such people: where any person is tied to the account, the
company does not count as a holder; where none is, the company (or other entity) tied to it is
the holder. Only for an account that no such tie names are the parties of the payments through
it (:data:`~moneymen.analysis.flow_graph.USAGE_RELATIONS`: the payer of a payment from it, the
beneficiary of one into it) taken as its holders. A **sole controller** is a person who alone
holds an account or alone runs a company.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from moneymen.analysis.flow_graph import (COMPANY_CONTROL_RELATIONS, HOLDER_RELATIONS, USAGE_RELATIONS,
                                          is_account_schema, is_person_schema)
from moneymen.graph.view import NetworkView

__all__ = ["OrphanedAccount", "SoleController", "account_holders", "orphaned_accounts", "orphaned_nodes", "orphans",
           "sole_controllers"]



@dataclass
class OrphanedAccount:
    """An account whose every known holder is removed: nobody left knows it (``holders``: ids; captions beside)."""

    entity_id: str
    caption: str
    schema: str
    holders: list[str]
    holder_captions: list[str] = field(default_factory=list)


def orphaned_accounts(view: NetworkView, removed: Iterable[str], *,
                      holder_relations: Sequence[str] = HOLDER_RELATIONS) -> list[OrphanedAccount]:
    """Accounts (:data:`ACCOUNT_SCHEMATA`) with at least one known holder, all of them in ``removed``."""
    removed_nodes = np.zeros(view.n_nodes, dtype=bool)
    removed_nodes[view.indices(list(removed), "removed entity")] = True
    return orphans(view, removed_nodes, holder_relations)


def account_holders(view: NetworkView, holder_relations: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (account, holder) node pairs: who knows each account (see the module), as two arrays."""
    account_schema = {name: is_account_schema(name) for name in set(view.schemata)}
    is_account = np.array([account_schema[name] for name in view.schemata], dtype=bool)
    if not is_account.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    account, holder = _people_first(view, *_holder_pairs(view, is_account, holder_relations))
    used_account, user = _holder_pairs(view, is_account, USAGE_RELATIONS)
    named = np.zeros(view.n_nodes, dtype=bool)
    named[account] = True
    fallback = ~named[used_account]
    return np.concatenate([account, used_account[fallback]]), np.concatenate([holder, user[fallback]])


def orphaned_nodes(account: np.ndarray, holder: np.ndarray, removed: np.ndarray) -> np.ndarray:
    """The accounts (not removed themselves) all of whose holders are ``removed``."""
    if not account.size:
        return np.zeros(0, dtype=np.int64)
    total = np.bincount(account, minlength=removed.size)
    gone = np.bincount(account, weights=removed[holder].astype(np.float64), minlength=removed.size)
    return np.flatnonzero((total > 0) & (gone == total) & ~removed)


def orphans(view: NetworkView, removed: np.ndarray, holder_relations: Sequence[str]) -> list[OrphanedAccount]:
    account, holder = account_holders(view, holder_relations)
    orphaned = orphaned_nodes(account, holder, removed)
    result = []
    for a in orphaned.tolist():
        holders = sorted(holder[account == a].tolist(), key=lambda h: view.ids[h])
        result.append(OrphanedAccount(view.ids[a], view.captions[a], view.schemata[a],
                                      [view.ids[h] for h in holders], [view.captions[h] for h in holders]))
    result.sort(key=lambda x: x.entity_id)
    return result


@dataclass
class SoleController:
    """A person who alone is known to control accounts or companies: losing them orphans what they control.

    ``controls``: one ``{"id", "caption", "schema", "relation"}`` per account or company, where
    ``relation`` is ``"account holder"`` or the relation that ties the person to the company.
    """

    entity_id: str
    caption: str
    controls: list[dict[str, str]]


def sole_controllers(view: NetworkView, *, holder_relations: Sequence[str] = HOLDER_RELATIONS,
                     company_relations: Sequence[str] = COMPANY_CONTROL_RELATIONS) -> list[SoleController]:
    """Persons who are the only known holder of an account, or the only person who runs a company.

    An account's holders are those :func:`orphaned_accounts` counts (the people tied to it by
    ``holder_relations``; else the company tied to it; else the parties of payments through it):
    a person is its sole controller when the account has no other holder. A company (any
    non-account entity that is not a person) is run by the persons that ``company_relations``
    tie to it as director, owner or controller (:data:`COMPANY_CONTROL_RELATIONS`); a person is
    its sole controller when no other person is. Corporate owners do not count: they act through
    people, as a company knows an account only through its signatories. Sorted by the number of
    things controlled, most first, then by id.
    """
    person = {name: is_person_schema(name) for name in set(view.schemata)}
    account_kind = {name: is_account_schema(name) for name in set(view.schemata)}
    is_person = np.array([person[name] for name in view.schemata], dtype=bool)
    is_account = np.array([account_kind[name] for name in view.schemata], dtype=bool)
    controls: dict[int, list[dict[str, str]]] = {}

    def add(controller: int, thing: int, relation: str) -> None:
        controls.setdefault(controller, []).append({"id": view.ids[thing], "caption": view.captions[thing],
                                                   "schema": view.schemata[thing], "relation": relation})

    account, holder = account_holders(view, holder_relations)
    holders = np.bincount(account, minlength=view.n_nodes) if account.size else np.zeros(view.n_nodes, np.int64)
    for a, h in zip(account.tolist(), holder.tolist()):
        if holders[a] == 1 and is_person[h]:
            add(h, a, "account holder")
    edges = np.flatnonzero(view.relation_mask(company_relations))
    source, target = view.source[edges].astype(np.int64), view.target[edges].astype(np.int64)
    runs = is_person[source] & ~is_person[target] & ~is_account[target]
    relation_of: dict[tuple[int, int], set[str]] = {}
    for s, t, e in zip(source[runs].tolist(), target[runs].tolist(), edges[runs].tolist()):
        relation_of.setdefault((s, t), set()).add(view.relation_names[view.relation_code[e]])
    people = np.unique(target[runs] * view.n_nodes + source[runs])
    company, runner = people // view.n_nodes, people % view.n_nodes
    count = np.bincount(company, minlength=view.n_nodes) if company.size else np.zeros(view.n_nodes, np.int64)
    for c, r in zip(company.tolist(), runner.tolist()):
        if count[c] == 1:
            add(r, c, ", ".join(sorted(relation_of[(r, c)])))
    found = [SoleController(view.ids[p], view.captions[p], sorted(items, key=lambda x: x["id"]))
             for p, items in controls.items()]
    found.sort(key=lambda x: (-len(x.controls), x.entity_id))
    return found


def _people_first(view: NetworkView, account: np.ndarray, holder: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop the non-person holders of the accounts that have a person holder (the people are who know it)."""
    if not account.size:
        return account, holder
    person = {name: is_person_schema(name) for name in set(view.schemata)}
    is_person = np.array([person[view.schemata[h]] for h in holder.tolist()], dtype=bool)
    has_person = np.zeros(view.n_nodes, dtype=bool)
    has_person[account[is_person]] = True
    keep = is_person | ~has_person[account]
    return account[keep], holder[keep]


def _holder_pairs(view: NetworkView, is_account: np.ndarray, relations: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (account, holder) node pairs that ``relations`` state, an account at either end."""
    edges = np.flatnonzero(view.relation_mask(relations))
    source, target = view.source[edges].astype(np.int64), view.target[edges].astype(np.int64)
    into, out = is_account[target] & ~is_account[source], is_account[source] & ~is_account[target]
    account = np.concatenate([target[into], source[out]])
    holder = np.concatenate([source[into], target[out]])
    if not account.size:
        return account, holder
    pairs = np.unique(account * view.n_nodes + holder)
    return pairs // view.n_nodes, pairs % view.n_nodes
