"""How the CLI shows resolution: xref's summary, a pair under review, judgements and the log."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

if TYPE_CHECKING:
    from moneymen.model import Entity, Judgement, Statement
    from moneymen.resolve.judgements import Contradiction
    from moneymen.services.judgements import JudgeOutcome, ReviewPair
    from moneymen.services.resolution import XrefSummary

__all__ = ["escape", "judged", "judgement_log", "records_differ", "review_pair", "step_progress", "xref_summary"]

#: What a reviewer compares, in this order (the rest of the statements are left to `moneymen show`).
REVIEW_PROPS = ("name", "alias", "weakAlias", "previousName", "birthDate", "birthPlace", "nationality", "citizenship",
                "country", "gender", "position", "passportNumber", "idNumber", "imoNumber", "swiftBic",
                "registrationNumber", "taxNumber", "address", "program")


#: Properties whose different values across merged records are worth a reviewer's eye.
DIFFERING_PROPS = ("birthDate", "deathDate", "gender", "nationality", "imoNumber", "incorporationDate", "birthPlace")
@contextmanager
def step_progress(console: Console, label: str) -> Iterator[Callable[[int, int], None]]:
    """A bar over items done out of a known total, with the time left."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(escape(label), total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total or None)


def records_differ(statements: Sequence["Statement"]) -> bool:
    """Whether the records of a merged entity state different values of a property worth a reviewer's
    eye (:data:`DIFFERING_PROPS`; the statements are of one property)."""
    if not statements or statements[0].prop not in DIFFERING_PROPS:
        return False
    by_record: dict[str, set[str]] = {}
    for stmt in statements:
        by_record.setdefault(stmt.entity_id, set()).add(stmt.value)
    return len({frozenset(values) for values in by_record.values()}) > 1


def xref_summary(console: Console, summary: "XrefSummary", output: Path | None, written: int | None) -> None:
    """What an xref run did, and where the queue stands."""
    statuses = summary.statuses
    console.print(f"Compared {summary.compared:,} of {summary.in_scope:,} records "
                  f"({summary.skipped:,} unchanged since the last run): {summary.scored:,} candidate pairs scored, "
                  f"{summary.pairs:,} kept.")
    console.print(f"Pairs in the store: [green]{statuses.get('merged', 0):,} merged[/] on strong evidence, "
                  f"[yellow]{statuses.get('review', 0):,} to review[/], {statuses.get('rejected', 0):,} rejected "
                  f"(below the threshold); {summary.merged_now:,} merges made now.")
    if summary.contradictions:
        contradictions(console, summary.contradictions)
    if output is not None:
        console.print(f"Wrote {written:,} pairs to {escape(str(output))}")
    if statuses.get("review"):
        console.print("Next: `moneymen review` to judge the pairs left for a person, best first.")


def contradictions(console: Console, found: Sequence["Contradiction"]) -> None:
    """Negative judgements that merges join anyway, with the chain of merges."""
    console.print(f"[bold red]{len(found)} contradiction(s)[/]: a negative judgement between records that "
                  "positive judgements join. Undo one of the judgements (`moneymen judgements undo ID`).")
    for item in found:
        chain = " → ".join(f"#{step.id} {step.left_id}={step.right_id} ({step.analyst})" for step in item.chain)
        console.print(f"  #{item.negative.id} {escape(item.negative.left_id)} ≠ {escape(item.negative.right_id)} "
                      f"({escape(item.negative.analyst)}), but {escape(chain)}")


def judged(console: Console, outcome: "JudgeOutcome") -> None:
    """One judgement made or undone, and what it changed."""
    event = outcome.judgement
    what = f"undid #{event.undoes}" if event.judgement == "undo" else event.judgement
    console.print(f"Judgement #{event.id}: {escape(event.left_id)} / {escape(event.right_id)} {what} "
                  f"by {escape(event.analyst)}.")
    if outcome.canonical_id is not None:
        console.print(f"They are now one entity: [bold]{escape(outcome.canonical_id)}[/].")
    if outcome.contradictions:
        contradictions(console, outcome.contradictions)


def judgement_log(console: Console, events: Sequence["Judgement"], names: dict[str, str]) -> None:
    """The judgement log as a table, oldest first."""
    if not events:
        console.print("No judgements yet.")
        return
    table = Table(title="Judgements", show_lines=False)
    for column in ("#", "when", "pair", "judgement", "by", "score", "why"):
        table.add_column(column, overflow="fold")
    for event in events:
        pair = "\n".join(f"{node} {names.get(node, '')}".strip() for node in event.pair)
        what = f"undo #{event.undoes}" if event.judgement == "undo" else event.judgement
        table.add_row(str(event.id), event.created_at, escape(pair), what, escape(event.analyst),
                      f"{event.score:.2f}" if event.score is not None else "", escape(event.reason))
    console.print(table)


def _values(entity: "Entity", prop: str) -> str:
    lines = []
    for stmt in entity.statements:
        if stmt.prop == prop:
            line = f"{escape(stmt.value)} [dim]({escape(stmt.dataset)} {escape(stmt.source_record or stmt.entity_id)})[/]"
            if line not in lines:
                lines.append(line)
    return "\n".join(lines)


def review_pair(console: Console, pair: "ReviewPair", number: int, total: int) -> None:
    """A candidate pair side by side: what each record says, the matcher's reasoning, what merging connects."""
    candidate, explanation = pair.candidate, pair.explanation
    console.rule(f"Pair {number} of {total}: score {candidate.score:.2f}, {candidate.status}")
    table = Table(show_lines=True, expand=True)
    table.add_column("", ratio=1)
    table.add_column(escape(f"{pair.left.caption}  [{pair.left.id}]"), ratio=3, overflow="fold")
    table.add_column(escape(f"{pair.right.caption}  [{pair.right.id}]"), ratio=3, overflow="fold")
    for prop in REVIEW_PROPS:
        left, right = _values(pair.left, prop), _values(pair.right, prop)
        if left or right:
            table.add_row(prop, left, right)
    table.add_row("datasets", escape(", ".join(pair.left.datasets)), escape(", ".join(pair.right.datasets)))
    table.add_row("tied to", escape("\n".join(pair.left_ties[:8])), escape("\n".join(pair.right_ties[:8])))
    console.print(table)
    name = explanation.get("name") or {}
    if name:
        console.print(f"Name: {name.get('score', 0):.2f} ({escape(str(name.get('method', '')))}: "
                      f"{escape(str(name.get('left', '')))} / {escape(str(name.get('right', '')))})")
    for item in explanation.get("evidence", []):
        console.print(f"  {item['effect']:+.2f} {escape(item['detail'])}")
    for reason in explanation.get("reasons", []):
        console.print(f"  [dim]{escape(reason)}[/]")


def resolver_import(console: Console, path: Path, result) -> None:
    """What reading a resolver file added to the log."""
    console.print(f"Read {result.judgements:,} judgements from {escape(str(path))}"
                  + (f" ({result.skipped:,} lines without a judgement skipped)" if result.skipped else "")
                  + f"; {result.added:,} added to the log.")
    if result.contradictions:
        contradictions(console, result.contradictions)
