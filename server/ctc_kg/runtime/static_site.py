"""The `--site DIR` part of `ctc-kg build` (commands.run_site).

It runs after `run_build` (ctc_kg/commands.py) has loaded, validated and built the
content into `settings.dist_dir`, and is handed that content: nothing is loaded,
validated or built again. The app it captures from answers with the dumps and checksums
of that folder, and from a store written from the same content (the one `serve` would
write) or from the remote store the settings name.
"""

from __future__ import annotations

from pathlib import Path

from ctc_kg.config import Settings
from ctc_kg.content.load import Content
from ctc_kg.export.static_site import SiteResult, export_site
from ctc_kg.runtime.app import prepared_app
from ctc_kg.runtime.prepare import prepare_built


def write_site(
    settings: Settings, content: Content, out: Path, *, sparql_endpoint: str | None = None
) -> SiteResult:
    """The site of `content` (validated, and built into `settings.dist_dir`) into `out`."""
    prepared = prepare_built(settings, content, settings.dist_dir)
    try:
        with prepared_app(settings, prepared) as app:
            return export_site(settings, app, content, out, sparql_endpoint=sparql_endpoint)
    finally:
        prepared.cleanup()
