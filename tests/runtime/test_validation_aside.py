"""A first start validates while it builds (runtime/validation_aside.py): the validation
runs in a process of its own beside the build, and nothing is published unless the
content conforms; a build that fails on content that does not conform reports the
violations; a validation that cannot run says why."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ctc_kg.config import Settings, load_settings
from ctc_kg.content.load import content_files, load_content
from ctc_kg.content.validate import validate_content
from ctc_kg.errors import UnusableInputError, ValidationFailedError
from ctc_kg.runtime import prepare as prepare_module
from ctc_kg.runtime.prepare import Prepared, prepare
from ctc_kg.runtime.version_cache import STAMP

MINIMAL = Path(__file__).resolve().parents[1] / "data" / "minimal"
UNDATED = "<https://w3id.org/ctc-kg/meeting/2099-x> a <https://schema.org/Event> .\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "root"
    shutil.copytree(MINIMAL, copy)
    return copy


@pytest.fixture
def settings(root: Path, tmp_path: Path) -> Settings:
    return load_settings({"root": root, "cache_dir": tmp_path / "cache"}, environ={})


@pytest.fixture
def prepared() -> Iterator[list[Prepared]]:
    made: list[Prepared] = []
    yield made
    for version in made:
        version.cleanup()


def published(settings: Settings) -> list[Path]:
    assert settings.cache_dir is not None
    if not settings.cache_dir.is_dir():
        return []
    return sorted(p for p in settings.cache_dir.iterdir() if (p / STAMP).is_file())


def leftovers(settings: Settings) -> list[Path]:
    """Whatever a refused start left in the cache folder (staging folders included)."""
    assert settings.cache_dir is not None
    if not settings.cache_dir.is_dir():
        return []
    return sorted(settings.cache_dir.iterdir())


def test_the_validation_runs_in_its_own_process_while_the_build_runs(
    settings: Settings, prepared: list[Prepared], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []
    real = prepare_module.build_and_store

    def watched(*args: Any, **kwargs: Any) -> int | None:
        seen.append([child.name for child in multiprocessing.active_children()])
        return real(*args, **kwargs)

    monkeypatch.setattr(prepare_module, "build_and_store", watched)
    prepared.append(prepare(settings))
    assert seen == [["ctc-kg validate"]]
    assert len(published(settings)) == 1
    assert multiprocessing.active_children() == []  # reaped


def test_content_that_does_not_conform_is_built_but_never_published(
    root: Path, settings: Settings
) -> None:
    (root / "data" / "undated.ttl").write_text(UNDATED)  # no start date: a violation
    with pytest.raises(ValidationFailedError, match="2099-x"):
        prepare(settings)
    assert leftovers(settings) == []
    assert multiprocessing.active_children() == []


def test_a_build_that_fails_on_content_that_does_not_conform_reports_the_violations(
    root: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: Any, **kwargs: Any) -> int | None:
        raise RuntimeError("the build could not cope")

    monkeypatch.setattr(prepare_module, "build_and_store", failing)
    with pytest.raises(RuntimeError, match="could not cope"):
        prepare(settings)  # valid content: the build's own error
    (root / "data" / "undated.ttl").write_text(UNDATED)
    with pytest.raises(ValidationFailedError, match="2099-x"):
        prepare(settings)
    assert leftovers(settings) == []


def _unusable(*args: Any, **kwargs: Any) -> Any:
    raise UnusableInputError("the shapes cannot be used: a test", "shapes/x.ttl", 3)


def _dying(*args: Any, **kwargs: Any) -> Any:
    os._exit(7)


@pytest.mark.parametrize(
    ("validation", "reason"),
    [
        (_unusable, r"shapes/x\.ttl:3: the shapes cannot be used"),  # its own error, kept
        (_dying, r"without a report .*status 7"),  # its process died: said so
    ],
    ids=["unusable-input", "process-died"],
)
def test_a_validation_that_cannot_run_fails_the_start_saying_why(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, validation: Any, reason: str
) -> None:
    monkeypatch.setattr("ctc_kg.runtime.validation_aside.validate_content", validation)
    with pytest.raises(UnusableInputError, match=reason):
        prepare(settings)
    assert leftovers(settings) == []


def test_the_report_is_the_one_validation_in_this_process_gives(
    root: Path, settings: Settings
) -> None:
    (root / "data" / "undated.ttl").write_text(UNDATED)
    with pytest.raises(ValidationFailedError) as raised:
        prepare(settings)
    here = validate_content(load_content(content_files(settings), settings.base_iri))
    assert raised.value.report == here.text()
