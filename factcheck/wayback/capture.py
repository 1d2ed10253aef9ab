"""Save Page Now: ask the Wayback Machine to capture live sources, within its rate limits.

Opt-in only (`factcheck archive`). Anonymous captures are a GET of the save endpoint
followed by the page's URL; the answer names the capture in Content-Location or Location.
The Internet Archive publishes tight per-IP quotas for Save Page Now, so requests are
spaced at least SAVE_INTERVAL seconds apart, and a 429 widens the gap for the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

from factcheck.fetch.politeness import parse_retry_after
from factcheck.fetch.transport import Answer, SyncTransport, get_once
from factcheck.models import redact_url
from factcheck.settings import SAVE_ENDPOINT, SAVE_INTERVAL, Settings

MAX_INTERVAL = 300.0


@dataclass(frozen=True)
class SaveResult:
    """What happened to one source: saved (with its capture), requested, failed or skipped."""

    url: str
    outcome: str  # "saved" | "requested" | "failed" | "skipped"
    capture_url: str | None = None
    http_status: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome in ("saved", "requested", "skipped")

    def line(self) -> str:
        """One human line: `saved  URL -> CAPTURE` or `failed URL: reason`."""
        url = redact_url(self.url)
        if self.outcome == "saved":
            return f"saved      {url} -> {redact_url(self.capture_url or '')}"
        return f"{self.outcome:10} {url}: {redact_url(self.reason)}"


class Pacer:
    """At most one request per `interval` seconds; time and sleep are injected for tests."""

    def __init__(
        self,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self.next_at: float | None = None

    def wait(self) -> None:
        """Sleep until the next request may go, and book the slot after it."""
        now = self.clock()
        if self.next_at is not None and now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval

    def slow_down(self, retry_after: float | None) -> None:
        """After a 429: double the gap (or honour Retry-After) for the rest of the run."""
        self.interval = min(MAX_INTERVAL, max(self.interval * 2, retry_after or 0.0))
        self.next_at = self.clock() + max(self.interval, retry_after or 0.0)


def judge_answer(url: str, endpoint: str, answer: Answer) -> SaveResult:
    """Turn the save endpoint's answer into a SaveResult."""
    if answer.status is None:
        return SaveResult(url, "failed", reason=answer.error)
    code = answer.status
    where = answer.headers.get("content-location") or answer.headers.get("location")
    phrase = f"HTTP {code} {answer.phrase}".strip()
    if code < 400 and where:
        return SaveResult(url, "saved", urljoin(endpoint, where), code, phrase)
    if code < 300:
        reason = f"{phrase}: capture requested, no capture address in the answer"
        return SaveResult(url, "requested", None, code, reason)
    if code == 429:
        return SaveResult(url, "failed", None, code, f"{phrase}: rate limited by the archive")
    return SaveResult(url, "failed", None, code, phrase)


def save_pages(
    urls: Iterable[str],
    settings: Settings,
    *,
    endpoint: str = SAVE_ENDPOINT,
    interval: float = SAVE_INTERVAL,
    pacer: Pacer | None = None,
    transport: SyncTransport | None = None,
    on_result: Callable[[SaveResult], None] | None = None,
) -> list[SaveResult]:
    """Ask `endpoint` to capture each URL in turn, spaced by `interval`; one result each."""
    pacer = pacer or Pacer(interval)
    headers = {"User-Agent": settings.user_agent}
    results = []
    for url in urls:
        pacer.wait()
        # the archive gets the address without credentials (issue 19)
        answer = get_once(endpoint + redact_url(url, mask=""), settings, headers, transport)
        result = judge_answer(url, endpoint, answer)
        if result.http_status == 429:
            pacer.slow_down(parse_retry_after(answer.headers.get("retry-after")))
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results
