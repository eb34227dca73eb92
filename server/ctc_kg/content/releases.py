"""Releases: frozen, citable versions of the validated build, kept in `releases/VERSION/`.

What a release folder holds (and why, to keep the repository small and the release exact):

    ctc-kg.nq.gz     the data as canonical N-Quads (blank nodes with canonical labels), the
                     build's own `ctc-kg.nq` bytes gzipped with no name and no time: every
                     other format is a deterministic serialization of it, and the bytes do
                     not depend on the code that will serve it later (a dump regenerated
                     from a git commit would change whenever the serializers change)
    ontology.nt.gz   the ontology as it was, for `owl:versionIRI`
    release.ttl      the manifest: version, release date (`prov:generatedAtTime`, the
                     moment `ctc-kg release` ran), the git commit of data/ and its date,
                     the previous release, the SHA-256 of every other file (SPDX)
    changes.ttl.gz   what changed since the previous release, per named graph, as
                     Changeset vocabulary change sets (`cs:subjectOfChange` the graph)
    CHANGES.md       the same, readable
    SHA256SUMS       `sha256sum -c` format, every other file

Nothing in a release folder is ever rewritten: `ctc-kg release` refuses an existing
version and writes the folder in one rename.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV

from ctc_kg.config import Settings
from ctc_kg.content.build import checksums, gzip_bytes, sha256
from ctc_kg.content.names import dataset_iri, ontology_iri
from ctc_kg.content.rdf_files import turtle
from ctc_kg.content.terms import rdflib_term
from ctc_kg.errors import UsageError
from ctc_kg.formats import (
    CHECKSUMS,
    DATA_DUMP,
    MARKDOWN,
    NQUADS,
    NTRIPLES,
    ONTOLOGY_DUMP,
    PLAIN_TEXT,
    TURTLE,
    file_name,
)

DCAT = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3 (dcat:version, dcat:isVersionOf)
CS = Namespace("http://purl.org/vocab/changeset/schema#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DATA_FILE = file_name(DATA_DUMP, NQUADS, compressed=True)
ONTOLOGY_FILE = file_name(ONTOLOGY_DUMP, NTRIPLES, compressed=True)
MANIFEST = file_name("release", TURTLE)
CHANGES_RDF = file_name("changes", TURTLE, compressed=True)
CHANGES_TEXT = "CHANGES.md"
# Each file of a release folder and the media type of its content (gzip is its encoding).
FILE_TYPES: dict[str, str] = {
    DATA_FILE: NQUADS.media_type,
    ONTOLOGY_FILE: NTRIPLES.media_type,
    CHANGES_RDF: TURTLE.media_type,
    MANIFEST: TURTLE.content_type,
    CHANGES_TEXT: MARKDOWN,
    CHECKSUMS: PLAIN_TEXT,
}
VERSION_PATTERN = re.compile(r"^(\d+\.\d+\.\d+|\d{4}-\d{2}-\d{2})$")


class ReleaseError(UsageError):
    """A release that cannot be made (bad or existing version) or read (exit status 2)."""


def releases_folder(settings: Settings) -> Path:
    return settings.root / "releases"


def release_iri(base_iri: str, version: str) -> URIRef:
    return URIRef(f"{base_iri}release/{version}")


@dataclass(frozen=True)
class Release:
    version: str
    generated: datetime  # when `ctc-kg release` made it: the Memento-Datetime
    folder: Path

    def nquads(self) -> bytes:
        return gzip.decompress((self.folder / DATA_FILE).read_bytes())


def list_releases(folder: Path) -> list[Release]:
    """The releases under `folder`, oldest first: by release date, and, for two made within
    the same second (a date's precision), by the chain each manifest records
    (`prov:wasRevisionOf` its predecessor)."""
    found: list[tuple[Release, str | None]] = []
    if folder.is_dir():
        for child in folder.iterdir():
            if VERSION_PATTERN.match(child.name) and (child / MANIFEST).is_file():
                graph = Graph().parse(child / MANIFEST, format="turtle")
                release = Release(child.name, _generated(graph, child / MANIFEST), child)
                found.append((release, _predecessor(graph)))
    before = {release.version: predecessor for release, predecessor in found}

    def depth(version: str) -> int:
        steps, seen = 0, {version}
        while (previous := before.get(version)) is not None and previous not in seen:
            steps, version = steps + 1, previous
            seen.add(previous)
        return steps

    releases = [release for release, _ in found]
    return sorted(releases, key=lambda r: (r.generated.replace(microsecond=0), depth(r.version)))


def _predecessor(graph: Graph) -> str | None:
    """The version a manifest says its release revises, if any."""
    for value in graph.objects(None, PROV.wasRevisionOf):
        return str(value).rstrip("/").rsplit("/", 1)[-1]
    return None


def _generated(graph: Graph, manifest: Path) -> datetime:
    for value in graph.objects(None, PROV.generatedAtTime):
        moment = value.toPython() if isinstance(value, Literal) else None
        if isinstance(moment, datetime):
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise ReleaseError(f"{manifest} says no prov:generatedAtTime")


# -- what changed --------------------------------------------------------------------------


def statements(nquads: bytes) -> set[ox.Quad]:
    """The quads of a release, without the default graph's copies of named-graph triples
    (the dumps repeat the union there). Blank nodes keep their canonical labels, so the
    same blank-node structure in two releases compares equal; a changed one shows as the
    removal of its old triples and the addition of its new ones."""
    quads = set(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    named = {ox.Triple(q.subject, q.predicate, q.object) for q in quads if _is_named(q)}
    return {
        q for q in quads if _is_named(q) or ox.Triple(q.subject, q.predicate, q.object) not in named
    }


def _is_named(quad: ox.Quad) -> bool:
    return not isinstance(quad.graph_name, ox.DefaultGraph)


@dataclass(frozen=True)
class Changes:
    added: set[ox.Quad]
    removed: set[ox.Quad]

    def per_graph(self) -> dict[str, tuple[int, int]]:
        """Graph name ('' the default graph) -> (added, removed)."""
        added = Counter(_graph_key(q) for q in self.added)
        removed = Counter(_graph_key(q) for q in self.removed)
        return {g: (added[g], removed[g]) for g in sorted(set(added) | set(removed))}


def _graph_key(quad: ox.Quad) -> str:
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""


def changes_between(before: bytes | None, after: bytes) -> Changes:
    old = statements(before) if before is not None else set()
    new = statements(after)
    return Changes(added=new - old, removed=old - new)


def changeset_graph(
    changes: Changes, base_iri: str, version: str, made: datetime, *, first: bool = False
) -> Graph:
    """One `cs:ChangeSet` per graph that changed, its `cs:subjectOfChange` the graph (the
    default graph: the dataset), each added or removed triple a reified `rdf:Statement`.
    The first release's change sets say so and list no statement: its data is its dump."""
    graph = Graph(bind_namespaces="core")
    graph.bind("cs", CS)
    release = release_iri(base_iri, version)
    for name in changes.per_graph():
        subject = URIRef(name) if name else dataset_iri(base_iri)
        change = URIRef(f"{release}/changes#{_fragment(name or 'default')}")
        graph.add((change, RDF.type, CS.ChangeSet))
        graph.add((change, CS.subjectOfChange, subject))
        graph.add((change, CS.createdDate, Literal(made.isoformat(), datatype=XSD.dateTime)))
        graph.add((change, DCTERMS.isPartOf, release))
        if first:
            note = "The first release: every statement of this graph in its dump is new."
            graph.add((change, CS.changeReason, Literal(note, lang="en")))
            continue
        for predicate, quads in ((CS.addition, changes.added), (CS.removal, changes.removed)):
            for quad in sorted((q for q in quads if _graph_key(q) == name), key=str):
                _reify(graph, change, predicate, quad)
    return graph


def _fragment(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


def _reify(graph: Graph, change: URIRef, predicate: URIRef, quad: ox.Quad) -> None:
    statement = BNode()
    graph.add((change, predicate, statement))
    graph.add((statement, RDF.type, RDF.Statement))
    graph.add((statement, RDF.subject, rdflib_term(quad.subject)))
    graph.add((statement, RDF.predicate, rdflib_term(quad.predicate)))
    graph.add((statement, RDF.object, rdflib_term(quad.object)))


def changes_text(changes: Changes, version: str, previous: str | None) -> str:
    since = f"since release {previous}" if previous else "(the first release: everything is new)"
    lines = [
        f"# Release {version}",
        "",
        f"Changes {since}: {len(changes.added)} triples added, {len(changes.removed)} removed.",
        "",
        "| graph | added | removed |",
        "|---|---:|---:|",
    ]
    for name, (added, removed) in changes.per_graph().items():
        lines.append(f"| {name or '(default graph)'} | {added} | {removed} |")
    return "\n".join(lines) + "\n"


# -- the manifest --------------------------------------------------------------------------


@dataclass(frozen=True)
class DataCommit:
    commit: str
    date: datetime


def data_commit(repository: Path, revision: str = "HEAD") -> DataCommit | None:
    """The last commit at or before `revision` that changed data/, and its date."""
    try:
        done = subprocess.run(  # noqa: S603 - git with fixed arguments
            ["git", "-C", str(repository), "log", "-1", "--format=%H %cI", revision, "--", "data"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    if not done.stdout.strip():
        return None
    commit, date = done.stdout.split()
    return DataCommit(commit, datetime.fromisoformat(date))


def manifest_graph(
    base_iri: str,
    version: str,
    made: datetime,
    files: dict[str, bytes],
    previous: Release | None,
    commit: DataCommit | None,
) -> Graph:
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in (("dcat", DCAT), ("prov", PROV), ("spdx", SPDX), ("cs", CS)):
        graph.bind(prefix, namespace)
    release = release_iri(base_iri, version)
    when = Literal(made.isoformat(), datatype=XSD.dateTime)
    graph.add((release, RDF.type, DCAT.Dataset))
    graph.add((release, RDF.type, PROV.Entity))
    graph.add((release, DCTERMS.title, Literal(f"ctc-kg release {version}", lang="en")))
    graph.add((release, DCAT.version, Literal(version)))
    graph.add((release, OWL.versionInfo, Literal(version)))
    graph.add((release, DCAT.isVersionOf, dataset_iri(base_iri)))
    graph.add((release, PROV.generatedAtTime, when))
    graph.add((release, DCTERMS.issued, when))
    if commit is not None:
        graph.add(
            (release, DCTERMS.modified, Literal(commit.date.isoformat(), datatype=XSD.dateTime))
        )
        graph.add((release, DCTERMS.source, URIRef(f"urn:git:commit:{commit.commit}")))
    if previous is not None:
        before = release_iri(base_iri, previous.version)
        graph.add((release, PROV.wasRevisionOf, before))
        graph.add((release, DCAT.previousVersion, before))
    graph.add((ontology_iri(base_iri), OWL.versionIRI, URIRef(f"{release}/dump/{ONTOLOGY_FILE}")))
    for name in sorted(files):
        download = URIRef(f"{release}/dump/{name}")
        distribution = URIRef(f"{release}#{name}")
        graph.add((release, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCAT.downloadURL, download))
        checksum = BNode(f"sha256-{name.replace('.', '-')}")
        graph.add((distribution, SPDX.checksum, checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add(
            (checksum, SPDX.checksumValue, Literal(sha256(files[name]), datatype=XSD.hexBinary))
        )
    return graph


# -- making and checking releases -----------------------------------------------------------


def check_new_version(folder: Path, version: str) -> None:
    if not VERSION_PATTERN.match(version):
        raise ReleaseError(
            f"{version!r} is not a release version: use a semantic version (1.2.0) or a date "
            "(2026-12-03)"
        )
    if "-" in version:
        try:
            date.fromisoformat(version)
        except ValueError:
            raise ReleaseError(f"{version!r} is not a date") from None
    if (folder / version).exists():
        raise ReleaseError(
            f"release {version} exists already in {folder}; releases are never replaced"
        )


def make_release(
    folder: Path,
    version: str,
    *,
    base_iri: str,
    data_nquads: bytes,
    ontology_ntriples: bytes,
    commit: DataCommit | None,
    made: datetime | None = None,
) -> Path:
    """Write `folder/version` in one rename; refuses an existing or malformed version."""
    check_new_version(folder, version)
    made = made or datetime.now(UTC).replace(microsecond=0)
    earlier = list_releases(folder)
    previous = earlier[-1] if earlier else None
    changes = changes_between(previous.nquads() if previous else None, data_nquads)
    files = {DATA_FILE: gzip_bytes(data_nquads), ONTOLOGY_FILE: gzip_bytes(ontology_ntriples)}
    files[CHANGES_RDF] = gzip_bytes(
        turtle(changeset_graph(changes, base_iri, version, made, first=previous is None))
    )
    files[CHANGES_TEXT] = changes_text(
        changes, version, previous.version if previous else None
    ).encode()
    files[MANIFEST] = turtle(manifest_graph(base_iri, version, made, dict(files), previous, commit))
    files[CHECKSUMS] = checksums(files)
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}.tmp-", dir=folder))
    try:
        for name, body in files.items():
            (staging / name).write_bytes(body)
        check_new_version(folder, version)  # made meanwhile by another run?
        os.rename(staging, folder / version)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder / version


def verify(releases: Iterable[Release]) -> list[str]:
    """Problems found: a file whose SHA-256 is not the one SHA256SUMS recorded, or missing."""
    problems = []
    for release in releases:
        sums = (release.folder / CHECKSUMS).read_text("utf-8").splitlines()
        for line in sums:
            digest, name = line.split("  ", 1)
            path = release.folder / name
            if not path.is_file():
                problems.append(f"{release.version}: {name} is missing")
            elif sha256(path.read_bytes()) != digest:
                problems.append(f"{release.version}: {name} does not match its SHA-256")
    return problems
