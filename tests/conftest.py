"""Shared fixtures: a real DuckDB store on disk, the CLI as a user runs it, and ../shared data."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from moneymen.store import open_store

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"


def shared_file(*parts: str) -> Path:
    """A file of ../shared/data, or skip the test when it is not there (a user's machine)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available (../shared/data is only beside CI and development checkouts)")
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "evidence.duckdb"


@pytest.fixture
def store(db_path: Path):
    with open_store(db_path) as opened:
        yield opened


def run_cli(*args: str, db: Path | None = None, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    """Run ``moneymen ARGS`` in a subprocess, as a user would, and capture what it prints."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    if db is not None:
        env["MONEYMEN_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "moneymen.cli", *args], capture_output=True, text=True, env=env, timeout=timeout,
        **kwargs,
    )


def store_fingerprint(db: Path) -> tuple:
    """Everything a user could see change in a store: statements and finished imports."""
    with open_store(db) as opened:
        statements = sorted(tuple(str(v) for v in dataclasses.astuple(s)) for s in opened.statements())
        imports = [(i.dataset, i.sha256, i.statements) for i in opened.imports()]
    return statements, imports


