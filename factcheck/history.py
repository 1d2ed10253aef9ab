"""Reads of the recorded history for reports and commands: one query per table."""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database

from factcheck.records import Row


class HistoryReads:
    """Bulk reads, for all claims or some (mixed into Store)."""

    db: Database

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
