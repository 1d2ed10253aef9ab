"""Recording a run's results: sources, snapshots, checks (new or carried over), roll-ups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from urllib.parse import urlsplit

from sqlite_utils import Database

from factcheck.clock import now_iso
from factcheck.models import (
    Claim,
    FetchRequest,
    FetchResult,
    FetchStatus,
    PreviousCheck,
    SourceText,
    Verification,
)
from factcheck.records import CARRIED_OVER, Row, check_row, to_json, verification_from_row
from factcheck.schedule import SourceDue, parse_interval


class Recorder:
    """The store's writes of run results and the reads a run needs (mixed into Store)."""

    db: Database
    _source_ids: dict[str, int]  # sources are never deleted, so ids never change

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
        return pk_of(table.last_pk)

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
        with immediate(self.db):
            snapshot_id = self.record_snapshot(run_id, result, text, text_hash)
            self.record_verifications(run_id, snapshot_id, verifications)
        return snapshot_id

    def record_snapshot(
        self, run_id: int, result: FetchResult, text: SourceText | None, text_hash: str | None
    ) -> int:
        title, metadata = (text.title, to_json(text.metadata)) if text else (None, None)
        if text is None and result.status is FetchStatus.FETCHED:  # unchanged: not re-parsed
            title, metadata = self._snapshot_metadata(result.body_hash)
        with immediate(self.db):
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
        return pk_of(cursor.lastrowid)

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
        with immediate(self.db):
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
        with immediate(self.db):
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
        with immediate(self.db):
            self.db.conn.executemany(
                "INSERT INTO claim_results (run_id, claim_id, status, checked_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (run_id, claim_id) "
                "DO UPDATE SET status = excluded.status, checked_at = excluded.checked_at",
                [(run_id, cid, status, now) for cid, status in statuses],
            )

    def latest_verifications(
        self, claim_ids: list[str], *, readable: bool = False
    ) -> dict[tuple[str, str], PreviousCheck]:
        """The newest check of each claim x source (`readable`: the newest that read a text).

        Its verdict without word-level detail: enough to carry it over (its row is then
        copied whole, in SQL), roll it up and classify drift (`verification_from_row`).
        """
        wanted = set(claim_ids)
        newest = "SELECT MAX(id) FROM checks GROUP BY claim_id, source_id"
        if readable:
            marks = ", ".join("?" for _ in wanted)
            newest = (
                f"SELECT MAX(id) FROM checks WHERE text_hash IS NOT NULL AND claim_id IN ({marks}) "
                "GROUP BY claim_id, source_id"
            )
        rows = self.db.query(
            f"SELECT {_VERDICT_COLUMNS}, s.url, sn.http_status, sn.final_url, sn.reason, "
            "sn.redirects, sn.content_type, sn.etag, sn.last_modified, sn.body_hash FROM checks c "
            "JOIN sources s ON s.id = c.source_id LEFT JOIN snapshots sn ON sn.id = c.snapshot_id "
            f"WHERE c.id IN ({newest})",
            list(wanted) if readable else [],
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

    def previous_texts(
        self, latest: dict[tuple[str, str], PreviousCheck]
    ) -> dict[tuple[str, str], PreviousCheck]:
        """Per claim x source, its newest check that read a text (reuse and drift compare
        with it): `latest` itself, except where the newest check failed to read one."""
        failed = {key for key, prev in latest.items() if prev.text_hash is None}
        if not failed:
            return latest
        earlier = self.latest_verifications(sorted({c for c, _ in failed}), readable=True)
        previous = {key: prev for key, prev in latest.items() if key not in failed}
        previous.update((key, earlier[key]) for key in failed if key in earlier)
        return previous

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


def pk_of(value: object) -> int:
    """The integer id sqlite-utils reports for an inserted row."""
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


class immediate:
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
