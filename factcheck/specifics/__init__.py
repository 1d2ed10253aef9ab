"""Checkable specifics of a claim (dates, counts, money, names) and their lookup in a source."""

from __future__ import annotations

from factcheck.specifics.extraction import extract_specifics
from factcheck.specifics.lookup import find_specifics, rollup_specifics

__all__ = ["extract_specifics", "find_specifics", "rollup_specifics"]
