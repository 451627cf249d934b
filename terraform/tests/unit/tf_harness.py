"""Drive the provider as Terraform does: through the framework's gRPC servicer, with msgpack-encoded values.

`Harness` fills in what Terraform core would: every attribute of a config object (null when unset), and the
proposed new state of a plan (the config, with computed attributes taken from the prior state).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from terraform_provider_visage.provider import VisageProvider
from tf.gen import tfplugin_pb2 as pb
from tf.provider import ProviderServicer
from tf.types import Unknown
from tf.utils import read_dynamic_value, to_dynamic_value

ENDPOINT = "http://visage.test"
TOKEN = "management-token"
TENANT = {
    "tenant_id": "t-1", "organization": "Contoso", "email": "dev@contoso.example", "customer_type": "commercial",
    "country": "GB", "use_cases": ["identity_verification"], "terms_version": "2024-05",
    "terms_accepted_at": "2025-01-01T00:00:00.000Z", "created_at": "2025-01-01T00:00:00.000Z", "status": "active",
    "email_verified": True, "limited_access": "approved", "review_reasons": [],
    "decisions": [{"at": "2025-01-02T00:00:00.000Z", "decision": "approve", "reason": "ok", "by": "operator"}],
}


SEVERITIES = {pb.Diagnostic.ERROR: "error", pb.Diagnostic.WARNING: "warning"}


@dataclass
class Diag:
    severity: str
    summary: str
    detail: str
    path: list[str]

    def __str__(self) -> str:
        return f"{self.severity}: {self.summary} ({'.'.join(self.path)}) {self.detail}"


def diags_of(diagnostics: Any) -> list[Diag]:
    return [Diag(SEVERITIES.get(d.severity, "invalid"), d.summary, d.detail,
                 [step.attribute_name for step in d.attribute.steps]) for d in diagnostics]


def errors(diags: list[Diag]) -> list[Diag]:
    return [d for d in diags if d.severity == "error"]


@dataclass
class Plan:
    planned: dict[str, Any]
    requires_replace: list[str]
    diags: list[Diag]


class RecordingClock:
    """The SDK's clock in these tests: waiting between retries takes no time, and is recorded."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return sum(self.sleeps)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


class Harness:
    def __init__(self) -> None:
        self.clock = RecordingClock()
        self.provider = VisageProvider(clock=self.clock)
        self.servicer = ProviderServicer(self.provider)
        schema = self.servicer.GetProviderSchema(pb.GetProviderSchema.Request(), None)
        self.resource_schemas = dict(schema.resource_schemas)
        self.data_source_schemas = dict(schema.data_source_schemas)
        self.provider_schema = schema.provider

    # provider ---------------------------------------------------------------------------------

    def configure(self, endpoint: str | None = ENDPOINT, token: str | None = TOKEN) -> list[Diag]:
        config = to_dynamic_value({"endpoint": endpoint, "token": token})
        validated = self.servicer.ValidateProviderConfig(pb.ValidateProviderConfig.Request(config=config), None)
        if errors(diags_of(validated.diagnostics)):
            return diags_of(validated.diagnostics)
        response = self.servicer.ConfigureProvider(pb.ConfigureProvider.Request(config=config), None)
        return diags_of(response.diagnostics)

    # resources --------------------------------------------------------------------------------

    def _attributes(self, type_name: str, *, data: bool = False) -> dict[str, Any]:
        schemas = self.data_source_schemas if data else self.resource_schemas
        return {a.name: a for a in schemas[type_name].block.attributes}

    def full_config(self, type_name: str, config: dict[str, Any], *, data: bool = False) -> dict[str, Any]:
        attributes = self._attributes(type_name, data=data)
        unknown = set(config) - set(attributes)
        assert not unknown, f"{type_name} has no attributes {unknown}"
        return {name: config.get(name) for name in attributes}

    def validate(self, type_name: str, config: dict[str, Any]) -> list[Diag]:
        request = pb.ValidateResourceConfig.Request(
            type_name=type_name, config=to_dynamic_value(self.full_config(type_name, config)))
        return diags_of(self.servicer.ValidateResourceConfig(request, None).diagnostics)

    def plan(self, type_name: str, prior: dict[str, Any] | None, config: dict[str, Any]) -> Plan:
        attributes = self._attributes(type_name)
        proposed = self.full_config(type_name, config)
        for name, attribute in attributes.items():
            if attribute.computed and proposed[name] is None and prior is not None:
                proposed[name] = prior[name]
        request = pb.PlanResourceChange.Request(
            type_name=type_name, prior_state=to_dynamic_value(prior), proposed_new_state=to_dynamic_value(proposed),
            config=to_dynamic_value(self.full_config(type_name, config)))
        response = self.servicer.PlanResourceChange(request, None)
        replace = [path.steps[0].attribute_name for path in response.requires_replace]
        return Plan(read_dynamic_value(response.planned_state), sorted(replace), diags_of(response.diagnostics))

    def apply(self, type_name: str, prior: dict[str, Any] | None,
              planned: dict[str, Any] | None) -> tuple[dict[str, Any] | None, list[Diag]]:
        request = pb.ApplyResourceChange.Request(
            type_name=type_name, prior_state=to_dynamic_value(prior), planned_state=to_dynamic_value(planned))
        response = self.servicer.ApplyResourceChange(request, None)
        return read_dynamic_value(response.new_state), diags_of(response.diagnostics)

    def create(self, type_name: str, config: dict[str, Any]) -> tuple[dict[str, Any] | None, list[Diag]]:
        """Plan and apply a create, as `terraform apply` does for a new resource."""
        plan = self.plan(type_name, None, config)
        assert not errors(plan.diags), plan.diags
        return self.apply(type_name, None, plan.planned)

    def read(self, type_name: str, state: dict[str, Any]) -> tuple[dict[str, Any] | None, list[Diag]]:
        request = pb.ReadResource.Request(type_name=type_name, current_state=to_dynamic_value(state))
        response = self.servicer.ReadResource(request, None)
        return read_dynamic_value(response.new_state), diags_of(response.diagnostics)

    def import_(self, type_name: str, import_id: str) -> tuple[dict[str, Any] | None, list[Diag]]:
        request = pb.ImportResourceState.Request(type_name=type_name, id=import_id)
        response = self.servicer.ImportResourceState(request, None)
        states = [read_dynamic_value(r.state) for r in response.imported_resources]
        assert len(states) <= 1
        return (states[0] if states else None), diags_of(response.diagnostics)

    # data sources -----------------------------------------------------------------------------

    def validate_data(self, type_name: str, config: dict[str, Any]) -> list[Diag]:
        request = pb.ValidateDataResourceConfig.Request(
            type_name=type_name, config=to_dynamic_value(self.full_config(type_name, config, data=True)))
        return diags_of(self.servicer.ValidateDataResourceConfig(request, None).diagnostics)

    def read_data(self, type_name: str, config: dict[str, Any]) -> tuple[dict[str, Any] | None, list[Diag]]:
        request = pb.ReadDataSource.Request(
            type_name=type_name, config=to_dynamic_value(self.full_config(type_name, config, data=True)))
        response = self.servicer.ReadDataSource(request, None)
        return read_dynamic_value(response.state), diags_of(response.diagnostics)


def is_unknown(value: Any) -> bool:
    return value is Unknown


def visage_error(status: int, code: str, message: str, target: str | None = None) -> dict[str, object]:
    """Keyword arguments for `responses` that make Visage's error envelope."""
    error: dict[str, object] = {"code": code, "message": message}
    if target:
        error["target"] = target
    return {"status": status, "json": {"error": error}, "headers": {"x-ms-error-code": code}}
