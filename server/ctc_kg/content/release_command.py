"""`ctc-kg release VERSION` and `ctc-kg release --verify`: exit 0 success, 1 the data does
not conform (or a release's files do not match their checksums), 2 unusable input (a bad
or existing version, unreadable data). All or nothing: a release folder appears whole,
or not at all."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from ctc_kg.config import Settings
from ctc_kg.content.build import build
from ctc_kg.content.commands import OK, UNUSABLE, VIOLATIONS
from ctc_kg.content.load import content_files, load_content
from ctc_kg.content.reading import display_path
from ctc_kg.content.releases import (
    ReleaseError,
    check_new_version,
    data_commit,
    list_releases,
    make_release,
    verify,
)
from ctc_kg.content.validate import validate_content
from ctc_kg.errors import UnusableInputError
from ctc_kg.formats import DATA_DUMP, NQUADS, NTRIPLES, ONTOLOGY_DUMP, file_name


def releases_folder(settings: Settings) -> Path:
    return settings.root / "releases"


def run_release(
    settings: Settings,
    version: str | None,
    *,
    folder: Path | None = None,
    data_revision: str = "HEAD",
    repository: Path | None = None,
) -> int:
    """Freeze the validated build as release `version` in `folder` (default releases/).

    The git commit of data/ recorded is the last one at or before `data_revision` in
    `repository` (default: the root), so a release of an older checkout can say which."""
    folder = folder or releases_folder(settings)
    if version is None:
        return _verify(folder)
    try:
        check_new_version(folder, version)
        content = load_content(content_files(settings), settings.base_iri)
        report = validate_content(content)
        if not report.conforms:
            print(report.text())
            print(
                f"ctc-kg release: the data does not conform; no release {version}", file=sys.stderr
            )
            return VIOLATIONS
        with tempfile.TemporaryDirectory(prefix="ctc-kg-release-") as scratch:
            built = build(content, Path(scratch) / "dist").out
            made = make_release(
                folder,
                version,
                base_iri=settings.base_iri,
                data_nquads=(built / file_name(DATA_DUMP, NQUADS)).read_bytes(),
                ontology_ntriples=(built / file_name(ONTOLOGY_DUMP, NTRIPLES)).read_bytes(),
                commit=data_commit(repository or settings.root, data_revision),
            )
    except (ReleaseError, UnusableInputError, OSError) as error:
        print(f"ctc-kg release: {error}", file=sys.stderr)
        return UNUSABLE
    print(f"wrote release {version} to {display_path(made)}")
    return OK


def _verify(folder: Path) -> int:
    releases = list_releases(folder)
    problems = verify(releases)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{len(releases)} releases: every file matches its SHA-256")
    return VIOLATIONS if problems else OK
