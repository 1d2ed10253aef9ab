"""One source's request: redirects, retries with backoff, conditional 304s, bounded bodies."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

from factcheck.clock import now_iso
from factcheck.errors import CacheError
from factcheck.fetch.classify import (
    REDIRECT_STATUSES,
    Attempt,
    check_url,
    classify_answer,
    classify_body,
    host_rule,
    not_found_suspect,
    refuse_head,
)
from factcheck.fetch.local import read_file, read_offline
from factcheck.fetch.notfound import NotFoundPages
from factcheck.fetch.politeness import (
    ROBOTS_MAX_BYTES,
    HostGate,
    Hosts,
    PrivateGuard,
    Robots,
    backoff,
)
from factcheck.fetch.transport import Clients, CookieState, Reply, Transport, classify_error, origin
from factcheck.fetch.waits import GIVEN_UP, Notice, WaitBudget
from factcheck.models import FetchRequest, FetchResult, FetchStatus
from factcheck.settings import Settings
from factcheck.snapshots.cache import SnapshotCache
from factcheck.snapshots.writer import CacheWriter

log = logging.getLogger(__name__)

MAX_REDIRECTS = 10
DRAIN_BYTES = 65_536  # bodies of redirects and 304s read so their connection stays open
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.9,*/*;q=0.1"


@dataclass
class _Try:
    """One try at a request, through its redirects."""

    req: FetchRequest
    at: str
    conditional: bool
    waits: WaitBudget  # what this source may still wait for (--max-wait)
    chain: list[str] = field(default_factory=list)
    deadline: float | None = None  # loop time by which this try must be done


@dataclass
class _Body:
    """A complete 2xx body, read and off the connection, not yet screened or stored."""

    base: FetchResult
    body: bytes


class FetchRun:
    """State of one fetch run: clients, host gates, robots rules, cache writer, deadline."""

    def __init__(
        self,
        settings: Settings,
        cache: SnapshotCache,
        transport: Transport | None = None,
        notice: Notice | None = None,
    ) -> None:
        self.s = settings
        self.notice = notice or (lambda _: None)
        self.cache = cache
        self.writer = CacheWriter(cache)
        self.clients = Clients(settings, transport)
        self.hosts = Hosts(settings)
        self.robots = Robots(settings, self.hosts, self._get_small)
        self.not_found = NotFoundPages(self.hosts, self._get_small)
        self.private = PrivateGuard()
        self.global_slots = asyncio.Semaphore(max(1, settings.max_connections))
        self.rng = random.Random()
        deadline = settings.run_deadline
        self.ends_at = asyncio.get_running_loop().time() + deadline if deadline else None
        self.base_headers = {
            "User-Agent": settings.user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": "gzip, deflate",
        }

    async def close(self) -> None:
        await self.writer.close()
        await self.clients.close()

    async def fetch(self, req: FetchRequest) -> FetchResult:
        """Fetch one request to its end; never raises except CacheError (run-stopping)."""
        started = time.monotonic()
        at = now_iso()
        if req.is_file or req.url.startswith("file:"):
            result = await asyncio.to_thread(read_file, self.cache, req, at, self.s.max_bytes)
        elif self.s.offline:
            result = read_offline(self.cache, req, at)
        elif (problem := check_url(req.url, self.s.skip_hosts)) is not None:
            result = FetchResult(url=req.url, status=problem[0], fetched_at=at, reason=problem[1])
        else:
            result = await self._with_retries(req, at)
        return replace(result, elapsed_ms=int((time.monotonic() - started) * 1000))

    async def _with_retries(self, req: FetchRequest, at: str) -> FetchResult:
        conditional = bool(req.etag or req.last_modified) and bool(req.previous_hash)
        attempt, waits = 0, WaitBudget(self.s.max_wait, self.notice)
        while True:
            outcome = await self._attempt(_Try(req, at, conditional, waits))
            if outcome.not_modified:
                if not req.body_needed and self.cache.has(req.previous_hash or ""):
                    return replace(
                        outcome.result, body_hash=req.previous_hash, size=req.previous_size
                    )
                body = self.cache.get(req.previous_hash or "")
                if body is None:
                    conditional = False  # the cache lost the snapshot: fetch it whole
                    continue
                return replace(outcome.result, body=body, body_hash=req.previous_hash)
            if not outcome.retryable or attempt >= self.s.retries:
                return outcome.result
            if self.hosts.gate(req.url).blocked:
                return replace(outcome.result, reason=GIVEN_UP)
            delay = backoff(self.s, attempt, outcome.retry_after, self.rng)
            if not waits.before_retry(outcome, delay, self._remaining()):
                return waits.refused(outcome, delay)
            await asyncio.sleep(delay)
            waits.spend(delay)
            attempt += 1

    def _remaining(self) -> float | None:
        if self.ends_at is None:
            return None
        return self.ends_at - asyncio.get_running_loop().time()

    async def _attempt(self, t: _Try) -> Attempt:
        url = t.req.url
        asked: set[tuple[str, CookieState]] = set()  # (URL, cookies sent with it)
        try:
            for _ in range(MAX_REDIRECTS + 1):
                asked.add((url, self.clients.cookie_state(url)))
                step = await self._hop(t, url)
                if isinstance(step, Attempt):
                    return step
                t.chain.append(url)
                # a loop asks again what it asked before; a site that sets a cookie and
                # redirects to the same URL to see it come back does not
                if (step, self.clients.cookie_state(step)) in asked:
                    return _final(t, FetchStatus.REDIRECT_LOOP, f"redirect loop at {step}", url)
                url = step
            reason = f"more than {MAX_REDIRECTS} redirects"
            return _final(t, FetchStatus.REDIRECT_LOOP, reason, url)
        except CacheError:
            raise
        except TimeoutError:
            reason = f"no complete response within {self.s.request_deadline:g} s"
            return _final(t, FetchStatus.TIMEOUT, reason, url, retryable=True)
        except Exception as err:  # every failure becomes a status
            status, reason, retry = classify_error(err)
            if status is FetchStatus.ERROR:
                log.error("internal error fetching %s", url, exc_info=err)
            return _final(t, status, reason, url, retryable=retry)

    def _headers(self, url: str, t: _Try) -> dict[str, str]:
        headers = dict(self.base_headers)
        if t.conditional and t.req.etag:
            headers["If-None-Match"] = t.req.etag
        if t.conditional and t.req.last_modified:
            headers["If-Modified-Since"] = t.req.last_modified
        # Per-host headers (credentials) go only to the origin first asked: never along a
        # redirect to another scheme, host or port (RFC 6454 origins).
        if self.s.host_headers and origin(url) == origin(t.req.url):
            rule = host_rule(self.s.host_headers, (urlsplit(url).hostname or "").lower())
            if rule is not None:
                headers.update(self.s.host_headers[rule])
        return headers

    async def _refusal(self, url: str, first: bool) -> tuple[FetchStatus, str] | None:
        problem = None if first else check_url(url, self.s.skip_hosts)
        if problem is None and self.s.refuse_private:
            refused = await self.private.refusal(url)
            problem = (FetchStatus.INVALID, refused) if refused else None
        if problem is None and self.s.respect_robots and not await self.robots.allows(url):
            problem = (FetchStatus.BLOCKED, "disallowed by robots.txt")
        return problem

    async def _hop(self, t: _Try, url: str) -> Attempt | str:
        """Request `url` once; a redirect returns the next URL, anything else an Attempt."""
        problem = await self._refusal(url, first=not t.chain)
        if problem is not None:
            return _final(t, problem[0], problem[1], url)
        answer = await self._exchange(t, url)
        if not isinstance(answer, _Body):
            return answer
        # The connection and slots are free again: let the next request go out, then hash,
        # screen and queue this body while the server works on that one.
        await asyncio.sleep(0)
        result = classify_body(t.req.url, answer.base, answer.body)
        if not_found_suspect(result, answer.body) and await self.not_found.matches(
            url, answer.body
        ):
            reason = "soft 404: the page the site shows for an address that does not exist"
            result = replace(result, status=FetchStatus.GONE, reason=reason)
        if result.status is not FetchStatus.FETCHED:
            return Attempt(result)
        digest = await self.writer.put(answer.body)
        return Attempt(replace(result, body=answer.body, body_hash=digest, reason="ok"))

    async def _exchange(self, t: _Try, url: str) -> Attempt | str | _Body:
        """One request and its answer, holding the host's gate and a connection slot."""
        gate = self.hosts.gate(url)
        waited = await gate.acquire(t.waits.left)
        if waited is None:
            reason = (
                f"its host answers 429: its next turn is beyond --max-wait {self.s.max_wait:g} s"
            )
            return _final(t, FetchStatus.BLOCKED, reason, url)
        t.waits.spend(waited)
        try:
            if gate.blocked:  # given up while this request waited for its turn
                return _final(t, FetchStatus.BLOCKED, GIVEN_UP, url)
            async with self.global_slots:
                now = asyncio.get_running_loop().time()
                if t.deadline is None:  # the clock starts once a connection slot is ours
                    t.deadline = now + self.s.request_deadline
                    if self.ends_at is not None:
                        t.deadline = min(t.deadline, self.ends_at)
                if t.deadline <= now:
                    return _final(t, FetchStatus.TIMEOUT, "run deadline reached", url)
                async with asyncio.timeout_at(t.deadline):
                    async with self.clients.open(url, self._headers(url, t)) as reply:
                        return await self._respond(t, url, reply)
        finally:
            gate.release()

    async def _respond(self, t: _Try, url: str, reply: Reply) -> Attempt | str | _Body:
        code = reply.status
        location = reply.headers.get("location")
        if code in REDIRECT_STATUSES and location:
            await reply.read(DRAIN_BYTES)  # a body read to its end lets the connection be reused
            return urljoin(url, location.strip())
        headers = reply.headers
        base = FetchResult(
            url=t.req.url,
            status=FetchStatus.FETCHED,
            fetched_at=t.at,
            http_status=code,
            final_url=url,
            redirects=tuple(t.chain),
            content_type=headers.get("content-type"),
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
        )
        if code == 304 and t.conditional:
            await reply.read(DRAIN_BYTES)  # none to read, but unread it would cost the connection
            result = replace(base, not_modified=True, reason="not modified since the last snapshot")
            return Attempt(result, not_modified=True)
        change = self.hosts.answered(url, code, headers.get("retry-after"))
        if change is not None:
            self.notice(change)
        if not 200 <= code < 300:
            return classify_answer(code, reply.phrase, headers, base)
        refused = refuse_head(base, headers.get("content-length"), self.s.max_bytes)
        if refused is not None:
            return refused
        body = await reply.read(self.s.max_bytes)
        if body is None:
            reason = f"body exceeds the {self.s.max_bytes} byte limit"
            return Attempt(replace(base, status=FetchStatus.TOO_LARGE, reason=reason))
        return _Body(base, body)

    async def _get_small(self, url: str, gate: HostGate) -> tuple[int | None, str]:
        """GET a small resource (robots.txt) under the host's gate: (status, text)."""
        await gate.acquire()
        try:
            async with asyncio.timeout(self.s.request_deadline):
                async with self.clients.open(url, {"User-Agent": self.s.user_agent}) as reply:
                    body = await reply.read(ROBOTS_MAX_BYTES) or b""
                    return reply.status, body.decode("utf-8", "replace")
        except Exception:  # no answer: the caller decides
            return None, ""
        finally:
            gate.release()


def _final(
    t: _Try, status: FetchStatus, reason: str, url: str, *, retryable: bool = False
) -> Attempt:
    result = FetchResult(
        url=t.req.url,
        status=status,
        fetched_at=t.at,
        final_url=url,
        redirects=tuple(t.chain),
        reason=reason,
    )
    return Attempt(result, retryable=retryable)
