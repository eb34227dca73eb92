"""`ctc-kg load` into the Virtuoso a running `ctc-kg serve --store sparql+...` answers
from is served without a restart: new bytes under a new ETag, and a conditional request
with the old ETag gets the new answer, not 304 (docs/scale-out.md, "Data version").

Regression: descriptions stayed in the server's caches and ETags came from the local
build, so after a reload `GET /thing` returned the old bytes under the old ETag and a
conditional `GET /sparql?query=...` got 304 without the store being asked.

The production server (granian, `ctc-kg serve`) over a Virtuoso of its own (this test
reloads it), real `ctc-kg load` commands, real HTTP.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from tests.backends import VirtuosoServer, VirtuosoServers
from tests.live import REPOSITORY, LiveServer, environment

pytestmark = [pytest.mark.virtuoso, pytest.mark.slow]

MEETING = "https://w3id.org/ctc-kg/meeting/2003-new-york"
OLD_LABEL = "First special meeting (New York, 6 March 2003)"
NEW_LABEL = "First special meeting (New York, 6 March 2003), reloaded"
LABEL_QUERY = f"SELECT ?label WHERE {{ <{MEETING}> <{RDFS.label}> ?label }}"
TURTLE = "text/turtle"
JSON = "application/sparql-results+json"
# Far above the version's time to live (store.remote.VERSION_TTL_SECONDS): a server that
# never sees the reload fails, one that sees it within the documented bound passes.
SEEN_WITHIN = 30.0


@dataclass
class Answer:
    status: int
    etag: str | None
    body: bytes


def get(url: str, accept: str, if_none_match: str | None = None) -> Answer:
    headers = {"Accept": accept}
    if if_none_match is not None:
        headers["If-None-Match"] = if_none_match
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return Answer(answer.status, answer.headers.get("ETag"), answer.read())
    except urllib.error.HTTPError as error:  # 304 and errors
        return Answer(error.code, error.headers.get("ETag"), error.read())


def ctc_kg_load(root: Path, server: VirtuosoServer) -> None:
    """The real command, as an operator runs it against the running store."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ctc_kg.cli",
            "--root",
            str(root),
            "load",
            "--endpoint",
            server.update_endpoint,
        ],
        env=environment(**server.credentials),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def content_copy(folder: Path) -> Path:
    """The repository's content, with the meeting's English label changed."""
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(REPOSITORY / name, folder / name)
    meetings = folder / "data" / "meetings.trig"
    text = meetings.read_text(encoding="utf-8")
    assert text.count(f'"{OLD_LABEL}"@en') == 1
    meetings.write_text(text.replace(f'"{OLD_LABEL}"@en', f'"{NEW_LABEL}"@en'), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def reloaded_store(virtuoso_servers: VirtuosoServers) -> VirtuosoServer:
    """A Virtuoso of this module's own (it is reloaded), holding the repository's data."""
    server = virtuoso_servers.get("reload")
    ctc_kg_load(REPOSITORY, server)
    return server


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, reloaded_store: VirtuosoServer
) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("serve-reload")
    live = LiveServer.start(
        REPOSITORY,
        folder,
        "--workers",
        "1",
        "--store",
        "sparql+" + reloaded_store.endpoint,
        timeout=90,
        env=environment(TMPDIR=str(folder)),
    )
    yield live.url
    assert live.stop(timeout=30) == 0, live.log.read_text()


def labels_in_turtle(body: bytes) -> set[str]:
    graph = Graph().parse(data=body, format="turtle")
    return {
        str(o)
        for o in graph.objects(URIRef(MEETING), RDFS.label)
        if isinstance(o, Literal) and o.language == "en"
    }


def test_a_reload_into_the_running_store_is_served_with_new_validators(
    served: str, reloaded_store: VirtuosoServer, tmp_path: Path
) -> None:
    resource = served + "/meeting/2003-new-york"
    query = served + "/sparql?" + urllib.parse.urlencode({"query": LABEL_QUERY})
    before = get(resource, TURTLE)
    assert before.status == 200
    assert before.etag
    assert labels_in_turtle(before.body) == {OLD_LABEL}
    assert get(resource, TURTLE).body == before.body  # now in the server's caches
    assert get(resource, TURTLE, if_none_match=before.etag).status == 304
    before_query = get(query, JSON)
    assert before_query.status == 200
    assert before_query.etag
    assert OLD_LABEL.encode() in before_query.body
    assert get(query, JSON, if_none_match=before_query.etag).status == 304

    ctc_kg_load(content_copy(tmp_path), reloaded_store)

    deadline = time.monotonic() + SEEN_WITHIN
    after = get(resource, TURTLE)
    while after.etag == before.etag and time.monotonic() < deadline:
        time.sleep(0.5)
        after = get(resource, TURTLE)
    assert after.status == 200
    assert after.etag != before.etag
    assert labels_in_turtle(after.body) == {NEW_LABEL}
    # A client holding the old representation gets the new one, not 304.
    revalidated = get(resource, TURTLE, if_none_match=before.etag)
    assert (revalidated.status, revalidated.etag) == (200, after.etag)
    assert labels_in_turtle(revalidated.body) == {NEW_LABEL}
    # Same for a query by GET: the store is asked again.
    query_again = get(query, JSON, if_none_match=before_query.etag)
    assert query_again.status == 200
    assert query_again.etag != before_query.etag
    assert NEW_LABEL.encode() in query_again.body
    assert get(query, JSON, if_none_match=query_again.etag).status == 304
