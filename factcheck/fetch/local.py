"""Sources read without the network: local files, and the snapshot cache when offline."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from factcheck.fetch.classify import READABLE_TYPES, mime_of, sniff
from factcheck.models import FetchRequest, FetchResult, FetchStatus
from factcheck.snapshots.cache import SnapshotCache

FILE_TYPES = {".html": "text/html", ".htm": "text/html", ".xhtml": "application/xhtml+xml"}


def _failed(req: FetchRequest, at: str, status: FetchStatus, reason: str) -> FetchResult:
    return FetchResult(url=req.url, status=status, fetched_at=at, reason=reason)


def read_offline(cache: SnapshotCache, req: FetchRequest, at: str) -> FetchResult:
    """The last good snapshot of `req` from the cache, or NOT_CACHED."""
    body = cache.get(req.previous_hash) if req.previous_hash else None
    if body is None:
        return _failed(req, at, FetchStatus.NOT_CACHED, "offline and no cached snapshot")
    return FetchResult(
        url=req.url,
        status=FetchStatus.FETCHED,
        fetched_at=at,
        final_url=req.url,
        content_type=sniff(body),
        etag=req.etag,
        last_modified=req.last_modified,
        body=body,
        body_hash=req.previous_hash,
        reason="offline: served from the snapshot cache",
        from_cache=True,
    )


def read_file(cache: SnapshotCache, req: FetchRequest, at: str, max_bytes: int) -> FetchResult:
    """A local file source (a path or a file: URL), cached like a fetched body. Blocking."""
    raw = req.url
    path = Path(urlsplit(raw).path if raw.startswith("file:") else raw).expanduser()
    try:
        if not path.is_file():
            return _failed(req, at, FetchStatus.INVALID, f"no such file: {path}")
        if path.stat().st_size > max_bytes:
            reason = f"file is larger than the {max_bytes} byte limit"
            return _failed(req, at, FetchStatus.TOO_LARGE, reason)
        body = path.read_bytes()[: max_bytes + 1]
    except OSError as err:
        return _failed(req, at, FetchStatus.INVALID, f"cannot read {path}: {err}")
    ctype = FILE_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    if mime_of(ctype) not in READABLE_TYPES:
        ctype = sniff(body)
    if ctype is None:
        return _failed(req, at, FetchStatus.UNSUPPORTED, "not text, HTML or PDF")
    digest = cache.put(body)
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
