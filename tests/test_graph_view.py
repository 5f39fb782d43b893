"""The analysis view over a real store: nodes, relationship and property edges, filters, matrices."""

from __future__ import annotations

import numpy as np
import pytest

from moneymen.services.entities import iter_entities
from moneymen.graph.builder import build_view, view_from_entities
from moneymen.graph.view import NetworkView
from network_fixture import import_case


@pytest.fixture
def case_store(store, tmp_path):
    import_case(store, tmp_path)
    return store


def edge_set(view: NetworkView) -> set[tuple]:
    return {(view.ids[s], view.ids[t], r, str(g), str(e))
            for s, t, r, g, e in zip(view.source, view.target, view.relation, view.grade, view.edge_ids)}


def test_store_fast_path_matches_the_entity_path(case_store):
    fast = build_view(case_store)
    slow = view_from_entities(iter_entities(case_store))
    assert edge_set(fast) == edge_set(slow)
    assert dict(zip(fast.ids, fast.captions)) == dict(zip(slow.ids, slow.captions))
    assert dict(zip(fast.ids, fast.programs)) == dict(zip(slow.ids, slow.programs))
    assert fast.captions[fast.index_of("nephew")] == "Ri Song-ho"
    assert fast.programs[fast.index_of("tradeco")] == ("DPRK3",)
    assert "san1" not in fast  # sanctions are node attributes, not nodes


def test_relationship_and_property_edges(case_store):
    view = build_view(case_store)
    edges = edge_set(view)
    assert ("patron", "nephew", "Family", "B2", "fam1") in edges
    assert ("official", "tradeco", "Employment", "B2", "emp1") in edges  # FtM direction: employee → employer
    assert ("shipco", "vessel", "Vehicle:owner", "B2", "vessel") in edges  # a property of the Vessel
    assert ("tradeco", "acc1", "Payment:payerAccount", "B2", "pay4") in edges
    assert ("patron", "rumoured", "Associate", "E5", "asc1") in edges
    pay4 = np.flatnonzero(view.edge_ids == "pay4")
    payment = [e for e in pay4 if view.relation[e] == "Payment"][0]
    assert view.amount[payment] == 100 and view.currency[payment] == "USD" and view.date[payment] == "2013-06-01"
    share = [e for e in range(view.n_edges) if view.edge_ids[e] == "own1"][0]
    assert view.percentage[share] == 50


def test_filters_by_grade_dataset_date_and_relation(case_store):
    full = build_view(case_store)
    assert ("patron", "rumoured", "Associate", "E5", "asc1") in edge_set(full)
    graded = build_view(case_store, min_grade="C3")
    assert not any(edge[2] == "Associate" for edge in edge_set(graded))
    assert graded.n_nodes == full.n_nodes  # nodes stay; only the weak edge goes
    only_case = build_view(case_store, datasets=["case"])
    assert "rumoured" not in only_case
    late = build_view(case_store, as_of="2013-12-01")
    assert "mem1" not in set(late.edge_ids)  # membership ended in 2010
    assert "pay1" in set(late.edge_ids)
    early = build_view(case_store, as_of="2008")
    assert "mem1" in set(early.edge_ids) and "pay1" not in set(early.edge_ids)  # not paid yet
    payments = build_view(case_store, relations=["Payment"])
    assert set(payments.relation) == {"Payment"} and payments.n_edges == 6


def test_adjacency_subgraph_and_networkx(case_store):
    view = build_view(case_store)
    matrix = view.adjacency()
    assert matrix.shape == (view.n_nodes, view.n_nodes)
    assert (matrix != matrix.T).nnz == 0
    money = view.adjacency(relations=["Payment"], directed=True, weight="amount")
    assert money[view.index_of("src2"), view.index_of("hotel")] == 40
    assert money[view.index_of("hotel"), view.index_of("src2")] == 0
    part = view.subgraph(["patron", "nephew", "tradeco"])
    assert part.ids == ["patron", "nephew", "tradeco"]
    assert edge_set(part) == {("patron", "nephew", "Family", "B2", "fam1"),
                              ("nephew", "tradeco", "Directorship", "B2", "dir1")}
    out = {(n.entity_id, n.relation, n.direction) for n in view.neighbours("tradeco")}
    assert ("official", "Employment", "in") in out and ("acc1", "Payment:payerAccount", "out") in out


def test_bad_input_is_named(case_store):
    view = build_view(case_store)
    with pytest.raises(ValueError, match=r"unknown entity id: 'Ri Songho'.*did you mean 'Ri Song-ho', id 'nephew'"):
        view.index_of("Ri Songho")
    with pytest.raises(ValueError, match="min_grade"):
        build_view(case_store, min_grade="Z9")
    with pytest.raises(ValueError, match="as_of"):
        build_view(case_store, as_of="last year")
    with pytest.raises(ValueError, match="one per edge"):
        NetworkView.from_arrays(["a", "b"], [0], [1], ["Family"], amount=[1.0, 2.0])


def test_from_arrays_builds_the_same_kind_of_view():
    view = NetworkView.from_arrays(["a", "b", "c"], [0, 1], [1, 2], ["Family", "Payment"], amount=[np.nan, 5.0],
                                   grade=["A1", "C3"])
    assert view.relation.tolist() == ["Family", "Payment"]
    assert view.filter(min_grade="B2").n_edges == 1
    assert view.adjacency(weight="amount")[2, 1] == 5.0


def test_graph_export_draws_property_edges(case_store, tmp_path):
    import networkx as nx

    from moneymen.graph.export import export

    export(case_store, "graphml", tmp_path / "case.graphml")
    graph = nx.read_graphml(tmp_path / "case.graphml", force_multigraph=True)
    owners = [(u, v, d["schema"]) for u, v, d in graph.edges(data=True) if d["schema"] == "Vehicle:owner"]
    assert owners == [("shipco", "vessel", "Vehicle:owner")]
    accounts = [(u, v) for u, v, d in graph.edges(data=True) if d["schema"] == "Payment:payerAccount"]
    assert accounts == [("tradeco", "acc1")]


def test_an_analysis_view_holds_nothing_for_the_exports(case_store):
    for view in (build_view(case_store), view_from_entities(iter_entities(case_store))):
        assert view.node_details is None and view.edge_details is None
    with pytest.raises(ValueError, match="details=True"):
        view.export_graph()


def test_a_detailed_view_is_the_analysis_view_plus_what_the_exports_write(case_store):
    lean = view_from_entities(iter_entities(case_store))
    detailed = view_from_entities(iter_entities(case_store), details=True, latest_seen=case_store.latest_seen())
    assert detailed.digest() == lean.digest() and detailed.ids == lean.ids
    graph = detailed.export_graph()
    assert list(graph) == detailed.ids
    assert graph.nodes["tradeco"] == {"label": "Taesong Trading", "schema": "Company", "datasets": "case",
                                      "countries": "", "grade": "B2", "sanctions": "DPRK3", "delisted_from": ""}
    assert graph.edges["tradeco", "shipco", "own1"] == {"id": "own1", "schema": "Ownership", "label": "owns",
                                                        "grade": "B2", "datasets": "case", "percentage": "50"}
    assert graph.edges["tradeco", "bureau", "pay4"] == {
        "id": "pay4", "schema": "Payment", "label": "paid", "grade": "B2", "datasets": "case",
        "date": "2013-06-01", "amount": "100", "currency": "USD"}
    assert graph.edges["tradeco", "acc1", "pay4:Payment:payerAccount:tradeco:acc1"] == {
        "id": "pay4", "schema": "Payment:payerAccount", "label": "payerAccount", "grade": "B2", "datasets": "case"}
    assert graph.edges["patron", "rumoured", "asc1"]["relationship"] == "drinking companion"
    # filters and subgraphs keep the details with their edges and nodes
    payments = detailed.filter(relations=["Payment"], as_of="2013-05-15")
    assert [d["date"] for d in payments.edge_details] == ["2013-03-01", "2013-04-01", "2013-05-01"]
    part = detailed.subgraph(["shipco", "tradeco"])
    assert part.node_details == [detailed.node_details[detailed.index_of(i)] for i in ("shipco", "tradeco")]
    assert list(part.export_graph().edges(keys=True)) == [("tradeco", "shipco", "own1")]


def test_an_end_the_store_knows_nothing_about_is_drawn_as_a_bare_thing():
    from followthemoney import model

    from moneymen.graph.builder import ViewBuilder

    builder = ViewBuilder(details=True)
    builder.add("own", model.get("Ownership"), {"owner": [("known", "B2")], "asset": [("ghost", "C3")],
                                                "role": [("nominee", "B2"), ("front", "B2")]},
                "B2", {"datasets": "case", "grade": "B2", "delisted_from": ""})
    builder.add("known", model.get("Company"), {"name": [("Known Co", "B2")], "country": [("kp", "B2")]},
                "B2", {"datasets": "case", "grade": "B2", "delisted_from": "us_ofac_sdn"})
    graph = builder.build({}).export_graph()
    assert graph.nodes["ghost"] == {"label": "ghost", "schema": "Thing", "datasets": "", "grade": "F6"}
    assert graph.nodes["known"]["delisted_from"] == "us_ofac_sdn" and graph.nodes["known"]["countries"] == "kp"
    assert graph.edges["known", "ghost", "own"]["role"] == "nominee; front"
