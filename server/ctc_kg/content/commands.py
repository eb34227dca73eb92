"""`ctc-kg validate` and `ctc-kg build`: exit 0 success, 1 violations, 2 unusable input.

Reports go to stdout, errors and progress to stderr (progress only on a terminal).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from ctc_kg.config import Settings
from ctc_kg.content.build import Progress, build
from ctc_kg.content.load import Content, content_files, display_path, load_content, load_paths
from ctc_kg.content.shacl_engines import Engine
from ctc_kg.content.validate import ValidationReport, validate_content
from ctc_kg.errors import UnusableInputError

OK, VIOLATIONS, UNUSABLE = 0, 1, 2


def run_validate(settings: Settings, paths: Sequence[Path], *, engine: Engine = "auto") -> int:
    """Validate the repository's ontology and data, then each PATH on its own.

    A PATH (a file, or a folder read as one whole) is validated alone against the
    repository's shapes with the repository's ontology; its named graphs may be described
    in the repository's default graph or in the PATH itself.
    """
    try:
        repository = load_content(content_files(settings), settings.base_iri)
        sections: list[tuple[str, ValidationReport]] = [
            ("repository (ontology/, shapes/, data/)", validate_content(repository, engine=engine))
        ]
        for path in paths:
            unit = load_paths([path], settings.base_iri)
            report = validate_content(
                unit,
                shapes=repository.shapes,
                ontology=repository.ontology,
                descriptions=repository.default_graph,
                engine=engine,
            )
            sections.append((display_path(path), report))
    except UnusableInputError as error:
        print(f"ctc-kg validate: {error}", file=sys.stderr)
        return UNUSABLE
    for label, report in sections:
        print(f"# {label}")
        print(report.text())
    return OK if all(report.conforms for _, report in sections) else VIOLATIONS


def run_build(settings: Settings, *, then: Callable[[Content], int] | None = None) -> int:
    """Load, validate, and (only if the data conforms) write the build into settings.dist_dir.

    `then` (`build --site`, runtime/site.py) is handed the content once its build is
    written, so the content is loaded and validated once; its status is the command's.
    """
    progress = _progress(sys.stderr)
    out = settings.dist_dir
    try:
        progress("load")
        content = load_content(content_files(settings), settings.base_iri)
        progress("validate")
        report = validate_content(content)
        if not report.conforms:
            print(report.text())
            print(
                f"ctc-kg build: the data does not conform; nothing written to {out}",
                file=sys.stderr,
            )
            return VIOLATIONS
        result = build(content, out, progress)
    except UnusableInputError as error:
        print(f"ctc-kg build: {error}", file=sys.stderr)
        return UNUSABLE
    except OSError as error:
        print(f"ctc-kg build: cannot write {out}: {error}", file=sys.stderr)
        return UNUSABLE
    if report.results:
        print(report.text())
    print(f"wrote {len(result.files)} files to {display_path(result.out)}")
    return OK if then is None else then(content)


def _progress(stream: TextIO) -> Progress:
    """Steps with elapsed time on a terminal; nothing when stderr is a file or a pipe."""
    if not stream.isatty():
        return lambda _: None
    start = time.monotonic()

    def show(step: str) -> None:
        print(f"ctc-kg build [{time.monotonic() - start:5.1f}s] {step}", file=stream, flush=True)

    return show
