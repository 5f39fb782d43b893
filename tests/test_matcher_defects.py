"""Matcher defects a new user met (issue 10, defects 4–6): birth dates as people write them,
names with a bracketed qualifier, and pairs the matcher got wrong."""

from __future__ import annotations

import json

import pytest

from moneymen.services.demo import import_bundled
from moneymen.match.profiles import Profile, compare_profiles
from moneymen.services.screening import screener_of_store
from moneymen.store import open_store

from conftest import REPO, run_cli


def person(name: str, **properties: str | list[str]) -> Profile:
    return Profile.from_properties("Person", {"name": [name], **{
        key: value if isinstance(value, list) else [value] for key, value in properties.items()}})


def entity(schema: str, name: str) -> Profile:
    return Profile.from_properties(schema, {"name": [name]})


# -- defect 4: birth dates in the forms people write them ----------------------------------------


@pytest.fixture(scope="module")
def demo_screener(tmp_path_factory):
    db = tmp_path_factory.mktemp("defects") / "demo.duckdb"
    with open_store(db) as store:
        import_bundled(store)
        return db, screener_of_store(store)


@pytest.mark.parametrize("written", ["13/10/1944", "13.10.1944", "13-10-1944", "October 13, 1944", "13 Oct 1944",
                                     "13-OCT-1944", "13 October 1944", "Oct 13 1944", "1944/10/13"])
def test_a_birth_date_written_day_first_or_with_a_month_name_confirms_the_listed_person(demo_screener, written):
    _, screener = demo_screener
    iso = screener.screen(person("Yun Ho-jin", birthDate="1944-10-13"), limit=1)[0]
    found = screener.screen(person("Yun Ho-jin", birthDate=written), limit=1)[0]
    assert found.entity.id == iso.entity.id == "unsc-690734"
    assert found.match.score == iso.match.score == 1.0, found.match.explanation()
    assert any("birth dates agree" in item.detail and written in item.detail for item in found.match.evidence)


def test_the_screen_command_reads_a_day_first_dob(demo_screener):
    db, _ = demo_screener
    result = run_cli("screen", "YUN HO-JIN", "--dob", "13/10/1944", "--json", db=db)
    assert result.returncode == 0, result.stderr
    first = json.loads(result.stdout)[0]
    assert first["id"] == "unsc-690734" and first["score"] == 1.0, first


def test_the_screen_command_says_a_birth_date_it_cannot_read_was_not_compared(demo_screener):
    db, _ = demo_screener
    result = run_cli("screen", "YUN HO-JIN", "--dob", "sometime in the forties", db=db)
    assert result.returncode == 0, result.stderr
    assert "unsc-690734" in result.stdout and "1.000" in result.stdout  # an unread date is no conflict
    assert "not understood: not compared" in " ".join(result.stdout.split())


@pytest.mark.parametrize("query, listed", [
    ("January 8, 1984", "1984-01-08"), ("8 Jan 1984", "1984-01-08"), ("8-JAN-1984", "1984-01-08"),
    ("Jan 1984", "1984-01-15"),
    ("circa 1960", "1960-05-01"), ("c. 1960", "1960"), ("approximately 1960", "1960"), ("ca. 1960", "1961"),
    ("1960 to 1962", "1961-03-02"), ("1960-1962", "1962"), ("1960–1962", "1961"),
])
def test_birth_dates_in_common_forms_agree(query, listed):
    verdict = compare_profiles(person("Ri Je Son", birthDate=query), person("Ri Je-son", birthDate=listed))
    [evidence] = [item for item in verdict.evidence if item.feature == "birth_date"]
    assert evidence.effect > 0 and "agree" in evidence.detail, verdict.explanation()


@pytest.mark.parametrize("query, listed", [
    ("January 8, 1984", "1950-01-08"), ("13/10/1944", "1970-10-13"), ("1960 to 1962", "1970"),
    ("circa 1960", "1975-02-02"),
])
def test_birth_dates_in_common_forms_still_disagree(query, listed):
    """A guard: reading more forms must not make every date agree."""
    verdict = compare_profiles(person("Ri Je Son", birthDate=query), person("Ri Je-son", birthDate=listed))
    [evidence] = [item for item in verdict.evidence if item.feature == "birth_date"]
    assert evidence.effect < 0, verdict.explanation()


@pytest.mark.parametrize("listed", ["1944-02-01", "1944-01-02"])
def test_an_ambiguous_numeric_date_agrees_with_either_reading(listed):
    verdict = compare_profiles(person("Ri Je Son", birthDate="01/02/1944"), person("Ri Je-son", birthDate=listed))
    [evidence] = [item for item in verdict.evidence if item.feature == "birth_date"]
    assert evidence.effect > 0, verdict.explanation()


def test_an_ambiguous_numeric_date_conflicts_only_when_every_reading_does():
    query = person("Ri Je Son", birthDate="01/02/1944")
    same_year = compare_profiles(query, person("Ri Je-son", birthDate="1944-03-04"))
    other = compare_profiles(query, person("Ri Je-son", birthDate="1950-01-02"))
    assert [e.effect for e in same_year.evidence] == [-0.15] and [e.effect for e in other.evidence] == [-0.3]


@pytest.mark.parametrize("unread", ["xyz", "31/31/1944", "sometime in the sixties"])
def test_an_unreadable_birth_date_is_unknown_and_said_so(unread):
    plain = compare_profiles(person("Ri Je Son"), person("Ri Je-son", birthDate="1938"))
    verdict = compare_profiles(person("Ri Je Son", birthDate=unread), person("Ri Je-son", birthDate="1938"))
    assert verdict.score == plain.score and verdict.match
    assert not [item for item in verdict.evidence if item.feature == "birth_date"]
    assert f"birth date '{unread}' not understood: not compared" in verdict.explanation()["notes"]


# -- defect 5: names with a bracketed qualifier ----------------------------------------------------


def test_a_qualifier_is_not_a_word_of_the_name():
    plain = compare_profiles(person("Kim Jong Un"), person("Kim Jong-sun"))
    qualified = compare_profiles(person("Kim Jong Un"), person("Kim Jong-sun (fictional)"))
    assert not qualified.match and qualified.score == plain.score, qualified.explanation()
    assert qualified.name.method == "korean"
    assert any("(fictional)" in note for note in qualified.explanation()["name"]["notes"])


@pytest.mark.parametrize("qualified, plain", [
    ("장성택 (정치인)", "Jang Song Thaek"),
    ("張成澤（政治家）", "Jang Song-thaek"),
    ("Kim Jong Un [alias]", "김정은"),
    ("【别名】 张成泽", "Jang Song Thaek"),
    ("Jang Song-thaek (born 1946)", "장성택"),
])
def test_a_qualified_name_keeps_its_korean_reading(qualified, plain):
    verdict = compare_profiles(person(qualified), person(plain))
    assert verdict.match and verdict.name.score == 1.0 and verdict.name.method == "korean", verdict.explanation()


def test_a_year_in_a_qualifier_is_a_birth_year_hint():
    listed_1912 = person("Kim Il", birthDate="1912-03-02")
    listed_1960 = person("Kim Il", birthDate="1960-05-05")
    agree = compare_profiles(person("Kim Il (born 1912)"), listed_1912)
    disagree = compare_profiles(person("Kim Il (born 1912)"), listed_1960)
    assert agree.name.score == disagree.name.score == 1.0  # "born 1912" is no word of the name
    assert [e.feature for e in agree.evidence] == ["birth_date"] and agree.evidence[0].effect > 0
    assert "born 1912" in agree.evidence[0].detail
    stated = compare_profiles(person("Kim Il", birthDate="1912"), listed_1960)
    assert disagree.evidence[0].effect == stated.evidence[0].effect < 0 and disagree.score == stated.score
    life_span = compare_profiles(person("Kim Il (1912–1984)"), listed_1912)
    assert life_span.evidence[0].effect > 0


def test_a_year_that_is_not_said_to_be_a_birth_is_no_hint():
    verdict = compare_profiles(person("Kim Il (2019 interview)"), person("Kim Il", birthDate="1960"))
    assert verdict.name.score == 1.0 and not verdict.evidence and verdict.match


def test_the_example_network_keeps_fictional_out_of_names():
    lines = [json.loads(line) for line in (REPO / "src" / "moneymen" / "data" / "example_network.jsonl").open()]
    names = [s["value"] for line in lines for s in line["statements"] if s["prop"] in ("name", "alias")]
    assert names and not [name for name in names if "fictional" in name.lower()]
    sun = next(line for line in lines if line["id"] == "ex-kim-jong-sun")
    assert any(s["prop"] == "notes" and "Fictional" in s["value"] for s in sun["statements"])


# -- defect 6: pairs the matcher got wrong ---------------------------------------------------------


@pytest.mark.parametrize("left, right, schema", [
    ("SALEK, ABDULHAI", "Abdul HADI", "Person"),        # Abdulhai is Abdul + Hai, not Abdul + Hadi
    ("SALEK, ABDULHAI", "Abdul HAQ", "Person"),         # nor Abdul + Haq
    ("KOMID", "KMID", "Organization"),                 # two acronyms one letter apart
    ("成 朱", "Zhu CHEN", "Person"),                    # 成 is cheng, never chen
    ("陈朱", "Cheng Zhu", "Person"),
])
def test_pairs_that_must_not_match(left, right, schema):
    verdict = compare_profiles(entity(schema, left), entity(schema, right))
    assert not verdict.match, verdict.explanation()


@pytest.mark.parametrize("left, right, schema", [
    ("Korea Kwangson Bank", "KOREA KWANGSON BANKING CORP", "Organization"),
    ("Korea Kwangson Trade Company", "Korea Kwangson Trading Corporation", "Company"),
    ("SALEK, ABDULHADI", "Abdul HADI Salek", "Person"),  # a compound written apart, every part the same
    ("Mohamadhasni", "Mohammad Hasni", "Person"),
    ("成 朱", "Cheng Zhu", "Person"),
    ("张成泽", "Chang Cheng-tse", "Person"),            # Wade–Giles spelling of the characters' Pinyin
    ("KOMID", "K.O.M.I.D.", "Organization"),
])
def test_pairs_that_must_match(left, right, schema):
    """The pairs of defect 6 that must match, and guards that the fixes keep what was right."""
    verdict = compare_profiles(entity(schema, left), entity(schema, right))
    assert verdict.match, verdict.explanation()
