"""Scenario files, saved runs, reports and the disruption command, as a user meets them."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import lxml.html
import pytest
from markupsafe import escape

from moneymen.analysis.decisions import Agents, simulate_decisions
from moneymen.analysis.agents import build_agents
from moneymen.analysis.ownership import ownership_problems
from moneymen.jsonable import jsonable
from moneymen.analysis.results import ScenarioResults, ScenarioRun
from moneymen.model import RunProvenance
from moneymen.services.scenario_runs import load_run, save_run
from moneymen.services.scenarios import check_scenario, run_scenario
from moneymen.analysis.scenario import Scenario, ScenarioError
from moneymen.data import example_scenario_path
from moneymen.services.demo import import_example
from moneymen.graph.view import NetworkView
from moneymen.report import render_report, write_report
from moneymen.store import open_store

from conftest import run_cli

FULL_TOML = """\
name = "Test purge"
description = "A purge on a small network."
seeds = ["ex-jang-song-thaek"]
sink = "ex-central-currency-bureau"
currency = "usd"
runs = 300
seed = 7
arrest_squads = ["CN"]

[graph]
datasets = ["moneymen_example"]
min_grade = "d4"
as_of = 2013-12-12

[rules]

[decisions]
steps = 10
arrest_probability = 0.05

[targeting]
k = 2

[key_persons]
top = 5

[disruption]
strategies = ["degree", "kpp"]
steps = 4

[sensitivity]
runs = 50
parameters = ["arrest_probability"]
"""

FULL_YAML = """\
name: Test purge
description: A purge on a small network.
seeds: [ex-jang-song-thaek]
sink: ex-central-currency-bureau
currency: usd
runs: 300
seed: 7
arrest_squads: [CN]
graph:
  datasets: [moneymen_example]
  min_grade: d4
  as_of: 2013-12-12
rules: {}
decisions:
  steps: 10
  arrest_probability: 0.05
targeting: {k: 2}
key_persons: {top: 5}
disruption:
  strategies: [degree, kpp]
  steps: 4
sensitivity:
  runs: 50
  parameters: [arrest_probability]
"""


def write(tmp_path: Path, text: str, name: str = "scenario.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# -- reading scenario files --------------------------------------------------------------------

def test_toml_and_yaml_scenarios_read_the_same(tmp_path):
    toml = Scenario.from_file(write(tmp_path, FULL_TOML))
    yaml = Scenario.from_file(write(tmp_path, FULL_YAML, "scenario.yaml"))
    for scenario in (toml, yaml):
        assert scenario.name == "Test purge" and scenario.seeds == ("ex-jang-song-thaek",)
        assert (scenario.runs, scenario.seed, scenario.currency, scenario.arrest_squads) == (300, 7, "USD", ("cn",))
        assert (str(scenario.min_grade), scenario.datasets, scenario.as_of) == ("D4", ("moneymen_example",), "2013-12-12")
        assert scenario.decisions.steps == 10 and scenario.decisions.arrest_probability == 0.05
        assert scenario.decisions.squad_arrest_probability == 0.15  # the documented default
        assert (scenario.targeting, scenario.key_persons) == (2, 5)
        assert scenario.disruption == {"strategies": ["degree", "kpp"], "steps": 4}
        assert scenario.sensitivity["parameters"] == ["arrest_probability"]
    assert toml.to_dict()["decisions"] == yaml.to_dict()["decisions"]
    assert toml.sha256 != yaml.sha256 and len(toml.sha256) == 64


def test_the_bundled_example_scenario_reads():
    scenario = Scenario.from_file(example_scenario_path())
    assert scenario.seeds == ("Jang Song-thaek",) and scenario.runs == 2000 and scenario.targeting == 2


def test_rules_and_money_settings_are_read_by_the_analyses_own_types(tmp_path):
    scenario = Scenario.from_file(write(tmp_path, """\
        name = "x"
        seeds = ["a"]
        currency = "usd"
        [rules]
        max_hops = 2
        relations = {Family = 1.0, "Vehicle:owner" = 0.2}
        [flows]
        rates = {eur = 1.08}
        revenue = {Employment = 50000}
        method = "paths"
        sources = ["ex-riverside-minerals"]
        [graph]
        as_of = "2013-12"
        relations = ["Payment", "Payment:payerAccount"]
        """))
    assert scenario.rules.max_hops == 2 and scenario.rules.relations["Family"] == 1.0
    assert scenario.rules.relations["Employment"] == 0.8  # the documented default, kept
    assert scenario.flows.to_dict() == {"currency": "USD", "rates": {"EUR": 1.08, "USD": 1.0},
                                          "revenue": {"Employment": 50000.0}, "route_accounts": True,
                                          "method": "paths", "orphans_lost": True}
    assert scenario.sources == ("ex-riverside-minerals",) and scenario.as_of == "2013-12"
    assert scenario.relations == ("Payment", "Payment:payerAccount")
    settings = scenario.to_dict()
    assert settings["rules"]["max_hops"] == 2 and settings["flows"]["sources"] == ["ex-riverside-minerals"]


BAD = [
    # (file text, the key named, the line named, words of the message)
    ('name = "x"\nseeds = ["a"]\nsead = 3\n', "sead", 3, "did you mean 'seed'"),
    ('name = "x"\nseeds = ["a"]\n\n[decisions]\nsteps = 5\narrest_probability = -0.2\n',
     "decisions.arrest_probability", 6, "probability and must be in [0, 1]"),
    ('name = "x"\nseeds = ["a"]\n[decisions]\narest_probability = 0.2\n', "decisions.arest_probability", 4,
     "did you mean 'arrest_probability'"),
    ('name = "x"\nseeds = ["a"]\nremoval_threshold = 1.5\n', "removal_threshold", 3, "between 0 and 1"),
    ('name = "x"\nseeds = ["a"]\nruns = 0\n', "runs", 3, "from 1 to"),
    ('name = "x"\nseeds = []\n', "seeds", 2, "at least one seed"),
    ('name = "x"\nseeds = ["a", 5]\n', "seeds[1]", 2, "non-empty string"),
    ('name = "x"\nseeds = ["a"]\n[graph]\nmin_grade = "Z9"\n', "graph.min_grade", 4, "invalid grade"),
    ('name = "x"\nseeds = ["a"]\n[graph]\nrelations = ["Ownership", "Person"]\n', "graph.relations[1]", 4,
     "FtM relation schema"),
    ('name = "x"\nseeds = ["a"]\n[graph]\nas_of = "last week"\n', "graph.as_of", 4, "ISO date"),
    ('name = "x"\nseeds = ["a"]\n[disruption]\nstrategies = ["flow"]\n', "disruption.strategies[0]", 4,
     "unknown strategy"),
    ('name = "x"\nseeds = ["a"]\n[targeting]\nk = -1\n', "targeting.k", 4, "whole number"),
    ('name = "x"\nseeds = ["a"]\n[rules.relations]\nFamly = 0.5\n', "rules.relations.Famly", 4, "did you mean 'Family'"),
    ('name = "x"\nseeds = ["a"]\n[rules]\nmax_hops = 0\n', "rules.max_hops", 4, "whole number ≥ 1"),
    ('name = "x"\nseeds = ["a"]\n[flows]\nrates = {EUR = 1.1}\n', "flows.rates", 4, "name it with currency"),
    ('name = "x"\nseeds = ["a"]\ncurrency = "USD"\n[flows]\nrevenue = {Family = 5}\n', "flows.revenue.Family", 5,
     "no money direction known"),
    ('name = "x"\nseeds = ["a"]\n[flows]\nmethod = "guess"\n', "flows.method", 4, "expected 'maxflow' or 'paths'"),
    ('name = "x"\nseeds = ["a"]\ncurrency = "dollars"\n', "currency", 3, "three-letter ISO currency code"),
    ('name = "x"\nseeds = ["a"]\nlost_outcomes = ["returnd"]\n', "lost_outcomes[0]", 3, "did you mean 'returned'"),
    ('seeds = ["a"]\n', None, None, "missing name"),
    ('name = "x"\nseeds = ["a"\n', None, 2, "invalid TOML"),
    ('name = "x"\nseeds = ["a"]\nruns = = 3\nseed = 1\n', None, 3, "invalid TOML"),
]


@pytest.mark.parametrize("text, key, line, words", BAD)
def test_a_bad_scenario_names_file_key_line_and_what_was_expected(tmp_path, text, key, line, words):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_file(path)
    error = caught.value
    assert error.path == str(path) and error.key == key and error.line == line
    assert words in str(error) and str(path) in str(error)


def test_yaml_errors_name_the_line_too(tmp_path):
    path = write(tmp_path, "name: x\nseeds: [a]\ndecisions:\n  steps: 4\n  home_arrest_probability: -1\n", "s.yml")
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_file(path)
    assert (caught.value.key, caught.value.line) == ("decisions.home_arrest_probability", 5)
    broken = write(tmp_path, "name: x\nseeds: [a\n", "broken.yaml")
    with pytest.raises(ScenarioError, match="invalid YAML") as caught:
        Scenario.from_file(broken)
    assert caught.value.line is not None


def test_only_toml_and_yaml_files(tmp_path):
    with pytest.raises(ScenarioError, match="expected a .toml, .yaml or .yml file"):
        Scenario.from_file(write(tmp_path, "{}", "scenario.json"))
    with pytest.raises(ScenarioError, match="no such file"):
        Scenario.from_file(tmp_path / "missing.toml")


# -- what only the store can tell --------------------------------------------------------------

@pytest.fixture
def example_store(store):
    import_example(store)
    return store


def test_an_unknown_entity_is_refused_with_file_key_and_line(example_store, tmp_path):
    path = write(tmp_path, 'name = "x"\nseeds = ["ex-jang-song-thaek", "Nobody Atall"]\n')
    with pytest.raises(ScenarioError) as caught:
        check_scenario(example_store, Scenario.from_file(path))  # checked against the store before a run
    assert (caught.value.key, caught.value.line) == ("seeds[1]", 2)
    assert "unknown entity 'Nobody Atall'" in str(caught.value)


def test_an_ambiguous_name_is_refused_with_the_candidates(example_store, tmp_path):
    path = write(tmp_path, 'name = "x"\nseeds = ["Jang Song-thaek"]\nsink = "Trading Co."\n')
    with pytest.raises(ScenarioError) as caught:
        run_scenario(example_store, Scenario.from_file(path))
    message = str(caught.value)
    assert caught.value.key == "sink" and "ambiguous name 'Trading Co.'" in message
    assert "ex-blue-pine-trading (Blue Pine Trading Co., Company)" in message
    assert "ex-northern-lantern-trading" in message and "write the entity id instead" in message


# -- agents and ownership, read off a network ----------------------------------------------------

SMALL_IDS = ["patron", "office", "firm", "ri", "wife", "kim", "acct1", "acct2", "home-clerk", "bureau"]
SMALL_EDGES = [  # (source, target, relation, amount, currency, percentage)
    ("patron", "office", "Directorship", None, None, None),
    ("office", "firm", "Ownership", None, None, 100.0),
    ("ri", "firm", "Directorship", None, None, None),
    ("kim", "firm", "Employment", None, None, None),     # kim: only kp, but works for a firm in cn
    ("ri", "wife", "Family", None, None, None),
    ("ri", "acct1", "UnknownLink", None, None, None),    # ri alone signs acct1
    ("ri", "acct2", "UnknownLink", None, None, None),    # acct2 has two signatories
    ("kim", "acct2", "UnknownLink", None, None, None),
    ("firm", "acct1", "Ownership", None, None, None),    # a company holder is not a signatory
    ("kim", "bureau", "Payment", 300.0, "USD", None),
    ("kim", "bureau", "Payment", 50.0, "EUR", None),
    ("home-clerk", "office", "Employment", None, None, None),
]


def small_network(extra_edges=()) -> NetworkView:
    ids = SMALL_IDS
    schemata = ["Person", "Organization", "Company", "Person", "Person", "Person", "BankAccount", "BankAccount",
                "Person", "Organization"]
    countries = [("kp",), ("kp",), ("cn",), ("kp", "cn"), ("kp",), ("kp",), (), (), ("kp",), ("kp",)]
    edges = SMALL_EDGES + list(extra_edges)
    index = {entity_id: i for i, entity_id in enumerate(ids)}
    nan = float("nan")
    return NetworkView.from_arrays(
        ids, [index[e[0]] for e in edges], [index[e[1]] for e in edges], [e[2] for e in edges],
        captions=[entity_id.title() for entity_id in ids], schemata=schemata, countries=countries,
        amount=[nan if e[3] is None else e[3] for e in edges], currency=[e[4] for e in edges],
        percentage=[nan if e[5] is None else e[5] for e in edges])


def test_agents_are_read_from_the_network_as_documented():
    facts = small_network()
    exposure = {"patron": 1.0, "office": 0.8, "ri": 0.6, "kim": 0.6, "wife": 0.3, "home-clerk": 0.5, "firm": 0.7}
    table = build_agents(facts, exposure, seeds=["patron"], balances={"acct1": (1000.0, "USD"), "acct2": (9e6, "USD")},
                         arrest_squads=["cn"], currency="USD")
    rows = {row["id"]: row for row in table.rows}
    assert list(rows) == ["kim", "ri", "home-clerk", "wife"]  # persons only, not the seed, most exposed first
    assert rows["ri"]["location"] == "cn" and rows["ri"]["family_at_home"] and rows["ri"]["squad_present"] == 1.0
    assert rows["ri"]["funds"] == 1000.0 and [a["id"] for a in rows["ri"]["accounts_alone"]] == ["acct1"]
    assert rows["kim"]["location"] == "cn" and rows["kim"]["posted_at"] == "firm"
    assert rows["kim"]["funds"] == 300.0 and not rows["kim"]["family_at_home"]  # the EUR payment does not count
    assert not rows["home-clerk"]["abroad"] and not rows["wife"]["abroad"]
    agents = table.agents
    assert list(agents.ids) == list(rows) and agents.exposure.tolist() == [0.6, 0.6, 0.5, 0.3]
    peers = agents.peers.toarray()
    # kim and ri share the firm; ri and his wife are linked directly; the clerk shares the office with nobody
    assert peers[0, 1] == peers[1, 0] == 1 and peers[1, 3] == 1 and peers[2].sum() == 0


def test_no_exposed_person_means_no_agents():
    table = build_agents(small_network(), {"office": 0.9, "patron": 1.0}, seeds=["patron"])
    assert table.agents is None and table.rows == []


def test_cyclic_ownership_over_100_percent_is_found():
    assert ownership_problems(small_network()) == []
    # the office, on a cycle with the firm, is held 70 % + 40 %
    cycle = [("firm", "office", "Ownership", None, None, 70.0), ("patron", "office", "Ownership", None, None, 40.0)]
    problems = ownership_problems(small_network(cycle))
    assert len(problems) == 1 and "cyclic ownership over 100 %" in problems[0]
    assert "stakes held in Office (office) add up to 110 %" in problems[0]
    cycle[-1] = ("patron", "office", "Ownership", None, None, 30.0)
    assert ownership_problems(small_network(cycle)) == []
    # each owns all of the next: office 100 % of firm (as given), firm 100 % of office
    outright = [("firm", "office", "Ownership", None, None, 100.0), ("patron", "office", "Ownership", None, None, None)]
    assert "own themselves outright" in ownership_problems(small_network(outright))[0]


# -- runs: saved, listed, reported ------------------------------------------------------------------

HOSTILE = '<script>alert("owned")</script> & Co.'


def hostile_network() -> NetworkView:
    """boss owns firm; p1 (a hostile name) works there and alone signs the firm's account, through which
    750 of the 1,000 the firm receives go to the bureau; the other 250 go straight."""
    ids = ["boss", "p1", "firm", "bank", "bureau", "src"]
    edges = [("boss", "firm", "Ownership", None, 100.0, "own"), ("p1", "firm", "Employment", None, None, "emp"),
             ("p1", "bank", "UnknownLink", None, None, "sign"), ("firm", "bank", "Payment:payerAccount", None, None, "pay1"),
             ("firm", "bureau", "Payment", 750.0, None, "pay1"), ("firm", "bureau", "Payment", 250.0, None, "pay2"),
             ("src", "firm", "Payment", 1000.0, None, "pay3")]
    index = {x: i for i, x in enumerate(ids)}
    nan = float("nan")
    return NetworkView.from_arrays(
        ids, [index[e[0]] for e in edges], [index[e[1]] for e in edges], [e[2] for e in edges],
        captions=["The Boss", HOSTILE, "Firm", "Acct", "Bureau", "Source Co"],
        schemata=["Person", "Person", "Company", "BankAccount", "Organization", "Company"],
        countries=[("kp",), ("kp", "cn"), ("cn",), (), ("kp",), ("cn",)], grade=["B2"] * len(edges),
        amount=[nan if e[3] is None else e[3] for e in edges], currency=["USD" if e[3] else None for e in edges],
        percentage=[nan if e[4] is None else e[4] for e in edges], edge_ids=[e[5] for e in edges])


def a_run(seed: int = 3) -> ScenarioRun:
    """A run's data as the runner writes it: a real purge, Monte Carlo and flows on a hostile-named network."""
    from moneymen.analysis.flow_graph import FlowSettings
    from moneymen.analysis.flows import money_flows
    from moneymen.analysis.purge import purge_impact
    from moneymen.services.scenarios import _subnetwork

    view = hostile_network()
    impact = purge_impact(view, ["boss"])
    agents = Agents(exposure=[0.9, 0.5, 0.4], abroad=[True, True, False], family_at_home=[False, True, True],
                    funds=[2e5, 0, 0], squad_present=[1, 0, 0], ids=["p1", "p2", "p3"])
    decisions = simulate_decisions(agents, runs=500, seed=seed)
    flows = money_flows(view, "bureau", removed=["boss", "p1"], settings=FlowSettings(currency="USD"))
    text = 'name = "Hand-made"\nseeds = ["boss"]\n'
    results = jsonable({
        "scenario": {"name": "Hand-made", "description": "made by hand", "file": "hand.toml",
                     "graph": {"datasets": ["mine"]}, "currency": "USD", "removal_threshold": 0.5},
        "graph": view.summary(),
        "seeds": [{"id": "boss", "caption": "The Boss", "schema": "Person"}],
        "sink": {"id": "bureau", "caption": "Bureau", "schema": "Organization"},
        "exposure": {"count": len(impact.exposed), **impact.to_dict()},
        "subnetwork": _subnetwork(view, impact, "bureau"),
        "agents": [{"id": "p1", "caption": HOSTILE, "exposure": 0.9, "location": "cn", "family_at_home": False,
                    "squad_present": 1.0, "funds": 2e5, "outcomes": decisions.agent("p1"), "p_lost": 0.7}],
        "decisions": decisions.to_dict(inputs=False),
        "removed": {"rule": "seeds, and agents with P(captured or defected) >= 0.5", "seeds": ["boss"], "agents": ["p1"]},
        "flows": flows.to_dict(),
        "disruption": [{"strategy": "degree", "mode": "sequential", "steps": [
            {"step": 0, "removed": [], "captions": [], "lcc_size": 5, "lcc_fraction": 1.0},
            {"step": 1, "removed": ["firm"], "captions": ["Firm"], "lcc_size": 2, "lcc_fraction": 0.4}]}],
    })
    import hashlib

    provenance = RunProvenance(name="Hand-made", scenario_text=text, sha256=hashlib.sha256(text.encode()).hexdigest(),
                               version="test", seed=seed, runs=500, started_at="2024-01-01T00:00:00Z",
                               finished_at="2024-01-01T00:00:05Z")
    return ScenarioRun(provenance, ScenarioResults.from_dict(results))


def test_runs_are_saved_listed_and_read_back_after_reopening(db_path):
    first, second = a_run(3), a_run(4)
    with open_store(db_path) as store:
        assert store.scenario_runs() == []
        assert save_run(store, first) == 1 and save_run(store, second) == 2
    with open_store(db_path) as store:
        listed = store.scenario_runs()
        assert [(r.id, r.provenance.name, r.provenance.seed, r.provenance.runs) for r in listed] == [
            (1, "Hand-made", 3, 500), (2, "Hand-made", 4, 500)]
        again = load_run(store, 1)
        assert load_run(store, 3) is None
    assert again is not None and again.to_dict() == first.to_dict()
    assert again.results.decisions is not None and again.results.decisions["seed"] == 3


def test_scenario_list_and_show_commands(db_path, tmp_path):
    with open_store(db_path) as store:
        save_run(store, a_run())
    listed = run_cli("scenario", "list", db=db_path)
    assert listed.returncode == 0 and "1 saved scenario runs" in listed.stdout and "Hand-made" in listed.stdout
    report = tmp_path / "again.html"
    shown = run_cli("scenario", "show", "1", "--report", str(report), db=db_path)
    assert shown.returncode == 0, shown.stderr
    out = " ".join(shown.stdout.split())
    assert "Scenario run #1: Hand-made" in out and "Flow to Bureau: 1,000 → 250 USD (-75%)" in out
    assert re.search(r"Orphaned accounts: 1 .*│ Acct │ " + re.escape(HOSTILE) + " │", out), out
    assert HOSTILE in out, "rich markup in names is printed as text"
    assert f"Report: {report}" in out and report.is_file()
    as_json = json.loads(run_cli("scenario", "show", "1", "--json", db=db_path).stdout)
    assert as_json["id"] == 1 and as_json["flows"]["flow_after"] == 250.0
    missing = run_cli("scenario", "show", "9", db=db_path)
    assert missing.returncode == 1 and "no scenario run 9" in missing.stderr


def test_the_report_is_one_self_contained_file_that_escapes_hostile_names(tmp_path):
    run = a_run()
    run.id = 12
    path = write_report(run, tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    page = lxml.html.fromstring(html)
    assert page.xpath("//script") == [], "a name must never become a script"
    assert "<script>alert" not in html and str(escape(HOSTILE)) in html  # &lt;script&gt;alert(&#34;owned&#34;)…
    assert HOSTILE in page.text_content()
    assert not page.xpath("//*[@src or (@href and not(starts-with(@href, '#')))]"), "no outside resources"
    drawings = page.xpath("//svg[starts-with(@aria-label, 'Exposed subnetwork')]")
    assert len(drawings) == 1
    assert len(drawings[0].xpath(".//circle[@r and @fill!='none']")) >= 5  # five nodes (and the legend)
    assert any(text.text == "Employment" for text in drawings[0].iter("text"))
    titles = [title.text for title in page.xpath("//svg/title")]
    assert {"returned", "captured", "defected with funds", "Flow to the sink (USD)", "Disruption curves"} <= set(titles)
    assert "Agents in each state, week by week (mean over runs)" in titles
    headings = [h.text_content() for h in page.xpath("//h2")]
    assert headings[:2] == ["Summary", "The exposed network"] and headings[-1] == "Provenance"
    assert run.provenance.sha256 in page.text_content() and 'seeds = ["boss"]' in page.text_content()


def test_the_report_writes_its_tables_as_csv_safe_from_spreadsheet_formulas(tmp_path):
    import csv

    run = a_run()
    formula = '=HYPERLINK("http://example.com/x","click")'
    assert run.results.flows is not None and run.results.decisions is not None
    run.results.exposure["exposed"][0]["caption"] = formula
    run.results.flows["orphaned_accounts"][0]["holder_captions"] = ["@SUM(A1:A9)", "+1-2"]
    run.results.agents[0]["caption"] = "-cmd|' /C calc'!A0"
    path = write_report(run, tmp_path / "hand.html")
    folder = tmp_path / "hand-csv"
    assert path.is_file() and sorted(p.name for p in folder.iterdir()) == [
        "agents.csv", "exposed.csv", "flows_severed.csv", "orphaned_accounts.csv", "outcomes.csv"]

    def read(name):
        with open(folder / name, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    exposed = read("exposed.csv")
    assert len(exposed) == run.results.exposure["count"]
    assert exposed[0]["entity"] == "'" + formula  # a leading apostrophe: text, not a formula
    assert float(exposed[0]["exposure"]) == pytest.approx(run.results.exposure["exposed"][0]["score"])
    assert exposed[0]["hops"] == "1" and exposed[0]["path"].startswith("The Boss — Ownership → ")
    assert read("orphaned_accounts.csv")[0]["holders"] == "'@SUM(A1:A9); +1-2"
    assert read("agents.csv")[0]["person"] == "'-cmd|' /C calc'!A0"
    outcomes = {row["measure"]: row for row in read("outcomes.csv")}
    defectors = run.results.decisions["counts"]["defectors"]
    assert float(outcomes["defectors"]["mean"]) == pytest.approx(defectors["mean"])
    assert [float(outcomes["defectors"][q]) for q in ("p5", "p95")] == defectors["interval_90"]
    severed = read("flows_severed.csv")
    assert {row["entity_id"] for row in severed} == {"boss", "p1"} and severed[0]["currency"] == "USD"
    assert not any(p.name.endswith(".part") for p in tmp_path.rglob("*")), "no temporary file is left behind"


def test_scenario_run_prints_where_its_csv_tables_are(db_path, tmp_path):
    with open_store(db_path) as store:
        save_run(store, a_run())
    report = tmp_path / "out" / "again.html"
    shown = run_cli("scenario", "show", "1", "--report", str(report), db=db_path)
    out = " ".join(shown.stdout.split())
    assert f"Tables (CSV): {tmp_path / 'out' / 'again-csv'} Report: {report}" in out
    assert (tmp_path / "out" / "again-csv" / "exposed.csv").is_file()


def test_high_impact_entities_on_no_imported_list_are_flagged():
    from moneymen.services.scenarios import unsanctioned_step

    view = hostile_network()
    view.programs = [("DPRK3",), (), (), (), (), ()]  # the boss is listed; nobody else
    results = {
        "seeds": [{"id": "src"}],
        "targets": {"table": [{"strategy": "interdiction", "entities": ["firm", "boss"]},
                              {"strategy": "degree", "entities": ["bureau"]}]},
        "exposure": {"exposed": [{"entity_id": "src"}, {"entity_id": "p1"}, {"entity_id": "firm"}]},
        "key_persons": {"articulation_points": [{"label": "firm"}], "brokers": [{"label": "boss"}],
                        "sole_controllers": [{"id": "p1"}]},
    }
    flagged = unsanctioned_step(view, ScenarioResults.from_dict(results))
    assert flagged["checked"] == 3 and flagged["listed_in_network"] == 1  # firm, boss, p1; not the seed nor degree's pick
    assert [(row["id"], row["why"]) for row in flagged["entities"]] == [
        ("firm", ["best designation", "most exposed", "articulation point"]),
        ("p1", ["most exposed", "sole controller"]),
    ]
    assert flagged["entities"][1]["caption"] == HOSTILE


def test_the_same_run_data_gives_the_same_report():
    assert render_report(a_run(5)) == render_report(a_run(5))
    assert render_report(a_run(5)) != render_report(a_run(6))


# -- disruption curves from an edge list ------------------------------------------------------------

def star(tmp_path: Path, weights: bool = False) -> Path:
    leaves = ["a", "b", "c", "d", "e"]
    lines = ["source,target" + (",weight" if weights else "")]
    lines += [f"hub,{leaf}" + (",2" if weights else "") for leaf in leaves]
    path = tmp_path / "star.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_disrupt_a_star_by_degree_leaves_one_node_in_six(tmp_path):
    result = run_cli("disrupt", str(star(tmp_path)), "--strategy", "degree", "--steps", "2", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"step": 0, "removed": [], "lcc_size": 6, "lcc_fraction": 1.0},
        {"step": 1, "removed": ["hub"], "lcc_size": 1, "lcc_fraction": 1 / 6},
        {"step": 2, "removed": ["a"], "lcc_size": 1, "lcc_fraction": 1 / 6},  # ties: first in the file
    ]


def test_disrupt_prints_a_table_and_draws_the_curve(tmp_path):
    plot = tmp_path / "curve.svg"
    result = run_cli("disrupt", str(star(tmp_path, weights=True)), "--weighted", "--strategy", "betweenness",
                     "--steps", "1", "--block", "--plot", str(plot))
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "removal by betweenness (block)" in out and "│ 1 │ hub │ 1 │ 0.167 │" in out
    svg = lxml.etree.parse(str(plot)).getroot()
    assert svg.tag.endswith("svg") and svg.find("{http://www.w3.org/2000/svg}polyline") is not None


MALFORMED = [
    ("source,target\nhub,a\nhub\n", 3, "expected 2 values (source,target), found 1"),
    ("from,to\nhub,a\n", 1, "expected the header source,target"),
    ("source,target,weight\nhub,a,-3\n", 2, "must be a finite number ≥ 0"),
    ("source,target,weight\nhub,a,heavy\n", 2, "is not a number"),
    ("source,target\n,a\n", 2, "empty node name"),
    ("source,target\n", None, "no edges"),
    ('source,target\n"hub,a\n', 2, "expected 2 values (source,target), found 1"),  # an unclosed quote
]


@pytest.mark.parametrize("content, line, words", MALFORMED)
def test_a_malformed_edge_list_is_refused_with_file_and_line(tmp_path, content, line, words):
    from moneymen.sources.base import SourceError
    from moneymen.sources.edgelist import read_edge_list

    path = tmp_path / "edges.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_edge_list(path)
    where = f"{path}, line {line}:" if line else f"{path}:"
    assert str(caught.value).startswith(where) and words in str(caught.value)


def test_disrupt_names_file_and_line_of_a_malformed_edge_list(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("source,target\nhub,a\nhub,b,c\n", encoding="utf-8")
    result = run_cli("disrupt", str(path), "--strategy", "degree", "--steps", "1")
    assert result.returncode == 1 and result.stdout == ""
    assert f"{path}, line 3: expected 2 values (source,target), found 3" in " ".join(result.stderr.split())


def test_disrupt_refuses_what_it_cannot_do(tmp_path):
    edges = star(tmp_path)
    weighted = run_cli("disrupt", str(edges), "--weighted", "--strategy", "degree", "--steps", "1")
    assert weighted.returncode == 1 and "--weighted needs a third column" in weighted.stderr
    flow = run_cli("disrupt", str(edges), "--strategy", "flow", "--steps", "1")
    assert flow.returncode == 1 and "needs --source NODE and --sink NODE" in flow.stderr
    unknown = run_cli("disrupt", str(edges), "--strategy", "pagerank", "--steps", "1")
    assert unknown.returncode == 1 and "unknown strategy 'pagerank'" in unknown.stderr


def test_disrupt_by_flow_between_named_nodes(tmp_path):
    path = tmp_path / "flow.csv"
    path.write_text("source,target,weight\ns,x,5\nx,t,5\ns,y,1\ny,t,1\n", encoding="utf-8")
    result = run_cli("disrupt", str(path), "--weighted", "--strategy", "flow", "--source", "s", "--sink", "t",
                     "--steps", "1", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[1]["removed"] == ["x"]  # x carries 5 of the 6


def test_scenario_compare_puts_two_runs_side_by_side(db_path):
    with open_store(db_path) as store:
        save_run(store, a_run(3))
        second = a_run(4)
        second.results.flows["flow_after"] = 400.0
        save_run(store, second)
    result = run_cli("scenario", "compare", "1", "2", db=db_path)
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "Run #1 (Hand-made) against run #2 (Hand-made)" in out
    assert "│ flow after │ 250 │ 400 │ +150 │" in out and "│ orphaned accounts │ 1 │ 1 │ 0 │" in out
    assert "Same: scenario text, inputs (network, agents, settings), runs, moneymen version. Different: seed." in out
    data = json.loads(run_cli("scenario", "compare", "1", "2", "--json", db=db_path).stdout)
    assert data["same"]["seed"] is False and data["same"]["scenario_sha256"] is True


def test_the_examples_in_the_scenario_docs_read():
    import re

    text = (Path(__file__).resolve().parents[1] / "docs" / "scenarios.md").read_text(encoding="utf-8")
    tomls = re.findall(r"```toml\n(.*?)```", text, re.S)
    yamls = re.findall(r"```yaml\n(.*?)```", text, re.S)
    assert tomls and yamls
    for block in tomls:
        assert Scenario.from_text(block).flows.revenue == {"Employment": 50000.0}
    for block in yamls:
        assert Scenario.from_text(block, format="yaml").rules.max_hops == 3
