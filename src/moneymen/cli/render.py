"""How the CLI shows things: rich tables and progress bars. No logic beyond layout."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING
from itertools import groupby

from rich.console import Console, JustifyMethod, OverflowMethod
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from moneymen.cli.render_resolution import records_differ

if TYPE_CHECKING:  # for annotations only: these load followthemoney, which screening has no need of
    from moneymen.services.entities import Relation, Summary
    from moneymen.services.scenario_runs import Comparison
    from moneymen.services.imports import ImportResult
    from moneymen.match.profiles import Match
    from pathlib import Path

    from moneymen.analysis.results import ControlledRow, ScenarioRun
    from moneymen.model import Entity, Grade
    from moneymen.store import ScenarioRunRecord, Store
    from moneymen.match.screener import ScreeningResult
    from moneymen.services.search import SearchHit

__all__ = ["escape"]

#: What to show of a linked record that has no other end (a sanction, a passport).
DETAIL_PROPS = ("program", "authority", "listingDate", "number", "country", "publicKey")


@contextmanager
def byte_progress(console: Console, label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar over the bytes of an input file; yields the callback importers call."""
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(escape(label), total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total or None)

        yield update


@contextmanager
def count_progress(console: Console, label: str) -> Iterator[Callable[[int], None]]:
    """A spinner-style counter for work whose total is unknown (exports)."""
    with Progress(TextColumn("{task.description}"), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task(escape(label), total=None)
        yield lambda done: progress.update(task, completed=done)


@contextmanager
def download_progress(console: Console) -> Iterator[Callable[[str, int, int], None]]:
    """One bar per downloaded file."""
    with Progress(TextColumn("Downloading {task.description}"), BarColumn(), DownloadColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        tasks: dict[str, TaskID] = {}

        def update(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(escape(name), total=total or None)
            progress.update(tasks[name], completed=done)

        yield update


def import_result(console: Console, result: ImportResult) -> None:
    name = escape(result.path)
    # a file that names its own datasets (OpenSanctions) writes into each of them
    into = escape(", ".join(result.datasets) if len(result.datasets) > 1 else result.dataset)
    if result.unchanged:
        console.print(f"[yellow]Already imported[/] {name} into [bold]{escape(result.dataset)}[/] "
                      f"(import #{result.import_id}); nothing changed.")
        return
    rate = result.statements / result.seconds if result.seconds else 0
    kind = {"addition": " (an addition: nothing delisted)", "restore": " (restored with its own provenance)"}
    console.print(f"[green]Imported[/] {name} as {result.format} into [bold]{into}[/]"
                  f"{kind.get(result.kind, '')}: {result.entities:,} entities, {result.statements:,} statements "
                  f"({result.new_statements:,} new) in {result.seconds:.1f} s ({rate:,.0f} statements/s), "
                  f"seen {result.seen}. Import #{result.import_id}: `moneymen imports revert {result.import_id}` "
                  "undoes it.")
    if result.older_than:
        console.print(f"  An older version than the newest of {escape(result.dataset)} (seen {result.older_than}): "
                      "it adds history and delists nothing the newest version lists.")
    if result.delisted and result.kind == "version":
        console.print(f"  {len(result.delisted):,} entities of {into} are not on its newest "
                      "version (kept, marked as delisted).")
    for warning in result.warnings:
        console.print(f"  [yellow]warning:[/] {escape(warning)}")


def import_history(console: Console, records: list) -> None:
    """The imports of a store, oldest first, with what each wrote and whether it was reverted."""
    table = Table(title=f"{len(records)} imports", show_lines=False)
    for column in ("id", "dataset", "format", "kind", "seen", "entities", "statements", "grade", "file", "status"):
        table.add_column(column)
    for record in records:
        status = (f"reverted {record.reverted_at}" if record.reverted_at
                  else "not revertible" if not record.revertible else "")
        table.add_row(str(record.id), escape(record.dataset), record.format, record.kind, record.seen,
                      f"{record.entities or 0:,}", f"{record.statements or 0:,}", record.grade,
                      escape(record.path), status)
    console.print(table)


def entity_detail(console: Console, entity: Entity, relations: list[Relation], captions: dict[str, str],
                  latest: dict[str, str], referents: Sequence[str] = (), records: Sequence[str] = ()) -> None:
    """Every statement of an entity with its source, dates and grade (and the source's own text where
    a value was cleaned), then its relations. For a canonical entity (``records``: the records merged
    into it), each statement names its record, and a property its records state differently (two
    birth dates) is marked, its values side by side."""
    console.print(f"[bold]{escape(entity.caption)}[/] ({entity.schema.name}) [dim]{escape(entity.id)}[/]")
    if records:
        console.print(f"Canonical entity of {len(records)} records: {escape(', '.join(records))} "
                      "(`moneymen judgements log --entity ID` says who merged them and why)")
    if referents:
        console.print(f"Same entity as (per its sources): {escape(', '.join(referents))}")
    gone = entity.delisted_from(latest)
    if gone:
        console.print(f"[yellow]No longer listed in {escape(', '.join(gone))}[/] (history kept).")
    table = Table(show_lines=False, expand=True)
    table.add_column("property", ratio=2)
    table.add_column("value", ratio=5, overflow="fold")
    table.add_column("source", ratio=3, overflow="fold")
    table.add_column("seen", no_wrap=True)
    table.add_column("grade", no_wrap=True)
    schema = entity.schema
    statements = sorted(entity.statements, key=lambda stmt: (stmt.prop, stmt.value))
    for prop, grouped in groupby(statements, key=lambda stmt: stmt.prop):
        label = escape(schema.properties[prop].label if prop in schema.properties else prop)
        group = list(grouped)
        if records and records_differ(group):
            label += "\n[yellow]records differ[/]"
        for index, stmt in enumerate(group):
            value = escape(stmt.value)
            if stmt.original_value and stmt.original_value != stmt.value:
                value += f' [dim](source: "{escape(stmt.original_value)}")[/]'
            if stmt.quote:
                value += f'\n[dim]"{escape(stmt.quote)}"[/]'
            source = escape(" ".join(part for part in (stmt.dataset, stmt.source_record) if part))
            if records:
                source += f"\n[dim]{escape(stmt.entity_id)}[/]"
            if stmt.origin != "import":
                source += f" [italic]({stmt.origin})[/]"
            seen = _seen(stmt.first_seen, stmt.last_seen)
            if stmt.source_last_seen:
                seen += f"\n[dim]source last saw it {stmt.source_last_seen[:10]}[/]"
            table.add_row(label if index == 0 else "", value, source, seen,
                          f"{stmt.reliability}{stmt.credibility}")
    console.print(table)
    if not relations:
        console.print("No relations.")
        return
    rel_table = Table(title="Relations and linked records")
    for column in ("relation", "as", "other end", "id", "grade", "datasets"):
        rel_table.add_column(column, overflow="fold")
    for relation in relations:
        linked = relation.entity
        if not relation.others:  # a sanction, passport or other record about this entity
            details = [value for prop in DETAIL_PROPS for value in linked.values(prop)]
            rel_table.add_row(linked.schema.label, escape(relation.role), escape(", ".join(details) or linked.caption),
                              escape(linked.id), str(linked.best_grade()), escape(", ".join(linked.datasets)))
        for prop, other_id in relation.others:
            rel_table.add_row(linked.schema.label, escape(relation.role), escape(captions.get(other_id, other_id)),
                              escape(other_id), str(linked.best_grade()), escape(", ".join(linked.datasets)))
    console.print(rel_table)


def summary(console: Console, result: Summary, store: Store) -> None:
    console.print(f"\n[bold]Evidence store[/] {escape(store.location)}: {result.entities:,} entities, "
                  f"{result.statements:,} statements.")
    datasets = sorted(result.by_dataset)
    table = Table(title="Entities by schema and source")
    table.add_column("schema")
    for name in datasets:
        table.add_column(escape(name), justify="right")
    table.add_column("all", justify="right")
    for schema_name, count in result.by_schema.most_common():
        table.add_row(schema_name, *[f"{result.by_schema_dataset[(schema_name, name)]:,}" for name in datasets],
                      f"{count:,}")
    console.print(table)
    if result.delisted:
        console.print("No longer listed: " + ", ".join(f"{n:,} in {escape(d)}" for d, n in result.delisted.items()))
    console.print(_counts("Relations", "type", result.relations))
    console.print(_counts("Identifiers", "kind", result.identifiers))
    top = Table(title="Most linked entities")
    _add_columns(top, (("entity", "left"), ("id", "left"), ("links", "right")))
    for entity_id, caption, count in result.top_linked(10):
        top.add_row(escape(caption), escape(entity_id), str(count))
    console.print(top)


def _add_columns(table: Table, columns: Iterable[tuple[str, JustifyMethod]],
                 overflow: OverflowMethod = "ellipsis") -> None:
    """Add the ``(header, justify)`` columns to ``table`` in order."""
    for header, justify in columns:
        table.add_column(header, justify=justify, overflow=overflow)


def _counts(title: str, label: str, counts) -> Table:
    table = Table(title=title)
    table.add_column(label)
    table.add_column("count", justify="right")
    for name, count in counts.most_common():
        table.add_row(escape(name), f"{count:,}")
    return table


def _seen(first: str | None, last: str | None) -> str:
    first, last = (first or "")[:10], (last or "")[:10]
    return first if first == last else f"{first} → {last}"


def verdict(console: Console, result: "Match") -> None:
    """A pair comparison: score, decision, the name parts and the other evidence."""
    decision = "[bold green]match[/]" if result.match else "[bold]no match[/]"
    console.print(f"score {result.score:.3f} → {decision} (threshold {result.threshold})")
    for note in result.notes:
        console.print(f"[dim]{escape(note)}[/]")
    if result.name is None:
        return
    name = result.name
    console.print(f"name: {name.score:.3f} by {name.method} comparison of "
                  f"[bold]{escape(name.left)}[/] and [bold]{escape(name.right)}[/]")
    table = Table(show_header=True)
    for column in ("part", "left", "right", "how", "score"):
        table.add_column(column)
    for part in name.parts:
        table.add_row(part.role, escape(part.left), escape(part.right), escape(part.how), f"{part.score:.2f}")
    console.print(table)
    for note in name.notes:
        console.print(f"[dim]{escape(note)}[/]")
    for item in result.evidence:
        console.print(f"{item.feature}: {item.effect:+.2f} ({escape(item.detail)})")


def result_dict(result: "ScreeningResult") -> dict:
    """A screening result as JSON-ready data."""
    entity = result.entity
    return {"id": entity.id, "caption": entity.caption, "schema": entity.schema, "score": round(result.score, 4),
            "match": result.match.match, "datasets": list(entity.datasets), "sanctions": list(entity.sanctions),
            "claimed_sanctions": list(entity.claimed_sanctions), "explanation": result.match.explanation()}


def listed_by(entity) -> str:
    """Who lists a screened entity: official sanctions, then sanctions other datasets claim, else its datasets."""
    parts = list(entity.sanctions)
    if entity.claimed_sanctions:
        parts.append("claimed, not on an official list: " + ", ".join(entity.claimed_sanctions))
    return "; ".join(parts) or ", ".join(entity.datasets)


def graded(min_grade: "Grade | None") -> str:
    """What a screening says of the grade filter it read the lists with (nothing without one)."""
    return f" (statements graded {min_grade} or better)" if min_grade is not None else ""


def screened_file(rows: int, flagged: int, threshold: float, min_grade: "Grade | None", output: "Path | None") -> str:
    """What a batch screening says when done."""
    return f"Screened {rows:,} rows: {flagged:,} with a match at {threshold}{graded(min_grade)} → {escape(str(output))}"


def screening(console: Console, name: str, results: list["ScreeningResult"], indexed: int,
              min_grade: "Grade | None" = None) -> None:
    """Screening results: the matches first, each with why and who lists it (and the grade filter used)."""
    among = f"among {indexed:,} entities{graded(min_grade)}"
    if not results:
        console.print(f"No candidate for {escape(name)!r} {among}.")
        return
    table = Table(title=f"{escape(name)}: {sum(r.match.match for r in results)} match(es) {among}")
    for column in ("score", "match", "entity", "id", "why", "listed by"):
        table.add_column(column, overflow="fold")
    for result in results:
        verdict = result.match
        why = []
        if verdict.name:
            why.append(f"name {verdict.name.score:.2f} ({verdict.name.method}: {verdict.name.right})")
        why.extend(item.detail for item in verdict.evidence)
        why.extend(verdict.notes)  # e.g. a birth date not understood, so not compared
        table.add_row(f"{verdict.score:.3f}", "[bold green]yes[/]" if verdict.match else "no",
                      escape(result.entity.caption), escape(result.entity.id), escape("; ".join(why)),
                      escape(listed_by(result.entity)))
    console.print(table)


def search_hits(console: Console, text: str, hits: list["SearchHit"], shown: list["SearchHit"]) -> None:
    """The hits of a search (or, without text, the entities listed), ``shown`` of them, and how many there are."""
    if not hits:
        console.print(f"No entity found for {escape(text)!r}." if text else "No entity with a name in the store.")
        return
    more = f" (the first {len(shown):,} shown; --limit for more)" if len(shown) < len(hits) else ""
    found = f" found for {escape(text)!r}" if text else ""
    table = Table(title=f"{len(hits):,} entities{found}{more}")
    columns = ("score", "id", "schema", "name", "datasets", "listed by") if text else \
        ("id", "schema", "name", "datasets", "listed by")
    for column in columns:
        table.add_column(column, overflow="fold")
    for hit in shown:
        entity = hit.entity
        row = [escape(entity.id), entity.schema, escape(entity.caption), escape(", ".join(entity.datasets)),
               escape(listed_by(entity))]
        table.add_row(*([f"{hit.score:.2f}"] if text else []), *row)
    console.print(table)


def example_screenings(console: Console, examples: list[tuple[str, list["ScreeningResult"]]]) -> None:
    """The demo's screening examples: each query with its best result and why."""
    table = Table(title="Screening examples (moneymen screen NAME)")
    for column in ("query", "best result", "score", "how the names matched", "listed by"):
        table.add_column(column, overflow="fold")
    for query, results in examples:
        if not results:
            table.add_row(escape(query), "no candidate", "", "", "")
            continue
        best = results[0]
        verdict = best.match
        how = ""
        if verdict.name:
            how = f"{verdict.name.method}: " + ", ".join(
                f"{part.left}~{part.right}" for part in verdict.name.parts if part.score > 0)
        table.add_row(escape(query), f"{escape(best.entity.caption)} ({escape(best.entity.id)})",
                      f"{verdict.score:.2f}{' match' if verdict.match else ''}", escape(how),
                      escape("; ".join(best.entity.sanctions)))
    console.print(table)


# -- scenarios -------------------------------------------------------------------------------------

@contextmanager
def scenario_progress(console: Console) -> Iterator[Callable[[str, int, int | None], None]]:
    """One bar for a scenario run: the stage in words, and runs done out of runs during the Monte Carlo."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("Starting", total=None)

        def update(stage: str, done: int, total: int | None) -> None:
            progress.update(task, description=escape(stage), completed=done, total=total)

        yield update


def _money(value, currency: str | None = None) -> str:
    text = "—" if value is None else f"{value:,.0f}"
    return f"{text} {currency}" if currency and value is not None else text


def scenario_summary(console: Console, run: ScenarioRun, report) -> None:
    """What a scenario run found: exposure, outcomes with 90 % intervals, flows, orphaned accounts, the report."""
    title = f"Scenario run #{run.id}: {run.provenance.name}"
    console.print(f"\n[bold]{escape(title)}[/] (seed {run.provenance.seed}, {run.provenance.runs:,} runs, "
                  f"moneymen {escape(run.provenance.version)})")
    graph = run.results.graph or {}
    console.print(f"Network: {graph.get('nodes', 0):,} entities, {graph.get('edges', 0):,} relations")
    seeds = ", ".join(f"{seed['caption']} ({seed['id']})" for seed in run.results.seeds or [])
    console.print(f"Purged: {escape(seeds)}")
    _exposure_summary(console, run)
    _decisions_summary(console, run)
    _flows_summary(console, run)
    _targets_summary(console, run)
    _sole_controllers_summary(console, run)
    _unsanctioned_summary(console, run)
    if report is not None:
        from moneymen.report.tables import tables_folder

        console.print(f"Tables (CSV): [bold]{escape(str(tables_folder(report)))}[/]")
        console.print(f"Report: [bold]{escape(str(report))}[/]")


def _exposure_summary(console: Console, run: ScenarioRun) -> None:
    exposure = run.results.exposure or {}
    by_schema = ", ".join(f"{count:,} {schema}" for schema, count in (exposure.get("by_schema") or {}).items())
    console.print(f"Exposed: [bold]{exposure.get('count', 0):,}[/] entities ({escape(by_schema) or 'none'})")
    exposed = exposure.get("exposed") or []
    if not exposed:
        return
    table = Table(title="Most exposed (top 10; the whole path of each is in the report)")
    _add_columns(table, (("entity", "left"), ("schema", "left"), ("exposure", "right"), ("hops", "right"),
                         ("reached from (by)", "left")), overflow="fold")
    seed_captions = {seed["id"]: seed["caption"] for seed in run.results.seeds or []}
    for row in exposed[:10]:
        path = row.get("path") or []
        if path:
            step = path[-1]
            seed = row.get("seed") or ""
            before = path[-2]["caption"] if len(path) > 1 else seed_captions.get(seed, seed)
            via = f"{before} ({step['relation']})"
        else:
            via = ""
        table.add_row(escape(row["caption"]), escape(row["schema"]), f"{row['score']:.2f}", str(row.get("hops", "")),
                      escape(via))
    console.print(table)


def _decisions_summary(console: Console, run: ScenarioRun) -> None:
    decisions = run.results.decisions
    if not decisions:
        console.print("No exposed person abroad or at home to simulate.")
        return
    counts = decisions["counts"]
    table = Table(title=f"What the {len(run.results.agents)} exposed persons do "
                        f"({decisions['steps']} weeks, {decisions['runs']:,} runs)")
    _add_columns(table, (("outcome", "left"), ("mean", "right"), ("90 % interval", "right")))
    for name, words in (("returned", "returned"), ("hidden", "in hiding"), ("defected", "defected"),
                        ("defected_with_funds", "defected with funds"), ("captured", "captured"),
                        ("undecided", "undecided / at home"), ("defectors", "all defectors")):
        if name in counts:
            low, high = counts[name]["interval_90"]
            table.add_row(words, f"{counts[name]['mean']:.2f}", f"{low:g} – {high:g}")
    taken = decisions.get("funds_taken")
    if taken:
        low, high = taken["interval_90"]
        currency = ((run.results.scenario or {}).get("currency"))
        table.add_row(f"funds taken{' (' + currency + ')' if currency else ''}", _money(taken["mean"]),
                      f"{_money(low)} – {_money(high)}")
    console.print(table)
    cascade = decisions["cascade"]
    abroad = sum(1 for agent in run.results.agents or [] if agent.get("abroad"))
    console.print(f"Chance of a defection cascade (more than {cascade.get('more_than')} of the {abroad} agents abroad "
                  f"defecting): {cascade['probability']:.1%}")


def _flows_summary(console: Console, run: ScenarioRun) -> None:
    flows = run.results.flows
    if not flows:
        console.print("No sink named: money flows not measured.")
        return
    before, after, currency = flows["flow_before"], flows["flow_after"], flows.get("currency")
    change = f" ({-flows['lost_share']:+.0%})" if before else ""
    removed = run.results.removed or {}
    seeds, agents = len(removed.get("seeds") or []), len(removed.get("agents") or [])
    orphaned = flows.get("orphaned_accounts") or []
    console.print(f"Flow to {escape(flows.get('sink_caption') or 'the sink')}: "
                  f"[bold]{_money(before)} → {_money(after)}[/]{' ' + currency if currency else ''}{change}")
    scenario = run.results.scenario or {}
    words = [name.replace("_", " ") for name in scenario.get("lost_outcomes") or ("captured", "defected")
             if name != "defected_with_funds"]
    outcomes = ", ".join(words[:-1]) + (" or " if len(words) > 1 else "") + words[-1]
    console.print(f"  after removing {seeds} purged and {agents} agent{'s' if agents != 1 else ''} likely lost "
                  f"(P({outcomes}) ≥ {scenario.get('removal_threshold', 0.5):g})"
                  + (f", and losing what passed through {len(orphaned)} orphaned account{'s' if len(orphaned) != 1 else ''}"
                     if orphaned and flows.get("orphans_lost") else "")
                  + f"; {'maximum flow' if flows.get('method', '').startswith('maximum') else 'summed payments'} "
                  f"from {flows.get('sources', 0)} sources")
    over = run.results.flows_over_runs
    if over:
        left, lost, orphans = over["flow_after"], over["flow_lost"], over["orphaned_accounts"]
        console.print(f"  over {over['runs_sampled']:,} runs (each losing its own agents): flow after "
                      f"{_money(left['mean'])} (90 %: {_money(left['interval_90'][0])} – "
                      f"{_money(left['interval_90'][1])}), lost {_money(lost['mean'])} "
                      f"(90 %: {_money(lost['interval_90'][0])} – {_money(lost['interval_90'][1])}); "
                      f"accounts orphaned {orphans['mean']:.1f} (90 %: {orphans['interval_90'][0]:g} – "
                      f"{orphans['interval_90'][1]:g})")
    carried = [row for row in flows.get("severed") or [] if row.get("carried")]
    if carried:
        console.print("Flow carried by the removed: " + escape(", ".join(
            f"{row['caption']} {_money(row['carried'])}" for row in carried[:6])))
    if orphaned:
        table = Table(title=f"Orphaned accounts: {len(orphaned)} (every person who knew them is gone)")
        table.add_column("account", overflow="fold")
        table.add_column("known only to", overflow="fold")
        for row in orphaned[:10]:
            table.add_row(escape(row["caption"]), escape(", ".join(row.get("holder_captions") or row["holders"])))
        console.print(table)
    else:
        console.print("Orphaned accounts: 0")
    broken = flows.get("broken_relations") or []
    if broken:
        partners = list(dict.fromkeys(row["caption"] for row in broken))
        more = f" and {len(partners) - 3} more" if len(partners) > 3 else ""
        console.print(f"Broken business relations: {len(broken)}, of {len(partners)} surviving partners, employers "
                      f"or investors ({escape(', '.join(partners[:3]))}{more})")


def _targets_summary(console: Console, run: ScenarioRun) -> None:
    targets = run.results.targets
    if not targets or not targets.get("table"):
        return
    best, rest = targets["table"][0], targets["table"][1:]
    currency = targets.get("currency")
    others = "; ".join(f"{row['strategy']} {row['cut_share']:.0%}" for row in rest)
    console.print(f"Best {targets['k']} designations: {escape(', '.join(best['captions']))} cut "
                  f"{_money(best['cut'], currency)} ({best['cut_share']:.0%}"
                  f"{', optimal' if targets.get('optimal') else ''}); heuristics cut: {escape(others)}")


def _listed(items: list[str], shown: int = 4) -> str:
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return "; ".join(items[:shown]) + more


def _sole_controllers_summary(console: Console, run: ScenarioRun) -> None:
    rows = (run.results.key_persons or {}).get("sole_controllers")
    if rows is None:
        return
    if not rows:
        console.print("Sole controllers: none (every known account and company has more than one person behind it)")
        return

    def what(controls: list[ControlledRow]) -> str:
        accounts = sum(1 for item in controls if item.get("relation") == "account holder")
        companies = len(controls) - accounts
        parts = [f"{accounts} account{'s' if accounts != 1 else ''}" if accounts else "",
                 f"{companies} compan{'ies' if companies != 1 else 'y'}" if companies else ""]
        return ", ".join(part for part in parts if part)

    console.print(f"Sole controllers ({len(rows)} persons alone behind accounts or companies): "
                  + escape(_listed([f"{row['caption']} ({what(row['controls'])})" for row in rows])))


def _unsanctioned_summary(console: Console, run: ScenarioRun) -> None:
    data = run.results.unsanctioned
    if not data or not data.get("checked"):
        return
    entities = data.get("entities") or []
    note = "" if data.get("listed_in_network") else " (no entity of this network is on an imported list)"
    console.print(f"Not on any imported sanctions list: {len(entities)} of {data['checked']} high-impact entities"
                  f"{note}" + (": " + escape(_listed([f"{row['caption']} ({', '.join(row['why'])})"
                                                      for row in entities])) if entities else ""))


def scenario_runs(console: Console, records: list[ScenarioRunRecord]) -> None:
    """The saved scenario runs, oldest first."""
    if not records:
        console.print("No saved scenario runs; run one with `moneymen scenario run FILE`.")
        return
    table = Table(title=f"{len(records)} saved scenario runs")
    for column in ("id", "scenario", "started", "runs", "seed", "version", "scenario sha256"):
        table.add_column(column, overflow="fold")
    for record in records:
        run = record.provenance
        table.add_row(str(record.id), escape(run.name), run.started_at, f"{run.runs:,}", str(run.seed),
                      escape(run.version), run.sha256[:12])
    console.print(table)


def disruption(console: Console, curve, name: str, plot) -> None:
    """A disruption curve: per step, the nodes removed and the largest connected component left."""
    table = Table(title=f"{name}: removal by {curve.strategy} ({curve.mode}), {curve.nodes:,} nodes, "
                        f"initial largest component {curve.initial_lcc:,}")
    _add_columns(table, (("step", "right"), ("removed", "left"), ("LCC size", "right"), ("LCC share", "right")),
                 overflow="fold")
    for step in curve.steps:
        table.add_row(str(step.step), escape(", ".join(map(str, step.removed))) or "—", f"{step.lcc_size:,}",
                      f"{step.lcc_fraction:.3f}")
    console.print(table)
    if plot is not None:
        console.print(f"Plot: {escape(str(plot))}")


def scenario_comparison(console: Console, comparison: Comparison) -> None:
    """Two runs' numbers side by side, then which of their inputs differ."""
    first, second = comparison.first, comparison.second
    table = Table(title=f"Run #{first.id} ({escape(first.provenance.name)}) against run #{second.id} "
                        f"({escape(second.provenance.name)})")
    _add_columns(table, (("measure", "left"), (f"#{first.id}", "right"), (f"#{second.id}", "right"),
                         ("change", "right")))

    def shown(value) -> str:
        if value is None:
            return "—"
        if isinstance(value, float) and abs(value) < 1000 and value != int(value):
            return f"{value:,.3g}" if abs(value) < 1 else f"{value:,.2f}"
        return f"{value:,.0f}"

    for row in comparison.rows:
        change = row["change"]
        table.add_row(row["measure"], shown(row["first"]), shown(row["second"]),
                      "—" if change is None else ("+" if change > 0 else "") + shown(change))
    console.print(table)
    labels = {"scenario_sha256": "scenario text", "inputs_sha256": "inputs (network, agents, settings)", "seed": "seed",
              "runs": "runs", "version": "moneymen version"}
    same = [labels[key] for key, equal in comparison.same.items() if equal]
    different = [labels[key] for key, equal in comparison.same.items() if not equal]
    console.print(f"Same: {', '.join(same) or 'nothing'}. Different: {', '.join(different) or 'nothing'}.")
