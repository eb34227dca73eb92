"""Property-based tests (hypothesis) of the Accept parser, IRI rewriting, the query lexer
and the path mapping: never an exception, always a valid answer."""

from __future__ import annotations

import math
from urllib.parse import quote

import pytest
from ctc_kg import formats
from ctc_kg.errors import NotAcceptableError
from ctc_kg.store.sparqltokens import map_iris, tokens
from ctc_kg.web import conneg
from ctc_kg.web.assets import editor_assets
from ctc_kg.web.rewrite import IriMap, public_base
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BASE = "https://w3id.org/ctc-kg/"
OFFERS = (
    conneg.RESOURCE_FORMATS,
    formats.GRAPH_FORMATS,
    formats.RESULTS_FORMATS,
    (formats.HTML, *formats.GRAPH_FORMATS),
)
KNOWN_TYPES = [f.media_type for f in formats.FORMATS] + [
    alias for f in formats.FORMATS for alias in f.aliases
]
Q_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["NaN", "nan", "inf", "-1", "2", "1.0000001", "", "0", "0.5", "1", "q", "1e3"]),
    st.text(max_size=5),
)
RANGES = st.one_of(
    st.sampled_from([*KNOWN_TYPES, "*/*", "text/*", "application/*", "*/turtle", "x/y"]),
    st.text(max_size=20),
)
ENTRY = st.builds(
    lambda media, q, extra: f"{media};q={q}" + (f";{extra}" if extra else ""),
    RANGES,
    Q_VALUES,
    st.one_of(st.none(), st.text(max_size=10)),
)
ACCEPT = st.one_of(
    st.none(),
    st.text(max_size=200),
    st.lists(st.one_of(ENTRY, RANGES), max_size=30).map(", ".join),
)


@settings(max_examples=300, deadline=None)
@given(accept=ACCEPT)
def test_accept_parsing_never_fails_and_every_quality_is_in_range(accept):
    for media_range in conneg.parse_accept(accept):
        assert math.isfinite(media_range.q)
        assert 0.0 <= media_range.q <= 1.0
        assert "/" not in media_range.type


@settings(max_examples=300, deadline=None)
@given(accept=ACCEPT, offered=st.sampled_from(OFFERS), override=st.one_of(st.none(), RANGES))
def test_negotiation_answers_an_offered_format_or_406(accept, offered, override):
    chosen = conneg.choose(accept, offered, override=override)
    if chosen is None:
        with pytest.raises(NotAcceptableError) as refused:
            conneg.negotiate(accept, offered, override=override)
        assert set(refused.value.available) == {f.media_type for f in offered}
    else:
        assert chosen in offered
        assert conneg.negotiate(accept, offered, override=override) is chosen


@settings(max_examples=200, deadline=None)
@given(offered=st.sampled_from(OFFERS), index=st.integers(min_value=0, max_value=10))
def test_naming_an_offered_type_alone_selects_it(offered, index):
    fmt = offered[index % len(offered)]
    assert conneg.negotiate(fmt.media_type, offered) is fmt


HOSTS = st.from_regex(r"[a-z][a-z0-9\-]{0,15}(\.[a-z]{2,6}){0,2}", fullmatch=True)
PUBLIC_URLS = st.builds(
    lambda scheme, host, port, path: f"{scheme}://{host}{port}/{path}",
    st.sampled_from(["http", "https"]),
    HOSTS,
    st.one_of(st.just(""), st.integers(1, 65535).map(lambda p: f":{p}")),
    st.one_of(st.just(""), st.from_regex(r"([a-z0-9_\-]{1,8}/){1,3}", fullmatch=True)),
)
SUFFIXES = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(public=PUBLIC_URLS, suffix=SUFFIXES)
def test_rewriting_is_invertible_under_the_base_and_the_public_url(public, suffix):
    iri_map = IriMap(BASE, public_base(BASE, public, None))
    canonical = BASE + suffix
    assert iri_map.outward(canonical).startswith(iri_map.public)
    assert iri_map.inward(iri_map.outward(canonical)) == canonical
    published = iri_map.public + suffix
    assert iri_map.outward(iri_map.inward(published)) == published


@settings(max_examples=300, deadline=None)
@given(public=PUBLIC_URLS, other=st.text(max_size=40))
def test_rewriting_leaves_iris_outside_both_bases_alone(public, other):
    iri_map = IriMap(BASE, public_base(BASE, public, None))
    iri = "urn:x:" + other
    assert iri_map.outward(iri) == iri
    assert iri_map.inward(iri) == iri


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300), public=PUBLIC_URLS)
def test_the_query_lexer_partitions_any_text_and_maps_only_iri_tokens(text, public):
    assert "".join(token.text for token in tokens(text)) == text
    iri_map = IriMap(BASE, public_base(BASE, public, None))
    assert map_iris(text, lambda iri: iri) == text
    inward = iri_map.query_inward(text)
    assert iri_map.query_inward(inward) == inward or iri_map.public.startswith(BASE)


NAMES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["..", ".", "../ctc-kg.ttl", "..%2fSHA256SUMS", "%00", "ctc-kg.ttl/..", "\\", ".."]
    ),
    st.builds(lambda a, b: a + b, st.sampled_from(["", "../", "..\\", "/", "./"]), st.text()),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES)
def test_dump_paths_never_leave_the_build_folder(hostile_world, dump_client, name):
    files = {p.name: p.read_bytes() for p in hostile_world.dist.iterdir() if p.is_file()}
    response = dump_client.get("/dump/" + quote(name, safe=""))
    assert response.status_code in (200, 404), response.data[:300]
    if response.status_code == 200:
        assert name in files
        assert response.data in (files[name], files.get(name + ".gz"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES)
def test_editor_asset_paths_serve_only_the_listed_files(dump_client, name):
    from tests.web.conftest import web_settings

    assets = editor_assets(web_settings().root)
    response = dump_client.get(f"/assets/{assets.version}/" + quote(name, safe=""))
    if name not in assets.files:
        assert response.status_code in (404, 405)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.text(max_size=60))
def test_resource_paths_map_to_iris_under_the_base_and_never_fail(dump_client, path):
    response = dump_client.get(
        "/" + quote(path, safe="/"), headers={"Accept": "application/n-triples"}
    )
    assert response.status_code < 500, response.data[:300]
    if response.status_code == 200 and response.content_type.startswith("application/n-triples"):
        assert response.data == b"" or b"<" + BASE.encode() in response.data


@pytest.fixture(scope="module")
def dump_client(hostile_world):
    from ctc_kg.web.app import create_app

    from tests.web.conftest import web_settings

    return create_app(web_settings(), hostile_world.store, dist=hostile_world.dist).test_client()
