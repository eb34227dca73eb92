"""One Settings object: defaults < config file < environment (CTC_KG_*) < explicit options.

Nothing here reads the environment at import time: `load_settings` is called by the
command line (or a test) and the result is passed down explicitly.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ctc_kg.errors import UsageError

CANONICAL_BASE_IRI = "https://w3id.org/ctc-kg/"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")  # granian's


def repository_root() -> Path:
    """The folder holding ontology/, shapes/ and data/ (the checkout, for an editable install).

    `CTC_KG_ROOT` (and every other CTC_KG_* variable) is read by `load_settings` only."""
    return Path(__file__).resolve().parents[2]


def about(
    help: str,
    *,
    options: tuple[str, ...] = ("serve",),
    choices: tuple[str, ...] = (),
    default: str | None = None,
) -> dict[str, Any]:
    """A Settings field's metadata for its command-line option `--<name>` (`_` as `-`):
    its `help`, the commands that take it (`options`; "ctc-kg": before the command), the
    values it admits (`choices`, checked by load_settings) and, where the field's own
    default is not what a user gets, the `default` to show."""
    return {"help": help, "options": options, "choices": choices, "default": default}


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Immutable: a change is a new Settings.

    Each field is a key of the config file, a CTC_KG_* variable and a command-line option
    (`cli` makes the options from these fields and their metadata)."""

    root: Path = field(
        default_factory=repository_root,
        metadata=about(
            "folder with ontology/, shapes/, data/",
            options=("ctc-kg",),
            default="the checkout ctc-kg is installed from",
        ),
    )
    base_iri: str = field(
        default=CANONICAL_BASE_IRI, metadata=about("the dataset's base IRI", options=("ctc-kg",))
    )
    public_url: str | None = field(
        default=None, metadata=about("rewrite the base IRI to this URL in responses")
    )
    host: str = field(default="127.0.0.1", metadata=about("the address to listen on"))
    port: int = field(default=8000, metadata=about("the port to listen on"))
    store: str = field(
        default="embedded", metadata=about("'embedded' or sparql+http(s)://host:port/path")
    )
    out: Path | None = field(
        default=None, metadata=about("output folder", options=("build",), default="ROOT/dist")
    )
    workers: int = field(default=0, metadata=about("WSGI worker processes (0: one per core)"))
    threads: int = field(default=8, metadata=about("request threads per WSGI worker"))
    # Far above `threads`: a connection only takes a thread while its request runs
    # (docs/operations.md, "Connections"); beyond it, new ones wait in the listen queue.
    max_connections: int = field(
        default=1024,
        metadata=about("open connections per WSGI worker, idle and half-open ones included"),
    )
    header_timeout: float = field(
        default=30.0,
        metadata=about("seconds to send a request line and headers (then closed unanswered)"),
    )
    query_timeout: float = field(
        default=30.0, metadata=about("seconds before a query's process is killed (503)")
    )
    max_result_rows: int = field(
        default=10_000,
        metadata=about("solutions (SELECT) or triples (CONSTRUCT) per answer before it is cut"),
    )
    max_request_bytes: int = field(
        default=1_000_000, metadata=about("largest request body (413 beyond)")
    )
    max_url_bytes: int = field(default=8190, metadata=about("longest request line (414 beyond)"))
    max_concurrent_queries: int = field(
        default=4, metadata=about("queries running at once per WSGI worker")
    )
    query_queue_timeout: float = field(
        default=5.0, metadata=about("seconds a query waits for a slot before 503")
    )
    response_cache_bytes: int = field(
        default=64 * 1024 * 1024,
        metadata=about("bytes of responses kept in memory per WSGI worker (0: none)"),
    )
    memory_store_max_triples: int = field(
        default=300_000,
        metadata=about(
            "query processes copy the store into memory when it has at most this many "
            "triples (faster queries, a copy per process; 0: always on disk)"
        ),
    )
    pid_file: Path | None = field(
        default=None,
        metadata=about(
            "`serve` writes its pid here; `reload` signals it", options=("serve", "reload")
        ),
    )
    service_allow_list: tuple[str, ...] = field(
        default=(), metadata=about("comma-separated SERVICE endpoints a query may call")
    )
    trust_forwarded_headers: bool = field(
        default=False,
        metadata=about("honour X-Forwarded-Proto/Host/Prefix (only behind a proxy setting them)"),
    )
    log_level: str = field(
        default="info", metadata=about("the server's log level", choices=LOG_LEVELS)
    )
    # None: no cache; load_settings fills in $XDG_CACHE_HOME/ctc-kg or ~/.cache/ctc-kg.
    cache_dir: Path | None = field(
        default=None,
        metadata=about(
            "keep validated, built versions here for the next start",
            default="$XDG_CACHE_HOME/ctc-kg, else ~/.cache/ctc-kg",
        ),
    )
    cache: bool = field(
        default=True, metadata=about("keep validated, built versions (--no-cache: build anew)")
    )

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def dist_dir(self) -> Path:
        return self.out if self.out is not None else self.root / "dist"


_FIELDS = {f.name: f for f in fields(Settings)}


def _coerce(name: str, value: Any, source: str) -> Any:
    """Turn a string or TOML value into the type the field declares; UsageError, naming
    the setting and where it came from, for a value that is not one."""
    try:
        coerced = _typed(str(_FIELDS[name].type), value)
    except (TypeError, ValueError) as error:
        raise UsageError(f"{source}={value!r} is not usable: {error}") from error
    choices = _FIELDS[name].metadata["choices"]
    if choices and coerced not in choices:
        raise UsageError(f"{source}={value!r} is not one of {', '.join(choices)}")
    return coerced


def _typed(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if "Path" in kind:
        return Path(value)
    if "tuple" in kind:
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        return tuple(str(v) for v in value)
    if kind == "bool":
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on")
        return bool(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    return str(value)


def load_settings(
    options: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Layer defaults, then the config file, then CTC_KG_* variables, then `options`.

    The only reader of the environment (`Settings()` alone is the defaults). `options`
    entries that are None are ignored, so an unset command-line flag never hides a value
    from the environment or the file. UsageError for a setting that cannot be used.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = config_file or (Path(environ["CTC_KG_CONFIG"]) if "CTC_KG_CONFIG" in environ else None)
    if path is not None:
        for key, value in _read_config(path).items():
            name = key.replace("-", "_")
            if name not in _FIELDS:
                raise UsageError(f"{path}: unknown setting {key!r}")
            values[name] = _coerce(name, value, f"{path}: {key}")
    for name in _FIELDS:
        env_name = "CTC_KG_" + name.upper()
        if env_name in environ:
            values[name] = _coerce(name, environ[env_name], env_name)
    for name, value in (options or {}).items():
        if value is not None:
            if name not in _FIELDS:
                raise UsageError(f"unknown setting {name!r}")
            values[name] = _coerce(name, value, "--" + name.replace("_", "-"))
    if "cache_dir" not in values:
        values["cache_dir"] = default_cache_dir(environ)
    settings = Settings(**values)
    if not settings.base_iri.endswith(("/", "#")):
        raise UsageError(f"base IRI must end with '/' or '#': {settings.base_iri}")
    return settings


def _read_config(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        try:
            return tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise UsageError(f"{path}: not TOML: {error}") from error


def default_cache_dir(environ: Mapping[str, str]) -> Path | None:
    """`$XDG_CACHE_HOME/ctc-kg`, else `$HOME/.cache/ctc-kg`; None when neither is set (an
    XDG variable that is not an absolute path is ignored, as the XDG specification says)."""
    xdg = environ.get("XDG_CACHE_HOME", "")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "ctc-kg"
    home = environ.get("HOME", "")
    return Path(home) / ".cache" / "ctc-kg" if home else None


def replace(settings: Settings, **changes: Any) -> Settings:
    return dataclasses.replace(settings, **changes)
