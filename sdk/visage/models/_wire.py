"""From JSON to frozen, slotted dataclasses, driven by their type hints.

Fields are snake_case in Python. On the wire the data plane is camelCase (Azure) and the management
plane snake_case; a model says which with `_wire_case`, and a field with an irregular wire name
says it with `wire("name")`. Names the model does not declare (a newer server's) are kept in
`extra`, never dropped and never fatal.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, Self, TypeVar, Union

M = TypeVar("M", bound="WireModel")


class WireDecodeError(ValueError):
    """The answer does not have the shape the model expects."""


def wire(name: str, *, default: Any = dataclasses.MISSING) -> Any:
    """A field whose wire name is not the camelCase (or snake_case) of its Python name."""
    if default is dataclasses.MISSING:
        return dataclasses.field(metadata={"wire": name})
    return dataclasses.field(default=default, metadata={"wire": name})


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@dataclasses.dataclass(frozen=True, slots=True)
class WireModel:
    """Base of every model. `extra` holds the answer's names this SDK version does not know."""

    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict, kw_only=True, repr=False, compare=False)

    _wire_case: ClassVar[str] = "camel"
    _empty_is_none: ClassVar[bool] = False
    """True for flat records (the audit trail) that write "" for "none". In any model an empty
    string for a field that is not text (a time, an enum, a number) counts as absent."""

    @classmethod
    def from_wire(cls, data: Any) -> Self:
        return from_wire(cls, data)


@dataclasses.dataclass(frozen=True)
class _FieldSpec:
    name: str
    wire_name: str
    hint: Any
    required: bool

    @property
    def accepts_text(self) -> bool:
        """Whether the field is a plain string (an empty one is then a value, not an absence)."""
        choices = typing.get_args(self.hint) or (self.hint,)
        return str in choices or self.hint is Any


_SPECS: dict[type, tuple[_FieldSpec, ...]] = {}


def _specs(cls: type[WireModel]) -> tuple[_FieldSpec, ...]:
    if cls in _SPECS:
        return _SPECS[cls]
    hints = typing.get_type_hints(cls)
    specs = []
    for f in dataclasses.fields(cls):
        if f.name == "extra":
            continue
        wire_name = f.metadata.get("wire") or (camel(f.name) if cls._wire_case == "camel" else f.name)
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        specs.append(_FieldSpec(f.name, wire_name, hints[f.name], required))
    _SPECS[cls] = tuple(specs)
    return _SPECS[cls]


def wire_names(cls: type[WireModel]) -> dict[str, str]:
    """Python field name to wire name, for every field of a model (`extra` aside)."""
    return {spec.name: spec.wire_name for spec in _specs(cls)}


def from_wire(cls: type[M], data: Any) -> M:
    """Build `cls` from a decoded JSON object; raise `WireDecodeError` when the shape is wrong."""
    if not isinstance(data, Mapping):
        raise WireDecodeError(f"{cls.__name__}: expected a JSON object, got {type(data).__name__}")
    values: dict[str, Any] = {}
    known: set[str] = set()
    for spec in _specs(cls):
        known.add(spec.wire_name)
        raw = data.get(spec.wire_name)
        if raw is None or (raw == "" and (cls._empty_is_none or not spec.accepts_text)):
            if spec.required:
                raise WireDecodeError(f"{cls.__name__}: the answer has no '{spec.wire_name}'")
            continue
        values[spec.name] = convert(spec.hint, raw, f"{cls.__name__}.{spec.name}")
    extra = {name: value for name, value in data.items() if name not in known}
    return cls(**values, extra=extra)


def convert(hint: Any, value: Any, where: str) -> Any:
    """One JSON value to the Python type `hint` names."""
    origin = typing.get_origin(hint)
    if hint is Any:
        return value
    if origin is Union or origin is types.UnionType:
        choices = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return None if value is None else convert(choices[0], value, where)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        if not isinstance(value, list):
            raise WireDecodeError(f"{where}: expected a JSON array")
        return tuple(convert(item, entry, where) for entry in value)
    if origin is Mapping or origin is dict:
        _, item = typing.get_args(hint)
        if not isinstance(value, Mapping):
            raise WireDecodeError(f"{where}: expected a JSON object")
        return {str(key): convert(item, entry, where) for key, entry in value.items()}
    if isinstance(hint, type):
        return _scalar(hint, value, where)
    raise WireDecodeError(f"{where}: cannot read a value of type {hint!r}")  # pragma: no cover


def _scalar(hint: type, value: Any, where: str) -> Any:
    if issubclass(hint, WireModel):
        return hint.from_wire(value)
    if issubclass(hint, enum.Enum):
        if not isinstance(value, str):
            raise WireDecodeError(f"{where}: expected a string")
        return hint(value)
    if hint is datetime:
        return parse_time(value, where)
    if hint is bool:
        if not isinstance(value, bool):
            raise WireDecodeError(f"{where}: expected true or false")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise WireDecodeError(f"{where}: expected a number")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise WireDecodeError(f"{where}: expected an integer")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise WireDecodeError(f"{where}: expected a string")
        return value
    raise WireDecodeError(f"{where}: cannot read a value of type {hint.__name__}")  # pragma: no cover


def parse_time(value: Any, where: str = "time") -> datetime:
    if not isinstance(value, str):
        raise WireDecodeError(f"{where}: expected an RFC 3339 time")
    try:
        return datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise WireDecodeError(f"{where}: {value!r} is not an RFC 3339 time") from None
