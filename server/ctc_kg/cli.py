"""The `ctc-kg` command: parses options into Settings, calls the command (`commands`),
and maps the error that ends a command to its exit status (errors.ExitStatus) and its
message on stderr, here only.

The options that are settings are made from the Settings fields (config.py): each field
is `--<name>` on the commands its metadata names, with its help.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import Field, fields
from pathlib import Path
from typing import Any

from ctc_kg import __version__
from ctc_kg.config import Settings, load_settings
from ctc_kg.errors import CtcKgError, UsageError, exit_status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctc-kg",
        description="Validate, build, serve and load the ctc-kg knowledge graph.",
    )
    parser.add_argument("--version", action="version", version=f"ctc-kg {__version__}")
    parser.add_argument("--config", type=Path, help="a TOML config file (also CTC_KG_CONFIG)")
    setting_options(parser, "ctc-kg")
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
    setting_options(build, "build")
    build.add_argument("--site", type=Path, help="also write the static site into this folder")
    build.add_argument("--public-url", help="the static site's public base URL")
    build.add_argument("--sparql-endpoint", help="a live SPARQL endpoint for the site's /sparql")

    serve = commands.add_parser("serve", help="serve the graph with a production WSGI server")
    setting_options(serve, "serve")

    reload = commands.add_parser(
        "reload", help="validate and swap in the current data of a running server (SIGHUP)"
    )
    setting_options(reload, "reload")
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


def setting_options(parser: argparse.ArgumentParser, command: str) -> None:
    """`--<name>` for each Settings field whose metadata names `command` ("ctc-kg": the
    options before the command). Unset, an option is None, so that it never hides the
    config file or the environment (load_settings), which also turns its text into the
    field's type (a bool is `--name`/`--no-name`)."""
    for setting in fields(Settings):
        if command not in setting.metadata["options"]:
            continue
        extra: dict[str, Any] = {}
        if str(setting.type) == "bool":
            extra["action"] = argparse.BooleanOptionalAction
        else:
            extra["metavar"] = setting.name.rsplit("_", 1)[-1].upper()
            extra["choices"] = setting.metadata["choices"] or None
        parser.add_argument(
            "--" + setting.name.replace("_", "-"),
            dest=setting.name,
            default=None,
            help=_help(setting),
            **extra,
        )


def _help(setting: Field[Any]) -> str:
    """The field's help, then its choices, its default and its environment variable."""
    default = setting.metadata["default"]
    if default is None:
        value = setting.default
        default = "none" if value in (None, ()) else str(value)
        default = default.lower() if isinstance(value, bool) else default
    choices = setting.metadata["choices"]
    admits = f"; one of {', '.join(choices)}" if choices else ""
    return f"{setting.metadata['help']}{admits} (default: {default}; CTC_KG_{setting.name.upper()})"


def _settings(args: argparse.Namespace) -> Settings:
    options = {setting.name: getattr(args, setting.name, None) for setting in fields(Settings)}
    if args.command != "serve":
        options["cache"] = False  # only `serve` keeps versions
    return load_settings(options, config_file=args.config)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; its exit status: the one it returns, or its error's."""
    args = _parser().parse_args(argv)
    try:
        return _run(args, _settings(args))
    except (CtcKgError, OSError) as error:
        print(f"ctc-kg {args.command}: {error}", file=sys.stderr)
        return exit_status(error)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from ctc_kg import commands

    if args.command == "validate":
        return commands.run_validate(settings, list(args.paths), engine=args.engine)
    if args.command == "build":
        if args.site is None:
            return commands.run_build(settings)
        site, endpoint = args.site, args.sparql_endpoint
        return commands.run_build(
            settings,
            then=lambda content: commands.run_site(
                settings, site, content, sparql_endpoint=endpoint
            ),
        )
    if args.command == "serve":
        return commands.run_serve(settings)
    if args.command == "reload":
        return commands.run_reload(settings, wait=args.wait)
    if args.command == "release":
        if args.verify == (args.version is not None):
            raise UsageError("give a VERSION or --verify")
        return commands.run_release(
            settings,
            args.version,
            folder=args.releases,
            data_revision=args.data_revision,
            repository=args.repository,
        )
    if args.command == "load":
        return commands.run_load(settings, endpoint=args.endpoint, graph=args.graph)
    raise AssertionError(args.command)  # argparse only lets the commands above through


if __name__ == "__main__":
    sys.exit(main())
