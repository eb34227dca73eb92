"""Content negotiation compiled to regular expressions, for web servers without a program.

nginx has no Accept parser, and a `map` from Accept header to file that lists a few
headers gets q-values wrong (`text/html;q=0.1, text/turtle` is not HTML). This module
compiles the server's rules (web.conneg: the most specific range gives a format its
quality, `q=0` excludes, aliases count only when named, ties go to the order offered,
`?format=` overrides) into chains of nginx `map`s that compute the same choice:

1. for each media range a format can be matched by, the parameters of the first entry
   of the header naming it, then its quality as four digits (`0500` for q=0.5; an
   entry with an unreadable q is ignored, as conneg.parse_accept drops it);
2. each format's quality: its own type, else `type/*`, else `*/*`; then the maximum
   with its named aliases;
3. a tournament in the order offered: a later format replaces the best so far only
   when its quality is strictly greater. Four-digit qualities compare as strings, and a
   PCRE back-reference (`(?<c>\\d*)` common prefix, then the first differing digit)
   decides "greater" without arithmetic.

Known differences from conneg (documented in docs/publishing.md): when a header names
the same media type twice, the first entry counts (conneg takes the best); q-values are
read to three decimals (RFC 9110 allows no more); a header whose only entries have
unreadable q-values counts as present (conneg: absent, so the default format).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ctc_kg.formats import Format

ZERO = "0000"
_RANGE_CHAR = r"[\w!#$%&'*+.^`|~-]"
_SPACE = r"[ \t]"


def quoted(text: str) -> str:
    """An nginx double-quoted string (the texts here contain no `"` or backslash-quote)."""
    assert '"' not in text, text
    return f'"{text}"'


@dataclass(frozen=True)
class Map:
    """One nginx `map` block: source, target variable, ordered (key, value) entries."""

    source: str
    target: str
    entries: tuple[tuple[str, str], ...]
    default: str | None = None

    def text(self) -> str:
        lines = [f"map {quoted(self.source)} ${self.target} {{"]
        if self.default is not None:
            lines.append(f"    default {quoted(self.default)};")
        for key, value in self.entries:
            lines.append(f"    {quoted(key)} {quoted(value)};")
        lines.append("}")
        return "\n".join(lines)


def var(name: str) -> str:
    """A variable reference that no following character can extend."""
    return "${" + name + "}"


def greater_lookahead(name: str) -> str:
    """A lookahead true when the four digits before `:` exceed the four after it."""
    options = "|".join(f"{d}\\d*:\\k<{name}>[0-{d - 1}]" for d in range(1, 10))
    return f"(?=(?<{name}>\\d*)(?:{options}))"


def _escaped(value: str) -> str:
    r"""A media range as a regex (`*` and `+` literal)."""
    return re.escape(value)


def _query_value(value: str) -> str:
    """A `?format=` value as it may arrive in a query string: `/` plain or %2F, `+` only
    as %2B (a plain `+` is a space in a query string, so the server would not match it)."""
    parts = []
    for char in value:
        if char == "/":
            parts.append("(?:/|%2F)")
        elif char == "+":
            parts.append("%2B")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


class Compiler:
    """Collects the maps for one nginx configuration; names every variable `ctc_...`."""

    def __init__(self) -> None:
        self.maps: list[Map] = []
        self._ranges: dict[tuple[str, str], str] = {}
        self._captures = 0

    def _capture(self) -> str:
        """A fresh regex capture name (PCRE allows 32 characters; nginx makes each a
        variable, so every map gets its own)."""
        self._captures += 1
        return f"ctc_c{self._captures}"

    def _add(self, item: Map) -> str:
        self.maps.append(item)
        return item.target

    # -- step 1: the quality one header gives one range ---------------------------------

    def range_quality(self, header: str, pattern: str, key: str) -> str:
        """Variable holding the four-digit quality of the first entry of `$header` whose
        range matches the regex `pattern`, or "" when there is none (or its q is
        unreadable). Shared between formats asking for the same range."""
        known = self._ranges.get((header, pattern))
        if known is not None:
            return known
        ident = f"ctc_{header}_{key}"
        capture = self._capture()
        params = self._add(
            Map(
                f"${header}",
                f"{ident}_p",
                (
                    (
                        f"~*(?:^|,){_SPACE}*(?:{pattern}){_SPACE}*(?<{capture}>(?:;[^,]*)?)(?:,|$)",
                        f"E{var(capture)}",
                    ),
                ),
                default="",
            )
        )
        q = f"{_SPACE}*q{_SPACE}*={_SPACE}*"
        end = f"{_SPACE}*(?:;|$)"
        a, b, c = self._capture(), self._capture(), self._capture()
        quality = self._add(
            Map(
                f"${params}",
                f"{ident}_q",
                (
                    ("", ""),
                    (f"~*;{q}1(?:\\.0*)?{end}", "1000"),
                    (
                        f"~*;{q}0?\\.(?<{a}>\\d)(?<{b}>\\d)(?<{c}>\\d)\\d*{end}",
                        f"0{var(a)}{var(b)}{var(c)}",
                    ),
                    (f"~*;{q}0?\\.(?<{a}>\\d)(?<{b}>\\d){end}", f"0{var(a)}{var(b)}0"),
                    (f"~*;{q}0?\\.(?<{a}>\\d){end}", f"0{var(a)}00"),
                    (f"~*;{q}0\\.?{end}", ZERO),
                    (f"~*;{q}", ""),  # any other q: conneg drops the entry
                ),
                default="1000",
            )
        )
        self._ranges[(header, pattern)] = quality
        return quality

    def maximum(self, name: str, first: str, second: str) -> str:
        """Variable: the greater of two four-digit qualities ("" counts as 0000)."""
        a, b, c, d = (self._capture() for _ in range(4))
        return self._add(
            Map(
                f"${first}:${second}",
                name,
                (
                    (f"~^{greater_lookahead(c)}(?<{a}>\\d{{4}}):", var(a)),
                    (f"~^(?<{d}>\\d{{4}}):$", var(d)),
                    (f"~^\\d{{4}}:(?<{b}>\\d{{4}})$", var(b)),
                ),
                default=ZERO,
            )
        )

    def most_specific(self, name: str, qualities: Sequence[str]) -> str:
        """Variable: the first present quality of `qualities` (most specific first)."""
        entries = []
        for index in range(len(qualities)):
            capture = self._capture()
            entries.append(
                ("~^" + "\\|" * index + f"(?<{capture}>\\d{{4}})(?:\\||$)", var(capture))
            )
        source = "|".join(f"${q}" for q in qualities)
        return self._add(Map(source, name, tuple(entries), default=ZERO))

    # -- step 2 and 3: media types ------------------------------------------------------

    def media_type_quality(self, prefix: str, fmt: Format) -> str:
        """Variable: the quality the Accept header gives `fmt` (conneg.quality)."""
        kind, _, _ = fmt.media_type.partition("/")
        exact = self.range_quality("http_accept", _escaped(fmt.media_type), _key(fmt.media_type))
        family = self.range_quality("http_accept", _escaped(kind + "/*"), _key(kind + "/*"))
        anything = self.range_quality("http_accept", _escaped("*/*"), "any")
        best = self.most_specific(f"{prefix}_{fmt.name}_main", (exact, family, anything))
        for alias in fmt.aliases:
            named = self.range_quality("http_accept", _escaped(alias), _key(alias))
            best = self.maximum(f"{prefix}_{fmt.name}_{_key(alias)}", best, named)
        return best

    def tournament(self, prefix: str, entrants: Sequence[tuple[str, str]]) -> str:
        """Variable `QQQQ:name` of the winner: the first entrant with the highest quality."""
        (first_q, first_name), *rest = entrants
        best = self._add(
            Map(f"${first_q}", f"{prefix}_best0", (), default=f"{var(first_q)}:{first_name}")
        )
        for number, (q, name) in enumerate(rest, start=1):
            target = f"{prefix}_best{number}"
            look = greater_lookahead(self._capture())
            won = self._capture()
            best = self._add(
                Map(
                    f"${q}:${best}",
                    target,
                    ((f"~^{look}(?<{won}>\\d{{4}}):", f"{var(won)}:{name}"),),
                    default=var(best),
                )
            )
        return best

    def usable_accept(self) -> str:
        """Variable: 1 when the Accept header has a well-formed media range, else 0."""
        name = "ctc_accept_usable"
        if any(m.target == name for m in self.maps):
            return name
        entry = f"(?:(?!\\*/){_RANGE_CHAR}+/{_RANGE_CHAR}+|\\*/\\*)"
        return self._add(
            Map(
                "$http_accept",
                name,
                ((f"~*(?:^|,){_SPACE}*{entry}{_SPACE}*(?:;|,|$)", "1"),),
                default="0",
            )
        )

    def format_argument(self) -> str:
        """Variable: `?format=`, else `?_mediatype=` (conneg.override_of)."""
        name = "ctc_format_arg"
        if not any(m.target == name for m in self.maps):
            self._add(
                Map("$arg_format", name, (("", var("arg__mediatype")),), default=var("arg_format"))
            )
        return name

    def negotiated_format(self, prefix: str, offered: Sequence[Format]) -> str:
        """Variable: the `name` of the format the server would answer with, or "" (406)."""
        entrants = [(self.media_type_quality(prefix, fmt), fmt.name) for fmt in offered]
        winner = self.tournament(prefix, entrants)
        usable = self.usable_accept()
        negotiated = self._add(
            Map(
                f"${usable}:${winner}",
                f"{prefix}_negotiated",
                (
                    ("~^0:", offered[0].name),
                    (f"~^1:{ZERO}:", ""),
                    (f"~^1:\\d{{4}}:(?<{prefix}_w>[a-z]+)$", var(f"{prefix}_w")),
                ),
                default="",
            )
        )
        argument = self.format_argument()
        overrides = [("", "")]
        for fmt in offered:
            names = (fmt.name, *fmt.names, fmt.media_type, *fmt.aliases)
            pattern = "|".join(_query_value(n) for n in dict.fromkeys(names))
            overrides.append((f"~*^(?:{pattern})$", fmt.name))
        override = self._add(
            Map(f"${argument}", f"{prefix}_override", tuple(overrides), default="!")
        )
        return self._add(
            Map(
                f"${override}|${negotiated}",
                f"{prefix}_format",
                (
                    ("~^!", ""),
                    (f"~^(?<{prefix}_o>[a-z]+)\\|", var(f"{prefix}_o")),
                    (f"~^\\|(?<{prefix}_n>[a-z]*)$", var(f"{prefix}_n")),
                ),
                default="",
            )
        )

    # -- languages (i18n.choose_language) -----------------------------------------------

    def negotiated_language(self, languages: Sequence[str], default: str) -> str:
        """Variable: `?lang=` when it names one of `languages`, else the language the
        Accept-Language header prefers (primary subtag match, `*` for any), else
        `default`; ties go to the order of `languages`."""
        name = "ctc_language"
        if any(m.target == name for m in self.maps):
            return name
        choices = "|".join(languages)
        argument = self._add(
            Map(
                "$arg_lang",
                "ctc_lang_arg",
                (
                    (
                        f"~*^(?:%20|{_SPACE})*(?<ctc_lang_arg_v>{choices})(?:-[^&]*)?(?:%20|{_SPACE})*$",
                        var("ctc_lang_arg_v"),
                    ),
                ),
                default="",
            )
        )
        entrants = []
        anything = self.range_quality("http_accept_language", "\\*", "any")
        for code in languages:
            tag = self.range_quality(
                "http_accept_language", f"{re.escape(code)}(?:-{_RANGE_CHAR}+)*", code
            )
            entrants.append((self.most_specific(f"ctc_lang_{code}_q", (tag, anything)), code))
        winner = self.tournament("ctc_lang", entrants)
        return self._add(
            Map(
                f"${argument}|${winner}",
                name,
                (
                    ("~^(?<ctc_language_a>[a-z]+)\\|", var("ctc_language_a")),
                    (f"~^\\|{ZERO}:", default),
                    ("~^\\|\\d{4}:(?<ctc_language_w>[a-z]+)$", var("ctc_language_w")),
                ),
                default=default,
            )
        )

    def text(self) -> str:
        return "\n\n".join(m.text() for m in self.maps) + "\n"


def _key(media_range: str) -> str:
    """A variable-name-safe key for a media range."""
    return re.sub(r"[^a-z0-9]+", "_", media_range.lower().replace("*", "any")).strip("_")
