"""The ``moneymen`` command line: thin commands that parse, call one service and render.

Each command imports what it needs when it runs: followthemoney, DuckDB, numpy and the rest cost
most of a second to import, which ``moneymen version`` and ``--help`` should not pay.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from moneymen import __version__
from moneymen.formats import IMPORT_FORMATS
from moneymen.graph.exporters import EXPORTERS

from moneymen.cli.common import DbOption, app, console, errors, fail as _fail, open_db as _open


@app.command()
def version() -> None:
    """Print the moneymen version."""
    console.print(f"moneymen {__version__}")


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="The file to import.")],
    format: Annotated[Optional[str], typer.Option("--format", "-f", help=f"One of {', '.join(IMPORT_FORMATS)}; "
                                                  "detected from the content when omitted.")] = None,
    mapping: Annotated[Optional[Path], typer.Option(help="Mapping file for --format csv.")] = None,
    dataset: Annotated[Optional[str], typer.Option(help="Dataset name. Default: the format's own "
                                                   "(un_sc, us_ofac_sdn) or the file name.")] = None,
    grade: Annotated[Optional[str], typer.Option(help="Admiralty grade of the source, e.g. B2. Default: A2 "
                                                 "for official lists, F6 otherwise.")] = None,
    seen: Annotated[Optional[str], typer.Option(help="When the list was published (ISO date), if the file "
                                                "does not say. Default: now.")] = None,
    add: Annotated[bool, typer.Option("--add", help="The file adds to the dataset (one of several files that "
                                      "feed it) instead of being its new version: nothing is delisted.")] = False,
    restore: Annotated[bool, typer.Option("--restore", help="Put back a moneymen FtM export (a backup) with the "
                                          "datasets, grades and dates it records, into datasets this store does "
                                          "not hold.")] = False,
    accept_delisting: Annotated[bool, typer.Option("--accept-delisting", help="Confirm a new version that "
                                                   "delists more than 20 % of its dataset.")] = False,
    db: DbOption = None,
) -> None:
    """Import a sanctions list, FtM JSON lines or a mapped CSV into the evidence store (one transaction)."""
    from moneymen.cli import render
    from moneymen.services.imports import import_file
    from moneymen.sources.base import SourceError

    if add and restore:
        _fail("--add and --restore exclude each other")
    store = _open(db, create=True)
    with store:
        try:
            with render.byte_progress(console, f"Importing {path.name}") as progress:
                result = import_file(store, path, format=format, dataset=dataset, grade=grade, mapping=mapping,
                                     seen=seen, progress=progress, accept_delisting=accept_delisting,
                                     kind="addition" if add else "restore" if restore else "version")
        except (SourceError, ValueError) as error:
            _fail(f"{error}\nNothing was imported; the store is unchanged.")
        render.import_result(console, result)


imports_app = typer.Typer(help="List the imports that wrote the store, and revert one.", invoke_without_command=True)
app.add_typer(imports_app, name="imports")


@imports_app.callback()
def imports_list(
    context: typer.Context,
    all_imports: Annotated[bool, typer.Option("--all", help="Reverted imports too.")] = False,
    db: DbOption = None,
) -> None:
    """List the imports of the store, oldest first: dataset, format, when seen, what each wrote."""
    from moneymen.cli import render

    if context.invoked_subcommand is not None:
        return
    with _open(db) as store:
        render.import_history(console, store.imports(include_reverted=all_imports))


@imports_app.command("revert")
def imports_revert(
    import_id: Annotated[int, typer.Argument(metavar="ID", help="The import's id (see `moneymen imports`).")],
    db: DbOption = None,
) -> None:
    """Undo one import: remove the statements it added and put back those it changed, as they were."""
    from moneymen.cli import render
    from moneymen.timestamps import utc_now
    from moneymen.store.base import RevertError

    with _open(db) as store:
        try:
            undone = store.revert_import(import_id, utc_now())
        except RevertError as error:
            _fail(f"{error}\nNothing was reverted; the store is unchanged.")
        record = store.get_import(import_id)
    console.print(f"[green]Reverted[/] import #{import_id} ({render.escape(record.dataset)}, "
                  f"{render.escape(record.path)}): {undone:,} statements undone; the store is as it was before it.")


@app.command()
def fetch(
    list_name: Annotated[str, typer.Argument(metavar="un|ofac", help="Which official list to download.")],
    url: Annotated[Optional[list[str]], typer.Option(help="Download from this address instead (a mirror); "
                                                     "repeat for ofac's sdn, alt and add files, in order.")] = None,
    insecure: Annotated[bool, typer.Option("--insecure", help="Allow plain http addresses and redirects to them "
                                           "(anyone on the way could alter the list).")] = False,
    db: DbOption = None,
) -> None:
    """Download the current official list over https and import it."""
    from moneymen.cli import render
    from moneymen.services.imports import import_file
    from moneymen.sources.base import SourceError
    from moneymen.sources.fetch import OFFICIAL_LISTS, FetchError, download, files_to_fetch

    official = OFFICIAL_LISTS.get(list_name)
    if official is None:
        _fail(f"unknown list {list_name!r}; expected one of: {', '.join(OFFICIAL_LISTS)}")
    try:
        files = files_to_fetch(official, url, insecure=insecure)
    except FetchError as error:
        _fail(f"{error}\nNothing was downloaded or imported.")

    def warn(message: str) -> None:
        errors.print(f"[bold yellow]warning:[/] {render.escape(message)} (--insecure)")

    store = _open(db, create=True)
    with store, tempfile.TemporaryDirectory(prefix="moneymen-fetch-") as folder:
        try:
            with render.download_progress(console) as downloading:
                paths = download(files, Path(folder), downloading, insecure=insecure, warn=warn)
        except FetchError as error:
            _fail(f"{error}\nNothing was imported.")
        try:
            with render.byte_progress(console, f"Importing {official.description}") as progress:
                # The downloads folder is deleted below: the store records where the list came from.
                result = import_file(store, paths[0], format=official.format, progress=progress,
                                     source_url=files[0].url, recorded_path=files[0].url)
        except SourceError as error:
            _fail(f"{error} (downloaded from {files[0].url})\nNothing was imported; the store is unchanged.")
        render.import_result(console, result)


@app.command()
def entities(
    query: Annotated[Optional[str], typer.Argument(help="A name, or words of one, in any script (장성택, "
                                                   "kwangson); without it, list the entities.")] = None,
    schema: Annotated[Optional[str], typer.Option(help="Only this FtM schema (and its kinds), e.g. Person.")] = None,
    dataset: Annotated[Optional[str], typer.Option(help="Only entities of this dataset.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    db: DbOption = None,
) -> None:
    """List entities, or search them by name as the API's /search does: every entity with a name holding
    every word of QUERY, and every entity screening QUERY as a whole name matches, best first."""
    from moneymen.cli import render
    from moneymen.services.search import search_store

    with _open(db) as store:
        with render.count_progress(console, "Indexing the store") as progress:
            try:
                hits, shown = search_store(store, query, schema, dataset, limit, progress)
            except ValueError as error:
                _fail(str(error))
    render.search_hits(console, (query or "").strip(), hits, shown)


@app.command()
def show(
    entity_id: Annotated[str, typer.Argument(help="The entity's id, e.g. ofac-9345, or a canonical id (mm-…).")],
    raw: Annotated[bool, typer.Option("--raw", help="Only this record, not the canonical entity it was merged "
                                      "into.")] = False,
    db: DbOption = None,
) -> None:
    """Every statement about an entity, grouped by property, with its provenance; then its relations.

    A record merged with others (see `moneymen xref`, `moneymen review`) is shown as the canonical
    entity: the statements of all its records, each with its own dataset and source record.
    """
    from moneymen.cli import render
    from moneymen.services.entities import get_entities, get_entity, relations_of
    from moneymen.services.judgements import canonical_of, merged_entity

    with _open(db) as store:
        canonical, records = canonical_of(store, entity_id) if not raw else (entity_id, [entity_id])
        entity = merged_entity(store, entity_id) if len(records) > 1 else get_entity(store, entity_id)
        if entity is None:
            _fail(f"no entity {entity_id!r} in {store.location}; try `moneymen entities NAME`")
        relations = [relation for record in get_entities(store, records) for relation in relations_of(store, record)]
        others = {other_id for relation in relations for _, other_id in relation.others}
        captions = {other.id: other.caption for other in get_entities(store, sorted(others))}
        render.entity_detail(console, entity, relations, captions, store.latest_seen(),
                             store.referents(entity_id), records if len(records) > 1 else ())


@app.command()
def export(
    format: Annotated[str, typer.Option("--format", "-f", help="; ".join(
        f"{name}: {exporter.description}" for name, exporter in EXPORTERS.items()) + ".")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    dataset: Annotated[Optional[str], typer.Option(help="Only entities of this dataset.")] = None,
    raw: Annotated[bool, typer.Option("--raw", help="Networks (graphml, gexf, cytoscape): one node per record "
                                      "instead of one per canonical entity.")] = False,
    db: DbOption = None,
) -> None:
    """Export the store in one of the formats listed under --format.

    CSV cells that a spreadsheet would run as formulas get a leading apostrophe.

    GraphML and GEXF values that XML cannot hold are cleaned (U+FFFD), with a warning naming the entities.
    """
    from moneymen.cli import render
    from moneymen.graph.export import export as export_store

    cleaned: list[tuple[str, str]] = []
    with _open(db) as store:
        try:
            with render.count_progress(console, f"Exporting {format}") as progress:
                count = export_store(store, format, output, dataset=dataset, progress=progress, cleaned=cleaned,
                                     raw=raw)
        except ValueError as error:
            _fail(str(error))
        if cleaned:
            shown = ", ".join(f"{entity_id!r} ({attribute})" for entity_id, attribute in cleaned[:5])
            more = f" and {len(cleaned) - 5:,} more" if len(cleaned) > 5 else ""
            errors.print(f"[bold yellow]warning:[/] {len(cleaned):,} values held characters XML cannot hold "
                         f"(control characters, U+FFFE, U+FFFF) and were written with U+FFFD in their place: "
                         f"{render.escape(shown + more)}", soft_wrap=True)
        console.print(f"Wrote {count:,} {EXPORTERS[format].counts} to {render.escape(str(output))}")


@app.command()
def summary(
    dataset: Annotated[Optional[str], typer.Option(help="Only entities of this dataset.")] = None,
    db: DbOption = None,
) -> None:
    """What the store holds: entities by schema and source, relations, identifiers, most-linked entities."""
    from moneymen.cli import render
    from moneymen.services.entities import summarize

    with _open(db) as store:
        render.summary(console, summarize(store, dataset), store)


@app.command()
def demo(db: DbOption = None) -> None:
    """Build an evidence store from the bundled OFAC and UN DPRK extracts and the illustrative example
    network, summarise it, resolve the records the two lists share, read the example news report,
    and run the example purge scenario (summary and HTML report)."""
    from moneymen.cli import render
    from moneymen.cli import render_reading
    from moneymen.services.demo import (example_screenings, import_bundled, import_example, read_example_report,
                                        run_example_scenario)
    from moneymen.services.entities import summarize
    from moneymen.cli import render_resolution
    from moneymen.services.resolution import run_xref

    store = _open(db, create=True)
    with store:
        console.print(f"Evidence store: [bold]{render.escape(store.location)}[/]")
        with render.byte_progress(console, "Importing bundled lists") as progress:
            results = import_bundled(store, progress=lambda bundled: progress)
        with render.byte_progress(console, "Importing the example network") as progress:
            results.append(import_example(store, progress=progress))
        for result in results:
            render.import_result(console, result)
        render.summary(console, summarize(store), store)
        with render_resolution.step_progress(console, "Resolving records across the lists") as progress:
            resolved = run_xref(store, progress=progress)
        console.print(f"\n[bold]Resolution[/]: {resolved.statuses.get('merged', 0):,} pairs of UN and OFAC records merged into one "
                      f"entity each on strong evidence, {resolved.statuses.get('review', 0):,} pairs "
                      "left to review (`moneymen review`; `moneymen show ofac-9345` shows KOMID merged).")
        render.example_screenings(console, example_screenings(store))
        console.print("\n[bold]Reading the news[/]: the example report (fiction), its people linked to the store, "
                      "its relations and events, and who says each claim")
        with console.status("Reading the example report"):
            read = read_example_report(store)
        render_reading.read_result(console, read, sourcing=True)
        console.print("\n[bold]Example scenario[/]: the purge of Jang Song-thaek on the illustrative (fictional) "
                      "network")
        with render.scenario_progress(console) as progress:
            run, report = run_example_scenario(store, progress=progress)
        render.scenario_summary(console, run, report)


@app.command()
def compare(
    name_a: Annotated[str, typer.Argument(help="A name, in any script.")],
    name_b: Annotated[str, typer.Argument(help="Another name.")],
    schema: Annotated[str, typer.Option(help="FtM schema of both: Person, Organization, Company, Vessel…")] = "Person",
    threshold: Annotated[float, typer.Option(help="Score from which a pair is a match.")] = 0.7,
    json_output: Annotated[bool, typer.Option("--json", help="Print the explanation as JSON.")] = False,
) -> None:
    """Score two names: the score, the decision and an explanation of which part matched which."""
    from moneymen.cli import render
    from moneymen.match.profiles import Profile, compare_profiles

    try:
        verdict = compare_profiles(Profile.from_properties(schema, {"name": [name_a]}),
                                   Profile.from_properties(schema, {"name": [name_b]}), threshold)
    except ValueError as error:
        _fail(str(error))
    if json_output:
        print(json.dumps(verdict.explanation(), ensure_ascii=False, indent=2))
    else:
        render.verdict(console, verdict)


@app.command("match-pairs")
def match_pairs(
    input_path: Annotated[Path, typer.Argument(metavar="IN.csv", help="CSV with columns left,right and optionally schema.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV to write: the input columns plus score,match.")],
    schema: Annotated[str, typer.Option(help="Schema for rows without a schema column.")] = "Person",
    threshold: Annotated[float, typer.Option(help="Score from which a pair is a match.")] = 0.7,
) -> None:
    """Score every pair of names in a CSV (for calibrating on your own labelled pairs)."""
    from moneymen.cli import render
    from moneymen.services.pairs import score_pairs
    from moneymen.sources.base import SourceError

    try:
        with render.count_progress(console, "Scoring pairs") as progress:
            count, matches = score_pairs(input_path, output, schema, threshold, progress)
    except (SourceError, ValueError) as error:
        _fail(str(error))
    console.print(f"Scored {count:,} pairs ({matches:,} matches at {threshold}) → {render.escape(str(output))}")
    # the names analysed are dropped at exit: frozen, they spare the interpreter a last collection over them
    # (a fifth of a second for 12,000 pairs)
    import gc

    gc.freeze()


@app.command()
def screen(
    name: Annotated[Optional[str], typer.Argument(help="The name to screen.")] = None,
    dob: Annotated[Optional[str], typer.Option(help="Birth date (or year) of the person screened.")] = None,
    country: Annotated[Optional[list[str]], typer.Option(help="Nationality or country; repeatable.")] = None,
    schema: Annotated[Optional[str], typer.Option(help="Only this kind: Person, Organization, Company, Vessel, "
                                                  "Airplane… Default: every kind the store holds.",
                                                  show_default=False)] = None,
    identifier: Annotated[Optional[list[str]], typer.Option(help="PROPERTY=VALUE, e.g. imoNumber=9187863; repeatable.")] = None,
    input_path: Annotated[Optional[Path], typer.Option("--input", help="Screen every row of this CSV instead.")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Results CSV for --input.")] = None,
    mapping: Annotated[Optional[Path], typer.Option(help="YAML column mapping for --input (schema, columns).")] = None,
    dataset: Annotated[Optional[str], typer.Option(help="Screen against this dataset only.")] = None,
    min_grade: Annotated[Optional[str], typer.Option(help="Read the lists from only the statements graded at least "
                                                     "this (Admiralty grade, e.g. B2).", show_default=False)] = None,
    threshold: Annotated[float, typer.Option(help="Score from which a result is a match.")] = 0.7,
    limit: Annotated[int, typer.Option(help="Results per query.")] = 5,
    json_output: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Screen a name or identifier (or a CSV of counterparties) against every list and dataset in the store:
    people, organisations, vessels, aircraft…, or only the kind --schema names."""
    from moneymen.cli import render
    from moneymen.locations import default_location
    from moneymen.match.screener import ANY_SCHEMA
    from moneymen.services.screening import screen_file, screener_of_store, screening_query
    from moneymen.services.screening_index import parse_min_grade, screener_if_unchanged

    asked = name is not None or bool(identifier)
    if asked == (input_path is not None):
        _fail("give a NAME (or --identifier PROPERTY=VALUE) to screen, or --input FILE.csv with --output RESULTS.csv")
    if input_path is not None and output is None:
        _fail("--input needs --output RESULTS.csv")
    query = None
    try:
        grade = parse_min_grade(min_grade, "--min-grade")
        if input_path is None:
            query = screening_query(schema or ANY_SCHEMA, name, dob, country or (), identifier or ())
    except ValueError as error:
        _fail(str(error))
    # a store unchanged since its saved index was checked is not opened (nor DuckDB loaded)
    screener = screener_if_unchanged(db or default_location(), dataset, grade)
    if screener is None:
        with _open(db) as store:
            with render.count_progress(console, "Indexing the store") as progress:
                screener = screener_of_store(store, dataset, progress, grade)
    if query is None:
        from moneymen.sources.base import SourceError

        assert input_path is not None and output is not None  # no query: --input, and --output with it (above)
        try:
            with render.byte_progress(console, f"Screening {input_path.name}") as progress:
                rows, flagged = screen_file(screener, input_path, output, mapping, threshold, limit, progress)
        except (SourceError, ValueError) as error:
            _fail(str(error))
        console.print(render.screened_file(rows, flagged, threshold, grade, output))
        return
    results = screener.screen(query, threshold=threshold, limit=limit)
    if json_output:
        print(json.dumps([render.result_dict(result) for result in results], ensure_ascii=False, indent=2))
    else:
        render.screening(console, name if name is not None else ", ".join(identifier or []), results,
                         len(screener.entities), grade)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on. Beyond loopback, set MONEYMEN_API_KEY first.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    allow_host: Annotated[Optional[list[str]], typer.Option(
        "--allow-host", help="Also answer requests naming this host (the Host header), e.g. the server's DNS "
        "name behind a proxy. Repeatable. Always answered: localhost, 127.0.0.1, ::1 and --host.")] = None,
    cors_origin: Annotated[Optional[list[str]], typer.Option(
        "--cors-origin", help="Let web pages of this origin (https://host[:port]) read answers (CORS). "
        "Repeatable. Default: none.")] = None,
    max_connections: Annotated[int, typer.Option(min=1, help="Connections served at once; beyond, requests "
                                                 "are answered 503.")] = 128,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Server processes, each screening on a core of "
                                                   "its own. Default: one per core, at most 4.",
                                                   show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Start the HTTP API: yente-compatible POST /match/{dataset}, /search, /entities, docs at /docs.

    Clients send the API key as 'Authorization: ApiKey KEY' or 'Bearer KEY' (see docs/api.md).

    The key is MONEYMEN_API_KEY, or one generated at the first start, saved and shown once.
    """
    from moneymen.services.apikeys import ApiKeyError, server_key
    from moneymen.store import StoreError, default_location, require_store
    from moneymen.web import serve as run_server

    try:
        location = require_store(db or default_location())  # before a key is made for a server that cannot start
        key = server_key(host)
    except (StoreError, ApiKeyError) as error:
        _fail(str(error))
    console.print(escape(key.announcement()), highlight=False, soft_wrap=True)
    try:
        run_server(location, host=host, port=port, api_key=key.value,
                   allowed_hosts=allow_host or (), cors_origins=cors_origin or (), max_connections=max_connections,
                   workers=workers or min(os.cpu_count() or 1, 4))
    except (StoreError, ValueError) as error:
        _fail(str(error))


# -- scenarios -------------------------------------------------------------------------------------

scenario_app = typer.Typer(help="Run what-if scenarios (purge impact, agents' decisions, money flows) and "
                                "read saved runs.", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")


@scenario_app.command("run")
def scenario_run(
    file: Annotated[Path, typer.Argument(help="The scenario file (.toml, .yaml or .yml); see docs/scenarios.md.")],
    runs: Annotated[Optional[int], typer.Option(help="Monte Carlo runs, instead of the file's.")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Random seed, instead of the file's.")] = None,
    report: Annotated[Optional[Path], typer.Option(help="Write the HTML report here. Default: "
                                                   "reports/STORE/FILE-runID.html beside the store.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the whole run as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Run a scenario file against the store, save the run, write its HTML report and print a summary."""
    from moneymen.services.scenario_runs import save_run
    from moneymen.services.scenarios import run_scenario
    from moneymen.analysis.scenario import Scenario, ScenarioError
    from moneymen.cli import render
    from moneymen.report import report_path, write_report

    try:
        scenario = Scenario.from_file(file)
        scenario = scenario.with_overrides(runs=runs, seed=seed)
    except ScenarioError as error:
        _fail(str(error))
    with _open(db) as store:
        try:
            with render.scenario_progress(errors if json_output else console) as progress:
                run = run_scenario(store, scenario, progress=progress)
        except ScenarioError as error:
            _fail(f"{error}\nNothing was saved.")
        run_id = save_run(store, run)
    path = write_report(run, report or report_path(store.location, file.stem, run_id))
    if json_output:
        print(json.dumps({**run.to_dict(), "report": str(path)}, ensure_ascii=False, indent=2))
    else:
        render.scenario_summary(console, run, path)


@scenario_app.command("list")
def scenario_list(db: DbOption = None) -> None:
    """List the saved scenario runs."""
    from moneymen.cli import render

    with _open(db) as store:
        render.scenario_runs(console, store.scenario_runs())


@scenario_app.command("show")
def scenario_show(
    run_id: Annotated[int, typer.Argument(metavar="ID", help="The run's id (see `moneymen scenario list`).")],
    report: Annotated[Optional[Path], typer.Option(help="Write the run's HTML report here again.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the whole run as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Show a saved scenario run: its summary, or all of it as JSON; optionally write its report again."""
    from moneymen.services.scenario_runs import load_run
    from moneymen.cli import render
    from moneymen.report import write_report

    with _open(db) as store:
        run = load_run(store, run_id)
    if run is None:
        _fail(f"no scenario run {run_id} in {store.location}; see `moneymen scenario list`")
    path = write_report(run, report) if report else None
    if json_output:
        print(json.dumps(run.to_dict(), ensure_ascii=False, indent=2))
    else:
        render.scenario_summary(console, run, path)


@scenario_app.command("compare")
def scenario_compare(
    first: Annotated[int, typer.Argument(metavar="RUN_A", help="A saved run's id.")],
    second: Annotated[int, typer.Argument(metavar="RUN_B", help="Another saved run's id.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Two saved runs side by side: exposure, outcomes, flows, and whether their inputs were the same."""
    from moneymen.services.scenario_runs import compare_saved_runs
    from moneymen.cli import render

    with _open(db) as store:
        try:
            comparison = compare_saved_runs(store, first, second)
        except LookupError as error:
            _fail(str(error))
    if json_output:
        print(json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2))
    else:
        render.scenario_comparison(console, comparison)


# -- disruption curves -------------------------------------------------------------------------------

@app.command()
def disrupt(
    edges: Annotated[Path, typer.Argument(metavar="EDGES.csv", help="Edge list with the header source,target[,weight].")],
    strategy: Annotated[str, typer.Option(help="degree, betweenness, katz, collective-influence, kpp or flow.")],
    steps: Annotated[int, typer.Option(help="How many removal steps (one node each).")],
    sequential: Annotated[bool, typer.Option("--sequential/--block", help="Re-rank after every removal "
                                             "(sequential) or rank once on the intact network (block).")] = True,
    weighted: Annotated[bool, typer.Option("--weighted", help="Use the weight column (strength, weighted "
                                           "paths, capacities).")] = False,
    source: Annotated[Optional[list[str]], typer.Option(help="For --strategy flow: a source node; repeatable.")] = None,
    sink: Annotated[Optional[list[str]], typer.Option(help="For --strategy flow: a sink node; repeatable.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the steps as JSON.")] = False,
    plot: Annotated[Optional[Path], typer.Option(metavar="PATH.svg", help="Also draw the curve as an SVG file.")] = None,
) -> None:
    """Remove nodes in a strategy's order and print, per step, who was removed and the largest component left."""
    from moneymen.cli import render
    from moneymen.files import atomic_write
    from moneymen.report import render_disruption_svg
    from moneymen.services.disruption import disrupt_edge_list
    from moneymen.sources.base import SourceError

    try:
        curve = disrupt_edge_list(edges, strategy, steps, sequential=sequential, weighted=weighted,
                                  sources=source or (), sinks=sink or ())
    except (SourceError, ValueError) as error:
        _fail(str(error))
    data = [{"step": step.step, "removed": list(step.removed), "lcc_size": step.lcc_size,
             "lcc_fraction": step.lcc_fraction} for step in curve.steps]
    if plot is not None:
        with atomic_write(plot) as out:
            out.write(render_disruption_svg([curve.to_dict()], f"Disruption by {strategy} ({curve.mode}): {edges.name}"))
    if json_output:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    render.disruption(console, curve, edges.name, plot)


from moneymen.cli import reading as _reading  # noqa: E402,F401 (registers read, claims)
from moneymen.cli import resolution as _resolution  # noqa: E402,F401 (registers xref, review, judgements)


def main() -> None:
    """Entry point of the ``moneymen`` script."""
    from moneymen.collector import collect_rarely

    collect_rarely()
    app()

