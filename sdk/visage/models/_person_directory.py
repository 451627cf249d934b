"""The PersonDirectory's answers: persons, their faces per recognition model, dynamic person groups."""

from __future__ import annotations

from dataclasses import dataclass

from visage.models._wire import WireModel


@dataclass(frozen=True, slots=True)
class PersonDirectoryPerson(WireModel):
    """A person of the deployment's PersonDirectory."""

    person_id: str
    name: str
    user_data: str | None = None


@dataclass(frozen=True, slots=True)
class PersonDirectoryFaces(WireModel):
    """A directory person's persisted faces of one recognition model (Azure's ListFaceResult)."""

    person_id: str
    persisted_face_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DynamicPersonGroup(WireModel):
    """A dynamic person group: references to directory persons, no data of its own."""

    dynamic_person_group_id: str
    name: str
    user_data: str | None = None


@dataclass(frozen=True, slots=True)
class DynamicPersonGroupPersons(WireModel):
    """A page of the persons a dynamic person group references (Azure's ListPersonResult)."""

    person_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DynamicPersonGroupReferences(WireModel):
    """A page of the dynamic person groups that reference a person (Azure's ListGroupReferenceResult)."""

    dynamic_person_group_ids: tuple[str, ...] = ()
