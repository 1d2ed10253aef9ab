"""Bad claims files through `factcheck check`: a clear message, exit 4, the database untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from factcheck.claims.load import load_claims
from factcheck.cli.app import main
from factcheck.errors import ClaimsFileError
from factcheck.models import Claim, ClaimsFile
from factcheck.store.database import Store

FUZZ = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
IDS = st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,6}){0,2}\Z")
ODD_VALUES = st.one_of(
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(TEXT, st.integers(), max_size=3),
    st.just(""),
    st.just("   "),
    st.text(st.sampled_from("\u202e\u200b\u0000\x85\u2028\ufeff\U0001f600ä\u0301"), max_size=5),
)
BAD_SOURCES = st.sampled_from(
    [
        "file:///etc/passwd",
        "FILE://localhost/etc/shadow",
        "ftp://example.org/x",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "gopher://127.0.0.1:70/",
        "http://",
        "https://exa mple.org/",
        "http://example.org:99999/",
        "//example.org/page",
        "www.example.org/page",
        "http://exa\u0000mple.org/",
    ]
)


def valid_claim(claim_id: str) -> dict[str, Any]:
    return {
        "id": claim_id,
        "claim": "The council approved 12 new homes.",
        "quote": "The council approved 12 new homes.",
        "sources": ["https://example.org/a"],
    }


@st.composite
def broken_documents(draw: st.DrawFn) -> bytes:
    """A plausible claims file with one to three deliberate defects."""
    ids = draw(st.lists(IDS, min_size=1, max_size=4, unique=True))
    claims = [valid_claim(i) for i in ids]
    doc: Any = {"claims": claims}
    for _ in range(draw(st.integers(1, 3))):
        target = draw(st.sampled_from(claims))
        defect = draw(
            st.sampled_from(
                [
                    "wrong-type",
                    "missing",
                    "duplicate-id",
                    "bad-id",
                    "unknown-key",
                    "bad-source",
                    "huge",
                    "deep",
                    "bad-recheck",
                    "bad-date",
                    "bad-rating",
                    "claims-not-list",
                    "top-not-mapping",
                ]
            )
        )
        if defect == "wrong-type":
            key = draw(st.sampled_from(["id", "claim", "quote", "sources", "tags", "speaker"]))
            value = draw(ODD_VALUES)
            assume(not (key in ("quote", "speaker", "tags") and value is None))
            assume(not (key == "sources" and value in (None, [], {})))
            assume(not (key == "tags" and value == []))
            target[key] = value
        elif defect == "missing":
            target.pop(draw(st.sampled_from(["id", "claim"])), None)
        elif defect == "duplicate-id":
            claims.append(valid_claim(target.get("id", "x")))
            target.setdefault("id", "x")
        elif defect == "bad-id":
            target["id"] = draw(st.sampled_from(["Bad Id", "ünï", "a--b", "-a", "A", "x" * 101]))
        elif defect == "unknown-key":
            target[draw(st.sampled_from(["qoute", "source", "Claim", "\u202eid"]))] = "x"
        elif defect == "bad-source":
            target["sources"] = [draw(BAD_SOURCES)]
        elif defect == "huge":
            target["claim"] = draw(st.sampled_from(["x", "é", "\U0001f600"])) * draw(
                st.integers(10_001, 300_000)
            )
        elif defect == "deep":
            nested: Any = "x"
            for _ in range(draw(st.integers(33, 120))):
                nested = [nested]
            target["tags"] = nested
        elif defect == "bad-recheck":
            target["recheck"] = draw(st.sampled_from(["0m", "7 days", "-1d", "1y", "", "7d7d"]))
        elif defect == "bad-date":
            target["sources"] = [{"url": "https://example.org/a", "accessed": "2026-02-30"}]
        elif defect == "bad-rating":
            target["rating"] = {"value": 9, "best": 5}
        elif defect == "claims-not-list":
            doc = {"claims": draw(ODD_VALUES.filter(lambda v: not isinstance(v, list)))}
        else:
            doc = draw(st.one_of(st.lists(st.integers(), max_size=3), TEXT, st.integers()))
    text = yaml.safe_dump(doc, allow_unicode=draw(st.booleans()), sort_keys=False)
    return text.encode("utf-8", errors="surrogatepass")


def alias_bomb(levels: int, width: int) -> bytes:
    lines = ["a0: &a0 [lol]"] + [
        f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * width) + "]" for n in range(1, levels)
    ]
    tail = f"\nclaims: [{{id: x, claim: y, tags: *a{levels - 1}}}]\n"
    return ("\n".join(lines) + tail).encode()


def anchored(claim_text: str) -> bytes:
    return (
        "base: &b {claim: " + yaml.safe_dump(claim_text).strip() + "}\n"
        "claims:\n  - <<: *b\n    id: one\n  - &c {id: two, claim: x}\n  - *c\n"
    ).encode()


RAW = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"",
            b"\x00",
            b"   \n\n",
            b"\xef\xbb\xbf",
            b"\xff\xfe",
            b"\xff\xfeA\x00",
            b"---\n...\n",
            b"claims:",
            b"{",
            b"claims: [",
            b"claims: !!python/object/apply:os.system ['echo pwned']\n",
            b"claims: !!binary aGVsbG8=\n",
            b"--- {claims: []}\n--- {claims: []}\n",
            b"claims:\n\t- id: tab\n",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
            b"claims:\n  - id: a\n    claim: \xc3\x28\n",
        ]
    ),
    st.builds(alias_bomb, st.integers(2, 12), st.integers(2, 12)),
    TEXT.map(anchored),
    st.integers(33, 5000).map(lambda n: ("claims: " + "[" * n + "]" * n).encode()),
    st.integers(33, 2000).map(lambda n: ("claims: " + "{a: " * n + "1" + "}" * n).encode()),
)
FILES = st.one_of(broken_documents(), RAW)


def fingerprint(db: Path) -> tuple[str, list[tuple[str, int]]]:
    """The database file's bytes hash and each table's row count."""
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    rows = [(t, con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]) for t in tables]
    con.close()
    return digest, rows


def make_existing_db(path: Path) -> None:
    """A migrated database holding one claim, checkpointed so its bytes are all in the file."""
    store = Store.open(path)
    claim = Claim(id="kept", claim="A claim already recorded.")
    store.writer.sync_claims(ClaimsFile(path="claims.yaml", claims=(claim,)))
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.db.execute("PRAGMA journal_mode = DELETE")
    store.close()


def loader_accepts(path: Path) -> bool:
    try:
        load_claims(path)
    except ClaimsFileError:
        return False
    return True


def check_rejected(folder: Path, data: bytes, existing: Path | None, fuzzing: bool = True) -> None:
    """Run `factcheck check` on a bad file: exit 4, one clear message, nothing written."""
    claims = folder / "claims.yaml"
    claims.write_bytes(data)
    if fuzzing:
        assume(not loader_accepts(claims))  # the odd valid file is not what this test is about
    db = existing if existing is not None else folder / "fresh.db"
    before = fingerprint(db) if existing is not None else None
    result = CliRunner().invoke(
        main,
        ["check", "--claims", str(claims), "--db", str(db), "--offline"],
        catch_exceptions=False,
    )
    assert result.exit_code == 4, (result.exit_code, result.stderr[-500:])
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"error: {claims}"), first
    assert len(result.stderr.splitlines()) >= 2  # the count, then at least one problem
    assert max(len(line) for line in result.stderr.splitlines()) < 1000  # no 300 KB echo
    if existing is None:
        assert not db.exists() and not Path(f"{db}.lock").exists()
        assert not (folder / "cache").exists()
    else:
        assert fingerprint(db) == before


@pytest.fixture(scope="module")
def existing_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("existing") / "kept.db"
    make_existing_db(db)
    return db


@settings(max_examples=100, **FUZZ)  # type: ignore[arg-type]
@given(data=FILES, keep=st.booleans())
def test_fuzz_bad_claims_files_through_the_cli(
    tmp_path_factory: pytest.TempPathFactory, existing_db: Path, data: bytes, keep: bool
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    check_rejected(folder, data, existing_db if keep else None)


@pytest.mark.slow
@settings(max_examples=1200, **FUZZ)  # type: ignore[arg-type]
@given(data=FILES, keep=st.booleans())
def test_fuzz_bad_claims_files_through_the_cli_long(
    tmp_path_factory: pytest.TempPathFactory, existing_db: Path, data: bytes, keep: bool
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    check_rejected(folder, data, existing_db if keep else None)


@pytest.mark.parametrize(
    "data",
    [
        alias_bomb(12, 12),
        b"",
        b"claims: " + b"[" * 100_000 + b"]" * 100_000,
        b"claims:\n  - id: a\n    claim: " + b"x" * 5_000_000 + b"\n",
        bytes(range(256)) * 100,
        b"claims:\n  - id: a\n    claim: ok\n    sources: [file:///etc/passwd]\n",
    ],
    ids=["alias-bomb", "empty", "deep-100k", "5mb-string", "binary", "file-url"],
)
def test_named_hostile_claims_files(tmp_path: Path, existing_db: Path, data: bytes) -> None:
    check_rejected(tmp_path, data, existing_db, fuzzing=False)
    check_rejected(tmp_path, data, None, fuzzing=False)
