"""Self-contained HTML report: inline CSS and SVG, no scripts, no external requests."""

from __future__ import annotations

from html import escape

from factcheck.formats.citations import Citation, collect_citations, dedupe_key
from factcheck.formats.common import (
    claim_label,
    fetch_summary,
    fragment_label,
    fragment_link,
    group_by_status,
    has_changes,
    latest_check,
    one_line,
    pdf_page,
    rating_credit,
    rating_text,
    render_word_diff,
    safe_url,
    show_date,
    show_time,
    source_label,
    source_title,
    status_counts,
)
from factcheck.formats.facts import html_coverage, html_evidence
from factcheck.formats.html_style import CSS, colour
from factcheck.formats.interface import ReportFormat
from factcheck.models import (
    ClaimReport,
    HistoryPoint,
    Report,
    Review,
    SourceReport,
    SpecificFinding,
)

# Belt and braces: even if something slipped through escaping, the page may not run
# scripts or load anything (https://www.w3.org/TR/CSP3/).
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"


def esc(text: str | None) -> str:
    """Untrusted text as inert HTML, on one line."""
    return escape(one_line(text), quote=True)


def bdi(text: str | None) -> str:
    """Source text isolated from its neighbours' direction (an Arabic or Hebrew title must not
    pull the marker after it into its run): https://www.w3.org/International/articles/inline-bidi-markup/
    """
    return f"<bdi>{esc(text)}</bdi>"


def link(label_html: str, url: str | None) -> str:
    """An anchor for safe http(s) URLs; otherwise just the (already escaped) label."""
    href = safe_url(url)
    if not href:
        return label_html
    return f'<a href="{escape(href, quote=True)}" rel="noopener noreferrer">{label_html}</a>'


def badge(status: str | None, label: str) -> str:
    return f'<span class="badge" style="background:{colour(status)}">{esc(label)}</span>'


def bar_chart(report: Report) -> str:
    """Horizontal SVG bars, one per claim status, with label and count."""
    counts = status_counts(report.claims)
    if not counts:
        return '<p class="muted">No claims.</p>'
    top = max(n for _, n in counts)
    row, label_w, bar_w = 24, 130, 160
    rows = []
    for i, (status, n) in enumerate(counts):
        y, width = i * row, max(2, round(bar_w * n / top))
        rows.append(
            f'<text x="0" y="{y + 17}">{esc(claim_label(status))}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{width}" height="18" rx="3" '
            f'fill="{colour(status)}"/>'
            f'<text x="{label_w + width + 6}" y="{y + 17}">{n}</text>'
        )
    height = row * len(counts)
    summary = ", ".join(f"{n} {claim_label(s).lower()}" for s, n in counts)
    return (
        f'<svg class="chart" viewBox="0 0 {label_w + bar_w + 40} {height}" '
        f'width="{label_w + bar_w + 40}" height="{height}" role="img" '
        f'aria-label="Claims by status: {esc(summary)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>Claims by status: {esc(summary)}</title>{''.join(rows)}</svg>"
    )


def history_strip(history: tuple[HistoryPoint, ...]) -> str:
    """One coloured mark per check, oldest first; shown once a claim was re-checked."""
    if len(history) < 2:
        return ""
    marks = "".join(
        f'<rect x="{i * 14}" y="0" width="11" height="14" rx="2" fill="{colour(p.status)}">'
        f"<title>{esc(show_time(p.checked_at))}: {esc(p.status)}</title></rect>"
        for i, p in enumerate(history)
    )
    width = 14 * len(history)
    label = " → ".join(esc(p.status) for p in history)
    return (
        f'<div class="history"><span>History</span><svg viewBox="0 0 {width} 14" '
        f'width="{width}" height="14" role="img" aria-label="{label}" '
        f'xmlns="http://www.w3.org/2000/svg">{marks}</svg>'
        f"<span>{esc(history[0].status)} → {esc(history[-1].status)}</span></div>"
    )


def diff_html(source: SourceReport) -> str:
    words = render_word_diff(
        source.diff, esc, lambda w: f"<del>{esc(w)}</del>", lambda w: f"<ins>{esc(w)}</ins>"
    )
    return f'<p class="diff"><strong>Word diff:</strong> <span dir="auto">{words}</span></p>'


def source_html(source: SourceReport, ref: tuple[int, str]) -> str:
    """One claim x source check: status, excerpt, diff, links, fetch and specifics."""
    number, key = ref
    out = [
        f'<li class="source"><p>{badge(source.quote_status, source_label(source))} '
        f"{link(bdi(source_title(source)), source.url)} "
        f'<sup><a href="#ref-{escape(key)}">[{number}]</a></sup></p>'
    ]
    if source.note:
        out.append(f'<p class="muted" dir="auto">{esc(source.note)}</p>')
    if source.excerpt:
        page = f" (page {pdf_page(source)})" if pdf_page(source) else ""
        out.append(f'<p class="label">Matching text in the source{page}</p>')
        out.append(f'<blockquote dir="auto">{esc(source.excerpt)}</blockquote>')
    if has_changes(source.diff):
        out.append(diff_html(source))
    out.extend(
        f'<p class="diff">Difference ({esc(d.kind)}): <del>{bdi(d.source)}</del> → '
        f"<ins>{bdi(d.quote)}</ins></p>"
        for d in source.differences
    )
    out.append(links_html(source))
    out.append(f'<p class="meta">{esc(fetch_summary(source))}</p>')
    if source.specifics:
        out.append('<p class="label">Specifics</p>')
        out.append('<ul class="specifics">' + "".join(map(specific_html, source.specifics)))
        out.append("</ul>")
    return "".join(out) + "</li>"


def links_html(source: SourceReport) -> str:
    """The text-fragment link and the archive capture, where there are any."""
    parts = []
    fragment = fragment_link(source)
    if fragment:
        parts.append(link(f"Open the {fragment_label(source)}", fragment))
    archive = safe_url(source.archive_url)
    if archive:
        when = f" (captured {esc(show_time(source.archived_at))})" if source.archived_at else ""
        parts.append(link("Archived copy", archive) + when)
    return f'<p class="links">{" · ".join(parts)}</p>' if parts else ""


def specific_html(finding: SpecificFinding) -> str:
    found = f" — source says “{bdi(finding.found_text)}”" if finding.found_text else ""
    return (
        f"<li>{esc(finding.specific.kind)} “{esc(finding.specific.text)}”: "
        f"<strong>{esc(finding.status)}</strong>{found}</li>"
    )


def review_html(review: Review) -> str:
    text = f"<strong>{esc(review.decision)}</strong> by {esc(review.by)}, "
    text += esc(show_time(review.at))
    if review.url:
        text += f" ({esc(review.url)})"
    if review.rating:
        text += f", rating {esc(rating_text(review.rating))}"
    return f"<li>{text}{': ' + esc(review.note) if review.note else ''}</li>"


def claim_html(claim: ClaimReport, refs: dict[str, tuple[int, str]]) -> str:
    """The card for one claim."""
    out = [
        f'<article class="claim" id="claim-{escape(claim.id, quote=True)}">',
        f'<div class="claim-head">{badge(claim.status, claim_label(claim.status))}'
        f'<span class="cid">{esc(claim.id)}</span></div>',
        f'<h3 dir="auto">{esc(claim.claim)}</h3>',
    ]
    if claim.quote:
        speaker = f"<footer>— {esc(claim.speaker)}</footer>" if claim.speaker else ""
        out.append(f'<blockquote dir="auto">“{esc(claim.quote)}”{speaker}</blockquote>')
    facts = [("Last checked", esc(show_time(latest_check(claim))) or "never")]
    if claim.rating:
        rated = f"<strong>{esc(rating_text(claim.rating))}</strong> ({esc(rating_credit(claim))})"
        facts.append(("Human rating", rated))
    if claim.tags:
        facts.append(("Tags", ", ".join(esc(t) for t in claim.tags)))
    out.append('<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts))
    out.append("</dl>" + history_strip(claim.history) + html_coverage(claim, esc))
    if claim.sources:
        items = (source_html(s, refs[dedupe_key(s.url)]) for s in claim.sources)
        out.append('<ol class="sources">' + "".join(items) + "</ol>")
    else:
        out.append('<p class="muted">No sources given.</p>')
    out.append(html_evidence(claim, esc, lambda label, url: link(esc(label), url)))
    if claim.reviews:
        reviews = "".join(review_html(r) for r in claim.reviews)
        out.append(f'<section class="reviews"><h4>Human reviews</h4><ul>{reviews}</ul></section>')
    return "".join(out) + "</article>"


def reference_html(citation: Citation) -> str:
    """One entry of the numbered source list."""
    meta = citation.metadata
    parts = [", ".join(bdi(a) for a in citation.authors)] if citation.authors else []
    parts.append(f"<cite>{link(bdi(citation.title), citation.url)}</cite>")
    published = f", {esc(show_date(meta.published))}" if show_date(meta.published) else ""
    parts.append(bdi(citation.site) + published)
    if citation.source.checked_at:
        parts.append(f"Accessed {esc(citation.source.checked_at[:10])}")
    if citation.archive_url:
        parts.append(link(f"Archived by {esc(citation.archive_name)}", citation.archive_url))
    return f'<li id="ref-{escape(citation.key)}">' + ". ".join(p for p in parts if p) + ".</li>"


class HtmlFormat(ReportFormat):
    """One HTML file to read on screen or phone, print, or attach: no scripts, no requests."""

    name = "html"
    description = "Self-contained HTML report with status chart, badges and history"
    media_type = "text/html"
    extension = "html"

    def render(self, report: Report) -> str:
        citations = collect_citations(report)
        refs = {dedupe_key(c.url): (n, c.key) for n, c in enumerate(citations, 1)}
        article = report.article
        title = esc(article.title) if article and article.title else "Claims"
        head = [f"<h1>Fact-check report: {title}</h1>", '<p class="meta">']
        if article and article.url:
            head.append(link(esc(article.url), article.url) + " · ")
        if article and article.published:
            head.append(f"published {esc(article.published)} · ")
        head.append(f"report generated {esc(show_time(report.generated_at))} · ")
        head.append(f"{len(report.claims)} claims, {len(citations)} sources</p>")
        body = [
            *head,
            f'<section class="summary"><h2>Summary</h2>{bar_chart(report)}</section>',
            '<p class="note">Statuses say whether the quoted words were found in the cited '
            "sources, not whether a claim is true. Human ratings and reviews are shown "
            "separately.</p>",
        ]
        for status, claims in group_by_status(report.claims):
            body.append(f'<section id="status-{escape(status, quote=True)}">')
            body.append(f"<h2>{esc(claim_label(status))} ({len(claims)})</h2>")
            body.extend(claim_html(c, refs) for c in claims)
            body.append("</section>")
        if citations:
            body.append('<h2>Sources</h2><ol class="refs">')
            body.extend(reference_html(c) for c in citations)
            body.append("</ol>")
        return page(f"Fact-check report: {title}", "\n".join(body))


def page(title_html: str, body: str) -> str:
    """Wrap `body` in a complete document with the inline stylesheet."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{title_html}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<div class="page">\n{body}\n</div>\n</body>\n</html>\n'
    )
