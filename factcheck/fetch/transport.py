"""HTTP transport: small httpx clients per origin, proxies, CA, bounded bodies (owns httpx)."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import os
import socket
import ssl
import urllib.request
import zlib
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import certifi
import httpx
import sniffio  # noqa: F401 - without it httpcore retries a failing import on every request

from factcheck.models import FetchStatus
from factcheck.settings import Settings

Transport = httpx.AsyncBaseTransport  # what tests inject instead of the network
CookieState = tuple[tuple[str, str], ...]  # (name, value) of the cookies an origin has set
CONNECTIONS_PER_CLIENT = 4  # httpcore scans its whole pool per request: keep pools small
# getaddrinfo answers that will not change on a retry: the name does not exist
PERMANENT_DNS = frozenset({socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)})


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
    """Verifying TLS context honouring SSL_CERT_FILE / SSL_CERT_DIR like curl and pip.

    Loading a CA bundle costs ~20 ms, so one context is shared per CA setting.
    """
    cafile = os.environ.get("SSL_CERT_FILE") or None
    capath = os.environ.get("SSL_CERT_DIR") or None
    return _ssl_context(cafile, capath)


@functools.lru_cache(maxsize=4)
def _ssl_context(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    if cafile or capath:
        return ssl.create_default_context(cafile=cafile, capath=capath)
    return ssl.create_default_context(cafile=certifi.where())


@functools.lru_cache(maxsize=1)
def _plain_context() -> ssl.SSLContext:
    """For http:// origins, which never speak TLS: skips the ~50 ms CA bundle load.

    It verifies and trusts no CA, so TLS attempted through it would fail closed. httpcore
    never uses it for an https proxy either: the connection to a proxy has its own context.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.verify_mode = ssl.CERT_REQUIRED
    return context


class Reply:
    """A response whose headers have arrived; the body is read on demand, within a bound."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.status: int = response.status_code
        self.phrase: str = response.reason_phrase
        self.headers: Mapping[str, str] = response.headers  # case-insensitive lookups

    async def read(self, limit: int) -> bytes | None:
        """The decoded body, or None once more than `limit` bytes would be held.

        gzip/deflate are inflated here with an output bound, so a decompression bomb costs
        at most `limit` bytes of memory; other encodings go through httpx's decoders.
        """
        resp = self._response
        if resp.is_stream_consumed:  # already in memory (e.g. httpx.MockTransport responses)
            return resp.content if len(resp.content) <= limit else None
        encoding = self.headers.get("content-encoding", "identity").strip().lower()
        decoder: Any = None
        if encoding in ("gzip", "x-gzip", "deflate"):
            decoder = zlib.decompressobj(47)  # 32 + 15: auto-detect gzip or zlib header
        raw = decoder is not None or encoding == "identity"
        chunks: list[bytes] = []
        total = 0
        async for chunk in resp.aiter_raw() if raw else resp.aiter_bytes():
            data = chunk if decoder is None else _inflate(decoder, chunk, limit - total)
            if data is None:
                return None
            total += len(data)
            if total > limit:
                return None
            chunks.append(data)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)


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


class _Pool:
    """One small connection pool (an httpx transport) and how many requests it is serving."""

    def __init__(self, transport: Transport, owned: bool) -> None:
        self.transport = transport
        self.owned = owned  # an injected transport is the caller's to close
        self.busy = 0


class Clients:
    """A few small connection pools per origin, honouring proxy and CA environment variables.

    httpx's pool scans every connection per request, so one big pool slows down as
    concurrency rises; several 4-connection pools per origin do not (issue 4). Requests go
    straight to httpx's transports: redirects, retries and decoding are ours, so the
    AsyncClient layer above them only cost time. Cookies an origin sets are sent back to
    that origin (some sites redirect to themselves to check for a cookie), never elsewhere.
    """

    def __init__(self, settings: Settings, transport: Transport | None = None) -> None:
        self.settings = settings
        self.transport = transport
        self.pools: dict[str, list[_Pool]] = {}
        self.cookies: dict[str, httpx.Cookies] = {}
        self.wanted = math.ceil(max(1, settings.per_host) / CONNECTIONS_PER_CLIENT)
        self.extensions = {
            "timeout": httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.request_deadline,
            ).as_dict()
        }

    def _new(self, site: str) -> _Pool:
        if self.transport is not None:
            return _Pool(self.transport, owned=False)
        per_client = min(CONNECTIONS_PER_CLIENT, max(1, self.settings.per_host))
        proxy = proxy_for(site)
        transport = httpx.AsyncHTTPTransport(
            verify=make_ssl_context() if site.startswith("https:") else _plain_context(),
            limits=httpx.Limits(max_connections=per_client, max_keepalive_connections=per_client),
            proxy=httpx.Proxy(proxy) if proxy else None,
            retries=0,
        )
        return _Pool(transport, owned=True)

    def _pick(self, site: str) -> _Pool:
        """The least busy pool for `site`, adding one while all are full."""
        pool = self.pools.get(site)
        if pool is None:
            pool = self.pools[site] = []
        best = min(pool, key=_busy) if pool else None
        if best is None or (
            best.owned and best.busy >= CONNECTIONS_PER_CLIENT and len(pool) < self.wanted
        ):
            best = self._new(site)
            pool.append(best)
        return best

    @contextlib.asynccontextmanager
    async def open(self, url: str, headers: Mapping[str, str]) -> AsyncIterator[Reply]:
        """GET `url` without following redirects; yields once the headers have arrived."""
        request = httpx.Request("GET", url, headers=headers, extensions=self.extensions)
        parts = request.url
        site = origin(parts)
        if parts.userinfo and "authorization" not in request.headers:  # as AsyncClient does
            next(httpx.BasicAuth(parts.username, parts.password).sync_auth_flow(request))
        jar = self.cookies.get(site)
        if jar is not None:
            jar.set_cookie_header(request)
        pool = self._pick("shared" if self.transport is not None else site)
        pool.busy += 1
        try:
            response = await pool.transport.handle_async_request(request)
            try:
                response.request = request
                if "set-cookie" in response.headers:
                    self.cookies.setdefault(site, httpx.Cookies()).extract_cookies(response)
                yield Reply(response)
            finally:
                await response.aclose()
        finally:
            pool.busy -= 1

    def cookie_state(self, url: str) -> CookieState:
        """The cookies `url`'s origin has set so far: a revisit with others is not a loop."""
        if not self.cookies:
            return ()  # the common case, and no URL to parse
        jar = self.cookies.get(origin(url))
        return tuple(sorted((c.name, c.value or "") for c in jar.jar)) if jar else ()

    async def close(self) -> None:
        for pools in self.pools.values():
            for pool in pools:
                if pool.owned:
                    with contextlib.suppress(Exception):
                        await pool.transport.aclose()
        self.pools.clear()


def origin(url: str | httpx.URL) -> str:
    """A URL's origin (RFC 6454) as httpx normalises it: lowercase IDNA host, no default port."""
    parts = url if isinstance(url, httpx.URL) else httpx.URL(url)
    return f"{parts.scheme}://{parts.netloc.decode('ascii')}"


def _busy(pool: _Pool) -> int:
    return pool.busy


def classify_error(err: BaseException) -> tuple[FetchStatus, str, bool]:
    """(status, reason, retryable) for an exception raised while fetching."""
    if isinstance(err, httpx.TimeoutException):
        return FetchStatus.TIMEOUT, f"timed out ({type(err).__name__})", True
    text = str(err) or type(err).__name__
    cause: BaseException | None = err
    while cause is not None:
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            return FetchStatus.TLS_ERROR, f"TLS failure: {cause}", False
        if isinstance(cause, socket.gaierror):  # DNS: only "try again" answers are transient
            return FetchStatus.UNREACHABLE, f"DNS lookup failed: {text}", _dns_transient(cause)
        cause = cause.__cause__ or cause.__context__
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
    if isinstance(err, httpx.TransportError | OSError):
        return FetchStatus.UNREACHABLE, f"{type(err).__name__}: {text}", False
    # anything else is a bug of ours, not the source's failure (issue 15, point 6)
    return FetchStatus.ERROR, f"internal error: {type(err).__name__}: {text}", False


def _dns_transient(err: socket.gaierror) -> bool:
    return err.errno not in PERMANENT_DNS


SyncTransport = httpx.BaseTransport  # what tests may inject for blocking requests


@dataclasses.dataclass(frozen=True)
class Answer:
    """Status line and headers of one blocking request; `error` says why there was none."""

    status: int | None
    phrase: str = ""
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    error: str = ""


def get_once(
    url: str,
    settings: Settings,
    headers: Mapping[str, str],
    transport: SyncTransport | None = None,
) -> Answer:
    """One blocking GET that follows no redirect and reads no more than a small body."""
    timeout = httpx.Timeout(settings.request_deadline, connect=settings.connect_timeout)
    if transport is None:
        proxy = proxy_for(url)
        transport = httpx.HTTPTransport(
            verify=make_ssl_context(), proxy=httpx.Proxy(proxy) if proxy else None
        )
    try:
        with (
            httpx.Client(transport=transport, timeout=timeout, trust_env=False) as client,
            client.stream("GET", url, headers=dict(headers)) as resp,
        ):
            return Answer(resp.status_code, resp.reason_phrase, dict(resp.headers))
    except Exception as err:  # every failure becomes an answer
        return Answer(None, error=classify_error(err)[1])
