"""Coreference within a document: the spans of one entity tied together into a mention.

The same name; a surname alone ("Lee" after "Lee Keum-Ryong"); another romanization ("Chang" for
Jang, compared by the names module); a short name ("Myohyang" for Myohyang Machine Trading
Corporation); a definite description ("the source", "the official", "the bank", "the newspaper")
pointing back to the last such entity; a predicate nominal ("Myohyang is a unit of …"); and "those
who …" groups defined by the same clause. :class:`Clusters` then answers which mention a token
belongs to, and what a pronoun points back to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Token

from moneymen.extract.extraction import Mention, Span
from moneymen.extract.lexicon import lexicon
from moneymen.extract.mentions import DEFINING_PREPS, THOSE, Candidate, is_outlet_name, words_of
from moneymen.extract.outlets import OutletTable, outlet_key
from moneymen.match.names import compare_names


def _org_key(text: str) -> str:
    """An organisation's name without its legal form ("Blue Pine Trading Co." is Blue Pine Trading)."""
    from moneymen.names.forms import analyse

    form = analyse(text, "organization")
    return "".join(form.tokens).casefold() if form.tokens else _name_key(text)


def _name_key(text: str) -> str:
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=re.IGNORECASE)
    text = re.sub(r"[’']s$", "", text)
    return re.sub(r"[\s\-‐–'’.]+", "", text).casefold()


def _surname_matches(single: str, full: Mention, exact: bool = False) -> bool:
    """Whether a one-word mention is the surname of ``full`` (as written, or with ``exact`` False
    also the same surname romanized otherwise)."""
    for name in full.aliases:
        parts = words_of(name)
        if len(parts) < 2:
            continue
        for surname in {parts[0], parts[-1]}:
            if surname.casefold() == single.casefold() or (not exact and _same_surname(single, surname)):
                return True
    return False


@lru_cache(maxsize=65536)
def _same_surname(single: str, surname: str) -> bool:
    """The same surname, or the same Korean surname in another romanization ("Chang" for "Jang")."""
    if surname.casefold() == single.casefold():
        return True
    return compare_names(f"{single} Ho", f"{surname} Ho", "Person").score >= 0.99  # read as Korean surnames


@lru_cache(maxsize=65536)
def _same_person_name(a: str, b: str) -> bool:
    """Two full names of one person written differently ("Ri Kwang Nam", "Lee Kwang-nam")."""
    return compare_names(a, b, "Person").score >= 0.92


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
                   kind: str | None = None, exclude: set[str] | None = None) -> str | None:
        """The person (or, ``plural``, the group; or a mention of ``kind``) a pronoun points back to: the
        nearest mention before it of that type, skipping the character ranges in ``outside``
        (quotations the pronoun is not in)."""
        wanted = kind or ("Group" if plural else "Person")
        for index in sorted((i for i in self.by_token if token.i - 250 < i < token.i), reverse=True):
            mention = self.by_token[index]
            if self.type_of(mention) != wanted or (exclude and mention in exclude):
                continue
            char = self.doc[index].idx
            if outside and any(start <= char < end for start, end in outside):
                continue
            return mention
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
            if target is None and candidate.type in ("Place", "Organization") and len(words_of(text)) == 1:
                target, how = _person_of(text, mentions)  # "Ri" read as a place: the surname of Ri Kwang Nam
                if target is not None:
                    how = "surname (not a place)"
            if target is None and len(words_of(text)) == 1:
                target = _short_name_of(text, mentions)  # "Myohyang" for Myohyang Machine Trading Corporation
                how = "short name" if target is not None else how
            if target is None and candidate.type in ("Organization", "Place"):
                target = keys.get((candidate.type, outlet_key(text)))
            if target is None and candidate.type == "Organization":
                target = keys.get(("Organization-form", _org_key(text)))
            if target is None and candidate.type == "Place" and text in ("North", "South") and candidate.start \
                    and doc[candidate.start - 1].lower_ == "the":
                target = keys.get(("Place", _name_key(f"{text} Korea")))  # "sent from the North"
                how = "the North for North Korea" if target is not None else how
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
                if outlet_noun and mention.named and is_outlet_name(mention.text, outlets):
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
            if candidate.type == "Organization":
                keys.setdefault(("Organization-form", _org_key(text)), target)
            if target.text.isupper() and not text.isupper():
                target.text = text  # "Dandong", not the dateline's "DANDONG"
            if candidate.type == "Person" and len(words_of(text)) > len(words_of(target.text)):
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


_KIND_WORDS = {"company": {"company", "corporation", "corp", "co", "firm", "enterprise", "gmbh", "ltd"},
               "firm": {"company", "corporation", "corp", "co", "firm", "enterprise", "gmbh", "ltd"},
               "bank": {"bank"}, "committee": {"committee"}, "ministry": {"ministry"}, "agency": {"agency"},
               "institute": {"institute"}, "embassy": {"embassy"}, "party": {"party"}, "bureau": {"bureau"},
               "office": {"office"}, "department": {"department"}, "commission": {"commission"}}


def _names_kind(name: str, noun: str) -> bool:
    """Whether an organisation's name says it is a ``noun`` ("Kumsong Trade Bank" is a bank)."""
    kinds = _KIND_WORDS.get(noun)
    return kinds is not None and any(word.casefold().rstrip(".") in kinds for word in words_of(name))


def _short_name_of(word: str, mentions: list[Mention]) -> Mention | None:
    """The organisation a single word is the short name of: the first word of its full name."""
    for mention in reversed(mentions):
        if mention.type == "Organization" and mention.named:
            parts = words_of(mention.text)
            if len(parts) >= 2 and parts[0].casefold() == word.casefold():
                return mention
    return None


def _defines_itself(doc: Doc, candidate: Candidate) -> bool:
    """"these North Koreans in Beijing": a description with a place of its own names another group."""
    return any(t.dep_ == "prep" and t.lower_ in DEFINING_PREPS and t.head.i == candidate.head
               for t in doc[candidate.head:candidate.end])


def _defined_by(doc: Doc, candidate: Candidate) -> tuple[str, str] | None:
    """What a "those who …" group is defined by: the verb of its clause ("those who disappeared" and
    "those who have disappeared" are one group)."""
    head = doc[candidate.head]
    if head.lower_ not in THOSE:
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
    parts = words_of(text)
    people = [m for m in mentions if m.type == "Person" and m.named]
    if len(parts) == 1:
        # the surname as written first ("Lee" is Lee Kwang-nam, even after a Ri), then the same
        # surname in another romanization ("Chang" for Jang Song-thaek)
        for exact in (True, False):
            for mention in reversed(people):
                if _surname_matches(parts[0], mention, exact):
                    return mention, "surname" if exact else "surname in another romanization"
        return None, ""
    for mention in reversed(people):
        if len(words_of(mention.text)) == 1 and _surname_matches(mention.text, Mention("", "Person", text, [Span(0, 0, text)])):
            return mention, "full name of an earlier surname"
        if _same_person_name(text, mention.text):
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
