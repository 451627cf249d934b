"""`FaceClient`: the data plane (`{endpoint}/face/{apiVersion}`), with a deployment key."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Unpack

import requests

from visage import _face_requests as build
from visage._client_base import DEFAULT_API_VERSION, BaseClient, ClientOptions, KeyCredential
from visage._decode import decode, decode_list
from visage._face_lists import FaceListOperations, LargeFaceListOperations
from visage._images import ImageInput, read_image
from visage._media_requests import (
    Destination,
    MediaInput,
    build_begin_redact_request,
    build_delete_redaction_request,
    build_download_redaction_request,
    build_get_redaction_request,
    redaction_url,
    write_download,
)
from visage._person_directory import PersonDirectoryOperations, directory_api_version
from visage._person_groups import LargePersonGroupOperations, PersonGroupOperations
from visage._polling import DEFAULT_POLLING_INTERVAL, RedactionPoller
from visage._transport import HttpRequest
from visage.capture import CaptureContext
from visage.enums import FindSimilarMatchMode, ProvenanceStatus, RedactionMethod
from visage.models import (
    DetectResult,
    FaceDetectionResult,
    FaceFindSimilarResult,
    FaceGroupingResult,
    FaceIdentificationResult,
    FaceVerificationResult,
    OperationResult,
    RedactionJob,
    S3Object,
)

KEY_HEADER = "Ocp-Apim-Subscription-Key"
PROVENANCE_HEADER = "x-visage-provenance"
"""Detect answers what the image's C2PA content credentials showed: none, untrusted or trusted."""


def _detected(response: requests.Response) -> DetectResult:
    status = response.headers.get(PROVENANCE_HEADER)
    return DetectResult(decode_list(FaceDetectionResult, response),
                        provenance=ProvenanceStatus(status.strip()) if status and status.strip() else None)


def _face_ids(face_ids: Sequence[str]) -> list[str]:
    if isinstance(face_ids, str):
        raise TypeError("face_ids is a list of faceIds, not one string")
    return list(face_ids)


class FaceClient(BaseClient):
    """Detect, verify, identify, find similar and group faces, and manage collections.

    `FaceClient(endpoint, key)` with a deployment's endpoint and one of its keys (or a
    `KeyCredential` to swap keys later). Options, all keyword-only: `api_version` ("v1.2"),
    `timeout` (seconds per attempt, or (connect, read)), `retry` (a `RetryPolicy`), `session` (a
    `requests.Session` to reuse), `polling_interval` (seconds between training polls when the server
    sends no Retry-After) and `clock` (tests).

    Collections are attribute groups: `large_person_groups`, `person_groups`, `large_face_lists`,
    `face_lists` (each with `.persons` and/or `.faces`), and `person_directory` (persons with faces
    per recognition model, dynamic person groups; served under the preview API versions). Every call
    raises a `VisageError` subclass on failure (see `visage.exceptions`).
    """

    def __init__(self, endpoint: str, key: str | KeyCredential, *, api_version: str = DEFAULT_API_VERSION,
                 polling_interval: float = DEFAULT_POLLING_INTERVAL, **options: Unpack[ClientOptions]) -> None:
        if not api_version or "/" in api_version:
            raise ValueError(f"api_version is a path segment like {DEFAULT_API_VERSION!r}")
        self.api_version = api_version
        self._polling_interval = polling_interval
        credential = key if isinstance(key, KeyCredential) else KeyCredential(key)
        super().__init__(endpoint, path=f"/face/{api_version}", auth_headers=lambda: {KEY_HEADER: credential.key},
                         options=options)
        self.large_person_groups = LargePersonGroupOperations(self._transport, polling_interval=polling_interval)
        self.person_groups = PersonGroupOperations(self._transport, polling_interval=polling_interval)
        self.large_face_lists = LargeFaceListOperations(self._transport, polling_interval=polling_interval)
        self.face_lists = FaceListOperations(self._transport)
        self.person_directory = PersonDirectoryOperations(
            self._transport, base_url=f"{self.endpoint}/face/{directory_api_version(api_version)}",
            polling_interval=polling_interval)

    # Detection

    def detect(self, image: ImageInput, **options: Unpack[build.DetectOptions]) -> DetectResult:
        """Faces in an image (bytes, a binary file, or a path), largest first; empty when none.

        Options (`DetectOptions`) left out take the server's defaults (detection_01, recognition_01,
        faceIds on); `capture` says how the image was captured. The answer is a list of faces whose
        `provenance` says what the image's C2PA content credentials showed (send a signed image
        unchanged: any edit breaks its hash).
        """
        request = build.build_detect_request(read_image(image), options)
        return _detected(self._transport.send(request))

    def detect_from_url(self, url: str, **options: Unpack[build.DetectOptions]) -> DetectResult:
        """Faces in an image the server downloads from `url`, with the options and answer of `detect`
        (Visage refuses private addresses unless its operator allows them: `InvalidRequestError` with
        code InvalidURL)."""
        request = build.build_detect_from_url_request(url, options)
        return _detected(self._transport.send(request))

    # Verification

    def verify_face_to_face(self, face_id1: str, face_id2: str, *,
                            capture: CaptureContext | None = None) -> FaceVerificationResult:
        """Whether two faceIds are the same person."""
        request = build.build_verify_face_to_face_request(face_id1, face_id2, capture=capture)
        return decode(FaceVerificationResult, self._transport.send(request))

    def verify_from_large_person_group(self, face_id: str, large_person_group_id: str, person_id: str, *,
                                       capture: CaptureContext | None = None) -> FaceVerificationResult:
        """Whether a faceId is a person of a large person group."""
        request = build.build_verify_from_group_request(
            face_id, person_id, group_key="largePersonGroupId", group_id=large_person_group_id, capture=capture)
        return decode(FaceVerificationResult, self._transport.send(request))

    def verify_from_person_group(self, face_id: str, person_group_id: str, person_id: str, *,
                                 capture: CaptureContext | None = None) -> FaceVerificationResult:
        """Whether a faceId is a person of a person group."""
        request = build.build_verify_from_group_request(
            face_id, person_id, group_key="personGroupId", group_id=person_group_id, capture=capture)
        return decode(FaceVerificationResult, self._transport.send(request))

    def verify_from_person_directory(self, face_id: str, person_id: str, *,
                                     capture: CaptureContext | None = None) -> FaceVerificationResult:
        """Whether a faceId is a PersonDirectory person (against its faces of the face's model)."""
        request = build.build_verify_from_group_request(face_id, person_id, group_key=None, group_id=None,
                                                        capture=capture)
        return decode(FaceVerificationResult, self._transport.send(request))

    # Identification

    def identify_from_large_person_group(
        self, face_ids: Sequence[str], large_person_group_id: str, *,
        max_num_of_candidates_returned: int | None = None, confidence_threshold: float | None = None,
        capture: CaptureContext | None = None,
    ) -> list[FaceIdentificationResult]:
        """Who each of 1 to 10 faceIds is, among a trained large person group."""
        return self._identify(face_ids, "largePersonGroupId", large_person_group_id,
                              max_num_of_candidates_returned, confidence_threshold, capture)

    def identify_from_person_group(
        self, face_ids: Sequence[str], person_group_id: str, *,
        max_num_of_candidates_returned: int | None = None, confidence_threshold: float | None = None,
        capture: CaptureContext | None = None,
    ) -> list[FaceIdentificationResult]:
        """Who each of 1 to 10 faceIds is, among a trained person group."""
        return self._identify(face_ids, "personGroupId", person_group_id, max_num_of_candidates_returned,
                              confidence_threshold, capture)

    def identify_from_person_directory(
        self, face_ids: Sequence[str], person_ids: Sequence[str], *,
        max_num_of_candidates_returned: int | None = None, confidence_threshold: float | None = None,
        capture: CaptureContext | None = None,
    ) -> list[FaceIdentificationResult]:
        """Who each of 1 to 10 faceIds is, among 1 to 30 PersonDirectory persons, or `["*"]` for the
        whole directory (no training needed)."""
        if isinstance(person_ids, str):
            raise TypeError('person_ids is a list of person ids (or ["*"]), not one string')
        return self._identify(face_ids, "personIds", list(person_ids), max_num_of_candidates_returned,
                              confidence_threshold, capture)

    def identify_from_dynamic_person_group(
        self, face_ids: Sequence[str], dynamic_person_group_id: str, *,
        max_num_of_candidates_returned: int | None = None, confidence_threshold: float | None = None,
        capture: CaptureContext | None = None,
    ) -> list[FaceIdentificationResult]:
        """Who each of 1 to 10 faceIds is, among the persons a dynamic person group references."""
        return self._identify(face_ids, "dynamicPersonGroupId", dynamic_person_group_id,
                              max_num_of_candidates_returned, confidence_threshold, capture)

    def _identify(self, face_ids: Sequence[str], group_key: str, group_id: str | list[str],
                  max_candidates: int | None,
                  confidence_threshold: float | None,
                  capture: CaptureContext | None) -> list[FaceIdentificationResult]:
        request = build.build_identify_request(
            _face_ids(face_ids), group_key=group_key, group_id=group_id,
            max_num_of_candidates_returned=max_candidates, confidence_threshold=confidence_threshold,
            capture=capture)
        return decode_list(FaceIdentificationResult, self._transport.send(request))

    # Find similar and group

    def find_similar(self, face_id: str, face_ids: Sequence[str], *,
                     max_num_of_candidates_returned: int | None = None,
                     mode: FindSimilarMatchMode | str | None = None,
                     capture: CaptureContext | None = None) -> list[FaceFindSimilarResult]:
        """Faces among `face_ids` that look like `face_id`, most similar first."""
        return self._find_similar(face_id, {"faceIds": _face_ids(face_ids)}, max_num_of_candidates_returned,
                                  mode, capture)

    def find_similar_from_face_list(self, face_id: str, face_list_id: str, *,
                                    max_num_of_candidates_returned: int | None = None,
                                    mode: FindSimilarMatchMode | str | None = None,
                                    capture: CaptureContext | None = None) -> list[FaceFindSimilarResult]:
        """Faces of a face list that look like `face_id` (answers carry `persisted_face_id`)."""
        return self._find_similar(face_id, {"faceListId": face_list_id}, max_num_of_candidates_returned, mode,
                                  capture)

    def find_similar_from_large_face_list(self, face_id: str, large_face_list_id: str, *,
                                          max_num_of_candidates_returned: int | None = None,
                                          mode: FindSimilarMatchMode | str | None = None,
                                          capture: CaptureContext | None = None) -> list[FaceFindSimilarResult]:
        """Faces of a trained large face list that look like `face_id`."""
        return self._find_similar(face_id, {"largeFaceListId": large_face_list_id},
                                  max_num_of_candidates_returned, mode, capture)

    def _find_similar(self, face_id: str, scope: dict[str, object], max_candidates: int | None,
                      mode: FindSimilarMatchMode | str | None,
                      capture: CaptureContext | None) -> list[FaceFindSimilarResult]:
        request = build.build_find_similar_request(
            face_id, scope=scope, max_num_of_candidates_returned=max_candidates, mode=mode, capture=capture)
        return decode_list(FaceFindSimilarResult, self._transport.send(request))

    def group(self, face_ids: Sequence[str], *, capture: CaptureContext | None = None) -> FaceGroupingResult:
        """Split 2 to 1000 faceIds into groups of the same person."""
        request = build.build_group_request(_face_ids(face_ids), capture=capture)
        return decode(FaceGroupingResult, self._transport.send(request))

    # Redaction (the media API, `{endpoint}/media/v1/redactions`)

    def begin_redact(self, media: MediaInput | None = None, *, url: str | None = None,
                     s3: S3Object | str | None = None, method: RedactionMethod | str | None = None,
                     output: str | None = None, progress: Callable[[RedactionJob], object] | None = None,
                     capture: CaptureContext | None = None) -> RedactionPoller:
        """Hide every face in an image or a video, on the server's workers; answers at once with a
        poller. The media is one of: `media` (bytes, a binary file, or a path, streamed from disk),
        `url` (the server downloads it) or `s3` (an `S3Object` or s3://bucket/key, read with the
        server's AWS credentials). `method`: blur (the default), pixelate or box. `output`: an
        s3://bucket/key to write the result to instead of keeping it for `download`. `progress` is
        called with the job as created and whenever its status or percent_complete changes.

            poller = client.begin_redact(Path("clip.mp4"), progress=lambda job: print(job.percent_complete))
            poller.download("clip-redacted.mp4")
        """
        request = build_begin_redact_request(self.endpoint, media, url=url, s3=s3, method=method, output=output,
                                             capture=capture)
        return RedactionPoller(self._transport, self._transport.send(request), job_url=self._redaction_url,
                               polling_interval=self._polling_interval, progress=progress)

    def get_redaction(self, redaction_id: str) -> RedactionJob:
        """A redaction's status and progress, then what it found."""
        return decode(RedactionJob, self._transport.send(build_get_redaction_request(
            self._redaction_url(redaction_id))))

    def download_redaction(self, redaction_id: str, destination: Destination) -> Path | None:
        """Write a finished redaction's file to `destination` (a path, or a binary file object)."""
        return write_download(self._transport.send(build_download_redaction_request(
            self._redaction_url(redaction_id))), destination)

    def delete_redaction(self, redaction_id: str) -> None:
        """Delete a redaction and the files Visage keeps for it (a running one stops)."""
        self._transport.send(build_delete_redaction_request(self._redaction_url(redaction_id)))

    def _redaction_url(self, redaction_id: str) -> str:
        return redaction_url(self.endpoint, redaction_id)

    # Operations

    def get_operation(self, operation_id: str) -> OperationResult:
        """A long-running operation's status (what training pollers read)."""
        return decode(OperationResult, self._transport.send(build.build_get_operation_request(operation_id)))

    def send_request(self, request: HttpRequest) -> requests.Response:
        """Send a request this SDK has no method for yet, with the client's key, timeout and retries.
        `request.url` is relative to `{endpoint}/face/{api_version}`."""
        return self._transport.send(request)
