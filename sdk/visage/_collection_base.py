"""What every collection kind shares: create, get, update, delete, and (for most) training."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from visage import _collection_requests as build
from visage._decode import decode, decode_list
from visage._paging import ItemPaged, single_page, start_top_pager
from visage._polling import TrainingPoller
from visage._transport import Transport
from visage.enums import RecognitionModel
from visage.models import TrainingResult, WireModel

C = TypeVar("C", bound=WireModel)

DEFAULT_PAGE_SIZE = 1000
"""`top` of each page when walking a list: Azure's default and largest."""


class CollectionOperations(Generic[C]):
    """CRUD of one collection kind (its path segment, its model, and how to read its id)."""

    def __init__(self, transport: Transport, *, kind: str, model: type[C], id_of: Callable[[C], str]) -> None:
        self._transport = transport
        self._kind = kind
        self._model = model
        self._id_of = id_of

    def create(self, collection_id: str, name: str, *, user_data: str | None = None,
               recognition_model: RecognitionModel | str | None = None) -> None:
        """Create it (PUT). Raises `ConflictError` if it exists: check `earlier_attempt_uncertain`
        on the error when a retry may have made it."""
        self._transport.send(build.build_create_request(
            self._kind, collection_id, name=name, user_data=user_data, recognition_model=recognition_model))

    def get(self, collection_id: str, *, return_recognition_model: bool | None = None) -> C:
        """Raises `NotFoundError` if there is none with this id."""
        response = self._transport.send(build.build_get_request(
            self._kind, collection_id, return_recognition_model=return_recognition_model))
        return decode(self._model, response)

    def update(self, collection_id: str, *, name: str | None = None, user_data: str | None = None) -> None:
        """Change the name and/or user data (the recognition model cannot change)."""
        self._transport.send(build.build_update_request(self._kind, collection_id, name=name, user_data=user_data))

    def delete(self, collection_id: str) -> None:
        """Delete it with everything in it. Raises `NotFoundError` if there is none."""
        self._transport.send(build.build_delete_request(self._kind, collection_id))

    def _pager(self, *, page_size: int, return_recognition_model: bool | None) -> ItemPaged[C]:
        def fetch(start: str | None, top: int) -> list[C]:
            response = self._transport.send(build.build_list_request(
                self._kind, start=start, top=top, return_recognition_model=return_recognition_model))
            return decode_list(self._model, response)

        return start_top_pager(fetch, self._id_of, page_size)

    def _single_page(self, *, return_recognition_model: bool | None) -> ItemPaged[C]:
        def fetch() -> list[C]:
            response = self._transport.send(build.build_list_request(
                self._kind, start=None, top=None, return_recognition_model=return_recognition_model))
            return decode_list(self._model, response)

        return single_page(fetch)


class TrainableOperations(CollectionOperations[C]):
    """Collections that are trained before identify / find-similar use them."""

    def __init__(self, transport: Transport, *, kind: str, model: type[C], id_of: Callable[[C], str],
                 polling_interval: float) -> None:
        super().__init__(transport, kind=kind, model=model, id_of=id_of)
        self._polling_interval = polling_interval

    def list(self, *, page_size: int = DEFAULT_PAGE_SIZE,
             return_recognition_model: bool | None = None) -> ItemPaged[C]:
        """Every collection of this kind, by id, fetched `page_size` at a time as you iterate."""
        return self._pager(page_size=page_size, return_recognition_model=return_recognition_model)

    def begin_train(self, collection_id: str, *, polling_interval: float | None = None) -> TrainingPoller:
        """Start training (POST .../train, 202) and return a poller; `.result()` waits for the end."""
        accepted = self._transport.send(build.build_train_request(self._kind, collection_id))
        training = build.build_get_training_status_request(self._kind, collection_id)
        return TrainingPoller(self._transport, accepted, training_url=training.url,
                              polling_interval=self._polling_interval if polling_interval is None else polling_interval)

    def get_training_status(self, collection_id: str) -> TrainingResult:
        """Raises `NotFoundError` (code ...NotTrained) before the first training."""
        response = self._transport.send(build.build_get_training_status_request(self._kind, collection_id))
        return decode(TrainingResult, response)
