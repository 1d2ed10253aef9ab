"""Recording a run's results: sources, snapshots, checks (new or carried over), roll-ups."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlite_utils import Database

from factcheck.clock import now_iso
from factcheck.models import FetchResult, FetchStatus, SourceText, Verification
from factcheck.store.rows import CARRIED_OVER, FRESH_COLUMNS, Row, check_row, to_json


class Recorder:
    """The store's writes of run results, each committed at once (mixed into Store)."""

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
                fresh: tuple[object, ...] = (  # in the order of FRESH_COLUMNS
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
        names = ", ".join(f"[{n}]" for n in (*FRESH_COLUMNS, *CARRIED_OVER))
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


def pk_of(value: object) -> int:
    """The integer id sqlite-utils reports for an inserted row."""
    assert isinstance(value, int), value
    return value


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
