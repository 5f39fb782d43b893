"""Reports: a scenario run as one self-contained HTML file (inline SVG and CSS, no scripts, no network).

:func:`render_report` turns a run (:class:`moneymen.analysis.results.ScenarioRun`: its provenance and
typed results) into HTML; :func:`write_report` writes it, and the run's tables as CSV files in a folder beside it
(:mod:`moneymen.report.tables`). The report reads only that data, so a saved run can be
reported again at any time (``moneymen scenario show ID --report PATH``).

The HTML comes from Jinja templates in ``report/templates/`` (package data), with autoescape on:

- ``base.html``: the layout any moneymen page shares (head, the inline ``base.css``, a header);
- ``macros.html``: tables of records (numeric columns right-aligned, header and cells alike),
  key/value tables and headline cards;
- ``report.html``: the report page; it extends ``base.html``, writes the summary and the contents
  list, and draws each section with ``report/SECTION.html``.

This module reads the run into what the templates show (rows, sentences, charts): one function
per section, ``_SECTION(run)``, returning the section's data or None where its analysis did not
run. Charts are SVG built in :mod:`moneymen.report.svg`, where every value is escaped before the
SVG is marked safe. Every value from the data is escaped (and made safe from spreadsheet formulas
in the CSV files).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from moneymen.analysis.results import ScenarioRun
from moneymen.files import atomic_write
from moneymen.report.svg import PALETTE, bar_chart, distribution_bars, histogram, line_chart, network_drawing
from moneymen.report.tables import tables_folder, write_tables

__all__ = ["render_report", "write_report", "render_disruption_svg", "report_path", "tables_folder", "summary",
           "scenario_as_run"]

#: Outcomes drawn as histograms, in this order, with their words.
OUTCOME_WORDS = {"returned": "returned", "hidden": "in hiding", "defected": "defected",
                 "defected_with_funds": "defected with funds", "captured": "captured", "undecided": "undecided / at home",
                 "defectors": "all defectors"}
#: Above this many bins holding any runs, the flow after is drawn as a histogram; at most, as one bar per bin.
FEW_VALUES = 12


class Share(float):
    """A share (0.25), shown as a percentage (25.0%) and aligned as a number."""


def _fmt(value: Any) -> str:
    """A value as a table cell or in a sentence: 1,234 and 0.123; yes/no; lists joined with commas."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Share):
        return f"{value:.1%}"
    if isinstance(value, float):
        if value != value:
            return ""
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_fmt(item) for item in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {_fmt(item)}" for key, item in value.items())
    return "" if value is None else str(value)


def _share(value: Any, digits: int = 1) -> str:
    return f"{float(value or 0.0):.{digits}%}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The keys of ``rows`` in first-seen order, leaving out those holding mappings."""
    return list(dict.fromkeys(key for row in rows for key in row if not isinstance(row.get(key), Mapping)))


def _numeric_columns(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> list[bool]:
    """For each column, whether every value in it is a number (empty cells aside) and there is one."""
    def numeric(column: str) -> bool:
        values = [row.get(column) for row in rows if row.get(column) is not None]
        return bool(values) and all(_is_number(value) for value in values)
    return [numeric(column) for column in columns]


def _environment() -> Environment:
    environment = Environment(loader=PackageLoader("moneymen.report", "templates"),
                              autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters.update(fmt=_fmt, share=_share, columns=_columns, numeric_columns=_numeric_columns,
                               definition=lambda pair: {"": pair[0], "value": pair[1]})
    return environment


_TEMPLATES = _environment()


def render_disruption_svg(curves: Sequence[Mapping[str, Any]], title: str = "Disruption curves") -> Markup:
    """The share of the largest connected component left after each step, one line per curve."""
    series = {f"{curve.get('strategy')} ({curve.get('mode', 'sequential')})":
              [(float(step["step"]), float(step["lcc_fraction"])) for step in curve.get("steps", [])]
              for curve in curves}
    return line_chart(series, title, xlabel="nodes removed (steps)", ylabel="LCC share of the initial LCC",
                      y_range=(0.0, 1.0))


def report_path(store_location: str | Path, name: str, run_id: int) -> Path:
    """Where the report of run ``run_id`` of the scenario ``name`` goes by default: ``NAME-runID.html`` in
    ``reports/STORE/`` beside the store (``STORE`` its file name), so that two stores of one folder,
    whose runs are numbered alike, keep their reports apart."""
    store = Path(store_location).resolve()
    return store.parent / "reports" / store.name / f"{name}-run{run_id}.html"


def write_report(run: ScenarioRun, path: str | Path) -> Path:
    """Write the HTML report of ``run`` to ``path`` and its CSV tables to
    :func:`tables_folder` of ``path`` (each file atomically); return the report's path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as out:
        out.write(render_report(run))
    write_tables(run, tables_folder(path))
    return path


def render_report(run: ScenarioRun) -> str:
    """The whole report of ``run`` as one HTML document: a written summary, a
    contents list, then one section per analysis that ran, and the provenance."""
    scenario = run.results.scenario or {}
    title = f"Scenario run {run.id or ''}: {run.provenance.name}".replace("run :", "run:")
    sections = [{"id": name, "title": title_of(run), "data": data}
                for name, title_of, build in _SECTIONS for data in [build(run)] if data is not None]
    sink = run.results.sink or {}
    return _TEMPLATES.get_template("report.html").render(
        title=title, description=str(scenario.get("description") or "").strip(),
        example=any("example" in str(d) for d in (scenario.get("graph") or {}).get("datasets") or ()),
        summary=summary(run), headline=_headline(run), sections=sections,
        seeds=", ".join(f"{seed.get('caption')} ({seed.get('id')})" for seed in run.results.seeds or []),
        sink=sink.get("caption") if sink else None) + "\n"


# -- the written summary -----------------------------------------------------------------------------

def summary(run: ScenarioRun) -> list[str]:
    """A few sentences computed from the run: who was purged, how many are exposed, what the exposed
    most likely do, how much of the money flow is lost, and the best designations."""
    exposure = run.results.exposure or {}
    seeds = [str(seed.get("caption") or seed.get("id")) for seed in run.results.seeds or []]
    exposed = exposure.get("exposed") or []
    by_schema = exposure.get("by_schema") or {}
    sentences = []
    purged = _and(seeds) or "nobody"
    if exposed:
        kinds = ", ".join(f"{count:,} {schema}" for schema, count in by_schema.items())
        hops = max((int(row.get("hops") or 0) for row in exposed), default=0)
        top = exposed[0]
        count = int(exposure.get("count", len(exposed)))
        sentences.append(f"The scenario purges {purged}. {_many(count, 'entity is', 'entities are')} exposed "
                         f"({kinds}), up to {_many(hops, 'hop', 'hops')} away; the most exposed is "
                         f"{top.get('caption')} ({float(top.get('score') or 0.0):.2f}).")
    else:
        sentences.append(f"The scenario purges {purged}; nobody else is exposed.")
    decisions = run.results.decisions or {}
    counts = decisions.get("counts") or {}
    states = ("returned", "hidden", "defected", "defected_with_funds", "captured", "undecided")
    likely = sorted((name for name in states if counts.get(name, {}).get("mean")), key=lambda name: -counts[name]["mean"])
    if likely:
        agents = len(run.results.agents or [])
        outcomes = [f"{OUTCOME_WORDS[name]} ({counts[name]['mean']:.1f}{' on average' if i == 0 else ''})"
                    for i, name in enumerate(likely[:3])]
        text = (f"Over {_fmt(decisions.get('runs', run.provenance.runs))} simulated runs, the likeliest outcomes for the "
                f"{_many(agents, 'exposed person', 'exposed persons')} are: {_and(outcomes)}.")
        if "defectors" in counts:
            low, high = counts["defectors"].get("interval_90") or (0, 0)
            text += f" {counts['defectors']['mean']:.1f} defect on average (90 %: {low:g}–{high:g})"
            if decisions.get("cascade"):
                text += f"; the chance of a defection cascade is {_share(decisions['cascade'].get('probability'), 0)}"
            text += "."
        sentences.append(text)
    flows = run.results.flows or {}
    if flows.get("flow_before") is not None:
        unit = f" {flows['currency']}" if flows.get("currency") else ""
        removed = run.results.removed or {}
        orphaned = len(flows.get("orphaned_accounts") or [])
        gone = _many(len(removed.get("seeds") or []) + len(removed.get("agents") or []), "removed entity is",
                     "removed entities are")
        accounts = (" and the account only they knew is orphaned" if orphaned == 1 else
                    f" and the {orphaned} accounts only they knew are orphaned" if orphaned else "")
        text = (f"The money reaching {flows.get('sink_caption') or 'the sink'} falls from {_fmt(flows['flow_before'])} "
                f"to {_fmt(flows['flow_after'])}{unit}: {_share(flows.get('lost_share'))} of the flow is lost once the "
                f"{gone} gone{accounts}.")
        over = (run.results.flows_over_runs or {}).get("flow_after")
        if over:
            low, high = over.get("interval_90") or (0, 0)
            text += (f" Over the runs, the flow after is {_fmt(over.get('mean'))}{unit} on average "
                     f"(90 %: {_fmt(low)}–{_fmt(high)}).")
        sentences.append(text)
    targets = run.results.targets or {}
    table = targets.get("table") or []
    best = table[0] if table else None
    if best:
        unit = f" {targets['currency']}" if targets.get("currency") else ""
        sentences.append(f"Designating {_and([str(c) for c in best.get('captions') or []])} would cut "
                         f"{_fmt(best.get('cut'))}{unit} ({_share(best.get('cut_share'))}) of the flow"
                         + (", the best any such designations can do." if targets.get("optimal") else "."))
    unsanctioned = run.results.unsanctioned or {}
    if unsanctioned.get("checked"):
        sentences.append(f"{len(unsanctioned.get('entities') or []):,} of the {unsanctioned['checked']:,} high-impact "
                         "entities are on no imported sanctions list.")
    return sentences


def _many(count: int, one: str, many: str) -> str:
    """``count`` and the words for one or for many: "1 entity is", "24 entities are"."""
    return f"{count:,} {one if count == 1 else many}"


def _and(items: Sequence[str], word: str = "and") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}" if items else ""


def _headline(run: ScenarioRun) -> list[tuple[str, str]]:
    exposure = run.results.exposure or {}
    decisions = run.results.decisions or {}
    counts = decisions.get("counts") or {}
    flows = run.results.flows or {}
    cards = [(f"{exposure.get('count', 0):,}", "entities exposed"),
             (f"{len(run.results.agents):,}", "exposed persons (agents)")]
    if "defectors" in counts:
        low, high = counts["defectors"]["interval_90"]
        cards.append((f"{counts['defectors']['mean']:.1f}", f"defectors expected (90 %: {low:g}–{high:g})"))
    if "captured" in counts:
        cards.append((f"{counts['captured']['mean']:.1f}", "captured expected"))
    if flows.get("flow_before") is not None:
        unit = f" ({flows['currency']})" if flows.get("currency") else ""
        cards.append((f"{_fmt(flows['flow_before'])} → {_fmt(flows['flow_after'])}", f"flow to the sink{unit}, before → after"))
    if flows.get("orphaned_accounts") is not None:
        cards.append((f"{len(flows['orphaned_accounts']):,}", "orphaned accounts"))
    if decisions.get("cascade"):
        cards.append((f"{decisions['cascade']['probability']:.0%}", "chance of a defection cascade"))
    return cards


# -- the sections ------------------------------------------------------------------------------------

def _distribution_row(first: str, words: str, dist: Mapping[str, Any]) -> dict[str, Any]:
    low, high = dist.get("interval_90") or [None, None]
    return {first: words, "mean": dist.get("mean"), "5 %": low, "median": (dist.get("quantiles") or {}).get("50%"),
            "95 %": high}


def _network(run: ScenarioRun) -> dict[str, Any]:
    sub = run.results.subnetwork or {}
    nodes, edges = sub.get("nodes") or [], sub.get("edges") or []
    removed = run.results.removed or {}
    orphaned = [row["entity_id"] for row in (run.results.flows or {}).get("orphaned_accounts") or []]
    note = (f"The {sub.get('drawn_limit')} most exposed of {sub['exposed_total']:,} exposed entities are drawn."
            if sub.get("exposed_total", 0) > len(nodes) else "")
    return {"note": note, "drawing": network_drawing(nodes, edges, seed=int(run.provenance.seed or 0) % (2**32),
                                                     removed=removed.get("agents") or [], orphaned=orphaned)}


def _exposed(run: ScenarioRun) -> dict[str, Any]:
    exposure = run.results.exposure or {}
    rows = [{"entity": row.get("caption"), "id": row.get("entity_id"), "schema": row.get("schema"),
             "exposure": row.get("score"), "hops": row.get("hops"), "why (path)": row.get("explanation"),
             "sanctions": ", ".join(row.get("programs") or []) or "none imported"}
            for row in exposure.get("exposed") or []]
    agents = []
    for agent in run.results.agents or []:
        outcomes = agent.get("outcomes") or {}
        agents.append({"person": agent.get("caption"), "exposure": agent.get("exposure"),
                       "abroad": agent.get("location") or "no (home)", "family at home": agent.get("family_at_home"),
                       "squad": agent.get("squad_present"), "funds": agent.get("funds"),
                       "P(captured)": outcomes.get("captured"), "P(defected)": outcomes.get("defected"),
                       "P(with funds)": outcomes.get("defected_with_funds"), "P(returned)": outcomes.get("returned"),
                       "P(hidden)": outcomes.get("hidden"), "lost": agent.get("p_lost")})
    by_schema = exposure.get("by_schema") or {}
    return {"rows": rows, "agents": agents, "method": exposure.get("method", ""),
            "by_schema": ", ".join(f"{count:,} {schema}" for schema, count in by_schema.items())}


def _decisions(run: ScenarioRun) -> dict[str, Any] | None:
    decisions = run.results.decisions
    if not decisions:
        return None
    counts = decisions.get("counts") or {}
    charts, rows = [], []
    for index, (name, words) in enumerate(OUTCOME_WORDS.items()):
        dist = counts.get(name)
        if dist:
            hist = dist.get("histogram") or {"edges": [], "counts": []}
            charts.append(histogram(hist.get("edges") or [], hist.get("counts") or [], words, xlabel="agents, per run",
                                    colour=PALETTE[index % len(PALETTE)], mark=dist.get("mean")))
            rows.append(_distribution_row("outcome", words, dist))
    for words, distribution in (("funds taken by defectors", decisions.get("funds_taken")),
                                ("funds out of the regime's reach", decisions.get("funds_out_of_reach"))):
        if distribution:
            rows.append(_distribution_row("outcome", words, distribution))
    timeline = decisions.get("timeline") or []
    series = {OUTCOME_WORDS.get(name, name): [(float(step), float(row.get(name, 0.0))) for step, row in enumerate(timeline)]
              for name in ("returned", "hidden", "defected", "defected_with_funds", "captured", "undecided")}
    cascade = decisions.get("cascade") or {}
    return {"runs": decisions.get("runs", 0), "steps": decisions.get("steps", 0), "seed": _identifier(decisions.get("seed")),
            "cascade_more_than": cascade.get("more_than"), "cascade": cascade.get("probability", 0.0),
            "rows": rows, "charts": charts,
            "timeline": line_chart(series, "Agents in each state, week by week (mean over runs)",
                                   xlabel="week after the purge", ylabel="agents")}


def _flows(run: ScenarioRun) -> dict[str, Any] | None:
    flows = run.results.flows
    if not flows:
        return None
    removed = run.results.removed or {}
    unit = f" ({flows['currency']})" if flows.get("currency") else ""
    return {
        "method": flows.get("method", ""), "sources": flows.get("sources", 0), "sink": flows.get("sink_caption"),
        "rule": removed.get("rule", ""), "removed": len(removed.get("seeds") or []) + len(removed.get("agents") or []),
        "orphans_lost": flows.get("orphans_lost"), "notes": flows.get("notes") or [],
        "chart": bar_chart(["before the purge", "removed only", "after (orphans lost)"],
                           [flows["flow_before"], flows["flow_after_removed"], flows["flow_after"]],
                           f"Flow to the sink{unit}", colours=(PALETTE[0], PALETTE[1], PALETTE[3])),
        "rows": [{"before": flows["flow_before"], "after the removals": flows["flow_after_removed"],
                  "after (orphaned accounts lost)": flows["flow_after"], "lost": flows.get("lost"),
                  "share lost": Share(flows.get("lost_share") or 0.0)}],
        "over_runs": _flows_over_runs(run, unit),
        "severed": [{"entity": row.get("caption"), "id": row.get("entity_id"), "carried": row.get("carried"),
                     "alone": row.get("alone")} for row in flows.get("severed") or []],
        "orphaned": [{"account": row.get("caption"), "id": row.get("entity_id"),
                      "known to": ", ".join(row.get("holder_captions") or row.get("holders") or [])}
                     for row in flows.get("orphaned_accounts") or []],
        "lost_arcs": [{"from": row.get("source_caption") or row.get("source"),
                       "to": row.get("target_caption") or row.get("target"), "before": row.get("before"),
                       "after": row.get("after")} for row in flows.get("lost_arcs") or []],
        "broken": [{"entity": row.get("caption"), "schema": row.get("schema"),
                    "counterpart removed": row.get("counterpart_caption"), "relation": row.get("relation")}
                   for row in flows.get("broken_relations") or []],
    }


def _flows_over_runs(run: ScenarioRun, unit: str) -> dict[str, Any] | None:
    """Flow after and orphaned accounts as distributions over the (sampled) Monte Carlo runs. A flow
    after that takes few values (a few removals decide it) is drawn as one bar per value range."""
    data = run.results.flows_over_runs
    if not data:
        return None
    rows = [_distribution_row("measure", words, distribution or {})
            for words, distribution in ((f"flow after{unit}", data.get("flow_after")),
                                        (f"flow lost{unit}", data.get("flow_lost")),
                                        ("accounts orphaned", data.get("orphaned_accounts")))]
    after = data.get("flow_after") or {}
    hist = after.get("histogram") or {"edges": [], "counts": []}
    edges, counts = hist.get("edges") or [], hist.get("counts") or []
    title = f"Flow to the sink after the purge{unit}"
    if 0 < sum(1 for count in counts if count) <= FEW_VALUES:
        chart = distribution_bars(edges, counts, title, colour=PALETTE[3])
    else:
        chart = histogram(edges, counts, title, xlabel="flow after, per run", colour=PALETTE[3], mark=after.get("mean"),
                          width=520)
    return {"runs_sampled": data.get("runs_sampled", 0), "sample": data.get("sample", ""), "runs": data.get("runs", 0),
            "rule": data.get("rule", ""), "distinct": data.get("distinct_removals", 0), "rows": rows, "chart": chart}


def _targets(run: ScenarioRun) -> dict[str, Any] | None:
    targets = run.results.targets
    if not targets:
        return None
    rows = [{"strategy": row.get("strategy"), "designated": ", ".join(row.get("captions") or []),
             "flow after": row.get("flow_after"), "cut": row.get("cut"), "share cut": Share(row.get("cut_share") or 0.0),
             "not yet sanctioned": len(row.get("unsanctioned") or [])} for row in targets.get("table") or []]
    proof = ("optimal (the integer programme's bound)" if targets.get("optimal")
             else f"no {targets.get('k')} designations leave less than {_fmt(targets.get('lower_bound'))}")
    return {"method": targets.get("method", ""), "flow_before": targets.get("flow_before"),
            "currency": targets.get("currency"), "candidates": targets.get("candidates", 0), "proof": proof, "rows": rows,
            "chart": bar_chart([str(row["strategy"]) for row in rows], [float(row["cut"] or 0.0) for row in rows],
                               f"Flow cut by {targets.get('k')} designations")}


def _key_persons(run: ScenarioRun) -> dict[str, Any] | None:
    data = run.results.key_persons
    if not data:
        return None
    controllers = data.get("sole_controllers")
    return {
        "nodes": data.get("nodes", 0), "edges": data.get("edges", 0), "components": data.get("components", [])[:10],
        "points": [{"entity": row.get("caption"), "id": row.get("label"), "cuts off": row.get("cut_off"),
                    "pieces": row.get("pieces")} for row in data.get("articulation_points") or []],
        "brokers": [{"entity": row.get("caption"), "id": row.get("label"), "betweenness": row.get("betweenness"),
                     "constraint": row.get("constraint"), "degree": row.get("degree"),
                     "countries linked": row.get("clusters_touched")} for row in data.get("brokers") or []],
        "bridges": [{"between": u, "and": v} for u, v in data.get("bridges") or []],
        "sole_controllers": None if controllers is None else [
            {"person": row.get("caption"), "id": row.get("id"),
             "alone behind": "; ".join(f"{item.get('caption')} ({item.get('relation')})" for item in row.get("controls") or [])}
            for row in controllers],
    }


def _unsanctioned(run: ScenarioRun) -> dict[str, Any] | None:
    data = run.results.unsanctioned
    if not data or not data.get("checked"):
        return None
    return {"count": len(data.get("entities") or []), "checked": data["checked"],
            "listed_in_network": data.get("listed_in_network"),
            "rows": [{"entity": row.get("caption"), "id": row.get("id"), "schema": row.get("schema"),
                      "why it matters": ", ".join(row.get("why") or [])} for row in data.get("entities") or []]}


def _disruption(run: ScenarioRun) -> dict[str, Any] | None:
    curves = run.results.disruption
    if not curves:
        return None
    return {"chart": render_disruption_svg(curves),
            "rows": [{"strategy": curve.get("strategy"), "step": step.get("step"),
                      "removed": ", ".join(step.get("captions") or []), "LCC size": step.get("lcc_size"),
                      "LCC share": step.get("lcc_fraction")} for curve in curves for step in curve.get("steps", [])]}


def _sensitivity(run: ScenarioRun) -> dict[str, Any] | None:
    data = run.results.sensitivity
    if not data:
        return None
    metric = data.get("metric")
    rows = [{"parameter": row.get("parameter"), "value": row.get("value"), "low": row.get("low"), "high": row.get("high"),
             f"{metric} at low": (row.get("at_low") or {}).get(metric), f"{metric} at high": (row.get("at_high") or {}).get(metric),
             "effect": (row.get("effect") or {}).get(metric)} for row in data.get("rows") or []]
    top = rows[:12]
    return {"change": float(data.get("change", 0.5)), "runs": data.get("runs", 0), "rows": rows,
            "chart": bar_chart([str(row["parameter"]) for row in top], [float(row["effect"] or 0.0) for row in top],
                               f"Effect on {metric} (high − low)")}


def _identifier(value: Any) -> str:
    """A number that names something (a seed, a run id), written as it is: 20131212, not 20,131,212."""
    return "" if value is None else str(value)


def _provenance(run: ScenarioRun) -> dict[str, Any]:
    scenario = run.results.scenario or {}
    graph = run.results.graph or {}
    used = {"runs": run.provenance.runs, "seed": run.provenance.seed}
    text, overridden = scenario_as_run(str(run.provenance.scenario_text or ""), str(scenario.get("format") or "toml"), used)
    facts = [("run", _identifier(run.id)), ("scenario", run.provenance.name), ("scenario file", scenario.get("file")),
             ("scenario sha256", run.provenance.sha256), ("moneymen version", run.provenance.version),
             ("seed", _identifier(used["seed"])), ("runs", used["runs"]), ("started", run.provenance.started_at),
             ("finished", run.provenance.finished_at), ("inputs sha256", run.results.inputs_sha256),
             ("graph", f"{graph.get('nodes', 0):,} nodes, {graph.get('edges', 0):,} edges")]
    decisions = scenario.get("decisions") or {}
    graph_settings = scenario.get("graph") or {}
    settings = [("runs", used["runs"]), ("seed", _identifier(used["seed"])),
                ("steps (weeks)", decisions.get("steps")), ("currency", scenario.get("currency")),
                ("arrest squads in", scenario.get("arrest_squads")), ("lost outcomes", scenario.get("lost_outcomes")),
                ("removal threshold", scenario.get("removal_threshold")),
                ("datasets", graph_settings.get("datasets")), ("lowest grade read", graph_settings.get("min_grade")),
                ("as of", graph_settings.get("as_of"))]
    return {"facts": facts, "settings": [(key, value) for key, value in settings if value not in (None, [], "")],
            "text": text, "overridden": overridden}


def scenario_as_run(text: str, format: str, used: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The scenario ``text`` with its top-level settings set to the values ``used`` (``runs``, ``seed``),
    where the run used others than the file says (``--runs``, ``--seed``); and what was changed.

    A changed line is written ``runs = 500  # used in this run; the file says 2000``; a setting the
    file leaves out is added, marked the same way. Only top-level lines are read (in TOML those
    before the first ``[table]``; in YAML those not indented)."""
    lines = text.splitlines()
    end = next((i for i, line in enumerate(lines) if format == "toml" and line.lstrip().startswith("[")), len(lines))
    sign = "=" if format == "toml" else ":"
    changed = []
    for key, value in used.items():
        if value is None:
            continue
        pattern = re.compile(rf"^{key}\s*{sign}\s*([^#]*?)\s*(#.*)?$")
        found = next(((i, match) for i, line in enumerate(lines[:end]) if (match := pattern.match(line))), None)
        said = found[1].group(1).replace("_", "") if found else None
        if said == str(value):
            continue
        line = f"{key} {sign} {value}  # used in this run; " + (f"the file says {said}" if found else "not set in the file")
        changed.append(f"{key} {sign} {value}" + (f" (the file says {said})" if found else " (not set in the file)"))
        if found:
            lines[found[0]] = line
        else:
            lines.insert(end, line)
            end += 1
    return "\n".join(lines) + ("\n" if text.endswith("\n") else ""), changed


#: The report's sections in order: (id, title, builder). A builder returns the section's data, or None
#: where its analysis did not run; a title may depend on the run.
_SECTIONS: list[tuple[str, Callable[[ScenarioRun], str], Callable[[ScenarioRun], Any]]] = [
    ("network", lambda run: "The exposed network", _network),
    ("exposed", lambda run: "Who is exposed", _exposed),
    ("decisions", lambda run: "What the exposed do (Monte Carlo)" if run.results.decisions else "What the exposed do",
     lambda run: _decisions(run) or {}),
    ("flows", lambda run: "Money flows to the sink", _flows),
    ("targets", lambda run: "Designation targets, against the heuristics", _targets),
    ("key_persons", lambda run: "Key persons", _key_persons),
    ("unsanctioned", lambda run: "High impact, not yet sanctioned", _unsanctioned),
    ("disruption", lambda run: "Disruption curves", _disruption),
    ("sensitivity", lambda run: "Sensitivity", _sensitivity),
    ("provenance", lambda run: "Provenance", _provenance),
]
