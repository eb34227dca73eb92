"""The catalogue of hostile requests: each case is data (an id, the request as it is sent
on the wire, the status range it must get). tests/hostile/test_catalogue.py runs every
case against the app (Flask test client) and the `live` ones against `ctc-kg serve`.

Every case, whatever its expected status, must also get: no 5xx, no reflected markup
(`<script` or an event handler the request carried), no header a CR/LF in the request
could have injected, no file from outside the build folder, and a Content-Type.

`target` is the request target exactly as sent: a percent-encoded path and query
string (raw bytes where `raw_target` says so, for bad UTF-8 in the request line).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

MEETING = "/meeting/2003-new-york"
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'


@dataclass(frozen=True)
class Case:
    id: str
    target: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    expect: tuple[int, int] = (400, 499)  # inclusive status range
    live: bool = False  # also run against the real server (`ctc-kg serve`)
    raw_target: bytes | None = None  # a request line target that is not ASCII
    forbidden: tuple[str, ...] = field(default=())  # strings the body must not contain


def q(query: str, **more: str) -> str:
    return "/sparql?" + urlencode({"query": query, **more})


def form(**values: str) -> bytes:
    return urlencode(values).encode()


HTML = (("Accept", "text/html"),)
JSON = (("Accept", "application/json"),)
DIRECT = (("Content-Type", "application/sparql-query"),)
FORM = (("Content-Type", "application/x-www-form-urlencoded"),)
PASSWD = ("root:x:0:0", "ctc_kg", "def create_app")

CASES: tuple[Case, ...] = (
    # -- malformed, enormous and deeply nested queries -----------------------------------
    Case("malformed-select", q("SELEC * WHERE { ?s ?p ?o }"), live=True),
    Case("malformed-unclosed-brace", q("SELECT * WHERE { ?s ?p ?o ")),
    Case("malformed-unterminated-string", q('SELECT * WHERE { ?s ?p "abc }')),
    Case("malformed-empty-query", q("")),
    Case("malformed-only-comment", q("# nothing")),
    Case("malformed-nul-in-query", q("ASK\x00{}")),
    Case("malformed-direct-post", "/sparql", "POST", DIRECT, b"SELECT WHERE", live=True),
    Case("enormous-body", "/sparql", "POST", DIRECT, b"ASK {} #" + b"x" * 2_000_000, live=True),
    Case("enormous-form-body", "/sparql", "POST", FORM, form(query="ASK {}", pad="y" * 2_000_000)),
    Case("enormous-query-string", q("ASK {} #" + "x" * 20_000), expect=(413, 414), live=True),
    Case(
        "deeply-nested-parentheses",
        "/sparql",
        "POST",
        DIRECT,
        b"ASK { FILTER(" + b"(" * 20_000 + b"1" + b")" * 20_000 + b") }",
        expect=(200, 499),
        live=True,
    ),
    Case(
        "deeply-nested-groups",
        "/sparql",
        "POST",
        DIRECT,
        b"SELECT * WHERE " + b"{ " * 20_000 + b"?s ?p ?o" + b" }" * 20_000,
        expect=(200, 499),
        live=True,
    ),
    Case(
        "deeply-nested-subqueries",
        "/sparql",
        "POST",
        DIRECT,
        b"SELECT * WHERE { " * 3_000 + b"?s ?p ?o" + b" }" * 3_000,
        expect=(200, 499),
    ),
    Case(
        "deeply-nested-unclosed",
        "/sparql",
        "POST",
        DIRECT,
        b"ASK { FILTER(" + b"(" * 50_000,
    ),
    Case(
        "many-union-branches",
        "/sparql",
        "POST",
        DIRECT,
        ("ASK { " + " UNION ".join(["{ ?s ?p ?o }"] * 2000) + " }").encode(),
        expect=(200, 200),
    ),
    Case("two-query-parameters", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D"),
    # -- what must never run -------------------------------------------------------------
    Case("update-as-query", q("INSERT DATA { <http://a/s> <http://a/p> 1 }"), expect=(403, 403)),
    Case("update-parameter", "/sparql", "POST", FORM, form(update="CLEAR ALL"), expect=(403, 403)),
    Case(
        "update-content-type",
        "/sparql",
        "POST",
        (("Content-Type", "application/sparql-update"),),
        b"DROP ALL",
        expect=(403, 403),
        live=True,
    ),
    Case("load-as-query", q("LOAD <http://127.0.0.1:9/x.ttl>"), expect=(403, 403), live=True),
    Case(
        "load-as-update",
        "/sparql",
        "POST",
        FORM,
        form(update="LOAD <http://127.0.0.1:9/x.ttl> INTO GRAPH <http://a/g>"),
        expect=(403, 403),
    ),
    Case("load-lowercase", q("load <http://127.0.0.1:9/x.ttl>"), expect=(403, 403)),
    Case(
        "service-loopback",
        q("SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"),
        expect=(403, 403),
        live=True,
    ),
    Case(
        "service-metadata-address",
        q("SELECT * { SERVICE <http://169.254.169.254/latest/meta-data/> { ?s ?p ?o } }"),
        expect=(403, 403),
    ),
    Case("service-variable", q("SELECT * { SERVICE ?x { ?s ?p ?o } }"), expect=(403, 403)),
    Case(
        "service-escaped-iri",
        q("SELECT * { SERVICE <http\\u003A//127.0.0.1:9/> { ?s ?p ?o } }"),
        expect=(403, 403),
    ),
    # -- bad encodings ---------------------------------------------------------------------
    Case("bad-utf8-body", "/sparql", "POST", DIRECT, b"ASK { ?s ?p '\xff\xfe' }", live=True),
    Case("bad-utf8-form-body", "/sparql", "POST", FORM, b"query=ASK%20%7B%7D%FF"),
    Case("bad-utf8-query-string", "/sparql?query=ASK%20%7B%FF%7D", live=True),
    Case("bad-utf8-path-percent", "/meeting/%FF%FE", expect=(400, 404), live=True),
    Case(
        "bad-utf8-path-raw",
        "/meeting/x",
        raw_target=b"/meeting/\xff\xfe",
        expect=(400, 404),
        live=True,
    ),
    Case("bad-utf8-dump-name", "/dump/ctc-kg%FF.ttl", expect=(400, 404)),
    Case(
        "latin1-charset-direct",
        "/sparql",
        "POST",
        (("Content-Type", "application/sparql-query; charset=latin-1"),),
        b"ASK {}",
    ),
    Case(
        "unsupported-content-type",
        "/sparql",
        "POST",
        (("Content-Type", "text/plain"),),
        b"ASK {}",
        expect=(415, 415),
    ),
    Case("no-content-type", "/sparql", "POST", (), b"ASK {}", expect=(415, 415)),
    # -- absurd Accept headers -------------------------------------------------------------
    Case(
        "accept-10kb",
        MEETING,
        headers=(("Accept", "text/html;q=0.1, " + "x/y;q=0.5, " * 900 + "text/turtle"),),
        expect=(200, 200),
    ),
    Case(
        "accept-thousands-of-entries",
        "/sparql?query=ASK%7B%7D",
        headers=(("Accept", ",".join(f"type{i}/sub{i}" for i in range(3000))),),
        expect=(406, 406),
    ),
    Case("accept-q-nan", MEETING, headers=(("Accept", "text/turtle;q=NaN"),), expect=(200, 200)),
    Case("accept-q-2", MEETING, headers=(("Accept", "text/turtle;q=2"),), expect=(200, 200)),
    Case("accept-q-negative", MEETING, headers=(("Accept", "*/*;q=-1"),), expect=(200, 200)),
    Case("accept-q-inf", MEETING, headers=(("Accept", "text/turtle;q=inf"),), expect=(200, 200)),
    Case(
        "accept-all-zero", MEETING, headers=(("Accept", "*/*;q=0"),), expect=(406, 406), live=True
    ),
    Case("accept-garbage", MEETING, headers=(("Accept", ";;;,,,//==;q=;"),), expect=(200, 200)),
    Case("accept-markup", MEETING, headers=(("Accept", SCRIPT),), expect=(200, 200)),
    Case("accept-only-unknown", MEETING, headers=(("Accept", "image/png"),), expect=(406, 406)),
    Case(
        "accept-language-absurd",
        MEETING,
        headers=(("Accept", "text/html"), ("Accept-Language", "fr;q=NaN, " * 500 + SCRIPT)),
        expect=(200, 200),
    ),
    Case(
        "accept-encoding-absurd",
        "/dump/ctc-kg.ttl",
        headers=(("Accept-Encoding", "gzip;q=NaN, " * 500),),
        expect=(200, 200),
    ),
    Case(
        "if-none-match-garbage",
        MEETING,
        headers=(("If-None-Match", '"' * 3000),),
        expect=(200, 200),
    ),
    Case(
        "if-modified-since-garbage",
        MEETING,
        headers=(("If-Modified-Since", "Mon, 99 Foo 99999 99:99:99 GMT"),),
        expect=(200, 200),
    ),
    # -- path traversal ---------------------------------------------------------------------
    *(
        Case(f"traversal-{name}", target, expect=(400, 404), forbidden=PASSWD, live=live)
        for name, target, live in (
            ("dump-dotdot", "/dump/../../etc/passwd", True),
            ("dump-encoded-dots", "/dump/%2e%2e/%2e%2e/etc/passwd", True),
            ("dump-encoded-slash", "/dump/..%2f..%2fetc%2fpasswd", True),
            ("dump-backslash", "/dump/..\\..\\etc\\passwd", False),
            ("dump-encoded-backslash", "/dump/..%5c..%5cetc%5cpasswd", True),
            ("dump-nul", "/dump/ctc-kg.ttl%00.txt", True),
            ("dump-nul-traversal", "/dump/..%2f..%2fetc%2fpasswd%00.ttl", False),
            ("dump-double-encoded", "/dump/%252e%252e%252fetc%252fpasswd", False),
            ("dump-hidden", "/dump/.SHA256SUMS", False),
            ("dump-absolute", "/dump//etc/passwd", False),
            ("resource-dotdot", "/meeting/../../../etc/passwd", False),
            ("resource-encoded", "/meeting/%2e%2e%2f%2e%2e%2fetc%2fpasswd", True),
            ("resource-nul", "/meeting/2003-new-york%00", True),
            ("static-encoded", "/static/..%2f..%2fapp.py", True),
            ("static-dotdot", "/static/../web/app.py", False),
            ("yasgui-traversal", "/static/yasgui/..%2f..%2f..%2fpackage.json", True),
            ("assets-traversal", "/assets/0/..%2f..%2f..%2fpackage.json", True),
            ("context-traversal", "/context/..%2f..%2fetc%2fpasswd", False),
            ("unicode-dots", "/dump/%E2%80%A5%2fetc%2fpasswd", False),
        )
    ),
    # -- percent-encoded and non-ASCII IRIs ------------------------------------------------
    Case("iri-non-ascii", "/organization/%C3%A9", expect=(404, 404), live=True),
    Case("iri-trailing-space", "/meeting/2003-new-york%20", expect=(404, 404), live=True),
    Case("iri-encoded-letters", "/meeting/2003%2Dnew%2Dyork", expect=(200, 404)),
    Case("iri-trailing-newline", "/dump/%0A", expect=(404, 404), live=True),
    Case("iri-control-characters", "/meeting/%01%7F%1B", expect=(404, 404)),
    Case("iri-emoji", "/meeting/%F0%9F%92%A3", expect=(404, 404)),
    Case("iri-rtl-override", "/meeting/%E2%80%AEkroy-wen", expect=(404, 404)),
    Case("iri-fragment-encoded", "/ontology%23x", expect=(404, 404)),
    Case("iri-angle-brackets", "/meeting/%3E%20%3Chttp://evil/%3E", expect=(404, 404)),
    Case("iri-very-long", "/meeting/" + "a" * 7000, expect=(404, 404)),
    Case("named-graph-not-an-iri", q("ASK {}", **{"named-graph-uri": "not an iri <>"})),
    Case("default-graph-not-an-iri", q("ASK {}", **{"default-graph-uri": "a b"})),
    Case("default-graph-empty", q("ASK {}", **{"default-graph-uri": ""}), expect=(200, 400)),
    # -- header injection --------------------------------------------------------------------
    Case(
        "crlf-in-format", MEETING + "?format=ttl%0D%0AX-Injected:%201", expect=(406, 406), live=True
    ),
    Case(
        "crlf-in-sparql-format",
        "/sparql?query=ASK%7B%7D&format=json%0D%0AX-Injected:%201",
        expect=(406, 406),
    ),
    Case("crlf-in-resource-path", "/meeting/x%0D%0AX-Injected:%201", expect=(404, 404), live=True),
    Case(
        "crlf-in-lang", MEETING + "?lang=en%0D%0AX-Injected:%201", headers=HTML, expect=(200, 200)
    ),
    Case("crlf-in-dump-name", "/dump/ctc-kg.ttl%0D%0AX-Injected:%201", expect=(404, 404)),
    Case(
        "crlf-in-forwarded-host",
        MEETING,
        headers=(("X-Forwarded-Host", "evil.example"),),
        expect=(200, 200),
        forbidden=("evil.example",),
    ),
    # -- markup reflected ---------------------------------------------------------------------
    Case("script-in-query-html", q(SCRIPT), headers=HTML, live=True),
    Case("script-in-query-json", q(SCRIPT), headers=JSON),
    Case("script-in-query-plain", q(SCRIPT)),
    Case("attribute-in-query-html", q(ATTRIBUTE), headers=HTML),
    Case(
        "script-in-lang",
        MEETING + "?" + urlencode({"lang": SCRIPT}),
        headers=HTML,
        expect=(200, 200),
        live=True,
    ),
    Case(
        "script-in-lang-landing",
        "/?" + urlencode({"lang": ATTRIBUTE}),
        headers=HTML,
        expect=(200, 200),
    ),
    Case(
        "script-in-other-parameter",
        MEETING + "?" + urlencode({"x": SCRIPT}),
        headers=HTML,
        expect=(200, 200),
    ),
    Case(
        "script-in-path-html",
        "/meeting/" + quote(SCRIPT, safe=""),
        headers=HTML,
        expect=(404, 404),
        live=True,
    ),
    Case(
        "attribute-in-path-html",
        "/meeting/" + quote(ATTRIBUTE, safe=""),
        headers=HTML,
        expect=(404, 404),
    ),
    Case("script-in-dump-name", "/dump/" + quote(SCRIPT, safe=""), headers=HTML, expect=(404, 404)),
    Case(
        "script-in-format",
        MEETING + "?" + urlencode({"format": SCRIPT}),
        headers=HTML,
        expect=(406, 406),
    ),
    Case(
        "script-in-sparql-editor-query",
        "/sparql?" + urlencode({"lang": SCRIPT}),
        headers=HTML,
        expect=(200, 200),
    ),
    Case("script-in-graph-uri", q("ASK {}", **{"named-graph-uri": SCRIPT}), headers=HTML),
    # a browser's query is answered with a page holding the query and its answer
    Case(
        "script-in-query-shown-on-the-results-page",
        q(f"ASK {{}} # </textarea>{SCRIPT}"),
        headers=HTML,
        expect=(200, 200),
        live=True,
        forbidden=(SCRIPT,),
    ),
    Case(
        "script-in-a-value-shown-on-the-results-page",
        q(f"SELECT ?x WHERE {{ BIND({json.dumps(SCRIPT)} AS ?x) }}"),
        headers=HTML,
        expect=(200, 200),
        live=True,
        forbidden=(SCRIPT,),
    ),
    # -- huge numbers of parameters --------------------------------------------------------
    Case("many-parameters-sparql", "/sparql?query=ASK%7B%7D&" + "a&" * 3000),
    Case("many-parameters-resource", MEETING + "?" + "a=1&" * 1500, expect=(200, 200)),
    Case("many-parameters-form", "/sparql", "POST", FORM, b"query=ASK%7B%7D&" + b"a=&" * 5000),
    Case("many-format-parameters", MEETING + "?" + "format=ttl&" * 500, expect=(200, 200)),
    # -- methods -----------------------------------------------------------------------------
    *(
        Case(
            f"method-{method.lower()}-{name}",
            target,
            method,
            expect=(405, 405),
            live=method in ("PUT", "TRACE"),
        )
        for method in ("PUT", "DELETE", "PATCH", "TRACE")
        for name, target in (
            ("sparql", "/sparql"),
            ("resource", MEETING),
            ("dump", "/dump/ctc-kg.ttl"),
            ("landing", "/"),
        )
    ),
    Case("method-unknown", MEETING, "BREW", expect=(400, 405)),
    Case("method-post-resource", MEETING, "POST", FORM, b"a=1", expect=(405, 405)),
    Case("method-options", MEETING, "OPTIONS", expect=(204, 204)),
    Case("method-head", MEETING, "HEAD", expect=(200, 200)),
)
