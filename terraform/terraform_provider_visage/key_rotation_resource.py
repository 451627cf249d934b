"""`visage_deployment_key_rotation`: regenerates key1 or key2 of a deployment when it is created, that is on
the first apply and again whenever `triggers` (or `deployment`, `key_name`) change.

The old key stops working at once and the other key keeps working, so rotate key1 and key2 at different
times. Destroying a rotation changes nothing in Visage: the key it made stays valid. A deployment deleted,
or deleted and created again under the same name (told by its creation time), takes the rotation's key
with it: the rotation drops out of the state, and the next apply rotates again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tf.iface import CreateContext, DeleteContext, ImportContext, ReadContext, UpdateContext
from tf.schema import Attribute, Schema
from tf.types import Map, String
from tf.utils import Diagnostics
from visage import VisageError
from visage.models import DeploymentKeys

from terraform_provider_visage import rules
from terraform_provider_visage.base import SCHEMA_VERSION, VisageResource, time_text
from terraform_provider_visage.diagnostics import is_not_found

ATTRIBUTES = ("deployment", "key_name", "triggers", "key", "rotated_at", "deployment_created_at")


class KeyRotationResource(VisageResource):
    @classmethod
    def get_name(cls) -> str:
        return "deployment_key_rotation"

    @classmethod
    def get_schema(cls) -> Schema:
        return Schema(version=SCHEMA_VERSION, description="Regenerates one key of a deployment.", attributes=[
            Attribute("deployment", String(), required=True, requires_replace=True,
                      description="The name of the deployment whose key to regenerate."),
            Attribute("key_name", String(), required=True, requires_replace=True,
                      description="`key1` or `key2`."),
            Attribute("triggers", Map(String()), optional=True, requires_replace=True, description=(
                "Any values: when one changes, the key is regenerated again (e.g. `{ month = \"2025-06\" }`).")),
            Attribute("key", String(), computed=True, sensitive=True,
                      description="The new key. Null after `terraform import`: Visage cannot show a key again."),
            Attribute("rotated_at", String(), computed=True, description="When this rotation regenerated the key."),
            Attribute("deployment_created_at", String(), computed=True, description=(
                "When the deployment was created: one created again later under the same name is another "
                "deployment, which this rotation's key does not open.")),
        ])

    def validate(self, diags: Diagnostics, type_name: str, config: dict[str, Any]) -> None:
        super().validate(diags, type_name, config)
        rules.check_deployment_name(diags, config, "deployment")
        rules.check_one_of(diags, config, "key_name", rules.KEY_NAMES)

    def create(self, ctx: CreateContext, planned: dict[str, Any]) -> dict[str, Any] | None:
        deployment, key_name = planned["deployment"], planned["key_name"]
        try:
            regenerated = self.client.regenerate_key(deployment, key_name)
        except VisageError as error:
            self.report(ctx.diagnostics, error, action=f"Regenerating {key_name} of deployment {deployment!r}",
                        attributes=ATTRIBUTES)
            return None
        rotated_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        keys = regenerated.keys or DeploymentKeys()
        return {**planned, "key": keys.key1 if key_name == "key1" else keys.key2, "rotated_at": rotated_at,
                "deployment_created_at": time_text(regenerated.created_at)}

    def read(self, ctx: ReadContext, current: dict[str, Any]) -> dict[str, Any] | None:
        try:
            view = self.client.get_deployment(current["deployment"])
        except VisageError as error:
            if is_not_found(error):
                return None  # the deployment is gone, and the key with it
            self.report(ctx.diagnostics, error, action=f"Reading deployment {current['deployment']!r}")
            return current
        created_at = time_text(view.created_at)
        if current.get("deployment_created_at") and created_at != current["deployment_created_at"]:
            return None  # deleted and created again under the same name: the key went with the old one
        return {**current, "deployment_created_at": created_at}

    def update(self, ctx: UpdateContext, current: dict[str, Any], planned: dict[str, Any]) -> dict[str, Any] | None:
        return planned  # every argument forces a new rotation: nothing changes in place

    def delete(self, ctx: DeleteContext, current: dict[str, Any]) -> None:
        return None  # a regenerated key cannot be taken back; forgetting the rotation is all there is to do

    def import_(self, ctx: ImportContext, id: str) -> dict[str, Any] | None:
        """`terraform import visage_deployment_key_rotation.NAME <deployment>/<key1|key2>`: adopts the key as it
        is, without regenerating it; `key` stays null."""
        deployment, _, key_name = id.partition("/")
        if not rules.DEPLOYMENT_NAME.fullmatch(deployment) or key_name not in rules.KEY_NAMES:
            ctx.diagnostics.add_error(f"Invalid import id {id!r}", "The import id is <deployment>/<key1|key2>.")
            return None
        try:
            view = self.client.get_deployment(deployment)
        except VisageError as error:
            self.report(ctx.diagnostics, error,
                        action=f"Importing the {key_name} rotation of deployment {deployment!r}")
            return None
        return {"deployment": deployment, "key_name": key_name, "triggers": None, "key": None, "rotated_at": None,
                "deployment_created_at": time_text(view.created_at)}
