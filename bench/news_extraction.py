"""Extraction quality on the news gold set: mentions, relations, events and attributed claims (issue 13).

Run from the repository root::

    .venv/bin/python bench/news_extraction.py [--manifest bench/news/manifest.json] [--shared PATH]
                                              [--split reference dev test] [--predictions DIR]
                                              [--moneymen .venv/bin/moneymen] [--errors] [--json]
    .venv/bin/python bench/news_extraction.py --check-gold [NAME ...]

For every document in ``bench/news/manifest.json`` the script gets the extractor's output, either by
running ``moneymen read FILE --db TMP/<name>.duckdb --outlet NAME --date YYYY-MM-DD --json`` (a fresh
store per document, in a temporary folder removed at the end) or, with ``--predictions DIR``, by
reading ``DIR/<name>.json`` (the same JSON contract). It scores that output against the gold file
``bench/news/gold/<gold>.json`` and prints one table per split (reference, dev, test):
``type | gold | predicted | TP | P | R | F1``, raw counts always shown, then the accuracies that are
computed over aligned items only (chains, hedging, cues, event places and dates).

How items are aligned (see ``bench/news/guidelines.md`` for what the gold contains):

named mentions
    entity level, gold ``named: true`` only (Person, Organization, Place). A predicted mention matches
    a gold mention of the same type when one of its surface forms (``text`` and ``aliases``) equals
    one of the gold mention's forms (its ``aliases`` and the text of its spans) after
    normalisation: case, hyphens, spaces, apostrophes and leading "the/a/an" are ignored. One-to-one,
    greedy, the pairs sharing the most forms first. A predicted mention counts as a named prediction
    when it says ``"named": true``, or, without that key, when one of its forms reads like a proper
    name (every content word capitalised, or a number: "Office 39"; not a form that ends in a
    nationality, "the North Korean").
all mentions
    every gold mention, named or not; a pair also matches when a predicted surface form, found in
    the text, covers at least half of the shorter of it and a gold span (descriptions such as
    "a trading company under ..." rarely match word for word).
relations
    predicate + aligned subject + aligned object; direction is ignored for ``associate`` and
    ``family``. *Strict* also needs the predicted evidence to overlap the gold evidence (or one of its
    ``alt_evidence`` spans); *lenient* does not look at evidence.
events
    type + at least one aligned participant + overlapping evidence. Over matched events: place,
    date and (when predicted) status accuracy.
claims
    each predicted claim goes to the gold claim whose evidence has the highest token Jaccard with its
    own (at least 0.5), one-to-one. Over aligned claims: *chain right* = the same depth and the same
    final source (the same gold mention, or the same literal ``outlet`` / ``unspecified reports``);
    the predicted chain is a list of surface strings whose first element is the outlet; *hedged*
    accuracy; polarity accuracy when predicted; *cue exact* P/R/F1 (a predicted cue that has
    exactly the span of its aligned gold claim's cue). A second, *lenient* alignment also pairs a
    predicted claim whose evidence lies inside a gold claim's evidence (an extractor that gives only
    the quoted content, where the gold evidence holds source, cue and content); it is reported
    beside the specified one, with its own chain and hedged accuracy.

Relation arguments, participants, places and chain elements are surface strings; when the
prediction also gives the predicted mention's id (``subject_id``, ``object_id``, ``participant_ids``,
``place_id``, ``chain_ids``) that mention's alignment is used, else the string is looked up among the
predicted mentions' forms (the one nearest the evidence when several share it), then the gold's.
Without ids or offsets a string shared by two mentions ("a North Korean official") can go to the
wrong one, and an evidence string that occurs twice is taken at the first occurrence after the
previous match: give offsets where you can.

Where predicted strings sit in the text: an ``evidence`` string is an exact substring of the
document's text and is found with ``str.find`` from the previous match onward (then from the start);
``start``/``end`` offsets are used instead when they are present and agree with the string. Offsets in
the gold are character offsets (Python ``str`` indices) into the UTF-8 decoded file. For an HTML
document the gold is that of its plain-text twin (manifest key ``gold``), and strings are found in
the twin's text (``text`` key), whitespace-insensitively when an exact search fails.

``--check-gold`` validates the gold files (offsets inside the text, no span starting or ending in the
middle of a word, ids that resolve, known labels, the document's sha256) and prints every span's text
so that an annotator can proofread it. It prints the text to the terminal only: the gold of the
reference article stores offsets and short labels, never its sentences.

The manifest lists each document's ``sha256``: a file whose bytes differ is refused (the offsets
would point at the wrong characters).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_MANIFEST = REPO / "bench" / "news" / "manifest.json"
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_MONEYMEN = REPO / ".venv" / "bin" / "moneymen"
SPLITS = ("reference", "dev", "test")

MENTION_TYPES = ("Person", "Organization", "Place", "Money", "Date", "Group")
NAMED_TYPES = ("Person", "Organization", "Place")
PREDICATES = ("employment", "membership", "subordinate_of", "leads", "associate", "family", "located_in",
              "money_transfer", "ownership")
SYMMETRIC = frozenset({"associate", "family"})
EVENT_TYPES = ("purge", "execution", "recall", "disappearance", "arrest", "flight", "defection", "hiding",
               "designation", "other")
STATUSES = ("happened", "planned", "possible", "negated", "threatened")
POLARITIES = ("assert", "deny")
OUTLET = "outlet"
UNSPECIFIED = "unspecified reports"
#: Normalised chain strings read as "no source named".
UNSPECIFIED_FORMS = frozenset({"unspecifiedreports", "unspecified", "unspecifiedreport", "reports"})
#: The least token Jaccard between two claims' evidence for them to be aligned.
CLAIM_JACCARD = 0.5
ISO_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
DETERMINERS = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
#: Everything the name normalisation ignores: spaces, hyphens and dashes, apostrophes, brackets, dots.
IGNORED = re.compile(r"[\s\-\u2010-\u2015'\u2018\u2019`\u00b4\[\]().,;:\"\u201c\u201d]+")
FUNCTION_WORDS = frozenset({"of", "and", "the", "for", "in", "on", "at", "de", "du", "des", "la", "le", "al",
                            "&", "to", "no", "no."})
WORD = re.compile(r"\w+", re.UNICODE)
#: Last words that make a capitalised form a description of people, not a name ("the North Korean").
DEMONYMS = frozenset({"korean", "koreans", "chinese", "russian", "russians", "american", "americans", "japanese",
                      "european", "europeans", "italian", "italians", "austrian", "austrians", "german", "germans",
                      "belarusian", "belarusians", "western", "westerners", "asian", "asians", "british"})

Span = tuple[int, int]


class GoldError(Exception):
    """A gold file or a document that cannot be used (missing, wrong sha256, broken offsets)."""


# -- text helpers ----------------------------------------------------------------------------------


def normalise(name: str) -> str:
    """A surface form as the name comparison sees it.

    NFKC, case-folded, without a leading determiner, a possessive ``'s`` or the characters in
    ``IGNORED`` ("The Daily NK" = "daily nk" = "DailyNK"; "Jang Song-thaek" = "Jang Song Thaek").
    """
    text = unicodedata.normalize("NFKC", name).strip()
    text = DETERMINERS.sub("", text)
    text = re.sub(r"['\u2019]s$", "", text)
    return IGNORED.sub("", text).casefold()


def tokens(text: str) -> set[str]:
    """The set of lower-cased word tokens of a text (for the claims' Jaccard)."""
    return {match.group(0).casefold() for match in WORD.finditer(text)}


def jaccard(left: str, right: str) -> float:
    """Token Jaccard of two texts; 0 when both are empty."""
    a, b = tokens(left), tokens(right)
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def looks_named(form: str) -> bool:
    """Whether a surface form reads like a proper name rather than a description.

    Every content word after a leading determiner starts with a capital letter or a digit
    ("Office 39", "Ministry of State Security", "Kang Myong-sil", "Lee"); "a Chinese businessman"
    does not, nor does a form that ends in a nationality ("the North Korean", "the Koreans").
    """
    text = DETERMINERS.sub("", form.strip())
    words = [word.strip("[]().,;:'\"\u2018\u2019\u201c\u201d") for word in text.split()]
    words = [word for word in words if word and word.casefold() not in FUNCTION_WORDS]
    if not words or words[-1].casefold() in DEMONYMS:
        return False
    return all(word[0].isupper() or word[0].isdigit() for word in words)


def overlaps(a: Span | None, b: Span | None) -> bool:
    """Whether two character spans share at least one character."""
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def coverage(a: Span, b: Span) -> float:
    """The overlap of two spans as a share of the shorter one."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return inter / shorter if inter > 0 and shorter > 0 else 0.0


def mid_word(text: str, span: Span) -> bool:
    """Whether a span starts or ends inside a word (or on white space)."""
    start, end = span
    if start >= end:
        return True
    if text[start].isspace() or text[end - 1].isspace():
        return True
    if start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        return True
    return end < len(text) and text[end - 1].isalnum() and text[end].isalnum()


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Locator:
    """Finds predicted strings in a document's text, each search going on from the previous match."""

    def __init__(self, text: str):
        self.text = text
        self.cursor = 0

    def find(self, needle: str) -> Span | None:
        """The span of ``needle`` at or after the last match (else anywhere), or None."""
        if not needle:
            return None
        for start_at in (self.cursor, 0):
            index = self.text.find(needle, start_at)
            if index >= 0:
                self.cursor = index
                return index, index + len(needle)
        # HTML twins: the extractor's paragraphs may be joined with other white space than the file's
        words = needle.split()
        if not words:
            return None
        pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
        for start_at in (self.cursor, 0):
            match = pattern.search(self.text, start_at)
            if match:
                self.cursor = match.start()
                return match.start(), match.end()
        return None

    def span(self, text: str | None, start: Any = None, end: Any = None) -> Span | None:
        """Offsets when given and consistent with ``text`` (or ``text`` is absent), else a search."""
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(self.text):
            if text is None or self.text[start:end] == text:
                self.cursor = start
                return start, end
        return self.find(text) if text else None

    def occurrences(self, needle: str) -> list[Span]:
        """Every exact occurrence of ``needle`` (no cursor)."""
        spans, index = [], self.text.find(needle) if needle else -1
        while index >= 0:
            spans.append((index, index + len(needle)))
            index = self.text.find(needle, index + 1)
        return spans


# -- documents and gold ----------------------------------------------------------------------------


@dataclass
class GoldMention:
    id: str
    type: str
    named: bool
    spans: list[Span]
    forms: set[str]  # normalised aliases and span texts
    value: str | None = None  # a Date's ISO prefix


@dataclass
class GoldRelation:
    predicate: str
    subject: str
    object: str
    evidence: list[Span]  # the main evidence first, then alt_evidence


@dataclass
class GoldEvent:
    type: str
    participants: list[str]
    place: str | None
    date: str | None
    status: str
    evidence: list[Span]


@dataclass
class GoldClaim:
    evidence: Span
    cue: Span | None
    chain: list[str]
    hedged: bool
    polarity: str


@dataclass
class Gold:
    mentions: dict[str, GoldMention]
    relations: list[GoldRelation]
    events: list[GoldEvent]
    claims: list[GoldClaim]


@dataclass
class Document:
    """One manifest entry with its text (the text the gold's offsets point into) and its gold."""

    name: str
    path: Path
    outlet: str
    date: str
    split: str
    sha256: str
    gold_name: str
    text_path: Path
    reliability: str | None = None
    text: str = ""
    gold: Gold | None = None
    raw_gold: dict[str, Any] = field(default_factory=dict)


def resolve_path(spec: str, shared: Path) -> Path:
    """A manifest path: ``shared:articles/x.txt`` lies under ``SHARED/data/``, others under the repo."""
    if spec.startswith("shared:"):
        return shared / "data" / spec[len("shared:"):]
    return REPO / spec


def load_manifest(manifest: Path, shared: Path) -> list[Document]:
    """The manifest's documents, in its order (their texts and gold are not read yet)."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    documents = []
    for entry in data["documents"]:
        path = resolve_path(entry["path"], shared)
        text_path = resolve_path(entry["text"], shared) if entry.get("text") else path
        documents.append(Document(name=entry["name"], path=path, outlet=entry["outlet"], date=entry["date"],
                                  split=entry["split"], sha256=entry["sha256"],
                                  gold_name=entry.get("gold", entry["name"]), text_path=text_path,
                                  reliability=entry.get("reliability")))
    return documents


def _span(value: Any, where: str) -> Span:
    if (not isinstance(value, (list, tuple)) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        raise GoldError(f"{where}: not a [start, end] pair: {value!r}")
    return int(value[0]), int(value[1])


def load_gold(document: Document, gold_dir: Path) -> None:
    """Read the document's file (checking its sha256) and its gold, into ``document``.

    Raises GoldError on a missing file, a sha256 that differs from the manifest's or the gold's,
    or a gold entry that is not in the expected shape. Offsets are checked by ``check_gold``.
    """
    if not document.path.exists():
        raise GoldError(f"{document.name}: {document.path} not found")
    digest = sha256_file(document.path)
    if digest != document.sha256:
        raise GoldError(f"{document.name}: {document.path} has sha256 {digest}, the manifest says "
                        f"{document.sha256}: refusing a file that differs from the annotated one")
    gold_path = gold_dir / f"{document.gold_name}.json"
    raw = json.loads(gold_path.read_text(encoding="utf-8"))
    if not document.text_path.exists():
        raise GoldError(f"{document.name}: text {document.text_path} not found")
    text_digest = sha256_file(document.text_path)
    if raw["document"]["sha256"] != text_digest:
        raise GoldError(f"{document.name}: {document.text_path} has sha256 {text_digest}, the gold "
                        f"{gold_path.name} was made on {raw['document']['sha256']}: refusing it")
    document.text = document.text_path.read_text(encoding="utf-8")
    document.raw_gold = raw
    mentions: dict[str, GoldMention] = {}
    for index, item in enumerate(raw["mentions"]):
        where = f"{gold_path.name} mention {item.get('id', index)}"
        spans = [_span(span, where) for span in item["spans"]]
        forms = {normalise(alias) for alias in item.get("aliases", [])}
        forms |= {normalise(document.text[s:e]) for s, e in spans if 0 <= s < e <= len(document.text)}
        forms.discard("")
        mentions[item["id"]] = GoldMention(item["id"], item["type"], bool(item["named"]), spans, forms,
                                           item.get("value"))
    relations = [GoldRelation(item["predicate"], item["subject"], item["object"],
                              [_span(item["evidence"], f"{gold_path.name} relation {i}")]
                              + [_span(s, f"{gold_path.name} relation {i}") for s in item.get("alt_evidence", [])])
                 for i, item in enumerate(raw["relations"])]
    events = [GoldEvent(item["type"], list(item["participants"]), item.get("place"), item.get("date"),
                        item["status"],
                        [_span(item["evidence"], f"{gold_path.name} event {i}")]
                        + [_span(s, f"{gold_path.name} event {i}") for s in item.get("alt_evidence", [])])
              for i, item in enumerate(raw["events"])]
    claims = [GoldClaim(_span(item["evidence"], f"{gold_path.name} claim {i}"),
                        _span(item["cue"], f"{gold_path.name} claim {i} cue") if item.get("cue") else None,
                        list(item["chain"]), bool(item["hedged"]), item.get("polarity", "assert"))
              for i, item in enumerate(raw["claims"])]
    document.gold = Gold(mentions, relations, events, claims)


# -- checking the gold -----------------------------------------------------------------------------


def check_gold(document: Document, show: bool = True) -> list[str]:
    """Problems in one document's gold (an empty list when it is sound); prints the spans if ``show``."""
    problems: list[str] = []
    raw, text = document.raw_gold, document.text
    say = print if show else (lambda *args, **kwargs: None)

    def span_ok(value: Any, where: str) -> Span | None:
        try:
            span = _span(value, where)
        except GoldError as error:
            problems.append(str(error))
            return None
        if not 0 <= span[0] < span[1] <= len(text):
            problems.append(f"{where}: {list(span)} is outside the text (length {len(text)})")
            return None
        if mid_word(text, span):
            problems.append(f"{where}: {list(span)} starts or ends inside a word: {text[span[0]:span[1]]!r}")
        return span

    def show_span(label: str, span: Span | None) -> None:
        if span is not None:
            say(f"    {label} [{span[0]}:{span[1]}] {text[span[0]:span[1]]!r}")

    def check_text(item: dict[str, Any], key: str, span: Span | None, where: str) -> None:
        if key in item and span is not None and item[key] != text[span[0]:span[1]]:
            problems.append(f"{where}: {key} {item[key]!r} differs from the text at its offsets "
                            f"{text[span[0]:span[1]]!r}")

    meta = raw.get("document", {})
    for key in ("path", "sha256", "outlet", "date"):
        if key not in meta:
            problems.append(f"document: no {key!r}")
    if meta.get("date") and not ISO_PREFIX.match(str(meta["date"])):
        problems.append(f"document: date {meta['date']!r} is not an ISO prefix")
    say(f"== {document.name} ({document.text_path.name}, {len(text)} characters) ==")
    ids: set[str] = set()
    say("  mentions:")
    for index, item in enumerate(raw.get("mentions", [])):
        where = f"mention {item.get('id', index)}"
        mention_id = item.get("id")
        if not isinstance(mention_id, str) or not mention_id:
            problems.append(f"{where}: no id")
            continue
        if mention_id in ids:
            problems.append(f"{where}: duplicate id")
        if mention_id in (OUTLET, UNSPECIFIED):
            problems.append(f"{where}: id {mention_id!r} is reserved for chains")
        ids.add(mention_id)
        if item.get("type") not in MENTION_TYPES:
            problems.append(f"{where}: type {item.get('type')!r} is not one of {MENTION_TYPES}")
        if not isinstance(item.get("named"), bool):
            problems.append(f"{where}: named is not a boolean")
        if item.get("named") and item.get("type") not in NAMED_TYPES:
            problems.append(f"{where}: only {NAMED_TYPES} are named")
        if item.get("type") == "Date" and item.get("value") is not None \
                and not ISO_PREFIX.match(str(item["value"])):
            problems.append(f"{where}: value {item['value']!r} is not an ISO prefix")
        spans = item.get("spans") or []
        if not spans:
            problems.append(f"{where}: no spans")
        texts = item.get("texts")
        if texts is not None and len(texts) != len(spans):
            problems.append(f"{where}: {len(texts)} texts for {len(spans)} spans")
        say(f"   {mention_id} {item.get('type')}{' named' if item.get('named') else ''}"
            f"{' = ' + str(item['value']) if item.get('value') else ''}"
            f"{' aliases ' + repr(item['aliases']) if item.get('aliases') else ''}")
        for number, value in enumerate(spans):
            span = span_ok(value, f"{where} span {number}")
            show_span("span", span)
            if texts is not None and span is not None and number < len(texts) \
                    and texts[number] != text[span[0]:span[1]]:
                problems.append(f"{where} span {number}: text {texts[number]!r} differs from "
                                f"{text[span[0]:span[1]]!r}")
    types = {item["id"]: item.get("type") for item in raw.get("mentions", []) if isinstance(item.get("id"), str)}

    def known(value: Any, where: str) -> None:
        if value not in ids:
            problems.append(f"{where}: {value!r} is not a mention id")

    say("  relations:")
    for index, item in enumerate(raw.get("relations", [])):
        where = f"relation {index}"
        if item.get("predicate") not in PREDICATES:
            problems.append(f"{where}: predicate {item.get('predicate')!r} is unknown")
        known(item.get("subject"), f"{where} subject")
        known(item.get("object"), f"{where} object")
        if item.get("subject") == item.get("object"):
            problems.append(f"{where}: subject and object are the same mention")
        if item.get("predicate") == "located_in" and types.get(item.get("object")) != "Place":
            problems.append(f"{where}: located_in needs a Place object")
        say(f"   {index} {item.get('predicate')}({item.get('subject')}, {item.get('object')})")
        span = span_ok(item.get("evidence"), f"{where} evidence")
        show_span("evidence", span)
        check_text(item, "evidence_text", span, where)
        for number, value in enumerate(item.get("alt_evidence", [])):
            show_span("also", span_ok(value, f"{where} alt_evidence {number}"))
    say("  events:")
    for index, item in enumerate(raw.get("events", [])):
        where = f"event {index}"
        if item.get("type") not in EVENT_TYPES:
            problems.append(f"{where}: type {item.get('type')!r} is unknown")
        if item.get("status") not in STATUSES:
            problems.append(f"{where}: status {item.get('status')!r} is unknown")
        participants = item.get("participants") or []
        if not participants:
            problems.append(f"{where}: no participants")
        for participant in participants:
            known(participant, f"{where} participant")
        if item.get("place") is not None:
            known(item["place"], f"{where} place")
            if types.get(item["place"]) != "Place":
                problems.append(f"{where}: place {item['place']!r} is not a Place")
        if item.get("date") is not None and not ISO_PREFIX.match(str(item["date"])):
            problems.append(f"{where}: date {item['date']!r} is not an ISO prefix")
        say(f"   {index} {item.get('type')} [{item.get('status')}] {participants} place={item.get('place')} "
            f"date={item.get('date')}")
        span = span_ok(item.get("evidence"), f"{where} evidence")
        show_span("evidence", span)
        check_text(item, "evidence_text", span, where)
        for number, value in enumerate(item.get("alt_evidence", [])):
            show_span("also", span_ok(value, f"{where} alt_evidence {number}"))
    say("  claims:")
    for index, item in enumerate(raw.get("claims", [])):
        where = f"claim {index}"
        chain = item.get("chain") or []
        if not chain or chain[0] != OUTLET:
            problems.append(f"{where}: a chain starts with {OUTLET!r}: {chain!r}")
        for number, element in enumerate(chain[1:], 1):
            if element == UNSPECIFIED:
                if number != len(chain) - 1:
                    problems.append(f"{where}: {UNSPECIFIED!r} ends a chain")
            elif element == OUTLET:
                problems.append(f"{where}: {OUTLET!r} only starts a chain")
            else:
                known(element, f"{where} chain")
        if not isinstance(item.get("hedged"), bool):
            problems.append(f"{where}: hedged is not a boolean")
        cues = item.get("hedge_cues", [])
        if not isinstance(cues, list) or bool(cues) != bool(item.get("hedged")):
            problems.append(f"{where}: hedged and hedge_cues disagree")
        if item.get("polarity", "assert") not in POLARITIES:
            problems.append(f"{where}: polarity {item.get('polarity')!r} is unknown")
        if chain == [OUTLET] and item.get("cue") is not None:
            problems.append(f"{where}: the outlet's own statement has a cue")
        say(f"   {index} chain={chain} hedged={item.get('hedged')} {cues if cues else ''} "
            f"{item.get('polarity', 'assert')}")
        span = span_ok(item.get("evidence"), f"{where} evidence")
        show_span("evidence", span)
        check_text(item, "evidence_text", span, where)
        if item.get("cue") is not None:
            cue = span_ok(item["cue"], f"{where} cue")
            show_span("cue", cue)
            check_text(item, "cue_text", cue, where)
    counts = (f"{len(raw.get('mentions', []))} mentions, {len(raw.get('relations', []))} relations, "
              f"{len(raw.get('events', []))} events, {len(raw.get('claims', []))} claims")
    say(f"  {counts}")
    return problems


# -- predictions -----------------------------------------------------------------------------------


@dataclass
class PredMention:
    index: int
    text: str
    type: str
    forms: set[str]  # normalised
    surfaces: list[str]  # raw text and aliases
    spans: list[Span]  # the prediction's own offsets, or else every occurrence of its surface forms
    named: bool
    id: str | None = None


@dataclass
class PredRelation:
    predicate: str
    subject: Any
    object: Any
    evidence: Span | None


@dataclass
class PredEvent:
    type: str
    participants: list[Any]
    place: Any
    date: Any
    status: str | None
    evidence: Span | None


@dataclass
class PredClaim:
    evidence: Span | None
    evidence_text: str
    chain: list[Any]
    hedged: bool
    cue: Span | None
    polarity: str | None


@dataclass
class Prediction:
    mentions: list[PredMention]
    relations: list[PredRelation]
    events: list[PredEvent]
    claims: list[PredClaim]
    unlocated: int = 0  # evidence strings not found in the text


def _text_of(value: Any) -> str | None:
    """The surface string of a contract value: a string, or a dict with ``text``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        text = value.get("text")
        return text if isinstance(text, str) else None
    return None


def _with_id(value: Any, ref: Any) -> Any:
    """A surface form paired with the predicted mention id that the prediction gives for it, if any."""
    if ref is None or isinstance(value, dict):
        return value
    return {"text": value, "id": ref}


def _with_ids(values: Sequence[Any], refs: Any) -> list[Any]:
    """Surface forms paired with a parallel list of mention ids (``participant_ids``, ``chain_ids``)."""
    if not isinstance(refs, list) or len(refs) != len(values):
        return list(values)
    return [_with_id(value, ref) for value, ref in zip(values, refs)]


def _evidence(item: dict[str, Any], locator: Locator, key: str = "evidence") -> tuple[Span | None, str]:
    """Where an item's evidence lies: its offsets (``start``/``end``, ``evidence_start``/``_end`` or an
    evidence dict) when they agree with the string, else a search for the string."""
    value = item.get(key)
    text = _text_of(value) or ""
    start, end = item.get(f"{key}_start"), item.get(f"{key}_end")
    if isinstance(value, dict):
        start, end = value.get("start", start), value.get("end", end)
    if start is None and key == "evidence":
        start, end = item.get("start"), item.get("end")
    return locator.span(text or None, start, end), text


def parse_prediction(data: dict[str, Any], text: str) -> Prediction:
    """The extractor's JSON (the contract of issue 13) with every evidence string placed in ``text``."""
    mentions = []
    for index, item in enumerate(data.get("mentions") or []):
        surface = _text_of(item.get("text")) or ""
        aliases = [alias for alias in (item.get("aliases") or []) if isinstance(alias, str)]
        surfaces = [form for form in dict.fromkeys([surface, *aliases]) if form]
        locator = Locator(text)
        spans: list[Span] = []
        for raw_span in item.get("spans") or []:
            if isinstance(raw_span, dict):
                located = locator.span(raw_span.get("text"), raw_span.get("start"), raw_span.get("end"))
            elif isinstance(raw_span, (list, tuple)) and len(raw_span) == 2:
                located = locator.span(None, raw_span[0], raw_span[1])
            else:
                located = None
            if located:
                spans.append(located)
        if isinstance(item.get("start"), int) and isinstance(item.get("end"), int):
            first = locator.span(surface or None, item.get("start"), item.get("end"))
            if first:
                spans.append(first)
        if not spans:  # no offsets given: every occurrence of every surface form stands for the mention
            for form in surfaces:
                spans.extend(locator.occurrences(form))
        named = item["named"] if isinstance(item.get("named"), bool) else any(looks_named(f) for f in surfaces)
        mentions.append(PredMention(index, surface, str(item.get("type", "")),
                                    {normalise(f) for f in surfaces} - {""}, surfaces,
                                    sorted(set(spans)), named, str(item["id"]) if item.get("id") else None))
    unlocated = 0
    relations, locator = [], Locator(text)
    for item in data.get("relations") or []:
        span, evidence = _evidence(item, locator)
        unlocated += bool(evidence) and span is None
        relations.append(PredRelation(str(item.get("predicate", "")), _with_id(item.get("subject"), item.get("subject_id")),
                                      _with_id(item.get("object"), item.get("object_id")), span))
    events, locator = [], Locator(text)
    for item in data.get("events") or []:
        span, evidence = _evidence(item, locator)
        unlocated += bool(evidence) and span is None
        date = item.get("date_value", item.get("date"))
        events.append(PredEvent(str(item.get("type", "")),
                                _with_ids(list(item.get("participants") or []), item.get("participant_ids")),
                                _with_id(item.get("place"), item.get("place_id")), date, item.get("status"), span))
    claims, locator = [], Locator(text)
    for item in data.get("claims") or []:
        span, evidence = _evidence(item, locator)
        unlocated += bool(evidence) and span is None
        chain = item.get("chain") or []
        if isinstance(chain, dict):  # a structured chain under the contract's key: keep the surfaces
            chain = chain.get("elements", [])
        claims.append(PredClaim(span, evidence, _with_ids(list(chain), item.get("chain_ids")), bool(item.get("hedged")),
                                _cue(item, text, span), item.get("polarity")))
    return Prediction(mentions, relations, events, claims, unlocated)


def _cue(item: dict[str, Any], text: str, evidence: Span | None) -> Span | None:
    """The predicted cue's span: its offsets, or the occurrence of its string nearest the evidence."""
    value = item.get("cue")
    if value is None:
        return None
    cue_text = _text_of(value)
    start, end = item.get("cue_start"), item.get("cue_end")
    if isinstance(value, dict):
        start, end = value.get("start", start), value.get("end", end)
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text) \
            and (cue_text is None or text[start:end] == cue_text):
        return start, end
    if not cue_text:
        return None
    found = Locator(text).occurrences(cue_text)
    if not found:
        return None
    if evidence is None:
        return found[0]

    def distance(span: Span) -> int:
        if overlaps(span, evidence):
            return 0
        return min(abs(span[0] - evidence[1]), abs(evidence[0] - span[1]))

    return min(found, key=distance)


def run_extractor(document: Document, moneymen: Path, workdir: Path, timeout: float) -> dict[str, Any]:
    """``moneymen read FILE --db STORE --outlet --date [--reliability] --json`` on a fresh store; its JSON output.

    ``--db`` follows the command, as for every other moneymen command.
    """
    store = workdir / f"{document.name}.duckdb"
    command = [str(moneymen), "read", str(document.path), "--db", str(store), "--outlet", document.outlet,
               "--date", document.date, "--json"]
    if document.reliability:
        command += ["--reliability", document.reliability]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=timeout,
                            env=env, cwd=REPO)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"exit {result.returncode}: {' / '.join(tail)}")
    output = result.stdout
    start = output.find("{")
    if start < 0:
        raise RuntimeError("no JSON on stdout")
    return json.loads(output[start:])


# -- alignment and scoring -------------------------------------------------------------------------


@dataclass
class Count:
    """Raw counts of one row and the figures they give."""

    gold: int = 0
    predicted: int = 0
    tp: int = 0

    def add(self, other: "Count") -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.tp += other.tp

    @property
    def precision(self) -> float | None:
        return self.tp / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        total = self.gold + self.predicted
        return 2 * self.tp / total if total else None


@dataclass
class Ratio:
    """A share of aligned items that are right."""

    right: int = 0
    of: int = 0

    def add(self, other: "Ratio") -> None:
        self.right += other.right
        self.of += other.of

    @property
    def share(self) -> float | None:
        return self.right / self.of if self.of else None


@dataclass
class Errors:
    """What a document's prediction missed or added, for ``--errors``."""

    lines: list[str] = field(default_factory=list)

    def add(self, kind: str, text: str) -> None:
        self.lines.append(f"{kind}: {text}")


def greedy(pairs: Iterable[tuple[float, int, int]]) -> dict[int, int]:
    """One-to-one assignment of (score, predicted, gold) pairs, best score first: predicted → gold."""
    taken_pred: dict[int, int] = {}
    taken_gold: set[int] = set()
    for _score, pred, gold in sorted(pairs, key=lambda p: (-p[0], p[2], p[1])):
        if pred not in taken_pred and gold not in taken_gold:
            taken_pred[pred] = gold
            taken_gold.add(gold)
    return taken_pred


@dataclass
class ClaimScores:
    """One document's claim figures (see ``Scorer.score_claims``)."""

    counts: Count = field(default_factory=Count)
    lenient: Count = field(default_factory=Count)
    cue: Count = field(default_factory=Count)
    ratios: dict[str, Ratio] = field(default_factory=dict)
    samples: list[tuple[bool, bool]] = field(default_factory=list)


class Scorer:
    """Scores one document's prediction against its gold."""

    def __init__(self, document: Document, prediction: Prediction):
        assert document.gold is not None
        self.document = document
        self.gold = document.gold
        self.prediction = prediction
        self.text = document.text
        self.gold_ids = list(self.gold.mentions)
        self.errors = Errors()
        self.named_rows: dict[str, Count] = {}
        self.mention_rows: dict[str, Count] = {}
        #: predicted mention index → gold mention id, from the all-mentions alignment
        self.aligned: dict[int, str] = {}
        #: the same for predicted mentions left out of it, ignoring types (see ``score_mentions``)
        self.loosely_aligned: dict[int, str] = {}
        self.score_mentions()

    # mentions

    def _mention_pairs(self, named_only: bool) -> list[tuple[float, int, int]]:
        pairs = []
        for p_index, pred in enumerate(self.prediction.mentions):
            if named_only and (not pred.named or pred.type not in NAMED_TYPES):
                continue
            for g_index, gold_id in enumerate(self.gold_ids):
                gold = self.gold.mentions[gold_id]
                if gold.type != pred.type or (named_only and not gold.named):
                    continue
                shared = len(pred.forms & gold.forms)
                if shared:
                    pairs.append((10.0 + shared, p_index, g_index))
                elif not named_only:
                    best = max((coverage(a, b) for a in pred.spans for b in gold.spans), default=0.0)
                    if best >= 0.5:
                        pairs.append((best, p_index, g_index))
        return pairs

    def score_mentions(self) -> None:
        preds = self.prediction.mentions
        for named_only, rows in ((True, self.named_rows), (False, self.mention_rows)):
            assignment = greedy(self._mention_pairs(named_only))
            types = NAMED_TYPES if named_only else MENTION_TYPES
            for kind in types:
                row = rows.setdefault(kind, Count())
                row.gold += sum(1 for g in self.gold.mentions.values()
                                if g.type == kind and (g.named or not named_only))
                row.predicted += sum(1 for p in preds if p.type == kind and (p.named or not named_only))
                row.tp += sum(1 for p, g in assignment.items() if preds[p].type == kind)
            if named_only:
                matched = {self.gold_ids[g] for g in assignment.values()}
                for gold in self.gold.mentions.values():
                    if gold.named and gold.id not in matched:
                        self.errors.add("missed named mention", f"{gold.id} {gold.type} {self._text(gold.spans[0])!r}")
                for p_index, pred in enumerate(preds):
                    if pred.named and pred.type in NAMED_TYPES and p_index not in assignment:
                        self.errors.add("extra named mention", f"{pred.type} {pred.text!r}")
            else:
                self.aligned = {p: self.gold_ids[g] for p, g in assignment.items()}
        # A predicted mention left unaligned (most often: the right entity with the wrong type) still
        # tells which entity a relation argument or a chain element means: its best gold match by form,
        # then by overlap, whatever the type. Types are scored by the mention rows above, not again here.
        for p_index, pred in enumerate(preds):
            if p_index in self.aligned:
                continue
            best: tuple[float, str] | None = None
            for gold in self.gold.mentions.values():
                shared = len(pred.forms & gold.forms)
                score = 10.0 + shared if shared else max((coverage(a, b) for a in pred.spans for b in gold.spans),
                                                         default=0.0)
                if score >= 0.5 and (best is None or score > best[0]):
                    best = (score, gold.id)
            if best is not None:
                self.loosely_aligned[p_index] = best[1]

    def _text(self, span: Span | None) -> str:
        if span is None:
            return "?"
        snippet = self.text[span[0]:span[1]]
        return snippet if len(snippet) <= 90 else snippet[:87] + "..."

    def resolve(self, value: Any, near: Span | None) -> str | None:
        """The gold mention id that a predicted surface form (a relation argument, a participant, a
        place or a chain element) stands for, or None.

        A value that carries the id of a predicted mention (``subject_id``, ``participant_ids``,
        ``chain_ids`` and the like, paired with it by ``parse_prediction``) stands for that mention's
        aligned gold mention (or, for a mention left unaligned, its best match of any type). Otherwise: the predicted mentions that list the form (the one with an
        occurrence nearest ``near`` when several do), then the gold mentions' forms, then an
        occurrence of the string near ``near`` that lies on a gold span.
        """
        surface = _text_of(value)
        if isinstance(value, dict):
            ref = value.get("id") or value.get("mention")
            if ref is not None:
                for pred in self.prediction.mentions:
                    if pred.id == str(ref):  # the prediction says which mention: no guessing from the text
                        return self.aligned.get(pred.index, self.loosely_aligned.get(pred.index))
        if not surface:
            return None
        form = normalise(surface)
        candidates = [p for p in self.prediction.mentions if form and form in p.forms]

        def distance(spans: Sequence[Span]) -> int:
            if near is None or not spans:
                return 0 if near is None else 10**9
            return min(0 if overlaps(s, near) else min(abs(s[0] - near[1]), abs(near[0] - s[1])) for s in spans)

        if candidates:
            best = min(candidates, key=lambda p: distance(p.spans))
            if best.index in self.aligned or best.index in self.loosely_aligned:
                return self.aligned.get(best.index, self.loosely_aligned.get(best.index))
        gold_hits = [g for g in self.gold.mentions.values() if form and form in g.forms]
        if len(gold_hits) == 1:
            return gold_hits[0].id
        if gold_hits:
            return min(gold_hits, key=lambda g: distance(g.spans)).id
        occurrences = Locator(self.text).occurrences(surface)
        if occurrences:
            spot = min(occurrences, key=lambda s: distance([s]))
            on = [g for g in self.gold.mentions.values() if any(coverage(spot, s) >= 0.5 for s in g.spans)]
            if on:
                return max(on, key=lambda g: max(coverage(spot, s) for s in g.spans)).id
        return None

    # relations

    def score_relations(self) -> tuple[dict[str, Count], dict[str, Count]]:
        """Rows per predicate, strict (evidence overlaps) and lenient."""
        resolved = [(self.resolve(r.subject, r.evidence), self.resolve(r.object, r.evidence))
                    for r in self.prediction.relations]
        out: list[dict[str, Count]] = []
        for strict in (True, False):
            rows: dict[str, Count] = {}
            pairs = []
            for p_index, (pred, (subject, obj)) in enumerate(zip(self.prediction.relations, resolved)):
                for g_index, gold in enumerate(self.gold.relations):
                    if pred.predicate != gold.predicate or subject is None or obj is None:
                        continue
                    same = (subject, obj) == (gold.subject, gold.object)
                    if gold.predicate in SYMMETRIC:
                        same = same or (obj, subject) == (gold.subject, gold.object)
                    if not same:
                        continue
                    if strict and not any(overlaps(pred.evidence, span) for span in gold.evidence):
                        continue
                    pairs.append((1.0, p_index, g_index))
            assignment = greedy(pairs)
            for predicate in PREDICATES:
                row = rows.setdefault(predicate, Count())
                row.gold += sum(1 for g in self.gold.relations if g.predicate == predicate)
                row.predicted += sum(1 for p in self.prediction.relations if p.predicate == predicate)
                row.tp += sum(1 for p in assignment if self.prediction.relations[p].predicate == predicate)
            if strict:
                found = set(assignment.values())
                for g_index, gold in enumerate(self.gold.relations):
                    if g_index not in found:
                        self.errors.add("missed relation", f"{gold.predicate}({gold.subject}, {gold.object}) "
                                                           f"{self._text(gold.evidence[0])!r}")
                for p_index, pred in enumerate(self.prediction.relations):
                    if p_index not in assignment:
                        subject, obj = resolved[p_index]
                        self.errors.add("extra relation", f"{pred.predicate}({_text_of(pred.subject)!r}→{subject}, "
                                                          f"{_text_of(pred.object)!r}→{obj}) {self._text(pred.evidence)!r}")
            out.append(rows)
        return out[0], out[1]

    # events

    def score_events(self) -> tuple[dict[str, Count], Ratio, Ratio, Ratio]:
        """Rows per event type, then place, date and status accuracy over matched events."""
        rows: dict[str, Count] = {}
        pairs = []
        resolved = [{self.resolve(p, e.evidence) for p in e.participants} - {None} for e in self.prediction.events]
        for p_index, pred in enumerate(self.prediction.events):
            for g_index, gold in enumerate(self.gold.events):
                if pred.type != gold.type or not (resolved[p_index] & set(gold.participants)):
                    continue
                if any(overlaps(pred.evidence, span) for span in gold.evidence):
                    shared = len(resolved[p_index] & set(gold.participants))
                    pairs.append((float(shared), p_index, g_index))
        assignment = greedy(pairs)
        place, date, status = Ratio(), Ratio(), Ratio()
        for p_index, g_index in assignment.items():
            pred, gold = self.prediction.events[p_index], self.gold.events[g_index]
            place_id = self.resolve(pred.place, pred.evidence) if pred.place else None
            place.of += 1
            place.right += place_id == gold.place
            date.of += 1
            date.right += self.date_value(pred.date, pred.evidence) == gold.date
            if pred.status:
                status.of += 1
                status.right += pred.status == gold.status
        for kind in EVENT_TYPES:
            row = rows.setdefault(kind, Count())
            row.gold += sum(1 for g in self.gold.events if g.type == kind)
            row.predicted += sum(1 for p in self.prediction.events if p.type == kind)
            row.tp += sum(1 for p in assignment if self.prediction.events[p].type == kind)
        found = set(assignment.values())
        for g_index, gold in enumerate(self.gold.events):
            if g_index not in found:
                self.errors.add("missed event", f"{gold.type} {gold.participants} {self._text(gold.evidence[0])!r}")
        for p_index, pred in enumerate(self.prediction.events):
            if p_index not in assignment:
                self.errors.add("extra event", f"{pred.type} {[_text_of(p) for p in pred.participants]} "
                                               f"{self._text(pred.evidence)!r}")
        return rows, place, date, status

    def date_value(self, value: Any, near: Span | None) -> str | None:
        """A predicted event date as an ISO prefix: the value itself, a dict's ``value``, or the value
        of the gold Date mention that a surface form ("last week") stands for."""
        if value is None:
            return None
        if isinstance(value, dict):
            inner = value.get("value")
            if isinstance(inner, str) and ISO_PREFIX.match(inner):
                return inner
            value = value.get("text")
        if not isinstance(value, str):
            return None
        if ISO_PREFIX.match(value.strip()):
            return value.strip()
        mention = self.resolve(value, near)
        return self.gold.mentions[mention].value if mention in self.gold.mentions else None

    # claims

    def chain_key(self, chain: Sequence[Any], near: Span | None) -> tuple[int, str | None]:
        """(depth, final source) of a predicted chain, the source as a gold mention id or a literal."""
        if not chain:
            return 0, None
        if len(chain) == 1:
            return 1, OUTLET
        last = chain[-1]
        surface = _text_of(last) or ""
        form = normalise(surface)
        if form in UNSPECIFIED_FORMS or (isinstance(last, dict) and last.get("kind") == "unspecified"):
            return len(chain), UNSPECIFIED
        if form == normalise(self.document.outlet):
            return len(chain), OUTLET
        return len(chain), self.resolve(last, near)

    def align_claims(self, lenient: bool) -> dict[int, int]:
        """Predicted claim index → gold claim index.

        The specified alignment: the highest token Jaccard of the two evidence texts, at least
        ``CLAIM_JACCARD``, one-to-one. ``lenient`` also pairs a predicted claim whose evidence lies
        inside a gold claim's evidence (at least 3 words: an extractor that gives the quoted content
        where the gold holds source, cue and content), after every Jaccard pair.
        """
        pairs = []
        for p_index, pred in enumerate(self.prediction.claims):
            pred_text = self._text_full(pred.evidence) if pred.evidence else pred.evidence_text
            pred_tokens = tokens(pred_text)
            for g_index, gold in enumerate(self.gold.claims):
                gold_text = self._text_full(gold.evidence)
                score = jaccard(pred_text, gold_text)
                if score >= CLAIM_JACCARD:
                    pairs.append((score, p_index, g_index))
                elif lenient and pred.evidence and len(pred_tokens) >= 3 \
                        and gold.evidence[0] <= pred.evidence[0] and pred.evidence[1] <= gold.evidence[1]:
                    pairs.append((score / 10, p_index, g_index))
        return greedy(pairs)

    def score_claims(self) -> ClaimScores:
        """Claim P/R/F1, then over aligned claims: chain, depth, final source, hedged and polarity
        accuracy, cue exact counts, and the (chain right, hedged right) pairs for the bootstrap;
        the claim counts, chains and hedging under the lenient alignment too."""
        result = ClaimScores()
        for lenient in (False, True):
            assignment = self.align_claims(lenient)
            counts = Count(len(self.gold.claims), len(self.prediction.claims), len(assignment))
            ratios = {key: Ratio() for key in ("chain", "depth", "source", "hedged", "polarity")}
            for p_index, g_index in sorted(assignment.items(), key=lambda item: item[1]):
                pred, gold = self.prediction.claims[p_index], self.gold.claims[g_index]
                got_depth, got_source = self.chain_key(pred.chain, pred.evidence)
                depth_right = got_depth == len(gold.chain)
                source_right = got_source == gold.chain[-1]
                hedged_right = pred.hedged == gold.hedged
                for key, right in (("chain", depth_right and source_right), ("depth", depth_right),
                                   ("source", source_right), ("hedged", hedged_right)):
                    ratios[key].of += 1
                    ratios[key].right += right
                if pred.polarity is not None:
                    ratios["polarity"].of += 1
                    ratios["polarity"].right += _polarity(pred.polarity) == gold.polarity
                if lenient:
                    continue
                result.cue.tp += pred.cue is not None and pred.cue == gold.cue
                result.samples.append((depth_right and source_right, hedged_right))
                if not (depth_right and source_right):
                    shown = [_text_of(element) for element in pred.chain]
                    self.errors.add("wrong chain", f"gold {gold.chain} predicted {shown} (→ {got_source}) "
                                                   f"{self._text(gold.evidence)!r}")
                if not hedged_right:
                    self.errors.add("wrong hedged", f"gold {gold.hedged} {self._text(gold.evidence)!r}")
            if lenient:
                result.lenient = counts
                result.ratios["claim chain (lenient alignment)"] = ratios["chain"]
                result.ratios["claim hedged (lenient alignment)"] = ratios["hedged"]
                continue
            result.counts = counts
            result.cue.gold = sum(1 for g in self.gold.claims if g.cue)
            result.cue.predicted = sum(1 for p in self.prediction.claims if p.cue)
            for key, label in (("chain", "claim chain (depth and final source)"), ("depth", "claim chain depth"),
                               ("source", "claim final source"), ("hedged", "claim hedged"),
                               ("polarity", "claim polarity")):
                result.ratios[label] = ratios[key]
            found = set(assignment.values())
            for g_index, gold in enumerate(self.gold.claims):
                if g_index not in found:
                    self.errors.add("missed claim", f"{gold.chain} {self._text(gold.evidence)!r}")
            for p_index, pred in enumerate(self.prediction.claims):
                if p_index not in assignment:
                    where = self._text(pred.evidence) if pred.evidence else pred.evidence_text[:90]
                    self.errors.add("extra claim", f"{[_text_of(e) for e in pred.chain]} {where!r}")
        return result

    def _text_full(self, span: Span | None) -> str:
        return self.text[span[0]:span[1]] if span else ""


def _polarity(value: str) -> str:
    """The predicted polarity in the gold's words ("denial" and "negative" read as "deny")."""
    return "deny" if str(value).casefold() in {"deny", "denial", "negative", "denied"} else "assert"


# -- the report ------------------------------------------------------------------------------------


@dataclass
class SplitResult:
    """Everything summed over one split's documents."""

    documents: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    named: dict[str, Count] = field(default_factory=dict)
    mentions: dict[str, Count] = field(default_factory=dict)
    relations_strict: dict[str, Count] = field(default_factory=dict)
    relations_lenient: dict[str, Count] = field(default_factory=dict)
    events: dict[str, Count] = field(default_factory=dict)
    claims: Count = field(default_factory=Count)
    claims_lenient: Count = field(default_factory=Count)
    cue: Count = field(default_factory=Count)
    ratios: dict[str, Ratio] = field(default_factory=dict)
    samples: list[tuple[bool, bool]] = field(default_factory=list)
    unlocated: int = 0
    gold_counts: dict[str, dict[str, int]] = field(default_factory=dict)


def _merge(into: dict[str, Count], rows: dict[str, Count]) -> None:
    for key, count in rows.items():
        into.setdefault(key, Count()).add(count)


def score_document(result: SplitResult, document: Document, prediction: Prediction) -> Errors:
    """Score one document into its split's totals; the document's errors."""
    scorer = Scorer(document, prediction)
    _merge(result.named, scorer.named_rows)
    _merge(result.mentions, scorer.mention_rows)
    strict, lenient = scorer.score_relations()
    _merge(result.relations_strict, strict)
    _merge(result.relations_lenient, lenient)
    event_rows, place, date, status = scorer.score_events()
    _merge(result.events, event_rows)
    claims = scorer.score_claims()
    result.claims.add(claims.counts)
    result.claims_lenient.add(claims.lenient)
    result.cue.add(claims.cue)
    for key, ratio in [("event place", place), ("event date", date), ("event status", status),
                       *claims.ratios.items()]:
        result.ratios.setdefault(key, Ratio()).add(ratio)
    result.samples.extend(claims.samples)
    result.unlocated += prediction.unlocated
    result.documents.append(document.name)
    return scorer.errors


def _total(rows: dict[str, Count]) -> Count:
    total = Count()
    for count in rows.values():
        total.add(count)
    return total


def table_rows(result: SplitResult) -> list[tuple[str, Count]]:
    """The split's table, row by row (rows with neither gold nor predicted items are left out)."""
    rows: list[tuple[str, Count]] = [("named mentions (all types)", _total(result.named))]
    rows += [(f"  named {kind}", result.named[kind]) for kind in NAMED_TYPES if kind in result.named]
    rows.append(("mentions (all types)", _total(result.mentions)))
    rows += [(f"  {kind}", result.mentions[kind]) for kind in MENTION_TYPES if kind in result.mentions]
    rows.append(("relations, strict (all)", _total(result.relations_strict)))
    rows += [(f"  {p}", result.relations_strict[p]) for p in PREDICATES if p in result.relations_strict]
    rows.append(("relations, lenient (all)", _total(result.relations_lenient)))
    rows += [(f"  {p} (lenient)", result.relations_lenient[p]) for p in PREDICATES if p in result.relations_lenient]
    rows.append(("events (all)", _total(result.events)))
    rows += [(f"  {kind}", result.events[kind]) for kind in EVENT_TYPES if kind in result.events]
    rows.append(("claims", result.claims))
    rows.append(("claims, lenient alignment", result.claims_lenient))
    rows.append(("claim cues (exact)", result.cue))
    return [(label, count) for label, count in rows if count.gold or count.predicted or not label.startswith("  ")]


def bootstrap(samples: list[tuple[bool, bool]], which: int, rounds: int = 1000, seed: int = 13) -> tuple[float, float]:
    """A 95 % percentile bootstrap interval of the share of ``samples[i][which]`` that are true."""
    rng = random.Random(seed)
    values = [sample[which] for sample in samples]
    shares = sorted(sum(rng.choice(values) for _ in values) / len(values) for _ in range(rounds))
    return shares[int(0.025 * rounds)], shares[int(0.975 * rounds) - 1]


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def print_split(split: str, result: SplitResult) -> None:
    """The markdown tables of one split."""
    print(f"\n### {split}: {len(result.documents)} document(s) scored"
          + (f" ({', '.join(result.documents)})" if result.documents else ""))
    for line in result.skipped:
        print(f"skipped: {line}")
    if not result.documents:
        return
    print("\n| type | gold | predicted | TP | P | R | F1 |\n|---|---:|---:|---:|---:|---:|---:|")
    for label, count in table_rows(result):
        print(f"| {label} | {count.gold} | {count.predicted} | {count.tp} | {_fmt(count.precision)} | "
              f"{_fmt(count.recall)} | {_fmt(count.f1)} |")
    print("\n| over aligned items | right | of | share |\n|---|---:|---:|---:|")
    for key, ratio in result.ratios.items():
        print(f"| {key} | {ratio.right} | {ratio.of} | {_fmt(ratio.share)} |")
    if len(result.samples) > 30:
        for which, label in ((0, "chain"), (1, "hedged")):
            low, high = bootstrap(result.samples, which)
            print(f"\n{label}: 95 % bootstrap interval over {len(result.samples)} aligned claims {low:.2f}–{high:.2f}")
    if result.unlocated:
        print(f"\n{result.unlocated} predicted evidence string(s) were not found in the text (scored as unmatched)")


def split_json(result: SplitResult) -> dict[str, Any]:
    """The split's figures as JSON-ready data."""
    def row(label: str, count: Count) -> dict[str, Any]:
        return {"type": label.strip(), "gold": count.gold, "predicted": count.predicted, "tp": count.tp,
                "precision": count.precision, "recall": count.recall, "f1": count.f1}

    data: dict[str, Any] = {"documents": result.documents, "skipped": result.skipped,
                            "rows": [row(label, count) for label, count in table_rows(result)],
                            "aligned": {key: {"right": r.right, "of": r.of, "share": r.share}
                                        for key, r in result.ratios.items()},
                            "unlocated_evidence": result.unlocated, "gold_counts": result.gold_counts}
    if len(result.samples) > 30:
        data["bootstrap95"] = {label: bootstrap(result.samples, which)
                               for which, label in ((0, "chain"), (1, "hedged"))}
    return data


def gold_counts(document: Document) -> dict[str, int]:
    raw = document.raw_gold
    return {key: len(raw.get(key, [])) for key in ("mentions", "relations", "events", "claims")}


def predictions_for(documents: Sequence[Document], args: argparse.Namespace) -> Iterator[tuple[Document, dict[str, Any] | str]]:
    """Each document with its prediction, or the reason it has none."""
    if args.predictions:
        for document in documents:
            path = Path(args.predictions) / f"{document.name}.json"
            if not path.exists():
                yield document, f"{document.name}: no {path}"
                continue
            try:
                yield document, json.loads(path.read_text(encoding="utf-8"))
            except ValueError as error:
                yield document, f"{document.name}: {path} is not JSON ({error})"
        return
    moneymen = Path(args.moneymen)
    if not moneymen.exists():
        for document in documents:
            yield document, f"{document.name}: {moneymen} not found"
        return
    with tempfile.TemporaryDirectory(prefix="news-bench-") as workdir:
        for document in documents:
            try:
                yield document, run_extractor(document, moneymen, Path(workdir), args.timeout)
            except (RuntimeError, subprocess.TimeoutExpired, ValueError, OSError) as error:
                yield document, f"{document.name}: moneymen read failed: {error}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help="the shared folder beside the repository (holds data/articles/)")
    parser.add_argument("--split", nargs="+", choices=SPLITS, default=list(SPLITS))
    parser.add_argument("--predictions", type=Path, help="read DIR/<name>.json instead of running moneymen")
    parser.add_argument("--moneymen", type=Path, default=DEFAULT_MONEYMEN)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per document for moneymen read")
    parser.add_argument("--errors", action="store_true",
                        help="list missed and extra items per document (reference and dev splits only: the "
                             "test split stays sealed)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--check-gold", nargs="*", metavar="NAME",
                        help="validate the gold (of the named documents, or all) and print every span")
    args = parser.parse_args(argv)
    gold_dir = args.manifest.parent / "gold"
    documents = load_manifest(args.manifest, args.shared)

    if args.check_gold is not None:
        wanted = set(args.check_gold)
        failed = False
        seen_gold: set[str] = set()
        for document in documents:
            if wanted and document.name not in wanted:
                continue
            try:
                load_gold(document, gold_dir)
            except (GoldError, KeyError, ValueError, OSError) as error:
                print(f"{document.name}: {error}")
                failed = True
                continue
            if document.gold_name in seen_gold:
                print(f"== {document.name}: gold {document.gold_name} (checked above), sha256 ok ==")
                continue
            seen_gold.add(document.gold_name)
            problems = check_gold(document)
            for problem in problems:
                print(f"PROBLEM {document.name}: {problem}")
            failed = failed or bool(problems)
        print("gold: problems found" if failed else "gold: ok")
        return 1 if failed else 0

    selected = [d for d in documents if d.split in args.split]
    for document in selected:
        try:
            load_gold(document, gold_dir)
        except GoldError as error:
            raise SystemExit(f"error: {error}")
    results = {split: SplitResult() for split in SPLITS if split in args.split}
    for document, prediction in predictions_for(selected, args):
        result = results[document.split]
        result.gold_counts[document.name] = gold_counts(document)
        if isinstance(prediction, str):
            result.skipped.append(prediction)
            continue
        errors = score_document(result, document, parse_prediction(prediction, document.text))
        if args.errors and document.split != "test" and errors.lines and not args.json:
            print(f"\n#### errors in {document.name}")
            for line in errors.lines:
                print(f"- {line}")
    if args.json:
        print(json.dumps({"splits": {split: split_json(result) for split, result in results.items()}},
                         indent=2, ensure_ascii=False))
        return 0
    print("## Reading the news: extraction against the gold (bench/news)")
    print(f"{len(selected)} document(s); claims aligned at token Jaccard ≥ {CLAIM_JACCARD}; "
          "relation targets use the strict rows")
    for split, result in results.items():
        print_split(split, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
