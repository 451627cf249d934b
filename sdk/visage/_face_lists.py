"""`client.large_face_lists` and `client.face_lists`, with `.faces`: faces for find-similar."""

from __future__ import annotations

from visage import _collection_requests as build
from visage._collection_base import DEFAULT_PAGE_SIZE, CollectionOperations, TrainableOperations
from visage._decode import decode, decode_list
from visage._images import ImageInput, read_image
from visage._paging import ItemPaged, start_top_pager
from visage._transport import Transport
from visage.capture import CaptureContext
from visage.enums import DetectionModel
from visage.models import AddFaceResult, FaceList, LargeFaceList, PersistedFace


class FaceListFaceOperations:
    """Faces of a face list: add and delete (read them with `face_lists.get`)."""

    def __init__(self, transport: Transport, kind: str) -> None:
        self._transport = transport
        self._kind = kind

    def add(self, list_id: str, image: ImageInput, *, target_face: build.TargetFace | None = None,
            detection_model: DetectionModel | str | None = None, user_data: str | None = None,
            capture: CaptureContext | None = None) -> AddFaceResult:
        """Add a face from an image (bytes, binary file or path)."""
        response = self._transport.send(build.build_add_face_request(
            build.collection_path(self._kind, list_id), image=read_image(image), target_face=target_face,
            detection_model=detection_model, user_data=user_data, capture=capture))
        return decode(AddFaceResult, response)

    def add_from_url(self, list_id: str, url: str, *, target_face: build.TargetFace | None = None,
                     detection_model: DetectionModel | str | None = None, user_data: str | None = None,
                     capture: CaptureContext | None = None) -> AddFaceResult:
        """Add a face from an image the server downloads."""
        response = self._transport.send(build.build_add_face_request(
            build.collection_path(self._kind, list_id), url=url, target_face=target_face,
            detection_model=detection_model, user_data=user_data, capture=capture))
        return decode(AddFaceResult, response)

    def delete(self, list_id: str, persisted_face_id: str) -> None:
        self._transport.send(build.build_delete_face_request(
            build.collection_path(self._kind, list_id), persisted_face_id))


class LargeFaceListFaceOperations(FaceListFaceOperations):
    """Faces of a large face list: also get, update and a paged list."""

    def get(self, list_id: str, persisted_face_id: str) -> PersistedFace:
        owner = build.collection_path(self._kind, list_id)
        return decode(PersistedFace, self._transport.send(build.build_get_face_request(owner, persisted_face_id)))

    def update(self, list_id: str, persisted_face_id: str, *, user_data: str | None = None) -> None:
        owner = build.collection_path(self._kind, list_id)
        self._transport.send(build.build_update_face_request(owner, persisted_face_id, user_data=user_data))

    def list(self, list_id: str, *, page_size: int = DEFAULT_PAGE_SIZE) -> ItemPaged[PersistedFace]:
        """The list's faces, by persistedFaceId, fetched `page_size` at a time as you iterate."""
        owner = build.collection_path(self._kind, list_id)

        def fetch(start: str | None, top: int) -> list[PersistedFace]:
            response = self._transport.send(build.build_list_faces_request(owner, start=start, top=top))
            return decode_list(PersistedFace, response)

        return start_top_pager(fetch, lambda face: face.persisted_face_id, page_size)


class LargeFaceListOperations(TrainableOperations[LargeFaceList]):
    """`client.large_face_lists`: up to a million faces; train before find-similar."""

    def __init__(self, transport: Transport, *, polling_interval: float) -> None:
        super().__init__(transport, kind="largefacelists", model=LargeFaceList,
                         id_of=lambda face_list: face_list.large_face_list_id, polling_interval=polling_interval)
        self.faces = LargeFaceListFaceOperations(transport, "largefacelists")


class FaceListOperations(CollectionOperations[FaceList]):
    """`client.face_lists`: up to 1,000 faces, no training; `get` includes the faces."""

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport, kind="facelists", model=FaceList, id_of=lambda face_list: face_list.face_list_id)
        self.faces = FaceListFaceOperations(transport, "facelists")

    def list(self, *, return_recognition_model: bool | None = None) -> ItemPaged[FaceList]:
        """Every face list (the route does not page; the pager is for a uniform API)."""
        return self._single_page(return_recognition_model=return_recognition_model)
