"""Reading answers from a SPARQL store that echoes the request's dataset in its headers.

Virtuoso answers a query that names its dataset (`default-graph-uri`, `named-graph-uri`)
with one `X-SPARQL-default-graph` and one `X-SPARQL-named-graph` header per graph named.
Python's http.client refuses a response with more than 100 headers (`_MAXHEADERS`), so
a dataset of about 50 graphs or more could not be read at all ("got more than 100
headers"): the repository's own data has 91 graphs. The store is the operator's own
(`store = sparql+...`), not an arbitrary peer, so the bound is raised, once per process,
to one that a dataset of `MAX_DATASET_GRAPHS` graphs fits; each header line keeps
http.client's own length limit.
"""

from __future__ import annotations

import http.client

MAX_DATASET_GRAPHS = 200_000
"""Graphs a request may name (the 1M benchmark graph has 41,465)."""

_HEADERS_BESIDE_THE_ECHO = 100


def allow_dataset_echo() -> None:
    """Let this process read answers carrying two headers per dataset graph."""
    wanted = 2 * MAX_DATASET_GRAPHS + _HEADERS_BESIDE_THE_ECHO
    if getattr(http.client, "_MAXHEADERS", 0) < wanted:
        http.client._MAXHEADERS = wanted  # type: ignore[attr-defined]
