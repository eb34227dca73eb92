"""schema.org `Dataset` markup on the landing page (the site's and the server's), as
dataset search engines read it: a JSON-LD script parsed with a real JSON-LD parser."""

from __future__ import annotations

import re

import pytest
from ctc_kg.config import CANONICAL_BASE_IRI, load_settings
from ctc_kg.content.build import build
from ctc_kg.content.load import content_files, load_content
from ctc_kg.content.serialize import union_of
from ctc_kg.web.html.dataset_markup import dataset_markup
from ctc_kg.web.html.quads import QuadIndex
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SDO

from tests.conftest import REPOSITORY
from tests.export.conftest import ask_app

pytestmark = pytest.mark.slow


def markup_of(page: bytes) -> Graph:
    found = re.search(rb'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert found is not None
    return Graph().parse(data=found.group(1).decode("utf-8"), format="json-ld")


@pytest.fixture(scope="module")
def markup(site) -> Graph:
    return markup_of((site.folder / "index.html").read_bytes())


def test_landing_page_of_site_and_server_embed_the_same_markup(site, server, markup):
    live = ask_app(server, site.public, "/", {"Accept": "text/html"})
    assert set(markup_of(live.body)) == set(markup)


@pytest.fixture(scope="module")
def repository_markup(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    """The markup of the repository's dataset, from its data and a real build's
    description (what the landing page's index holds)."""
    settings = load_settings({"root": REPOSITORY}, environ={})
    content = load_content(content_files(settings), settings.base_iri)
    out = tmp_path_factory.mktemp("markup") / "dist"
    build(content, out)
    description = Graph().parse(out / "void.ttl", format="turtle")
    quads = [(s, p, o, None) for s, p, o in union_of(content.data_dataset())]
    quads += [(s, p, o, None) for s, p, o in description]
    base = settings.base_iri
    return dataset_markup(QuadIndex(quads), base + "dataset", base, lambda iri: iri)


def test_dataset_has_description_license_and_named_creator(repository_markup):
    dataset = URIRef(CANONICAL_BASE_IRI + "dataset")
    assert (dataset, RDF.type, SDO.Dataset) in repository_markup
    assert repository_markup.value(dataset, SDO.description) is not None
    assert repository_markup.value(dataset, SDO.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    creator = repository_markup.value(dataset, SDO.creator)
    assert creator is not None
    assert repository_markup.value(creator, SDO.name) is not None


def test_coverage_spans_the_five_meetings(repository_markup):
    dataset = URIRef(CANONICAL_BASE_IRI + "dataset")
    coverage = str(repository_markup.value(dataset, SDO.temporalCoverage))
    assert coverage.startswith("2003-03-06/2007-")
    places = {
        str(repository_markup.value(place, SDO.name))
        for place in repository_markup.objects(dataset, SDO.spatialCoverage)
    }
    assert len(places) == 5


def test_every_dump_is_a_data_download_with_url_and_format(site, markup):
    dataset = URIRef(site.public + "dataset")
    downloads = list(markup.objects(dataset, SDO.distribution))
    formats = {str(markup.value(d, SDO.encodingFormat)) for d in downloads}
    assert {"text/turtle", "application/ld+json", "application/n-triples"} <= formats
    for download in downloads:
        assert (download, RDF.type, SDO.DataDownload) in markup
        url = markup.value(download, SDO.contentUrl)
        assert url is not None
        assert str(url).startswith(site.public + "dump/")


def test_temporal_coverage_and_sources(site, markup):
    dataset = URIRef(site.public + "dataset")
    coverage = markup.value(dataset, SDO.temporalCoverage)
    assert coverage == Literal("2003-03-06/2003-03-06")  # the small dataset's one meeting
    sources = list(markup.objects(dataset, SDO.isBasedOn))
    assert sources
    urls = {str(markup.value(s, SDO.url)) for s in sources}
    assert "http://www.un.org/fr/sc/ctc/cooperation.html" in urls
