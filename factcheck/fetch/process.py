"""Fetch in a process of its own, so the HTTP exchanges get a core while this one records.

A due run is mostly revalidations: httpx spends about as much CPU on each `304` as the run
spends recording the verdicts it carries over, and on one GIL the two take turns. Forked, the
fetching process runs `Fetcher.fetch_all` on its event loop and writes each result to a pipe
(non-blocking: while this side is busy, the loop goes on with the requests in flight and
only the results wait); the caller's `on_result` runs here, in order of arrival.

Only where forking is safe and says the same: Linux, a caller with no other thread alive (a
fork copies only the calling thread, and a lock another thread holds stays held in the copy),
and the real network (a test's `httpx.MockTransport` keeps its state in this process).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import signal
import struct
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO

from factcheck.models import FetchRequest, FetchResult

if TYPE_CHECKING:
    from factcheck.fetch.fetcher import Fetcher

log = logging.getLogger(__name__)

MIN_REQUESTS = 50  # below this, forking costs more than the overlap saves
_HEADER = struct.Struct("!Q")  # each message: its length, then the pickled (kind, item)
_HIGH_WATER = 1 << 20  # bytes written and not yet read before the fetching side waits


def can_fork(fetcher: Fetcher, requests: list[FetchRequest]) -> bool:
    """Whether `requests` are worth, and safe for, a fetching process of their own."""
    return (
        len(requests) >= MIN_REQUESTS
        and fetcher.transport is None
        and sys.platform.startswith("linux")
        and threading.active_count() == 1
    )


def fetch_in_process(
    fetcher: Fetcher, requests: list[FetchRequest], on_result: Callable[[FetchResult], None]
) -> bool:
    """`fetcher.fetch_many` in a forked process; `on_result` called here, in order of arrival.

    False, with nothing fetched, when no process could be forked. A CacheError (or a bug)
    there is raised here. Whatever ends this side early (Ctrl-C, an error in `on_result`)
    stops the fetching process; if this process is killed, the fetching one stops at its next
    result (the pipe is closed).
    """
    import multiprocessing  # loaded only for a run this large

    read_fd, write_fd = os.pipe()
    child = multiprocessing.get_context("fork").Process(
        target=_serve, args=(fetcher, requests, read_fd, write_fd), daemon=True
    )
    try:  # (start flushes stdout and stderr first, so the child does not write them again)
        child.start()
    except OSError as err:  # no process to be had (a limit, memory; a stdout gone): a thread
        log.warning("cannot fork a fetching process (%s): fetching on a thread", err)
        os.close(read_fd)
        return False
    finally:
        os.close(write_fd)
    log.debug("fetching %d sources in process %s", len(requests), child.pid)
    try:
        with os.fdopen(read_fd, "rb") as inbox:
            while (message := _receive(inbox)) is not None:
                kind, item = message
                if kind == "result":
                    on_result(item)
                elif kind == "notice" and fetcher.notice is not None:
                    fetcher.notice(item)
                elif kind == "error":
                    raise item
                elif kind == "end":
                    return True
        child.join(5)
        raise RuntimeError(f"the fetching process ended early (exit code {child.exitcode})")
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def _receive(inbox: BinaryIO) -> tuple[str, Any] | None:
    header = inbox.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = inbox.read(size)
    if len(data) < size:
        return None
    kind, item = pickle.loads(data)
    return kind, item


def _serve(fetcher: Fetcher, requests: list[FetchRequest], read_fd: int, write_fd: int) -> None:
    """The fetching process: every result, notice and error, written in order."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle
    os.close(read_fd)
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the caller is gone
        asyncio.run(_send_all(fetcher, requests, write_fd))


async def _send_all(fetcher: Fetcher, requests: list[FetchRequest], write_fd: int) -> None:
    from factcheck.fetch.fetcher import Fetcher
    from factcheck.snapshots.cache import SnapshotCache

    loop = asyncio.get_running_loop()
    pipe = os.fdopen(write_fd, "wb", buffering=0)
    transport, outbox = await loop.connect_write_pipe(_Outbox, pipe)
    transport.set_write_buffer_limits(high=_HIGH_WATER)

    def send(kind: str, item: object) -> None:
        data = pickle.dumps((kind, item), protocol=pickle.HIGHEST_PROTOCOL)
        transport.write(_HEADER.pack(len(data)) + data)

    # A cache of its own: nothing of the caller's (an open pack, its lock) is shared.
    own = Fetcher(
        fetcher.settings,
        SnapshotCache(fetcher.cache.root),
        notice=(lambda line: send("notice", line)) if fetcher.notice is not None else None,
    )
    try:
        async with contextlib.aclosing(own.fetch_all(requests)) as results:
            async for result in results:
                send("result", result)
                await outbox.drain()
    except (BrokenPipeError, ConnectionResetError):
        raise
    except BaseException as err:  # the caller raises it
        try:
            send("error", err)
        except Exception:  # an error that does not pickle: its words do
            send("error", RuntimeError(f"{type(err).__name__}: {err}"))
    else:
        send("end", None)
    transport.close()  # once everything written is read
    await outbox.closed


class _Outbox(asyncio.Protocol):
    """The pipe's side of the loop: `drain` waits while the reader is behind."""

    def __init__(self) -> None:
        self.room = asyncio.Event()
        self.room.set()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def pause_writing(self) -> None:
        self.room.clear()

    def resume_writing(self) -> None:
        self.room.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.room.set()
        if not self.closed.done():
            self.closed.set_result(None)

    async def drain(self) -> None:
        await self.room.wait()
        if self.closed.done():
            raise BrokenPipeError("the caller stopped reading")
