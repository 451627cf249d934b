"""The one status-and-code-to-class map, and what each exception carries."""

from __future__ import annotations

import pytest
import responses
from visage import (
    AuthenticationError,
    ConflictError,
    FaceClient,
    InvalidRequestError,
    ManagementClient,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServiceError,
    TermsOfUseViolation,
    UnsupportedFeatureError,
    VisageError,
)
from visage.exceptions import error_class_for
from visage_fakes import BASE, ENDPOINT, error_body


@pytest.mark.parametrize(("status", "code", "expected"), [
    (400, "BadArgument", InvalidRequestError),
    (400, "FaceNotFound", InvalidRequestError),  # identify answers 400 for an unknown faceId, as Azure
    (401, "401", AuthenticationError),
    (401, "Unauthorized", AuthenticationError),
    (403, "UnsupportedFeature", UnsupportedFeatureError),
    (403, "QuotaExceeded", PermissionDeniedError),
    (403, "TermsOfUseViolation", TermsOfUseViolation),
    (404, "FaceNotFound", NotFoundError),
    (404, "404", NotFoundError),
    (409, "LargePersonGroupExists", ConflictError),
    (429, "429", RateLimitError),
    (405, "405", InvalidRequestError),
    (413, "BadArgument", InvalidRequestError),
    (415, "BadArgument", InvalidRequestError),
    (500, "InternalServerError", ServiceError),
    (503, "ServiceUnavailable", ServiceError),
    (418, None, InvalidRequestError),
])
def test_error_class_for(status: int, code: str | None, expected: type[VisageError]) -> None:
    assert error_class_for(status, code) is expected


def no_retries() -> FaceClient:
    return FaceClient(ENDPOINT, "key", retry=RetryPolicy(max_retries=0))


def test_an_error_carries_status_code_message_request_id_and_raw_body(http: responses.RequestsMock) -> None:
    http.post(f"{BASE}/verify", status=404, json=error_body("FaceNotFound", "Face is not found."),
              headers={"apim-request-id": "req-123", "x-ms-error-code": "FaceNotFound"})
    with no_retries() as client, pytest.raises(NotFoundError) as caught:
        client.verify_face_to_face("a", "b")
    error = caught.value
    assert (error.status, error.code, error.message, error.request_id) == (
        404, "FaceNotFound", "Face is not found.", "req-123")
    assert error.raw_body is not None and '"FaceNotFound"' in error.raw_body
    assert error.details == {"code": "FaceNotFound", "message": "Face is not found."}
    assert str(error) == "Face is not found. (status 404, code FaceNotFound, request req-123)"
    assert "NotFoundError" in repr(error) and error.attempts == 1


def test_terms_of_use_violation_names_the_clause_and_policy_version(http: responses.RequestsMock) -> None:
    body = error_body("TermsOfUseViolation", "Real-time identification by law enforcement is not allowed.",
                      innererror={"code": "le-realtime-identification", "policyVersion": "2024-05"})
    http.post(f"{BASE}/identify", status=403, json=body)
    with no_retries() as client, pytest.raises(TermsOfUseViolation) as caught:
        client.identify_from_large_person_group(["f"], "suspects")
    assert isinstance(caught.value, PermissionDeniedError)
    assert caught.value.clause == "le-realtime-identification"
    assert caught.value.policy_version == "2024-05"


def test_a_retired_attribute_names_its_clause_beside_azures_code(http: responses.RequestsMock) -> None:
    body = error_body("UnsupportedFeature", "Feature is not supported, please check your request.",
                      innererror={"code": "sensitive-attributes", "policyVersion": "2026-12"})
    http.post(f"{BASE}/detect", status=403, json=body)
    with no_retries() as client, pytest.raises(UnsupportedFeatureError) as caught:
        client.detect(b"image", return_face_attributes=["age"])
    assert isinstance(caught.value, PermissionDeniedError) and not isinstance(caught.value, TermsOfUseViolation)
    assert (caught.value.clause, caught.value.policy_version) == ("sensitive-attributes", "2026-12")
    assert caught.value.reason is None


def test_limited_access_is_unsupported_feature_without_a_clause(http: responses.RequestsMock) -> None:
    body = error_body("UnsupportedFeature", "Limited Access ...", innererror={
        "code": "LimitedAccess", "message": "The tenant's Limited Access review is pending."})
    http.post(f"{BASE}/verify", status=403, json=body)
    with no_retries() as client, pytest.raises(UnsupportedFeatureError) as caught:
        client.verify_face_to_face("a", "b")
    assert caught.value.clause is None and caught.value.policy_version is None
    assert caught.value.reason == "The tenant's Limited Access review is pending."


def test_rate_limit_error_gives_retry_after(http: responses.RequestsMock) -> None:
    http.post(f"{BASE}/detect", status=429, json=error_body("429", "Rate limit is exceeded."),
              headers={"Retry-After": "17"})
    with no_retries() as client, pytest.raises(RateLimitError) as caught:
        client.detect(b"x")
    assert caught.value.retry_after == 17.0


def test_invalid_request_names_the_target(http: responses.RequestsMock) -> None:
    http.post(f"{ENDPOINT}/mgmt/v1/deployments", status=400,
              json=error_body("BadArgument", "'region': Unknown region.", target="region"))
    with ManagementClient(ENDPOINT, "t") as management, pytest.raises(InvalidRequestError) as caught:
        management.create_deployment("face-1", sku="S0", region="mars")
    assert caught.value.target == "region"


def test_code_falls_back_to_the_header_and_message_to_the_text(http: responses.RequestsMock) -> None:
    http.get(f"{BASE}/largepersongroups/g", status=502, body="<html>Bad gateway</html>",
             headers={"x-ms-error-code": "BadGateway", "x-ms-request-id": "r-9"})
    with no_retries() as client, pytest.raises(ServiceError) as caught:
        client.large_person_groups.get("g")
    assert caught.value.code == "BadGateway"
    assert caught.value.message == "<html>Bad gateway</html>"
    assert caught.value.request_id == "r-9"


def test_an_empty_error_body_still_maps(http: responses.RequestsMock) -> None:
    http.delete(f"{BASE}/largepersongroups/g", status=404)
    with no_retries() as client, pytest.raises(NotFoundError) as caught:
        client.large_person_groups.delete("g")
    assert caught.value.code is None and caught.value.message


def test_an_answer_of_the_wrong_shape_is_a_service_error(http: responses.RequestsMock) -> None:
    http.post(f"{BASE}/verify", json={"confidence": 0.3}, headers={"apim-request-id": "r-1"})
    http.post(f"{BASE}/detect", body="not json")
    with no_retries() as client:
        with pytest.raises(ServiceError, match="no 'isIdentical'") as caught:
            client.verify_face_to_face("a", "b")
        assert caught.value.request_id == "r-1" and caught.value.status == 200
        with pytest.raises(ServiceError, match="not JSON"):
            client.detect(b"x")
