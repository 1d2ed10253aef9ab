"""The `factcheck draft` command: a draft claims file from an article (issue 7)."""

from __future__ import annotations

from pathlib import Path

import click

from factcheck.settings import Settings, default_cache_dir


def register(main: click.Group) -> None:
    """Add `draft` to the `factcheck` command group."""
    main.add_command(factcheck_draft)


@click.command("draft")
@click.argument("article")
@click.option(
    "--merge",
    "merge_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Add the new claims to this claims file (created if missing) instead of printing.",
)
@click.option(
    "--base-url",
    default=None,
    help="Resolve relative links of an HTML file against this URL (the page's own address).",
)
def factcheck_draft(article: str, merge_path: Path | None, base_url: str | None) -> None:
    """Draft claims from ARTICLE (a URL, an HTML, PDF or text file).

    Finds every quoted passage with its speaker, and every sentence with numbers, amounts,
    percentages or dates; for HTML, the links in or next to each sentence become candidate
    sources. Prints a claims file, or with --merge adds only the claims the file lacks,
    keeping its comments, order and ids.
    """
    from factcheck.draft import draft_claims, draft_yaml, merge_into, read_article  # slow: lazy

    settings = Settings(cache_dir=default_cache_dir(merge_path or Path("claims.yaml")))
    found = read_article(article, base_url, settings)
    drafts = draft_claims(found.paragraphs)
    if merge_path is None:
        click.echo(draft_yaml(drafts, found.article, origin=article), nl=False)
        quotes = sum(1 for d in drafts if d.quote)
        click.echo(f"drafted {len(drafts)} claims ({quotes} quotes)", err=True)
        return
    result = merge_into(merge_path, drafts, found.article)
    verb = "created" if result.created else "updated"
    click.echo(
        f"{verb} {result.path}: added {len(result.added)} claims, "
        f"{len(result.skipped)} already there",
        err=True,
    )
