"""A SELECT query's text, asking the store for at most so many solutions.

The remote store is asked for one row more than the answer's cap, so that one
evaluation both gives the rows and says whether the answer was cut, and the store never
computes or sends the rest. The query's own top-level `LIMIT` is lowered when it is
higher; otherwise a `LIMIT` is added after the solution modifiers, before a trailing
`VALUES` block. Only the top level counts: a subquery's `LIMIT` and an inline `VALUES`
are inside braces. Tokens come from querytext's lexer, so nothing inside a string, an
IRI or a comment is ever read as a keyword.
"""

from __future__ import annotations

from ctc_kg.store.sparqltokens import Kind, Token, tokens

_OPENING = "{("
_CLOSING = "})"


def at_most(text: str, rows: int) -> str:
    """`text` (a SELECT query) changed to return at most `rows` solutions."""
    depth = 0
    after_limit = False
    limit: Token | None = None
    values_at: int | None = None
    for token in tokens(text):
        if token.kind in (Kind.SPACE, Kind.COMMENT):
            continue
        if after_limit:
            after_limit = False
            if token.kind is Kind.WORD and token.text.isdigit():
                limit = token
                continue
        if token.kind is Kind.OTHER:
            depth += sum(token.text.count(c) for c in _OPENING)
            depth -= sum(token.text.count(c) for c in _CLOSING)
        elif depth == 0 and token.kind is Kind.WORD:
            keyword = token.text.upper()
            if keyword == "LIMIT":
                after_limit = True
            elif keyword == "VALUES" and values_at is None:
                values_at = token.start
    if limit is not None:
        if int(limit.text) <= rows:
            return text
        end = limit.start + len(limit.text)
        return f"{text[: limit.start]}{rows}{text[end:]}"
    if values_at is not None:
        return f"{text[:values_at]}LIMIT {rows}\n{text[values_at:]}"
    # On a line of its own: the text may end inside a comment.
    return f"{text}\nLIMIT {rows}"
