"""Mentions: the people, organisations, groups, places, amounts and dates of a report, one per entity.

Spans come from spaCy's named entities, corrected by the outlet table (news agencies the model
reads as people), and from noun phrases the model does not label: unnamed organisations the text
defines ("a trading company under the department led by X"), groups ("North Korean workers in
Beijing") and described people ("a source in China"). Spans of one entity are then tied together
within the document (:func:`cluster`): the same name, a surname alone ("Lee" after "Lee
Keum-Ryong"), another romanization ("Chang" for Jang, compared by the names module), and definite
descriptions ("the source", "the official") that point back to the last such person.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span as SpacySpan, Token

from moneymen.extract.extraction import Mention, Span
from moneymen.extract.lexicon import lexicon
from moneymen.extract.outlets import OutletTable, outlet_key
from moneymen.match.names import compare_names

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
_DEFINING_PREPS = frozenset({"in", "under", "of", "from", "at"})


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


def find_candidates(doc: Doc, outlets: OutletTable) -> list[Candidate]:
    """Every span that may name an entity, outermost and innermost alike, by start."""
    words = lexicon()
    found: list[Candidate] = []
    covered: set[int] = set()
    for entity in doc.ents:
        kind = _LABELS.get(entity.label_)
        start, end = _trim(entity)
        if start >= end:
            continue
        text = doc[start:end].text
        if outlets.find(text) is not None or (kind == "Person" and _is_outlet_name(text, outlets)):
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
        if kind == "Date" and (not _DATE_ANCHORS.search(text) or re.fullmatch(r"\d{1,3}", text)):
            continue  # "some years", "hours": a duration; "Ri, 52,": an age
        found.append(Candidate(start, end, kind, kind != "Date" and kind != "Money", end - 1))
        covered.update(range(start, end))
    korean = _korean_names(doc, covered)
    if korean:
        taken = {i for c in korean for i in range(c.start, c.end)}
        found = [c for c in found if not (c.type in ("Place", "Group") and taken & set(range(c.start, c.end)))]
        found.extend(korean)
        covered.update(taken)
    for candidate in found:
        if _is_dateline_place(doc, candidate):
            candidate.type = "Place"  # "VIENNA, Sept 6 (Example Wire) -": where the report was filed
    found.extend(_amounts(doc, covered))
    for chunk in doc.noun_chunks:
        candidate = _description(doc, chunk, covered, words)
        if candidate is not None:
            found.append(candidate)
    found.extend(_one_of(doc, covered))
    found.extend(_those_who(doc, covered))
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


def _is_dateline_place(doc: Doc, candidate: Candidate) -> bool:
    """A word in capitals at a paragraph's start, then a comma: the place of a dateline."""
    text = doc[candidate.start:candidate.end].text
    starts_line = candidate.start == 0 or "\n" in doc[candidate.start - 1].text_with_ws
    after = doc[candidate.end] if candidate.end < len(doc) else None
    return starts_line and text.isupper() and len(text) > 2 and after is not None and after.text == ","


def _reads_as_korean_name(text: str) -> bool:
    """Whether a name of two to four words reads as a Korean person's (surname and given name)."""
    from moneymen.names.korean.reading import read_korean_name

    words = _words_of(text)
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and bool(read_korean_name(text))


#: Last words of Korean institutions' names as romanized ("Inmin Poan-Bu", "Kukka Bowibu").
_KOREAN_INSTITUTIONS = frozenset({"bu", "bowibu", "poanbu", "bowisong", "guk", "wiwonhoe", "chongguk"})


def _korean_institution(text: str) -> bool:
    words = _words_of(text)
    return len(words) >= 2 and words[-1].casefold() in _KOREAN_INSTITUTIONS


def _trim(span: SpacySpan) -> tuple[int, int]:
    """A span without a leading determiner or a trailing possessive "’s" or punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and doc[start].lower_ in _DETERMINERS:
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct):
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
    return any(child.dep_ == "prep" and child.lower_ in _DEFINING_PREPS for child in head.rights)


def _defined_end(doc: Doc, head: Token, end: int) -> int:
    """The end of a description with the prepositional phrase that defines it ("… in China")."""
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in _DEFINING_PREPS and child.i >= end:
            last = max(t.i for t in child.subtree)
            if last - head.i <= 16:
                end = last + 1
            break
        if child.i >= end and child.dep_ not in ("punct",):
            break
    while end > head.i + 1 and (doc[end - 1].is_punct or doc[end - 1].tag_ == "POS"):
        end -= 1
    return end


_THOSE = frozenset({"those", "others", "people"})


def _those_who(doc: Doc, covered: set[int]) -> list[Candidate]:
    """"those who disappeared", "others with ties to Jang", "the people who looked after X": a group
    the text defines by what its members did or are."""
    found = []
    for token in doc:
        if token.lower_ not in _THOSE or token.i in covered or token.dep_ in ("poss", "compound"):
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


# --- tying spans of one entity together -------------------------------------------------------


def _name_key(text: str) -> str:
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=re.IGNORECASE)
    text = re.sub(r"[’']s$", "", text)
    return re.sub(r"[\s\-‐–'’.]+", "", text).casefold()


def _words_of(text: str) -> list[str]:
    return [w for w in re.split(r"[\s\-‐–]+", text) if w]


def _surname_matches(single: str, full: Mention) -> bool:
    """Whether a one-word mention is the surname of ``full`` (or the same surname romanized otherwise)."""
    for name in full.aliases:
        parts = _words_of(name)
        if len(parts) < 2:
            continue
        surnames = {parts[0], parts[-1]}
        for surname in surnames:
            if surname.casefold() == single.casefold():
                return True
            # "Chang" for "Jang": the same Korean surname in another romanization
            if compare_names(f"{single} Ho", f"{surname} Ho", "Person").score >= 0.99 and \
                    compare_names(single, surname, "Person").score >= 0.9:
                return True
    return False


@dataclass
class Clusters:
    """The document's mentions as they are being built, with the token → mention map."""

    doc: Doc
    mentions: list[Mention]
    heads: dict[str, str]                 # mention id → the head lemma of its first description
    by_token: dict[int, str]              # token index → the id of the innermost mention there

    def at(self, token: int) -> str | None:
        """The mention at token ``token``, if any."""
        return self.by_token.get(token)

    def type_of(self, mention_id: str) -> str:
        return self.mentions[int(mention_id[1:]) - 1].type

    def of_phrase(self, token: Token) -> str | None:
        """The mention a noun phrase headed by ``token`` names: its own, or the group it takes one
        from ("many of them", "a whole group of team members"), or its conjoined name's."""
        found = self.at(token.i)
        if found is not None:
            return found
        for child in token.children:
            if child.dep_ == "appos" and self.at(child.i) is not None:
                return self.at(child.i)  # "His predecessor, Pak Song-il, was recalled"
            if child.dep_ == "compound" and self.at(child.i) is not None:
                return self.at(child.i)
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return self.at(obj.i)
        return None

    def antecedent(self, token: Token, plural: bool = False, outside: list | None = None,
                   kind: str | None = None) -> str | None:
        """The person (or, ``plural``, the group; or a mention of ``kind``) a pronoun points back to: the
        nearest mention before it of that type, skipping the character ranges in ``outside``
        (quotations the pronoun is not in)."""
        wanted = kind or ("Group" if plural else "Person")
        index = token.i - 1
        while index >= 0 and token.i - index < 250:
            char = self.doc[index].idx
            if outside and any(start <= char < end for start, end in outside):
                index -= 1
                continue
            mention = self.at(index)
            if mention is not None and self.type_of(mention) == wanted:
                return mention
            index -= 1
        return None


def cluster(doc: Doc, candidates: list[Candidate], outlets: OutletTable | None = None) -> Clusters:
    """Tie the candidate spans of one entity together into mentions, ids in order of first appearance."""
    mentions: list[Mention] = []
    heads: dict[str, str] = {}
    keys: dict[tuple[str, str], Mention] = {}
    spans_of: dict[str, list[tuple[int, int]]] = {}
    last_unnamed_person: list[Mention] = []
    for candidate in candidates:
        span = doc[candidate.start:candidate.end]
        text = span.text
        chars = Span(span.start_char, span.end_char, text)
        target: Mention | None = None
        how = ""
        if candidate.named:
            key = (candidate.type, _name_key(text))
            target = keys.get(key)
            if target is None and candidate.type == "Person":
                target, how = _person_of(text, mentions)
            if target is None and candidate.type in ("Place", "Organization") and len(_words_of(text)) == 1:
                target, how = _person_of(text, mentions)  # "Ri" read as a place: the surname of Ri Kwang Nam
                if target is not None:
                    how = "surname (not a place)"
            if target is None and len(_words_of(text)) == 1:
                target = _short_name_of(text, mentions)  # "Myohyang" for Myohyang Machine Trading Corporation
                how = "short name" if target is not None else how
            if target is None and candidate.type in ("Organization", "Place"):
                target = keys.get((candidate.type, outlet_key(text)))
        elif candidate.type == "Person":
            if candidate.back:
                target = _described_before(candidate, last_unnamed_person, heads, doc)
                how = "description" if target else ""
        elif candidate.type in ("Group", "Organization") and candidate.back and not _defines_itself(doc, candidate):
            lemma = doc[candidate.head].lemma_.lower()
            outlet_noun = lemma in lexicon().outlet_nouns
            for mention in reversed(mentions):
                if mention.type != candidate.type:
                    continue
                if outlet_noun and mention.named and _is_outlet_name(mention.text, outlets):
                    target, how = mention, "the outlet it describes"
                    break
                if heads.get(mention.id) == lemma and not outlet_noun:
                    target, how = mention, "description"
                    break
                if not outlet_noun and mention.named and _names_kind(mention.text, lemma):
                    target, how = mention, "description"  # "the bank" after Kumsong Trade Bank
                    break
            if target is None and outlet_noun:
                continue  # "the newspaper" with no outlet before it: nothing to tie it to
        if target is None and not candidate.named and candidate.type in ("Group", "Organization", "Person"):
            target = keys.get((candidate.type, _name_key(text))) if candidate.type != "Person" else None
            defined = _defined_by(doc, candidate)
            if target is None and defined is not None:
                target = keys.get(defined)
                how = "the same definition" if target is not None else how
            if target is None:
                target = _subject_of_copula(doc, candidate, mentions, spans_of)
                how = "what the subject is" if target is not None else how
        if target is None:
            target = Mention(f"m{len(mentions) + 1}", candidate.type, text, named=candidate.named)
            mentions.append(target)
            heads[target.id] = doc[candidate.head].lemma_.lower()
            spans_of[target.id] = []
        elif how:
            target.resolved_by.append(f"{text} ({how})")
        target.spans.append(chars)
        spans_of[target.id].append((candidate.start, candidate.end))
        if candidate.named:
            keys[(candidate.type, _name_key(text))] = target
            keys.setdefault((candidate.type, outlet_key(text)), target)
            if candidate.type == "Person" and len(_words_of(text)) > len(_words_of(target.text)):
                target.text = text
        if candidate.type == "Person" and not candidate.named:
            last_unnamed_person.append(target)
        defined = _defined_by(doc, candidate) if not candidate.named else None
        if defined is not None:
            keys.setdefault(defined, target)
    by_token: dict[int, str] = {}
    for mention in mentions:  # the innermost span wins where spans nest
        for start, end in spans_of[mention.id]:
            for index in range(start, end):
                current = by_token.get(index)
                if current is None or _width(spans_of[current], index) > end - start:
                    by_token[index] = mention.id
    return Clusters(doc, mentions, heads, by_token)


_OUTLET_WORDS = frozenset({"sinmun", "ilbo", "news", "times", "post", "herald", "daily", "radio", "agency", "wire",
                           "tv", "television", "broadcasting", "journal", "gazette", "tribune", "press", "nk",
                           "shimbun", "chronicle", "telegraph", "guardian", "reuters", "yonhap", "kcna"})


def _is_outlet_name(name: str, outlets: OutletTable | None) -> bool:
    """Whether a name is a news outlet's: in the outlet table, or named like one ("Tongil Sinmun")."""
    if outlets is not None and outlets.find(name) is not None:
        return True
    return any(word.casefold() in _OUTLET_WORDS for word in _words_of(name))


_KIND_WORDS = {"company": {"company", "corporation", "corp", "co", "firm", "enterprise"},
               "firm": {"company", "corporation", "corp", "firm", "enterprise"},
               "bank": {"bank"}, "committee": {"committee"}, "ministry": {"ministry"}, "agency": {"agency"},
               "institute": {"institute"}, "embassy": {"embassy"}, "party": {"party"}, "bureau": {"bureau"},
               "office": {"office"}, "department": {"department"}, "commission": {"commission"}}


def _names_kind(name: str, noun: str) -> bool:
    """Whether an organisation's name says it is a ``noun`` ("Kumsong Trade Bank" is a bank)."""
    kinds = _KIND_WORDS.get(noun)
    return bool(kinds) and any(word.casefold() in kinds for word in _words_of(name))


def _short_name_of(word: str, mentions: list[Mention]) -> Mention | None:
    """The organisation a single word is the short name of: the first word of its full name."""
    for mention in reversed(mentions):
        if mention.type == "Organization" and mention.named:
            parts = _words_of(mention.text)
            if len(parts) >= 2 and parts[0].casefold() == word.casefold():
                return mention
    return None


def _defines_itself(doc: Doc, candidate: Candidate) -> bool:
    """"these North Koreans in Beijing": a description with a place of its own names another group."""
    return any(t.dep_ == "prep" and t.lower_ in _DEFINING_PREPS and t.head.i == candidate.head
               for t in doc[candidate.head:candidate.end])


def _defined_by(doc: Doc, candidate: Candidate) -> tuple[str, str] | None:
    """What a "those who …" group is defined by: the verb of its clause ("those who disappeared" and
    "those who have disappeared" are one group)."""
    head = doc[candidate.head]
    if head.lower_ not in _THOSE:
        return None
    clause = next((c for c in head.rights if c.dep_ == "relcl"), None)
    return ("Group", f"who {clause.lemma_.lower()}") if clause is not None else None


def _subject_of_copula(doc: Doc, candidate: Candidate, mentions: list[Mention],
                       spans_of: dict[str, list[tuple[int, int]]]) -> Mention | None:
    """"Myohyang is a unit of …", "Those who were in Guangzhou are the people who …": a predicate
    nominal is another span of its subject's entity."""
    head = doc[candidate.head]
    if head.dep_ != "attr" or head.head.lemma_ != "be":
        return None
    subject = next((c for c in head.head.children if c.dep_ == "nsubj"), None)
    if subject is None:
        return None
    for token in (subject, *(c for c in subject.children if c.dep_ == "prep" and c.lower_ == "of"
                             for c in c.children if c.dep_ == "pobj")):
        for mention in mentions:
            if any(start <= token.i < end for start, end in spans_of[mention.id]) and \
                    (mention.type == candidate.type or {mention.type, candidate.type} <= {"Group", "Person"}):
                return mention
    return None


def _width(spans: list[tuple[int, int]], index: int) -> int:
    return min((end - start for start, end in spans if start <= index < end), default=10 ** 6)


def _person_of(text: str, mentions: list[Mention]) -> tuple[Mention | None, str]:
    """The person a name names again: a surname alone, or a variant spelling of a full name."""
    parts = _words_of(text)
    people = [m for m in mentions if m.type == "Person" and m.named]
    if len(parts) == 1:
        for mention in reversed(people):
            if _surname_matches(parts[0], mention):
                return mention, "surname"
        return None, ""
    for mention in reversed(people):
        if len(_words_of(mention.text)) == 1 and _surname_matches(mention.text, Mention("", "Person", text, [Span(0, 0, text)])):
            return mention, "full name of an earlier surname"
        if compare_names(text, mention.text, "Person").score >= 0.92:
            return mention, "another spelling"
    return None, ""


#: Nouns that can point back to any person described before ("the man", "the North Korean").
_ANY_PERSON = frozenset({"man", "woman", "person", "korean", "official", "officer", "diplomat", "defector"})


def _described_before(candidate: Candidate, earlier: list[Mention], heads: dict[str, str], doc: Doc) -> Mention | None:
    """The person a definite description ("the source", "the man") points back to. A possessive
    one ("his wife", "his Chinese source") names someone else unless its noun is the earlier one's."""
    lemma = doc[candidate.head].lemma_.lower()
    words = lexicon()
    possessive = doc[candidate.start].dep_ == "poss" or doc[candidate.start].lower_ in ("his", "her", "their", "its")
    for mention in reversed(earlier[-6:]):
        head = heads.get(mention.id, "")
        if candidate.source_noun:
            if head in words.source_nouns:
                return mention
        elif head == lemma or (not possessive and lemma in _ANY_PERSON and head not in words.source_nouns):
            return mention
    return None
