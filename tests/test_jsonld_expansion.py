"""The one-pass JSON-LD expansion used for the dumps and descriptions gives exactly what
pyld's `from_rdf` gives (regression: `from_rdf` is quadratic in the statements about one
node, and made ctc-kg build take minutes at 10k triples)."""

from __future__ import annotations

import json
from pathlib import Path

from ctc_kg.config import Settings, load_settings
from ctc_kg.content.context import expanded_jsonld, pyld_options, to_compacted_jsonld
from ctc_kg.content.load import content_files, load_content, union_graph
from ctc_kg.content.names import context_iri
from ctc_kg.content.serialize import canonical_graph, ntriples
from pyld import jsonld
from rdflib import Graph

from bench.generate import generate, write_root

ROOT = Path(__file__).resolve().parents[1]

HUB = """
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/ctc-kg/meeting/a> schema:about <https://w3id.org/ctc-kg/theme/t> ;
    schema:name "a"@en, "a"@fr, "plain", "2003-03-06"^^xsd:date, "57"^^xsd:integer ;
    schema:location [ schema:name "venue" ], <https://w3id.org/ctc-kg/place/p> .
<https://w3id.org/ctc-kg/meeting/b> a schema:Event ;
    schema:about <https://w3id.org/ctc-kg/theme/t> .
"""


def _pyld(graph: Graph) -> object:
    return jsonld.from_rdf(
        ntriples(graph).decode("utf-8"),
        {"format": "application/n-quads", "useNativeTypes": False, "rdfDirection": None},
    )


def test_expansion_of_the_repository_data_equals_pyld(settings: Settings) -> None:
    content = load_content(content_files(settings))
    graph = canonical_graph(union_graph(content.data_dataset()))
    assert expanded_jsonld(graph) == _pyld(graph)


def test_expansion_of_literals_blank_nodes_and_shared_objects_equals_pyld() -> None:
    graph = canonical_graph(Graph().parse(data=HUB, format="turtle"))
    assert expanded_jsonld(graph) == _pyld(graph)


def _compacted_by_pyld_alone(graph: Graph, base_iri: str) -> bytes:
    """What `to_compacted_jsonld` gave before it remembered compacted IRIs."""
    options = pyld_options(base_iri, skipExpansion=True)
    compacted = jsonld.compact(expanded_jsonld(graph), str(context_iri(base_iri)), options)
    return (json.dumps(compacted, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def test_compaction_remembering_iris_equals_pylds_on_the_repository(settings: Settings) -> None:
    content = load_content(content_files(settings))
    graph = canonical_graph(union_graph(content.data_dataset()))
    base = content.base_iri
    assert to_compacted_jsonld(graph, base) == _compacted_by_pyld_alone(graph, base)


def test_compaction_remembering_iris_equals_pylds_on_a_generated_graph(
    tmp_path: Path,
) -> None:
    write_root(generate(3000, seed=7), tmp_path, ROOT)
    content = load_content(content_files(load_settings({"root": tmp_path}, environ={})))
    graph = union_graph(content.data_dataset())
    base = content.base_iri
    assert to_compacted_jsonld(graph, base) == _compacted_by_pyld_alone(graph, base)


MIXED_VALUES = """
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
<https://w3id.org/ctc-kg/meeting/a>
    rdfs:label "en"@en, "fr"@fr, "EN-GB"@EN-GB, "plain", "typed"^^xsd:token,
        "2003-03-06"^^xsd:date ;
    schema:startDate "2003-03-06"^^xsd:date, "not a date", "5"^^xsd:integer, ex:iri ;
    schema:about <https://w3id.org/ctc-kg/theme/t>, rdfs:label, "about"@en ;
    ex:other "x", "y"@en, ex:z, skos:prefLabel .
<https://w3id.org/ctc-kg/meeting/b>
    rdfs:label "plain first", "en"@en ;
    schema:startDate ex:iri, "2003-03-07"^^xsd:date ;
    schema:about rdfs:label, <https://w3id.org/ctc-kg/theme/u> .
"""


def test_compaction_remembering_terms_by_kind_of_value_equals_pylds() -> None:
    """A property's key depends on its value: a language-map term for tagged strings, the
    compact IRI for a plain string, a date term only for dates, `@vocab` references for
    IRIs that are terms. Remembering the key per kind of value must not give one kind the
    key of another, whichever kind comes first."""
    graph = Graph().parse(data=MIXED_VALUES, format="turtle")
    base = "https://w3id.org/ctc-kg/"
    assert to_compacted_jsonld(graph, base) == _compacted_by_pyld_alone(graph, base)
