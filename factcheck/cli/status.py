"""`factcheck status`: every claim's latest status in a second, for 10,000 claims too (issue 21,
point 5). Pipes and large tables print plainly; rich lays out only a terminal's small table."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from factcheck.cli.common import (
    claims_files_option,
    db_option,
    emit_json,
    open_store,
    plain_table,
    resolve_settings,
)
from factcheck.errors import NotFoundError
from factcheck.review import contradicted

if TYPE_CHECKING:
    from factcheck.models import ClaimReport, SourceReport
    from factcheck.store.database import Store

STATUS_COLUMNS = ("claim", "status", "change", "sources", "links", "human", "checked")
HEALTH_ORDER = ("dead", "failing", "blocked", "ok")


def register(main: click.Group) -> None:
    """Add `status` to the `factcheck` command group."""
    main.add_command(factcheck_status)


@click.command("status")
@claims_files_option
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the documented JSON contract.")
@click.option(
    "--article",
    "article_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Only the claims of this claims file (one database may hold many).",
)
def factcheck_status(
    claims_paths: tuple[Path, ...], db_path: Path | None, as_json: bool, article_path: Path | None
) -> None:
    """The latest status of every claim, and what changed since the previous run."""
    store = open_store(resolve_settings(claims_paths[0], db_path))
    claim_ids = article_claims(store, article_path)
    with no_cycle_collection():
        print_status(store, claim_ids, as_json)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """A report of 10,000 claims is ~10^6 objects without cycles, which the cycle collector
    would only re-scan while they are built (~0.1 s): reference counting frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def print_status(store: Store, claim_ids: list[str], as_json: bool) -> None:
    """The JSON contract, or the table, its counts and the claims with conflicts."""
    from factcheck.contracts import has_conflict, status_contract
    from factcheck.report import build_report

    # flat in history; the coverage table (and its gazetteer) only for the JSON contract
    report = build_report(store, claim_ids=claim_ids, history=False, coverage=as_json)
    if as_json:
        emit_json(status_contract(report))
        return
    if not report.claims:
        click.echo("no claims recorded yet: run `factcheck check`")
        return
    rows = status_rows(report.claims)
    print_table(rows)
    counts = Counter(c.status for c in report.claims)
    click.echo("\n" + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    if conflicts := [c.id for c in report.claims if has_conflict(c)]:
        claims = f"{len(conflicts)} claim{'s' if len(conflicts) != 1 else ''}"  # no formats loaded
        click.echo(f"{claims} with conflicting specifics: {', '.join(conflicts)}")


def print_table(rows: Sequence[tuple[str, ...]]) -> None:
    """A terminal's small table through rich; any other plainly (no rich even loaded)."""
    from factcheck.cli.common import RICH_ROWS

    if len(rows) <= RICH_ROWS:
        from factcheck.cli.display import console, status_table

        out = console()
        if out.is_terminal:
            out.print(status_table(STATUS_COLUMNS, rows))
            return
    click.echo(plain_table(STATUS_COLUMNS, rows))


def article_claims(store: Store, article_path: Path | None) -> list[str]:
    """The ids of the claims the claims file `article_path` holds now (all when None)."""
    if article_path is None:
        return []
    wanted = str(article_path.resolve())
    ids = [r["id"] for r in store.reader.claim_rows() if r["article"] == wanted]
    if not ids:
        raise NotFoundError(f"no claims from {article_path} in the database: check it first")
    return ids


def status_rows(claims: Sequence[ClaimReport]) -> list[tuple[str, ...]]:
    """One row of STATUS_COLUMNS per claim, as plain text."""
    rows: list[tuple[str, ...]] = []
    for c in claims:
        readable = sum(1 for s in c.sources if s.fetch_status == "fetched")
        human = c.reviews[-1].decision if c.reviews else ""
        if contradicted(c):
            human += " (machine disagrees now)"
        change = change_since_previous(c)
        checked = c.checked_at or "never"
        read = f"{readable}/{len(c.sources)} read"
        rows.append((c.id, c.status, change, read, links_summary(c.sources), human, checked))
    return rows


def links_summary(sources: Sequence[SourceReport]) -> str:
    """The worst link health of a claim's sources and the last change to a quoted page."""
    checked = [s for s in sources if s.health in HEALTH_ORDER]
    if not checked:
        return "-"
    worst = min(checked, key=lambda s: HEALTH_ORDER.index(s.health or "ok"))
    text = worst.health_text or worst.health or "-"
    drifted = [s for s in sources if s.last_drift]
    if drifted:
        last = max(drifted, key=lambda s: s.last_drift_at or "")
        text += f"; quote {last.last_drift} {(last.last_drift_at or '')[:10]}"
    return text


def change_since_previous(claim: ClaimReport) -> str:
    """'new', 'was supported', or '' when the last two runs agree (or it was never checked)."""
    if len(claim.history) < 2:
        return "new" if claim.history else ""
    previous = claim.history[-2].status
    return "" if previous == claim.status else f"was {previous}"
