"""Python's cycle collector paused while a graph of millions of terms is read or checked.

Loading and validating make millions of objects (rdflib terms, tuples, pyoxigraph quads)
and almost no reference cycles. Each full collection walks every live object, and the
larger the graph the more objects each walk meets: at 1M quads the collector took about
a seventh of a load + validation's time (a py-spy profile, docs/performance.md).
Reference counting still frees what is no longer used; the collector runs again after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off for the block (nesting is fine), back as it was after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
