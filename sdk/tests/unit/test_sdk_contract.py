"""The SDK's models against the wire contract: openapi/visage.yaml (generated from the server's code).

Every model reads exactly the fields its schema documents (no field left in `extra`, none invented),
requires only what the schema requires, and knows every value of the enums the schema lists.
"""

from __future__ import annotations

import enum
import typing
from pathlib import Path
from typing import Any

import pytest
import visage
import visage.models
import yaml
from visage.enums import ExtensibleEnum
from visage.models import Provenance, models_and_wire_names
from visage.models._wire import WireModel, _specs

CONTRACT = Path(__file__).resolve().parents[3] / "openapi" / "visage.yaml"
SCHEMAS: dict[str, Any] = yaml.safe_load(CONTRACT.read_text())["components"]["schemas"]

SCHEMA_OF = {
    "BlurProperties": "Blur", "ExposureProperties": "Exposure", "NoiseProperties": "Noise",
    "FaceDetectionResult": "DetectedFace", "FaceFindSimilarResult": "SimilarFace", "FaceGroupingResult": "GroupResult",
    "FaceIdentificationResult": "IdentifyResult", "FaceVerificationResult": "VerificationResult",
    "IdentificationCandidate": "Candidate", "OutboxMessage": "Email",
    "PersonDirectoryFaces": "ListFaceResult", "DynamicPersonGroupPersons": "ListPersonResult",
    "DynamicPersonGroupReferences": "ListGroupReferenceResult", "RedactionJob": "Redaction",
}
"""SDK model -> schema, where the names differ (the SDK keeps Azure's SDK names on the data plane)."""

NESTED_IN = {
    "RedactionError": ("Redaction", "error"), "RedactionSource": ("Redaction", "input"),
    "S3Object": ("Redaction", "input", "s3"),
}
"""SDK models of objects the contract writes inline, by where they stand: schema, then properties."""

FREE_FORM = {"Provenance"}
"""Models of objects the contract leaves free-form (checked against the server's code below)."""

MODELS = sorted(set(models_and_wire_names()) - FREE_FORM)


def model(name: str) -> type[WireModel]:
    found: type[WireModel] = getattr(visage.models, name)
    return found


def schema(name: str) -> dict[str, Any]:
    if name not in NESTED_IN:
        return dict(SCHEMAS[SCHEMA_OF.get(name, name)])
    top, *path = NESTED_IN[name]
    found: dict[str, Any] = SCHEMAS[top]
    for part in path:
        found = found["properties"][part]
    return dict(found)


@pytest.mark.parametrize("name", MODELS)
def test_a_model_reads_exactly_the_fields_of_its_schema(name: str) -> None:
    assert set(models_and_wire_names()[name].values()) == set(schema(name)["properties"])


@pytest.mark.parametrize("name", MODELS)
def test_a_model_requires_only_what_its_schema_requires(name: str) -> None:
    required = {spec.wire_name for spec in _specs(model(name)) if spec.required}
    assert required <= set(schema(name).get("required", ()))


def enum_of(hint: Any) -> type[ExtensibleEnum] | None:
    for candidate in (hint, *typing.get_args(hint)):
        if isinstance(candidate, type) and issubclass(candidate, ExtensibleEnum):
            return candidate
    return None


def test_every_enum_value_of_the_schemas_is_a_known_member() -> None:
    checked, unknown = set(), {}
    for name in MODELS:
        properties = schema(name)["properties"]
        for spec in _specs(model(name)):
            values = [value for value in properties[spec.wire_name].get("enum", ()) if value is not None]
            kind = enum_of(spec.hint)
            if values and kind is not None:
                checked.add((name, spec.name))
                if missing := [value for value in values if not kind(value).known]:
                    unknown[f"{name}.{spec.name}"] = missing
    assert unknown == {}
    assert {("AuditEntry", "kind"), ("TrustAnchor", "device_class"), ("Tenant", "limited_access"),
            ("LinkedTenant", "status")} <= checked


def test_the_audit_trails_provenance_has_the_fields_the_server_writes() -> None:
    from server.domain.audit import provenance_summary
    from server.domain.provenance import NO_PROVENANCE

    assert set(models_and_wire_names()["Provenance"].values()) == set(provenance_summary(NO_PROVENANCE))
    assert Provenance.from_wire(provenance_summary(NO_PROVENANCE)).extra == {}


def test_the_sdk_enums_of_provenance_are_the_servers() -> None:
    from server.domain.audit import AuditKind as ServerAuditKind
    from server.domain.provenance import DeviceClass as ServerDeviceClass
    from server.domain.provenance import ProvenanceStatus as ServerProvenanceStatus

    pairs: list[tuple[type[enum.Enum], type[enum.Enum]]] = [
        (visage.AuditKind, ServerAuditKind), (visage.DeviceClass, ServerDeviceClass),
        (visage.ProvenanceStatus, ServerProvenanceStatus)]
    for ours, theirs in pairs:
        assert {member.value for member in ours} == {member.value for member in theirs}, ours.__name__

