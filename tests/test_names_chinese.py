"""Chinese names in Pinyin and Wade–Giles: one man however his name is romanized, and not another."""

from __future__ import annotations

import pytest

from moneymen.match.profiles import Profile, compare_profiles
from moneymen.names.chinese import pinyin_split, same_chinese_name, wade_giles


@pytest.mark.parametrize("syllable, pinyin", [
    ("hsi", {"xi"}), ("hsiao", {"xiao"}), ("shih", {"shi"}), ("tse", {"ze", "ce"}), ("tung", {"dong", "tong"}),
    ("chin", {"jin", "qin"}), ("hsueh", {"xue"}), ("yeh", {"ye"}), ("erh", {"er"}),
])
def test_wade_giles_syllables_read_as_pinyin(syllable, pinyin):
    assert wade_giles(syllable) == pinyin


def test_a_pinyin_word_splits_into_syllables():
    assert ("jin", "ping") in pinyin_split("jinping")
    assert ("ze", "dong") in pinyin_split("zedong")
    assert pinyin_split("putin") == ()  # not Chinese


def test_names_compare_syllable_by_syllable():
    assert same_chinese_name(("mao", "tse", "tung"), ("mao", "zedong"))
    assert same_chinese_name(("teng", "hsiao", "ping"), ("deng", "xiaoping"))
    assert not same_chinese_name(("mao", "tse", "tung"), ("mao", "zemin"))
    assert not same_chinese_name(("hsi", "chin", "ping"), ("xi", "jinhua"))


@pytest.mark.parametrize("left, right, expected", [
    ("Mao Tse-tung", "Mao Zedong", True),
    ("Hsi Chin-p'ing", "Xi Jinping", True),
    ("Teng Hsiao-p'ing", "Deng Xiaoping", True),
    ("Mao Tse-tung", "Mao Zemin", False),
    ("Hsi Chin-p'ing", "Xi Jinhua", False),
    ("Kim Jong Un", "Kim Jong Nam", False),  # Korean names keep their own comparison
])
def test_people_match_across_wade_giles_and_pinyin(left, right, expected):
    verdict = compare_profiles(Profile.from_properties("Person", {"name": [left]}),
                               Profile.from_properties("Person", {"name": [right]}))
    assert verdict.match is expected, verdict.explanation()
    if expected:
        assert verdict.name.method == "chinese"


def test_screening_finds_the_pinyin_record_for_a_wade_giles_query():
    from moneymen.match.screener import ListedEntity, Screener

    listed = [ListedEntity(f"mao-{n}", "Person", f"Mao {given}", {"name": [f"Mao {given}"]}, ("test",), ())
              for n, given in enumerate(["Anying", "Xinyu", "Yuanxin", "Zemin", "Dun", "Ning"] * 20)]
    listed.append(ListedEntity("mao", "Person", "Mao Zedong", {"name": ["Mao Zedong"]}, ("test",), ()))
    screener = Screener(listed)
    results = screener.screen(Profile.from_properties("Person", {"name": ["Mao Tse-tung"]}), limit=3)
    assert results[0].entity.id == "mao" and results[0].match.match
