"""`ctc-kg build --site`: the content is loaded, validated and built once, and the site is
captured over that build (runtime/static_site.py), with the bytes of the app `serve` prepares."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ctc_kg
import pytest
from ctc_kg.cli import main
from ctc_kg.config import load_settings
from ctc_kg.content import build, load, validate
from ctc_kg.content.load import content_files, load_content
from ctc_kg.export.static_site import export_site
from ctc_kg.runtime.app import prepared_app

pytestmark = pytest.mark.slow

MINIMAL = Path(__file__).resolve().parents[1] / "data" / "minimal"
PACKAGE = Path(ctc_kg.__file__).parent
COUNTED: dict[str, Callable[..., Any]] = {
    "load_content": load.load_content,
    "validate_content": validate.validate_content,
    "build": build.build,
}


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _counting(name: str, real: Callable[..., Any], counts: Counter[str]) -> Callable[..., Any]:
    def counted(*args: Any, **kwargs: Any) -> Any:
        counts[name] += 1
        return real(*args, **kwargs)

    return counted


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts the loads, validations and builds of the content in this process, whichever
    module of ctc_kg calls them (every module is imported, and each name it imported
    replaced by a counting one)."""
    counts: Counter[str] = Counter()
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(("ctc_kg", *parts)).removesuffix(".__init__")
        module = importlib.import_module(name)
        for attribute, real in COUNTED.items():
            if getattr(module, attribute, None) is real:
                monkeypatch.setattr(module, attribute, _counting(attribute, real, counts))
    return counts


def test_build_site_loads_validates_and_builds_the_content_once(
    calls: Counter[str], tmp_path: Path
) -> None:
    """Regression (issue 15, point 2): the app the site was captured from prepared its own
    version, so `build --site` loaded the content three times and validated and built it
    twice."""
    dist, site = tmp_path / "dist", tmp_path / "site"
    assert main(["--root", str(MINIMAL), "build", "--out", str(dist), "--site", str(site)]) == 0
    assert calls == {"load_content": 1, "validate_content": 1, "build": 1}
    assert (site / "meeting" / "2003-new-york.ttl").is_file()


def test_the_site_from_the_build_holds_the_bytes_of_the_app_serve_prepares(
    tmp_path: Path,
) -> None:
    """The site captured over the build `build` wrote is byte for byte the one captured
    from an app over a version prepared as `serve` prepares it (validated and built again,
    its own store): reading the build folder changes no file."""
    dist, site, served = tmp_path / "dist", tmp_path / "site", tmp_path / "served"
    assert main(["--root", str(MINIMAL), "build", "--out", str(dist), "--site", str(site)]) == 0
    settings = load_settings({"root": MINIMAL}, environ={})
    content = load_content(content_files(settings), settings.base_iri)
    with prepared_app(settings) as app:
        export_site(settings, app, content, served)
    ours, theirs = files_of(site), files_of(served)
    assert sorted(ours) == sorted(theirs)
    assert [name for name in ours if ours[name] != theirs[name]] == []
