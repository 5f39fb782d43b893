"""Screening names and counterparty files against the store, across scripts."""

from __future__ import annotations

import csv
import json

import pytest

from moneymen.services.demo import import_bundled
from moneymen.match.profiles import Profile
from moneymen.match.screener import Screener
from moneymen.services.screening import screener_of_store
from moneymen.store import open_store

from conftest import run_cli


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    db = tmp_path_factory.mktemp("screen") / "demo.duckdb"
    with open_store(db) as store:
        import_bundled(store)
        screener = screener_of_store(store)
    return db, screener


def top(screener, schema="Person", **properties):
    query = Profile.from_properties(schema, {k: v if isinstance(v, list) else [v] for k, v in properties.items()})
    return screener.screen(query, limit=3)


def test_screening_finds_the_listed_person_with_sanctions_and_reasons(demo_store):
    _, screener = demo_store
    results = top(screener, name="Yun Ho-jin", birthDate="1944-10-13")
    first = results[0]
    assert first.entity.id == "unsc-690734" and first.match.match
    assert "UN SC DPRK" in first.entity.sanctions
    assert any("birth dates agree" in item.detail for item in first.match.evidence)


@pytest.mark.parametrize("query", ["윤호진", "尹浩鎭", "Yun Ho Chin", "YUN HOJIN"])
def test_cross_script_and_romanization_queries_find_the_record(demo_store, query):
    _, screener = demo_store
    ids = [result.entity.id for result in top(screener, name=query) if result.match.match]
    assert "unsc-690734" in ids


def test_a_vessel_is_found_by_imo_under_a_new_name(demo_store):
    _, screener = demo_store
    results = top(screener, schema="Vessel", name="OCEAN BRIGHT STAR", imoNumber="IMO7937317")
    assert results[0].entity.caption == "CHONG CHON GANG" and results[0].match.match


def test_unrelated_names_are_not_flagged(demo_store):
    _, screener = demo_store
    for name in ("Angela Merkel", "Olaf Scholz", "Siemens Aktiengesellschaft"):
        assert not any(result.match.match for result in top(screener, schema="LegalEntity", name=name))


def test_screen_command_single_name(demo_store):
    db, _ = demo_store
    result = run_cli("screen", "KOMID", "--schema", "Organization", "--json", db=db)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data[0]["caption"] == "KOREA MINING DEVELOPMENT TRADING CORPORATION" and data[0]["match"]
    assert data[0]["explanation"]["name"]["right"] == "KOMID"


def test_screen_command_batch_file(demo_store, tmp_path):
    db, _ = demo_store
    source = tmp_path / "counterparties.csv"
    source.write_text("ref,name,dob,country\n1,Ri Je Son,1938,KP\n2,Siemens AG,,DE\n3,강관리,,\n", encoding="utf-8")
    out = tmp_path / "results.csv"
    result = run_cli("screen", "--input", str(source), "-o", str(out), db=db)
    assert result.returncode == 0, result.stderr
    assert "Screened 3 rows" in " ".join(result.stdout.split())
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    flagged = {row["ref"] for row in rows if row["match"] == "true"}
    assert "1" in flagged and "2" not in flagged
    assert all(row["why"] for row in rows if row["match"] == "true")


def test_screen_command_refuses_a_file_without_a_name_column(demo_store, tmp_path):
    db, _ = demo_store
    source = tmp_path / "bad.csv"
    source.write_text("a,b\n1,2\n")
    result = run_cli("screen", "--input", str(source), "-o", str(tmp_path / "out.csv"), db=db)
    assert result.returncode != 0 and "no column to screen" in result.stderr


def test_the_index_finds_what_exhaustive_scoring_finds(demo_store):
    """Every entity a full comparison against the whole store would match is among the results."""
    from moneymen.match.profiles import compare_profiles

    _, screener = demo_store
    queries = [Profile.from_properties(e.schema, {"name": [e.caption.lower().replace("-", " ")]})
               for e in screener.entities[::15]]
    expected = found = 0
    for query in queries:
        exhaustive = {screener.entities[i].id for i, profile in enumerate(screener.index.profiles)
                      if compare_profiles(query, profile).match}
        screened = {r.entity.id for r in screener.screen(query, limit=len(exhaustive) + 5) if r.match.match}
        expected += len(exhaustive)
        found += len(exhaustive & screened)
    assert expected > len(queries) * 0.9
    assert found / expected >= 0.99


def test_a_crowd_of_namesakes_is_screened_in_full():
    """A common name matches far more entities than the first block of candidates: all are returned."""
    from moneymen.match.screener import CANDIDATES, ListedEntity

    spellings = ["Kim Mun Sok", "KIM Mun-sok", "Kim Munsok", "김문석", "Mun Sok Kim"]
    crowd = [ListedEntity(f"namesake-{n}", "Person", spellings[n % 5], {"name": [spellings[n % 5]]}, ("test",), ())
             for n in range(4 * CANDIDATES)]
    others = [ListedEntity(f"other-{n}", "Person", f"Kim Mun Ho {n}", {"name": [f"Kim Mun Ho{'o' * (n % 7)}"]},
                           ("test",), ()) for n in range(300)]
    screener = Screener(crowd + others)
    results = screener.screen(Profile.from_properties("Person", {"name": ["Kim Mun Sok"]}), limit=1000)
    matched = {r.entity.id for r in results if r.match.match}
    assert matched == {entity.id for entity in crowd}


def test_two_swapped_letters_still_find_the_entity_among_many_alike():
    """'Sivler Ministry' finds 'Silver Ministry' when hundreds of other ministries share the generic word."""
    from moneymen.match.screener import ListedEntity

    syllables = ["ka", "lo", "mi", "tu", "re", "po", "na", "di", "go", "be", "sa", "ru"]
    names = [f"{a}{b}{c}".capitalize() + " Ministry" for a in syllables for b in syllables for c in syllables[:3]]
    others = [ListedEntity(f"ministry-{n}", "Organization", name, {"name": [name]}, ("test",), ())
              for n, name in enumerate(names)]
    target = ListedEntity("silver", "Organization", "Silver Ministry", {"name": ["Silver Ministry"]}, ("test",), ())
    screener = Screener(others + [target])
    results = screener.screen(Profile.from_properties("Organization", {"name": ["Sivler Ministry"]}), limit=3)
    assert results and results[0].entity.id == "silver" and results[0].match.match


def _listed(number, name, schema="Person"):
    from moneymen.match.screener import ListedEntity

    return ListedEntity(f"listed-{number}", schema, name, {"name": [name]}, ("test",), ())


def test_a_slip_in_a_short_korean_syllable_finds_the_entity_among_namesakes():
    """'Km Mun San' (a slip in 'Kim', a letter added to 'Un') still finds Kim Un San, though
    dozens of other people share both its whole words, 'Mun' and 'San'."""
    surnames = ["Pak", "Ri", "Choe", "Jang", "Kang", "Jo", "Yun", "Han", "Song", "Hwang", "O", "Ryu", "Hong",
                "Jon", "Chong", "So", "Mun", "Yang", "Son", "Pae", "Paek", "Ho", "Nam", "Sim", "No", "Ha", "Kwak",
                "Rim", "Sin", "Yu"]
    crowd = [_listed(n, f"{surname} Mun San") for n, surname in enumerate(surnames)]
    target = _listed("target", "Kim Un San")
    screener = Screener([*crowd, target])
    results = screener.screen(Profile.from_properties("Person", {"name": ["Km Mun San"]}), limit=3)
    assert results[0].entity.id == "listed-target" and results[0].match.match, results[0].match.explanation()


def test_a_name_split_differently_is_found_among_many_alike():
    """'Abd al-Rahman' is how some lists write 'Abdul Rahman': found among hundreds of Rahmans."""
    crowd = [_listed(n, f"{first} Rahman ibn Tariq {last}")
             for n, (first, last) in enumerate((f, l) for f in ("Khalid", "Omar", "Ali", "Hamza", "Yusuf")
                                                for l in ("Mansour", "Haddad", "Nasser", "Saleh", "Karim"))]
    target = _listed("target", "Abdul Rahman ibn Tariq Mansour")
    screener = Screener([*crowd, target])
    results = screener.screen(Profile.from_properties("Person", {"name": ["Abd al-Rahman ibn Tariq Mansur"]}), limit=3)
    assert results[0].entity.id == "listed-target" and results[0].match.match


def test_the_estimate_keeps_candidates_that_cannot_match_out_of_the_scoring():
    """The index ranks by estimated score: unrelated entities that share one common word are not
    candidates at all, and the best estimate belongs to the entity that matches best."""
    names = [f"Korea {word} Trading" for word in ("Paekho", "Namgang", "Hana", "Sobaeksu", "Unpha", "Kwangson")]
    screener = Screener(_listed(n, name, "Company") for n, name in enumerate(names))
    positions, estimates = screener.index.candidates(Profile.from_properties("Company", {"name": ["Korea Namgang Trading Co"]}),
                                                     cutoff=0.6)
    assert [screener.index.ids[p] for p in positions] == ["listed-1"]
    assert estimates[0] >= 0.95


def test_noisy_queries_against_namesake_crowds_find_what_exhaustive_scoring_finds():
    """Typos, dropped and joined words against thousands of look-alike names: screen() returns
    every entity that scoring each one in full would match."""
    import random

    from moneymen.match.profiles import compare_profiles

    rng = random.Random(7)
    surnames = ["Kim", "Ri", "Pak", "Choe", "Jong", "Kang", "al-Harbi", "al-Tamimi", "Petrov", "Ivanov"]
    given = ["Jong", "Un", "Il", "Song", "Chol", "Ho", "Nam", "Sok", "Mun", "San", "Ahmed", "Samir", "Yasin",
             "Walid", "Igor", "Sergei", "Mikhail", "Hyok", "Kwang", "Yong"]
    listed = []
    for n in range(3000):
        words = [rng.choice(surnames)] + rng.sample(given, rng.choice((1, 2, 2, 3)))
        listed.append(_listed(n, " ".join(words)))
    screener = Screener(listed)

    def noisy(name: str) -> str:
        words = name.split()
        pick = rng.randrange(len(words))
        change = rng.choice(("typo", "drop", "join", "swap"))
        if change == "typo" and len(words[pick]) > 2:
            word = words[pick]
            at = rng.randrange(1, len(word))
            words[pick] = word[:at - 1] + word[at] + word[at - 1] + word[at + 1:]
        elif change == "drop" and len(words) > 2:
            del words[pick]
        elif change == "join" and len(words) > 2:
            words[1:3] = [words[1] + words[2].lower()]
        else:
            words.reverse()
        return " ".join(words)

    expected = found = 0
    for entity in rng.sample(listed, 40):
        query = Profile.from_properties("Person", {"name": [noisy(entity.caption)]})
        exhaustive = {e.id for e, profile in zip(screener.entities, screener.index.profiles)
                      if compare_profiles(query, profile).match}
        screened = {r.entity.id for r in screener.screen(query, limit=len(exhaustive) + 5) if r.match.match}
        expected += len(exhaustive)
        found += len(exhaustive & screened)
    assert expected > 100
    assert found == expected


def test_a_korean_name_read_the_same_is_found_behind_a_crowd_of_namesakes():
    """"Kim Yongpong" is KIM Yong Pong: the index must not let hundreds of "Kim Yong-…" listed
    before it (each as alike word by word) use up the candidates screened."""
    import itertools

    from moneymen.match.screener import ListedEntity

    syllables = ["ryul", "jun", "sang", "chol", "su", "ho", "nam", "il", "gun", "bok", "hyok", "man", "sik", "chan"]
    endings = ["", "an", "ok", "ung", "in", "ae", "il", "u", "o", "am", "ik"]
    names = [f"Kim Yong-{a}{b}" for a, b in itertools.product(syllables, endings)] + ["KIM Yong Pong"]
    entities = [ListedEntity(id=f"e{i}", schema="Person", caption=name, properties={"name": [name]},
                             datasets=("watch",), sanctions=()) for i, name in enumerate(names)]
    query = Profile.from_properties("Person", {"name": ["Kim Yongpong"]})
    results = Screener(entities).screen(query, threshold=0.7, limit=3)
    assert results and results[0].entity.caption == "KIM Yong Pong" and results[0].match.match
