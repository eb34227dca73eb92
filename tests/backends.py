"""The store backends the suite runs over, as a pytest plugin (registered in
tests/conftest.py) so any test folder can use them.

A real Virtuoso for the tests: started by scripts/virtuoso on free loopback ports with
its own data folder under pytest's tmp, at most once per session and per dataset, and
stopped at the end. Named graphs are global in a store, and the web tests' small world
shares graph names with the repository's data, so each dataset gets its own instance
(`virtuoso_servers.get(name)`), started only when a test asks for it.

Fixtures:
- `virtuoso_servers`: the instances of this session, by dataset name;
- `virtuoso`: the instance for the repository's data (VirtuosoServer): endpoints, the
  loading user's credentials, `stop()` / `start()` for fault tests, `load(quads)` and
  `store()`;
- `repository_settings`, `repository_quads`: the repository's content;
- `virtuoso_endpoint`: the `/sparql` URL once the repository's data is loaded with
  `ctc-kg load`; `--store sparql+<that URL>` serves it;
- `remote_store`: a RemoteStore over it.
"""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from ctc_kg.commands import run_load
from ctc_kg.config import Settings, load_settings
from ctc_kg.content.load import content_files, load_content
from ctc_kg.content.names import prefixes
from ctc_kg.content.serialize import nquads
from ctc_kg.store.push import LoadResult, client_for, push
from ctc_kg.store.remote import RemoteStore

from tests.live import free_port

REPOSITORY = Path(__file__).resolve().parents[1]
SCRIPT = REPOSITORY / "scripts" / "virtuoso"
BASE = "https://w3id.org/ctc-kg/"


@dataclass
class VirtuosoServer:
    folder: Path
    http_port: int
    isql_port: int

    @property
    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "VIRTUOSO_DIR": str(self.folder),
            "VIRTUOSO_HTTP_PORT": str(self.http_port),
            "VIRTUOSO_ISQL_PORT": str(self.isql_port),
            "VIRTUOSO_QUERY_TIMEOUT": "20",
        }

    def script(self, command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SCRIPT), command],
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def start(self) -> None:
        done = self.script("start")
        assert done.returncode == 0, done.stderr + done.stdout

    def stop(self) -> None:
        done = self.script("stop")
        assert done.returncode == 0, done.stderr + done.stdout

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def update_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql-auth"

    @property
    def credentials(self) -> dict[str, str]:
        lines = (self.folder / "credentials").read_text(encoding="utf-8").splitlines()
        pairs = dict(line.split("=", 1) for line in lines if "=" in line)
        return {k: v for k, v in pairs.items() if k.startswith("CTC_KG_ENDPOINT_")}

    def load(self, quads: Sequence[ox.Quad], holder: str | None = None) -> LoadResult:
        client = client_for(self.update_endpoint, self.credentials, 60.0)
        return push(quads, client, holder or BASE + "graph/default")

    def store(self, **options: object) -> RemoteStore:
        arguments: dict[str, object] = {"base_iri": BASE, "prefixes": prefixes(BASE)}
        arguments.update(options)
        return RemoteStore(self.endpoint, **arguments)  # type: ignore[arg-type]


@dataclass
class VirtuosoServers:
    """Virtuoso instances by dataset name, each started on first use."""

    factory: pytest.TempPathFactory
    running: dict[str, VirtuosoServer] = field(default_factory=dict)

    def get(self, name: str) -> VirtuosoServer:
        if name not in self.running:
            folder = self.factory.mktemp(f"virtuoso-{name}")
            server = VirtuosoServer(folder, free_port(), free_port())
            server.start()
            self.running[name] = server
        return self.running[name]

    def stop_all(self) -> None:
        for server in self.running.values():
            server.stop()
        self.running.clear()


@pytest.fixture(scope="session")
def virtuoso_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServers]:
    servers = VirtuosoServers(tmp_path_factory)
    yield servers
    servers.stop_all()


@pytest.fixture(scope="session")
def virtuoso(virtuoso_servers: VirtuosoServers) -> VirtuosoServer:
    """The instance that holds the repository's data."""
    return virtuoso_servers.get("repository")


@pytest.fixture(scope="session")
def repository_settings() -> Settings:
    return load_settings({"root": REPOSITORY}, environ={})


@pytest.fixture(scope="session")
def repository_quads(repository_settings: Settings) -> list[ox.Quad]:
    """The repository's dataset (ontology, shapes, data) as the embedded store gets it."""
    content = load_content(content_files(repository_settings), BASE)
    return list(ox.parse(nquads(content.dataset), format=ox.RdfFormat.N_QUADS))


@pytest.fixture(scope="session")
def virtuoso_endpoint(virtuoso: VirtuosoServer, repository_settings: Settings) -> str:
    """Virtuoso's /sparql with the repository's data loaded by `ctc-kg load`."""
    out, err = io.StringIO(), io.StringIO()
    status = run_load(
        repository_settings,
        virtuoso.update_endpoint,
        None,
        environ=virtuoso.credentials,
        out=out,
        err=err,
    )
    assert status == 0, out.getvalue() + err.getvalue()
    return virtuoso.endpoint


@pytest.fixture
def remote_store(virtuoso: VirtuosoServer, virtuoso_endpoint: str) -> Iterator[RemoteStore]:
    store = virtuoso.store(timeout=10.0)
    yield store
    store.close()
