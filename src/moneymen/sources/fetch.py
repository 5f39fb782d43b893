"""Download the current official lists from their publishers, over https, for import.

Downloads go to a temporary folder and are imported from there; nothing is imported when a
download fails or is cut short.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

#: Refuse anything bigger: the full lists are a few MB.
MAX_DOWNLOAD = 256 * 1024 * 1024


@dataclass(frozen=True)
class OfficialList:
    """A list we can fetch: its import format and its files' official addresses."""

    format: str
    urls: tuple[str, ...]
    description: str


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
    """A download that failed, with what the user can do about it."""


def download(urls: tuple[str, ...] | list[str], folder: Path,
             progress: Callable[[str, int, int], None] | None = None, timeout: float = 60.0) -> list[Path]:
    """Download each URL into ``folder`` (keeping its file name); return the paths in order."""
    paths = []
    with httpx.Client(timeout=timeout, follow_redirects=True,
                      headers={"User-Agent": "moneymen (sanctions list import)"}) as client:
        for url in urls:
            name = Path(httpx.URL(url).path).name or "download"
            target = folder / name
            try:
                with client.stream("GET", url) as response:
                    if response.status_code != 200:
                        raise FetchError(f"{url} answered HTTP {response.status_code}; try again later or "
                                         "download the file yourself and use `moneymen import`")
                    total = int(response.headers.get("content-length") or 0)
                    done = 0
                    with target.open("wb") as out:
                        for chunk in response.iter_bytes(1 << 16):
                            done += len(chunk)
                            if done > MAX_DOWNLOAD:
                                raise FetchError(f"{url} is larger than {MAX_DOWNLOAD >> 20} MiB; refusing it")
                            out.write(chunk)
                            if progress is not None:
                                progress(name, done, total)
            except httpx.HTTPError as error:
                raise FetchError(
                    f"cannot download {url}: {error.__class__.__name__}: {error}. Are you offline? "
                    "Download the file elsewhere and run `moneymen import FILE`."
                ) from None
            paths.append(target)
    return paths
