"""Fetcher behaviour: statuses, politeness, conditional requests, offline, proxy, TLS, robots."""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_fetch_faults import fast_settings, fetch
from webserver import (
    TestServer,
    held,
    make_pdf,
    page,
    redirect,
    slow_headers,
    status,
)

from factcheck.fetch import politeness
from factcheck.fetch.classify import WALL_MAX_BYTES, judge_page
from factcheck.fetch.fetcher import Fetcher
from factcheck.fetch.politeness import HostGate, parse_retry_after
from factcheck.fetch.transport import origin, proxy_for
from factcheck.models import FetchRequest, FetchResult, FetchStatus
from factcheck.settings import Settings
from factcheck.snapshots.cache import SnapshotCache

Handler = Callable[[httpx.Request], httpx.Response]
HTML = {"content-type": "text/html; charset=utf-8"}


def mock_fetch(
    handler: Handler, tmp_path: Path, *requests: FetchRequest, **overrides: object
) -> list[FetchResult]:
    settings = fast_settings(tmp_path, **overrides)
    fetcher = Fetcher(settings, SnapshotCache(settings.cache_dir), httpx.MockTransport(handler))
    out: list[FetchResult] = []
    fetcher.fetch_many(requests, out.append)
    order = {r.url: i for i, r in enumerate(requests)}
    return sorted(out, key=lambda r: order[r.url])


def one(handler: Handler, tmp_path: Path, url: str, **overrides: object) -> FetchResult:
    return mock_fetch(handler, tmp_path, FetchRequest(url), **overrides)[0]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (404, FetchStatus.GONE),
        (410, FetchStatus.GONE),
        (401, FetchStatus.BLOCKED),
        (403, FetchStatus.BLOCKED),
        (451, FetchStatus.BLOCKED),
        (400, FetchStatus.BLOCKED),
        (501, FetchStatus.SERVER_ERROR),
        (408, FetchStatus.TIMEOUT),
    ],
)
def test_http_codes_map_to_statuses(code: int, expected: FetchStatus, tmp_path: Path) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(code, headers=HTML, content=b"<p>no</p>")

    result = one(handler, tmp_path, "https://example.org/x")
    assert result.status is expected
    assert result.http_status == code
    assert str(code) in result.reason
    assert len(calls) == (3 if code == 408 else 1)  # only 408 of these is worth retrying


def test_fetched_result_records_everything(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"location": "/new"})
        headers = {**HTML, "etag": '"v1"', "last-modified": "Wed, 01 Jan 2025 00:00:00 GMT"}
        return httpx.Response(200, headers=headers, content=b"<p>body</p>")

    result = one(handler, tmp_path, "https://example.org/old")
    assert result.status is FetchStatus.FETCHED
    assert result.final_url == "https://example.org/new"
    assert result.redirects == ("https://example.org/old",)
    assert (result.etag, result.last_modified) == ('"v1"', "Wed, 01 Jan 2025 00:00:00 GMT")
    assert result.body == b"<p>body</p>"
    assert result.body_hash is not None and len(result.body_hash) == 64
    assert result.fetched_at.endswith("Z") and "T" in result.fetched_at
    assert result.elapsed_ms >= 0


def test_user_agent_and_host_headers_are_sent(tmp_path: Path) -> None:
    seen: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        return httpx.Response(200, headers=HTML, content=b"<p>x</p>")

    rules = {"example.org": {"X-Api-Key": "k"}}
    one(handler, tmp_path, "https://www.example.org/", user_agent="ua/1 (+url)", host_headers=rules)
    assert seen[0]["user-agent"] == "ua/1 (+url)"
    assert seen[0]["x-api-key"] == "k"


def test_credentials_never_follow_a_redirect_to_another_host(tmp_path: Path) -> None:
    seen: dict[str, httpx.Headers] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen[request.url.host] = request.headers
        if request.url.host == "private.example":
            return httpx.Response(302, headers={"location": "https://elsewhere.example/page"})
        return httpx.Response(200, headers=HTML, content=b"<p>x</p>")

    rules = {"private.example": {"Authorization": "Bearer secret"}}
    result = one(handler, tmp_path, "https://private.example/doc", host_headers=rules)
    assert result.status is FetchStatus.FETCHED
    assert seen["private.example"]["authorization"] == "Bearer secret"
    assert "authorization" not in seen["elsewhere.example"]
    seen.clear()
    result = one(handler, tmp_path, "https://user:pw@private.example/doc")
    assert seen["private.example"]["authorization"].startswith("Basic ")
    assert "authorization" not in seen["elsewhere.example"]


def test_a_cookie_check_redirect_gets_its_cookie_back_and_no_other_origin_does(
    tmp_path: Path,
) -> None:
    """Some sites set a cookie and redirect to themselves to see it come back."""
    cookies: dict[str, str | None] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        cookies[request.url.host] = request.headers.get("cookie")
        if request.url.host == "other.example":
            return httpx.Response(200, headers=HTML, content=b"<p>other</p>")
        if request.headers.get("cookie") != "seen=1":
            headers = {"location": "/doc", "set-cookie": "seen=1"}  # the same URL again
            return httpx.Response(302, headers=headers)
        return httpx.Response(200, headers=HTML, content=b"<p>the story</p>")

    first, second = mock_fetch(
        handler,
        tmp_path,
        FetchRequest("https://news.example/doc"),
        FetchRequest("https://other.example/page"),
        max_connections=1,
    )
    assert first.status is FetchStatus.FETCHED and first.body == b"<p>the story</p>"
    assert first.redirects == ("https://news.example/doc",)
    assert cookies == {"news.example": "seen=1", "other.example": None}
    assert second.status is FetchStatus.FETCHED


def test_origins_are_compared_as_rfc_6454_says() -> None:
    assert origin("https://News.Example:443/a") == origin("https://news.example/b")
    assert origin("http://news.example:80/") == "http://news.example"
    assert origin("https://user:pw@news.example/") == "https://news.example"
    assert origin("https://news.example:8443/") != origin("https://news.example/")
    assert origin("http://news.example/") != origin("https://news.example/")


@pytest.mark.parametrize("set_cookie", [None, "seen=1"])
def test_a_redirect_back_with_nothing_new_to_send_is_a_loop(
    set_cookie: str | None, tmp_path: Path
) -> None:
    asked: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.headers.get("cookie"))
        headers = {"location": "/doc"} | ({"set-cookie": set_cookie} if set_cookie else {})
        return httpx.Response(302, headers=headers)

    [result] = mock_fetch(handler, tmp_path, FetchRequest("https://news.example/doc"))
    assert result.status is FetchStatus.REDIRECT_LOOP
    # asked once, and once more with the cookie if one was set; not ten times
    assert asked == [None] + ([set_cookie] if set_cookie else [])


@pytest.mark.parametrize(
    ("body", "location", "expected"),
    [
        (b"<html><title>Just a moment...</title></html>", None, FetchStatus.BLOCKED),
        (b"<html><title>Page not found</title></html>", None, FetchStatus.GONE),
        (b"<p>ok</p>", "https://consent.example.org/?continue=x", FetchStatus.BLOCKED),
        (b"<p>ok</p>", "/errors/404.html", FetchStatus.GONE),
        (b"<p>ok</p>", "/story-moved-here", FetchStatus.FETCHED),
    ],
)
def test_walls_and_soft_404s(
    body: bytes, location: str | None, expected: FetchStatus, tmp_path: Path
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if location and request.url.path == "/story":
            return httpx.Response(302, headers={"location": location})
        return httpx.Response(200, headers=HTML, content=body)

    assert one(handler, tmp_path, "https://example.org/story").status is expected


ARTICLE = b"<p>" + b"A paragraph of the story. " * 4000 + b"</p>"  # well over WALL_MAX_BYTES


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<html><TITLE lang=en>\n Just a moment... </TITLE>" + ARTICLE, FetchStatus.BLOCKED),
        (b"<title>Attention Required! | Cloudflare</title>", FetchStatus.BLOCKED),
        (b"<title>x</title><script src='/_Incapsula_Resource?SWJIYLWA=1'>", FetchStatus.BLOCKED),
        (b"<div id=px-captcha></div>", FetchStatus.BLOCKED),
        (b"<title>Error 404: gone</title><p>Try the home page.</p>", FetchStatus.GONE),
        (b"<title>  Not Found</title>", FetchStatus.GONE),
        (b"<title>News</title><h1>Page <em>not found</em></h1><p>Sorry.</p>", FetchStatus.GONE),
        # a title that says not found is not enough: an article's length of text is read
        (b"<title>Error 404: the album that changed punk</title>" + ARTICLE, None),
        # a readable article that loads a wall's script is not a wall
        (b"<title>Story</title><script src=/cdn-cgi/challenge-platform/x>" + ARTICLE, None),
        # only the page's own title counts, not one in an inline SVG further down
        (b"<title>Story</title><svg><title>Page not found</title></svg>", None),
        (b"<title>Found: the 404 club</title>", None),
    ],
)
def test_judge_page_finds_walls_and_soft_404s_in_the_body(
    body: bytes, expected: FetchStatus | None
) -> None:
    assert len(ARTICLE) > WALL_MAX_BYTES
    page = FetchResult(
        "https://example.org/story",
        FetchStatus.FETCHED,
        "t",
        200,
        content_type="text/html; charset=utf-8",
    )
    verdict = judge_page(page.url, page, body)
    assert (verdict[0] if verdict else None) is expected


def test_challenge_header_is_blocked_and_not_retried(tmp_path: Path) -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503, headers={"cf-mitigated": "challenge"})

    assert one(handler, tmp_path, "https://example.org/").status is FetchStatus.BLOCKED
    assert len(calls) == 1


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/x", "http://", "not a url", "http://example.org:99999/", "javascript:x"],
)
def test_invalid_urls_are_never_requested(url: str, tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    assert one(handler, tmp_path, url).status is FetchStatus.INVALID


def test_redirect_to_another_scheme_is_invalid(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "file:///etc/passwd"})

    result = one(handler, tmp_path, "https://example.org/")
    assert result.status is FetchStatus.INVALID
    assert result.redirects == ("https://example.org/",)


def test_skip_hosts(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    result = one(handler, tmp_path, "https://a.paywall.example/x", skip_hosts={"paywall.example"})
    assert result.status is FetchStatus.BLOCKED
    assert "skip" in result.reason


def test_refuse_private_addresses(web_server: TestServer, tmp_path: Path) -> None:
    web_server.add("/p", page("<p>x</p>"))
    urls = [web_server.url("/p"), web_server.url("/p", host="localhost")]
    results = fetch(fast_settings(tmp_path, refuse_private=True), *urls)
    for url in urls:
        assert results[url].status is FetchStatus.INVALID
        assert "private" in results[url].reason
    assert web_server.hits["/p"] == 0
    assert fetch(fast_settings(tmp_path), urls[0])[urls[0]].status is FetchStatus.FETCHED


def test_local_files(tmp_path: Path) -> None:
    html = tmp_path / "page.html"
    html.write_text("<p>local words</p>")
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(make_pdf(["pdf words"]))
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2000)
    blob = tmp_path / "blob.bin"
    blob.write_bytes(b"\x00\x01\x02" * 10)
    reqs = [FetchRequest(str(p), is_file=True) for p in (html, pdf, big, blob)]
    reqs.append(FetchRequest(str(tmp_path / "missing.html"), is_file=True))

    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    got = mock_fetch(handler, tmp_path, *reqs, max_bytes=1000)
    assert [r.status for r in got] == [
        FetchStatus.FETCHED,
        FetchStatus.FETCHED,
        FetchStatus.TOO_LARGE,
        FetchStatus.UNSUPPORTED,
        FetchStatus.INVALID,
    ]
    assert got[0].body == b"<p>local words</p>" and got[0].content_type == "text/html"
    assert got[1].content_type == "application/pdf"


def test_offline_serves_the_cache_or_not_cached(tmp_path: Path) -> None:
    cache = SnapshotCache(tmp_path / "cache")
    digest = cache.put(b"<p>snapshot</p>")

    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("offline must not touch the network")

    hit, miss = mock_fetch(
        handler,
        tmp_path,
        FetchRequest("https://example.org/a", previous_hash=digest),
        FetchRequest("https://example.org/b"),
        offline=True,
    )
    assert (hit.status, hit.from_cache, hit.body, hit.body_hash) == (
        FetchStatus.FETCHED,
        True,
        b"<p>snapshot</p>",
        digest,
    )
    assert miss.status is FetchStatus.NOT_CACHED


def test_304_reuses_the_snapshot(tmp_path: Path) -> None:
    cache = SnapshotCache(tmp_path / "cache")
    digest = cache.put(b"<p>v1</p>")
    seen: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers={"etag": '"v1"'})
        return httpx.Response(200, headers=HTML, content=b"<p>v2</p>")

    req = FetchRequest(
        "https://example.org/a", etag='"v1"', last_modified="Wed, 01 Jan 2025", previous_hash=digest
    )
    result = mock_fetch(handler, tmp_path, req)[0]
    assert (result.status, result.not_modified, result.http_status) == (
        FetchStatus.FETCHED,
        True,
        304,
    )
    assert result.body == b"<p>v1</p>" and result.body_hash == digest
    assert seen[0]["if-modified-since"] == "Wed, 01 Jan 2025"


def test_304_with_a_lost_snapshot_refetches_unconditionally(tmp_path: Path) -> None:
    seen: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        if "if-none-match" in request.headers:
            return httpx.Response(304)
        return httpx.Response(200, headers=HTML, content=b"<p>fresh</p>")

    req = FetchRequest("https://example.org/a", etag='"v1"', previous_hash="ab" * 32)
    result = mock_fetch(handler, tmp_path, req)[0]
    assert result.status is FetchStatus.FETCHED and not result.not_modified
    assert result.body == b"<p>fresh</p>"
    assert len(seen) == 2 and "if-none-match" not in seen[1]


def test_parse_retry_after() -> None:
    assert parse_retry_after("7") == 7.0
    later = parse_retry_after(formatdate(time.time() + 60, usegmt=True))
    assert later is not None and 55 < later <= 61
    assert parse_retry_after(formatdate(time.time() - 60, usegmt=True)) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_a_host_slows_only_when_two_of_its_urls_answer_429_then_is_given_up() -> None:
    host = HostGate(limit=4, interval=0.0)
    assert host.rate_limited("/a", retry_after=5, cap=30) is None
    assert host.rate_limited("/a", retry_after=5, cap=30) is None  # one URL backs off alone
    assert (host.limit, host.interval) == (4, 0.0)
    assert "one request every 5 s" in (host.rate_limited("/b", retry_after=5, cap=30) or "")
    assert (host.limit, host.interval) == (1, 5)
    host.answered()  # serving again: the count starts over, the host stays slowed
    assert host.rate_limited("/c", None, 30) is None and host.rate_limited("/d", None, 30) is None
    assert "kept answering 429" in (host.rate_limited("/e", None, 30) or "")
    assert host.blocked
    slowest = HostGate(limit=4, interval=0.0)
    slowest.rate_limited("/a", 500, cap=30)
    slowest.rate_limited("/b", 500, cap=30)
    assert slowest.interval == 30


class _Delegate:
    """A module stand-in: the given attributes, the real module's for everything else."""

    def __init__(self, module: object, **overrides: object) -> None:
        self.module, self.overrides = module, overrides

    def __getattr__(self, name: str) -> Any:
        return self.overrides[name] if name in self.overrides else getattr(self.module, name)


@pytest.fixture
def gate_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits host gates ask for, on a clock that moves only by them: no wall clock."""
    waits: list[float] = []
    clock = [1000.0]
    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds
        await real_sleep(0)

    monkeypatch.setattr(politeness, "time", _Delegate(time, monotonic=lambda: clock[0]))
    monkeypatch.setattr(politeness, "asyncio", _Delegate(asyncio, sleep=sleep))
    return waits


def test_a_host_answering_429_to_two_urls_goes_one_at_a_time(
    web_server: TestServer, tmp_path: Path, gate_waits: list[float]
) -> None:
    limited = [web_server.add(f"/limited{i}", status(429)) for i in (1, 2)]
    later = []
    for i in range(3):  # each waits 0.2 s, by when the 429s have arrived, then redirects
        web_server.add(f"/p{i}", page("<p>x</p>"))
        later.append(web_server.add(f"/r{i}", held(redirect(f"/p{i}"), 0.2)))
    settings = fast_settings(tmp_path, retries=0, request_deadline=3, read_timeout=1)
    results = fetch(settings, *limited, *later)
    assert all(results[url].status is FetchStatus.BLOCKED for url in limited)
    assert all(results[url].status is FetchStatus.FETCHED for url in later)
    # once both URLs answered 429, the rest go one at a time, 1 s apart (capped to 0.2 s)
    assert len(gate_waits) >= 2 and gate_waits == pytest.approx([0.2] * len(gate_waits))


def test_per_host_and_global_limits(web_server: TestServer, tmp_path: Path) -> None:
    urls = [web_server.add(f"/h{i}", held(page("<p>x</p>"), 0.15)) for i in range(9)]
    fetch(fast_settings(tmp_path, per_host=3), *urls)
    assert web_server.peak == 3
    web_server.peak = 0
    both = [web_server.url(f"/h{i}", host) for i in range(4) for host in ("127.0.0.1", "localhost")]
    fetch(fast_settings(tmp_path, per_host=4, max_connections=2), *both)
    assert web_server.peak == 2


def test_minimum_interval_between_requests_to_one_host(
    web_server: TestServer, tmp_path: Path, gate_waits: list[float]
) -> None:
    urls = [web_server.add(f"/t{i}", page("<p>x</p>")) for i in range(4)]
    results = fetch(fast_settings(tmp_path, host_interval=0.2), *urls)
    assert all(r.status is FetchStatus.FETCHED for r in results.values())
    assert gate_waits == pytest.approx([0.2, 0.2, 0.2])  # each request 0.2 s after the last


def test_run_deadline_ends_every_request(web_server: TestServer, tmp_path: Path) -> None:
    urls = [web_server.add(f"/s{i}", slow_headers(3.0)) for i in range(6)]
    results = fetch(
        fast_settings(tmp_path, run_deadline=0.5, read_timeout=5, request_deadline=5), *urls
    )
    # the pages answer after 3 s, inside each request's own 5 s: only the run's 0.5 s ends them
    assert all(r.status is FetchStatus.TIMEOUT for r in results.values())


def test_results_arrive_in_completion_order(web_server: TestServer, tmp_path: Path) -> None:
    slow = web_server.add("/slow", held(page("<p>slow</p>"), 0.3))
    fast = web_server.add("/fast", page("<p>fast</p>"))
    settings = fast_settings(tmp_path)
    fetcher = Fetcher(settings, SnapshotCache(settings.cache_dir))

    async def collect() -> list[str]:
        return [r.url async for r in fetcher.fetch_all([FetchRequest(slow), FetchRequest(fast)])]

    assert asyncio.run(collect()) == [fast, slow]


def test_a_failing_consumer_stops_the_run(web_server: TestServer, tmp_path: Path) -> None:
    urls = [web_server.add(f"/c{i}", page("<p>x</p>")) for i in range(50)]
    settings = fast_settings(tmp_path)
    fetcher = Fetcher(settings, SnapshotCache(settings.cache_dir))

    def explode(result: FetchResult) -> None:
        raise RuntimeError("consumer failed")

    with pytest.raises(RuntimeError, match="consumer failed"):
        fetcher.fetch_many([FetchRequest(u) for u in urls], explode)
    assert threading.active_count() < 10


def test_robots_txt_is_respected_when_asked(web_server: TestServer, tmp_path: Path) -> None:
    web_server.add("/robots.txt", page("User-agent: *\nDisallow: /private\n", "text/plain"))
    public = web_server.add("/public", page("<p>x</p>"))
    private = web_server.add("/private/doc", page("<p>x</p>"))
    results = fetch(fast_settings(tmp_path, respect_robots=True), public, private)
    assert results[public].status is FetchStatus.FETCHED
    assert results[private].status is FetchStatus.BLOCKED
    assert "robots.txt" in results[private].reason
    assert web_server.hits["/robots.txt"] == 1 and web_server.hits["/private/doc"] == 0


def test_robots_txt_server_error_disallows_everything(
    web_server: TestServer, tmp_path: Path
) -> None:
    web_server.add("/robots.txt", status(500))
    url = web_server.add("/page", page("<p>x</p>"))
    assert fetch(fast_settings(tmp_path, respect_robots=True), url)[url].status is (
        FetchStatus.BLOCKED
    )
    web_server.routes["/robots.txt"] = status(404)
    assert fetch(fast_settings(tmp_path, respect_robots=True), url)[url].status is (
        FetchStatus.FETCHED
    )


def test_proxy_environment_is_used(
    web_server: TestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", web_server.base)
    target = "http://origin.invalid/story"
    web_server.add(target, page("<p>via the proxy</p>"))  # a proxy sees the absolute URL
    result = fetch(fast_settings(tmp_path), target)[target]
    assert result.status is FetchStatus.FETCHED
    assert result.body == b"<p>via the proxy</p>"
    assert web_server.hits[target] == 1


def test_proxy_for_honours_no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALL_PROXY", "http://proxy.corp:3128")
    monkeypatch.setenv("NO_PROXY", "internal.corp,localhost")
    assert proxy_for("https://example.org/x") == "http://proxy.corp:3128"
    assert proxy_for("https://wiki.internal.corp/x") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://secure.corp:8443")
    assert proxy_for("https://example.org/x") == "http://secure.corp:8443"


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[TestServer, Path]]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    server = TestServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield server, cert
    server.stopping.set()
    server.shutdown()
    server.server_close()


def test_tls_verification_and_ssl_cert_file(
    tls_server: tuple[TestServer, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, cert = tls_server
    server.add("/secure", page("<p>secret</p>"))
    url = server.url("/secure").replace("http://", "https://")
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    refused = fetch(fast_settings(tmp_path), url)[url]
    assert refused.status is FetchStatus.TLS_ERROR
    assert "certificate" in refused.reason.lower()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    trusted = fetch(fast_settings(tmp_path), url)[url]
    assert trusted.status is FetchStatus.FETCHED
    assert trusted.body == b"<p>secret</p>"


def test_unreachable_port(tmp_path: Path) -> None:
    url = "http://127.0.0.1:9/nothing"
    result = fetch(Settings(cache_dir=tmp_path, retries=1, backoff_base=0.01), url)[url]
    assert result.status is FetchStatus.UNREACHABLE
    assert result.http_status is None


def test_redirect_relative_location_and_chain(web_server: TestServer, tmp_path: Path) -> None:
    web_server.add("/final", page("<p>done</p>"))
    web_server.add("/two", redirect("final", 307))
    url = web_server.add("/one", redirect(web_server.url("/two"), 308))
    result = fetch(fast_settings(tmp_path), url)[url]
    assert result.status is FetchStatus.FETCHED
    assert result.redirects == (url, web_server.url("/two"))
    assert result.final_url == web_server.url("/final")


def test_unknown_host_is_not_retried_but_a_dns_hiccup_is() -> None:
    from factcheck.fetch.transport import classify_error

    for errno_, retry in ((socket.EAI_NONAME, False), (socket.EAI_AGAIN, True)):
        err = httpx.ConnectError("lookup failed")
        err.__cause__ = socket.gaierror(errno_, "name lookup")
        status_, reason, retryable = classify_error(err)
        assert (status_, retryable) == (FetchStatus.UNREACHABLE, retry)
        assert reason.startswith("DNS lookup failed")


def test_unresolvable_host_is_asked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: str | bytes, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name != "no-such-host.invalid":
            return real(host, *args, **kwargs)
        asked.append(name)  # answered here: the test makes no DNS lookup
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    url = "http://no-such-host.invalid/x"
    result = fetch(fast_settings(tmp_path, retries=3, backoff_base=1.0), url)
    assert result[url].status is FetchStatus.UNREACHABLE
    assert result[url].reason.startswith("DNS lookup failed")
    assert asked == ["no-such-host.invalid"]  # not retried


def test_a_slow_consumer_pauses_fetching(tmp_path: Path) -> None:
    served: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        served.append(str(request.url))
        return httpx.Response(200, headers=HTML, content=b"<p>quote</p>")

    settings = fast_settings(tmp_path, max_connections=2)
    fetcher = Fetcher(settings, SnapshotCache(settings.cache_dir), httpx.MockTransport(handler))
    urls = [f"https://news.example/{i}" for i in range(300)]
    seen: list[FetchResult] = []
    served_while_paused: list[int] = []

    def slow(result: FetchResult) -> None:
        if not seen:
            time.sleep(0.3)  # the loop keeps going until the hand-off and its slots are full
            served_while_paused.append(len(served))
        seen.append(result)

    fetcher.fetch_many([FetchRequest(u) for u in urls], slow)
    assert len(seen) == 300 and all(r.status is FetchStatus.FETCHED for r in seen)
    # at most the fetch-ahead slots (16) plus the hand-off (16) and a few in flight
    assert 16 <= served_while_paused[0] <= 40


def test_a_bug_while_fetching_is_an_error_status_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 15: an exception of ours is `error` with its traceback logged, never `unreachable`."""

    def buggy(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("a bug in the request code")

    with caplog.at_level("ERROR", logger="factcheck"):
        result = one(buggy, tmp_path, "https://example.org/page")
    assert result.status is FetchStatus.ERROR
    assert "internal error: RuntimeError: a bug in the request code" in result.reason
    assert any(r.exc_info and r.exc_info[0] is RuntimeError for r in caplog.records)
    assert "https://example.org/page" in caplog.text


def test_a_bug_outside_the_request_is_an_error_status(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factcheck.fetch.request import FetchRun

    async def broken(self: FetchRun, req: FetchRequest) -> FetchResult:
        raise KeyError("bug")

    monkeypatch.setattr(FetchRun, "fetch", broken)
    with caplog.at_level("ERROR", logger="factcheck"):
        result = one(lambda r: httpx.Response(200), tmp_path, "https://example.org/p")
    assert result.status is FetchStatus.ERROR
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)


def test_the_fetch_threads_leave_ctrl_c_to_the_caller(tmp_path: Path) -> None:
    """Issue 15: SIGINT delivered to a fetch thread would wait unhandled while the caller's
    thread blocks on the next result (seen as a `check` ignoring Ctrl-C for a slow page)."""
    import signal

    masks: list[set[signal.Signals]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        masks.append(signal.pthread_sigmask(signal.SIG_BLOCK, []))
        return httpx.Response(200, headers=HTML, content=b"<p>hi</p>")

    assert one(handler, tmp_path, "https://example.org/").status is FetchStatus.FETCHED
    assert masks and all(signal.SIGINT in m and signal.SIGTERM in m for m in masks)
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
