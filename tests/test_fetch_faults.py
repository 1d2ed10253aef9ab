"""The issue-4 fault suite: one test per fault on a real 127.0.0.1 server, plus a mixed run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from webserver import (
    PNG_BYTES,
    TestServer,
    endless_chunked,
    flaky,
    gzip_bomb,
    huge_length,
    make_pdf,
    news_page,
    page,
    redirect,
    reset_mid_body,
    slow_headers,
    slowloris,
    status,
    truncated,
)

from factcheck.extract.pdf import pdf_to_text
from factcheck.fetch import politeness, request
from factcheck.fetch.decode import decode_body
from factcheck.fetch.fetcher import Fetcher
from factcheck.fetch.process import fetch_in_process
from factcheck.models import FetchRequest, FetchResult, FetchStatus
from factcheck.settings import Settings
from factcheck.snapshots.cache import SnapshotCache

RETRIES = 2


def fast_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Tiny timeouts and caps so every fault resolves in well under a second or two."""
    values: dict[str, object] = {
        "cache_dir": tmp_path / "cache",
        "connect_timeout": 1.0,
        "read_timeout": 0.3,
        "request_deadline": 0.8,
        "retries": RETRIES,
        "backoff_base": 0.01,
        "retry_after_cap": 0.2,
        "max_bytes": 1_000_000,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def fetch(settings: Settings, *urls: str, own_process: bool = False) -> dict[str, FetchResult]:
    """Fetch `urls` on the fetch thread, or (`own_process`) in a forked process of their own."""
    fetcher = Fetcher(settings, SnapshotCache(settings.cache_dir))
    out: dict[str, FetchResult] = {}
    requests = [FetchRequest(url) for url in urls]
    if own_process:  # directly: can_fork() refuses this process (its server thread is alive)
        fetch_in_process(fetcher, requests, lambda r: out.__setitem__(r.url, r))
    else:
        fetcher.fetch_many(requests, lambda r: out.__setitem__(r.url, r))
    assert set(out) == set(urls)
    return out


def fetch_one(tmp_path: Path, url: str, **overrides: object) -> FetchResult:
    return fetch(fast_settings(tmp_path, **overrides), url)[url]


def test_slow_headers_time_out_after_retries(web_server: TestServer, tmp_path: Path) -> None:
    url = web_server.add("/slow", slow_headers(2.0))
    result = fetch_one(tmp_path, url)
    assert result.status is FetchStatus.TIMEOUT
    assert web_server.hits["/slow"] == RETRIES + 1
    assert result.body is None


def test_slowloris_body_hits_the_request_deadline(web_server: TestServer, tmp_path: Path) -> None:
    url = web_server.add("/loris", slowloris(every=0.05))
    result = fetch_one(tmp_path, url, retries=0, request_deadline=0.6)
    assert result.status is FetchStatus.TIMEOUT
    assert "0.6" in result.reason


def test_connection_reset_mid_body_is_unreachable(web_server: TestServer, tmp_path: Path) -> None:
    url = web_server.add("/reset", reset_mid_body())
    result = fetch_one(tmp_path, url)
    assert result.status is FetchStatus.UNREACHABLE
    assert web_server.hits["/reset"] == RETRIES + 1  # connection errors are retried
    assert result.body is None


def test_truncated_body_is_not_taken_as_the_page(web_server: TestServer, tmp_path: Path) -> None:
    url = web_server.add("/short", truncated(sent=100, declared=1000))
    result = fetch_one(tmp_path, url)
    assert result.status is FetchStatus.UNREACHABLE
    assert "broken" in result.reason or "reset" in result.reason
    assert result.body is None


def test_429_with_retry_after_then_200(
    web_server: TestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []

    def recorded(*args: Any) -> float:
        waits.append(politeness.backoff(*args))
        return waits[-1]

    monkeypatch.setattr(request, "backoff", recorded)
    url = web_server.add("/limited", flaky(429, times=1, **{"Retry-After": "2"}))
    result = fetch_one(tmp_path, url)
    assert result.status is FetchStatus.FETCHED
    assert web_server.hits["/limited"] == 2
    assert waits == [0.2]  # Retry-After: 2 honoured up to the 0.2 s cap


def test_429_forever_is_blocked_not_dead(web_server: TestServer, tmp_path: Path) -> None:
    url = web_server.add("/wall", status(429, **{"Retry-After": "1"}))
    result = fetch_one(tmp_path, url)
    assert result.status is FetchStatus.BLOCKED
    assert result.http_status == 429
    assert web_server.hits["/wall"] == RETRIES + 1


def test_503_twice_then_200(web_server: TestServer, tmp_path: Path) -> None:
    url = web_server.add("/busy", flaky(503, times=2))
    result = fetch_one(tmp_path, url)
    assert result.status is FetchStatus.FETCHED
    assert result.http_status == 200
    assert web_server.hits["/busy"] == 3
    assert result.body is not None and b"finally" in result.body


def test_500_forever_is_server_error(web_server: TestServer, tmp_path: Path) -> None:
    url = web_server.add("/broken", status(500))
    result = fetch_one(tmp_path, url)
    assert result.status is FetchStatus.SERVER_ERROR
    assert result.http_status == 500
    assert web_server.hits["/broken"] == RETRIES + 1


def test_redirect_loop(web_server: TestServer, tmp_path: Path) -> None:
    url = web_server.add("/a", redirect("/b"))
    web_server.add("/b", redirect("/a"))
    result = fetch_one(tmp_path, url)
    assert result.status is FetchStatus.REDIRECT_LOOP
    assert result.redirects == (url, web_server.url("/b"))
    assert web_server.hits["/a"] == 1  # a loop is not retried


def test_redirect_to_site_root_is_soft_404(web_server: TestServer, tmp_path: Path) -> None:
    web_server.add("/", page("<html><title>Home</title><p>Welcome</p></html>"))
    url = web_server.add("/news/2024/story", redirect("/", 301))
    result = fetch_one(tmp_path, url)
    assert result.status is FetchStatus.GONE
    assert result.final_url == web_server.url("/")
    assert result.redirects == (url,)
    assert "site root" in result.reason


def test_5gb_content_length_is_too_large_without_reading(
    web_server: TestServer, tmp_path: Path
) -> None:
    url = web_server.add("/huge", huge_length())
    result = fetch_one(tmp_path, url)
    assert result.status is FetchStatus.TOO_LARGE
    assert "5368709120" in result.reason


def test_endless_chunked_body_stops_at_the_limit(web_server: TestServer, tmp_path: Path) -> None:
    url = web_server.add("/endless", endless_chunked())
    result = fetch_one(tmp_path, url, max_bytes=300_000)
    assert result.status is FetchStatus.TOO_LARGE
    assert result.body is None


def test_gzip_bomb_is_bounded(web_server: TestServer, tmp_path: Path) -> None:
    url = web_server.add("/bomb", gzip_bomb())
    result = fetch_one(tmp_path, url)
    assert result.status is FetchStatus.TOO_LARGE


def test_bad_charset_declaration(web_server: TestServer, tmp_path: Path) -> None:
    text = "<html><title>Café</title><p>Māori naïve résumé</p></html>"
    url = web_server.add("/bogus", page(text.encode(), "text/html; charset=x-no-such-charset"))
    result = fetch_one(tmp_path, url)
    assert result.status is FetchStatus.FETCHED
    assert result.body is not None
    assert "Māori naïve résumé" in decode_body(result.body, result.content_type)


def test_meta_charset_disagrees_with_header(web_server: TestServer, tmp_path: Path) -> None:
    text = "<html><head><meta charset='utf-8'></head><p>Te Pāti Māori – “quoted”</p></html>"
    url = web_server.add("/meta", page(text.encode(), "text/html; charset=ISO-8859-1"))
    result = fetch_one(tmp_path, url)
    assert result.status is FetchStatus.FETCHED
    assert result.body is not None
    assert "Te Pāti Māori – “quoted”" in decode_body(result.body, result.content_type)


def test_empty_200_is_not_a_readable_page(web_server: TestServer, tmp_path: Path) -> None:
    url = web_server.add("/empty", page(b""))
    result = fetch_one(tmp_path, url)
    assert result.status is FetchStatus.SERVER_ERROR
    assert result.http_status == 200
    assert "empty" in result.reason


def test_pdf_is_fetched_with_page_offsets(web_server: TestServer, tmp_path: Path) -> None:
    pdf = make_pdf(["First page words", "Second page says the quote"], title="Report")
    url = web_server.add("/report.pdf", page(pdf, "application/pdf"))
    result = fetch_one(tmp_path, url)
    assert result.status is FetchStatus.FETCHED
    assert result.body == pdf
    text = pdf_to_text(result.body)
    assert text.title == "Report"
    second = text.text.index("Second page says the quote")
    assert text.page_starts == (0, second)


def test_binary_image_is_unsupported(web_server: TestServer, tmp_path: Path) -> None:
    url = web_server.add("/photo.png", page(PNG_BYTES, "image/png"))
    sneaky = web_server.add("/photo", page(PNG_BYTES, "application/octet-stream"))
    results = fetch(fast_settings(tmp_path), url, sneaky)
    assert results[url].status is FetchStatus.UNSUPPORTED
    assert "image/png" in results[url].reason
    assert results[sneaky].status is FetchStatus.UNSUPPORTED
    assert web_server.hits["/photo.png"] == 1


@pytest.mark.parametrize("own_process", [False, True], ids=["thread", "process"])
def test_mixed_run_classifies_every_fault_and_fetches_every_good_page(
    web_server: TestServer, tmp_path: Path, own_process: bool
) -> None:
    web_server.add("/", page("<html><title>Home</title></html>"))
    faults = {
        web_server.add("/slow", slow_headers(2.0)): FetchStatus.TIMEOUT,
        web_server.add("/loris", slowloris()): FetchStatus.TIMEOUT,
        web_server.add("/reset", reset_mid_body()): FetchStatus.UNREACHABLE,
        web_server.add("/short", truncated()): FetchStatus.UNREACHABLE,
        # on another host name: a 429 rightly slows its host down for the rest of the run
        web_server.add(
            "/limited", flaky(429, 1, **{"Retry-After": "2"}), host="localhost"
        ): FetchStatus.FETCHED,
        web_server.add("/busy", flaky(503, 2)): FetchStatus.FETCHED,
        web_server.add("/broken", status(500)): FetchStatus.SERVER_ERROR,
        web_server.add("/loop-a", redirect("/loop-b")): FetchStatus.REDIRECT_LOOP,
        web_server.add("/gone-story", redirect("/")): FetchStatus.GONE,
        web_server.add("/huge", huge_length()): FetchStatus.TOO_LARGE,
        web_server.add("/bomb", gzip_bomb()): FetchStatus.TOO_LARGE,
        web_server.add(
            "/bogus", page(b"<p>ok</p>", "text/html; charset=nope")
        ): FetchStatus.FETCHED,
        web_server.add("/empty", page(b"")): FetchStatus.SERVER_ERROR,
        web_server.add("/doc.pdf", page(make_pdf(["pdf text"]), "application/pdf")): (
            FetchStatus.FETCHED
        ),
        web_server.add("/img", page(PNG_BYTES, "image/png")): FetchStatus.UNSUPPORTED,
        web_server.add("/missing", status(404)): FetchStatus.GONE,
        web_server.add("/private", status(403)): FetchStatus.BLOCKED,
    }
    web_server.add("/loop-b", redirect("/loop-a"))
    good = {web_server.add(f"/story/{n}", page(news_page(n))): n for n in range(30)}
    results = fetch(fast_settings(tmp_path), *faults, *good, own_process=own_process)
    assert {url: results[url].status for url in faults} == faults
    for url, n in good.items():
        assert results[url].status is FetchStatus.FETCHED
        assert results[url].body == news_page(n)
        assert results[url].body_hash is not None
    cache = SnapshotCache(tmp_path / "cache")
    for url in good:
        assert cache.get(results[url].body_hash or "") == results[url].body
