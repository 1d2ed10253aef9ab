"""The SQLite record (sqlite-utils): opening and migrating, claims sync, runs and reviews.

Run results are written by `recording.Recorder`, history read back by `history.HistoryReads`;
both are mixed into `Store`, the one object the rest of the tool talks to.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import asdict
from pathlib import Path

from sqlite_utils import Database

from factcheck.clock import now_iso
from factcheck.errors import NotFoundError, StoreError
from factcheck.models import Article, Claim, ClaimsFile, Review
from factcheck.store.migrations import migrations
from factcheck.store.reads import HistoryReads
from factcheck.store.rows import Row, to_json
from factcheck.store.writes import Recorder, immediate, pk_of


class Store(Recorder, HistoryReads):
    """All reads and writes of the factcheck database. Each write commits at once."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._source_ids = {}

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
            with immediate(db):
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
        with immediate(self.db):
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
        with immediate(self.db):
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
        return pk_of(table.last_pk)

    def finish_run(self, run_id: int, state: str = "done") -> None:
        with immediate(self.db):
            self.db.table("runs").update(run_id, {"finished_at": now_iso(), "state": state})

    # -- reviews ----------------------------------------------------------------

    def add_review(self, review: Review) -> None:
        with immediate(self.db):
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

    def integrity_ok(self) -> bool:
        rows = list(self.db.query("PRAGMA integrity_check"))
        return bool(rows) and rows[0]["integrity_check"] == "ok"
