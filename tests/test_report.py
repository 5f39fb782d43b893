"""The HTML report of a scenario run, as a reader sees it: numbers under their headers, identifiers
written as identifiers, the settings the run used, a summary and a contents list, a network drawing
whose arrows, amounts and marks say what happened, and hostile names shown as text everywhere."""

from __future__ import annotations

import re

import lxml.html
import pytest

from moneymen.analysis.scenario import Scenario
from moneymen.data import example_scenario_path
from moneymen.analysis.results import ScenarioRun
from moneymen.report import render_report
from moneymen.services.demo import import_example
from moneymen.services.scenario_runs import save_run
from moneymen.services.scenarios import run_scenario
from moneymen.store import open_store

from test_scenarios import HOSTILE, a_run

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    """The demo's scenario on the example network, run with 200 runs where its file says 2000."""
    db = tmp_path_factory.mktemp("report") / "example.duckdb"
    with open_store(db) as store:
        import_example(store)
        run = run_scenario(store, Scenario.from_file(example_scenario_path()).with_overrides(runs=200))
        save_run(store, run)
    return run.to_dict()


def page_of(run: dict) -> lxml.html.HtmlElement:
    """The report of a run's JSON (``ScenarioRun.to_dict()``), read back as the CLI's --json prints it."""
    return lxml.html.fromstring(render_report(ScenarioRun.from_dict(run)))


def columns(table) -> dict[str, list]:
    """A table's cells by header: {header words: [td, ...]} (each td keeps its class)."""
    headers = [th.text_content() for th in table.xpath("./thead/tr/th")]
    rows = [row.xpath("./td") for row in table.xpath("./tbody/tr")]
    assert all(len(row) == len(headers) for row in rows), "every row has a cell under every header"
    return {header: [row[i] for row in rows] for i, header in enumerate(headers)}


def definitions(table) -> dict[str, str]:
    """A two-column table of names and values as {name: value}."""
    names, values = columns(table).values()
    return {name.text_content(): value.text_content() for name, value in zip(names, values)}


def number(cell) -> float:
    return float(cell.text_content().replace(",", "").rstrip("%"))


def test_numbers_sit_under_their_headers_aligned_as_their_header(example_run):
    page = page_of(example_run)
    over = page.xpath("//h3[.='Over the runs: flow after and accounts orphaned']/following-sibling::table[1]")[0]
    cells = columns(over)
    flow_after = example_run["flows_over_runs"]["flow_after"]
    assert cells["measure"][0].text_content() == "flow after (USD)"
    assert number(cells["mean"][0]) == pytest.approx(flow_after["mean"], rel=1e-3)
    assert number(cells["5 %"][0]) == pytest.approx(flow_after["interval_90"][0])
    assert number(cells["95 %"][0]) == pytest.approx(flow_after["interval_90"][1])
    # a column of numbers is right-aligned, header and cells alike, so that a number stands under its header
    for table in page.xpath("//table"):
        for th, column in zip(table.xpath("./thead/tr/th"), columns(table).values()):
            assert {"n" in (td.get("class") or "") for td in column} <= {"n" in (th.get("class") or "")}, \
                f"{th.text_content()!r} is aligned unlike its cells"
    mean_header = over.xpath("./thead/tr/th[.='mean']")[0]
    assert mean_header.get("class") == "n"


def test_the_seed_is_written_as_an_identifier(example_run):
    page = page_of(example_run)
    facts = definitions(page.xpath("//h2[.='Provenance']/following-sibling::table[1]")[0])
    assert facts["seed"] == "20131212" and facts["run"] == str(example_run["id"])
    assert "20,131,212" not in page.text_content()
    monte_carlo = page.xpath("//h2[starts-with(., 'What the exposed do')]/following-sibling::p[1]")[0]
    stage_seed = example_run["decisions"]["seed"]
    assert stage_seed != 20131212, "the Monte Carlo draws from its own seed, spawned from the run's"
    assert f"seed {stage_seed} (spawned from the run's seed" in monte_carlo.text_content()
    assert f"{stage_seed:,}" not in page.text_content() or stage_seed < 1000


def test_the_report_shows_the_runs_the_run_used_not_the_files(example_run):
    page = page_of(example_run)
    text = page.xpath("//pre")[0].text_content()
    assert not re.search(r"^runs = 2000", text, re.M), "the file's runs, not the run's"
    assert re.search(r"^runs = 200  # used in this run; the file says 2000$", text, re.M)
    assert re.search(r"^seed = 20131212$", text, re.M)  # as the file says: not overridden
    settings = definitions(page.xpath("//h3[.='The settings used']/following-sibling::table[1]")[0])
    assert settings["runs"] == "200" and settings["steps (weeks)"] == "26"
    monte_carlo = page.xpath("//h2[starts-with(., 'What the exposed do')]/following-sibling::p[1]")[0]
    assert "200 runs of 26 steps" in monte_carlo.text_content()


def test_a_summary_says_who_was_purged_who_is_exposed_and_what_is_lost(example_run):
    page = page_of(example_run)
    headings = [h2.text_content() for h2 in page.xpath("//h2")]
    assert headings[:2] == ["Summary", "The exposed network"]
    summary = " ".join(page.xpath("//section[@id='summary']")[0].text_content().split())
    flows = example_run["flows"]
    assert "The scenario purges Jang Song-thaek." in summary
    assert f"{example_run['exposure']['count']} entities are exposed" in summary
    assert f"and the {len(flows['orphaned_accounts'])} accounts only they knew are orphaned" in summary
    assert f"falls from 5,200,000 to {flows['flow_after']:,.0f} USD: {flows['lost_share']:.1%} of the flow is lost" in summary
    counts = example_run["decisions"]["counts"]
    likeliest = max(("returned", "hidden", "defected", "captured", "undecided"), key=lambda name: counts[name]["mean"])
    assert likeliest == "returned" and "the likeliest outcomes for the 14 exposed persons are: returned (" in summary


def test_the_contents_list_links_to_every_section(example_run):
    page = page_of(example_run)
    links = page.xpath("//nav[@class='contents']//a")
    targets = [link.get("href") for link in links]
    assert targets and all(target.startswith("#") for target in targets)
    for link in links:
        section = page.get_element_by_id(link.get("href")[1:])
        assert section.tag == "section" and section.xpath("./h2")[0].text_content() == link.text_content()
    listed = {target[1:] for target in targets}
    assert listed == {section.get("id") for section in page.xpath("//section[h2]")} - {"summary"}
    assert {"network", "decisions", "flows", "provenance"} <= listed


def drawing(page):
    return page.xpath("//svg[starts-with(@aria-label, 'Exposed subnetwork')]")[0]


def test_directed_relations_end_in_an_arrow_at_their_target():
    svg = drawing(page_of(a_run().to_dict()))
    markers = {marker.get("id") for marker in svg.iter(f"{SVG}marker", "marker")}
    assert {"mm-arrow", "mm-arrow-money"} <= markers
    paths = {path.get("data-relation"): path for path in svg.iter(f"{SVG}path", "path") if path.get("data-relation")}
    ownership = paths["Ownership"]  # the boss owns the firm: the arrow runs from the boss to the firm
    assert ownership.get("marker-end") == "url(#mm-arrow)"
    boss = svg.xpath(".//*[@data-id='boss']/*[local-name()='circle']")[-1]
    start = re.match(r"M([\d.]+),([\d.]+)", ownership.get("d"))
    assert (float(start.group(1)), float(start.group(2))) == (float(boss.get("cx")), float(boss.get("cy")))
    assert paths["Payment"].get("marker-end") == "url(#mm-arrow-money)"
    assert paths["UnknownLink"].get("marker-end") is None  # FtM: an unknown link has no direction


def test_the_drawing_marks_the_purged_and_the_removed_and_writes_payments_and_names_in_full():
    run = a_run().to_dict()
    svg = drawing(page_of(run))
    status = {node.get("data-id"): node.get("data-status") for node in svg.xpath(".//*[@class='node']")}
    assert status["boss"] == "purged (seed)" and status["p1"] == "lost in the scenario (removed)"
    assert status["bank"] == "orphaned account" and status["bureau"] == "the sink" and status["src"] is None
    labels = [text.text_content() for text in svg.xpath(".//*[@class='edge-labels']/*")]
    assert "Payment 750 USD" in labels and "Payment 250 USD" in labels  # two payments between one pair, both read
    captions = [" ".join(span.text for span in text) for text in svg.xpath(".//*[@class='captions']/*")]
    assert HOSTILE in captions, "a long name is wrapped, not cut"


def test_a_flow_after_of_few_values_is_drawn_as_one_labelled_bar_per_value(example_run):
    page = page_of(example_run)
    over = example_run["flows_over_runs"]
    chart = page.xpath("//svg[title='Flow to the sink after the purge (USD)']")[0]
    notes = [text.text_content() for text in chart.iter(f"{SVG}text", "text") if "runs (" in (text.text_content())]
    counts = [count for count in over["flow_after"]["histogram"]["counts"] if count]
    assert [int(note.split()[0].replace(",", "")) for note in notes] == counts
    assert sum(counts) == over["runs_sampled"]


def test_hostile_values_are_text_everywhere_in_html_and_svg():
    run = a_run().to_dict()
    run["name"] = HOSTILE
    run["flows"]["currency"] = HOSTILE  # in chart titles
    run["subnetwork"]["nodes"][0]["schema"] = HOSTILE  # in the drawing's legend and a node's tooltip
    run["subnetwork"]["edges"][0]["relation"] = HOSTILE  # an edge's label, tooltip and attribute
    run["scenario_text"] = HOSTILE
    html = render_report(ScenarioRun.from_dict(run))
    page = lxml.html.fromstring(html)
    assert "<script" not in html and not page.xpath("//script")
    assert not [name for element in page.iter() if isinstance(element.tag, str) for name in element.attrib
                if name.lower().startswith("on")], "no quote in a value opens an attribute"
    assert page.xpath("//title")[0].text_content().endswith(HOSTILE)
    assert page.xpath("//h1")[0].text_content().endswith(HOSTILE)
    svg_titles = [title.text_content() for title in page.xpath("//svg/title")]
    assert f"Flow to the sink ({HOSTILE})" in svg_titles
    assert any(HOSTILE in svg.get("aria-label") for svg in page.xpath("//svg"))  # in an attribute, quotes and all
    svg = drawing(page)
    texts = [text.text_content() for text in svg.iter(f"{SVG}text", "text")]
    assert texts.count(HOSTILE) >= 2  # the schema in the legend, the relation on its line
    assert any(HOSTILE in title.text_content() for title in svg.iter(f"{SVG}title", "title"))
    assert page.xpath("//pre")[0].text_content().startswith(HOSTILE)
