"""Fetch sources politely under every fault: the public Fetcher; every request ends in a result.

The stages live beside it: `request` (redirects, retries, bodies), `politeness` (per-host
limits, intervals, Retry-After, robots.txt), `classify` (statuses, soft 404s, walls),
`transport` (httpx clients, proxies, CA), `local` (files, offline cache) and `process` (a
forked process that fetches while the caller records).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import queue
import signal
import threading
from collections.abc import AsyncGenerator, Callable, Iterable
from typing import Any

from factcheck.clock import now_iso
from factcheck.errors import CacheError
from factcheck.fetch.politeness import parse_retry_after
from factcheck.fetch.request import FetchRun
from factcheck.fetch.transport import Transport, proxy_for
from factcheck.fetch.waits import Notice
from factcheck.models import FetchRequest, FetchResult, FetchStatus
from factcheck.settings import Settings
from factcheck.snapshots.cache import SnapshotCache

__all__ = ["Fetcher", "parse_retry_after", "proxy_for"]

log = logging.getLogger(__name__)

_END = object()
PENDING_PER_SLOT = 4  # requests in flight or waiting to be consumed, per global slot


class Fetcher:
    """Fetches sources politely and concurrently; every request ends in a FetchResult.

    `transport` replaces the network for tests (httpx.MockTransport); without it each host
    gets a few small connection pools honouring proxy and CA environment variables.
    `notice` hears of every back-off wait and of hosts slowed or given up after 429s.
    Fetched bodies are written to `cache` so offline runs and 304 answers can reuse them.
    `own_process`: many requests are fetched in a forked process of their own (`process`).
    """

    def __init__(
        self,
        settings: Settings,
        cache: SnapshotCache,
        transport: Transport | None = None,
        notice: Notice | None = None,
        *,
        own_process: bool = False,
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.transport = transport
        self.notice = notice  # called with a line about a wait (on the fetch thread)
        self.own_process = own_process

    async def fetch_all(
        self, requests: Iterable[FetchRequest]
    ) -> AsyncGenerator[FetchResult, None]:
        """Yield one FetchResult per request, in completion order.

        At most a few results per connection slot are held at once, so a slow consumer
        pauses fetching instead of piling up bodies. Raises CacheError (run-stopping)
        when the snapshot cache cannot be written.
        """
        run = FetchRun(self.settings, self.cache, self.transport, self.notice)
        cap = max(16, PENDING_PER_SLOT * self.settings.max_connections)
        slots = asyncio.Semaphore(cap)
        results: asyncio.Queue[object] = asyncio.Queue()
        tasks: set[asyncio.Task[None]] = set()

        async def one(req: FetchRequest) -> None:
            try:
                await results.put(await run.fetch(req))
            except CacheError as err:
                await results.put(err)
            except Exception as err:  # never lose a request to a bug
                # a bug of ours, not the source's failure: never `unreachable` (issue 15)
                log.error("internal error fetching %s", req.url, exc_info=err)
                reason = f"internal error: {type(err).__name__}: {err}"
                failed = FetchResult(req.url, FetchStatus.ERROR, now_iso(), reason=reason)
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
                log.debug(
                    "%s %s: %s (%s)", item.status.value, item.url, item.http_status, item.reason
                )
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
        if self.own_process:
            from factcheck.fetch.process import can_fork, fetch_in_process

            requests = list(requests)
            if can_fork(self, requests) and fetch_in_process(self, requests, on_result):
                return
        handoff = _Handoff(PENDING_PER_SLOT * 4)
        worker = threading.Thread(
            target=self._pump, args=(requests, handoff), name="factcheck-fetch", daemon=True
        )
        worker.start()
        try:
            while (item := handoff.take()) is not _END:
                if isinstance(item, BaseException):
                    raise item
                assert isinstance(item, FetchResult)
                on_result(item)
        finally:
            handoff.cancel()  # a no-op once the run is over
            worker.join()

    def _pump(self, requests: Iterable[FetchRequest], handoff: _Handoff) -> None:
        # Ctrl-C must reach the caller's thread, which waits on this one: delivered here (and
        # to the threads this one starts), it would wait unhandled for the next result.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})

        async def run() -> None:
            await handoff.bind()
            async with contextlib.aclosing(self.fetch_all(requests)) as results:
                async for result in results:
                    await handoff.put(result)

        try:
            asyncio.run(run())
        except asyncio.CancelledError:
            pass  # the caller stopped the run
        except BaseException as err:  # handed to the caller's thread
            handoff.items.put(err)
        handoff.items.put(_END)


class _Handoff:
    """Results from the fetch loop's thread to the caller's: at most `size` wait, no polling.

    A count under a lock tracks the results not yet taken. The loop side parks on a future
    only when `size` are waiting, and the caller's thread wakes the loop (a self-pipe write
    and a GIL hand-off) only then, not once per result. One producer (the loop's pump).
    """

    def __init__(self, size: int) -> None:
        self.items: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.size = size
        self.held = 0  # results put and not yet taken
        self.lock = threading.Lock()
        self.waiter: asyncio.Future[None] | None = None  # the loop side, parked while full
        self.stopped = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self.task: asyncio.Task[Any] | None = None

    async def bind(self) -> None:
        """Called first on the loop: remember it, and stop at once if already cancelled."""
        self.task = asyncio.current_task()
        self.loop = asyncio.get_running_loop()
        if self.stopped and self.task is not None:
            self.task.cancel()

    async def put(self, item: FetchResult) -> None:
        assert self.loop is not None
        while True:
            with self.lock:
                if self.held < self.size:
                    self.held += 1
                    break
                waiter = self.waiter = self.loop.create_future()
            await waiter
        self.items.put(item)

    def take(self) -> object:
        """The next item (blocking), making room for one more on the loop side."""
        item = self.items.get()
        if isinstance(item, FetchResult):
            with self.lock:
                self.held -= 1
                waiter, self.waiter = self.waiter, None
            if waiter is not None:
                self._call(functools.partial(_wake, waiter))
        return item

    def cancel(self) -> None:
        self.stopped = True
        if self.task is not None:
            self._call(self.task.cancel)

    def _call(self, callback: Callable[[], object]) -> None:
        if self.loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is already closed
                self.loop.call_soon_threadsafe(callback)


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
