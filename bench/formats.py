"""CPU seconds of each data dump's serialization, one after the other in one process.

    .venv/bin/python -m bench.formats ROOT [--rdflib]

ROOT is a ctc-kg root (see bench/phases.py). Each of the build's data dump formats is
written from the canonical statements the build writes them from, and timed with
`time.process_time` (this process only: the machine may be shared, so wall time says
less), the cycle collector paused as in the build. `--rdflib` also times rdflib's own
Turtle, TriG and RDF/XML writers on the same statements (the reference the one-pass
writers must match: content/writers.py) and checks that both give the same bytes.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from pathlib import Path

from ctc_kg.config import load_settings
from ctc_kg.content.context import to_compacted_jsonld
from ctc_kg.content.load import content_files, load_content
from ctc_kg.content.rdf_files import (
    rdfxml,
    rdfxml_by_rdflib,
    trig,
    trig_by_rdflib,
    turtle,
    turtle_by_rdflib,
)
from ctc_kg.content.serialize import (
    add_quad,
    canonical_statements,
    graph_of,
    new_dataset,
    ntriples,
)
from rdflib import Dataset


def _timed(work: Callable[[], bytes]) -> tuple[float, bytes]:
    began = time.process_time()
    body = work()
    return time.process_time() - began, body


def main(root: Path, *, reference: bool) -> list[str]:
    settings = load_settings({"root": root, "cache": False}, environ={})
    content = load_content(content_files(settings), settings.base_iri)
    gc.disable()  # as the build runs (content/build.py)
    began = time.process_time()
    data, union, _ = canonical_statements(content.data_quads(), settings.base_iri)
    lines = [f"canonical statements {time.process_time() - began:.2f} CPU-s"]
    written: dict[str, bytes] = {}
    for name, work in (
        ("ttl", lambda: turtle(union)),
        ("trig", lambda: trig(data)),
        ("rdf", lambda: rdfxml(union)),
        ("jsonld", lambda: to_compacted_jsonld(union, settings.base_iri)),
        ("nt", lambda: ntriples(union)),
    ):
        seconds, written[name] = _timed(work)
        lines.append(f"{name} {seconds:.2f} CPU-s ({len(written[name]):,} bytes)")
    if reference:
        graph = graph_of(union)
        dataset = new_dataset()
        for graph_name, triples in data.graphs:
            for triple in triples:
                add_quad(dataset, (*triple, graph_name))
        lines.extend(_reference(graph, dataset, written))
    return lines


def _reference(graph: object, dataset: Dataset, written: dict[str, bytes]) -> list[str]:
    lines = []
    for name, work in (
        ("ttl", lambda: turtle_by_rdflib(graph)),  # type: ignore[arg-type]
        ("trig", lambda: trig_by_rdflib(dataset)),
        ("rdf", lambda: rdfxml_by_rdflib(graph)),  # type: ignore[arg-type]
    ):
        seconds, body = _timed(work)
        same = "same bytes" if body == written[name] else "DIFFERENT BYTES"
        lines.append(f"{name} by rdflib {seconds:.2f} CPU-s ({same})")
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--rdflib", action="store_true", help="also time rdflib's writers")
    arguments = parser.parse_args()
    print("\n".join(main(arguments.root, reference=arguments.rdflib)))
