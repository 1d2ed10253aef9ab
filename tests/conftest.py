"""Shared fixtures: isolated database and cache per test, an in-memory store, a local site
(`pages` says what it serves), the CLI run in-process (`invoke`) and a claims writer."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner

from factcheck.store.database import Store
from tests.site import Page, Site, serve

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


Invoke = Callable[..., tuple[int, str, str]]
WriteClaims = Callable[..., Path]


@pytest.fixture
def pages() -> dict[str, Page]:
    """What `site` serves, by path: a test module overrides this fixture with its own pages."""
    return {}


@pytest.fixture
def site(pages: dict[str, Page]) -> Iterator[Site]:
    """A web site on 127.0.0.1 serving `pages`; a test may change `site.pages` between runs."""
    with serve() as s:
        s.pages.update(pages)
        yield s


@pytest.fixture(scope="session")
def invoke() -> Invoke:
    """Run a factcheck command in-process: `invoke(*args, cli=group)` -> (exit, stdout, stderr).

    An exception the CLI does not handle fails the test (`catch_exceptions=False`).
    """

    def run(*args: str, cli: click.Command | None = None) -> tuple[int, str, str]:
        from factcheck.cli.app import main

        result = CliRunner().invoke(cli or main, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


@pytest.fixture(scope="session")
def write_claims() -> WriteClaims:
    """Write `folder/claims.yaml` from claim dicts (and an optional article header); its path."""

    def write(
        folder: Path, claims: Sequence[Mapping[str, Any]], article: Mapping[str, Any] | None = None
    ) -> Path:
        data: dict[str, Any] = {"article": dict(article)} if article else {}
        data["claims"] = [dict(c) for c in claims]
        path = folder / "claims.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        return path

    return write


from webserver import web_server  # noqa: E402,F401 - the fault server fixture, for every test module
