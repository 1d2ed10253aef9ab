"""`factcheck check`: fetch, verify and record every source, then summarise the run."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from factcheck.cli.common import (
    claims_files_option,
    db_option,
    emit_json,
    handle_errors,
    open_store,
    resolve_settings,
)
from factcheck.errors import ExitCode
from factcheck.formats.interface import plural
from factcheck.models import ClaimStatus

if TYPE_CHECKING:
    from factcheck.outcomes import ClaimOutcome

DEFAULT_FAIL_ON = ("misquoted", "unverified", "unavailable", "partly")
FAIL_CHOICES = [s.value for s in ClaimStatus] + ["any"]


def register(main: click.Group) -> None:
    """Add `check` to the `factcheck` command group."""
    main.add_command(check_command)


@click.command("check")
@claims_files_option
@db_option
@click.option("--offline", is_flag=True, help="Verify against cached snapshots only.")
@click.option("--due", is_flag=True, help="Re-check only sources whose interval has passed.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
@click.option(
    "--fail-on",
    default=",".join(DEFAULT_FAIL_ON),
    show_default=True,
    help="Claim statuses that make the exit code 3 (comma-separated, or 'any').",
)
@click.option("--concurrency", type=click.IntRange(1, 512), default=None, help="Global limit.")
@click.option("--per-host", type=click.IntRange(1, 64), default=None, help="Per-host limit.")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=None, help="Processes for parsing/matching."
)
@click.option("--timeout", type=click.FloatRange(0.1), default=None, help="Seconds per request.")
@click.option("--retries", type=click.IntRange(0, 10), default=None, help="Retries per source.")
@click.option(
    "--max-wait",
    type=click.FloatRange(0),
    default=None,
    help="Seconds one source may wait on back-off (429 Retry-After, 5xx); default 60.",
)
@click.option("--respect-robots", is_flag=True, help="Obey robots.txt.")
@click.option(
    "--refuse-private",
    is_flag=True,
    envvar="FACTCHECK_REFUSE_PRIVATE",
    help="Refuse sources on private or loopback addresses (for scheduled runs).",
)
@click.option(
    "--archive",
    is_flag=True,
    help="For sources that fail or lost the quote, verify the web-archive capture nearest "
    "the citation date ($FACTCHECK_ARCHIVE_CDX, $FACTCHECK_ARCHIVE_URL set the endpoints).",
)
@handle_errors
def check_command(
    claims_paths: tuple[Path, ...],
    db_path: Path | None,
    offline: bool,
    due: bool,
    as_json: bool,
    fail_on: str,
    concurrency: int | None,
    per_host: int | None,
    workers: int | None,
    timeout: float | None,
    retries: int | None,
    max_wait: float | None,
    respect_robots: bool,
    refuse_private: bool,
    archive: bool,
) -> None:
    """Fetch every source, find each quote in it, record the results and summarise."""
    from factcheck.cli.display import RunProgress, console, summary_table
    from factcheck.run import run_check

    failing = parse_fail_on(fail_on)
    changes: dict[str, Any] = {
        "offline": offline,
        "respect_robots": respect_robots,
        "refuse_private": refuse_private,
        "archive": archive and not offline,
    }
    if concurrency:
        changes["max_connections"] = concurrency
    if per_host:
        changes["per_host"] = per_host
    if workers:
        changes["workers"] = workers
    if timeout:
        changes.update(connect_timeout=timeout, read_timeout=timeout, request_deadline=timeout * 3)
    if retries is not None:
        changes["retries"] = retries
    if max_wait is not None:
        changes["max_wait"] = max_wait
    settings = resolve_settings(claims_paths[0], db_path, **changes)
    # before touching the database: bad input writes nothing
    from factcheck.claims.many import load_claims_files  # YAML: only for this command

    claims_files = load_claims_files(claims_paths, settings.cache_dir)
    store = open_store(settings, must_exist=False)
    progress = RunProgress(enabled=None if not as_json else False)
    with progress.running():
        summary = run_check(
            settings,
            claims_files,
            store,
            due=due,
            on_start=progress.start,
            on_outcome=progress.advance,
            on_notice=progress.notice,
        )
    failed = [o for o in summary.outcomes if o.status.value in failing]
    if as_json:
        emit_json(
            {
                "run_id": summary.run_id,
                "sources_checked": summary.sources_checked,
                "counts": dict(summary.counts()),
                "changed": [outcome_json(o) for o in summary.transitions()],
                "claims": [outcome_json(o) for o in summary.outcomes],
                "failed": [o.claim_id for o in failed],
            }
        )
    else:
        out = console()
        out.print(summary_table([(o.claim_id, o.status.value, o.change) for o in summary.outcomes]))
        counts = ", ".join(f"{n} {s}" for s, n in sorted(summary.counts().items()))
        checked = plural(summary.sources_checked, "source")
        run = f"run {summary.run_id}" if summary.run_id else "nothing due (no run recorded)"
        out.print(f"\n{run}: {checked} checked" + (f"; {counts}" if counts else ""))
        for o in summary.transitions():
            before = o.previous.value if o.previous else "-"
            why = f" ({o.reason})" if o.reason else ""
            out.print(f"  {o.change}: {o.claim_id} {before} → {o.status.value}{why}", markup=False)
        for o in summary.outcomes:
            if o.reason and o.change not in ("worse", "better"):
                out.print(f"  {o.claim_id}: {o.reason}", markup=False)
    sys.exit(int(ExitCode.CHECK_FAILED if failed else ExitCode.OK))


def outcome_json(o: ClaimOutcome) -> dict[str, Any]:
    """One claim of the `check --json` summary: its status, the change and why."""
    return {
        "id": o.claim_id,
        "status": o.status.value,
        "previous": o.previous.value if o.previous else None,
        "change": o.change,
        "reason": o.reason,
    }


def parse_fail_on(text: str) -> set[str]:
    names = {part.strip() for part in text.split(",") if part.strip()}
    unknown = names - set(FAIL_CHOICES)
    if unknown:
        raise click.BadParameter(
            f"unknown status {', '.join(sorted(unknown))}; choose from {', '.join(FAIL_CHOICES)}",
            param_hint="--fail-on",
        )
    if "any" in names:
        return {s.value for s in ClaimStatus} - {"supported"}
    return names
