"""The parsed-claims cache: an unchanged claims file is read back, anything else is parsed."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import factcheck.claims.cache as claims_cache
import factcheck.claims.load as claims_load
from factcheck.claims.cache import load_claims_cached
from factcheck.claims.load import load_claims
from factcheck.errors import ClaimsFileError

CLAIMS = """\
article: {title: Harbour deal, url: https://example.org/a, published: 2026-01-16}
claims:
  - id: harbour
    claim: The minister said the deal was done.
    quote: "the deal is done, and it is a good deal"
    speaker: Ana Ruiz
    tags: [harbour, trade]
    recheck: 7d
    rating: {value: 4, best: 5, worst: 1, label: Mostly true}
    sources:
      - url: https://example.org/story
        note: interview
        accessed: 2026-01-15
      - url: notes/interview.txt
  - id: budget
    claim: The budget rose by 12 percent.
    evidence: ["rose by 12 percent"]
    specifics: ["12 percent"]
    sources: [https://example.org/budget]
"""


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Records every real parse made through the cache."""
    calls: list[Path] = []

    def counting(path: Path, data: bytes | None = None) -> object:
        calls.append(path)
        return load_claims(path, data)

    monkeypatch.setattr(claims_load, "load_claims", counting)
    return calls


def test_an_unchanged_file_is_read_back_equal(tmp_path: Path, parses: list[Path]) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(CLAIMS, encoding="utf-8")
    first = load_claims_cached(path, tmp_path / "cache")
    second = load_claims_cached(path, tmp_path / "cache")
    assert second == first == replace(load_claims(path), digest=first.digest)
    assert len(first.digest) == 64  # lets the store skip syncing an unchanged file
    assert len(parses) == 1
    assert second.claims[0].sources[1].is_file


def test_a_changed_file_is_parsed_again(tmp_path: Path, parses: list[Path]) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(CLAIMS, encoding="utf-8")
    first = load_claims_cached(path, tmp_path / "cache")
    path.write_text(CLAIMS.replace("12 percent", "21 percent"), encoding="utf-8")
    again = load_claims_cached(path, tmp_path / "cache")
    assert again.digest != first.digest
    assert again.claims[1].evidence == ("rose by 21 percent",)
    assert len(parses) == 2


def test_the_same_bytes_elsewhere_resolve_their_own_local_paths(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    one = load_claims_cached(tmp_path / "one" / "claims.yaml", cache)
    two = load_claims_cached(tmp_path / "two" / "claims.yaml", cache)
    assert one.claims[0].sources[1].url == str(tmp_path / "one" / "notes" / "interview.txt")
    assert two.claims[0].sources[1].url == str(tmp_path / "two" / "notes" / "interview.txt")
    assert two.path == str((tmp_path / "two" / "claims.yaml").resolve())


def test_a_corrupt_entry_only_means_parsing_again(tmp_path: Path, parses: list[Path]) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(CLAIMS, encoding="utf-8")
    load_claims_cached(path, tmp_path / "cache")
    for entry in (tmp_path / "cache" / "claims").iterdir():
        entry.write_bytes(b'{"claims": [{"id": 1}')
    assert load_claims_cached(path, tmp_path / "cache").claims == load_claims(path).claims
    assert len(parses) == 2


def test_bad_input_is_never_cached(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(CLAIMS.replace("recheck: 7d", "recheck: soon"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ClaimsFileError, match=r"claims.yaml:8:"):
            load_claims_cached(path, tmp_path / "cache")
    assert not list((tmp_path / "cache").rglob("*.json"))


def test_an_unreadable_file_is_worded_as_without_the_cache(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(ClaimsFileError) as cached:
        load_claims_cached(missing, tmp_path / "cache")
    with pytest.raises(ClaimsFileError) as plain:
        load_claims(missing)
    assert cached.value.problems == plain.value.problems
    assert "file not found" in cached.value.problems[0]


def test_a_cache_that_cannot_be_written_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(CLAIMS, encoding="utf-8")
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    assert load_claims_cached(path, blocker).claims == load_claims(path).claims


def test_only_the_newest_entries_are_kept(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = tmp_path / "claims.yaml"
    for i in range(claims_cache.KEEP + 3):
        path.write_text(CLAIMS.replace("Harbour deal", f"Harbour deal {i}"), encoding="utf-8")
        load_claims_cached(path, cache)
        for entry in (cache / "claims").iterdir():  # make the order of writes unambiguous
            os.utime(entry, (entry.stat().st_mtime - 1, entry.stat().st_mtime - 1))
    assert len(list((cache / "claims").glob("*.json"))) == claims_cache.KEEP


def test_cache_prune_leaves_parsed_claims_alone(tmp_path: Path) -> None:
    from factcheck.snapshots.cache import SnapshotCache

    path = tmp_path / "claims.yaml"
    path.write_text(CLAIMS, encoding="utf-8")
    load_claims_cached(path, tmp_path / "cache")
    SnapshotCache(tmp_path / "cache").prune(keep=set())
    assert len(list((tmp_path / "cache" / "claims").glob("*.json"))) == 1


def test_a_file_read_back_loads_no_yaml_reader(tmp_path: Path) -> None:
    """Start-up of a due run (issue 17): an unchanged claims file needs no YAML reader."""
    path = tmp_path / "claims.yaml"
    path.write_text(CLAIMS, encoding="utf-8")
    first = load_claims_cached(path, tmp_path / "cache")
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from factcheck.claims.cache import load_claims_cached\n"
        f"loaded = load_claims_cached(Path({str(path)!r}), Path({str(tmp_path / 'cache')!r}))\n"
        "print(len(loaded.claims), 'yaml' in sys.modules, 'factcheck.claims.load' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == [str(len(first.claims)), "False", "False"], done.stderr
