"""The SQLite record (sqlite-utils): opening and migrating a database.

`Store` is the one object the rest of the tool talks to: it owns the connection, a `Writer`
(store/writes.py) and a `Reader` (store/reads.py); rows map to models in store/rows.py.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from factcheck.errors import StoreError
from factcheck.store.migrations import migrations
from factcheck.store.reads import Reader
from factcheck.store.writes import Writer, immediate


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
