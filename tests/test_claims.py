"""claims.yaml loading: valid files, one line-numbered message per problem, the shipped file."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import factcheck.claims.files
import factcheck.claims.yaml_nodes
from factcheck.claims.load import load_claims
from factcheck.errors import ClaimsFileError, ExitCode
from factcheck.models import Rating, SourceRef


def claims_schema() -> dict[str, Any]:
    """The JSON Schema of claims.yaml shipped in the package, for editors."""
    return json.loads(
        resources.files("factcheck").joinpath("claims.schema.json").read_text("utf-8")
    )


ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "claims"
VALID = sorted((DATA / "valid").glob("*.yaml"))
INVALID = sorted((DATA / "invalid").glob("*.yaml"))
SEED = DATA / "seed"


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ClaimsFileError) as info:
        load_claims(path)
    assert info.value.exit_code == ExitCode.BAD_INPUT
    assert info.value.path == str(path)
    return info.value.problems


def expected_problems(path: Path) -> list[str]:
    """`# expect: MSG` marks the line it is on; `# expect N: MSG` names line N."""
    found = []
    text = path.read_bytes().decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        match = re.search(r"# expect( \d+)?: (.*)$", line)
        if match:
            at = int(match.group(1)) if match.group(1) else number
            found.append(f"{path}:{at}: {match.group(2).strip()}")
    return found


class DatesAsTextLoader(yaml.SafeLoader):
    """Reads dates as strings, as an editor's YAML 1.2 reader does."""


DatesAsTextLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if not tag.endswith(":timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def schema_errors(path: Path) -> list[str]:
    data = yaml.load(path.read_text("utf-8"), Loader=DatesAsTextLoader)
    validator = jsonschema.Draft202012Validator(claims_schema())
    return [error.message for error in validator.iter_errors(data)]


# --- valid files ---------------------------------------------------------------------------


def test_full_file_builds_every_field() -> None:
    path = DATA / "valid" / "full.yaml"
    loaded = load_claims(path)
    assert loaded.path == str(path.resolve())
    assert loaded.article is not None
    assert loaded.article.published == "2026-01-16"
    assert loaded.article.url == "https://news.example.org/2026/01/16/article.html"
    first, second, third = loaded.claims
    assert first.id == "acsa-seamless-cooperation"
    assert first.line == 8
    assert first.quote is not None and first.quote.startswith("Our forces already")
    assert first.speaker == "Judith Collins"
    assert first.tags == ("japan", "acsa")
    assert first.recheck == "7d"
    assert first.rating == Rating(value=2, best=5, worst=1, label="Misleading")
    assert first.evidence == ("the conditions for even more seamless cooperation",)
    assert first.specifics == ("December 19", "Judith Collins")
    assert first.sources[0] == SourceRef(url="https://www.example.org/acsa")
    assert first.sources[1] == SourceRef(
        url="http://example.com:8080/other?x=1#frag",
        note="why this source",
        accessed="2025-12-19",
    )
    pages = (DATA / "valid" / "pages").resolve()
    assert first.sources[2] == SourceRef(url=str(pages / "statement.html"), is_file=True)
    assert first.sources[3].url == str(pages / "statement2.html")  # normalised, still absolute
    assert first.sources[3].is_file and first.sources[3].note == "a local copy"
    # null optional values mean "not given"
    assert second.quote is None and second.speaker is None and second.sources == ()
    assert second.rating == Rating(label="False")
    assert second.recheck == "30m"
    assert second.evidence == ("the FBI office opened on 31 July", "Patel visited Wellington")
    assert third.id == "10th-country" and third.recheck == "2w" and third.line == 36


def test_minimal_and_empty_claims() -> None:
    minimal = load_claims(DATA / "valid" / "minimal.yaml")
    assert [c.id for c in minimal.claims] == ["only-one"]
    assert minimal.article is None
    assert load_claims(DATA / "valid" / "empty-claims.yaml").claims == ()


def test_relative_file_source_resolves_against_claims_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    claims = folder / "claims.yaml"
    claims.write_text(
        "claims:\n  - id: a\n    claim: b\n    sources: [page.html, /abs/page.pdf]\n", "utf-8"
    )
    monkeypatch.chdir(tmp_path)  # the working directory must not matter
    sources = load_claims(Path("project/claims.yaml")).claims[0].sources
    assert sources[0] == SourceRef(url=str(folder / "page.html"), is_file=True)
    assert sources[1] == SourceRef(url="/abs/page.pdf", is_file=True)


def test_bom_and_utf16_are_read(tmp_path: Path) -> None:
    text = "claims:\n  - id: a\n    claim: café “quoted”\n"
    for encoded in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("utf-16")):
        path = tmp_path / "claims.yaml"
        path.write_bytes(encoded)
        assert load_claims(path).claims[0].claim == "café “quoted”"


# --- invalid files: one message per problem, with its line --------------------------------


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_reports_each_problem_on_its_line(path: Path) -> None:
    expected = expected_problems(path)
    assert expected, f"{path.name} has no '# expect' markers"
    problems = problems_of(path)
    assert len(problems) == len(expected), "\n".join(problems)
    for want, got in zip(expected, problems, strict=True):
        assert got.startswith(want), f"\nwant: {want}\ngot:  {got}"


def test_every_problem_family_has_a_fixture() -> None:
    names = {p.stem for p in INVALID}
    families = {
        "syntax-error", "not-a-mapping", "missing-claims", "claim-not-mapping",
        "missing-fields", "bad-ids", "duplicate-id", "wrong-types", "bad-urls",
        "unknown-keys", "recheck", "rating", "lists", "article", "yaml-features",
        "too-deep", "not-utf8", "empty",
    }  # fmt: skip
    assert families <= names


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.yaml") == [f"{tmp_path / 'nope.yaml'}: file not found"]
    assert problems_of(tmp_path) == [f"{tmp_path}: is a directory, not a claims file"]
    assert problems_of(Path("bad\x00name")) == ["bad\x00name: cannot read: embedded null byte"]


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_bytes(b"")
    assert problems_of(path) == [
        f"{path}:1: the file is empty; expected a mapping with a 'claims' list"
    ]


def test_too_large_file_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(factcheck.claims.files, "MAX_BYTES", 1000)
    path = tmp_path / "claims.yaml"
    path.write_text("claims: []\n" + "#" * 2000, "utf-8")
    (problem,) = problems_of(path)
    assert problem == f"{path}: file is larger than 1,000 bytes; split it"


def test_huge_string_is_too_long(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(f"claims:\n  - id: a\n    claim: b\n    quote: {'x' * 2_000_000}\n", "utf-8")
    assert problems_of(path) == [
        f"{path}:4: claim 'a': 'quote' is too long (2000000 characters; max 10000)"
    ]


def test_problem_list_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text("claims:\n" + "  - {id: Bad}\n" * 200, "utf-8")
    problems = problems_of(path)
    assert len(problems) == 51
    assert problems[-1].endswith("... and 350 more problems")


def test_checking_stops_after_many_problems(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text("claims:\n" + "  - {id: Bad}\n" * 5000, "utf-8")
    problems = problems_of(path)
    assert len(problems) == 51
    assert problems[-1].endswith(": ... and at least 950 more problems")


def test_too_many_values_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(factcheck.claims.yaml_nodes, "MAX_NODES", 100)
    path = tmp_path / "claims.yaml"
    path.write_text("claims: [" + "1, " * 200 + "1]\n", "utf-8")
    assert problems_of(path) == [f"{path}:1: more than 100 values; split the file"]


def test_alias_bomb_is_rejected_not_expanded(tmp_path: Path) -> None:
    """Billion laughs: 9 levels of 9 aliases would expand to 10^9 strings if followed."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, 10)]
    lines.append("claims:\n  - id: bomb\n    claim: boom\n    tags: *l9")
    path = tmp_path / "claims.yaml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    problems = problems_of(path)
    assert problems[0] == f"{path}:2: YAML aliases (*l0) are not supported; write the value out"
    assert len(problems) == 10  # one per line that uses aliases: nothing was expanded


def test_deep_nesting_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    for text in (
        "claims: " + "[" * 100_000,
        "claims:\n" + "".join(f"{' ' * i}-\n" for i in range(300)),
    ):
        path.write_text(text, "utf-8")
        (problem,) = problems_of(path)
        assert re.match(rf"{re.escape(str(path))}:\d+: (nested more than|YAML syntax)", problem)


def test_tags_are_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "claims.yaml"
    path.write_text(
        f"claims: !!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path "
        f"['{marker}']]\n",
        "utf-8",
    )
    problems = problems_of(path)
    assert all("unsupported YAML tag" in p for p in problems)
    assert not marker.exists()


# --- the JSON Schema agrees with the loader --------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = claims_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixtures_pass_the_schema(path: Path) -> None:
    assert schema_errors(path) == []


SCHEMA_CATCHES = [
    "not-a-mapping", "missing-claims", "claims-not-list", "claim-not-mapping", "missing-fields",
    "bad-ids", "wrong-types", "bad-urls", "unknown-keys", "recheck", "lists", "article",
    "article-not-mapping",
]  # fmt: skip


@pytest.mark.parametrize("name", SCHEMA_CATCHES)
def test_schema_rejects_what_the_loader_rejects(name: str) -> None:
    assert schema_errors(DATA / "invalid" / f"{name}.yaml")


# --- the shipped claims.yaml -------------------------------------------------------------------


def seed_sources() -> dict[int, list[str]]:
    """Claim number -> source URLs, in order, as SOURCES.md lists them."""
    sections = re.split(r"^## C(\d+):", (SEED / "SOURCES.md").read_text("utf-8"), flags=re.M)
    return {
        int(number): re.findall(r"^- (https?://\S+) \(", body, flags=re.M)
        for number, body in zip(sections[1::2], sections[2::2], strict=True)
    }


def test_shipped_claims_file_loads_all_24_seed_claims() -> None:
    loaded = load_claims(ROOT / "claims.yaml")
    assert len(loaded.claims) == 24
    assert len({c.id for c in loaded.claims}) == 24
    assert loaded.article is not None
    assert loaded.article.published == "2026-01-16"
    assert loaded.article.url == "https://www.wsws.org/en/articles/2026/01/16/jcxm-j16.html"
    expected = seed_sources()
    for number, claim in enumerate(loaded.claims, 1):
        assert [s.url for s in claim.sources] == expected[number], claim.id
        assert all(s.note for s in claim.sources), claim.id
    assert loaded.claims[20].sources == ()  # C21: no source found


def test_shipped_claims_use_the_articles_words() -> None:
    article = (SEED / "article.txt").read_text("utf-8")
    loaded = load_claims(ROOT / "claims.yaml")
    for claim in loaded.claims:
        # the claim is the article's text; "[Collins]" marks an editorial substitution
        position = 0
        for part in re.split(r"\s*\[[^\]]+\]\s*", claim.claim):
            position = article.index(part, position)
        if claim.quote:
            for part in claim.quote.split(" ... "):
                assert part in article, (claim.id, part)
    quotes = {c.id: c.quote for c in loaded.claims if c.quote}
    assert len(quotes) == 7  # C2, C3, C5, C6, C15, C19, C21
    assert quotes["transits-international-law"] == (
        "in accordance with international law and best practice ... demonstrating our "
        "commitment to the international rules-based system"
    )


def test_shipped_claims_file_passes_the_schema() -> None:
    assert schema_errors(ROOT / "claims.yaml") == []


def test_a_large_file_loads_every_claim(tmp_path: Path) -> None:  # its speed: bench/
    claim = "  - id: c{n}\n    claim: Claim {n} said something.\n    sources: [https://e.org/{n}]\n"
    path = tmp_path / "claims.yaml"
    path.write_text("claims:\n" + "".join(claim.format(n=n) for n in range(2000)), "utf-8")
    assert len(load_claims(path).claims) == 2000


# --- fuzzing: any bytes at all give ClaimsFileError or a ClaimsFile, quickly ---------------------

KEYS = [
    "claims", "article", "id", "claim", "quote", "speaker", "sources", "tags", "recheck",
    "rating", "evidence", "specifics", "url", "note", "accessed", "title", "published",
    "value", "best", "worst", "label",
]  # fmt: skip
ODD_STRINGS = [
    "https://example.org/", "file:///etc/passwd", "javascript:alert(1)", "pages/x.html", "7d",
    "0d", "no", "~", "", " ", "2026-02-30", "2026-01-16", "ACSA Cooperation", "a--b", "//x",
    "www.example.org", "http://x:99999/", "&anchor", "*alias", "!!python/object:os.system",
    "\u202eevil", "😀" * 50, "x" * 20_000, "a\u0085b", "\ufeff",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.dates(),
    st.text(max_size=40),
    st.sampled_from(ODD_STRINGS),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(KEYS) | st.text(max_size=8) | st.integers(), inner, max_size=5
        )
    ),
    max_leaves=25,
)
CLAIMS = st.fixed_dictionaries({}, optional=dict.fromkeys(KEYS[2:12], VALUES))
DOCUMENTS = st.one_of(
    VALUES,
    st.fixed_dictionaries(
        {"claims": st.lists(CLAIMS | VALUES, max_size=6)}, optional={"article": VALUES}
    ),
    CLAIMS.map(lambda claim: {"claims": [claim, claim, claim]}),  # shared -> anchors and aliases
)


def dump(document: object) -> bytes:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode("utf-8")


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid file with a few random edits: deletions, insertions, repeated lines."""
    text = draw(st.sampled_from([p.read_text("utf-8") for p in VALID]))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["delete", "insert", "repeat"]))
        if edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif edit == "insert":
            text = (
                text[:at]
                + draw(st.text(max_size=10) | st.sampled_from(list(":-[]{}&*!#|>'\"\t\n ")))
                + text[at:]
            )
        else:
            line_start = text.rfind("\n", 0, at) + 1
            line = text[line_start : text.find("\n", at) + 1 or len(text)]
            text = text[:line_start] + line * draw(st.integers(2, 5)) + text[line_start:]
    return text.encode("utf-8", errors="surrogatepass")


def alias_bomb(levels: int, width: int) -> bytes:
    lines = ["a0: &a0 [lol]"] + [
        f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * width) + "]" for n in range(1, levels)
    ]
    return ("\n".join(lines) + f"\nclaims: [{{id: x, claim: y, tags: *a{levels - 1}}}]\n").encode()


INPUTS = st.one_of(
    DOCUMENTS.map(dump),
    mutated(),
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: t.encode("utf-8", errors="surrogatepass")),
    st.builds(alias_bomb, st.integers(1, 12), st.integers(1, 12)),
    st.integers(1, 3000).map(lambda n: ("claims: " + "[" * n + "]" * n).encode()),
    st.integers(1, 200).map(
        lambda n: ("claims:\n" + "".join(" " * i + "-\n" for i in range(n))).encode()
    ),
    st.integers(1, 400_000).map(lambda n: f"claims:\n  - id: a\n    claim: {'x' * n}\n".encode()),
    st.sampled_from([b"", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"---\n...\n", b"claims:", b"{"]),
)


def check_any_input(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        load_claims(path)
    except ClaimsFileError as exc:
        assert exc.problems
        last_line = len(data.decode("utf-8", errors="replace").splitlines()) + 2
        for problem in exc.problems:
            match = re.match(rf"^{re.escape(str(path))}:(\d+): \S", problem)
            assert match, problem
            assert "\n" not in problem
            assert 1 <= int(match.group(1)) <= last_line, problem


FUZZ_SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


@settings(max_examples=200, **FUZZ_SETTINGS)  # type: ignore[arg-type]
@given(data=INPUTS)
def test_fuzz_only_claims_file_errors(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    check_any_input(tmp_path_factory.getbasetemp() / "fuzz-fast.yaml", data)


@pytest.mark.slow
@settings(max_examples=1500, **FUZZ_SETTINGS)  # type: ignore[arg-type]
@given(data=INPUTS)
def test_fuzz_only_claims_file_errors_long(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    check_any_input(tmp_path_factory.getbasetemp() / "fuzz-slow.yaml", data)


def test_the_problem_count_reads_as_english() -> None:
    """'1 problem', '2 problems' (it said '2 problem(s)')."""
    from factcheck.errors import ClaimsFileError, SettingsFileError

    assert str(ClaimsFileError("c.yaml", ["line 3: x"])).splitlines()[0] == "c.yaml: 1 problem"
    two = SettingsFileError("factcheck.toml", ["a", "b"])
    assert str(two).splitlines() == ["factcheck.toml: 2 problems", "a", "b"]
