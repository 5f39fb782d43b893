"""Mentions: the people, organisations, groups, places, amounts and dates of a report, one per entity.

Spans come from spaCy's named entities, corrected by the outlet table (news agencies the model
reads as people), and from noun phrases the model does not label: unnamed organisations the text
defines ("a trading company under the department led by X"), groups ("North Korean workers in
Beijing") and described people ("a source in China"). Spans of one entity are then tied together
within the document by :mod:`moneymen.extract.coreference`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span as SpacySpan, Token

from moneymen.extract.gazetteer import Gazetteer
from moneymen.extract.lexicon import lexicon
from moneymen.extract.nlp import text_of
from moneymen.extract.outlets import OutletTable

#: A function that finds the store's entity a mention names: (names, "Person"|"Organization") → id or None.
Linker = Callable[[Sequence[str], str], "str | None"]

_LABELS = {"PERSON": "Person", "ORG": "Organization", "GPE": "Place", "LOC": "Place", "FAC": "Place",
           "MONEY": "Money", "DATE": "Date"}
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
_BACK = frozenset({"the", "this", "that", "these", "those", "his", "her", "their", "its"})
_DATE_ANCHORS = re.compile(
    r"\b(?:ago|last|next|this|yesterday|today|tomorrow|earlier|later|since|\d{4}|\d{1,2}|january|february|march|"
    r"april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|"
    r"nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday|spring|summer|autumn|fall|winter)\b",
    re.IGNORECASE)
_CURRENCIES = frozenset({"dollar", "euro", "yuan", "renminbi", "won", "yen", "rouble", "ruble", "pound", "franc",
                         "usd", "eur", "cny", "rmb", "krw", "jpy"})
_SCALE = frozenset({"thousand", "million", "billion", "trillion"})
#: Prepositions whose phrase belongs to a description it follows ("a source in China").
DEFINING_PREPS = frozenset({"in", "under", "of", "from", "at"})


@dataclass
class Candidate:
    """A span that may be a mention, before spans of one entity are tied together."""

    start: int            # token offsets, end exclusive
    end: int
    type: str
    named: bool
    head: int
    back: bool = False    # a definite or possessive description that points back ("the source")
    source_noun: bool = False


def find_candidates(doc: Doc, outlets: OutletTable, gazetteer: Gazetteer | None = None) -> list[Candidate]:
    """Every span that may name an entity, outermost and innermost alike, by start; with a
    ``gazetteer``, also the store's names the model missed."""
    words = lexicon()
    found: list[Candidate] = []
    covered: set[int] = set()
    for entity in doc.ents:
        kind = _LABELS.get(entity.label_)
        start, end = _trim(entity)
        if start >= end:
            continue
        text = doc[start:end].text
        if outlets.find(text) is not None or (kind == "Person" and is_outlet_name(text, outlets)):
            kind = "Organization"  # "Joongang Ilbo", "Tongil Sinmun": news outlets, whatever the model says
        elif entity.label_ not in ("DATE", "MONEY", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY") \
                and end - start >= 2 and kind != "Person" and _reads_as_korean_name(text):
            kind = "Person"  # "Ri Kwang Nam" read as an organisation, "Han Tae-song" as a nationality
        elif _korean_institution(text):
            kind = "Organization"  # "Inmin Poan-Bu": a ministry's Korean name
        elif kind is None and entity.label_ == "NORP" and doc[end - 1].tag_ == "NNPS" and _is_group_head(doc, end - 1):
            continue  # "North Koreans" is read as a group from its noun phrase
        if kind is None:
            continue
        if kind not in ("Date", "Money") and not any(ch.isupper() for ch in text):
            continue  # "patron": no proper name is written all in lower case
        if kind in ("Person", "Organization", "Place") and any(t.tag_ in ("VBD", "VBZ", "VBP") for t in doc[start:end]):
            continue  # "Banker called home": a headline the model read as a name
        if kind == "Person" and _names_an_organisation(text):
            kind = "Organization"  # "Sobaeksu Trading": a firm the model read as a person
        if kind == "Date" and (not _DATE_ANCHORS.search(text) or re.fullmatch(r"\d{1,3}", text)):
            continue  # "some years", "hours": a duration; "Ri, 52,": an age
        found.append(Candidate(start, end, kind, kind != "Date" and kind != "Money", end - 1))
        covered.update(range(start, end))
    if gazetteer is not None:
        # a listed name wins over the model's span where it is as long or longer ("KIM YONG CHOL",
        # which the model cuts to "KIM YONG")
        for start, end, kind in gazetteer.find(doc, set()):
            overlapping = [c for c in found if c.start < end and start < c.end]
            if any(c.end - c.start > end - start for c in overlapping):
                continue
            found = [c for c in found if c not in overlapping]
            found.append(Candidate(start, end, kind, True, end - 1))
            covered.update(range(start, end))
    korean = _korean_names(doc, covered)
    if korean:
        taken = {i for c in korean for i in range(c.start, c.end)}
        found = [c for c in found if not (c.type in ("Place", "Group") and taken & set(range(c.start, c.end)))]
        found.extend(korean)
        covered.update(taken)
    datelines = set()
    for candidate in found:
        if _is_dateline_place(doc, candidate):
            candidate.type = "Place"  # "VIENNA, Sept 6 (Example Wire) -": where the report was filed
            datelines.add(doc[candidate.start:candidate.end].text.casefold())
    for start, end in _dateline_places(doc, covered):  # one the model did not read as a name at all
        found.append(Candidate(start, end, "Place", True, end - 1))
        covered.update(range(start, end))
        datelines.add(doc[start:end].text.casefold())
    for candidate in found:  # the dateline's place, wherever else it is named ("… recalled from Dandong")
        if candidate.named and doc[candidate.start:candidate.end].text.casefold() in datelines:
            candidate.type = "Place"
    found.extend(_amounts(doc, covered))
    for chunk in doc.noun_chunks:
        described = _description(doc, chunk, covered, words)
        if described is not None:
            found.append(described)
    found.extend(_one_of(doc, covered))
    found.extend(_those_who(doc, covered))
    found.extend(_surnames_alone(doc, found, covered))
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    return found


def _korean_names(doc: Doc, covered: set[int]) -> list[Candidate]:
    """Korean people's names the model left out or labelled otherwise ("Han Ung-chol", whose "Han"
    it reads as the Chinese people): two or three capitalised words (hyphenated syllables joined),
    surname first, that the names module reads as a Korean name, not already a named entity."""
    from moneymen.names.korean.reading import read_korean_name

    words: list[tuple[int, int, str]] = []   # token start, end, word text
    index = 0
    while index < len(doc):
        token = doc[index]
        end = index + 1
        text = token.text
        while end + 1 < len(doc) and doc[end].text in ("-", "‐") and not doc[end - 1].whitespace_ \
                and not doc[end].whitespace_ and doc[end + 1].is_alpha:
            text += "-" + doc[end + 1].text
            end += 2
        words.append((index, end, text))
        index = end
    found: list[Candidate] = []
    position = 0
    while position < len(words):
        start, _, first = words[position]
        best = None
        if first[:1].isupper() and first.replace("-", "").isalpha() and not (set(range(start, words[position][1])) & covered):
            for size in (3, 2):
                window = words[position:position + size]
                if len(window) < size or any(not w[2][:1].isupper() or not w[2].replace("-", "").isalpha()
                                             or set(range(w[0], w[1])) & covered for w in window):
                    continue
                if any(doc[w[0]].is_sent_start and w is not window[0] for w in window):
                    continue
                text = " ".join(w[2] for w in window)
                if any(r.surname.spelled and r.surname.spelled[0] == first.casefold() and not r.given_first
                       for r in read_korean_name(text)):
                    best = (window[0][0], window[-1][1], size)
                    break
        if best is not None:
            found.append(Candidate(best[0], best[1], "Person", True, best[1] - 1))
            position += best[2]
        else:
            position += 1
    return found


def _surnames_alone(doc: Doc, found: list[Candidate], covered: set[int]) -> list[Candidate]:
    """"Ri left without telling anyone": a surname on its own, after the person's full name, which
    the model does not label."""
    surnames: dict[str, int] = {}
    for candidate in found:
        if candidate.type == "Person" and candidate.named and candidate.end - candidate.start >= 2:
            first = doc[candidate.start].text
            surnames.setdefault(first, candidate.end)
    taken = covered | {i for c in found for i in range(c.start, c.end)}
    return [Candidate(token.i, token.i + 1, "Person", True, token.i) for token in doc
            if token.text in surnames and token.i >= surnames[token.text] and token.i not in taken
            and token.pos_ == "PROPN" and (token.i + 1 >= len(doc) or doc[token.i + 1].text not in ("-", "‐"))]


_DATELINE = re.compile(r"^([A-Z][A-Z'.-]+(?: [A-Z][A-Z'.-]+){0,2}),(?: [A-Za-z.]+)*,? [A-Z][a-z]{2,8}\.? \d{1,2}\b",
                       re.MULTILINE)


def _dateline_places(doc: Doc, covered: set[int]) -> list[tuple[int, int]]:
    """The place in capitals that opens a dateline ("DANDONG, March 14 (Example Wire) -"), as token spans."""
    spans = []
    for match in _DATELINE.finditer(text_of(doc)):
        span = doc.char_span(match.start(1), match.end(1), alignment_mode="contract")
        if span is not None and len(span) and not set(range(span.start, span.end)) & covered:
            spans.append((span.start, span.end))
    return spans


def _is_dateline_place(doc: Doc, candidate: Candidate) -> bool:
    """A word in capitals at a paragraph's start, then a comma: the place of a dateline."""
    text = doc[candidate.start:candidate.end].text
    starts_line = candidate.start == 0 or "\n" in doc[candidate.start - 1].text_with_ws
    after = doc[candidate.end] if candidate.end < len(doc) else None
    return starts_line and text.isupper() and len(text) > 2 and after is not None and after.text == ","


def _reads_as_korean_name(text: str) -> bool:
    """Whether a name of two to four words reads as a Korean person's (surname and given name)."""
    from moneymen.names.korean.reading import read_korean_name

    words = text.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and bool(read_korean_name(text))


#: Last words of Korean institutions' names as romanized ("Inmin Poan-Bu", "Kukka Bowibu").
_KOREAN_INSTITUTIONS = frozenset({"bu", "bowibu", "poanbu", "bowisong", "guk", "wiwonhoe", "chongguk"})


_ORGANISATION_WORDS = frozenset({"trading", "shipping", "bank", "banking", "company", "corporation", "corp", "co",
                                 "ltd", "limited", "llc", "inc", "gmbh", "group", "holdings", "industries",
                                 "enterprise", "enterprises", "ministry", "bureau", "committee", "office", "agency",
                                 "institute", "association", "party", "union", "fund", "foundation", "trust"})


def _names_an_organisation(text: str) -> bool:
    """Whether a name ends in a word only organisations' names end in ("… Trading", "… Bank", "… Co.")."""
    words = text.split()
    return len(words) >= 2 and words[-1].casefold().rstrip(".,") in _ORGANISATION_WORDS


def _korean_institution(text: str) -> bool:
    words = words_of(text)
    return len(words) >= 2 and words[-1].casefold() in _KOREAN_INSTITUTIONS


def _trim(span: SpacySpan) -> tuple[int, int]:
    """A span without a leading determiner or a trailing possessive "’s" or punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in _DETERMINERS or doc[start].tag_ == "MD" or doc[start].is_space
                           or (doc[start].pos_ == "AUX" and doc[start].is_sent_start)):
        start += 1  # "Will Kim Chol-su flee?": the question's verb is no part of the name
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    if end > start and doc[end - 1].text.endswith(("’s", "'s")) and len(doc[end - 1].text) > 2:
        return start, end  # rare: the tokenizer left the possessive on; spans are cut at tokens
    return start, end


def _is_group_head(doc: Doc, index: int) -> bool:
    token = doc[index]
    return token.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "ROOT", "conj", "attr", "appos")


def _amounts(doc: Doc, covered: set[int]) -> list[Candidate]:
    """Sums written without a currency sign ("3 million euros"), which the model reads as numbers."""
    found = []
    for token in doc:
        if token.lemma_.lower() in _CURRENCIES and token.i not in covered:
            start = token.i
            while start > 0 and (doc[start - 1].like_num or doc[start - 1].lower_ in _SCALE
                                 or doc[start - 1].text in "$€¥£"):
                start -= 1
            if start < token.i:
                found.append(Candidate(start, token.i + 1, "Money", False, token.i))
                covered.update(range(start, token.i + 1))
    return found


def _description(doc: Doc, chunk: SpacySpan, covered: set[int], words) -> Candidate | None:
    """A noun phrase naming an unnamed person, group or organisation, with the phrase that defines it."""
    head = chunk.root
    lemma = head.lemma_.lower()
    if head.i in covered or head.pos_ == "PRON" or lemma in words.vague_nouns:
        return None
    plural = head.tag_ in ("NNS", "NNPS")
    demonym = head.ent_type_ == "NORP" or (head.tag_ in ("NNP", "NNPS") and lemma.endswith(("korean", "koreans")))
    if head.dep_ == "appos" or (head.dep_ == "attr" and not plural and lemma not in ("squad", "team", "unit")):
        return None  # "Lee, a defector": a role of a named person, not another person
    start, end = _trim(chunk)
    if start >= end:
        return None
    determiner = chunk[0].lower_ if chunk[0].i < head.i else ""
    if chunk[0].dep_ == "poss" or (chunk[0].i + 1 < len(doc) and doc[chunk[0].i + 1].tag_ == "POS"):
        determiner = "his"
    back = determiner in _BACK
    if lemma in words.people_nouns or demonym:
        if lemma in ("squad", "team") and not any(t.lemma_.lower() in ("arrest", "security") for t in chunk):
            return None
        if plural:
            if not _specific_group(chunk, head):
                return None
            kind = "Group"
        else:
            if demonym and not determiner:
                return None  # "North Korean" as an adjective
            kind = "Person" if lemma not in ("squad", "team", "family") else "Group"
        end = _defined_end(doc, head, end)
        return Candidate(start if not back else chunk.start, end, kind, False, head.i, back=back,
                         source_noun=lemma in words.source_nouns)
    if lemma in words.outlet_nouns and determiner == "the" and not plural:
        return Candidate(chunk.start, end, "Organization", False, head.i, back=True)
    if lemma in words.organization_nouns and plural and any(t.dep_ == "poss" and t.pos_ == "PROPN" for t in chunk):
        return Candidate(start, end, "Organization", False, head.i)  # "North Korea's trading companies"
    if lemma in words.organization_nouns and not plural:
        if not determiner and not any(t.dep_ in ("amod", "compound") for t in chunk):
            return None
        if lemma in ("party", "unit", "service", "group", "branch") and not determiner.startswith("a"):
            return None
        end = _defined_end(doc, head, end)
        return Candidate(start if not back else chunk.start, end, "Organization", False, head.i, back=back)
    return None


def _specific_group(chunk: SpacySpan, head: Token) -> bool:
    """A plural that says who: "North Korean workers", "party cadres", "officials in Pyongyang"."""
    if any(t.dep_ in ("amod", "compound", "nummod") or t.ent_type_ in ("NORP", "GPE") for t in chunk if t.i != head.i):
        return True
    if head.ent_type_ == "NORP":
        return True
    return any(child.dep_ == "prep" and child.lower_ in DEFINING_PREPS for child in head.rights)


def _defined_end(doc: Doc, head: Token, end: int) -> int:
    """The end of a description with the prepositional phrase that defines it ("… in China")."""
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in DEFINING_PREPS and child.i >= end:
            last = max(t.i for t in child.subtree)
            if last - head.i <= 16:
                end = last + 1
            break
        if child.i >= end and child.dep_ not in ("punct",):
            break
    while end > head.i + 1 and (doc[end - 1].is_punct or doc[end - 1].tag_ == "POS"):
        end -= 1
    return end


THOSE = frozenset({"those", "others", "people"})


def _those_who(doc: Doc, covered: set[int]) -> list[Candidate]:
    """"those who disappeared", "others with ties to Jang", "the people who looked after X": a group
    the text defines by what its members did or are."""
    found = []
    for token in doc:
        if token.lower_ not in THOSE or token.i in covered or token.dep_ in ("poss", "compound"):
            continue
        definition = next((c for c in token.rights if c.dep_ == "relcl" or
                           (c.dep_ == "prep" and c.lower_ in ("with", "in", "from", "at"))), None)
        if definition is None:
            continue
        last = max(t.i for t in definition.subtree)
        if last - token.i > 14:
            continue
        start = token.i - 1 if token.i and doc[token.i - 1].lower_ == "the" else token.i
        found.append(Candidate(start, last + 1, "Group", False, token.i))
    return found


def _one_of(doc: Doc, covered: set[int]) -> list[Candidate]:
    """"One of Lee’s Chinese sources": one person, taken from a group."""
    found = []
    words = lexicon()
    for token in doc:
        if token.lower_ != "one" or token.dep_ not in ("nsubj", "nsubjpass"):
            continue
        for child in token.rights:
            if child.dep_ == "prep" and child.lower_ == "of":
                objects = [t for t in child.children if t.dep_ == "pobj"]
                if objects and objects[0].lemma_.lower() in words.people_nouns:
                    last = max(t.i for t in objects[0].subtree)
                    found.append(Candidate(token.i, last + 1, "Person", False, objects[0].i,
                                           source_noun=objects[0].lemma_.lower() in words.source_nouns))
    return found


def words_of(text: str) -> list[str]:
    """The words of a name, hyphenated syllables apart ("Jang Song-thaek" → Jang, Song, thaek)."""
    return [w for w in re.split(r"[\s\-‐–]+", text) if w]


_OUTLET_WORDS = frozenset({"sinmun", "ilbo", "news", "times", "post", "herald", "daily", "radio", "agency", "wire",
                           "tv", "television", "broadcasting", "journal", "gazette", "tribune", "press", "nk",
                           "shimbun", "chronicle", "telegraph", "guardian", "reuters", "yonhap", "kcna"})


def is_outlet_name(name: str, outlets: OutletTable | None) -> bool:
    """Whether a name is a news outlet's: in the outlet table, or named like one ("Tongil Sinmun")."""
    if outlets is not None and outlets.find(name) is not None:
        return True
    return any(word.casefold() in _OUTLET_WORDS for word in words_of(name))
