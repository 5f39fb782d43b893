"""The Admiralty grade of a claim: the outlet's reliability, and the credibility its wording allows.

Reliability (A–F) is the publishing outlet's, from the outlet table or the reader's
``--reliability``; F when unknown. Credibility (1–6) starts at 2, probably true: one source says
it plainly. A hedge of possibility ("may", "possibly", "seemed") makes it 3, possibly true; a
hedge of doubt ("speculation", "rumour", "reportedly", "I bet") 4, doubtful, as does a chain that
ends in unnamed reports. 1, confirmed, is for a claim other, independent sources in the store
confirm: that is judged in review, not from one text.
"""

from __future__ import annotations

from moneymen.extract.extraction import Claim, UNSPECIFIED

PLAIN, POSSIBLE, DOUBTFUL = "2", "3", "4"


def credibility(claim: Claim) -> str:
    """The credibility digit the claim's hedges and chain allow."""
    kinds = set(claim.hedge_classes)
    if "doubtful" in kinds or (claim.chain and claim.chain[-1] == UNSPECIFIED):
        return DOUBTFUL
    if kinds:
        return POSSIBLE
    return PLAIN


def grade(claim: Claim, reliability: str) -> str:
    """The claim's grade, e.g. ``C3``."""
    return f"{reliability}{credibility(claim)}"
