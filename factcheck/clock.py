"""UTC timestamps in the one format stored everywhere (ISO-8601, seconds, trailing Z)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_now() -> datetime:
    return datetime.now(UTC)


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def now_iso() -> str:
    """The current UTC time in that format (without a datetime: it is stamped on every fetch)."""
    return time.strftime(FORMAT, time.gmtime())
