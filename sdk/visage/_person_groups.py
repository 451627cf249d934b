"""`client.large_person_groups` and `client.person_groups`, with `.persons` and `.faces`.

    client.large_person_groups.create("staff", "Staff", recognition_model="recognition_04")
    person = client.large_person_groups.persons.create("staff", "Ada")
    client.large_person_groups.faces.add("staff", person.person_id, Path("ada.jpg"))
    client.large_person_groups.begin_train("staff").result(timeout=60)
"""

from __future__ import annotations

from visage import _collection_requests as build
from visage._collection_base import DEFAULT_PAGE_SIZE, TrainableOperations
from visage._decode import decode, decode_list
from visage._images import ImageInput, read_image
from visage._paging import ItemPaged, start_top_pager
from visage._transport import Transport
from visage.capture import CaptureContext
from visage.enums import DetectionModel
from visage.models import AddFaceResult, CreatePersonResult, LargePersonGroup, PersistedFace, Person, PersonGroup


class PersonOperations:
    """Persons of a group: `client.large_person_groups.persons` (or `person_groups.persons`)."""

    def __init__(self, transport: Transport, kind: str) -> None:
        self._transport = transport
        self._kind = kind

    def create(self, group_id: str, name: str, *, user_data: str | None = None) -> CreatePersonResult:
        """Add a person (no faces yet). POST: not retried once it may have reached the server."""
        response = self._transport.send(build.build_create_person_request(
            self._kind, group_id, name=name, user_data=user_data))
        return decode(CreatePersonResult, response)

    def get(self, group_id: str, person_id: str) -> Person:
        return decode(Person, self._transport.send(build.build_get_person_request(self._kind, group_id, person_id)))

    def update(self, group_id: str, person_id: str, *, name: str | None = None, user_data: str | None = None) -> None:
        self._transport.send(build.build_update_person_request(
            self._kind, group_id, person_id, name=name, user_data=user_data))

    def delete(self, group_id: str, person_id: str) -> None:
        """Delete the person and their faces."""
        self._transport.send(build.build_delete_person_request(self._kind, group_id, person_id))

    def list(self, group_id: str, *, page_size: int = DEFAULT_PAGE_SIZE) -> ItemPaged[Person]:
        """The group's persons, by personId, fetched `page_size` at a time as you iterate."""
        build.collection_path(self._kind, group_id)  # check the id now, not at the first page

        def fetch(start: str | None, top: int) -> list[Person]:
            response = self._transport.send(build.build_list_persons_request(
                self._kind, group_id, start=start, top=top))
            return decode_list(Person, response)

        return start_top_pager(fetch, lambda person: person.person_id, page_size)


class PersonFaceOperations:
    """Faces of a person: `client.large_person_groups.faces` (or `person_groups.faces`)."""

    def __init__(self, transport: Transport, kind: str) -> None:
        self._transport = transport
        self._kind = kind

    def add(self, group_id: str, person_id: str, image: ImageInput, *,
            target_face: build.TargetFace | None = None, detection_model: DetectionModel | str | None = None,
            user_data: str | None = None, capture: CaptureContext | None = None) -> AddFaceResult:
        """Add a face from an image (bytes, binary file or path). The image must hold one face, or
        `target_face` must say which."""
        owner = build.person_path(self._kind, group_id, person_id)
        response = self._transport.send(build.build_add_face_request(
            owner, image=read_image(image), target_face=target_face, detection_model=detection_model,
            user_data=user_data, capture=capture))
        return decode(AddFaceResult, response)

    def add_from_url(self, group_id: str, person_id: str, url: str, *,
                     target_face: build.TargetFace | None = None,
                     detection_model: DetectionModel | str | None = None, user_data: str | None = None,
                     capture: CaptureContext | None = None) -> AddFaceResult:
        """Add a face from an image the server downloads."""
        owner = build.person_path(self._kind, group_id, person_id)
        response = self._transport.send(build.build_add_face_request(
            owner, url=url, target_face=target_face, detection_model=detection_model, user_data=user_data,
            capture=capture))
        return decode(AddFaceResult, response)

    def get(self, group_id: str, person_id: str, persisted_face_id: str) -> PersistedFace:
        owner = build.person_path(self._kind, group_id, person_id)
        return decode(PersistedFace, self._transport.send(build.build_get_face_request(owner, persisted_face_id)))

    def update(self, group_id: str, person_id: str, persisted_face_id: str, *, user_data: str | None = None) -> None:
        owner = build.person_path(self._kind, group_id, person_id)
        self._transport.send(build.build_update_face_request(owner, persisted_face_id, user_data=user_data))

    def delete(self, group_id: str, person_id: str, persisted_face_id: str) -> None:
        owner = build.person_path(self._kind, group_id, person_id)
        self._transport.send(build.build_delete_face_request(owner, persisted_face_id))


class LargePersonGroupOperations(TrainableOperations[LargePersonGroup]):
    """`client.large_person_groups`: up to a million persons; train before identify."""

    def __init__(self, transport: Transport, *, polling_interval: float) -> None:
        super().__init__(transport, kind="largepersongroups", model=LargePersonGroup,
                         id_of=lambda group: group.large_person_group_id, polling_interval=polling_interval)
        self.persons = PersonOperations(transport, "largepersongroups")
        self.faces = PersonFaceOperations(transport, "largepersongroups")


class PersonGroupOperations(TrainableOperations[PersonGroup]):
    """`client.person_groups`: the original, smaller person group; train before identify."""

    def __init__(self, transport: Transport, *, polling_interval: float) -> None:
        super().__init__(transport, kind="persongroups", model=PersonGroup,
                         id_of=lambda group: group.person_group_id, polling_interval=polling_interval)
        self.persons = PersonOperations(transport, "persongroups")
        self.faces = PersonFaceOperations(transport, "persongroups")
