"""Pure builders of the self-service, management (/mgmt/v1) and operator (/admin/v1) requests.
Paths are relative to the server's base URL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from visage._face_requests import path_id, query
from visage._transport import HttpRequest
from visage.capture import CaptureContext, format_time
from visage.enums import CustomerType, KeyName, OperationClass, ReviewDecision, Sku


def build_sign_up_request(*, organization: str, email: str, customer_type: CustomerType | str, country: str,
                          use_cases: Sequence[str], accept_terms: bool,
                          no_policing_function: bool | None = None) -> HttpRequest:
    if isinstance(use_cases, str):
        raise TypeError("use_cases is a list of use-case ids, not one string")
    body: dict[str, object] = {
        "organization": organization, "email": email, "customer_type": str(customer_type), "country": country,
        "use_cases": list(use_cases), "accept_terms": accept_terms,
    }
    if no_policing_function is not None:
        body["no_policing_function"] = no_policing_function
    return HttpRequest("POST", "signup", json=body)


def build_get_tenant_request() -> HttpRequest:
    return HttpRequest("GET", "mgmt/v1/tenant")


def build_resend_verification_request() -> HttpRequest:
    return HttpRequest("POST", "mgmt/v1/tenant/resendVerification")


def deployment_path(name: str) -> str:
    return f"mgmt/v1/deployments/{path_id(name, 'deployment name')}"


def build_create_deployment_request(name: str, *, sku: Sku | str, region: str) -> HttpRequest:
    return HttpRequest("POST", "mgmt/v1/deployments", json={"name": name, "sku": str(sku), "region": region})


def build_list_deployments_request() -> HttpRequest:
    return HttpRequest("GET", "mgmt/v1/deployments")


def build_get_deployment_request(name: str) -> HttpRequest:
    return HttpRequest("GET", deployment_path(name))


def build_update_deployment_request(name: str, *, sku: Sku | str) -> HttpRequest:
    return HttpRequest("PATCH", deployment_path(name), json={"sku": str(sku)})


def build_delete_deployment_request(name: str) -> HttpRequest:
    return HttpRequest("DELETE", deployment_path(name))


def build_regenerate_key_request(name: str, key_name: KeyName | str) -> HttpRequest:
    return HttpRequest("POST", f"{deployment_path(name)}/regenerateKey", json={"keyName": str(key_name)})


def managed_large_person_groups_path(deployment: str) -> str:
    """The large person groups of a deployment in the management API. The routes below it have the
    data plane's collection shape, so `_collection_requests` builds their requests with this as the kind."""
    return f"{deployment_path(deployment)}/largepersongroups"


def build_list_audit_request(*, limit: int | None) -> HttpRequest:
    return HttpRequest("GET", "mgmt/v1/audit", params=query(limit=limit))


def build_evaluate_policy_request(operation: OperationClass | str, *, capture: CaptureContext | None,
                                  deployment: str | None, face_ids: Sequence[str] | None,
                                  policy_version: str | None, at: datetime | None) -> HttpRequest:
    body: dict[str, object] = {"operation": str(operation),
                               "capture": (capture or CaptureContext()).to_body()}
    if deployment is not None:
        body["deployment"] = deployment
    if face_ids is not None:
        body["face_ids"] = list(face_ids)
    if policy_version is not None:
        body["policy_version"] = policy_version
    if at is not None:
        body["at"] = format_time(at)
    return HttpRequest("POST", "mgmt/v1/policy/evaluate", json=body)


def tenant_path(tenant_id: str) -> str:
    return f"admin/v1/tenants/{path_id(tenant_id, 'tenant_id')}"


def build_admin_list_tenants_request(*, status: str | None, limited_access: str | None) -> HttpRequest:
    return HttpRequest("GET", "admin/v1/tenants", params=query(status=status, limited_access=limited_access))


def build_admin_get_tenant_request(tenant_id: str) -> HttpRequest:
    return HttpRequest("GET", tenant_path(tenant_id))


def build_review_tenant_request(tenant_id: str, *, decision: ReviewDecision | str, reason: str,
                                customer_type: CustomerType | str | None,
                                country: str | None = None) -> HttpRequest:
    body: dict[str, object] = {"decision": str(decision), "reason": reason}
    if customer_type is not None:
        body["customer_type"] = str(customer_type)
    if country is not None:
        body["country"] = country
    return HttpRequest("POST", f"{tenant_path(tenant_id)}/review", json=body)


def build_suspend_tenant_request(tenant_id: str, *, reason: str) -> HttpRequest:
    return HttpRequest("POST", f"{tenant_path(tenant_id)}/suspend", json={"reason": reason})


def build_reinstate_tenant_request(tenant_id: str, *, reason: str) -> HttpRequest:
    return HttpRequest("POST", f"{tenant_path(tenant_id)}/reinstate", json={"reason": reason})


def build_admin_list_audit_request(*, tenant_id: str | None, limit: int | None) -> HttpRequest:
    return HttpRequest("GET", "admin/v1/audit", params=query(tenant_id=tenant_id, limit=limit))


def build_list_outbox_request() -> HttpRequest:
    return HttpRequest("GET", "admin/v1/outbox")
