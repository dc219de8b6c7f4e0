"""The frozen build leaves out the optional extras (Ray, pyarrow, spaCy, ...) even when the build environment
has them: nerdesk imports them only on request, and PyInstaller would otherwise follow those imports. Reads
installer/nerdesk.spec; no build is run."""

from __future__ import annotations

import ast
import re
from importlib.metadata import PackageNotFoundError, distribution

import pytest

from tests.conftest import REPO_ROOT

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

SPEC = REPO_ROOT / "installer" / "nerdesk.spec"
# Extras that are not features of the app: development, packaging, and a model package read as data.
NOT_APP_EXTRAS = {"dev", "installer", "minilm"}


def spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text(encoding="utf-8"))


def spec_constant(name: str):
    for node in spec_tree().body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found in nerdesk.spec")


def requirement_name(requirement: str) -> str:
    return re.match(r"[A-Za-z0-9_.-]+", requirement).group(0)


def top_level_modules(name: str) -> set[str]:
    """The importable top-level names of an installed distribution (empty when it is not installed)."""
    try:
        found = distribution(name)
    except PackageNotFoundError:
        return set()
    listed = found.read_text("top_level.txt")
    if listed:
        return {line.strip() for line in listed.splitlines() if line.strip()}
    parts = {file.parts[0] for file in found.files or () if file.suffix == ".py" or file.name == "__init__.py"}
    return {part.removesuffix(".py") for part in parts if not part.endswith((".dist-info", ".data"))}


def optional_distributions() -> set[str]:
    """Distributions the app's optional extras bring, with the extras of ray (ray[data,train]) spelled out."""
    extras = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))["project"]["optional-dependencies"]
    names = {requirement_name(r) for extra, reqs in extras.items() if extra not in NOT_APP_EXTRAS for r in reqs}
    return {name for name in names if not name.startswith("nerdesk")} | {"pyarrow", "tensorboardX"}


def nerdesk_imports() -> set[str]:
    """Top-level names of every module nerdesk imports anywhere, lazy imports inside functions included."""
    names = set()
    for path in (REPO_ROOT / "nerdesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def test_every_optional_extra_nerdesk_imports_is_excluded_from_the_build():
    excluded = set(spec_constant("OPTIONAL_MODULES"))
    optional = {module for name in optional_distributions() for module in top_level_modules(name)}
    imported = nerdesk_imports()
    assert {"ray", "pyarrow", "spacy"} <= imported  # the lazy imports this test exists for are seen
    missing = sorted((optional & imported) - excluded)
    assert not missing, f"nerdesk imports optional modules the build would collect: {missing}"
    assert {"ray", "pyarrow", "tensorboardX", "spacy", "label_studio_sdk", "seqeval"} <= excluded


def test_the_optional_modules_reach_the_analysis_excludes():
    calls = [node for node in ast.walk(spec_tree()) if isinstance(node, ast.Call)
             and getattr(node.func, "id", None) == "Analysis"]
    assert len(calls) == 1
    excludes = next(keyword.value for keyword in calls[0].keywords if keyword.arg == "excludes")
    assert {node.id for node in ast.walk(excludes) if isinstance(node, ast.Name)} == {"EXCLUDED_MODULES",
                                                                                     "OPTIONAL_MODULES"}


def test_no_required_dependency_is_excluded():
    required = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    modules = {module for r in required for module in top_level_modules(requirement_name(r))}
    assert {"torch", "onnxruntime", "tokenizers"} <= modules
    excluded = set(spec_constant("OPTIONAL_MODULES")) | set(spec_constant("EXCLUDED_MODULES"))
    assert not modules & excluded


def test_metadata_of_the_optional_distributions_is_left_out_too():
    patterns = spec_constant("OPTIONAL_DISTRIBUTIONS")
    assert {name.lower() for name in spec_constant("OPTIONAL_MODULES")} <= set(patterns)
