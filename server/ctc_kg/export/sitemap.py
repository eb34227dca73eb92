"""`sitemap.xml` (every HTML page under the public base, with its other languages as
`xhtml:link` alternates) and `robots.txt` pointing to it."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote
from xml.etree import ElementTree as ET

from ctc_kg.export.layout import DEFAULT_LANGUAGE, Negotiable

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def page_urls(public_base: str, negotiables: Sequence[Negotiable]) -> list[str]:
    """The URL of every resource that has an HTML page, sorted."""
    return sorted(public_base + quote(n.path, safe="/") for n in negotiables if n.languages)


def sitemap_xml(public_base: str, negotiables: Sequence[Negotiable]) -> bytes:
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    languages = sorted({code for n in negotiables for code in n.languages})
    for url in page_urls(public_base, negotiables):
        entry = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = url
        for code in languages:
            href = url if code == DEFAULT_LANGUAGE else f"{url}?lang={code}"
            ET.SubElement(
                entry,
                f"{{{XHTML_NS}}}link",
                {"rel": "alternate", "hreflang": code, "href": href},
            )
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body + b"\n"


def robots_txt(public_base: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {public_base}sitemap.xml\n".encode()
