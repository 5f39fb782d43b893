"""Money flows on the fictional case file: known max flow and cut, purge losses, orphaned accounts, targeting."""

from __future__ import annotations

import json

import pytest

from moneymen.analysis.accounts import orphaned_accounts, sole_controllers
from moneymen.analysis.designations import designation_targets
from moneymen.analysis.flow_graph import FlowSettings, flow_graph
from moneymen.analysis.flows import money_flows
from moneymen.graph.builder import build_view, view_from_entities
from moneymen.model import Entity, Statement
from network_fixture import import_case


@pytest.fixture
def view(store, tmp_path):
    import_case(store, tmp_path)
    return build_view(store)


def test_known_max_flow_and_cut(view):
    report = money_flows(view, "bureau", settings=FlowSettings(currency="USD"))
    # src1 70 + src2 50 into tradeco, which sends at most 100 (through acc1); src2 40 → hotel (which could send 60)
    assert report.flow_before == pytest.approx(140)
    assert report.sources == 2  # the origins src1, src2
    assert "maximum flow" in report.method
    # the account carries tradeco's 100
    cut = money_flows(view, "bureau", removed=["acc1"], settings=FlowSettings(currency="USD"))
    assert cut.flow_after == pytest.approx(40)
    hotel = money_flows(view, "bureau", removed=["hotel"], settings=FlowSettings(currency="USD"))
    assert hotel.flow_after == pytest.approx(100)
    both = money_flows(view, "bureau", removed=["acc1", "hotel"], settings=FlowSettings(currency="USD"))
    assert both.flow_after == 0  # {acc1, hotel} cuts every path; the min cut (140) is the max flow
    json.dumps(report.to_dict())


def test_purge_severs_flows_and_says_by_whom(view):
    report = money_flows(view, "bureau", removed=["tradeco", "patron"], settings=FlowSettings(currency="USD"))
    assert report.flow_before == pytest.approx(140) and report.flow_after == pytest.approx(40)
    assert report.lost == pytest.approx(100) and report.lost_share == pytest.approx(100 / 140)
    by = {s.entity_id: s for s in report.severed}
    assert by["tradeco"].carried == pytest.approx(100) and by["tradeco"].alone == pytest.approx(100)
    assert by["patron"].carried == 0 and by["patron"].alone == 0
    lost = {(arc.source, arc.target): (arc.before, arc.after) for arc in report.lost_arcs}
    assert lost[("acc1", "bureau")] == (pytest.approx(100), pytest.approx(0))
    broken = {(b.entity_id, b.counterpart, b.relation) for b in report.broken_relations}
    assert ("src1", "tradeco", "Payment") in broken and ("shipco", "tradeco", "Ownership") in broken


def test_orphaned_account_needs_every_holder_removed(view):
    one = money_flows(view, "bureau", removed=["nephew"], settings=FlowSettings(currency="USD"))
    assert one.orphaned_accounts == [] and one.flow_after == pytest.approx(140)
    both = money_flows(view, "bureau", removed=["nephew", "official"], settings=FlowSettings(currency="USD"))
    assert [(a.entity_id, a.holders) for a in both.orphaned_accounts] == [("acc1", ["nephew", "official"])]
    assert both.flow_after_removed == pytest.approx(140)  # neither holder carries money himself …
    assert both.flow_after == pytest.approx(40)  # … but nobody left can move tradeco's 100 through acc1
    kept = money_flows(view, "bureau", removed=["nephew", "official"],
                       settings=FlowSettings(currency="USD", orphans_lost=False))
    assert kept.flow_after == pytest.approx(140)
    assert [a.entity_id for a in orphaned_accounts(view, ["official", "nephew"])] == ["acc1"]


def test_currencies_are_never_mixed_silently(view):
    with pytest.raises(ValueError, match=r"several currencies \(EUR, USD\)"):
        money_flows(view, "bureau")
    usd = flow_graph(view, FlowSettings(currency="USD"))
    assert any("EUR" in note for note in usd.notes)
    converted = money_flows(view, "bureau", settings=FlowSettings(currency="USD", rates={"EUR": 1.5}))
    assert converted.flow_before == pytest.approx(160)  # hotel now receives 40 + 30 and sends its full 60
    with pytest.raises(ValueError, match="no exchange rate for EUR"):
        money_flows(view, "bureau", settings=FlowSettings(currency="USD", rates={"GBP": 1.2}))


def test_summed_paths_method_differs_from_max_flow(view):
    paths = money_flows(view, "bureau", removed=["src2"], settings=FlowSettings(currency="USD", method="paths"))
    assert "summed payments" in paths.method
    assert paths.flow_before == pytest.approx(160)  # the stated payments into the bureau, at face value
    assert paths.flow_after == pytest.approx(100)  # the hotel lost its only USD supplier
    flow = money_flows(view, "bureau", removed=["src2"], settings=FlowSettings(currency="USD"))
    assert flow.flow_after == pytest.approx(70)  # only src1's 70 is left to pass through tradeco


def test_revenue_relations_add_capacity(view):
    # the official remits 30 a month to tradeco on top of the payments: tradeco is still capped at 100
    report = money_flows(view, "bureau", settings=FlowSettings(currency="USD", revenue={"Employment": 30}))
    assert report.flow_before == pytest.approx(140)
    assert report.sources == 3
    with pytest.raises(ValueError, match="no money direction known for 'Family'"):
        money_flows(view, "bureau", settings=FlowSettings(currency="USD", revenue={"Family": 10}))


def test_bad_flow_input(view):
    with pytest.raises(ValueError, match="unknown sink id: 'Central Bureau'.*did you mean 'Central Bureau 7'"):
        money_flows(view, "Central Bureau", settings=FlowSettings(currency="USD"))
    with pytest.raises(ValueError, match="sink 'bureau' cannot be removed"):
        money_flows(view, "bureau", removed=["bureau"], settings=FlowSettings(currency="USD"))
    with pytest.raises(ValueError, match="unknown removed entity id: 'nobody'"):
        money_flows(view, "bureau", removed=["nobody"], settings=FlowSettings(currency="USD"))
    with pytest.raises(ValueError, match="unknown method"):
        money_flows(view, "bureau", settings=FlowSettings(currency="USD", method="guess"))


def _entity(entity_id: str, schema: str, **props: str) -> Entity:
    return Entity(entity_id, [Statement(entity_id, schema, prop, value, "test", reliability="B", credibility="2")
                              for prop, value in props.items()])


def test_designation_beats_degree_where_the_hub_carries_little():
    """A well-connected hub moves 10; a quiet broker moves 120. The best single designation is the broker."""
    people = [_entity(x, "Person", name=x.title()) for x in ("hub", "broker", *[f"p{i}" for i in range(6)])]
    firms = [_entity(x, "Company", name=x.upper()) for x in ("s1", "s2", "s3", "s4", "sink")]
    ties = [_entity(f"a{i}", "Associate", person="hub", associate=f"p{i}") for i in range(6)]
    money = [_entity(f"m{i}", "Payment", payer=f"s{i}", beneficiary="broker", amount="40", currency="USD")
             for i in (1, 2, 3)]
    money += [_entity("m4", "Payment", payer="s4", beneficiary="hub", amount="10", currency="USD"),
              _entity("m5", "Payment", payer="broker", beneficiary="sink", amount="120", currency="USD"),
              _entity("m6", "Payment", payer="hub", beneficiary="sink", amount="10", currency="USD")]
    view = view_from_entities(people + firms + ties + money)
    result = designation_targets(view, "sink", 1)
    assert result.flow_before == pytest.approx(130)
    rows = {row.strategy: row for row in result.table}
    assert rows["interdiction"].entities == ["broker"] and rows["interdiction"].flow_after == pytest.approx(10)
    assert result.optimal and result.lower_bound == pytest.approx(10)
    assert rows["degree"].entities == ["hub"] and rows["degree"].cut == pytest.approx(10)
    assert rows["betweenness"].entities == ["hub"]
    assert rows["interdiction"].cut > rows["degree"].cut
    assert rows["interdiction"].unsanctioned == ["broker"]
    assert "| interdiction | Broker |" in result.markdown()
    json.dumps(result.to_dict())


def test_revenue_into_a_paying_company_keeps_it_an_origin():
    """A company that pays 100 to the bureau stays a source when its employee's remittance (5) is added."""
    entities = [_entity("firm", "Company", name="Firm"), _entity("clerk", "Person", name="Clerk"),
                _entity("bureau", "Organization", name="Bureau"),
                _entity("pay", "Payment", payer="firm", beneficiary="bureau", amount="100", currency="USD"),
                _entity("job", "Employment", employee="clerk", employer="firm")]
    view = view_from_entities(entities)
    plain = money_flows(view, "bureau")
    earning = money_flows(view, "bureau", settings=FlowSettings(revenue={"Employment": 5}))
    assert plain.flow_before == pytest.approx(100) and plain.sources == 1
    assert earning.flow_before == pytest.approx(100) and earning.sources == 2  # the firm and its clerk


def test_sole_controllers_of_accounts_and_companies():
    """p1 alone holds acct1 and shares acct2 with p2; the firm alone holds acct3 (no person is named);
    p3 alone directs firm (its corporate owner does not count); p3 and p4 both direct shop."""
    people = [_entity(x, "Person", name=x.upper()) for x in ("p1", "p2", "p3", "p4")]
    firms = [_entity(x, "Company", name=x.title()) for x in ("firm", "holdco", "shop")]
    accounts = [_entity(x, "BankAccount", accountNumber=x) for x in ("acct1", "acct2", "acct3")]
    ties = [_entity("o1", "Ownership", owner="p1", asset="acct1"),
            _entity("o2", "Ownership", owner="p1", asset="acct2"),
            _entity("s2", "UnknownLink", subject="p2", object="acct2", role="signatory"),
            _entity("o3", "Ownership", owner="firm", asset="acct3"),
            _entity("d1", "Directorship", director="p3", organization="firm"),
            _entity("o4", "Ownership", owner="holdco", asset="firm", percentage="100"),
            _entity("d2", "Directorship", director="p3", organization="shop"),
            _entity("d3", "Directorship", director="p4", organization="shop")]
    found = sole_controllers(view_from_entities(people + firms + accounts + ties))
    assert [(row.entity_id, [(c["id"], c["relation"]) for c in row.controls]) for row in found] == [
        ("p1", [("acct1", "account holder")]),
        ("p3", [("firm", "Directorship")]),
    ]
    assert found[1].controls[0]["caption"] == "Firm" and found[1].controls[0]["schema"] == "Company"
