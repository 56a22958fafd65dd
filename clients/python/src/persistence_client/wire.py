"""JSON to and from the wire types: field names are the API's own (snake_case), so a dataclass field *is* its wire
name and ``tests/test_contract.py`` checks every one against the gateway's OpenAPI document."""

from __future__ import annotations

import dataclasses
import json
import typing
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Mapping, Type, TypeVar

T = TypeVar("T")


def format_timestamp(value: datetime) -> str:
    """RFC 3339 in UTC with microseconds, as the server writes them; a naive datetime is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))


def to_wire(value: Any) -> Any:
    """A wire record (or a list or mapping of them) as JSON-ready values; None fields are left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_wire(getattr(value, f.name)) for f in dataclasses.fields(value) if getattr(value, f.name) is not None}
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, Mapping):
        return {str(k): to_wire(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [to_wire(v) for v in value]
    return value


def dumps(value: Any) -> bytes:
    return json.dumps(to_wire(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def coerce(cls: Type[T], value: Any) -> T:
    """A record given as its dataclass or as a mapping with the wire names; an unknown name is a TypeError at once,
    rather than a field the server never sees."""
    if isinstance(value, cls):
        return value
    if isinstance(value, Mapping):
        known = field_names(cls)
        unknown = sorted(set(value) - known)
        if unknown:
            raise TypeError(f"{cls.__name__} has no field {', '.join(unknown)}; its fields are {', '.join(sorted(known))}")
        return cls(**value)
    raise TypeError(f"expected {cls.__name__} or a mapping, got {type(value).__name__}")


def from_wire(cls: Type[T], data: Any) -> T:
    """A read model from the server's JSON; fields it does not know yet are ignored, so a newer server still works."""
    if not isinstance(data, Mapping):
        raise ValueError(f"expected a JSON object for {cls.__name__}, got {type(data).__name__}")
    hints = _hints(cls)
    values = {}
    for name in field_names(cls):
        if name in data:
            values[name] = _convert(hints[name], data[name])
    return cls(**values)


def field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict:
    return typing.get_type_hints(cls)


def _convert(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin is typing.Union:
        arguments = [a for a in typing.get_args(hint) if a is not type(None)]
        return _convert(arguments[0], value) if len(arguments) == 1 else value
    if origin in (list, tuple, typing.Sequence) or hint in (list, tuple):
        arguments = typing.get_args(hint)
        item = arguments[0] if arguments else Any
        return [_convert(item, v) for v in value]
    if origin in (dict, typing.Mapping):
        arguments = typing.get_args(hint)
        item = arguments[1] if len(arguments) == 2 else Any
        return {k: _convert(item, v) for k, v in value.items()}
    if hint is datetime:
        return parse_timestamp(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_wire(hint, value)
    return value
