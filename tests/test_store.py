"""The store: claims sync, links, removed claims, migrations and integrity (in-memory)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck.models import (
    Article,
    Claim,
    ClaimsFile,
    FetchResult,
    FetchStatus,
    QuoteMatch,
    QuoteStatus,
    SourceRef,
    Verification,
)
from factcheck.store.database import Store, use_wal
from factcheck.store.rows import CARRIED_OVER, FRESH_COLUMNS, WORD_DETAIL, check_row


def claims(*items: Claim) -> ClaimsFile:
    return ClaimsFile(path="claims.yaml", claims=items)


def links(store: Store) -> list[tuple[str, str, str | None]]:
    return [(r["claim_id"], r["url"], r["note"]) for r in store.reader.claim_sources()]


def test_sync_is_idempotent_and_follows_edits(store: Store) -> None:
    a = Claim("a", "Claim A", quote="q", sources=(SourceRef("https://x.org/1", note="n1"),))
    b = Claim("b", "Claim B", sources=(SourceRef("https://x.org/1"), SourceRef("https://x.org/2")))
    store.writer.sync_claims(claims(a, b))
    store.writer.sync_claims(claims(a, b))
    assert [r["id"] for r in store.reader.claim_rows()] == ["a", "b"]
    assert links(store) == [
        ("a", "https://x.org/1", "n1"),
        ("b", "https://x.org/1", None),
        ("b", "https://x.org/2", None),
    ]
    assert store.db.execute("SELECT COUNT(*) FROM sources").fetchone()[0] == 2

    edited = Claim("a", "Claim A", quote="q", sources=(SourceRef("https://x.org/3", note="n3"),))
    store.writer.sync_claims(claims(edited))
    assert [r["id"] for r in store.reader.claim_rows()] == ["a"]  # b removed from the file
    removed = store.reader.claim_row("b")
    assert removed is not None and removed["removed_at"] is not None
    assert links(store)[0] == ("a", "https://x.org/3", "n3")


def test_fresh_database_passes_integrity_and_has_foreign_keys(store: Store) -> None:
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    fks = {fk.other_table for fk in store.db.table("checks").foreign_keys}
    assert fks == {"runs", "claims", "sources", "snapshots"}


def test_stale_running_runs_are_marked_interrupted(store: Store) -> None:
    first = store.writer.start_run("full", "claims.yaml", "1")
    second = store.writer.start_run("full", "claims.yaml", "1")
    states = {r["id"]: r["state"] for r in store.db.query("SELECT id, state FROM runs")}
    assert states == {first: "interrupted", second: "running"}


def test_named_claims_are_found_even_after_removal_from_the_file(store: Store) -> None:
    store.writer.sync_claims(claims(Claim("a", "A"), Claim("b", "B")))
    store.writer.sync_claims(claims(Claim("a", "A")))
    assert [r["id"] for r in store.reader.claim_rows()] == ["a"]
    assert [r["id"] for r in store.reader.claim_rows(["b"])] == ["b"]


def test_article_header_is_kept_for_reports(store: Store) -> None:
    assert store.reader.article() is None
    header = Article(title="Pacts signed", url="https://x.org/a", published="2026-01-16")
    store.writer.sync_claims(ClaimsFile(path="claims.yaml", claims=(), article=header))
    assert store.reader.article() == header


def test_a_claims_file_already_synced_is_not_synced_again(store: Store) -> None:
    a = Claim("a", "Claim A", sources=(SourceRef("https://x.org/1"),))
    store.writer.sync_claims(ClaimsFile("claims.yaml", (a,), digest="d1"))
    store.db.execute("UPDATE claims SET claim = 'changed behind its back'")
    store.writer.sync_claims(ClaimsFile("claims.yaml", (a,), digest="d1"))  # same digest: skipped
    assert store.reader.claim_row("a")["claim"] == "changed behind its back"  # type: ignore[index]
    store.writer.sync_claims(ClaimsFile("claims.yaml", (a,), digest="d2"))  # another file: synced
    assert store.reader.claim_row("a")["claim"] == "Claim A"  # type: ignore[index]
    store.db.execute("UPDATE claims SET claim = 'again'")
    store.writer.sync_claims(claims(a))  # no digest (loaded without the cache): always synced
    assert store.reader.claim_row("a")["claim"] == "Claim A"  # type: ignore[index]
    store.db.execute("UPDATE claims SET claim = 'again'")
    store.writer.sync_claims(
        ClaimsFile("claims.yaml", (a,), digest="d2")
    )  # the undigested sync reset it
    assert store.reader.claim_row("a")["claim"] == "Claim A"  # type: ignore[index]


def test_claim_results_are_one_row_per_run_and_claim(store: Store) -> None:
    store.writer.sync_claims(claims(Claim("a", "A"), Claim("b", "B")))
    run = store.writer.start_run("full", "claims.yaml", "1")
    store.writer.record_claim_results(run, [("a", "supported"), ("b", "unverified")])
    store.writer.record_claim_results(run, [("a", "misquoted")])  # a retry of the roll-up updates
    rows = store.db.execute(
        "SELECT claim_id, status FROM claim_results WHERE run_id = ? ORDER BY claim_id", [run]
    ).fetchall()
    assert [tuple(r) for r in rows] == [("a", "misquoted"), ("b", "unverified")]
    assert store.reader.previous_claim_statuses(run + 1) == {"a": "misquoted", "b": "unverified"}


def test_a_checks_columns_are_this_runs_fetch_or_the_carried_over_verdict(store: Store) -> None:
    """Carried-over checks are copied column by column: the two parts must cover the table."""
    columns = {c.name for c in store.db.table("checks").columns} - {"id"}
    assert sorted(columns) == sorted((*FRESH_COLUMNS, *CARRIED_OVER))
    fetch = FetchResult("https://x.org/1", FetchStatus.FETCHED, "2026-01-01T00:00:00Z")
    check = Verification("a", "https://x.org/1", fetch, QuoteMatch(QuoteStatus.ABSENT))
    assert sorted(check_row(1, 1, 1, check)) == sorted(columns)
    assert set(WORD_DETAIL) <= set(CARRIED_OVER)


def test_a_race_for_the_wal_switch_is_waited_out() -> None:
    # Two runs creating one new database race for the WAL switch; SQLite tells the loser
    # "database is locked" at once, without its busy timeout (a run then exited 1).
    answers = [sqlite3.OperationalError("database is locked")] * 2 + [None]
    sent: list[str] = []

    def execute(sql: str) -> None:
        sent.append(sql)
        answer = answers.pop(0)
        if answer is not None:
            raise answer

    use_wal(execute, pause=0)
    assert sent == ["PRAGMA journal_mode = WAL"] * 3


def test_other_errors_of_the_wal_switch_are_not_retried() -> None:
    def execute(sql: str) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        use_wal(execute, pause=0)


@pytest.mark.slow
def test_processes_creating_one_new_database_at_once_all_open_it(tmp_path: Path) -> None:
    code = "import sys; from factcheck.store.database import Store; Store.open(sys.argv[1])"
    for trial in range(30):
        db = tmp_path / f"{trial}.db"
        procs = [
            subprocess.Popen([sys.executable, "-c", code, str(db)], stderr=subprocess.PIPE)
            for _ in range(4)
        ]
        assert [p.wait(timeout=60) for p in procs] == [0] * 4, [
            p.stderr.read() for p in procs if p.stderr
        ]


def test_reclaim_gives_freed_pages_back_only_when_many(tmp_path: Path) -> None:
    """After a migration that shrank the history, the file shrinks too (issue 21, point 4)."""
    from factcheck.store.database import reclaim

    store = Store.open(tmp_path / "fc.db")
    store.db.execute("CREATE TABLE filler (x TEXT)")
    store.db.conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,) for _ in range(2000)])
    pages = lambda: store.db.execute("PRAGMA page_count").fetchone()[0]  # noqa: E731
    full = pages()
    store.db.execute("DELETE FROM filler WHERE rowid % 10 = 0")  # a tenth freed: kept
    reclaim(store.db)
    assert pages() == full
    store.db.execute("DELETE FROM filler")
    reclaim(store.db)
    assert pages() < full / 4


def test_a_carried_checks_fresh_columns_are_the_fresh_columns() -> None:
    """Reads (carried_over) and writes (a reference materialised) build them in one place."""
    from factcheck.store.rows import FRESH_COLUMNS, carried_fresh

    fresh = carried_fresh(3, 7, "2026-12-07T00:00:00Z", "fetched")
    assert tuple(fresh) == FRESH_COLUMNS
    assert (fresh["checked_at"], fresh["reused"], fresh["drift"]) == (
        "2026-12-07T00:00:00Z",
        1,
        None,
    )
