"""Fetch sources politely under every fault; every request ends in a FetchResult (owns httpx)."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import math
import mimetypes
import os
import queue
import random
import re
import ssl
import threading
import time
import urllib.request
import zlib
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import certifi
import httpx

from factcheck.cache import SnapshotCache, sha256_hex
from factcheck.clock import now_iso
from factcheck.errors import CacheError
from factcheck.models import FetchRequest, FetchResult, FetchStatus
from factcheck.settings import Settings

READABLE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", "application/pdf"})
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10
CONNECTIONS_PER_CLIENT = 4  # httpcore scans its whole pool per request: keep pools small
ROBOTS_MAX_BYTES = 512 * 1024
SNIFF_BYTES = 16 * 1024
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.9,*/*;q=0.1"
CHALLENGE_MARKERS = (
    b"<title>just a moment...</title>",
    b"cf-browser-verification",
    b"/cdn-cgi/challenge-platform/",
    b"<title>attention required! | cloudflare</title>",
    b"_incapsula_resource",
    b"captcha-delivery.com",
    b"px-captcha",
    b"<title>are you a robot?</title>",
)
CONSENT_HOSTS = ("consent.", "guce.", "myprivacy.")
NOT_FOUND_TITLE = re.compile(
    rb"<title[^>]*>\s*(?:error\s*)?(?:404\b|page not found|not found\b)", re.IGNORECASE
)
NOT_FOUND_PATH = re.compile(r"(?:^|/)(?:404|not[-_]?found|page[-_]not[-_]found)(?:\.\w+)?/?$")
FILE_TYPES = {".html": "text/html", ".htm": "text/html", ".xhtml": "application/xhtml+xml"}


@dataclass
class _Attempt:
    """One try at a request: its result, and whether a later try might do better."""

    result: FetchResult
    retryable: bool = False
    retry_after: float | None = None
    not_modified: bool = False
    slow_down: bool = False


@dataclass
class _Try:
    """One try at a request, through its redirects."""

    req: FetchRequest
    at: str
    conditional: bool
    chain: list[str] = field(default_factory=list)
    deadline: float | None = None  # loop time by which this try must be done


class _Host:
    """Per-host politeness: a concurrency limit and a minimum interval between requests."""

    def __init__(self, limit: int, interval: float) -> None:
        self.limit = max(1, limit)
        self.interval = interval
        self.active = 0
        self.next_at = 0.0
        self.waiters: deque[asyncio.Future[None]] = deque()

    async def acquire(self) -> None:
        while self.active >= self.limit:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self.waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._wake()  # pass on a wake-up we can no longer use
                raise
        self.active += 1
        now = time.monotonic()
        start = max(now, self.next_at)
        self.next_at = start + self.interval
        if start > now:
            try:
                await asyncio.sleep(start - now)
            except asyncio.CancelledError:
                self.release()
                raise

    def release(self) -> None:
        self.active -= 1
        self._wake()

    def _wake(self) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def slow_down(self, retry_after: float | None, cap: float) -> None:
        """After a 429: one request at a time and a longer gap, for the rest of the run."""
        self.limit = 1
        self.interval = min(cap, max(self.interval * 2, retry_after or 0.0, 1.0))


class _CacheWriter:
    """Writes snapshots on one background thread so disk I/O never stalls the event loop.

    Safe to lag behind: a snapshot missing after a crash is simply fetched again, since
    `SnapshotCache.get` verifies every hash. The first CacheError is re-raised by the run.
    """

    def __init__(self, cache: SnapshotCache) -> None:
        self.cache = cache
        self.inbox: queue.Queue[bytes | None] = queue.Queue(maxsize=64)
        self.error: CacheError | None = None
        self.thread = threading.Thread(target=self._work, name="factcheck-cache", daemon=True)
        self.thread.start()

    def _work(self) -> None:
        while (body := self.inbox.get()) is not None:
            if self.error is None:
                try:
                    self.cache.put(body)
                except CacheError as err:
                    self.error = err

    async def put(self, body: bytes) -> str:
        digest = sha256_hex(body)
        try:
            self.inbox.put_nowait(body)
        except queue.Full:
            await asyncio.to_thread(self.inbox.put, body)
        return digest

    async def close(self) -> None:
        await asyncio.to_thread(self.inbox.put, None)
        await asyncio.to_thread(self.thread.join)


class _Client:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.busy = 0


def proxy_for(url: str) -> str | None:
    """The proxy that curl and pip would use for `url`, from HTTP(S)_PROXY/ALL_PROXY/NO_PROXY."""
    proxies = urllib.request.getproxies_environment()
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
    if proxies.get("no") and bypass(netloc, proxies):
        return None
    return proxies.get(parts.scheme) or proxies.get("all") or None


def make_ssl_context() -> ssl.SSLContext:
    """Verifying TLS context honouring SSL_CERT_FILE / SSL_CERT_DIR like curl and pip."""
    cafile = os.environ.get("SSL_CERT_FILE") or None
    capath = os.environ.get("SSL_CERT_DIR") or None
    if cafile or capath:
        return ssl.create_default_context(cafile=cafile, capath=capath)
    return ssl.create_default_context(cafile=certifi.where())


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _host_rule(rules: Iterable[str], host: str) -> str | None:
    """The rule key matching `host` exactly or as a parent domain."""
    for key in rules:
        key_l = key.lower()
        if host == key_l or host.endswith("." + key_l):
            return key
    return None


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    return not ip.is_global or ip.is_multicast


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _sniff(body: bytes) -> str | None:
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf"):
        return "application/pdf"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--", b"<p")):
        return "text/html"
    if b"\x00" not in body[:SNIFF_BYTES]:
        return "text/plain"
    return None


def _inflate(decoder: Any, data: bytes, budget: int) -> bytes | None:
    """Decompress `data`, giving up (None) as soon as the output would exceed `budget`."""
    out: list[bytes] = []
    total = 0
    while data:
        part = decoder.decompress(data, budget - total + 1)
        total += len(part)
        if total > budget:
            return None
        out.append(part)
        data = decoder.unconsumed_tail
    return b"".join(out)


class _Run:
    """State of one fetch run: clients, host limits, robots rules, deadline."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.s = fetcher.settings
        self.cache = fetcher.cache
        self.writer = _CacheWriter(fetcher.cache)
        self.transport = fetcher.transport
        self.global_slots = asyncio.Semaphore(max(1, self.s.max_connections))
        self.hosts: dict[str, _Host] = {}
        self.clients: dict[str, list[_Client]] = {}
        self.robots: dict[str, asyncio.Future[RobotFileParser | None]] = {}
        self.private: dict[str, str | None] = {}
        self.rng = random.Random()
        deadline = self.s.run_deadline
        self.ends_at = asyncio.get_running_loop().time() + deadline if deadline else None
        self._ssl: ssl.SSLContext | None = None
        self.timeout = httpx.Timeout(
            connect=self.s.connect_timeout,
            read=self.s.read_timeout,
            write=self.s.read_timeout,
            pool=self.s.request_deadline,
        )

    # -- clients -------------------------------------------------------------------------

    def ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = make_ssl_context()
        return self._ssl

    def _new_client(self, origin: str) -> httpx.AsyncClient:
        if self.transport is not None:
            return httpx.AsyncClient(transport=self.transport, timeout=self.timeout)
        per_client = min(CONNECTIONS_PER_CLIENT, max(1, self.s.per_host))
        proxy = proxy_for(origin)
        transport = httpx.AsyncHTTPTransport(
            verify=self.ssl_context(),
            limits=httpx.Limits(max_connections=per_client, max_keepalive_connections=per_client),
            proxy=httpx.Proxy(proxy) if proxy else None,
            retries=0,
        )
        return httpx.AsyncClient(transport=transport, timeout=self.timeout, trust_env=False)

    def client(self, url: str) -> _Client:
        """The least busy small client for the URL's origin, adding one while all are full."""
        parts = urlsplit(url)
        origin = "shared" if self.transport is not None else f"{parts.scheme}://{parts.netloc}"
        pool = self.clients.setdefault(origin, [])
        best = min(pool, key=lambda c: c.busy, default=None)
        wanted = math.ceil(max(1, self.s.per_host) / CONNECTIONS_PER_CLIENT)
        full = best is None or best.busy >= CONNECTIONS_PER_CLIENT
        if self.transport is None and full and len(pool) < wanted:
            best = _Client(self._new_client(origin))
            pool.append(best)
        if best is None:
            best = _Client(self._new_client(origin))
            pool.append(best)
        return best

    async def close(self) -> None:
        await self.writer.close()
        for pool in self.clients.values():
            for client in pool:
                with contextlib.suppress(Exception):
                    await client.http.aclose()
        self.clients.clear()

    def host(self, url: str) -> _Host:
        name = (urlsplit(url).hostname or "").lower()
        if name not in self.hosts:
            self.hosts[name] = _Host(self.s.per_host, self.s.host_interval)
        return self.hosts[name]

    def remaining(self) -> float | None:
        now = asyncio.get_running_loop().time()
        return None if self.ends_at is None else self.ends_at - now

    # -- one request ---------------------------------------------------------------------

    async def fetch(self, req: FetchRequest) -> FetchResult:
        started = time.monotonic()
        at = now_iso()
        result = await self._fetch(req, at)
        return replace(result, elapsed_ms=int((time.monotonic() - started) * 1000))

    def _result(self, req: FetchRequest, at: str, status: FetchStatus, reason: str) -> FetchResult:
        return FetchResult(url=req.url, status=status, fetched_at=at, reason=reason)

    async def _fetch(self, req: FetchRequest, at: str) -> FetchResult:
        if req.is_file or req.url.startswith("file:"):
            return await asyncio.to_thread(self._read_file, req, at)
        if self.s.offline:
            return self._from_cache(req, at)
        problem = self._check_url(req.url)
        if problem is not None:
            return self._result(req, at, *problem)
        return await self._with_retries(req, at)

    def _from_cache(self, req: FetchRequest, at: str) -> FetchResult:
        body = self.cache.get(req.previous_hash) if req.previous_hash else None
        if body is None:
            reason = "offline and no cached snapshot"
            return self._result(req, at, FetchStatus.NOT_CACHED, reason)
        return FetchResult(
            url=req.url,
            status=FetchStatus.FETCHED,
            fetched_at=at,
            final_url=req.url,
            content_type=_sniff(body),
            etag=req.etag,
            last_modified=req.last_modified,
            body=body,
            body_hash=req.previous_hash,
            reason="offline: served from the snapshot cache",
            from_cache=True,
        )

    def _read_file(self, req: FetchRequest, at: str) -> FetchResult:
        raw = req.url
        path = Path(urlsplit(raw).path if raw.startswith("file:") else raw).expanduser()
        try:
            if not path.is_file():
                return self._result(req, at, FetchStatus.INVALID, f"no such file: {path}")
            if path.stat().st_size > self.s.max_bytes:
                reason = f"file is larger than the {self.s.max_bytes} byte limit"
                return self._result(req, at, FetchStatus.TOO_LARGE, reason)
            body = path.read_bytes()[: self.s.max_bytes + 1]
        except OSError as err:
            return self._result(req, at, FetchStatus.INVALID, f"cannot read {path}: {err}")
        ctype = FILE_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        if _mime(ctype) not in READABLE_TYPES:
            ctype = _sniff(body)
        if ctype is None:
            return self._result(req, at, FetchStatus.UNSUPPORTED, "not text, HTML or PDF")
        digest = self.cache.put(body)
        return FetchResult(
            url=req.url,
            status=FetchStatus.FETCHED,
            fetched_at=at,
            final_url=str(path),
            content_type=ctype,
            body=body,
            body_hash=digest,
            reason="read from a local file",
        )

    def _check_url(self, url: str) -> tuple[FetchStatus, str] | None:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError as err:
            return FetchStatus.INVALID, f"not a valid URL: {err}"
        if parts.scheme not in ("http", "https"):
            return (
                FetchStatus.INVALID,
                f"only http and https URLs are fetched, not {parts.scheme!r}",
            )
        if not parts.hostname:
            return FetchStatus.INVALID, "the URL has no host"
        if _host_rule(self.s.skip_hosts, parts.hostname.lower()) is not None:
            return FetchStatus.BLOCKED, "skipped: the host is listed in skip_hosts"
        return None

    async def _refuse_private(self, url: str) -> str | None:
        host = (urlsplit(url).hostname or "").lower()
        if host not in self.private:
            self.private[host] = None
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(host, None)
            except OSError:
                return None  # the request itself reports the DNS failure
            bad = [info[4][0] for info in infos if _is_private(str(info[4][0]))]
            if bad:
                self.private[host] = f"refused: {host} resolves to a private address {bad[0]}"
        return self.private[host]

    async def _with_retries(self, req: FetchRequest, at: str) -> FetchResult:
        conditional = bool(req.etag or req.last_modified) and bool(req.previous_hash)
        attempt = 0
        while True:
            outcome = await self._attempt(_Try(req, at, conditional))
            if outcome.not_modified:
                body = self.cache.get(req.previous_hash or "")
                if body is None:
                    conditional = False  # the cache lost the snapshot: fetch it whole
                    continue
                return replace(outcome.result, body=body, body_hash=req.previous_hash)
            if outcome.slow_down:
                host = self.host(outcome.result.final_url or req.url)
                host.slow_down(outcome.retry_after, self.s.retry_after_cap)
            if not outcome.retryable or attempt >= self.s.retries:
                return outcome.result
            delay = self._backoff(attempt, outcome.retry_after)
            left = self.remaining()
            if left is not None and delay >= left:
                return outcome.result
            await asyncio.sleep(delay)
            attempt += 1

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.s.retry_after_cap)
        base: float = self.s.backoff_base * 2.0**attempt
        jittered: float = base * (0.5 + self.rng.random())
        return min(self.s.retry_after_cap, jittered)

    async def _attempt(self, t: _Try) -> _Attempt:
        url = t.req.url
        try:
            for _ in range(MAX_REDIRECTS + 1):
                step = await self._hop(t, url)
                if isinstance(step, _Attempt):
                    return step
                t.chain.append(url)
                if step in t.chain:
                    return self._final(
                        t, FetchStatus.REDIRECT_LOOP, f"redirect loop at {step}", url
                    )
                url = step
            reason = f"more than {MAX_REDIRECTS} redirects"
            return self._final(t, FetchStatus.REDIRECT_LOOP, reason, url)
        except CacheError:
            raise
        except TimeoutError:
            reason = f"no complete response within {self.s.request_deadline:g} s"
            outcome = self._final(t, FetchStatus.TIMEOUT, reason, url)
            outcome.retryable = True
            return outcome
        except Exception as err:  # noqa: BLE001 - every failure becomes a status
            status, reason, retry = classify_error(err)
            outcome = self._final(t, status, reason, url)
            outcome.retryable = retry
            return outcome

    def _final(self, t: _Try, status: FetchStatus, reason: str, url: str) -> _Attempt:
        result = FetchResult(
            url=t.req.url,
            status=status,
            fetched_at=t.at,
            final_url=url,
            redirects=tuple(t.chain),
            reason=reason,
        )
        return _Attempt(result)

    def _headers(self, url: str, t: _Try) -> dict[str, str]:
        headers = {
            "User-Agent": self.s.user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": "gzip, deflate",
        }
        if t.conditional and t.req.etag:
            headers["If-None-Match"] = t.req.etag
        if t.conditional and t.req.last_modified:
            headers["If-Modified-Since"] = t.req.last_modified
        host = (urlsplit(url).hostname or "").lower()
        rule = _host_rule(self.s.host_headers, host)
        if rule is not None:  # only this hop's host: credentials never follow a redirect
            headers.update(self.s.host_headers[rule])
        return headers

    async def _refusal(self, url: str) -> tuple[FetchStatus, str] | None:
        problem = self._check_url(url)
        if problem is None and self.s.refuse_private:
            refused = await self._refuse_private(url)
            problem = (FetchStatus.INVALID, refused) if refused else None
        if problem is None and self.s.respect_robots and not await self._robots_allow(url):
            problem = (FetchStatus.BLOCKED, "disallowed by robots.txt")
        return problem

    async def _hop(self, t: _Try, url: str) -> _Attempt | str:
        """Request `url` once; a redirect returns the next URL, anything else an _Attempt."""
        problem = await self._refusal(url)
        if problem is not None:
            return self._final(t, problem[0], problem[1], url)
        host = self.host(url)
        await host.acquire()
        try:
            async with self.global_slots:
                now = asyncio.get_running_loop().time()
                if t.deadline is None:  # the clock starts once a connection slot is ours
                    t.deadline = now + self.s.request_deadline
                    if self.ends_at is not None:
                        t.deadline = min(t.deadline, self.ends_at)
                if t.deadline <= now:
                    return self._final(t, FetchStatus.TIMEOUT, "run deadline reached", url)
                client = self.client(url)
                client.busy += 1
                try:
                    async with asyncio.timeout_at(t.deadline):
                        return await self._send(client, t, url)
                finally:
                    client.busy -= 1
        finally:
            host.release()

    async def _send(self, client: _Client, t: _Try, url: str) -> _Attempt | str:
        async with client.http.stream("GET", url, headers=self._headers(url, t)) as resp:
            location = resp.headers.get("location")
            if resp.status_code in REDIRECT_STATUSES and location:
                target: str = urljoin(url, location.strip())
                return target
            return await self._respond(t, url, resp)

    async def _respond(self, t: _Try, url: str, resp: httpx.Response) -> _Attempt:
        code = resp.status_code
        base = FetchResult(
            url=t.req.url,
            status=FetchStatus.FETCHED,
            fetched_at=t.at,
            http_status=code,
            final_url=url,
            redirects=tuple(t.chain),
            content_type=resp.headers.get("content-type"),
            etag=resp.headers.get("etag"),
            last_modified=resp.headers.get("last-modified"),
        )
        if code == 304 and t.conditional:
            result = replace(base, not_modified=True, reason="not modified since the last snapshot")
            return _Attempt(result, not_modified=True)
        if 200 <= code < 300:
            return await self._body(t.req, resp, base)
        return http_failure(resp, base)

    async def _body(self, req: FetchRequest, resp: httpx.Response, base: FetchResult) -> _Attempt:
        mime = _mime(base.content_type)
        if mime and mime not in READABLE_TYPES and mime != "application/octet-stream":
            reason = f"content type {mime} is not HTML, text or PDF"
            return _Attempt(replace(base, status=FetchStatus.UNSUPPORTED, reason=reason))
        length = resp.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.s.max_bytes:
            reason = f"Content-Length {int(length)} exceeds the {self.s.max_bytes} byte limit"
            return _Attempt(replace(base, status=FetchStatus.TOO_LARGE, reason=reason))
        body = await read_bounded(resp, self.s.max_bytes)
        if body is None:
            reason = f"body exceeds the {self.s.max_bytes} byte limit"
            return _Attempt(replace(base, status=FetchStatus.TOO_LARGE, reason=reason))
        if not body.strip():  # nothing to verify against: not evidence the quote is absent
            reason = f"HTTP {resp.status_code} with an empty body"
            return _Attempt(replace(base, status=FetchStatus.SERVER_ERROR, reason=reason))
        if not mime or mime == "application/octet-stream":
            sniffed = _sniff(body)
            if sniffed is None:
                reason = f"content type {mime or 'missing'} and the body is not text, HTML or PDF"
                return _Attempt(replace(base, status=FetchStatus.UNSUPPORTED, reason=reason))
            base = replace(base, content_type=sniffed)
        verdict = judge_page(req.url, base, body)
        if verdict is not None:
            return _Attempt(replace(base, status=verdict[0], reason=verdict[1]))
        digest = await self.writer.put(body)
        return _Attempt(replace(base, body=body, body_hash=digest, reason="ok"))

    async def _robots_allow(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.robots:
            loop = asyncio.get_running_loop()
            future: asyncio.Future[RobotFileParser | None] = loop.create_future()
            self.robots[origin] = future
            try:
                future.set_result(await self._load_robots(origin))
            finally:
                if not future.done():
                    future.set_result(None)
        rules = await asyncio.shield(self.robots[origin])
        return rules is None or rules.can_fetch(self.s.user_agent, url)

    async def _load_robots(self, origin: str) -> RobotFileParser | None:
        """RFC 9309: 4xx means no rules; 5xx or no answer means disallow everything."""
        parser = RobotFileParser(origin + "/robots.txt")
        host = self.host(origin)
        status, text = await self._get_small(origin + "/robots.txt", host)
        if status is not None and 400 <= status < 500:
            return None
        if status != 200:
            parser.disallow_all = True  # type: ignore[attr-defined]
            return parser
        parser.parse(text.splitlines())
        delay = parser.crawl_delay(self.s.user_agent)
        if delay:
            host.interval = max(host.interval, min(float(delay), self.s.retry_after_cap))
        return parser

    async def _get_small(self, url: str, host: _Host) -> tuple[int | None, str]:
        await host.acquire()
        try:
            http = self.client(url).http
            headers = {"User-Agent": self.s.user_agent}
            async with asyncio.timeout(self.s.request_deadline):
                async with http.stream("GET", url, headers=headers) as resp:
                    body = await read_bounded(resp, ROBOTS_MAX_BYTES) or b""
                    return resp.status_code, body.decode("utf-8", "replace")
        except Exception:  # noqa: BLE001 - no answer: the caller decides
            return None, ""
        finally:
            host.release()


def http_failure(resp: httpx.Response, base: FetchResult) -> _Attempt:
    """Classify a non-2xx, non-redirect answer, and say whether to retry it."""
    code = resp.status_code
    phrase = f"HTTP {code} {resp.reason_phrase}".strip()
    retry_after = parse_retry_after(resp.headers.get("retry-after"))
    if resp.headers.get("cf-mitigated") == "challenge":
        return _Attempt(
            replace(base, status=FetchStatus.BLOCKED, reason=f"{phrase}: bot challenge")
        )
    if code in (404, 410):
        return _Attempt(replace(base, status=FetchStatus.GONE, reason=phrase))
    if code == 429:
        reason = f"{phrase}: rate limited, still refused after retries"
        result = replace(base, status=FetchStatus.BLOCKED, reason=reason)
        return _Attempt(result, retryable=True, retry_after=retry_after, slow_down=True)
    if code == 408:
        return _Attempt(replace(base, status=FetchStatus.TIMEOUT, reason=phrase), retryable=True)
    if code >= 500:
        result = replace(base, status=FetchStatus.SERVER_ERROR, reason=phrase)
        return _Attempt(result, retryable=code in RETRY_STATUSES, retry_after=retry_after)
    if 400 <= code < 500:  # 401, 403, 451 and other refusals: no evidence the page is gone
        return _Attempt(replace(base, status=FetchStatus.BLOCKED, reason=f"{phrase}: refused"))
    reason = f"{phrase}: unexpected response"
    return _Attempt(replace(base, status=FetchStatus.SERVER_ERROR, reason=reason))


def classify_error(err: BaseException) -> tuple[FetchStatus, str, bool]:
    """(status, reason, retryable) for an exception raised while fetching."""
    if isinstance(err, httpx.TimeoutException):
        return FetchStatus.TIMEOUT, f"timed out ({type(err).__name__})", True
    cause: BaseException | None = err
    while cause is not None:
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            return FetchStatus.TLS_ERROR, f"TLS failure: {cause}", False
        cause = cause.__cause__ or cause.__context__
    text = str(err) or type(err).__name__
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text:
        return FetchStatus.TLS_ERROR, f"TLS failure: {text}", False
    if isinstance(err, httpx.ConnectError):
        return FetchStatus.UNREACHABLE, f"cannot connect: {text}", True
    if isinstance(err, httpx.RemoteProtocolError):
        return FetchStatus.UNREACHABLE, f"connection broken: {text}", True
    if isinstance(err, httpx.ReadError | httpx.WriteError):
        return FetchStatus.UNREACHABLE, f"connection reset: {text}", True
    if isinstance(err, httpx.DecodingError | zlib.error):
        return FetchStatus.SERVER_ERROR, f"body could not be decoded: {text}", False
    if isinstance(err, httpx.UnsupportedProtocol | httpx.InvalidURL | ValueError):
        return FetchStatus.INVALID, f"invalid URL: {text}", False
    return FetchStatus.UNREACHABLE, f"{type(err).__name__}: {text}", False


async def read_bounded(resp: httpx.Response, limit: int) -> bytes | None:
    """The decoded body, or None once more than `limit` bytes would be held.

    gzip/deflate are inflated here with an output bound, so a decompression bomb costs
    at most `limit` bytes of memory; other encodings go through httpx's decoders.
    """
    if resp.is_stream_consumed:  # already in memory (e.g. httpx.MockTransport responses)
        return resp.content if len(resp.content) <= limit else None
    encoding = resp.headers.get("content-encoding", "identity").strip().lower()
    decoder: Any = None
    if encoding in ("gzip", "x-gzip", "deflate"):
        decoder = zlib.decompressobj(47)  # 32 + 15: auto-detect gzip or zlib header
    chunks: list[bytes] = []
    total = 0
    stream = (
        resp.aiter_raw() if decoder is not None or encoding == "identity" else resp.aiter_bytes()
    )
    async for chunk in stream:
        data = chunk if decoder is None else _inflate(decoder, chunk, limit - total)
        if data is None:
            return None
        total += len(data)
        if total > limit:
            return None
        chunks.append(data)
    return b"".join(chunks)


def judge_page(url: str, result: FetchResult, body: bytes) -> tuple[FetchStatus, str] | None:
    """Soft 404s and bot or consent walls that answer 200; None when the page is real."""
    final = urlsplit(result.final_url or url)
    original = urlsplit(url)
    if result.redirects:
        if final.path in ("", "/") and not final.query and original.path not in ("", "/"):
            return FetchStatus.GONE, f"soft 404: redirected to the site root {result.final_url}"
        if NOT_FOUND_PATH.search(final.path.lower()):
            return FetchStatus.GONE, f"soft 404: redirected to a not-found page {result.final_url}"
        if (final.hostname or "").startswith(CONSENT_HOSTS):
            return FetchStatus.BLOCKED, f"consent wall at {final.hostname}"
    if _mime(result.content_type) in ("text/html", "application/xhtml+xml"):
        head = body[:SNIFF_BYTES].lower()
        if any(marker in head for marker in CHALLENGE_MARKERS):
            return FetchStatus.BLOCKED, "bot challenge page instead of the content"
        if NOT_FOUND_TITLE.search(head):
            return FetchStatus.GONE, "soft 404: the page says it was not found"
    return None


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
        transport: httpx.AsyncBaseTransport | None = None,
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
        run = _Run(self)
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
