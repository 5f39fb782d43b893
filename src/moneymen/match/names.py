"""Comparing two analysed names: the Korean path (syllables in order, across scripts) and the generic path.

Names are analysed by :mod:`moneymen.names.forms` (words, sounds, scripts, legal forms, Korean
readings, qualifiers set aside). Two people's names that both read as Korean are compared
syllable by syllable, in order; everything else goes through token alignment with
transliteration, edit distance and phonetics. An organisation's country qualifier ("... of the
DPRK") is weighed apart from its words (:func:`compare_forms`). The explanation says which part
matched which, how, and what was set aside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz.distance import OSA

from moneymen.names.chinese import same_chinese_name, same_syllable, uses_wade_giles
from moneymen.names.forms import NameForm, analyse
from moneymen.names.korean import KoreanComparison, KoreanName, compare_korean_names
from moneymen.names.orgs import generic_words, synonyms
from moneymen.names.qualifiers import COUNTRY_WORDS, country_codes

#: Particles of names ("al", "bin", "van", "de"), never read as initials.
PARTICLES = frozenset({"al", "el", "bin", "ibn", "bint", "abu", "ben", "van", "von", "de", "da", "di", "du",
                       "la", "le", "del", "der", "den", "mc", "st", "dos", "das"})
#: Short words skipped when reading initials: "People's Liberation Army of China" is PLA.
INITIALS_SKIP = frozenset({"of", "the", "and", "for", "de", "du", "des", "la", "le", "et", "und", "y"})


@dataclass(frozen=True, slots=True)
class Part:
    """One step of a name comparison, for the explanation: which part matched which, and how."""

    left: str
    right: str
    how: str
    score: float
    role: str = ""

    def to_dict(self) -> dict:
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

    def to_dict(self) -> dict:
        return {"left": self.left, "right": self.right, "score": round(self.score, 3), "method": self.method,
                "parts": [part.to_dict() for part in self.parts], "notes": list(self.notes)}


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


_ROMAN = re.compile(r"^(?=[ivx])(x{0,3})(ix|iv|v?i{0,3})$")


@lru_cache(maxsize=100_000)
def _is_number(token: str, kind: str = "organization") -> bool:
    """Digits, or (in names of organisations and vessels) a series mark I–XXXIX; 'Il' and 'Xi' are names."""
    return token.isdigit() or (kind != "person" and bool(_ROMAN.match(token)))


def compare_names(left: str, right: str, schema: str = "Person") -> NameComparison:
    """Score two names of entities of ``schema`` in [0, 1], with the parts that explain the score."""
    kind = kind_of(schema)
    return compare_forms(analyse(left, kind), analyse(right, kind))


def compare_forms(a: NameForm, b: NameForm, left_countries: frozenset[str] = frozenset(),
                  right_countries: frozenset[str] = frozenset()) -> NameComparison:
    """Compare two analysed names (see :func:`analyse`); the qualifiers set aside are noted.

    Organisations' names are compared without their country qualifiers (a trailing "of (the)
    <country>"), which then weigh as :func:`_weigh_countries` says: "Foreign Trade Bank" and
    "Foreign Trade Bank of the DPRK" are a near match, "Foreign Trade Bank of Iran" and "Foreign
    Trade Bank of the DPRK" are not. ``left_countries`` and ``right_countries`` are the FtM
    country codes the records of the two names state (their country, jurisdiction…), if any:
    they confirm or contradict a country qualifier only the other name has.
    """
    if a.countries or b.countries:
        result = _weigh_countries(a, b, left_countries, right_countries)
    else:
        result = _compare_forms(a, b)
    set_aside = (*a.qualifiers, *b.qualifiers)
    if set_aside:
        many = len(set_aside) > 1
        note = f"set aside as {'qualifiers' if many else 'a qualifier'}, not {'words' if many else 'a word'} " \
            f"of the name: {', '.join(set_aside)}"
        result = replace(result, notes=(*result.notes, note))
    return result


#: A country qualifier only one organisation's name has, the other having no word in its place
#: and its record no country ("Foreign Trade Bank" / "Foreign Trade Bank of the DPRK"): a near
#: match, but below a close name (0.9, which makes a rival in resolution): the shorter name may
#: be the parent of a national branch ("ISIL" / "ISIL of Yemen") or one of many ministries.
COUNTRY_UNSAID = 0.85
#: A country qualifier only one name has, where the other's record states other countries
#: ("Ministry of Defense" in Pyongyang / "Ministry of Defense of Burma"): worth a look, no more.
COUNTRY_ELSEWHERE = 0.75


def _weigh_countries(a: NameForm, b: NameForm, left_countries: frozenset[str] = frozenset(),
                     right_countries: frozenset[str] = frozenset()) -> NameComparison:
    """Two organisations' names of which one at least ends in a country qualifier.

    Both with one: their words are compared, and countries with none in common count as two
    different words in one place (:data:`CONFLICT`). One only, in this order: where the other
    name says the same country in its words ("Iran Foreign Trade Bank" / "Foreign Trade Bank of
    Iran"), those words are set against the qualifier and the rest compared; where the other's
    record states that country (``left_countries``, ``right_countries``), the qualifier says
    nothing the record does not; where the other name has a distinctive word of its own left
    over ("Myanma Foreign Trade Bank"), that word and the country are two different words in one
    place (:data:`CONFLICT`); where the other's record states other countries, the qualifier
    names another (:data:`COUNTRY_ELSEWHERE`); otherwise it is merely unsaid (:data:`COUNTRY_UNSAID`).
    """
    if a.countries and b.countries:
        result = _compare_forms(a, b)
        shared = sorted(set(a.countries) & set(b.countries))
        if shared:
            return replace(result, notes=(*result.notes, f"same country: {', '.join(shared)}"))
        return _scaled(result, CONFLICT, f"the countries differ: {', '.join(a.countries)} / {', '.join(b.countries)}")
    said, other = (a, b) if a.countries else (b, a)
    run = _country_run(other.tokens, said.countries)
    if run is not None:
        start, end = run
        rest = other.tokens[:start] + other.tokens[end:]
        reduced = replace(other, tokens=rest, phonetic=other.phonetic[:start] + other.phonetic[end:],
                          weights=other.weights[:start] + other.weights[end:])
        result = _compare_forms(a, reduced) if said is a else _compare_forms(reduced, b)
        result = replace(result, left=a.text, right=b.text)
        return _scaled(result, 1.0, f"same country, said in the words of one name: {' '.join(other.tokens[start:end])}")
    result = _compare_forms(a, b)
    stated = right_countries if said is a else left_countries
    if stated & set(said.countries):
        return _scaled(result, 1.0, f"one name says its country, the other's record states it: "
                       f"{', '.join(sorted(stated & set(said.countries)))}")
    generic = generic_words()
    side = "right" if said is a else "left"
    left_over = [getattr(part, side) for part in result.parts if part.how == "no counterpart"
                 and getattr(part, side) and getattr(part, side) not in generic]
    if left_over:
        return _scaled(result, CONFLICT, f"a country against a word of the other name: {', '.join(said.countries)} / "
                       f"{', '.join(left_over)}")
    if stated:
        return _scaled(result, COUNTRY_ELSEWHERE, f"one name says its country, the other's record states others: "
                       f"{', '.join(said.countries)} / {', '.join(sorted(stated))}")
    return _scaled(result, COUNTRY_UNSAID, f"only one name says its country: {', '.join(said.countries)}")


def _country_run(tokens: tuple[str, ...], countries: tuple[str, ...]) -> tuple[int, int] | None:
    """Where ``tokens`` say one of ``countries`` in words of their own (start, end), with an "of"
    or "the" before them; None where they do not, or where nothing else would be left."""
    for start in range(len(tokens)):
        for end in range(start + 1, min(len(tokens), start + COUNTRY_WORDS) + 1):
            if (end - start < len(tokens)) and set(country_codes(" ".join(tokens[start:end]))) & set(countries):
                while start > 0 and tokens[start - 1] in ("of", "the") and end - start + 1 < len(tokens):
                    start -= 1
                return start, end
    return None


def _scaled(result: NameComparison, factor: float, note: str) -> NameComparison:
    """``result`` with its score times ``factor`` and ``note`` added; no longer "exact" if lowered."""
    method = "tokens" if factor < 1 and result.method == "exact" else result.method
    return replace(result, score=result.score * factor, method=method, notes=(*result.notes, note))


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
    best: tuple[KoreanComparison, KoreanName, KoreanName] | None = None
    for left in a.korean:
        for right in b.korean:
            result = compare_korean_names(left, right)
            if best is None or result.score > best[0].score:
                best = (result, left, right)
    assert best is not None  # called only when both names have Korean readings
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
def token_similarity(a: str, b: str, pa: str, pb: str, kind: str) -> tuple[float, str]:
    """How alike two words of names of ``kind`` are (0–1), with how: ``pa`` and ``pb`` are their
    phonetic keys ("" for none)."""
    if a == b:
        return 1.0, "same word"
    if kind == "organization" and synonyms().get(a, a) == synonyms().get(b, b):
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
    generic = generic_words()
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
                score, how = token_similarity(x, y, px, py, kind)
            if kind != "person" and score < DISTINCT_WORD and x not in generic and y not in generic:
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
        span: list[int] = []
        letters, position = 0, start
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
        if token_similarity(word, first + second, "", "", kind)[0] < SPLIT_WORD:
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
    scores = (token_similarity(head, first, "", "", kind)[0], token_similarity(tail, second, "", "", kind)[0])
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
    generic = generic_words() if kind == "organization" else frozenset()
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
