"""Judgements to and from nomenklatura's resolver files (``nk dump-resolver`` / ``nk load-resolver``).

OpenSanctions and the tools around it (nomenklatura, zavod, yente) keep their deduplication
decisions in a resolver database and exchange them as a text file. What this module knows of
that file comes from reading nomenklatura 4.17.4 (``resolver/edge.py``, ``resolver/identifier.py``,
``resolver/resolver.py``, ``judgement.py``, ``cli.py``) and from files its ``nk`` command wrote:

- **One edge per line**, a JSON array of six items ``[target, source, judgement, score, user,
  created_at]``, serialised by ``json.dumps`` with its default separators (``", "``, non-ASCII
  escaped) and ended by ``\\n``. nomenklatura's reader would take a seventh item (``deleted_at``),
  but its dump never writes one (only live edges are dumped, in ``created_at`` order), so
  :func:`read_resolver` expects exactly six.
- **Target and source.** An edge is undirected; its two ids are put in order by a weight and
  then by the id text: a Wikidata QID (``Q42``) weighs 3, a canonical id (``NK-`` followed by
  a short uuid) 2, any other id 1. The target is the greater of the two, the source the lesser.
  So a canonical id is always the target of an edge to a record, and between two record ids
  the one that sorts last is the target. ``nk load-resolver`` puts every edge it reads back in
  this order, so it does not mind a file that has them the other way round.
- **Judgements**: ``positive``, ``negative``, ``unsure``, and ``no_judgement``, which is a
  candidate pair the matcher suggested (with its score) and nobody decided. Suggestions are
  not in what ``nk dump-resolver`` writes; older files and other tools may still hold them.
  The file has no undo: a decision taken back is simply absent from the dump.
- **Score** is the matcher's score for a suggestion. Writing a decision sets it to ``null``,
  even when the file loaded gave one: a decided pair's score does not survive nomenklatura.
- **User** is the person who decided (the login name, ``getpass.getuser()``, when the caller
  named nobody). The database refuses an edge without a user, so every line must have one.
- **created_at** is ``datetime.now(timezone.utc).isoformat()`` cut to 28 characters, which
  with microseconds leaves a truncated zone: ``2024-05-03T10:00:00.123456+0``. A time with no
  fraction of a second keeps its whole ``+00:00``. (A time without a zone is read as UTC.) The
  value is compared as text (order of the dump, which edges a reload picks up), so what we
  write for whole seconds, ``2024-05-03T10:00:00+00:00``, sorts before any later fraction.
- **Canonical ids appear as ordinary nodes.** A positive decision between two ids neither of
  whose clusters has a canonical id mints one (``NK-…``) and writes two edges, each record
  to the new id, instead of the edge the user judged. When one side's cluster already has a
  canonical id (an ``NK-`` id or a QID), the positive edge is written between the two ids as
  judged: a record joined to a grown cluster, or two clusters joined through two of their
  records, appear as record-to-record edges, and a cluster may then hold two ``NK-`` ids (its
  canonical is the greatest). Negative and unsure decisions are always the pair as judged.
- **Loading** (``nk load-resolver FILE``) reads every line with ``json.loads`` and inserts it
  as given (timestamps and users untouched; a later line for the same pair replaces an
  earlier one). The database is ``NOMENKLATURA_DB_URL`` (an SQLAlchemy URL, e.g.
  ``sqlite:////tmp/resolver.db``), else ``nomenklatura.db`` in the working directory; neither
  command takes an option for it.

moneymen keeps a judgement's pair in text order (:class:`~moneymen.resolve.judgements.Judgement`,
left < right) and its time to the second, so :func:`read_resolver` drops fractions of a second
and :func:`write_resolver` puts each pair back in nomenklatura's order. Our own canonical ids
(``mm-…``) are written as they are; nomenklatura takes them for records' ids (weight 1).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rigour.ids.wikidata import is_qid

from moneymen.files import atomic_write
from moneymen.resolve.judgements import JUDGEMENTS, Judgement, current, ordered_pair
from moneymen.sources.base import SourceError, read_bounded_lines
from moneymen.timestamps import is_future, parse_timestamp

__all__ = ["MAX_ID_LENGTH", "MAX_LINE_BYTES", "NO_JUDGEMENT", "ResolverFile", "edge_order", "read_resolver",
           "write_resolver"]

#: nomenklatura's word for a suggested pair nobody has decided.
NO_JUDGEMENT = "no_judgement"
#: Longest line read: a real edge is a few hundred bytes.
MAX_LINE_BYTES = 1024 * 1024
#: Longest id accepted: the width of nomenklatura's ``target`` and ``source`` columns.
MAX_ID_LENGTH = 512
_FIELDS = "[target, source, judgement, score, user, created_at]"
# nomenklatura's timestamps cut to 28 characters: a fraction of a second and what is left of "+00:00"
_TRUNCATED_UTC = re.compile(r"(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)\+(?:0(?:0(?::0?)?)?)?")


@dataclass(frozen=True, slots=True)
class ResolverFile:
    """What :func:`read_resolver` read: the file's decisions as judgements (file order, so a later
    line for a pair holds over an earlier one under :func:`~moneymen.resolve.judgements.current`),
    and how many lines were suggestions (``no_judgement``), not decisions, and were left out."""

    path: Path
    judgements: tuple[Judgement, ...]
    suggestions_skipped: int


def _weight(node: str) -> int:
    if is_qid(node):
        return 3
    return 2 if node.startswith("NK-") else 1


def edge_order(left: str, right: str) -> tuple[str, str]:
    """The pair as nomenklatura writes it, ``(target, source)``: the greater by (weight, id)
    first, where a Wikidata QID weighs 3, an ``NK-`` id 2 and any other id 1."""
    target, source = sorted((left, right), key=lambda node: (_weight(node), node), reverse=True)
    return target, source


def _nk_timestamp(created_at: str) -> str:
    """A judgement's time (the store's ``2024-05-03T10:00:00Z``) as nomenklatura writes a whole second."""
    return parse_timestamp(created_at).removesuffix("Z") + "+00:00"


def _timestamp(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"created_at {value!r}: expected an ISO-8601 timestamp such as 2024-05-03T10:00:00+00:00")
    truncated = _TRUNCATED_UTC.fullmatch(value)
    stamp = parse_timestamp(truncated["time"] + "+00:00" if truncated else value)
    if is_future(stamp):
        raise ValueError(f"created_at {value!r} lies in the future")
    return stamp


def _node(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} {value!r}: expected a non-empty entity id")
    if len(value) > MAX_ID_LENGTH or value != value.strip():
        raise ValueError(f"{name} {value[:40]!r}…: expected an id of at most {MAX_ID_LENGTH} characters "
                         "without surrounding spaces")
    return value


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _edge(text: str, reason: str, default_analyst: str) -> Judgement | None:
    """One line as a judgement (None for a suggestion); ValueError saying what is wrong."""
    try:
        row = json.loads(text, parse_constant=_constant)
    except ValueError as error:
        raise ValueError(f"not JSON ({error}); expected an array {_FIELDS}") from None
    if not isinstance(row, list) or len(row) != 6:
        found = f"{len(row)} items" if isinstance(row, list) else f"a JSON {type(row).__name__}"
        raise ValueError(f"expected an array of 6 items {_FIELDS}, found {found}")
    target, source, judgement, score, user, created_at = row
    target, source = _node(target, "target"), _node(source, "source")
    if target == source:
        raise ValueError(f"{target!r} is judged against itself; expected two different ids")
    if judgement == NO_JUDGEMENT:
        return None
    if judgement not in JUDGEMENTS:
        raise ValueError(f"judgement {judgement!r}: expected one of {', '.join((*JUDGEMENTS, NO_JUDGEMENT))}")
    if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float))
                              or not math.isfinite(score)):
        raise ValueError(f"score {score!r}: expected a number or null")
    if user is not None and (not isinstance(user, str) or len(user) > MAX_ID_LENGTH):
        raise ValueError(f"user {str(user)[:40]!r}: expected a name of at most {MAX_ID_LENGTH} characters or null")
    left, right = ordered_pair(target, source)
    return Judgement(left, right, judgement, analyst=(user or "").strip() or default_analyst,
                     created_at=_timestamp(created_at), reason=reason,
                     score=None if score is None else float(score), origin="import")


def read_resolver(path: Path, *, default_analyst: str = "nomenklatura") -> ResolverFile:
    """Read a nomenklatura resolver file (what ``nk dump-resolver`` writes) as judgements.

    Each decision becomes a :class:`~moneymen.resolve.judgements.Judgement` of origin ``import``
    whose reason names the file and line; its analyst is the line's user, or ``default_analyst``
    where the line names none. Suggestions (``no_judgement``) are counted and left out; blank
    lines are ignored. Times are kept to the second, in UTC.

    Raises :class:`~moneymen.sources.base.SourceError` naming the file and line, and what was
    expected, for anything else: a line that is not JSON, not six items, an unknown judgement,
    a bad or future timestamp, an empty or over-long id, an id judged with itself, bytes that
    are not UTF-8, a line over :data:`MAX_LINE_BYTES`. Nothing is returned from a bad file.
    """
    path = Path(path)
    judgements: list[Judgement] = []
    skipped = 0
    with open(path, "rb") as handle:
        for number, raw in read_bounded_lines(handle, path, limit=MAX_LINE_BYTES):
            try:
                text = raw.decode("utf-8")
                if not text.strip():
                    continue
                judgement = _edge(text, f"nomenklatura resolver file {path}, line {number}", default_analyst)
            except UnicodeDecodeError as error:
                raise SourceError(path, number, f"not UTF-8 text (byte {error.start}); expected one JSON array "
                                  "per line") from None
            except ValueError as error:
                raise SourceError(path, number, str(error)) from None
            if judgement is None:
                skipped += 1
            else:
                judgements.append(judgement)
    return ResolverFile(path, tuple(judgements), skipped)


def write_resolver(judgements: Iterable[Judgement], path: Path) -> int:
    """Write the judgements that hold (:func:`~moneymen.resolve.judgements.current`) as a
    resolver file ``nk load-resolver`` reads; returns how many lines were written.

    One line per pair, in nomenklatura's (target, source) order, sorted by time and then pair
    as ``nk dump-resolver`` sorts by time. A pair whose judgements were all undone is left
    out (the format has no undo). The user is the judgement's analyst (its origin when no
    analyst is named); the time is written as nomenklatura writes a whole second. The file is
    replaced only once it is complete.
    """
    holding = sorted(current(judgements).values(), key=lambda j: (j.created_at, edge_order(j.left_id, j.right_id)))
    with atomic_write(Path(path)) as out:
        for judgement in holding:
            target, source = edge_order(judgement.left_id, judgement.right_id)
            score = judgement.score if judgement.score is not None and math.isfinite(judgement.score) else None
            row = [target, source, judgement.judgement, score, judgement.analyst or judgement.origin,
                   _nk_timestamp(judgement.created_at)]
            out.write(json.dumps(row) + "\n")
    return len(holding)
