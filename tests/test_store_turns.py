"""Processes take turns at one store file: a writer waits for readers, readers wait for a writer,
and a stream of readers cannot keep a writer out. Real processes on a real DuckDB file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from moneymen.store import StoreBusy, open_store

HOLD = textwrap.dedent("""
    import sys, time
    from moneymen.store import open_store
    store = open_store(sys.argv[1], read_only=sys.argv[2] == "read")
    if sys.argv[2] == "write":
        store.engine.execute("CREATE TABLE IF NOT EXISTS probe (n INTEGER)")
        store.engine.execute("INSERT INTO probe VALUES (1)")
    print("holding", flush=True)
    time.sleep(float(sys.argv[3]))
    store.close()
""")


def _holding(db: Path, how: str, seconds: float) -> subprocess.Popen:
    """A process that opens ``db`` (``read`` or ``write``), says so, and holds it ``seconds``."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(db), how, str(seconds)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "holding"
    return process


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "lists.duckdb"
    open_store(path).close()
    return path


def test_a_writer_waits_for_a_reader_instead_of_failing(db: Path) -> None:
    reader = _holding(db, "read", 1.5)
    begin = time.monotonic()
    heard: list[str] = []
    with open_store(db, on_wait=heard.append) as store:
        waited = time.monotonic() - begin
        store.engine.execute("CREATE TABLE written (n INTEGER)")
    reader.wait(timeout=30)
    assert waited >= 1.0, "the writer got in while the reader still held the store"
    assert len(heard) == 1 and "waiting for another moneymen process" in heard[0] and str(db) in heard[0]


def test_a_reader_waits_for_a_writer_and_sees_what_it_wrote(db: Path) -> None:
    writer = _holding(db, "write", 1.5)
    with open_store(db, read_only=True) as store:
        rows = store.engine.execute("SELECT count(*) FROM probe")
    writer.wait(timeout=30)
    assert rows == [(1,)]


def test_the_wait_is_bounded_and_the_error_says_how_to_lengthen_it(db: Path) -> None:
    writer = _holding(db, "write", 5)
    try:
        begin = time.monotonic()
        with pytest.raises(StoreBusy, match="MONEYMEN_STORE_WAIT") as raised:
            open_store(db, read_only=True, wait=0.5)
        assert time.monotonic() - begin < 3
        assert str(db) in str(raised.value)
    finally:
        writer.wait(timeout=30)


def test_a_stream_of_readers_does_not_keep_a_writer_out(db: Path) -> None:
    """Readers that overlap one another leave the file never free; the writer's turn still comes,
    because readers arriving after it queue behind it."""
    readers = [_holding(db, "read", 1.0)]
    begin = time.monotonic()
    writer = subprocess.Popen([sys.executable, "-c", HOLD, str(db), "write", "0"], stdout=subprocess.PIPE, text=True)
    while writer.poll() is None and time.monotonic() - begin < 30:
        readers.append(_holding(db, "read", 1.0))  # each new one starts before the last one ends
        time.sleep(0.3)
    assert writer.wait(timeout=30) == 0
    assert time.monotonic() - begin < 10, "the writer waited for every reader that came after it"
    for reader in readers:
        reader.wait(timeout=30)
