"""Collections of the data plane: person groups, persons, face lists, persisted faces, training."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from visage.enums import OperationStatus, RecognitionModel
from visage.models._wire import WireModel


@dataclass(frozen=True, slots=True)
class LargePersonGroup(WireModel):
    large_person_group_id: str
    name: str
    user_data: str | None = None
    recognition_model: RecognitionModel | None = None


@dataclass(frozen=True, slots=True)
class PersonGroup(WireModel):
    person_group_id: str
    name: str
    user_data: str | None = None
    recognition_model: RecognitionModel | None = None


@dataclass(frozen=True, slots=True)
class LargeFaceList(WireModel):
    large_face_list_id: str
    name: str
    user_data: str | None = None
    recognition_model: RecognitionModel | None = None


@dataclass(frozen=True, slots=True)
class PersistedFace(WireModel):
    """A face kept in a collection (a person's face, or a face list's)."""

    persisted_face_id: str
    user_data: str | None = None


@dataclass(frozen=True, slots=True)
class FaceList(WireModel):
    """A face list; `persisted_faces` is filled by `get`, empty in `list`."""

    face_list_id: str
    name: str
    user_data: str | None = None
    recognition_model: RecognitionModel | None = None
    persisted_faces: tuple[PersistedFace, ...] = ()


@dataclass(frozen=True, slots=True)
class Person(WireModel):
    """A person of a person group or large person group."""

    person_id: str
    name: str
    user_data: str | None = None
    persisted_face_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CreatePersonResult(WireModel):
    person_id: str


@dataclass(frozen=True, slots=True)
class AddFaceResult(WireModel):
    persisted_face_id: str


@dataclass(frozen=True, slots=True)
class TrainingResult(WireModel):
    """Training status of a group or large face list."""

    status: OperationStatus
    created_date_time: datetime | None = None
    last_action_date_time: datetime | None = None
    last_successful_training_date_time: datetime | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class OperationResult(WireModel):
    """A long-running operation (`GET /operations/{id}`), as a training poller ends with it."""

    operation_id: str
    status: OperationStatus
    created_time: datetime | None = None
    last_action_time: datetime | None = None
    finished_time: datetime | None = None
    message: str | None = None
