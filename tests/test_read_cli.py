"""`moneymen read` and `moneymen claims` as a user runs them (issue 13): a text file, an HTML page and
an RSS feed, from disk and from a real HTTP server on loopback; each document stored once; hostile
input refused with nothing stored; what a report holds printed safely.

Every report here is invented for these tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from conftest import run_cli
from loopback import serving
from moneymen.store import open_store
from moneymen.store.documents import claims, documents

OUTLET = "Example Wire"

REPORT = """Banker recalled from Dandong

SEOUL, March 14 (Example Wire) - Kim Chol-su, a deputy director of the Foreign Trade Bank, was recalled to \
Pyongyang last week, a source in Dandong said.

The source said Kim had transferred money to the Foreign Trade Bank before he left. Kim may have been \
arrested on arrival, the source added.
"""

LEAKS = ("SCRIPTLEAK", "CLICKLEAK", "ONERRORLEAK", "WRITELEAK", "HIDDENLEAK", "COMMENTLEAK", "alert(")

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Trader recalled | Example Herald</title>
<meta property="og:title" content="Trader recalled">
<meta property="og:site_name" content="Example Herald">
<meta property="article:published_time" content="2024-03-14T10:00:00Z">
<script>var story = "SCRIPTLEAK Pak Song-il was executed";</script></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Trader recalled</h1>
<p>Kim Chol-su, a trader for the Foreign Trade Bank in Dandong, was recalled to Pyongyang last week, a source \
in Dandong said.</p>
<!-- HIDDENLEAK: Pak Song-il was arrested in Shenyang, an editor's note says. -->
<p onclick="alert('CLICKLEAK')">The source said Kim had transferred money to the Foreign Trade Bank before he \
left.<img src="x.png" onerror="alert('ONERRORLEAK')"></p>
<script>document.write("WRITELEAK Ri Won-ho fled to Seoul")</script>
</article>
<section id="comments" class="comments"><h2>3 Comments</h2><ol class="commentlist">
<li class="comment"><p>COMMENTLEAK: a reader says Pak Song-il was executed in Pyongyang and that everyone \
knows it.</p></li>
</ol></section>
<footer>Copyright 2024 Example Herald</footer></body></html>
""".encode()

FEED_TEXTS = (
    "Kim Chol-su was recalled to Pyongyang, a source in Dandong said.",
    "Pak Song-il fled to Seoul in May, the Unification Ministry said.",
    "Ri Won-ho, an official of the Foreign Trade Bank, was arrested in Shenyang.",
)


def feed(texts=FEED_TEXTS) -> bytes:
    items = "".join(
        f"<item><title>Item {n}</title><guid>item-{n}</guid><link>https://wire.example/{n}</link>"
        f"<pubDate>{n:02d} Mar 2024 10:00:00 GMT</pubDate><description>{text}</description></item>"
        for n, text in enumerate(texts, start=1))
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{OUTLET}</title>'
            f"<link>https://wire.example/</link>{items}</channel></rss>").encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol4;</title><item><title>&lol4;</title>
<description>Kim Chol-su was recalled to Pyongyang.</description></item></channel></rss>"""


class Handler(BaseHTTPRequestHandler):
    routes = {
        "/trader.html": (PAGE, "text/html; charset=utf-8"),
        "/feed.xml": (feed(), "application/rss+xml"),
        "/laughs.xml": (BILLION_LAUGHS, "application/rss+xml"),
    }

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body, kind = self.routes.get(self.path, (b"not here", "text/plain"))
        self.send_response(200 if self.path in self.routes else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(Handler) as url:
        yield url


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def read_json(*args: str, db: Path):
    result = run_cli("read", *args, "--json", db=db)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def stored(db: Path) -> tuple[list, list]:
    with open_store(db, read_only=True) as store:
        return documents(store), claims(store)


def flat(text: str) -> str:
    """Printed text without table rules and line breaks, for looking up words a table wrapped."""
    return " ".join(text.replace("│", " ").replace("┃", " ").split())


# -- a text file ----------------------------------------------------------------------------------

def test_read_a_text_file_as_json(tmp_path, db_path):
    path = write(tmp_path, "report.txt", REPORT)
    data = read_json(str(path), "--outlet", OUTLET, "--date", "2024-03-14", db=db_path)
    paper = data["document"]
    assert set(paper) >= {"id", "title", "outlet", "author", "date", "url", "kind", "text_sha256", "reliability",
                          "already_stored"}
    assert paper["id"].startswith("doc-") and paper["text_sha256"].startswith(paper["id"][4:])
    assert (paper["title"], paper["outlet"], paper["date"], paper["kind"]) == (
        "Banker recalled from Dandong", OUTLET, "2024-03-14", "text")
    assert paper["reliability"] == "F" and paper["already_stored"] is False
    assert set(data) >= {"document", "mentions", "relations", "events", "claims"}
    assert data["claims"] and all(c["chain"][0] == OUTLET for c in data["claims"])
    recall = [e for e in data["events"] if e["type"] == "recall"]
    assert recall and recall[0]["participants"] == ["Kim Chol-su"] and recall[0]["date"] == "2024-03-07"
    hedged = [c for c in data["claims"] if "arrested on arrival" in c["evidence"]]
    assert hedged and hedged[0]["hedged"] and hedged[0]["grade"] == "F3"
    # the plain-text file is kept as written: every evidence string sits at its offsets in the file
    text = path.read_text()
    for claim in data["claims"]:
        assert text[claim["start"]:claim["end"]] == claim["evidence"]
    papers, queued = stored(db_path)
    assert [p.id for p in papers] == [paper["id"]]
    assert len(queued) == len(data["claims"]) and {c.status for c in queued} == {"pending"}
    assert papers[0].text_sha256 == paper["text_sha256"]


def test_a_headline_is_no_organisation_and_mentions_are_trimmed(tmp_path, db_path):
    text = ("Banker called home\n\nHANOI, May 2 (Example Wire) - Kim Kwang-il, an official of the Tanchon "
            "Commercial Bank, was recalled to Pyongyang last month, a source in Hanoi said.\n")
    data = read_json(str(write(tmp_path, "report.txt", text)), "--outlet", OUTLET, db=db_path)
    assert data["document"]["title"] == "Banker called home"
    for mention in data["mentions"]:
        assert all(alias == alias.strip() for alias in mention["aliases"]), mention
    assert not [m for m in data["mentions"] if "Banker called home" in m["text"]]


def test_the_same_report_read_twice_is_stored_once(tmp_path, db_path):
    path = write(tmp_path, "report.txt", REPORT)
    first = read_json(str(path), "--outlet", OUTLET, db=db_path)
    copy = write(tmp_path, "copy.txt", REPORT)  # another file, the same text
    again = read_json(str(copy), "--outlet", OUTLET, db=db_path)
    assert again["document"]["id"] == first["document"]["id"]
    assert first["document"]["already_stored"] is False and again["document"]["already_stored"] is True
    assert again["claims"] == first["claims"]
    papers, queued = stored(db_path)
    assert len(papers) == 1 and len(queued) == len(first["claims"])
    shown = run_cli("read", str(path), db=db_path)
    assert shown.returncode == 0 and "already in the store" in flat(shown.stdout)
    assert len(stored(db_path)[0]) == 1


def test_reader_comments_under_a_text_report_are_not_read(tmp_path, db_path):
    text = REPORT + "\n3 Responses\n\nA reader wrote that Pak Song-il was executed in Pyongyang, the reader said.\n"
    data = read_json(str(write(tmp_path, "report.txt", text)), "--outlet", OUTLET, db=db_path)
    assert not any("Pak Song-il" in c["evidence"] for c in data["claims"])
    assert not any("Pak Song-il" in m["aliases"] for m in data["mentions"])
    (paper,), _ = stored(db_path)
    assert "Responses" not in paper.text and "Pak Song-il" not in paper.text


def test_an_outlet_table_of_ones_own_and_a_reliability_given(tmp_path, db_path):
    table = write(tmp_path, "outlets.yaml", "outlets:\n  Example Wire: {reliability: B, aliases: [EW]}\n")
    path = write(tmp_path, "report.txt", REPORT)
    data = read_json(str(path), "--outlet", "EW", "--outlets", str(table), db=db_path)
    assert data["document"]["reliability"] == "B"
    assert {c["grade"][0] for c in data["claims"]} == {"B"}
    other = write(tmp_path, "other.txt", "Pak Song-il fled to Seoul in May, the Unification Ministry said.\n")
    given = read_json(str(other), "--outlet", OUTLET, "--reliability", "D", db=tmp_path / "other.duckdb")
    assert given["document"]["reliability"] == "D" and [c["grade"] for c in given["claims"]] == ["D2"]


@pytest.mark.parametrize(("option", "value", "words"), [
    ("--date", "14 March 2024", "date"),
    ("--reliability", "Q", "reliability"),
])
def test_bad_options_are_clear_errors_and_store_nothing(tmp_path, db_path, option, value, words):
    result = run_cli("read", str(write(tmp_path, "report.txt", REPORT)), option, value, db=db_path)
    assert result.returncode != 0 and words in result.stderr.lower()
    assert "Traceback" not in result.stderr
    if db_path.exists():
        assert stored(db_path) == ([], [])


# -- HTML -----------------------------------------------------------------------------------------

def assert_no_leak(data: dict, db: Path) -> None:
    printed = json.dumps(data, ensure_ascii=False)
    for leak in LEAKS:
        assert leak not in printed, leak
    assert "Pak Song-il" not in printed and "Ri Won-ho" not in printed  # only scripts, comments and notes name them
    (paper,), queued = stored(db)
    for leak in LEAKS:
        assert leak not in paper.text and all(leak not in c.evidence for c in queued), leak
    assert "Kim Chol-su" in paper.text and "transferred money" in paper.text
    assert "Home" not in paper.text and "Copyright" not in paper.text


def test_an_html_file_is_read_without_its_scripts_handlers_and_comments(tmp_path, db_path):
    data = read_json(str(write(tmp_path, "trader.html", PAGE)), db=db_path)
    paper = data["document"]
    assert (paper["kind"], paper["title"], paper["outlet"], paper["date"]) == (
        "html", "Trader recalled", "Example Herald", "2024-03-14")
    assert data["claims"] and all(c["chain"][0] == "Example Herald" for c in data["claims"])
    assert any(r["predicate"] == "money_transfer" for r in data["relations"])
    assert_no_leak(data, db_path)


def test_an_html_page_over_loopback_http(server, db_path):
    url = f"{server}/trader.html"
    data = read_json(url, "--insecure", db=db_path)
    assert data["document"]["url"] == url and data["document"]["kind"] == "html"
    assert data["claims"]
    assert_no_leak(data, db_path)


def test_plain_http_is_refused_without_insecure(server, db_path):
    result = run_cli("read", f"{server}/trader.html", db=db_path)
    assert result.returncode != 0
    assert "plain http" in flat(result.stderr) and "--insecure" in result.stderr
    assert "Nothing was stored" in flat(result.stderr)
    assert stored(db_path) == ([], [])


# -- feeds ----------------------------------------------------------------------------------------

def test_a_feed_over_loopback_reads_each_item(server, db_path):
    data = read_json(f"{server}/feed.xml", "--insecure", db=db_path)
    assert isinstance(data, list) and len(data) == 3
    assert {d["document"]["kind"] for d in data} == {"feed-item"}
    assert {d["document"]["outlet"] for d in data} == {OUTLET}
    assert [d["document"]["date"] for d in data] == ["2024-03-03", "2024-03-02", "2024-03-01"]  # newest first
    assert all(d["claims"] for d in data)
    papers, _ = stored(db_path)
    assert len(papers) == 3 and len({p.id for p in papers}) == 3
    # read again: nothing new
    again = read_json(f"{server}/feed.xml", "--insecure", db=db_path)
    assert [d["document"]["already_stored"] for d in again] == [True, True, True]
    assert len(stored(db_path)[0]) == 3


def test_max_items_reads_the_newest_and_says_how_many_were_left(server, db_path):
    result = run_cli("read", f"{server}/feed.xml", "--insecure", "--max-items", "2", db=db_path)
    assert result.returncode == 0, result.stderr
    assert "1 more feed items were not read (--max-items 2)" in flat(result.stdout)
    papers, _ = stored(db_path)
    assert sorted(p.published for p in papers) == ["2024-03-02", "2024-03-03"]


def test_a_feed_file(tmp_path, db_path):
    data = read_json(str(write(tmp_path, "wire.xml", feed())), db=db_path)
    assert len(data) == 3 and len(stored(db_path)[0]) == 3


# -- hostile input --------------------------------------------------------------------------------

def assert_refused(result, *words: str) -> None:
    assert result.returncode != 0
    message = flat(result.stderr)
    for word in words:
        assert word in message, message
    assert "Nothing was stored" in message and "Traceback" not in result.stderr


def test_a_feed_declaring_entities_is_refused_and_nothing_is_stored(tmp_path, server, db_path):
    assert_refused(run_cli("read", str(write(tmp_path, "laughs.xml", BILLION_LAUGHS)), db=db_path),
                   "entity declarations are refused")
    assert_refused(run_cli("read", f"{server}/laughs.xml", "--insecure", db=db_path),
                   "entity declarations are refused")
    assert stored(db_path) == ([], [])


@pytest.mark.parametrize(("data", "what"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "PNG"),
    (b"%PDF-1.7\n" + bytes(range(256)) * 8, "PDF"),
    (bytes(range(256)) * 16, "NUL"),
])
def test_binary_junk_is_refused(tmp_path, db_path, data, what):
    assert_refused(run_cli("read", str(write(tmp_path, "junk.txt", data)), db=db_path), "not a text document", what)
    assert stored(db_path) == ([], [])


def test_a_missing_file_is_a_clear_error(tmp_path, db_path):
    missing = tmp_path / "no-such-report.txt"
    assert_refused(run_cli("read", str(missing), db=db_path), "no-such-report.txt", "no such file")


# -- the review queue -----------------------------------------------------------------------------

def test_claims_lists_a_documents_claims(tmp_path, db_path):
    first = read_json(str(write(tmp_path, "report.txt", REPORT)), "--outlet", OUTLET, db=db_path)
    other = read_json(str(write(tmp_path, "other.txt", "Pak Song-il fled to Seoul in May, the Unification "
                                                       "Ministry said.\n")), "--outlet", "Yonhap", db=db_path)
    doc = first["document"]["id"]
    result = run_cli("claims", "--document", doc, db=db_path)
    assert result.returncode == 0, result.stderr
    shown = flat(result.stdout)
    for number in range(1, len(first["claims"]) + 1):
        assert f"{doc}:c{number}" in shown
    assert other["document"]["id"] not in shown
    assert f"{OUTLET} → source in Dandong" in shown
    assert "F2" in shown and "F3" in shown and "may" in shown and "pending" in shown
    everything = flat(run_cli("claims", db=db_path).stdout)
    assert other["document"]["id"] + ":c1" in everything and "Yonhap → Unification Ministry" in everything
    assert "B2" in everything
    assert "No claims." in run_cli("claims", "--status", "accepted", db=db_path).stdout
    bad = run_cli("claims", "--status", "maybe", db=db_path)
    assert bad.returncode != 0 and "invalid status" in bad.stderr


def test_markup_and_escape_sequences_in_a_report_print_safely(tmp_path, db_path):
    text = ("Kim Chol-su [red]boom[/red] was recalled \x1b[31mto Pyongyang\x1b[0m, a source said.\n\n"
            "Pak Song-il fled to Seoul. \x1b]0;owned\x07 [bold]Ri Won-ho[/bold] was arrested.\n")
    path = write(tmp_path, "markup.txt", text)
    shown = run_cli("read", str(path), "--outlet", "[blink]Wire[/blink]", db=db_path)
    assert shown.returncode == 0, shown.stderr
    listed = run_cli("claims", db=db_path)
    as_json = run_cli("read", str(path), "--json", db=db_path)
    for result in (shown, listed, as_json):
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "[blink]Wire[/blink]" in flat(shown.stdout)  # shown as written, not as markup
    assert "[red]boom[/red]" in flat(listed.stdout)
    data = json.loads(as_json.stdout)
    assert all("\x1b" not in c["evidence"] for c in data["claims"])
    assert any("[red]boom[/red]" in c["evidence"] for c in data["claims"])
    (paper,), _ = stored(db_path)
    assert "\x1b" not in paper.text and "\x07" not in paper.text
