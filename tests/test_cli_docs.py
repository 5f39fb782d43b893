"""docs/cli.md documents every command of the CLI and every option of each, in the command's own section
(an option every command shares, such as --db, once in the page's introduction), so a user reading the
page for one command sees everything it takes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from moneymen.cli import app

DOCS = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def commands(command, path=()):
    """(words after ``moneymen``, click command) of every command, subcommands included."""
    if hasattr(command, "commands"):  # a group: its commands
        for name, sub in sorted(command.commands.items()):
            yield from commands(sub, (*path, name))
    else:
        yield " ".join(path), command


def sections() -> dict[str, str]:
    """docs/cli.md's second-level sections by heading (``## scenario run`` → ``"scenario run"``), and
    its introduction (before the first) as ``""``."""
    parts = re.split(r"^## +(.+)$", DOCS.read_text(encoding="utf-8"), flags=re.M)
    return {"": parts[0], **{heading.strip().strip("`"): text for heading, text in zip(parts[1::2], parts[2::2])}}


COMMANDS = list(commands(typer.main.get_command(app)))


def section_of(name: str, found: dict[str, str]) -> str | None:
    """The section that documents command ``name``: its own, else its group's (``imports revert`` → ``imports``)."""
    words = name.split()
    for size in range(len(words), 0, -1):
        heading = " ".join(words[:size])
        if heading in found:
            return found[heading]
    return None


@pytest.mark.parametrize("name, command", COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_and_option_is_documented_in_its_section(name, command):
    found = sections()
    text = section_of(name, found)
    assert text is not None, f"docs/cli.md has no section '## {name}'"
    assert f"moneymen {name}" in text, f"the section of {name} shows no example of `moneymen {name}`"
    missing = []
    for param in command.params:
        names = [opt for opt in (*param.opts, *param.secondary_opts) if opt.startswith("-") and opt != "--help"]
        if names and not any(re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", part)
                             for opt in names for part in (text, found[""])):
            missing.append("/".join(names))
    assert not missing, f"docs/cli.md, section of {name}, does not mention: {', '.join(missing)}"
