"""HTML views (minimal; the pages engineer owns this module and its templates).

The other blueprints call only the functions below, so the views can change freely.
The minimal views keep their Jinja templates inline (render_template_string, which
autoescapes) so they never collide with the files of web/templates/.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from ctc_kg.web.rewrite import IriMap
from flask import render_template_string

_BASE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title></head><body><main>
<h1>{{ title }}</h1>
{% block main %}{% endblock %}
</main></body></html>"""

_ROWS = """{% macro cell(c) %}{% if c.href %}<a href="{{ c.href }}">{{ c.text }}</a>
{%- else %}{{ c.text }}{% endif %}{% endmacro %}<table><tbody>
{% for row in rows %}<tr>
<td>{{ cell(row.predicate) }}</td>
<td>{{ cell(row.value) }} {{ row.value.note }}</td>
<td>{% if row.graph %}<a href="{{ row.graph.href }}">{{ row.graph.text }}</a>{% endif %}</td>
</tr>{% endfor %}
</tbody></table>"""

RESOURCE = _BASE.replace(
    "{% block main %}{% endblock %}",
    "<p><code>{{ iri }}</code></p>"
    + _ROWS
    + """
{% if incoming %}<h2>Referenced by</h2><ul>
{% for subject, predicate in incoming %}<li><a href="{{ subject.href }}">{{ subject.text }}</a>
({{ predicate.text }})</li>{% endfor %}</ul>{% endif %}""",
)
LANDING = _BASE.replace(
    "{% block main %}{% endblock %}",
    _ROWS + '<p><a href="{{ sparql }}">SPARQL endpoint</a></p>',
)
SPARQL = _BASE.replace(
    "{% block main %}{% endblock %}",
    """<form method="get" action="{{ endpoint }}">
<textarea name="query" rows="12" cols="80">SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10</textarea>
<p><button type="submit">Run</button></p></form>""",
)
ERROR = _BASE.replace("{% block main %}{% endblock %}", "<p>{{ message }}</p>")

LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
)


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Row:
    predicate: Cell
    value: Cell
    graph: Cell | None


def _text(term: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.BlankNode) else str(term)


def _labels(quads: Iterable[ox.Quad]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for quad in quads:
        if quad.predicate.value in LABELS and isinstance(quad.object, ox.Literal):
            language = quad.object.language
            if _text(quad.subject) not in labels or language == "en":
                labels[_text(quad.subject)] = quad.object.value
    return labels


def _cell(term: object, iri_map: IriMap, labels: dict[str, str]) -> Cell:
    if isinstance(term, ox.NamedNode):
        public = iri_map.outward(term.value)
        return Cell(labels.get(term.value, public), public)
    if isinstance(term, ox.Literal):
        note = f"@{term.language}" if term.language else ""
        return Cell(term.value, None, note)
    return Cell(str(term))


def _rows(
    quads: Iterable[ox.Quad], subject: str, iri_map: IriMap, labels: dict[str, str]
) -> list[Row]:
    rows = []
    for quad in quads:
        if _text(quad.subject) != subject:
            continue
        graph = quad.graph_name
        rows.append(
            Row(
                _cell(quad.predicate, iri_map, labels),
                _cell(quad.object, iri_map, labels),
                None if isinstance(graph, ox.DefaultGraph) else _cell(graph, iri_map, labels),
            )
        )
    return sorted(rows, key=lambda r: (r.predicate.text, r.value.text))


def resource(iri_map: IriMap, iri: str, quads: list[ox.Quad]) -> bytes:
    labels = _labels(quads)
    html = render_template_string(
        RESOURCE,
        iri=iri_map.outward(iri),
        title=labels.get(iri, iri_map.outward(iri)),
        rows=_rows(quads, iri, iri_map, labels),
        incoming=[
            (_cell(q.subject, iri_map, labels), _cell(q.predicate, iri_map, labels))
            for q in quads
            if isinstance(q.object, ox.NamedNode) and q.object.value == iri
        ],
    )
    return html.encode("utf-8")


def landing(iri_map: IriMap, quads: list[ox.Quad]) -> bytes:
    labels = _labels(quads)
    subjects = list(dict.fromkeys(_text(q.subject) for q in quads))
    dataset = iri_map.base + "dataset"
    main = dataset if dataset in subjects else (subjects[0] if subjects else dataset)
    html = render_template_string(
        LANDING,
        title=labels.get(main, "ctc-kg"),
        rows=_rows(quads, main, iri_map, labels),
        sparql=iri_map.public + "sparql",
    )
    return html.encode("utf-8")


def sparql_editor(iri_map: IriMap) -> bytes:
    html = render_template_string(SPARQL, title="SPARQL", endpoint=iri_map.public + "sparql")
    return html.encode("utf-8")


def error(status: int, message: str) -> bytes:
    html = render_template_string(ERROR, title=str(status), message=message)
    return html.encode("utf-8")
