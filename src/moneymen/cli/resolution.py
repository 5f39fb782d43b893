"""Commands of resolution: ``xref``, ``review`` and ``judgements`` (log, add, undo, import, export)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from moneymen.cli.common import AnalystOption, DbOption, app, console, errors, fail, open_db

@app.command()
def xref(
    dataset: Annotated[Optional[list[str]], typer.Option(help="Only records of this dataset; repeat for several "
                                                         "(pairs between and within them). Default: the whole store.")] = None,
    threshold: Annotated[float, typer.Option(help="Pairs scoring at least this go to review (or merge, on "
                                             "strong evidence).")] = 0.7,
    floor: Annotated[float, typer.Option(help="Pairs scoring less than this are not kept; those between "
                                         "--floor and --threshold are kept as rejected.")] = 0.5,
    across: Annotated[bool, typer.Option("--across", help="Only pairs of records of different datasets.")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Also write every kept pair as CSV: "
                                                   "left_id,right_id,score,status, then names, datasets, "
                                                   "judgement and reasons.")] = None,
    db: DbOption = None,
) -> None:
    """Find the records that may be the same entity, score and sort each pair (merged on strong
    evidence, review, rejected) and merge the strong ones. Stopped midway, the next run goes on
    where it stopped; a later run compares only new or changed records."""
    from moneymen.cli import render_resolution as render
    from moneymen.cli.render import count_progress as counting
    from moneymen.cli.render_resolution import step_progress as steps
    from moneymen.services.resolution import XrefSettings, run_xref, write_candidates_csv
    from moneymen.services.screening import screener_of_store

    try:
        settings = XrefSettings(datasets=tuple(dataset or ()), within=not across, threshold=threshold, floor=floor)
    except ValueError as error:
        fail(str(error))
    with open_db(db) as store:
        try:
            with counting(console, "Indexing the store") as indexing:
                screener = screener_of_store(store, progress=indexing)
            with steps(console, "Comparing records") as progress:
                summary = run_xref(store, settings, screener=screener, progress=progress)
        except ValueError as error:
            fail(str(error))
        except KeyboardInterrupt:
            errors.print("Stopped. The records compared so far are saved; run `moneymen xref` again with the "
                         "same options to go on.")
            raise typer.Exit(130)
        written = write_candidates_csv(store, output) if output is not None else None
        render.xref_summary(console, summary, output, written)


@app.command()
def review(
    limit: Annotated[int, typer.Option(help="Review at most this many pairs.")] = 50,
    analyst: AnalystOption = None,
    db: DbOption = None,
) -> None:
    """Judge the pairs xref left for a person, best first, one at a time side by side.

    Keys: y same entity (positive), n not the same (negative), u unsure, s skip, z undo the last
    judgement, q quit.
    """
    from moneymen.cli import render_resolution as render
    from moneymen.services.judgements import analyst_name, judge, review_pair, review_queue, undo

    try:
        who = analyst_name(analyst)
    except ValueError as error:
        fail(str(error))
    keys = {"y": "positive", "n": "negative", "u": "unsure"}
    with open_db(db) as store:
        queue = review_queue(store, limit=limit)
        if not queue:
            console.print("Nothing to review: run `moneymen xref` first, or every pair found has a judgement.")
            return
        made: list[int] = []
        position = 0
        while position < len(queue):
            candidate = queue[position]
            render.review_pair(console, review_pair(store, candidate), position + 1, len(queue))
            key = _key("[y]es same / [n]o / [u]nsure / [s]kip / [z] undo last / [q]uit: ")
            if key == "q":
                break
            if key == "s":
                position += 1
            elif key == "z":
                if not made:
                    console.print("Nothing to undo in this session.")
                    continue
                outcome = undo(store, made.pop(), who, "undone in review")
                console.print(f"Undid judgement {outcome.judgement.undoes}.")
                position = max(position - 1, 0)
            elif key in keys:
                outcome = judge(store, candidate.left_id, candidate.right_id, keys[key], who)
                made.append(outcome.judgement.id or 0)
                render.judged(console, outcome)
                position += 1
            else:
                console.print("Press y, n, u, s, z or q.")
        console.print(f"{len(made)} judgement(s) made by {render.escape(who)}; "
                      f"{len(review_queue(store))} pair(s) left to review.")


def _key(prompt: str) -> str:
    """One keystroke at a terminal; one line of input otherwise (a script, a test)."""
    console.print(prompt, end="", markup=False, highlight=False)
    if sys.stdin.isatty():
        import click

        key = click.getchar()
        console.print(key)
        return key.strip().lower()[:1]
    line = sys.stdin.readline()
    if not line:
        return "q"
    console.print(line.strip())
    return line.strip().lower()[:1]


judgements_app = typer.Typer(help="The judgement log: read it, add to it, take a judgement back, exchange "
                                  "it with nomenklatura.", no_args_is_help=True)
app.add_typer(judgements_app, name="judgements")


@judgements_app.command("log")
def judgements_log(
    entity: Annotated[Optional[str], typer.Option(help="Only judgements about this record (or canonical id).")] = None,
    analyst: Annotated[Optional[str], typer.Option(help="Only judgements by this analyst.")] = None,
    db: DbOption = None,
) -> None:
    """Every judgement and undo, oldest first: the pair, what was judged, by whom, when and why."""
    from moneymen.cli import render_resolution as render
    from moneymen.services.judgements import judgement_log

    with open_db(db) as store:
        events, captions = judgement_log(store, entity, analyst)
    render.judgement_log(console, events, captions)


@judgements_app.command("add")
def judgements_add(
    left: Annotated[str, typer.Argument(help="A record's id (or a canonical id).")],
    right: Annotated[str, typer.Argument(help="Another record's id.")],
    judgement: Annotated[str, typer.Argument(metavar="positive|negative|unsure")],
    reason: Annotated[str, typer.Option(help="Why (kept in the log).")] = "",
    analyst: AnalystOption = None,
    db: DbOption = None,
) -> None:
    """Judge a pair of records: the same entity (positive), not (negative), or unsure."""
    from moneymen.cli import render_resolution as render
    from moneymen.model import JUDGEMENTS
    from moneymen.services.judgements import analyst_name, judge

    if judgement not in JUDGEMENTS:
        fail(f"judgement {judgement!r}: expected one of {', '.join(JUDGEMENTS)}")
    with open_db(db) as store:
        try:
            outcome = judge(store, left, right, judgement, analyst_name(analyst), reason)
        except ValueError as error:
            fail(str(error))
    render.judged(console, outcome)


@judgements_app.command("undo")
def judgements_undo(
    judgement_id: Annotated[int, typer.Argument(metavar="ID", help="The judgement's id (see `moneymen judgements log`).")],
    reason: Annotated[str, typer.Option(help="Why (kept in the log).")] = "",
    analyst: AnalystOption = None,
    db: DbOption = None,
) -> None:
    """Take a judgement back. The log keeps both; a merge undone gives the records back apart, every statement intact."""
    from moneymen.cli import render_resolution as render
    from moneymen.services.judgements import analyst_name, undo

    with open_db(db) as store:
        try:
            outcome = undo(store, judgement_id, analyst_name(analyst), reason)
        except (LookupError, ValueError) as error:
            fail(str(error))
    render.judged(console, outcome)


@judgements_app.command("export")
def judgements_export(
    output: Annotated[Path, typer.Option("--output", "-o", help="The resolver file to write (JSON lines).")],
    db: DbOption = None,
) -> None:
    """Write the judgements that hold in nomenklatura's resolver format (`nk load-resolver` reads it)."""
    from moneymen.services.judgements import export_resolver

    with open_db(db) as store:
        count = export_resolver(store, output)
    console.print(f"Wrote {count:,} judgements to {output}")


@judgements_app.command("import")
def judgements_import(
    path: Annotated[Path, typer.Argument(help="A nomenklatura resolver file (what `nk dump-resolver` writes).")],
    db: DbOption = None,
) -> None:
    """Read judgements from a nomenklatura resolver file into the log (one transaction)."""
    from moneymen.cli import render_resolution as render
    from moneymen.services.judgements import import_resolver
    from moneymen.sources.base import SourceError

    with open_db(db) as store:
        try:
            result = import_resolver(store, path)
        except (OSError, SourceError, ValueError) as error:
            fail(f"{error}\nNothing was imported; the judgements are as they were.")
    render.resolver_import(console, path, result)
