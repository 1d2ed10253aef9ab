"""Statuses that tell the truth: HTTP answers, bodies, soft 404s and walls, as plain values."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from factcheck.fetch.politeness import parse_retry_after
from factcheck.models import FetchResult, FetchStatus

READABLE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", "application/pdf"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SNIFF_BYTES = 16 * 1024
CHALLENGE_TITLES = frozenset(
    {"just a moment...", "attention required! | cloudflare", "are you a robot?"}
)
# Scripts and ids of bot walls, searched in the lowercased head of pages under WALL_MAX_BYTES:
# a wall is a small page, while a whole article that merely loads such a script (Cloudflare
# adds /cdn-cgi/challenge-platform/ to ordinary pages) is readable.
WALL_MAX_BYTES = 64 * 1024
CHALLENGE_MARKERS = (
    b"cf-browser-verification",
    b"/cdn-cgi/challenge-platform/",
    b"_incapsula_resource",
    b"captcha-delivery.com",
    b"px-captcha",
)
CONSENT_HOSTS = ("consent.", "guce.", "myprivacy.")
TITLE = re.compile(rb"<title[^>]*>([^<]{0,300})", re.IGNORECASE)  # the first: the page's own
NOT_FOUND_TITLE = re.compile(r"(?:error\s*)?(?:404\b|page not found|not found\b)")
HEADING = re.compile(rb"<h1[^>]*>(.{0,300}?)</h1", re.IGNORECASE | re.DOTALL)
UNSEEN = re.compile(rb"<(script|style|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(rb"<[^>]*>")
WORD = re.compile(r"\w+")
WORDS_BYTES = 512 * 1024  # words are counted in the first 512 KB of a page
SHORT_PAGE_WORDS = 150  # fewer visible words than any article: a not-found title is believed
SAME_PAGE = 0.8  # word-set overlap (Jaccard) at which a page is the site's not-found page
NOT_FOUND_PATH = re.compile(r"(?:^|/)(?:404|not[-_]?found|page[-_]not[-_]found)(?:\.\w+)?/?$")


@dataclass
class Attempt:
    """One try at a request: its result, and whether a later try might do better."""

    result: FetchResult
    retryable: bool = False
    retry_after: float | None = None
    not_modified: bool = False
    slow_down: bool = False


def mime_of(content_type: str | None) -> str:
    """The bare media type of a Content-Type value, lowercase ('' when missing)."""
    return (content_type or "").split(";")[0].strip().lower()


def sniff(body: bytes) -> str | None:
    """A readable content type guessed from the first bytes, or None for binary data."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf"):
        return "application/pdf"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--", b"<p")):
        return "text/html"
    if b"\x00" not in body[:SNIFF_BYTES]:
        return "text/plain"
    return None


def host_rule(rules: Iterable[str], host: str) -> str | None:
    """The rule key matching `host` exactly or as a parent domain."""
    for key in rules:
        key_l = key.lower()
        if host == key_l or host.endswith("." + key_l):
            return key
    return None


def check_url(url: str, skip_hosts: Iterable[str]) -> tuple[FetchStatus, str] | None:
    """Why `url` must not be requested at all, or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as err:
        return FetchStatus.INVALID, f"not a valid URL: {err}"
    if parts.scheme not in ("http", "https"):
        return FetchStatus.INVALID, f"only http and https URLs are fetched, not {parts.scheme!r}"
    if not parts.hostname:
        return FetchStatus.INVALID, "the URL has no host"
    if host_rule(skip_hosts, parts.hostname.lower()) is not None:
        return FetchStatus.BLOCKED, "skipped: the host is listed in skip_hosts"
    return None


def classify_answer(
    code: int, phrase: str, headers: Mapping[str, str], base: FetchResult
) -> Attempt:
    """Classify a non-2xx, non-redirect answer, and say whether to retry it."""
    phrase = f"HTTP {code} {phrase}".strip()
    retry_after = parse_retry_after(headers.get("retry-after"))
    if headers.get("cf-mitigated") == "challenge":
        return _ends(base, FetchStatus.BLOCKED, f"{phrase}: bot challenge")
    if code in (404, 410):
        return _ends(base, FetchStatus.GONE, phrase)
    if code == 429:
        reason = f"{phrase}: rate limited"
        result = replace(base, status=FetchStatus.BLOCKED, reason=reason)
        return Attempt(result, retryable=True, retry_after=retry_after, slow_down=True)
    if code == 408:
        return Attempt(replace(base, status=FetchStatus.TIMEOUT, reason=phrase), retryable=True)
    if code >= 500:
        result = replace(base, status=FetchStatus.SERVER_ERROR, reason=phrase)
        return Attempt(result, retryable=code in RETRY_STATUSES, retry_after=retry_after)
    if 400 <= code < 500:  # 401, 403, 451 and other refusals: no evidence the page is gone
        return _ends(base, FetchStatus.BLOCKED, f"{phrase}: refused")
    return _ends(base, FetchStatus.SERVER_ERROR, f"{phrase}: unexpected response")


def refuse_head(base: FetchResult, length: str | None, max_bytes: int) -> Attempt | None:
    """Refuse an answer by its headers alone: unreadable type or too long a Content-Length."""
    mime = mime_of(base.content_type)
    if mime and mime not in READABLE_TYPES and mime != "application/octet-stream":
        return _ends(base, FetchStatus.UNSUPPORTED, f"content type {mime} is not HTML, text or PDF")
    if length and length.isdigit() and int(length) > max_bytes:
        reason = f"Content-Length {int(length)} exceeds the {max_bytes} byte limit"
        return _ends(base, FetchStatus.TOO_LARGE, reason)
    return None


def classify_body(url: str, base: FetchResult, body: bytes) -> FetchResult:
    """The result for a complete 2xx body: readable (content type filled in) or why not."""
    if not body.strip():  # nothing to verify against: not evidence the quote is absent
        reason = f"HTTP {base.http_status} with an empty body"
        return replace(base, status=FetchStatus.SERVER_ERROR, reason=reason)
    mime = mime_of(base.content_type)
    if not mime or mime == "application/octet-stream":
        sniffed = sniff(body)
        if sniffed is None:
            reason = f"content type {mime or 'missing'} and the body is not text, HTML or PDF"
            return replace(base, status=FetchStatus.UNSUPPORTED, reason=reason)
        base = replace(base, content_type=sniffed)
    verdict = judge_page(url, base, body)
    if verdict is not None:
        return replace(base, status=verdict[0], reason=verdict[1])
    return base


def judge_page(url: str, result: FetchResult, body: bytes) -> tuple[FetchStatus, str] | None:
    """Soft 404s and bot or consent walls that answer 200; None when the page is real."""
    if result.redirects:
        final = urlsplit(result.final_url or url)
        original = urlsplit(url)
        if final.path in ("", "/") and not final.query and original.path not in ("", "/"):
            return FetchStatus.GONE, f"soft 404: redirected to the site root {result.final_url}"
        if NOT_FOUND_PATH.search(final.path.lower()):
            return FetchStatus.GONE, f"soft 404: redirected to a not-found page {result.final_url}"
        if (final.hostname or "").startswith(CONSENT_HOSTS):
            return FetchStatus.BLOCKED, f"consent wall at {final.hostname}"
    if mime_of(result.content_type) in HTML_TYPES:
        head = body[:SNIFF_BYTES]
        found = TITLE.search(head)
        title = found.group(1).decode("latin-1").strip().lower() if found else ""
        if title in CHALLENGE_TITLES or (len(body) < WALL_MAX_BYTES and _has_marker(head)):
            return FetchStatus.BLOCKED, "bot challenge page instead of the content"
        if says_not_found(title, head) and len(page_words(body)) < SHORT_PAGE_WORDS:
            return FetchStatus.GONE, "soft 404: the page says it was not found"
    return None


def says_not_found(title: str, head: bytes) -> bool:
    """The page's own title (lowercased), or its first <h1>, says it was not found."""
    if NOT_FOUND_TITLE.match(title):
        return True
    heading = HEADING.search(head)
    if heading is None:
        return False
    text = TAG.sub(b" ", heading.group(1)).decode("latin-1")
    return bool(NOT_FOUND_TITLE.match(" ".join(text.split()).lower()))


def page_words(body: bytes) -> list[str]:
    """The visible words of an HTML page, lowercased (a rough count, not the extraction)."""
    visible = TAG.sub(b" ", UNSEEN.sub(b" ", body[:WORDS_BYTES]))
    return WORD.findall(visible.decode("utf-8", "replace").lower())


def not_found_suspect(result: FetchResult, body: bytes) -> bool:
    """A readable HTML page of article length whose title or heading says not found: it is
    a soft 404 only if it is the site's own not-found page (see `same_page`)."""
    if result.status is not FetchStatus.FETCHED or mime_of(result.content_type) not in HTML_TYPES:
        return False
    head = body[:SNIFF_BYTES]
    found = TITLE.search(head)
    title = found.group(1).decode("latin-1").strip().lower() if found else ""
    return says_not_found(title, head)


def same_page(words: Iterable[str], other: Iterable[str]) -> bool:
    """Whether two pages hold nearly the same words (Jaccard overlap of their word sets)."""
    a, b = set(words), set(other)
    return bool(a | b) and len(a & b) / len(a | b) >= SAME_PAGE


def _has_marker(head: bytes) -> bool:
    lowered = head.lower()
    return any(marker in lowered for marker in CHALLENGE_MARKERS)


def _ends(base: FetchResult, status: FetchStatus, reason: str) -> Attempt:
    return Attempt(replace(base, status=status, reason=reason))
