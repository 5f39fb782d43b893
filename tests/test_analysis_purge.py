"""Purge impact on the fictional case file: exposure paths by hand, hop and threshold cuts, grades, dates."""

from __future__ import annotations

import json

import pytest

from moneymen.analysis.purge import ExposureRules, purge_impact
from moneymen.graph.builder import build_view
from network_fixture import import_case

B2 = 0.9 * 0.9  # grade weight of B2 evidence


@pytest.fixture
def case_store(store, tmp_path):
    import_case(store, tmp_path)
    return store


def test_exposure_path_by_hand(case_store):
    impact = purge_impact(build_view(case_store), ["patron"])
    nephew, official = impact.get("nephew"), impact.get("official")
    assert nephew.score == pytest.approx(0.9 * B2) and nephew.hops == 1
    # Family 0.9, Directorship 0.8, Employment 0.8 (crossed against its direction), each × B2
    assert official.score == pytest.approx(0.9 * 0.8 * 0.8 * B2**3)
    assert official.hops == 3
    assert [step.relation for step in official.path] == ["Family", "Directorship", "Employment"]
    assert [step.direction for step in official.path] == ["forward", "forward", "backward"]
    assert impact.explain("official") == ("Pak Chol-ung — Family → Ri Song-ho — Directorship → Taesong Trading "
                                          "← Employment — Kim Yong-su")
    # ownership is scaled by the 50 % held
    assert impact.get("shipco").score == pytest.approx(0.9 * 0.8 * B2**2 * 0.7 * 0.5 * B2)
    assert impact.exposed[0].entity_id == "dept54" or impact.exposed[0].score >= impact.exposed[1].score
    scores = [x.score for x in impact.exposed]
    assert scores == sorted(scores, reverse=True)
    assert "patron" not in {x.entity_id for x in impact.exposed}
    assert impact.by_schema["Person"] == 2  # nephew, official (the rumoured associate is below the threshold)
    json.dumps(impact.to_dict())


def test_hop_and_threshold_cuts(case_store):
    view = build_view(case_store)
    two = purge_impact(view, ["patron"], ExposureRules(max_hops=2))
    assert two.get("tradeco") is not None and two.get("official") is None
    assert max(x.hops for x in two.exposed) == 2
    strong = purge_impact(view, ["patron"], ExposureRules(min_exposure=0.2))
    assert {x.entity_id for x in strong.exposed} == {"nephew", "dept54", "tradeco", "official", "acc1"}
    assert all(x.score >= 0.2 for x in strong.exposed)
    unlimited = purge_impact(view, ["patron"], ExposureRules(max_hops=None))
    many = purge_impact(view, ["patron"], ExposureRules(max_hops=12))
    assert {x.entity_id: round(x.score, 12) for x in unlimited.exposed} == \
        {x.entity_id: round(x.score, 12) for x in many.exposed}
    assert unlimited.explain("official") == many.explain("official")


def test_grade_filter_and_weights_exclude_weak_evidence(case_store):
    loose = ExposureRules(min_exposure=0.01)
    everything = purge_impact(build_view(case_store), ["patron"], loose)
    rumoured = everything.get("rumoured")
    assert rumoured.score == pytest.approx(0.5 * 0.25 * 0.2)  # Associate × E (0.25) × 5 (0.2)
    assert purge_impact(build_view(case_store, min_grade="C3"), ["patron"], loose).get("rumoured") is None
    # with default rules the E5 hearsay is below min_exposure anyway
    assert purge_impact(build_view(case_store), ["patron"]).get("rumoured") is None


def test_as_of_drops_ties_not_yet_or_no_longer_valid(case_store):
    in_2008 = purge_impact(build_view(case_store, as_of="2008-01-01"), ["patron"])
    assert in_2008.get("dept54").score == pytest.approx(0.6 * B2)
    assert in_2008.get("src1") is None  # its payment is dated 2013
    after = purge_impact(build_view(case_store, as_of="2013-12-12"), ["patron"])
    assert after.get("dept54") is None
    assert after.get("src1") is not None


def test_direction_and_custom_rules(case_store):
    view = build_view(case_store)
    forward = purge_impact(view, ["patron"], ExposureRules(direction="forward"))
    assert forward.get("tradeco") is not None and forward.get("official") is None  # official → tradeco only
    rules = ExposureRules.from_mapping({"relations": {"Family": 1.0}, "reliability": {"b": 1.0},
                                        "credibility": {"2": 1.0}, "max_hops": 1})
    assert purge_impact(view, ["patron"], rules).get("nephew").score == pytest.approx(1.0)
    only_family = ExposureRules.from_mapping({"relations": {"Family": 0.9}, "replace_relations": True})
    assert {x.entity_id for x in purge_impact(view, ["patron"], only_family).exposed} == {"nephew"}


def test_bad_rules_and_seeds_give_clear_errors(case_store):
    view = build_view(case_store)
    with pytest.raises(ValueError, match=r"unknown seed id: 'Pak Chol ung'.*did you mean 'Pak Chol-ung', id 'patron'"):
        purge_impact(view, ["Pak Chol ung"])
    with pytest.raises(ValueError, match="no seeds"):
        purge_impact(view, [])
    with pytest.raises(ValueError, match=r"relations.Family: a weight cannot exceed 1"):
        ExposureRules.from_mapping({"relations": {"Family": 1.5}})
    with pytest.raises(ValueError, match=r"relations.Payment: a weight cannot be negative"):
        ExposureRules.from_mapping({"relations": {"Payment": -0.1}})
    with pytest.raises(ValueError, match=r"unknown key 'hops'"):
        ExposureRules.from_mapping({"hops": 2})
    with pytest.raises(ValueError, match=r"reliability: unknown key 'G'"):
        ExposureRules.from_mapping({"reliability": {"G": 0.5}})
    with pytest.raises(ValueError, match="max_hops"):
        ExposureRules(max_hops=0)
    with pytest.raises(ValueError, match="not exposed"):
        purge_impact(view, ["patron"]).explain("bureau-nonexistent")
