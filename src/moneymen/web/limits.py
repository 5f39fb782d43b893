"""Bound what one request can make the server hold and do: request bodies over MAX_BODY are refused
(413), and so is a /match request whose screening takes more than MATCH_TIME_BUDGET_S (413). The
bounds on one query's names are screening's own (``moneymen.match.screener.MAX_NAME_LENGTH`` and the like)."""

from __future__ import annotations

import json

#: The largest request body accepted, in bytes (100 queries of a few hundred names fit easily).
MAX_BODY = 4 * 1024 * 1024
#: The most seconds of screening one /match request may take; a request that needs more is
#: refused (413) with what was done, so that one client cannot hold the screener for minutes.
#: 100 queries of ordinary names take well under a second on the full OFAC and UN lists.
MATCH_TIME_BUDGET_S = 10.0


class BodyLimit:
    """ASGI middleware: read the body up to ``max_bytes`` and refuse it beyond, whether or not the
    client sent a Content-Length (chunked uploads are counted as they arrive)."""

    def __init__(self, app, max_bytes: int = MAX_BODY):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay([message]), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], receive), send)

    async def _refuse(self, send) -> None:
        content = json.dumps({"detail": f"Request body too large: the limit is {self.max_bytes} bytes; "
                              "send fewer queries per request"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(content)).encode())]})
        await send({"type": "http.response.body", "body": content})


def _replay(messages, then=None):
    """A ``receive`` that returns ``messages`` first, then waits on the real one (for disconnects)."""
    pending = list(messages)

    async def receive():
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
