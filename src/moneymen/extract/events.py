"""Events: purges, recalls, disappearances, arrests, flights, defections… with who, where and when.

A trigger (a verb, a noun or a phrase of the lexicon's ``events``) makes an event when the text
says who it happened to: for events done to someone (purged, recalled, arrested) the object or the
passive subject, for events someone does (fled, vanished, defected) the subject, following the
clause up through "was able to flee" and "who disappeared". "I" in a quotation is its speaker.
The status says what the text commits to: ``happened``; ``planned`` under a verb of intent
("mulling fleeing"); ``possible`` under a modal or "whether"; ``negated`` ("did not defect");
``threatened`` for an arrest squad sent, not an arrest made.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Span as SpacySpan, Token

from moneymen.extract.extraction import Event, Span
from moneymen.extract.spans import sentence_span
from moneymen.extract.lexicon import EventTriggers, lexicon
from moneymen.extract.coreference import Clusters

#: Who "I" is at a character of the text (a quotation's speaker), if anyone: a mention id.
SpeakerAt = Callable[[int], "str | None"]

#: Verbs that are events only with a person to undergo them ("removed the files" is no purge).
_NEEDS_PERSON = frozenset({"remove", "dismiss", "seize", "send", "move", "return", "hold", "run"})
_PLURAL_PRONOUNS = frozenset({"they", "them", "themselves", "those", "others", "many", "some", "most", "all"})


def find_events(doc: Doc, clusters: Clusters, speaker_at: SpeakerAt) -> list[Event]:
    """Every event ``doc`` states, in order."""
    found: list[Event] = []
    seen: set[tuple] = set()
    for sentence in doc.sents:
        for trigger, triggers, phrase in _triggers(sentence):
            if _in_question(trigger) or _defines_group(trigger):
                continue
            participants = _participants(trigger, triggers, clusters, speaker_at)
            people = [p for p in participants if clusters.type_of(p) in ("Person", "Group", "Organization")]
            if not people:
                continue
            key = (triggers.type, tuple(people), sentence.start)
            if key in seen:
                continue
            seen.add(key)
            found.append(Event(triggers.type, Span(trigger.idx, trigger.idx + len(trigger.text), trigger.text),
                               tuple(people), sentence_span(sentence), place=_place(trigger, clusters),
                               date=_date(trigger, sentence, clusters), status=_status(trigger, triggers, phrase)))
    return found


def _triggers(sentence: SpacySpan) -> list[tuple[Token, EventTriggers, bool]]:
    """The event triggers of a sentence: (token, its event type's triggers, whether a phrase found it)."""
    words = lexicon()
    found: list[tuple[Token, EventTriggers, bool]] = []
    taken: set[int] = set()
    lower = sentence.text.lower()
    for triggers in words.events:
        for phrase in triggers.phrases:
            start = lower.find(phrase)
            while start >= 0:
                span = sentence.doc.char_span(sentence.start_char + start, sentence.start_char + start + len(phrase),
                                              alignment_mode="expand")
                if span is not None:
                    head = next((t for t in span if t.lemma_.lower() in triggers.verbs | triggers.nouns), None) or \
                        next((t for t in span if t.pos_ == "VERB" and t.dep_ not in ("aux", "auxpass")), None) or \
                        next((t for t in span if t.pos_ in ("VERB", "AUX", "NOUN")), span.root)
                    if head.i not in taken:
                        found.append((head, triggers, True))
                        taken.update(t.i for t in span)
                start = lower.find(phrase, start + 1)
    for token in sentence:
        if token.i in taken:
            continue
        lemma = token.lemma_.lower()
        for triggers in words.events:
            if (token.pos_ == "VERB" and lemma in triggers.verbs) or (token.pos_ == "NOUN" and lemma in triggers.nouns):
                if token.pos_ == "NOUN" and lemma in words.role_nouns:
                    continue
                found.append((token, triggers, False))
                taken.add(token.i)
                break
    found.sort(key=lambda item: item[0].i)
    return found


def _participants(trigger: Token, triggers: EventTriggers, clusters: Clusters, speaker_at: SpeakerAt) -> list[str]:
    """Who the event happened to (and who did it: "detained by two officials", "U.S. sanctions"), as mention ids."""
    tokens: list[Token] = []
    if trigger.pos_ == "NOUN":
        for child in trigger.children:
            if child.dep_ == "poss" or (child.dep_ == "prep" and child.lower_ in ("of", "against", "on")):
                tokens.extend(c for c in ([child] if child.dep_ == "poss" else child.children) if c.dep_ in ("poss", "pobj"))
        if trigger.dep_ == "compound" and trigger.head.lemma_.lower() in triggers.threat_nouns:
            tokens.append(trigger.head)  # "an arrest squad": the squad sent to arrest
        elif not tokens and trigger.dep_ == "compound":
            return []
        if not tokens and trigger.dep_ == "pobj" and trigger.head.lower_ in ("in", "into") \
                and trigger.head.head.pos_ in ("NOUN", "PROPN"):
            tokens.append(trigger.head.head)  # "an official in hiding"
        elif not tokens and trigger.dep_ == "dobj" and trigger.head.pos_ == "VERB":
            tokens.extend(_subjects(trigger.head) or [c for c in trigger.head.children if c.dep_ == "nsubj"])
            # "requested asylum": whoever requested it
        elif not tokens and trigger.dep_ == "pobj" and trigger.head.lower_ in ("for", "under", "in", "into"):
            # "asked for asylum", "has been under sanctions since 2010", "went into hiding"
            tokens.extend(_subjects(trigger.head.head) or _subjects(trigger.head))
        for child in trigger.children:  # "U.S. sanctions", "United Nations sanctions": who imposed them
            if child.dep_ in ("compound", "amod", "nmod") and clusters.at(child.i) is not None:
                tokens.append(child)
    elif trigger.dep_ in ("pcomp", "pobj") and trigger.head.lower_ in ("in", "into") and trigger.head.head.pos_ == "VERB" \
            and any(c.dep_ == "dobj" for c in trigger.head.head.children):
        # "reached a North Korean official in hiding": the one in hiding is the object reached
        tokens.extend(c for c in trigger.head.head.children if c.dep_ == "dobj")
    else:
        deps = ("nsubjpass", "dobj") if triggers.passive else ("nsubj",)
        tokens.extend(c for c in trigger.children if c.dep_ in deps)
        if triggers.passive and not tokens:
            tokens.extend(c for c in trigger.children if c.dep_ == "nsubj" and _is_passive(trigger))
        if not tokens:
            tokens.extend(_subjects(trigger, passive=triggers.passive))
        # "detained by two security officials": whoever did it takes part too
        tokens.extend(o for c in trigger.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj")
    # "flee to Germany with his family"
    tokens.extend(o for c in trigger.children if c.dep_ == "prep" and c.lower_ == "with"
                  for o in c.children if o.dep_ == "pobj")
    found: list[str] = []
    for token in tokens:
        for member in [token, *(c for c in token.conjuncts)]:
            mention = mention_for(member, clusters, speaker_at)
            if mention is not None and mention not in found:
                found.append(mention)
    if trigger.lemma_.lower() in _NEEDS_PERSON and not any(clusters.type_of(m) in ("Person", "Group") for m in found):
        return []
    return found


def _defines_group(trigger: Token) -> bool:
    """"those who disappeared": the clause says who the group is, not that something happened now."""
    return trigger.dep_ == "relcl" and trigger.head.lower_ in ("those", "others", "people")


def _in_question(trigger: Token) -> bool:
    """Whether a trigger sits in a question put to someone ("When asked how many fled, …")."""
    current = trigger
    for _ in range(5):
        if current.lemma_.lower() == "ask" and current is not trigger and \
                (current.dep_ == "advcl" or _is_passive(current)):
            return True  # "When asked how many fled, …"; not "he asked for asylum"
        if any(c.lower_ in ("how", "whether") and c.dep_ in ("advmod", "mark") and current.dep_ == "ccomp"
               for c in current.children) and current.head.lemma_.lower() == "ask":
            return True
        if current.head is current:
            break
        current = current.head
    return False


def _is_passive(token: Token) -> bool:
    return any(c.dep_ == "auxpass" for c in token.children)


def _subjects(token: Token, passive: bool = False) -> list[Token]:
    """The subject of the clause a verb sits in: "X was able to flee", "those who vanished"."""
    current = token
    for _ in range(4):
        if current.dep_ == "relcl":
            return [current.head]
        if current.dep_ == "acl":
            return [current.head]  # "an arrest squad dispatched from the North", "officials stationed in …"
        subjects = [c for c in current.children if c.dep_ in (("nsubjpass", "nsubj") if passive else ("nsubj", "nsubjpass"))]
        if subjects and current is not token:
            return subjects
        if (current.dep_ in ("xcomp", "acomp", "pcomp", "conj", "advcl", "ccomp", "prep", "advmod")
                or (current.dep_ == "dobj" and current.pos_ == "VERB")) and current.head is not current:
            current = current.head
            if current.dep_ == "prep":
                continue
            continue
        break
    return []


def mention_for(token: Token, clusters: Clusters, speaker_at: SpeakerAt) -> str | None:
    """The mention a token stands for: its own, a pronoun's antecedent, "I" as the quotation's speaker,
    "who" as the noun its clause describes, "many of them" as the group."""
    lower = token.lower_
    if lower in ("i", "me", "we", "us"):
        return speaker_at(token.idx)
    if lower in ("who", "that") and token.head.dep_ == "relcl":
        return clusters.of_phrase(token.head.head)
    if lower in ("he", "him", "she", "her", "his"):
        teller = _teller(token, clusters)
        if teller is not None:
            return teller
        speaker = speaker_at(token.idx)  # inside a quotation "his" is someone the speaker talks of
        return clusters.antecedent(token, exclude={speaker} if speaker else None)
    if lower == "its":
        subject = next((c for c in token.sent.root.children if c.dep_ == "nsubj" and c.i < token.i), None)
        own = clusters.at(subject.i) if subject is not None else None
        if own is not None and clusters.type_of(own) in ("Organization", "Place"):
            return own  # "Pyongyang keeps … its overseas agents"
        return clusters.antecedent(token, kind="Organization") or clusters.antecedent(token, kind="Place")
    if lower in _PLURAL_PRONOUNS:
        inner = clusters.of_phrase(token)
        return inner if inner is not None else clusters.antecedent(token, plural=True)
    return clusters.of_phrase(token)


def _teller(pronoun: Token, clusters: Clusters) -> str | None:
    """"X told Lee he was mulling …": the subject of what someone says is, most often, the speaker."""
    if pronoun.dep_ not in ("nsubj", "nsubjpass") or pronoun.head.dep_ != "ccomp":
        return None
    verb = pronoun.head.head
    if verb.lemma_.lower() not in lexicon().reporting_verbs:
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.lower_ in ("he", "she", "i", "we", "they"):
        return None
    found = clusters.of_phrase(subject)
    return found if found is not None and clusters.type_of(found) == "Person" else None


def _place(trigger: Token, clusters: Clusters) -> str | None:
    """The place the clause attaches to the event: "fled to Seoul", "went into hiding in Shenyang"."""
    anchors = {trigger}
    if trigger.dep_ in ("pobj", "pcomp", "dobj") and trigger.head.head is not trigger.head:
        anchors.add(trigger.head.head if trigger.dep_ != "dobj" else trigger.head)
    for anchor in list(anchors):  # "went into hiding in Shenyang": the place may hang on "hiding"
        anchors.update(o for c in anchor.children if c.dep_ == "prep" for o in c.children if o.dep_ in ("pobj", "pcomp"))
    for anchor in sorted(anchors, key=lambda t: t.i):
        for child in anchor.subtree:
            if child.dep_ == "pobj" and child.head.lower_ in ("to", "in", "from", "at", "into") and child.head.head == anchor:
                mention = clusters.at(child.i)
                if mention is not None and clusters.type_of(mention) == "Place":
                    return mention
    return None


def _date(trigger: Token, sentence: SpacySpan, clusters: Clusters) -> str | None:
    dates = []
    for token in sentence:
        mention = clusters.at(token.i)
        if mention is not None and clusters.type_of(mention) == "Date" and mention not in dates:
            dates.append(mention)
    for token in trigger.subtree:
        mention = clusters.at(token.i)
        if mention is not None and clusters.type_of(mention) == "Date":
            return mention
    return dates[0] if len(dates) == 1 else None


def _status(trigger: Token, triggers: EventTriggers, phrase: bool = False) -> str:
    words = lexicon()
    if phrase and trigger.lemma_.lower() in ("be", "have", "see"):
        return "happened"  # "has not been seen since": the negation is the phrase's own
    if trigger.pos_ == "NOUN" and trigger.dep_ == "compound" and trigger.head.lemma_.lower() in triggers.threat_nouns:
        return "threatened"
    chain = [trigger]
    current = trigger
    for _ in range(3):
        if (current.dep_ in ("xcomp", "pcomp", "ccomp", "acomp", "conj", "pobj", "prep")
                or (current.dep_ == "dobj" and current.pos_ == "VERB")) and current.head is not current:
            current = current.head  # "mulling fleeing": the gerund under a verb of intent
            chain.append(current)
        else:
            break
    # "did not defect": a negation on the trigger, or on an auxiliary it hangs from
    auxiliaries = [t for t in (*chain[1:], trigger.head) if t.pos_ == "AUX"]
    if any(c.dep_ == "neg" for token in (trigger, *auxiliaries) for c in token.children):
        return "negated"
    for token in chain[1:]:
        if token.lemma_.lower() in words.planning_verbs and token.pos_ == "VERB":
            return "planned"
    if trigger.dep_ in ("advcl", "xcomp") and any(c.dep_ == "aux" and c.lower_ == "to" for c in trigger.children):
        # "a squad was sent to seize him": what the sending is for, not what was done
        return "threatened" if triggers.type == "arrest" else "planned"
    for token in chain:
        if any(c.dep_ == "aux" and c.lower_ in ("may", "might", "could") for c in token.children) or \
                any(c.dep_ == "mark" and c.lower_ == "whether" for c in token.children) or \
                any(c.lower_ in ("possibly", "perhaps") for c in token.children):
            return "possible"
    return "happened"
