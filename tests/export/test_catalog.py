"""The DCAT catalogue record (`/catalog` on the server, `catalog.*` in the site): what
DCAT-AP makes mandatory for a harvested catalogue, computed coverage, and the same graph
in both places."""

from __future__ import annotations

import pytest
from ctc_kg.config import load_settings
from ctc_kg.content.build import build
from ctc_kg.content.catalog import describe_catalog
from ctc_kg.content.load import content_files, load_content
from ctc_kg.content.serialize import canonical_nquads, union_of
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from tests.conftest import REPOSITORY
from tests.export.conftest import ask_app

MANDATORY = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
ASK {
  ?catalog a dcat:Catalog ; dcterms:title ?ct ; dcterms:description ?cd ;
           dcterms:publisher ?publisher ; dcat:dataset ?dataset ; dcat:record ?record .
  ?publisher a foaf:Agent ; foaf:name ?name .
  ?record a dcat:CatalogRecord ; foaf:primaryTopic ?dataset ; dcterms:modified ?modified .
  ?dataset a dcat:Dataset ; dcterms:title ?dt ; dcterms:description ?dd ;
           dcat:distribution ?distribution .
  ?distribution dcat:accessURL ?access .
  FILTER NOT EXISTS { ?dataset dcat:distribution ?d . FILTER NOT EXISTS { ?d dcat:accessURL ?u } }
}
"""


@pytest.fixture(scope="module")
def repository_catalog(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    """The catalogue of the repository's data, from a real build's description."""
    settings = load_settings({"root": REPOSITORY}, environ={})
    content = load_content(content_files(settings), settings.base_iri)
    out = tmp_path_factory.mktemp("catalog") / "dist"
    build(content, out)
    description = Graph().parse(out / "void.ttl", format="turtle")
    data = union_of(content.data_dataset())
    return describe_catalog(description, data, settings.base_iri)


def test_catalogue_has_what_dcat_ap_makes_mandatory(repository_catalog):
    assert repository_catalog.query(MANDATORY).askAnswer is True


def test_temporal_coverage_runs_from_the_first_meeting_to_the_last(repository_catalog):
    period = repository_catalog.value(None, RDF.type, DCTERMS.PeriodOfTime)
    assert period is not None
    assert repository_catalog.value(period, DCAT.startDate) == Literal(
        "2003-03-06", datatype=XSD.date
    )
    end = repository_catalog.value(period, DCAT.endDate)
    assert end is not None
    assert str(end).startswith("2007-")


def test_spatial_coverage_is_the_five_host_cities(repository_catalog):
    dataset = repository_catalog.value(None, RDF.type, DCAT.Catalog)
    assert dataset is not None
    spatial = {
        str(place).rsplit("/", 1)[-1] for place in repository_catalog.objects(None, DCTERMS.spatial)
    }
    assert spatial == {"new-york", "washington", "vienna", "almaty", "nairobi"}


def test_publisher_is_named(repository_catalog):
    names = {str(n) for n in repository_catalog.objects(None, FOAF.name)}
    assert "ctc-kg project" in names


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fmt", "accept"), [("ttl", "text/turtle"), ("rdf", "application/rdf+xml")]
)
def test_site_catalogue_is_the_servers(site, server, fmt, accept):
    live = ask_app(server, site.public, "/catalog", {"Accept": accept})
    assert live.status == 200
    assert live.content_type == f"{accept}; charset=utf-8"
    parser = {"ttl": "turtle", "rdf": "xml"}[fmt]
    ours = Dataset().parse(data=(site.folder / f"catalog.{fmt}").read_bytes(), format=parser)
    theirs = Dataset().parse(data=live.body, format=parser)
    assert canonical_nquads(ours) == canonical_nquads(theirs)
    assert len(ours) > 20
