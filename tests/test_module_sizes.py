"""The house rule on size (docs: style, issue 15): no module of the package over 400
lines, no function or method over 60, so each reads on a screen or two and says one
thing. A module that grows past either is split by concern, not trimmed."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "server" / "ctc_kg"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def modules() -> Iterator[tuple[str, str]]:
    """(path relative to the package, text) of every module held to the rule."""
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        yield name, path.read_text(encoding="utf-8")


def long_functions(text: str) -> Iterator[tuple[str, int]]:
    """(name, lines) of each function or method in `text` longer than the limit, nested
    ones included; a function's lines run from its `def` to its last statement."""
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                yield node.name, length


def test_no_module_is_longer_than_400_lines() -> None:
    too_long = {
        name: len(text.splitlines())
        for name, text in modules()
        if len(text.splitlines()) > MAX_MODULE_LINES
    }
    assert too_long == {}, f"split these modules by concern (lines): {too_long}"


def test_no_function_is_longer_than_60_lines() -> None:
    too_long = {
        f"{name}:{function}": length
        for name, text in modules()
        for function, length in long_functions(text)
    }
    assert too_long == {}, f"split these functions (lines): {too_long}"


def test_the_rule_reads_every_module_of_the_package() -> None:
    """Guards the two tests above against passing vacuously (a wrong path, an empty
    walk): they read the package's modules, nested packages included."""
    names = {name for name, _ in modules()}
    assert "cli.py" in names
    assert "store/querytext.py" in names
    assert "web/html/diagram.py" in names
    assert len(names) > 50
