"""Shared fixtures: isolated database and cache per test, an in-memory store, a local site."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from factcheck.store.database import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def env_setup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never touch the user's database or cache (llm's env_setup)."""
    monkeypatch.setenv("FACTCHECK_DB", str(tmp_path / "factcheck.db"))
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(tmp_path / "cache"))
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def store() -> Iterator[Store]:
    db = Store.open(":memory:")
    yield db
    db.close()


from webserver import web_server  # noqa: E402,F401 - the fault server fixture, for every test module
