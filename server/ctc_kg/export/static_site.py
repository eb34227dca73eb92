"""`ctc-kg build --site DIR`: write the static site, atomically and deterministically.

The representations come from the server's app (capture.py), wired by the caller over
the build `ctc-kg build` has just written (runtime/static_site.py); the web server
configurations, type maps, sitemap and robots.txt are generated beside them. The folder
is written with content.build.write_folder (a temporary sibling, then renames), so a
web server pointed at DIR sees the old site or the new one, never half of each.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import Flask

from ctc_kg import formats
from ctc_kg.config import Settings
from ctc_kg.content.build import write_folder
from ctc_kg.content.load import Content
from ctc_kg.export.apache import htaccess, type_maps
from ctc_kg.export.capture import capture
from ctc_kg.export.layout import DEPLOY_FOLDER, Deployment, Negotiable
from ctc_kg.export.nginx import nginx_http_conf, nginx_server_conf
from ctc_kg.export.sitemap import robots_txt, sitemap_xml
from ctc_kg.export.stable import Stabilizer
from ctc_kg.export.w3id import w3id_htaccess
from ctc_kg.web import conneg
from ctc_kg.web.rewrite import public_base

NGINX_HTTP = f"{DEPLOY_FOLDER}/nginx-http.conf"
NGINX_SERVER = f"{DEPLOY_FOLDER}/nginx-server.conf"
W3ID_HTACCESS = f"{DEPLOY_FOLDER}/w3id/.htaccess"
APACHE_HTACCESS = ".htaccess"


@dataclass(frozen=True)
class SiteResult:
    out: Path
    files: tuple[str, ...]  # relative to out, sorted
    negotiables: tuple[Negotiable, ...]
    deployment: Deployment


def content_types(names: list[str]) -> dict[str, str]:
    """Suffix -> Content-Type for every file suffix in the site, as the server sends it:
    the table of formats for descriptions and dumps, the standard table
    (as Flask's static files use it) for assets."""
    table: dict[str, str] = {}
    for name in names:
        suffix = PurePosixPath(name).suffix
        if not suffix or suffix in table:
            continue
        key = suffix[1:]
        fmt = next((f for f in conneg.RESOURCE_FORMATS if f.name == key), None)
        if fmt is not None:
            table[key] = fmt.content_type
        elif suffix == formats.COMPRESSED_SUFFIX:
            table[key] = formats.file_content_type(name)
        else:
            guessed = mimetypes.guess_type("file" + suffix)[0] or "application/octet-stream"
            textual = guessed.startswith("text/") or guessed.endswith(("+xml", "/xml"))
            table[key] = f"{guessed}; charset=utf-8" if textual else guessed
    return table


def stabilize(
    files: dict[str, bytes], negotiables: tuple[Negotiable, ...], base_iri: str, public: str
) -> None:
    """Fix blank-node labels and order (stable.py) in the descriptions. The dumps need
    nothing: the server renders them from the build's canonical files, the same bytes
    every time, and states their checksums (web.published)."""
    stabilizer = Stabilizer(base_iri, public)
    for item in negotiables:
        variants = {fmt: name for name, fmt, _ in item.files() if fmt is not formats.HTML}
        source = f"{item.stem}.{formats.NQUADS.name}"
        stabilizer.representations(files, variants, source, public + item.path)


def export_site(
    settings: Settings,
    app: Flask,
    content: Content,
    out: Path,
    *,
    sparql_endpoint: str | None = None,
) -> SiteResult:
    """Write the static site for `settings` (its public URL, else the base IRI) into `out`,
    captured from `app` (create_app over the build of `content` and a store holding it)."""
    deployment = Deployment(
        public_base(settings.base_iri, settings.public_url, None), sparql_endpoint
    )
    captured = capture(app, content, settings.base_iri, deployment.public_base)
    files = dict(captured.files)
    negotiables = captured.negotiables
    stabilize(files, negotiables, settings.base_iri, deployment.public_base)
    files["sitemap.xml"] = sitemap_xml(deployment.public_base, negotiables)
    files["robots.txt"] = robots_txt(deployment.public_base)
    files.update(type_maps(negotiables))
    types = content_types(sorted(files))
    files[APACHE_HTACCESS] = htaccess(deployment, negotiables, types).encode("utf-8")
    files[NGINX_HTTP] = nginx_http_conf(deployment).encode("utf-8")
    files[NGINX_SERVER] = nginx_server_conf(deployment, negotiables, types).encode("utf-8")
    if settings.public_url and deployment.public_base != settings.base_iri:
        files[W3ID_HTACCESS] = w3id_htaccess(settings.base_iri, deployment).encode("utf-8")
    write_folder(out, files)
    return SiteResult(out, tuple(sorted(files)), negotiables, deployment)
