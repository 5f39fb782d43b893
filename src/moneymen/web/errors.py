"""Errors the API answers with: a status and a ``detail`` message saying what was expected.

The body is ``{"detail": "..."}``, as yente (and FastAPI) answer, so clients written for yente
read our errors the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


class ApiError(Exception):
    """A request the API refuses, with the HTTP status to answer."""

    status = 400

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class BadQuery(ApiError):
    """The request is well-formed JSON but asks for something we cannot do."""

    status = 400


class NotFound(ApiError):
    status = 404


class TooMuchWork(ApiError):
    """The request asks for more screening than one request may take (see moneymen.web.limits)."""

    status = 413


def printable(value: Any) -> Any:
    """``value`` (a validation error's input, as FastAPI echoes it) made writable as JSON: NaN and the
    infinities as text, lone surrogates and other unencodable characters as backslash escapes."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {printable(key): printable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable(item) for item in value]
    return value


#: What a /match body looks like, quoted in error messages.
MATCH_BODY_EXAMPLE = ('{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Yun Ho-jin"], '
                      '"birthDate": ["1944-10-13"]}}}}')


def validation_message(errors: Sequence[dict[str, Any]], path: str) -> str:
    """One readable sentence from FastAPI's validation errors (which stay in ``detail``)."""
    parts = []
    for error in errors[:5]:
        location = ".".join(str(item) for item in error.get("loc", ()))
        if error.get("type") == "json_invalid":
            reason = (error.get("ctx") or {}).get("error", "")
            parts.append(f"the request body is not valid JSON ({reason})" if reason else
                         "the request body is not valid JSON")
        else:
            parts.append(f"{location}: {error.get('msg', 'invalid')}")
    if len(errors) > 5:
        parts.append(f"and {len(errors) - 5} more")
    message = "Invalid request: " + "; ".join(parts) + "."
    if path.startswith("/match") and any(tuple(error.get("loc", ()))[:1] == ("body",) for error in errors):
        message += f" Expected a JSON body like {MATCH_BODY_EXAMPLE}."
    return message
