"""The API key ``moneymen serve`` asks of every client: from MONEYMEN_API_KEY, or made once and kept.

On a first start without MONEYMEN_API_KEY a random key is generated (``secrets``) and saved,
readable by the user only, in the user's config folder; it is shown that once. Later starts
read it from there. A server that listens beyond loopback must be given a key beforehand.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: The environment variable that holds the key.
ENVIRONMENT = "MONEYMEN_API_KEY"
#: The fewest characters a key may have: shorter ones can be guessed.
MIN_LENGTH = 16
#: Host names that always mean this machine only (addresses are also checked with ``ipaddress``).
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class ApiKeyError(ValueError):
    """The key cannot be had or used: the message says what to do."""


@dataclass(frozen=True)
class ApiKey:
    """A key and where it came from: ``environment``, ``file`` (saved earlier) or ``generated`` (now)."""

    value: str
    source: str
    path: Path | None = None

    def announcement(self) -> str:
        """What ``moneymen serve`` prints about the key at start: the key itself only when just generated."""
        if self.source == "environment":
            return f"API key: the one in {ENVIRONMENT}."
        if self.source == "file":
            return f"API key: the one saved in {self.path} (set {ENVIRONMENT} to use another)."
        return (f"A new API key was generated and saved, readable by you only, in {self.path}.\n"
                f"It is shown this once:\n\n    {self.value}\n\n"
                f"Clients send it as the header 'Authorization: ApiKey {self.value}'. "
                f"Set {ENVIRONMENT} to use a key of your own.")


def key_file() -> Path:
    """Where a generated key is kept: ``api-key`` in moneymen's folder of the user's config directory."""
    from platformdirs import user_config_path

    return user_config_path("moneymen") / "api-key"


def is_loopback(host: str) -> bool:
    """Whether listening on ``host`` reaches this machine only (127.0.0.0/8, ::1, localhost)."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def checked(value: str, origin: str) -> str:
    """``value`` if it can serve as a key (long enough, printable ASCII without spaces), else ApiKeyError."""
    if len(value) < MIN_LENGTH:
        raise ApiKeyError(f"the API key in {origin} has {len(value)} characters; it needs at least {MIN_LENGTH}, "
                          "e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'")
    if not all("!" <= character <= "~" for character in value):
        raise ApiKeyError(f"the API key in {origin} may only hold printable ASCII characters without spaces "
                          "(clients send it in an HTTP header)")
    return value


def server_key(host: str, environ: Mapping[str, str] = os.environ) -> ApiKey:
    """The key a server listening on ``host`` asks for: MONEYMEN_API_KEY, else the saved one, else (on
    loopback only) a new one saved now. Raises ApiKeyError when none may be had or it is unusable."""
    if environ.get(ENVIRONMENT):
        return ApiKey(checked(environ[ENVIRONMENT], ENVIRONMENT), "environment")
    path = key_file()
    if path.exists():
        return ApiKey(_read(path), "file", path)
    if not is_loopback(host):
        raise ApiKeyError(
            f"refusing to listen on {host} without an API key set beforehand: set {ENVIRONMENT} "
            "(e.g. export MONEYMEN_API_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(32))')), "
            f"or start once on 127.0.0.1, which saves a new key in {path}")
    return _generate(path)


def _read(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ApiKeyError(f"the API key file {path} can be read by other users (mode {mode:04o}): "
                          f"run chmod 600 {path}, or delete it to have a new key generated")
    return checked(path.read_text(encoding="ascii", errors="replace").strip(), str(path))


def _generate(path: Path) -> ApiKey:
    """A new key written to ``path`` (mode 0600, never over an existing file), or the one another
    server start wrote there first."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return ApiKey(_read(path), "file", path)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(value + "\n")
    return ApiKey(value, "generated", path)
