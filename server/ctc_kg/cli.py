"""The `ctc-kg` command: parses options into Settings and calls the parts that do the work.

Exit statuses (interface.md): 0 success, 1 the data does not conform, 2 unusable input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ctc_kg import __version__
from ctc_kg.config import Settings, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctc-kg",
        description="Validate, build, serve and load the ctc-kg knowledge graph.",
    )
    parser.add_argument("--version", action="version", version=f"ctc-kg {__version__}")
    parser.add_argument("--config", type=Path, help="a TOML config file (also CTC_KG_CONFIG)")
    parser.add_argument("--root", type=Path, help="folder with ontology/, shapes/, data/")
    parser.add_argument("--base-iri", help="the dataset's base IRI (also CTC_KG_BASE_IRI)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate", help="SHACL-validate the ontology and data (and any files given)"
    )
    validate.add_argument("paths", nargs="*", type=Path, help="other Turtle/TriG/JSON-LD files")
    validate.add_argument(
        "--engine",
        choices=("auto", "turbo", "pyshacl"),
        default="auto",
        help="SHACL engine: pyshacl-turbo, pySHACL, or auto (turbo, pySHACL if it fails)",
    )

    build = commands.add_parser("build", help="validate, then write dumps and the description")
    build.add_argument("--out", type=Path, help="output folder (default dist/)")
    build.add_argument("--site", type=Path, help="also write the static site into this folder")
    build.add_argument("--public-url", help="the static site's public base URL")
    build.add_argument("--sparql-endpoint", help="a live SPARQL endpoint for the site's /sparql")

    serve = commands.add_parser("serve", help="serve the graph with a production WSGI server")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--public-url", help="rewrite the base IRI to this URL in responses")
    serve.add_argument("--store", help="'embedded' or sparql+http://host:port/path")
    serve.add_argument("--workers", type=int, help="WSGI worker processes (0: sized to machine)")
    serve.add_argument("--query-timeout", type=float, help="seconds before a query is stopped")
    serve.add_argument("--threads", type=int, help="request threads per WSGI worker")
    serve.add_argument(
        "--max-connections", type=int, help="open connections per WSGI worker, idle ones too"
    )
    serve.add_argument(
        "--header-timeout", type=float, help="seconds to send a request's headers (then closed)"
    )
    serve.add_argument(
        "--max-result-rows", type=int, help="rows (or triples) per answer before it is cut"
    )
    serve.add_argument("--max-request-bytes", type=int, help="largest request body (413)")
    serve.add_argument("--max-url-bytes", type=int, help="longest request line (414)")
    serve.add_argument(
        "--max-concurrent-queries", type=int, help="queries running at once per WSGI worker"
    )
    serve.add_argument(
        "--query-queue-timeout", type=float, help="seconds a query waits for a slot (then 503)"
    )
    serve.add_argument(
        "--service-allow-list", help="comma-separated SERVICE endpoints a query may call"
    )
    serve.add_argument("--pid-file", type=Path, help="write the server's pid here (for reload)")
    serve.add_argument(
        "--cache-dir", type=Path, help="keep validated, built versions here for the next start"
    )
    serve.add_argument(
        "--no-cache", action="store_true", help="validate and build at every start, keep nothing"
    )

    reload = commands.add_parser(
        "reload", help="validate and swap in the current data of a running server (SIGHUP)"
    )
    reload.add_argument("--pid-file", type=Path, help="the pid file `serve` was started with")
    reload.add_argument("--wait", type=float, default=300.0, help="seconds to wait for it")

    release = commands.add_parser(
        "release", help="freeze the validated build as a citable release under releases/"
    )
    release.add_argument("version", nargs="?", help="a semantic version (1.2.0) or a date")
    release.add_argument("--verify", action="store_true", help="check every release's SHA-256")
    release.add_argument("--releases", type=Path, help="the releases folder (default releases/)")
    release.add_argument(
        "--data-revision", default="HEAD", help="the git revision the data/ was checked out at"
    )
    release.add_argument("--repository", type=Path, help="the git repository of that revision")

    load = commands.add_parser("load", help="push the validated graph into a SPARQL 1.1 store")
    load.add_argument("--endpoint", required=True, help="the store's SPARQL endpoint URL")
    load.add_argument("--graph", help="the named graph to replace (default: the dataset IRI)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    options = {
        "root": args.root,
        "base_iri": args.base_iri,
        "out": getattr(args, "out", None),
        "host": getattr(args, "host", None),
        "port": getattr(args, "port", None),
        "public_url": getattr(args, "public_url", None),
        "store": getattr(args, "store", None),
        "workers": getattr(args, "workers", None),
        "query_timeout": getattr(args, "query_timeout", None),
        "threads": getattr(args, "threads", None),
        "max_connections": getattr(args, "max_connections", None),
        "header_timeout": getattr(args, "header_timeout", None),
        "max_result_rows": getattr(args, "max_result_rows", None),
        "max_request_bytes": getattr(args, "max_request_bytes", None),
        "max_url_bytes": getattr(args, "max_url_bytes", None),
        "max_concurrent_queries": getattr(args, "max_concurrent_queries", None),
        "query_queue_timeout": getattr(args, "query_queue_timeout", None),
        "service_allow_list": getattr(args, "service_allow_list", None),
        "pid_file": getattr(args, "pid_file", None),
        "cache_dir": getattr(args, "cache_dir", None),
        # Only `serve` keeps versions (`build --site` writes its store beside the build).
        "cache": False if args.command != "serve" or args.no_cache else None,
    }
    return load_settings(options, config_file=args.config)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = _settings(args)
    except (OSError, ValueError) as error:
        print(f"ctc-kg: {error}", file=sys.stderr)
        return 2
    if args.command == "validate":
        from ctc_kg.content.commands import run_validate

        return run_validate(settings, list(args.paths), engine=args.engine)
    if args.command == "build":
        from ctc_kg.content.commands import run_build

        if args.site is None:
            return run_build(settings)
        from ctc_kg.runtime.site import run_site

        site, endpoint = args.site, args.sparql_endpoint
        return run_build(
            settings,
            then=lambda content: run_site(settings, site, content, sparql_endpoint=endpoint),
        )
    if args.command == "serve":
        from ctc_kg.runtime.serve import run_serve

        return run_serve(settings)
    if args.command == "reload":
        from ctc_kg.runtime.reload import run_reload

        return run_reload(settings, wait=args.wait)
    if args.command == "release":
        from ctc_kg.content.release_command import run_release

        if args.verify == (args.version is not None):
            print("ctc-kg release: give a VERSION or --verify", file=sys.stderr)
            return 2
        return run_release(
            settings,
            args.version,
            folder=args.releases,
            data_revision=args.data_revision,
            repository=args.repository,
        )
    if args.command == "load":
        from ctc_kg.store.load import run_load

        return run_load(settings, endpoint=args.endpoint, graph=args.graph)
    raise AssertionError(args.command)  # argparse only lets the commands above through


if __name__ == "__main__":
    sys.exit(main())
