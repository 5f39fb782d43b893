"""`moneymen fetch`: download a list and import it; offline gives a clear message and changes nothing.

The official servers are replaced by real servers on 127.0.0.1 serving local files: plain
http (allowed only with --insecure), and https with a self-signed certificate that the
command is told to trust through SSL_CERT_FILE.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import pytest

from moneymen.data import BUNDLED

from conftest import run_cli, store_fingerprint


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves ``directory``; answers the paths of ``redirects`` with a 302 to their target."""

    def __init__(self, *args, requests: list[str], redirects: dict[str, str], **kwargs):
        self.requests, self.redirects = requests, redirects
        super().__init__(*args, **kwargs)

    def do_GET(self):
        self.requests.append(self.path)
        if self.path in self.redirects:
            self.send_response(302)
            self.send_header("Location", self.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format, *args):  # keep the test output quiet
        pass


class _Server:
    """A real HTTP(S) server on loopback: ``base`` URL, ``folder`` it serves, ``requests`` it got."""

    def __init__(self, folder: Path, tls: ssl.SSLContext | None = None):
        folder.mkdir(exist_ok=True)
        self.folder, self.requests, self.redirects = folder, [], {}
        handler = functools.partial(_Handler, directory=str(folder), requests=self.requests,
                                    redirects=self.redirects)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        scheme = "https" if tls is not None else "http"
        self.base = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def list_server(tmp_path):
    """Serve tmp_path/served over plain HTTP on loopback; yields (folder, base URL)."""
    server = _Server(tmp_path / "served")
    yield server.folder, server.base
    server.close()


@pytest.fixture
def http_server(tmp_path):
    server = _Server(tmp_path / "plain")
    yield server
    server.close()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Path:
    """A self-signed certificate (with its key) for 127.0.0.1, made by the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a certificate for the local https server")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(folder / "key.pem"),
         "-out", str(folder / "cert.pem")],
        check=True, capture_output=True,
    )
    return folder


@pytest.fixture
def https_server(tmp_path, certificate, monkeypatch):
    """An https server on loopback whose certificate the fetch command trusts (SSL_CERT_FILE)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate / "cert.pem", certificate / "key.pem")
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate / "cert.pem"))
    server = _Server(tmp_path / "secure", tls=context)
    yield server
    server.close()


def test_fetch_downloads_and_imports_the_list(list_server, db_path):
    folder, base = list_server
    (folder / "consolidated.xml").write_bytes(BUNDLED[1].path.read_bytes())
    result = run_cli("fetch", "un", "--insecure", "--url", f"{base}/consolidated.xml", db=db_path)
    assert result.returncode == 0, result.stderr
    assert "Imported" in result.stdout and "un_sc" in result.stdout
    shown = run_cli("show", "unsc-690734", db=db_path)
    assert "YUN HO-JIN" in shown.stdout
    assert f"{base}/consolidated.xml" in {s.source_url for s in _statements(db_path)}


def test_fetch_over_https_needs_no_flag_and_warns_of_nothing(https_server, db_path):
    (https_server.folder / "consolidated.xml").write_bytes(BUNDLED[1].path.read_bytes())
    result = run_cli("fetch", "un", "--url", f"{https_server.base}/consolidated.xml", db=db_path)
    assert result.returncode == 0, result.stderr
    assert "Imported" in result.stdout and "warning" not in result.stderr


def test_plain_http_is_refused_without_insecure(list_server, db_path):
    folder, base = list_server
    (folder / "consolidated.xml").write_bytes(BUNDLED[1].path.read_bytes())
    result = run_cli("fetch", "un", "--url", f"{base}/consolidated.xml", db=db_path)
    assert result.returncode != 0
    message = " ".join(result.stderr.split())
    assert f"{base}/consolidated.xml, which is plain http" in message and "--insecure" in message
    assert "Nothing was downloaded or imported" in message
    assert not db_path.exists()  # refused before the store was even opened


def test_insecure_allows_plain_http_with_a_warning(list_server, db_path):
    folder, base = list_server
    (folder / "consolidated.xml").write_bytes(BUNDLED[1].path.read_bytes())
    result = run_cli("fetch", "un", "--insecure", "--url", f"{base}/consolidated.xml", db=db_path)
    assert result.returncode == 0, result.stderr
    message = " ".join(result.stderr.split())
    assert "warning" in message and "plain http" in message


def test_a_redirect_from_https_to_http_is_refused(https_server, http_server, db_path):
    (http_server.folder / "consolidated.xml").write_bytes(BUNDLED[1].path.read_bytes())
    https_server.redirects["/consolidated.xml"] = f"{http_server.base}/consolidated.xml"
    result = run_cli("fetch", "un", "--url", f"{https_server.base}/consolidated.xml", db=db_path)
    assert result.returncode != 0
    message = " ".join(result.stderr.split())
    assert (f"{https_server.base}/consolidated.xml redirects to {http_server.base}/consolidated.xml, "
            "which is plain http") in message
    assert "Nothing was imported" in message
    assert http_server.requests == []  # refused before asking the http server anything
    assert _statements(db_path) == []

    allowed = run_cli("fetch", "un", "--insecure", "--url", f"{https_server.base}/consolidated.xml", db=db_path)
    assert allowed.returncode == 0, allowed.stderr
    assert "redirects to" in allowed.stderr and "warning" in allowed.stderr
    assert http_server.requests == ["/consolidated.xml"]


def test_mirrors_with_the_same_file_name_do_not_overwrite_each_other(list_server, db_path):
    folder, base = list_server
    for mirror, content in (("a", SDN), ("b", ALT), ("c", ADD)):
        (folder / mirror).mkdir()
        (folder / mirror / "download").write_bytes(content)
    urls = [f"{base}/{mirror}/download" for mirror in "abc"]
    result = run_cli("fetch", "ofac", "--insecure", *(f"--url={url}" for url in urls), db=db_path)
    assert result.returncode == 0, result.stderr
    shown = " ".join(run_cli("show", "ofac-100", db=db_path).stdout.split())
    assert "KIM Chol" in shown or "Chol KIM" in shown  # sdn.csv (first)
    assert "PAK SONG-IL" in shown  # the alias from alt.csv (second), which did not overwrite sdn.csv
    assert "Pyongyang" in shown  # the address from add.csv (third)


def test_more_urls_than_the_list_has_files_are_refused(list_server, db_path):
    folder, base = list_server
    result = run_cli("fetch", "un", "--insecure", "--url", f"{base}/one.xml", "--url", f"{base}/two.xml", db=db_path)
    assert result.returncode != 0
    message = " ".join(result.stderr.split())
    assert "2 addresses given, but the un list has only 1 file (consolidated.xml)" in message
    assert not db_path.exists()


def test_the_import_records_the_address_not_the_temporary_file(list_server, db_path):
    folder, base = list_server
    (folder / "consolidated.xml").write_bytes(BUNDLED[1].path.read_bytes())
    url = f"{base}/consolidated.xml"
    result = run_cli("fetch", "un", "--insecure", "--url", url, db=db_path)
    assert result.returncode == 0, result.stderr
    from moneymen.store import open_store

    with open_store(db_path, read_only=True) as store:
        assert [record.path for record in store.imports()] == [url]


def test_the_message_names_the_address_not_the_temporary_file(list_server, db_path):
    folder, base = list_server
    (folder / "consolidated.xml").write_bytes(BUNDLED[1].path.read_bytes())
    url = f"{base}/consolidated.xml"
    result = run_cli("fetch", "un", "--insecure", "--url", url, db=db_path)
    assert result.returncode == 0, result.stderr
    assert f"Imported {url} as un" in result.stdout and "moneymen-fetch-" not in result.stdout


def test_fetch_offline_says_so_and_changes_nothing(db_path):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run_cli("import", str(BUNDLED[1].path), db=db_path)
    before = store_fingerprint(db_path)
    result = run_cli("fetch", "un", "--insecure", "--url", f"http://127.0.0.1:{port}/consolidated.xml", db=db_path)
    assert result.returncode != 0
    message = " ".join(result.stderr.split())
    assert "cannot download" in message and "offline" in message and "Nothing was imported" in message
    assert store_fingerprint(db_path) == before


def test_fetch_reports_a_server_error(list_server, db_path):
    folder, base = list_server
    result = run_cli("fetch", "un", "--insecure", "--url", f"{base}/missing.xml", db=db_path)
    assert result.returncode != 0
    assert "HTTP 404" in result.stderr


def test_unknown_list_is_refused(db_path):
    result = run_cli("fetch", "eu", db=db_path)
    assert result.returncode != 0 and "unknown list 'eu'" in result.stderr


#: A one-entry OFAC list in its three files (legacy CSV, no header).
SDN = b'100,"KIM, Chol","individual","DPRK2",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
ALT = b'100,1,"aka","PAK SONG-IL",-0- \r\n'
ADD = b'100,1,-0- ,"Pyongyang","Korea, North",-0- \r\n'


def _statements(db: Path):
    from moneymen.store import open_store

    with open_store(db) as store:
        return list(store.statements())
