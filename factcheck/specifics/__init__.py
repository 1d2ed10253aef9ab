"""Checkable specifics of a claim (dates, counts, money, names) and their lookup in a source."""

from __future__ import annotations

from factcheck.specifics.extraction import about_publication, extract_specifics
from factcheck.specifics.lookup import find_specifics
from factcheck.specifics.passage import best_passage

# Part of every claim fingerprint: a change here re-checks fact claims on unchanged pages.
SPECIFICS_VERSION = "2"  # 2: roll-up across sources, passages, pairs, datelines (issue 18)

__all__ = [
    "SPECIFICS_VERSION",
    "about_publication",
    "best_passage",
    "extract_specifics",
    "find_specifics",
]
