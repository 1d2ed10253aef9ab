"""Good manners per host: concurrency limits, intervals, Retry-After, 429 slow-down, robots.txt."""

from __future__ import annotations

import asyncio
import ipaddress
import math
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from factcheck.settings import Settings

ROBOTS_MAX_BYTES = 512 * 1024
SLOW_AFTER_URLS = 2  # URLs of one host answering 429 (no other answer between): slow the host
BLOCK_AFTER_429 = 3  # further 429s from a slowed host, no other answer between: give it up


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


def backoff(
    settings: Settings, attempt: int, retry_after: float | None, rng: random.Random
) -> float:
    """Seconds before retry number `attempt + 1`: Retry-After, else exponential with jitter."""
    if retry_after is not None:
        return min(retry_after, settings.retry_after_cap)
    base: float = settings.backoff_base * 2.0**attempt
    return min(settings.retry_after_cap, base * (0.5 + rng.random()))


class HostGate:
    """Per-host politeness: a concurrency limit, a minimum interval between requests, and the
    host's 429 record (a URL backs off alone first; the host slows, then is given up)."""

    def __init__(self, limit: int, interval: float) -> None:
        self.limit = max(1, limit)
        self.interval = interval
        self.active = 0
        self.next_at = 0.0
        self.waiters: deque[asyncio.Future[None]] = deque()
        self.limited: set[str] = set()  # URLs that answered 429 since the last other answer
        self.strikes = 0  # 429s since the host was slowed, with no other answer between
        self.slowed = False
        self.blocked = False  # kept answering 429: not asked again this run

    async def acquire(self, budget: float = math.inf) -> float | None:
        """Wait for a free slot and the host's interval since its previous request.

        Returns the seconds the interval made us wait, or None (slot given back) when that
        would be more than `budget`.
        """
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
        if not self.interval and not self.next_at:
            return 0.0  # the common case: no interval, no clock reading
        now = time.monotonic()
        start = max(now, self.next_at)
        if start - now > budget:
            self.release()
            return None
        self.next_at = start + self.interval
        if start > now:
            try:
                await asyncio.sleep(start - now)
            except asyncio.CancelledError:
                self.release()
                raise
        return start - now

    def release(self) -> None:
        self.active -= 1
        self._wake()

    def _wake(self) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def answered(self) -> None:
        """Any answer but a 429: the host is serving again (it stays slowed for the run)."""
        self.limited.clear()
        self.strikes = 0

    def rate_limited(self, url: str, retry_after: float | None, cap: float) -> str | None:
        """Record a 429 for `url`; says so when the whole host is slowed or given up.

        One URL answering 429 backs off alone (its own retries). Once a second URL of the
        host does, the host goes one request at a time, `Retry-After` apart (1 s without
        one); after BLOCK_AFTER_429 more 429s it is given up for the rest of the run.
        """
        self.limited.add(url)
        if self.slowed:
            self.strikes += 1
            if self.strikes >= BLOCK_AFTER_429 and not self.blocked:
                self.blocked = True
                return "it kept answering 429: its sources are reported blocked for this run"
            return None
        if len(self.limited) < SLOW_AFTER_URLS:
            return None
        self.slowed = True
        self.limit = 1
        gap = min(cap, retry_after if retry_after is not None else 1.0)
        self.interval = max(self.interval, gap)
        return f"{len(self.limited)} of its pages answered 429: one request every {gap:g} s"


class Hosts:
    """One HostGate per host name, created on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.gates: dict[str, HostGate] = {}

    def gate(self, url: str) -> HostGate:
        name = (urlsplit(url).hostname or "").lower()
        gate = self.gates.get(name)
        if gate is None:
            gate = self.gates[name] = HostGate(self.settings.per_host, self.settings.host_interval)
        return gate

    def answered(self, url: str, code: int, retry_after: str | None) -> str | None:
        """Note a host's answer to `url`; a line for the user when a 429 slows or blocks it."""
        gate = self.gate(url)
        if code != 429:
            gate.answered()
            return None
        wait = parse_retry_after(retry_after)
        change = gate.rate_limited(url, wait, self.settings.retry_after_cap)
        return f"{urlsplit(url).hostname}: {change}" if change else None


GetSmall = Callable[[str, HostGate], Awaitable[tuple[int | None, str]]]


class Robots:
    """robots.txt rules per origin, each loaded once per run (RFC 9309)."""

    def __init__(self, settings: Settings, hosts: Hosts, get_small: GetSmall) -> None:
        self.settings = settings
        self.hosts = hosts
        self.get_small = get_small
        self.rules: dict[str, asyncio.Future[RobotFileParser | None]] = {}

    async def allows(self, url: str) -> bool:
        """Whether the origin's robots.txt lets our User-Agent fetch `url`."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.rules:
            future: asyncio.Future[RobotFileParser | None]
            future = asyncio.get_running_loop().create_future()
            self.rules[origin] = future
            try:
                future.set_result(await self._load(origin))
            finally:
                if not future.done():
                    future.set_result(None)
        rules = await asyncio.shield(self.rules[origin])
        return rules is None or rules.can_fetch(self.settings.user_agent, url)

    async def _load(self, origin: str) -> RobotFileParser | None:
        """4xx means no rules; 5xx or no answer means disallow everything."""
        parser = RobotFileParser(origin + "/robots.txt")
        gate = self.hosts.gate(origin)
        status, text = await self.get_small(origin + "/robots.txt", gate)
        if status is not None and 400 <= status < 500:
            return None
        if status != 200:
            parser.disallow_all = True  # type: ignore[attr-defined]
            return parser
        parser.parse(text.splitlines())
        delay = parser.crawl_delay(self.settings.user_agent)
        if delay:
            gate.interval = max(gate.interval, min(float(delay), self.settings.retry_after_cap))
        return parser


class PrivateGuard:
    """Refuses hosts that resolve to private, loopback or link-local addresses (SSRF guard)."""

    def __init__(self) -> None:
        self.verdicts: dict[str, str | None] = {}

    async def refusal(self, url: str) -> str | None:
        """Why `url`'s host must not be fetched, or None."""
        host = (urlsplit(url).hostname or "").lower()
        if host not in self.verdicts:
            self.verdicts[host] = None
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(host, None)
            except OSError:
                return None  # the request itself reports the DNS failure
            bad = [info[4][0] for info in infos if _is_private(str(info[4][0]))]
            if bad:
                self.verdicts[host] = f"refused: {host} resolves to a private address {bad[0]}"
        return self.verdicts[host]


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    return not ip.is_global or ip.is_multicast
