"""What each `ctc-kg` command does: `run_<command>(settings, ...)`, all of them here.

A command that did its work returns its ExitStatus: OK, or VIOLATIONS when what it
checks does not conform (`validate`, `release --verify`; the report is on stdout). A
command that cannot do its work raises a CtcKgError (or an OSError) and writes nothing
on stderr: `cli.main` maps every error to its exit status and its message, once.
Reports and results go to stdout, progress to stderr (only on a terminal).

With `cli`, this is the top layer: it reaches start-up, web, export, store and content.
The server, the exporter and the loader are imported by the commands that use them, so
`ctc-kg validate` does not import the HTTP stack.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from ctc_kg.config import Settings
from ctc_kg.content.build import Progress, build
from ctc_kg.content.load import Content, content_files, load_content, load_paths
from ctc_kg.content.reading import display_path
from ctc_kg.content.shacl_engines import Engine
from ctc_kg.content.validate import ValidationReport, validate_content
from ctc_kg.errors import ExitStatus, NotConformingError, ReloadRefusedError, UsageError
from ctc_kg.formats import DATA_DUMP, NQUADS, NTRIPLES, ONTOLOGY_DUMP, file_name


def run_validate(
    settings: Settings, paths: Sequence[Path], *, engine: Engine = "auto"
) -> ExitStatus:
    """Validate the repository's ontology and data, then each PATH on its own.

    A PATH (a file, or a folder read as one whole) is validated alone against the
    repository's shapes with the repository's ontology; its named graphs may be described
    in the repository's default graph or in the PATH itself.
    """
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
    for label, report in sections:
        print(f"# {label}")
        print(report.text())
    conforms = all(report.conforms for _, report in sections)
    return ExitStatus.OK if conforms else ExitStatus.VIOLATIONS


def run_build(
    settings: Settings, *, then: Callable[[Content], ExitStatus] | None = None
) -> ExitStatus:
    """Load, validate, and (only if the data conforms) write the build into settings.dist_dir.

    `then` (`build --site`) is handed the content once its build is written, so the
    content is loaded and validated once; its status is the command's.
    """
    progress = _progress(sys.stderr)
    out = settings.dist_dir
    progress("load")
    content = load_content(content_files(settings), settings.base_iri)
    progress("validate")
    _conforming(content, refused=f"nothing written to {out}")
    result = build(content, out, progress)
    print(f"wrote {len(result.files)} files to {display_path(result.out)}")
    return ExitStatus.OK if then is None else then(content)


def run_site(
    settings: Settings, out: Path, content: Content, *, sparql_endpoint: str | None = None
) -> ExitStatus:
    """The `--site DIR` part of `ctc-kg build`: the static site of `content`, whose build
    `run_build` has just written, written whole or not at all."""
    from ctc_kg.runtime.static_site import write_site

    result = write_site(settings, content, out, sparql_endpoint=sparql_endpoint)
    print(
        f"wrote the site ({len(result.negotiables)} resources, {len(result.files)} files) "
        f"for {result.deployment.public_base} to {display_path(result.out)}"
    )
    return ExitStatus.OK


def run_release(
    settings: Settings,
    version: str | None,
    *,
    folder: Path | None = None,
    data_revision: str = "HEAD",
    repository: Path | None = None,
) -> ExitStatus:
    """Freeze the validated build as release `version` in `folder` (default releases/),
    all or nothing; without a version, check every release's files against their SHA-256.

    The git commit of data/ recorded is the last one at or before `data_revision` in
    `repository` (default: the root), so a release of an older checkout can say which."""
    from ctc_kg.content.releases import (
        check_new_version,
        data_commit,
        make_release,
        releases_folder,
    )

    folder = folder or releases_folder(settings)
    if version is None:
        return _verify_releases(folder)
    check_new_version(folder, version)
    content = load_content(content_files(settings), settings.base_iri)
    _conforming(content, refused=f"no release {version}")
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
    print(f"wrote release {version} to {display_path(made)}")
    return ExitStatus.OK


def _verify_releases(folder: Path) -> ExitStatus:
    from ctc_kg.content.releases import list_releases, verify

    releases = list_releases(folder)
    problems = verify(releases)
    for problem in problems:
        print(problem)
    if problems:
        return ExitStatus.VIOLATIONS
    print(f"{len(releases)} releases: every file matches its SHA-256")
    return ExitStatus.OK


def run_load(
    settings: Settings,
    endpoint: str,
    graph: str | None,
    *,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> ExitStatus:
    """Validate the content, then push it into the SPARQL store at `endpoint` (docs in
    store.load), replacing what it holds for `graph`; nothing is sent for invalid data.
    The report and the result go to `out`, the steps of the load to `err`."""
    import pyoxigraph as ox

    from ctc_kg.content.serialize import nquads
    from ctc_kg.store.manifest import default_holder_graph, iri
    from ctc_kg.store.push import client_for, push

    environ = os.environ if environ is None else environ
    out = out or sys.stdout
    err = err or sys.stderr
    holder = graph or default_holder_graph(settings.base_iri)
    try:
        iri(holder)
    except ValueError as error:
        raise UsageError(f"--graph {holder!r} is not an IRI: {error}") from error
    try:
        client = client_for(endpoint, environ, max(settings.query_timeout, 60.0))
    except ValueError as error:  # not an http(s) URL
        raise UsageError(str(error)) from error
    content = load_content(content_files(settings), settings.base_iri)
    _conforming(content, refused="nothing sent", out=out)
    quads = list(ox.parse(nquads(content.dataset), format=ox.RdfFormat.N_QUADS))
    result = push(quads, client, holder, log=lambda line: print(line, file=err))
    print(
        f"loaded {result.triples} triples in {result.graphs} graphs into {client.endpoint.url}"
        f" (default graph in <{holder}>, load {result.load_id})"
        + (f"; removed {len(result.removed)} graphs" if result.removed else ""),
        file=out,
    )
    return ExitStatus.OK


def run_serve(settings: Settings) -> ExitStatus:
    """Validate, build and serve the data until the server is stopped (runtime.serve)."""
    from ctc_kg.runtime.serve import serve
    from ctc_kg.store.remote import endpoint_of

    if settings.store != "embedded" and endpoint_of(settings.store) is None:
        raise UsageError(
            f"unknown store {settings.store!r}; use 'embedded' or sparql+http(s)://host:port/path"
        )
    serve(settings)
    return ExitStatus.OK


def run_reload(settings: Settings, wait: float = 300.0) -> ExitStatus:
    """Ask the server of `settings.pid_file` to swap in the current data (runtime.reload):
    OK when it serves it, ReloadRefusedError when it refused and serves the old data."""
    from ctc_kg.runtime.reload import request_reload

    if settings.pid_file is None:
        raise UsageError("give --pid-file (the one `ctc-kg serve` was started with)")
    status = request_reload(settings.pid_file, wait)
    if not status.ok:
        raise ReloadRefusedError(status.message)
    print(f"ctc-kg reload: {status.message}")
    return ExitStatus.OK


def _conforming(content: Content, *, refused: str, out: TextIO | None = None) -> None:
    """Validate `content`; print the report (on `out`, else stdout) unless it is a bare
    "conforms", and raise NotConformingError saying what was `refused` if it does not."""
    report = validate_content(content)
    if report.results or not report.conforms:
        print(report.text(), file=out or sys.stdout)
    if not report.conforms:
        raise NotConformingError(f"the data does not conform; {refused}")


def _progress(stream: TextIO) -> Progress:
    """Steps with elapsed time on a terminal; nothing when stderr is a file or a pipe."""
    if not stream.isatty():
        return lambda _: None
    start = time.monotonic()

    def show(step: str) -> None:
        print(f"ctc-kg build [{time.monotonic() - start:5.1f}s] {step}", file=stream, flush=True)

    return show
