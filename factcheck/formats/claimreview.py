"""schema.org ClaimReview JSON-LD, only for claims a person has rated.

Machine statuses say whether quoted words were found in a source, not whether a claim is
true, so they never become a `reviewRating` (issue 6, item 6). Fields follow Google's
fact-check structured data: required `claimReviewed`, `reviewRating` (with `alternateName`)
and `url`; recommended `author` (the fact-checking organisation), `datePublished` and
`itemReviewed` (a Claim with `appearance`, `author`, `datePublished`).
https://developers.google.com/search/docs/appearance/structured-data/factcheck
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from factcheck.formats.common import claim_anchor, one_line, safe_url, show_date
from factcheck.formats.interface import MissingFieldError, ReportFormat, plural
from factcheck.models import ClaimReport, Rating, Report

# Escaped so the output can be pasted into <script type="application/ld+json"> as is.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


@dataclass(frozen=True)
class Organization:
    """The fact-checking organisation that publishes the reviews (ClaimReview `author`)."""

    name: str
    url: str | None = None


def rating_data(rating: Rating) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Rating"}
    pairs = [
        ("ratingValue", rating.value),
        ("bestRating", rating.best),
        ("worstRating", rating.worst),
        ("alternateName", one_line(rating.label) or None),
    ]
    data.update((key, value) for key, value in pairs if value is not None)
    return data


def claim_item(claim: ClaimReport) -> dict[str, Any]:
    """The Claim reviewed: who made it, where it appeared, and the earliest known date."""
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.speaker:
        item["author"] = {"@type": "Person", "name": one_line(claim.speaker)}
    appearances = [(safe_url(s.url), s) for s in claim.sources]
    if any(url for url, _ in appearances):
        item["appearance"] = [
            {"@type": "CreativeWork", "url": url}
            | ({"headline": one_line(s.metadata.title)} if s.metadata.title else {})
            | ({"datePublished": d} if (d := show_date(s.metadata.published)) else {})
            for url, s in appearances
            if url
        ]
    dates = [d for s in claim.sources if (d := show_date(s.metadata.published))]
    if dates:
        item["datePublished"] = min(dates)
    return item


def claim_review(
    claim: ClaimReport, report: Report, author: Organization | None
) -> dict[str, Any] | None:
    """One ClaimReview object, or None for a claim no person has rated."""
    rating = claim.rating
    if rating is None:
        return None
    if not one_line(rating.label):
        raise MissingFieldError(
            "reviewRating.alternateName",
            f"claim {claim.id!r} has a rating without a label (give --label)",
        )
    article_url = safe_url(report.article.url) if report.article else None
    if not article_url:
        raise MissingFieldError(
            "url", "set the fact-check article's address (article.url in the claims file)"
        )
    base = article_url.split("#", 1)[0]
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "ClaimReview"}
    data["url"] = f"{base}#{claim_anchor(claim.id)}"  # the claim's card in the html report
    data["claimReviewed"] = one_line(claim.claim)
    published = show_date(report.article.published if report.article else None)
    data["datePublished"] = published or report.generated_at[:10]
    if author is not None:
        org: dict[str, Any] = {"@type": "Organization", "name": one_line(author.name)}
        if home := safe_url(author.url):
            org["url"] = home
        data["author"] = org
    elif claim.rating_by:
        data["author"] = {"@type": "Person", "name": one_line(claim.rating_by)}
    data["reviewRating"] = rating_data(rating)
    data["itemReviewed"] = claim_item(claim)
    return data


class ClaimReviewFormat(ReportFormat):
    """A JSON array of ClaimReview objects, one per human-rated claim (may be empty)."""

    name = "claimreview"
    description = "schema.org ClaimReview JSON-LD for claims with a human rating"
    media_type = "application/ld+json"
    extension = "jsonld"

    def __init__(self, author: Organization | None = None) -> None:
        self.author = author

    def render(self, report: Report) -> str:
        items = (claim_review(c, report, self.author) for c in report.claims)
        reviews = [r for r in items if r]
        return json.dumps(reviews, indent=2, ensure_ascii=False).translate(_SCRIPT_SAFE) + "\n"

    def written(self, report: Report) -> str:
        rated = sum(1 for c in report.claims if c.rating is not None)
        skipped = len(report.claims) - rated
        return plural(rated, "ClaimReview") + (
            f" ({skipped} of {plural(len(report.claims), 'claim')} without a human rating)"
            if skipped
            else ""
        )
