"""Comparing two names: the Korean path (syllables in order, across scripts) and the generic path.

A name is analysed once (cached) into ASCII tokens, their phonetic keys, its scripts, its
legal forms (organisations) and, for people, its readings as a Korean name. Two people's
names that both read as Korean are compared syllable by syllable, in order; everything else
goes through token alignment with transliteration, edit distance and phonetics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rigour.names.org_types import replace_org_types_compare
from rigour.text.phonetics import metaphone
from rigour.text.scripts import text_scripts
from rigour.text.translit import ascii_text

from moneymen.match.orgs import GENERIC_WORDS, normalise_org_tokens
from moneymen.names.korean import KoreanName, compare_korean_names, read_korean_name

#: Scripts in which Korean names are written besides Latin.
KOREAN_SCRIPTS = frozenset({"Hangul", "Han", "Cyrillic"})
GENERIC_WEIGHT = 0.3
_PUNCTUATION = str.maketrans({ch: " " for ch in ",.;:()[]{}\"/\\-_'`’‘“”!?*&+#|<>"})


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
    method: str                     # "exact", "korean", "tokens"
    parts: tuple[Part, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"left": self.left, "right": self.right, "score": round(self.score, 3), "method": self.method,
                "parts": [part.as_dict() for part in self.parts], "notes": list(self.notes)}


def kind_of(schema: str) -> str:
    """The kind of name a schema has: person, organization (legal forms apply) or other (vessels…)."""
    from moneymen.model import get_schema

    found = get_schema(schema)
    if found is None:
        raise ValueError(f"unknown FtM schema {schema!r}")
    if found.is_a("Person"):
        return "person"
    if found.is_a("LegalEntity"):  # organisations, companies, public bodies, and "entities" of lists
        return "organization"
    return "other"


@lru_cache(maxsize=500_000)
def analyse(text: str, kind: str) -> NameForm:
    """Analyse a name once; results are cached because screening meets the same names again and again."""
    scripts = frozenset(text_scripts(text))
    cleaned = text.translate(_PUNCTUATION)
    raw_tokens = cleaned.split()
    legal_forms: tuple[str, ...] = ()
    if kind == "organization":
        # rigour knows the world's legal forms (Aktiengesellschaft → ag, ООО → ooo); our table then
        # sets them aside, with Korean and Chinese forms and generic words
        raw_tokens = replace_org_types_compare(cleaned.lower()).split()
        kept, forms = normalise_org_tokens(raw_tokens)
        legal_forms = tuple(forms)
        raw_tokens = kept
    tokens = []
    for token in raw_tokens:
        ascii_token = ascii_text(token).lower() if not token.isascii() else token.lower()
        tokens.extend(part for part in ascii_token.translate(_PUNCTUATION).split() if part)
    weights = tuple(
        (GENERIC_WEIGHT if kind == "organization" and token in GENERIC_WORDS else 1.0) * max(len(token), 2)
        for token in tokens
    )
    korean: tuple[KoreanName, ...] = ()
    if kind == "person" and (scripts & KOREAN_SCRIPTS or scripts == {"Latin"}):
        korean = read_korean_name(text)
    return NameForm(text, kind, tuple(tokens), tuple(metaphone(t) for t in tokens), weights, scripts,
                    legal_forms, korean)


def compare_names(left: str, right: str, schema: str = "Person") -> NameComparison:
    """Score two names of entities of ``schema`` in [0, 1], with the parts that explain the score."""
    kind = kind_of(schema)
    return compare_forms(analyse(left, kind), analyse(right, kind))


def compare_forms(a: NameForm, b: NameForm) -> NameComparison:
    """Compare two analysed names (see :func:`analyse`)."""
    if a.tokens == b.tokens and a.tokens:
        notes = _legal_form_notes(a, b)
        return NameComparison(a.text, b.text, 1.0, "exact", (Part(" ".join(a.tokens), " ".join(b.tokens),
                              "same name after normalisation", 1.0),), notes)
    if a.korean and b.korean:
        return _compare_korean(a, b)
    return _compare_tokens(a, b)


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


def _token_similarity(a: str, b: str, pa: str, pb: str) -> tuple[float, str]:
    if a == b:
        return 1.0, "same word"
    if len(a) == 1 or len(b) == 1:
        if a[0] == b[0]:
            return 0.7, "initial"
        return 0.0, ""
    distance = _levenshtein(a, b)
    longest = max(len(a), len(b))
    allowed = max(1, int(min(len(a), len(b)) * 0.34))
    if distance <= allowed:
        return 1.0 - distance / longest, f"{distance} letter{'s' if distance > 1 else ''} apart"
    if pa and pa == pb and min(len(a), len(b)) >= 3:
        return 0.8, "sounds alike"
    return 0.0, ""


@lru_cache(maxsize=200_000)
def _levenshtein(a: str, b: str) -> int:
    from rigour.text.distance import levenshtein

    return levenshtein(a, b)


def _compare_tokens(a: NameForm, b: NameForm) -> NameComparison:
    if not a.tokens or not b.tokens:
        return NameComparison(a.text, b.text, 0.0, "tokens", (), ("a name has no letters to compare",))
    pairs = []
    for i, (ta, pa) in enumerate(zip(a.tokens, a.phonetic)):
        for j, (tb, pb) in enumerate(zip(b.tokens, b.phonetic)):
            score, how = _token_similarity(ta, tb, pa, pb)
            if score > 0:
                pairs.append((score, i, j, how))
    pairs.sort(key=lambda pair: (-pair[0], pair[1], pair[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    matched = 0.0
    parts = []
    for score, i, j, how in pairs:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        matched += score * (a.weights[i] + b.weights[j])
        parts.append(Part(a.tokens[i], b.tokens[j], how, score))
    total = sum(a.weights) + sum(b.weights)
    for i, token in enumerate(a.tokens):
        if i not in used_a:
            parts.append(Part(token, "", "no counterpart", 0.0))
    for j, token in enumerate(b.tokens):
        if j not in used_b:
            parts.append(Part("", token, "no counterpart", 0.0))
    score = matched / total if total else 0.0
    notes = list(_legal_form_notes(a, b))
    if a.scripts != b.scripts:
        notes.append(f"transliterated: {', '.join(sorted(a.scripts))} and {', '.join(sorted(b.scripts))}")
    return NameComparison(a.text, b.text, score, "tokens", tuple(parts), tuple(notes))


def _legal_form_notes(a: NameForm, b: NameForm) -> tuple[str, ...]:
    if a.legal_forms and b.legal_forms and set(a.legal_forms) != set(b.legal_forms):
        return (f"legal forms differ ({', '.join(a.legal_forms)} / {', '.join(b.legal_forms)}); not counted",)
    if a.legal_forms or b.legal_forms:
        return ("legal forms ignored",)
    return ()
