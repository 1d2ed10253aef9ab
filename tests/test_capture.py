"""Save Page Now (`factcheck archive`) against a fake save server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from webserver import Handler, TestServer, status

from factcheck.cli.archive import register
from factcheck.cli.common import FactcheckGroup
from factcheck.settings import Settings
from factcheck.wayback.capture import Pacer, save_pages

SETTINGS = Settings(connect_timeout=1.0, request_deadline=2.0)


class FakeClock:
    """Time that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def captured(timestamp: str) -> object:
    def route(h: Handler) -> None:
        original = h.path.split("/save/", 1)[1]
        h.send(200, b"saved", "text/html", {"Content-Location": f"/web/{timestamp}/{original}"})

    return route


def test_saves_each_url_spaced_by_the_interval(web_server: TestServer) -> None:
    urls = ["https://news.example/a", "https://news.example/b", "https://news.example/c"]
    for url in urls:
        web_server.add(f"/save/{url}", captured("20260101000000"))  # type: ignore[arg-type]
    clock = FakeClock()
    results = save_pages(
        urls,
        SETTINGS,
        endpoint=web_server.url("/save/"),
        pacer=Pacer(5.0, clock, clock.sleep),
    )
    assert [r.outcome for r in results] == ["saved"] * 3
    assert results[0].capture_url == f"{web_server.base}/web/20260101000000/{urls[0]}"
    assert "-> " + results[0].capture_url in results[0].line()
    assert clock.sleeps == [5.0, 5.0]  # nothing before the first, then one interval each
    sent = [headers for path, headers in web_server.log]
    assert all(h["User-Agent"].startswith("factcheck/") for h in sent)


def test_redirect_location_names_the_capture(web_server: TestServer) -> None:
    url = "https://news.example/r"
    location = "https://archive.example/web/20260102000000/" + url
    web_server.add(f"/save/{url}", lambda h: h.send(302, b"", None, {"Location": location}))
    clock = FakeClock()
    [result] = save_pages(
        [url], SETTINGS, endpoint=web_server.url("/save/"), pacer=Pacer(5, clock, clock.sleep)
    )
    assert (result.outcome, result.capture_url, result.http_status) == ("saved", location, 302)


def test_429_fails_that_source_and_widens_the_gap(web_server: TestServer) -> None:
    urls = ["https://news.example/1", "https://news.example/2", "https://news.example/3"]
    web_server.add(f"/save/{urls[0]}", status(429, **{"Retry-After": "30"}))
    for url in urls[1:]:
        web_server.add(f"/save/{url}", captured("20260103000000"))  # type: ignore[arg-type]
    clock = FakeClock()
    results = save_pages(
        urls, SETTINGS, endpoint=web_server.url("/save/"), pacer=Pacer(5.0, clock, clock.sleep)
    )
    assert results[0].outcome == "failed" and results[0].http_status == 429
    assert "rate limited" in results[0].line()
    assert [r.outcome for r in results[1:]] == ["saved", "saved"]
    assert clock.sleeps == [30.0, 30.0]  # Retry-After honoured, and the gap stays wide


def test_server_error_and_unreachable_are_failures(web_server: TestServer) -> None:
    url = "https://news.example/down"
    web_server.add(f"/save/{url}", status(503))
    clock = FakeClock()
    [result] = save_pages(
        [url], SETTINGS, endpoint=web_server.url("/save/"), pacer=Pacer(0, clock, clock.sleep)
    )
    assert (result.outcome, result.http_status) == ("failed", 503)
    assert "HTTP 503" in result.line()
    [dead] = save_pages([url], SETTINGS, endpoint="http://127.0.0.1:9/save/", interval=0)
    assert dead.outcome == "failed" and dead.http_status is None and dead.reason


def test_archive_command_saves_live_sources(web_server: TestServer, tmp_path: Path) -> None:
    good, gone = "https://news.example/good", "https://news.example/gone"
    web_server.add(f"/save/{good}", captured("20260104000000"))  # type: ignore[arg-type]
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        "claims:\n"
        "  - id: c1\n    claim: Something happened.\n    sources:\n"
        f"      - url: {good}\n"
        "  - id: c2\n    claim: Something else.\n    sources:\n"
        f"      - url: {gone}\n"
    )
    main = FactcheckGroup()  # the root group translates errors to exit codes
    register(main)
    args = ["archive", "--claims", str(claims), "--claim", "c1"]
    args += ["--endpoint", web_server.url("/save/"), "--interval", "0"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert f"saved      {good} -> {web_server.base}/web/20260104000000/{good}" in result.stdout
    assert gone not in result.stdout
    assert "1 saved, 0 requested, 0 failed" in result.stderr
    missing = CliRunner().invoke(
        main, ["archive", "--claims", str(claims), "--claim", "nope"], catch_exceptions=False
    )
    assert missing.exit_code == 4 and "nope" in missing.stderr
