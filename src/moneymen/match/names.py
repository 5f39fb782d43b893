"""Comparing two names: the Korean path (syllables in order, across scripts) and the generic path.

A name is analysed once (cached) into ASCII tokens, their phonetic keys, its scripts, its
legal forms (organisations) and, for people, its readings as a Korean name. A qualifier in
brackets of a person's name ("Kim Jong-sun (fictional)", "장성택 (정치인)", "[alias]") is set
aside first: it is no word of the name, and the explanation says it was set aside. Two people's
names that both read as Korean are compared syllable by syllable, in order; everything else
goes through token alignment with transliteration, edit distance and phonetics.
"""

from __future__ import annotations

import re
from itertools import pairwise
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz.distance import OSA
from rigour.names.org_types import replace_org_types_compare
from rigour.text.phonetics import metaphone
from rigour.text.scripts import text_scripts
from rigour.text.translit import ascii_text

from moneymen.dates import birth_date_in_qualifier
from moneymen.match.orgs import (ABBREVIATIONS, GENERIC_WORDS, ROMANIZED_ORG_WORDS, SYNONYMS, korean_org_words,
                                 normalise_org_tokens)
from moneymen.names.chinese import same_chinese_name, same_syllable, uses_wade_giles
from moneymen.names.korean import KoreanName, compare_korean_names, read_korean_name, romanize
from moneymen.names.korean.hangul import INITIAL_INDEX, compose, decompose
from moneymen.names.korean.reading import reading_from_spelling, spelling_of

#: Scripts in which Korean names are written besides Latin.
KOREAN_SCRIPTS = frozenset({"Hangul", "Han", "Cyrillic"})
GENERIC_WEIGHT = 0.3
_PUNCTUATION = str.maketrans({ch: " " for ch in ",.;:()[]{}\"/\\-_“”!?*&+#|<>"})
#: Apostrophes and the letters for Arabic 'ayn and hamza join a word, never split it: Qa'ida, O'Brien.
_APOSTROPHES = str.maketrans({ch: None for ch in "'`’‘ʼʻʿʾ"})
#: Words joining parts of an organisation's name: "H and M" is "H&M".
CONNECTORS = frozenset({"and", "und", "et"})
#: Particles of names ("al", "bin", "van", "de"), never read as initials.
PARTICLES = frozenset({"al", "el", "bin", "ibn", "bint", "abu", "ben", "van", "von", "de", "da", "di", "du",
                       "la", "le", "del", "der", "den", "mc", "st", "dos", "das"})
#: Short words skipped when reading initials: "People's Liberation Army of China" is PLA.
INITIALS_SKIP = frozenset({"of", "the", "and", "for", "de", "du", "des", "la", "le", "et", "und", "y"})


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name as the matcher sees it."""

    text: str
    kind: str                       # "person", "organization" or "other"
    tokens: tuple[str, ...]         # ASCII, lower case, legal forms removed
    phonetic: tuple[str, ...]
    weights: tuple[float, ...]
    scripts: frozenset[str]
    legal_forms: tuple[str, ...] = ()
    korean: tuple[KoreanName, ...] = ()
    native: tuple[str, ...] = ()     # words (Han: characters) in the original script, when one script
    qualifiers: tuple[str, ...] = ()  # bracketed notes set aside, as written: "(fictional)"


@dataclass(frozen=True, slots=True)
class Part:
    """One step of a name comparison, for the explanation: which part matched which, and how."""

    left: str
    right: str
    how: str
    score: float
    role: str = ""

    def as_dict(self) -> dict:
        data = {"left": self.left, "right": self.right, "how": self.how, "score": round(self.score, 3)}
        if self.role:
            data["role"] = self.role
        return data


@dataclass(frozen=True, slots=True)
class NameComparison:
    """How similar two names are (0–1), by which method, and the parts that explain it."""

    left: str
    right: str
    score: float
    method: str                     # "exact", "korean", "chinese", "tokens"
    parts: tuple[Part, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"left": self.left, "right": self.right, "score": round(self.score, 3), "method": self.method,
                "parts": [part.as_dict() for part in self.parts], "notes": list(self.notes)}


@lru_cache(maxsize=None)
def kind_of(schema: str) -> str:
    """The kind of name a schema has: person, organization (legal forms apply) or other (vessels…)."""
    from moneymen.match.schemata import schema_facts

    found = schema_facts(schema)
    if found is None:
        raise ValueError(f"unknown FtM schema {schema!r}")
    if found.is_a("Person"):
        return "person"
    if found.is_a("LegalEntity"):  # organisations, companies, public bodies, and "entities" of lists
        return "organization"
    return "other"


#: Words that are not part of a person's name: honorifics and offices.
TITLES = frozenset({
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "monsieur", "madame",
    "mme", "mlle", "herr", "frau", "senor", "senora", "don", "dona", "president", "general", "gen", "colonel",
    "col", "major", "maj", "captain", "capt", "lieutenant", "lt", "admiral", "minister", "mp", "hon",
    "honourable", "honorable", "excellency",
})
#: English number words, so that "Brigade Forty-Four" meets "Brigade 44" and "First" meets "1st".
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10,
}
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")
_DIGIT_FIRST = re.compile(r"(?<!\S)\d")  # a word that begins with a digit
_ROMAN = re.compile(r"^(?=[ivx])(x{0,3})(ix|iv|v?i{0,3})$")
#: Scripts compared in their own letters when both names use them (transliteration loses too much).
NATIVE_SCRIPTS = frozenset({"Han", "Arabic", "Hebrew", "Cyrillic", "Greek", "Thai", "Khmer", "Ethiopic",
                            "Bengali", "Devanagari", "Georgian", "Armenian", "Hiragana", "Katakana"})


#: A qualifier: a note in brackets, round, square or full-width (also one left unclosed at the end).
_QUALIFIER = re.compile(r"[(\[（【［〔][^()\[\]（）【】［］〔〕]*(?:[)\]）】］〕]|$)")
_BRACKETS = "()[]（）【】［］〔〕"


@lru_cache(maxsize=100_000)
def split_qualifiers(text: str) -> tuple[str, tuple[str, ...]]:
    """A name without its bracketed qualifiers, and the qualifiers as written.

    ``split_qualifiers("Kim Jong-sun (fictional)") == ("Kim Jong-sun", ("(fictional)",))``. A
    bracket in another script than the name is the name written in that script (the UN writes
    "عبدالله السندي (Abdullah Sindhi)"), not a qualifier, unless it states a birth date
    ("(1912년생)") or has no letters; it stays part of the name. A name that is nothing but
    brackets is kept whole: its letters are the name.
    """
    if not _QUALIFIER.search(text):
        return text, ()
    rest = " ".join(_QUALIFIER.sub(" ", text).split())
    if not any(ch.isalnum() for ch in rest):
        return text, ()
    scripts = set(text_scripts(rest))
    kept, qualifiers = [], []
    position = 0
    for found in _QUALIFIER.finditer(text):
        inner = qualifier_text(found.group())
        if set(text_scripts(inner)) <= scripts or birth_date_in_qualifier(inner):
            kept.append(text[position:found.start()])
            qualifiers.append(found.group().strip())
            position = found.end()
    if not qualifiers:
        return text, ()
    kept.append(text[position:])
    return " ".join(" ".join(kept).split()), tuple(qualifiers)


def qualifier_text(qualifier: str) -> str:
    """A qualifier without its brackets: "(born 1912)" → "born 1912"."""
    return qualifier.strip(_BRACKETS + " ")


@lru_cache(maxsize=500_000)
def analyse(text: str, kind: str) -> NameForm:
    """Analyse a name once; results are cached because screening meets the same names again and again.

    Qualifiers in brackets of people's and vessels' names are set aside (see
    :func:`split_qualifiers`) and kept in the form's ``qualifiers``; ``text`` stays the name as
    written. In an organisation's name a bracket names a branch or a country ("ICBC (Asia)",
    "ICBC (London)"): its words are words of the name.
    """
    # an organisation's bracket is part of its name: "Bank of China (Hong Kong)" is not the Australian one
    name, qualifiers = split_qualifiers(text) if kind != "organization" else (text, ())
    scripts = frozenset(text_scripts(name))
    cleaned = name.translate(_APOSTROPHES).translate(_PUNCTUATION)
    raw_tokens = cleaned.split()
    legal_forms: tuple[str, ...] = ()
    if kind == "organization":
        # letters written apart are one word before legal forms are looked up: "S.A.", "B.V."
        raw_tokens = _drop_own_acronym(_collapse_initials(raw_tokens))
        # rigour knows the world's legal forms (Aktiengesellschaft → ag, ООО → ooo); our table then
        # sets them aside, with Korean and Chinese forms and generic words
        raw_tokens = replace_org_types_compare(" ".join(raw_tokens).lower()).split()
        kept, forms = normalise_org_tokens(raw_tokens)
        legal_forms = tuple(forms)
        raw_tokens = [token for token in kept if token not in CONNECTORS] or kept
    elif kind == "person":
        kept = [token for token in raw_tokens if token.lower().rstrip(".") not in TITLES]
        raw_tokens = kept or raw_tokens
    tokens = []
    for token in raw_tokens:
        if kind == "organization" and "Hangul" in scripts and _is_hangul(token):
            tokens.extend(_korean_org_words(token))
        else:
            tokens.extend(_ascii_words(token))
    tokens = _numbers(tokens)
    if kind == "organization":
        tokens = _collapse_initials([ROMANIZED_ORG_WORDS.get(token) or ABBREVIATIONS.get(token, token)
                                     for token in tokens])
    korean: tuple[KoreanName, ...] = ()
    if kind == "person" and (scripts & KOREAN_SCRIPTS or (scripts == {"Latin"} and len(raw_tokens) > 1)):
        korean = read_korean_name(name)
    native: tuple[str, ...] = ()
    if len(scripts) == 1 and scripts <= NATIVE_SCRIPTS:
        native = tuple(ch for token in raw_tokens for ch in token) if scripts == {"Han"} else \
            tuple(token.lower() for token in raw_tokens)
    return _form(text, kind, tuple(tokens), scripts, legal_forms, korean, native, qualifiers)


def _form(text: str, kind: str, tokens: tuple[str, ...], scripts: frozenset[str], legal_forms: tuple[str, ...],
          korean: tuple[KoreanName, ...], native: tuple[str, ...], qualifiers: tuple[str, ...]) -> NameForm:
    """A name's form, with the sounds and weights of its words."""
    organization = kind == "organization"
    weights = tuple((GENERIC_WEIGHT if organization and token in GENERIC_WORDS else 1.0) * max(len(token), 2)
                    for token in tokens)
    return NameForm(text, kind, tokens, tuple(map(_metaphone, tokens)), weights, scripts, legal_forms, korean,
                    native, qualifiers)


def form_record(form: NameForm) -> list:
    """What a record keeps of an analysed name to give it back without analysing it again
    (:func:`restored_form`): its words, legal forms, scripts, Korean readings (by how each
    syllable is written), words in their own script and qualifiers, as JSON values. The text
    and kind are the record's own; sounds and weights follow from the words."""
    return [form.tokens, form.legal_forms, sorted(form.scripts),
            [[*spelling_of(reading), *(() if reading.text == form.text else (reading.text,))]
             for reading in form.korean],
            form.native, form.qualifiers]


def restored_form(text: str, kind: str, record: list) -> NameForm:
    """The form :func:`analyse` gives ``text`` as a ``kind`` of name (an equal one), from its
    :func:`form_record`: about 10 µs against 75 µs for an analysis of a typical listed name."""
    tokens, legal_forms, scripts, readings, native, qualifiers = record
    korean = tuple(reading_from_spelling(script, surname, given, given_first, read[0] if read else text)
                   for script, surname, given, given_first, *read in readings)
    return _form(text, kind, tuple(tokens), frozenset(scripts), tuple(legal_forms), korean, tuple(native),
                 tuple(qualifiers))


@lru_cache(maxsize=200_000)  # names share their words: each is transliterated once
def _ascii_words(token: str) -> tuple[str, ...]:
    """A word of a name in lower-case ASCII, split where its transliteration has punctuation."""
    if token.isascii():
        ascii_token = token.lower()
    else:
        ascii_token = (hangul_ascii(token) if _is_hangul(token) else ascii_text(token)).lower()
    return tuple(ascii_token.translate(_APOSTROPHES).translate(_PUNCTUATION).split())


def hangul_ascii(word: str) -> str:
    """A word of Hangul syllables as rigour's ``ascii_text`` writes it, a syllable at a time.

    rigour transliterates Hangul letter by letter, with a hyphen where two syllables would
    otherwise read ambiguously (속귕 → soggwing, 가어 → ga-eo), and takes a fifth of a
    millisecond for each new word: a list of a million names has hundreds of thousands of
    them. Its spelling of each syllable, and its choice at each boundary, are asked of it once.
    """
    if not word:
        return ""
    parts = [_syllable_ascii(word[0])]
    for before, after in pairwise(word):
        parts.append(_boundary_ascii(*_boundary(before, after)))
        parts.append(_syllable_ascii(after))
    return "".join(parts)


def _boundary(before: str, after: str) -> tuple[str, str]:
    """Two syllables that meet as ``before`` and ``after`` do: what rigour's choice of a hyphen
    between them depends on (the final and initial letters, or the vowels where neither has one)."""
    _, medial, final = decompose(before)
    initial = decompose(after)[0]
    if final == 0 and initial == _NULL_INITIAL:
        return compose(0, medial), after  # 가, 거… against 아, 어…
    return compose(0, 0, final), compose(initial, 0)  # 각, 갂… against 가, 까…


_NULL_INITIAL = INITIAL_INDEX["ㅇ"]


@lru_cache(maxsize=1 << 14)
def _syllable_ascii(syllable: str) -> str:
    return ascii_text(syllable)


@lru_cache(maxsize=1 << 14)
def _boundary_ascii(before: str, after: str) -> str:
    """"-" where rigour writes one between these syllables, else ""."""
    whole = ascii_text(before + after)
    return "" if whole == _syllable_ascii(before) + _syllable_ascii(after) else "-"


@lru_cache(maxsize=20_000)
def _korean_org_words(token: str) -> tuple[str, ...]:
    """A Hangul word of an organisation's name as the English and romanized words it stands for."""
    return tuple(part for word in korean_org_words(token, _dprk_word)
                 for part in word.translate(_APOSTROPHES).translate(_PUNCTUATION).split())


_metaphone = lru_cache(maxsize=200_000)(metaphone)


def _numbers(tokens: list[str]) -> list[str]:
    """Write numbers one way: 'forty four' → '44', '1st' → '1', 'first' → '1'."""
    if NUMBER_WORDS.keys().isdisjoint(tokens) and not _DIGIT_FIRST.search(" ".join(tokens)):
        return tokens  # no number word, no ordinal: nothing to write otherwise
    out: list[str] = []
    pending: int | None = None
    for token in tokens:
        ordinal = _ORDINAL.match(token)
        value = NUMBER_WORDS.get(token)
        if ordinal:
            value = int(ordinal.group(1))
        elif token.isdigit() and len(token) == 1 and pending is not None and pending % 10 == 0:
            value = int(token)  # "forty 4"
        if value is not None:
            pending = value if pending is None or value >= pending or pending % 10 else pending + value
            continue
        if pending is not None:
            out.append(str(pending))
            pending = None
        out.append(token)
    if pending is not None:
        out.append(str(pending))
    return out


def _drop_own_acronym(tokens: list[str]) -> list[str]:
    """'Korea Kwangson Banking Corporation KKBC' → without 'KKBC': a name's own initials add nothing."""
    if len(tokens) < 3:
        return tokens
    for index, token in enumerate(tokens):
        if len(token) < 2 or not token.isupper() or not token.isalpha():
            continue
        others = [t for k, t in enumerate(tokens) if k != index and t[:1].isalpha()]
        initials = "".join(t[0] for t in others).upper()
        significant = "".join(t[0] for t in others if t.lower() not in ("of", "the", "and", "for")).upper()
        if token in (initials, significant) or (len(token) >= 3 and token in initials):
            return tokens[:index] + tokens[index + 1:]
    return tokens


def _is_hangul(token: str) -> bool:
    return all("\uac00" <= ch <= "\ud7a3" for ch in token)


@lru_cache(maxsize=20_000)
def _dprk_word(word: str) -> str:
    """A Hangul word as the DPRK's own romanization writes it, without diacritics (남강 → namgang)."""
    return romanize(word, "dprk-ascii").replace("-", "").replace("'", "")


def _collapse_initials(tokens: list[str]) -> list[str]:
    """'a b c company' → 'abc company': an organisation's initials are one word (A.B.C.)."""
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if run:
            out.append("".join(run))
            run = []
        if token:
            out.append(token)
    return out


@lru_cache(maxsize=100_000)
def _is_number(token: str, kind: str = "organization") -> bool:
    """Digits, or (in names of organisations and vessels) a series mark I–XXXIX; 'Il' and 'Xi' are names."""
    return token.isdigit() or (kind != "person" and bool(_ROMAN.match(token)))


def compare_names(left: str, right: str, schema: str = "Person") -> NameComparison:
    """Score two names of entities of ``schema`` in [0, 1], with the parts that explain the score."""
    kind = kind_of(schema)
    return compare_forms(analyse(left, kind), analyse(right, kind))


def compare_forms(a: NameForm, b: NameForm) -> NameComparison:
    """Compare two analysed names (see :func:`analyse`); the qualifiers set aside are noted."""
    result = _compare_forms(a, b)
    set_aside = (*a.qualifiers, *b.qualifiers)
    if set_aside:
        many = len(set_aside) > 1
        note = f"set aside as {'qualifiers' if many else 'a qualifier'}, not {'words' if many else 'a word'} " \
            f"of the name: {', '.join(set_aside)}"
        result = replace(result, notes=(*result.notes, note))
    return result


def _compare_forms(a: NameForm, b: NameForm) -> NameComparison:
    if a.tokens == b.tokens and a.tokens and not (a.native and b.native and a.native != b.native):
        notes = _legal_form_notes(a, b)
        return NameComparison(a.text, b.text, 1.0, "exact", (Part(" ".join(a.tokens), " ".join(b.tokens),
                              "same name after normalisation", 1.0),), notes)
    if a.korean and b.korean:
        korean = _compare_korean(a, b)
        if korean.score < 1.0 and a.scripts == b.scripts == {"Latin"} and not _same_syllable_count(a, b) \
                and _levenshtein("".join(a.tokens), "".join(b.tokens)) <= 2:
            # "Hwaan" for "Hwan", "Yyu" for "Yu": a typo that changes the syllables is no other name
            typo = _compare_tokens(a, b, a.tokens, b.tokens)
            # a slip, not a syllable more or less: every word has its counterpart (Kim U-kwan ≠ Kim Kwan)
            if typo.score > korean.score and all(part.left and part.right for part in typo.parts):
                return NameComparison(typo.left, typo.right, typo.score, typo.method, typo.parts,
                                      (*typo.notes, "read as a misspelling: the Korean syllables do not line up"))
        return (_chinese(a, b) or korean) if korean.score < CHINESE else korean
    if a.native and b.native and a.scripts == b.scripts:
        return _compare_tokens(a, b, a.native, b.native, native=True)
    result = _compare_tokens(a, b, a.tokens, b.tokens)
    return (_chinese(a, b) or result) if result.score < CHINESE else result


#: The score of two people's names that read as the same Chinese syllables, one in Wade–Giles.
CHINESE = 0.95
_HAN_LATIN = {frozenset({"Han"}), frozenset({"Latin"})}


def _chinese(a: NameForm, b: NameForm) -> NameComparison | None:
    """'Mao Tse-tung' and 'Mao Zedong': the same Chinese syllables, in Wade–Giles and in Pinyin."""
    if a.kind != "person" or not ({"Latin"} == a.scripts == b.scripts or {a.scripts, b.scripts} == _HAN_LATIN):
        return None  # in characters, a name's words are their Pinyin: the other may be Wade–Giles
    if not (uses_wade_giles(a.tokens) or uses_wade_giles(b.tokens)) or not same_chinese_name(a.tokens, b.tokens):
        return None
    part = Part(" ".join(a.tokens), " ".join(b.tokens), "same Chinese syllables in Wade–Giles and Pinyin", CHINESE)
    return NameComparison(a.text, b.text, CHINESE, "chinese", (part,), ("read as a Chinese name",))


def _same_syllable_count(a: NameForm, b: NameForm) -> bool:
    """Whether some Korean readings of the two names have as many syllables as each other."""
    counts = {len(r.surname.candidates) + len(r.given.candidates) for r in a.korean}
    return any(len(r.surname.candidates) + len(r.given.candidates) in counts for r in b.korean)


def _compare_korean(a: NameForm, b: NameForm) -> NameComparison:
    best = None
    for left in a.korean:
        for right in b.korean:
            result = compare_korean_names(left, right)
            if best is None or result.score > best[0].score:
                best = (result, left, right)
    result, left, right = best
    parts = tuple(Part(p.left, p.right, p.how, p.score, p.role) for p in result.parts)
    notes = []
    if left.given_first != right.given_first:
        notes.append("one name is written given-name first")
    if left.script != right.script:
        notes.append(f"compared across scripts: {left.script} and {right.script}")
    return NameComparison(a.text, b.text, result.score, "korean", parts, tuple(notes))


#: The longest word of an organisation's or a vessel's name that must be spelt exactly: so short a
#: word is an acronym or a code as often as a word (KMID beside KOMID, GTI, Sony), and a letter
#: more or less makes another. Longer words may be misspelt ("Appel" for Apple, "Schell" for Shell).
SHORT_CODE = 4


@lru_cache(maxsize=1_000_000)
def _token_similarity(a: str, b: str, pa: str, pb: str, kind: str) -> tuple[float, str]:
    if a == b:
        return 1.0, "same word"
    if kind == "organization" and SYNONYMS.get(a, a) == SYNONYMS.get(b, b):
        return 0.95, "same word, other translation or spelling"
    if len(a) == 1 or len(b) == 1:
        if kind == "person" and a[0] == b[0] and a.isalpha() and b.isalpha():
            return 0.9, "initial"
        return 0.0, ""
    if _is_number(a, kind) or _is_number(b, kind):
        return 0.0, ""  # numbers and series marks must be equal
    shortest = min(len(a), len(b))
    if kind != "person" and shortest <= SHORT_CODE:
        return 0.0, ""  # "KOMID" and "KMID": one letter more or less is another code, however it sounds
    allowed = 0 if shortest <= 3 else 1 if shortest <= 6 else 2 if shortest <= 10 else 3
    distance = _levenshtein(a, b) if abs(len(a) - len(b)) <= allowed else allowed + 1
    if distance <= allowed:
        return 1.0 - 1.5 * distance / max(len(a), len(b)), f"{distance} letter{'s' if distance > 1 else ''} apart"
    if shortest <= 3 and abs(len(a) - len(b)) <= 1 and a.isalpha() and b.isalpha() and _levenshtein(a, b) == 1:
        return (0.35 if kind == "person" else 0.5), "1 letter apart (short word)"
    if len(pa) >= 2 and pa == pb and shortest >= 4:  # a one-letter code ("K": Choe, Hyko) says too little
        return 0.6, "sounds alike"
    return 0.0, ""


@lru_cache(maxsize=200_000)
def _levenshtein(a: str, b: str) -> int:
    """Edits between two words, a swap of neighbouring letters counting as one (OSA distance)."""
    return OSA.distance(a, b)


#: Effect of a word of a person's name that the other name lacks (an omitted middle name, a
#: patronymic), and of a pair of words in the same place that differ (two different people).
#: Organisation and vessel names weigh what they do not share by its length instead.
OMISSION = {"person": 0.93}
CONFLICT = 0.55
#: Two different generic words in one place of an organisation's name ("Trust" / "Bank").
GENERIC_CONFLICT = 0.75
#: How alike two distinctive words of organisation names must be to be one word misspelt.
DISTINCT_WORD = 0.6
#: A single-word name against a longer one: "Michaela" may be anyone called Michaela.
SINGLE_WORD = 0.85


def _compare_tokens(a: NameForm, b: NameForm, ta: tuple[str, ...], tb: tuple[str, ...],
                    native: bool = False) -> NameComparison:
    if not ta or not tb:
        return NameComparison(a.text, b.text, 0.0, "tokens", (), ("a name has no letters to compare",))
    kind = a.kind
    pha = a.phonetic if not native else ("",) * len(ta)
    phb = b.phonetic if not native else ("",) * len(tb)
    # one name in Chinese characters, the other in Latin letters: its words are the characters' Pinyin
    han = 0 if native else 1 if a.scripts == {"Han"} and b.scripts == {"Latin"} \
        else -1 if b.scripts == {"Han"} and a.scripts == {"Latin"} else 0
    pairs = []
    for i, (x, px) in enumerate(zip(ta, pha)):
        for j, (y, py) in enumerate(zip(tb, phb)):
            same = same_syllable(x, y) if han == 1 else same_syllable(y, x) if han == -1 else None
            if same is not None:
                score, how = (1.0, "same word") if x == y else \
                    (0.95, "same Chinese syllable in Wade–Giles") if same else (0.0, "")
            elif native and a.scripts == {"Han"}:
                score, how = (1.0, "same character") if x == y else (0.0, "")
            else:
                score, how = _token_similarity(x, y, px, py, kind)
            if kind != "person" and score < DISTINCT_WORD and x not in GENERIC_WORDS and y not in GENERIC_WORDS:
                continue  # "Hwansim" and "Hwansun" name two companies, however alike the rest
            if score > 0:
                pairs.append((score, i, j, how))
    pairs.sort(key=lambda pair: (-pair[0], abs(pair[1] - pair[2]), pair[1]))
    used_a: dict[int, int] = {}
    used_b: set[int] = set()
    parts = []
    matched = weight = 0.0
    wa = _weights(a, ta, native)
    wb = _weights(b, tb, native)
    anchored = False  # a word of 3 letters or more matched well: a person's initials may stand beside it
    for score, i, j, how in pairs:
        if i in used_a or j in used_b:
            continue
        used_a[i] = j
        used_b.add(j)
        matched += score * (wa[i] + wb[j])
        weight += wa[i] + wb[j]
        parts.append(Part(ta[i], tb[j], how, score))
        anchored = anchored or (score >= 0.8 and min(len(ta[i]), len(tb[j])) >= 3)
    free_a, free_b = len(ta) - len(used_a), len(tb) - len(used_b)
    if not native and free_a and free_b and max(free_a, free_b) >= 2:
        initials = kind != "person" or anchored
        for score, span_a, span_b, how in _regroup(ta, tb, used_a, used_b, kind, initials):
            for i in span_a:
                used_a[i] = span_b[0]
            used_b.update(span_b)
            span_weight = sum(wa[i] for i in span_a) + sum(wb[j] for j in span_b)
            matched += score * span_weight
            weight += span_weight
            parts.append(Part(" ".join(ta[i] for i in span_a), " ".join(tb[j] for j in span_b), how, score))
    notes = list(_legal_form_notes(a, b))
    left_a = [i for i in range(len(ta)) if i not in used_a]
    left_b = [j for j in range(len(tb)) if j not in used_b]
    if kind == "person":
        score = matched / weight if weight else 0.0   # omitted words are judged below, one by one
    else:  # an organisation is its distinctive words: what is unmatched counts by its weight
        score = matched / (sum(wa) + sum(wb))
    if score:
        score *= _structure_penalty(a, b, ta, tb, left_a, left_b, used_a, notes, parts)
    joined = _joined(ta, tb, kind, slips=not han)  # Pinyin read from characters has no slips
    if joined is None and (a.legal_forms or b.legal_forms) \
            and "".join(ta + a.legal_forms) == "".join(tb + b.legal_forms):  # "SiemensAG": the form written on
        joined = _joined(ta + a.legal_forms, tb + b.legal_forms, kind)
    if joined is not None and joined[0] > score:
        score, parts, notes = joined[0], [joined[1]], [*notes, "compared written together"]
    if a.scripts != b.scripts and not native:
        notes.append(f"transliterated: {', '.join(sorted(a.scripts))} and {', '.join(sorted(b.scripts))}")
    return NameComparison(a.text, b.text, min(score, 1.0), "tokens", tuple(parts), tuple(notes))


#: How alike a word must be to two neighbouring words written together ("Patr ushev") to be them.
SPLIT_WORD = 0.75
INITIALS = 0.9


def _regroup(ta: tuple[str, ...], tb: tuple[str, ...], used_a: dict[int, int], used_b: set[int],
             kind: str, initials: bool) -> list[tuple[float, list[int], list[int], str]]:
    """Words left over by the word-for-word alignment that match a run of words on the other side.

    Initials ("PLA" for People's Liberation Army, "JC" for Jean-Claude, "US" for United States),
    when ``initials`` allows them (a person's initials stand beside a word that matched, never
    for the whole name), and a word split in two ("Patr ushev", "Mohammad Hasni" for "Mohammadhasni").
    """
    found: list[tuple[float, list[int], list[int], str]] = []
    taken_a = set(used_a)
    taken_b = set(used_b)
    for flipped in (False, True):
        left, right = (tb, ta) if flipped else (ta, tb)
        taken_left, taken_right = (taken_b, taken_a) if flipped else (taken_a, taken_b)
        for i in range(len(left)):
            word = left[i]
            if i in taken_left or not word.isalpha():
                continue
            free = [j for j in range(len(right)) if j not in taken_right]
            # a person's initials complete a name ("JC Juncker"); beside a word left unmatched
            # ("Kim San Sl" / "San Song Li") they are more likely a misspelt word
            alone = kind != "person" or all(k in taken_left for k in range(len(left)) if k != i)
            span = _initials_span(word, right, free) \
                if initials and alone and 2 <= len(word) <= 6 and word not in PARTICLES \
                and word not in INITIALS_SKIP else None
            how, score = "initials", INITIALS
            if span is None and len(word) >= 5:
                span, score = _split_span(word, right, free, kind)
                how = "written in two words"
            if span is None:
                continue
            taken_left.add(i)
            taken_right.update(span)
            found.append((score, span, [i], how) if flipped else (score, [i], span, how))
    return found


def _initials_span(word: str, tokens: tuple[str, ...], free: list[int]) -> list[int] | None:
    """The run of free neighbouring words whose initials spell ``word`` (skipping 'of', 'the'…)."""
    free_set = set(free)
    for start in free:
        if tokens[start][0] != word[0] or tokens[start] in INITIALS_SKIP:
            continue
        span, letters, position = [], 0, start
        while position in free_set and letters < len(word):
            token = tokens[position]
            if token in INITIALS_SKIP and span:
                span.append(position)
            elif token[0] == word[letters] and token.isalpha() and len(token) > 1:  # initials stand for words
                span.append(position)
                letters += 1
            else:
                break
            position += 1
        while span and tokens[span[-1]] in INITIALS_SKIP:
            span.pop()
        if letters == len(word) and letters >= 2:
            return span
    return None


def _split_span(word: str, tokens: tuple[str, ...], free: list[int], kind: str) -> tuple[list[int] | None, float]:
    """Two free neighbouring words that, written together, are ``word`` or nearly.

    Each of the two words must be its part of ``word``: the score is that of the parts, each
    compared as a word ("Abdulhai" is Abdul + Hai, and Hai is not Hadi), at the best place to cut.
    Beside a long part, a short one that differs would otherwise be outweighed.
    """
    free_set = set(free)
    for start in free:
        if start + 1 not in free_set:
            continue
        first, second = tokens[start], tokens[start + 1]
        if _is_number(first, kind) or _is_number(second, kind):
            continue
        if _token_similarity(word, first + second, "", "", kind)[0] < SPLIT_WORD:
            continue
        score = max((_parts_similarity(word, cut, first, second, kind)
                     for cut in range(max(1, len(first) - 2), min(len(word), len(first) + 3))), default=0.0)
        if score >= SPLIT_WORD:
            return [start, start + 1], score
    return None, 0.0


def _parts_similarity(word: str, cut: int, first: str, second: str, kind: str) -> float:
    """How alike ``word`` cut at ``cut`` is to ``first`` and ``second``, part by part, by length;
    0 unless each part is alike enough to be that word (Hai is neither Hadi nor Haq)."""
    head, tail = word[:cut], word[cut:]
    scores = (_token_similarity(head, first, "", "", kind)[0], _token_similarity(tail, second, "", "", kind)[0])
    if min(scores) < SPLIT_WORD:
        return 0.0
    weights = (len(head) + len(first), len(tail) + len(second))
    return (scores[0] * weights[0] + scores[1] * weights[1]) / sum(weights)


def _weights(form: NameForm, tokens: tuple[str, ...], native: bool) -> tuple[float, ...]:
    if not native:
        return form.weights
    return tuple(float(max(len(token), 2)) for token in tokens)


def _structure_penalty(a: NameForm, b: NameForm, ta, tb, left_a, left_b, used_a, notes, parts) -> float:
    """Penalties for what did not match: omissions, conflicting words, numbers, word order."""
    kind = a.kind
    factor = 1.0
    generic = GENERIC_WORDS if kind == "organization" else frozenset()
    # a word on each side with no counterpart: two different names in the same place
    distinct_a = [i for i in left_a if ta[i] not in generic]
    distinct_b = [j for j in left_b if tb[j] not in generic]
    conflicts = min(len(distinct_a), len(distinct_b))
    if conflicts:
        factor *= CONFLICT ** conflicts
        notes.append(f"{conflicts} word{'s' if conflicts > 1 else ''} differ in both names")
    # "Trust" against "Bank", "Holdings" against "Shipping": generic words, but not the same body
    generic_conflicts = min(sum(1 for i in left_a if ta[i] not in INITIALS_SKIP),
                            sum(1 for j in left_b if tb[j] not in INITIALS_SKIP)) - conflicts
    if generic_conflicts > 0 and kind != "person":
        factor *= GENERIC_CONFLICT ** generic_conflicts
        notes.append(f"{generic_conflicts} generic word{'s' if generic_conflicts > 1 else ''} differ in both names")
    # words only one name has (a middle name, a patronymic); a lone initial costs nothing
    extra = distinct_a[conflicts:] if len(distinct_a) > len(distinct_b) else distinct_b[conflicts:]
    extra_tokens = ta if len(distinct_a) > len(distinct_b) else tb
    if kind == "person":
        omitted = sum(1 for k in extra if len(extra_tokens[k]) > 1 or a.native)
        factor *= OMISSION[kind] ** omitted
    if not a.native and (all(len(t) == 1 for t in ta) or all(len(t) == 1 for t in tb)):
        factor *= 0.5
        notes.append("one name is only initials")
    elif kind == "person" and parts and all(part.how == "initial" for part in parts):
        factor *= 0.5  # "Derek Schmidt" and "D. S. Aldyn": no word of either name is in the other
        notes.append("only initials matched")
    for i in left_a:
        parts.append(Part(ta[i], "", "no counterpart", 0.0))
    for j in left_b:
        parts.append(Part("", tb[j], "no counterpart", 0.0))
    if any(_is_number(ta[i], kind) for i in left_a) or any(_is_number(tb[j], kind) for j in left_b):
        factor *= 0.6
        notes.append("a number or series mark differs")
    if kind == "person" and min(len(ta), len(tb)) == 1 and max(len(ta), len(tb)) > 1:
        factor *= SINGLE_WORD
    if kind == "person" and len(used_a) >= 3 and not _order_kept(used_a):
        factor *= 0.6
        notes.append("the words are in another order")
    return factor


def _order_kept(alignment: dict[int, int]) -> bool:
    """Whether matched words keep their order, allowing one name to be a rotation (surname first)."""
    order = [alignment[i] for i in sorted(alignment)]
    breaks = sum(1 for x, y in zip(order, order[1:]) if y < x)
    return breaks == 0 or (breaks == 1 and order[-1] < order[0])


def _joined(ta: tuple[str, ...], tb: tuple[str, ...], kind: str, slips: bool = True) -> tuple[float, Part] | None:
    """Names written together or apart ("VladimirPutin", "Good Will", "MYONGC-HIN"): compare without
    spaces; with ``slips``, allowing a letter or more (by length) to differ."""
    ja, jb = "".join(ta), "".join(tb)
    if min(len(ja), len(jb)) < 5 or len(ta) == len(tb) == 1:  # one word each: no space to move
        return None
    # with as many words on each side, only a moved space (and one slip) is a spacing difference
    allowed = 0 if not slips else 1 if len(ta) == len(tb) else max(len(ja), len(jb)) // 10
    if abs(len(ja) - len(jb)) > allowed:
        return None
    if sorted(t for t in ta if _is_number(t, kind)) != sorted(t for t in tb if _is_number(t, kind)):
        return None  # "Fund X" and "Fund XI" differ by more than spacing
    distance = _levenshtein(ja, jb)
    if distance > allowed:
        return None
    score = 0.98 - distance / max(len(ja), len(jb))
    return score, Part(ja, jb, "same letters, spaced differently", score)


def _legal_form_notes(a: NameForm, b: NameForm) -> tuple[str, ...]:
    if a.legal_forms and b.legal_forms and set(a.legal_forms) != set(b.legal_forms):
        return (f"legal forms differ ({', '.join(a.legal_forms)} / {', '.join(b.legal_forms)}); not counted",)
    if a.legal_forms or b.legal_forms:
        return ("legal forms ignored",)
    return ()
