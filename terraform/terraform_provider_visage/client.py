"""A small client of Visage's management API (`/mgmt/v1`), made for the provider's needs only.

Every call returns the decoded JSON body or raises a `ClientError`: `ApiError` (Visage answered with an error
envelope) or `Unreachable` (no answer at all). `diagnostics.py` turns both into Terraform diagnostics.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import requests

TIMEOUT_SECONDS = 30.0
"""Management calls are small and fast; a stuck server should not hang `terraform apply` for long."""

RETRY_STATUSES = (429, 503)
RETRY_ATTEMPTS = 3
RETRY_AFTER_MAX_SECONDS = 10.0
"""Honour Retry-After on 429/503, but never wait longer than this for one attempt."""

Json = dict[str, Any]


class ClientError(Exception):
    """A management call that did not succeed."""


class ApiError(ClientError):
    """Visage answered with `{"error": {"code", "message", "target"?}}` (or something else that is not 2xx)."""

    def __init__(self, status: int, code: str, message: str, target: str | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.target = target

    @classmethod
    def from_response(cls, response: requests.Response) -> ApiError:
        try:
            error = response.json().get("error") or {}
        except (ValueError, AttributeError):
            error = {}
        code = error.get("code") or response.headers.get("x-ms-error-code") or response.reason or "Error"
        message = error.get("message") or response.text[:200] or "(no message)"
        return cls(response.status_code, str(code), str(message), error.get("target"))


class Unreachable(ClientError):
    """No HTTP answer: refused connection, DNS failure, TLS failure or time-out."""

    def __init__(self, endpoint: str, cause: Exception) -> None:
        # requests wraps urllib3's error, whose `reason` is the short story ("... [Errno 111] Connection refused")
        inner = cause.args[0] if cause.args else None
        self.reason = f"{type(cause).__name__}: {getattr(inner, 'reason', None) or cause}"
        super().__init__(f"{endpoint}: {self.reason}")
        self.endpoint = endpoint


class NotConfigured(ClientError):
    """The provider has no endpoint or token (yet): its configuration failed or is unknown until apply."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _segment(value: str) -> str:
    return quote(value, safe="")


def _retry_after(response: requests.Response) -> float:
    try:
        return min(float(response.headers.get("Retry-After", "1")), RETRY_AFTER_MAX_SECONDS)
    except ValueError:
        return 1.0


class ManagementClient:
    """`ManagementClient(endpoint, token)`: the endpoint is Visage's base URL, the token a tenant's management
    token (the `management_token` of `POST /signup`)."""

    def __init__(self, endpoint: str, token: str, *, timeout: float = TIMEOUT_SECONDS,
                 session: requests.Session | None = None) -> None:
        self.endpoint = endpoint.rstrip("/")
        self._token = token
        self._timeout = timeout
        self._session = session or requests.Session()

    def _call(self, method: str, path: str, body: Json | None = None) -> Any:
        url = f"{self.endpoint}/mgmt/v1{path}"
        headers = {"Authorization": f"Bearer {self._token}", "User-Agent": "terraform-provider-visage"}
        for attempt in range(1, RETRY_ATTEMPTS + 1):
            try:
                response = self._session.request(method, url, json=body, headers=headers, timeout=self._timeout)
            except requests.RequestException as error:
                raise Unreachable(self.endpoint, error) from error
            if response.status_code in RETRY_STATUSES and attempt < RETRY_ATTEMPTS:
                time.sleep(_retry_after(response))
                continue
            if not response.ok:
                raise ApiError.from_response(response)
            return response.json() if response.content else None
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns or raises

    # tenant -----------------------------------------------------------------------------------

    def get_tenant(self) -> Json:
        result: Json = self._call("GET", "/tenant")
        return result

    # deployments ------------------------------------------------------------------------------

    def create_deployment(self, name: str, sku: str, region: str) -> Json:
        result: Json = self._call("POST", "/deployments", {"name": name, "sku": sku, "region": region})
        return result

    def get_deployment(self, name: str) -> Json:
        result: Json = self._call("GET", f"/deployments/{_segment(name)}")
        return result

    def update_deployment(self, name: str, sku: str) -> Json:
        result: Json = self._call("PATCH", f"/deployments/{_segment(name)}", {"sku": sku})
        return result

    def delete_deployment(self, name: str) -> None:
        self._call("DELETE", f"/deployments/{_segment(name)}")

    def regenerate_key(self, name: str, key_name: str) -> Json:
        result: Json = self._call("POST", f"/deployments/{_segment(name)}/regenerateKey", {"keyName": key_name})
        return result

    # large person groups ----------------------------------------------------------------------

    def _group_path(self, deployment: str, group_id: str) -> str:
        return f"/deployments/{_segment(deployment)}/largepersongroups/{_segment(group_id)}"

    def create_large_person_group(self, deployment: str, group_id: str, name: str, *, user_data: str | None,
                                  recognition_model: str) -> Json:
        body: Json = {"name": name, "recognitionModel": recognition_model}
        if user_data is not None:
            body["userData"] = user_data
        result: Json = self._call("PUT", self._group_path(deployment, group_id), body)
        return result

    def get_large_person_group(self, deployment: str, group_id: str) -> Json:
        result: Json = self._call("GET", self._group_path(deployment, group_id))
        return result

    def update_large_person_group(self, deployment: str, group_id: str, name: str, user_data: str) -> Json:
        result: Json = self._call("PATCH", self._group_path(deployment, group_id),
                                  {"name": name, "userData": user_data})
        return result

    def delete_large_person_group(self, deployment: str, group_id: str) -> None:
        self._call("DELETE", self._group_path(deployment, group_id))
