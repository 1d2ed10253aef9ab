"""Re-verification: due runs, reuse of unchanged text, drift classes, fail-on, transitions."""

from __future__ import annotations

import json
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from factcheck import verify
from factcheck.claims.load import load_claims
from factcheck.cli.app import main
from factcheck.clock import utc_now
from factcheck.drift import Drift, classify_drift
from factcheck.models import (
    Claim,
    FetchResult,
    FetchStatus,
    QuoteMatch,
    QuoteStatus,
    SourceRef,
    Verification,
)
from factcheck.run import run_check
from factcheck.settings import Settings
from factcheck.snapshots.cache import SnapshotCache
from factcheck.store.database import Store
from factcheck.store.rows import CARRIED_OVER, check_row
from factcheck.verify import SourceChecker
from tests.site import Page, Site

QUOTE = "the bridge will open to traffic in the spring of next year"


def page(sentence: str, extra: str = "") -> Page:
    return Page(
        f"<html><body><p>{extra}</p><p>The minister said {sentence}.</p></body></html>",
        headers={"ETag": f'"{abs(hash(sentence + extra))}"'},
    )


@pytest.fixture
def pages() -> dict[str, Page]:
    return {f"/{name}": page(QUOTE) for name in ("same", "other", "edited", "removed", "moved")}


def claims_file(tmp_path: Path, site: Site, recheck: str = "7d") -> Path:
    lines = ["claims:"]
    for name in ("same", "other", "edited", "removed", "moved"):
        lines += [
            f"  - id: {name}",
            f"    claim: The minister said the bridge opens ({name}).",
            f'    quote: "{QUOTE}"',
            f"    recheck: {recheck}",
            f"    sources: [{site.url('/' + name)}]",
        ]
    path = tmp_path / "claims.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def settings(tmp_path: Path) -> Settings:
    return Settings(
        db_path=tmp_path / "fc.db",
        cache_dir=tmp_path / "cache",
        retries=0,
        read_timeout=2,
        connect_timeout=2,
        request_deadline=5,
    )


def test_due_run_checks_only_due_sources_and_reuses_unchanged_text(
    tmp_path: Path, site: Site
) -> None:
    path, cfg = claims_file(tmp_path, site), settings(tmp_path)
    store = Store.open(cfg.db_path)
    first = run_check(cfg, load_claims(path), store)
    assert first.sources_checked == 5
    soon = run_check(cfg, load_claims(path), store, due=True, now=utc_now() + timedelta(days=1))
    assert soon.sources_checked == 0  # nothing due after one day of a 7d interval
    assert {o.status.value for o in soon.outcomes} == {"supported"}  # carried from history
    later = run_check(cfg, load_claims(path), store, due=True, now=utc_now() + timedelta(days=8))
    assert later.sources_checked == 5
    reused = store.db.execute(
        "SELECT COUNT(*) FROM check_timeline WHERE reused = 1 AND run_id = ?", [later.run_id]
    ).fetchone()[0]
    assert reused == 5  # same text, same matcher: verdict carried over, not re-matched
    carried = store.db.execute("SELECT COUNT(*) FROM carried_checks").fetchone()[0]
    assert carried == 5  # ... as a reference to the check it carries, not a copy
    not_modified = store.db.execute(
        "SELECT COUNT(*) FROM snapshots WHERE not_modified = 1"
    ).fetchone()[0]
    assert not_modified == 5  # conditional requests answered 304


def test_a_304_whose_verdicts_carry_over_leaves_the_body_unread(
    tmp_path: Path, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, cfg = claims_file(tmp_path, site), settings(tmp_path)
    store = Store.open(cfg.db_path)
    run_check(cfg, load_claims(path), store)
    reads: list[str] = []
    real_get = SnapshotCache.get

    def counting_get(cache: SnapshotCache, digest: str) -> bytes | None:
        reads.append(digest)
        return real_get(cache, digest)

    texts: list[str] = []
    real_get_text = SnapshotCache.get_text

    def counting_get_text(cache: SnapshotCache, digest: str) -> object:
        texts.append(digest)
        return real_get_text(cache, digest)

    monkeypatch.setattr(SnapshotCache, "get", counting_get)
    monkeypatch.setattr(SnapshotCache, "get_text", counting_get_text)
    later = run_check(cfg, load_claims(path), store, now=utc_now() + timedelta(days=8))
    assert reads == texts == []  # five 304s, five verdicts carried over, nothing read
    sizes = store.db.execute(
        "SELECT DISTINCT size > 0, not_modified FROM snapshots WHERE run_id = ?", [later.run_id]
    ).fetchall()
    assert sizes == [(1, 1)]  # the snapshot's size is still recorded
    path.write_text(path.read_text().replace("opens (same)", "opened (same)"))
    changed = run_check(cfg, load_claims(path), store, now=utc_now() + timedelta(days=8))
    # the edited claim needs the text: read from the text cache (the body stays unread)
    assert len(texts) == 1 and reads == []
    status = store.db.execute(
        "SELECT quote_status, reused FROM checks WHERE run_id = ? AND claim_id = 'same'",
        [changed.run_id],
    ).fetchone()
    assert tuple(status) == ("verbatim", 0)


def test_304s_and_redirects_keep_their_connection(tmp_path: Path, site: Site) -> None:
    """An unread 304 or redirect body would close the connection: one TCP connect each."""
    path, cfg = claims_file(tmp_path, site), settings(tmp_path)
    cfg = replace(cfg, per_host=1)
    site.pages["/new-home"] = page(QUOTE)
    site.pages["/moved"] = Page("<p>moved</p>", status=301, headers={"Location": "/new-home"})
    store = Store.open(cfg.db_path)
    run_check(cfg, load_claims(path), store)
    before = site.connections
    later = run_check(cfg, load_claims(path), store, now=utc_now() + timedelta(days=8))
    not_modified = store.db.execute(
        "SELECT COUNT(*) FROM snapshots WHERE run_id = ? AND not_modified = 1", [later.run_id]
    ).fetchone()[0]
    assert not_modified == 5 and sum(site.hits.values()) == 12  # 6 + 6 (a redirect hop each)
    assert site.connections - before == 1  # six requests, one connection


def test_a_snapshot_gone_from_the_cache_when_needed_is_reported_not_lost(
    tmp_path: Path,
) -> None:
    cache = SnapshotCache(tmp_path / "cache")
    claim = Claim("a", "A said it.", quote=QUOTE, sources=(SourceRef("https://x.org/a"),))
    result = FetchResult(
        "https://x.org/a",
        FetchStatus.FETCHED,
        "2026-01-01T00:00:00Z",
        content_type="text/html",
        body_hash="ab" * 32,
    )
    outcome = SourceChecker(cache).verify_source(result, [claim], {})
    assert outcome.fetch.status is FetchStatus.NOT_CACHED
    assert "left the cache" in outcome.fetch.reason
    body = f"<p>The minister said {QUOTE}.</p>".encode()
    digest = cache.put(body)
    found = SourceChecker(cache).verify_source(replace(result, body_hash=digest), [claim], {})
    assert found.verifications[0].match.status.value == "verbatim"


def test_a_carried_over_verdict_is_recorded_as_the_full_path_would(
    tmp_path: Path, site: Site
) -> None:
    """A reused check is a reference to the earlier check: its verdict, with this run's fetch."""
    path, cfg = claims_file(tmp_path, site), settings(tmp_path)
    store = Store.open(cfg.db_path)
    run_check(cfg, load_claims(path), store)
    before = store.reader.latest_verifications(["same"])
    made: list[Verification] = []
    later = run_check(
        cfg,
        load_claims(path),
        store,
        now=utc_now() + timedelta(days=8),
        on_outcome=lambda outcome: made.extend(outcome.verifications),
    )
    reused = next(v for v in made if v.claim_id == "same")
    prior = before[("same", reused.url)]
    assert reused.reused and reused.reused_from == prior.check_id
    query = "SELECT * FROM check_timeline WHERE run_id = ? AND claim_id = 'same'"
    copied = next(store.db.query(query, [later.run_id]))
    link = "SELECT check_id, snapshot_id FROM carried_checks WHERE check_id = ?"
    assert list(store.db.execute(link, [prior.check_id])) == [
        (prior.check_id, copied["snapshot_id"])
    ]
    mine = "SELECT COUNT(*) FROM checks WHERE run_id = ? AND claim_id = 'same'"
    assert store.db.execute(mine, [later.run_id]).fetchone()[0] == 0  # no copy
    earlier = next(store.db.query("SELECT * FROM checks WHERE id = ?", [prior.check_id]))
    assert {k: copied[k] for k in CARRIED_OVER} == {k: earlier[k] for k in CARRIED_OVER}
    assert '"op": "equal"' in copied["diff"]  # the word-level detail came along
    fresh = check_row(later.run_id, copied["source_id"], copied["snapshot_id"], reused)
    for column in set(fresh) - set(CARRIED_OVER):
        assert copied[column] == fresh[column], column  # this run's fetch, the same verdict
    assert copied["reused"] == 1 and copied["run_id"] == later.run_id != earlier["run_id"]


def test_reuse_and_drift_compare_with_the_last_check_that_read_the_page(
    tmp_path: Path, site: Site
) -> None:
    """A failed check in between neither hides a removed quote nor forces a re-match."""
    path, cfg = claims_file(tmp_path, site), settings(tmp_path)
    store = Store.open(cfg.db_path)
    run_check(cfg, load_claims(path), store)
    good = {name: site.pages[f"/{name}"] for name in ("same", "removed")}
    for name in good:
        site.pages[f"/{name}"] = Page("down", status=500)
    run_check(cfg, load_claims(path), store)
    site.pages["/same"] = good["same"]  # back, the same bytes
    site.pages["/removed"] = Page("<p>This story no longer says it.</p>")
    back = run_check(cfg, load_claims(path), store)
    rows = {
        r[0]: tuple(r[1:])
        for r in store.db.execute(
            "SELECT claim_id, fetch_status, quote_status, reused, drift FROM check_timeline "
            "WHERE run_id = ? AND claim_id IN ('same', 'removed')",
            [back.run_id],
        )
    }
    assert rows["same"] == ("fetched", "verbatim", 1, None)  # carried over from run 1
    assert rows["removed"][0] == "fetched" and rows["removed"][3] == "removed"


def test_drift_classes(tmp_path: Path, site: Site) -> None:
    path, cfg = claims_file(tmp_path, site), settings(tmp_path)
    store = Store.open(cfg.db_path)
    run_check(cfg, load_claims(path), store)
    site.pages["/other"] = page(QUOTE, extra="An unrelated paragraph was added today.")
    site.pages["/edited"] = page(QUOTE.replace("spring", "autumn"))
    site.pages["/removed"] = Page("<p>This story has been updated and no longer says it.</p>")
    site.pages["/new-home"] = page(QUOTE, extra="Moved here.")
    site.pages["/moved"] = Page("", status=301, headers={"Location": site.url("/new-home")})
    summary = run_check(cfg, load_claims(path), store)
    drift = {
        r[0]: r[1]
        for r in store.db.execute(
            "SELECT claim_id, drift FROM check_timeline WHERE run_id = ?", [summary.run_id]
        )
    }
    assert drift == {
        "same": None,
        "other": "unchanged",
        "edited": "edited",
        "removed": "removed",
        "moved": "moved",
    }
    status = {o.claim_id: (o.status.value, o.change) for o in summary.outcomes}
    assert status["edited"] == ("misquoted", "worse")
    assert status["removed"] == ("unverified", "worse")
    assert status["moved"] == ("supported", "same")
    transitions = [o.claim_id for o in summary.transitions()]
    assert transitions[0] == "edited"  # newly broken first, worst first


def test_diff_and_history_commands_show_the_change(tmp_path: Path, site: Site) -> None:
    path = claims_file(tmp_path, site)
    db = tmp_path / "fc.db"
    args = ["--claims", str(path), "--db", str(db)]
    runner = CliRunner()
    runner.invoke(main, ["check", *args], catch_exceptions=False)
    site.pages["/edited"] = page(QUOTE.replace("spring", "autumn"))
    runner.invoke(main, ["check", *args], catch_exceptions=False)
    out = runner.invoke(main, ["diff", "edited", *args], catch_exceptions=False).stdout
    assert "spring" in out and "autumn" in out and "edited" in out
    result = runner.invoke(main, ["history", "edited", *args, "--json"], catch_exceptions=False)
    points = json.loads(result.stdout)["sources"][site.url("/edited")]
    assert [p["quote_status"] for p in points] == ["verbatim", "altered"]
    assert points[1]["text_changed"] is True


def test_fail_on_selects_the_statuses_that_fail(tmp_path: Path, site: Site) -> None:
    path = claims_file(tmp_path, site)
    db = tmp_path / "fc.db"
    runner = CliRunner()
    base = ["check", "--claims", str(path), "--db", str(db), "--retries", "0"]
    assert runner.invoke(main, base, catch_exceptions=False).exit_code == 0
    site.pages["/removed"] = Page("<p>Nothing here now.</p>")
    result = runner.invoke(main, [*base, "--json", "--fail-on", "misquoted"])
    assert result.exit_code == 0  # only unverified, which we did not fail on
    summary = json.loads(result.stdout)
    [changed] = summary["changed"]
    assert changed.pop("reason").startswith("source changed: quote removed on ")
    assert changed == {
        "id": "removed",
        "status": "unverified",
        "previous": "supported",
        "change": "worse",
    }
    assert runner.invoke(main, [*base, "--fail-on", "unverified"]).exit_code == 3
    assert runner.invoke(main, [*base, "--fail-on", "any"]).exit_code == 3
    bad = runner.invoke(main, [*base, "--fail-on", "brokenish"])
    assert bad.exit_code == 2 and "brokenish" in bad.stderr


def test_status_json_shows_previous_status(tmp_path: Path, site: Site) -> None:
    path = claims_file(tmp_path, site)
    db = tmp_path / "fc.db"
    args = ["--claims", str(path), "--db", str(db)]
    runner = CliRunner()
    runner.invoke(main, ["check", *args], catch_exceptions=False)
    site.pages["/removed"] = Page("<p>Nothing here now.</p>")
    runner.invoke(main, ["check", *args], catch_exceptions=False)
    out = runner.invoke(main, ["status", *args, "--json"], catch_exceptions=False).stdout
    removed = next(c for c in json.loads(out)["claims"] if c["id"] == "removed")
    assert (removed["previous_status"], removed["status"]) == ("supported", "unverified")
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_editing_a_quote_in_the_claims_file_forces_a_fresh_match(
    tmp_path: Path, site: Site
) -> None:
    path, cfg = claims_file(tmp_path, site), settings(tmp_path)
    store = Store.open(cfg.db_path)
    run_check(cfg, load_claims(path), store)
    path.write_text(path.read_text().replace(QUOTE, QUOTE.replace("spring", "summer"), 1))
    summary = run_check(cfg, load_claims(path), store)
    status = {o.claim_id: o.status.value for o in summary.outcomes}
    assert status["same"] == "misquoted"  # not the stale 'supported' verdict
    assert status["other"] == "supported"


@pytest.mark.parametrize("workers", [1, 2])
def test_many_sources_in_worker_processes_match_the_sequential_verdicts(
    tmp_path: Path, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = ["claims:"]
    for i in range(60):
        page = tmp_path / f"p{i}.html"
        page.write_text(f"<p>The report found {i} schools closed in district {i}.</p>")
        quote = f"found {i + (i % 3 == 0)} schools closed in district {i}"
        lines += [
            f"  - id: c{i}",
            "    claim: Schools closed.",
            f'    quote: "{quote}"',
            f"    sources: [{page}]",
        ]
    path = tmp_path / "claims.yaml"
    path.write_text("\n".join(lines) + "\n")
    cfg = Settings(db_path=tmp_path / "fc.db", cache_dir=tmp_path / "cache", workers=workers)
    store = Store.open(cfg.db_path)
    summary = run_check(cfg, load_claims(path), store)
    status = {o.claim_id: o.status.value for o in summary.outcomes}
    assert status == {f"c{i}": "misquoted" if i % 3 == 0 else "supported" for i in range(60)}
    pools: list[int] = []
    real_pool = verify.start_pool

    def counting_pool(n: int) -> ProcessPoolExecutor:
        pools.append(n)
        return real_pool(n)

    monkeypatch.setattr(verify, "start_pool", counting_pool)
    again = run_check(cfg, load_claims(path), store)  # unchanged: carried over in this process
    assert {o.claim_id: o.status.value for o in again.outcomes} == status
    assert pools == []  # and no worker process started for nothing
    (tmp_path / "p3.html").write_text("<p>The report found 4 schools closed in district 3.</p>")
    changed = run_check(cfg, load_claims(path), store)
    assert {o.claim_id: o.status.value for o in changed.outcomes} == {**status, "c3": "supported"}
    assert pools == ([workers] if workers > 1 else [])


def test_a_huge_single_line_page_is_bounded(tmp_path: Path) -> None:
    from factcheck.verify import MAX_TEXT_CHARS

    page = tmp_path / "huge.txt"
    quote = "the inquiry found no evidence of wrongdoing by the council"
    page.write_text(f"{quote}. " + "filler " * 400_000 + "the tail quote nobody will reach")
    path = tmp_path / "claims.yaml"
    path.write_text(
        f'claims:\n  - id: head\n    claim: c\n    quote: "{quote}"\n    sources: [{page}]\n'
        f'  - id: tail\n    claim: c\n    quote: "the tail quote nobody will reach"\n'
        f"    sources: [{page}]\n"
    )
    cfg = Settings(db_path=tmp_path / "fc.db", cache_dir=tmp_path / "cache")
    summary = run_check(cfg, load_claims(path), Store.open(cfg.db_path))
    status = {o.claim_id: o.status.value for o in summary.outcomes}
    assert status == {"head": "supported", "tail": "unverified"}  # only the first 1M chars read
    assert page.stat().st_size > MAX_TEXT_CHARS
    reason = Store.open(cfg.db_path).db.execute("SELECT reason FROM snapshots").fetchone()[0]
    assert "cut to its first 1,000,000 characters" in reason


@pytest.mark.parametrize("now", ["altered", "out_of_context", "partial"])
def test_a_quote_hedged_or_cut_on_the_page_is_edited_drift(now: str) -> None:
    fetched = FetchResult("https://example.org/a", FetchStatus.FETCHED, "2026-01-01T00:00:00Z")

    def check(status: str, text_hash: str) -> Verification:
        return Verification("c", fetched.url, fetched, QuoteMatch(QuoteStatus(status)), text_hash)

    assert classify_drift(check("verbatim", "a"), check(now, "b")) is Drift.EDITED
    assert classify_drift(check("verbatim", "a"), check("absent", "b")) is Drift.REMOVED


def test_a_bug_while_extracting_one_page_neither_ends_the_run_nor_loses_its_verdict(
    tmp_path: Path, site: Site, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug of ours on one page (noticed in issue 15's work: the run ended with exit 1) is
    that source's `error`: the other pages are checked and recorded, its last verdict stands."""
    from factcheck.extract import html

    path, cfg = claims_file(tmp_path, site), settings(tmp_path)
    store = Store.open(cfg.db_path)
    run_check(cfg, load_claims(path), store)
    site.pages["/edited"] = page(QUOTE.replace("spring", "autumn"))
    site.pages["/other"] = page(QUOTE, extra="A paragraph added today.")
    real = html.extract_source

    def buggy(body: bytes, content_type: str | None, url: str) -> object:
        if url.endswith("/other"):
            raise RuntimeError("a bug in the extractor")
        return real(body, content_type, url)

    monkeypatch.setattr(html, "extract_source", buggy)
    later = run_check(cfg, load_claims(path), store)  # no exception
    outcomes = {o.claim_id: o for o in later.outcomes}
    assert outcomes["other"].status.value == "supported"  # as the first run left it
    assert "internal error: RuntimeError: a bug in the extractor" in outcomes["other"].reason
    assert outcomes["edited"].status.value == "misquoted"  # the other pages were checked
    assert "internal error checking" in caplog.text and "Traceback" in caplog.text
    rows = store.db.execute(
        "SELECT claim_id FROM check_timeline WHERE run_id = ?", [later.run_id]
    ).fetchall()
    assert sorted(r[0] for r in rows) == ["edited", "moved", "removed", "same"]  # not "other"
