"""The text of an SDN entry's Remarks: its clauses, and the identifier labels they use (as data).

A Remarks cell is ``;``-separated clauses ("DOB 10 Oct 1958", "Passport G55296890 (China)
issued 01 Jan 2010", "Linked To: KOREA MINING DEVELOPMENT TRADING CORPORATION."). The labels
that introduce identifiers, and where each kind of number goes, are tables in
``sources/data/ofac_id_labels.tsv`` and ``ofac_id_kinds.tsv``, read once.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

#: OFAC truncates Remarks to this many characters in the legacy CSV.
REMARKS_LIMIT = 1000
#: Longest identifier (passport, registration number…) read from a clause.
MAX_NUMBER_CHARS = 64

#: An identifier's number, then optionally its country in brackets and when it was issued and expires.
DOCUMENT = re.compile(
    r"^(?P<number>.+?)(?:\s*\((?P<country>[^()]*)\))?"
    r"(?:\s+issued\s+(?P<issued>.+?))?(?:\s+expires?\s+(?P<expires>.+?))?$"
)
IMO_NUMBER = re.compile(r"^IMO\s*:?\s*(\d{7})\b")
#: The "alt." before a clause that gives another value ("alt. DOB 1946").
ALT_PREFIX = re.compile(r"^alt\.\s*", re.IGNORECASE)
ALIAS_CLAUSE = re.compile(r"^([afn])\.k\.a\.?\s*'(.+)'\s*\.?$", re.IGNORECASE)
#: Clauses of the sanctions regime, kept as the Sanction's ``provisions``.
PROVISION_CLAUSE = re.compile(
    r"^(?:Secondary sanctions risk|Transactions Prohibited For Persons Owned or Controlled|"
    r"Additional Sanctions Information|Executive Order \d+ Directive Determination|CAATSA Section|"
    r"IFCA Determination|Listing Date \(|Effective Date \()"
)


def clauses(remarks: str) -> list[str]:
    """The ``;``-separated clauses of a Remarks cell; a cut-off last clause is left out."""
    parts = [part.strip() for part in remarks.split(";")]
    if len(remarks) >= REMARKS_LIMIT:
        parts = parts[:-1]
    return [part for part in parts if part]


def _rows(filename: str) -> list[list[str]]:
    text = resources.files("moneymen.sources").joinpath(f"data/{filename}").read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def id_labels() -> dict[str, str]:
    """Identifier labels of Remarks ("Passport", "Tax ID No.", "SWIFT/BIC") → the kind of number."""
    return {label: kind for label, kind in _rows("ofac_id_labels.tsv")}


@cache
def id_kinds() -> dict[str, tuple[tuple[str, ...], str | None]]:
    """Kind of identifier → (subject properties in order of preference, document schema or None)."""
    return {kind: (tuple(props.split()), None if document == "-" else document)
            for kind, props, document in _rows("ofac_id_kinds.tsv")}


@cache
def identifier_clause() -> re.Pattern:
    """A clause that begins with an identifier label (the longest that fits), then the number."""
    return re.compile(
        r"^(?P<label>" + "|".join(re.escape(label) for label in sorted(id_labels(), key=len, reverse=True)) + r")"
        r"(?=[\s:#])\s*[:#]?\s*(?P<rest>\S.*)$"
    )


def unquote(text: str) -> str:
    """``'X'`` → X (quotes within quotes too)."""
    text = text.strip()
    while len(text) > 1 and text[0] == text[-1] == "'":
        text = text[1:-1].strip()
    return text


def strip_stop(text: str) -> str:
    """A clause's value without its final full stop."""
    text = text.strip()
    return text[:-1].rstrip() if text.endswith(".") else text
