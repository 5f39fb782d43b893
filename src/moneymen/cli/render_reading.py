"""How the CLI shows the news: a document read, and the claims of the review queue.

Every value from a document is escaped before rich sees it: a report may hold "[red]" or worse.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

if TYPE_CHECKING:
    from moneymen.services.reading import ReadResult
    from moneymen.store.documents import ClaimRecord


@contextmanager
def reading_progress(console: Console, source: str) -> Iterator[Callable[[int, int], None]]:
    """A bar over the documents of a source (one for a page, each item of a feed), with the time."""
    with Progress(TextColumn("Reading {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task(escape(source[-60:]), total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)


def read_result(console: Console, result: "ReadResult", sourcing: bool = False) -> None:
    """A document read: what it is, then its mentions, relations and events, and its claims (with
    ``sourcing``, each claim's chain, hedges and grade; else how many there are)."""
    record = result.document
    data = result.extraction
    state = "already in the store" if result.already_stored else "stored"
    console.print(f"[bold]{escape(record.title or record.id)}[/] ({escape(record.outlet)}, "
                  f"{escape(record.published or 'undated')}, reliability {record.reliability}): {state} as {record.id}")
    by_type: dict[str, list[str]] = {}
    for mention in data["mentions"]:
        label = mention["text"] + (f" → {mention['entity_id']}" if mention.get("entity_id") else "")
        by_type.setdefault(mention["type"], []).append(label)
    for kind in ("Person", "Organization", "Group", "Place", "Money", "Date"):
        if kind in by_type:
            console.print(f"  {kind}: {escape('; '.join(by_type[kind]))}")
    if data["relations"]:
        console.print(f"  relations: {len(data['relations'])}")
        for item in data["relations"]:
            console.print(f"    {escape(item['subject'])} —{item['predicate']}→ {escape(item['object'])}")
    if data["events"]:
        console.print(f"  events: {len(data['events'])}")
        for item in data["events"]:
            where = f" in {item['place']}" if item.get("place") else ""
            when = f" ({item['date']})" if item.get("date") else ""
            status = "" if item["status"] == "happened" else f" [{item['status']}]"
            console.print(f"    {item['type']}{escape(status)}: {escape(', '.join(item['participants']))}"
                          f"{escape(where)}{escape(when)}")
    console.print(f"  claims: {len(data['claims'])} in the review queue (moneymen claims --document {record.id})")
    if sourcing:
        claim_sourcing(console, data["claims"])


def claim_sourcing(console: Console, claims: Sequence[dict]) -> None:
    """Who says what: each claim's chain from the outlet to its final source, hedges and grade."""
    table = Table(title="Who says what", expand=True)
    table.add_column("claim", ratio=5, overflow="fold")
    table.add_column("who says it", ratio=3, overflow="fold")
    table.add_column("hedged by", ratio=1, overflow="fold")
    table.add_column("grade", no_wrap=True)
    for claim in claims:
        evidence = claim["evidence"] if len(claim["evidence"]) <= 160 else claim["evidence"][:157] + "…"
        who = " → ".join(claim["chain"]) + (" (denies)" if claim["polarity"] == "deny" else "")
        table.add_row(escape(evidence), escape(who), escape(", ".join(claim["hedge_cues"]) or "—"), claim["grade"])
    console.print(table)


def claim_table(console: Console, claims: Sequence["ClaimRecord"]) -> None:
    """The review queue: one row per claim."""
    if not claims:
        console.print("No claims.")
        return
    table = Table(show_lines=True, expand=True)
    table.add_column("claim", no_wrap=True)
    table.add_column("evidence", ratio=6, overflow="fold")
    table.add_column("who says it", ratio=3, overflow="fold")
    table.add_column("hedged", min_width=7, overflow="fold")
    table.add_column("grade", no_wrap=True)
    table.add_column("status", min_width=8, overflow="fold")
    for item in claims:
        chain = " → ".join(json.loads(item.chain))
        cues = ", ".join(json.loads(item.hedge_cues))
        evidence = item.evidence if len(item.evidence) <= 300 else item.evidence[:297] + "…"
        table.add_row(escape(item.id), escape(evidence), escape(chain), escape(cues or "no"), item.grade,
                      escape(item.status + (f"\n{item.decided_by}" if item.decided_by else "")))
    console.print(table)
