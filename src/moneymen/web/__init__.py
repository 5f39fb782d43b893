"""The web interface: the screening HTTP API (``create_app``) and ``serve`` to run it."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moneymen.web.security import Access

__all__ = ["create_app", "serve"]


def create_app(db: str | os.PathLike[str], dataset_names: Iterable[str] | None = None,
               access: Access | None = None):
    """The FastAPI app over the store ``db`` (see :func:`moneymen.web.app.create_app`)."""
    from moneymen.web.app import create_app as create

    return create(db, dataset_names, access)


#: Connections served at once; beyond, requests are answered 503 until some close.
MAX_CONNECTIONS = 128
#: Seconds an idle kept-alive connection stays open.
KEEP_ALIVE = 5


def serve(db: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 8000,
          dataset_names: Iterable[str] | None = None, log_level: str = "info", *, api_key: str,
          allowed_hosts: Iterable[str] = (), cors_origins: Iterable[str] = (),
          max_connections: int = MAX_CONNECTIONS) -> None:
    """Serve the API over the store ``db`` on ``host:port`` until interrupted (Ctrl-C).

    Every route but ``/healthz``, ``/readyz`` and the documentation asks for ``api_key``
    (``Authorization: ApiKey KEY`` or ``Bearer KEY``); requests must name localhost, 127.0.0.1,
    ::1, ``host`` or one of ``allowed_hosts`` in their Host header; browsers on ``cors_origins``
    may read answers (CORS); see :mod:`moneymen.web.security`. A request head must arrive within
    10 s and its body soon after (:mod:`moneymen.web.protocol`); at most ``max_connections`` are
    served at once.

    The store is opened read-only, per request: imports can run while the API serves, and the
    next request after an import screens against the new data. OpenAPI docs are at ``/docs``.
    Raises StoreMissing when there is no store at ``db`` (nothing is created), StoreError when
    it cannot be opened, ValueError for an unknown dataset name, a host or origin that cannot be
    one, or a key too short to be safe.
    """
    import uvicorn

    from moneymen.apikey import checked
    from moneymen.store import require_store
    from moneymen.web.protocol import MAX_HEAD, DeadlineProtocol
    from moneymen.web.security import Access

    access = Access.for_server(checked(api_key, "api_key"), host, allowed_hosts, cors_origins)
    app = create_app(require_store(db), dataset_names, access)
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, http=DeadlineProtocol, ws="none",
                            limit_concurrency=max_connections, timeout_keep_alive=KEEP_ALIVE,
                            h11_max_incomplete_event_size=MAX_HEAD, server_header=False)
    uvicorn.Server(config).run()
