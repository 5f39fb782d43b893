"""The HTTP/1.1 protocol ``moneymen serve`` speaks: uvicorn's h11 protocol with deadlines on requests.

uvicorn closes idle keep-alive connections, but has no deadline for the request itself: a client
that sends a header line (or a body byte) every few seconds holds its connection forever, and a
few hundred such clients exhaust the server ("slow loris"). Here, as Apache's mod_reqtimeout does:

- the request head (request line and headers) must arrive within HEAD_TIMEOUT of the connection,
  or of the previous response on a kept-alive connection;
- the body must arrive within BODY_TIMEOUT of the head, extended by one second for every
  BODY_MIN_RATE bytes received (a large upload at a reasonable speed is not cut off).

A connection past its deadline is closed. The number of connections is capped by uvicorn's
``limit_concurrency`` (see :func:`moneymen.web.serve`); heads are bounded by h11 to MAX_HEAD bytes.
"""

from __future__ import annotations

import asyncio
import logging

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: Seconds a client has to send a whole request head.
HEAD_TIMEOUT = 10.0
#: Seconds a client has to send a request body, before the allowance for its size.
BODY_TIMEOUT = 10.0
#: Bytes per second of body that earn one more second (64 KiB/s: a 4 MiB body may take 74 s).
BODY_MIN_RATE = 64 * 1024
#: The largest request head accepted, in bytes (h11 answers 400 beyond).
MAX_HEAD = 16 * 1024

logger = logging.getLogger("uvicorn.error")


class DeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request head or body is not in on time."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._deadline_kind: str | None = None  # "head" or "body"
        self._body_started = 0.0
        self._body_received = 0

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.SEND_BODY:
            self._body_received += len(data)
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)

    def _watch(self) -> None:
        """Arm the deadline the client's side of the connection is under now, or none."""
        state = self.conn.their_state
        if state is h11.IDLE and self._waiting_for_request():
            if self._deadline is None or self._deadline_kind != "head":
                self._arm("head", HEAD_TIMEOUT)
        elif state is h11.SEND_BODY:
            if self._deadline is None or self._deadline_kind != "body":
                self._body_started, self._body_received = self.loop.time(), 0
                self._arm("body", BODY_TIMEOUT)
        else:
            self._cancel()

    def _waiting_for_request(self) -> bool:
        """Whether the connection awaits a request from the client (not our response to the last one)."""
        return self.conn.our_state is h11.IDLE and not self.transport.is_closing()

    def _arm(self, kind: str, delay: float) -> None:
        self._cancel()
        self._deadline_kind = kind
        self._deadline = self.loop.call_later(delay, self._expire)

    def _cancel(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._deadline_kind = None

    def _expire(self) -> None:
        self._deadline = None
        if self._deadline_kind == "body":
            allowed = self._body_started + BODY_TIMEOUT + self._body_received / BODY_MIN_RATE
            if self.loop.time() < allowed:
                self._deadline = self.loop.call_later(allowed - self.loop.time(), self._expire)
                return
        if self.transport.is_closing():
            return
        prefix = "%s:%d - " % self.client if self.client else ""
        logger.info("%sClosing a connection whose request %s did not arrive in time", prefix, self._deadline_kind)
        self._deadline_kind = None
        self.transport.close()
