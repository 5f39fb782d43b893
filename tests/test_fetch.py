"""`moneymen fetch`: download a list and import it; offline gives a clear message and changes nothing.

The official servers are replaced by a real HTTP server on 127.0.0.1 serving local files.
"""

from __future__ import annotations

import functools
import http.server
import socket
import threading
from pathlib import Path

import pytest

from moneymen.demo import BUNDLED

from conftest import run_cli, store_fingerprint


@pytest.fixture
def list_server(tmp_path):
    """Serve tmp_path/served over HTTP on loopback; yields (folder, base URL)."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_downloads_and_imports_the_list(list_server, db_path):
    folder, base = list_server
    (folder / "consolidated.xml").write_bytes(BUNDLED[1].path.read_bytes())
    result = run_cli("fetch", "un", "--url", f"{base}/consolidated.xml", db=db_path)
    assert result.returncode == 0, result.stderr
    assert "Imported" in result.stdout and "un_sc" in result.stdout
    shown = run_cli("show", "unsc-690734", db=db_path)
    assert "YUN HO-JIN" in shown.stdout
    assert f"{base}/consolidated.xml" in {s.source_url for s in _statements(db_path)}


def test_fetch_offline_says_so_and_changes_nothing(db_path):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run_cli("import", str(BUNDLED[1].path), db=db_path)
    before = store_fingerprint(db_path)
    result = run_cli("fetch", "un", "--url", f"http://127.0.0.1:{port}/consolidated.xml", db=db_path)
    assert result.returncode != 0
    message = " ".join(result.stderr.split())
    assert "cannot download" in message and "offline" in message and "Nothing was imported" in message
    assert store_fingerprint(db_path) == before


def test_fetch_reports_a_server_error(list_server, db_path):
    folder, base = list_server
    result = run_cli("fetch", "un", "--url", f"{base}/missing.xml", db=db_path)
    assert result.returncode != 0
    assert "HTTP 404" in result.stderr


def test_unknown_list_is_refused(db_path):
    result = run_cli("fetch", "eu", db=db_path)
    assert result.returncode != 0 and "unknown list 'eu'" in result.stderr


def _statements(db: Path):
    from moneymen.store import open_store

    with open_store(db) as store:
        return list(store.statements())
