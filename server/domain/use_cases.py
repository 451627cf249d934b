"""The Limited Access use cases a tenant declares at signup (data in server/data/use_cases.json)."""

from __future__ import annotations

import dataclasses
import functools
import json
from importlib import resources


@dataclasses.dataclass(frozen=True)
class UseCase:
    id: str
    label: str
    features: tuple[str, ...]
    on_footage: bool = False
    """Identifies people in footage they did not present themselves: reviewed whatever the customer type."""


@functools.cache
def use_cases() -> tuple[UseCase, ...]:
    raw = json.loads(resources.files("server").joinpath("data/use_cases.json").read_text())
    return tuple(UseCase(u["id"], u["label"], tuple(u["features"]), bool(u.get("on_footage")))
                 for u in raw["use_cases"])


def use_case_ids() -> tuple[str, ...]:
    return tuple(u.id for u in use_cases())
