"""The SQLite record (sqlite-utils): claims, sources, snapshots and append-only check history."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlite_utils import Database

from factcheck.clock import now_iso
from factcheck.errors import NotFoundError, StoreError
from factcheck.migrations import migrations
from factcheck.models import (
    Article,
    Claim,
    ClaimsFile,
    FetchRequest,
    FetchResult,
    FetchStatus,
    PreviousCheck,
    Review,
    SourceText,
    Verification,
)
from factcheck.records import CARRIED_OVER, Row, check_row, to_json, verification_from_row
from factcheck.schedule import SourceDue, parse_interval


class Store:
    """All reads and writes of the factcheck database. Each write commits at once."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._source_ids: dict[str, int] = {}  # sources are never deleted, so ids never change

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open (creating and migrating) a database file, or ":memory:"."""
        try:
            if str(path) != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
            db = Database(conn)
            db.execute("PRAGMA busy_timeout = 30000")
            if str(path) != ":memory:":
                db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            with _immediate(db):
                if migrations.pending(db):
                    migrations.apply(db)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        return cls(db)

    def close(self) -> None:
        self.db.conn.close()

    # -- claims ---------------------------------------------------------------

    def sync_claims(self, claims_file: ClaimsFile) -> None:
        """Bring claims, sources and their links in line with the claims file, in one commit.

        A file with the digest of the last one synced is already in line: nothing to do.
        """
        now = now_iso()
        if claims_file.digest and self._meta("claims_digest") == claims_file.digest:
            return
        with _immediate(self.db):
            existing = {r["id"]: r for r in self.db.table("claims").rows}
            links: dict[str, list[tuple[str, str | None, str | None]]] = {}
            for r in self.db.query(
                "SELECT cs.claim_id, s.url, cs.note, cs.accessed FROM claim_sources cs "
                "JOIN sources s ON s.id = cs.source_id ORDER BY cs.claim_id, cs.position"
            ):
                links.setdefault(r["claim_id"], []).append((r["url"], r["note"], r["accessed"]))
            for position, claim in enumerate(claims_file.claims):
                self._upsert_claim(claim, position, existing.get(claim.id), now)
                wanted = [(s.url, s.note, s.accessed) for s in claim.sources]
                if links.get(claim.id, []) != wanted:
                    self._link_sources(claim)
            article = claims_file.article or Article()
            self.db.table("articles").upsert(
                {"id": 1, **asdict(article), "updated_at": now}, pk="id"
            )
            current = {c.id for c in claims_file.claims}
            for claim_id, row in existing.items():
                if claim_id not in current and not row["removed_at"]:
                    self.db.table("claims").update(claim_id, {"removed_at": now})
            self._set_meta("claims_digest", claims_file.digest)

    def _meta(self, key: str) -> str | None:
        row = self.db.conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._insert("meta", {"key": key, "value": value}, replace=True)

    def _upsert_claim(self, claim: Claim, position: int, old: Row | None, now: str) -> None:
        row = {
            "id": claim.id,
            "claim": claim.claim,
            "quote": claim.quote,
            "speaker": claim.speaker,
            "tags": to_json(list(claim.tags)),
            "recheck": claim.recheck,
            "rating": to_json(claim.rating) if claim.rating else None,
            "evidence": to_json(list(claim.evidence)),
            "specifics": to_json(list(claim.specifics)),
            "position": position,
            "line": claim.line,
            "removed_at": None,
        }
        if old is None:
            self.db.table("claims").insert({**row, "created_at": now, "updated_at": now})
        elif any(old.get(k) != v for k, v in row.items()):
            self.db.table("claims").update(claim.id, {**row, "updated_at": now})

    def _link_sources(self, claim: Claim) -> None:
        self.db.execute("DELETE FROM claim_sources WHERE claim_id = ?", [claim.id])
        for index, source in enumerate(claim.sources):
            source_id = self.source_id(source.url, is_file=source.is_file, create=True)
            self.db.table("claim_sources").insert(
                {
                    "claim_id": claim.id,
                    "source_id": source_id,
                    "note": source.note,
                    "accessed": source.accessed,
                    "position": index,
                },
                replace=True,
            )

    def source_id(self, url: str, *, is_file: bool = False, create: bool = False) -> int:
        known = self._source_ids.get(url)
        if known is not None:
            return known
        if not self._source_ids:  # first lookup: every known source at once
            self._source_ids.update(self.db.conn.execute("SELECT url, id FROM sources"))
            if url in self._source_ids:
                return self._source_ids[url]
        row = self.db.conn.execute("SELECT id FROM sources WHERE url = ?", [url]).fetchone()
        if row:
            self._source_ids[url] = int(row[0])
            return self._source_ids[url]
        if not create:
            raise KeyError(url)
        host = "" if is_file else (urlsplit(url).hostname or "")
        table = self.db.table("sources")
        table.insert({"url": url, "is_file": int(is_file), "host": host, "created_at": now_iso()})
        return _pk(table.last_pk)

    def claim_rows(self, ids: list[str] | None = None) -> list[Row]:
        """The claims in the file, in order; named ones even if since removed from the file."""
        if not ids:
            return list(
                self.db.query("SELECT * FROM claims WHERE removed_at IS NULL ORDER BY position")
            )
        wanted = set(ids)
        return [
            r for r in self.db.query("SELECT * FROM claims ORDER BY position") if r["id"] in wanted
        ]

    def article(self) -> Article | None:
        """The article header of the claims file last synced, if it had one."""
        rows = list(self.db.query("SELECT title, url, published FROM articles WHERE id = 1"))
        if not rows or not any(rows[0].values()):
            return None
        return Article(**rows[0])

    def claim_row(self, claim_id: str) -> Row | None:
        rows = list(self.db.query("SELECT * FROM claims WHERE id = ?", [claim_id]))
        return rows[0] if rows else None

    def require_claim(self, claim_id: str) -> Row:
        """The claim's row, or NotFoundError (exit 4) naming the id."""
        row = self.claim_row(claim_id)
        if row is None:
            raise NotFoundError(f"no claim with id {claim_id!r}")
        return row

    # -- runs -----------------------------------------------------------------

    def start_run(self, mode: str, claims_path: str, matcher_version: str) -> int:
        """Record a new run; runs left 'running' by a killed process are marked interrupted.

        Called under the run lock, so no other run of this database is alive.
        """
        table = self.db.table("runs")
        with _immediate(self.db):
            self.db.execute("UPDATE runs SET state = 'interrupted' WHERE state = 'running'")
            table.insert(
                {
                    "started_at": now_iso(),
                    "claims_path": claims_path,
                    "mode": mode,
                    "matcher_version": matcher_version,
                    "pid": os.getpid(),
                    "state": "running",
                }
            )
        return _pk(table.last_pk)

    def finish_run(self, run_id: int, state: str = "done") -> None:
        with _immediate(self.db):
            self.db.table("runs").update(run_id, {"finished_at": now_iso(), "state": state})

    # -- snapshots and checks ---------------------------------------------------

    def fetch_requests(self, wanted: list[tuple[str, bool, bool]]) -> list[FetchRequest]:
        """(url, is_file, body_needed) -> requests, conditional on each source's last snapshot."""
        last = {
            url: (etag, modified, body_hash, size)
            for url, etag, modified, body_hash, size in self.db.conn.execute(
                "SELECT s.url, sn.etag, sn.last_modified, sn.body_hash, sn.size "
                "FROM snapshots sn JOIN sources s ON s.id = sn.source_id WHERE sn.id IN "
                "(SELECT MAX(id) FROM snapshots WHERE body_hash IS NOT NULL GROUP BY source_id)"
            )
        }
        requests = []
        for url, is_file, body_needed in wanted:
            if url not in last:
                requests.append(FetchRequest(url=url, is_file=is_file))
                continue
            etag, modified, body_hash, size = last[url]
            requests.append(
                FetchRequest(url, is_file, etag, modified, body_hash, size, body_needed)
            )
        return requests

    def record_outcome(
        self,
        run_id: int,
        result: FetchResult,
        text: SourceText | None,
        text_hash: str | None,
        verifications: list[Verification],
    ) -> int:
        """A source's snapshot and every check of it, in one commit: a kill never splits them."""
        with _immediate(self.db):
            snapshot_id = self.record_snapshot(run_id, result, text, text_hash)
            self.record_verifications(run_id, snapshot_id, verifications)
        return snapshot_id

    def record_snapshot(
        self, run_id: int, result: FetchResult, text: SourceText | None, text_hash: str | None
    ) -> int:
        title, metadata = (text.title, to_json(text.metadata)) if text else (None, None)
        if text is None and result.status is FetchStatus.FETCHED:  # unchanged: not re-parsed
            title, metadata = self._snapshot_metadata(result.body_hash)
        with _immediate(self.db):
            return self._insert(
                "snapshots",
                {
                    "source_id": self.source_id(result.url),
                    "run_id": run_id,
                    "fetched_at": result.fetched_at,
                    "fetch_status": str(result.status),
                    "http_status": result.http_status,
                    "final_url": result.final_url,
                    "redirects": to_json(list(result.redirects)),
                    "content_type": result.content_type,
                    "etag": result.etag,
                    "last_modified": result.last_modified,
                    "body_hash": result.body_hash if result.status is FetchStatus.FETCHED else None,
                    "text_hash": text_hash,
                    "size": result.size,
                    "reason": result.reason,
                    "not_modified": int(result.not_modified),
                    "from_cache": int(result.from_cache),
                    "elapsed_ms": result.elapsed_ms,
                    "title": title,
                    "metadata": metadata,
                },
            )

    def _insert(self, table: str, row: Row, *, replace: bool = False) -> int:
        """A plain INSERT: the hot path skips sqlite-utils' per-call table introspection."""
        names = ", ".join(f"[{name}]" for name in row)
        marks = ", ".join("?" for _ in row)
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        cursor = self.db.conn.execute(
            f"{verb} INTO [{table}] ({names}) VALUES ({marks})", list(row.values())
        )
        return _pk(cursor.lastrowid)

    def _snapshot_metadata(self, body_hash: str | None) -> tuple[str | None, str | None]:
        row = self.db.conn.execute(
            "SELECT title, metadata FROM snapshots WHERE body_hash = ? "
            "AND metadata IS NOT NULL ORDER BY id DESC LIMIT 1",
            [body_hash],
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def record_verifications(
        self, run_id: int, snapshot_id: int, verifications: list[Verification]
    ) -> None:
        """Record every check of one snapshot in a single commit (idempotent per run)."""
        carried: dict[tuple[object, ...], list[int]] = {}
        with _immediate(self.db):
            # REPLACE on the (run, claim, source) unique index: a retry never duplicates
            for v in verifications:
                if v.reused_from is None:
                    row = check_row(run_id, self.source_id(v.url), snapshot_id, v)
                    self._insert("checks", row, replace=True)
                    continue
                fresh: tuple[object, ...] = (  # in the order of _FRESH_COLUMNS
                    run_id,
                    snapshot_id,
                    v.fetch.fetched_at,
                    str(v.fetch.status),
                    1,
                    v.drift,
                    v.archive_url,
                    v.archived_at,
                    v.archive_status,
                )
                carried.setdefault(fresh, []).append(v.reused_from)
            for fresh, check_ids in carried.items():
                self._copy_checks(fresh, check_ids)

    def _copy_checks(self, fresh: tuple[object, ...], check_ids: list[int]) -> None:
        """Verdicts carried over unchanged: copied in SQL, not rebuilt and re-serialised."""
        names = ", ".join(f"[{n}]" for n in (*_FRESH_COLUMNS, *CARRIED_OVER))
        values = ", ".join(["?"] * len(fresh) + [f"[{n}]" for n in CARRIED_OVER])
        marks = ", ".join("?" for _ in check_ids)
        self.db.conn.execute(
            f"INSERT OR REPLACE INTO checks ({names}) SELECT {values} FROM checks "
            f"WHERE id IN ({marks}) ORDER BY id",
            [*fresh, *check_ids],
        )

    def record_archive(self, run_id: int, verifications: list[Verification]) -> None:
        """Add what the web archive said to this run's checks."""
        with _immediate(self.db):
            for v in verifications:
                self.db.execute(
                    "UPDATE checks SET archive_url = ?, archived_at = ?, archive_status = ? "
                    "WHERE run_id = ? AND claim_id = ? AND source_id = ?",
                    [
                        v.archive_url,
                        v.archived_at,
                        v.archive_status,
                        run_id,
                        v.claim_id,
                        self.source_id(v.url),
                    ],
                )

    def record_claim_results(self, run_id: int, statuses: list[tuple[str, str]]) -> None:
        """Each claim's rolled-up status for this run, in one commit."""
        now = now_iso()
        with _immediate(self.db):
            self.db.conn.executemany(
                "INSERT INTO claim_results (run_id, claim_id, status, checked_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (run_id, claim_id) "
                "DO UPDATE SET status = excluded.status, checked_at = excluded.checked_at",
                [(run_id, cid, status, now) for cid, status in statuses],
            )

    def latest_verifications(self, claim_ids: list[str]) -> dict[tuple[str, str], PreviousCheck]:
        """The newest check of each claim x source: its verdict, without word-level detail.

        Enough to carry a verdict over (its row is then copied whole, in SQL), roll it up
        and classify drift; see `verification_from_row(detail=False)`.
        """
        wanted = set(claim_ids)
        rows = self.db.query(
            f"SELECT {_VERDICT_COLUMNS}, s.url, sn.http_status, sn.final_url, sn.reason, "
            "sn.redirects, sn.content_type, sn.etag, sn.last_modified, sn.body_hash FROM checks c "
            "JOIN sources s ON s.id = c.source_id LEFT JOIN snapshots sn ON sn.id = c.snapshot_id "
            "WHERE c.id IN (SELECT MAX(id) FROM checks GROUP BY claim_id, source_id)"
        )
        return {
            (r["claim_id"], r["url"]): PreviousCheck(
                checked_at=r["checked_at"],
                text_hash=r["text_hash"],
                matcher_version=r["matcher_version"],
                verification=verification_from_row(r, detail=False),
                check_id=r["id"],
            )
            for r in rows
            if r["claim_id"] in wanted
        }

    def source_schedule(self, claims: Sequence[Claim], default: str) -> list[SourceDue]:
        """Each source's re-check interval (shortest of its claims') and last check time."""
        intervals: dict[str, timedelta] = {}
        for claim in claims:
            interval = parse_interval(claim.recheck or default)
            for source in claim.sources:
                old = intervals.get(source.url)
                intervals[source.url] = interval if old is None else min(old, interval)
        last = {
            r["url"]: r["last"]
            for r in self.db.query(
                "SELECT s.url, MAX(sn.fetched_at) AS last FROM sources s "
                "JOIN snapshots sn ON sn.source_id = s.id GROUP BY s.url"
            )
        }
        return [SourceDue(url, iv, last.get(url)) for url, iv in intervals.items()]

    def previous_claim_statuses(self, run_id: int) -> dict[str, str]:
        """Each claim's status in the newest earlier run that rolled it up."""
        rows = self.db.query(
            "SELECT claim_id, status FROM claim_results WHERE id IN (SELECT MAX(id) FROM "
            "claim_results WHERE run_id < ? GROUP BY claim_id)",
            [run_id],
        )
        return {r["claim_id"]: r["status"] for r in rows}

    # -- reviews ----------------------------------------------------------------

    def add_review(self, review: Review) -> None:
        with _immediate(self.db):
            self.db.table("reviews").insert(
                {
                    "claim_id": review.claim_id,
                    "url": review.url,
                    "decision": review.decision,
                    "note": review.note,
                    "rating": to_json(review.rating) if review.rating else None,
                    "by": review.by,
                    "at": review.at,
                    "machine_status": review.machine_status,
                }
            )

    # -- reads for reports: one query per table, optionally for some claims -------------------

    def _for_claims(self, sql: str, claim_ids: Sequence[str] | None, order: str) -> list[Row]:
        """Run `sql` (which has a {where} slot on claim_id) for all claims or the given ones."""
        if claim_ids is None:
            return list(self.db.query(sql.format(where="1 = 1") + f" ORDER BY {order}"))
        marks = ", ".join("?" for _ in claim_ids)
        where = f"claim_id IN ({marks})"
        return list(self.db.query(sql.format(where=where) + f" ORDER BY {order}", list(claim_ids)))

    def claim_sources(self, claim_ids: Sequence[str] | None = None) -> list[Row]:
        return self._for_claims(
            "SELECT cs.claim_id, s.id, s.url, s.is_file, cs.note, cs.accessed "
            "FROM claim_sources cs JOIN sources s ON s.id = cs.source_id WHERE {where}",
            claim_ids,
            "cs.claim_id, cs.position",
        )

    def claim_results(self, claim_ids: Sequence[str] | None = None) -> list[Row]:
        return self._for_claims(
            "SELECT * FROM claim_results WHERE {where}", claim_ids, "claim_id, run_id"
        )

    def latest_checks(self, claim_ids: Sequence[str] | None = None) -> list[Row]:
        """Per claim x source, its newest check joined with its snapshot."""
        return self._for_claims(
            "SELECT c.*, s.url, sn.http_status, sn.final_url, sn.reason, sn.title, "
            "sn.metadata, sn.redirects, sn.content_type, sn.body_hash FROM checks c "
            "JOIN sources s ON s.id = c.source_id LEFT JOIN snapshots sn ON sn.id = c.snapshot_id "
            "WHERE c.id IN (SELECT MAX(id) FROM checks WHERE {where} GROUP BY claim_id, source_id)",
            claim_ids,
            "c.id",
        )

    def check_history(self, claim_ids: Sequence[str] | None = None) -> list[Row]:
        return self._for_claims(
            "SELECT c.*, s.url, sn.body_hash FROM checks c "
            "JOIN sources s ON s.id = c.source_id LEFT JOIN snapshots sn ON sn.id = c.snapshot_id "
            "WHERE {where}",
            claim_ids,
            "c.id",
        )

    def status_history(self, claim_ids: Sequence[str] | None = None) -> list[Row]:
        """Every check's statuses only (history strips): light enough for 10,000 claims."""
        return self._for_claims(
            "SELECT c.claim_id, s.url, c.checked_at, c.fetch_status, c.quote_status "
            "FROM checks c JOIN sources s ON s.id = c.source_id WHERE {where}",
            claim_ids,
            "c.id",
        )

    def reviews(self, claim_ids: Sequence[str] | None = None) -> list[Row]:
        return self._for_claims("SELECT * FROM reviews WHERE {where}", claim_ids, "id")

    def fetch_histories(self, source_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
        """Per source, (fetched_at, fetch_status) of every snapshot, oldest first."""
        out: dict[int, list[tuple[str, str]]] = {i: [] for i in source_ids}
        sql, params = "SELECT source_id, fetched_at, fetch_status FROM snapshots", list(out)
        if len(params) <= 500:  # a few sources: use the index; many: one pass over the table
            sql += f" WHERE source_id IN ({', '.join('?' for _ in params)})"
        else:
            params = []
        for r in self.db.query(sql + " ORDER BY id", params):
            if r["source_id"] in out:
                out[r["source_id"]].append((r["fetched_at"], r["fetch_status"]))
        return out

    def referenced_hashes(self) -> set[str]:
        """Body hashes some snapshot still points at (what `cache prune` must keep)."""
        rows = self.db.query("SELECT DISTINCT body_hash FROM snapshots WHERE body_hash IS NOT NULL")
        return {r["body_hash"] for r in rows}

    def integrity_ok(self) -> bool:
        rows = list(self.db.query("PRAGMA integrity_check"))
        return bool(rows) and rows[0]["integrity_check"] == "ok"


def _pk(value: object) -> int:
    assert isinstance(value, int), value
    return value


# A carried-over check's own columns: this run's fetch of the source (see CARRIED_OVER).
_FRESH_COLUMNS = (
    "run_id",
    "snapshot_id",
    "checked_at",
    "fetch_status",
    "reused",
    "drift",
    "archive_url",
    "archived_at",
    "archive_status",
)
# Check columns a verdict needs (not its diff, differences, segments or selector).
_VERDICT_COLUMNS = ", ".join(
    f"c.[{name}]"
    for name in (
        "id",
        "claim_id",
        "checked_at",
        "fetch_status",
        "quote_status",
        "score",
        "excerpt",
        "start",
        "end",
        "occurrences",
        "fragment_url",
        "evidence",
        "specifics",
        "text_hash",
        "matcher_version",
        "claim_hash",
        "drift",
        "archive_url",
        "archived_at",
        "archive_status",
        "reused",
    )
)


class _immediate:
    """BEGIN IMMEDIATE ... COMMIT: take the write lock up front so writers queue, not deadlock."""

    def __init__(self, db: Database) -> None:
        self.conn = db.conn

    def __enter__(self) -> None:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self.owner = True
        else:
            self.owner = False

    def __exit__(self, exc_type: object, *_: object) -> None:
        if not self.owner:
            return
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
