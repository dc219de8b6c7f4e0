"""Coded errors: every error raised in nerdesk/core and nerdesk/formats has a code, listed once in docs/errors.md."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from nerdesk.cli import main
from nerdesk.core.errors import FormatError, ImportProblems, NerdeskError
from nerdesk.formats import read_file, read_files, resolve_format, write_file

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("nerdesk/core", "nerdesk/formats")
CODE = re.compile(r"^E\d{3}$")
UNCODED = {"ValueError", "ImportProblems"}  # a programming error; ImportProblems sets E100 itself


def sources() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).glob("*.py"))


def codes_in(tree: ast.AST) -> set[str]:
    """Every ``code="E..."`` keyword and every ``code: str = "E..."`` default in a module."""
    found = {kw.value.value for node in ast.walk(tree) if isinstance(node, ast.Call) for kw in node.keywords
             if kw.arg == "code" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            arguments = node.args.kwonlyargs
            defaults = node.args.kw_defaults
            found |= {d.value for a, d in zip(arguments, defaults, strict=True)
                      if a.arg == "code" and isinstance(d, ast.Constant) and isinstance(d.value, str)}
    return found


def documented() -> list[str]:
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    return re.findall(r"^\| (E\d{3}) \|", text, flags=re.MULTILINE)


def test_every_raise_in_core_and_formats_has_a_code():
    uncoded = []
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                name = getattr(node.exc.func, "id", getattr(node.exc.func, "attr", ""))
                if name not in UNCODED and not any(kw.arg == "code" for kw in node.exc.keywords):
                    uncoded.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert uncoded == []


def test_codes_are_well_formed_documented_once_and_all_used():
    used = set().union(*(codes_in(ast.parse(path.read_text(encoding="utf-8"))) for path in sources()))
    listed = documented()
    assert all(CODE.match(code) for code in used | set(listed))
    assert len(listed) == len(set(listed)), "a code is listed twice in docs/errors.md"
    assert used - set(listed) == set(), "codes raised but not in docs/errors.md"
    assert {c for c in listed if c[1] in "01"} - used == set(), "codes documented but never raised"


def test_messages_keep_their_text_and_carry_codes(tmp_path):
    with pytest.raises(FormatError) as unknown:
        resolve_format("word")
    assert unknown.value.code == "E101" and str(unknown.value).startswith("unknown format 'word'")
    with pytest.raises(FormatError) as missing:
        read_file(tmp_path / "absent.json")
    assert missing.value.code == "E104" and str(missing.value).endswith("no such file or directory")
    with pytest.raises(FormatError) as option:
        write_file([], tmp_path / "out.json", "cluener", indent=2)
    assert option.value.code == "E108"


def test_bad_records_each_keep_their_code_inside_e100(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"text": "ab", "label": {"X": {"ab": [[0, 5]]}}}\nnot json\n{"text": 3}\n', encoding="utf-8")
    with pytest.raises(ImportProblems) as caught:
        read_files([path, tmp_path / "absent.json"], "cluener")
    assert caught.value.code == "E100"
    assert [p.code for p in caught.value.problems] == ["E003", "E111", "E110", "E104"]


def test_the_command_line_prints_the_code(tmp_path, capsys):
    source = tmp_path / "a.json"
    source.write_text('{"text": "ab", "label": {}}\n', encoding="utf-8")
    assert main(["import", str(tmp_path / "p.nerdesk"), str(source), "--split", "a,b"]) == 1
    assert capsys.readouterr().err.startswith("nerdesk: error E119: --split 'a,b'")


def test_an_error_without_a_code_keeps_its_plain_message():
    error = NerdeskError("plain")
    assert error.code is None and str(error) == "plain"
