"""`moneymen scenario run` end to end on the example network, through the real CLI and a real DuckDB store."""

from __future__ import annotations

import json
import re
import textwrap
import types

import lxml.html
import pytest

from moneymen.analysis.results import ScenarioResults, ScenarioRun
from moneymen.services.scenarios import run_scenario
from moneymen.analysis.scenario import Scenario, ScenarioError
from moneymen.data import example_scenario_path
from moneymen.services.demo import import_example
from moneymen.services.imports import import_file
from moneymen.store import open_store

from conftest import run_cli


@pytest.fixture(scope="module")
def example_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("scenario") / "example.duckdb"
    with open_store(db) as store:
        import_example(store)
    return db


def scenario_file(tmp_path, **changes) -> str:
    """The bundled example scenario with fewer runs (and any other lines replaced), as a file."""
    text = example_scenario_path().read_text(encoding="utf-8").replace("runs = 2000", "runs = 400")
    for old, new in changes.items():
        text = text.replace(old, new)
    path = tmp_path / "purge.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_scenario_run_prints_the_summary_saves_the_run_and_writes_the_report(example_db, tmp_path):
    report = tmp_path / "purge.html"
    result = run_cli("scenario", "run", scenario_file(tmp_path), "--report", str(report), db=example_db)
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert re.search(r"Scenario run #\d+: Purge of Jang Song-thaek \(illustrative example\) \(seed 20131212, 400 runs", out)
    assert "Purged: Jang Song-thaek (ex-jang-song-thaek)" in out
    assert re.search(r"Exposed: \d+ entities \(", out) and "Most exposed (top 10" in out
    assert "90 % interval" in out and "all defectors" in out
    # the payments to the bureau add up to 5.2 million; the accounts only the recalled officials knew are lost
    flow = re.search(r"Flow to Central Foreign Currency Bureau: ([\d,]+) → ([\d,]+) USD", out)
    assert flow and flow.group(1) == "5,200,000" and int(flow.group(2).replace(",", "")) < 5_200_000
    over = re.search(r"over 400 runs \(each losing its own agents\): flow after ([\d,]+) \(90 %: ([\d,]+) – ([\d,]+)\), "
                     r"lost [\d,]+ \(90 %: [\d,]+ – [\d,]+\); accounts orphaned [\d.]+ \(90 %: \d+ – \d+\)", out)
    assert over, out
    low, mean, high = (int(over.group(i).replace(",", "")) for i in (2, 1, 3))
    assert low <= mean <= high <= 5_200_000
    orphaned = re.search(r"Orphaned accounts: (\d+)", out)
    assert orphaned and int(orphaned.group(1)) >= 1 and "known only to" in out
    assert "Ri Chol-jin" in out  # the signatory of Blue Pine's accounts
    assert re.search(r"Best 2 designations: .* cut [\d,]+ USD \(\d+%, optimal\); heuristics cut: degree", out)
    # Ri Chol-jin alone signs one of Blue Pine's accounts and alone directs the company
    assert "Sole controllers (" in out and "Ri Chol-jin (1 account, 1 company)" in out
    # the example network's own dataset holds no sanctions list: every high-impact entity is unlisted
    unlisted = re.search(r"Not on any imported sanctions list: (\d+) of (\d+) high-impact entities \(no entity of this "
                         r"network is on an imported list\): Blue Pine Trading Co\. \(best designation", out)
    assert unlisted and unlisted.group(1) == unlisted.group(2), out
    assert out.rstrip().endswith(f"Report: {report}")
    page = lxml.html.parse(str(report)).getroot()
    assert page.xpath("//svg[starts-with(@aria-label, 'Exposed subnetwork')]") and not page.xpath("//script")
    assert "Jang Song-thaek" in page.text_content()
    flows = page.xpath("//h2[.='Money flows to the sink']/following-sibling::table[1]//td")
    assert flows[0].text_content() == "5,200,000"
    orphans = page.xpath("//h3[.='Orphaned accounts']/following-sibling::table[1]//tbody/tr")
    assert len(orphans) == int(orphaned.group(1))
    assert page.xpath("//svg/title[.='Flow to the sink after the purge (USD)']")
    spread = page.xpath("//h3[.='Over the runs: flow after and accounts orphaned']/following-sibling::table[1]//td")
    assert [cell.text_content() for cell in spread[::5]] == ["flow after (USD)", "flow lost (USD)", "accounts orphaned"]
    unsanctioned = page.xpath("//h2[.='High impact, not yet sanctioned']/following-sibling::table[1]//td")
    assert "Blue Pine Trading Co." in [cell.text_content() for cell in unsanctioned]
    controllers = page.xpath("//h3[starts-with(., 'Sole controllers')]/following-sibling::table[1]//tbody/tr")
    assert any("Ri Chol-jin" in row.text_content() for row in controllers)
    tables = report.with_name("purge-csv")
    assert f"Tables (CSV): {tables}" in out and (tables / "unsanctioned.csv").is_file()
    listed = run_cli("scenario", "list", db=example_db)
    assert "Purge of Jang Song-thaek" in listed.stdout


def untimed(value):
    """``value`` without timings (``seconds``), which differ from run to run."""
    if isinstance(value, dict):
        return {key: untimed(item) for key, item in value.items() if key != "seconds"}
    if isinstance(value, list):
        return [untimed(item) for item in value]
    return value


def test_a_fixed_seed_gives_the_same_results(example_db, tmp_path):
    scenario = Scenario.from_file(scenario_file(tmp_path)).with_overrides(runs=300)
    with open_store(example_db) as store:
        first = run_scenario(store, scenario)
        second = run_scenario(store, scenario)
        other = run_scenario(store, scenario.with_overrides(seed=1))
    assert untimed(first.results.to_dict()) == untimed(second.results.to_dict())
    assert first.results.decisions != other.results.decisions
    assert first.results.inputs_sha256 == second.results.inputs_sha256
    assert first.provenance.sha256 == scenario.sha256 and first.provenance.seed == 20131212 and first.provenance.runs == 300


def test_an_empty_graph_is_refused(example_db, tmp_path):
    path = scenario_file(tmp_path, **{'seeds = ["Jang Song-thaek"]': 'seeds = ["ex-jang-song-thaek"]',
                                      'datasets = ["moneymen_example"]': 'datasets = ["no_such_dataset"]'})
    with open_store(example_db) as store, pytest.raises(ScenarioError) as caught:
        run_scenario(store, Scenario.from_file(path))
    assert caught.value.key == "graph" and "empty graph" in str(caught.value) and path in str(caught.value)


def test_cyclic_ownership_over_100_percent_is_refused(tmp_path):
    lines = [
        {"id": "c-a", "schema": "Company", "properties": {"name": ["Alpha Holding"], "country": ["cn"]}},
        {"id": "c-b", "schema": "Company", "properties": {"name": ["Beta Trading"], "country": ["cn"]}},
        {"id": "c-p", "schema": "Person", "properties": {"name": ["Cho Patron"], "country": ["kp"]}},
        {"id": "o-1", "schema": "Ownership", "properties": {"owner": ["c-a"], "asset": ["c-b"], "percentage": ["80"]}},
        {"id": "o-2", "schema": "Ownership", "properties": {"owner": ["c-b"], "asset": ["c-a"], "percentage": ["60"]}},
        {"id": "o-3", "schema": "Ownership", "properties": {"owner": ["c-p"], "asset": ["c-a"], "percentage": ["55"]}},
    ]
    data = tmp_path / "cycle.jsonl"
    data.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    path = tmp_path / "cycle.toml"
    path.write_text(textwrap.dedent("""\
        name = "cycle"
        seeds = ["c-p"]
        [graph]
        datasets = ["cycle"]
        """), encoding="utf-8")
    with open_store(tmp_path / "cycle.duckdb") as store:
        import_file(store, data, format="ftm", dataset="cycle")
        with pytest.raises(ScenarioError) as caught:
            run_scenario(store, Scenario.from_file(path))
    message = str(caught.value)
    assert caught.value.key == "graph" and "cyclic ownership over 100 %" in message
    assert "Alpha Holding (c-a)" in message and "115 %" in message


def test_the_scenario_rules_and_money_settings_reach_the_analyses(example_db, tmp_path):
    text = example_scenario_path().read_text(encoding="utf-8").replace("runs = 2000", "runs = 50")
    text = text.replace("[rules]\n", "[rules]\nmax_hops = 1\n")
    text += '\n[flows]\nmethod = "paths"\nrevenue = {Employment = 10000}\n'
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    with open_store(example_db) as store:
        run = run_scenario(store, Scenario.from_file(path))
    exposure, flows = run.results.exposure, run.results.flows
    assert exposure["rules"]["max_hops"] == 1
    assert [row["entity_id"] for row in exposure["exposed"]] == ["ex-wpk-administrative-department"]
    assert flows["method"].startswith("summed payments") and flows["currency"] == "USD"
    assert flows["flow_before"] == 5_200_000  # the stated payments into the bureau
    assert run.results.scenario["flows"]["revenue"] == {"Employment": 10000.0}


def test_compare_shows_the_flow_lost_over_the_runs(example_db, tmp_path):
    path = scenario_file(tmp_path)
    for seed in ("1", "2"):
        assert run_cli("scenario", "run", path, "--seed", seed, "--report", str(tmp_path / f"r{seed}.html"),
                       db=example_db).returncode == 0
    ids = [line.split()[1] for line in run_cli("scenario", "list", db=example_db).stdout.splitlines()
           if "Purge of Jang" in line][-2:]
    data = json.loads(run_cli("scenario", "compare", *ids, "--json", db=example_db).stdout)
    rows = {row["measure"]: row for row in data["rows"]}
    for measure in ("flow lost over runs (mean)", "flow lost over runs (5 %)", "flow lost over runs (95 %)",
                    "orphaned accounts over runs (mean)"):
        assert isinstance(rows[measure]["first"], float) and isinstance(rows[measure]["second"], float), measure
    assert rows["flow lost over runs (5 %)"]["first"] <= rows["flow lost over runs (95 %)"]["first"]


def undescribed_keys(value, hint, where: str) -> list[str]:
    """Keys of ``value`` that its type ``hint`` (a TypedDict, or lists and dicts of them) does not name."""
    import typing

    if hint is typing.Any or value is None:
        return []
    if typing.is_typeddict(hint):
        hints = typing.get_type_hints(hint)
        found = [f"{where}.{key}" for key in value if key not in hints]
        for key, item in value.items():
            if key in hints:
                found += undescribed_keys(item, hints[key], f"{where}.{key}")
        return found
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list and args:
        return [key for item in value for key in undescribed_keys(item, args[0], f"{where}[]")]
    if origin is dict and len(args) == 2:
        return [key for item in value.values() for key in undescribed_keys(item, args[1], f"{where}{{}}")]
    if origin in (typing.Union, types.UnionType):
        return min((undescribed_keys(value, arg, where) for arg in args if arg is not type(None)), key=len, default=[])
    return []


def test_the_typed_results_name_every_key_the_runner_writes(example_db, tmp_path):
    """The report and `scenario compare` read a run through ScenarioResults' TypedDicts: a key the
    analyses write but the types do not name (or name wrongly) would go unchecked by mypy."""
    import typing
    from dataclasses import fields

    extra = ('[sensitivity]\nruns = 40\nmetric = "defectors"\nparameters = ["squad_arrest_probability"]\n'
             'change = 0.5\n')
    path = scenario_file(tmp_path, **{"[disruption]": extra + "\n[disruption]"})
    with open_store(example_db) as store:
        run = run_scenario(store, Scenario.from_file(path).with_overrides(runs=100))
    hints = typing.get_type_hints(ScenarioResults)
    data = run.results.to_dict()
    ran = {f.name for f in fields(ScenarioResults) if getattr(run.results, f.name) is not None}
    assert ran == set(ScenarioResults.ORDER), "every analysis ran, so every part is checked"
    assert list(data) == list(ScenarioResults.ORDER)
    missing = [key for name in data for key in undescribed_keys(data[name], hints[name], name)]
    assert missing == []
    again = ScenarioRun.from_dict(json.loads(json.dumps(run.to_dict())))
    assert again.to_dict() == run.to_dict()


def test_each_random_stage_draws_from_its_own_seed_spawned_from_the_runs(example_db, tmp_path):
    from moneymen.services.scenarios import RANDOM_STAGES, stage_seeds

    seeds = stage_seeds(20131212)
    assert list(seeds) == list(RANDOM_STAGES) and len(set(seeds.values())) == len(seeds), "no two stages share one"
    assert stage_seeds(20131212) == seeds and stage_seeds(20131213) != seeds
    scenario = Scenario.from_file(scenario_file(tmp_path)).with_overrides(runs=3000)
    with open_store(example_db) as store:
        run = run_scenario(store, scenario)
    decisions, over = run.results.decisions, run.results.flows_over_runs
    assert decisions is not None and over is not None
    assert decisions["seed"] == seeds["decisions"]
    # the runs whose flows are measured are drawn from their own stream, stated in the results
    assert over["runs_sampled"] == 500 and str(seeds["flow_sample"]) in over["sample"]
