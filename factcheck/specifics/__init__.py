"""Checkable specifics of a claim (dates, counts, money, names) and their lookup in a source.

The functions load with their modules when first used: a run that carries every verdict over,
or rolls a claim up, needs none of the extraction or lookup machinery (issue 17's due run).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from factcheck.specifics.extraction import about_publication, extract_specifics
    from factcheck.specifics.lookup import find_specifics
    from factcheck.specifics.passage import best_passage

# Part of every claim fingerprint: a change here re-checks fact claims on unchanged pages.
SPECIFICS_VERSION = "2"  # 2: roll-up across sources, passages, pairs, datelines (issue 18)

_HOMES = {
    "about_publication": "extraction",
    "extract_specifics": "extraction",
    "find_specifics": "lookup",
    "best_passage": "passage",
}

__all__ = [
    "SPECIFICS_VERSION",
    "about_publication",
    "best_passage",
    "extract_specifics",
    "find_specifics",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
