"""Fetch sources politely under every fault: the public Fetcher; every request ends in a result.

The stages live beside it: `request` (redirects, retries, bodies), `politeness` (per-host
limits, intervals, Retry-After, robots.txt), `classify` (statuses, soft 404s, walls),
`transport` (httpx clients, proxies, CA) and `local` (files, offline cache).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterable

from factcheck.cache import SnapshotCache
from factcheck.clock import now_iso
from factcheck.errors import CacheError
from factcheck.models import FetchRequest, FetchResult, FetchStatus
from factcheck.politeness import parse_retry_after
from factcheck.request import FetchRun
from factcheck.settings import Settings
from factcheck.transport import Transport, proxy_for

__all__ = ["Fetcher", "parse_retry_after", "proxy_for"]

_END = object()
PENDING_PER_SLOT = 4  # requests in flight or waiting to be consumed, per global slot


class Fetcher:
    """Fetches sources politely and concurrently; every request ends in a FetchResult.

    `transport` replaces the network for tests (httpx.MockTransport); without it each host
    gets a few small connection pools honouring proxy and CA environment variables.
    Fetched bodies are written to `cache` so offline runs and 304 answers can reuse them.
    """

    def __init__(
        self,
        settings: Settings,
        cache: SnapshotCache,
        transport: Transport | None = None,
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.transport = transport

    async def fetch_all(self, requests: Iterable[FetchRequest]) -> AsyncIterator[FetchResult]:
        """Yield one FetchResult per request, in completion order.

        At most a few results per connection slot are held at once, so a slow consumer
        pauses fetching instead of piling up bodies. Raises CacheError (run-stopping)
        when the snapshot cache cannot be written.
        """
        run = FetchRun(self.settings, self.cache, self.transport)
        cap = max(16, PENDING_PER_SLOT * self.settings.max_connections)
        slots = asyncio.Semaphore(cap)
        results: asyncio.Queue[object] = asyncio.Queue()
        tasks: set[asyncio.Task[None]] = set()

        async def one(req: FetchRequest) -> None:
            try:
                await results.put(await run.fetch(req))
            except CacheError as err:
                await results.put(err)
            except Exception as err:  # noqa: BLE001 - never lose a request to a bug
                reason = f"internal error: {type(err).__name__}: {err}"
                failed = FetchResult(req.url, FetchStatus.UNREACHABLE, now_iso(), reason=reason)
                await results.put(failed)

        async def feed() -> None:
            for req in requests:
                await slots.acquire()
                task = asyncio.create_task(one(req))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            while tasks:
                await asyncio.wait(set(tasks))
            await results.put(_END)

        feeder = asyncio.create_task(feed())
        try:
            while (item := await results.get()) is not _END:
                slots.release()
                if isinstance(item, BaseException):
                    raise item
                if run.writer.error is not None:
                    raise run.writer.error
                assert isinstance(item, FetchResult)
                yield item
            await feeder
        finally:
            for task in [feeder, *tasks]:
                task.cancel()
            await asyncio.gather(feeder, *tasks, return_exceptions=True)
            await run.close()
        if run.writer.error is not None:
            raise run.writer.error

    def fetch_many(
        self, requests: Iterable[FetchRequest], on_result: Callable[[FetchResult], None]
    ) -> None:
        """Fetch on a background event loop; call `on_result` in this thread as results arrive.

        Network work goes on while `on_result` runs (e.g. parsing the previous page), and
        fetching pauses when more than a few results are waiting. Must not be called from
        a running event loop's thread with that loop blocked on it.
        """
        inbox: queue.Queue[object] = queue.Queue(maxsize=PENDING_PER_SLOT * 4)
        stop = threading.Event()
        worker = threading.Thread(
            target=self._pump, args=(requests, inbox, stop), name="factcheck-fetch", daemon=True
        )
        worker.start()
        try:
            while (item := inbox.get()) is not _END:
                if isinstance(item, BaseException):
                    raise item
                assert isinstance(item, FetchResult)
                on_result(item)
        finally:
            stop.set()
            while worker.is_alive():
                with contextlib.suppress(queue.Empty):
                    inbox.get(timeout=0.05)
            worker.join()

    def _pump(
        self, requests: Iterable[FetchRequest], inbox: queue.Queue[object], stop: threading.Event
    ) -> None:
        async def run() -> None:
            async for result in self.fetch_all(requests):
                if stop.is_set():
                    return
                await asyncio.to_thread(_put_unless_stopped, inbox, result, stop)

        try:
            asyncio.run(run())
        except BaseException as err:  # noqa: BLE001 - handed to the caller's thread
            _put_unless_stopped(inbox, err, stop)
        _put_unless_stopped(inbox, _END, stop)


def _put_unless_stopped(inbox: queue.Queue[object], item: object, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            inbox.put(item, timeout=0.05)
            return
        except queue.Full:
            continue
