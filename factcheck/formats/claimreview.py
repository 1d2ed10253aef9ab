"""schema.org ClaimReview JSON-LD, only for claims a person has rated.

Machine statuses say whether quoted words were found in a source, not whether a claim is
true, so they never become a `reviewRating` (issue 6, item 6).
"""

from __future__ import annotations

import json
from typing import Any

from factcheck.formats.common import one_line, safe_url
from factcheck.formats.interface import ReportFormat
from factcheck.models import ClaimReport, Rating, Report, Review

# Escaped so the output can be pasted into <script type="application/ld+json"> as is.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def human_rating(claim: ClaimReport) -> tuple[Rating, Review | None] | None:
    """The latest rating a person gave: a rating review, else claims.yaml `rating`."""
    rated = [r for r in claim.reviews if r.rating is not None]
    if rated:
        latest = max(rated, key=lambda r: r.at)
        assert latest.rating is not None
        return latest.rating, latest
    return (claim.rating, None) if claim.rating else None


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


def claim_review(claim: ClaimReport, report: Report) -> dict[str, Any] | None:
    """One ClaimReview object, or None for a claim no person has rated."""
    found = human_rating(claim)
    if found is None:
        return None
    rating, review = found
    article = report.article
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.speaker:
        item["author"] = {"@type": "Person", "name": one_line(claim.speaker)}
    appearances = [safe_url(s.url) for s in claim.sources]
    if any(appearances):
        item["appearance"] = [{"@type": "CreativeWork", "url": u} for u in appearances if u]
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "ClaimReview"}
    article_url = safe_url(article.url) if article else None
    if article_url:
        data["url"] = article_url
    data["claimReviewed"] = one_line(claim.claim)
    data["datePublished"] = ((article and article.published) or report.generated_at)[:10]
    if review is not None:
        data["author"] = {"@type": "Person", "name": one_line(review.by)}
    data["reviewRating"] = rating_data(rating)
    data["itemReviewed"] = item
    return data


class ClaimReviewFormat(ReportFormat):
    """A JSON array of ClaimReview objects, one per human-rated claim (may be empty)."""

    name = "claimreview"
    description = "schema.org ClaimReview JSON-LD for claims with a human rating"
    media_type = "application/ld+json"
    extension = "jsonld"

    def render(self, report: Report) -> str:
        reviews = [r for r in (claim_review(c, report) for c in report.claims) if r]
        return json.dumps(reviews, indent=2, ensure_ascii=False).translate(_SCRIPT_SAFE) + "\n"
