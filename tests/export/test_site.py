"""`ctc-kg build --site DIR`: what the folder holds, that it is deterministic and
replaced atomically, the sitemap and robots.txt, links that stay on the site."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from ctc_kg.cli import main
from ctc_kg.web import conneg
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF

from tests.export.conftest import MINIMAL, build_site, site_settings

pytestmark = pytest.mark.slow

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_building_twice_gives_a_byte_identical_site(site, readable_tmp):
    again = build_site(
        site.settings, readable_tmp / "site-again", "https://sparql.example.org/ctc-kg"
    )
    first, second = files_of(site.folder), files_of(again.out)
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []


def test_site_holds_every_representation_and_the_published_files(site):
    names = set(site.result.files)
    assert names == set(files_of(site.folder))
    for item in site.result.negotiables:
        for name, _, _ in item.files():
            assert name in names
    paths = {item.path for item in site.result.negotiables}
    assert {
        "",
        ".well-known/void",
        "catalog",
        "ontology",
        "shapes",
        "meeting/2003-new-york",
    } <= paths
    expected = {
        "index.html",
        "index.fr.html",
        "index.ttl",
        "index.jsonld",
        "catalog.ttl",
        "catalog.rdf",
        "catalog.jsonld",
        ".well-known/void.ttl",
        "context/v1.jsonld",
        "dump/ctc-kg.ttl",
        "dump/ctc-kg.ttl.gz",
        "dump/SHA256SUMS",
        "static/style.css",
        "robots.txt",
        "sitemap.xml",
        ".htaccess",
        ".deploy/nginx-http.conf",
        ".deploy/nginx-server.conf",
        ".deploy/w3id/.htaccess",
        ".deploy/404.html",
        ".deploy/406.txt",
        "meeting/2003-new-york.var",
    }
    assert expected <= names


def test_static_site_has_no_sparql_editor_or_yasgui(site):
    names = set(site.result.files)
    assert not any("yasgui" in name for name in names)
    assert "sparql.html" not in names


def test_sitemap_lists_every_page_under_the_public_url(site):
    root = ET.fromstring((site.folder / "sitemap.xml").read_bytes())
    locations = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    pages = {site.public + item.path for item in site.result.negotiables if item.languages}
    assert set(locations) == pages
    assert len(locations) == len(pages)
    assert site.public + "meeting/2003-new-york" in locations
    assert site.public + "catalog" not in locations  # no HTML page there


def test_robots_txt_points_to_the_sitemap(site):
    text = (site.folder / "robots.txt").read_text()
    assert f"Sitemap: {site.public}sitemap.xml" in text.splitlines()


def test_pages_under_a_path_prefix_link_within_it(readable_tmp):
    settings = site_settings("http://127.0.0.1:9/kg/")
    result = build_site(settings, readable_tmp / "site-prefix")
    page = (result.out / "meeting" / "2003-new-york.html").read_text("utf-8")
    hrefs = re.findall(r'href="([^"]+)"', page)
    local = [h for h in hrefs if h.startswith("/")]
    assert local
    assert all(h.startswith("/kg/") for h in local), [h for h in local if not h.startswith("/kg/")]
    assert "/kg/meeting/2003-new-york?format=ttl" in page
    assert "https://w3id.org/ctc-kg/" not in " ".join(hrefs)
    server_conf = (result.out / ".deploy" / "nginx-server.conf").read_text()
    assert "location = /kg/ {" in server_conf
    htaccess = (result.out / ".htaccess").read_text()
    assert "RewriteBase /kg/" in htaccess


def test_build_site_command_writes_dumps_and_site(tmp_path, capsys):
    status = main(
        [
            "--root",
            str(MINIMAL),
            "build",
            "--out",
            str(tmp_path / "dist"),
            "--site",
            str(tmp_path / "site"),
            "--public-url",
            "https://data.example.org/ctc-kg/",
        ]
    )
    assert status == 0
    assert (tmp_path / "dist" / "ctc-kg.ttl").exists()
    turtle = (tmp_path / "site" / "meeting" / "2003-new-york.ttl").read_text("utf-8")
    assert "<https://data.example.org/ctc-kg/meeting/2003-new-york>" in turtle
    assert not (tmp_path / "site" / ".deploy" / "nginx-server.conf").read_text().count("sparql")
    assert "wrote the site" in capsys.readouterr().out


def test_build_site_writes_nothing_when_the_data_does_not_conform(tmp_path, capsys):
    root = tmp_path / "root"
    for part in ("ontology", "shapes", "data"):
        (root / part).mkdir(parents=True)
        for source in (MINIMAL / part).glob("*"):
            (root / part / source.name).write_bytes(source.read_bytes())
    meetings = root / "data" / "meetings.trig"
    meetings.write_text(meetings.read_text().replace("schema:startDate", "schema:endDate", 1))
    status = main(
        [
            "--root",
            str(root),
            "build",
            "--out",
            str(tmp_path / "dist"),
            "--site",
            str(tmp_path / "site"),
        ]
    )
    assert status == 1
    assert not (tmp_path / "site").exists()


def test_every_format_the_server_offers_has_a_file(site):
    item = next(i for i in site.result.negotiables if i.path == "meeting/2003-new-york")
    suffixes = {Path(name).suffix[1:] for name, _, _ in item.files()}
    assert suffixes == {fmt.name for fmt in conneg.RESOURCE_FORMATS}


SPDX = "http://spdx.org/rdf/terms#"


def test_checksums_and_sizes_the_site_states_are_those_of_its_files(site):
    """Regression (issue 13, point 6): the exported description stated the canonical
    dumps' checksums while the site held the dumps rewritten for its public URL, and
    SHA256SUMS named context/v1.jsonld, which the site did not hold under dump/."""
    files = files_of(site.folder)
    sums = files["dump/SHA256SUMS"].decode("utf-8").splitlines()
    assert any(line.endswith("  context/v1.jsonld") for line in sums)
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256(files[f"dump/{name}"]).hexdigest() == digest, name
    for description in (".well-known/void.ttl", "catalog.ttl", "index.ttl", "dump/void.ttl"):
        graph = Graph().parse(data=files[description], format="turtle")
        distributions = list(graph.subjects(RDF.type, DCAT.Distribution))
        assert len(distributions) == 12, description
        for distribution in distributions:
            (url,) = graph.objects(distribution, DCAT.downloadURL)
            (size,) = graph.objects(distribution, DCAT.byteSize)
            (checksum,) = graph.objects(distribution, URIRef(SPDX + "checksum"))
            (value,) = graph.objects(checksum, URIRef(SPDX + "checksumValue"))
            body = files[str(url)[len(site.public) :]]
            assert hashlib.sha256(body).hexdigest() == str(value), (description, url)
            assert len(body) == int(size), (description, url)
