"""The store interface. The web layer talks to this and nothing else.

A backend answers SPARQL queries already serialized in the media type the web layer
negotiated, so the embedded backend can use the engine's own serializers on the hot
path and the remote one can pass the store's bytes through.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from ctc_kg.errors import NotAcceptableError
from ctc_kg.store.querytext import Analysis, Operation, analyse
from ctc_kg.store.version import DataVersion


class QueryForm(Enum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


@dataclass(frozen=True)
class QueryRequest:
    """A read query and the formats the client accepts for each kind of answer.

    `results_media_type` is used for SELECT/ASK, `graph_media_type` for
    CONSTRUCT/DESCRIBE; None means the client accepts no format for that kind, and
    the backend raises NotAcceptableError once it knows the query's form.
    """

    text: str
    results_media_type: str | None
    graph_media_type: str | None
    default_graph_uris: Sequence[str] = ()
    named_graph_uris: Sequence[str] = ()
    timeout: float | None = None
    base_iri: str | None = None  # resolves relative IRIs in the query (the endpoint's IRI)
    # At most this many solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) are returned;
    # the answer then says `truncated`. None: no cap (internal callers that need it all).
    max_rows: int | None = None
    # `text`'s analysis (store.querytext.analyse), when the caller has made it: a query is
    # analysed once per request, by the web layer, and the backends reuse it.
    analysis: Analysis | None = None

    def analysed(self) -> Analysis:
        """The analysis of `text`: the one the request carries, or made now."""
        return self.analysis if self.analysis is not None else analyse(self.text)


def answer_media_type(request: QueryRequest, operation: Operation) -> str:
    """The media type `request` asks for the answer of an `operation` query; the store's
    one check that the client accepts one (web negotiates before, so a /sparql request
    always has it; NotAcceptableError, 406, otherwise)."""
    form = QueryForm(operation.value)
    wanted = request.graph_media_type if form.returns_graph else request.results_media_type
    if wanted is None:
        raise NotAcceptableError(
            f"No acceptable media type for the results of a {form.value} query."
        )
    return wanted


@dataclass(frozen=True)
class QueryResponse:
    """An answer, serialized in the media type of the request for its `form`."""

    form: QueryForm
    body: bytes
    truncated: bool = False  # the answer stops at the request's `max_rows`


@dataclass(frozen=True)
class Description:
    """A resource's description, serialized; `cut_at` is the number of incoming links it
    was cut at (INCOMING_LINK_LIMIT, store.description) when the resource has more, and
    the description then says so itself (store.description.truncation_note)."""

    body: bytes
    cut_at: int | None = None

    @property
    def truncated(self) -> bool:
        return self.cut_at is not None


@dataclass(frozen=True)
class Health:
    ok: bool
    backend: str
    triples: int | None
    message: str = ""


class Store(ABC):
    """What every backend offers. Embedded and remote pass the same test suite."""

    @abstractmethod
    def query(self, request: QueryRequest) -> QueryResponse:
        """Run a read-only query; raise BadRequestError, ForbiddenError, NotAcceptableError,
        QueryTimeoutError or StoreUnavailableError as fits."""

    @abstractmethod
    def describe(self, iri: str, media_type: str) -> Description | None:
        """The concise bounded description of `iri` (outgoing triples, blank nodes they
        reach, incoming triples, labels of every resource mentioned) serialized in
        `media_type`, or None when the IRI is not in the graph."""

    @abstractmethod
    def health(self) -> Health: ...

    @abstractmethod
    def version(self) -> DataVersion:
        """The version of the data this store answers from now: every cache and every
        validator of an answer computed from the store is keyed on it (store.version).
        Cheap enough to ask on every request; raises StoreUnavailableError when it cannot
        be known."""

    def start(self) -> None:  # noqa: B027 - optional: nothing to start by default
        """Get ready now (the embedded store starts its worker processes) rather than on
        the first query."""

    @abstractmethod
    def close(self) -> None: ...
