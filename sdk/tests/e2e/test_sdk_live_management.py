"""The management API through the SDK, against `visage up`: signup, tenant, deployments, keys."""

from __future__ import annotations

import uuid

import pytest
from sdk_live import Account, open_account, signup_form
from visage import (
    AuthenticationError,
    Camera,
    CaptureContext,
    ConflictError,
    CustomerType,
    FaceClient,
    InvalidRequestError,
    KeyCredential,
    KeyName,
    LimitedAccess,
    ManagementClient,
    NotFoundError,
    OperationClass,
    RecognitionModel,
    Sku,
    TenantStatus,
)

from tests.support.faces import photo
from tests.support.live import LiveVisage

pytestmark = pytest.mark.slow

OBAMA = photo("people/obama/obama.jpg").file


def test_sign_up_and_read_the_tenant(live: LiveVisage) -> None:
    form = signup_form(customer_type=CustomerType.EDUCATION, country="DE")
    with ManagementClient(live.endpoint) as anonymous:
        signup = anonymous.sign_up(**form)
    assert signup.tenant_id and signup.management_token
    assert signup.limited_access is LimitedAccess.APPROVED
    assert signup.status in (TenantStatus.ACTIVE, TenantStatus.PENDING_VERIFICATION)
    with ManagementClient(live.endpoint, signup.management_token) as management:
        tenant = management.get_tenant()
    assert tenant.tenant_id == signup.tenant_id
    assert tenant.customer_type is CustomerType.EDUCATION and tenant.country == "DE"
    assert tenant.use_cases == tuple(form["use_cases"]) and tenant.email == form["email"]


def test_law_enforcement_waits_for_review(live: LiveVisage) -> None:
    with ManagementClient(live.endpoint) as anonymous:
        signup = anonymous.sign_up(**signup_form(customer_type="law_enforcement"))
    assert signup.limited_access is LimitedAccess.PENDING_REVIEW


def test_deployments_lifecycle(account: Account) -> None:
    name = f"sdk-{uuid.uuid4().hex[:6]}"
    with account.management() as management:
        created = management.create_deployment(name, sku=Sku.F0, region="westeurope")
        assert created.keys is not None and created.keys.key1 and created.endpoint.startswith("http")
        assert name in [deployment.name for deployment in management.list_deployments()]
        fetched = management.get_deployment(name)
        assert fetched.sku is Sku.F0 and fetched.keys is None
        assert management.update_deployment(name, sku=Sku.S0).sku is Sku.S0
        with pytest.raises(ConflictError):
            management.create_deployment(name, sku=Sku.S0, region="westeurope")
        management.delete_deployment(name)
        with pytest.raises(NotFoundError) as caught:
            management.get_deployment(name)
        assert caught.value.code == "DeploymentNotFound" and caught.value.request_id


def test_managed_large_person_groups(account: Account) -> None:
    group_id = f"mgmt-{uuid.uuid4().hex[:8]}"
    with account.management() as management, account.face_client() as client:
        created = management.create_managed_large_person_group(
            account.deployment, group_id, "Managed", user_data="made with the management token",
            recognition_model=RecognitionModel.RECOGNITION_04)
        assert (created.large_person_group_id, created.recognition_model) == (group_id, RecognitionModel.RECOGNITION_04)
        assert client.large_person_groups.get(group_id).name == "Managed"  # the data plane's group, with a key
        listed = management.list_managed_large_person_groups(account.deployment, page_size=1)
        assert group_id in {group.large_person_group_id for group in listed}
        with pytest.raises(ConflictError) as conflict:
            management.create_managed_large_person_group(account.deployment, group_id, "Again")
        assert conflict.value.code == "LargePersonGroupExists" and not conflict.value.earlier_attempt_uncertain
        updated = management.update_managed_large_person_group(account.deployment, group_id, name="Renamed",
                                                               user_data="")
        assert updated.name == "Renamed" and not updated.user_data
        assert management.get_managed_large_person_group(account.deployment, group_id) == updated
        management.delete_managed_large_person_group(account.deployment, group_id)
        with pytest.raises(NotFoundError) as caught:
            management.get_managed_large_person_group(account.deployment, group_id)
        assert caught.value.code == "LargePersonGroupNotFound"
        with pytest.raises(NotFoundError) as caught:
            management.get_managed_large_person_group("no-such-deployment", group_id)
        assert caught.value.code == "DeploymentNotFound"


def test_regenerating_a_key_stops_the_old_one_at_once(live: LiveVisage) -> None:
    own = open_account(live.endpoint)
    credential = KeyCredential(own.key1)
    with own.management() as management, FaceClient(own.endpoint, credential) as client:
        assert isinstance(client.detect(OBAMA), list)
        regenerated = management.regenerate_key(own.deployment, KeyName.KEY1)
        assert regenerated.keys is not None and regenerated.keys.key1 and regenerated.keys.key2 is None
        with pytest.raises(AuthenticationError) as caught:
            client.detect(OBAMA)
        assert caught.value.status == 401 and caught.value.code == "401"
        credential.update(regenerated.keys.key1)
        assert len(client.detect(OBAMA)) == 1
    with FaceClient(own.endpoint, own.key2) as other:
        assert len(other.detect(OBAMA)) == 1  # key2 kept working


def test_a_wrong_token_is_an_authentication_error(live: LiveVisage) -> None:
    with ManagementClient(live.endpoint, "not-a-token") as management, pytest.raises(AuthenticationError) as caught:
        management.get_tenant()
    assert caught.value.code == "Unauthorized"
    with ManagementClient(live.endpoint) as anonymous, pytest.raises(AuthenticationError):
        anonymous.list_deployments().by_page().__next__()


def test_an_invalid_body_is_an_invalid_request(account: Account, live: LiveVisage) -> None:
    with account.management() as management, pytest.raises(InvalidRequestError) as caught:
        management.create_deployment("face-x", sku=Sku.S0, region="mars")
    assert caught.value.status == 400 and "region" in caught.value.message
    with ManagementClient(live.endpoint) as anonymous, pytest.raises(InvalidRequestError):
        anonymous.sign_up(**signup_form(country="XX"))


def test_audit_records_recognition_and_the_policy_dry_run(account: Account) -> None:
    with account.face_client() as client:
        first, second = (client.detect(photo(path).file)[0].face_id for path in (
            "people/obama/obama.jpg", "people/obama/obama2.jpg"))
        assert first and second
        client.verify_face_to_face(first, second)
    with account.management() as management:
        entries = list(management.list_audit(limit=5))
        assert entries and entries[0].operation is OperationClass.VERIFICATION
        assert entries[0].allowed and entries[0].deployment == account.deployment
        assert entries[0].tenant_id == account.tenant_id and entries[0].request_id
        decision = management.evaluate_policy(OperationClass.IDENTIFICATION,
                                              capture=CaptureContext.live(camera=Camera.BODY_WORN),
                                              deployment=account.deployment)
        assert decision.allowed and decision.policy_version
