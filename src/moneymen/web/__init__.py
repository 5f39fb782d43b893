"""The web interface: the screening HTTP API (``create_app``) and ``serve`` to run it."""

from __future__ import annotations

import os
from collections.abc import Iterable

__all__ = ["create_app", "serve"]


def create_app(db: str | os.PathLike[str], dataset_names: Iterable[str] | None = None):
    """The FastAPI app over the store ``db`` (see :func:`moneymen.web.app.create_app`)."""
    from moneymen.web.app import create_app as create

    return create(db, dataset_names)


def serve(db: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 8000,
          dataset_names: Iterable[str] | None = None, log_level: str = "info") -> None:
    """Serve the API over the store ``db`` on ``host:port`` until interrupted (Ctrl-C).

    The store is opened read-only, per request: imports can run while the API serves, and the
    next request after an import screens against the new data. OpenAPI docs are at ``/docs``.
    Raises StoreError when ``db`` cannot be opened, ValueError for an unknown dataset name.
    """
    import uvicorn

    app = create_app(db, dataset_names)
    uvicorn.run(app, host=host, port=port, log_level=log_level)
