"""A value worked out once per key and kept, in a plain dict that starts afresh once it
holds a given number: the names questions ask about, the chunks a filter allows. (Not
`functools.lru_cache` on a method, which would keep an index reader alive after a
rebuild replaced it.)
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


def kept(found: dict[_K, _V], key: _K, make: Callable[[_K], _V], limit: int) -> _V:
    """`make(key)`, kept in `found` (cleared when it holds `limit`)."""
    if key not in found:
        if len(found) >= limit:
            found.clear()
        found[key] = make(key)
    return found[key]
