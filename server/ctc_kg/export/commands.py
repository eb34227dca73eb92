"""The `--site DIR` part of `ctc-kg build`: exit 0 written, 1 the data does not conform,
2 unusable input or an unwritable folder."""

from __future__ import annotations

import sys
from pathlib import Path

from ctc_kg.config import Settings
from ctc_kg.content.commands import OK, UNUSABLE, VIOLATIONS
from ctc_kg.content.load import content_files, load_content
from ctc_kg.content.reading import display_path
from ctc_kg.errors import UnusableInputError, ValidationFailedError
from ctc_kg.export.site import export_site


def run_site(settings: Settings, out: Path, *, sparql_endpoint: str | None = None) -> int:
    try:
        content = load_content(content_files(settings), settings.base_iri)
        result = export_site(settings, content, out, sparql_endpoint=sparql_endpoint)
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
