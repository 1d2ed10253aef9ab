"""The fetch stage's snapshot writer: bodies compressed and stored on a background thread."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading

from factcheck.cache import SnapshotCache, sha256_hex
from factcheck.errors import CacheError


class CacheWriter:
    """Writes snapshots on one background thread so disk I/O never stalls the event loop.

    Safe to lag behind: a snapshot missing after a crash is simply fetched again, since
    `SnapshotCache.get` verifies every hash. The first CacheError is kept in `error`.
    At most BACKLOG bodies wait, so a slow disk pauses fetching instead of filling memory.
    Hashing, zstd compression and appending to a pack all release the GIL, so the writer
    runs beside the event loop (a second writer thread measured no faster). Bodies are
    hashed here too: at concurrency 1 the loop thread is the bottleneck (issue 4).
    """

    BACKLOG = 64

    def __init__(self, cache: SnapshotCache) -> None:
        self.cache = cache
        self.inbox: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self.room = threading.Semaphore(self.BACKLOG)
        self.error: CacheError | None = None
        self.thread = threading.Thread(target=self._work, name="factcheck-cache", daemon=True)
        self.thread.start()

    def _work(self) -> None:
        while (item := self.inbox.get()) is not None:
            body, loop, hashed = item
            digest = sha256_hex(body)  # hashlib releases the GIL: the loop runs on meanwhile
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is waiting
                loop.call_soon_threadsafe(_settle, hashed, digest)
            if self.error is None:
                try:
                    self.cache.put(body, digest)
                except CacheError as err:
                    self.error = err
            self.room.release()

    async def put(self, body: bytes) -> str:
        """Queue `body` for writing; its digest (the cache key), hashed on the writer thread."""
        if not self.room.acquire(blocking=False):
            await asyncio.to_thread(self.room.acquire)
        loop = asyncio.get_running_loop()
        hashed: asyncio.Future[str] = loop.create_future()
        self.inbox.put((body, loop, hashed))
        return await hashed

    async def close(self) -> None:
        """Wait until every queued snapshot is written, then close the pack."""
        self.inbox.put(None)
        await asyncio.to_thread(self.thread.join)
        self.cache.close()


_Item = tuple[bytes, asyncio.AbstractEventLoop, "asyncio.Future[str]"]


def _settle(hashed: asyncio.Future[str], digest: str) -> None:
    if not hashed.done():  # the waiting fetch may have been cancelled
        hashed.set_result(digest)
