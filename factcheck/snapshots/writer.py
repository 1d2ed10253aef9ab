"""The fetch stage's snapshot writer: bodies compressed and stored on a background thread."""

from __future__ import annotations

import asyncio
import queue
import threading

from factcheck.errors import CacheError
from factcheck.snapshots.cache import SnapshotCache, sha256_hex


class CacheWriter:
    """Writes snapshots on one background thread so disk I/O never stalls the event loop.

    Safe to lag behind: a snapshot missing after a crash is simply fetched again, since
    `SnapshotCache.get` verifies every hash. The first CacheError is kept in `error`.
    At most BACKLOG bodies wait, so a slow disk pauses fetching instead of filling memory.
    zstd compression and appending to a pack release the GIL, so the writer runs beside
    the event loop. Bodies go over BATCH at a time, compressed and appended with one write:
    each time the writer takes the GIL back, the event-loop thread (the bottleneck at low
    concurrency, issue 4) can stall on it, so the fewer the better.
    """

    BACKLOG = 64
    BATCH = 8  # well under BACKLOG, so bodies held in a batch never starve the writer
    BATCH_BYTES = 4 << 20
    FLUSH_AFTER = 1.0  # seconds a body may wait in a batch while fetching is slow

    def __init__(self, cache: SnapshotCache) -> None:
        self.cache = cache
        self.inbox: queue.SimpleQueue[list[tuple[bytes, str]] | None] = queue.SimpleQueue()
        self.room = threading.Semaphore(self.BACKLOG)
        self.batch: list[tuple[bytes, str]] = []
        self.batch_bytes = 0
        self.timer: asyncio.TimerHandle | None = None
        self.error: CacheError | None = None
        self.thread = threading.Thread(target=self._work, name="factcheck-cache", daemon=True)
        self.thread.start()

    def _work(self) -> None:
        while (batch := self.inbox.get()) is not None:
            if self.error is None:
                try:
                    self.cache.put_all(batch)
                except CacheError as err:
                    self.error = err
            self.room.release(len(batch))

    async def put(self, body: bytes) -> str:
        """Queue `body` for writing and return its digest (the cache key)."""
        digest = sha256_hex(body)
        if not self.room.acquire(blocking=False):
            self._flush()  # the writer may be waiting for what this batch holds
            await asyncio.to_thread(self.room.acquire)
        if not self.batch:
            self.timer = asyncio.get_running_loop().call_later(self.FLUSH_AFTER, self._flush)
        self.batch.append((body, digest))
        self.batch_bytes += len(body)
        if len(self.batch) >= self.BATCH or self.batch_bytes >= self.BATCH_BYTES:
            self._flush()
        return digest

    def _flush(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.batch:
            self.inbox.put(self.batch)
            self.batch, self.batch_bytes = [], 0

    async def close(self) -> None:
        """Wait until every queued snapshot is written, then close the pack."""
        self._flush()
        self.inbox.put(None)
        await asyncio.to_thread(self.thread.join)
        self.cache.close()
