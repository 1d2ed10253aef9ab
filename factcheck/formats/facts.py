"""Fact-claim sections shared by the text formats: the coverage table (specifics x sources,
with the verdict note) and the `evidence:` passages, reported like quotes (issue 18).

Each function takes the format's own escaping, so untrusted source text stays inert."""

from __future__ import annotations

from collections.abc import Callable

from factcheck.formats.common import one_line, quote_label
from factcheck.models import ClaimReport, SpecificFinding

Escape = Callable[[str | None], str]


def cell_text(finding: SpecificFinding | None) -> str:
    """'found', 'missing', 'conflict: 31 July 2025', or 'not read'."""
    if finding is None:
        return "not read"
    if finding.status.value == "conflict":
        return f"conflict: {one_line(finding.found_text)}"
    return finding.status.value


def conflict_notes(claim: ClaimReport) -> list[tuple[int, SpecificFinding]]:
    """(source number, finding) for every conflict, to quote the source's sentence."""
    return [
        (n, f)
        for n, s in enumerate(claim.sources, 1)
        for f in s.specifics
        if f.status.value == "conflict"
    ]


def md_coverage(claim: ClaimReport, md: Escape) -> list[str]:
    """The coverage section of a fact claim as a GFM table, or nothing."""
    if not claim.coverage:
        return []
    heads = [f"S{n}" for n in range(1, len(claim.sources) + 1)]
    lines = [f"Verdict: {md(claim.verdict)}", "", "| Specific | Kind | " + " | ".join(heads) + " |"]
    lines.append("|" + " --- |" * (2 + len(heads)))
    for row in claim.coverage:
        cells = [md(cell_text(c)) for c in row.cells]
        lines.append(f"| {md(row.specific.text)} | {md(row.role)} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.extend(
        f"- Conflict in S{n}: “{md(f.specific.text)}” — the source says “{md(f.found_text)}”:"
        f" “{md(f.sentence)}”"
        for n, f in conflict_notes(claim)
    )
    return [*lines, ""]


def md_evidence(
    claim: ClaimReport, md: Escape, link: Callable[[str, str | None], str]
) -> list[str]:
    """The claim's `evidence:` passages per source, under their own heading."""
    lines = []
    for n, source in enumerate(claim.sources, 1):
        for e in source.evidence:
            text = f"- S{n}, “{md(e.passage)}”: **{md(quote_label(e.status))}**"
            if e.excerpt:
                text += f" — matching text: “{md(e.excerpt)}”"
            if e.fragment_url:
                text += " · " + link("passage highlighted in source", e.fragment_url)
            lines.append(text)
    return ["Evidence passages:", "", *lines] if lines else []


def html_coverage(claim: ClaimReport, esc: Escape) -> str:
    """The coverage section of a fact claim: one line per specific, a cell per source."""
    if not claim.coverage:
        return ""
    rows = "".join(
        f"<li><strong>{esc(r.specific.text)}</strong> ({esc(r.role)}): "
        + " · ".join(f"S{n} {esc(cell_text(c))}" for n, c in enumerate(r.cells, 1))
        + "</li>"
        for r in claim.coverage
    )
    notes = "".join(
        f"<li>Conflict in S{n}: “{esc(f.specific.text)}” — the source says "
        f"“{esc(f.found_text)}”: “{esc(f.sentence)}”</li>"
        for n, f in conflict_notes(claim)
    )
    return (
        f'<section class="coverage"><h4>Coverage</h4><p>{esc(claim.verdict)}</p>'
        f"<ul>{rows}{notes}</ul></section>"
    )


def html_evidence(claim: ClaimReport, esc: Escape, link: Callable[[str, str | None], str]) -> str:
    """The claim's `evidence:` passages per source, under their own heading, or ''."""
    items = []
    for n, source in enumerate(claim.sources, 1):
        for e in source.evidence:
            item = f"S{n}, “{esc(e.passage)}”: <strong>{esc(quote_label(e.status))}</strong>"
            if e.excerpt:
                item += f"<blockquote>{esc(e.excerpt)}</blockquote>"
            if e.fragment_url:
                item += link("Open the passage highlighted in the source", e.fragment_url)
            items.append(f"<li>{item}</li>")
    if not items:
        return ""
    return (
        f'<section class="evidence"><h4>Evidence passages</h4><ul>{"".join(items)}</ul></section>'
    )
