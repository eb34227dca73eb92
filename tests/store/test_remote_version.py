"""The remote store's data version is asked of the store at most once per `version_ttl`,
also when the store does not answer: every request reads the version (the response
cache is keyed on it), those served from the build alone too, and a store that is down
must not make each of them wait for it."""

from __future__ import annotations

import pytest
from ctc_kg.errors import StoreUnavailableError
from ctc_kg.store.remote import RemoteStore

from tests.live import listening

BASE = "https://w3id.org/ctc-kg/"


def test_a_store_that_does_not_answer_is_asked_its_version_once_per_time_to_live() -> None:
    with listening() as (port, connections):  # accepts, then hangs up: no answer
        store = RemoteStore(
            f"http://127.0.0.1:{port}/sparql",
            base_iri=BASE,
            prefixes={},
            connect_timeout=1.0,
            version_ttl=60.0,
        )
        with pytest.raises(StoreUnavailableError):
            store.version()
        asked = len(connections)
        assert asked >= 1
        for _ in range(5):
            with pytest.raises(StoreUnavailableError):
                store.version()
        assert len(connections) == asked


def test_after_its_time_to_live_a_failed_version_is_asked_again() -> None:
    with listening() as (port, connections):
        store = RemoteStore(
            f"http://127.0.0.1:{port}/sparql",
            base_iri=BASE,
            prefixes={},
            connect_timeout=1.0,
            version_ttl=0.0,
        )
        for _ in range(3):
            with pytest.raises(StoreUnavailableError):
                store.version()
        assert len(connections) >= 3
