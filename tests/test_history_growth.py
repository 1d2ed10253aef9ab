"""History that does not grow per unchanged run (issue 21, point 4), through the CLI: a run
that re-reads the same bytes adds a reference per check, no copied verdict, no roll-up row and
no copied snapshot metadata, while `history`, `status` and the reports still see every run."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from click.testing import CliRunner

from factcheck.cli.app import main
from factcheck.store.database import Store
from tests.site import Page, Site

START = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
QUOTE = "the bridge will open to traffic in the spring of next year"
PAGE = (
    "<html><head><title>Bridge</title></head><body><article><p>The minister said {q}.</p>"
    + "<p>Other news of the day, told at length.</p>" * 20
    + "</article></body></html>"
)


def factcheck(claims: Path, *args: str, day: int, exit_code: int = 0) -> str:
    with time_machine.travel(START + timedelta(days=day), tick=False):
        result = CliRunner().invoke(
            main, [*args, "--claims", str(claims)], env={"COLUMNS": "200"}, catch_exceptions=False
        )
    assert result.exit_code == exit_code, result.output
    return result.stdout


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as con:
        return {
            table: con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("checks", "carried_checks", "claim_results", "check_timeline")
        } | {
            "metadata": con.execute(
                "SELECT COUNT(*) FROM snapshots WHERE metadata IS NOT NULL"
            ).fetchone()[0]
        }


def test_unchanged_due_runs_add_references_only(tmp_path: Path, site: Site) -> None:
    site.pages.update(
        {
            "/a": Page(PAGE.format(q=QUOTE), headers={"ETag": '"a"'}),
            "/b": Page(PAGE.format(q=QUOTE)),
        }
    )
    claims = tmp_path / "claims.yaml"
    claim = {"claim": "The minister spoke.", "quote": QUOTE, "recheck": "1d"}
    claims.write_text(
        json.dumps(
            {
                "claims": [
                    {"id": "one", **claim, "sources": [site.url("/a"), site.url("/b")]},
                    {"id": "two", **claim, "sources": [site.url("/a")]},
                ]
            }
        )
    )
    db = tmp_path / "factcheck.db"
    factcheck(claims, "check", day=0)
    first = counts(db)
    assert first == {
        "checks": 3,
        "carried_checks": 0,
        "claim_results": 2,
        "check_timeline": 3,
        "metadata": 2,
    }
    for day in (2, 4, 6):
        factcheck(claims, "check", "--due", day=day)
    assert counts(db) == {**first, "carried_checks": 9, "check_timeline": 12}

    timeline = json.loads(factcheck(claims, "history", "one", "--json", day=7))["sources"]
    for points in timeline.values():  # one point per run, as before
        assert [p["checked_at"][:10] for p in points] == [
            "2026-12-01",
            "2026-12-03",
            "2026-12-05",
            "2026-12-07",
        ]
        assert {(p["fetch_status"], p["quote_status"]) for p in points} == {("fetched", "verbatim")}
    status = json.loads(factcheck(claims, "status", "--json", day=7))["claims"]
    for c in status:
        assert (c["status"], c["previous_status"]) == ("supported", "supported")
        assert c["checked_at"].startswith("2026-12-07")
        assert {s["checked_at"][:10] for s in c["sources"]} == {"2026-12-07"}
    report = json.loads(factcheck(claims, "report", "--format", "json", day=7))
    one = next(c for c in report["claims"] if c["id"] == "one")
    assert [(p["checked_at"][:10], p["status"]) for p in one["history"]] == [
        ("2026-12-01", "supported"),  # the change (its first roll-up) ...
        ("2026-12-07", "supported"),  # ... and its last roll-up
    ]
    assert [s["metadata"]["title"] for s in one["sources"]] == ["Bridge", "Bridge"]

    edited = PAGE.format(q=QUOTE.replace("spring", "autumn"))
    site.pages["/a"] = Page(edited, headers={"ETag": '"a2"'})
    factcheck(claims, "check", "--due", day=8, exit_code=3)  # 3: a claim got worse
    changed = counts(db)
    assert changed["checks"] == 5 and changed["carried_checks"] == 10  # /a re-read, /b carried
    assert changed["metadata"] == 3  # the new bytes' title and metadata, once
    after = json.loads(factcheck(claims, "status", "--json", day=8))["claims"]
    moved = [c["id"] for c in after if c["status"] != c["previous_status"]]
    assert "two" in moved and changed["claim_results"] == 2 + len(moved)  # a row per change


def _work(con: sqlite3.Connection, read: Callable[[], object]) -> int:
    """SQLite virtual-machine steps (in hundreds) that `read` takes: its work, not its time."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    con.set_progress_handler(count, 100)
    try:
        read()
    finally:
        con.set_progress_handler(None, 100)
    return steps


def test_a_due_runs_reads_of_the_schedule_do_not_grow_with_history(tmp_path: Path) -> None:
    """What a due run reads first (each source's last fetch, its conditional request) is one
    index seek per source: 300 more runs of history leave the work the same."""
    store = Store.open(tmp_path / "fc.db")
    urls = [f"https://example.org/{i}" for i in range(20)]
    ids = [store.writer.source_id(url, create=True) for url in urls]
    run_id = store.writer.start_run("full", "claims.yaml", "1")
    con = store.db.conn

    def runs(count: int) -> None:
        with con:
            con.executemany(
                "INSERT INTO snapshots (source_id, run_id, fetched_at, fetch_status, etag, "
                "body_hash, from_cache) VALUES (?, ?, ?, 'fetched', ?, ?, 0)",
                [
                    (
                        sid,
                        run_id,
                        f"2026-12-{1 + n % 28:02d}T00:00:{n % 60:02d}Z",
                        f'"{n}"',
                        "ab" * 32,
                    )
                    for n in range(count)
                    for sid in ids
                ],
            )

    def reads() -> tuple[object, object]:
        return store.reader.last_fetched(), store.reader.fetch_requests([(u, False) for u in urls])

    runs(3)
    before = _work(con, reads)
    runs(300)
    after = _work(con, reads)
    last, requests = reads()
    plain = dict(
        con.execute(
            "SELECT s.url, MAX(sn.fetched_at) FROM sources s JOIN snapshots sn "
            "ON sn.source_id = s.id GROUP BY s.url"
        ).fetchall()
    )
    assert last == plain  # the same answers as a scan of every fetch
    assert isinstance(requests, list) and {r.etag for r in requests} == {'"299"'}  # the newest
    assert after <= before + 5, (before, after)
