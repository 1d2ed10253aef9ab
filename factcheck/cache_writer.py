"""The fetch stage's snapshot writer: bodies compressed and stored on a background thread."""

from __future__ import annotations

import asyncio
import queue
import threading

from factcheck.cache import SnapshotCache, sha256_hex
from factcheck.errors import CacheError


class CacheWriter:
    """Writes snapshots on one background thread so disk I/O never stalls the event loop.

    Safe to lag behind: a snapshot missing after a crash is simply fetched again, since
    `SnapshotCache.get` verifies every hash. The first CacheError is kept in `error`.
    At most BACKLOG bodies wait, so a slow disk pauses fetching instead of filling memory.
    zstd compression and appending to a pack both release the GIL, so the writer runs beside
    the event loop (a second writer thread measured no faster).
    """

    BACKLOG = 64

    def __init__(self, cache: SnapshotCache) -> None:
        self.cache = cache
        self.inbox: queue.SimpleQueue[tuple[bytes, str] | None] = queue.SimpleQueue()
        self.room = threading.Semaphore(self.BACKLOG)
        self.error: CacheError | None = None
        self.thread = threading.Thread(target=self._work, name="factcheck-cache", daemon=True)
        self.thread.start()

    def _work(self) -> None:
        while (item := self.inbox.get()) is not None:
            if self.error is None:
                try:
                    self.cache.put(*item)
                except CacheError as err:
                    self.error = err
            self.room.release()

    async def put(self, body: bytes) -> str:
        """Queue `body` for writing and return its digest (the cache key)."""
        digest = sha256_hex(body)
        if not self.room.acquire(blocking=False):
            await asyncio.to_thread(self.room.acquire)
        self.inbox.put((body, digest))
        return digest

    async def close(self) -> None:
        """Wait until every queued snapshot is written, then close the pack."""
        self.inbox.put(None)
        await asyncio.to_thread(self.thread.join)
        self.cache.close()
