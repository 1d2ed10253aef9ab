"""Command line: resolves settings, calls the core, prints, and maps errors to exit codes."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

import click

from factcheck import __version__
from factcheck.cli.common import (
    FactcheckGroup,
    claims_files_option,
    claims_option,
    db_option,
    emit_json,
    open_store,
    resolve_settings,
    setup_logging,
)
from factcheck.errors import FactcheckError, NotFoundError, ReportInputError
from factcheck.models import ClaimStatus

if TYPE_CHECKING:
    from factcheck.formats import ReportFormat


class LazyGroup(FactcheckGroup):
    """Commands kept in their own modules are imported only when named (or listed by --help):
    `factcheck status` never loads the fetch, YAML or archive code (issue 21, point 6)."""

    MODULES = {"check": "factcheck.cli.check", "draft": "factcheck.cli.draft"}
    MODULES |= {"archive": "factcheck.cli.archive", "status": "factcheck.cli.status"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.MODULES and cmd_name not in self.commands:
            import_module(self.MODULES[cmd_name]).register(self)
        return super().get_command(ctx, cmd_name)


class LazyChoice(click.Choice[str]):
    """A choice whose values are read when first needed (help or parsing), not at import."""

    def __init__(self, values: Callable[[], list[str]]) -> None:
        self._values = values
        self.case_sensitive = True

    @cached_property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(self._values())


class FormatOption(click.Option):
    """`--format`, whose help lists every format with its one line (read only for --help)."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from factcheck.formats import FORMATS

        lines = (f"{name:12} {f.description}" for name, f in FORMATS.items())
        self.help = "Output format:\n\n\b\n" + "\n".join(lines)
        return super().get_help_record(ctx)


def _format_names() -> list[str]:
    from factcheck.formats import FORMATS  # every format module: only for `report`

    return list(FORMATS)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="factcheck")
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="Log to stderr: -v what the run does, -vv debugging detail (or FACTCHECK_LOG=LEVEL).",
)
def main(verbose: int) -> None:
    """Verify an article's quotes and claims against their sources, and keep the record.

    Exit codes: 0 ok, 1 error, 2 usage, 3 check failed, 4 invalid input, 130 interrupted.
    """
    setup_logging(verbose)


@main.command("show")
@click.argument("claim_id")
@claims_option
@db_option
def factcheck_show(claim_id: str, claims_path: Path, db_path: Path | None) -> None:
    """One claim: per source its fetch and quote status, the excerpt in context, the diff."""
    from factcheck.cli.display import console, print_claim
    from factcheck.report import build_report, excerpt_contexts

    settings = resolve_settings(claims_path, db_path)
    store = open_store(settings)
    removed = store.reader.require_claim(claim_id)["removed_at"]
    if removed:
        raise NotFoundError(
            f"claim {claim_id!r} was removed from the claims file on {removed[:10]}; "
            f"`factcheck history {claim_id}` still shows its record"
        )
    report = build_report(store, claim_ids=[claim_id])
    claim = report.claims[0]
    print_claim(console(), claim, excerpt_contexts(store, settings.cache_dir, claim))


@main.command("history")
@click.argument("claim_id")
@claims_option
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
def factcheck_history(
    claim_id: str, claims_path: Path, db_path: Path | None, as_json: bool
) -> None:
    """Each source's timeline for one claim: when, fetch status, quote status, text changes."""
    from factcheck.cli.display import console, history_table
    from factcheck.history import source_timelines

    store = open_store(resolve_settings(claims_path, db_path))
    store.reader.require_claim(claim_id)
    timelines = source_timelines(store, claim_id)
    if as_json:
        from factcheck.contracts import history_contract

        emit_json(history_contract(claim_id, timelines))
        return
    out = console()
    for url, points in timelines.items():
        out.print(history_table(url, points))


@main.command("review")
@click.argument("claim_id")
@click.option("--source", "url", default=None, help="The source URL the decision is about.")
@click.option("--accept", is_flag=True, help="Accept the machine verdict.")
@click.option("--reject", is_flag=True, help="Reject the machine verdict.")
@click.option("--checked", is_flag=True, help="Checked by hand (e.g. blocked).")
@click.option("--rating", type=int, show_default="none", help="A human truth rating value.")
@click.option(
    "--best", type=int, show_default="5, as schema.org assumes", help="Best value of the scale."
)
@click.option(
    "--worst", type=int, show_default="1, as schema.org assumes", help="Worst value of the scale."
)
@click.option("--label", default=None, help="The rating's label, e.g. Misleading.")
@click.option("--note", default=None, help="Why (required).")
@click.option("--by", default=None, help="Who decided (default: $FACTCHECK_REVIEWER or $USER).")
@claims_option
@db_option
def factcheck_review(
    claim_id: str,
    url: str | None,
    accept: bool,
    reject: bool,
    checked: bool,
    rating: int | None,
    best: int | None,
    worst: int | None,
    label: str | None,
    note: str | None,
    by: str | None,
    claims_path: Path,
    db_path: Path | None,
) -> None:
    """Record a human decision on a claim or one of its sources (append-only audit trail)."""
    from factcheck.review import record_review

    store = open_store(resolve_settings(claims_path, db_path))
    review = record_review(
        store,
        claim_id,
        decisions=[
            n for n, on in (("accept", accept), ("reject", reject), ("checked", checked)) if on
        ],
        url=url,
        rating=(rating, best, worst, label),
        note=note,
        by=by,
    )
    click.echo(f"recorded: {review.decision} on {claim_id} by {review.by} at {review.at}")


@main.group("cache")
def factcheck_cache() -> None:
    """Manage the snapshot cache."""


@factcheck_cache.command("prune")
@claims_option
@db_option
def cache_prune(claims_path: Path, db_path: Path | None) -> None:
    """Delete snapshots that no recorded check references, and report what was freed."""
    from factcheck.snapshots.cache import SnapshotCache

    settings = resolve_settings(claims_path, db_path)
    store = open_store(settings)
    removed, freed = SnapshotCache(settings.cache_dir).prune(store.reader.referenced_hashes())
    click.echo(f"removed {removed} snapshot(s) and text entries, freed {freed:,} bytes")


@main.command("report")
@click.option(
    "--format",
    "fmt",
    cls=FormatOption,
    type=LazyChoice(_format_names),
    metavar="FORMAT",
    default="md",
    show_default=True,
    help="Output format (see --help).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE instead of standard output.",
)
@click.option("--claim", "claim_ids", multiple=True, help="Only this claim (repeatable).")
@click.option(
    "--status",
    "status_lists",
    multiple=True,
    metavar="STATUS[,STATUS…]",
    help=f"Only claims with these statuses ({', '.join(s.value for s in ClaimStatus)}).",
)
@click.option(
    "--org-name",
    envvar="FACTCHECK_ORG_NAME",
    default=None,
    help="claimreview: the fact-checking organisation (author) [$FACTCHECK_ORG_NAME].",
)
@click.option(
    "--org-url",
    envvar="FACTCHECK_ORG_URL",
    default=None,
    help="claimreview: the organisation's home page [$FACTCHECK_ORG_URL].",
)
@click.option("--excel", is_flag=True, help="csv: start with a UTF-8 BOM so Excel reads it.")
@claims_files_option
@db_option
def factcheck_report(
    fmt: str,
    output: Path | None,
    claim_ids: tuple[str, ...],
    status_lists: tuple[str, ...],
    org_name: str | None,
    org_url: str | None,
    excel: bool,
    claims_paths: tuple[Path, ...],
    db_path: Path | None,
) -> None:
    """Export a citation report of the recorded checks."""
    from factcheck.report import build_report

    statuses = parse_statuses(status_lists)
    formatter = configured_format(fmt, org_name=org_name, org_url=org_url, excel=excel)
    store = open_store(resolve_settings(claims_paths[0], db_path))
    for claim_id in claim_ids:
        store.reader.require_claim(claim_id)
    report = build_report(
        store, article=store.reader.article(), claim_ids=claim_ids, statuses=statuses
    )
    from factcheck.formats.interface import MissingFieldError

    try:
        text = formatter.render(report)
    except MissingFieldError as exc:
        raise ReportInputError(f"{fmt}: {exc}") from exc
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)  # as --db does
        with output.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        raise FactcheckError(f"cannot write {output}: {exc.strerror}") from exc
    click.echo(f"wrote {output} ({fmt}, {formatter.written(report)})", err=True)


def parse_statuses(lists: tuple[str, ...]) -> list[str]:
    """`--status misquoted,unverified` (repeatable, as `--fail-on`), each name checked."""
    names = [part.strip() for text in lists for part in text.split(",") if part.strip()]
    known = [s.value for s in ClaimStatus]
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise click.BadParameter(
            f"unknown status {', '.join(unknown)}; choose from {', '.join(known)}",
            param_hint="--status",
        )
    return names


def configured_format(
    fmt: str, *, org_name: str | None, org_url: str | None, excel: bool
) -> ReportFormat:
    """The registered format, with the options that only some formats take."""
    from factcheck.formats import FORMATS
    from factcheck.formats.claimreview import ClaimReviewFormat, Organization
    from factcheck.formats.csv import CsvFormat

    if excel and fmt != "csv":
        raise click.BadParameter("only for --format csv", param_hint="--excel")
    if org_url and not org_name:
        raise click.BadParameter("give the organisation's name too", param_hint="--org-url")
    if fmt == "claimreview" and org_name:
        return ClaimReviewFormat(Organization(org_name, org_url))
    return CsvFormat(excel=True) if excel else FORMATS[fmt]


@main.command("diff")
@click.argument("claim_id")
@claims_option
@db_option
def factcheck_diff(claim_id: str, claims_path: Path, db_path: Path | None) -> None:
    """The text around the quote before and after each source's last change."""
    from factcheck.cli.display import console, print_text_changes
    from factcheck.history import text_changes

    settings = resolve_settings(claims_path, db_path)
    store = open_store(settings)
    store.reader.require_claim(claim_id)
    print_text_changes(console(), text_changes(store, settings.cache_dir, claim_id))
