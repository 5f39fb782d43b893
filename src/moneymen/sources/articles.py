"""News reports as text: an article read from a file or a URL, and the items of an RSS/Atom feed.

This is where a report enters moneymen, before any language processing (``moneymen.extract``).
Everything here is untrusted input and treated so:

* **Bytes first.** A document is sniffed (binary files are refused), capped (:data:`MAX_HTML`,
  :data:`MAX_FEED`) and decoded here (byte-order mark, the HTTP charset, ``<meta charset>``,
  then detection).
* **HTML** is parsed by lxml with network access, comments and processing instructions off, and
  its main text is found by trafilatura, with reader comments, tables, images and links left
  out. Scripts, styles and event handlers never reach the text.
* **Plain text** is kept as written, so that character offsets into the file stay valid: the
  article's text is always a prefix of the cleaned file. It ends at a reader-comments heading
  ("3 Responses", "Leave a Reply").
* **Cleaning** replaces control characters, terminal escape sequences and bidi overrides by
  spaces, one for one (a report must not rewrite the terminal that shows it, nor reorder what
  is read). Text longer than :data:`MAX_TEXT` is refused, not cut.
* **Feeds** are refused when their prolog declares entities (the "billion laughs", external
  entities), before feedparser sees them; feedparser only ever gets bytes.
* **Fetching** a URL is :mod:`moneymen.sources.webfetch`'s job.

Every refusal is an :class:`ArticleError` that says which document, what was wrong and what was
expected.
"""

from __future__ import annotations

import calendar
import codecs
import hashlib
import io
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Literal

from moneymen.sources.prolog import decode_head, entity_declaration, scan_prolog

#: The largest article (HTML or plain text) read, in bytes.
MAX_HTML = 10 * 1024 * 1024
#: The largest feed read, in bytes.
MAX_FEED = 5 * 1024 * 1024
#: The longest main text kept, in characters; a longer one is refused (a report is far shorter).
MAX_TEXT = 200_000
#: The longest title, author or outlet kept, in characters (longer ones are cut).
MAX_FIELD = 500
#: How much of a document is sniffed (binary signatures, markup, ``<meta charset>``).
SNIFF_BYTES = 8 * 1024

Kind = Literal["text", "html", "feed-item"]

_BINARY_SIGNATURES = (
    (b"%PDF", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"PK\x07\x08", "a ZIP archive"),
    (b"GIF8", "a GIF image"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\x7fELF", "a program"),
)
_UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml",
                         "application/feed+xml"})
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf", "rdf"})
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})

_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
_META_CHARSET_RE = re.compile(rb"<meta[^>]{0,512}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
_HTML_START_RE = re.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                            re.IGNORECASE | re.DOTALL)
_HTML_TAG_RE = re.compile(r"</?(?:html|head|body|div|p|span|article|meta|title|a|br|h[1-6])\b[^>]{0,512}>",
                          re.IGNORECASE)
_XML_DECLARATION_RE = re.compile(r"\A\s*<\?xml[^>]*\?>")
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")
_SUBSET_END_RE = re.compile(r"\][ \t\r\n]*>")

#: Terminal escape sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-character escapes, 8-bit CSI).
_ESCAPE_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b\n]{0,2048}(?:\x07|\x1b\\)"
    r"|\x1b[PX^_][^\x1b\n]{0,2048}\x1b\\"
    r"|\x1b[ -/]*[0-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
#: C0 controls but tab and newline, DEL, C1 controls, and the bidi embeddings, overrides and isolates.
_FORBIDDEN_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_WHITESPACE_RE = re.compile(r"\s+")

_COUNT = r"(?:\d[\d,.]*|no|one|two|three|four|five|six|seven|eight|nine|ten)"
#: A line that starts the reader comments under an article.
_COMMENTS_HEADING_RE = re.compile(
    r"(?:" + _COUNT + r"\s+(?:responses?|comments?|replies|reply|thoughts|reactions?)(?:\s+(?:to|on)\b.{0,200})?"
    r"|(?:readers?'?\s+)?comments?|responses?"
    r"|leave\s+a\s+(?:reply|comment|response)(?:\s+to\b.{0,200})?"
    r"|post\s+a\s+comment|add\s+(?:a\s+|your\s+)?comment|join\s+the\s+discussion"
    r")\s*:?",
    re.IGNORECASE,
)


class ArticleError(ValueError):
    """A document that cannot be read or fetched, with what the user can do about it."""


@dataclass(frozen=True)
class Article:
    """One report as text, with what is known of where it comes from.

    ``text`` is the cleaned main text: for plain text, a prefix of the cleaned file (offsets into
    it are offsets into the file); for HTML, what trafilatura found as the article body.
    ``published`` is an ISO date prefix (``YYYY-MM-DD`` or ``YYYY-MM``) or None; ``kind`` says
    what the text was read from; ``raw_sha256`` is the hash of the bytes read.
    """

    text: str
    title: str | None
    outlet: str | None
    author: str | None
    published: str | None
    url: str | None
    kind: Kind
    raw_sha256: str

    @property
    def text_sha256(self) -> str:
        """The SHA-256 of :attr:`text` (UTF-8), hex: the same text from two sources has one hash."""
        return _sha256(self.text)


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed: its text is the item's content (or summary) as plain text.

    ``raw_sha256`` is the hash of the content as the feed gave it (UTF-8).
    """

    guid: str | None
    link: str | None
    title: str | None
    published: str | None
    author: str | None
    text: str
    raw_sha256: str = ""


@dataclass(frozen=True)
class Feed:
    """An RSS or Atom feed: its items newest first, at most the number asked for.

    ``skipped`` counts the items left unread because that number was reached, ``duplicates``
    those that repeat an earlier item (same guid, link or text), ``refused`` those whose text
    is longer than :data:`MAX_TEXT`.
    """

    title: str | None
    link: str | None
    items: list[FeedItem]
    skipped: int
    duplicates: int = 0
    refused: int = 0


# -- articles ------------------------------------------------------------------------------


def read_article(data: bytes, *, name: str, url: str | None = None, content_type: str | None = None,
                 limit: int = MAX_HTML) -> Article:
    """Read one report from its bytes: an HTML page or a plain-text file.

    ``name`` is how errors call the document (its file name or URL), ``url`` where it was read
    from, ``content_type`` the HTTP Content-Type when it was fetched (it decides HTML or text,
    and gives the charset). Raises :class:`ArticleError` for binary data, a feed, a document
    larger than ``limit`` bytes, no main text, or a text longer than :data:`MAX_TEXT`.
    """
    if len(data) > limit:
        raise ArticleError(f"{name} is {len(data):,} bytes, more than the {limit:,} an article may have; "
                           "expected a single news report (HTML or plain text)")
    _refuse_binary(data, name)
    mime, charset = _parse_content_type(content_type)
    if looks_like_feed(data, content_type):
        raise ArticleError(f"{name} is an RSS/Atom feed, not an article; read it as a feed")
    html = _is_html(data, mime, name)
    text = _decode(data, charset, html)
    raw_sha256 = hashlib.sha256(data).hexdigest()
    if html:
        return _read_html(text, name=name, url=url, raw_sha256=raw_sha256)
    return _read_plain(text, name=name, url=url, raw_sha256=raw_sha256)


def clean_text(text: str) -> str:
    """``text`` with control characters, terminal escape sequences and bidi overrides replaced
    by spaces, one character for one, so that offsets stay valid (tab and newline are kept; a
    carriage return becomes a space before a newline and a newline on its own)."""
    text = text.replace("\r\n", " \n").replace("\r", "\n")
    text = _ESCAPE_RE.sub(lambda match: " " * len(match.group(0)), text)
    return _FORBIDDEN_RE.sub(" ", text)


def cut_comments(text: str) -> str:
    """``text`` up to the first line (after the first) that opens reader comments ("3 Responses",
    "Comments", "Leave a Reply", "12 thoughts on …"), trailing whitespace removed; all of it when
    there is none."""
    position, started = 0, False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if started and len(stripped) <= 250 and _COMMENTS_HEADING_RE.fullmatch(stripped):
            return text[:position].rstrip()
        started = started or bool(stripped)
        position += len(line)
    return text


def _read_plain(text: str, *, name: str, url: str | None, raw_sha256: str) -> Article:
    text = cut_comments(clean_text(text)).rstrip()
    if not text.strip():
        raise ArticleError(f"{name} has no text; expected a news report")
    _check_length(text, name)
    lines = [line.strip() for line in text.splitlines()]
    nonempty = [line for line in lines if line]
    title = nonempty[0] if len(nonempty) > 1 and len(nonempty[0]) <= 200 else None
    return Article(text=text, title=_field(title), outlet=None, author=None, published=None,
                   url=_web_address(url), kind="text", raw_sha256=raw_sha256)


def _read_html(text: str, *, name: str, url: str | None, raw_sha256: str) -> Article:
    import trafilatura  # 0.25 s to import: only when an HTML page is read
    from trafilatura.settings import set_date_params

    tree = _parse_html(clean_text(text), name)  # control characters make trafilatura find no text
    try:
        document = trafilatura.bare_extraction(
            tree, url=url, with_metadata=True, include_comments=False, include_tables=False,
            include_images=False, include_links=False,
            # the date the page's markup states, not one guessed from its text ("© 2014" is no date)
            date_extraction_params=set_date_params(extensive=False),
        )
    except RecursionError:
        raise ArticleError(f"{name} is nested too deeply to read; expected an ordinary web page") from None
    found: dict[str, Any] = (document if isinstance(document, dict) else
                             document.as_dict() if document is not None else {})
    body = cut_comments(clean_text(found.get("text") or "")).strip()
    if not body:
        raise ArticleError(f"no article text found in {name}: the page has no main text "
                           "(is it an index page, a login wall or a page built by scripts?)")
    _check_length(body, name)
    published = found.get("date")
    match = _ISO_DATE_RE.match(published) if isinstance(published, str) else None
    return Article(
        text=body, title=_field(found.get("title")), outlet=_field(found.get("sitename")),
        author=_field(found.get("author")), published=match.group(0) if match else None,
        url=_web_address(url) or _web_address(found.get("url")), kind="html", raw_sha256=raw_sha256,
    )


def _html_parser() -> Any:
    """A new lxml HTML parser (one per document: parsers are not shared between threads) that
    never touches the network, drops comments and processing instructions, and keeps libxml2's
    limits on text size and depth."""
    import lxml.html

    return lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False,
                                collect_ids=False, default_doctype=False)


def _parse_html(text: str, name: str) -> Any:
    """The lxml.html tree of ``text``, parsed with network access, comments and PIs off."""
    import lxml.etree
    import lxml.html

    text = _XML_DECLARATION_RE.sub("", text)  # lxml refuses a str that declares its encoding
    try:
        return lxml.html.document_fromstring(text, parser=_html_parser())
    except (lxml.etree.ParserError, ValueError) as error:
        raise ArticleError(f"{name} cannot be read as HTML ({error}); expected a web page") from None


def _html_to_text(html: str) -> str:
    """The text of an HTML fragment (a feed item's content): blocks on lines, scripts dropped."""
    import lxml.etree
    import lxml.html

    if "<" not in html:
        return html
    try:
        root = lxml.html.fragment_fromstring(clean_text(html), create_parent="div", parser=_html_parser())
    except (lxml.etree.ParserError, ValueError):
        return ""
    for element in list(root.iter("script", "style", "noscript", "template", "iframe", "object", "svg")):
        element.drop_tree()
    for element in root.iter("br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"):
        element.tail = "\n" + (element.tail or "")
    lines = (_WHITESPACE_RE.sub(" ", line).strip() for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


# -- bytes to text -------------------------------------------------------------------------


def _refuse_binary(data: bytes, name: str) -> None:
    head = data[:SNIFF_BYTES]
    for signature, what in _BINARY_SIGNATURES:
        if head.startswith(signature):
            raise ArticleError(f"{name} is not a text document (it looks like {what}); "
                               "expected an HTML page or a plain-text report")
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ArticleError(f"{name} is not a text document (it holds NUL bytes); "
                           "expected an HTML page or a plain-text report")


def _parse_content_type(content_type: str | None) -> tuple[str, str | None]:
    """The media type (lower case) and the charset of a Content-Type header."""
    if not content_type:
        return "", None
    mime, _, parameters = content_type.partition(";")
    match = _CHARSET_RE.search(parameters)
    return mime.strip().lower(), match.group(1) if match else None


def _is_html(data: bytes, mime: str, name: str) -> bool:
    if mime in _HTML_TYPES:
        return True
    if mime == "text/plain":
        return False
    suffix = PurePath(name.split("?")[0]).suffix.lower()
    if suffix in _HTML_SUFFIXES:
        return True
    if suffix in _TEXT_SUFFIXES:
        return False
    head = decode_head(data[:SNIFF_BYTES])
    return bool(_HTML_START_RE.match(head)) or len(_HTML_TAG_RE.findall(head)) >= 3


def _codec(label: str | None) -> str | None:
    """The Python codec for a charset label, or None when Python knows none by that name."""
    if not label:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _decode(data: bytes, http_charset: str | None, html: bool) -> str:
    """``data`` as text: a byte-order mark, the HTTP charset, ``<meta charset>`` (HTML), UTF-8,
    then charset detection; undecodable bytes are replaced as a last resort."""
    for bom, codec in _UNICODE_BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    candidates = [_codec(http_charset)]
    if html:
        meta = _META_CHARSET_RE.search(data[:SNIFF_BYTES])
        declared = _codec(meta.group(1).decode("ascii")) if meta else None
        # a page that calls itself UTF-16 in a <meta> tag it could read as ASCII is not UTF-16
        candidates.append("utf-8" if declared and declared.startswith(("utf-16", "utf-32")) else declared)
    candidates.append("utf-8")
    for candidate in candidates:
        if candidate:
            try:
                return data.decode(candidate)
            except UnicodeDecodeError:
                continue
    from charset_normalizer import from_bytes  # trafilatura's dependency

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode(next((codec for codec in candidates if codec), "utf-8"), errors="replace")


def _check_length(text: str, name: str) -> None:
    if len(text) > MAX_TEXT:
        raise ArticleError(f"the text of {name} is {len(text):,} characters, more than the {MAX_TEXT:,} "
                           "a report may have; expected a single news report, not a book or a dump")


def _field(value: object) -> str | None:
    """A title, author or outlet: cleaned, on one line, at most :data:`MAX_FIELD` characters."""
    if not isinstance(value, str):
        return None
    value = _WHITESPACE_RE.sub(" ", clean_text(value)).strip()
    return value[:MAX_FIELD].rstrip() or None


def _web_address(value: object) -> str | None:
    """``value`` when it is an http(s) address, else None (no ``javascript:`` links downstream)."""
    if not isinstance(value, str) or len(value) > 4096:
        return None
    value = value.strip()
    return value if value.lower().startswith(("https://", "http://")) and not _FORBIDDEN_RE.search(value) else None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- feeds ---------------------------------------------------------------------------------


def looks_like_feed(data: bytes, content_type: str | None = None) -> bool:
    """Whether ``data`` is an RSS or Atom feed: by its Content-Type, else by its root element."""
    mime, _ = _parse_content_type(content_type)
    if mime in _FEED_TYPES:
        return True
    if mime in _HTML_TYPES or mime == "text/plain":
        return False
    head = data[:SNIFF_BYTES]
    return any(_root_name(text) in _FEED_ROOTS for text in (_xml_text(head), decode_head(head)))


def _root_name(text: str) -> str | None:
    """The name of the root element of XML ``text`` (lower case), past any DOCTYPE."""
    kind, pos, root = scan_prolog(text)
    while kind == "declaration":  # skip a DOCTYPE, internal subset and all
        close, bracket = text.find(">", pos), text.find("[", pos)
        if bracket >= 0 and (close < 0 or bracket < close):
            end = _SUBSET_END_RE.search(text, bracket)
            close = end.end() - 1 if end else -1
        if close < 0:
            return None
        kind, pos, root = scan_prolog(text, close + 1)
    return root.lower() if kind == "root" and root else None


def read_feed(data: bytes, *, name: str, max_items: int = 200) -> Feed:
    """Read an RSS or Atom feed: its items newest first, at most ``max_items`` of them.

    Items repeating an earlier one (by guid, then link, then text) are dropped. Raises
    :class:`ArticleError` for a feed larger than :data:`MAX_FEED`, one whose prolog declares
    entities (nothing is parsed then), or one feedparser cannot read at all.
    """
    if len(data) > MAX_FEED:
        raise ArticleError(f"{name} is {len(data):,} bytes, more than the {MAX_FEED:,} a feed may have; "
                           "expected an RSS or Atom feed")
    _refuse_entities(data, name)
    import feedparser

    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=True)
    entries = list(parsed.get("entries") or [])
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        reason = parsed.get("bozo_exception") or "no RSS or Atom elements"
        raise ArticleError(f"{name} cannot be read as a feed ({reason}); expected an RSS or Atom feed")
    items: list[FeedItem] = []
    seen: tuple[set[str], set[str], set[str]] = (set(), set(), set())
    duplicates = refused = skipped = 0
    for entry in _newest_first(entries):
        if len(items) >= max_items:
            skipped += 1
            continue
        item = _feed_item(entry)
        if len(item.text) > MAX_TEXT:
            refused += 1
            continue
        keys = (item.guid, item.link, _sha256(item.text) if item.text else None)
        if any(key is not None and key in known for key, known in zip(keys, seen)):
            duplicates += 1
            continue
        for key, known in zip(keys, seen):
            if key is not None:
                known.add(key)
        items.append(item)
    feed = parsed.get("feed") or {}
    return Feed(title=_field(feed.get("title")), link=_web_address(feed.get("link")), items=items,
                skipped=skipped, duplicates=duplicates, refused=refused)


def item_article(item: FeedItem, feed: Feed) -> Article:
    """A feed item as an :class:`Article` (kind ``feed-item``; the feed's title is the outlet)."""
    return Article(text=item.text, title=item.title, outlet=feed.title, author=item.author,
                   published=item.published, url=item.link, kind="feed-item", raw_sha256=item.raw_sha256)


def _refuse_entities(data: bytes, name: str) -> None:
    """Raise ArticleError when the feed's prolog declares entities, as feedparser would read it
    (after its own decoding) and as the bytes read."""
    for text in (_xml_text(data), decode_head(data)):
        position = entity_declaration(text)
        if position is not None:
            line = text.count("\n", 0, position) + 1
            raise ArticleError(f"{name}, line {line}: entity declarations are refused (found "
                               f"{text[position:position + 20]!r}); expected an RSS or Atom feed without "
                               "a DTD subset or <!ENTITY")


def _xml_text(data: bytes) -> str:
    """``data`` decoded as feedparser decodes it before its XML parser reads it (BOMs, UTF-16 and
    EBCDIC sniffing, the XML declaration's encoding)."""
    from feedparser.encodings import convert_to_utf8

    converted: bytes = convert_to_utf8({}, data, {})
    return converted.decode("utf-8", errors="replace")


def _newest_first(entries: Iterable[Any]) -> list[Any]:
    def when(entry: Any) -> tuple[bool, float]:
        parsed = entry.get("published_parsed") or entry.get("updated_parsed")
        return (parsed is None, -calendar.timegm(parsed) if parsed else 0.0)

    return sorted(entries, key=when)


def _feed_item(entry: Any) -> FeedItem:
    raw, kind = "", "text/plain"
    for content in entry.get("content") or []:
        if content.get("value"):
            raw, kind = content["value"], content.get("type") or "text/html"
            break
    else:
        detail = entry.get("summary_detail") or {}
        raw, kind = entry.get("summary") or "", detail.get("type") or "text/html"
    raw = raw if isinstance(raw, str) else ""
    text = _html_to_text(raw) if "html" in kind else raw
    text = clean_text(text).strip()
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    guid = entry.get("id")
    return FeedItem(
        guid=guid[:4096] if isinstance(guid, str) and guid else None, link=_web_address(entry.get("link")),
        title=_field(entry.get("title")), published=time.strftime("%Y-%m-%d", parsed) if parsed else None,
        author=_field(entry.get("author")), text=text, raw_sha256=_sha256(raw),
    )
