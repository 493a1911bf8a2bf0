"""Joining the engine's ``Vary`` names into the application's ``Vary``.

The application's first ``Vary`` line is extended in place (some caches
read one line only); it is left alone when it already names everything or
is ``*``. The engine decides which names; this only writes them.
"""

from __future__ import annotations


def _lists_all(line: str, ours: str) -> bool:
    listed = {name.strip().lower() for name in line.split(",")}
    if "*" in listed:
        return True
    return all(name.strip().lower() in listed for name in ours.split(","))


def join_text(line: str, ours: str) -> str:
    """The application's ``line`` with ``ours`` appended where missing."""
    if not line.strip():
        return ours
    if _lists_all(line, ours):
        return line
    return f"{line}, {ours}"


def join_bytes(line: bytes, ours: bytes) -> bytes:
    """:func:`join_text` for ASGI's ``bytes`` (Latin-1, as HTTP/1 carries them)."""
    return join_text(line.decode("latin-1"), ours.decode("latin-1")).encode("latin-1")


# Applications send the same few `Vary` lines on every response, so joins are
# remembered; the bound keeps hostile or odd applications from growing it.
_KEPT = 64
_text_joins: dict[tuple[str, str], str] = {}
_bytes_joins: dict[tuple[bytes, bytes], bytes] = {}


def join_text_kept(line: str, ours: str) -> str:
    """:func:`join_text`, remembered."""
    key = (line, ours)
    joined = _text_joins.get(key)
    if joined is None:
        joined = join_text(line, ours)
        if len(_text_joins) >= _KEPT:
            _text_joins.clear()
        _text_joins[key] = joined
    return joined


def join_bytes_kept(line: bytes, ours: bytes) -> bytes:
    """:func:`join_bytes`, remembered."""
    key = (line, ours)
    joined = _bytes_joins.get(key)
    if joined is None:
        joined = join_bytes(line, ours)
        if len(_bytes_joins) >= _KEPT:
            _bytes_joins.clear()
        _bytes_joins[key] = joined
    return joined
