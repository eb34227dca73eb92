"""The cycle collector is paused while content is loaded, validated and built, and back after."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from ctc_kg.content import build as build_module
from ctc_kg.content import load as load_module
from ctc_kg.content import validate as validate_module
from ctc_kg.content.collector import collector_paused
from ctc_kg.content.load import load_paths
from ctc_kg.content.validate import validate_content
from ctc_kg.errors import UnusableInputError

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal.trig"


def _fail_with_the_collector_paused() -> None:
    with collector_paused():
        assert not gc.isenabled()
        raise KeyError("boom")


def test_the_collector_comes_back_after_an_error_in_the_block() -> None:
    assert gc.isenabled()
    with pytest.raises(KeyError, match="boom"):
        _fail_with_the_collector_paused()
    assert gc.isenabled()


def test_loading_and_validating_run_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []
    read_quads, run_shacl = load_module.read_quads, validate_module.run_shacl

    def reading(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return read_quads(*args, **kwargs)  # type: ignore[arg-type]

    def validating(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return run_shacl(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(load_module, "read_quads", reading)
    monkeypatch.setattr(validate_module, "run_shacl", validating)
    content = load_paths([MINIMAL])
    validate_content(content)
    assert seen
    assert not any(seen)
    assert gc.isenabled()


def test_a_file_that_cannot_be_read_leaves_the_collector_running(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(UnusableInputError):
        load_paths([broken])
    assert gc.isenabled()


def test_the_build_runs_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[bool] = []
    build_inside = build_module._build

    def building(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return build_inside(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "_build", building)
    build_module.build(load_paths([MINIMAL]), tmp_path / "dist")
    assert seen == [False]
    assert gc.isenabled()
