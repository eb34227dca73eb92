"""Every exit status of interface.md (0 done, 1 the data does not conform, 2 unusable
input), for every command and every kind of error, through the installed `ctc-kg`
console script in a process of its own: what a shell script or CI job sees.

The statuses come from the error types (errors.ExitStatus) and cli.main alone; each
case also checks that the message on stderr names the cause.
"""

from __future__ import annotations

import gzip
import http.server
import shutil
import signal
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.live import LiveServer, environment, free_port

CTC_KG = Path(sys.executable).parent / "ctc-kg"
TEST_DATA = Path(__file__).resolve().parent / "data"
MINIMAL = TEST_DATA / "minimal"
INVALID_FILE = TEST_DATA / "invalid" / "MeetingStartDateShape-missing.ttl"
NOT_RDF = "<a> <b> .\n"
COMMANDS = ("validate", "build", "serve", "reload", "release", "load")


def ctc_kg(*arguments: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CTC_KG), *map(str, arguments)],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def roots(tmp_path: Path) -> dict[str, Path]:
    """Three content roots: "valid" (the minimal one), "invalid" (a meeting without a
    start date: violations) and "broken" (a data file that is not RDF: unusable)."""
    made = {}
    for kind in ("valid", "invalid", "broken"):
        root = tmp_path / kind
        shutil.copytree(MINIMAL, root)
        made[kind] = root
    shutil.copy(INVALID_FILE, made["invalid"] / "data" / "no-start.ttl")
    (made["broken"] / "data" / "broken.trig").write_text(NOT_RDF, encoding="utf-8")
    return made


# (command line, exit status, what stdout or stderr must say). {valid}, {invalid} and
# {broken} are the roots above, {tmp} a scratch folder, {port} a port nobody listens on.
CASES: dict[str, tuple[list[str], int, str]] = {
    "validate conforms": (["--root", "{valid}", "validate"], 0, "conforms"),
    "validate violations": (["--root", "{invalid}", "validate"], 1, "startDate"),
    "validate a PATH with violations": (
        ["--root", "{valid}", "validate", str(INVALID_FILE)],
        1,
        "startDate",
    ),
    "validate unparsable data": (["--root", "{broken}", "validate"], 2, "broken.trig:1"),
    "validate a PATH that does not exist": (
        ["--root", "{valid}", "validate", "{tmp}/nothing.ttl"],
        2,
        "no such file",
    ),
    "validate an unusable option": (
        ["--root", "{valid}", "--base-iri", "https://example.org/x", "validate"],
        2,
        "base IRI must end with '/' or '#'",
    ),
    "build written": (["--root", "{valid}", "build", "--out", "{tmp}/dist"], 0, "wrote"),
    "build violations": (
        ["--root", "{invalid}", "build", "--out", "{tmp}/dist"],
        1,
        "does not conform; nothing written",
    ),
    "build unparsable data": (
        ["--root", "{broken}", "build", "--out", "{tmp}/dist"],
        2,
        "broken.trig:1",
    ),
    "build into a file": (
        ["--root", "{valid}", "build", "--out", "{tmp}/a-file"],
        2,
        "not a folder",
    ),
    "build under a file (OSError)": (
        ["--root", "{valid}", "build", "--out", "{tmp}/a-file/dist"],
        2,
        "a-file",
    ),
    "build --site violations": (
        ["--root", "{invalid}", "build", "--out", "{tmp}/dist", "--site", "{tmp}/site"],
        1,
        "does not conform",
    ),
    "serve violations": (["--root", "{invalid}", "serve", "--port", "{port}"], 1, "startDate"),
    "serve unparsable data": (
        ["--root", "{broken}", "serve", "--port", "{port}"],
        2,
        "broken.trig:1",
    ),
    "serve an unknown store": (
        ["--root", "{valid}", "serve", "--store", "ftp://example.org/"],
        2,
        "unknown store",
    ),
    "serve a setting that is not a number": (
        ["--root", "{valid}", "serve", "--port", "eighty"],
        2,
        "--port='eighty' is not usable",
    ),
    "serve a log level that does not exist": (
        ["--root", "{valid}", "serve", "--log-level", "loud"],
        2,
        "invalid choice: 'loud'",
    ),
    "reload without a pid file": (["reload"], 2, "give --pid-file"),
    "reload of a pid file that does not exist": (
        ["reload", "--pid-file", "{tmp}/none.pid"],
        2,
        "cannot read the server's pid",
    ),
    "release made": (
        ["--root", "{valid}", "release", "1.0.0", "--releases", "{tmp}/releases"],
        0,
        "wrote release 1.0.0",
    ),
    "release violations": (
        ["--root", "{invalid}", "release", "1.0.0", "--releases", "{tmp}/releases"],
        1,
        "does not conform; no release 1.0.0",
    ),
    "release unparsable data": (
        ["--root", "{broken}", "release", "1.0.0", "--releases", "{tmp}/releases"],
        2,
        "broken.trig:1",
    ),
    "release a version that is not one": (
        ["--root", "{valid}", "release", "v1", "--releases", "{tmp}/releases"],
        2,
        "'v1'",
    ),
    "release neither a version nor --verify": (
        ["--root", "{valid}", "release"],
        2,
        "give a VERSION or --verify",
    ),
    "release --verify of no release": (
        ["release", "--verify", "--releases", "{tmp}/releases"],
        0,
        "0 releases",
    ),
    "load violations (nothing sent)": (
        ["--root", "{invalid}", "load", "--endpoint", "http://127.0.0.1:{port}/sparql"],
        1,
        "does not conform; nothing sent",
    ),
    "load unparsable data": (
        ["--root", "{broken}", "load", "--endpoint", "http://127.0.0.1:{port}/sparql"],
        2,
        "broken.trig:1",
    ),
    "load into a store that is not there": (
        ["--root", "{valid}", "load", "--endpoint", "http://127.0.0.1:{port}/sparql"],
        2,
        "cannot reach the SPARQL store at http://127.0.0.1:{port}/sparql",
    ),
    "load to an endpoint that is not http": (
        ["--root", "{valid}", "load", "--endpoint", "ftp://127.0.0.1/sparql"],
        2,
        "not an http(s) SPARQL endpoint URL",
    ),
    "load into a graph that is not an IRI": (
        ["--root", "{valid}", "load", "--endpoint", "http://127.0.0.1:{port}/", "--graph", "a b"],
        2,
        "--graph 'a b' is not an IRI",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_command_exits_with_the_status_of_its_outcome(
    case: str, roots: dict[str, Path], tmp_path: Path
) -> None:
    arguments, status, said = CASES[case]
    (tmp_path / "a-file").write_text("a file, not a folder")
    names = {**{kind: str(root) for kind, root in roots.items()}, "tmp": str(tmp_path)}
    names["port"] = str(free_port())
    done = ctc_kg(*(argument.format(**names) for argument in arguments))
    assert done.returncode == status, done.stdout + done.stderr
    assert said.format(**names) in (done.stderr if status == 2 else done.stdout + done.stderr)
    command = next(argument for argument in arguments if argument in COMMANDS)
    if done.stderr and not done.stderr.startswith("usage:"):  # argparse's own usage errors
        assert f"ctc-kg {command}: " in done.stderr


def test_release_verify_exits_1_for_a_file_changed_after_the_release(
    roots: dict[str, Path], tmp_path: Path
) -> None:
    releases = tmp_path / "releases"
    made = ctc_kg("--root", roots["valid"], "release", "1.0.0", "--releases", releases)
    assert made.returncode == 0, made.stderr
    assert ctc_kg("release", "--verify", "--releases", releases).returncode == 0
    dump = releases / "1.0.0" / "ctc-kg.nq.gz"
    dump.write_bytes(gzip.compress(gzip.decompress(dump.read_bytes()) + b"\n"))
    checked = ctc_kg("release", "--verify", "--releases", releases)
    assert checked.returncode == 1
    assert "1.0.0: ctc-kg.nq.gz does not match its SHA-256" in checked.stdout


def test_reload_exits_2_when_the_server_never_answers(tmp_path: Path) -> None:
    # A process that ignores SIGHUP and never writes a status: no server of ours.
    ignore = "import signal, time; signal.signal(signal.SIGHUP, signal.SIG_IGN)"
    silent = subprocess.Popen(
        [sys.executable, "-c", f"{ignore}; print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert silent.stdout is not None
    assert silent.stdout.readline() == "ready\n"
    try:
        pid_file = tmp_path / "silent.pid"
        pid_file.write_text(str(silent.pid))
        done = ctc_kg("reload", "--pid-file", pid_file, "--wait", "1")
        assert done.returncode == 2
        assert f"no answer from process {silent.pid} within 1 s" in done.stderr
    finally:
        silent.kill()
        silent.communicate()


def test_serve_exits_0_on_sigterm_and_reload_exits_0_when_swapped_1_when_refused(
    roots: dict[str, Path], tmp_path: Path
) -> None:
    root, port = roots["valid"], free_port()
    pid_file = tmp_path / "ctc-kg.pid"
    log = tmp_path / "serve.log"
    command = [CTC_KG, "--root", root, "serve", "--port", port, "--pid-file", pid_file]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(part) for part in (*command, "--workers", "1")],
            stdout=output,
            stderr=output,
            env=environment(),
            start_new_session=True,
        )
    server = LiveServer(process, port, log, pid_file)
    try:
        server.wait_healthy(120)
        meetings = root / "data" / "meetings.trig"
        meetings.write_text(meetings.read_text("utf-8") + "\n", "utf-8")
        swapped = ctc_kg("reload", "--pid-file", pid_file)
        assert swapped.returncode == 0, swapped.stderr + log.read_text()
        assert "now serving" in swapped.stdout
        (root / "data" / "broken.trig").write_text(NOT_RDF, encoding="utf-8")
        refused = ctc_kg("reload", "--pid-file", pid_file)
        assert refused.returncode == 1
        assert refused.stderr.startswith("ctc-kg reload: refused")
        assert "broken.trig" in refused.stderr
        assert server.stop(signal.SIGTERM) == 0, log.read_text()
    finally:
        server.kill()


class _SparqlOverOxigraph(http.server.BaseHTTPRequestHandler):
    """A SPARQL 1.1 endpoint (query and update over POST) backed by a pyoxigraph store."""

    store: ox.Store

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8"))
        body = b""
        try:
            if "update" in form:
                self.store.update(form["update"][0])
            else:
                answer = self.store.query(form["query"][0])
                assert isinstance(answer, ox.QuerySolutions)
                body = answer.serialize(format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, OSError) as error:
            self.send_error(400, str(error))
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def oxigraph_endpoint() -> Iterator[tuple[str, ox.Store]]:
    store = ox.Store()
    handler: Callable[..., _SparqlOverOxigraph] = type(
        "Handler", (_SparqlOverOxigraph,), {"store": store}
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", store
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_load_exits_0_once_the_store_holds_the_dataset(
    roots: dict[str, Path], oxigraph_endpoint: tuple[str, ox.Store]
) -> None:
    endpoint, store = oxigraph_endpoint
    done = ctc_kg("--root", roots["valid"], "load", "--endpoint", endpoint)
    assert done.returncode == 0, done.stderr
    assert "loaded" in done.stdout
    holder = ox.NamedNode("https://w3id.org/ctc-kg/graph/default")
    assert any(True for _ in store.quads_for_pattern(None, None, None, holder))
