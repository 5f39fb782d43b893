"""Small YAML files a user hands us (CSV mappings, scenarios), read without the bombs.

:func:`load_file` and :func:`loads` are ``yaml.safe_load`` with three bounds:

* size: a file over :data:`MAX_YAML_BYTES` is refused before it is parsed;
* aliases: an alias (``*name``, and so a merge key ``<<: *name``) is refused, naming the line
  where it is written. A mapping or a scenario has no need of them, and nine lines of
  anchors and aliases ("billion laughs") expand to a billion values in whoever walks the data;
* nesting: more than :data:`MAX_YAML_DEPTH` levels of lists and tables is refused (a deep
  ``[[[[…`` would otherwise exhaust Python's recursion limit).

Anything else reads exactly as ``yaml.safe_load`` reads it. Text is UTF-8; a UTF-8 byte-order
mark is dropped, and a UTF-16 file gets a message saying so (:func:`looks_like_utf16`, shared
with the CSV importers). Every problem is a :class:`YAMLInputError` with the file, the line
when there is one, and what was expected.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import yaml

#: Largest YAML file read (a mapping or a scenario is a few KiB).
MAX_YAML_BYTES = 1 << 20
#: Deepest nesting of lists and tables accepted.
MAX_YAML_DEPTH = 64
#: How much of a file's head :func:`looks_like_utf16` looks at.
HEAD_BYTES = 4096

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPENING = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSING = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class YAMLInputError(ValueError):
    """A YAML file that is not read: which file, which line (if known), and what was expected."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(f"{self.path}{f', line {line}' if line else ''}: {message}")


def looks_like_utf16(head: bytes) -> bool:
    """True when ``head`` (a file's first bytes) is UTF-16 text: a UTF-16 byte-order mark, or a
    NUL byte in every other position (UTF-16 without a mark, as Excel's "Unicode Text" writes it)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    sample = head[:HEAD_BYTES]
    pairs = len(sample) // 2
    if pairs < 2:
        return False
    even, odd = sample[0:2 * pairs:2].count(0), sample[1:2 * pairs:2].count(0)
    return max(even, odd) >= pairs * 0.3 and min(even, odd) <= pairs * 0.05


def read_text(path: Path | str, what: str = "file", limit: int = MAX_YAML_BYTES) -> str:
    """The UTF-8 text of a small file (without a byte-order mark), reading at most ``limit`` bytes.

    ``what`` names the file in messages ("mapping", "scenario"). Raises :class:`YAMLInputError`
    for a file that cannot be read, is larger than ``limit``, is UTF-16 or is not UTF-8.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise YAMLInputError(path, None, f"cannot read the {what}: {error.strerror or error}") from None
    if len(data) > limit:
        raise YAMLInputError(path, None, f"the {what} is larger than {_size(limit)}; expected a {what} file of "
                                         f"at most {_size(limit)}")
    if looks_like_utf16(data):
        raise YAMLInputError(path, None, f"the {what} is UTF-16 text; save it as UTF-8")
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise YAMLInputError(path, line, f"not UTF-8 text (byte {data[error.start]:#x}); save the {what} as UTF-8") \
            from None


def loads(text: str, path: Path | str = "<yaml>") -> Any:
    """``yaml.safe_load(text)``, refusing aliases and deep nesting; ``path`` names the text in errors.

    Raises :class:`YAMLInputError` with the line of the problem.
    """
    if len(text) > MAX_YAML_BYTES:
        raise YAMLInputError(path, None, f"larger than {_size(MAX_YAML_BYTES)}: not a YAML file to read")
    try:
        _check_events(text, path)
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, checked above
    except YAMLInputError:
        raise
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise YAMLInputError(path, mark.line + 1 if mark else None, f"invalid YAML: {problem}") from None
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise YAMLInputError(path, None, f"invalid YAML: {error}") from None


def load_file(path: Path | str, what: str = "file", limit: int = MAX_YAML_BYTES) -> Any:
    """Read and parse the YAML file at ``path`` (:func:`read_text`, then :func:`loads`)."""
    return loads(read_text(path, what, limit), path)


def _check_events(text: str, path: Path | str) -> None:
    """Walk the parser's events (no values are built) and refuse aliases and deep nesting."""
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise YAMLInputError(
                path, event.start_mark.line + 1,
                f"YAML alias *{event.anchor} is not accepted (nor are merge keys '<<: *{event.anchor}'): "
                "write the repeated values out",
            )
        if isinstance(event, _OPENING):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise YAMLInputError(path, event.start_mark.line + 1,
                                     f"lists and tables nested more than {MAX_YAML_DEPTH} levels deep")
        elif isinstance(event, _CLOSING):
            depth -= 1


def _size(limit: int) -> str:
    return f"{limit // (1 << 20)} MiB" if limit >= 1 << 20 else f"{limit // 1024} KiB"
