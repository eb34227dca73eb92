"""The releases in the static site (`ctc-kg build --site`), served for real by nginx with
the generated configuration: mementos per release, TimeMaps as link-format, frozen files."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from ctc_kg.cli import main
from ctc_kg.config import load_settings

from tests.export.conftest import MINIMAL, NGINX_CONF, build_site, fetch, stop, wait_for_port
from tests.live import free_port

MEETING = "https://w3id.org/ctc-kg/meeting/2003-new-york"
NEW_TITLE = "A title only the second release has"


@dataclass(frozen=True)
class ReleaseSite:
    folder: Path
    port: int


@pytest.fixture(scope="module")
def release_site(readable_tmp: Path) -> ReleaseSite:
    root = readable_tmp / "release-root"
    shutil.copytree(MINIMAL, root)
    assert main(["--root", str(root), "release", "1.0.0"]) == 0
    meetings = root / "data" / "meetings.trig"
    addition = f'\n<{MEETING}> <http://purl.org/dc/terms/alternative> "{NEW_TITLE}"@en .\n'
    meetings.write_text(meetings.read_text("utf-8") + addition, "utf-8")
    assert main(["--root", str(root), "release", "1.1.0"]) == 0
    port = free_port()
    settings = load_settings({"root": root, "public_url": f"http://127.0.0.1:{port}/"}, environ={})
    result = build_site(settings, readable_tmp / "release-site")
    for folder, _, names in os.walk(result.out):
        os.chmod(folder, 0o755)
        for name in names:
            os.chmod(Path(folder) / name, 0o644)
    return ReleaseSite(result.out, port)


@pytest.fixture(scope="module")
def release_nginx(
    release_site: ReleaseSite, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[int]:
    work = tmp_path_factory.mktemp("nginx-releases")
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=work, site=release_site.folder, port=release_site.port))
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    with (work / "stdout.log").open("wb") as output:
        process = subprocess.Popen(
            [binary, "-p", str(work), "-c", str(conf), "-g", "daemon off;"],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    wait_for_port(release_site.port, process, work / "stdout.log")
    yield release_site.port
    stop(process)


def titles(body: bytes) -> set[str]:
    return {
        q.object.value
        for q in ox.parse(body, format=ox.RdfFormat.N_QUADS)
        if q.predicate == ox.NamedNode("http://purl.org/dc/terms/alternative")
    }


def test_each_release_has_its_own_memento_of_a_resource(release_nginx: int) -> None:
    old = fetch(
        release_nginx, "/release/1.0.0/meeting/2003-new-york", {"Accept": "application/n-quads"}
    )
    new = fetch(
        release_nginx, "/release/1.1.0/meeting/2003-new-york", {"Accept": "application/n-quads"}
    )
    assert old.status == 200
    assert new.status == 200
    assert NEW_TITLE not in titles(old.body)
    assert NEW_TITLE in titles(new.body)


def test_timemaps_are_served_as_link_format_listing_both_releases(release_nginx: int) -> None:
    answer = fetch(release_nginx, "/timemap/meeting/2003-new-york")
    assert answer.status == 200
    assert answer.content_type.startswith("application/link-format")
    text = answer.body.decode("utf-8")
    assert '/release/1.0.0/meeting/2003-new-york>; rel="first memento"' in text
    assert '/release/1.1.0/meeting/2003-new-york>; rel="last memento"' in text


def test_the_frozen_dump_has_the_bytes_its_checksums_record(release_nginx: int) -> None:
    sums = fetch(release_nginx, "/release/1.0.0/dump/SHA256SUMS").body.decode()
    recorded = {name: digest for digest, name in (line.split("  ") for line in sums.splitlines())}
    dump = fetch(release_nginx, "/release/1.0.0/dump/ctc-kg.nq.gz").body
    assert hashlib.sha256(dump).hexdigest() == recorded["ctc-kg.nq.gz"]
    assert gzip.decompress(dump)


@pytest.mark.parametrize("path", ["/release/", "/release/1.0.0", "/release/1.1.0"])
def test_the_release_list_and_descriptions_are_negotiated(release_nginx: int, path: str) -> None:
    turtle = fetch(release_nginx, path, {"Accept": "text/turtle"})
    assert turtle.status == 200
    assert turtle.content_type.startswith("text/turtle")
    page = fetch(release_nginx, path, {"Accept": "text/html"})
    assert page.status == 200
    assert page.content_type.startswith("text/html")
