"""Name and entity matching as an analyst would check it: decisions and explanations."""

from __future__ import annotations

import json

import pytest

from moneymen.match.profiles import DEFAULT_THRESHOLD, Profile, compare_profiles
from moneymen.match.names import compare_names

from conftest import run_cli


def person(name: str, **properties: str) -> Profile:
    return Profile.from_properties("Person", {"name": [name], **{k: [v] for k, v in properties.items()}})


@pytest.mark.parametrize("left, right", [
    ("Jang Song Thaek", "장성택"),
    ("Jang Song-thaek", "張成澤"),
    ("Chang Sŏng-t'aek", "Jang Song Thaek"),
    ("JANG Song Taek", "장성택"),
    ("张成泽", "Jang Song-thaek"),
    ("Kim Jong Un", "김정은"),
    ("Kim Jong Un", "Ким Чен Ын"),
    ("Kim Jong-un", "KIM Jong Un"),
    ("Jong Un Kim", "Kim Jong Un"),
])
def test_one_korean_man_across_scripts_and_romanizations(left, right):
    verdict = compare_profiles(person(left), person(right))
    assert verdict.match, verdict.explanation()
    assert verdict.name.method in ("korean", "exact")


@pytest.mark.parametrize("left, right", [
    ("Kim Jong Un", "Kim Jong Nam"),
    ("Kim Jong Un", "Kim Un Jong"),
    ("Kim Jong Un", "Kim Jong Il"),
    ("Kim Jong Un", "김정남"),
])
def test_different_korean_men_do_not_match(left, right):
    verdict = compare_profiles(person(left), person(right))
    assert not verdict.match, verdict.explanation()


def test_the_explanation_says_which_syllable_differs():
    verdict = compare_profiles(person("Kim Jong Un"), person("Kim Jong Nam"))
    parts = verdict.explanation()["name"]["parts"]
    assert [part["score"] for part in parts if part["role"] == "surname"] == [1.0]
    assert any(part["score"] == 0 and part["role"] == "given" for part in parts)


@pytest.mark.parametrize("left, right, schema, expected", [
    ("Olaf Scholz", "Olaf Scholze", "Person", True),
    ("Angela Merkel", "Angelo Cruz", "Person", False),
    ("SALEK, ABDULHAI", "ABDULHAI SALEK", "Person", True),
    ("Владимир Путин", "Vladimir Putin", "Person", True),
    ("Korea Kwangson Banking Corp", "KOREA KWANGSON BANKING CORPORATION", "Company", True),
    ("Siemens AG", "Siemens Aktiengesellschaft", "Company", True),
    ("Korea Mining Development Trading Corporation", "Korea United Development Bank", "Organization", False),
])
def test_generic_names(left, right, schema, expected):
    verdict = compare_profiles(Profile.from_properties(schema, {"name": [left]}),
                               Profile.from_properties(schema, {"name": [right]}))
    assert verdict.match is expected, verdict.explanation()


def test_legal_forms_are_set_aside_and_said_so():
    result = compare_names("Ocean Maritime Management Company Limited", "OCEAN MARITIME MANAGEMENT CO LTD", "Company")
    assert result.score == 1.0 and "legal forms ignored" in result.notes


def test_birth_dates_and_identifiers_move_the_score():
    base = compare_profiles(person("Ri Je Son"), person("Ri Je-son")).score
    agree = compare_profiles(person("Ri Je Son", birthDate="1938"), person("Ri Je-son", birthDate="1938"))
    disagree = compare_profiles(person("Ri Je Son", birthDate="1938"), person("Ri Je-son", birthDate="1970-01-01"))
    assert agree.score >= base > disagree.score
    assert any("birth dates disagree" in item.detail for item in disagree.evidence)
    renamed = compare_profiles(Profile.from_properties("Vessel", {"name": ["NEW LUCKY"], "imoNumber": ["IMO 8914934"]}),
                               Profile.from_properties("Vessel", {"name": ["JI SONG 6"], "imoNumber": ["8914934"]}))
    assert renamed.match and "same IMO number 8914934" in renamed.explanation()["evidence"][0]["detail"]
    other_ship = compare_profiles(Profile.from_properties("Vessel", {"name": ["JI SONG 6"], "imoNumber": ["8914934"]}),
                                  Profile.from_properties("Vessel", {"name": ["JI SONG 6"], "imoNumber": ["9187863"]}))
    assert not other_ship.match


def test_a_person_cannot_be_a_vessel():
    verdict = compare_profiles(person("Chon Ma San"), Profile.from_properties("Vessel", {"name": ["CHON MA SAN"]}))
    assert verdict.score == 0 and not verdict.match


def test_compare_command_prints_score_decision_and_explanation():
    result = run_cli("compare", "Jang Song Thaek", "張成澤", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["match"] is True and data["name"]["method"] == "korean"
    text = run_cli("compare", "Kim Jong Un", "Kim Jong Nam")
    assert "no match" in text.stdout
    bad = run_cli("compare", "a", "b", "--schema", "Pirate")
    assert bad.returncode != 0 and "unknown FtM schema 'Pirate'" in bad.stderr


def test_match_pairs_writes_scores_for_each_pair(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("left,right,schema,label\nKim Jong Un,김정은,Person,yes\nKim Jong Un,Kim Jong Nam,Person,no\n"
                     "Siemens AG,Siemens Aktiengesellschaft,Company,yes\n", encoding="utf-8")
    out = tmp_path / "scored.csv"
    result = run_cli("match-pairs", str(pairs), "-o", str(out))
    assert result.returncode == 0, result.stderr
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [row["match"] for row in rows] == ["true", "false", "true"]
    assert all(row["label"] for row in rows) and all(0 <= float(row["score"]) <= 1 for row in rows)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\nx,y\n")
    failed = run_cli("match-pairs", str(bad), "-o", str(tmp_path / "x.csv"))
    assert failed.returncode != 0 and "expected columns left,right" in failed.stderr
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("left, right, expected", [
    ("조선남강무역회사", "Korea Namgang Trading Company", True),
    ("조선백호무역회사", "Joson Paekho Muyok Hoesa", True),
    ("조선백호무역회사", "Korea Paekho Trading Corporation", True),
    ("조선남강무역회사", "Korea Paekho Trading Corporation", False),
    ("Korea Kwangson Banking Corp.", "KOREA KWANGSON BANKING CORPORATION (KKBC)", True),
    ("Bain Capital Fund X L.P.", "Bain Capital Fund XI L.P.", False),
    ("Phoenix Pioneer Maritime", "Phoenix Association", False),
    ("PLA", "People's Liberation Army", True),  # an acronym against the words it stands for
    ("U.S. Department of State", "United States Department of State", True),
    ("H&M Hennes & Mauritz AB", "H and M Hennes and Mauritz AB", True),
    ("Al Qaeda", "Al Qa'ida", True),
    ("SiemensAG", "Siemens AG", True),  # the legal form written onto the name
    ("BD p.l.c.", "BP p.l.c.", False),
    ("First Bank Int'l", "First International Bank", True),  # an abbreviated word
    ("로케트공업부", "Rocket Industry Department", True),  # 부: ministry or department
    ("China Construction Trust Corporation", "China Construction Bank Corporation", False),  # bank ≠ trust
    ("faberlic", "FABERLIC EUROPE Sp. z o.o.", True),  # Polish legal form set aside
    ("Sapphire Association of Qungdao", "Sapphire Oasis Fisheries Inc.", False),  # "of" is no acronym
    ("Korea Hwansim Shipping Inc.", "Korea Hwansun Shipping LLC", False),  # two slips: another company
    ("Korea Kapuj Technology S.A.", "Silver Apex Technology Corporation", False),  # S.A. is a legal form
    ("Korea Hwansim Shipping Inc.", "Korea Hwansin Shipping LLC", True),  # one slip: a misspelling
])
def test_organisation_names_in_hangul_and_series(left, right, expected):
    verdict = compare_profiles(Profile.from_properties("Organization", {"name": [left]}),
                               Profile.from_properties("Organization", {"name": [right]}))
    assert verdict.match is expected, verdict.explanation()


@pytest.mark.parametrize("left, right, expected", [
    ("SALMAN BIN MUHAMMAD AL-RAWI", "MUHAMMAD BIN SALMAN AL-RAWI", False),   # father and son swapped
    ("MOHAMMED SHAMSUDDIN AL-TIKRITI", "MOHAMMED SHAMSUDDIN AL-MOSULI", False),  # a different family name
    ("Vladimir Vladimirovich Putin", "Vladimir Putin", True),  # a patronymic omitted
    ("VladimirPutin", "Vladimir Putin", True),
    ("AREFULLAHA REF GHAZI MOHAMMAD", "AREFULLAH AREF GHAZI MOHAMMAD", True),  # a space moved
    ("MUN KYONG HWAAN", "MUN KYONG HWAN", True),  # a slip that is no Korean syllable
    ("A. Nazarbayev", "Nursultan Nazarbayev", False),  # the initial does not fit
    ("President Erdoğan", "Recep Tayyip Erdoğan", True),
    ("JC Juncker", "Jean-Claude Juncker", True),  # initials of a compound given name
    ("JM Juncker", "Jean-Claude Juncker", False),
    ("Nikolai Patr ushev", "Nikolai Platonovich Patrushev", True),  # one word split in two
    ("Charles O'Brien", "Charles OBrien", True),  # an apostrophe joins, it does not split
    ("Kim San Sl", "Kim Su", False),  # a garbled word does not stand in for another short one
    ("Kim San Sl", "San Song Li", False),  # "Sl" beside an unmatched surname is no pair of initials
    ("Derek Schmidt", "D. S. Aldyn Syd", False),  # initials alone, no word in common
    ("Kim U-kwan", "Kim Kwang", False),  # a syllable fewer is another name, not a slip
    ("JONNG U KUN", "KUN JU", False),  # initials stand for words, not for other initials
])
def test_person_name_structure(left, right, expected):
    verdict = compare_profiles(person(left), person(right))
    assert verdict.match is expected, verdict.explanation()


def test_hangul_words_are_written_as_rigour_writes_them():
    """Hangul words are transliterated a syllable at a time (fast on a list of a million names);
    the spelling, hyphens included (가어 → ga-eo, 속귕 → soggwing), is rigour's for the whole word."""
    import random

    from rigour.text.translit import ascii_text

    from moneymen.names.tokens import hangul_ascii

    rng = random.Random(2013)
    words = ["장성택", "김정은", "가어", "속귕", "쵻쓴", "앉아", "닭알"]
    words += ["".join(chr(rng.randint(0xAC00, 0xD7A3)) for _ in range(rng.randint(1, 5))) for _ in range(1500)]
    assert [hangul_ascii(word) for word in words] == [ascii_text(word) for word in words]


# -- organisations named with their country, and OFAC's abbreviated words ------------------------


def organisation(name: str, country: str | None = None) -> Profile:
    return Profile.from_properties("Organization", {"name": [name], **({"country": [country]} if country else {})})


@pytest.mark.parametrize("un, ofac", [
    ("FOREIGN TRADE BANK (FTB)", "FOREIGN TRADE BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA"),  # KPe.047
    ("SHANGHAI DONGFENG SHIPPING CO LTD", "SHANGHAI DONGFENG SHPG CO LTD"),                           # KPe.072
    ("SHEN ZHONG INTERNATIONAL SHIPPING", "SHEN ZHONG INTERNATIONAL SHPG"),                           # KPe.073
])
def test_un_and_ofac_names_of_one_dprk_entity_match(un, ofac):
    """The UN's and OFAC's names of three DPRK entities, as the two lists write them, reach the
    screening threshold on their names alone."""
    verdict = compare_profiles(organisation(un), organisation(ofac))
    assert verdict.match and verdict.score >= DEFAULT_THRESHOLD, verdict.explanation()


@pytest.mark.parametrize("left, right", [
    ("Foreign Trade Bank of Iran", "Foreign Trade Bank of the Democratic People's Republic of Korea"),
    ("Foreign Trade Bank of Iran", "Foreign Trade Bank of the DPRK"),
    ("Foreign Trade Bank of the Republic of Korea", "Foreign Trade Bank of North Korea"),  # the South, the North
    ("Foreign Trade Bank of Iran", "Myanma Foreign Trade Bank"),  # the country against a word of the other
    ("Bank of China", "Bank of Korea"),  # nothing but the country tells these apart
])
def test_one_name_of_two_countries_does_not_match(left, right):
    verdict = compare_profiles(organisation(left), organisation(right))
    assert not verdict.match and verdict.score < DEFAULT_THRESHOLD, verdict.explanation()


@pytest.mark.parametrize("left", ["Foreign Trade Bank of North Korea", "Foreign Trade Bank of Korea, North",
                                  "Foreign Trade Bank of the DPRK", "Foreign Trade Bank of DPR Korea"])
def test_the_same_country_in_any_of_its_names_is_the_same_name(left):
    result = compare_names(left, "FOREIGN TRADE BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA", "Organization")
    assert result.score == 1.0 and "same country: kp" in result.notes, result.to_dict()


def test_a_country_qualifier_is_set_aside_and_said_so():
    result = compare_names("Foreign Trade Bank", "Foreign Trade Bank of the DPRK", "Organization")
    assert 0.7 <= result.score < 0.9, result.to_dict()  # a near match, not a close name by itself
    assert "only one name says its country: kp" in result.notes
    assert any("set aside as a qualifier" in note and "of the dprk" in note for note in result.notes)


def test_the_records_country_confirms_or_contradicts_a_country_only_one_name_says():
    ofac = organisation("FOREIGN TRADE BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA")
    bare = compare_profiles(organisation("FOREIGN TRADE BANK (FTB)"), ofac)
    in_pyongyang = compare_profiles(organisation("FOREIGN TRADE BANK (FTB)", "Democratic People's Republic of Korea"), ofac)
    in_iran = compare_profiles(organisation("FOREIGN TRADE BANK (FTB)", "Iran"), ofac)
    assert in_pyongyang.score == 1.0, in_pyongyang.explanation()
    assert in_pyongyang.score > bare.score > in_iran.score, (bare.explanation(), in_iran.explanation())
    assert "the other's record states it: kp" in " ".join(in_pyongyang.name.notes)


@pytest.mark.parametrize("abbreviated, written_out", [
    ("X SHPG CO LTD", "X Shipping Company Limited"),
    ("KOREA SAMMA SHPG CO", "Korea Samma Shipping Company"),
    ("KOREA MARINE & INDUSTRIAL TRDG", "Korea Marine and Industrial Trading"),
    ("OIL TANKERS SCF MGMT FZCO", "Oil Tankers SCF Management FZCO"),
    ("BLACK DROP INTL CO., LIMITED", "Black Drop International Company Limited"),
    ("ZHEJIANG QINGJI IND. CO., LTD", "Zhejiang Qingji Industry Company Limited"),
    ("PALM GROVE AFRICA DEV'T CORP. LTD", "Palm Grove Africa Development Corporation Limited"),
    ("ZHEJIANG WONDER IMP. AND EXP. CO., LTD.", "Zhejiang Wonder Import and Export Company Limited"),
    ("SADID CARAN SABA ENG. CO.", "SADID CARAN SABA ENGINEERING COMPANY"),
])
def test_words_ofac_abbreviates_are_the_words_in_full(abbreviated, written_out):
    verdict = compare_profiles(organisation(abbreviated), organisation(written_out))
    assert verdict.match and verdict.score == 1.0, verdict.explanation()
