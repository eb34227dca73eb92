"""The site is the same bytes on every build, whatever Python's per-process hash seed
(set and dict-of-set orders follow it): the dumps, their checksums in the description,
and the schema.org markup of pages. Each case runs in two processes with different
PYTHONHASHSEED values over the repository's real data."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPOSITORY

pytestmark = pytest.mark.slow

BUILD = """
import hashlib, sys, tempfile
from pathlib import Path
from ctc_kg.config import load_settings
from ctc_kg.content.build import build
from ctc_kg.content.load import content_files, load_content
settings = load_settings({"root": sys.argv[1]}, environ={})
content = load_content(content_files(settings), settings.base_iri)
with tempfile.TemporaryDirectory() as folder:
    build(content, Path(folder) / "dist")
    print(hashlib.sha256((Path(folder) / "dist" / "SHA256SUMS").read_bytes()).hexdigest())
"""

MARKUP = """
import hashlib, sys
from ctc_kg.config import load_settings
from ctc_kg.content.load import content_files, load_content
from ctc_kg.web.html.jsonld import schema_org_graph, script_json
from ctc_kg.web.html.quads import QuadIndex
settings = load_settings({"root": sys.argv[1]}, environ={})
content = load_content(content_files(settings), settings.base_iri)
index = QuadIndex((s, p, o, None) for s, p, o, _ in content.dataset.quads())
text = "".join(
    script_json(schema_org_graph(index, settings.base_iri + path, lambda iri: iri))
    for path in ("meeting/2007-nairobi", "place/vienna", "series/special-meetings")
)
print(hashlib.sha256(text.encode()).hexdigest())
"""


def run(script: str, seed: str) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CTC_KG_")}
    environment["PYTHONHASHSEED"] = seed
    result = subprocess.run(
        [sys.executable, "-c", script, str(REPOSITORY)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize("script", [BUILD, MARKUP], ids=["dumps", "schema-org-markup"])
def test_same_bytes_whatever_the_hash_seed(script):
    first, second = run(script, "1"), run(script, "2")
    assert len(first) == 64
    assert first == second
