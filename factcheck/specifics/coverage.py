"""A fact claim across all its sources: the coverage table, the verdict and what decided it.

The roll-up rule (issue 18, point 1): a fact claim is `supported` when every specific that
decides it is found in at least one readable source and no source conflicts with any; `partly`
when some are missing from every source or a source conflicts; `unverified` when none is found.
Countries the claim mentions only as context never decide it (roles.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from factcheck.models import ClaimStatus, CoverageRow, SpecificFinding, SpecificStatus
from factcheck.specifics.roles import RANKS, role_of

S = SpecificStatus


@dataclass(frozen=True)
class Coverage:
    status: ClaimStatus
    rows: tuple[CoverageRow, ...]
    verdict: str  # one line: which specifics decided the status


def cover(claim: str, per_source: Sequence[Sequence[SpecificFinding] | None]) -> Coverage:
    """Roll up a fact claim's findings; `per_source` has one entry per claim source, None for a
    source that could not be read."""
    keys = dict.fromkeys((f.specific.kind, f.specific.value) for fs in per_source for f in fs or ())
    rows = []
    for key in keys:
        cells = tuple(_cell(findings, key) for findings in per_source)
        first = next(c for c in cells if c is not None)
        statuses = {c.status for c in cells if c is not None}
        status = next(s for s in (S.CONFLICT, S.FOUND, S.MISSING) if s in statuses)
        rows.append(CoverageRow(first.specific, role_of(first.specific, claim), status, cells))
    return _verdict(tuple(rows))


def _cell(
    findings: Sequence[SpecificFinding] | None, key: tuple[str, str]
) -> SpecificFinding | None:
    return next((f for f in findings or () if (f.specific.kind, f.specific.value) == key), None)


def _verdict(rows: tuple[CoverageRow, ...]) -> Coverage:
    if not rows:
        return Coverage(ClaimStatus.UNCHECKED, rows, "")
    deciding = sorted(
        [r for r in rows if r.role != "context"] or rows, key=lambda r: RANKS.get(r.role, 1)
    )
    context = [r for r in rows if r not in deciding]
    found = [r for r in deciding if r.status == S.FOUND]
    conflicts = [r for r in rows if r.status == S.CONFLICT]
    missing = [r for r in deciding if r.status == S.MISSING]
    note = f"; context only, not deciding: {_names(context)}" if context else ""
    if not conflicts and not missing:
        return Coverage(ClaimStatus.SUPPORTED, rows, f"every specific found: {_names(found)}{note}")
    if not found and not conflicts:
        return Coverage(ClaimStatus.UNVERIFIED, rows, f"none found: {_names(missing)}{note}")
    parts = [f"conflict on {_conflict(r)}" for r in conflicts]
    if missing:
        parts.append(f"missing from every source: {_names(missing)}")
    if found:
        parts.append(f"found: {_names(found)}")
    return Coverage(ClaimStatus.PARTLY, rows, "; ".join(parts) + note)


def _names(rows: Sequence[CoverageRow]) -> str:
    return ", ".join(f"{r.specific.text} ({r.role})" for r in rows)


def _conflict(row: CoverageRow) -> str:
    says = sorted({c.found_text for c in row.cells if c and c.status == S.CONFLICT})
    return f"{row.specific.text} ({row.role}): source says " + " / ".join(says)
