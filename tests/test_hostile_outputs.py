"""Outputs that attack their readers: names from hostile lists, written out by the real commands.

A list can name an entity ``=HYPERLINK("http://evil/","x")`` or put a NUL in it. Whatever we write
must not run as a formula in the spreadsheet that opens our CSV, must stay XML that Gephi or
yEd can read, and a scenario run's inputs digest must change when such a name changes.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree

from moneymen.services.scenarios import run_scenario
from moneymen.analysis.scenario import Scenario
from moneymen.files import FORMULA_STARTS, SafeCsvWriter, safe_cell
from moneymen.graph.export import export
from moneymen.services.imports import import_file
from moneymen.store import open_store

from conftest import run_cli

HYPERLINK = '=HYPERLINK("http://evil/","x")'
FORMULAS = [HYPERLINK, "@SUM(A1:A9)", "+cmd|' /C calc'!A0", "-2+3"]


def write_ftm(path: Path, lines: list[dict]) -> Path:
    """``lines`` as an FtM JSON lines file."""
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def hostile_store(store, tmp_path: Path) -> None:
    """A store whose people carry formula names, tied to one another so they make a network."""
    lines = [{"id": f"p{i}", "schema": "Person", "properties": {"name": [name], "notes": [name]}}
             for i, name in enumerate(FORMULAS)]
    lines.append({"id": "p-kim", "schema": "Person", "properties": {"name": ["-Kim Chol Ung"], "country": ["kp"]}})
    lines.append({"id": "rel-1", "schema": "Associate",
                  "properties": {"person": ["p0"], "associate": ["p1"], "relationship": ["@partner"]}})
    import_file(store, write_ftm(tmp_path / "hostile.jsonl", lines), format="ftm", dataset="hostile")


def read_cells(path: Path) -> list[list[str]]:
    """Every row of a CSV file, header included, as the csv module reads it."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def formula_cells(rows: list[list[str]]) -> list[str]:
    """The cells a spreadsheet would read as formulas."""
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


def test_the_statements_csv_export_writes_no_formula(store, db_path, tmp_path):
    hostile_store(store, tmp_path)
    store.close()
    out = tmp_path / "statements.csv"
    result = run_cli("export", "--format", "csv", "-o", str(out), db=db_path)
    assert result.returncode == 0, result.stderr
    rows = read_cells(out)
    assert formula_cells(rows) == []
    values = [row[3] for row in rows[1:]]
    assert "'" + HYPERLINK in values and "'-2+3" in values and "'@partner" in values  # kept, made inert


def test_batch_screening_guards_the_results_and_the_echoed_input(store, db_path, tmp_path):
    hostile_store(store, tmp_path)
    store.close()
    source = tmp_path / "counterparties.csv"
    source.write_text('ref,name,@note\n=1+1,Kim Chol Ung,"+cmd|\' /C calc\'!A0"\n-7,"\tnobody",\r\n',
                      encoding="utf-8")
    out = tmp_path / "results.csv"
    result = run_cli("screen", "--input", str(source), "-o", str(out), db=db_path)
    assert result.returncode == 0, result.stderr
    rows = read_cells(out)
    assert formula_cells(rows) == []
    header = rows[0]
    assert header[:3] == ["ref", "name", "'@note"]
    matched = [dict(zip(header, row)) for row in rows[1:] if row[header.index("entity_id")] == "p-kim"]
    assert matched and matched[0]["entity_name"] == "'-Kim Chol Ung" and matched[0]["ref"] == "'=1+1"
    assert matched[0]["'@note"] == "'+cmd|' /C calc'!A0"


def test_match_pairs_guards_every_cell(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f'left,right,label\n"{HYPERLINK.replace(chr(34), chr(34) * 2)}",x,@yes\n'
                     '-2+3,+3,"\tno"\nKim Jong Un,Kim Jong Un,=TRUE()\n', encoding="utf-8")
    out = tmp_path / "scored.csv"
    result = run_cli("match-pairs", str(pairs), "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = read_cells(out)
    assert formula_cells(rows) == []
    assert rows[1][:3] == ["'" + HYPERLINK, "x", "'@yes"] and rows[2][:3] == ["'-2+3", "'+3", "'\tno"]
    assert rows[3][-1] == "true"


def test_csv_cells_keep_numbers_as_numbers_and_guard_text():
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow([-0.5, -3, "-0.5", "\rx", None, True, ["=a", "b"]])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["-0.5", "-3", "'-0.5", "'\rx", "", "yes", "'=a; b"]
    assert safe_cell(-0.5) == -0.5 and safe_cell("plain") == "plain"


CONTROL = [
    {"id": "p-nul", "schema": "Person", "properties": {"name": ["Kim\x00Chol"]}},
    {"id": "p-bel", "schema": "Person", "properties": {"name": ["Ri\x07Song"], "country": ["kp"]}},
    {"id": "p-nonchar", "schema": "Person", "properties": {"name": ["Pak\uffffSun"]}},
    {"id": "o-1", "schema": "Associate",
     "properties": {"person": ["p-nul"], "associate": ["p-bel"], "relationship": ["cousin\x1b[31m"]}},
]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_exports_clean_what_xml_cannot_hold_and_say_which_entities(store, db_path, tmp_path, fmt):
    import_file(store, write_ftm(tmp_path / "control.jsonl", CONTROL), format="ftm", dataset="control")
    store.close()
    out = tmp_path / f"network.{fmt}"
    result = run_cli("export", "--format", fmt, "-o", str(out), db=db_path)
    assert result.returncode == 0, result.stderr
    etree.parse(str(out))  # well-formed XML 1.0: lxml refuses a NUL or a BEL
    graph = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    assert graph.nodes["p-nul"]["label"] == "Kim\ufffdChol" and graph.nodes["p-bel"]["label"] == "Ri\ufffdSong"
    assert graph.nodes["p-nonchar"]["label"] == "Pak\ufffdSun"
    assert [data["relationship"] for _, _, data in graph.edges(data=True)] == ["cousin\ufffd[31m"]
    warning = " ".join(result.stderr.split())
    assert "warning:" in warning and "4 values" in warning
    assert "'p-nul' (label)" in warning and "'p-bel' (label)" in warning and "'o-1' (relationship)" in warning


def test_every_network_export_stays_readable_with_control_characters(store, tmp_path):
    import_file(store, write_ftm(tmp_path / "control.jsonl", CONTROL), format="ftm", dataset="control")
    cleaned: list[tuple[str, str]] = []
    assert export(store, "gexf", tmp_path / "n.gexf", cleaned=cleaned) == 3
    assert sorted(cleaned) == [("o-1", "relationship"), ("p-bel", "label"), ("p-nonchar", "label"), ("p-nul", "label")]
    nx.read_gexf(tmp_path / "n.gexf")
    export(store, "graphml", tmp_path / "n.graphml")
    nx.read_graphml(tmp_path / "n.graphml")
    # JSON escapes control characters itself: these exports keep the names as they are
    export(store, "cytoscape", tmp_path / "n.json")
    nodes = json.loads((tmp_path / "n.json").read_text(encoding="utf-8"))["elements"]["nodes"]
    assert {node["data"]["label"] for node in nodes} == {"Kim\x00Chol", "Ri\x07Song", "Pak\uffffSun"}
    export(store, "ftm", tmp_path / "n.jsonl")
    records = [json.loads(line) for line in (tmp_path / "n.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {record["caption"] for record in records if record["schema"] == "Person"} == \
        {"Kim\x00Chol", "Ri\x07Song", "Pak\uffffSun"}


def test_a_cleaned_entity_id_never_merges_two_nodes(store, tmp_path):
    lines = [{"id": "p\x07x", "schema": "Person", "properties": {"name": ["Bell"]}},
             {"id": "p\ufffdx", "schema": "Person", "properties": {"name": ["Replacement"]}},
             {"id": "a-1", "schema": "Associate", "properties": {"person": ["p\x07x"], "associate": ["p\ufffdx"]}}]
    import_file(store, write_ftm(tmp_path / "ids.jsonl", lines), format="ftm", dataset="ids")
    cleaned: list[tuple[str, str]] = []
    export(store, "graphml", tmp_path / "ids.graphml", cleaned=cleaned)
    graph = nx.read_graphml(tmp_path / "ids.graphml")
    assert sorted(data["label"] for _, data in graph.nodes(data=True)) == ["Bell", "Replacement"]
    assert graph.number_of_edges() == 1 and ("p\x07x", "id") in cleaned


def run_named(tmp_path: Path, folder: str, boss: str):
    """A scenario run on a small network whose purged patron is called ``boss``."""
    lines = [
        {"id": "p-boss", "schema": "Person", "properties": {"name": [boss], "country": ["kp"]}},
        {"id": "p-aide", "schema": "Person", "properties": {"name": ["Ri Aide"], "country": ["cn"]}},
        {"id": "p-wife", "schema": "Person", "properties": {"name": ["Kim Wife"], "country": ["kp"]}},
        {"id": "c-1", "schema": "Company", "properties": {"name": ["Pine Trading"], "country": ["cn"]}},
        {"id": "e-1", "schema": "Employment", "properties": {"employer": ["c-1"], "employee": ["p-aide"]}},
        {"id": "d-1", "schema": "Directorship", "properties": {"director": ["p-boss"], "organization": ["c-1"]}},
        {"id": "f-1", "schema": "Family", "properties": {"person": ["p-aide"], "relative": ["p-wife"]}},
    ]
    base = tmp_path / folder
    base.mkdir()
    scenario = tmp_path / "purge.toml"  # one file for every run: its path is among the settings digested
    scenario.write_text(textwrap.dedent("""\
        name = "purge"
        seeds = ["p-boss"]
        runs = 50
        [graph]
        datasets = ["net"]
        """), encoding="utf-8")
    with open_store(base / "net.duckdb") as store:
        import_file(store, write_ftm(base / "net.jsonl", lines), format="ftm", dataset="net")
        return run_scenario(store, Scenario.from_file(scenario))


def test_the_inputs_digest_covers_the_names(tmp_path):
    first = run_named(tmp_path, "a", "Jang Song-thaek")
    again = run_named(tmp_path, "b", "Jang Song-thaek")
    renamed = run_named(tmp_path, "c", '=HYPERLINK("http://evil/","Jang")')
    assert first.results.inputs_sha256 == again.results.inputs_sha256  # deterministic
    # same ids, schemata, countries and edges: the graph digest alone cannot tell them apart ...
    assert first.results.graph["sha256"] == renamed.results.graph["sha256"]
    assert first.results.seeds[0]["caption"] != renamed.results.seeds[0]["caption"]
    # ... but what the run saw differs, and so does its inputs digest
    assert first.results.inputs_sha256 != renamed.results.inputs_sha256
