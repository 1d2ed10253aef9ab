"""Frozen run settings, resolved once from options, environment and defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from factcheck import __version__

USER_AGENT = f"factcheck/{__version__} (+https://github.com/factcheck-tool/factcheck)"
SAVE_ENDPOINT = "https://web.archive.org/save/"  # Save Page Now
SAVE_INTERVAL = 5.0  # seconds between save requests (conservative: ~12 a minute)


@dataclass(frozen=True)
class Settings:
    db_path: Path = Path("factcheck.db")
    cache_dir: Path = Path("cache")
    offline: bool = False
    user_agent: str = USER_AGENT
    # politeness and limits (issue 4)
    workers: int = field(default_factory=lambda: min(4, os.cpu_count() or 1))  # CPU processes
    max_connections: int = 64
    per_host: int = 4
    host_interval: float = 0.0  # minimum seconds between requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    request_deadline: float = 60.0  # whole request, body included
    run_deadline: float | None = None
    retries: int = 3
    backoff_base: float = 0.5
    retry_after_cap: float = 30.0  # the longest single wait before a retry
    max_wait: float = 60.0  # seconds one source may spend waiting on back-off (429, 5xx)
    max_bytes: int = 20 * 1024 * 1024
    respect_robots: bool = False
    host_headers: dict[str, dict[str, str]] = field(default_factory=dict)
    skip_hosts: frozenset[str] = frozenset()
    refuse_private: bool = False
    # re-verification (issue 5)
    recheck_default: str = "7d"
    dead_after_failures: int = 3
    dead_after_days: float = 3.0
    archive: bool = False  # look up web-archive captures for failing sources
    archive_cdx: str = "https://web.archive.org/cdx/search/cdx"
    archive_base: str = "https://web.archive.org/web"


def default_db_path(claims_path: Path) -> Path:
    """The database lives beside the claims file unless FACTCHECK_DB says otherwise."""
    env = os.environ.get("FACTCHECK_DB")
    if env:
        return Path(env)
    return claims_path.parent / "factcheck.db"


def default_cache_dir(claims_path: Path) -> Path:
    env = os.environ.get("FACTCHECK_CACHE_DIR")
    if env:
        return Path(env)
    return claims_path.parent / "cache"


def environment_overrides() -> dict[str, str]:
    """Settings that the environment may set (endpoints for a private archive mirror)."""
    names = {
        "FACTCHECK_ARCHIVE_CDX": "archive_cdx",
        "FACTCHECK_ARCHIVE_URL": "archive_base",
        "FACTCHECK_USER_AGENT": "user_agent",
    }
    return {field_name: os.environ[env] for env, field_name in names.items() if os.environ.get(env)}
