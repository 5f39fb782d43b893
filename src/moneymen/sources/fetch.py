"""Download the current official lists from their publishers, over https, for import.

Downloads go to a temporary folder and are imported from there; nothing is imported when a
download fails or is cut short. Only https is used unless the caller allows plain http
(``insecure``): a list read over http can be altered by anyone on the way, and a sanctions
list that silently loses or gains names is worse than none. Redirects are followed, but each
hop is checked the same way before it is requested, so an https address that redirects to
http is refused too.

Each file is saved under its official name (``consolidated.xml``; ``sdn.csv``, ``alt.csv``,
``add.csv``) whatever the address it came from: two mirrors whose addresses both end in
``/download`` must not overwrite each other, and the OFAC importer finds ``alt.csv`` and
``add.csv`` by the name of ``sdn.csv``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import httpx

#: Refuse anything bigger: the full lists are a few MB.
MAX_DOWNLOAD = 256 * 1024 * 1024


@dataclass(frozen=True)
class OfficialList:
    """A list we can fetch: its import format and its files' official addresses."""

    format: str
    urls: tuple[str, ...]
    description: str

    @property
    def file_names(self) -> tuple[str, ...]:
        """The official file name of each of :attr:`urls`, in the same order (``sdn.csv``…)."""
        return tuple(PurePosixPath(httpx.URL(url).path).name for url in self.urls)


OFFICIAL_LISTS = {
    "un": OfficialList(
        "un", ("https://scsanctions.un.org/resources/xml/en/consolidated.xml",),
        "UN Security Council consolidated list",
    ),
    "ofac": OfficialList(
        "ofac",
        (
            "https://www.treasury.gov/ofac/downloads/sdn.csv",
            "https://www.treasury.gov/ofac/downloads/alt.csv",
            "https://www.treasury.gov/ofac/downloads/add.csv",
        ),
        "OFAC Specially Designated Nationals list",
    ),
}


class FetchError(Exception):
    """A download that failed or was refused, with what the user can do about it."""


@dataclass(frozen=True)
class FileToFetch:
    """One download: where it comes from and the official file name it is saved under."""

    url: str
    name: str


def files_to_fetch(official: OfficialList, urls: Sequence[str] | None = None,
                   insecure: bool = False) -> list[FileToFetch]:
    """What to download for ``official``: its own addresses, or the mirror ``urls`` in their place.

    The n-th mirror address stands for the list's n-th file and is saved under that file's
    official name; fewer addresses than files fetch only the first ones (OFAC's ``sdn.csv``
    imports without ``alt.csv`` and ``add.csv``). Raises FetchError, before anything is
    downloaded, for more addresses than the list has files or for an address that is not https
    (plain http too when ``insecure``).
    """
    names = official.file_names
    if not urls:
        urls = official.urls
    elif len(urls) > len(names):
        raise FetchError(f"{len(urls)} addresses given, but the {official.format} list has only {len(names)} "
                         f"file{'s' if len(names) > 1 else ''} ({', '.join(names)}); pass one --url per file, "
                         "in that order")
    for url in urls:
        check_address(url, insecure)
    return [FileToFetch(url, name) for url, name in zip(urls, names)]


def check_address(url: str, insecure: bool = False, redirected_from: str | None = None) -> None:
    """Raise FetchError unless ``url`` is an https address (or http, when ``insecure``)."""
    try:
        scheme = httpx.URL(url).scheme
    except httpx.InvalidURL as error:
        raise FetchError(f"{url!r} is not a valid address: {error}") from None
    if scheme == "https" or (scheme == "http" and insecure):
        return
    where = f"{redirected_from} redirects to {url}" if redirected_from else f"{url}"
    if scheme == "http":
        raise FetchError(f"{where}, which is plain http: anyone on the way could read or alter the list. "
                         "Use an https address, or pass --insecure to allow http")
    raise FetchError(f"{where}: only https addresses can be fetched"
                     + (f", not {scheme}" if scheme else " (is the https:// missing?)"))


def download(files: Sequence[FileToFetch], folder: Path,
             progress: Callable[[str, int, int], None] | None = None, timeout: float = 60.0,
             insecure: bool = False, warn: Callable[[str], None] | None = None) -> list[Path]:
    """Download each file into ``folder`` under its official name; return the paths in order.

    Only https, also for every redirect, unless ``insecure``: then http is allowed and ``warn``
    is told of each plain-http request. Raises FetchError when a file cannot be downloaded,
    is refused, answers other than HTTP 200 or is larger than :data:`MAX_DOWNLOAD`.
    """
    current: list[str] = [""]  # the address being downloaded, for the redirect check

    def check_request(request: httpx.Request) -> None:
        url = str(request.url)
        redirected_from = current[0] if url != current[0] else None
        check_address(url, insecure, redirected_from)
        if request.url.scheme == "http" and warn is not None:
            warn(f"{redirected_from} redirects to {url}, which is plain http" if redirected_from else
                 f"{url} is plain http: anyone on the way could read or alter the list")

    paths = []
    with httpx.Client(timeout=timeout, follow_redirects=True, event_hooks={"request": [check_request]},
                      headers={"User-Agent": "moneymen (sanctions list import)"}) as client:
        for file in files:
            url = str(httpx.URL(file.url))  # as the request hook will see it
            current[0] = url
            target = folder / file.name
            try:
                with client.stream("GET", url) as response:
                    if response.status_code != 200:
                        raise FetchError(f"{file.url} answered HTTP {response.status_code}; try again later or "
                                         "download the file yourself and use `moneymen import`")
                    total = int(response.headers.get("content-length") or 0)
                    done = 0
                    with target.open("wb") as out:
                        for chunk in response.iter_bytes(1 << 16):
                            done += len(chunk)
                            if done > MAX_DOWNLOAD:
                                raise FetchError(f"{file.url} is larger than {MAX_DOWNLOAD >> 20} MiB; refusing it")
                            out.write(chunk)
                            if progress is not None:
                                progress(file.name, done, total)
            except httpx.HTTPError as error:
                raise FetchError(
                    f"cannot download {file.url}: {error.__class__.__name__}: {error}. Are you offline? "
                    "Download the file elsewhere and run `moneymen import FILE`."
                ) from None
            paths.append(target)
    return paths
