"""The package's layout: imports run downward along the data path, never in a circle, and only
the MkDocs plugin imports mkdocs (the extension and everything else run under any builder)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "derivnotes"

# what each part may import from the package (itself always); numerics and store are leaves
ALLOWED = {
    "checker": {"checker", "store"},
    "numerics": set(),
    "store": set(),
    "exhibits": {"exhibits", "checker", "numerics", "store"},
    "site": {"site", "checker", "exhibits", "store"},
    "cli": {"checker", "site", "exhibits", "scaffold"},
    "scaffold": {"checker"},
    "__main__": {"cli"},
    "__init__": set(),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module *path* imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module.startswith("derivnotes"):  # from derivnotes.x import module
                found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def graph() -> dict[str, set[str]]:
    return {
        # "from derivnotes import numerics" names the module, not the (empty) package
        name: {m for m in imports_of(path) if m in MODULES and m not in (name, "derivnotes")}
        for name, path in MODULES.items()
    }


def part(module: str) -> str:
    return module.split(".")[1] if "." in module else "__init__"


def test_the_package_has_its_three_subpackages() -> None:
    assert {"derivnotes.checker", "derivnotes.exhibits", "derivnotes.site"} <= set(MODULES)
    flat = [p.name for p in PACKAGE.glob("*.py")]
    assert sorted(flat) == [
        "__init__.py",
        "__main__.py",
        "cli.py",
        "numerics.py",
        "scaffold.py",
        "store.py",
    ]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_downward(module: str) -> None:
    allowed = ALLOWED[part(module)]
    wrong = sorted(m for m in graph()[module] if part(m) not in allowed | {part(module)})
    assert not wrong, f"{module} imports {wrong}; it may import only from {sorted(allowed)}"


def test_no_import_circle() -> None:
    edges = graph()
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])


def test_only_the_plugin_imports_mkdocs() -> None:
    importers = sorted(
        name
        for name, path in MODULES.items()
        if any(m == "mkdocs" or m.startswith("mkdocs.") for m in imports_of(path))
    )
    assert importers == ["derivnotes.site.plugin"]


def test_each_subpackage_declares_its_public_names() -> None:
    for name in ("checker", "exhibits", "site"):
        text = (PACKAGE / name / "__init__.py").read_text(encoding="utf-8")
        assert "__all__" in text, name
