"""The screening index saved with the store: built once, read back memory-mapped, rebuilt when stale.

A store at ``lists.duckdb`` keeps its indexes in ``lists.duckdb.index/`` (0700), one file per
scope (``all.idx`` for the whole store, ``dataset-….idx`` for one dataset; 0600), and per grade
filter (``all-B2.idx``: the entities as the statements graded B2 or better state them, see
:func:`grade_filter`; there are at most 35 such filters per scope). A file holds
the candidate index (:mod:`moneymen.match.index`) and a record of each screenable entity, and
says which contents it was built from: the store's imports and reverts (every import's id,
dataset and digest, and whether it was reverted), the store's schema, and the code that shapes
names and profiles. A process that finds the file missing or stale builds the index and saves it;
the file is written under a temporary name and renamed, so a concurrent reader gets the old
index or the new one whole. Entities are decoded from their records only when they become
candidates or results (the most recent ones are cached).

Beside each index, ``all.stamp`` (and so on) records how the store's file and write-ahead log
looked (inode, size, modification and change times) when its contents were last read, and what
they were. A process that finds the store looking exactly so reads the index without opening the
store (:func:`screener_if_unchanged`: what makes a cold ``moneymen screen`` fast); any write to the
store changes its look, and its contents are then read again. A look taken within
``RACY_SECONDS`` of the store's last change is not recorded: a write in the same clock tick could
leave it unchanged.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneymen.match.index import DECODED_CANDIDATES, CandidateIndex
from moneymen.match.index_file import IndexFileError, Positional, StringIndex, StringTable, read_arrays, write_arrays

from moneymen.match.screener import ListedEntity, Screener
from moneymen.model import UNGRADED, Grade, InvalidGrade

if TYPE_CHECKING:
    from moneymen.store import Store

#: Version of what an index file holds beyond the arrays' layout (records, meta).
CONTENTS = 3  # 3: profile records carry their names as analysed
#: The parts of moneymen whose code shapes an index: name analysis, profiles, the index, what is listed.
_SHAPING = ("match", "names", "dates.py", "model.py", "store/entities.py",
            "services/screening.py", "services/screening_index.py")
#: Libraries whose version shapes name analysis and profiles.
_LIBRARIES = ("followthemoney", "rigour", "numpy")
#: A look at the store taken this close (seconds) to its last change is not recorded (see above).
RACY_SECONDS = 2.0


def _entity_record(entity: ListedEntity) -> bytes:
    return json.dumps([getattr(entity, f.name) for f in fields(entity)], ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8", "surrogatepass")


class ListedEntities(Positional):
    """The listed entities of a saved index, decoded from their records when asked for.

    Nothing here refers back to the sequence itself, so that a sequence dropped (an index
    replaced after an import) is freed at once, not at the next full collection of cycles.
    """

    def __init__(self, records: StringTable, ids: StringIndex):
        self._ids = ids
        self._entity = lru_cache(maxsize=DECODED_CANDIDATES)(partial(_listed_entity, records))
        #: the entities by id (a read-only mapping)
        self.by_id: Mapping[str, ListedEntity] = _ById(ids, self._entity)

    def __len__(self) -> int:
        return len(self._ids.strings)

    def at(self, position: int) -> ListedEntity:
        return self._entity(position)

    def position(self, entity_id: str) -> int | None:
        """Where the entity ``entity_id`` is, or None."""
        return self._ids.get(entity_id)


def _listed_entity(records: StringTable, position: int) -> ListedEntity:
    """The listed entity of record ``position``."""
    values = json.loads(records.raw(position).decode("utf-8", "surrogatepass"))
    data: dict[str, Any] = {}
    for f, value in zip(fields(ListedEntity), values):
        data[f.name] = tuple(value) if isinstance(value, list) else value
    return ListedEntity(**data)


class _ById(Mapping):
    def __init__(self, ids: StringIndex, entity_at: Callable[[int], ListedEntity]):
        self._ids = ids
        self._entity_at = entity_at

    def __getitem__(self, entity_id: str) -> ListedEntity:
        position = self._ids.get(entity_id)
        if position is None:
            raise KeyError(entity_id)
        return self._entity_at(position)

    def __contains__(self, entity_id: object) -> bool:
        return isinstance(entity_id, str) and self._ids.get(entity_id) is not None

    def __iter__(self):
        return iter(self._ids.strings)

    def __len__(self) -> int:
        return len(self._ids.strings)


def parse_min_grade(text: str | None, what: str = "min_grade") -> Grade | None:
    """``text`` as the grade screening reads the lists at (``B2``; None: no filter); ValueError
    naming ``what`` (the option or parameter) for text that is no Admiralty grade."""
    if text is None:
        return None
    try:
        return Grade.parse(text.strip())
    except InvalidGrade as error:
        raise ValueError(f"{what}: {error}") from None


def grade_filter(min_grade: Grade | None) -> Grade | None:
    """The filter that ``min_grade`` makes of the statements: None when it keeps all of them
    (no grade, or F6: F and 6 are the worst values), so that it shares the unfiltered index."""
    return None if min_grade is None or min_grade == UNGRADED else min_grade


def index_path(store: "Store", dataset: str | None, min_grade: Grade | None = None) -> Path | None:
    """Where the index of ``dataset`` (None: the whole store), read at ``min_grade``, is kept, or
    None for a store that is no file."""
    return index_path_of(store.location, dataset, min_grade)


def index_path_of(location: str, dataset: str | None, min_grade: Grade | None = None) -> Path | None:
    """Where the index of ``dataset`` of the store at ``location``, read at ``min_grade``, is kept
    (None: not a file)."""
    where = Path(location)
    if not where.is_file():
        return None
    name = "all" if dataset is None else "dataset-" + hashlib.sha256(dataset.encode()).hexdigest()[:20]
    graded = grade_filter(min_grade)
    if graded is not None:
        name += f"-{graded}"
    return where.parent / (where.name + ".index") / f"{name}.idx"


def store_look(location: str) -> tuple:
    """How the store's file and its write-ahead log look now (inode, size, modification and change
    times; None for a file that is absent): any write to the store changes it."""
    look: list[tuple[int, int, int, int] | None] = []
    for path in (location, location + ".wal"):
        try:
            info = os.stat(path)
        except FileNotFoundError:
            look.append(None)
            continue
        look.append((info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns))
    return tuple(look)


def store_stamp(location: str) -> list | None:
    """The store's look (:func:`store_look`) as it is recorded beside an index; None when there is
    no store, or when it changed less than ``RACY_SECONDS`` ago (the look is not to be trusted)."""
    look = store_look(location)
    if look[0] is None:
        return None
    now = time.time_ns()
    if any(part is not None and now - max(part[2], part[3]) < RACY_SECONDS * 1e9 for part in look):
        return None
    return [list(part) if part is not None else None for part in look]


def _read_stamp(path: Path) -> dict | None:
    try:
        found = json.loads(path.with_suffix(".stamp").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and isinstance(found.get("contents"), str) else None


def _write_stamp(path: Path, stamp: list | None, contents: str) -> None:
    """Record beside the index at ``path`` that the store looked like ``stamp`` when its contents
    were ``contents`` (nothing when the look is not to be trusted, or the folder is read-only)."""
    record = {"store": stamp, "contents": contents}
    if stamp is None or _read_stamp(path) == record:
        return
    try:
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".stamp", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.replace(temporary, path.with_suffix(".stamp"))
    except OSError:
        pass  # the next process reads the store's contents again


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the code and library versions that shape an index: a change makes old indexes stale."""
    import moneymen

    digest = hashlib.sha256(f"{moneymen.__version__} {CONTENTS}".encode())
    root = Path(moneymen.__file__).parent
    for part in _SHAPING:
        path = root / part
        for file in sorted(path.rglob("*") if path.is_dir() else [path]):
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes())
    listings: dict[Path, list[str]] = {}
    for library in _LIBRARIES:  # the installed version, from the name of its dist-info folder
        spec = importlib.util.find_spec(library)
        if spec is not None and spec.origin:
            site = Path(spec.origin).parent.parent
            if site not in listings:
                listings[site] = sorted(os.listdir(site))
            digest.update(" ".join(name for name in listings[site]
                                   if name.startswith(library + "-") and name.endswith(".dist-info")).encode())
    return digest.hexdigest()


def store_contents(store: "Store") -> str:
    """A digest of what the store's indexes are built from: its imports and reverts, and its schema."""
    imports = [[record.id, record.dataset, record.sha256, record.key_sha256, record.finished_at, record.reverted_at]
               for record in store.imports(include_reverted=True)]
    text = json.dumps({"imports": imports, "schema": store.schema_version}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _version(contents: str, dataset: str | None, min_grade: Grade | None = None) -> str:
    scope: dict[str, str | None] = {"contents": contents, "scope": dataset, "code": code_fingerprint()}
    graded = grade_filter(min_grade)
    if graded is not None:  # an unfiltered index keeps the version it had before grades were filtered
        scope["min_grade"] = str(graded)
    return hashlib.sha256(json.dumps(scope, sort_keys=True).encode()).hexdigest()


def load(path: Path, version: str) -> tuple[CandidateIndex, ListedEntities] | None:
    """The index saved at ``path`` if it is of ``version``; None if it is missing, stale or unreadable."""
    try:
        arrays, meta = read_arrays(path)
    except (OSError, IndexFileError, ValueError, KeyError):
        return None
    if meta.get("version") != version:
        return None
    try:
        index = CandidateIndex.from_arrays(arrays, meta["index"])
        entities = ListedEntities(StringTable.from_arrays(arrays, "entities"), StringIndex.from_arrays(arrays, "ids"))
    except KeyError:
        return None
    if len(entities) != len(index):
        return None
    return index, entities


def save(path: Path, version: str, index: CandidateIndex, entities: Sequence[ListedEntity]) -> None:
    """Save ``index`` and the records of ``entities`` (in index order) at ``path``, at once (owner-only)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    arrays, meta = index.arrays()
    records = StringTable.build(_entity_record(entity) for entity in entities)
    write_arrays(path, {**arrays, **records.arrays("entities")}, {"version": version, "index": meta})


def screener_if_unchanged(location: str, dataset: str | None = None,
                          min_grade: Grade | None = None) -> Screener | None:
    """The screener of ``dataset`` (read at ``min_grade``) from its saved index, without opening the
    store at ``location``: when the store looks as it did when its contents were last read
    (:func:`store_stamp`) and the index was built from those contents by this code; None otherwise
    (then read the store)."""
    path = index_path_of(location, dataset, min_grade)
    if path is None:
        return None
    stamp = store_stamp(location)
    recorded = _read_stamp(path) if stamp is not None else None
    if recorded is None or recorded.get("store") != stamp:
        return None
    found = load(path, _version(recorded["contents"], dataset, min_grade))
    return Screener(found[1], index=found[0]) if found is not None else None


@dataclass(frozen=True)
class PendingIndex:
    """What building the index of ``dataset`` (read at ``min_grade``) needs once its saved file was
    found missing or stale: where to save it, and the store's look and contents when they were read."""

    path: Path | None
    dataset: str | None
    stamp: list | None
    contents: str
    min_grade: Grade | None = None

    def build(self, entities: Sequence[ListedEntity], mapped: bool = False) -> Screener:
        """A screener built over ``entities`` (the store's, as read with the contents), its index
        saved (and the store's look recorded beside it); ``mapped``: the screener of the saved file
        rather than of the arrays in memory (processes mapping one file share its pages)."""
        from moneymen.match.screener import Screener

        screener = Screener(entities)
        if self.path is None:
            return screener
        version = _version(self.contents, self.dataset, self.min_grade)
        try:
            save(self.path, version, screener.index, screener.entities)
        except OSError:
            return screener  # a store read from a folder we cannot write to: screen from memory, as before
        _write_stamp(self.path, self.stamp, self.contents)
        found = load(self.path, version) if mapped else None
        return Screener(found[1], index=found[0]) if found is not None else screener


def saved_screener(store: "Store", dataset: str | None = None,
                   min_grade: Grade | None = None) -> tuple[Screener | None, PendingIndex]:
    """The screener of ``dataset`` (None: the whole store), read at ``min_grade``, from its saved
    index if that is current (the store's look is then recorded, for :func:`screener_if_unchanged`),
    else None; and what building it needs."""
    path = index_path(store, dataset, min_grade)
    stamp = store_stamp(store.location) if path is not None else None  # before the contents: a write after changes it
    pending = PendingIndex(path, dataset, stamp, store_contents(store), grade_filter(min_grade))
    found = load(path, _version(pending.contents, dataset, min_grade)) if path is not None else None
    if path is None or found is None:
        return None, pending
    _write_stamp(path, stamp, pending.contents)
    return Screener(found[1], index=found[0]), pending


@contextmanager
def one_builder(path: Path | None) -> Iterator[None]:
    """Hold the block while no other process builds the index at ``path`` (several server workers
    starting at once build it once: the others wait, then find it saved). Without a folder to
    lock in (a store in a folder we may only read), nothing is held."""
    if path is None:
        yield
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path.with_suffix(".building"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
