"""Taking turns at one store file: a writer waits for the readers, readers wait for the writer.

DuckDB lets one process write a database file or many read it, never both, and it does not
wait: a connection that finds the file locked fails at once. Left at that, an import started
while the API serves fails whenever a request is reading ("in use by another moneymen
process"), and requests made during an import fail as long as it writes. So every moneymen
process takes turns through a lock file beside the store (``STORE.duckdb.lock``, an advisory
``flock``):

* a **writer** takes it exclusively, waiting for any other writer, and keeps it until it
  closes the store; holding it, it connects, retrying while readers that were already inside
  finish their read (each read is one request, milliseconds);
* a **reader** takes it shared only while it connects, waiting while a writer holds it, and
  lets go as soon as it is connected. Readers arriving while a writer waits therefore queue
  behind it instead of keeping it out for ever.

Both wait a bounded time (:data:`WRITE_WAIT_S`, :data:`READ_WAIT_S`; ``MONEYMEN_STORE_WAIT``
sets both, in seconds) and then raise StoreBusy. A process that is not moneymen (the ``duckdb``
shell) knows nothing of the lock file; against it the retries alone apply. Where the lock file
cannot be created (a store in a folder the user may only read), readers connect without it.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from typing import TypeVar

from moneymen.store.engine import StoreBusy

#: Seconds a writer waits for other processes before StoreBusy.
WRITE_WAIT_S = 60.0
#: Seconds a reader waits for a writer (an import) before StoreBusy.
READ_WAIT_S = 60.0
#: Seconds between tries.
POLL_S = 0.02

T = TypeVar("T")


def wait_limit(default: float) -> float:
    """``MONEYMEN_STORE_WAIT`` (seconds) if set to a number ≥ 0, else ``default``."""
    try:
        value = float(os.environ.get("MONEYMEN_STORE_WAIT", ""))
    except ValueError:
        return default
    return value if value >= 0 else default


def lock_path(store_path: str) -> str:
    """The lock file of the store at ``store_path``."""
    return store_path + ".lock"


class Turn:
    """A process's turn at a store file: taken by :func:`take_turn`, given back by :meth:`release`."""

    def __init__(self, fd: int | None):
        self._fd = fd

    def release(self) -> None:
        """Let the next process in (idempotent)."""
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None


def take_turn(store_path: str, write: bool, connect: Callable[[], T], busy: Callable[[Exception], bool],
              on_wait: Callable[[str], None] | None = None, mode: int = 0o600,
              wait: float | None = None) -> tuple[T, Turn]:
    """Connect to the store at ``store_path`` in turn: ``connect()`` once this process may, retried
    while ``busy(error)`` says the file is locked, until the wait limit; then StoreBusy.

    Returns the connection and the turn; a writer keeps its turn until it calls ``release``, a
    reader's is already given back. ``on_wait`` hears once, with a sentence, that the call waits.
    A writer creates the lock file with ``mode`` (the store's own permissions, so that whoever may
    read the store may take turns at it). ``wait`` (seconds) replaces the wait limit; 0 tries once.
    """
    limit = wait if wait is not None else wait_limit(WRITE_WAIT_S if write else READ_WAIT_S)
    deadline = time.monotonic() + limit
    told = False

    def waiting(what: str) -> None:
        nonlocal told
        if time.monotonic() >= deadline:
            raise StoreBusy(f"the store {store_path} is in use by another moneymen process ({what}) and stayed so "
                            f"for {limit:g} s; try again when it has finished (MONEYMEN_STORE_WAIT sets the wait)")
        if on_wait is not None and not told:
            on_wait(f"waiting for another moneymen process ({what}) to finish with {store_path}…")
            told = True
        time.sleep(POLL_S)

    fd = _open_lock(store_path, write, mode)
    turn = Turn(fd)
    try:
        if fd is not None:
            mode = fcntl.LOCK_EX if write else fcntl.LOCK_SH
            while True:
                try:
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    waiting("reading or writing it" if write else "writing it: an import?")
        while True:
            try:
                connection = connect()
                break
            except Exception as error:
                if not busy(error):
                    raise
                waiting("reading it" if write else "writing it: an import?")
    except BaseException:
        turn.release()
        raise
    if not write:
        turn.release()
    return connection, turn


def _open_lock(store_path: str, write: bool, mode: int) -> int | None:
    """A descriptor of the store's lock file, created (owner-only, as the store) by a writer; None
    where a reader finds none or none can be made."""
    path = lock_path(store_path)
    try:
        if write:
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, mode & 0o666)
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except PermissionError:
        if write:
            raise
        return None
