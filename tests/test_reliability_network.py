"""Network safety: allowed schemes, no credentials across origins, TLS on, private addresses."""

from __future__ import annotations

import socket
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from webserver import TestServer, page, redirect

from factcheck.fetch.fetcher import Fetcher
from factcheck.models import FetchRequest, FetchResult, FetchStatus
from factcheck.settings import Settings
from factcheck.snapshots.cache import SnapshotCache
from tests.test_fetch import tls_server

if TYPE_CHECKING:
    from tests.conftest import Invoke

__all__ = ["tls_server"]
SECRETS = {"Authorization": "Bearer s3cret", "Cookie": "session=s3cret"}


@pytest.mark.parametrize(
    "source",
    [
        "file:///etc/passwd",
        "file://localhost/etc/hosts",
        "ftp://127.0.0.1/x",
        "javascript:alert(1)",
        "data:text/html,hi",
        "gopher://127.0.0.1:70/1",
        "ldap://127.0.0.1/",
        "dict://127.0.0.1:11211/stat",
    ],
)
def test_only_http_https_and_local_paths_are_accepted(
    tmp_path: Path, source: str, invoke: Invoke
) -> None:
    claims = tmp_path / "claims.yaml"
    claims.write_text(f"claims:\n  - id: a\n    claim: x\n    sources: ['{source}']\n")
    code, out, err = invoke("check", "--claims", str(claims), "--db", str(tmp_path / "f.db"))
    assert code == 4
    assert out == ""
    assert "bad source" in err and "Traceback" not in err
    assert not (tmp_path / "f.db").exists()


def test_a_local_path_is_read_as_a_file(tmp_path: Path, invoke: Invoke) -> None:
    (tmp_path / "statement.txt").write_text("The minister said the talks were useful.\n")
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        "claims:\n  - id: a\n    claim: x\n    quote: the talks were useful\n"
        "    sources: [statement.txt]\n"
    )
    code, _, err = invoke("check", "--claims", str(claims), "--db", str(tmp_path / "f.db"))
    assert code == 0, err


@pytest.fixture
def second_host() -> Iterator[TestServer]:
    """A server on 127.0.0.2: another host, not just another port."""
    server = _serve_on("127.0.0.2")
    yield server
    _stop(server)


def _serve_on(address: str) -> TestServer:
    server = TestServer()
    if address != "127.0.0.1":
        server.socket.close()
        server.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.server_address = (address, 0)
        server.server_bind()
        server.server_activate()
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return server


def _stop(server: TestServer) -> None:
    server.stopping.set()
    server.shutdown()
    server.server_close()


def fetch_one(url: str, tmp_path: Path, **changes: object) -> FetchResult:
    settings = Settings(cache_dir=tmp_path / "cache", retries=0, **changes)  # type: ignore[arg-type]
    results: list[FetchResult] = []
    Fetcher(settings, SnapshotCache(settings.cache_dir)).fetch_many(
        [FetchRequest(url)], results.append
    )
    return results[0]


def leaked(server: TestServer, path: str) -> set[str]:
    headers = [h for p, h in server.log if p == path]
    assert headers, f"{path} was never requested"
    return {name.lower() for h in headers for name in h} & {"authorization", "cookie"}


def test_credentials_stay_with_their_host_across_a_redirect(
    web_server: TestServer, second_host: TestServer, tmp_path: Path
) -> None:
    target = f"http://127.0.0.2:{second_host.server_address[1]}/landing"
    second_host.add("/landing", page("<p>landed</p>"))
    url = web_server.add("/start", redirect(target))
    result = fetch_one(url, tmp_path, host_headers={"127.0.0.1": SECRETS})
    assert result.status is FetchStatus.FETCHED
    assert leaked(web_server, "/start") == {"authorization", "cookie"}  # sent where configured
    assert leaked(second_host, "/landing") == set()


def test_a_set_cookie_does_not_follow_a_redirect_to_another_port(
    web_server: TestServer, tmp_path: Path
) -> None:
    other = _serve_on("127.0.0.1")
    try:
        other.add("/landing", page("<p>landed</p>"))

        def set_cookie_and_redirect(h: object) -> None:
            h.send(302, b"", None, {"Location": other.url("/landing"), "Set-Cookie": "sid=1"})  # type: ignore[attr-defined]

        url = web_server.add("/start", set_cookie_and_redirect)
        assert fetch_one(url, tmp_path).status is FetchStatus.FETCHED
        assert leaked(other, "/landing") == set()
    finally:
        _stop(other)


def test_credentials_stay_with_their_origin_across_ports(
    web_server: TestServer, tmp_path: Path
) -> None:
    other = _serve_on("127.0.0.1")
    try:
        other.add("/landing", page("<p>landed</p>"))
        url = web_server.add("/start", redirect(other.url("/landing")))
        result = fetch_one(url, tmp_path, host_headers={"127.0.0.1": SECRETS})
        assert result.status is FetchStatus.FETCHED
        assert leaked(other, "/landing") == set()
    finally:
        _stop(other)


def test_tls_is_verified_by_default_through_the_cli(
    tls_server: tuple[TestServer, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    invoke: Invoke,
) -> None:
    server, _ = tls_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    server.add("/secure", page("<p>The talks were useful.</p>"))
    url = server.url("/secure").replace("http://", "https://")
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        f"claims:\n  - id: a\n    claim: x\n    quote: The talks were useful.\n"
        f"    sources: [{url}]\n"
    )
    db = tmp_path / "f.db"
    code, _, err = invoke("check", "--claims", str(claims), "--db", str(db), "--retries", "0")
    assert code == 3, err  # unavailable
    con = sqlite3.connect(db)
    status, reason = con.execute("SELECT fetch_status, reason FROM snapshots").fetchone()
    con.close()
    assert status == "tls_error"
    assert "certificate" in reason.lower()


def test_refuse_private_refuses_loopback(web_server: TestServer, tmp_path: Path) -> None:
    url = web_server.add("/inside", page("<p>internal</p>"))
    result = fetch_one(url, tmp_path, refuse_private=True)
    assert result.status is FetchStatus.INVALID
    assert "private address" in result.reason
    assert web_server.hits["/inside"] == 0
    assert fetch_one(url, tmp_path).status is FetchStatus.FETCHED  # off by default


def test_cli_can_refuse_private_addresses(
    web_server: TestServer, tmp_path: Path, invoke: Invoke
) -> None:
    url = web_server.add("/inside", page("<p>internal</p>"))
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        f"claims:\n  - id: a\n    claim: x\n    quote: internal\n    sources: [{url}]\n"
    )
    code, _, err = invoke(
        "check", "--claims", str(claims), "--db", str(tmp_path / "f.db"), "--refuse-private"
    )
    assert code == 3, err
    assert web_server.hits["/inside"] == 0
