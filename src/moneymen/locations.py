"""Where moneymen keeps things by default: light to import (no DuckDB), for the commands that start fast."""

from __future__ import annotations

import os
from pathlib import Path


def default_location() -> str:
    """``$MONEYMEN_DB`` if set, else ``moneymen.duckdb`` in the user's data directory."""
    if os.environ.get("MONEYMEN_DB"):
        return os.environ["MONEYMEN_DB"]
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("moneymen")) / "moneymen.duckdb")
