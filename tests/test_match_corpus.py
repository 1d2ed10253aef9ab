"""The labelled dev corpus as a threshold gate (issue 3, point 9)."""

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
CORRECT = {
    "verbatim": {"verbatim"},
    "edited_ok": {"edited", "verbatim"},
    "altered": {"altered"},
    "absent": {"absent", "paraphrase"},
}


@pytest.fixture(scope="module")
def outcomes() -> list[tuple[str, str]]:
    lines = (CORPUS / "dev_cases.jsonl").read_text(encoding="utf-8").splitlines()
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
