"""Reports: a scenario run as one self-contained HTML file (inline SVG and CSS, no scripts, no network).

:func:`render_report` turns a run's data (:meth:`moneymen.services.scenarios.ScenarioRun.to_dict`) into
HTML; :func:`write_report` writes it, and the run's tables as CSV files in a folder beside it
(:mod:`moneymen.report.tables`). The report reads only that data, so a saved run can be
reported again at any time (``moneymen scenario show ID --report PATH``). Every value that comes
from data is HTML-escaped (and made safe from spreadsheet formulas in the CSV files).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from moneymen.files import atomic_write
from moneymen.report.svg import PALETTE, bar_chart, esc, histogram, line_chart, network_drawing
from moneymen.report.tables import tables_folder, write_tables

__all__ = ["render_report", "write_report", "render_disruption_svg", "report_path", "tables_folder"]

#: Outcomes drawn as histograms, in this order, with their words.
OUTCOME_WORDS = {"returned": "returned", "hidden": "in hiding", "defected": "defected",
                 "defected_with_funds": "defected with funds", "captured": "captured", "undecided": "undecided / at home",
                 "defectors": "all defectors"}

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:24px 28px 60px;background:#fff}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:1.05em;margin-top:1.4em}
.lede{color:#444;white-space:pre-wrap}.note{color:#666;font-size:.9em}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:150px}
.card b{display:block;font-size:1.4em}.card span{color:#555;font-size:.85em}
table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:.88em}
th,td{border-bottom:1px solid #e4e4e4;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:10px}svg{max-width:100%;height:auto}
pre{background:#f5f5f5;padding:10px;overflow-x:auto;font-size:.85em}
.banner{background:#fff4d6;border:1px solid #e6c65c;padding:8px 12px;border-radius:4px}
"""


def render_disruption_svg(curves: Sequence[Mapping[str, Any]], title: str = "Disruption curves") -> str:
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


def write_report(run: Mapping[str, Any], path: str | Path) -> Path:
    """Write the HTML report of ``run`` (a run's ``to_dict()``) to ``path`` and its CSV tables to
    :func:`tables_folder` of ``path`` (each file atomically); return the report's path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as out:
        out.write(render_report(run))
    write_tables(run, tables_folder(path))
    return path


def render_report(run: Mapping[str, Any]) -> str:
    """The whole report as one HTML document."""
    scenario = run.get("scenario") or {}
    title = f"Scenario run {run.get('id') or ''}: {run.get('name', '')}".replace("run :", "run:")
    body = [f"<h1>{esc(title)}</h1>"]
    if scenario.get("description"):
        body.append(f'<p class="lede">{esc(str(scenario["description"]).strip())}</p>')
    if any("example" in str(d) for d in (scenario.get("graph") or {}).get("datasets") or ()):
        body.append('<p class="banner">This run uses the illustrative example network: apart from Jang Song-thaek and '
                    "his department, every person, company, account and amount in it is fictional.</p>")
    body += _headline(run)
    body += _network(run)
    body += _exposed(run)
    body += _decisions(run)
    body += _flows(run)
    body += _targets(run)
    body += _key_persons(run)
    body += _unsanctioned(run)
    body += _disruption(run)
    body += _sensitivity(run)
    body += _provenance(run)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{esc(title)}</title>"
            f"<style>{CSS}</style></head><body><main>{''.join(body)}</main></body></html>\n")


# -- pieces ------------------------------------------------------------------------------------------

def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
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


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, *, limit: int = 200,
          labels: Mapping[str, str] | None = None) -> str:
    """An HTML table of ``rows`` (dicts); columns default to the keys of the rows in first-seen order."""
    if not rows:
        return '<p class="note">None.</p>'
    if columns is None:
        columns = list(dict.fromkeys(key for row in rows for key in row if not isinstance(row.get(key), (dict,))))
    labels = labels or {}
    head = "".join(f"<th>{esc(labels.get(column, column.replace('_', ' ')))}</th>" for column in columns)
    lines = []
    for row in rows[:limit]:
        cells = []
        for column in columns:
            value = row.get(column)
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            cells.append(f'<td{" class=n" if numeric else ""}>{esc(_fmt(value))}</td>')
        lines.append(f"<tr>{''.join(cells)}</tr>")
    more = f'<p class="note">{len(rows) - limit:,} more rows not shown.</p>' if len(rows) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>{more}"


def block(value: Any) -> str:
    """Any JSON-like value as HTML: a table for a list of records, a definition table for a mapping."""
    if isinstance(value, list) and value and all(isinstance(item, Mapping) for item in value):
        return table(value)
    if isinstance(value, Mapping):
        simple = {k: v for k, v in value.items() if not isinstance(v, (list, Mapping))}
        nested = {k: v for k, v in value.items() if isinstance(v, (list, Mapping))}
        parts = [table([{"": key, "value": item} for key, item in simple.items()], ["", "value"])] if simple else []
        for key, item in nested.items():
            parts.append(f"<h4>{esc(str(key).replace('_', ' '))}</h4>{block(item)}")
        return "".join(parts)
    return f"<p>{esc(_fmt(value))}</p>"


def _card(value: str, label: str) -> str:
    return f'<div class="card"><b>{esc(value)}</b><span>{esc(label)}</span></div>'


def _headline(run: Mapping[str, Any]) -> list[str]:
    exposure = run.get("exposure") or {}
    decisions = run.get("decisions") or {}
    counts = decisions.get("counts") or {}
    flows = run.get("flows") or {}
    cards = [_card(f"{exposure.get('count', 0):,}", "entities exposed")]
    cards.append(_card(f"{len(run.get('agents') or []):,}", "exposed persons (agents)"))
    if "defectors" in counts:
        low, high = counts["defectors"]["interval_90"]
        cards.append(_card(f"{counts['defectors']['mean']:.1f}", f"defectors expected (90 %: {low:g}–{high:g})"))
    if "captured" in counts:
        cards.append(_card(f"{counts['captured']['mean']:.1f}", "captured expected"))
    if flows.get("flow_before") is not None:
        unit = f" ({flows['currency']})" if flows.get("currency") else ""
        cards.append(_card(f"{_fmt(flows['flow_before'])} → {_fmt(flows['flow_after'])}",
                           f"flow to the sink{unit}, before → after"))
    if flows.get("orphaned_accounts") is not None:
        cards.append(_card(f"{len(flows['orphaned_accounts']):,}", "orphaned accounts"))
    if decisions.get("cascade"):
        cards.append(_card(f"{decisions['cascade']['probability']:.0%}", "chance of a defection cascade"))
    seeds = ", ".join(f"{seed.get('caption')} ({seed.get('id')})" for seed in run.get("seeds") or [])
    sink = run.get("sink") or {}
    return [f'<p>Seeds: <b>{esc(seeds)}</b>' + (f' · sink: <b>{esc(sink.get("caption"))}</b>' if sink else "") + "</p>",
            f'<div class="cards">{"".join(cards)}</div>']


def _network(run: Mapping[str, Any]) -> list[str]:
    sub = run.get("subnetwork") or {}
    nodes, edges = sub.get("nodes") or [], sub.get("edges") or []
    note = ""
    if sub.get("exposed_total", 0) > len(nodes):
        note = (f'<p class="note">The {sub.get("drawn_limit")} most exposed of {sub["exposed_total"]:,} exposed entities '
                "are drawn.</p>")
    return ["<h2>The exposed network</h2>", note,
            network_drawing(nodes, edges, seed=int(run.get("seed") or 0) % (2**32))]


def _exposed(run: Mapping[str, Any]) -> list[str]:
    exposure = run.get("exposure") or {}
    rows = [{"entity": row.get("caption"), "id": row.get("entity_id"), "schema": row.get("schema"),
             "exposure": row.get("score"), "hops": row.get("hops"), "why (path)": row.get("explanation"),
             "sanctions": ", ".join(row.get("programs") or []) or "none imported"}
            for row in exposure.get("exposed") or []]
    by_schema = exposure.get("by_schema") or {}
    parts = ["<h2>Who is exposed</h2>",
             f"<p>{esc(', '.join(f'{count:,} {schema}' for schema, count in by_schema.items()) or 'Nobody.')}</p>",
             f'<p class="note">{esc(exposure.get("method", ""))}; exposure is the best product of edge weights '
             "(relation × grade × share) along a path from a seed.</p>" if exposure.get("method") else "",
             table(rows, limit=60)]
    agents = run.get("agents") or []
    if agents:
        parts.append("<h3>The agents: exposed persons and what the model knows of them</h3>")
        parts.append('<p class="note">Abroad: a country other than kp, or an employer abroad. Family at home: a Family '
                     "relation to a person whose only country is kp. Funds: balances of accounts the person alone "
                     "signs for, plus payments the person makes.</p>")
        rows = []
        for agent in agents:
            outcomes = agent.get("outcomes") or {}
            rows.append({"person": agent.get("caption"), "exposure": agent.get("exposure"),
                         "abroad": agent.get("location") or "no (home)", "family at home": agent.get("family_at_home"),
                         "squad": agent.get("squad_present"), "funds": agent.get("funds"),
                         "P(captured)": outcomes.get("captured"), "P(defected)": outcomes.get("defected"),
                         "P(with funds)": outcomes.get("defected_with_funds"), "P(returned)": outcomes.get("returned"),
                         "P(hidden)": outcomes.get("hidden"), "lost": agent.get("p_lost")})
        parts.append(table(rows))
    return parts


def _decisions(run: Mapping[str, Any]) -> list[str]:
    decisions = run.get("decisions")
    if not decisions:
        return ["<h2>What the exposed do</h2>", '<p class="note">No exposed person: nothing to simulate.</p>']
    counts = decisions.get("counts") or {}
    charts = []
    rows = []
    for index, (name, words) in enumerate(OUTCOME_WORDS.items()):
        dist = counts.get(name)
        if not dist:
            continue
        hist = dist.get("histogram") or {}
        charts.append(histogram(hist.get("edges") or [], hist.get("counts") or [], words, xlabel="agents, per run",
                                colour=PALETTE[index % len(PALETTE)], mark=dist.get("mean")))
        low, high = dist.get("interval_90") or [None, None]
        rows.append({"outcome": words, "mean": dist.get("mean"), "5 %": low, "median": (dist.get("quantiles") or {}).get("50%"),
                     "95 %": high})
    for key, words in (("funds_taken", "funds taken by defectors"), ("funds_out_of_reach", "funds out of the regime's reach")):
        dist = decisions.get(key)
        if dist:
            low, high = dist.get("interval_90") or [None, None]
            rows.append({"outcome": words, "mean": dist.get("mean"), "5 %": low,
                         "median": (dist.get("quantiles") or {}).get("50%"), "95 %": high})
    timeline = decisions.get("timeline") or []
    series = {OUTCOME_WORDS.get(name, name): [(float(step), float(row.get(name, 0.0))) for step, row in enumerate(timeline)]
              for name in ("returned", "hidden", "defected", "defected_with_funds", "captured", "undecided")}
    cascade = decisions.get("cascade") or {}
    return [
        "<h2>What the exposed do (Monte Carlo)</h2>",
        f"<p>{decisions.get('runs', 0):,} runs of {decisions.get('steps', 0)} steps (weeks), seed {esc(decisions.get('seed'))}. "
        f"Dashed line: the mean. Chance of a cascade (more than {esc(cascade.get('more_than'))} agents abroad defecting "
        f"in a run): {float(cascade.get('probability', 0.0)):.1%}.</p>",
        table(rows, ["outcome", "mean", "5 %", "median", "95 %"]),
        f'<div class="charts">{"".join(charts)}</div>',
        line_chart(series, "Agents in each state, week by week (mean over runs)", xlabel="week after the purge",
                   ylabel="agents"),
    ]


def _flows(run: Mapping[str, Any]) -> list[str]:
    flows = run.get("flows")
    removed = run.get("removed") or {}
    if not flows:
        return []
    unit = f" ({flows['currency']})" if flows.get("currency") else ""
    parts = ["<h2>Money flows to the sink</h2>",
             f"<p>{esc(flows.get('method', ''))}, from {flows.get('sources', 0):,} sources to "
             f"<b>{esc(flows.get('sink_caption'))}</b>. After: {esc(removed.get('rule', ''))} removed "
             f"({len(removed.get('seeds') or []) + len(removed.get('agents') or [])} entities)"
             + ("; what passed through orphaned accounts is lost too" if flows.get("orphans_lost") else "") + ".</p>",
             bar_chart(["before the purge", "removed only", "after (orphans lost)"],
                       [flows["flow_before"], flows["flow_after_removed"], flows["flow_after"]],
                       f"Flow to the sink{unit}", colours=(PALETTE[0], PALETTE[1], PALETTE[3])),
             table([{"before": flows["flow_before"], "after the removals": flows["flow_after_removed"],
                     "after (orphaned accounts lost)": flows["flow_after"], "lost": flows.get("lost"),
                     "share lost": f"{float(flows.get('lost_share') or 0):.1%}"}])]
    for note in flows.get("notes") or []:
        parts.append(f'<p class="note">{esc(note)}</p>')
    parts += _flows_over_runs(run, unit)
    parts.append("<h3>The removed, and the flow through them</h3>")
    parts.append('<p class="note">Carried: the flow through the entity before the purge. Alone: the flow its removal '
                 "alone would cost.</p>")
    parts.append(table([{"entity": row.get("caption"), "id": row.get("entity_id"), "carried": row.get("carried"),
                         "alone": row.get("alone")} for row in flows.get("severed") or []]))
    parts.append("<h3>Orphaned accounts</h3>")
    parts.append('<p class="note">Accounts whose every known holder (the people tied to them: owners, signatories) '
                 "is removed: nobody left knows them.</p>")
    parts.append(table([{"account": row.get("caption"), "id": row.get("entity_id"),
                         "known to": ", ".join(row.get("holder_captions") or row.get("holders") or [])}
                        for row in flows.get("orphaned_accounts") or []]))
    parts.append("<h3>Payment arcs whose flow fell</h3>")
    parts.append(table([{"from": row.get("source_caption") or row.get("source"),
                         "to": row.get("target_caption") or row.get("target"), "before": row.get("before"),
                         "after": row.get("after")} for row in flows.get("lost_arcs") or []]))
    parts.append("<h3>Broken business relations</h3>")
    parts.append('<p class="note">Partners, investors and customers whose counterpart is removed.</p>')
    parts.append(table([{"entity": row.get("caption"), "schema": row.get("schema"),
                         "counterpart removed": row.get("counterpart_caption"), "relation": row.get("relation")}
                        for row in flows.get("broken_relations") or []]))
    return parts


def _flows_over_runs(run: Mapping[str, Any], unit: str) -> list[str]:
    """Flow after and orphaned accounts as distributions over the (sampled) Monte Carlo runs."""
    data = run.get("flows_over_runs")
    if not data:
        return []
    rows = []
    for key, words in (("flow_after", f"flow after{unit}"), ("flow_lost", f"flow lost{unit}"),
                       ("orphaned_accounts", "accounts orphaned")):
        dist = data.get(key) or {}
        low, high = dist.get("interval_90") or [None, None]
        rows.append({"measure": words, "mean": dist.get("mean"), "5 %": low,
                     "median": (dist.get("quantiles") or {}).get("50%"), "95 %": high})
    after = data.get("flow_after") or {}
    hist = after.get("histogram") or {}
    return ["<h3>Over the runs: flow after and accounts orphaned</h3>",
            f"<p>In each of {data.get('runs_sampled', 0):,} runs ({esc(data.get('sample', ''))}, of "
            f"{data.get('runs', 0):,}): {esc(data.get('rule', ''))} removed, and what passed through the accounts "
            f"that removal orphans lost. {data.get('distinct_removals', 0):,} distinct removals measured.</p>",
            table(rows, ["measure", "mean", "5 %", "median", "95 %"]),
            histogram(hist.get("edges") or [], hist.get("counts") or [], f"Flow to the sink after the purge{unit}",
                      xlabel="flow after, per run", colour=PALETTE[3], mark=after.get("mean"))]


def _targets(run: Mapping[str, Any]) -> list[str]:
    targets = run.get("targets")
    if not targets:
        return []
    rows = [{"strategy": row.get("strategy"), "designated": ", ".join(row.get("captions") or []),
             "flow after": row.get("flow_after"), "cut": row.get("cut"), "share cut": f"{float(row.get('cut_share') or 0):.1%}",
             "not yet sanctioned": len(row.get("unsanctioned") or [])} for row in targets.get("table") or []]
    chart = bar_chart([str(row["strategy"]) for row in rows], [float(row["cut"] or 0.0) for row in rows],
                      f"Flow cut by {targets.get('k')} designations")
    proof = ("optimal (the integer programme's bound)" if targets.get("optimal")
             else f"no {targets.get('k')} designations leave less than {_fmt(targets.get('lower_bound'))}")
    return ["<h2>Designation targets, against the heuristics</h2>",
            f"<p>{esc(targets.get('method', ''))}; flow before {esc(_fmt(targets.get('flow_before')))}"
            f"{esc(' ' + targets['currency'] if targets.get('currency') else '')}; {targets.get('candidates', 0):,} "
            f"candidates; {esc(proof)}.</p>", chart, table(rows)]


def _key_persons(run: Mapping[str, Any]) -> list[str]:
    data = run.get("key_persons")
    if not data:
        return []
    points = [{"entity": row.get("caption"), "id": row.get("label"), "cuts off": row.get("cut_off"),
               "pieces": row.get("pieces")} for row in data.get("articulation_points") or []]
    brokers = [{"entity": row.get("caption"), "id": row.get("label"), "betweenness": row.get("betweenness"),
                "constraint": row.get("constraint"), "degree": row.get("degree"),
                "countries linked": row.get("clusters_touched")} for row in data.get("brokers") or []]
    return ["<h2>Key persons</h2>",
            f"<p>{data.get('nodes', 0):,} nodes, {data.get('edges', 0):,} edges, components {esc(_fmt(data.get('components', [])[:10]))}.</p>",
            "<h3>Articulation points (removing one splits the network)</h3>", table(points),
            "<h3>Brokers (betweenness; low constraint = spans structural holes)</h3>", table(brokers),
            "<h3>Bridges</h3>", table([{"between": u, "and": v} for u, v in data.get("bridges") or []]),
            *_sole_controllers(data)]


def _sole_controllers(data: Mapping[str, Any]) -> list[str]:
    rows = data.get("sole_controllers")
    if rows is None:
        return []
    return ["<h3>Sole controllers (the only person known behind an account or a company)</h3>",
            '<p class="note">An account\'s holders are the people tied to it (owner, signatory, controller), as for '
            "orphaned accounts; a company's are the persons who direct, own or control it (corporate owners act "
            "through people and do not count).</p>",
            table([{"person": row.get("caption"), "id": row.get("id"),
                    "alone behind": "; ".join(f"{item.get('caption')} ({item.get('relation')})"
                                              for item in row.get("controls") or [])} for row in rows])]


def _unsanctioned(run: Mapping[str, Any]) -> list[str]:
    data = run.get("unsanctioned")
    if not data or not data.get("checked"):
        return []
    note = ("" if data.get("listed_in_network") else
            " No entity of this network is on an imported sanctions list: import the lists into it (or resolve "
            "its entities against them) to see which are.")
    return ["<h2>High impact, not yet sanctioned</h2>",
            f"<p>{len(data.get('entities') or []):,} of the {data['checked']:,} high-impact entities (the best "
            "designations, the most exposed, the key persons) are on no imported sanctions list."
            f"{esc(note)}</p>",
            table([{"entity": row.get("caption"), "id": row.get("id"), "schema": row.get("schema"),
                    "why it matters": ", ".join(row.get("why") or [])} for row in data.get("entities") or []])]


def _disruption(run: Mapping[str, Any]) -> list[str]:
    curves = run.get("disruption")
    if not curves:
        return []
    rows = [{"strategy": curve.get("strategy"), "step": step.get("step"), "removed": ", ".join(step.get("captions") or []),
             "LCC size": step.get("lcc_size"), "LCC share": step.get("lcc_fraction")}
            for curve in curves for step in curve.get("steps", [])]
    return ["<h2>Disruption curves</h2>", render_disruption_svg(curves), table(rows)]


def _sensitivity(run: Mapping[str, Any]) -> list[str]:
    data = run.get("sensitivity")
    if not data:
        return []
    metric = data.get("metric")
    rows = [{"parameter": row.get("parameter"), "value": row.get("value"), "low": row.get("low"), "high": row.get("high"),
             f"{metric} at low": (row.get("at_low") or {}).get(metric), f"{metric} at high": (row.get("at_high") or {}).get(metric),
             "effect": (row.get("effect") or {}).get(metric)} for row in data.get("rows") or []]
    top = rows[:12]
    chart = bar_chart([str(row["parameter"]) for row in top], [float(row["effect"] or 0.0) for row in top],
                      f"Effect on {metric} (high − low)")
    return ["<h2>Sensitivity</h2>", f"<p>Each parameter moved ±{float(data.get('change', 0.5)):.0%}, "
            f"{data.get('runs', 0):,} runs per setting, common random numbers.</p>", chart, table(rows)]


def _provenance(run: Mapping[str, Any]) -> list[str]:
    facts = [{"": "run", "value": run.get("id")}, {"": "scenario", "value": run.get("name")},
             {"": "scenario file", "value": (run.get("scenario") or {}).get("file")},
             {"": "scenario sha256", "value": run.get("scenario_sha256")},
             {"": "moneymen version", "value": run.get("version")}, {"": "seed", "value": run.get("seed")},
             {"": "runs", "value": run.get("runs")}, {"": "started", "value": run.get("started_at")},
             {"": "finished", "value": run.get("finished_at")}, {"": "inputs sha256", "value": run.get("inputs_sha256")},
             {"": "graph", "value": f"{(run.get('graph') or {}).get('nodes', 0):,} nodes, "
                                    f"{(run.get('graph') or {}).get('edges', 0):,} edges"}]
    return ["<h2>Provenance</h2>", table(facts, ["", "value"]), "<h3>The scenario as run</h3>",
            f"<pre>{esc(run.get('scenario_text', ''))}</pre>"]
