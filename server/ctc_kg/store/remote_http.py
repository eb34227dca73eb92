"""The remote backend's transport: one SPARQL query POSTed to the endpoint through
SPARQLWrapper, and what the store answered turned into ctc-kg's errors (store.remote)."""

from __future__ import annotations

import ast
import http.client
import json
import math
import socket
import urllib.error
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from ctc_kg import formats
from ctc_kg.errors import (
    BadRequestError,
    CtcKgError,
    QueryTimeoutError,
    StoreUnavailableError,
)

RESULTS_SOURCE = formats.RESULTS_JSON.media_type
USER_AGENT = "ctc-kg (SPARQLWrapper)"


@dataclass(frozen=True)
class Endpoint:
    """An endpoint URL without credentials, and the credentials it carried."""

    url: str
    user: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) SPARQL endpoint URL: {url!r}")
        netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        if parts.port is not None:
            netloc += f":{parts.port}"
        clean = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
        user = urllib.parse.unquote(parts.username) if parts.username else None
        password = urllib.parse.unquote(parts.password) if parts.password else None
        return cls(clean, user, password)

    @property
    def address(self) -> tuple[str, int]:
        parts = urllib.parse.urlsplit(self.url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return parts.hostname or "", port


class EndpointClient:
    """Sends queries to one endpoint. After a failure to reach it, the next query first
    probes it with a short connect, so a dead store answers 503 quickly; the first query
    that reaches it again clears that state."""

    def __init__(self, endpoint: Endpoint, connect_timeout: float) -> None:
        self.endpoint = endpoint
        self.connect_timeout = connect_timeout
        self.unreachable = False

    def send(
        self,
        text: str,
        accept: str,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
        timeout: float,
    ) -> bytes:
        """POST one query; return the body or raise the error that says what happened."""
        if self.unreachable:
            self.probe()
        wrapper = self._wrapper(text, accept, default_graphs, named_graphs, timeout)
        try:
            result = wrapper.query()
            body: bytes = result.response.read()
            headers = result.response.headers  # case-insensitive, unlike result.info()
        except (SPARQLWrapperException, http.client.HTTPException, OSError) as error:
            raise self._failure(error, timeout) from error
        self.unreachable = False
        if headers.get("X-SQL-State", "").startswith("S1TAT"):
            raise QueryTimeoutError(
                f"The query did not finish within {timeout:g} s and was stopped."
            )
        return body

    def _wrapper(
        self,
        text: str,
        accept: str,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
        timeout: float,
    ) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.endpoint.url, agent=USER_AGENT)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setOnlyConneg(True)
        wrapper.setQuery(text)
        wrapper.addCustomHttpHeader("Accept", accept)
        wrapper.addParameter("timeout", str(max(1, round(timeout * 1000))))
        for graph in default_graphs:
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs:
            wrapper.addNamedGraph(graph)
        if self.endpoint.user and self.endpoint.password:
            wrapper.setCredentials(self.endpoint.user, self.endpoint.password)
        # The store stops the query itself; the socket waits a little longer for its answer.
        wrapper.setTimeout(math.ceil(timeout + max(2.0, timeout / 2)))
        return wrapper

    def _failure(self, error: BaseException, timeout: float) -> CtcKgError:
        """The error a failed request is reported as (and whether the store is now taken
        as unreachable: only when nothing answered)."""
        if isinstance(error, QueryBadFormed):
            return BadRequestError(f"Malformed query: {_message(error)}")
        if isinstance(error, URITooLong):
            return BadRequestError(f"The query is too long: {_message(error)}")
        if isinstance(error, EndPointInternalError):
            message = _message(error)
            if _is_timeout(message):
                return QueryTimeoutError(
                    f"The query did not finish within {timeout:g} s and was stopped."
                )
            return StoreUnavailableError(f"The SPARQL store failed: {message}")
        if isinstance(error, EndPointNotFound | Unauthorized):
            return StoreUnavailableError(f"The SPARQL store refused the request: {_message(error)}")
        if isinstance(error, urllib.error.HTTPError):
            return StoreUnavailableError(
                f"The SPARQL store answered {error.code}: {_message(error)}"
            )
        if isinstance(error, SPARQLWrapperException):
            return StoreUnavailableError(f"The SPARQL store failed: {error}")
        if isinstance(error, TimeoutError):
            return QueryTimeoutError(f"The SPARQL store did not answer within {timeout:g} s.")
        self.unreachable = True
        return StoreUnavailableError(
            f"The SPARQL store at {self.endpoint.url} cannot be reached: {_reason(error)}"
        )

    def probe(self) -> None:
        """After a failure: a short TCP connect, so a dead store answers 503 quickly."""
        try:
            with socket.create_connection(self.endpoint.address, timeout=self.connect_timeout):
                pass
        except OSError as error:
            raise StoreUnavailableError(
                f"The SPARQL store at {self.endpoint.url} cannot be reached: {_reason(error)}"
            ) from error


def _message(error: BaseException) -> str:
    """The store's own message, without the query text Virtuoso echoes after it."""
    if isinstance(error, urllib.error.HTTPError):
        text = error.read().decode("utf-8", "replace")
    else:
        # SPARQLWrapper keeps the response only as the repr() of its bytes in the message.
        text = str(error)
        _, found, raw = text.partition("\n\nResponse:\n")
        if found:
            try:
                value = ast.literal_eval(raw)
            except (ValueError, SyntaxError):
                value = raw
            text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return text.split("\n\nSPARQL query:", 1)[0].strip()


SORTED_TOP_REFUSED = "SR353"  # Virtuoso: "Sorted TOP clause specifies more then N rows"


def _is_timeout(message: str) -> bool:
    """Virtuoso's codes for a query stopped by a time limit, or refused because its
    estimated time exceeds MaxQueryCostEstimationTime."""
    markers = ("S1TAT", "SR171", "S1T00", "estimated execution time")
    return any(marker in message for marker in markers)


def _reason(error: BaseException) -> str:
    reason = getattr(error, "reason", None)
    return str(reason if reason is not None else error)


def bindings(body: bytes) -> list[dict[str, dict[str, str]]]:
    try:
        data = json.loads(body)
    except ValueError as error:
        raise StoreUnavailableError(f"The SPARQL store sent unreadable results: {error}") from error
    rows: list[dict[str, dict[str, str]]] = data.get("results", {}).get("bindings", [])
    return rows
