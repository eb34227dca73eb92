"""Load generation with wrk against a running server: the request mix, the run, and the
memory of the server's processes (used by the load test and by the soak run).

The mix is what a linked-data publisher gets: the example SPARQL queries (GET, JSON and
CSV results), resource lookups in every format (pages in both languages), and dump
downloads (plain and gzip). wrk's Lua script cycles through it on each connection and
writes its statistics (percentiles, errors, non-2xx answers) to a JSON file.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import urlencode

from tests.live import LiveServer, rss_kib

REPOSITORY = Path(__file__).resolve().parents[1]

RESOURCES = (
    "/meeting/2003-new-york",
    "/meeting/2004-vienna",
    "/meeting/2007-nairobi",
    "/organization/osce",
    "/organization/interpol",
    "/place/almaty",
    "/series/special-meetings",
    "/disagreement/almaty-dates",
    "/resolution/1373-2001",
    "/ontology",
)
RESOURCE_ACCEPTS = (
    (("Accept", "text/turtle"),),
    (("Accept", "application/ld+json"),),
    (("Accept", "application/n-triples"),),
    (("Accept", "application/rdf+xml"),),
    (("Accept", "text/html"), ("Accept-Language", "fr")),
    (("Accept", "text/html"), ("Accept-Language", "en")),
)
DUMPS = (
    ("/dump/ctc-kg.ttl", ()),
    ("/dump/ctc-kg.jsonld", ()),
    ("/dump/ctc-kg.nq", (("Accept-Encoding", "gzip"),)),
    ("/dump/ctc-kg.nt", (("Accept-Encoding", "gzip"),)),
)


def mix(root: Path = REPOSITORY) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """(path, headers) of every request in the mix, in the order wrk cycles through."""
    requests: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    for query_file in sorted((root / "queries").glob("*.rq")):
        text = query_file.read_text(encoding="utf-8")
        requests.append(
            (
                "/sparql?" + urlencode({"query": text}),
                (("Accept", "application/sparql-results+json"),),
            )
        )
        requests.append(("/sparql?" + urlencode({"query": text}), (("Accept", "text/csv"),)))
    for path in RESOURCES:
        for headers in RESOURCE_ACCEPTS:
            requests.append((path, headers))
    requests.extend(DUMPS)
    requests.append(("/.well-known/void", (("Accept", "text/turtle"),)))
    requests.append(("/", (("Accept", "text/html"),)))
    return requests


LUA = """
local requests = {}
local statuses = {}
%(table)s
local counter = 0
function setup(thread)
  thread:set("offset", counter)
  counter = counter + 7
end
function init(args)
  index = offset
end
function request()
  index = index %% #requests + 1
  local r = requests[index]
  return wrk.format("GET", r[1], r[2])
end
function response(status, headers, body)
  if status >= 400 then
    local file = io.open("%(bad)s", "a")
    file:write(status .. " " .. requests[index][1]:sub(1, 80) .. "\\n")
    file:close()
  end
end
function done(summary, latency, requests)
  local out = io.open("%(out)s", "w")
  out:write(string.format(
    '{"requests": %%d, "duration_us": %%d, "bytes": %%d, ' ..
    '"errors": {"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}, ' ..
    '"latency_us": {"p50": %%d, "p90": %%d, "p99": %%d, "max": %%d, "mean": %%f}}',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
  out:close()
end
"""


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal here


def script(folder: Path) -> tuple[Path, Path, Path]:
    """Write the wrk script; return (script, statistics file, bad-answers file)."""
    lines = []
    for index, (path, headers) in enumerate(mix(), start=1):
        header_table = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers)
        lines.append(f"requests[{index}] = {{{_lua_string(path)}, {{{header_table}}}}}")
    out = folder / "wrk-stats.json"
    bad = folder / "wrk-bad-answers.txt"
    lua = folder / "mix.lua"
    lua.write_text(LUA % {"table": "\n".join(lines), "out": out, "bad": bad}, encoding="utf-8")
    return lua, out, bad


def run_wrk(
    url: str, folder: Path, seconds: int, connections: int = 50, threads: int = 2
) -> dict[str, object]:
    """Run wrk; the statistics, with requests per second and milliseconds added."""
    lua, out, bad = script(folder)
    subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(lua),
            url,
        ],
        check=True,
        capture_output=True,
        timeout=seconds + 120,
    )
    stats: dict[str, object] = json.loads(out.read_text())
    latency = stats["latency_us"]
    assert isinstance(latency, dict)
    stats["rps"] = round(int(stats["requests"]) / (int(stats["duration_us"]) / 1e6), 1)  # type: ignore[call-overload]
    stats["latency_ms"] = {k: round(float(v) / 1000, 2) for k, v in latency.items()}
    stats["bad_answers"] = bad.read_text().splitlines() if bad.exists() else []
    stats["mix_size"] = len(mix())
    return stats


def memory(server: LiveServer) -> dict[str, int]:
    """RSS in KiB of the master, its WSGI workers and their query workers."""
    workers = server.workers()
    query_workers = server.query_workers()
    return {
        "master_kib": rss_kib(server.process.pid),
        "wsgi_workers_kib": sum(rss_kib(pid) for pid in workers),
        "query_workers_kib": sum(rss_kib(pid) for pid in query_workers),
        "wsgi_workers": len(workers),
        "query_workers": len(query_workers),
    }
