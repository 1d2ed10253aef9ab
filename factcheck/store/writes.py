"""The store's writes, each committed at once: claims sync, runs, a run's results (sources,
snapshots, checks new or carried over, roll-ups) and reviews."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from urllib.parse import urlsplit

from sqlite_utils import Database

from factcheck.clock import now_iso
from factcheck.models import (
    Article,
    Claim,
    ClaimsFile,
    FetchResult,
    Review,
    SourceText,
    Verification,
)
from factcheck.store.rows import (
    CARRIED_OVER,
    Row,
    carried_fresh,
    check_row,
    claim_row,
    review_row,
    snapshot_row,
)


class Writer:
    """Every write to the factcheck database (owned by `Store`)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._source_ids: dict[str, int] = {}  # sources are never deleted: ids never change

    # -- claims -----------------------------------------------------------------

    def sync_claims(self, claims_file: ClaimsFile, *, header: bool = True) -> None:
        """Bring claims, sources and their links in line with the claims file, in one commit.

        Only this file's claims can be marked removed (one database holds many articles);
        `header` keeps its article header for reports. A file with the digest of the last
        one synced from its path is already in line: nothing to do.
        """
        now = now_iso()
        digest_key = f"claims_digest:{claims_file.path}"
        if claims_file.digest and self._meta(digest_key) == claims_file.digest:
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
                row = {**claim_row(claim, position), "article": claims_file.path}
                self._upsert_claim(row, existing.get(claim.id), now)
                wanted = [(s.url, s.note, s.accessed) for s in claim.sources]
                if links.get(claim.id, []) != wanted:
                    self._link_sources(claim)
            if header:
                article = claims_file.article or Article()
                self.db.table("articles").upsert(
                    {"id": 1, **asdict(article), "updated_at": now}, pk="id"
                )
            current = {c.id for c in claims_file.claims}
            for claim_id, old in existing.items():
                ours = old.get("article") in (None, claims_file.path)
                if ours and claim_id not in current and not old["removed_at"]:
                    self.db.table("claims").update(claim_id, {"removed_at": now})
            self._set_meta(digest_key, claims_file.digest)

    def _meta(self, key: str) -> str | None:
        row = self.db.conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._insert("meta", {"key": key, "value": value}, replace=True)

    def _upsert_claim(self, row: Row, old: Row | None, now: str) -> None:
        if old is None:
            self.db.table("claims").insert({**row, "created_at": now, "updated_at": now})
        elif any(old.get(k) != v for k, v in row.items()):
            self.db.table("claims").update(row["id"], {**row, "updated_at": now})

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
        return pk_of(table.last_pk)

    # -- runs -------------------------------------------------------------------

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
        """One fetch of a source. Its title, metadata and text hash only when this run read
        the text: a fetch of known bytes points at them through the check it carries over."""
        row = snapshot_row(run_id, self.source_id(result.url), result, text, text_hash)
        with immediate(self.db):
            return self._insert("snapshots", row)

    def _insert(self, table: str, row: Row, *, replace: bool = False) -> int:
        """A plain INSERT: the hot path skips sqlite-utils' per-call table introspection."""
        names = ", ".join(f"[{name}]" for name in row)
        marks = ", ".join("?" for _ in row)
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        cursor = self.db.conn.execute(
            f"{verb} INTO [{table}] ({names}) VALUES ({marks})", list(row.values())
        )
        return pk_of(cursor.lastrowid)

    def record_verifications(
        self, run_id: int, snapshot_id: int, verifications: list[Verification]
    ) -> None:
        """Record every check of one snapshot in a single commit (idempotent per run).

        A verdict carried over from an earlier check is a reference to that check, not a
        copy of it: history grows by a few bytes per unchanged check (issue 21, point 4).
        """
        with immediate(self.db):
            # REPLACE on the (run, claim, source) unique index: a retry never duplicates
            for v in verifications:
                if v.reused_from is None:
                    row = check_row(run_id, self.source_id(v.url), snapshot_id, v)
                    self._insert("checks", row, replace=True)
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO carried_checks (check_id, snapshot_id) VALUES (?, ?)",
                [(v.reused_from, snapshot_id) for v in verifications if v.reused_from is not None],
            )

    def record_archive(self, run_id: int, verifications: list[Verification]) -> None:
        """Add what the web archive said to this run's checks.

        A carried-over verdict the archive speaks for becomes a check of its own: a copy of
        the one it carries, with the archive's answer, in place of the reference.
        """
        with immediate(self.db):
            for v in verifications:
                source_id = self.source_id(v.url)
                if v.reused_from is not None:
                    self._materialise(run_id, source_id, v.reused_from)
                self.db.execute(
                    "UPDATE checks SET archive_url = ?, archived_at = ?, archive_status = ? "
                    "WHERE run_id = ? AND claim_id = ? AND source_id = ?",
                    [v.archive_url, v.archived_at, v.archive_status, run_id, v.claim_id, source_id],
                )

    def _materialise(self, run_id: int, source_id: int, check_id: int) -> None:
        """Turn this run's reference to `check_id` into a copy of it (see record_archive)."""
        link = self.db.conn.execute(
            "SELECT k.snapshot_id, sn.fetched_at, sn.fetch_status FROM carried_checks k "
            "JOIN snapshots sn ON sn.id = k.snapshot_id "
            "WHERE k.check_id = ? AND sn.run_id = ? AND sn.source_id = ?",
            [check_id, run_id, source_id],
        ).fetchone()
        if link is None:
            return
        snapshot_id, fetched_at, fetch_status = link
        fresh = carried_fresh(run_id, snapshot_id, fetched_at, fetch_status)
        names = ", ".join(f"[{n}]" for n in (*fresh, *CARRIED_OVER))
        values = ", ".join(["?"] * len(fresh) + [f"[{n}]" for n in CARRIED_OVER])
        self.db.conn.execute(
            f"INSERT OR REPLACE INTO checks ({names}) SELECT {values} FROM checks WHERE id = ?",
            [*fresh.values(), check_id],
        )
        self.db.conn.execute(
            "DELETE FROM carried_checks WHERE check_id = ? AND snapshot_id = ?",
            [check_id, snapshot_id],
        )

    def record_claim_results(self, run_id: int, statuses: list[tuple[str, str]]) -> None:
        """Each claim's rolled-up status for this run, in one commit.

        A claim_results row only where the status differs from the claim's last one (or a
        retry of this run's roll-up changes it); `claim_checked` keeps when each claim was
        last rolled up, in place: an unchanged run adds nothing (issue 21, point 4).
        """
        now, given = now_iso(), json.dumps(statuses)
        with immediate(self.db):  # one statement each: 10,000 claims in a few ms
            self.db.conn.execute(
                "INSERT INTO claim_results (run_id, claim_id, status, checked_at) "
                "SELECT ?1, claim_id, status, ?2 FROM (SELECT json_extract(value, '$[0]') "
                "AS claim_id, json_extract(value, '$[1]') AS status FROM json_each(?3)) AS given "
                "WHERE status IS NOT "
                "(SELECT r.status FROM claim_results r WHERE r.claim_id = given.claim_id "
                "AND r.run_id <= ?1 ORDER BY r.run_id DESC LIMIT 1) "
                "ON CONFLICT (run_id, claim_id) "
                "DO UPDATE SET status = excluded.status, checked_at = excluded.checked_at",
                [run_id, now, given],
            )
            self.db.conn.execute(
                "INSERT INTO claim_checked (claim_id, run_id, checked_at) "
                "SELECT json_extract(value, '$[0]'), ?1, ?2 FROM json_each(?3) WHERE true "
                "ON CONFLICT (claim_id) DO UPDATE SET run_id = excluded.run_id, "
                "checked_at = excluded.checked_at",
                [run_id, now, given],
            )

    # -- reviews ----------------------------------------------------------------

    def add_review(self, review: Review) -> None:
        with immediate(self.db):
            self._insert("reviews", review_row(review))


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
