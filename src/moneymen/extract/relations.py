"""Relations between the mentions of a sentence: who works for, leads, is kin to, sits where, pays whom.

Rules read the dependency parse around the lexicon's ``relations`` triggers:

* a role noun in apposition or as a predicate ("Kim, a deputy director of Daesong Bank", "Lee, a
  Free North Korea Radio correspondent", "Kim Jong-nam, the eldest son of Kim Jong-il");
* a verb between a subject and a prepositional or direct object ("worked for a trading company",
  "led by Jang", "stationed in Beijing", "transferred foreign currency to Pyongyang"), where the
  subject of a relative clause is the noun it describes;
* "under" between two organisations (a company under a department: ``subordinate_of``);
* "ties to", "close to", "worked with": ``associate``;
* a group or a described person defined by where it is ("North Korean workers in Beijing").
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Span as SpacySpan, Token

from moneymen.extract.events import SpeakerAt, _mention_for
from moneymen.extract.extraction import Relation, Span
from moneymen.extract.nlp import text_of
from moneymen.extract.lexicon import lexicon
from moneymen.extract.mentions import Clusters

_AGENTS = ("Person", "Group", "Organization")
_SYMMETRIC = frozenset({"associate", "family"})


def find_relations(doc: Doc, clusters: Clusters, speaker_at: SpeakerAt) -> list[Relation]:
    """Every relation ``doc`` states between two of its mentions, in order, without repeats."""
    found: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()
    for sentence in doc.sents:
        for subject, predicate, obj in _sentence_relations(sentence, clusters, speaker_at):
            if subject is None or obj is None or subject == obj:
                continue
            key = (subject, predicate, obj)
            if predicate in _SYMMETRIC:
                key = (min(subject, obj), predicate, max(subject, obj))
            if key in seen:
                continue
            seen.add(key)
            found.append(Relation(subject, predicate, obj, _evidence(sentence)))
    return found


def _sentence_relations(sentence: SpacySpan, clusters: Clusters, speaker_at: SpeakerAt
                        ) -> Iterator[tuple[str | None, str, str | None]]:
    words = lexicon()
    role_of = {noun: triggers.predicate for triggers in words.relations for noun in triggers.nouns}
    verb_of: dict[str, list[str]] = {}
    for triggers in words.relations:
        for verb in triggers.verbs:
            verb_of.setdefault(verb, []).append(triggers.predicate)

    def mention(token: Token) -> str | None:
        return _mention_for(token, clusters, speaker_at)

    def typed(mention_id: str | None, *types: str) -> str | None:
        return mention_id if mention_id is not None and clusters.type_of(mention_id) in types else None

    for token in sentence:
        lemma = token.lemma_.lower()
        # roles: "X, a deputy director of Y" / "X, the son of Y" / "a Y correspondent"
        if token.pos_ in ("NOUN", "PROPN") and lemma in role_of:
            holder = _role_holder(token)
            holder_id = typed(mention(holder), *_AGENTS) if holder is not None else None
            if holder_id is None:
                continue
            predicate = role_of[lemma]
            for other in _role_objects(token):
                other_id = mention(other)
                if predicate == "family":
                    yield holder_id, predicate, typed(other_id, "Person")
                elif predicate in ("employment", "leads", "membership", "subordinate_of", "ownership"):
                    kinds = ("Organization", "Place") if predicate == "employment" else _AGENTS
                    yield holder_id, predicate, typed(other_id, *kinds)
        # verbs: "worked for Y", "led by X", "stationed in Y", "transferred money to Y"
        if token.pos_ == "VERB" and lemma in verb_of:
            subject = _verb_subject(token)
            subject_id = typed(mention(subject), *_AGENTS) if subject is not None else None
            for predicate in verb_of[lemma]:
                yield from _verb_relation(token, predicate, subject_id, mention, typed)
        # "a company under the department"
        if token.lower_ == "under" and token.dep_ == "prep":
            head_id = typed(mention(token.head), "Organization")
            for obj in (c for c in token.children if c.dep_ == "pobj"):
                yield head_id, "subordinate_of", typed(mention(obj), "Organization")
        # "ties to Jang", "close to Jang", "worked with Jang"
        if lemma in ("tie", "link", "connection") and token.pos_ == "NOUN":
            for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in ("to", "with")):
                for obj in (c for c in prep.children if c.dep_ == "pobj"):
                    owner = _owner_of_ties(token)
                    yield (typed(mention(owner), *_AGENTS) if owner is not None else None), "associate", \
                        typed(mention(obj), *_AGENTS)
        if lemma == "close" and token.pos_ == "ADJ":
            for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ == "to"):
                for obj in (c for c in prep.children if c.dep_ == "pobj"):
                    subject = _verb_subject(token.head) if token.dep_ == "acomp" else token.head
                    yield (typed(mention(subject), *_AGENTS) if subject is not None else None), "associate", \
                        typed(mention(obj), *_AGENTS)
        # a group or described person defined by a place: "workers in Beijing", "a source in China"
        if token.dep_ == "prep" and token.lower_ in ("in", "at") and token.head.pos_ in ("NOUN", "PROPN"):
            head_id = typed(clusters.at(token.head.i), "Group", "Person")
            if head_id is not None and not clusters.mentions[int(head_id[1:]) - 1].named:
                for obj in (c for c in token.children if c.dep_ == "pobj"):
                    yield head_id, "located_in", typed(clusters.at(obj.i), "Place")


def _role_holder(role: Token) -> Token | None:
    """Whose role a role noun is: the noun it is in apposition to, or the subject it is predicated of."""
    if role.dep_ == "appos":
        return role.head
    if role.dep_ == "conj" and role.head.dep_ == "appos":
        return role.head.head
    if role.dep_ == "attr":
        return next((c for c in role.head.children if c.dep_ == "nsubj"), None)
    if role.dep_ in ("nsubj", "pobj", "dobj"):
        for child in role.children:
            if child.dep_ == "appos":
                return child  # "the deputy director, Kim …"
    return None


def _role_objects(role: Token) -> list[Token]:
    """The organisation or person a role is of: "director of Y", "Y's director", "a Y correspondent"."""
    found: list[Token] = []
    for child in role.children:
        if child.dep_ == "prep" and child.lower_ in ("of", "at", "for", "with", "in", "to"):
            found.extend(c for c in child.children if c.dep_ == "pobj")
        if child.dep_ in ("poss", "compound"):
            found.append(child)
    return found


def _verb_subject(verb: Token) -> Token | None:
    if verb.dep_ in ("relcl", "acl"):
        return verb.head
    for child in verb.children:
        if child.dep_ == "nsubj":
            return child
    if verb.dep_ in ("conj", "xcomp") and verb.head is not verb:
        return _verb_subject(verb.head)
    return None


def _verb_relation(verb: Token, predicate: str, subject_id: str | None, mention, typed
                   ) -> Iterator[tuple[str | None, str, str | None]]:
    words = lexicon()
    preps = {c.lower_: [o for o in c.children if o.dep_ == "pobj"] for c in verb.children if c.dep_ == "prep"}
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    agents = [o for c in verb.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj"]
    if predicate == "employment":
        for obj in preps.get("for", []) + preps.get("at", []):
            yield subject_id, predicate, typed(mention(obj), "Organization")
    elif predicate == "leads":
        if agents:  # "the department led by Jang"
            for agent in agents:
                yield typed(mention(agent), "Person", "Organization"), predicate, typed(mention(verb.head), "Organization", "Group")
        else:
            for obj in objects:
                yield subject_id, predicate, typed(mention(obj), "Organization", "Group")
    elif predicate == "located_in":
        for prep in ("in", "at", "to"):
            for obj in preps.get(prep, []):
                yield subject_id, predicate, typed(mention(obj), "Place")
                for conj in obj.conjuncts:
                    yield subject_id, predicate, typed(mention(conj), "Place")
    elif predicate == "money_transfer":
        money = [o for o in objects if o.lemma_.lower() in words.money_nouns or
                 any(c.lemma_.lower() in words.money_nouns for c in o.subtree)]
        if money:
            for obj in preps.get("to", []):
                yield subject_id, predicate, typed(mention(obj), "Person", "Organization", "Place", "Group")
    elif predicate == "associate":
        for obj in preps.get("with", []) + objects:
            yield subject_id, predicate, typed(mention(obj), "Person", "Organization")
        if verb.lemma_.lower() == "look" and "after" in preps:
            for obj in preps["after"]:
                yield subject_id, predicate, typed(mention(obj), "Person")
    elif predicate == "membership":
        for obj in objects + preps.get("to", []):
            yield subject_id, predicate, typed(mention(obj), "Organization")
    elif predicate == "ownership":
        if agents:
            for agent in agents:
                yield typed(mention(agent), "Person", "Organization"), predicate, typed(mention(verb.head), "Organization")
        else:
            for obj in objects:
                yield subject_id, predicate, typed(mention(obj), "Organization")


def _owner_of_ties(tie: Token) -> Token | None:
    """Who has the ties: the subject of "had ties to", or the noun "with ties to" describes."""
    head = tie.head
    if tie.dep_ == "dobj":
        return _verb_subject(head)
    if tie.dep_ == "pobj" and head.lower_ == "with":
        return head.head
    return None


def _evidence(sentence: SpacySpan) -> Span:
    text = text_of(sentence.doc)
    start, end = sentence.start_char, sentence.end_char
    while start < end and (text[start].isspace() or text[start] in "“”\"‘’"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "“”\"‘’"):
        end -= 1
    return Span(start, end, text[start:end])
