"""Database schema, built and evolved through sqlite-utils migrations."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("factcheck")


@migrations()
def m001_initial(db: Database) -> None:
    db.table("runs").create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "claims_path": str,
            "mode": str,
            "matcher_version": str,
            "pid": int,
            "state": str,
        },
        pk="id",
    )
    db.table("claims").create(
        {
            "id": str,
            "claim": str,
            "quote": str,
            "speaker": str,
            "tags": str,
            "recheck": str,
            "rating": str,
            "evidence": str,
            "specifics": str,
            "position": int,
            "line": int,
            "created_at": str,
            "updated_at": str,
            "removed_at": str,
        },
        pk="id",
    )
    db.table("sources").create(
        {"id": int, "url": str, "is_file": int, "host": str, "created_at": str}, pk="id"
    )
    db.table("sources").create_index(["url"], unique=True)
    db.table("claim_sources").create(
        {"claim_id": str, "source_id": int, "note": str, "accessed": str, "position": int},
        pk=("claim_id", "source_id"),
        foreign_keys=[("claim_id", "claims", "id"), ("source_id", "sources", "id")],
    )
    db.table("snapshots").create(
        {
            "id": int,
            "source_id": int,
            "run_id": int,
            "fetched_at": str,
            "fetch_status": str,
            "http_status": int,
            "final_url": str,
            "redirects": str,
            "content_type": str,
            "etag": str,
            "last_modified": str,
            "body_hash": str,
            "text_hash": str,
            "size": int,
            "reason": str,
            "not_modified": int,
            "from_cache": int,
            "elapsed_ms": int,
            "title": str,
            "metadata": str,
        },
        pk="id",
        foreign_keys=[("source_id", "sources", "id"), ("run_id", "runs", "id")],
    )
    db.table("snapshots").create_index(["source_id", "fetched_at"])
    db.table("checks").create(
        {
            "id": int,
            "run_id": int,
            "claim_id": str,
            "source_id": int,
            "snapshot_id": int,
            "checked_at": str,
            "fetch_status": str,
            "quote_status": str,
            "score": float,
            "excerpt": str,
            "start": int,
            "end": int,
            "diff": str,
            "differences": str,
            "normalisations": str,
            "occurrences": int,
            "segments": str,
            "selector": str,
            "fragment_url": str,
            "evidence": str,
            "specifics": str,
            "text_hash": str,
            "matcher_version": str,
            "reused": int,
            "drift": str,
            "archive_url": str,
            "archived_at": str,
        },
        pk="id",
        foreign_keys=[
            ("run_id", "runs", "id"),
            ("claim_id", "claims", "id"),
            ("source_id", "sources", "id"),
            ("snapshot_id", "snapshots", "id"),
        ],
    )
    # one check per claim x source x run: a retried or concurrent write cannot duplicate it
    db.table("checks").create_index(["run_id", "claim_id", "source_id"], unique=True)
    db.table("checks").create_index(["claim_id", "source_id", "checked_at"])
    db.table("claim_results").create(
        {"id": int, "run_id": int, "claim_id": str, "status": str, "checked_at": str},
        pk="id",
        foreign_keys=[("run_id", "runs", "id"), ("claim_id", "claims", "id")],
    )
    db.table("claim_results").create_index(["run_id", "claim_id"], unique=True)
    db.table("reviews").create(
        {
            "id": int,
            "claim_id": str,
            "url": str,
            "decision": str,
            "note": str,
            "rating": str,
            "by": str,
            "at": str,
        },
        pk="id",
        foreign_keys=[("claim_id", "claims", "id")],
    )


@migrations()
def m002_archive_status(db: Database) -> None:
    db.table("checks").add_column("archive_status", str)


@migrations()
def m003_review_machine_status(db: Database) -> None:
    # the machine's claim status when the human decided, to flag later contradictions
    db.table("reviews").add_column("machine_status", str)


@migrations()
def m004_claim_hash(db: Database) -> None:
    # what the claim said when checked: a verdict is reused only for the same words
    db.table("checks").add_column("claim_hash", str)
    db.table("snapshots").create_index(["body_hash"])


@migrations()
def m005_claim_indexes(db: Database) -> None:
    db.table("claim_results").create_index(["claim_id", "run_id"])
    db.table("reviews").create_index(["claim_id"])


@migrations()
def m006_article(db: Database) -> None:
    # the claims file's article header, so reports need not re-read the claims file
    db.table("articles").create(
        {"id": int, "title": str, "url": str, "published": str, "updated_at": str}, pk="id"
    )


@migrations()
def m007_meta(db: Database) -> None:
    # small facts about the database itself, e.g. which claims file it was last synced with
    db.table("meta").create({"key": str, "value": str}, pk="key")


@migrations()
def m008_drift_index(db: Database) -> None:
    # the last drift of each claim x source, for status and show (issue 17)
    db.execute(
        "CREATE INDEX IF NOT EXISTS checks_drift ON checks (claim_id, source_id, id) "
        "WHERE drift IS NOT NULL AND drift != 'unchanged'"
    )


@migrations()
def m009_claim_article(db: Database) -> None:
    # the claims file a claim comes from: one database for many articles (issue 17)
    db.table("claims").add_column("article", str)


# The verdict columns of a check: what a later run that reads the same bytes carries over.
_VERDICT = (
    "quote_status, score, excerpt, start, [end], diff, differences, normalisations, "
    "occurrences, segments, selector, fragment_url, evidence, specifics, text_hash, "
    "matcher_version, claim_hash"
)


@migrations()
def m010_history_by_reference(db: Database) -> None:
    """History that does not grow per unchanged run (issue 21, point 4).

    A verdict carried over to a later fetch of the same bytes is a `carried_checks` row (the
    check, the snapshot that re-read it), not a copy of the check; `check_timeline` shows
    both as the checks of each run. A claim's roll-up is a `claim_results` row only when it
    changes, `claim_checked` says when it was last rolled up. A snapshot that re-read known
    bytes keeps no title, metadata or text hash: the check it carries points at the snapshot
    that read them. Existing databases are converted the same way.
    """
    db.execute(
        "CREATE TABLE carried_checks (check_id INTEGER NOT NULL REFERENCES checks(id), "
        "snapshot_id INTEGER NOT NULL REFERENCES snapshots(id), "
        "PRIMARY KEY (check_id, snapshot_id)) WITHOUT ROWID"
    )
    db.execute(
        "CREATE TABLE claim_checked (claim_id TEXT PRIMARY KEY REFERENCES claims(id), "
        "run_id INTEGER NOT NULL REFERENCES runs(id), checked_at TEXT NOT NULL) WITHOUT ROWID"
    )
    db.execute(
        "CREATE VIEW check_timeline AS "
        "SELECT id, run_id, claim_id, source_id, snapshot_id, checked_at, fetch_status, reused, "
        f"drift, archive_url, archived_at, archive_status, snapshot_id AS read_snapshot_id, "
        f"{_VERDICT} FROM checks "
        "UNION ALL "
        "SELECT c.id, sn.run_id, c.claim_id, c.source_id, k.snapshot_id, sn.fetched_at, "
        "sn.fetch_status, 1, NULL, NULL, NULL, NULL, c.snapshot_id, "
        + ", ".join(f"c.{name.strip()}" for name in _VERDICT.split(","))
        + " FROM carried_checks k JOIN checks c ON c.id = k.check_id "
        "JOIN snapshots sn ON sn.id = k.snapshot_id"
    )
    _convert_copies(db)
    db.execute(
        "INSERT INTO claim_checked (claim_id, run_id, checked_at) "
        "SELECT claim_id, run_id, checked_at FROM claim_results WHERE id IN "
        "(SELECT MAX(id) FROM claim_results GROUP BY claim_id)"
    )
    # a claim's roll-ups that repeat the one before say nothing claim_checked does not
    db.execute(
        "DELETE FROM claim_results WHERE id IN (SELECT id FROM (SELECT id, status, "
        "LAG(status) OVER (PARTITION BY claim_id ORDER BY run_id) AS before "
        "FROM claim_results) WHERE status IS before)"
    )
    db.execute(
        "UPDATE snapshots SET title = NULL, metadata = NULL, text_hash = NULL "
        "WHERE metadata IS NOT NULL AND id NOT IN "
        "(SELECT snapshot_id FROM checks WHERE snapshot_id IS NOT NULL)"
    )


def _convert_copies(db: Database) -> None:
    """Each check that copied the verdict of the pair's last check that read a text becomes
    a carried_checks row; a copy that differs from it (none is known) stays a check."""
    origin: dict[tuple[str, int], tuple[int, tuple[object, ...]]] = {}
    links, copies = [], []
    rows = db.execute(
        "SELECT id, claim_id, source_id, snapshot_id, reused, drift, archive_url, "
        f"{_VERDICT} FROM checks ORDER BY id"
    )
    for check_id, claim_id, source_id, snapshot_id, reused, drift, archive, *verdict in rows:
        pair, text_hash = (claim_id, source_id), verdict[-3]
        known = origin.get(pair)
        plain = drift is None and archive is None and snapshot_id is not None
        if reused and plain and known is not None and known[1] == tuple(verdict):
            links.append((known[0], snapshot_id))
            copies.append((check_id,))
        elif text_hash is not None:
            origin[pair] = (check_id, tuple(verdict))
    db.conn.executemany(
        "INSERT OR IGNORE INTO carried_checks (check_id, snapshot_id) VALUES (?, ?)", links
    )
    db.conn.executemany("DELETE FROM checks WHERE id = ?", copies)


@migrations()
def m011_no_body_hash_index(db: Database) -> None:
    # nothing looks snapshots up by body hash any more (a fetch of known bytes copies no
    # metadata): the index cost ~80 bytes a fetch, a sixth of an unchanged run's growth
    db.execute("DROP INDEX IF EXISTS idx_snapshots_body_hash")


@migrations()
def m012_newest_snapshot_index(db: Database) -> None:
    # a run's conditional requests come from each source's newest snapshot with a body: one
    # index seek per source, not a scan of every fetch ever recorded (which grew every run)
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_snapshots_with_body ON snapshots (source_id) "
        "WHERE body_hash IS NOT NULL"
    )
