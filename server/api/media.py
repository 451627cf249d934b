"""The media API: face redaction of images and videos at /media/v1/redactions.

POST creates a redaction job from an upload, a URL or an S3 object and answers 202 with its
Operation-Location; GET on that shows its status and percentComplete, then what was redacted and
the face tracks; GET .../result downloads the redacted file; DELETE removes the job and its files.

The data plane's gate (server/api/dataplane.py) authenticates the deployment key, applies the
SKU's rate limit and asks the terms of use. A redaction is detection only: it finds faces to hide
them and compares none, so the terms allow it to every tenant in good standing, law enforcement
included, and the worker decides again when the job runs. Reading a job (READ) or deleting it
(WRITE) uses no faces, as for collections. A job belongs to the deployment whose key created it:
any other key's call finds nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, current_app, g, send_file, url_for

from server.api import uploads
from server.api.contract import (
    DATA_PLANE_ERRORS,
    BodyKind,
    Reply,
    Security,
    contract,
    form_fields,
    json_body,
    query_args,
    reply,
)
from server.api.dataplane import admit, current_caller, operation
from server.api.urls import base_url
from server.domain.operations import OperationClass
from server.errors import BadArgument
from server.extensions import get_redis
from server.schemas.media import RedactionFormSchema, RedactionOptionsSchema, RedactionRequestSchema, RedactionSchema
from server.services import redactions
from server.services.media import media_directory
from server.vision.video import Container

API_VERSION = "media-v1"
"""What the gate records as the API version of these routes (the audit's api_version)."""

READ, WRITE = OperationClass.COLLECTION_READ, OperationClass.ENROLLMENT

OPERATION_LOCATION = "Operation-Location"
RETRY_AFTER = "Retry-After"
RETRY_AFTER_SECONDS = 2
"""Polling hint while a job runs: a photo takes a second or two, a video about three times its
length; every 2 seconds shows progress without spending much of an S0 deployment's rate."""

RESULT_MEDIA_TYPES = (*dict.fromkeys(container.media_type for container in Container), "image/jpeg", "image/png",
                      "image/gif", "image/bmp")
"""The redacted file keeps its input's container (a video) or format (an image)."""

OPTIONS = ("method", "output")

bp = Blueprint("media", __name__, url_prefix="/media/v1")


@bp.before_request
def _api_version() -> None:
    g.api_version = API_VERSION


@bp.post("/redactions")
@operation(OperationClass.DETECTION)
@contract(operation_id="createRedaction", summary="Redact the faces in an image or a video", tag="Media",
          security=Security.KEY, query=RedactionOptionsSchema, body=RedactionRequestSchema,
          body_kind=BodyKind.MEDIA, form=RedactionFormSchema,
          replies=[Reply(202, "The redaction is queued; poll Operation-Location.", RedactionSchema,
                         headers=(OPERATION_LOCATION, RETRY_AFTER))],
          errors=(*DATA_PLANE_ERRORS, 413, 415, 503),
          description="The media is the body (application/octet-stream, image/*, video/*), the `file` part of a "
                      "multipart form, or named in JSON by `url` or `s3`. Images: JPEG, PNG, GIF, BMP up to 6 MB; "
                      "videos: MP4, MOV, AVI, MKV, WebM up to 2 GB and 2 hours. The input is checked before the job "
                      "is queued: what cannot be redacted is refused and leaves nothing behind.")
def create_redaction() -> Response:
    """Queue a redaction: every face found is blurred, pixelated or boxed, and tracked across frames."""
    caller = admit()
    query = query_args()
    redis, media_dir = get_redis(), media_directory()
    allowlist = current_app.config["URL_ALLOWLIST"]
    if uploads.is_json():
        body = json_body()
        given = redactions.RedactionInput(url=body.get("url"), s3=body.get("s3"), **_options(query, body))
        job = redactions.create_redaction(redis, caller, given, media_dir=media_dir, url_allowlist=allowlist)
    elif uploads.is_upload():
        with uploads.received_media(redactions.new_upload(media_dir, caller)) as upload:
            given = redactions.RedactionInput(upload=upload.path, **_options(query, form_fields(upload.form)))
            job = redactions.create_redaction(redis, caller, given, media_dir=media_dir, url_allowlist=allowlist)
    else:
        raise uploads.unsupported_body()
    return reply(redactions.Redaction(job), status=202, headers={
        OPERATION_LOCATION: _url("media.get_redaction", job.job_id), RETRY_AFTER: str(RETRY_AFTER_SECONDS)})


@bp.get("/redactions/<job_id>")
@operation(READ)
@contract(operation_id="getRedaction", summary="A redaction: its status and progress, then what it found",
          tag="Media", security=Security.KEY, path_names={"job_id": "redactionId"},
          replies=[Reply(200, "The redaction.", RedactionSchema, headers=(RETRY_AFTER,))],
          errors=(*DATA_PLANE_ERRORS, 404))
def get_redaction(job_id: str) -> Response:
    """A redaction of the caller's deployment; Retry-After while it has not finished."""
    redaction = redactions.get_redaction(get_redis(), current_caller(), job_id)
    if redaction.downloadable:
        redaction = dataclasses.replace(redaction, result_location=_url("media.get_redaction_result", job_id))
    running = not redaction.job.status.finished
    return reply(redaction, headers={RETRY_AFTER: str(RETRY_AFTER_SECONDS)} if running else None)


@bp.get("/redactions/<job_id>/result")
@operation(READ)
@contract(operation_id="getRedactionResult", summary="Download a redacted image or video", tag="Media",
          security=Security.KEY, path_names={"job_id": "redactionId"},
          replies=[Reply(200, "The redacted file, in its input's container or image format.",
                         media_type=RESULT_MEDIA_TYPES[0], also=RESULT_MEDIA_TYPES[1:])],
          errors=(*DATA_PLANE_ERRORS, 404, 409))
def get_redaction_result(job_id: str) -> Response:
    """The redacted file of a redaction that succeeded (409 before; 404 when it went to S3)."""
    redacted = redactions.redacted_file(get_redis(), current_caller(), job_id, media_dir=media_directory())
    return send_file(redacted.path, mimetype=redacted.media_type, as_attachment=True,
                     download_name=redacted.download_name, conditional=False, etag=False)


@bp.delete("/redactions/<job_id>")
@operation(WRITE)
@contract(operation_id="deleteRedaction", summary="Delete a redaction and its files", tag="Media",
          security=Security.KEY, path_names={"job_id": "redactionId"},
          replies=[Reply(204, "Deleted: the job, its redacted file and any upload not yet read.", media_type="")],
          errors=(*DATA_PLANE_ERRORS, 404))
def delete_redaction(job_id: str) -> Response:
    """Forget a redaction and delete its files; a job still running stops."""
    redactions.delete_redaction(get_redis(), current_caller(), job_id, media_dir=media_directory())
    return reply(status=204)


def _options(*given: Mapping[str, Any]) -> dict[str, Any]:
    """The options, from the query string and the body or form: one value each."""
    chosen: dict[str, Any] = {}
    for name in OPTIONS:
        values = {source[name] for source in given if source.get(name) is not None}
        if len(values) > 1:
            raise BadArgument(f"'{name}' is given twice, with different values.")
        chosen[name] = values.pop() if values else None
    return chosen


def _url(endpoint: str, job_id: str) -> str:
    return base_url() + url_for(endpoint, job_id=job_id)
