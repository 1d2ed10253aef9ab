"""The labelled dev corpus as a threshold gate (issue 3, point 9; hard cases: issue 16)."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from factcheck.extract.html import html_to_text
from factcheck.match.find import match_quote

CORPUS = Path(__file__).resolve().parent / "data" / "corpus"  # the dev split, see its README
# A little below the targets (99.5 / 97 / 95 / 99.5).
THRESHOLDS = {"verbatim": 99.0, "edited_ok": 95.0, "altered": 92.0, "absent": 99.0}
# dev_hard_cases: the targets are 97 / 95 / 99.5, and no misquote certified.
HARD_THRESHOLDS = {"edited_ok": 95.0, "altered": 92.0, "not_quote": 99.0}
CERTIFIED = {"edited", "verbatim"}
CORRECT = {
    "verbatim": {"verbatim"},
    "edited_ok": CERTIFIED,
    "altered": {"altered"},
    "absent": {"absent", "paraphrase"},
}


def run_cases(name: str) -> list[tuple[str, str]]:
    """(expected, status) of every case in a case file of the corpus copy."""
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines if line.strip()]
    texts: dict[str, str] = {}
    results = []
    for case in cases:
        page_id = case["page_id"]
        if page_id not in texts:
            raw = gzip.decompress((CORPUS / "pages" / f"{page_id}.html.gz").read_bytes())
            texts[page_id] = html_to_text(raw.decode("utf-8")).text
        results.append((case["expected"], str(match_quote(case["quote"], texts[page_id]).status)))
    return results


@pytest.fixture(scope="module")
def outcomes() -> list[tuple[str, str]]:
    return run_cases("dev_cases.jsonl")


@pytest.fixture(scope="module")
def hard_outcomes() -> list[tuple[str, str]]:
    return run_cases("dev_hard_cases.jsonl")


@pytest.mark.parametrize("label", sorted(THRESHOLDS))
def test_accuracy_per_label(outcomes: list[tuple[str, str]], label: str) -> None:
    statuses = [status for expected, status in outcomes if expected == label]
    assert statuses, f"no {label} cases"
    good = sum(status in CORRECT[label] for status in statuses)
    accuracy = 100.0 * good / len(statuses)
    assert accuracy >= THRESHOLDS[label], Counter(statuses)


def test_no_misquote_is_waved_through(outcomes: list[tuple[str, str]]) -> None:
    waved = [
        (expected, status)
        for expected, status in outcomes
        if expected in ("absent", "altered") and status in ("verbatim", "edited")
    ]
    assert waved == []


def right_for(label: str, status: str) -> bool:
    """`not_quote` (hard cases): anything the tool does not certify as a quotation."""
    return status not in CERTIFIED if label == "not_quote" else status in CORRECT[label]


@pytest.mark.parametrize("label", sorted(HARD_THRESHOLDS))
def test_hard_case_accuracy_per_label(hard_outcomes: list[tuple[str, str]], label: str) -> None:
    statuses = [status for expected, status in hard_outcomes if expected == label]
    assert statuses, f"no {label} cases"
    good = sum(right_for(label, status) for status in statuses)
    assert 100.0 * good / len(statuses) >= HARD_THRESHOLDS[label], Counter(statuses)


def test_no_hard_misquote_is_certified(hard_outcomes: list[tuple[str, str]]) -> None:
    waved = [(e, s) for e, s in hard_outcomes if e in ("altered", "not_quote") and s in CERTIFIED]
    assert waved == []
