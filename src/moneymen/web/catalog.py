"""What the API serves: the store (read-only) and one cached Screener per dataset scope.

The API never writes. It opens the DuckDB file read-only, only for as long as one request
needs it, so ``moneymen import`` can write between requests (DuckDB lets one process write
or many read). A Screener is built on the first request for its scope and reused; when the
store file changes (an import finished), the next request rebuilds it.

Scopes, as in yente's ``/match/{dataset}``: ``default`` and ``all`` are every served dataset;
any other name is one dataset of the store.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from moneymen.screening import ListedEntity, Screener, load_listed
from moneymen.store import Store, StoreBusy, StoreError, open_store
from moneymen.web.errors import NotFound

#: Scope names meaning "every dataset served".
WHOLE = ("default", "all")
#: Seconds between tries to build the first index while an import holds the store.
BUSY_RETRY_S = 1.0

log = logging.getLogger(__name__)


@contextmanager
def read_only(db: str) -> Iterator[Store]:
    """The store at ``db``, opened read-only for the duration of the block."""
    store = open_store(db, read_only=True)
    try:
        yield store
    finally:
        store.close()


def _stamp(db: str) -> tuple:
    """Changes whenever DuckDB writes the store (its file or its write-ahead log)."""
    stamp: list[tuple[int, int] | None] = []
    for path in (db, db + ".wal"):
        try:
            info = os.stat(path)
            stamp.append((info.st_mtime_ns, info.st_size))
        except FileNotFoundError:
            stamp.append(None)
    return tuple(stamp)


@dataclass
class _Scope:
    datasets: tuple[str, ...] | None           # None: the whole store in one pass
    screener: Screener | None = None
    stamp: tuple | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class Catalog:
    """The store behind the API and the datasets it serves."""

    def __init__(self, db: str | os.PathLike[str], dataset_names: Iterable[str] | None = None):
        self.db = str(db)
        self._requested = tuple(dataset_names) if dataset_names is not None else None
        self._lock = threading.Lock()
        self._scopes: dict[str, _Scope] = {}
        self._stamp: tuple | None = None
        self.datasets: tuple[str, ...] = ()
        self._whole_store = True
        self.load_failed = False
        self._load_datasets()

    # -- datasets ---------------------------------------------------------------------

    def _load_datasets(self) -> None:
        stamp = _stamp(self.db)
        with read_only(self.db) as store:
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
        """Re-read the dataset list when the store has changed; keep serving the old one if it is busy."""
        if _stamp(self.db) == self._stamp:
            return
        with self._lock:
            if _stamp(self.db) == self._stamp:
                return
            try:
                self._load_datasets()
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
    def screener(self, name: str) -> Iterator[Screener]:
        """The Screener of scope ``name``, built on first use, held exclusively while in use.

        The candidate index keeps scratch buffers, so one query at a time per scope.
        """
        datasets = self.scope(name)
        with self._lock:
            scope = self._scopes.setdefault(_key(datasets), _Scope(datasets))
        with scope.lock:
            stamp = _stamp(self.db)
            if scope.screener is None or scope.stamp != stamp:
                try:
                    with read_only(self.db) as store:
                        scope.screener = Screener(_listed(store, datasets))
                    scope.stamp = stamp
                except StoreBusy:
                    if scope.screener is None:
                        raise
                    # an import is running: answer from the data as it was
            yield scope.screener

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
                    return
            except StoreBusy:
                time.sleep(BUSY_RETRY_S)  # an import is writing the store: build once it is done
            except StoreError as error:
                self.load_failed = True
                log.error("the screening index could not be built: %s", error)
                return

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


def _key(datasets: tuple[str, ...] | None) -> str:
    return "\x00".join(datasets) if datasets is not None else ""


def _listed(store: Store, datasets: tuple[str, ...] | None) -> list[ListedEntity]:
    """The screenable entities of the whole store, or of some datasets merged by entity id."""
    if datasets is None:
        return load_listed(store)
    if len(datasets) == 1:
        return load_listed(store, datasets[0])
    merged: dict[str, ListedEntity] = {}
    for dataset in datasets:
        for entity in load_listed(store, dataset):
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
