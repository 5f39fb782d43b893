"""The rules that decide which pairs merge without a person: strong evidence merges, anything
that disagrees or any rival keeps the pair for review."""

from __future__ import annotations

from moneymen.resolve.xref import (MERGED, REJECTED, REVIEW, PairFacts, keep_unique, regimes_of, shared_contacts,
                                   sort_pair)


def explanation(name: float, *evidence: tuple[str, float, str], person: bool = True, full_date: bool = False,
                score: float | None = None) -> dict:
    return {"score": name if score is None else score, "name": {"score": name},
            "evidence": [{"feature": f, "effect": e, "detail": d} for f, e, d in evidence],
            "person": person, "same_full_birth_date": full_date}


def status(*args, facts: PairFacts = PairFacts(), **kwargs) -> str:
    return sort_pair("a", "b", explanation(*args, **kwargs), facts, 0.7).status


def test_a_shared_strong_identifier_merges_even_when_the_name_is_perfect():
    assert status(1.0, ("identifier", 0.0, "same passport number D08531177")) == MERGED
    assert status(0.75, ("identifier", 0.2, "same IMO number 8912345"), person=False) == MERGED
    assert status(1.0, ("identifier", 0.0, "same call sign ABC")) == REVIEW  # reassigned: not strong


def test_anything_that_disagrees_keeps_the_pair_for_a_person():
    assert status(1.0, ("identifier", 0.0, "same passport number X1"),
                  ("birth_date", -0.1, "birth years one apart: 1968 / 1969")) == REVIEW


def test_a_person_needs_a_full_birth_date_and_one_more_fact():
    agree = ("birth_date", 0.05, "birth dates agree: 1944-10-13 / 1944-10-13")
    country = ("country", 0.02, "shared country: kp")
    assert status(1.0, agree, country, full_date=True) == MERGED
    assert status(1.0, agree, full_date=True) == REVIEW
    year = ("birth_date", 0.03, "birth dates agree: 1944 / 1944")
    assert status(1.0, year, country) == MERGED  # the same name, unique, a year and a country
    assert status(1.0, year, country, facts=PairFacts(rivals=1)) == REVIEW  # another "Kim Chol" in that list
    assert status(1.0, country) == REVIEW  # no date, no relation: a namesake is too likely


def test_an_organisation_needs_the_same_name_and_two_confirming_facts():
    north_korea = PairFacts(shared_regimes=("North Korea",))
    assert status(1.0, person=False, facts=north_korea) == MERGED  # regime and no rival
    assert status(1.0, person=False, facts=PairFacts(shared_regimes=("North Korea",), rivals=1)) == REVIEW
    assert status(0.93, person=False, facts=north_korea) == REVIEW
    assert status(0.6, person=False, score=0.6) == REJECTED


def test_two_merges_into_one_list_become_review():
    facts = PairFacts(shared_regimes=("North Korea",))
    one = sort_pair("un-1", "us-1", explanation(1.0, person=False), facts, 0.7)
    two = sort_pair("un-1", "us-2", explanation(1.0, person=False), facts, 0.7)
    kept = keep_unique([one, two], {"us-1": ["us_ofac_sdn"], "us-2": ["us_ofac_sdn"], "un-1": ["un_sc"]})
    assert [f.status for f in kept] == [REVIEW, REVIEW]
    assert "us-2" in kept[0].reasons[-1]


def test_regimes_and_contacts():
    assert regimes_of(["DPRK3", "IRAN-EO13846"]) == {"North Korea", "Iran"}
    assert regimes_of(["DPRK"]) == {"North Korea", "non-proliferation"}  # the UN's 1718 regime
    assert regimes_of(["NOT-A-PROGRAM"]) == set()
    emails, phones = shared_contacts({"email": ["Bob@Example.com"], "phone": ["+1 702-555-0100"]},
                                     {"email": ["bob@example.com"], "phone": ["(702) 555 0100"]})
    assert emails == ("Bob@Example.com",) and phones == ("+1 702-555-0100",)
