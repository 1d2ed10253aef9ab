"""The SQLite record (sqlite-utils): opening and migrating a database.

`Store` is the one object the rest of the tool talks to: it owns the connection, a `Writer`
(store/writes.py) and a `Reader` (store/reads.py); rows map to models in store/rows.py.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from factcheck.errors import StoreError
from factcheck.store.migrations import migrations
from factcheck.store.reads import Reader
from factcheck.store.writes import Writer, immediate

WAL_TRIES = 300  # 0.1 s apart: the 30 s a busy database is waited for elsewhere


def use_wal(execute: Callable[[str], object], pause: float = 0.1) -> None:
    """Switch the database to WAL, waiting out another process doing the same.

    Two runs that create a new database at once race for this switch, and SQLite answers
    the loser "database is locked" at once, without its busy timeout (seen 3 times in 120
    processes opening one new file): wait and try again, as the busy timeout would.
    """
    for attempt in range(WAL_TRIES):
        try:
            execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == WAL_TRIES - 1:
                raise
            time.sleep(pause)


def reclaim(db: Database, share: float = 0.25) -> None:
    """VACUUM when more than `share` of the file is free pages (a migration that shrank the
    history: issue 21, point 4); once, at open, never in a run's way."""
    free = db.execute("PRAGMA freelist_count").fetchone()[0]
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    if pages and free / pages > share:
        db.execute("VACUUM")


@dataclass
class Store:
    """The factcheck database: `writer` records (each write commits at once), `reader` reads."""

    db: Database
    writer: Writer = field(init=False)
    reader: Reader = field(init=False)

    def __post_init__(self) -> None:
        self.writer = Writer(self.db)
        self.reader = Reader(self.db)

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
                use_wal(db.execute)
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            with immediate(db):
                migrated = bool(migrations.pending(db))
                if migrated:
                    migrations.apply(db)
            if migrated:
                reclaim(db)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        return cls(db)

    def close(self) -> None:
        self.db.conn.close()
