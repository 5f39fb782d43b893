"""Reading reports: HTML pages, plain-text files and feeds as a user hands them over, hostile ones
included, and fetching a page from a real HTTP server on loopback."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from conftest import shared_file
from loopback import serving
from moneymen.sources.articles import (
    MAX_TEXT,
    Article,
    ArticleError,
    clean_text,
    item_article,
    looks_like_feed,
    read_article,
    read_feed,
)
from moneymen.sources.prolog import entity_declaration
from moneymen.sources.webfetch import fetch_document

# Invented reports (no sentence of any real article).
PARAGRAPH = ("The trading office on Harbour Road closed its accounts on Tuesday, and its staff were told "
             "to pack their bags before the inspectors from the capital arrived. ")
BODY = PARAGRAPH * 4


def page(body: str = BODY, extra: str = "") -> bytes:
    """A news page with metadata, boilerplate, scripts and event handlers around ``body``."""
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Traders recalled from the port | The Example Herald</title>
<meta property="og:title" content="Traders recalled from the port">
<meta property="og:site_name" content="The Example Herald">
<meta name="author" content="Jane Writer">
<meta property="article:published_time" content="2014-01-05T10:00:00Z">
<script>var leak = "SCRIPT-LEAK";</script><style>p {{ color: red }}</style></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Traders recalled from the port</h1>
<p>{body}</p>
<p onclick="alert('CLICK-LEAK')">{PARAGRAPH}<img src="x.png" onerror="alert('ONERROR-LEAK')"></p>
<script>document.write("WRITE-LEAK")</script>
</article>{extra}
<footer>Copyright 2014 The Example Herald</footer></body></html>""".encode()


def plain(*lines: str) -> bytes:
    return "\n".join(lines).encode()


# -- HTML ----------------------------------------------------------------------------------


def test_html_main_text_and_metadata() -> None:
    article = read_article(page(), name="report.html", url="https://herald.example/traders")
    assert article.kind == "html"
    assert "Harbour Road" in article.text
    assert article.title == "Traders recalled from the port"
    assert article.outlet == "The Example Herald"
    assert article.author == "Jane Writer"
    assert article.published == "2014-01-05"
    assert article.url == "https://herald.example/traders"
    assert len(article.raw_sha256) == 64 and len(article.text_sha256) == 64


def test_scripts_and_event_handlers_never_reach_the_text() -> None:
    article = read_article(page(), name="report.html")
    assert "LEAK" not in article.text
    assert "alert" not in article.text and "color: red" not in article.text


def test_html_reader_comments_are_dropped() -> None:
    marked = ('<div id="comments" class="comments"><h3>3 Responses</h3><ol class="commentlist">'
              '<li class="comment"><p>MARKED-COMMENT: the reader thinks the whole story is invented and '
              'says so at great length, twice over, with many exclamation marks.</p></li></ol></div>')
    unmarked = ('<section><h3>12 Comments</h3><p>UNMARKED-COMMENT: another reader writes a long reply that '
                'argues with the first reader about the port and the inspectors for a while.</p></section>')
    for extra in (marked, unmarked):
        article = read_article(page(extra=extra), name="report.html")
        assert "Harbour Road" in article.text
        assert "COMMENT" not in article.text and "Responses" not in article.text


def test_a_page_with_no_main_text_is_refused() -> None:
    with pytest.raises(ArticleError, match="no article text found in empty.html"):
        read_article(b"<html><head><title>Nothing</title></head><body><script>render()</script></body></html>",
                     name="empty.html")


def test_no_date_is_guessed_from_the_text() -> None:
    undated = page().replace(b'<meta property="article:published_time" content="2014-01-05T10:00:00Z">', b"")
    assert read_article(undated, name="report.html").published is None  # not the footer's copyright year


def test_content_type_and_charsets() -> None:
    text = "Der Händler verließ das Büro in großer Eile, sagte ein Nachbar. " * 6
    html = f"<html><body><article><p>{text}</p></article></body></html>".encode("cp1252")
    # the HTTP charset wins, and the content type says HTML whatever the name
    article = read_article(html, name="download", content_type="text/html; charset=windows-1252")
    assert "verließ das Büro" in article.text
    # a <meta charset> is read when HTTP says nothing
    meta = f'<html><head><meta charset="windows-1251"></head><body><p>{"Торговец уехал домой. " * 20}</p>'
    assert "Торговец" in read_article(meta.encode("cp1251"), name="page.htm").text
    # a UTF-8 byte-order mark, and text/plain is text even when it holds markup
    article = read_article("\ufeffA <b>bold</b> claim\nand a second line".encode("utf-8"), name="x",
                           content_type="text/plain")
    assert article.kind == "text" and article.text.startswith("A <b>bold</b>")


# -- plain text ----------------------------------------------------------------------------


def test_plain_text_title_and_text() -> None:
    article = read_article(plain("Traders recalled from the port", "", BODY), name="report.txt")
    assert article.kind == "text"
    assert article.title == "Traders recalled from the port"
    assert article.text.startswith("Traders recalled") and article.text.endswith("arrived.")
    assert article.outlet is None and article.published is None
    # one line only: no title; a first line too long for a title: none either
    assert read_article(plain(BODY), name="one.txt").title is None
    assert read_article(plain(BODY, "", BODY), name="two.txt").title is None


@pytest.mark.parametrize("heading", ["3 Responses", "12 Comments", "Comments", "Leave a Reply", "Reader comments",
                                     "2 responses to “Traders recalled from the port”", "One Response",
                                     "7 thoughts on “Traders recalled”", "Comments:"])
def test_plain_text_reader_comments_are_cut(heading: str) -> None:
    data = plain("Traders recalled", "", BODY, "", heading, "", "A READER says it is all invented.", "Reply")
    article = read_article(data, name="report.txt")
    assert article.text.endswith("arrived.")
    assert "READER" not in article.text


def test_a_comments_word_inside_the_report_is_kept() -> None:
    data = plain("Comments", "", "The ministry comments on the recall.", "", BODY, "Responses to the recall "
                 "were muted, the official said.")
    article = read_article(data, name="report.txt")
    assert article.text.endswith("the official said.")


def test_plain_text_offsets_are_those_of_the_file() -> None:
    raw = ("\n\n  Traders recalled\r\n\r\nThe office \x1b[31mclosed\x1b[0m on \u202eTuesday\u202c, a "
           "neighbour\x07 said.\x0c\r\nThe second line names Harbour Road.\n\n3 Responses\nA reader.\n")
    article = read_article(raw.encode(), name="report.txt")
    cleaned = clean_text(raw)
    assert len(cleaned) == len(raw)
    assert cleaned.startswith(article.text)
    assert article.text.startswith("\n\n  Traders recalled")  # nothing stripped or reflowed at the start
    assert article.text.index("Harbour Road") == raw.index("Harbour Road")
    assert article.text.index("Tuesday") == raw.index("Tuesday")
    assert article.title == "Traders recalled"


def test_escape_sequences_controls_and_bidi_overrides_are_removed() -> None:
    raw = ("\x1b]0;pwned\x07Title \x1b[2J\x1b[1;1Hhere\u2066\n"
           "Text\x9b31m with \u202dreversed\u202c and \u2067isolated\u2069 words, \x1bc a bell\x07 and a "
           "backspace\x08.\x7f\n")
    for data, name in ((raw.encode(), "report.txt"),
                       (f"<html><body><article><p>{raw * 8}</p></article></body></html>".encode(), "x.html")):
        article = read_article(data, name=name)
        for forbidden in ("\x1b", "\x07", "\x08", "\x7f", "\x9b", "\u202d", "\u202c", "\u2066", "\u2067",
                          "\u2069", "pwned", "[2J"):
            assert forbidden not in article.text
            assert forbidden not in (article.title or "")
        assert "reversed" in article.text


# -- hostile and oversized input -----------------------------------------------------------


@pytest.mark.parametrize("data, what", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "PNG"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
    (b"GIF89a\x01\x00", "GIF"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
    (b"text with a \x00 NUL in the head", "NUL"),
])
def test_binary_junk_is_refused(data: bytes, what: str) -> None:
    with pytest.raises(ArticleError, match=rf"junk\.html is not a text document.*{what}"):
        read_article(data, name="junk.html")


def test_text_that_merely_starts_like_a_signature_is_read() -> None:
    article = read_article(plain("PK Sharma, a trader, left.", "He did not return."), name="pk.txt")
    assert article.title == "PK Sharma, a trader, left."


def test_a_document_over_the_size_cap_is_refused() -> None:
    with pytest.raises(ArticleError, match=r"big\.html is 2,001 bytes, more than the 2,000"):
        read_article(b"a" * 2001, name="big.html", limit=2000)


def test_a_text_over_max_text_is_refused_whole() -> None:
    with pytest.raises(ArticleError, match=r"the text of long\.txt is .* more than the 200,000"):
        read_article(plain("Long", "word " * (MAX_TEXT // 4)), name="long.txt")


def test_a_giant_single_line() -> None:
    line = "word " * 30_000  # 150,000 characters, no newline
    start = time.monotonic()
    article = read_article(line.encode(), name="line.txt")
    assert article.title is None and len(article.text) == len(line.rstrip())
    html = f"<html><body><article><p>{line}</p></article></body></html>".encode()
    assert read_article(html, name="line.html").text.startswith("word word")
    with pytest.raises(ArticleError, match="more than the 200,000"):
        read_article(("word " * 200_000).encode(), name="huge.txt")  # one line of 1 MB
    assert time.monotonic() - start < 20


# -- feeds ---------------------------------------------------------------------------------


def rss(items: str, prolog: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (f'{prolog}\n<rss version="2.0"><channel><title>Example Wire</title>'
            f'<link>https://wire.example/</link>{items}</channel></rss>').encode()


def item(guid: str, day: int, text: str, link: str | None = None, title: str | None = None) -> str:
    return (f"<item><title>{title or 'Item ' + guid}</title><guid>{guid}</guid>"
            f"<link>{link or 'https://wire.example/' + guid}</link>"
            f"<pubDate>{day:02d} Dec 2013 10:00:00 GMT</pubDate><description>{text}</description></item>")


def test_feed_items_newest_first_deduplicated_and_clean() -> None:
    items = "".join([
        item("a", 2, "&lt;p&gt;Old &lt;b&gt;news&lt;/b&gt;&lt;script&gt;alert('FEED-LEAK')&lt;/script&gt;&lt;/p&gt;"
                     "&lt;p onclick=\"x()\"&gt;Second paragraph&lt;/p&gt;"),
        item("b", 18, "Newest text", link="javascript:alert(1)"),
        item("c", 10, "Middle text \x1b[31m"),
        # older repeats: the same guid as a, the same link as c, the same text as b
        item("a", 1, "An older copy"),
        item("d", 9, "Another text", link="https://wire.example/c"),
        item("e", 8, "Newest text"),
    ])
    feed = read_feed(rss(items), name="wire.xml")
    assert feed.title == "Example Wire" and feed.link == "https://wire.example/"
    assert [entry.guid for entry in feed.items] == ["b", "c", "a"]
    assert feed.duplicates == 3 and feed.skipped == 0
    newest, middle, old = feed.items
    assert newest.published == "2013-12-18" and newest.link is None  # no javascript: links
    assert old.text == "Old news\nSecond paragraph" and "LEAK" not in old.text
    assert "\x1b" not in middle.text
    article = item_article(old, feed)
    assert isinstance(article, Article) and article.kind == "feed-item" and article.outlet == "Example Wire"


def test_an_atom_feed() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example Atom</title><link href="https://atom.example/"/>
<entry><id>urn:1</id><title>First</title><updated>2013-12-19T08:00:00Z</updated>
<author><name>A. Reporter</name></author>
<content type="html">&lt;p&gt;The envoy left.&lt;/p&gt;</content></entry></feed>"""
    assert looks_like_feed(atom)
    feed = read_feed(atom, name="atom.xml")
    assert feed.title == "Example Atom"
    (entry,) = feed.items
    assert (entry.guid, entry.author, entry.published, entry.text) == ("urn:1", "A. Reporter", "2013-12-19",
                                                                      "The envoy left.")


def test_max_items_and_a_feed_of_ten_thousand_items() -> None:
    items = "".join(item(str(n), 1 + n % 28, f"Text number {n}") for n in range(10_000))
    start = time.monotonic()
    feed = read_feed(rss(items), name="big.xml")
    assert time.monotonic() - start < 30
    assert len(feed.items) == 200 and feed.skipped == 10_000 - 200
    assert feed.items[0].published == "2013-12-28"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
]>
<rss version="2.0"><channel><title>&lol6;</title><item><title>&lol6;</title></item></channel></rss>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&secret;</title><item><title>&secret;</title></item></channel></rss>"""


@pytest.mark.parametrize("data", [
    BILLION_LAUGHS.encode(), EXTERNAL_ENTITY.encode(), BILLION_LAUGHS.encode("utf-16"),
    ('<?xml version="1.0" encoding="cp037"?>' + EXTERNAL_ENTITY.split("?>", 1)[1]).encode("cp037"),
    b'<!-- a comment first --><!ENTITY x "y"><rss version="2.0"><channel/></rss>',
])
def test_feeds_declaring_entities_are_refused(data: bytes) -> None:
    assert looks_like_feed(data)
    with pytest.raises(ArticleError, match=r"hostile\.xml, line \d+: entity declarations are refused"):
        read_feed(data, name="hostile.xml")


def test_a_doctype_without_a_subset_is_read() -> None:
    prolog = ('<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
              '"http://my.netscape.com/publish/formats/rss-0.91.dtd">')
    feed = read_feed(rss(item("a", 3, "Old format"), prolog=prolog), name="old.xml")
    assert [entry.text for entry in feed.items] == ["Old format"]
    assert entity_declaration(prolog + "<rss/>") is None
    assert entity_declaration('<!DOCTYPE rss SYSTEM "a.dtd" [ ]><rss/>') is not None


def test_junk_is_not_a_feed() -> None:
    with pytest.raises(ArticleError, match=r"junk\.xml cannot be read as a feed"):
        read_feed(b"this is not XML, only a sentence about a feed.", name="junk.xml")
    with pytest.raises(ArticleError, match=r"too-big\.xml is .* more than the 5,242,880"):
        read_feed(b" " * (5 * 1024 * 1024 + 1), name="too-big.xml")


def test_feed_detection_and_articles_refusing_feeds() -> None:
    assert looks_like_feed(b"<html/>", "application/rss+xml")
    assert not looks_like_feed(page(), None) and not looks_like_feed(page(), "text/html")
    assert looks_like_feed(rss(""), "text/xml")
    with pytest.raises(ArticleError, match="is an RSS/Atom feed, not an article"):
        read_article(rss(item("a", 1, "x")), name="feed.xml")


# -- fetching ------------------------------------------------------------------------------

BLOCK = b"x" * 65536


class Handler(BaseHTTPRequestHandler):
    """Serves the pages the fetch tests ask for; ``stop`` ends the endless ones."""

    stop = threading.Event()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        try:
            self.route()
        except OSError:  # the client hung up, as it should on the endless pages
            pass

    def route(self) -> None:
        if self.path == "/page":
            self.answer(200, page(), "text/html; charset=utf-8")
        elif self.path == "/moved":
            self.redirect("/page")
        elif self.path == "/loop":
            self.redirect("/loop")
        elif self.path == "/ftp":
            self.redirect("ftp://127.0.0.1/file.html")
        elif self.path == "/missing":
            self.answer(404, b"not here", "text/plain")
        elif self.path == "/drip":  # a body that never ends, a byte at a time
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            while not self.stop.is_set():
                self.wfile.write(b"<p>x</p>")
                self.wfile.flush()
                time.sleep(0.05)
        elif self.path == "/drip-headers":  # headers that never end
            self.wfile.write(b"HTTP/1.0 200 OK\r\n")
            while not self.stop.is_set():
                self.wfile.write(b"X-Drip: a\r\n")
                self.wfile.flush()
                time.sleep(0.05)
        elif self.path in ("/huge", "/huge-unannounced"):  # 50 MB
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            if self.path == "/huge":
                self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            for _ in range(800):
                if self.stop.is_set():
                    break
                self.wfile.write(BLOCK)

    def answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(Handler) as url:
        try:
            yield url
        finally:
            Handler.stop.set()  # ends the handlers still dripping, so that the server can stop


def test_fetch_a_page_through_a_redirect(server: str) -> None:
    fetched = fetch_document(f"{server}/moved", insecure=True)
    assert fetched.url == f"{server}/moved" and fetched.final_url == f"{server}/page"
    assert fetched.content_type == "text/html; charset=utf-8"
    article = read_article(fetched.data, name=fetched.url, url=fetched.final_url, content_type=fetched.content_type)
    assert "Harbour Road" in article.text and article.url == f"{server}/page"
    with httpx.Client() as client:  # the caller's own client is used, and left open
        assert fetch_document(f"{server}/page", insecure=True, client=client).data == page()
        assert not client.is_closed


def test_plain_http_is_refused_unless_insecure(server: str) -> None:
    with pytest.raises(ArticleError, match=r"cannot fetch http://127\.0\.0\.1.*plain http.*--insecure"):
        fetch_document(f"{server}/page")


def test_a_redirect_loop_ends(server: str) -> None:
    with pytest.raises(ArticleError, match=r"/loop redirects more than 5 times"):
        fetch_document(f"{server}/loop", insecure=True)


def test_a_redirect_to_another_scheme_is_refused(server: str) -> None:
    with pytest.raises(ArticleError, match=r"/ftp redirects to ftp://127\.0\.0\.1/file\.html.*not ftp"):
        fetch_document(f"{server}/ftp", insecure=True)


def test_an_error_status_is_reported(server: str) -> None:
    with pytest.raises(ArticleError, match=r"/missing answered HTTP 404"):
        fetch_document(f"{server}/missing", insecure=True)


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_page_that_never_ends_ends_at_the_deadline(server: str, path: str) -> None:
    start = time.monotonic()
    with pytest.raises(ArticleError, match=rf"{path} did not arrive within 1 s"):
        fetch_document(f"{server}{path}", insecure=True, deadline_s=1.0)
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("path", ["/huge", "/huge-unannounced"])
def test_a_50_mb_page_is_cut_off_at_the_cap(server: str, path: str) -> None:
    start = time.monotonic()
    with pytest.raises(ArticleError, match=rf"{path} is larger than 10,485,760 bytes"):
        fetch_document(f"{server}{path}", insecure=True)
    assert time.monotonic() - start < 20


# -- the reference report ------------------------------------------------------------------


def test_the_reference_report() -> None:
    path = shared_file("articles", "dprk-money-men-called-home-2013.txt")
    data = path.read_bytes()
    article = read_article(data, name=path.name)
    assert article.kind == "text"
    assert article.title == "North Korea’s overseas money men, called home, go to ground instead"
    decoded = data.decode("utf-8")
    heading = decoded.index("3 Responses")
    assert clean_text(decoded).startswith(article.text)
    assert len(article.text) < heading and not decoded[len(article.text):heading].strip()
