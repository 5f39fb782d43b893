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

from moneymen.extract.events import SpeakerAt, mention_for
from moneymen.extract.extraction import Relation
from moneymen.extract.spans import sentence_span
from moneymen.extract.lexicon import lexicon
from moneymen.extract.coreference import Clusters

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
            found.append(Relation(subject, predicate, obj, sentence_span(sentence)))
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
        return mention_for(token, clusters, speaker_at)

    def typed(mention_id: str | None, *types: str) -> str | None:
        return mention_id if mention_id is not None and clusters.type_of(mention_id) in types else None

    for token in sentence:
        lemma = token.lemma_.lower()
        # roles: "X, a deputy director of Y" / "X, the son of Y" / "a Y correspondent" / "his wife"
        if token.pos_ in ("NOUN", "PROPN") and lemma in role_of:
            holder = _role_holder(token, clusters)
            holder_id = typed(mention(holder), *_AGENTS) if holder is not None else None
            if holder_id is None:
                continue
            predicate = role_of[lemma]
            if predicate == "leads" and any(c.lower_ in _JUNIOR for c in token.children):
                predicate = "employment"  # "a deputy director of Y" works for Y; it does not lead it
            for other in _role_objects(token):
                other_id = mention(other)
                if predicate == "family":
                    yield holder_id, predicate, typed(other_id, "Person", "Group")
                elif predicate in ("employment", "leads", "membership", "subordinate_of", "ownership", "associate"):
                    kinds = ("Organization", "Place") if predicate == "employment" else _AGENTS
                    yield holder_id, predicate, typed(other_id, *kinds)
        # "a North Korean official": a state post, employment with that state
        if token.pos_ == "NOUN" and lemma in words.state_posts:
            holder_id = typed(clusters.at(token.i), "Person", "Group")
            country = _demonym_country(token, clusters)
            if holder_id is not None and country is not None:
                yield holder_id, "employment", country
        # an organisation's part: "a unit of Y", "Office 39 of the Workers' Party", "the company's office"
        if token.pos_ in ("NOUN", "PROPN") and lemma in words.part_nouns | {"office"}:
            part = typed(clusters.at(token.i), "Organization")
            if part is None and token.dep_ == "attr":
                subject = _verb_subject(token.head)
                part = typed(mention(subject), "Organization") if subject is not None else None
            if part is not None:
                for other in _role_objects(token, compounds=False):
                    yield part, "subordinate_of", typed(mention(other), "Organization")
        if token.dep_ == "prep" and token.lower_ == "of" and token.head.ent_type_ == "ORG":
            part = typed(clusters.at(token.head.i), "Organization")
            for obj in (c for c in token.children if c.dep_ == "pobj" and c.ent_type_ == "ORG"):
                yield part, "subordinate_of", typed(clusters.at(obj.i), "Organization")
        # verbs: "worked for Y", "led by X", "stationed in Y", "transferred money to Y"
        if token.pos_ == "VERB" and lemma in verb_of:
            subject = _verb_subject(token)
            subject_id = typed(mention(subject), *_AGENTS) if subject is not None else None
            for predicate in verb_of[lemma]:
                yield from _verb_relation(token, predicate, subject_id, mention, typed)
        # "a company under the department" ("worked for a company under …" hangs it on the verb)
        if token.lower_ == "under" and token.dep_ == "prep":
            head_id = typed(mention(token.head), "Organization")
            if head_id is None and token.head.pos_ == "VERB":
                before = [c for c in token.head.children if c.dep_ == "prep" and c.i < token.i and c.lower_ in ("for", "at")]
                for prep in before:
                    head_id = next((typed(mention(o), "Organization") for o in prep.children if o.dep_ == "pobj"), None)
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
        # "X in PLACE": a person, group or organisation defined by where it is ("a branch in Dandong")
        if token.dep_ == "prep" and token.lower_ in ("in", "at") and token.head.pos_ in ("NOUN", "PROPN"):
            head_id = typed(clusters.at(token.head.i), "Group", "Person", "Organization")
            if head_id is not None:
                for obj in (c for c in token.children if c.dep_ == "pobj"):
                    yield head_id, "located_in", typed(_place_of(obj, clusters), "Place")
        # "X were in China", "Those who were in Guangzhou": being somewhere
        if token.dep_ == "prep" and token.lower_ in ("in", "at") and token.head.lemma_ == "be":
            subject = _verb_subject(token.head)
            if subject is not None:
                for obj in (c for c in token.children if c.dep_ == "pobj"):
                    yield typed(mention(subject), "Group", "Person", "Organization"), "located_in", \
                        typed(_place_of(obj, clusters), "Place")


def _demonym_country(noun: Token, clusters: Clusters) -> str | None:
    """The Place mention of the country a state post's demonym names ("North Korean" → North Korea)."""
    demonyms = lexicon().demonyms
    modifiers = [t for left in noun.lefts if left.dep_ in ("amod", "compound")
                 for t in left.subtree if t.ent_type_ == "NORP"]
    if not modifiers:
        return None
    text = " ".join(t.text for t in sorted(modifiers, key=lambda t: t.i)).casefold()
    country = demonyms.get(text)
    if country is None:
        return None
    for mention in clusters.mentions:
        if mention.type == "Place" and any(alias.casefold() == country for alias in mention.aliases):
            return mention.id
    return None


#: Words that make a role noun junior: a deputy director works for the body, the director leads it.
_JUNIOR = frozenset({"deputy", "vice", "assistant", "associate", "acting", "former", "co"})


def _place_of(token: Token, clusters: Clusters) -> str | None:
    """The place a prepositional object names: itself, or "the city of X", "a house in X"."""
    found = clusters.at(token.i)
    if found is not None and clusters.type_of(found) == "Place":
        return found
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ("of", "in"):
            for obj in (c for c in child.children if c.dep_ == "pobj"):
                inner = clusters.at(obj.i)
                if inner is not None and clusters.type_of(inner) == "Place":
                    return inner
    return found


def _role_holder(role: Token, clusters: Clusters) -> Token | None:
    """Whose role a role noun is: the noun it is in apposition to, the subject it is predicated of,
    or the mention it heads itself ("a manager of a shipping agency", "his wife")."""
    if role.dep_ == "appos":
        return role.head
    if role.dep_ == "conj" and role.head.dep_ == "appos":
        return role.head.head
    if role.dep_ == "attr":
        return next((c for c in role.head.children if c.dep_ == "nsubj"), None)
    for child in role.children:
        if child.dep_ == "appos":
            return child  # "the deputy director, Kim …", "His wife, Ri Song-ae"
    if clusters.at(role.i) is not None:
        return role
    return None


def _role_objects(role: Token, compounds: bool = True) -> list[Token]:
    """The organisation or person a role is of: "director of Y", "Y's director", "a Y correspondent",
    "his cousin" (the pronoun, resolved by the caller)."""
    found: list[Token] = []
    for child in role.children:
        if child.dep_ == "prep" and child.lower_ in ("of", "at", "for", "with", "to"):
            found.extend(c for c in child.children if c.dep_ == "pobj")
        if child.dep_ == "poss" or (compounds and child.dep_ == "compound"):
            found.append(child)
    return found


def _verb_subject(verb: Token) -> Token | None:
    if verb.dep_ == "relcl" and any(c.lower_ == "who" for c in verb.children) and verb.head.dep_ == "pobj" \
            and verb.head.head.lower_ == "of" and verb.head.lemma_.lower() in lexicon().organization_nouns:
        return verb.head.head.head  # "members of the trading companies who have worked with Jang": the members
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
        money = [o for o in objects if o.lemma_.lower() in words.money_nouns or o.ent_type_ == "MONEY" or
                 any(c.lemma_.lower() in words.money_nouns or c.text in "$€¥£" for c in o.subtree)]
        if money:
            for obj in preps.get("to", []):
                yield subject_id, predicate, typed(mention(obj), "Person", "Organization", "Place", "Group")
    elif predicate == "employment" and preps.get("with"):
        return  # "worked with Jang": an associate (below), not an employer
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
