"""The store's reads: the claims, what a run needs to know of earlier runs, and reports."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence

from sqlite_utils import Database

from factcheck.errors import NotFoundError
from factcheck.models import Article, FetchRequest, PreviousCheck
from factcheck.store.rows import (
    CARRIED_OVER,
    FRESH_COLUMNS,
    WORD_DETAIL,
    Row,
    carried_fresh,
    verification_from_row,
)


class Reader:
    """Every read of the factcheck database (owned by `Store`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- the claims ----------------------------------------------------------------------

    def claim_rows(self, ids: list[str] | None = None) -> list[Row]:
        """The claims in the file, in order; named ones even if since removed from the file."""
        if not ids:
            return list(
                self.db.query(
                    "SELECT * FROM claims WHERE removed_at IS NULL ORDER BY article, position"
                )
            )
        wanted = set(ids)
        return [
            r
            for r in self.db.query("SELECT * FROM claims ORDER BY article, position")
            if r["id"] in wanted
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

    # -- what a run needs to know of earlier ones ---------------------------------------

    def fetch_requests(self, wanted: list[tuple[str, bool]]) -> list[FetchRequest]:
        """(url, is_file) -> requests, conditional on each source's last snapshot.

        A `304` leaves that snapshot's body in the cache: a run reads it there only if some
        verdict on it does not carry over (and usually finds the text cached instead).
        """
        last = {
            url: (etag, modified, body_hash, size)
            for url, etag, modified, body_hash, size in self.db.conn.execute(
                "SELECT s.url, sn.etag, sn.last_modified, sn.body_hash, sn.size "
                "FROM sources s JOIN snapshots sn ON sn.id = (SELECT MAX(id) FROM snapshots "
                "WHERE source_id = s.id AND body_hash IS NOT NULL)"  # idx_snapshots_with_body
            )
        }
        requests = []
        for url, is_file in wanted:
            if url not in last:
                requests.append(FetchRequest(url=url, is_file=is_file))
                continue
            etag, modified, body_hash, size = last[url]
            requests.append(
                FetchRequest(url, is_file, etag, modified, body_hash, size, body_needed=False)
            )
        return requests

    def latest_verifications(
        self, claim_ids: list[str], *, readable: bool = False
    ) -> dict[tuple[str, str], PreviousCheck]:
        """The newest check of each claim x source (`readable`: the newest that read a text).

        Its verdict without word-level detail: enough to carry it over (by reference to its
        row), roll it up and classify drift (`verification_from_row`).
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

    def judged_fingerprints(self) -> dict[tuple[str, str], str]:
        """Per claim x source, the claim fingerprint its newest check judged."""
        rows = self.db.conn.execute(
            "SELECT c.claim_id, s.url, c.claim_hash FROM checks c JOIN sources s "
            "ON s.id = c.source_id WHERE c.id IN "
            "(SELECT MAX(id) FROM checks GROUP BY claim_id, source_id)"
        )
        return {(claim_id, url): fingerprint for claim_id, url, fingerprint in rows}

    def last_fetched(self) -> dict[str, str]:
        """Each source's newest fetch time, by URL (sources never fetched are left out).

        One index seek per source (source_id, fetched_at), whatever the history's length.
        """
        rows = self.db.conn.execute(
            "SELECT s.url, (SELECT fetched_at FROM snapshots WHERE source_id = s.id "
            "AND from_cache = 0 ORDER BY fetched_at DESC LIMIT 1) FROM sources s"
        )
        return {url: last for url, last in rows if last is not None}

    def previous_claim_statuses(self, run_id: int | None = None) -> dict[str, str]:
        """Each claim's status in the newest run (before `run_id`) that rolled it up."""
        rows = self.db.query(
            "SELECT claim_id, status FROM claim_results WHERE id IN (SELECT MAX(id) FROM "
            "claim_results WHERE run_id < ? GROUP BY claim_id)",
            [run_id if run_id is not None else 2**62],
        )
        return {r["claim_id"]: r["status"] for r in rows}

    # -- reads for reports: one query per table, optionally for some claims -------------

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

    def claim_results(
        self, claim_ids: Sequence[str] | None = None, last: int | None = None
    ) -> list[Row]:
        """Each claim's status history, oldest first: every change of its roll-up, then its
        last roll-up if that changed nothing (only its `last` points, if given)."""
        if last is None:
            sql = f"SELECT * FROM ({_STATUS_POINTS}) WHERE {{where}}"
        else:  # read in SQL, so memory stays flat however long the history
            sql = (
                "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY claim_id "
                f"ORDER BY run_id DESC) AS newest FROM ({_STATUS_POINTS}) WHERE {{where}}) "
                f"WHERE newest <= {int(last)}"
            )
        return self._for_claims(sql, claim_ids, "claim_id, run_id")

    def latest_checks(self, claim_ids: Sequence[str] | None = None) -> list[Row]:
        """Per claim x source, its newest check joined with its snapshot.

        A verdict carried over since is shown as of the last fetch that carried it, with the
        title and metadata of the snapshot it was read from.
        """
        return self._latest("c.*, sn.title, sn.metadata", claim_ids)

    def status_checks(self, claim_ids: Sequence[str] | None = None) -> list[Row]:
        """`latest_checks` as `status` reads it (issue 21, point 5): the verdict without its
        word diff, segments or page metadata."""
        return self._latest(_STATUS_COLUMNS, claim_ids)

    def _latest(self, columns: str, claim_ids: Sequence[str] | None) -> list[Row]:
        """`columns` of each pair's newest check, or of its newest readable one as of the
        last fetch that carried it over where that is newer; found in one pass."""
        rows = self._for_claims(
            "WITH pick AS (SELECT MAX(id) AS newest, MAX(CASE WHEN text_hash IS NOT NULL "
            "THEN id END) AS readable FROM checks WHERE {where} GROUP BY claim_id, source_id) "
            f"SELECT {columns}, s.url, {_SNAPSHOT_FACTS}, "
            "(SELECT MAX(k.snapshot_id) FROM carried_checks k WHERE k.check_id = c.id) "
            "AS carried_to FROM checks c JOIN sources s ON s.id = c.source_id "
            "LEFT JOIN snapshots sn ON sn.id = c.snapshot_id "
            "WHERE c.id IN (SELECT newest FROM pick UNION SELECT readable FROM pick)",
            claim_ids,
            "c.id",
        )
        latest: dict[tuple[str, int], Row] = {}
        for r in rows:  # by id: a pair's readable check, then maybe a newer failed one
            pair = (r["claim_id"], r["source_id"])
            before = latest.get(pair)
            if before is None or (r["snapshot_id"] or 0) > (before["carried_to"] or 0):
                latest[pair] = r
        carried = [r for r in latest.values() if (r["carried_to"] or 0) > (r["snapshot_id"] or 0)]
        fetches = {  # one carrying fetch serves every claim citing its source
            f["snapshot_id"]: carried_over(f)
            for f in self.db.query(
                "SELECT sn.id AS snapshot_id, sn.run_id, sn.fetched_at, sn.fetch_status, "
                f"{_SNAPSHOT_FACTS} FROM snapshots sn WHERE sn.id IN "
                "(SELECT value FROM json_each(?))",
                [json.dumps(sorted({r["carried_to"] for r in carried}))],
            )
        }
        for r in carried:
            if r["carried_to"] in fetches:
                r.update(fetches[r["carried_to"]])
        return sorted(latest.values(), key=lambda r: (r["snapshot_id"] or 0, r["id"]))

    def check_history(self, claim_ids: Sequence[str] | None = None) -> list[Row]:
        """Every check of the claims, a carried-over verdict as of each fetch that carried
        it, oldest first."""
        return self._for_claims(
            "SELECT c.*, s.url, sn.body_hash, sn.content_type, sn.final_url "
            "FROM check_timeline c JOIN sources s ON s.id = c.source_id "
            "LEFT JOIN snapshots sn ON sn.id = c.snapshot_id WHERE {where}",
            claim_ids,
            "c.snapshot_id, c.id",
        )

    def status_history(self, claim_ids: Sequence[str] | None = None) -> list[Row]:
        """Every check's statuses only (history strips): light enough for 10,000 claims."""
        return self._for_claims(
            "SELECT c.claim_id, s.url, c.checked_at, c.fetch_status, c.quote_status "
            "FROM check_timeline c JOIN sources s ON s.id = c.source_id WHERE {where}",
            claim_ids,
            "c.snapshot_id, c.id",
        )

    def last_drifts(self, claim_ids: Sequence[str] | None = None) -> list[Row]:
        """Per claim x source, its newest check whose text change touched the quote."""
        return self._for_claims(
            "SELECT c.claim_id, s.url, c.drift, c.checked_at FROM checks c "
            "JOIN sources s ON s.id = c.source_id WHERE c.id IN (SELECT MAX(id) FROM checks "
            "WHERE {where} AND drift IS NOT NULL AND drift != 'unchanged' "
            "GROUP BY claim_id, source_id)",
            claim_ids,
            "c.id",
        )

    def reviews(self, claim_ids: Sequence[str] | None = None) -> list[Row]:
        return self._for_claims("SELECT * FROM reviews WHERE {where}", claim_ids, "id")

    def fetch_histories(
        self, source_ids: Sequence[int], failures: Collection[str] = ()
    ) -> dict[int, list[tuple[str, str]]]:
        """Per source, (fetched_at, fetch_status) of every network check, oldest first
        (offline reads from the cache say nothing about the link).

        Given `failures`, only from each source's last snapshot of another status on (what
        `source_health` reads): memory stays flat however long the history.
        """
        out: dict[int, list[tuple[str, str]]] = {i: [] for i in source_ids}
        where, params = "sn.from_cache = 0", list[object]()  # many sources: one pass over the table
        if len(out) <= 500:  # a few: use the index
            where += f" AND sn.source_id IN ({', '.join('?' for _ in out)})"
            params = list(out)
        sql = "SELECT sn.source_id, sn.fetched_at, sn.fetch_status FROM snapshots sn"
        if failures:
            marks = ", ".join("?" for _ in failures)
            kept = (
                "SELECT source_id, MAX(id) AS since FROM snapshots "
                f"WHERE from_cache = 0 AND fetch_status NOT IN ({marks}) GROUP BY source_id"
            )
            sql = f"WITH kept AS ({kept}) {sql} LEFT JOIN kept ON kept.source_id = sn.source_id"
            where += " AND sn.id >= COALESCE(kept.since, 0)"
            params = [*failures, *params]
        sql += f" WHERE {where}"
        for r in self.db.query(sql + " ORDER BY sn.id", params):
            if r["source_id"] in out:
                out[r["source_id"]].append((r["fetched_at"], r["fetch_status"]))
        return out

    def referenced_hashes(self) -> set[str]:
        """Body hashes some snapshot still points at (what `cache prune` must keep)."""
        rows = self.db.query("SELECT DISTINCT body_hash FROM snapshots WHERE body_hash IS NOT NULL")
        return {r["body_hash"] for r in rows}


# A claim's status history: each change of its roll-up (claim_results), and its last roll-up
# (claim_checked) where that found it unchanged.
_STATUS_POINTS = (
    "SELECT run_id, claim_id, status, checked_at FROM claim_results UNION ALL "
    "SELECT cc.run_id, cc.claim_id, r.status, cc.checked_at FROM claim_checked cc "
    "JOIN claim_results r ON r.id = (SELECT id FROM claim_results WHERE claim_id = "
    "cc.claim_id ORDER BY run_id DESC LIMIT 1) WHERE cc.run_id > r.run_id"
)

# What a snapshot says of its fetch, beside the check it is joined with.
_SNAPSHOT_FACTS = (
    "sn.http_status, sn.final_url, sn.reason, sn.redirects, sn.content_type, sn.body_hash"
)


def carried_over(fetch: Row) -> Row:
    """The columns of a check carried over by `fetch` (a snapshot row) that are the fetch's."""
    fresh = carried_fresh(
        fetch["run_id"], fetch["snapshot_id"], fetch["fetched_at"], fetch["fetch_status"]
    )
    return fresh | {k: fetch[k] for k in _SNAPSHOT_FACTS.replace("sn.", "").split(", ")}


# Check columns a verdict needs: all of them but its word-level detail.
_VERDICT_COLUMNS = ", ".join(
    f"c.[{name}]" for name in ("id", *FRESH_COLUMNS, *CARRIED_OVER) if name not in WORD_DETAIL
)

# What `status` reads of a check (Reader.status_checks).
_STATUS_COLUMNS = ", ".join(
    f"c.[{name}]"
    for name in (
        *("id", "claim_id", "source_id", "snapshot_id", "checked_at", "fetch_status", "drift"),
        *("quote_status", "score", "excerpt", "start", "end", "differences", "fragment_url"),
        *("archive_url", "archived_at", "archive_status", "specifics", "evidence"),
    )
)
