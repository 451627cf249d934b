"""ManagementClient and AdminClient: bearer tokens, bodies, and models of the snake_case APIs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import responses
from responses import matchers
from visage import (
    AdminClient,
    AuthenticationError,
    Camera,
    CaptureContext,
    CustomerType,
    KeyName,
    LimitedAccess,
    ManagementClient,
    NotFoundError,
    OperationClass,
    RecognitionModel,
    ReviewDecision,
    ServiceError,
    Sku,
    TenantStatus,
)
from visage.models import AdminTenant, LargePersonGroup, Tenant
from visage_fakes import ENDPOINT, body_of, error_body

TENANT = {
    "tenant_id": "t-1", "organization": "Contoso Photo Ltd", "email": "dev@contoso.example",
    "customer_type": "commercial", "country": "GB", "use_cases": ["identity_verification"],
    "terms_version": "2024-05", "terms_accepted_at": "2026-01-31T09:30:00.000Z",
    "created_at": "2026-01-31T09:30:00.000Z", "status": "active", "email_verified": False,
    "limited_access": "approved", "review_reasons": [],
    "decisions": [{"at": "2026-01-31T09:30:00.000Z", "decision": "approve", "reason": "auto", "by": "system"}],
}
DEPLOYMENT = {"name": "face-1", "sku": "S0", "region": "westeurope", "endpoint": ENDPOINT,
              "created_at": "2026-01-31T09:30:00.000Z"}
KEYS = {"key1": "a" * 64, "key2": "b" * 64}
SIGNUP_FORM = {"organization": "Contoso Photo Ltd", "email": "dev@contoso.example", "customer_type": "commercial",
               "country": "GB", "use_cases": ["identity_verification"], "accept_terms": True}


def test_sign_up_needs_no_token_and_reads_the_first_deployment(http: responses.RequestsMock) -> None:
    call = http.post(f"{ENDPOINT}/signup", status=201, json={
        "tenant_id": "t-1", "status": "active", "limited_access": "approved", "management_token": "secret",
        "tenant": TENANT, "deployment": {**DEPLOYMENT, "keys": KEYS}})
    with ManagementClient(ENDPOINT, "ignored-token") as management:
        result = management.sign_up(organization="Contoso Photo Ltd", email="dev@contoso.example",
                                    customer_type=CustomerType.COMMERCIAL, country="GB",
                                    use_cases=["identity_verification"], accept_terms=True)
    assert body_of(call.calls[0]) == SIGNUP_FORM
    assert "Authorization" not in call.calls[0].request.headers
    assert result.management_token == "secret" and result.limited_access is LimitedAccess.APPROVED
    assert result.tenant is not None and result.tenant.decisions[0].by == "system"
    assert result.deployment is not None and result.deployment.keys is not None
    assert result.deployment.keys.key1 == KEYS["key1"]


def test_sign_up_without_the_deployment_field(http: responses.RequestsMock) -> None:
    http.post(f"{ENDPOINT}/signup", status=201, json={
        "tenant_id": "t-1", "status": "pending_verification", "limited_access": "pending_review",
        "management_token": "secret", "tenant": TENANT})
    with ManagementClient(ENDPOINT) as management:
        result = management.sign_up(**SIGNUP_FORM)  # type: ignore[arg-type]
    assert result.deployment is None and result.status is TenantStatus.PENDING_VERIFICATION


def test_get_tenant_sends_the_bearer_token(management: ManagementClient, http: responses.RequestsMock) -> None:
    call = http.get(f"{ENDPOINT}/mgmt/v1/tenant", json={**TENANT, "future_field": 1})
    tenant = management.get_tenant()
    assert call.calls[0].request.headers["Authorization"] == "Bearer mgmt-token"
    assert tenant.customer_type is CustomerType.COMMERCIAL
    assert tenant.terms_accepted_at == datetime(2026, 1, 31, 9, 30, tzinfo=UTC)
    assert tenant.extra == {"future_field": 1}


def test_deployments(management: ManagementClient, http: responses.RequestsMock) -> None:
    create = http.post(f"{ENDPOINT}/mgmt/v1/deployments", status=201, json={**DEPLOYMENT, "keys": KEYS})
    http.get(f"{ENDPOINT}/mgmt/v1/deployments", json=[DEPLOYMENT])
    http.get(f"{ENDPOINT}/mgmt/v1/deployments/face-1", json=DEPLOYMENT)
    patch = http.patch(f"{ENDPOINT}/mgmt/v1/deployments/face-1", json={**DEPLOYMENT, "sku": "F0"})
    regenerate = http.post(f"{ENDPOINT}/mgmt/v1/deployments/face-1/regenerateKey",
                           json={**DEPLOYMENT, "keys": {"key2": "c" * 64}})
    http.delete(f"{ENDPOINT}/mgmt/v1/deployments/face-1", status=204)
    created = management.create_deployment("face-1", sku=Sku.S0, region="westeurope")
    assert created.keys is not None and created.keys.key2 == KEYS["key2"]
    assert [d.name for d in management.list_deployments()] == ["face-1"]
    assert management.get_deployment("face-1").keys is None
    assert management.update_deployment("face-1", sku="F0").sku is Sku.F0
    regenerated = management.regenerate_key("face-1", KeyName.KEY2)
    assert regenerated.keys is not None and regenerated.keys.key1 is None and regenerated.keys.key2 == "c" * 64
    management.delete_deployment("face-1")
    assert body_of(create.calls[0]) == {"name": "face-1", "sku": "S0", "region": "westeurope"}
    assert body_of(patch.calls[0]) == {"sku": "F0"}
    assert body_of(regenerate.calls[0]) == {"keyName": "key2"}


GROUPS = f"{ENDPOINT}/mgmt/v1/deployments/face-1/largepersongroups"
GROUP = {"largePersonGroupId": "staff", "name": "Staff", "userData": "front desk", "recognitionModel": "recognition_04"}


def test_managed_large_person_groups(management: ManagementClient, http: responses.RequestsMock) -> None:
    create = http.put(f"{GROUPS}/staff", status=201, json=GROUP)
    http.get(f"{GROUPS}/staff", json=GROUP, match=[matchers.query_param_matcher({})])
    patch = http.patch(f"{GROUPS}/staff", json={**GROUP, "name": "Everyone", "userData": ""})
    http.delete(f"{GROUPS}/staff", status=204)
    created = management.create_managed_large_person_group("face-1", "staff", "Staff", user_data="front desk",
                                                           recognition_model=RecognitionModel.RECOGNITION_04)
    assert created == LargePersonGroup("staff", "Staff", "front desk", RecognitionModel.RECOGNITION_04)
    assert body_of(create.calls[0]) == {"name": "Staff", "userData": "front desk", "recognitionModel": "recognition_04"}
    assert create.calls[0].request.headers["Authorization"] == "Bearer mgmt-token"
    assert management.get_managed_large_person_group("face-1", "staff") == created
    updated = management.update_managed_large_person_group("face-1", "staff", name="Everyone", user_data="")
    assert (updated.name, updated.user_data) == ("Everyone", "")
    assert body_of(patch.calls[0]) == {"name": "Everyone", "userData": ""}
    management.delete_managed_large_person_group("face-1", "staff")  # the mock checks it was called


def test_a_managed_group_made_without_options_sends_only_its_name(management: ManagementClient,
                                                                  http: responses.RequestsMock) -> None:
    create = http.put(f"{GROUPS}/staff", status=201, json={**GROUP, "recognitionModel": "recognition_01"})
    management.create_managed_large_person_group("face-1", "staff", "Staff")
    assert body_of(create.calls[0]) == {"name": "Staff"}


def test_managed_large_person_groups_are_paged_with_start_and_top(management: ManagementClient,
                                                                  http: responses.RequestsMock) -> None:
    page = [{**GROUP, "largePersonGroupId": group_id} for group_id in ("a", "b")]
    http.get(GROUPS, json=page, match=[matchers.query_param_matcher({"top": "2"})])
    http.get(GROUPS, json=[], match=[matchers.query_param_matcher({"start": "b", "top": "2"})])
    groups = management.list_managed_large_person_groups("face-1", page_size=2)
    assert len(http.calls) == 0  # lazy
    assert [group.large_person_group_id for group in groups] == ["a", "b"]


def test_managed_group_paths_quote_names_and_refuse_empty_ones(management: ManagementClient,
                                                               http: responses.RequestsMock) -> None:
    http.get(f"{ENDPOINT}/mgmt/v1/deployments/a%2Fb/largepersongroups/c%20d", json=GROUP)
    management.get_managed_large_person_group("a/b", "c d")
    with pytest.raises(ValueError, match="deployment name"):
        management.list_managed_large_person_groups("")
    with pytest.raises(ValueError, match="collection id"):
        management.delete_managed_large_person_group("face-1", "")


def test_a_missing_deployment_is_not_found_with_its_code(management: ManagementClient,
                                                         http: responses.RequestsMock) -> None:
    http.get(f"{GROUPS}/staff", status=404, json=error_body("DeploymentNotFound", "Deployment 'face-1' is not found."))
    with pytest.raises(NotFoundError) as caught:
        management.get_managed_large_person_group("face-1", "staff")
    assert caught.value.code == "DeploymentNotFound"


AUDIT_ENTRY = {
    "id": "1769851800000-0", "time": "2026-01-31T09:30:00.000Z", "request_id": "r-1", "tenant_id": "t-1",
    "customer_type": "law_enforcement", "country": "FR", "deployment_id": "d-1", "deployment": "face-1", "sku": "S0",
    "operation": "identification", "capture_mode": "live", "captured_at": "", "camera": "body-worn",
    "face_modes": "live", "recent_calls": "0", "realtime": True, "decision": "refused",
    "code": "TermsOfUseViolation", "clause": "le-realtime-identification", "policy_version": "2024-05",
    "reasons": ["capture mode is live"], "hash_chain_ok": True,
}


def test_audit_and_policy_dry_run(management: ManagementClient, http: responses.RequestsMock) -> None:
    http.get(f"{ENDPOINT}/mgmt/v1/audit", json=[AUDIT_ENTRY], match=[matchers.query_param_matcher({"limit": "10"})])
    evaluate = http.post(f"{ENDPOINT}/mgmt/v1/policy/evaluate", json={
        "allowed": False, "code": "TermsOfUseViolation", "clause": "le-realtime-identification",
        "policy_version": "2024-05", "message": "Refused.", "realtime": True, "reasons": ["capture mode is live"]})
    entry = next(iter(management.list_audit(limit=10)))
    assert not entry.allowed and entry.decision == "refused" and entry.clause == "le-realtime-identification"
    assert entry.operation is OperationClass.IDENTIFICATION and entry.camera is Camera.BODY_WORN
    assert entry.captured_at is None and entry.time == datetime(2026, 1, 31, 9, 30, tzinfo=UTC)
    assert entry.extra == {"hash_chain_ok": True}
    decision = management.evaluate_policy(
        OperationClass.IDENTIFICATION, capture=CaptureContext.live(camera=Camera.BODY_WORN), deployment="face-1",
        face_ids=["f1"], policy_version="2024-05", at=datetime(2026, 2, 1, tzinfo=UTC))
    assert not decision.allowed and decision.realtime and decision.reasons == ("capture mode is live",)
    assert body_of(evaluate.calls[0]) == {
        "operation": "identification", "capture": {"mode": "live", "captured_at": None, "camera": "body-worn"},
        "deployment": "face-1", "face_ids": ["f1"], "policy_version": "2024-05", "at": "2026-02-01T00:00:00Z"}


def test_audit_entries_with_empty_parts(management: ManagementClient, http: responses.RequestsMock) -> None:
    http.get(f"{ENDPOINT}/mgmt/v1/audit", json=[{**AUDIT_ENTRY, "capture_mode": "", "camera": "", "code": "",
                                                 "clause": "", "realtime": None, "decision": "allowed"}])
    entry = next(iter(management.list_audit()))
    assert entry.allowed and entry.capture_mode is None and entry.camera is None
    assert entry.code is None and entry.clause is None and entry.realtime is None


def test_the_development_tenants_entries_say_so(management: ManagementClient, http: responses.RequestsMock) -> None:
    http.get(f"{ENDPOINT}/mgmt/v1/audit", json=[{**AUDIT_ENTRY, "development": True}, AUDIT_ENTRY])
    marked, other = management.list_audit()
    assert marked.development is True and other.development is False and "development" not in marked.extra


def test_a_wrong_token_is_an_authentication_error(management: ManagementClient, http: responses.RequestsMock) -> None:
    http.get(f"{ENDPOINT}/mgmt/v1/tenant", status=401,
             json=error_body("Unauthorized", "The management token is not valid."))
    with pytest.raises(AuthenticationError) as caught:
        management.get_tenant()
    assert caught.value.code == "Unauthorized"


def test_without_a_token_no_authorization_header_is_sent(http: responses.RequestsMock) -> None:
    call = http.get(f"{ENDPOINT}/mgmt/v1/tenant", status=401, json=error_body("Unauthorized"))
    with ManagementClient(ENDPOINT) as management, pytest.raises(AuthenticationError):
        management.get_tenant()
    assert "Authorization" not in call.calls[0].request.headers


def test_admin_tenants(admin: AdminClient, http: responses.RequestsMock) -> None:
    listing = http.get(f"{ENDPOINT}/admin/v1/tenants", json=[TENANT],
                       match=[matchers.query_param_matcher({"status": "active", "limited_access": "pending_review"})])
    http.get(f"{ENDPOINT}/admin/v1/tenants/t-1", json=ADMIN_TENANT)
    review = http.post(f"{ENDPOINT}/admin/v1/tenants/t-1/review", json={**TENANT, "customer_type": "government"})
    suspend = http.post(f"{ENDPOINT}/admin/v1/tenants/t-1/suspend", json={**TENANT, "status": "suspended"})
    http.post(f"{ENDPOINT}/admin/v1/tenants/t-1/reinstate", json=TENANT)
    tenants = list(admin.list_tenants(status=TenantStatus.ACTIVE, limited_access=LimitedAccess.PENDING_REVIEW))
    assert [t.tenant_id for t in tenants] == ["t-1"]
    assert listing.calls[0].request.headers["Authorization"] == "Bearer admin-token"
    assert admin.get_tenant("t-1").organization == "Contoso Photo Ltd"
    reviewed = admin.review_tenant("t-1", decision=ReviewDecision.APPROVE, reason="checked",
                                   customer_type=CustomerType.GOVERNMENT)
    assert reviewed.customer_type is CustomerType.GOVERNMENT
    assert admin.suspend_tenant("t-1", reason="abuse").status is TenantStatus.SUSPENDED
    assert admin.reinstate_tenant("t-1", reason="resolved").status is TenantStatus.ACTIVE
    assert body_of(review.calls[0]) == {"decision": "approve", "reason": "checked", "customer_type": "government"}
    assert body_of(suspend.calls[0]) == {"reason": "abuse"}


ADMIN_TENANT = {
    **TENANT, "customer_type": "government", "limited_access": "pending_review", "no_policing_function": False,
    "customer_type_to_confirm": True, "development": False,
    "linked_tenants": [{
        "tenant_id": "t-0", "organization": "Contoso Police", "email": "chief@contoso.example",
        "customer_type": "law_enforcement", "country": "GB", "status": "active", "limited_access": "rejected",
        "created_at": "2026-01-30T09:30:00.000Z", "linked_by": ["the same email domain (contoso.example)"],
        "decisions": [{"at": "2026-01-30T10:00:00.000Z", "decision": "reject", "reason": "real-time use",
                       "by": "operator"}]}],
}


def test_admin_get_tenant_is_the_operators_view_with_linked_tenants(admin: AdminClient,
                                                                    http: responses.RequestsMock) -> None:
    http.get(f"{ENDPOINT}/admin/v1/tenants/t-1", json=ADMIN_TENANT)
    tenant = admin.get_tenant("t-1")
    assert isinstance(tenant, AdminTenant) and isinstance(tenant, Tenant)  # callers of the Tenant answer still work
    assert tenant.customer_type_to_confirm and tenant.limited_access is LimitedAccess.PENDING_REVIEW
    assert not tenant.no_policing_function and not tenant.development and tenant.extra == {}
    [linked] = tenant.linked_tenants
    assert (linked.tenant_id, linked.customer_type, linked.limited_access) == (
        "t-0", CustomerType.LAW_ENFORCEMENT, LimitedAccess.REJECTED)
    assert linked.linked_by == ("the same email domain (contoso.example)",)
    assert linked.decisions[0].reason == "real-time use"


def test_admin_get_tenant_needs_the_operators_fields(admin: AdminClient, http: responses.RequestsMock) -> None:
    http.get(f"{ENDPOINT}/admin/v1/tenants/t-1", json=TENANT)  # a tenant's own view is not the operator's
    with pytest.raises(ServiceError, match="customer_type_to_confirm"):
        admin.get_tenant("t-1")


def test_a_review_can_correct_the_type_and_the_country(admin: AdminClient, http: responses.RequestsMock) -> None:
    review = http.post(f"{ENDPOINT}/admin/v1/tenants/t-1/review", json={**TENANT, "country": "IE"})
    reviewed = admin.review_tenant("t-1", decision=ReviewDecision.REJECT, reason="police force",
                                   customer_type=CustomerType.LAW_ENFORCEMENT, country="IE")
    assert reviewed.country == "IE"
    assert body_of(review.calls[0]) == {"decision": "reject", "reason": "police force",
                                        "customer_type": "law_enforcement", "country": "IE"}


def test_sign_up_states_no_policing_function(http: responses.RequestsMock) -> None:
    call = http.post(f"{ENDPOINT}/signup", status=201, json={
        "tenant_id": "t-1", "status": "pending_verification", "limited_access": "approved",
        "management_token": "secret", "tenant": {**TENANT, "customer_type": "government",
                                                 "no_policing_function": True}})
    with ManagementClient(ENDPOINT) as management:
        result = management.sign_up(**{**SIGNUP_FORM, "customer_type": "government"},  # type: ignore[arg-type]
                                    no_policing_function=True)
    assert body_of(call.calls[0]) == {**SIGNUP_FORM, "customer_type": "government", "no_policing_function": True}
    assert result.tenant is not None and result.tenant.no_policing_function


def test_admin_audit_and_outbox(admin: AdminClient, http: responses.RequestsMock) -> None:
    http.get(f"{ENDPOINT}/admin/v1/audit", json=[{**AUDIT_ENTRY, "operation": "verification"}],
             match=[matchers.query_param_matcher({"tenant_id": "t-1", "limit": "5"})])
    http.get(f"{ENDPOINT}/admin/v1/outbox", json=[{"to": "dev@contoso.example", "subject": "Verify your email",
                                                   "body": "Click", "link": f"{ENDPOINT}/verify?t=x",
                                                   "sent_at": "2026-01-31T09:30:00Z"}])
    assert [e.operation for e in admin.list_audit(tenant_id="t-1", limit=5)] == ["verification"]
    message = next(iter(admin.list_outbox()))
    assert message.subject == "Verify your email" and message.sent_at == datetime(2026, 1, 31, 9, 30, tzinfo=UTC)


def test_admin_faults(admin: AdminClient, http: responses.RequestsMock) -> None:
    fault = {"id": "f-1", "tenant_id": "t-1", "deployment": "face-1", "operation": "detect", "status": 503,
             "probability": 0.5, "latency_ms": 20, "count": 3, "retry_after": 2, "created": "2026-01-31T09:30:00.000Z"}
    added = http.post(f"{ENDPOINT}/admin/v1/faults", json=fault, status=201)
    http.get(f"{ENDPOINT}/admin/v1/faults", json=[fault, {**fault, "id": "f-2", "status": None, "count": None}])
    deleted = http.delete(f"{ENDPOINT}/admin/v1/faults/f-1", status=204)
    made = admin.add_fault(status=503, operation="detect", deployment="face-1", tenant_id="t-1", probability=0.5,
                           latency_ms=20, count=3, retry_after=2)
    assert body_of(added.calls[0]) == {"status": 503, "operation": "detect", "deployment": "face-1",
                                       "tenant_id": "t-1", "probability": 0.5, "latency_ms": 20, "count": 3,
                                       "retry_after": 2}
    assert (made.fault_id, made.count, made.created) == ("f-1", 3, datetime(2026, 1, 31, 9, 30, tzinfo=UTC))
    listed = list(admin.list_faults())
    assert [(each.fault_id, each.status, each.count) for each in listed] == [("f-1", 503, 3), ("f-2", None, None)]
    admin.delete_fault("f-1")
    assert len(deleted.calls) == 1


def test_a_fault_without_retry_after_leaves_it_to_the_server(admin: AdminClient, http: responses.RequestsMock) -> None:
    added = http.post(f"{ENDPOINT}/admin/v1/faults", status=201, json={
        "id": "f-1", "operation": "*", "status": 429, "probability": 1.0, "latency_ms": 0, "count": None,
        "retry_after": 1, "tenant_id": None, "deployment": None, "created": "2026-01-31T09:30:00.000Z"})
    admin.add_fault(status=429)
    assert "retry_after" not in body_of(added.calls[0])


def test_admin_token_is_required() -> None:
    with pytest.raises(ValueError, match="admin_token"):
        AdminClient(ENDPOINT, "")


def test_resend_verification_posts_with_the_token(http: responses.RequestsMock) -> None:
    call = http.post(f"{ENDPOINT}/mgmt/v1/tenant/resendVerification", status=202,
                     match=[matchers.header_matcher({"Authorization": "Bearer secret"})])
    with ManagementClient(ENDPOINT, "secret") as management:
        assert management.resend_verification() is None
    assert call.call_count == 1
