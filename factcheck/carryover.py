"""Carry-over: when the last verdict still stands for the same bytes and the same claim words."""

from __future__ import annotations

from factcheck.match.version import MATCHER_VERSION
from factcheck.models import Claim, FetchResult, FetchStatus, PreviousCheck
from factcheck.schedule import claim_fingerprint


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
