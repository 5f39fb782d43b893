"""Claims and who makes them: attribution chains from the outlet to the final source, and hedging.

Each reported proposition becomes a :class:`~moneymen.extract.extraction.Claim` whose chain runs
from the outlet that published the text to whoever the text says the proposition comes from:

* a reporting verb's subject ("X said", "X told me", "X reports that") is the source of its clause;
  "X quoted Y as saying" and "X, citing Y," put Y beyond X; "according to X" makes X the source;
* a quotation takes the speaker its cue names ("…,” said the source), or, with no cue, the
  speaker of the claim before it (a long quotation continued over paragraphs);
* inside a quotation the chain starts from the quotation's speaker: "A source told me ‘…’" in
  Lee's words is [outlet, Lee, a source];
* a source interviewed by another outlet ("The Ilbo carries an interview with Lee", "an official
  interviewed by the AP") is reached through that outlet;
* "reportedly" and "reports say" with no one named end the chain in ``unspecified reports``;
* the outlet's own statements are claims of the outlet alone; its questions and its opinions
  in the first person are not claims.

Hedging cues ("possibly", "may", "seemed", "speculation", "reportedly") found in a claim's own
words set ``hedged``; reporting verbs are attribution, never hedging.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span as SpacySpan, Token

from moneymen.extract.coreference import Clusters
from moneymen.extract.extraction import Claim, Span, UNSPECIFIED
from moneymen.extract.hedging import hedge_cues, is_passive
from moneymen.extract.lexicon import lexicon
from moneymen.extract.nlp import text_of
from moneymen.extract.outlets import OutletTable
from moneymen.extract.quotes import Quotation, innermost, quotations
from moneymen.extract.spans import clip, first_char, last_char, overlaps, sentence_evidence, span_of, strip_marks

OUTLET = "outlet"
_FIRST_PERSON = frozenset({"i", "me", "we", "us", "my", "our"})
_THIRD_SINGULAR = frozenset({"he", "him", "she", "her"})
#: Modals that make an outlet's sentence a prediction or a hypothetical, not a claim.
_PREDICTIONS = frozenset({"will", "would", "could", "should", "must", "can", "'ll", "’ll", "wo"})
_OPINION_OPENERS = re.compile(r"^\s*(?:not that|good for|it[’']s hard to imagine|for what it[’']s worth)\b",
                              re.IGNORECASE)


@dataclass
class _Speaker:
    """Who a quotation, or a run of sentences, is attributed to: the chain without the outlet."""

    chain: list[str]
    cue: Token | None = None


@dataclass
class Attribution:
    """The claims of a document, in order, with the state rules need as they read it."""

    doc: Doc
    clusters: Clusters
    outlet: str
    outlets: OutletTable
    claims: list[Claim] = field(default_factory=list)
    quotes: list[Quotation] = field(default_factory=list)
    speakers: dict[int, _Speaker] = field(default_factory=dict)   # quotation start → its speaker
    frames: dict[str, list[str]] = field(default_factory=dict)    # mention id → the outlets that relay it
    reached: dict[str, list[str]] = field(default_factory=dict)   # source mention → the chain it was reached by
    last_speaker: _Speaker | None = None
    skip_until: int = 0                                            # the headline's end: no claims before it


def attribute(doc: Doc, clusters: Clusters, outlet: str, outlets: OutletTable, headline_end: int = 0,
              quotes: list[Quotation] | None = None) -> list[Claim]:
    """Every claim of ``doc``, attributed and hedged (grades are set by :mod:`moneymen.extract.grading`).
    The text before ``headline_end`` (a headline) holds no claims; ``quotes`` are the text's
    quotations, when the caller has found them already."""
    found = quotes if quotes is not None else quotations(text_of(doc))
    state = Attribution(doc, clusters, outlet, outlets, quotes=found, skip_until=headline_end)
    for sentence in doc.sents:
        if not sentence.text.strip():
            continue
        _read_sentence(state, sentence)
    for number, claim in enumerate(state.claims, start=1):
        claim.id = f"c{number}"
    return state.claims


def _read_sentence(state: Attribution, sentence: SpacySpan) -> None:
    words = lexicon()
    _note_frames(state, sentence)
    if sentence.start_char < state.skip_until:
        return  # the headline: named, not claimed
    quote = innermost(state.quotes, sentence.start_char, sentence.end_char) or \
        innermost(state.quotes, first_char(sentence), last_char(sentence))
    taken = _noun_cue_claims(state, sentence)
    made = bool(taken)
    cues = [t for t in sentence if _is_cue(t, words) and not any(start <= t.idx < end for start, end in taken)]
    # the cues outside quotations first: "“A source told me …,” Pak said" names the quotation's speaker,
    # whom the cue inside it extends
    cues.sort(key=lambda t: (innermost(state.quotes, t.idx) is not None, t.i))
    for cue in cues:
        if _inside_other_cue_content(cue, cues):
            continue
        made = _claim_of_cue(state, sentence, cue, taken) or made
    according = _according_to(state, sentence, taken)
    if according is not None:
        made = True
    if made:
        return
    # quoted words with no cue of their own: the quotation's speaker, or whoever spoke last
    if quote is not None:
        speaker = state.speakers.get(quote.start) or _speaker_for_quote(state, quote, sentence)
        if speaker is not None:
            _add(state, sentence, sentence_evidence(sentence, taken), speaker.chain, None, polarity="assert")
            return
    if _is_outlet_statement(sentence):
        chain: list[str] = []
        if _unspecified_in(sentence):
            chain = [UNSPECIFIED]
        _add(state, sentence, sentence_evidence(sentence, taken), chain, None)


def _noun_cue_claims(state: Attribution, sentence: SpacySpan) -> list[tuple[int, int]]:
    """Claims a noun reports: "speculation that X", "the news broke that X", "the regime's
    denunciation of X". Their clauses, by character span (the sentence's other claims leave them out)."""
    words = lexicon()
    taken: list[tuple[int, int]] = []
    for token in sentence:
        lemma = token.lemma_.lower()
        if token.pos_ != "NOUN" or lemma not in words.noun_cues:
            continue
        clause = next((c for c in token.children if c.dep_ in ("acl", "ccomp", "relcl") and
                       any(m.lower_ == "that" and m.dep_ == "mark" for m in c.children)), None)
        owner = next((c for c in token.children if c.dep_ == "poss"), None)
        if clause is None and token.dep_ == "nsubj" and token.head.pos_ == "VERB":
            clause = next((c for c in token.head.children if c.dep_ == "ccomp"), None)
        if clause is None and owner is None:
            continue
        if clause is None and not any(c.dep_ == "prep" and c.lower_ in ("of", "for", "that") for c in token.children):
            continue
        quote = innermost(state.quotes, token.idx)
        prefix = _quote_prefix(state, quote) or []
        chain = prefix + (_resolve(state, owner, quote) if owner is not None else [UNSPECIFIED])
        tokens = list(token.subtree) if clause is None or clause.head is token else [token, *clause.subtree]
        head = token.head if token.dep_ in ("dobj", "nsubj") and token.head.pos_ == "VERB" else token
        first = min([head, *tokens], key=lambda t: t.i)
        last = max(tokens, key=lambda t: t.i)
        evidence = strip_marks(sentence.doc, span_of(sentence.doc, first.idx, last.idx + len(last.text)))
        taken.append((evidence.start, evidence.end))
        _add(state, sentence, evidence, chain, token)
    return taken


# --- cues ---------------------------------------------------------------------------------------


#: What a source calls a report it rejects ("called the reports a fabrication"): a denial.
_REJECTIONS = frozenset({"fabrication", "lie", "lies", "smear", "fake", "slander", "nonsense", "baseless", "false",
                         "groundless", "invention", "fiction", "propaganda", "unfounded"})


def _is_rejection(token: Token) -> bool:
    """"It called the reports a fabrication", "dismissed the claims as baseless": a denial by its subject."""
    if token.lemma_.lower() not in ("call", "describe", "brand", "label", "dismiss") or token.pos_ != "VERB":
        return False
    objects = [c for c in token.children if c.dep_ == "dobj" and c.lemma_.lower() in lexicon().noun_cues]
    return bool(objects) and any(t.lower_ in _REJECTIONS for t in token.subtree if t.i > objects[0].i)


def _is_cue(token: Token, words) -> bool:
    lemma = token.lemma_.lower()
    if _is_rejection(token):
        return True
    if token.pos_ not in ("VERB", "AUX") or lemma not in words.reporting_verbs | words.denial_verbs | words.opinion_verbs:
        return False
    if lemma in words.opinion_verbs:
        subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
        if subject is None or subject.lower_ in _FIRST_PERSON or is_passive(token):
            return False  # "I suppose": the author's opinion; "are expected to": an obligation
    if lemma == "say" and token.dep_ == "pcomp":
        return False  # "quoted X as saying": the cue is "quoted"
    if lemma == "add" and not any(c.dep_ in ("ccomp", "parataxis") for c in token.children) \
            and not _next_to_quote(token):
        return False  # "adds to the risk" is no report
    if lemma == "report" and token.dep_ == "amod":
        return False
    if lemma in ("tell", "order", "ask") and is_passive(token):
        return False  # "workers were told to return home": an order, not a report
    return True


def _inside_other_cue_content(cue: Token, cues: list[Token]) -> bool:
    """A cue within another cue's reported clause: it is handled as part of the outer one's chain."""
    for other in cues:
        if other is cue:
            continue
        content = _content_root(other)
        if content is not None and cue in content.subtree and other.lemma_.lower() == "quote":
            return True
    return False


def _next_to_quote(token: Token) -> bool:
    text = text_of(token.doc)
    before = text[max(0, token.idx - 4):token.idx]
    after = text[token.idx + len(token.text):token.idx + len(token.text) + 4]
    return any(mark in before + after for mark in "“”\"‘’")


def _content_root(cue: Token) -> Token | None:
    """The root of what a cue reports: its clause ("said that …"), or "as saying …" under "quoted"."""
    for child in cue.children:
        if child.dep_ in ("ccomp", "xcomp") and child.i > cue.i:
            return child
    for child in cue.children:
        if child.dep_ == "prep" and child.lower_ == "as":
            for grandchild in child.children:
                if grandchild.dep_ == "pcomp" and grandchild.lemma_.lower() == "say":
                    for clause in grandchild.children:
                        if clause.dep_ in ("ccomp", "xcomp"):
                            return clause
    for child in cue.children:
        if child.dep_ in ("ccomp", "parataxis"):
            return child
    if cue.lemma_.lower() in lexicon().denial_verbs | lexicon().opinion_verbs:
        for child in cue.children:
            if child.dep_ == "dobj":
                return child
    return None


def _claim_of_cue(state: Attribution, sentence: SpacySpan, cue: Token, taken: list[tuple[int, int]]) -> bool:
    """The claim a reporting verb makes, if it reports something; True when one was made."""
    words = lexicon()
    lemma = cue.lemma_.lower()
    quote_here = innermost(state.quotes, cue.idx)
    subject = _subject_of(cue)
    chain = _source_chain(state, subject, cue, quote_here)
    if chain is None:
        return False
    if lemma == "tell" and quote_here is None:
        # "S told Lee …": what S said reached the outlet through Lee
        for child in cue.children:
            if child.dep_ in ("dobj", "dative") and child.lower_ not in _FIRST_PERSON:
                relay = _resolve(state, child, quote_here)
                if relay and relay[-1] != UNSPECIFIED and _is_person(state, relay[-1]):
                    chain = _extend(relay, chain)
                break
    # "X quoted Y as saying", "X, citing Y,": Y is X's source
    for child in cue.children:
        if lemma == "quote" and child.dep_ == "dobj":
            chain = _extend(chain, _resolve(state, child, quote_here))
        if child.dep_ == "advcl" and child.lemma_.lower() in ("cite", "quote"):
            cited = [c for c in child.children if c.dep_ == "dobj"]
            if cited:
                chain = _extend(chain, _resolve(state, cited[0], quote_here))
    content = _content_root(cue)
    inverted = content is None and _reports_what_came_before(cue, sentence)
    if inverted:
        # "North Korea has summoned …, Daily NK reported, citing a source": the sentence's main
        # clause is the report, and what the main verb cites is the source's source
        for child in sentence.root.children:
            if child.dep_ == "advcl" and child.lemma_.lower() in ("cite", "quote") and child.i > cue.i:
                cited = [c for c in child.children if c.dep_ == "dobj"]
                if cited:
                    chain = _extend(chain, _resolve(state, cited[0], quote_here))
    adjacent = _adjacent_quote(state, cue, sentence)
    if adjacent is not None and (content is None or content.idx >= adjacent.start and content.idx < adjacent.end
                                 or content.idx < adjacent.start <= content.idx + len(content.text) + 200):
        state.speakers[adjacent.start] = _Speaker(chain, cue)
        state.last_speaker = _Speaker(chain, cue)
        # the quotation's sentences are claims of this speaker, each read as it comes; a cue inside
        # one makes a nested claim there
        if not overlaps(sentence, adjacent) or _has_inner_cue(state, clip(sentence, adjacent.start, adjacent.end)):
            return True
    elif content is None and not inverted and not _is_rejection(cue):
        return False
    evidence = sentence_evidence(sentence, taken, at=cue.idx)
    polarity = "deny" if lemma in words.denial_verbs or _is_rejection(cue) else "assert"
    if chain and chain[-1] != UNSPECIFIED and _unspecified_in(sentence, evidence) and len(chain) == 0:
        chain = chain + [UNSPECIFIED]
    _add(state, sentence, evidence, chain, cue, polarity=polarity)
    if chain and chain[-1] not in (OUTLET, UNSPECIFIED):
        state.last_speaker = _Speaker(chain, cue)
    return True


def _extend(chain: list[str], more: list[str]) -> list[str]:
    """``chain`` continued by ``more``, without repeating the steps both have (a relay named twice)."""
    return chain + [step for step in more if step not in chain]


def _reports_what_came_before(cue: Token, sentence: SpacySpan) -> bool:
    """"…, the newspaper reported": a cue after the clause it reports, hung on it by the parser."""
    if cue is sentence.root or cue.i <= sentence.root.i:
        return False
    return cue.dep_ in ("acl", "parataxis", "ccomp", "advcl", "conj") and _subject_of(cue) is not None


def _subject_of(cue: Token) -> Token | None:
    if cue.dep_ == "acl" and cue.head.pos_ in ("PROPN", "NOUN") and not any(c.dep_ == "nsubj" for c in cue.children):
        return cue.head  # "the Seoul-based Daily NK reported": the parser hangs the verb on its subject
    for child in cue.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    if cue.dep_ in ("conj", "xcomp") and cue.head.pos_ in ("VERB", "AUX"):
        return _subject_of(cue.head)
    if cue.dep_ == "relcl":
        return cue.head
    return None


def _source_chain(state: Attribution, subject: Token | None, cue: Token, quote: Quotation | None) -> list[str] | None:
    """The chain (without the outlet) of whoever ``subject`` is; None when the cue has no source."""
    prefix = _quote_prefix(state, quote)
    if subject is None:
        return None
    return prefix + _resolve(state, subject, quote) if prefix is not None else _resolve(state, subject, quote)


def _quote_prefix(state: Attribution, quote: Quotation | None) -> list[str] | None:
    """Within a quotation, the chain of its speaker, which every source inside it extends."""
    if quote is None:
        return None
    speaker = state.speakers.get(quote.start)
    if speaker is None:
        outer = [q for q in state.quotes if q.depth < quote.depth and q.holds(quote.start, quote.end)]
        for candidate in sorted(outer, key=lambda q: -q.depth):
            speaker = state.speakers.get(candidate.start)
            if speaker is not None:
                break
    if speaker is None and state.last_speaker is not None and quote.depth == 1:
        return list(state.last_speaker.chain)
    return list(speaker.chain) if speaker is not None else None


def _resolve(state: Attribution, token: Token, quote: Quotation | None) -> list[str]:
    """The chain steps a source token stands for (its relaying outlets, then itself)."""
    lower = token.lower_
    if lower in _FIRST_PERSON:
        return []  # inside a quotation the speaker, outside it the author: the prefix already
    if lower in _THIRD_SINGULAR or (lower in ("they", "them") and token.dep_ in ("nsubj", "nsubjpass")):
        mention = _antecedent(state, token, plural=lower in ("they", "them"))
        return _with_frame(state, mention) if mention else [token.text]
    if lower == "it" and token.dep_ == "nsubj":
        outside = None if innermost(state.quotes, token.idx) else [(q.start, q.end) for q in state.quotes]
        mention = state.clusters.antecedent(token, kind="Organization", outside=outside)
        return _with_frame(state, mention) if mention else [UNSPECIFIED]
    mention = _mention_of(state, token)
    if mention is None:
        if token.lemma_.lower() in ("report", "media", "rumour", "rumor", "account"):
            return [UNSPECIFIED]
        return [_phrase(token)]
    return _with_frame(state, mention)


def _with_frame(state: Attribution, mention: str) -> list[str]:
    """A source with whoever relays it: the outlet that interviewed it, or the chain it was last reached by."""
    if mention in state.reached:
        return [*state.reached[mention], mention]
    return [*state.frames.get(mention, []), mention]


def _mention_of(state: Attribution, token: Token) -> str | None:
    """The mention a source token belongs to: the token's own, or one on the noun it heads."""
    found = state.clusters.at(token.i)
    if found is not None:
        return found
    for child in token.children:
        if child.dep_ in ("compound", "prep", "amod", "poss"):
            inner = state.clusters.at(child.i)
            if inner is not None and child.dep_ in ("compound",):
                return inner
    return None


def _phrase(token: Token) -> str:
    """A source the text describes but no mention covers ("some analysts"), as written."""
    left = min(t.i for t in token.subtree if t.i <= token.i and t.dep_ not in ("punct", "relcl", "acl"))
    return token.doc[left:token.i + 1].text


def _is_person(state: Attribution, step: str) -> bool:
    return any(m.id == step and m.type == "Person" for m in state.clusters.mentions)


def _has_inner_cue(state: Attribution, evidence: Span) -> bool:
    """Whether a reporting verb inside ``evidence`` makes the claim there (one nested deeper)."""
    span = state.doc.char_span(evidence.start, evidence.end, alignment_mode="expand")
    own = innermost(state.quotes, evidence.start, evidence.end)
    for token in span or ():
        if _is_cue(token, lexicon()) and innermost(state.quotes, token.idx) == own and _content_root(token) is not None:
            return True
    return False


def _antecedent(state: Attribution, token: Token, plural: bool = False) -> str | None:
    """The person (or, for "they", the group) a pronoun points back to: the nearest before it,
    outside quotations when the pronoun is not in one (a speaker is rarely someone they quote)."""
    outside = None
    if innermost(state.quotes, token.idx) is None:
        outside = [(q.start, q.end) for q in state.quotes]
    return state.clusters.antecedent(token, plural, outside)


def _adjacent_quote(state: Attribution, cue: Token, sentence: SpacySpan) -> Quotation | None:
    """The quotation a cue introduces or closes ("X told me ‘…’", "“…,” said X"), within its sentence."""
    best = None
    here = innermost(state.quotes, cue.idx)
    for quote in state.quotes:
        if here is not None and (quote.depth != here.depth + 1 or not here.holds(quote.start, quote.end)):
            continue
        if here is None and quote.depth != 1:
            continue
        if quote.holds(cue.idx):
            continue
        gap_after = cue.idx - quote.end      # “…,” said X
        gap_before = quote.start - (cue.idx + len(cue.text))  # X said: “…”
        near_end = 0 <= gap_after <= 40 and not _clause_between(text_of(cue.doc)[quote.end:cue.idx])
        near_start = 0 <= gap_before <= 40 and not _clause_between(text_of(cue.doc)[cue.idx + len(cue.text):quote.start])
        if near_end or near_start:
            if best is None or abs(quote.start - cue.idx) < abs(best.start - cue.idx):
                best = quote
    return best


def _clause_between(text: str) -> bool:
    return bool(re.search(r"[.!?]\s", text)) or len(text.split()) > 8


def _speaker_for_quote(state: Attribution, quote: Quotation, sentence: SpacySpan) -> _Speaker | None:
    """A quotation no cue introduced: the speaker of the claim before it."""
    if quote.depth > 1:
        outer = _quote_prefix(state, quote)
        return _Speaker(outer) if outer is not None else None
    if state.last_speaker is not None:
        state.speakers[quote.start] = state.last_speaker
        return state.last_speaker
    return None


def _according_to(state: Attribution, sentence: SpacySpan, taken: list[tuple[int, int]]) -> Claim | None:
    """"According to X, …": X is the source of the rest of the sentence."""
    for token in sentence:
        if token.lower_ == "according" and token.i + 1 < len(sentence.doc) and sentence.doc[token.i + 1].lower_ == "to":
            objects = [t for t in sentence.doc[token.i + 1].children if t.dep_ == "pobj"]
            if not objects:
                continue
            quote = innermost(state.quotes, token.idx)
            prefix = _quote_prefix(state, quote) or []
            chain = prefix + _resolve(state, objects[0], quote)
            return _add(state, sentence, sentence_evidence(sentence, taken, at=token.idx), chain, token)
    return None


def _note_frames(state: Attribution, sentence: SpacySpan) -> None:
    """Outlets that relay a source: "O carries an interview with S", "S, interviewed by O", "S told O"."""
    words = lexicon()
    for token in sentence:
        lemma = token.lemma_.lower()
        if lemma in words.carrying_verbs:
            carrier = _subject_of(token)
            for obj in (c for c in token.children if c.dep_ == "dobj" and c.lemma_.lower() in words.interview_nouns):
                for prep in (c for c in obj.children if c.dep_ == "prep" and c.lower_ == "with"):
                    for person in (c for c in prep.children if c.dep_ == "pobj"):
                        _frame(state, carrier, person)
        if lemma == "interview" and token.dep_ == "acl":
            for agent in (c for c in token.children if c.dep_ == "agent"):
                for outlet in (c for c in agent.children if c.dep_ == "pobj"):
                    _frame(state, outlet, token.head)


def _frame(state: Attribution, carrier: Token | None, person: Token) -> None:
    if carrier is None:
        return
    outlet = state.clusters.at(carrier.i)
    source = state.clusters.at(person.i)
    if outlet is not None and source is not None and outlet != source:
        state.frames[source] = [*state.frames.get(outlet, []), outlet]


# --- the outlet's own statements ----------------------------------------------------------------


def _is_outlet_statement(sentence: SpacySpan) -> bool:
    """A declarative sentence of the outlet's own: not a question, an exclamation, an opinion in
    the first person, a heading or a fragment with no verb."""
    text = sentence.text.strip()
    if not text or text.endswith("?") or _OPINION_OPENERS.match(text):
        return False
    if text.startswith("[") and text.endswith("]"):
        return False  # "[via Yonhap]": a credit line
    if not any(t.pos_ in ("VERB", "AUX") for t in sentence):
        return False
    if any(t.lower_ in ("i", "me", "my") and t.dep_ in ("nsubj", "poss", "dobj") for t in sentence
           if t.idx < sentence.end_char):
        return False  # the author's opinion ("I suppose", "my swipe")
    root = sentence.root
    if any(c.dep_ == "aux" and c.lower_ in _PREDICTIONS for c in root.children) \
            and not any(c.dep_ == "neg" for c in root.children):
        return False  # a prediction or a hypothetical ("will certainly chill", "could even be lost"),
        # not a fact stated with a modal ("could not be reached for comment")
    if any(t.dep_ == "mark" and t.lower_ == "if" for t in sentence):
        return False
    return True


def _unspecified_in(sentence: SpacySpan, evidence: Span | None = None) -> bool:
    text = (evidence.text if evidence else sentence.text).lower()
    return any(re.search(rf"\b{re.escape(cue)}\b", text) for cue in lexicon().unspecified_cues)


# --- spans and claims ---------------------------------------------------------------------------


def _add(state: Attribution, sentence: SpacySpan, evidence: Span | None, chain: list[str], cue: Token | None,
         polarity: str = "assert") -> Claim | None:
    if evidence is None or not evidence.text.strip():
        return None
    doc = sentence.doc
    full = [state.outlet, *chain]
    if len(full) == 1 and _unspecified_in(sentence, evidence):
        full.append(UNSPECIFIED)
    cue_span = span_of(doc, cue.idx, cue.idx + len(cue.text)) if cue is not None else None
    hedges = hedge_cues(doc, evidence, state.quotes, cue)
    claim = Claim("", evidence, full, cue=cue_span, hedge_cues=[text for text, _ in hedges],
                  hedge_classes=[kind for _, kind in hedges], polarity=polarity)
    if len(chain) >= 2 and chain[-1] != UNSPECIFIED and chain[-1] not in state.reached:
        state.reached[chain[-1]] = list(chain[:-1])
    for earlier in state.claims:
        if earlier.evidence.start == evidence.start and earlier.evidence.end == evidence.end:
            return earlier
    state.claims.append(claim)
    return claim


