"""Web-archive fallback: find the capture nearest the citation date and verify the quote in it.

Uses the Wayback Machine's CDX API (https://github.com/internetarchive/wayback/tree/master/
wayback-cdx-server): plain-text lines "urlkey timestamp original mimetype statuscode digest length".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlencode

from factcheck.fetch.fetcher import Fetcher
from factcheck.models import (
    Claim,
    FetchRequest,
    FetchResult,
    FetchStatus,
    QuoteStatus,
    Verification,
    redact_url,
)

FALLBACK_FETCH = frozenset(
    {
        FetchStatus.GONE,
        FetchStatus.BLOCKED,
        FetchStatus.SERVER_ERROR,
        FetchStatus.TIMEOUT,
        FetchStatus.UNREACHABLE,
        FetchStatus.TLS_ERROR,
        FetchStatus.REDIRECT_LOOP,
    }
)
FALLBACK_QUOTE = frozenset(
    {QuoteStatus.ABSENT, QuoteStatus.PARAPHRASE, QuoteStatus.ALTERED, QuoteStatus.PARTIAL}
)
TIMESTAMP = "%Y%m%d%H%M%S"
MAX_CAPTURES = 3  # archived error pages are skipped, up to this many tries per source


@dataclass(frozen=True)
class Capture:
    timestamp: str  # 14 digits, UTC
    original: str
    status: str
    mimetype: str

    @property
    def captured_at(self) -> str:
        moment = datetime.strptime(self.timestamp[:14].ljust(14, "0"), TIMESTAMP)
        return moment.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def needs_archive(fetch: FetchResult, quote: QuoteStatus) -> bool:
    """Dead, blocked or failing sources, and live ones that no longer hold the quote."""
    if fetch.status in FALLBACK_FETCH:
        return True
    return fetch.status is FetchStatus.FETCHED and quote in FALLBACK_QUOTE


def cdx_request(cdx_endpoint: str, url: str, cited: str | None) -> FetchRequest:
    """The CDX query for a URL's captures, nearest the citation date first."""
    # the archive is asked about the address without credentials (issue 19)
    params = {
        "url": redact_url(url, mask=""),
        "output": "txt",
        "filter": "statuscode:200",
        "limit": "10",
    }
    if cited:
        params.update(closest=cited.replace("-", "")[:8], sort="closest")
    return FetchRequest(url=f"{cdx_endpoint}?{urlencode(params)}")


def parse_cdx(text: str) -> list[Capture]:
    captures = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[1].isdigit():
            captures.append(Capture(fields[1], fields[2], fields[4], fields[3]))
    return captures


def pick_captures(captures: Sequence[Capture], cited: str | None) -> list[Capture]:
    """Successful captures, nearest the citation date first (newest first without one)."""
    good = [c for c in captures if c.status == "200"]
    if not cited:
        return sorted(good, key=lambda c: c.timestamp, reverse=True)
    target = int(cited.replace("-", "")[:8].ljust(8, "0"))
    return sorted(good, key=lambda c: abs(int(c.timestamp[:8]) - target))


def capture_url(archive_base: str, capture: Capture) -> str:
    """The raw capture ('id_' asks for the page as archived, without the archive's banner)."""
    return f"{archive_base.rstrip('/')}/{capture.timestamp}id_/{capture.original}"


def replay_url(archive_base: str, capture: Capture) -> str:
    """The address a reader opens to see the capture."""
    return f"{archive_base.rstrip('/')}/{capture.timestamp}/{capture.original}"


# Checks the claims citing a source against one fetch of it: one verification per claim.
CheckFn = Callable[[FetchResult, list[Claim]], Sequence[Verification]]


class ArchiveFallback:
    """Looks up and verifies archived captures for the verifications that need one."""

    def __init__(
        self, fetcher: Fetcher, check: CheckFn, cdx_endpoint: str, archive_base: str
    ) -> None:
        self.fetcher = fetcher
        self.check = check
        self.cdx_endpoint = cdx_endpoint
        self.archive_base = archive_base

    def recover(
        self, pending: Sequence[Verification], claims: Sequence[Claim], cited: dict[str, str]
    ) -> list[Verification]:
        """Return the pending verifications with archive_* set where a capture was checked."""
        by_url: dict[str, list[Verification]] = {}
        for v in pending:
            by_url.setdefault(v.url, []).append(v)
        captures = self._lookup(list(by_url), cited)
        claim_of = {c.id: c for c in claims}
        done: dict[tuple[str, str], Verification] = {}
        for _attempt in range(MAX_CAPTURES):
            wanted = {
                capture_url(self.archive_base, caps[0]): (url, caps.pop(0))
                for url, caps in captures.items()
                if caps and not all((v.claim_id, url) in done for v in by_url[url])
            }
            if not wanted:
                break
            self._check_captures(wanted, by_url, claim_of, done)
        return list(done.values())

    def _check_captures(
        self,
        wanted: dict[str, tuple[str, Capture]],
        by_url: dict[str, list[Verification]],
        claim_of: dict[str, Claim],
        done: dict[tuple[str, str], Verification],
    ) -> None:
        def on_result(result: FetchResult) -> None:
            url, capture = wanted[result.url]
            if result.status is not FetchStatus.FETCHED:
                return  # an archived error page: the next round tries the next capture
            cited_claims = [claim_of[v.claim_id] for v in by_url[url]]
            for checked, original in zip(
                self.check(result, cited_claims), by_url[url], strict=True
            ):
                done[(original.claim_id, url)] = replace(
                    original,
                    archive_url=replay_url(self.archive_base, capture),
                    archived_at=capture.captured_at,
                    archive_status=checked.match.status.value,
                )

        self.fetcher.fetch_many([FetchRequest(url=u) for u in wanted], on_result)

    def _lookup(self, urls: list[str], cited: dict[str, str]) -> dict[str, list[Capture]]:
        requests = {cdx_request(self.cdx_endpoint, u, cited.get(u)).url: u for u in urls}
        found: dict[str, list[Capture]] = {}

        def on_result(result: FetchResult) -> None:
            if result.status is FetchStatus.FETCHED and result.body is not None:
                text = result.body.decode("utf-8", "replace")
                url = requests[result.url]
                found[url] = pick_captures(parse_cdx(text), cited.get(url))[:MAX_CAPTURES]

        self.fetcher.fetch_many([FetchRequest(url=u) for u in requests], on_result)
        return found
