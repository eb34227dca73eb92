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

CANONICAL_BASE_IRI = "https://w3id.org/ctc-kg/"


def repository_root() -> Path:
    """The folder holding ontology/, shapes/ and data/ (the checkout, for an editable install)."""
    env = os.environ.get("CTC_KG_ROOT")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Immutable: a change is a new Settings."""

    root: Path = field(default_factory=repository_root)
    base_iri: str = CANONICAL_BASE_IRI
    public_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    store: str = "embedded"
    out: Path | None = None
    workers: int = 0  # 0: sized to the machine
    threads: int = 8  # request threads per WSGI worker
    # Open connections per WSGI worker, idle and half-open ones included (beyond it, new
    # ones wait unaccepted in the listen queue); far above `threads`: a connection only
    # takes a thread while its request runs (docs/operations.md, "Connections").
    max_connections: int = 1024
    header_timeout: float = 30.0  # seconds to send a request line and headers (idle: closed)
    query_timeout: float = 30.0  # seconds; the query's process is then killed
    max_result_rows: int = 10_000  # solutions (SELECT) or triples (CONSTRUCT) per answer
    max_request_bytes: int = 1_000_000  # request body (413 beyond)
    max_url_bytes: int = 8190  # request line (414 beyond, answered by the app)
    max_concurrent_queries: int = 4  # queries running at once per WSGI worker
    query_queue_timeout: float = 5.0  # seconds a query waits for a slot before 503
    response_cache_bytes: int = 64 * 1024 * 1024  # per worker; 0: no response cache
    # Query processes copy the store into memory (faster queries, a copy per process)
    # when the data has at most this many triples; 0: they always read it on disk.
    memory_store_max_triples: int = 300_000
    pid_file: Path | None = None  # `serve` writes its pid here; `reload` signals it
    service_allow_list: tuple[str, ...] = ()
    trust_forwarded_headers: bool = False  # honour X-Forwarded-*: only behind a proxy
    log_level: str = "info"
    # Validated, built versions kept for the next start or reload (docs/operations.md).
    # None: no cache; load_settings fills in $XDG_CACHE_HOME/ctc-kg or ~/.cache/ctc-kg.
    cache_dir: Path | None = None
    cache: bool = True  # False: validate and build at every start, keep nothing

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


def _coerce(name: str, value: Any) -> Any:
    """Turn a string or TOML value into the type the field declares."""
    kind = str(_FIELDS[name].type)
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

    `options` entries that are None are ignored, so an unset command-line flag never
    hides a value from the environment or the file.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = config_file or (Path(environ["CTC_KG_CONFIG"]) if "CTC_KG_CONFIG" in environ else None)
    if path is not None:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        for key, value in data.items():
            name = key.replace("-", "_")
            if name not in _FIELDS:
                raise ValueError(f"{path}: unknown setting {key!r}")
            values[name] = _coerce(name, value)
    for name in _FIELDS:
        env_name = "CTC_KG_" + name.upper()
        if env_name in environ:
            values[name] = _coerce(name, environ[env_name])
    for name, value in (options or {}).items():
        if value is not None:
            if name not in _FIELDS:
                raise ValueError(f"unknown setting {name!r}")
            values[name] = _coerce(name, value)
    if "cache_dir" not in values:
        values["cache_dir"] = default_cache_dir(environ)
    settings = Settings(**values)
    if not settings.base_iri.endswith(("/", "#")):
        raise ValueError(f"base IRI must end with '/' or '#': {settings.base_iri}")
    return settings


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
