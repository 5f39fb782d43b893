"""A scenario run's tables as CSV files, for spreadsheets and other tools, beside its HTML report.

:func:`write_tables` writes one CSV file per table into a folder (each file atomically, see
:mod:`moneymen.files`); :func:`report_tables` gives the same tables as data. Like the HTML report,
they read only the run (:class:`moneymen.analysis.results.ScenarioRun`).

Names and other values come from untrusted lists and articles, so every text cell that a
spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) is written with a leading apostrophe, as in every CSV moneymen writes
(:class:`moneymen.files.SafeCsvWriter`); numbers are written as numbers.
Files are UTF-8 with a header row; lists inside a cell are joined with ``"; "``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from moneymen.analysis.results import ScenarioRun
from moneymen.files import SafeCsvWriter, atomic_write

__all__ = ["report_tables", "tables_folder", "write_tables"]

Table = tuple[list[str], list[list[Any]]]


def tables_folder(report: str | Path) -> Path:
    """Where the CSV files of the report ``report`` go: a folder beside it, named after it (``NAME-csv``)."""
    report = Path(report)
    return report.with_name(f"{report.stem}-csv")


def write_tables(run: ScenarioRun, folder: str | Path) -> list[Path]:
    """Write the run's tables (:func:`report_tables`) as ``folder/NAME.csv``; return the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (header, rows) in report_tables(run).items():
        path = folder / f"{name}.csv"
        with atomic_write(path) as out:
            writer = SafeCsvWriter(out)
            writer.writerow(header)
            writer.writerows(rows)
        written.append(path)
    return written


def report_tables(run: ScenarioRun) -> dict[str, Table]:
    """The run's tables by file name: header and rows of plain values (not yet made safe for CSV).

    ``exposed`` (every exposed entity: score, hops, path), ``agents`` (each exposed person's outcome
    probabilities), ``outcomes`` (distributions over the runs), ``flows_severed``,
    ``orphaned_accounts``, ``targets`` (designations against the heuristics), ``key_persons``
    and ``unsanctioned``; a table whose analysis did not run is left out.
    """
    tables: dict[str, Table] = {"exposed": _exposed(run)}
    if run.results.agents:
        tables["agents"] = _agents(run)
    if run.results.decisions:
        tables["outcomes"] = _outcomes(run)
    flows = run.results.flows
    if flows:
        tables["flows_severed"] = (
            ["entity_id", "entity", "flow_carried_before", "flow_lost_by_its_removal_alone", "currency"],
            [[row.get("entity_id"), row.get("caption"), row.get("carried"), row.get("alone"), flows.get("currency")]
             for row in flows.get("severed") or []])
        tables["orphaned_accounts"] = (
            ["account_id", "account", "schema", "holder_ids", "holders"],
            [[row.get("entity_id"), row.get("caption"), row.get("schema"), row.get("holders") or [],
              row.get("holder_captions") or []] for row in flows.get("orphaned_accounts") or []])
    if run.results.targets:
        tables["targets"] = _targets(run)
    if run.results.key_persons:
        tables["key_persons"] = _key_persons(run)
    if run.results.unsanctioned:
        tables["unsanctioned"] = (
            ["entity_id", "entity", "schema", "why"],
            [[row.get("id"), row.get("caption"), row.get("schema"), row.get("why")]
             for row in (run.results.unsanctioned or {}).get("entities") or []])
    return tables


def _exposed(run: ScenarioRun) -> Table:
    rows = [[row.get("entity_id"), row.get("caption"), row.get("schema"), row.get("score"), row.get("hops"),
             row.get("seed"), row.get("explanation"), row.get("programs") or []]
            for row in (run.results.exposure or {}).get("exposed") or []]
    return ["entity_id", "entity", "schema", "exposure", "hops", "seed", "path", "sanctions_programs"], rows


def _agents(run: ScenarioRun) -> Table:
    names = ("returned", "hidden", "defected", "defected_with_funds", "captured", "undecided")
    header = ["entity_id", "person", "exposure", "abroad_in", "family_at_home", "squad_present", "funds",
              *[f"p_{name}" for name in names], "p_lost"]
    rows = [[agent.get("id"), agent.get("caption"), agent.get("exposure"), agent.get("location"),
             agent.get("family_at_home"), agent.get("squad_present"), agent.get("funds"),
             *[(agent.get("outcomes") or {}).get(name) for name in names], agent.get("p_lost")]
            for agent in run.results.agents or []]
    return header, rows


def _distribution_row(measure: str, unit: str | None, dist: Mapping[str, Any]) -> list[Any]:
    quantiles = dist.get("quantiles") or {}
    return [measure, unit, dist.get("mean"), dist.get("sd"), *[quantiles.get(q) for q in ("5%", "25%", "50%", "75%", "95%")]]


def _outcomes(run: ScenarioRun) -> Table:
    decisions = run.results.decisions or {}
    currency = (run.results.scenario or {}).get("currency")
    rows = [_distribution_row(name, "agents", dist) for name, dist in (decisions.get("counts") or {}).items()]
    for key in ("funds_taken", "funds_out_of_reach"):
        if decisions.get(key):
            rows.append(_distribution_row(key, currency, decisions[key]))
    over = run.results.flows_over_runs or {}
    for key, unit, distribution in (("flow_after", over.get("currency"), over.get("flow_after")),
                                    ("flow_lost", over.get("currency"), over.get("flow_lost")),
                                    ("orphaned_accounts", "accounts", over.get("orphaned_accounts"))):
        if distribution:
            rows.append(_distribution_row(key, unit, distribution))
    return ["measure", "unit", "mean", "sd", "p5", "p25", "median", "p75", "p95"], rows


def _targets(run: ScenarioRun) -> Table:
    targets = run.results.targets or {}
    rows = [[row.get("strategy"), row.get("entities") or [], row.get("captions") or [], row.get("flow_after"),
             row.get("cut"), row.get("cut_share"), row.get("unsanctioned") or [], targets.get("currency")]
            for row in targets.get("table") or []]
    return ["strategy", "entity_ids", "entities", "flow_after", "cut", "share_cut", "not_sanctioned", "currency"], rows


def _key_persons(run: ScenarioRun) -> Table:
    data = run.results.key_persons or {}
    header = ["role", "entity_id", "entity", "betweenness", "constraint", "degree", "cut_off", "controls"]
    rows: list[list[Any]] = []
    for row in data.get("articulation_points") or []:
        rows.append(["articulation point", row.get("label"), row.get("caption"), None, None, None, row.get("cut_off"),
                     None])
    for row in data.get("brokers") or []:
        rows.append(["broker", row.get("label"), row.get("caption"), row.get("betweenness"), row.get("constraint"),
                     row.get("degree"), None, None])
    for controller in data.get("sole_controllers") or []:
        rows.append(["sole controller", controller.get("id"), controller.get("caption"), None, None, None, None,
                     _controlled(controller.get("controls") or [])])
    for u, v in data.get("bridges") or []:
        rows.append(["bridge", None, f"{u} — {v}", None, None, None, None, None])
    return header, rows


def _controlled(controls: Iterable[Mapping[str, Any]]) -> Sequence[str]:
    return [f"{item.get('caption')} ({item.get('relation')})" for item in controls]
