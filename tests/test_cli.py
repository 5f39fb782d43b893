"""The CLI as a user runs it: the demo, search, show, export."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from collections import Counter

import networkx as nx
import pytest

from conftest import run_cli
from moneymen.graph.view import PROPERTY_EDGES


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    result = run_cli("demo", db=db)
    assert result.returncode == 0, result.stderr
    return db, " ".join(result.stdout.split())


def count(text: str, label: str) -> int:
    match = re.search(rf"│ {label}\s+│\s+([\d,]+) │\s+([\d,]+) │\s+([\d,]+) │", text)
    assert match, f"no row {label!r}"
    return int(match.group(3).replace(",", ""))


def test_demo_imports_both_bundled_lists_and_summarises(demo_db):
    _, out = demo_db
    assert "into us_ofac_sdn: " in out and "into un_sc: " in out
    assert "into moneymen_example: 73 entities" in out
    # columns: the example network, UN, OFAC, all. OFAC 2024-05-03 DPRK programs: 164 individuals,
    # 199 entities, 105 vessels, 16 aircraft; UN 1718 list 2025-11-20: 80 individuals, 75 entities;
    # the illustrative example: 17 persons, 2 organisations, 4 companies, 6 bank accounts.
    rows = " ".join(out.split())
    assert re.search(r"Person │ 17 │ 80 │ 164 │ 261", rows)
    assert re.search(r"Organization │ 2 │ 75 │ 199 │ 276", rows)
    assert re.search(r"Vessel │ 0 │ 0 │ 105 │ 105", rows)
    assert re.search(r"Airplane │ 0 │ 0 │ 16 │ 16", rows)
    assert re.search(r"BankAccount │ 6 │ 0 │ 0 │ 6", rows)
    assert "Relations" in out and "UnknownLink" in out
    assert "IMO" in out and "SWIFT/BIC" in out
    assert "Most linked entities" in out
    examples = out[out.index("Screening examples"):]
    assert re.search(r"윤호진 │ YUN HO-JIN .*? │ 1\.00 match", examples), examples


def test_demo_ends_with_the_example_scenario(demo_db):
    db, out = demo_db
    assert "Example scenario: the purge of Jang Song-thaek" in out
    assert "Scenario run #1: Purge of Jang Song-thaek (illustrative example)" in out
    assert "What the" in out and "90 % interval" in out and "Orphaned accounts:" in out
    report = re.search(r"Report: (\S+example_purge-run1\.html)$", out.rstrip())
    assert report, out[-500:]
    assert (db.parent / "reports" / db.name / "example_purge-run1.html").is_file()


def test_demo_examples_cross_scripts_and_spellings(demo_db):
    _, out = demo_db
    examples = out[out.index("Screening examples"):]
    assert "RI JE-SON" in examples and "KOREA MINING DEVELOPMENT TRADING CORPORATION" in examples


def test_demo_again_changes_nothing(demo_db):
    db, first = demo_db
    again = " ".join(run_cli("demo", db=db).stdout.split())
    assert again.count("Already imported") == 3
    total = re.search(r"([\d,]+) entities, ([\d,]+) statements\.", first).groups()
    assert re.search(r"([\d,]+) entities, ([\d,]+) statements\.", again).groups() == total


def test_entities_searches_names_and_aliases(demo_db):
    db, _ = demo_db
    result = run_cli("entities", "KOMID", db=db)  # an a.k.a. of Korea Mining Development Trading Corp
    assert "KOREA MINING DEVELOPMENT TRADING CORPORATION" in result.stdout
    people = run_cli("entities", "--schema", "Person", "--limit", "5", db=db)
    assert re.search(r"[\d,]+ entities \(the first 5 shown", people.stdout) and "Organization" not in people.stdout
    bad = run_cli("entities", "--schema", "Pirate", db=db)
    assert bad.returncode != 0 and "unknown FtM schema 'Pirate'" in bad.stderr


def test_show_gives_every_statement_with_its_provenance(demo_db):
    db, _ = demo_db
    result = run_cli("show", "ofac-9345", "--raw", db=db)  # the record alone (the demo merged it with the UN's)
    out = result.stdout
    assert result.returncode == 0
    assert "KOREA MINING DEVELOPMENT TRADING CORPORATION" in out and "Canonical entity" not in out
    assert re.search(r"Alias\s+│ KOMID\s+│ us_ofac_sdn ent_num 9345\s+│ 2024-05-03\s+│ A2", out)
    assert "Relations and linked records" in out and "Other link" in out and "Su Man HWANG" in out
    missing = run_cli("show", "nobody-123", db=db)
    assert missing.returncode != 0 and "no entity 'nobody-123'" in missing.stderr


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cytoscape", "ftm", "csv"])
def test_exports_open_in_the_tools_they_are_for(demo_db, tmp_path, fmt):
    db, _ = demo_db
    out = tmp_path / f"dprk.{fmt}"
    result = run_cli("export", "--format", fmt, "-o", str(out), db=db)
    assert result.returncode == 0, result.stderr
    if fmt == "graphml":
        graph = nx.read_graphml(out)
        (node,) = [node for node, data in graph.nodes(data=True)
                   if data["label"] == "KOREA MINING DEVELOPMENT TRADING CORPORATION"]
        komid = graph.nodes[node]  # one node for the OFAC and UN records the demo merged
        assert node.startswith("mm-") and set(komid["datasets"].split("; ")) == {"un_sc", "us_ofac_sdn"}
        assert "DPRK2" in komid["sanctions"] and "DPRK" in komid["sanctions"].split("; ") and komid["grade"] == "A2"
        raw = tmp_path / "records.graphml"
        assert run_cli("export", "--format", fmt, "-o", str(raw), "--raw", db=db).returncode == 0
        assert nx.read_graphml(raw).nodes["ofac-9345"]["datasets"] == "us_ofac_sdn"
        schemata = Counter(data["schema"] for source, _, data in graph.edges(data=True) if not source.startswith("ex-"))
        assert schemata["UnknownLink"] == 162  # OFAC's "Linked To" (the example network's signatories aside)
        listed = {data["schema"] for source, _, data in graph.edges(data=True) if not source.startswith("ex-")}
        # and the ties OFAC states as properties: aircraft operators, digital currency address holders
        assert {"Vehicle:operator", "CryptoWallet:holder"} <= listed <= {"UnknownLink", *PROPERTY_EDGES}
        assert sum(1 for source, _, _ in graph.edges(data=True) if source.startswith("ex-")) >= 44  # the example
    elif fmt == "gexf":
        graph = nx.read_gexf(out)
        assert sum(1 for source, _, data in graph.edges(data=True)
                   if data["schema"] == "UnknownLink" and not source.startswith("ex-")) == 162
        ElementTree.parse(out)  # well-formed XML for Gephi
    elif fmt == "cytoscape":
        data = json.loads(out.read_text())
        edges = data["elements"]["edges"]
        listed = [e for e in edges if not e["data"]["source"].startswith("ex-")]
        assert sum(e["data"]["schema"] == "UnknownLink" for e in listed) == 162
        assert {e["data"]["schema"] for e in listed} <= {"UnknownLink", *PROPERTY_EDGES}
        assert len(edges) - len(listed) >= 44  # the example network's relations
    elif fmt == "ftm":
        lines = [json.loads(line) for line in out.read_text().splitlines()]
        assert len(lines) == 1669 + 73
        assert all({"id", "schema", "properties", "statements"} <= set(line) for line in lines)
    else:
        header = out.read_text().splitlines()[0]
        assert header.startswith("entity_id,schema,prop,value,dataset,source_record")


def test_export_of_one_dataset(demo_db, tmp_path):
    db, _ = demo_db
    out = tmp_path / "un.jsonl"
    assert run_cli("export", "-f", "ftm", "-o", str(out), "--dataset", "un_sc", db=db).returncode == 0
    datasets = {d for line in out.read_text().splitlines() for d in json.loads(line)["datasets"]}
    assert datasets == {"un_sc"}


def test_export_refuses_an_unknown_format(demo_db, tmp_path):
    db, _ = demo_db
    result = run_cli("export", "-f", "xlsx", "-o", str(tmp_path / "x"), db=db)
    assert result.returncode != 0 and "unknown export format 'xlsx'" in result.stderr
    assert not (tmp_path / "x").exists()
