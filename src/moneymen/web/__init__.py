"""The web interface: the screening HTTP API (``create_app``) and ``serve`` to run it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
          max_connections: int = MAX_CONNECTIONS, workers: int = 1) -> None:
    """Serve the API over the store ``db`` on ``host:port`` until interrupted (Ctrl-C).

    Every route but ``/healthz``, ``/readyz`` and the documentation asks for ``api_key``
    (``Authorization: ApiKey KEY`` or ``Bearer KEY``); requests must name localhost, 127.0.0.1,
    ::1, ``host`` or one of ``allowed_hosts`` in their Host header; browsers on ``cors_origins``
    may read answers (CORS); see :mod:`moneymen.web.security`. A request head must arrive within
    10 s and its body soon after (:mod:`moneymen.web.protocol`); at most ``max_connections`` are
    served at once by each of ``workers`` processes (one per core screens on every core; they share
    the saved index through the page cache).

    The store is opened read-only, per read: imports can run while the API serves, and the
    server reloads the screening index in the background afterwards. OpenAPI docs are at ``/docs``.
    Raises StoreMissing when there is no store at ``db`` (nothing is created), StoreError when
    it cannot be opened, ValueError for an unknown dataset name, a host or origin that cannot be
    one, or a key too short to be safe.
    """
    import uvicorn

    from moneymen.services.apikeys import checked
    from moneymen.store import require_store
    from moneymen.web.protocol import MAX_HEAD, DeadlineProtocol
    from moneymen.web.security import Access

    access = Access.for_server(checked(api_key, "api_key"), host, allowed_hosts, cors_origins)
    settings = ServerSettings(require_store(db), tuple(dataset_names) if dataset_names is not None else None, access)
    app = settings.create_app()  # here too with several workers: a bad store or dataset stops the start
    options: dict[str, Any]  # uvicorn's keyword arguments, for Config and run alike
    options = dict(host=host, port=port, log_level=log_level, http=DeadlineProtocol, ws="none",
                   limit_concurrency=max_connections, timeout_keep_alive=KEEP_ALIVE,
                   h11_max_incomplete_event_size=MAX_HEAD, server_header=False)
    if workers <= 1:
        uvicorn.Server(uvicorn.Config(app, **options)).run()
        return
    os.environ[_SETTINGS] = settings.to_json()  # the workers are spawned: they read it at start
    try:
        uvicorn.run("moneymen.web:worker_app", factory=True, workers=workers, **options)
    finally:
        os.environ.pop(_SETTINGS, None)


#: The environment variable that hands the server's settings to its worker processes.
_SETTINGS = "MONEYMEN_SERVER_SETTINGS"


@dataclass(frozen=True)
class ServerSettings:
    """What a server (and each of its workers) serves, and to whom."""

    db: str
    dataset_names: tuple[str, ...] | None
    access: "Access"

    def create_app(self):
        return create_app(self.db, self.dataset_names, self.access)

    def to_json(self) -> str:
        return json.dumps({"db": self.db, "datasets": self.dataset_names, "api_key": self.access.api_key,
                           "hosts": sorted(self.access.hosts), "cors": list(self.access.cors_origins)})

    @classmethod
    def from_json(cls, text: str) -> "ServerSettings":
        from moneymen.web.security import Access

        data = json.loads(text)
        datasets = tuple(data["datasets"]) if data["datasets"] is not None else None
        return cls(data["db"], datasets, Access(data["api_key"], frozenset(data["hosts"]), tuple(data["cors"])))


def worker_app():
    """The app of one worker process of ``serve(workers=N)``, from the settings its parent handed down."""
    return ServerSettings.from_json(os.environ[_SETTINGS]).create_app()
