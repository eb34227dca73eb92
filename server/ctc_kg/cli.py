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

    build = commands.add_parser("build", help="validate, then write dumps and the description")
    build.add_argument("--out", type=Path, help="output folder (default dist/)")

    serve = commands.add_parser("serve", help="serve the graph with a production WSGI server")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--public-url", help="rewrite the base IRI to this URL in responses")
    serve.add_argument("--store", help="'embedded' or sparql+http://host:port/path")
    serve.add_argument("--workers", type=int, help="WSGI worker processes (0: sized to machine)")
    serve.add_argument("--query-timeout", type=float, help="seconds before a query is stopped")

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

        return run_validate(settings, list(args.paths))
    if args.command == "build":
        from ctc_kg.content.commands import run_build

        return run_build(settings)
    if args.command == "serve":
        from ctc_kg.web.serve import run_serve

        return run_serve(settings)
    if args.command == "load":
        from ctc_kg.store.load import run_load

        return run_load(settings, endpoint=args.endpoint, graph=args.graph)
    raise AssertionError(args.command)  # argparse only lets the commands above through


if __name__ == "__main__":
    sys.exit(main())
