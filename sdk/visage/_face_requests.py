"""Pure builders of the data plane's face requests: method, path, query, headers and body only.

Paths are relative to `{endpoint}/face/{apiVersion}`. Nothing here sends anything.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import TypedDict
from urllib.parse import quote

from visage._transport import HttpRequest
from visage.capture import CaptureContext, capture_headers
from visage.enums import DetectionModel, FaceAttributeType, FindSimilarMatchMode, RecognitionModel

OCTET_STREAM = {"Content-Type": "application/octet-stream"}

QueryValue = str | int | float | bool | enum.Enum | Sequence[str] | None


def query(**values: QueryValue) -> dict[str, str]:
    """Query parameters from keyword values: None is left out, booleans are `true`/`false`,
    enums their value, sequences a comma-separated list."""
    params: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            params[name] = "true" if value else "false"
        elif isinstance(value, enum.Enum):
            params[name] = str(value.value)
        elif isinstance(value, str | int | float):
            params[name] = str(value)
        else:
            params[name] = ",".join(str(item.value) if isinstance(item, enum.Enum) else str(item) for item in value)
    return params


def path_id(value: str, what: str) -> str:
    """An id placed in a path: never empty (that would change the route), always URL-quoted."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be a non-empty string")
    return quote(value, safe="")


class DetectOptions(TypedDict, total=False):
    """The options of `detect` and `detect_from_url`, all keyword-only; left out (or None), the
    server's default applies."""

    detection_model: DetectionModel | str | None
    recognition_model: RecognitionModel | str | None
    return_face_id: bool | None
    return_face_landmarks: bool | None
    return_face_attributes: Iterable[FaceAttributeType | str] | None
    return_recognition_model: bool | None
    face_id_time_to_live: int | None
    """Seconds the faceId lives (60 to 86400; the server's default is 86400)."""
    capture: CaptureContext | None
    """How the image was captured: sent as the x-visage-capture-* headers."""


DETECT_OPTIONS = frozenset(DetectOptions.__annotations__)


def detect_query(options: DetectOptions) -> dict[str, str]:
    """The query of a detect call. An option that `DetectOptions` does not name is a TypeError, as a
    misspelt keyword argument is."""
    if unknown := set(options) - DETECT_OPTIONS:
        raise TypeError(f"detect got unexpected options: {', '.join(sorted(unknown))}")
    attributes = options.get("return_face_attributes")
    return query(
        detectionModel=options.get("detection_model"),
        recognitionModel=options.get("recognition_model"),
        returnFaceId=options.get("return_face_id"),
        returnFaceLandmarks=options.get("return_face_landmarks"),
        returnFaceAttributes=[str(a) for a in attributes] if attributes else None,
        returnRecognitionModel=options.get("return_recognition_model"),
        faceIdTimeToLive=options.get("face_id_time_to_live"),
    )


def build_detect_request(image: bytes, options: DetectOptions) -> HttpRequest:
    return HttpRequest("POST", "detect", params=detect_query(options), content=image,
                       headers={**OCTET_STREAM, **capture_headers(options.get("capture"))})


def build_detect_from_url_request(url: str, options: DetectOptions) -> HttpRequest:
    return HttpRequest("POST", "detect", params=detect_query(options), json={"url": url},
                       headers=capture_headers(options.get("capture")))


def build_verify_face_to_face_request(face_id1: str, face_id2: str, *,
                                      capture: CaptureContext | None) -> HttpRequest:
    return HttpRequest("POST", "verify", json={"faceId1": face_id1, "faceId2": face_id2},
                       headers=capture_headers(capture))


def build_verify_from_group_request(face_id: str, person_id: str, *, group_key: str | None, group_id: str | None,
                                    capture: CaptureContext | None) -> HttpRequest:
    """`group_key` is `personGroupId` or `largePersonGroupId`, or None for a PersonDirectory person."""
    body: dict[str, object] = {"faceId": face_id, "personId": person_id}
    if group_key is not None:
        body[group_key] = group_id
    return HttpRequest("POST", "verify", json=body, headers=capture_headers(capture))


def build_identify_request(face_ids: Sequence[str], *, group_key: str, group_id: str | list[str],
                           max_num_of_candidates_returned: int | None, confidence_threshold: float | None,
                           capture: CaptureContext | None) -> HttpRequest:
    """`group_key` is `personGroupId`, `largePersonGroupId`, `dynamicPersonGroupId`, or `personIds`
    (with a list of person ids, or `["*"]`)."""
    body: dict[str, object] = {"faceIds": list(face_ids), group_key: group_id}
    if max_num_of_candidates_returned is not None:
        body["maxNumOfCandidatesReturned"] = max_num_of_candidates_returned
    if confidence_threshold is not None:
        body["confidenceThreshold"] = confidence_threshold
    return HttpRequest("POST", "identify", json=body, headers=capture_headers(capture))


def build_find_similar_request(face_id: str, *, scope: dict[str, object],
                               max_num_of_candidates_returned: int | None,
                               mode: FindSimilarMatchMode | str | None,
                               capture: CaptureContext | None) -> HttpRequest:
    """`scope` is one of `{"faceIds": [...]}`, `{"faceListId": ...}`, `{"largeFaceListId": ...}`."""
    body: dict[str, object] = {"faceId": face_id, **scope}
    if max_num_of_candidates_returned is not None:
        body["maxNumOfCandidatesReturned"] = max_num_of_candidates_returned
    if mode is not None:
        body["mode"] = str(mode)
    return HttpRequest("POST", "findsimilars", json=body, headers=capture_headers(capture))


def build_group_request(face_ids: Sequence[str], *, capture: CaptureContext | None) -> HttpRequest:
    return HttpRequest("POST", "group", json={"faceIds": list(face_ids)}, headers=capture_headers(capture))


def build_get_operation_request(operation_id: str) -> HttpRequest:
    return HttpRequest("GET", f"operations/{path_id(operation_id, 'operation_id')}")
