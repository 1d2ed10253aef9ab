"""Carry-over: when the last verdict still stands for the same bytes and the same claim words."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from factcheck.match.find import MATCHER_VERSION
from factcheck.models import Claim, FetchResult, FetchStatus, PreviousCheck
from factcheck.specifics import SPECIFICS_VERSION


@lru_cache(maxsize=65_536)
def claim_fingerprint(claim: Claim) -> str:
    """Changes whenever the words a check looks for change."""
    words = json.dumps(
        [
            claim.claim,
            claim.quote,
            claim.evidence,
            claim.specifics,
            claim.published,
            SPECIFICS_VERSION,
        ]
    )
    return hashlib.sha256(words.encode()).hexdigest()[:16]


def carries_over(prior: PreviousCheck | None, claim: Claim) -> bool:
    """Whether the last verdict stands for the same bytes: same claim words, same matcher."""
    return (
        prior is not None
        and prior.text_hash is not None
        and prior.matcher_version == MATCHER_VERSION
        and prior.verification.claim_hash == claim_fingerprint(claim)
    )


def reusable(prior: PreviousCheck | None, claim: Claim, result: FetchResult) -> bool:
    return (
        result.status is FetchStatus.FETCHED
        and carries_over(prior, claim)
        and prior is not None
        and prior.verification.fetch.body_hash == result.body_hash
    )
