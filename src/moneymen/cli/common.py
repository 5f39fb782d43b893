"""What every command of the ``moneymen`` CLI shares: the app, the consoles, the ``--db`` option,
opening the store and failing with a message."""

from __future__ import annotations

from typing import Annotated, NoReturn, Optional

import typer
from rich.console import Console
from rich.markup import escape

__all__ = ["AnalystOption", "DbOption", "app", "console", "errors", "fail", "open_db"]

app = typer.Typer(
    name="moneymen",
    help="Map illicit financial networks from open sources, with every fact traceable to its source.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)

DbOption = Annotated[
    Optional[str],
    typer.Option("--db", envvar="MONEYMEN_DB", help="Evidence store (a DuckDB file). Default: MONEYMEN_DB or "
                 "moneymen.duckdb in your data directory.", show_default=False),
]


AnalystOption = Annotated[Optional[str], typer.Option(
    "--analyst", envvar="MONEYMEN_ANALYST", help="Who decides (kept with every judgement or decision). Default: "
    "MONEYMEN_ANALYST or your login name.", show_default=False)]


def fail(message: str, code: int = 1) -> NoReturn:
    errors.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(code)


def open_db(db: str | None, create: bool = False):
    """The store at ``--db`` (or the default location). Only the commands that write data into
    it (``create``: import, fetch, demo) may create it; for any other a missing store is an error
    naming the path, and nothing is created."""
    from moneymen.store import StoreError, default_location, open_store

    try:
        return open_store(db or default_location(), create=create,
                          on_wait=lambda message: errors.print(message, markup=False, highlight=False))
    except StoreError as error:
        fail(str(error))
