"""The soak run (outside the test suite): `ctc-kg serve` over the repository's data under
the load test's mix for a long time, reporting memory before, during and after.

    .venv/bin/python -m tests.soak --minutes 10 [--connections 50] [--out soak.json]

It runs wrk in rounds of `--round` seconds and prints, after each, the requests, errors,
p50/p99 and the resident memory (KiB) of the granian master, its workers and their query
workers. Exit status 1 when any request failed or the memory of the workers grew by more
than `--max-growth` (default 25 %) between the end of the first round (caches warm) and
the end of the run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from tests.live import REPOSITORY, LiveServer
from tests.loadgen import memory, run_wrk


def total(sample: dict[str, int]) -> int:
    return sample["master_kib"] + sample["wsgi_workers_kib"] + sample["query_workers_kib"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--round", type=int, default=60, help="seconds per wrk round")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--max-growth", type=float, default=0.25)
    parser.add_argument("--out", type=Path, help="write the report as JSON here")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="ctc-kg-soak-"))
    server = LiveServer.start(REPOSITORY, folder)
    report: dict[str, object] = {"before": memory(server), "rounds": []}
    rounds: list[dict[str, object]] = []
    print(f"soak: server pid {server.process.pid}, memory before {report['before']}")
    deadline = time.monotonic() + args.minutes * 60
    failed = False
    try:
        while time.monotonic() < deadline:
            seconds = max(5, min(args.round, int(deadline - time.monotonic())))
            stats = run_wrk(server.url, folder, seconds, connections=args.connections)
            sample = memory(server)
            errors = stats["errors"]
            assert isinstance(errors, dict)
            failed = failed or any(errors.values()) or bool(stats["bad_answers"])
            latency = stats["latency_ms"]
            assert isinstance(latency, dict)
            rounds.append({"stats": stats, "memory": sample})
            print(
                f"soak: {stats['requests']} requests, {stats['rps']} req/s, "
                f"p50 {latency['p50']} ms, p99 {latency['p99']} ms, errors {errors}, "
                f"memory {sample}",
                flush=True,
            )
    finally:
        report["after"] = memory(server)
        report["rounds"] = rounds
        status = server.stop()
    warm = rounds[0]["memory"] if rounds else report["before"]
    assert isinstance(warm, dict)
    after = report["after"]
    assert isinstance(after, dict)
    growth = (total(after) - total(warm)) / max(1, total(warm))
    report["growth_after_first_round"] = round(growth, 4)
    report["exit_status"] = status
    print(
        f"soak: memory before {total(report['before'])} KiB, after the first round "  # type: ignore[arg-type]
        f"{total(warm)} KiB, at the end {total(after)} KiB ({growth:+.1%}); "
        f"server exit status {status}"
    )
    if args.out is not None:
        args.out.write_text(json.dumps(report, indent=2))
    return 1 if failed or status != 0 or growth > args.max_growth else 0


if __name__ == "__main__":
    sys.exit(main())
