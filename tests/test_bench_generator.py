"""The benchmark's synthetic graph: the same bytes for the same seed, and valid data.

Only the generator is tested here; the benchmark itself (python -m bench) runs outside
the test suite and nothing here measures time.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from ctc_kg.config import load_settings
from ctc_kg.content.load import content_files, load_content
from ctc_kg.content.validate import validate_content

from bench.generate import generate, parse_size, write_root

REPOSITORY = Path(__file__).resolve().parents[1]


def _nquads(target: int, seed: int) -> bytes:
    data = ox.serialize(generate(target, seed).all_quads(), format=ox.RdfFormat.N_QUADS)
    assert data is not None
    return data


def test_same_seed_gives_the_same_quads_and_another_seed_others():
    first = _nquads(1000, seed=7)
    assert first == _nquads(1000, seed=7)
    assert first != _nquads(1000, seed=8)


@pytest.mark.parametrize(("text", "quads"), [("1k", 1000), ("100k", 100_000), ("1m", 1_000_000)])
def test_size_names_read_as_quad_counts(text, quads):
    assert parse_size(text) == quads


def test_a_1k_root_conforms_to_the_shapes_and_names_a_source_for_every_graph(tmp_path):
    synthetic = generate(1000, seed=1)
    write_root(synthetic, tmp_path, REPOSITORY)
    content = load_content(content_files(load_settings({"root": tmp_path}, environ={})))

    report = validate_content(content)

    assert report.conforms, report.text()
    store = ox.Store()
    for path in sorted((tmp_path / "data").glob("*.trig")):
        store.load(path=str(path), format=ox.RdfFormat.TRIG)
    assert 1000 <= len(store) < 1200
    meetings = store.query(
        "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { GRAPH ?g { ?m a <https://schema.org/Event> } }"
    )
    assert int(next(iter(meetings))["n"].value) >= 10
