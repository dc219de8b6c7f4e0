"""The size limits of the code base: no module under nerdesk/ over 400 lines, no function over 50.

A function's length runs from its ``def`` line to its last line (docstring and comments included,
decorators not). Nested functions and methods are measured on their own as well as inside the
function that holds them.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "nerdesk"
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 50


def long_functions(source: str, path: str) -> list[str]:
    """``path:name:length`` of every function in ``source`` longer than ``MAX_FUNCTION_LINES``."""
    found = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{path}:{node.name}:{length}")
    return found


def python_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_modules_to_measure():
    assert len(python_files()) > 50


def test_no_file_over_400_lines():
    offenders = []
    for path in python_files():
        length = len(path.read_text(encoding="utf-8").splitlines())
        if length > MAX_FILE_LINES:
            offenders.append(f"{path.relative_to(PACKAGE.parent)}:{length}")
    assert offenders == [], f"files over {MAX_FILE_LINES} lines (path:lines): {offenders}"


def test_no_function_over_50_lines():
    offenders = []
    for path in python_files():
        offenders += long_functions(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent)))
    assert offenders == [], f"functions over {MAX_FUNCTION_LINES} lines (path:name:lines): {offenders}"


def test_a_long_function_is_reported_with_its_path_name_and_length():
    body = "".join(f"        x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))  # def line + 50 = 51 lines
    source = f"def short():\n    return 1\n\n\nclass Holder:\n    def too_long(self):\n{body}"
    assert long_functions(source, "nerdesk/example.py") == [f"nerdesk/example.py:too_long:{MAX_FUNCTION_LINES + 1}"]


def test_a_function_of_exactly_50_lines_passes():
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES - 1))
    assert long_functions(f"def at_the_limit():\n{body}", "nerdesk/example.py") == []
