"""Inline stylesheet and status colours for the self-contained HTML report."""

from __future__ import annotations

# Status colours; white text on each passes WCAG AA (contrast >= 4.5:1).
STATUS_COLOURS: dict[str, str] = {
    "supported": "#1a7f37",
    "verbatim": "#1a7f37",
    "edited": "#1b7c83",
    "partly": "#9a6700",
    "paraphrase": "#9a6700",
    "misquoted": "#cf222e",
    "altered": "#cf222e",
    "out_of_context": "#9a6700",
    "partial": "#9a6700",
    "unverified": "#bc4c00",
    "absent": "#bc4c00",
    "unavailable": "#6e5494",
    "unsourced": "#bf3989",
    "unchecked": "#57606a",
}
DEFAULT_COLOUR = "#57606a"


def colour(status: str | None) -> str:
    """Badge colour of a claim or quote status."""
    return STATUS_COLOURS.get(status or "", DEFAULT_COLOUR)


CSS = """
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --soft: #f6f8fa; --ins: #dafbe1; --del: #ffebe9; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5;
  font: 16px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.page { max-width: 58rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; line-height: 1.25; }
h2 { font-size: 1.25rem; margin: 2rem 0 .75rem; padding-bottom: .3rem;
  border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 0; line-height: 1.35; }
h4 { font-size: .95rem; margin: 1rem 0 .25rem; }
a { color: #0969da; overflow-wrap: anywhere; }
/* no horizontal scroll on a phone: long words, URLs and ids wrap anywhere (issue 19) */
.page, h1, h2, h3, blockquote, dd, li, p { overflow-wrap: anywhere; min-width: 0; }
svg { max-width: 100%; }
p { margin: .35rem 0; }
.muted, .meta { color: var(--muted); font-size: .9rem; }
.note { background: var(--soft); border-left: 4px solid var(--line); padding: .5rem .75rem;
  font-size: .9rem; margin: 1rem 0; }
.summary { display: grid; grid-template-columns: minmax(0, 1fr); gap: .5rem; }
.chart { width: min(100%, 25rem); height: auto; }
.chart text { font-size: 13px; fill: var(--ink); }
.label { margin: .5rem 0 0; color: var(--muted); font-size: .78rem; text-transform: uppercase;
  letter-spacing: .04em; }
.source blockquote { margin-top: .2rem; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; color: #fff;
  font-size: .78rem; font-weight: 600; white-space: nowrap; vertical-align: .1em;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.claim { border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin: 0 0 1rem;
  break-inside: avoid-page; }
.claim-head { display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; }
.cid { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: .85rem; color: var(--muted); }
blockquote { margin: .75rem 0; padding: .1rem .9rem; border-left: 4px solid var(--line);
  color: #31373d; }
blockquote footer { color: var(--muted); font-size: .9rem; }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .15rem .75rem;
  margin: .5rem 0; font-size: .9rem; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.history { display: flex; align-items: center; gap: .5rem; font-size: .85rem;
  color: var(--muted); margin: .5rem 0; }
.history svg { height: 14px; width: auto; min-width: 0; -webkit-print-color-adjust: exact;
  print-color-adjust: exact; }
.sources { padding-left: 1.4rem; margin: .75rem 0 0; }
.source { margin: 0 0 .9rem; padding-left: .25rem; }
.source blockquote { font-size: .95rem; background: var(--soft); }
.diff { font-size: .95rem; }
del { background: var(--del); color: #82071e; text-decoration: line-through; }
ins { background: var(--ins); color: #116329; text-decoration: none; font-weight: 600; }
.specifics { margin: .25rem 0; padding-left: 1.1rem; font-size: .9rem; }
.reviews { margin-top: .75rem; padding-top: .5rem; border-top: 1px dashed var(--line); }
.reviews ul { margin: 0; padding-left: 1.1rem; font-size: .9rem; }
.refs { font-size: .9rem; padding-left: 1.6rem; }
.refs li { margin-bottom: .4rem; }
sup a { text-decoration: none; }
@media (max-width: 480px) {
  body { font-size: 15px; }
  .page { padding: 1rem .75rem 2rem; }
  .claim { padding: .75rem; }
}
@media print {
  body { font-size: 11pt; }
  .page { max-width: none; padding: 0; }
  a { color: inherit; }
  .claim { border-color: #999; }
  .refs a[href]::after { content: " <" attr(href) ">"; font-size: .8em; color: #444; }
  h2 { break-after: avoid-page; }
}
"""
