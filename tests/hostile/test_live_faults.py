"""The real server (`ctc-kg serve`, granian) under faults: runaway queries, SERVICE to a
local listener, SIGTERM with a request in flight, killed processes, atomic reload."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.live import LiveServer, environment
from tests.web.conftest import BASE, MINIMAL

pytestmark = pytest.mark.slow

LIMIT = 1.0
# ~200 million solutions: minutes of work, far past the limit.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
# ~14 million solutions: a few seconds over the small data, then a 200.
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?x { 1 2 3 4 5 6 7 8 } ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
)
LABEL = (
    f"SELECT ?label WHERE {{ <{BASE}meeting/2003-new-york> "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(lang(?label) = 'en') }"
)
OLD_LABEL = "First special meeting (New York, 2003)"
NEW_LABEL = "First special meeting (New York, March 2003)"


def get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def query_url(server: LiveServer, query: str) -> str:
    return server.url + "/sparql?" + urlencode({"query": query})


@pytest.fixture(scope="module")
def limited(tmp_path_factory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("limited")
    server = LiveServer.start(MINIMAL, folder, "--workers", "2", "--query-timeout", str(LIMIT))
    yield server
    assert server.stop() == 0, server.log.read_text()


def test_runaway_query_through_the_server_is_stopped_in_time(limited):
    started = time.monotonic()
    status, body = get(query_url(limited, RUNAWAY))
    elapsed = time.monotonic() - started
    assert status == 503
    assert b"stopped" in body
    assert elapsed < LIMIT + 1.0
    status, body = get(query_url(limited, "ASK { ?s ?p ?o }"))
    assert status == 200
    assert json.loads(body)["boolean"] is True


def test_bounded_lookups_answer_from_forked_workers_while_a_runaway_is_stopped(limited):
    # LABEL provably reads a few triples (store.bounded): the web workers, forked by
    # granian, answer it from their own view of the store, opened after the fork.
    outcome: list[tuple[int, bytes]] = []
    runaway = threading.Thread(target=lambda: outcome.append(get(query_url(limited, RUNAWAY))))
    runaway.start()
    answers = [get(query_url(limited, LABEL)) for _ in range(20)]
    runaway.join(30)
    for status, body in answers:
        assert status == 200, body
        labels = [row["label"]["value"] for row in json.loads(body)["results"]["bindings"]]
        assert labels == [OLD_LABEL]
    assert outcome[0][0] == 503
    assert b"stopped" in outcome[0][1]


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        "LOAD <http://127.0.0.1:{port}/data.ttl>",
    ],
)
def test_service_and_load_through_the_server_never_reach_the_listener(limited, listener, template):
    port, seen = listener
    status, body = get(query_url(limited, template.format(port=port)))
    assert status == 403, body
    time.sleep(0.5)
    assert seen == []
    assert get(query_url(limited, "ASK {}"))[0] == 200


def test_a_killed_wsgi_worker_is_replaced_and_the_service_keeps_answering(limited):
    workers = limited.workers()
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    statuses = [get(query_url(limited, "ASK { ?s ?p ?o }"))[0] for _ in range(20)]
    assert statuses == [200] * 20
    deadline = time.monotonic() + 30
    while workers[0] in limited.workers() or len(limited.workers()) < 2:
        assert time.monotonic() < deadline, "the worker was not replaced"
        time.sleep(0.2)


def test_a_killed_query_worker_is_replaced_and_the_service_keeps_answering(limited):
    victims = limited.query_workers()
    assert victims
    for pid in victims[:2]:
        os.kill(pid, signal.SIGKILL)
    statuses = [get(query_url(limited, "ASK { ?s ?p ?o }"))[0] for _ in range(30)]
    assert statuses == [200] * 30
    resource = urllib.request.Request(
        limited.url + "/meeting/2003-new-york", headers={"Accept": "text/turtle"}
    )
    with urllib.request.urlopen(resource, timeout=30) as answer:
        assert answer.status == 200


def test_sigterm_to_the_whole_group_drains_the_request_in_flight(tmp_path):
    server = LiveServer.start(MINIMAL, tmp_path, "--workers", "1", "--query-timeout", "60")
    outcome: list[tuple[int, bytes]] = []
    thread = threading.Thread(target=lambda: outcome.append(get(query_url(server, SLOW), 90)))
    try:
        thread.start()
        time.sleep(1.0)  # the query is running in a query worker now
        os.killpg(server.process.pid, signal.SIGTERM)  # as systemd stops a service
        thread.join(90)
        status = server.process.wait(timeout=90)
    finally:
        server.kill()
    assert outcome, "the request in flight got no answer"
    code, body = outcome[0]
    assert code == 200, body
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 0
    assert status == 0, server.log.read_text()


def reload(root: Path, pid_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "ctc_kg.cli",
            "--root",
            str(root),
            "reload",
            "--pid-file",
            str(pid_file),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment(),
        check=False,
    )


def test_reload_swaps_versions_atomically_and_refuses_an_invalid_one(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(MINIMAL, root)
    server = LiveServer.start(root, tmp_path, "--workers", "2")
    seen: list[tuple[int, tuple[str, ...]]] = []
    stop = threading.Event()

    closed: list[str] = []

    def read() -> None:
        while not stop.is_set():
            try:
                status, body = get(query_url(server, LABEL))
            except (http.client.RemoteDisconnected, ConnectionResetError) as error:
                # A stopping worker closes the connections it accepted but whose request
                # it had not read yet (granian/hyper's graceful shutdown); an HTTP client
                # may retry an idempotent GET then (RFC 9112, 9.3.1), and does here.
                closed.append(repr(error))
                continue
            labels: tuple[str, ...] = ()
            if status == 200:
                rows = json.loads(body)["results"]["bindings"]
                labels = tuple(row["label"]["value"] for row in rows)
            seen.append((status, labels))

    readers = [threading.Thread(target=read) for _ in range(4)]
    try:
        for reader in readers:
            reader.start()
        version = json.loads(urllib.request.urlopen(server.url + "/health").read())["version"]
        meetings = root / "data" / "meetings.trig"
        meetings.write_text(meetings.read_text().replace(OLD_LABEL, NEW_LABEL))

        done = reload(root, server.pid_file)
        assert done.returncode == 0, done.stderr + server.log.read_text()
        assert "now serving" in done.stdout
        deadline = time.monotonic() + 60
        while not seen or seen[-1][1] != (NEW_LABEL,):
            assert time.monotonic() < deadline, "the new version is never served"
            time.sleep(0.2)
        # granian replaces the workers one after the other: until the last old one has
        # stopped, a request may still be answered by the old version (wholly).
        while (
            json.loads(urllib.request.urlopen(server.url + "/health").read())["version"] == version
        ):
            assert time.monotonic() < deadline, "/health never names the new version"
            time.sleep(0.2)

        (root / "data" / "broken.trig").write_text("<a> <b> .\n")  # not RDF
        refused = reload(root, server.pid_file)
        assert refused.returncode == 1
        assert "refused" in refused.stderr
        assert "broken.trig" in refused.stderr
        assert "refused" in server.log.read_text()
        time.sleep(3)  # workers restarted by granian after the refusal serve the same
        after = len(seen)
        time.sleep(2)
    finally:
        stop.set()
        for reader in readers:
            reader.join(60)
        status = server.stop()
    assert status == 0
    assert len(closed) < len(seen) / 20, closed  # rare, and only around the swaps
    assert all(code == 200 for code, _ in seen), {code for code, _ in seen}
    assert {labels for _, labels in seen} == {(OLD_LABEL,), (NEW_LABEL,)}
    assert {labels for _, labels in seen[after:]} == {(NEW_LABEL,)}
    first_new = next(i for i, (_, labels) in enumerate(seen) if labels == (NEW_LABEL,))
    assert len(seen) - first_new > 10
