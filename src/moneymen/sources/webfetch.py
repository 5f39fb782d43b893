"""Fetch one web page or feed for reading (:mod:`moneymen.sources.articles`), within bounds.

A URL is fetched hop by hop: every redirect is checked like the first address
(:func:`moneymen.sources.fetch.check_address`: https only unless ``insecure``, so no silent
https → http), and there are at most :data:`MAX_REDIRECTS`. The body is capped while it streams
in (a 50 MB page is cut off at the cap, whatever its Content-Length says), and the whole fetch
has a deadline: a watchdog shuts the connection down when it passes, so that a server dripping
its headers or its body a byte at a time cannot hold the reader. Nothing else is fetched: no
scripts, images or linked pages.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from moneymen.sources.articles import MAX_HTML, ArticleError
from moneymen.sources.fetch import FetchError, check_address

#: Redirects followed.
MAX_REDIRECTS = 5
TIMEOUT = httpx.Timeout(connect=10.0, read=15.0, write=10.0, pool=5.0)
USER_AGENT = "moneymen (reading a news report)"


@dataclass(frozen=True)
class Fetched:
    """A document fetched from ``url``: where it ended after redirects, its type and its bytes."""

    url: str
    final_url: str
    content_type: str | None
    data: bytes


class _Watchdog:
    """Shuts the connection's sockets down at the deadline, so that a read that never returns
    (a server dripping its headers or body) ends too."""

    def __init__(self, deadline: float) -> None:
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's ``trace`` extension: note each new connection's socket."""
        if event == "connection.connect_tcp.complete":
            self.watch(info.get("return_value"))

    def watch(self, stream: Any) -> None:
        """Watch the socket of an httpcore network stream."""
        sock = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._sockets.append(sock)
            if self.fired:
                _shutdown(sock)

    def cancel(self) -> None:
        """Stop watching (the document was read, or refused)."""
        self._timer.cancel()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def fetch_document(url: str, *, insecure: bool = False, limit: int = MAX_HTML, deadline_s: float = 30.0,
                   client: httpx.Client | None = None) -> Fetched:
    """GET ``url`` and return its bytes, within ``limit`` bytes and ``deadline_s`` seconds in all.

    Only https unless ``insecure`` (then http too); at most :data:`MAX_REDIRECTS` redirects,
    each hop checked like the first address. Raises :class:`ArticleError` naming the URL for a
    refused address, a failed connection, an answer other than HTTP 200, a document larger than
    ``limit``, or one that has not arrived by the deadline.
    """
    deadline = time.monotonic() + deadline_s
    own_client = client is None
    http = client if client is not None else httpx.Client(
        timeout=TIMEOUT, follow_redirects=False, headers={"User-Agent": USER_AGENT})
    watchdog = _Watchdog(deadline)
    current, previous = url, None
    try:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                check_address(current, insecure, previous)
            except FetchError as error:
                raise ArticleError(f"cannot fetch {url}: {error}") from None
            try:
                with http.stream("GET", current, timeout=TIMEOUT, follow_redirects=False,
                                 extensions={"trace": watchdog.trace}) as response:
                    watchdog.watch(response.extensions.get("network_stream"))
                    location = response.headers.get("location")
                    if response.is_redirect and location:
                        previous, current = current, str(response.url.join(location))
                        continue
                    if response.status_code != 200:
                        raise ArticleError(f"{current} answered HTTP {response.status_code}"
                                           f"{' (redirected from ' + url + ')' if current != url else ''}; "
                                           "expected the page (HTTP 200)")
                    data = _read_body(response, url, limit, deadline, deadline_s)
                    return Fetched(url=url, final_url=str(response.url),
                                   content_type=response.headers.get("content-type"), data=data)
            except (httpx.HTTPError, httpx.InvalidURL, OSError) as error:
                if watchdog.fired or time.monotonic() >= deadline:
                    raise ArticleError(_too_slow(url, deadline_s)) from None
                raise ArticleError(f"cannot fetch {url}: {error.__class__.__name__}: {error}. "
                                   "Are you offline? Save the page and read the file instead") from None
        raise ArticleError(f"{url} redirects more than {MAX_REDIRECTS} times (last to {current}); "
                           "is it a redirect loop?")
    finally:
        watchdog.cancel()
        if own_client:
            http.close()


def _read_body(response: httpx.Response, url: str, limit: int, deadline: float, deadline_s: float) -> bytes:
    """The body, refused as soon as it passes ``limit`` bytes or the deadline."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ArticleError(_too_big(url, limit))
    chunks, size = [], 0
    for chunk in response.iter_bytes(1 << 16):
        size += len(chunk)
        if size > limit:
            raise ArticleError(_too_big(url, limit))
        if time.monotonic() > deadline:
            raise ArticleError(_too_slow(url, deadline_s))
        chunks.append(chunk)
    if time.monotonic() > deadline:  # the watchdog ended a page that has no declared length
        raise ArticleError(_too_slow(url, deadline_s))
    return b"".join(chunks)


def _too_big(url: str, limit: int) -> str:
    return f"{url} is larger than {limit:,} bytes; refusing it (expected a single news report)"


def _too_slow(url: str, deadline_s: float) -> str:
    return (f"{url} did not arrive within {deadline_s:g} s; refusing it (is the server dripping the page, "
            "or is it a stream that never ends?)")
