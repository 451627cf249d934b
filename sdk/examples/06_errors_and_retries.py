"""Errors you act on, retries you configure, and the terms of use.

    python sdk/examples/06_errors_and_retries.py
"""

from __future__ import annotations

from _env import endpoint, need, photo
from visage import (
    Camera,
    CaptureContext,
    FaceClient,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    TermsOfUseViolation,
    UnsupportedFeatureError,
    VisageError,
)


def main() -> None:
    # Up to 5 retries of connection failures, 429 (every method) and 503 (GET/PUT/PATCH/DELETE),
    # waiting the server's Retry-After, else 0.5 s doubling up to 8 s with jitter.
    retry = RetryPolicy(max_retries=5, max_retry_after=30)
    with FaceClient(endpoint(), need("VISAGE_KEY"), retry=retry, timeout=(5, 30)) as client:
        try:
            client.detect(photo("people/obama/obama.jpg"), return_face_attributes=["age"])
        except UnsupportedFeatureError as error:  # a retired attribute: refused for everyone, by a clause
            print(f"403 {error.code}: {error.message} (clause {error.clause}, terms {error.policy_version})")

        try:
            client.verify_face_to_face("00000000-0000-4000-8000-000000000000",
                                       "00000000-0000-4000-8000-000000000001")
        except NotFoundError as error:
            print(f"404 {error.code}: faceIds expire after 24 hours (request {error.request_id})")

        try:
            client.detect_from_url("http://127.0.0.1/photo.jpg")
        except InvalidRequestError as error:
            print(f"400 {error.code}: {error.message[:60]}...")

        face_id = client.detect(photo("people/obama/obama.jpg"),
                                capture=CaptureContext.live(camera=Camera.BODY_WORN))[0].face_id
        assert face_id is not None
        try:
            result = client.verify_face_to_face(face_id, face_id, capture=CaptureContext.live(camera=Camera.BODY_WORN))
            print(f"live verification allowed for this tenant (confidence {result.confidence:.2f})")
        except TermsOfUseViolation as refused:
            print(f"refused by clause {refused.clause} of the terms {refused.policy_version}")
        except RateLimitError as limited:
            print(f"still rate limited after retries; try again in {limited.retry_after} s")
        except VisageError as error:  # the base of every SDK error
            print(f"{type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
