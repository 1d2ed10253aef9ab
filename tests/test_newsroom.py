"""Scheduled re-verification a newsroom can leave running (issue 17), through the CLI.

Each test runs `factcheck` commands on a local site at injected times (time-machine moves
the wall clock every timestamp comes from; the event loop's monotonic clock is untouched).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner, Result
from webserver import TestServer, flaky, page, status

from factcheck.cli.app import main
from tests.site import Page, Site, serve

START = datetime(2026, 12, 1, 6, 15, tzinfo=UTC)
QUOTE = "the bridge will open to traffic in the spring of next year"
STORY = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>The minister said {sentence}.</p>"
    + "<p>Other news of the day, told at length.</p>" * 40
    + "</article></body></html>"
)


def story(sentence: str = QUOTE, title: str = "Bridge news", etag: str | None = None) -> Page:
    headers = {"ETag": f'"{etag}"'} if etag else {}
    return Page(STORY.format(title=title, sentence=sentence), headers=headers)


def factcheck(*args: str, at: datetime = START) -> Result:
    """One `factcheck` command, run as if the clock said `at` (cron's view of time)."""
    with time_machine.travel(at, tick=True):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write_claims(path: Path, claims: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps({"claims": claims}, indent=1))  # JSON is YAML
    return path


def quote_claim(cid: str, url: str, quote: str = QUOTE, **extra: object) -> dict[str, object]:
    return {
        "id": cid,
        "claim": f"The minister spoke ({cid}).",
        "quote": quote,
        "sources": [url],
        **extra,
    }


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as s:
        yield s


# -- point 5: back-off per URL, then per host, never silent ----------------------------------


def test_one_url_answering_429_does_not_stall_its_host(
    tmp_path: Path, web_server: TestServer
) -> None:
    urls = [
        web_server.add(f"/p{i}", page(STORY.format(title="t", sentence=QUOTE))) for i in range(9)
    ]
    limited = web_server.add("/busy", status(429, **{"Retry-After": "100"}))
    claims = write_claims(
        tmp_path / "claims.yaml", [quote_claim(f"c{i}", u) for i, u in enumerate([limited, *urls])]
    )
    result = factcheck("check", "--claims", str(claims), "--json")
    assert result.exit_code == 3
    statuses = {c["id"]: c["status"] for c in json.loads(result.stdout)["claims"]}
    assert statuses["c0"] == "unavailable"
    assert all(statuses[f"c{i}"] == "supported" for i in range(1, 10))
    assert web_server.hits["/busy"] == 1  # Retry-After 100 s is more than --max-wait 60 s
    assert f"not waiting 100 s more (--max-wait 60 s per source) for {limited}" in result.stderr
    assert "429:" not in result.stderr.replace("HTTP 429", "")  # the host was never slowed
    shown = factcheck("show", "c0", "--claims", str(claims)).stdout
    assert "blocked" in shown and "--max-wait" in shown


def test_a_wait_is_announced_on_stderr_when_piped(tmp_path: Path, web_server: TestServer) -> None:
    good = page(STORY.format(title="t", sentence=QUOTE))
    url = web_server.add("/limited", flaky(429, 1, good, **{"Retry-After": "1"}))
    claims = write_claims(tmp_path / "claims.yaml", [quote_claim("c", url)])
    result = factcheck("check", "--claims", str(claims))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"waiting 1 s to ask {url} again: HTTP 429, Retry-After 1 s"
    ]


def test_a_host_that_keeps_answering_429_is_blocked_for_the_rest_of_the_run(
    tmp_path: Path, web_server: TestServer
) -> None:
    urls = [web_server.add(f"/p{i}", status(429, **{"Retry-After": "0"})) for i in range(12)]
    claims = write_claims(
        tmp_path / "claims.yaml", [quote_claim(f"c{i}", u) for i, u in enumerate(urls)]
    )
    result = factcheck("check", "--claims", str(claims), "--json")
    assert sum(web_server.hits.values()) < len(urls)  # not even one request per source
    assert "127.0.0.1: 2 of its pages answered 429: one request every 0 s" in result.stderr
    assert "127.0.0.1: it kept answering 429" in result.stderr
    data = json.loads(factcheck("status", "--claims", str(claims), "--json").stdout)
    fetches = [s["fetch_status"] for c in data["claims"] for s in c["sources"]]
    assert fetches == ["blocked"] * len(urls)


# -- point 6: soft 404 by evidence, not by title alone ---------------------------------------


def test_soft_404_needs_evidence_beyond_the_title(tmp_path: Path, site: Site) -> None:
    site.pages["/album"] = story(title="Error 404: the album that changed punk")
    site.pages["/forgets"] = story(title="Page not found – how the web forgets")
    site.pages["/short"] = Page("<title>Page not found</title><p>Try the search box.</p>")
    not_found_page = (
        "<html><head><title>Oops</title></head><body><h1>404 - not found</h1>"
        + "<p>Sections: politics world business sport culture opinion.</p>" * 40
        + "</body></html>"
    )
    site.pages["/gone-long"] = Page(not_found_page)  # answers 200, as soft 404s do
    site.not_found = Page(not_found_page, status=404)
    claims = write_claims(
        tmp_path / "claims.yaml",
        [
            quote_claim(name, site.url(f"/{name}"))
            for name in ("album", "forgets", "short", "gone-long")
        ],
    )
    factcheck("check", "--claims", str(claims))
    data = json.loads(factcheck("status", "--claims", str(claims), "--json").stdout)
    fetches = {c["id"]: c["sources"][0]["fetch_status"] for c in data["claims"]}
    assert fetches == {
        "album": "fetched",
        "forgets": "fetched",
        "short": "gone",
        "gone-long": "gone",
    }
    assert {c["id"]: c["status"] for c in data["claims"]}["album"] == "supported"
