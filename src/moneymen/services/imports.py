"""The import service: run an importer over a file and write its statements in one transaction.

An import either commits whole or leaves the store exactly as it was (an error, Ctrl-C or a
killed process all roll back), and a committed import can be reverted
(:meth:`moneymen.store.Store.revert_import`). What an import may change:

* it writes only into its own dataset, so it never changes a statement of another dataset
  (a ``restore`` of a moneymen export writes the datasets the file names, and only datasets
  the store does not hold yet);
* provenance in the file is a claim, not a fact: a statement's grade is at most the grade the
  import grants (the worse of the two), its origin and last seen are the import's own, and
  its first seen no later than the import's;
* an entity keeps one FtM schema: a statement whose schema cannot be reconciled with the
  schemata the store already has for that id is refused with its file and line;
* an official list's dataset (``un_sc``, ``us_ofac_sdn``) takes only that list's files, and a
  dataset fed by OpenSanctions' data takes only OpenSanctions' files;
* an OpenSanctions import keeps the datasets its file names (:data:`OPENSANCTIONS_PREFIX` before
  a name this store keeps for an official list or for another kind of import), so it is a
  version of each of those datasets, and delists only what an earlier import of the same
  dataset had and it has not;
* every value goes through FtM's property types (:mod:`moneymen.sources.clean`): countries as
  codes, dates in ISO form…, with the source's text kept as the statement's ``original_value``;
* a new version that would delist more than :data:`DELISTING_SHARE` of a dataset, or a list
  dated in the future, is refused unless the user confirms it.

Re-importing the same files with the same options into the same dataset is a no-op.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from moneymen.model import Grade, InvalidGrade
from moneymen.services.import_writer import write_statements
from moneymen.sources import FORMATS, Format, detect_format, get_format
from moneymen.sources.base import ImportContext, SourceError
from moneymen.sources.clean import ValueCleaner
from moneymen.store import Store
from moneymen.store.base import OFFICIAL_FORMATS
from moneymen.timestamps import is_future, parse_timestamp, utc_now

#: A new version of a dataset that would delist more than this share of its listed entities
#: (and more than :data:`DELISTING_FLOOR` of them) is refused unless confirmed.
DELISTING_SHARE = 0.20
DELISTING_FLOOR = 10
#: What ``kind`` an import may be: a new version of its dataset, an addition to it, or a restore.
KINDS = ("version", "addition", "restore")

#: Datasets reserved for the official lists' own files: dataset → format.
RESERVED_DATASETS = {fmt.dataset: fmt.name for fmt in FORMATS.values() if fmt.dataset}
#: Formats whose files state FtM values as FtM writes them (so a date FtM cannot read is refused).
FTM_FORMATS = ("ftm", "opensanctions")
#: Formats whose datasets take no other format's imports: the official lists, and OpenSanctions.
EXCLUSIVE_FORMATS = (*OFFICIAL_FORMATS, "opensanctions")
#: Put before an OpenSanctions dataset name that this store keeps for an official list's own file
#: (OpenSanctions also publishes ``us_ofac_sdn`` and ``un_sc``) or that another kind of import feeds.
OPENSANCTIONS_PREFIX = "opensanctions."
#: What a dataset name in a file may be (OpenSanctions' names are lower-case letters, digits and ``_``).
_DATASET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")


@dataclass
class ImportResult:
    """What one import did. ``statements`` and ``entities`` are counted in the store afterwards."""

    path: str
    format: str
    dataset: str
    entities: int = 0
    statements: int = 0
    new_statements: int = 0
    unchanged: bool = False
    import_id: int | None = None
    seen: str | None = None
    seconds: float = 0.0
    kind: str = "version"
    #: When the dataset's newest version was seen, if this import is an older version (history).
    older_than: str | None = None
    #: The datasets written, when the file names its own (OpenSanctions); else just ``dataset``.
    datasets: list[str] = field(default_factory=list)
    delisted: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class DelistingRefused(SourceError):
    """A new version that would delist an unusual share of its dataset, not confirmed by the user."""


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_file(
    store: Store,
    path: Path | str,
    format: str | None = None,
    dataset: str | None = None,
    grade: str | Grade | None = None,
    mapping: Path | str | None = None,
    seen: str | None = None,
    source_url: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    kind: str = "version",
    accept_delisting: bool = False,
    recorded_path: str | None = None,
) -> ImportResult:
    """Import ``path`` into ``store`` and say what changed.

    ``format`` is detected when omitted; ``dataset`` and ``grade`` default to the format's own
    (see :data:`moneymen.sources.FORMATS`, else the file's stem and F6). ``seen`` dates the
    statements when the list does not state its own publication time. ``kind`` is
    ``version`` (the file is the dataset's new version: what it no longer lists is delisted),
    ``addition`` (the file adds to the dataset; nothing is delisted) or ``restore`` (a moneymen
    FtM export put back with the datasets, grades and dates it records, into datasets the store
    does not hold). ``accept_delisting`` confirms a version that delists more than
    :data:`DELISTING_SHARE` of its dataset. ``recorded_path`` is what the imports table records
    as the file's location and what the result names (a fetched file's URL), by default the
    file's path.
    Raises SourceError for bad input, with nothing written.
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, None, "no such file")
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of: {', '.join(KINDS)}")
    fmt: Format = get_format(format) if format else detect_format(path)
    if fmt.name == "csv" and mapping is None:
        raise SourceError(path, None, "a CSV import needs --mapping FILE (column -> FtM property)")
    if kind == "restore" and fmt.name != "ftm":
        raise SourceError(path, None, f"only a moneymen FtM export can be restored, not a {fmt.description} file")
    if fmt.file_datasets and dataset is not None:
        raise SourceError(path, None, f"a file of {fmt.description} names its own datasets, so --dataset is not "
                                      "used; to put all of it into one dataset of your own, import it with "
                                      "--format ftm --dataset NAME")
    try:
        grade = grade if isinstance(grade, Grade) else Grade.parse(grade) if grade else fmt.grade
    except InvalidGrade as error:
        raise SourceError(path, None, str(error)) from None
    if seen is not None:
        try:
            seen = parse_timestamp(seen)
        except ValueError as error:
            raise SourceError(path, None, f"--seen: {error}") from None
        if is_future(seen):
            raise SourceError(path, None, f"--seen {seen} is in the future; a list cannot have been seen then")
    if fmt.file_datasets:
        dataset = fmt.name  # labels the import; its statements go into the datasets the file names
    else:
        dataset = dataset or fmt.dataset or _dataset_name(path)
        _check_dataset(store, path, dataset, fmt)
    started = time.perf_counter()
    now = utc_now()
    names = _FileDatasets(store, fmt) if fmt.file_datasets else None
    context = ImportContext(
        dataset=dataset,
        grade=grade,
        retrieved_at=now,
        seen=seen or now,
        source_url=source_url,
        mapping=Path(mapping) if mapping else None,
        progress=progress,
        restore=kind == "restore",
        dataset_names=names,
    )
    result = ImportResult(path=recorded_path or str(path), format=fmt.name, dataset=dataset, kind=kind)
    sha256 = file_sha256(path)
    key = import_key(fmt, path, sha256, dataset, grade, context, seen, kind)
    previous = store.find_import(dataset, key)
    if previous is not None:
        result.unchanged = True
        result.import_id = previous.id
        result.datasets = store.import_datasets(previous.id) if fmt.file_datasets else [dataset]
        result.entities, result.statements = previous.entities or 0, previous.statements or 0
        result.seen = previous.seen
        return result
    with store.transaction():
        fed = [name for name, formats in store.dataset_formats().items() if fmt.name in formats] \
            if fmt.file_datasets else [dataset]
        listed_before = {name: set(store.listed_entity_ids(name)) for name in fed}
        import_id = store.start_import(dataset, fmt.name, recorded_path or str(path.resolve()), sha256,
                                       context.seen, now, str(grade), key, kind, file_datasets=fmt.file_datasets)
        entities = fmt.importer.read(path, context)
        cleaner = ValueCleaner(strict_dates=fmt.name in FTM_FORMATS)
        written, claims = write_statements(store, path, entities, context, import_id, cleaner)
        if written == 0:
            raise SourceError(path, None, f"no entities found; expected a {fmt.description} file")
        if claims:
            result.warnings.append(
                f"{claims:,} statements named another dataset; an import writes only into its own, so they are "
                f"stored as {dataset} (use --restore to put back a moneymen export with its datasets)")
        result.warnings.extend(context.warnings)
        result.warnings.extend(cleaner.warnings())
        if kind == "restore":
            _check_restore(store, path, import_id)
        result.datasets = store.record_file_datasets(import_id) if fmt.file_datasets else [dataset]
        if names is not None:
            result.warnings.extend(names.notices())
        result.entities, result.statements, result.new_statements = store.finish_import(
            import_id, utc_now(), context.seen, context.list_date)
        latest = store.latest_seen()
        delisted: set[str] = set()
        for name in result.datasets:
            gone = store.delisted_entity_ids(name)
            delisted.update(gone)
            newest = latest.get(name)
            if kind == "version" and newest and newest > context.seen:
                result.older_than = newest
            if kind == "version" and not accept_delisting:
                before = listed_before.get(name, set())
                _check_delisting(path, name, sorted(before.intersection(gone)), len(before))
        result.delisted = sorted(delisted)
    result.import_id = import_id
    result.seen = context.seen
    result.seconds = time.perf_counter() - started
    return result


def import_key(fmt: Format, path: Path, sha256: str, dataset: str, grade: Grade, context: ImportContext,
               seen: str | None, kind: str) -> str:
    """A digest of everything that shapes an import's statements.

    The format, dataset, grade, kind, the ``--seen`` date and source URL when given, the
    importer's ``READER_VERSION`` (raised when it reads the same file into other statements), and
    the SHA-256 of every file the importer reads: the main file, its companions (OFAC's alt.csv
    and add.csv) and the mapping. Two imports with the same key write the same statements.
    """
    inputs = getattr(fmt.importer, "inputs", None)
    companions = [other for other in (inputs(path) if inputs else []) if other != path]
    parts = {
        "format": fmt.name, "reader": getattr(fmt.importer, "READER_VERSION", None), "dataset": dataset, "grade": str(grade), "kind": kind, "seen": seen,
        "source_url": context.source_url, "file": sha256,
        "companions": {other.name: file_sha256(other) for other in companions},
        "mapping": file_sha256(context.mapping) if context.mapping and context.mapping.is_file() else None,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _check_dataset(store: Store, path: Path, dataset: str, fmt: Format) -> None:
    """Refuse to feed an official list's dataset from any other kind of file, and the other way round."""
    reserved = RESERVED_DATASETS.get(dataset)
    if reserved is not None and reserved != fmt.name:
        raise SourceError(path, None, f"the dataset {dataset} is kept for the {FORMATS[reserved].description}; "
                                      "import this file into a dataset of its own (--dataset NAME)")
    formats = store.dataset_formats().get(dataset, set())
    official = fmt.name in OFFICIAL_FORMATS
    others = formats - {fmt.name}
    if others and (official or others & set(EXCLUSIVE_FORMATS)):
        raise SourceError(path, None, f"the dataset {dataset} holds {', '.join(sorted(formats))} imports; a "
                                      f"{fmt.name} file goes into a dataset of its own (--dataset NAME)")


class _FileDatasets:
    """The store's name for each dataset an OpenSanctions file names.

    OpenSanctions' own name, unless this store keeps it for an official list's own file
    (:data:`RESERVED_DATASETS`: OpenSanctions also publishes ``us_ofac_sdn``) or another kind
    of import (or a restore) has fed it: then :data:`OPENSANCTIONS_PREFIX` and the name, so
    OpenSanctions' copy of a list never mixes with the list's own file, nor with the user's data.
    """

    def __init__(self, store: Store, fmt: Format):
        self.format = fmt.name
        self.formats = store.dataset_formats()
        self.held = set(store.datasets())
        self.names: dict[str, str] = {}

    def __call__(self, path: Path, where: str | int | None, name: str) -> str:
        """The dataset to store ``name``'s statements in; SourceError for a name no dataset can have."""
        found = self.names.get(name)
        if found is not None:
            return found
        if not _DATASET_NAME.match(name):
            raise SourceError(path, where, f"dataset name {name[:60]!r}: expected at most 100 letters, digits, "
                                           "'_', '.' or '-'")
        target = OPENSANCTIONS_PREFIX + name if self._taken(name) else name
        if self._taken(target):
            others = sorted(self.formats.get(target, set()) - {self.format}) or ["restored"]
            raise SourceError(path, where, f"the dataset {target} holds {', '.join(others)} imports, so "
                                           f"OpenSanctions' dataset {name} has no name it can be stored under")
        self.names[name] = target
        return target

    def _taken(self, name: str) -> bool:
        """Whether ``name`` is kept for an official list or fed by something other than this format."""
        formats = self.formats.get(name, set())
        return name in RESERVED_DATASETS or bool(formats - {self.format}) or (name in self.held and not formats)

    def notices(self) -> list[str]:
        """What the import tells the user about the names it changed."""
        return [f"OpenSanctions' dataset {name} is stored as {target}: this store keeps {name} for "
                f"{self._whose(name)}; its sanctions count as claims, not as the official list"
                for name, target in sorted(self.names.items()) if name != target]

    def _whose(self, name: str) -> str:
        reserved = RESERVED_DATASETS.get(name)
        if reserved is not None:
            return f"the {FORMATS[reserved].description}"
        return f"{', '.join(sorted(self.formats.get(name, set()))) or 'restored'} imports"


def _check_restore(store: Store, path: Path, import_id: int) -> None:
    datasets = store.datasets_written(import_id)
    held = store.datasets_with_other_imports(datasets, import_id)
    if held:
        raise SourceError(path, None, f"the store already holds the dataset(s) {', '.join(held)}; a restore only "
                                      "writes datasets the store does not have (restore into a new store, or "
                                      "revert their imports first)")


def _check_delisting(path: Path, dataset: str, newly: list[str], listed_before: int) -> None:
    if len(newly) <= DELISTING_FLOOR or len(newly) <= DELISTING_SHARE * listed_before:
        return
    share = len(newly) / listed_before if listed_before else 1.0
    raise DelistingRefused(
        path, None,
        f"as a new version of {dataset}, this file would delist {len(newly):,} of its {listed_before:,} listed "
        f"entities ({share:.0%}, e.g. {', '.join(newly[:3])}). That looks like a partial, truncated or older "
        "file. If it is an older version, say when it was published (--seen DATE); if the list really dropped "
        "them, import it again with --accept-delisting; if the file only adds to the dataset, use --add")


def _dataset_name(path: Path) -> str:
    stem = "".join(ch if ch.isalnum() else "_" for ch in path.stem.lower()).strip("_")
    return stem or "dataset"
