"""The documentation page ``/docs``: Swagger UI over the app's OpenAPI document, served from the package.

FastAPI's own page loads Swagger UI from a CDN, so it is blank without a network and runs inline
script. This one loads a vendored copy (static/swagger-ui/, see its NOTICE) and a small start-up
script of ours from ``/static/``, so that it works offline under a Content-Security-Policy that
allows the server's own scripts only.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

#: The vendored Swagger UI (npm's swagger-ui-dist); in the asset URLs, so that browsers load a new one.
SWAGGER_UI_VERSION = "5.35.0"
STATIC = Path(__file__).parent / "static"

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/static/swagger-ui/swagger-ui.css?v={version}">
<link rel="icon" type="image/png" href="/static/swagger-ui/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="/static/swagger-ui/swagger-ui-bundle.js?v={version}"></script>
<script src="/static/docs.js?v={version}"></script>
</body>
</html>
"""


def add_docs(app: FastAPI) -> None:
    """Serve ``/docs`` and its assets under ``/static/`` from the package. Create ``app`` with
    ``docs_url=None, redoc_url=None`` so that FastAPI's CDN pages are not there as well."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    page = PAGE.format(title=escape(f"{app.title} - docs"), version=SWAGGER_UI_VERSION,
                       openapi_url=escape(app.openapi_url or "/openapi.json"))

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)
