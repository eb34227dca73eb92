"""HTML pages as strings: Jinja2 templates (autoescaped) over the views of this package.

A `Renderer` holds the template environment (made once per app); each method is a pure
function of its arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from rdflib import Literal

from ctc_kg.web.fragment_view import FragmentView
from ctc_kg.web.html.dataset_markup import dataset_markup
from ctc_kg.web.html.dates import format_date, format_range
from ctc_kg.web.html.examples import ExampleQuery
from ctc_kg.web.html.jsonld import schema_org_graph, script_json
from ctc_kg.web.html.landing import LandingTotals, landing_view
from ctc_kg.web.html.ontology_docs import ontology_view, shapes_view
from ctc_kg.web.html.page import PageContext
from ctc_kg.web.html.quads import QuadIndex
from ctc_kg.web.html.resource import ResourceTotals, resource_view
from ctc_kg.web.html.reused_terms import prefixes
from ctc_kg.web.html.sparql_results import QueryForm
from ctc_kg.web.i18n import LANGUAGE_NAMES, LANGUAGES

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


class Renderer:
    def __init__(self, templates: Path = TEMPLATES) -> None:
        self.env = Environment(
            loader=FileSystemLoader(str(templates)),
            autoescape=select_autoescape(enabled_extensions=("html", "svg"), default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def _render(self, name: str, ctx: PageContext, **values: Any) -> str:
        def fmt_date(value: Literal | None) -> str:
            return format_date(value, ctx.lang)

        def fmt_range(start: Literal | None, end: Literal | None) -> str:
            return format_range(start, end, ctx.lang)

        template = self.env.get_template(name)
        return template.render(
            ctx=ctx,
            t=ctx.t,
            languages=LANGUAGES,
            language_names=LANGUAGE_NAMES,
            format_date=fmt_date,
            format_range=fmt_range,
            **values,
        )

    def resource(
        self,
        index: QuadIndex,
        iri: str,
        ctx: PageContext,
        totals: ResourceTotals | None = None,
        cut_at: int | None = None,
    ) -> str:
        """The page of `iri`; `totals` when the index holds only what the page shows;
        `cut_at` when its description as data holds only that many incoming links."""
        view = resource_view(index, iri, ctx, totals)
        jsonld = Markup(script_json(schema_org_graph(index, iri, ctx.public_iri)))  # noqa: S704 - escaped by script_json
        return self._render("resource.html", ctx, view=view, jsonld=jsonld, cut_at=cut_at)

    def landing(
        self,
        index: QuadIndex,
        ctx: PageContext,
        examples: tuple[ExampleQuery, ...] = (),
        totals: LandingTotals | None = None,
    ) -> str:
        """The landing page; `totals` when the index holds only what the page shows."""
        view = landing_view(index, ctx, examples, totals)
        dataset = ctx.base_iri + "dataset"
        markup = schema_org_graph(index, dataset, ctx.public_iri)
        coverage = (totals.temporal_coverage, totals.host_cities) if totals else None
        markup += dataset_markup(index, dataset, ctx.base_iri, ctx.public_iri, coverage)
        jsonld = Markup(script_json(markup))  # noqa: S704 - escaped by script_json
        return self._render("landing.html", ctx, view=view, jsonld=jsonld)

    def vocabulary(self, index: QuadIndex, ctx: PageContext, kind: str, diagram: str | None) -> str:
        """The ontology (`kind` "ontology") or shapes ("shapes") documentation page.

        `diagram` is the inline SVG of the model ("" when Graphviz could not draw it).
        """
        view = ontology_view(index, ctx) if kind == "ontology" else shapes_view(index, ctx)
        svg = None if diagram is None else Markup(diagram)  # noqa: S704 - Graphviz output of our DOT
        return self._render("vocabulary.html", ctx, view=view, diagram=svg, kind=kind)

    def sparql(
        self,
        ctx: PageContext,
        endpoint: str,
        examples: tuple[ExampleQuery, ...] = (),
        public_base: str | None = None,
        form: QueryForm | None = None,
    ) -> str:
        """The SPARQL editor page; `public_base` is the base IRI as users see it; `form`
        what the plain form holds (a query, the format chosen) and the answer it got."""
        known = prefixes(public_base or ctx.base_iri)
        default_query = "".join(
            f"PREFIX {p}: <{known[p]}>\n" for p in ("ctckg", "schema", "rdfs", "skos")
        ) + (
            "\nSELECT ?meeting ?label ?start WHERE {\n"
            "  ?meeting a ctckg:SpecialMeeting ;\n"
            "           rdfs:label ?label ;\n"
            "           schema:startDate ?start .\n"
            f'  FILTER(lang(?label) = "{ctx.lang}")\n'
            "}\nORDER BY ?start\n"
        )
        config: Mapping[str, Any] = {
            "endpoint": endpoint,
            "tabName": ctx.t("query"),
            "formTitle": form.title if form else None,
            "defaultQuery": default_query,
            "prefixes": known,
            "examples": [{"title": q.title(ctx.lang), "text": q.text} for q in examples],
            "yasgui": {
                "script": ctx.static("yasgui.min.js"),
                "style": ctx.static("yasgui.min.css"),
            },
        }
        listed = [
            {
                "title": q.title(ctx.lang),
                "description": q.description(ctx.lang),
                # without JavaScript the server fills the form (?example=)
                "href": ctx.path("sparql") + "?" + urlencode({"example": q.slug}) + "#query-form",
            }
            for q in examples
        ]
        return self._render(
            "sparql.html",
            ctx,
            endpoint=endpoint,
            config=config,
            form=form or QueryForm(default_query),
            examples=listed,
        )

    def error(self, ctx: PageContext, status: int, detail: str | None = None) -> str:
        if status == 404:
            title, message = ctx.t("not_found_title"), ctx.t("not_found_text")
        else:
            title, message = ctx.t("error_title"), f"HTTP {status}"
        return self._render("error.html", ctx, title=title, message=message, detail=detail)

    def fragments(self, ctx: PageContext, view: FragmentView) -> str:
        """The page of a Triple/Quad Pattern Fragment: its form, matches and pages."""
        return self._render("fragments.html", ctx, view=view)

    def alternates(
        self, ctx: PageContext, resource: str, rows: Sequence[tuple[str, str, str, str]]
    ) -> str:
        """The list-profiles page: each representation's profile, media type and link."""
        return self._render("alternates.html", ctx, resource=resource, rows=rows)
