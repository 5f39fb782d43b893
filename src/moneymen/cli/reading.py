"""Commands of the news: ``read`` (a URL, file or feed into the store) and ``claims`` (the review queue)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from moneymen.cli.common import AnalystOption, DbOption, app, console, errors, fail, open_db

@app.command()
def read(
    source: Annotated[str, typer.Argument(help="A URL, an HTML or text file, or an RSS/Atom feed (each new item).")],
    outlet: Annotated[Optional[str], typer.Option(help="Who published it. Default: what the page or feed says.")] = None,
    date: Annotated[Optional[str], typer.Option(help="When it was published (YYYY-MM-DD): relative dates in the "
                                                "text are read against it. Default: what the page says.")] = None,
    reliability: Annotated[Optional[str], typer.Option(help="The outlet's reliability, A-F. Default: the outlet "
                                                       "table's letter, F when the outlet is not in it.")] = None,
    outlets: Annotated[Optional[Path], typer.Option(help="Your own outlet table (YAML, as "
                                                    "extract/data/outlets.yaml). Default: the bundled one.")] = None,
    max_items: Annotated[int, typer.Option(help="For a feed: read at most this many items, newest first.")] = 200,
    insecure: Annotated[bool, typer.Option("--insecure", help="Allow plain http.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was extracted as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Read a report: its mentions, relations, events and attributed, graded claims. The document is
    stored once; its claims wait in the review queue (`moneymen claims`)."""
    from moneymen.cli import render_reading as render
    from moneymen.sources.articles import ArticleError
    from moneymen.services.reading import read_source

    store = open_db(db, create=True)
    with store:
        try:
            with render.reading_progress(errors if as_json else console, source) as progress:
                results, skipped = read_source(store, source, outlet=outlet, date=date, reliability=reliability,
                                               outlets_path=outlets, insecure=insecure, max_items=max_items,
                                               progress=progress)
        except (ArticleError, ValueError, OSError) as error:
            fail(f"{error}\nNothing was stored.")
    if as_json:
        shown = [result.to_dict() for result in results]
        typer.echo(json.dumps(shown[0] if len(shown) == 1 else shown, ensure_ascii=False, indent=2))
        return
    for result in results:
        render.read_result(console, result)
    if skipped:
        console.print(f"{skipped} more feed items were not read (--max-items {max_items}).")


claims_app = typer.Typer(help="The claims read from documents, waiting for review: list, accept, reject.",
                         invoke_without_command=True)
app.add_typer(claims_app, name="claims")


@claims_app.callback()
def claims_list(
    ctx: typer.Context,
    document: Annotated[Optional[str], typer.Option(help="Only the claims of this document id.")] = None,
    status: Annotated[Optional[str], typer.Option(help="Only claims of this status: pending, accepted, "
                                                  "rejected.")] = None,
    db: DbOption = None,
) -> None:
    """List claims: each with its evidence, who says it (outlet → … → final source) and its grade."""
    if ctx.invoked_subcommand is not None:
        return
    from moneymen.cli import render_reading as render
    from moneymen.store.documents import claims

    if status is not None and status not in ("pending", "accepted", "rejected"):
        fail(f"invalid status {status!r}: expected pending, accepted or rejected")
    store = open_db(db)
    with store:
        found = claims(store, document_id=document, status=status)
    render.claim_table(console, found)


@claims_app.command("accept")
def claims_accept(
    claim_id: Annotated[str, typer.Argument(help="The claim's id, as `moneymen claims` lists it.")],
    reason: Annotated[Optional[str], typer.Option(help="Why (kept with the decision).")] = None,
    grade: Annotated[Optional[str], typer.Option(help="Accept it at this Admiralty grade instead, e.g. B2.")] = None,
    analyst: AnalystOption = None,
    db: DbOption = None,
) -> None:
    """Accept a claim: its people, organisations, relations and events become statements (dataset
    news, origin extraction) quoting the claim's words, with its document and grade."""
    from moneymen.services.claims import ClaimError, accept_claim
    from moneymen.services.judgements import analyst_name

    store = open_db(db)
    with store:
        try:
            decision = accept_claim(store, claim_id, analyst_name(analyst), reason, grade)
        except ClaimError as error:
            fail(str(error))
    confirmed = f"; confirmed by {', '.join(decision.confirmed_by)}" if decision.confirmed_by else ""
    console.print(f"Accepted {decision.claim_id} at {decision.grade}: {decision.statements} statements written"
                  + (f" (import {decision.import_id})" if decision.import_id else " (it names no person or organisation)")
                  + confirmed)


@claims_app.command("reject")
def claims_reject(
    claim_id: Annotated[str, typer.Argument(help="The claim's id, as `moneymen claims` lists it.")],
    reason: Annotated[Optional[str], typer.Option(help="Why (kept with the decision).")] = None,
    analyst: AnalystOption = None,
    db: DbOption = None,
) -> None:
    """Reject a claim; one accepted before has its statements taken out of the store again."""
    from moneymen.services.claims import ClaimError, reject_claim
    from moneymen.services.judgements import analyst_name
    from moneymen.store.base import RevertError

    store = open_db(db)
    with store:
        try:
            decision = reject_claim(store, claim_id, analyst_name(analyst), reason)
        except (ClaimError, RevertError, ValueError) as error:
            fail(str(error))
    console.print(f"Rejected {decision.claim_id}.")


@claims_app.command("edit")
def claims_edit(
    claim_id: Annotated[str, typer.Argument(help="The claim's id, as `moneymen claims` lists it.")],
    grade: Annotated[Optional[str], typer.Option(help="The claim's Admiralty grade, e.g. C3.")] = None,
    chain: Annotated[Optional[str], typer.Option(help="Who says it, from the outlet to the final source, "
                                                 "separated by ' > ', e.g. 'Daily NK > a source in China'.")] = None,
    reason: Annotated[Optional[str], typer.Option(help="Why (kept with the edit).")] = None,
    analyst: AnalystOption = None,
    db: DbOption = None,
) -> None:
    """Correct a pending claim's grade or chain before deciding on it."""
    from moneymen.services.claims import ClaimError, edit_claim
    from moneymen.services.judgements import analyst_name

    if grade is None and chain is None:
        fail("nothing to edit: give --grade or --chain")
    steps = [step.strip() for step in chain.split(">")] if chain is not None else None
    store = open_db(db)
    with store:
        try:
            decision = edit_claim(store, claim_id, analyst_name(analyst), grade=grade, chain=steps, reason=reason)
        except ClaimError as error:
            fail(str(error))
    console.print(f"Edited {decision.claim_id}: grade {decision.grade}, still pending.")
