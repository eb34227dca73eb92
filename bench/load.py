"""Load generation: wrk with a generated Lua script that cycles through a workload's
requests, and a small HTTP client for the checks before timing.

wrk (Debian's `wrk`) keeps `concurrency` connections busy for a fixed duration and
reports its latency distribution; the script's `done` hook prints it as one JSON line.
wrk counts a status >= 400 as an error; socket errors and timeouts are counted apart.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import tempfile
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench.connections import ConnectionWatch, Served

MARKER = "WRKJSON "

_LUA = r"""
local specs = {
%(specs)s
}
local distinct = %(distinct)s
local prepared = {}
local counter = 0

function init(args)
  for i, s in ipairs(specs) do
    prepared[i] = wrk.format(s[1], s[2], s[3], s[4])
  end
  -- Threads start at different points of the rotation.
  counter = (thread_index or 0) * 7
end

local threads_made = 0
function setup(thread)
  thread:set("thread_index", threads_made)
  threads_made = threads_made + 1
end

local sent = 0
function request()
  counter = counter %% #prepared + 1
  if distinct then
    -- A request never sent before in this run: the body's last token (a number) gets
    -- the thread's index and its own count of requests appended.
    sent = sent + 1
    local s = specs[counter]
    return wrk.format(s[1], s[2], s[3], s[4] .. (thread_index or 0) .. "0" .. sent)
  end
  return prepared[counter]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%(marker)s{"requests":%%d,"duration_us":%%d,"bytes":%%d,"connect":%%d,"read":%%d,' ..
    '"write":%%d,"status":%%d,"timeout":%%d,"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,' ..
    '"max_us":%%d,"mean_us":%%f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50.0), latency:percentile(90.0),
    latency:percentile(99.0), latency.max, latency.mean))
end
"""


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


def sparql_post(path: str, query: str, accept: str) -> HttpRequest:
    """The SPARQL 1.1 Protocol's 'query via URL-encoded POST'."""
    return HttpRequest(
        "POST",
        path,
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        urllib.parse.urlencode({"query": query}).encode(),
    )


def lua_string(value: str | bytes) -> str:
    """A Lua string literal holding exactly `value`'s bytes (decimal escapes)."""
    data = value.encode() if isinstance(value, str) else value
    out = []
    for byte in data:
        char = chr(byte)
        if 32 <= byte < 127 and char not in '"\\':
            out.append(char)
        else:
            out.append(f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def lua_script(requests: list[HttpRequest], distinct: bool = False) -> str:
    """The wrk script cycling through `requests`. With `distinct`, every request sent
    differs from every other one of the run: digits are appended to its body, so the
    body must end with a number whose growth does not change the answer (the distinct
    workloads end their query with a large LIMIT)."""
    specs = []
    for r in requests:
        headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in r.headers.items())
        body = lua_string(r.body) if r.body is not None else "nil"
        specs.append(f"  {{{lua_string(r.method)}, {lua_string(r.path)}, {{{headers}}}, {body}}},")
    return _LUA % {
        "specs": "\n".join(specs),
        "marker": MARKER,
        "distinct": "true" if distinct else "false",
    }


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_s: float
    bytes: int
    socket_errors: int
    status_errors: int
    timeouts: int
    p50_ms: float | None
    p90_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    #: Client connections seen open during the run, and how many of them got an answer
    #: (bench/connections.py); `connections.samples` is 0 when they could not be seen.
    connections: Served = field(default_factory=lambda: Served(0, 0, 0))

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def errors(self) -> int:
        return self.socket_errors + self.status_errors + self.timeouts


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    base_url: str,
    requests: list[HttpRequest],
    concurrency: int,
    duration_s: float,
    request_timeout_s: float,
    distinct: bool = False,
) -> WrkResult:
    """Drive `base_url` with `concurrency` connections for `duration_s` seconds, watching
    which of them the server answers."""
    threads = max(1, min(concurrency, 2))
    port = urllib.parse.urlsplit(base_url).port or 80
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        script = Path(tmp) / "mix.lua"
        script.write_text(lua_script(requests, distinct))
        command = [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(concurrency),
            "-d",
            f"{max(1, round(duration_s))}s",
            "--timeout",
            f"{max(1, round(request_timeout_s))}s",
            "--latency",
            "-s",
            str(script),
            base_url,
        ]
        with ConnectionWatch(port) as watch:
            completed = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=duration_s + request_timeout_s + 30,
                check=False,
            )
    for line in completed.stdout.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER) :])
            break
    else:
        raise RuntimeError(
            f"wrk gave no summary (exit {completed.returncode}): "
            f"{completed.stderr.strip() or completed.stdout.strip()}"
        )
    done = data["requests"] > 0

    def ms(key: str) -> float | None:
        return data[key] / 1000.0 if done else None

    return WrkResult(
        requests=data["requests"],
        duration_s=data["duration_us"] / 1e6,
        bytes=data["bytes"],
        socket_errors=data["connect"] + data["read"] + data["write"],
        status_errors=data["status"],
        timeouts=data["timeout"],
        p50_ms=ms("p50_us"),
        p90_ms=ms("p90_us"),
        p99_ms=ms("p99_us"),
        max_ms=ms("max_us"),
        connections=watch.result,
    )


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes


def fetch(base_url: str, request: HttpRequest, timeout_s: float) -> Reply:
    """One request with the standard library (for checks, not for timing)."""
    url = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(
        url.hostname or "127.0.0.1", url.port, timeout=timeout_s
    )
    try:
        connection.request(request.method, request.path, body=request.body, headers=request.headers)
        response = connection.getresponse()
        body = response.read()
        return Reply(response.status, response.getheader("Content-Type", ""), body)
    finally:
        connection.close()
