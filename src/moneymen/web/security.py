"""Who may ask the API: an API key, the Host names it answers for, the origins that may read it from a
browser, the security headers of every response, and errors that tell a client nothing of the server.

:func:`guard` puts these layers around the app, outermost first:

- :class:`SecurityHeaders`: nosniff, a Content-Security-Policy that forbids framing (but for the
  reconciliation preview card, which OpenRefine frames) and lets only the server's own scripts and
  styles run (the docs page's Swagger UI is served by us),
  no referrer, and ``Cache-Control: no-store`` on everything but the static assets;
- :class:`AllowedHosts`: a request whose Host header is not one of ours is refused (400), which
  defeats DNS rebinding (a web page whose name resolves to 127.0.0.1);
- CORS, only for the origins given (``moneymen serve --cors-origin``); none by default;
- :class:`RequireKey`: every route but the health checks and the documentation needs
  ``Authorization: ApiKey KEY`` (yente's header) or ``Authorization: Bearer KEY`` (401 otherwise);
  OpenRefine, which cannot send headers, may pass ``?api_key=KEY`` under ``/reconcile/``.

The documentation (``/docs``, ``/openapi.json``, ``/static/…``) holds no store data and stays open, so
that a browser can show it; the OpenAPI document declares the key so that Swagger's "Authorize"
sends it. See docs/api.md, "API keys and access".
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from moneymen.store import StoreBusy, StoreError

logger = logging.getLogger("moneymen.web")

#: Paths anyone may ask for: the health checks, and the documentation, which holds no store data.
OPEN_PATHS = frozenset({"/", "/healthz", "/readyz", "/docs", "/openapi.json"})
#: The static assets of the documentation page (Swagger UI), served from the package.
STATIC_PREFIX = "/static/"
#: OpenRefine's reconciliation service, which may pass the key as ``?api_key=`` (it cannot send headers).
RECONCILE_PREFIX = "/reconcile/"
#: The names this machine answers to whatever address the server listens on.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
#: What a browser may load and run for our pages: only our own scripts and styles, never in a frame.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
                           "frame-ancestors 'none'")
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
#: The reconciliation preview card, which OpenRefine shows in a frame of its own page: OpenRefine's
#: address (http://127.0.0.1:3333, as it starts) and the CORS origins allowed may frame it.
PREVIEW_PATH = re.compile(r"^/reconcile/[^/]+/preview$")
OPENREFINE_ORIGINS = ("http://127.0.0.1:3333", "http://localhost:3333")
NO_STORE = (b"cache-control", b"no-store")
CHALLENGES = [(b"www-authenticate", b'ApiKey realm="moneymen"'), (b"www-authenticate", b'Bearer realm="moneymen"')]
KEY_SCHEMES = ("apikey", "bearer")
HOW_TO_SEND = "send the header 'Authorization: ApiKey KEY' (or 'Authorization: Bearer KEY')"


@dataclass(frozen=True)
class Access:
    """Who may ask: the API key, the Host names answered for, the browser origins allowed (CORS)."""

    api_key: str
    hosts: frozenset[str]
    cors_origins: tuple[str, ...] = ()

    @classmethod
    def for_server(cls, api_key: str, bound: str, allowed_hosts: Iterable[str] = (),
                   cors_origins: Iterable[str] = ()) -> Access:
        """The access of a server listening on ``bound``: it answers for localhost, 127.0.0.1, ::1, the
        address it listens on (unless a wildcard such as 0.0.0.0) and ``allowed_hosts``.
        Raises ValueError for a host or origin that cannot be one."""
        hosts = set(LOCAL_HOSTS)
        if not _is_wildcard(bound):
            hosts.add(host_name(bound))
        for allowed in allowed_hosts:
            name = host_name(allowed)
            if not name or any(character in name for character in "/ @?#"):
                raise ValueError(f"--allow-host {allowed!r}: expected a host name or address, such as "
                                 "screening.example.org or 192.0.2.10")
            hosts.add(name)
        return cls(api_key, frozenset(hosts), tuple(_origin(origin) for origin in cors_origins))


def host_name(host: str) -> str:
    """The name in a Host header or a host option, without port, brackets or final dot, in lower case."""
    value = host.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        return value[1:end] if end > 0 else value
    name, colon, port = value.rpartition(":")
    if colon and ":" not in name and port.isdigit():
        value = name
    return value.rstrip(".")


def _is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def _origin(origin: str) -> str:
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") or parts.query:
        raise ValueError(f"--cors-origin {origin!r}: expected an origin such as https://workbench.example.org "
                         "(scheme and host, optionally a port, no path)")
    return f"{parts.scheme}://{parts.netloc}"


def guard(app: FastAPI, access: Access) -> None:
    """Put the access layers around ``app`` (see the module's docstring) and declare the key in its
    OpenAPI document. Call before the app serves its first request."""
    app.add_middleware(RequireKey, api_key=access.api_key)
    if access.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(access.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"], max_age=600)
    app.add_middleware(AllowedHosts, hosts=access.hosts)
    app.add_middleware(SecurityHeaders, frame_origins=(*OPENREFINE_ORIGINS, *access.cors_origins))
    _declare_key(app)


def is_open(path: str) -> bool:
    """Whether anyone may ask for ``path`` without the key (health checks and documentation)."""
    return path in OPEN_PATHS or path.startswith(STATIC_PREFIX)


def store_error_detail(error: StoreError) -> str:
    """What a client is told of a store that cannot be read: the kind of trouble, never where the store
    is (its messages name the file). The full message goes to the server's log."""
    logger.error("cannot read the store: %s", error)
    if isinstance(error, StoreBusy):
        return "The store is being written by another process (an import?); retry in a moment."
    return "The store cannot be read just now; the server's log says why."


async def answer(send, status: int, detail: str, headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    """Send a whole JSON response ``{"detail": detail}`` (as the API's other errors) to ``send``."""
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


def _header(scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return value
    return None


class SecurityHeaders:
    """ASGI middleware: the security headers on every response, and a JSON 500 (that says nothing of
    the cause) for an exception no handler answered, so that even that carries them."""

    def __init__(self, app, frame_origins: Iterable[str] = OPENREFINE_ORIGINS):
        self.app = app
        policy = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'",
                                                 f"frame-ancestors {' '.join(dict.fromkeys(frame_origins))}")
        #: the preview card's headers: framed by OpenRefine only (X-Frame-Options cannot name origins)
        self.preview = [*((name, value) for name, value in HEADERS
                          if name not in (b"x-frame-options", b"content-security-policy")),
                        (b"content-security-policy", policy.encode())]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        extra = HEADERS if path.startswith(STATIC_PREFIX) else \
            [*(self.preview if PREVIEW_PATH.match(path) else HEADERS), NO_STORE]
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                own = {name for name, _ in extra}
                message = {**message, "headers": [*((name, value) for name, value in message.get("headers", ())
                                                    if name.lower() not in own), *extra]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if not started:
                await answer(send_with_headers, 500, "Internal error; the server's log has the details.")
            raise


class AllowedHosts:
    """ASGI middleware: refuse (400) a request whose Host header names a host not in ``hosts``."""

    def __init__(self, app, hosts: frozenset[str]):
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = (_header(scope, b"host") or b"").decode("latin-1")
        if host_name(host) in self.hosts:
            await self.app(scope, receive, send)
            return
        shown = host[:100] or "(none)"
        await answer(send, 400, f"This server does not answer for the host {shown!r} (the request's Host "
                     "header). If that is the name you reach it by, start moneymen serve with "
                     f"--allow-host {host_name(host)[:100] or 'NAME'}.")


class RequireKey:
    """ASGI middleware: refuse (401) a request for anything but the open paths (:func:`is_open`) that
    does not carry the API key, compared in constant time. Under ``/reconcile/`` the key may also
    be the query parameter ``api_key``: OpenRefine adds a reconciliation service by URL alone."""

    def __init__(self, app, api_key: str):
        self.app = app
        self.expected = api_key.encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or is_open(scope["path"]):
            await self.app(scope, receive, send)
            return
        presented, detail = self._presented(scope)
        if presented is not None and hmac.compare_digest(presented, self.expected):
            await self.app(scope, receive, send)
            return
        await answer(send, 401, detail, CHALLENGES)

    @staticmethod
    def _presented(scope) -> tuple[bytes | None, str]:
        """The key the request carries (or None), and what to tell the client if it is not the right one."""
        authorization = _header(scope, b"authorization")
        if authorization is not None:
            scheme, _, presented = authorization.strip().partition(b" ")
            if scheme.decode("latin-1").lower() not in KEY_SCHEMES:
                return None, f"Unsupported authorization scheme for the API key: {HOW_TO_SEND}."
            return presented.strip(), "Wrong API key: it is not this server's key."
        if scope["path"].startswith(RECONCILE_PREFIX):
            keys = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("api_key")
            if keys:
                return keys[0].encode("latin-1"), "Wrong API key: it is not this server's key."
        return None, f"This API needs an API key: {HOW_TO_SEND}. See docs/api.md, 'API keys and access'."


def _declare_key(app: FastAPI) -> None:
    """Declare the key in the app's OpenAPI document: as yente's ``ApiKey`` header or a bearer token,
    required everywhere but on the open paths."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        schema.setdefault("components", {})["securitySchemes"] = {
            "ApiKey": {"type": "apiKey", "in": "header", "name": "Authorization",
                       "description": "The value `ApiKey KEY`, as yente clients send it."},
            "Bearer": {"type": "http", "scheme": "bearer",
                       "description": "The key alone: Swagger sends `Authorization: Bearer KEY`."},
        }
        schema["security"] = [{"ApiKey": []}, {"Bearer": []}]
        for path, operations in schema.get("paths", {}).items():
            if is_open(path):
                for operation in operations.values():
                    operation["security"] = []
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the document
