"""Site.cached: a bounded cache that keeps the values in use (least recently used goes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ctc_kg.config import Settings
from ctc_kg.web.site import CACHED_KEYS, Site


def _site(tmp_path: Path) -> Site:
    (tmp_path / "SHA256SUMS").write_text("0" * 64 + "  ctc-kg.nq\n")
    store: Any = None  # the cache never touches the store
    return Site(settings=Settings(root=tmp_path), store=store, dist=tmp_path)


def test_a_value_is_made_once_per_key(tmp_path: Path) -> None:
    site = _site(tmp_path)
    made: list[str] = []

    def make() -> str:
        made.append("x")
        return "value"

    assert site.cached(("a",), make) == "value"
    assert site.cached(("a",), make) == "value"
    assert made == ["x"]


def test_a_value_in_use_survives_a_turnover_of_other_keys(tmp_path: Path) -> None:
    """The landing page's totals or the renderer must not be dropped (and recomputed)
    because many resource descriptions passed through the cache."""
    site = _site(tmp_path)
    made: list[tuple[str, ...]] = []

    def value_for(key: tuple[str, ...]) -> Any:
        def make() -> tuple[str, ...]:
            made.append(key)
            return key

        return site.cached(key, make)

    value_for(("shared",))
    for number in range(CACHED_KEYS * 3):
        value_for(("description", str(number)))
        value_for(("shared",))  # used between descriptions, as a page render does
    assert made.count(("shared",)) == 1
    # The bound holds, and the oldest descriptions were the ones that went.
    value_for(("description", "0"))
    assert made.count(("description", "0")) == 2
    last = ("description", str(CACHED_KEYS * 3 - 1))
    value_for(last)
    assert made.count(last) == 1
