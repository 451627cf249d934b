"""`visage_large_person_group`: a large person group of a deployment, provisioned through the management API
(no data-plane key needed). Persons and faces are data, not infrastructure: add them with an SDK."""

from __future__ import annotations

from typing import Any

from tf.iface import CreateContext, DeleteContext, ImportContext, ReadContext, UpdateContext
from tf.schema import Attribute, Schema
from tf.types import String
from tf.utils import Diagnostics
from visage import VisageError
from visage.models import LargePersonGroup

from terraform_provider_visage import rules
from terraform_provider_visage.base import SCHEMA_VERSION, VisageResource, text
from terraform_provider_visage.diagnostics import is_not_found

ATTRIBUTES = ("deployment", "id", "name", "user_data", "recognition_model")


def group_state(deployment: str, view: LargePersonGroup, *, user_data_was: str | None) -> dict[str, Any]:
    user_data = view.user_data
    if user_data == "" and user_data_was is None:
        user_data = None  # clearing user_data sends "", which Visage keeps: the same as no user_data
    return {"deployment": deployment, "id": view.large_person_group_id, "name": view.name,
            "user_data": user_data, "recognition_model": text(view.recognition_model)}


class LargePersonGroupResource(VisageResource):
    @classmethod
    def get_name(cls) -> str:
        return "large_person_group"

    @classmethod
    def get_schema(cls) -> Schema:
        return Schema(version=SCHEMA_VERSION, description="A large person group in a deployment.", attributes=[
            Attribute("deployment", String(), required=True, requires_replace=True,
                      description="The name of the deployment that holds the group."),
            Attribute("id", String(), required=True, requires_replace=True, description=(
                "The group's id (`largePersonGroupId`): 1 to 64 lower-case letters, digits, `-` or `_`.")),
            Attribute("name", String(), required=True, description="A display name, 1 to 128 characters."),
            Attribute("user_data", String(), optional=True, description="Any text, up to 16384 characters."),
            Attribute("recognition_model", String(), optional=True, computed=True, requires_replace=True,
                      default=rules.DEFAULT_RECOGNITION_MODEL, description=(
                "`recognition_01` (the default) to `recognition_04`. It cannot change: changing it replaces the "
                "group, and the persons in it are lost.")),
        ])

    def validate(self, diags: Diagnostics, type_name: str, config: dict[str, Any]) -> None:
        super().validate(diags, type_name, config)
        rules.check_deployment_name(diags, config, "deployment")
        rules.check_collection_id(diags, config, "id")
        rules.check_length(diags, config, "name", 1, rules.GROUP_NAME_MAX)
        rules.check_length(diags, config, "user_data", 0, rules.USER_DATA_MAX)
        rules.check_one_of(diags, config, "recognition_model", rules.RECOGNITION_MODELS)

    def create(self, ctx: CreateContext, planned: dict[str, Any]) -> dict[str, Any] | None:
        deployment, group_id = planned["deployment"], planned["id"]
        try:
            created = self.client.create_managed_large_person_group(
                deployment, group_id, planned["name"], user_data=planned["user_data"],
                recognition_model=planned["recognition_model"])
        except VisageError as error:
            self.report(ctx.diagnostics, error, action=f"Creating large person group {group_id!r} in {deployment!r}",
                        attributes=ATTRIBUTES)
            return None
        return group_state(deployment, created, user_data_was=planned["user_data"])

    def read(self, ctx: ReadContext, current: dict[str, Any]) -> dict[str, Any] | None:
        deployment, group_id = current["deployment"], current["id"]
        try:
            view = self.client.get_managed_large_person_group(deployment, group_id)
        except VisageError as error:
            if is_not_found(error):
                return None  # the group, or its whole deployment, was deleted: plan creates it again
            self.report(ctx.diagnostics, error, action=f"Reading large person group {group_id!r} in {deployment!r}")
            return current
        return group_state(deployment, view, user_data_was=current.get("user_data"))

    def update(self, ctx: UpdateContext, current: dict[str, Any], planned: dict[str, Any]) -> dict[str, Any] | None:
        deployment, group_id = current["deployment"], current["id"]
        try:
            updated = self.client.update_managed_large_person_group(deployment, group_id, name=planned["name"],
                                                                    user_data=planned["user_data"] or "")
        except VisageError as error:
            self.report(ctx.diagnostics, error, action=f"Updating large person group {group_id!r} in {deployment!r}",
                        attributes=ATTRIBUTES)
            return current
        return group_state(deployment, updated, user_data_was=planned["user_data"])

    def delete(self, ctx: DeleteContext, current: dict[str, Any]) -> None:
        deployment, group_id = current["deployment"], current["id"]
        try:
            self.client.delete_managed_large_person_group(deployment, group_id)
        except VisageError as error:
            if not is_not_found(error):
                self.report(ctx.diagnostics, error,
                            action=f"Deleting large person group {group_id!r} in {deployment!r}")

    def import_(self, ctx: ImportContext, id: str) -> dict[str, Any] | None:
        """`terraform import visage_large_person_group.NAME <deployment>/<group id>`."""
        deployment, _, group_id = id.partition("/")
        if not rules.DEPLOYMENT_NAME.fullmatch(deployment) or not rules.COLLECTION_ID.fullmatch(group_id):
            ctx.diagnostics.add_error(f"Invalid import id {id!r}", "The import id is <deployment>/<group id>.")
            return None
        try:
            view = self.client.get_managed_large_person_group(deployment, group_id)
        except VisageError as error:
            self.report(ctx.diagnostics, error, action=f"Importing large person group {group_id!r} in {deployment!r}")
            return None
        return group_state(deployment, view, user_data_was=None)
