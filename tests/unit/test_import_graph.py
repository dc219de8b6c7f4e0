"""No two modules of ``nerdesk`` import each other, directly or round a longer circle, within a subpackage or across
subpackages, counting every import: at module level, inside functions and under ``if TYPE_CHECKING:``. Read from the
source with ``ast``, so nothing is imported (Ray, for one, is an optional extra).

A package's ``__init__`` is a module like the others, with the imports written in it; the implicit import of the
parent packages that every import of a submodule makes is not counted (an ``__init__`` that imports its own
submodules would otherwise always close a circle, which Python resolves without harm)."""

from __future__ import annotations

import ast
from collections.abc import Collection
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

import nerdesk

NERDESK = Path(nerdesk.__file__).parent
SUBPACKAGES = {"cli", "commands", "gui", "workflows", "training", "runtime", "storage", "formats", "core"}


def _imported_names(tree: ast.AST, package: str, modules: Collection[str]) -> set[str]:
    """The modules of ``modules`` that an import statement anywhere in ``tree`` names: ``from a.b import c`` gives
    ``a.b.c`` when c is a module, else ``a.b`` (the package's ``__init__``, where c is defined); relative imports
    are resolved against ``package``, the package the module belongs to (for an ``__init__``, its own)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[:len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                names.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return names & set(modules)


def module_paths(package_dir: Path, package: str) -> dict[str, tuple[Path, str]]:
    """Each module of the package and of its subpackages, at any depth: its source file and the package its
    relative imports start from. An ``__init__.py`` is the module of its package."""
    modules = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = [package, *path.relative_to(package_dir).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
            modules[".".join(parts)] = (path, ".".join(parts))
        else:
            modules[".".join(parts)] = (path, ".".join(parts[:-1]))
    return modules


def import_graph(package_dir: Path, package: str) -> dict[str, set[str]]:
    """Each module of the package (subpackages included) and the modules of the package that it imports,
    anywhere in its code."""
    modules = module_paths(package_dir, package)
    graph = {}
    for module, (path, anchor) in modules.items():
        imported = _imported_names(ast.parse(path.read_text(encoding="utf-8")), anchor, modules)
        graph[module] = imported - {module}
    return graph


def import_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports (its first module repeated at the end), or None."""
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        return list(error.args[1])
    return None


def test_nerdesk_modules_import_each_other_without_a_cycle() -> None:
    graph = import_graph(NERDESK, "nerdesk")
    assert {module.split(".")[1] for module in graph if module != "nerdesk"} >= SUBPACKAGES, "every subpackage"
    ray = "nerdesk.workflows.ray_"
    assert graph[ray + "predict"] >= {ray + "failures", ray + "shards"}, "the graph is read"
    assert {name for name in graph[ray + "failures"] if name.startswith(ray)} == {ray + "shards"}
    assert "nerdesk.runtime.decode" in graph["nerdesk.runtime.predictor"]
    assert {"nerdesk.training.char_encoder", "nerdesk.training.encoders"} <= graph["nerdesk.training.encoder_kinds"]
    assert "nerdesk.runtime.chars" in graph["nerdesk.training.char_encoder"], "imports across subpackages count"
    assert import_cycle(graph) is None, f"import cycle among nerdesk modules: {import_cycle(graph)}"


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


@pytest.mark.parametrize("back_import", [
    "from ..upper import top",  # relative, two levels up
    "def later():\n    import pkg.upper.top",  # inside a function
    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.upper import Thing",  # the package's __init__
])
def test_a_circle_across_subpackages_is_found(tmp_path: Path, back_import: str) -> None:
    for directory in ("upper", "lower"):
        (tmp_path / "pkg" / directory).mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("", "utf-8")
    (tmp_path / "pkg" / "upper" / "__init__.py").write_text("from .top import Thing\n", "utf-8")
    (tmp_path / "pkg" / "upper" / "top.py").write_text("from pkg.lower.bottom import helper\n", "utf-8")
    (tmp_path / "pkg" / "lower" / "bottom.py").write_text(back_import + "\n", "utf-8")
    graph = import_graph(tmp_path / "pkg", "pkg")
    assert set(graph) == {"pkg", "pkg.upper", "pkg.upper.top", "pkg.lower.bottom"}
    assert graph["pkg.upper"] == {"pkg.upper.top"}, "a relative import in an __init__ starts from its own package"
    assert graph["pkg.upper.top"] == {"pkg.lower.bottom"}
    assert "pkg.upper.top" in (cycle := import_cycle(graph) or []) and "pkg.lower.bottom" in cycle


def test_a_package_importing_its_own_submodules_is_no_circle(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "sub" / "__init__.py").write_text("from pkg.sub.part import thing\n", "utf-8")
    (tmp_path / "pkg" / "sub" / "part.py").write_text("import pkg.sub.other\n", "utf-8")
    (tmp_path / "pkg" / "sub" / "other.py").write_text("", "utf-8")
    graph = import_graph(tmp_path / "pkg", "pkg")
    assert graph == {"pkg.sub": {"pkg.sub.part"}, "pkg.sub.part": {"pkg.sub.other"}, "pkg.sub.other": set()}
    assert import_cycle(graph) is None
