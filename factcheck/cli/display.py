"""Terminal presentation (owns rich): progress, summary tables, claim details and word diffs."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from factcheck.formats.common import (
    diff_text,
    pdf_page,
    rating_credit,
    rating_text,
    render_word_diff,
)
from factcheck.models import ClaimReport, DiffOp, SourceReport, SpecificFinding
from factcheck.review import contradicted

if TYPE_CHECKING:  # `status` loads neither the store's history reads nor the report formats
    from rich.progress import Progress

    from factcheck.history import TextChange

STYLES = {
    "supported": "green",
    "verbatim": "green",
    "edited": "green",
    "fetched": "green",
    "partly": "yellow",
    "paraphrase": "yellow",
    "unverified": "yellow",
    "absent": "yellow",
    "misquoted": "bold red",
    "altered": "bold red",
    "out_of_context": "yellow",
    "partial": "yellow",
    "conflict": "bold red",
    "unavailable": "red",
    "error": "bold red",
}


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """A closed pipe (`| head`) is not an error: the root group ends quietly with 0."""
        self.quiet = True
        raise BrokenPipeError


def console(err: bool = False) -> Console:
    # Source text is untrusted: never interpret rich markup or emoji codes in it.
    # Piped, nothing is cut to a terminal's width: ids and URLs stay whole for grep and scripts.
    piped = not (sys.stderr if err else sys.stdout).isatty()
    return _Console(
        stderr=err, highlight=False, emoji=False, soft_wrap=not err, width=4096 if piped else None
    )


def styled(value: str | None) -> str:
    text = escape(value or "-")
    style = STYLES.get(value or "")
    return f"[{style}]{text}[/{style}]" if style else text


class RunProgress:
    """A progress bar on a terminal; silent when stderr is not one (cron, pipes)."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.progress: Progress | None = None
        self.task: Any = None

    @contextmanager
    def running(self) -> Iterator[RunProgress]:
        if not self.enabled:
            yield self
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(
            TextColumn("checking sources"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console(err=True),
            transient=True,
        )
        with self.progress:
            yield self

    def start(self, total: int) -> None:
        if self.progress is not None:
            self.task = self.progress.add_task("check", total=total)

    def notice(self, line: str) -> None:
        """A line on stderr (above the bar on a terminal): waits are never silent."""
        if self.progress is not None:
            self.progress.console.print(escape(line))
        else:
            print(line, file=sys.stderr, flush=True)

    def advance(self, *_: object) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task)


def summary_table(rows: Sequence[tuple[str, str, str]]) -> Table:
    """Claim id, status and change since the previous run."""
    table = Table("claim", "status", "change", box=None, pad_edge=False)
    for claim_id, status, change in rows:
        table.add_row(escape(claim_id), styled(status), escape(change))
    return table


def status_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    """`status`'s table on a terminal: statuses coloured, ids folded (never cut short)."""
    table = Table(box=None, pad_edge=False)
    table.add_column(columns[0], overflow="fold")
    for name in columns[1:]:
        table.add_column(name)
    for claim, status, *rest in rows:
        table.add_row(escape(claim), styled(status), *map(escape, rest))
    return table


def history_table(url: str, points: Sequence[dict[str, Any]]) -> Table:
    table = Table("checked", "fetch", "quote", "score", "text", title=escape(url), box=None)
    for p in points:
        score = f"{p['score']:.0f}" if p["score"] is not None else "-"
        text = "changed" if p["text_changed"] else (p["text_hash"] or "-")[:10]
        if p.get("drift"):
            text += f" ({escape(p['drift'])})"
        table.add_row(
            escape(p["checked_at"]),
            styled(p["fetch_status"]),
            styled(p["quote_status"]),
            score,
            text,
        )
    return table


def render_diff(ops: Sequence[DiffOp], out: Console) -> str:
    """Word diff as rich markup: deletions (source words) struck red, insertions green; without
    colour (piped, NO_COLOR) `[-old-]{+new+}` as `git diff --word-diff` writes it."""
    if out.no_color or out.color_system is None:
        return escape(diff_text(ops))
    return render_word_diff(
        ops,
        escape,
        lambda w: f"[red strike]{escape(w)}[/red strike]",
        lambda w: f"[green]{escape(w)}[/green]",
    )


def print_claim(out: Console, claim: ClaimReport, contexts: dict[str, str]) -> None:
    out.print(f"[bold]{escape(claim.id)}[/bold]  {styled(claim.status)}")
    out.print(f"  claim:   {escape(claim.claim)}")
    if claim.quote:
        out.print(f"  quote:   “{escape(claim.quote)}”")
    if claim.speaker:
        out.print(f"  speaker: {escape(claim.speaker)}")
    if claim.rating:
        credit = rating_credit(claim)
        out.print(f"  rating:  {escape(rating_text(claim.rating))} ({escape(credit)})")
    if contradicted(claim):
        out.print("  [bold red]the machine status changed after a human accepted it[/bold red]")
    for review in claim.reviews:
        note = f" — {escape(review.note)}" if review.note else ""
        target = f" ({escape(review.url)})" if review.url else ""
        out.print(f"  human:   {escape(review.decision)}{target} by {escape(review.by)}{note}")
    if claim.coverage:
        print_coverage(out, claim)
    if not claim.sources:
        out.print("  no sources")
    for n, source in enumerate(claim.sources, 1):
        label = f"S{n} " if claim.coverage else ""
        print_source(out, source, None if claim.coverage else contexts.get(source.url), label)


def print_coverage(out: Console, claim: ClaimReport) -> None:
    """A fact-checker's note: the verdict, what decided it, and specifics x sources."""
    out.print(f"  verdict: {styled(claim.status)} — {escape(claim.verdict)}")
    table = Table("specific", "kind", box=None, pad_edge=False)
    for n in range(1, len(claim.sources) + 1):
        table.add_column(f"S{n}")
    for row in claim.coverage:
        cells = [_cell(c) for c in row.cells]
        table.add_row(escape(row.specific.text), escape(row.role), *cells)
    out.print()
    out.print(Padding(table, (0, 0, 0, 2)))


def _cell(finding: SpecificFinding | None) -> str:
    if finding is None:
        return "[dim]not read[/dim]"
    if finding.status.value == "conflict":
        return f"{styled('conflict')}: {escape(finding.found_text)}"
    return styled(finding.status.value)


def print_source(out: Console, s: SourceReport, context: str | None, label: str = "") -> None:
    out.print(f"\n  [bold]{escape(label)}{escape(s.url)}[/bold]")
    http = f" (HTTP {s.http_status})" if s.http_status else ""
    out.print(f"    fetch:  {styled(s.fetch_status or 'never checked')}{http} {escape(s.reason)}")
    if s.final_url and s.final_url != s.url:
        out.print(f"    final:  {escape(s.final_url)}")
    if s.quote_status and s.quote_status != "unchecked":
        score = f" score {s.score:.0f}" if s.score is not None else ""
        out.print(f"    quote:  {styled(s.quote_status)}{score}")
    page = f"(page {pdf_page(s)}) " if pdf_page(s) else ""
    if label and s.excerpt:
        passage = " ".join(s.excerpt.split())
        out.print(f"    passage: {page}“{escape(passage)}” (characters {s.start}-{s.end})")
    elif context or s.excerpt:
        out.print(f"    found:  {page}…{escape(context or s.excerpt or '')}…")
    if s.diff and s.quote_status in ("edited", "altered", "partial", "paraphrase"):
        out.print(f"    diff:   {render_diff(s.diff, out)}")
    for d in s.differences:
        out.print(f"    change: {escape(d.kind)}: {escape(d.source)!r} → {escape(d.quote)!r}")
    for f in s.specifics:
        if label and f.status.value == "conflict":
            out.print(
                f"    conflict: {escape(f.specific.text)} — source says “{escape(f.found_text)}”:"
                f" «{escape(f.sentence)}»"
            )
        elif not label:
            where = f" ({escape(f.found_text)})" if f.found_text else ""
            out.print(
                f"    {escape(f.specific.kind.value):7} {escape(f.specific.text)}: "
                f"{styled(f.status.value)}{where}"
            )
    for e in s.evidence:
        out.print(f"    evidence: “{escape(e.passage)}”: {styled(e.status)}")
        if e.excerpt:
            out.print(f"      found: “{escape(e.excerpt)}”")
        if e.diff and e.status in ("edited", "altered", "paraphrase"):
            out.print(f"      diff:  {render_diff(e.diff, out)}")
        if e.fragment_url:
            out.print(f"      link:  {escape(e.fragment_url)}", soft_wrap=True)
    if s.fragment_url:
        out.print(f"    link:   {escape(s.fragment_url)}", soft_wrap=True)
    if s.archive_url:
        out.print(f"    archive: {escape(s.archive_url)} ({escape(s.archived_at or '')})")
    if s.health_text:
        out.print(f"    health: {escape(s.health_text)}")
    if s.last_drift:
        when = (s.last_drift_at or "")[:10]
        out.print(f"    drift:  quote {escape(s.last_drift)} on {escape(when)}")
    if s.checked_at:
        out.print(f"    checked: {escape(s.checked_at)}")


def print_text_changes(out: Console, changes: Sequence[TextChange]) -> None:
    if not changes:
        out.print("no source text has changed since it was first checked")
    for change in changes:
        out.print(f"[bold]{escape(change.url)}[/bold] ({escape(change.drift or 'changed')})")
        out.print(f"  {escape(change.before_at)} → {escape(change.after_at)}")
        if change.missing:
            out.print(f"  ({escape(change.missing)})\n")
        else:
            out.print(f"  {render_diff(change.diff, out)}\n")
