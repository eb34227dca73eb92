"""`python -m bench`: run the benchmark and write bench/results/ (see bench/README.md)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.contenders import all_contenders
from bench.generate import parse_size
from bench.load import wrk_available
from bench.report import markdown, plots
from bench.run import Options, run, write_json

DEFAULT_OUT = Path(__file__).resolve().parent / "results"


def _list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def parser() -> argparse.ArgumentParser:
    names = ",".join(all_contenders())
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="ctc-kg against rdflib-endpoint, Virtuoso, pyoxigraph and nginx, "
        "side by side at growing graph sizes.",
    )
    p.add_argument(
        "--sizes",
        default=None,
        help="graph sizes in quads (1k, 100k, 1m, ...) or 'real' for data/ (default 1k,100k)",
    )
    p.add_argument("--contenders", default=names, help=f"subset of {names} (default all)")
    p.add_argument("--concurrency", default=None, help="client connections (default 1,8,50)")
    p.add_argument("--duration", type=float, default=None, help="seconds per cell (default 2)")
    p.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder")
    p.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 1k, concurrency 1 and 8, 1 s cells (unless given explicitly)",
    )
    p.add_argument(
        "--budget",
        type=float,
        default=840.0,
        help="seconds for the whole run; slow starts and content steps are cut to what the "
        "remaining cells leave (default 840; 0: no budget, only the timeouts below)",
    )
    p.add_argument("--start-timeout", type=float, default=600.0, help="per server start, s")
    p.add_argument("--step-timeout", type=float, default=300.0, help="per ctc-kg validate/build, s")
    p.add_argument("--request-timeout", type=float, default=10.0, help="per request, s")
    p.add_argument(
        "--slow-rps",
        type=float,
        default=5.0,
        help="below this throughput at the first concurrency, skip the higher ones",
    )
    p.add_argument(
        "--profile",
        default="",
        help="ctc-kg workloads to profile with py-spy after the cells (e.g. lookup,deref-ttl; all)",
    )
    p.add_argument("--keep", action="store_true", help="keep generated graphs and server files")
    p.add_argument(
        "--content-steps",
        action="store_true",
        help="also time `ctc-kg validate` and `ctc-kg build` as commands (by default the "
        "validation and build times are the phases ctc-kg's first start reports: the same "
        "work, not done twice more)",
    )
    p.add_argument("--no-content-steps", action="store_true", help=argparse.SUPPRESS)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    factories = all_contenders()
    contenders = _list(args.contenders)
    unknown = [c for c in contenders if c not in factories]
    if unknown:
        print(f"unknown contenders: {', '.join(unknown)}", file=sys.stderr)
        return 2
    quick = args.quick
    sizes = _list(args.sizes or ("1k" if quick else "1k,100k"))
    concurrency = tuple(int(c) for c in _list(args.concurrency or ("1,8" if quick else "1,8,50")))
    duration = args.duration or (1.0 if quick else 2.0)
    try:
        for size in sizes:
            if size != "real":
                parse_size(size)
    except ValueError as error:
        print(f"bad size: {error}", file=sys.stderr)
        return 2
    if not wrk_available():
        print("wrk not found: run scripts/setup --test (Debian package wrk)", file=sys.stderr)
        return 2
    options = Options(
        sizes=sizes,
        contenders=contenders,
        concurrency=concurrency,
        duration_s=duration,
        seed=args.seed,
        out=args.out,
        start_timeout_s=args.start_timeout,
        content_steps=args.content_steps and not args.no_content_steps,
        step_timeout_s=args.step_timeout,
        request_timeout_s=args.request_timeout,
        settle_s=30.0,
        slow_rps=args.slow_rps,
        keep=args.keep,
        profile=_list(args.profile),
        budget_s=args.budget,
        log=lambda line: print(line, flush=True),
    )
    began = time.monotonic()
    results = run(options, {name: factories[name] for name in contenders})
    write_json(results, args.out / "results.json")
    (args.out / "results.md").write_text(markdown(results))
    written = plots(results, args.out)
    print(f"\nwrote {args.out / 'results.json'}, {args.out / 'results.md'}")
    for path in written:
        print(f"wrote {path}")
    print(f"done in {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
