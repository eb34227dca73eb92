"""Through the production server (granian, embedded store): after `ctc-kg reload` with new
content, no cache answers with the old data and no old validator still validates. A
representation that was answered (and kept by the response cache) before the reload comes
back with the new bytes and a new ETag, for every way of asking for it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import rdflib

from tests.live import LiveServer, environment
from tests.web.conftest import BASE, MINIMAL

pytestmark = pytest.mark.slow

MEETING = "meeting/2003-new-york"
OLD_LABEL = "First special meeting (New York, 2003)"
NEW_LABEL = "First special meeting (New York, March 2003)"
TURTLE = "text/turtle"
CLI = (sys.executable, "-m", "ctc_kg.cli")


def fetch(url: str, headers: dict[str, str]) -> tuple[int, bytes, str | None]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read(), answer.headers.get("ETag")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("ETag")


def english_label(body: bytes) -> set[str]:
    graph = rdflib.Graph().parse(data=body, format="turtle")
    found = graph.objects(rdflib.URIRef(BASE + MEETING), rdflib.RDFS.label)
    return {str(o) for o in found if isinstance(o, rdflib.Literal) and o.language == "en"}


def test_a_reload_with_new_content_is_answered_with_new_bytes_and_a_new_etag(tmp_path: Path):
    root = tmp_path / "root"
    shutil.copytree(MINIMAL, root)
    server = LiveServer.start(root, tmp_path, "--workers", "1")
    url = f"{server.url}/{MEETING}"
    spellings = [{"Accept": TURTLE}, {"Accept": "text/turtle;q=1.0, */*;q=0.1"}]
    try:
        before = [fetch(url, headers) for headers in spellings for _ in range(2)]
        assert {status for status, _, _ in before} == {200}
        assert all(english_label(body) == {OLD_LABEL} for _, body, _ in before)
        old_etags = {etag for _, _, etag in before}
        assert len(old_etags) == 1  # one representation, however it was asked for
        old_etag = old_etags.pop()
        assert old_etag is not None
        assert fetch(url, {"Accept": TURTLE, "If-None-Match": old_etag})[0] == 304

        meetings = root / "data" / "meetings.trig"
        meetings.write_text(meetings.read_text().replace(OLD_LABEL, NEW_LABEL))
        done = subprocess.run(
            [*CLI, "--root", str(root), "reload", "--pid-file", str(server.pid_file)],
            capture_output=True,
            text=True,
            timeout=300,
            env=environment(),
            check=False,
        )
        assert done.returncode == 0, done.stderr + server.log.read_text()
        # The old worker may answer a last request or two while its successor starts
        # (granian respawns it on the same socket); then every spelling gets the new data.
        deadline = time.monotonic() + 60
        while True:
            after = [fetch(url, headers) for headers in spellings for _ in range(2)]
            if all(english_label(body) == {NEW_LABEL} for _, body, _ in after):
                break
            assert time.monotonic() < deadline, "the old content is still served after 60 s"
            time.sleep(0.2)
        new_etags = {etag for _, _, etag in after}
        assert len(new_etags) == 1
        assert old_etag not in new_etags
        status, body, _ = fetch(url, {"Accept": TURTLE, "If-None-Match": old_etag})
        assert status == 200
        assert english_label(body) == {NEW_LABEL}
    finally:
        status = server.stop()
    assert status == 0, server.log.read_text()
