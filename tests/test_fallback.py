"""Archive fallback against a local fake CDX and capture server: hit, miss, archived error page."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.claims.load import load_claims
from factcheck.run import run_check
from factcheck.settings import Settings
from factcheck.store.database import Store
from factcheck.wayback.fallback import Capture, cdx_request, parse_cdx, pick_captures
from tests.site import Page, Site

QUOTE = "we will keep every hospital in the region open for the next ten years"
PAGE = f"<html><body><p>The minister said {QUOTE}.</p></body></html>"
CDX_LINES = {
    # url -> CDX lines (urlkey timestamp original mimetype statuscode digest length)
    "/dead": [
        "k 20251219093000 {u} text/html 200 D1 100",
        "k 20240101000000 {u} text/html 200 D0 9",
    ],
    "/edited": ["k 20251218000000 {u} text/html 200 D2 100"],
    "/error-capture": [
        "k 20251219000000 {u} text/html 200 D3 100",
        "k 20251201000000 {u} text/html 200 D4 100",
    ],
    "/never-archived": [],
}


@pytest.fixture
def pages() -> dict[str, Page]:
    return {
        "/edited": Page("<p>The minister said we will keep most hospitals open.</p>"),
        "/error-capture": Page("gone", status=410),
        "/never-archived": Page("gone", status=404),
    }


@pytest.fixture
def site(site: Site) -> Site:
    """The pages, plus a fake CDX API and the captures it lists."""

    def cdx(query: dict[str, str]) -> Page:
        path = "/" + query["url"].split("/", 3)[3]
        lines = [line.format(u=query["url"]) for line in CDX_LINES.get(path, [])]
        return Page("\n".join(lines) + "\n", content_type="text/plain")

    def capture(ts: str, path: str, page: Page) -> None:
        site.pages[f"/web/{ts}id_/{site.url(path)}"] = page

    capture("20251219093000", "/dead", Page(PAGE))
    capture("20251218000000", "/edited", Page(PAGE))
    capture(
        "20251219000000",
        "/error-capture",
        Page("<html><head><title>404 Not Found</title></head><body>Not found</body></html>"),
    )
    capture("20251201000000", "/error-capture", Page(PAGE))
    site.routes_by_query["/cdx"] = cdx
    return site


def archive_settings(tmp_path: Path, site: Site, archive: bool = True) -> Settings:
    return Settings(
        db_path=tmp_path / "fc.db",
        cache_dir=tmp_path / "cache",
        retries=0,
        archive=archive,
        archive_cdx=site.url("/cdx"),
        archive_base=site.url("/web"),
    )


def test_fallback_verifies_the_quote_in_the_nearest_good_capture(
    tmp_path: Path, site: Site
) -> None:
    paths = ["/dead", "/edited", "/error-capture", "/never-archived"]
    lines = ["article: {title: T, published: 2025-12-19}", "claims:"]
    for p in paths:
        lines += [
            f"  - id: c{p.replace('/', '-')}",
            "    claim: The minister promised.",
            f'    quote: "{QUOTE}"',
            f"    sources: [{site.url(p)}]",
        ]
    (tmp_path / "claims.yaml").write_text("\n".join(lines) + "\n")
    cfg = archive_settings(tmp_path, site)
    store = Store.open(cfg.db_path)
    summary = run_check(cfg, load_claims(tmp_path / "claims.yaml"), store)
    rows = {
        r["claim_id"]: r
        for r in store.db.query(
            "SELECT claim_id, fetch_status, quote_status, archive_url, "
            "archived_at, archive_status FROM checks"
        )
    }
    dead = rows["c-dead"]
    assert dead["fetch_status"] == "gone"
    assert dead["archive_status"] == "verbatim"
    assert dead["archived_at"] == "2025-12-19T09:30:00Z"  # nearest the citation date
    assert dead["archive_url"] == site.url(f"/web/20251219093000/{site.url('/dead')}")
    assert rows["c-edited"]["quote_status"] in ("altered", "paraphrase", "absent")
    assert rows["c-edited"]["archive_status"] == "verbatim"
    # the nearest capture is an archived error page: rejected, the next one used
    assert rows["c-error-capture"]["archived_at"] == "2025-12-01T00:00:00Z"
    assert rows["c-never-archived"]["archive_url"] is None
    status = {o.claim_id: o.status.value for o in summary.outcomes}
    assert status == {
        "c-dead": "supported",
        "c-edited": "supported",
        "c-error-capture": "supported",
        "c-never-archived": "unavailable",
    }


def test_an_archive_answer_for_a_carried_over_verdict_is_recorded_with_it(
    tmp_path: Path, site: Site
) -> None:
    """The second run carries the first's verdict on /edited over (same bytes) and asks the
    archive again: that run's check becomes a copy holding the archive's answer (issue 21)."""
    (tmp_path / "claims.yaml").write_text(
        "article: {title: T, published: 2025-12-19}\nclaims:\n  - id: e\n    claim: c\n"
        f'    quote: "{QUOTE}"\n    sources: [{site.url("/edited")}]\n'
    )
    cfg = archive_settings(tmp_path, site)
    store = Store.open(cfg.db_path)
    first = run_check(cfg, load_claims(tmp_path / "claims.yaml"), store)
    second = run_check(cfg, load_claims(tmp_path / "claims.yaml"), store)
    rows = list(
        store.db.query(
            "SELECT run_id, reused, quote_status, archive_status FROM check_timeline ORDER BY run_id"
        )
    )
    assert [(r["run_id"], r["reused"], r["archive_status"]) for r in rows] == [
        (first.run_id, 0, "verbatim"),
        (second.run_id, 1, "verbatim"),  # carried over, and the archive's answer kept
    ]
    assert rows[0]["quote_status"] == rows[1]["quote_status"] != "verbatim"
    assert store.db.execute("SELECT COUNT(*) FROM carried_checks").fetchone()[0] == 0
    assert [o.status.value for o in second.outcomes] == ["supported"]


def test_no_archive_lookups_unless_enabled(tmp_path: Path, site: Site) -> None:
    (tmp_path / "claims.yaml").write_text(
        f'claims:\n  - id: a\n    claim: c\n    quote: "{QUOTE}"\n    sources: [{site.url("/dead")}]\n'
    )
    cfg = archive_settings(tmp_path, site, archive=False)
    run_check(cfg, load_claims(tmp_path / "claims.yaml"), Store.open(cfg.db_path))
    assert not any(hit.startswith("/cdx") for hit in site.hits)


def test_cdx_parsing_and_picking() -> None:
    text = (
        "org,x)/ 20251219093000 https://x.org/ text/html 200 A 1\n"
        "org,x)/ 20251220000000 https://x.org/ text/html 404 B 1\n"
        "garbage line\n"
        "org,x)/ 20240101000000 https://x.org/ text/html 200 C 1\n"
    )
    captures = parse_cdx(text)
    assert [c.timestamp for c in captures] == ["20251219093000", "20251220000000", "20240101000000"]
    picked = pick_captures(captures, "2025-12-18")
    assert [c.timestamp for c in picked] == ["20251219093000", "20240101000000"]
    assert Capture("20251219093000", "u", "200", "text/html").captured_at == "2025-12-19T09:30:00Z"
    request = cdx_request("http://cdx.local/cdx", "https://x.org/a?b=1", "2025-12-18")
    assert (
        "closest=20251218" in request.url and "url=https%3A%2F%2Fx.org%2Fa%3Fb%3D1" in request.url
    )
