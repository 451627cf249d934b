"""`client.person_directory`: persons with faces per recognition model, and dynamic person groups.

    created = client.person_directory.begin_create_person("Ada")
    person_id = created.result().person_id
    client.person_directory.begin_add_face(person_id, RecognitionModel.RECOGNITION_04, Path("ada.jpg")).result()
    client.person_directory.begin_create_dynamic_person_group("staff", "Staff", add_person_ids=[person_id]).result()
    client.identify_from_dynamic_person_group([face_id], "staff")

Azure serves the PersonDirectory under the preview API versions only, so these calls go to
`/face/{version}` with the client's api_version when it is a preview, else v1.2-preview.1.
Writes Azure makes long-running return a `DirectoryPoller`: its `value` (a new id) is there at once,
`result()` waits until the write has propagated.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TypeVar

import requests

from visage._collection_requests import TargetFace, build_add_face_request, updates
from visage._decode import decode, decode_list
from visage._face_requests import path_id, query
from visage._images import ImageInput, read_image
from visage._paging import MAX_PAGE_SIZE, ItemPaged, start_top_pager
from visage._polling import DirectoryPoller, OperationPoller
from visage._transport import HttpRequest, Transport
from visage.capture import CaptureContext
from visage.enums import DetectionModel, RecognitionModel
from visage.models import (
    AddFaceResult,
    CreatePersonResult,
    DynamicPersonGroup,
    DynamicPersonGroupPersons,
    DynamicPersonGroupReferences,
    PersistedFace,
    PersonDirectoryFaces,
    PersonDirectoryPerson,
)

DIRECTORY_API_VERSIONS = ("v1.1-preview.1", "v1.2-preview.1")
"""Where Azure (and Visage) serve the PersonDirectory; it is 404 under v1.0 and v1.2."""

T = TypeVar("T")


def directory_api_version(api_version: str) -> str:
    return api_version if api_version in DIRECTORY_API_VERSIONS else DIRECTORY_API_VERSIONS[-1]


def person_path(person_id: str) -> str:
    return f"persons/{path_id(person_id, 'person_id')}"


def faces_owner(person_id: str, recognition_model: RecognitionModel | str) -> str:
    """The owner path of a person's faces of one model (`.../persistedfaces` is added by the builders)."""
    return f"{person_path(person_id)}/recognitionModels/{path_id(str(recognition_model), 'recognition_model')}"


def group_path(group_id: str) -> str:
    return f"dynamicpersongroups/{path_id(group_id, 'dynamic_person_group_id')}"


def person_ids(values: Sequence[str], what: str) -> list[str]:
    if isinstance(values, str):
        raise TypeError(f"{what} is a list of person ids, not one string")
    return list(values)


class PersonDirectoryOperations:
    """`client.person_directory`: the deployment's one PersonDirectory."""

    def __init__(self, transport: Transport, *, base_url: str, polling_interval: float) -> None:
        self._transport = transport
        self._base = base_url.rstrip("/")
        self._polling_interval = polling_interval

    def _send(self, method: str, path: str, *, params: dict[str, str] | None = None,
              json: object = None) -> requests.Response:
        return self._send_request(HttpRequest(method, path, params=params or {}, json=json))

    def _send_request(self, request: HttpRequest) -> requests.Response:
        """`request`, its path taken under the directory's API version."""
        return self._transport.send(dataclasses.replace(request, url=f"{self._base}/{request.url}"))

    def _accepted(self, response: requests.Response, value: T) -> DirectoryPoller[T]:
        return DirectoryPoller(OperationPoller(self._transport, response, polling_interval=self._polling_interval),
                               value)

    def _pager(self, path: str, read: type[DynamicPersonGroupPersons] | type[DynamicPersonGroupReferences],
               page_size: int) -> ItemPaged[str]:
        def fetch(start: str | None, top: int) -> list[str]:
            page = decode(read, self._send("GET", path, params=query(start=start, top=top)))
            return list(page.person_ids if isinstance(page, DynamicPersonGroupPersons)
                        else page.dynamic_person_group_ids)

        return start_top_pager(fetch, lambda item: item, page_size)

    # persons --------------------------------------------------------------------------------

    def begin_create_person(self, name: str, *, user_data: str | None = None) -> DirectoryPoller[CreatePersonResult]:
        """Create a person (POST, 202); `.value.person_id` at once. Not retried once it may have
        reached the server."""
        response = self._send("POST", "persons", json={"name": name, **updates(user_data=user_data)})
        return self._accepted(response, decode(CreatePersonResult, response))

    def get_person(self, person_id: str) -> PersonDirectoryPerson:
        return decode(PersonDirectoryPerson, self._send("GET", person_path(person_id)))

    def list_persons(self, *, page_size: int = MAX_PAGE_SIZE) -> ItemPaged[PersonDirectoryPerson]:
        """Every person, by personId, fetched `page_size` at a time as you iterate."""
        def fetch(start: str | None, top: int) -> list[PersonDirectoryPerson]:
            return decode_list(PersonDirectoryPerson, self._send("GET", "persons", params=query(start=start, top=top)))

        return start_top_pager(fetch, lambda person: person.person_id, page_size)

    def update_person(self, person_id: str, *, name: str | None = None, user_data: str | None = None) -> None:
        self._send("PATCH", person_path(person_id), json=updates(name=name, user_data=user_data))

    def begin_delete_person(self, person_id: str) -> DirectoryPoller[None]:
        """Delete a person with its faces of every model and its place in every dynamic group."""
        return self._accepted(self._send("DELETE", person_path(person_id)), None)

    def list_dynamic_person_group_references(self, person_id: str, *,
                                             page_size: int = MAX_PAGE_SIZE) -> ItemPaged[str]:
        """The ids of the dynamic person groups that reference a person."""
        return self._pager(f"{person_path(person_id)}/dynamicPersonGroupReferences", DynamicPersonGroupReferences,
                           page_size)

    # faces ----------------------------------------------------------------------------------

    def begin_add_face(self, person_id: str, recognition_model: RecognitionModel | str, image: ImageInput, *,
                       target_face: TargetFace | None = None, detection_model: DetectionModel | str | None = None,
                       user_data: str | None = None,
                       capture: CaptureContext | None = None) -> DirectoryPoller[AddFaceResult]:
        """Add a face (bytes, binary file or path) to a person for one recognition model
        (recognition_02 to 04); the image holds one face, or `target_face` says which."""
        request = build_add_face_request(
            faces_owner(person_id, recognition_model), image=read_image(image), target_face=target_face,
            detection_model=detection_model, user_data=user_data, capture=capture)
        return self._send_add_face(request)

    def begin_add_face_from_url(self, person_id: str, recognition_model: RecognitionModel | str, url: str, *,
                                target_face: TargetFace | None = None,
                                detection_model: DetectionModel | str | None = None, user_data: str | None = None,
                                capture: CaptureContext | None = None) -> DirectoryPoller[AddFaceResult]:
        """Add a face from an image the server downloads."""
        request = build_add_face_request(
            faces_owner(person_id, recognition_model), url=url, target_face=target_face,
            detection_model=detection_model, user_data=user_data, capture=capture)
        return self._send_add_face(request)

    def _send_add_face(self, request: HttpRequest) -> DirectoryPoller[AddFaceResult]:
        response = self._send_request(request)
        return self._accepted(response, decode(AddFaceResult, response))

    def list_faces(self, person_id: str, recognition_model: RecognitionModel | str) -> PersonDirectoryFaces:
        """A person's persisted faces of one recognition model."""
        return decode(PersonDirectoryFaces,
                      self._send("GET", f"{faces_owner(person_id, recognition_model)}/persistedfaces"))

    def _face_path(self, person_id: str, recognition_model: RecognitionModel | str, persisted_face_id: str) -> str:
        owner = faces_owner(person_id, recognition_model)
        return f"{owner}/persistedfaces/{path_id(persisted_face_id, 'persisted_face_id')}"

    def get_face(self, person_id: str, recognition_model: RecognitionModel | str,
                 persisted_face_id: str) -> PersistedFace:
        return decode(PersistedFace, self._send("GET", self._face_path(person_id, recognition_model,
                                                                       persisted_face_id)))

    def update_face(self, person_id: str, recognition_model: RecognitionModel | str, persisted_face_id: str, *,
                    user_data: str | None = None) -> None:
        self._send("PATCH", self._face_path(person_id, recognition_model, persisted_face_id),
                   json=updates(user_data=user_data))

    def begin_delete_face(self, person_id: str, recognition_model: RecognitionModel | str,
                          persisted_face_id: str) -> DirectoryPoller[None]:
        return self._accepted(self._send("DELETE", self._face_path(person_id, recognition_model,
                                                                   persisted_face_id)), None)

    # dynamic person groups ------------------------------------------------------------------

    def create_dynamic_person_group(self, group_id: str, name: str, *, user_data: str | None = None) -> None:
        """An empty group (200). Raises `ConflictError` if the id is taken."""
        self._send("PUT", group_path(group_id), json={"name": name, **updates(user_data=user_data)})

    def begin_create_dynamic_person_group(self, group_id: str, name: str, *, add_person_ids: Sequence[str],
                                          user_data: str | None = None) -> DirectoryPoller[None]:
        """A group referencing these persons (202)."""
        body = {"name": name, **updates(user_data=user_data),
                "addPersonIds": person_ids(add_person_ids, "add_person_ids")}
        return self._accepted(self._send("PUT", group_path(group_id), json=body), None)

    def get_dynamic_person_group(self, group_id: str) -> DynamicPersonGroup:
        return decode(DynamicPersonGroup, self._send("GET", group_path(group_id)))

    def list_dynamic_person_groups(self, *, page_size: int = MAX_PAGE_SIZE) -> ItemPaged[DynamicPersonGroup]:
        def fetch(start: str | None, top: int) -> list[DynamicPersonGroup]:
            return decode_list(DynamicPersonGroup, self._send("GET", "dynamicpersongroups",
                                                              params=query(start=start, top=top)))

        return start_top_pager(fetch, lambda group: group.dynamic_person_group_id, page_size)

    def update_dynamic_person_group(self, group_id: str, *, name: str | None = None,
                                    user_data: str | None = None) -> None:
        """Rename it or change its user data (200)."""
        self._send("PATCH", group_path(group_id), json=updates(name=name, user_data=user_data))

    def begin_update_dynamic_person_group_persons(
        self, group_id: str, *, add_person_ids: Sequence[str] = (), remove_person_ids: Sequence[str] = (),
        name: str | None = None, user_data: str | None = None,
    ) -> DirectoryPoller[None]:
        """Add and remove persons (202), and optionally rename it at the same time."""
        body: dict[str, object] = updates(name=name, user_data=user_data)
        if add := person_ids(add_person_ids, "add_person_ids"):
            body["addPersonIds"] = add
        if remove := person_ids(remove_person_ids, "remove_person_ids"):
            body["removePersonIds"] = remove
        if "addPersonIds" not in body and "removePersonIds" not in body:
            raise ValueError("give add_person_ids or remove_person_ids (use update_dynamic_person_group to rename)")
        return self._accepted(self._send("PATCH", group_path(group_id), json=body), None)

    def begin_delete_dynamic_person_group(self, group_id: str) -> DirectoryPoller[None]:
        """Delete a group and its references; the persons stay."""
        return self._accepted(self._send("DELETE", group_path(group_id)), None)

    def list_dynamic_person_group_persons(self, group_id: str, *, page_size: int = MAX_PAGE_SIZE) -> ItemPaged[str]:
        """The ids of the persons a group references."""
        return self._pager(f"{group_path(group_id)}/persons", DynamicPersonGroupPersons, page_size)
