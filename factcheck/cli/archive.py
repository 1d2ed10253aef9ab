"""The `factcheck archive` command: opt-in Save Page Now captures of live sources (issue 5)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from factcheck.cli.common import claims_option, db_option, resolve_settings
from factcheck.errors import ExitCode, NotFoundError
from factcheck.settings import SAVE_ENDPOINT, SAVE_INTERVAL

if TYPE_CHECKING:
    from factcheck.models import ClaimsFile
    from factcheck.wayback.capture import SaveResult


def register(main: click.Group) -> None:
    """Add `archive` to the `factcheck` command group."""
    main.add_command(factcheck_archive)


def live_sources(
    claims_file: ClaimsFile, claim_ids: tuple[str, ...], db_path: Path
) -> tuple[list[str], list[SaveResult]]:
    """Web sources of the chosen claims: (to save, skipped because their last check failed)."""
    from factcheck.store.database import Store
    from factcheck.wayback.capture import SaveResult  # httpx: loaded only when archiving

    chosen = [c for c in claims_file.claims if not claim_ids or c.id in claim_ids]
    missing = set(claim_ids) - {c.id for c in chosen}
    if missing:
        raise NotFoundError(f"no claim with id {', '.join(sorted(missing))}")
    latest = {}
    if db_path.exists():
        store = Store.open(db_path)
        try:
            latest = store.reader.latest_verifications([c.id for c in chosen])
        finally:
            store.close()
    status = {url: prev.verification.fetch.status for (_, url), prev in latest.items()}
    urls: list[str] = []
    skipped: list[SaveResult] = []
    for url in dict.fromkeys(s.url for c in chosen for s in c.sources if not s.is_file):
        if not url.startswith(("http://", "https://")):
            continue
        if url in status and not status[url].readable:
            reason = f"last check was {status[url].value}: nothing live to capture"
            skipped.append(SaveResult(url, "skipped", reason=reason))
        else:
            urls.append(url)
    return urls, skipped


@click.command("archive")
@click.option("--claim", "claim_ids", multiple=True, help="Only this claim id (repeatable).")
@claims_option
@db_option
@click.option("--endpoint", default=SAVE_ENDPOINT, show_default=True, help="Save Page Now URL.")
@click.option(
    "--interval",
    type=click.FloatRange(0.0),
    default=SAVE_INTERVAL,
    show_default=True,
    help="Seconds between save requests (the archive limits captures per minute).",
)
def factcheck_archive(
    claim_ids: tuple[str, ...],
    claims_path: Path,
    db_path: Path | None,
    endpoint: str,
    interval: float,
) -> None:
    """Ask the Wayback Machine to capture the live sources now (opt-in, rate-limited).

    Prints one line per source: saved with the capture address, requested, skipped
    (its last check failed) or failed with the reason. Exit code 1 if any failed.
    """
    from factcheck.claims.load import load_claims
    from factcheck.wayback.capture import save_pages  # httpx: loaded only when archiving

    claims_file = load_claims(claims_path)
    settings = resolve_settings(claims_path, db_path)
    urls, skipped = live_sources(claims_file, claim_ids, settings.db_path)
    for result in skipped:
        click.echo(result.line())
    if urls:
        click.echo(
            f"asking {endpoint} to capture {len(urls)} sources, {interval:g} s apart", err=True
        )
    results = save_pages(
        urls,
        settings,
        endpoint=endpoint,
        interval=interval,
        on_result=lambda r: click.echo(r.line()),
    )
    saved = sum(r.outcome == "saved" for r in results)
    failed = sum(not r.ok for r in results)
    click.echo(
        f"{saved} saved, {len(results) - saved - failed} requested, {failed} failed", err=True
    )
    if failed:
        sys.exit(int(ExitCode.ERROR))
