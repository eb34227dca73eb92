"""The example queries the landing page lists and the SPARQL editor opens as tabs.

They live in ONE place, `queries/*.rq` at the repository root (content, reviewed like
the data): they are the competency questions, and tests/test_competency.py runs every one
against the answer documented in tests/competency/<same name>.tsv. A file's leading comment
lines describe it: `# title: ...` and `# title@fr: ...` give its short title per language
(the editor's tab name), `# description: ...` / `# description@fr: ...` the question it
answers, `# source: ...` the documents that answer it. A plain comment line is the
fallback title when it comes first, else part of the untagged description.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ctc_kg.web.i18n import label_languages

_FIELD = re.compile(r"^#\s*(title|description|source)(?:@([a-z]{2}))?\s*:\s*(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class ExampleQuery:
    slug: str
    text: str
    titles: Mapping[str, str]
    descriptions: Mapping[str, str]
    source: str = ""

    def title(self, lang: str) -> str:
        return _in(self.titles, lang) or self.slug.replace("-", " ").replace("_", " ")

    def description(self, lang: str) -> str:
        return _in(self.descriptions, lang)


def _in(values: Mapping[str, str], lang: str) -> str:
    """The value in `lang`, else the untagged one (the file's default), else en, else fr."""
    for code in (lang, "", *label_languages(lang)):
        if values.get(code):
            return values[code]
    return ""


def parse_example(slug: str, text: str) -> ExampleQuery:
    titles: dict[str, str] = {}
    descriptions: dict[str, list[str]] = {}
    sources: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _FIELD.match(stripped)
        if match:
            kind, lang, value = (
                match.group(1).lower(),
                (match.group(2) or "").lower(),
                match.group(3),
            )
            if kind == "title":
                titles[lang] = value.strip()
            elif kind == "source":
                sources.append(value.strip())
            else:
                descriptions.setdefault(lang, []).append(value.strip())
            continue
        plain = stripped.lstrip("#").strip()
        if not plain:
            continue
        if "" not in titles:
            titles[""] = plain
        else:
            descriptions.setdefault("", []).append(plain)
    return ExampleQuery(
        slug=slug,
        text=text,
        titles=titles,
        descriptions={lang: " ".join(lines) for lang, lines in descriptions.items()},
        source=" ".join(sources),
    )


def load_examples(folder: Path) -> tuple[ExampleQuery, ...]:
    """Every `*.rq` in `folder`, sorted by file name; none when the folder is missing."""
    if not folder.is_dir():
        return ()
    return tuple(
        parse_example(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.rq"))
    )
