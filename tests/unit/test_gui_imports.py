"""The GUI package has no import circles, hidden ones included: no ``if TYPE_CHECKING:`` imports (a circle
that only the type checker sees) and no cycle among its modules, counting imports inside functions too.
Read from the source, so Qt is not imported."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import nerdesk

GUI = Path(nerdesk.__file__).parent / "gui"


def _imported_modules(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _gui_imports() -> dict[str, set[str]]:
    """Each ``nerdesk.gui`` module and the ``nerdesk.gui`` modules it imports anywhere."""
    graph = {}
    for path in sorted(GUI.glob("*.py")):
        module = f"nerdesk.gui.{path.stem}"
        imported = _imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        graph[module] = {name for name in imported if name.startswith("nerdesk.gui.") and name != module}
    return graph


def _type_checking_blocks(tree: ast.AST) -> list[int]:
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.If)
            and "TYPE_CHECKING" in ast.unparse(node.test)]


def test_no_gui_module_imports_only_for_the_type_checker():
    found = {path.name: lines for path in sorted(GUI.glob("*.py"))
             if (lines := _type_checking_blocks(ast.parse(path.read_text(encoding="utf-8"))))}
    assert found == {}, f"TYPE_CHECKING imports hide an import circle: {found}"


def test_gui_modules_import_each_other_without_a_cycle():
    graph = _gui_imports()
    assert graph["nerdesk.gui.main_window"] >= {"nerdesk.gui.session", "nerdesk.gui.review"}, "the graph is read"
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise AssertionError(f"import cycle among GUI modules: {error.args[1]}") from None
    assert order.index("nerdesk.gui.session") < order.index("nerdesk.gui.main_window")
