"""Markdown fact-check appendix: claims grouped by status, footnote-style citations."""

from __future__ import annotations

import re

from factcheck.formats.citations import Citation, collect_citations, dedupe_key
from factcheck.formats.common import (
    claim_label,
    diff_text,
    fetch_summary,
    fragment_label,
    fragment_link,
    group_by_status,
    has_changes,
    one_line,
    pdf_page,
    rating_credit,
    rating_text,
    safe_url,
    show_date,
    show_time,
    source_label,
    status_counts,
)
from factcheck.formats.facts import md_coverage, md_evidence
from factcheck.formats.interface import ReportFormat
from factcheck.models import ClaimReport, DiffOp, Report, Review, SourceReport

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that are
# active inline in CommonMark, GFM (tables, strikethrough) or pandoc (math, citations, ^~).
_ACTIVE = re.compile(r"([\\`*_\[\]<>|~&#!$@^])")


def md(text: str | None) -> str:
    """Untrusted text as inert inline Markdown, on one line."""
    return _ACTIVE.sub(r"\\\1", one_line(text))


def md_link(label: str, url: str | None) -> str:
    """`[label](url)` for safe http(s) URLs, else the escaped label alone."""
    link = safe_url(url)
    return f"[{label}]({link})" if link else label


def md_diff(diff: tuple[DiffOp, ...]) -> str:
    """Word diff as `[-source words-]{+quote words+}`: its meaning survives every renderer,
    plain-text readers and copy-paste (strike-through and bold do not)."""
    return md(diff_text(diff))


def cited(source: SourceReport, key: str) -> str:
    """The source's title and its footnote marker, kept apart: a bare URL next to `[^key]`
    (or inside emphasis) becomes one broken link in GFM's autolinks (issue 19)."""
    title = one_line(source.metadata.title)
    if title:
        return f"*{md(title)}* [^{key}]"
    link = safe_url(source.url)
    return (f"<{link}>" if link else md(source.url)) + f" [^{key}]"


def source_lines(source: SourceReport, key: str) -> list[str]:
    """One numbered-list item (without its number) for a claim x source check."""
    lines = [f"**{md(source_label(source))}**: {cited(source, key)}"]
    if source.note:
        lines.append(f"Note: {md(source.note)}")
    if source.excerpt:
        page = f" (page {pdf_page(source)})" if pdf_page(source) else ""
        lines.append(f"Matching text in the source{page}: “{md(source.excerpt)}”")
    if has_changes(source.diff):
        lines.append(f"Word diff: {md_diff(source.diff)}")
    lines.extend(
        f"Difference ({md(d.kind)}): “{md(d.source)}” → “{md(d.quote)}”" for d in source.differences
    )
    links = link_line(source)
    lines += [links, md(fetch_summary(source))] if links else [md(fetch_summary(source))]
    lines.extend(
        f"Specific {md(f.specific.kind)} “{md(f.specific.text)}”: {md(f.status)}"
        + (f" (source: “{md(f.found_text)}”)" if f.found_text else "")
        for f in source.specifics
    )
    return lines


def link_line(source: SourceReport) -> str:
    """The text-fragment link and the archive capture, where there are any."""
    parts = []
    fragment = fragment_link(source)
    if fragment:
        parts.append(f"[{fragment_label(source)}]({fragment})")
    archive = safe_url(source.archive_url)
    if archive:
        captured = (
            f" ({md(f'captured {show_time(source.archived_at)}')})" if source.archived_at else ""
        )
        parts.append(f"[archived copy]({archive}){captured}")
    return " · ".join(parts)


def review_line(review: Review) -> str:
    """'accept by Jane, 2025-01-03 09:00 UTC (url): note'."""
    text = f"**{md(review.decision)}** by {md(review.by)}, {md(show_time(review.at))}"
    if review.url:
        text += f" ({md(review.url)})"
    if review.rating:
        text += f", rating {md(rating_text(review.rating))}"
    return text + (f": {md(review.note)}" if review.note else "")


def claim_lines(claim: ClaimReport, keys: dict[str, str]) -> list[str]:
    """The section for one claim."""
    lines = [f"### {md(claim.id)}: {md(claim.claim)}", ""]
    if claim.quote:
        speaker = f" — {md(claim.speaker)}" if claim.speaker else ""
        lines += [f"> “{md(claim.quote)}”{speaker}", ""]
    facts = [f"Status: **{md(claim_label(claim.status))}**"]
    if claim.rating:
        rated = f"**{md(rating_text(claim.rating))}** ({md(rating_credit(claim))})"
        facts.append(f"Human rating: {rated}")
    if claim.tags:
        facts.append("Tags: " + ", ".join(md(t) for t in claim.tags))
    if len(claim.history) > 1:
        facts.append("History: " + " → ".join(md(p.status) for p in claim.history))
    lines += [f"- {fact}" for fact in facts] + [""] + md_coverage(claim, md)
    for n, source in enumerate(claim.sources, 1):
        first, *rest = source_lines(source, keys[dedupe_key(source.url)])
        lines.append(f"{n}. {first}")
        lines.extend(f"   - {line}" for line in rest)
    if not claim.sources:
        lines.append("No sources given.")
    lines += (
        ["", *md_evidence(claim, md, md_link)] if any(s.evidence for s in claim.sources) else []
    )
    if claim.reviews:
        lines += ["", "Human reviews:", ""] + [f"- {review_line(r)}" for r in claim.reviews]
    return [*lines, ""]


def footnote(citation: Citation) -> str:
    """'[^key]: Author. *Title*. Site, 2024-05-01. <url>. Accessed 2025-01-02.'"""
    meta = citation.metadata
    parts = [md(", ".join(citation.authors))] if citation.authors else []
    if one_line(meta.title) or not citation.link:
        parts.append(f"*{md(citation.title)}*")
    published = f", {md(show_date(meta.published))}" if show_date(meta.published) else ""
    parts.append(md(citation.site) + published)
    link = safe_url(citation.url)
    parts.append(f"<{link}>" if link else md(citation.url))
    if citation.source.checked_at:
        parts.append(f"Accessed {md(citation.source.checked_at[:10])}")
    if citation.archive_url:
        parts.append(md_link(f"Archived by {md(citation.archive_name)}", citation.archive_url))
    return f"[^{citation.key}]: " + ". ".join(p for p in parts if p) + "."


class MarkdownFormat(ReportFormat):
    """A fact-check appendix an editor can read, paste or attach."""

    name = "md"
    description = "Markdown fact-check appendix, claims grouped by status, footnote citations"
    media_type = "text/markdown"
    extension = "md"

    def render(self, report: Report) -> str:
        citations = collect_citations(report)
        keys = {dedupe_key(c.url): c.key for c in citations}
        article = report.article
        title = md(article.title) if article and article.title else "claims"
        lines = [f"# Fact-check report: {title}", ""]
        if article and article.url:
            lines.append(f"- Article: {md_link(md(article.url), article.url)}")
        if article and article.published:
            lines.append(f"- Published: {md(article.published)}")
        lines.append(f"- Report generated: {show_time(report.generated_at)}")
        counts = ", ".join(f"{n} {claim_label(s).lower()}" for s, n in status_counts(report.claims))
        lines += [f"- Claims: {len(report.claims)}" + (f" ({counts})" if counts else ""), ""]
        lines += [
            "Statuses say whether the quoted words were found in the cited sources, "
            "not whether a claim is true.",
            "",
        ]
        for status, claims in group_by_status(report.claims):
            lines += [f"## {md(claim_label(status))} ({len(claims)})", ""]
            for claim in claims:
                lines += claim_lines(claim, keys)
        lines += [footnote(c) for c in citations]
        return "\n".join(lines).rstrip("\n") + "\n"
