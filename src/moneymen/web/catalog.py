"""What the API serves: the store (read-only) and one Screener per dataset scope, reloaded in the background.

The API never writes. It opens the DuckDB file read-only, only for as long as one read needs
it, and takes turns with other processes (:mod:`moneymen.store.turns`): ``moneymen import``
waits for the reads in progress, and reads that arrive during an import wait for it.

Screening never waits for the store. A scope's Screener comes from the index saved with the
store (:mod:`moneymen.services.screening_index`), built and saved when it is missing or stale; it is
read-only once built, so every request thread screens with it at once. When the store changes
(an import finished), the next request starts a reload in a background thread and keeps
answering from the old Screener until the new one is ready. At start the server builds the
index of every served dataset together (``default``), then of each dataset on its own, in the
background; a request for a scope not built yet waits for it. A built index is served from its
saved file, so that the server's workers share its pages.

Scopes, as in yente's ``/match/{dataset}``: ``default`` and ``all`` are every served dataset;
any other name is one dataset of the store. A request's ``min_grade`` (moneymen's extension) makes
a scope of its own, the scope's entities as only the statements graded at least that state them:
built (or mapped from its saved index) at its first request, then kept and reloaded after imports
as every scope is. There are at most 35 grade filters (F6 is no filter), so at most 36 scopes per
dataset scope.
"""

from __future__ import annotations

import logging
from collections import Counter
import os
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from moneymen.match.screener import ListedEntity, Screener
from moneymen.model import Grade
from moneymen.services.screening import load_listed
from moneymen.services.screening_index import grade_filter, index_path_of, one_builder, saved_screener, store_look
from moneymen.store import Store, StoreBusy, StoreError, open_store
from moneymen.web.errors import NotFound

#: Scope names meaning "every dataset served".
WHOLE = ("default", "all")
#: Seconds between tries to build the first index while an import holds the store.
BUSY_RETRY_S = 1.0

log = logging.getLogger(__name__)


@contextmanager
def read_only(db: str, wait: float | None = None) -> Iterator[Store]:
    """The store at ``db``, opened read-only for the duration of the block (waiting ``wait`` s for a writer)."""
    store = open_store(db, read_only=True, wait=wait)
    try:
        yield store
    finally:
        store.close()


@dataclass
class _Scope:
    datasets: tuple[str, ...] | None           # None: the whole store in one pass
    min_grade: Grade | None = None             # None: every statement
    screener: Screener | None = None
    stamp: tuple | None = None                 # the store's stamp when the screener's data was read
    held: dict[str, tuple[int, ...]] = field(default_factory=dict)  # dataset → the imports the screener holds
    counts: Counter | None = None              # entities of each dataset in the screener, once counted
    reloading: bool = False
    first_build: threading.Lock = field(default_factory=threading.Lock)


def _held(store: Store) -> dict[str, tuple[int, ...]]:
    return {name: tuple(record.id for record in records) for name, records in store.imports_by_dataset().items()}


class Catalog:
    """The store behind the API and the datasets it serves."""

    def __init__(self, db: str | os.PathLike[str], dataset_names: Iterable[str] | None = None):
        self.db = str(db)
        self._requested = tuple(dataset_names) if dataset_names is not None else None
        self._lock = threading.Lock()
        self._scopes: dict[tuple[str, str], _Scope] = {}
        self._stamp: tuple | None = None
        self.datasets: tuple[str, ...] = ()
        self._whole_store = True
        self.load_failed = False
        self._load_datasets()

    # -- datasets ---------------------------------------------------------------------

    def _load_datasets(self, wait: float | None = None) -> None:
        with read_only(self.db, wait) as store:
            stamp = store_look(self.db)  # no writer can change the store while we hold it
            available = store.datasets()
        if self._requested is not None:
            unknown = sorted(set(self._requested) - set(available))
            if unknown:
                raise ValueError(f"the store {self.db} has no dataset {', '.join(map(repr, unknown))}; "
                                 f"it has: {', '.join(available) or 'none (import a list first)'}")
            self.datasets = tuple(dict.fromkeys(self._requested))
        else:
            self.datasets = tuple(available)
        self._whole_store = set(self.datasets) == set(available)
        self._stamp = stamp

    def _refresh(self) -> None:
        """Re-read the dataset list when the store has changed; keep the old one while an import writes."""
        if store_look(self.db) == self._stamp:
            return
        with self._lock:
            if store_look(self.db) == self._stamp:
                return
            try:
                self._load_datasets(wait=0)
            except StoreBusy:
                return

    def scope_names(self) -> list[str]:
        """Every name ``/match/{dataset}`` accepts."""
        return [*WHOLE, *self.datasets]

    def scope(self, name: str) -> tuple[str, ...] | None:
        """The datasets of scope ``name`` (None: the whole store), or NotFound."""
        self._refresh()
        if name in WHOLE:
            return None if self._whole_store else self.datasets
        if name in self.datasets:
            return (name,)
        raise NotFound(f"No such dataset: {name!r}. This server has: {', '.join(self.scope_names())} "
                       "('default' and 'all' mean every dataset).")

    # -- screening --------------------------------------------------------------------

    @contextmanager
    def screener(self, name: str, min_grade: Grade | None = None) -> Iterator[Screener]:
        """The Screener of scope ``name``, read at ``min_grade`` (None: every statement): the one
        built last, even while a newer one is being built.

        The first request of a scope builds it (or maps the saved index) and waits for it; later
        ones never wait: when the store has changed, a reload starts in the background and the
        request is answered from the data as it was. Raises StoreBusy if the first build found
        the store written for longer than the wait limit.
        """
        datasets = self.scope(name)
        graded = grade_filter(min_grade)
        with self._lock:
            scope = self._scopes.setdefault(_key(datasets, graded), _Scope(datasets, graded))
        if scope.screener is None:
            with scope.first_build:
                if scope.screener is None:
                    self._build(scope)
        elif scope.stamp != store_look(self.db):
            self._reload_in_background(scope)
        screener = scope.screener
        assert screener is not None
        yield screener

    def _build(self, scope: _Scope) -> None:
        """Read the scope's data (the saved index if current) and make its Screener the current one."""
        if scope.datasets is not None and len(scope.datasets) > 1:  # merged: no saved index of its own
            with read_only(self.db) as store:
                stamp, held = store_look(self.db), _held(store)
                listed = _listed(store, scope.datasets, scope.min_grade)
            scope.screener, scope.stamp, scope.held, scope.counts = Screener(listed), stamp, held, None
            return
        dataset = None if scope.datasets is None else scope.datasets[0]
        with one_builder(index_path_of(self.db, dataset, scope.min_grade)):
            with read_only(self.db) as store:
                stamp, held = store_look(self.db), _held(store)  # no writer can change the store while we hold it
                screener, pending = saved_screener(store, dataset, scope.min_grade)
                if screener is None:
                    listed = load_listed(store, dataset, min_grade=scope.min_grade)
            if screener is None:  # built after the read, so that imports need not wait for it; served from
                screener = pending.build(listed, mapped=True)  # its saved file, whose pages the workers share
        scope.screener, scope.stamp, scope.held, scope.counts = screener, stamp, held, None

    def index_state(self) -> tuple[dict[str, tuple[int, ...]], Counter] | None:
        """What the screener of every served dataset holds: each dataset's imports, and how many of
        its entities; None until it is built."""
        datasets = None if self._whole_store else self.datasets
        scope = self._scopes.get(_key(datasets))
        if scope is None or scope.screener is None:
            return None
        screener, held, counts = scope.screener, scope.held, scope.counts
        if counts is None:  # once per screener: reading every entity's datasets takes a moment
            counts = Counter(name for entity in screener.entities for name in entity.datasets)
            if scope.screener is screener:
                scope.counts = counts
        return held, counts

    def _reload_in_background(self, scope: _Scope) -> None:
        with self._lock:
            if scope.reloading:
                return
            scope.reloading = True

        def reload() -> None:
            try:
                self._build(scope)
            except StoreError as error:  # keep the old one; the next request after a change tries again
                log.warning("the screening index was not reloaded: %s", error)
            finally:
                scope.reloading = False

        threading.Thread(target=reload, name="moneymen-reload", daemon=True).start()

    # -- readiness --------------------------------------------------------------------

    def load_in_background(self) -> threading.Thread:
        """Build the screening index of every served dataset (scope ``default``) in a thread, so that
        the server answers while it loads; :attr:`ready` says when it can screen."""
        thread = threading.Thread(target=self._load, name="moneymen-index", daemon=True)
        thread.start()
        return thread

    def _load(self) -> None:
        while True:
            try:
                with self.screener(WHOLE[0]):
                    break
            except StoreBusy:
                time.sleep(BUSY_RETRY_S)  # an import is writing the store: build once it is done
            except StoreError as error:
                self.load_failed = True
                log.error("the screening index could not be built: %s", error)
                return
        for name in self.datasets if len(self.datasets) > 1 else ():  # then /match/{dataset} waits for nothing
            try:
                with self.screener(name):
                    pass
            except StoreError as error:  # the first request of that dataset tries again
                log.warning("the screening index of %s was not built: %s", name, error)

    @property
    def ready(self) -> bool:
        """Whether the screening index of every served dataset is built (the API can screen)."""
        datasets = None if self._whole_store else self.datasets
        scope = self._scopes.get(_key(datasets))
        return scope is not None and scope.screener is not None

    # -- reading ----------------------------------------------------------------------

    @contextmanager
    def store(self) -> Iterator[Store]:
        """The store, read-only, for one request."""
        with read_only(self.db) as store:
            yield store

    def visible(self, datasets: Sequence[str]) -> bool:
        """Whether something filed under ``datasets`` is served."""
        return self._whole_store or bool(set(datasets) & set(self.datasets))

    @property
    def restricted_to(self) -> tuple[str, ...] | None:
        """The served datasets when they are not the whole store, else None."""
        self._refresh()
        return None if self._whole_store else self.datasets


def _key(datasets: tuple[str, ...] | None, min_grade: Grade | None = None) -> tuple[str, str]:
    return ("\x00".join(datasets) if datasets is not None else "", str(min_grade) if min_grade is not None else "")


def _listed(store: Store, datasets: tuple[str, ...] | None, min_grade: Grade | None = None) -> list[ListedEntity]:
    """The screenable entities of the whole store, or of some datasets merged by entity id (read at ``min_grade``)."""
    if datasets is None:
        return load_listed(store, min_grade=min_grade)
    if len(datasets) == 1:
        return load_listed(store, datasets[0], min_grade=min_grade)
    merged: dict[str, ListedEntity] = {}
    for dataset in datasets:
        for entity in load_listed(store, dataset, min_grade=min_grade):
            seen = merged.get(entity.id)
            merged[entity.id] = entity if seen is None else _merge(seen, entity)
    return list(merged.values())


def _merge(a: ListedEntity, b: ListedEntity) -> ListedEntity:
    properties = {prop: list(values) for prop, values in a.properties.items()}
    for prop, values in b.properties.items():
        properties[prop] = list(dict.fromkeys([*properties.get(prop, []), *values]))
    firsts = [value for value in (a.first_seen, b.first_seen) if value]
    lasts = [value for value in (a.last_seen, b.last_seen) if value]
    return replace(
        a, properties=properties,
        datasets=tuple(sorted({*a.datasets, *b.datasets})),
        sanctions=tuple(sorted({*a.sanctions, *b.sanctions})),
        claimed_sanctions=tuple(sorted({*a.claimed_sanctions, *b.claimed_sanctions} - {*a.sanctions, *b.sanctions})),
        first_seen=min(firsts) if firsts else None, last_seen=max(lasts) if lasts else None,
    )
