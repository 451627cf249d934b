"""The provider driven by the real `terraform` CLI against a live `visage up`: init offline from a local
mirror, apply, no drift, SKU change in place, import into a fresh state, re-creation after a deletion behind
Terraform's back, destroy; and the diagnostics for a wrong token and an unreachable endpoint."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

REPOSITORY = Path(__file__).resolve().parents[3]
if str(REPOSITORY) not in sys.path:  # `tests.support` lives at the repository root
    sys.path.insert(0, str(REPOSITORY))

from tf_cli import Terraform, environment, install_mirror  # noqa: E402

from tests.support.live import LiveVisage, visage_up  # noqa: E402
from tests.support.tenants import signup_form  # noqa: E402

NO_TERRAFORM = "no `terraform` binary on PATH: install Terraform >= 1.5 to run the provider's CLI tests"
pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module", autouse=True)
def terraform_on_path() -> None:
    """A missing Terraform fails these tests: a skip would read as a pass."""
    assert shutil.which("terraform") is not None, NO_TERRAFORM


ROTATION_TF = """
resource "visage_deployment_key_rotation" "key2" {
  deployment = visage_deployment.face.name
  key_name   = "key2"
}

data "visage_deployment" "face" {
  name = visage_deployment.face.name
}

output "created_key2" {
  value     = visage_deployment.face.key2
  sensitive = true
}

output "rotated_key2" {
  value     = visage_deployment_key_rotation.key2.key
  sensitive = true
}

output "data_sku" {
  value = data.visage_deployment.face.sku
}
"""
"""Added to a copy of examples/basic, to drive the key rotation and the deployment data source too."""


@dataclass
class Tenant:
    endpoint: str
    token: str

    def get(self, path: str) -> requests.Response:
        return requests.get(f"{self.endpoint}/mgmt/v1{path}", headers={"Authorization": f"Bearer {self.token}"},
                            timeout=30)

    def deployment_names(self) -> set[str]:
        listed = self.get("/deployments")
        listed.raise_for_status()
        return {d["name"] for d in listed.json()}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveVisage]:
    with visage_up(tmp_path_factory.mktemp("visage-tf"), extra_env={"VISAGE_SIGNUP_RATE_LIMIT": "off"}) as server:
        yield server


@pytest.fixture(scope="module")
def tenant(live: LiveVisage) -> Tenant:
    """A fresh tenant, signed up through the API (the example signs nothing up itself)."""
    signed = requests.post(live.url("/signup"), json=signup_form(), timeout=30)
    signed.raise_for_status()
    return Tenant(live.endpoint, signed.json()["management_token"])


@pytest.fixture(scope="module")
def cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_mirror(tmp_path_factory.mktemp("mirror"))


def example_copy(tmp_path: Path, name: str, *, rotation: bool = False) -> Path:
    workdir = tmp_path / name
    shutil.copytree(EXAMPLES / "basic", workdir)
    if rotation:
        (workdir / "rotation.tf").write_text(ROTATION_TF)
    return workdir


def data_plane_status(endpoint: str, key: str, group: str) -> int:
    return requests.get(f"{endpoint}/face/v1.2/largepersongroups/{group}", timeout=30,
                        headers={"Ocp-Apim-Subscription-Key": key}).status_code


def test_examples_are_formatted() -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TF_")}
    Terraform(EXAMPLES, {**env, "CHECKPOINT_DISABLE": "1"}).run("fmt", "-check", "-recursive", "-no-color")


def test_lifecycle(tenant: Tenant, cli_config: Path, tmp_path: Path) -> None:
    name = f"tf-e2e-{uuid.uuid4().hex[:8]}"
    env = environment(cli_config, tenant.endpoint, tenant.token)
    tf = Terraform(example_copy(tmp_path, "basic", rotation=True), env)
    name_var = f"-var=deployment_name={name}"

    tf.init()  # offline: the provider comes from the mirror
    assert (tf.workdir / ".terraform.lock.hcl").read_text().count('"registry.terraform.io/visage/visage"') == 1

    tf.apply(name_var, "-var=sku=F0")
    outputs = tf.outputs()
    assert outputs["endpoint"].rstrip("/") == tenant.endpoint.rstrip("/")
    assert outputs["limited_access"] == "approved" and outputs["data_sku"] == "F0"
    created = tenant.get(f"/deployments/{name}").json()
    assert (created["sku"], created["region"]) == ("F0", "westeurope")
    group = tenant.get(f"/deployments/{name}/largepersongroups/staff").json()
    assert (group["name"], group["recognitionModel"]) == ("Staff", "recognition_04")
    # the rotation replaced key2: the new one works, the one made with the deployment no longer does
    assert data_plane_status(tenant.endpoint, outputs["rotated_key2"], "staff") == 200
    assert data_plane_status(tenant.endpoint, outputs["created_key2"], "staff") == 401
    assert data_plane_status(tenant.endpoint, outputs["key1"], "staff") == 200
    state = tf.run("state", "show", "-no-color", "visage_deployment.face").stdout
    assert "key1" in state and outputs["key1"] not in state  # sensitive: never printed

    assert tf.plan(name_var, "-var=sku=F0") == 0  # no drift

    tf.apply(name_var, "-var=sku=S0")  # in place: same deployment, same keys
    assert tenant.get(f"/deployments/{name}").json()["sku"] == "S0"
    assert tenant.get(f"/deployments/{name}").json()["created_at"] == created["created_at"]
    assert data_plane_status(tenant.endpoint, outputs["key1"], "staff") == 200
    assert tf.plan(name_var, "-var=sku=S0") == 0

    imported = Terraform(example_copy(tmp_path, "imported", rotation=True), env)
    imported.init()
    imported.run("import", "-no-color", name_var, "visage_deployment.face", name)
    imported.run("import", "-no-color", name_var, "visage_large_person_group.staff", f"{name}/staff")
    imported.run("import", "-no-color", name_var, "visage_deployment_key_rotation.key2", f"{name}/key2")
    assert imported.plan(name_var, "-var=sku=S0") == 0  # the imported state matches the configuration
    face = imported.resources()["visage_deployment.face"]
    assert face["sku"] == "S0" and face["key1"] is None and face["key2"] is None  # keys cannot be read back

    deleted = requests.delete(f"{tenant.endpoint}/mgmt/v1/deployments/{name}", timeout=30,
                              headers={"Authorization": f"Bearer {tenant.token}"})
    assert deleted.status_code == 204
    assert tf.plan(name_var, "-var=sku=S0", out="drift.plan") == 2
    changes = {c["address"]: c["change"]["actions"] for c in tf.show("drift.plan")["resource_changes"]}
    assert changes["visage_deployment.face"] == ["create"]
    assert changes["visage_large_person_group.staff"] == ["create"]
    tf.apply(name_var, "-var=sku=S0")
    assert name in tenant.deployment_names()
    assert tf.plan(name_var, "-var=sku=S0") == 0

    tf.run("destroy", "-auto-approve", "-no-color", name_var, "-var=sku=S0")
    assert name not in tenant.deployment_names()
    assert tenant.get(f"/deployments/{name}/largepersongroups/staff").status_code == 404


def test_a_wrong_token_is_reported_with_what_to_check(tenant: Tenant, cli_config: Path, tmp_path: Path) -> None:
    tf = Terraform(example_copy(tmp_path, "wrong-token"), environment(cli_config, tenant.endpoint, "not-a-token"))
    tf.init()
    failed = tf.run("plan", "-no-color", expect=(1,))
    assert "Visage rejected the management token (401 Unauthorized)" in failed.stderr
    assert "VISAGE_MANAGEMENT_TOKEN" in failed.stderr


def test_an_unreachable_endpoint_is_named(cli_config: Path, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{probe.getsockname()[1]}"  # nothing listens there once closed
    tf = Terraform(example_copy(tmp_path, "unreachable"), environment(cli_config, endpoint, "any"))
    tf.init()
    failed = tf.run("plan", "-no-color", expect=(1,))
    assert f"Cannot reach Visage at {endpoint}" in failed.stderr
    assert "Connection refused" in " ".join(failed.stderr.split())
