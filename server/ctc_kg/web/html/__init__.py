"""HTML rendering: pure functions from quads + an IRI + a language to HTML strings."""
