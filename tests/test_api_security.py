"""Who may ask the API, and how many at once: ``moneymen serve`` as a user starts it, probed over loopback.

Each test starts (or shares) a real ``moneymen serve`` subprocess on 127.0.0.1 over a store built
from the bundled lists, and talks to it with httpx or with raw sockets.
"""

from __future__ import annotations

import os
import select
import shutil
import socket
import stat
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from moneymen.services.demo import import_bundled
from moneymen.store import open_store

KOMID = "ofac-9345"        # KOREA MINING DEVELOPMENT TRADING CORPORATION, OFAC SDN
MAIN_PORT, CORS_PORT, BROKEN_PORT, FIRST_START_PORT, WIDE_PORT = 18600, 18601, 18602, 18603, 18604
KEY = "test-key-" + os.urandom(12).hex()
WORKBENCH = "http://workbench.test"
YUN_QUERY = {"queries": {"q1": {"schema": "Person", "properties": {"name": ["Yun Ho-jin"]}}}}


class Server:
    """One ``moneymen serve`` subprocess with its own home folder, and what it printed."""

    def __init__(self, folder: Path, db: Path, port: int, *options: str, key: str | None = KEY):
        self.folder, self.port = folder, port
        self.url = f"http://127.0.0.1:{port}"
        self.config = folder / "config"
        env = {name: value for name, value in os.environ.items() if name != "MONEYMEN_API_KEY"}
        env.update(HOME=str(folder), XDG_CONFIG_HOME=str(self.config))
        if key is not None:
            env["MONEYMEN_API_KEY"] = key
        self.log = folder / f"serve-{port}-{time.monotonic_ns()}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "moneymen.cli", "serve", "--db", str(db), "--port", str(port), *options],
                stdout=out, stderr=subprocess.STDOUT, env=env)

    @property
    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_until_up(self) -> Server:
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"moneymen serve exited with {self.process.returncode}:\n{self.output}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"moneymen serve did not answer within 60 s:\n{self.output}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def auth(key: str = KEY, scheme: str = "ApiKey") -> dict[str, str]:
    return {"Authorization": f"{scheme} {key}"}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("security") / "lists.duckdb"
    with open_store(path) as store:
        import_bundled(store)
    return path


@pytest.fixture(scope="module")
def server(db, tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("main"), db, MAIN_PORT, "--allow-host", "moneymen.test")
    try:
        yield running.wait_until_up()
    finally:
        running.stop()


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=60) as http:
        yield http


# -- the API key -------------------------------------------------------------------------------------

DATA_REQUESTS = [("GET", f"/entities/{KOMID}", None), ("GET", "/search/default?q=kim", None),
                 ("POST", "/match/default", YUN_QUERY), ("GET", "/no/such/route", None)]


@pytest.mark.parametrize("method, path, body", DATA_REQUESTS)
def test_data_needs_the_key(client, method, path, body):
    for headers in ({}, auth("wrong-" + KEY), {"Authorization": KEY}, auth(KEY, "Basic")):
        refused = client.request(method, path, json=body, headers=headers)
        assert refused.status_code == 401, (headers, refused.text)
        assert "ApiKey" in refused.headers["www-authenticate"] and "Bearer" in refused.headers["www-authenticate"]
        assert "API key" in refused.json()["detail"]
        assert KOMID not in refused.text and "KOREA" not in refused.text


def test_the_key_is_taken_as_yente_takes_it_or_as_a_bearer_token(client):
    for headers in (auth(), auth(scheme="Bearer"), auth(scheme="apikey")):
        found = client.get(f"/entities/{KOMID}", headers=headers)
        assert found.status_code == 200, found.text
        assert found.json()["caption"] == "KOREA MINING DEVELOPMENT TRADING CORPORATION"
    matched = client.post("/match/default", json=YUN_QUERY, headers=auth())
    assert matched.status_code == 200 and matched.json()["responses"]["q1"]["results"]


def test_only_openrefine_may_pass_the_key_in_the_url(client):
    """OpenRefine adds a reconciliation service by URL and sends no header; nothing else takes a key there."""
    assert client.get("/reconcile/default", params={"api_key": KEY}).status_code == 200
    assert client.get("/reconcile/default", params={"api_key": "wrong-" + KEY}).status_code == 401
    assert client.get(f"/entities/{KOMID}", params={"api_key": KEY}).status_code == 401


def test_health_and_readiness_need_no_key(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code != 401


# -- the documentation page --------------------------------------------------------------------------

class Assets(HTMLParser):
    """The URLs a page loads (scripts, style sheets, icons) and whether it runs inline script."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline_script = False
        self._in_script_without_src = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("src"):
                self.urls.append(attrs["src"])
            else:
                self._in_script_without_src = True
        elif tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag in ("img", "iframe") and attrs.get("src"):
            self.urls.append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script_without_src = False

    def handle_data(self, data):
        if self._in_script_without_src and data.strip():
            self.inline_script = True


def test_docs_load_only_from_the_server_and_need_no_key(client):
    page = client.get("/docs")
    assert page.status_code == 200 and "swagger" in page.text.lower()
    assets = Assets()
    assets.feed(page.text)
    assert {url.rsplit("/", 1)[-1].split("?")[0] for url in assets.urls} >= {"swagger-ui-bundle.js", "swagger-ui.css"}
    assert not assets.inline_script  # the Content-Security-Policy forbids inline script
    assert "script-src 'self'" in page.headers["content-security-policy"]
    kinds = {".js": "javascript", ".css": "text/css", ".png": "image/png"}
    for url in assets.urls:
        assert url.startswith("/") and not url.startswith("//"), f"/docs loads {url} from elsewhere"
        asset = client.get(url)
        assert asset.status_code == 200, url
        suffix = Path(url.split("?")[0]).suffix
        assert kinds[suffix] in asset.headers["content-type"], (url, asset.headers["content-type"])
        assert asset.headers["x-content-type-options"] == "nosniff"
    assert len(client.get(next(url for url in assets.urls if "swagger-ui-bundle.js" in url)).content) > 500_000


def test_openapi_declares_the_key_so_that_swagger_can_send_it(client):
    spec = client.get("/openapi.json")
    assert spec.status_code == 200
    schemes = spec.json()["components"]["securitySchemes"]
    assert schemes["ApiKey"] == {**schemes["ApiKey"], "type": "apiKey", "in": "header", "name": "Authorization"}
    assert schemes["Bearer"] == {**schemes["Bearer"], "type": "http", "scheme": "bearer"}
    assert {"ApiKey": []} in spec.json()["security"] and {"Bearer": []} in spec.json()["security"]
    assert spec.json()["paths"]["/healthz"]["get"]["security"] == []
    assert "security" not in spec.json()["paths"]["/match/{dataset}"]["post"]  # the document's default applies


# -- hosts, origins, headers --------------------------------------------------------------------------

def test_a_request_naming_another_host_is_refused(client, server):
    """DNS rebinding: a web page whose host name resolves to 127.0.0.1 must not read the store."""
    for path in (f"/entities/{KOMID}", "/healthz", "/docs"):
        refused = client.get(path, headers={**auth(), "Host": "attacker.example"})
        assert refused.status_code == 400, refused.text
        assert "attacker.example" in refused.json()["detail"] and "--allow-host" in refused.json()["detail"]
        assert "KOREA" not in refused.text
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", "LOCALHOST", f"[::1]:{server.port}",
                 "moneymen.test"):
        assert client.get(f"/entities/{KOMID}", headers={**auth(), "Host": host}).status_code == 200, host


def test_no_cross_origin_reads_unless_an_origin_is_allowed(client, db, tmp_path):
    preflight = {"Origin": WORKBENCH, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"}
    answer = client.get(f"/entities/{KOMID}", headers={**auth(), "Origin": WORKBENCH})
    assert answer.status_code == 200 and "access-control-allow-origin" not in answer.headers
    assert "access-control-allow-origin" not in client.options("/match/default", headers=preflight).headers

    allowing = Server(tmp_path, db, CORS_PORT, "--cors-origin", WORKBENCH)
    try:
        allowing.wait_until_up()
        checked = httpx.options(f"{allowing.url}/match/default", headers=preflight)
        assert checked.status_code == 200
        assert checked.headers["access-control-allow-origin"] == WORKBENCH
        assert "authorization" in checked.headers["access-control-allow-headers"].lower()
        answer = httpx.post(f"{allowing.url}/match/default", json=YUN_QUERY, headers={**auth(), "Origin": WORKBENCH})
        assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == WORKBENCH
        other = httpx.get(f"{allowing.url}/entities/{KOMID}", headers={**auth(), "Origin": "http://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        assert httpx.get(f"{allowing.url}/entities/{KOMID}", headers={"Origin": WORKBENCH}).status_code == 401
    finally:
        allowing.stop()


def test_every_response_carries_the_security_headers(client):
    responses = {
        "entity": client.get(f"/entities/{KOMID}", headers=auth()),
        "match": client.post("/match/default", json=YUN_QUERY, headers=auth()),
        "search": client.get("/search/default", params={"q": "kim"}, headers=auth()),
        "not found": client.get("/entities/no-such-id", headers=auth()),
        "invalid": client.post("/match/default", content=b"{", headers=auth()),
        "no key": client.get(f"/entities/{KOMID}"),
        "foreign host": client.get("/healthz", headers={"Host": "attacker.example"}),
        "health": client.get("/healthz"),
        "docs": client.get("/docs"),
        "openapi": client.get("/openapi.json"),
    }
    assert [responses[name].status_code for name in ("entity", "match", "search", "not found", "invalid")] == \
        [200, 200, 200, 404, 422]
    for name, response in responses.items():
        assert response.headers["x-content-type-options"] == "nosniff", name
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], name
        assert response.headers["referrer-policy"] == "no-referrer", name
        assert "no-store" in response.headers["cache-control"], name
        assert "server" not in response.headers, name


def test_a_store_error_does_not_disclose_where_the_store_is(db, tmp_path):
    folder = tmp_path / "private-folder-of-analyst"
    folder.mkdir()
    store = folder / "casework.duckdb"
    shutil.copy(db, store)
    broken = Server(tmp_path, store, BROKEN_PORT)
    try:
        broken.wait_until_up()
        for _ in range(300):  # the screening index is loaded: nothing holds the store open any more
            if httpx.get(f"{broken.url}/readyz").status_code == 200:
                break
            time.sleep(0.2)
        store.write_bytes(b"this is no longer a DuckDB file\n" * 1000)
        answer = httpx.get(f"{broken.url}/entities/{KOMID}", headers=auth())
        assert answer.status_code == 503
        detail = answer.json()["detail"]
        assert "store" in detail
        for disclosed in (str(tmp_path), folder.name, store.name, "/"):
            assert disclosed not in detail, detail
    finally:
        broken.stop()
    assert "casework.duckdb" in broken.output  # the server's own log says which file


# -- where the key comes from ------------------------------------------------------------------------

def test_a_key_is_generated_on_first_start_stored_for_the_user_and_shown_once(db, tmp_path):
    first = Server(tmp_path, db, FIRST_START_PORT, key=None)
    try:
        first.wait_until_up()
        stored = list(first.config.rglob("*key*"))
        assert len(stored) == 1, first.output
        assert stat.S_IMODE(stored[0].stat().st_mode) == 0o600
        key = stored[0].read_text().strip()
        assert len(key) >= 32 and key in first.output and str(stored[0]) in first.output
        assert httpx.get(f"{first.url}/entities/{KOMID}", headers=auth(key)).status_code == 200
    finally:
        first.stop()
    again = Server(tmp_path, db, FIRST_START_PORT, key=None)
    try:
        again.wait_until_up()
        assert key not in again.output and str(stored[0]) in again.output
        assert httpx.get(f"{again.url}/entities/{KOMID}", headers=auth(key)).status_code == 200
        assert httpx.get(f"{again.url}/entities/{KOMID}", headers=auth(KEY)).status_code == 401
    finally:
        again.stop()


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_listening_beyond_loopback_needs_a_key_set_beforehand(db, tmp_path):
    refused = Server(tmp_path, db, WIDE_PORT, "--host", "0.0.0.0", key=None)
    try:
        assert refused.process.wait(timeout=60) != 0
    finally:
        refused.stop()
    assert "MONEYMEN_API_KEY" in refused.output and "0.0.0.0" in refused.output
    assert not listening(WIDE_PORT) and not list(refused.config.rglob("*key*"))


def test_a_guessable_key_is_refused(db, tmp_path):
    weak = Server(tmp_path, db, WIDE_PORT, key="secret")
    try:
        assert weak.process.wait(timeout=60) != 0
    finally:
        weak.stop()
    assert "MONEYMEN_API_KEY" in weak.output and "characters" in weak.output
    assert not listening(WIDE_PORT)


# -- slow clients --------------------------------------------------------------------------------------

def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server has closed this connection (after an answer such as 408, or without one)."""
    if not select.select([sock], [], [], 0)[0]:
        return False
    sock.settimeout(1)
    try:
        while sock.recv(65536):
            pass
    except TimeoutError:
        return False  # it answered and keeps the connection open
    except ConnectionError:
        pass
    return True


def test_slow_clients_are_cut_off_while_others_are_served(client, server):
    """Slow loris: clients that trickle a request head or body, a byte at a time, are closed within the
    request timeouts, and a client that asks normally is answered meanwhile."""
    from moneymen.web.protocol import BODY_TIMEOUT, HEAD_TIMEOUT

    heads, bodies = [], []
    for _ in range(8):
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        heads.append(sock)
    for _ in range(4):
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.sendall(f"POST /match/default HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ApiKey {KEY}\r\n"
                     "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{".encode())
        bodies.append(sock)
    started = time.monotonic()
    closed_after: dict[socket.socket, float] = {}
    served = 0
    try:
        while len(closed_after) < len(heads) + len(bodies) and time.monotonic() - started < 3 * BODY_TIMEOUT:
            for sock in heads + bodies:
                if sock in closed_after:
                    continue
                if closed_by_server(sock):
                    closed_after[sock] = time.monotonic() - started
                    continue
                try:
                    sock.sendall(b"X-Slow: 1\r\n" if sock in heads else b" ")
                except OSError:
                    closed_after[sock] = time.monotonic() - started
            answer = client.get(f"/entities/{KOMID}", headers=auth(), timeout=5)
            assert answer.status_code == 200
            served += 1
            time.sleep(1)
    finally:
        for sock in heads + bodies:
            sock.close()
    assert all(sock in closed_after for sock in heads), "slow request heads were held open"
    assert all(sock in closed_after for sock in bodies), "slow request bodies were held open"
    assert max(closed_after[sock] for sock in heads) <= HEAD_TIMEOUT + 3
    assert max(closed_after[sock] for sock in bodies) <= BODY_TIMEOUT + 3
    assert served >= HEAD_TIMEOUT / 2
