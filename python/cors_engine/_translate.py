"""Helpers the framework front ends share to turn their settings into
policy-file keys. Nothing here decides a request."""

from __future__ import annotations

from typing import Any, Iterable

# Methods a browser never preflights for (CORS-safelisted) and OPTIONS, which
# it never asks for: peers list them in their defaults; leaving them out of a
# translated *default* keeps the engine from warning about lists the user did
# not write.
NEVER_PREFLIGHTED = frozenset({"GET", "HEAD", "POST", "OPTIONS"})


def as_list(value: Any, setting: str) -> Any:
    """A setting that may be one string or an iterable of strings, as a
    list. Anything else is passed on unchanged, so that the engine reports
    it together with every other problem (one exception, every problem)."""
    if value is None:
        return []
    if isinstance(value, (str, bytes)):
        value = [value]
    try:
        items = list(value)
    except TypeError:
        return value
    return [item.decode("latin-1") if isinstance(item, bytes) else item for item in items]


def prefix_match_regex(pattern: str) -> str:
    """A regex matching the whole path exactly when Python's ``re.match``
    (anchored at the start only) matches ``pattern`` at its start, which is
    how django-cors-headers and flask-cors match paths."""
    return f"(?:{pattern})(?s:.*)"


def without(items: Iterable[str], drop: frozenset[str]) -> list[str]:
    return [i for i in items if i.upper() not in drop]
