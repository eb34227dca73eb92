"""Dumps: media type, length, checksum ETag, Last-Modified, 304, gzip, no traversal."""

from __future__ import annotations

import gzip
import hashlib

import pytest
from rdflib import Dataset, Graph


@pytest.mark.parametrize(
    ("name", "media_type", "parser"),
    [
        ("ctc-kg.ttl", "text/turtle", "turtle"),
        ("ctc-kg.nt", "application/n-triples", "nt"),
        ("ctc-kg.rdf", "application/rdf+xml", "xml"),
        ("ctc-kg.trig", "application/trig", "trig"),
        ("ctc-kg.nq", "application/n-quads", "nquads"),
    ],
)
def test_dump_is_served_with_its_type_length_and_checksum(client, world, name, media_type, parser):
    response = client.get(f"/dump/{name}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(media_type)
    assert int(response.headers["Content-Length"]) == len(response.data)
    assert response.headers["ETag"] == f'"{hashlib.sha256(response.data).hexdigest()}"'
    assert response.headers["Last-Modified"]
    assert response.data == (world.dist / name).read_bytes()
    (Dataset() if parser in ("trig", "nquads") else Graph()).parse(
        data=response.data, format=parser
    )


def test_dump_revalidation_answers_304(client):
    first = client.get("/dump/ctc-kg.ttl")
    assert (
        client.get("/dump/ctc-kg.ttl", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )
    since = first.headers["Last-Modified"]
    assert client.get("/dump/ctc-kg.ttl", headers={"If-Modified-Since": since}).status_code == 304


def test_gzip_is_served_when_accepted(client, world):
    response = client.get("/dump/ctc-kg.ttl", headers={"Accept-Encoding": "gzip, deflate"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.data) == (world.dist / "ctc-kg.ttl").read_bytes()


def test_no_gzip_unless_accepted(client):
    response = client.get("/dump/ctc-kg.ttl", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers


def test_checksums_file_is_served(client):
    response = client.get("/dump/SHA256SUMS")
    assert response.status_code == 200
    assert "ctc-kg.ttl" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    ["/dump/../void.ttl", "/dump/%2e%2e/void.ttl", "/dump/..%2Fvoid.ttl", "/dump/nothing.ttl"],
)
def test_no_path_leaves_the_dump_folder(client, path):
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404


def test_context_is_served_as_jsonld(client):
    response = client.get("/context/v1.jsonld")
    assert response.headers["Content-Type"].startswith("application/ld+json")
    assert "@context" in response.get_json()
    assert response.headers["ETag"]
