"""Types of the compiled extension (src/lib.rs)."""

from typing import Any, Callable, Iterable, Optional, Sequence, Union

_Value = Union[bytes, str]
_Header = tuple[Any, Any]
# (status to answer a preflight with, or None; headers to add; the Vary
# names to join into the application's, or None; the reason of a denial,
# or None)
Answer = tuple[Optional[int], tuple[_Header, ...], Optional[_Value], Optional[str]]

class ConfigError(ValueError):
    problems: list[str]

class Engine:
    def __init__(self, policy_json: str, text: bool, reasons: bool = False) -> None: ...
    @property
    def warnings(self) -> list[str]: ...
    @property
    def has_routes(self) -> bool: ...
    def decide(
        self,
        method: _Value,
        origin: Optional[_Value],
        request_method: Optional[_Value] = None,
        request_headers: Union[None, _Value, Sequence[_Value]] = None,
        request_private_network: Optional[_Value] = None,
        path: Optional[_Value] = None,
        allow: Optional[Callable[[str], object]] = None,
    ) -> Answer: ...
    def decide_scope(self, method: _Value, headers: Iterable[Any], path: _Value) -> Answer: ...
