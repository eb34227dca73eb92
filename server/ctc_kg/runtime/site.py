"""The `--site DIR` part of `ctc-kg build`: exit 0 written, 1 the data does not conform,
2 unusable input or an unwritable folder.

It runs after `run_build` (content/commands.py) has loaded, validated and built the
content into `settings.dist_dir`, and is handed that content: nothing is loaded,
validated or built again. The app it captures from answers with the dumps and checksums
of that folder, and from a store written from the same content (the one `serve` would
write) or from the remote store the settings name.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ctc_kg.config import Settings
from ctc_kg.content.commands import OK, UNUSABLE, VIOLATIONS
from ctc_kg.content.load import Content, display_path
from ctc_kg.errors import UnusableInputError, ValidationFailedError
from ctc_kg.export.site import SiteResult, export_site
from ctc_kg.runtime.app import prepared_app
from ctc_kg.runtime.prepare import prepare_built


def run_site(
    settings: Settings, out: Path, content: Content, *, sparql_endpoint: str | None = None
) -> int:
    """Write the static site of `content`, whose build `run_build` has just written."""
    try:
        result = write_site(settings, content, out, sparql_endpoint=sparql_endpoint)
    except ValidationFailedError as error:
        print(f"ctc-kg build: the data does not conform; no site written: {error}", file=sys.stderr)
        return VIOLATIONS
    except UnusableInputError as error:
        print(f"ctc-kg build: {error}", file=sys.stderr)
        return UNUSABLE
    except OSError as error:
        print(f"ctc-kg build: cannot write {out}: {error}", file=sys.stderr)
        return UNUSABLE
    print(
        f"wrote the site ({len(result.negotiables)} resources, {len(result.files)} files) "
        f"for {result.deployment.public_base} to {display_path(result.out)}"
    )
    return OK


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
