"""The bounded load test: 50 concurrent clients for 60 s against `ctc-kg serve` over the
repository's real data (production settings), mixing queries, resource lookups and dump
downloads. Zero errors; p50/p99 and requests per second are printed in the test summary
and written to load-test-results.json in the pytest temporary folder."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.live import REPOSITORY, LiveServer
from tests.loadgen import memory, run_wrk

SECONDS = 60
CONNECTIONS = 50


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is installed by scripts/setup --test")
def test_fifty_clients_for_a_minute_get_no_error(tmp_path, record_property):
    server = LiveServer.start(REPOSITORY, tmp_path)
    try:
        before = memory(server)
        stats = run_wrk(server.url, tmp_path, SECONDS, connections=CONNECTIONS)
        after = memory(server)
    finally:
        status = server.stop()
    results = {"seconds": SECONDS, "connections": CONNECTIONS, **stats}
    results["memory_before"] = before
    results["memory_after"] = after
    output = tmp_path / "load-test-results.json"
    output.write_text(json.dumps(results, indent=2))
    record_property("load_test", results)
    latency = results["latency_ms"]
    print(  # shown with -s or -rP; the JSON file always has it
        f"\nload test: {results['requests']} requests in {SECONDS} s, {results['rps']} req/s, "
        f"p50 {latency['p50']} ms, p99 {latency['p99']} ms, errors {results['errors']}; "
        f"{output}"
    )
    assert status == 0
    assert results["errors"] == {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}
    assert results["bad_answers"] == []
    assert int(results["requests"]) > SECONDS * 10  # it really ran
