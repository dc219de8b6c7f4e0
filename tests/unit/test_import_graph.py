"""No two modules of ``nerdesk.workflows`` import each other, directly or round a longer circle, counting every
import: at module level, inside functions and under ``if TYPE_CHECKING:``. Read from the source with ``ast``, so
nothing is imported (Ray, for one, is an optional extra)."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

import nerdesk

WORKFLOWS = Path(nerdesk.__file__).parent / "workflows"


def _imported_names(tree: ast.AST, module: str) -> set[str]:
    """Every dotted name an import statement anywhere in ``tree`` may refer to: ``from a.b import c`` gives
    ``a.b`` and ``a.b.c`` (c may be a module); relative imports are resolved against ``module``."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[:-node.level]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph(package_dir: Path, package: str) -> dict[str, set[str]]:
    """Each module of the package (its ``__init__`` aside: it holds no imports) and the modules of the package
    that it imports, anywhere in its code."""
    paths = {f"{package}.{path.stem}": path for path in sorted(package_dir.glob("*.py")) if path.stem != "__init__"}
    graph = {}
    for module, path in paths.items():
        imported = _imported_names(ast.parse(path.read_text(encoding="utf-8")), module)
        graph[module] = {name for name in imported if name in paths and name != module}
    return graph


def import_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports (its first module repeated at the end), or None."""
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        return list(error.args[1])
    return None


def test_workflows_modules_import_each_other_without_a_cycle() -> None:
    graph = import_graph(WORKFLOWS, "nerdesk.workflows")
    ray = "nerdesk.workflows.ray_"
    assert graph[ray + "predict"] >= {ray + "failures", ray + "shards"}, "the graph is read"
    assert graph[ray + "failures"] == {ray + "shards"}
    assert import_cycle(graph) is None, f"import cycle among workflows modules: {import_cycle(graph)}"


@pytest.mark.parametrize("back_import", [
    "from pkg.first import thing",  # at module level
    "def later():\n    from pkg import first",  # inside a function
    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .first import Thing",  # for the type checker
])
def test_a_module_importing_its_importer_back_is_found(tmp_path: Path, back_import: str) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "first.py").write_text("import pkg.second\n", "utf-8")
    (package / "second.py").write_text(back_import + "\n", "utf-8")
    (package / "third.py").write_text("from . import first, second\n", "utf-8")
    graph = import_graph(package, "pkg")
    assert graph["pkg.third"] == {"pkg.first", "pkg.second"}
    assert import_cycle(graph) in (["pkg.first", "pkg.second", "pkg.first"],
                                   ["pkg.second", "pkg.first", "pkg.second"])
