"""The SPARQL editor's scripts (YASGUI's 1 MB build and sparql.js) never block the page's
first paint and are fetched once a year: deferred, gzipped, under a URL that names their
content, with `Cache-Control: immutable` (production server, real sockets)."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from ctc_kg.web.assets import YASGUI_BUILD, editor_assets

from tests.live import REPOSITORY, LiveServer
from tests.web.test_compression import GZIP, ask

pytestmark = pytest.mark.slow

ONE_YEAR = "max-age=31536000"


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    live = LiveServer.start(REPOSITORY, tmp_path_factory.mktemp("assets"), "--workers", "1")
    yield live.port
    live.stop(timeout=30)


def _editor_page(port: int) -> str:
    return ask(port, "/sparql", {"Accept": "text/html"}).body.decode()


def _editor_config(port: int) -> dict:
    page = _editor_page(port)
    (config,) = re.findall(
        r'<script type="application/json" id="yasgui-config">(.*?)</script>', page
    )
    return json.loads(config)


def test_the_page_loads_no_part_of_yasgui_until_the_form_is_used(port):
    """YASGUI (1 MB of script) is named only in the page's data for sparql.js, which
    fetches it on the form's first use: no tag of the page loads or preloads it."""
    page = _editor_page(port)
    fetched = re.findall(r"<(?:script|link)\b[^>]*(?:src|href)=\"([^\"]*)\"", page)
    assert [url for url in fetched if "yasgui" in url] == []
    urls = _editor_config(port)["yasgui"]
    assert re.fullmatch(r"/assets/[0-9a-f]{16}/yasgui\.min\.js", urls["script"])
    assert re.fullmatch(r"/assets/[0-9a-f]{16}/yasgui\.min\.css", urls["style"])


def test_the_pages_own_script_is_deferred_and_versioned(port):
    scripts = re.findall(r"<script ([^>]*)></script>", _editor_page(port))
    external = [attributes for attributes in scripts if "src=" in attributes]
    assert len(external) == 1  # sparql.js, which loads YASGUI when the form is used
    assert re.search(r"\bdefer\b", external[0]), external[0]
    source = re.search(r'src="([^"]+)"', external[0]).group(1)
    assert re.fullmatch(r"/assets/[0-9a-f]{16}/sparql\.js", source)


def test_versioned_assets_are_cached_for_a_year_and_gzipped(port):
    page = _editor_page(port)
    names = re.findall(r'(/assets/[0-9a-f]+/[^"]+)"', page)  # tags and sparql.js's data
    assert {Path(n).name for n in names} == {"yasgui.min.js", "yasgui.min.css", "sparql.js"}
    yasgui = REPOSITORY / YASGUI_BUILD
    for name in names:
        answer = ask(port, name, GZIP)
        assert answer.status == 200, name
        control = answer.headers["cache-control"]
        assert control == f"public, {ONE_YEAR}, immutable"
        assert answer.headers["content-encoding"] == "gzip"
        expected = {".js": "text/javascript", ".css": "text/css"}[Path(name).suffix]
        assert answer.headers["content-type"] == f"{expected}; charset=utf-8"
        if Path(name).name.startswith("yasgui"):
            assert gzip.decompress(answer.body) == (yasgui / Path(name).name).read_bytes()
        again = ask(port, name, {**GZIP, "If-None-Match": answer.headers["etag"]})
        assert again.status == 304


def test_an_asset_under_another_version_is_not_found(port):
    name = _editor_config(port)["yasgui"]["script"]
    stale = re.sub(r"/assets/[0-9a-f]+/", "/assets/0123456789abcdef/", name)
    assert ask(port, stale, {}).status == 404
    assert ask(port, name.replace("yasgui.min.js", "app.py"), {}).status == 404


def test_the_version_changes_with_the_content_of_any_asset(tmp_path):
    build = tmp_path / YASGUI_BUILD
    build.mkdir(parents=True)
    (build / "yasgui.min.js").write_text("window.Yasgui = 1;")
    first = editor_assets(tmp_path)
    (build / "yasgui.min.js").write_text("window.Yasgui = 2;")
    editor_assets.cache_clear()
    second = editor_assets(tmp_path)
    assert first.version != second.version
    assert first.files["yasgui.min.js"] == build / "yasgui.min.js"
