"""No outbound request while parsing or serializing: every socket connection and name
lookup to a non-loopback address fails (and is recorded) during these tests, and every
path that reads or writes JSON-LD, with a document citing a remote @context, is taken.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from pathlib import Path

import pytest
from ctc_kg.content.context import jsonld_to_nquads, to_compacted_jsonld
from ctc_kg.content.load import ContentFiles, load_content
from ctc_kg.errors import UnusableInputError
from ctc_kg.web.app import create_app
from pyld.jsonld import JsonLdError
from rdflib import Graph

from tests.web.conftest import MINIMAL, PUBLIC, web_settings

REMOTE_CONTEXT = "http://203.0.113.7/context.jsonld"  # TEST-NET-3: never a real host
REMOTE_DOCUMENT = {
    "@context": REMOTE_CONTEXT,
    "@id": "https://w3id.org/ctc-kg/meeting/x",
    "label": "x",
}
NESTED_REMOTE = {
    "@context": [{"ex": "http://example.org/"}, {"@import": REMOTE_CONTEXT}],
    "@id": "https://w3id.org/ctc-kg/meeting/y",
    "ex:p": "y",
}


def _loopback(host: object) -> bool:
    if not isinstance(host, str):
        return True  # AF_UNIX paths and the like
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture
def attempts(monkeypatch) -> list[object]:
    """Record and refuse every outbound connection and name lookup."""
    seen: list[object] = []
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if not _loopback(host):
            seen.append(("connect", address))
            raise OSError(f"outbound connection to {address!r} refused by the test")
        real_connect(self, address)  # type: ignore[arg-type]

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if not _loopback(host):
            seen.append(("getaddrinfo", host))
            raise OSError(f"name lookup of {host!r} refused by the test")
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return seen


def test_the_guard_itself_catches_an_outbound_request(attempts):
    """The fixture is able to fail the tests below: rdflib's own JSON-LD parser, which
    ctc-kg never uses on input, does try to fetch a remote context."""
    with pytest.raises(Exception):  # noqa: B017, PT011 - rdflib wraps the OSError variously
        Graph().parse(data=json.dumps(REMOTE_DOCUMENT), format="json-ld")
    assert attempts


@pytest.mark.parametrize("document", [REMOTE_DOCUMENT, NESTED_REMOTE], ids=["direct", "import"])
def test_loading_jsonld_with_a_remote_context_fetches_nothing(tmp_path, attempts, document):
    data = tmp_path / "remote.jsonld"
    data.write_text(json.dumps(document))
    files = ContentFiles(
        ontology=tuple(sorted((MINIMAL / "ontology").glob("*.ttl"))),
        shapes=tuple(sorted((MINIMAL / "shapes").glob("*.ttl"))),
        data=(data,),
    )
    with pytest.raises(UnusableInputError, match="remote @context") as raised:
        load_content(files)
    assert REMOTE_CONTEXT in str(raised.value)
    assert attempts == []


@pytest.mark.parametrize("document", [REMOTE_DOCUMENT, NESTED_REMOTE], ids=["direct", "import"])
def test_jsonld_to_rdf_with_a_remote_context_fetches_nothing(attempts, document):
    with pytest.raises(JsonLdError):
        jsonld_to_nquads(document)
    assert attempts == []


def test_validate_command_on_remote_context_jsonld_fetches_nothing(tmp_path, attempts, capsys):
    from ctc_kg.cli import main

    data = tmp_path / "remote.jsonld"
    data.write_text(json.dumps(REMOTE_DOCUMENT))
    assert main(["--root", str(MINIMAL), "validate", str(data)]) == 2
    assert "remote @context" in capsys.readouterr().err
    assert attempts == []


def test_compacting_cites_the_context_without_fetching_it(attempts):
    triple = (
        '<https://w3id.org/ctc-kg/meeting/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .'
    )
    graph = Graph().parse(data=triple, format="nt")
    for base in ("https://w3id.org/ctc-kg/", PUBLIC):
        document = json.loads(to_compacted_jsonld(graph, base))
        assert document["@context"] == base + "context/v1.jsonld"
    assert attempts == []


@pytest.mark.parametrize("public", [None, PUBLIC], ids=["canonical", "public"])
def test_every_jsonld_response_is_made_offline(hostile_world, attempts, public):
    client = create_app(
        web_settings(public_url=public), hostile_world.store, dist=hostile_world.dist
    ).test_client()
    jsonld = {"Accept": "application/ld+json"}
    responses = [
        client.get("/meeting/2003-new-york", headers=jsonld),
        client.get("/", headers=jsonld),
        client.get("/.well-known/void", headers=jsonld),
        client.get("/catalog", headers=jsonld),
        client.get("/sparql", headers=jsonld),
        client.get(
            "/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers=jsonld
        ),
        client.get("/dump/ctc-kg.jsonld"),
        client.get("/context/v1.jsonld"),
        client.get("/meeting/2003-new-york", headers={"Accept": "text/html"}),  # embeds JSON-LD
        client.post(
            "/sparql",
            data=json.dumps(REMOTE_DOCUMENT),
            content_type="application/ld+json",
        ),
    ]
    statuses = [response.status_code for response in responses]
    assert statuses[:-1] == [200] * (len(responses) - 1)
    assert statuses[-1] == 415  # JSON-LD is never accepted as input
    for response in responses[:7]:
        json.loads(response.data)
    assert attempts == []


NEEDLES = (
    "import requests",
    "urllib.request",
    "http.client",
    "from SPARQLWrapper",
    "import SPARQLWrapper",
    "import httpx",
    "import urllib3",
)


def test_no_module_of_the_server_imports_an_http_client_besides_the_remote_store():
    """The only outbound HTTP code is the remote backend (and the loader of `ctc-kg load`),
    both reaching the one endpoint the operator configured; store/dataset_echo.py only
    lets the remote backend read its store's answers (it opens no connection)."""
    package = Path(__file__).resolve().parents[2] / "server" / "ctc_kg"
    # The remote backend's HTTP client lives in store/remote_http.py since it was split.
    allowed = {
        "store/remote.py",
        "store/remote_http.py",
        "store/push.py",
        "store/dataset_echo.py",
    }
    offenders = []
    for path in package.rglob("*.py"):
        relative = path.relative_to(package).as_posix()
        text = path.read_text(encoding="utf-8")
        for needle in NEEDLES:
            if needle in text and relative not in allowed:
                offenders.append((relative, needle))
    assert offenders == []
