"""The app over a prepared version, for a caller that needs one app for a while (the
tests, a script): prepared, opened and wired here, closed and removed on the way out.

`ctc-kg serve` wires its own (one app per forked worker, runtime/serve.py), and
`ctc-kg build --site` its own (over the build it has just written, runtime/static_site.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from ctc_kg.config import Settings
from ctc_kg.content.names import prefixes
from ctc_kg.runtime.prepare import Prepared, open_store, prepare
from ctc_kg.web.app import close_app, create_app


@contextmanager
def prepared_app(settings: Settings, prepared: Prepared | None = None) -> Iterator[Flask]:
    """The app for `settings`, over `prepared` (prepared here when None: validated and
    built into a private folder, or taken from the version cache). On exit the store's
    workers stop and what was prepared here is removed (a `prepared` given stays)."""
    own = prepared is None
    version = prepare(settings) if prepared is None else prepared
    try:
        store = open_store(settings, version, prefixes(settings.base_iri))
        app = create_app(settings, store, version.dist)
        try:
            yield app
        finally:
            close_app(app)
    finally:
        if own:
            version.cleanup()
