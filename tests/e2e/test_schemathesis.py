"""schemathesis drives every documented operation of a live `visage up`, rate limits off: with the
document's examples, with generated valid and invalid requests, each sent with every credential kind
(a deployment key, a management token, the admin token), and in stateful sequences that follow the
links between operations (an id one answer gives, the next call uses). No answer may be a 5xx or
differ from the contract; a credential of the wrong kind is a 401; every documented status is
reached or explained.

Bounded for CI: FUZZ_EXAMPLES generated requests an operation and mode, STATEFUL_SCENARIOS sequences
of at most STATEFUL_STEPS calls, no shrinking."""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
import yaml
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import Flaky, Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    allow_header_conformance,
    content_type_conformance,
    ensure_resource_availability,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)
from schemathesis.engine.errors import is_inconsistent_replay
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.pytest._test_builder import build_operation_test  # what schemathesis's pytest plugin runs

from server.domain.starter import STARTER_NAME
from tests.support.live import LiveVisage, visage_up

pytestmark = pytest.mark.slow

FUZZ_EXAMPLES = 5
"""Randomly generated requests per operation, besides the document's examples and the coverage phase's
systematic ones (each boundary value, each property of the wrong type, each required one missing)."""

SETTINGS = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None,
                    phases=[Phase.explicit, Phase.generate])

STATEFUL_SCENARIOS = 100
STATEFUL_STEPS = 10

UNREACHED_ON_PURPOSE = {
    429: "rate limits are off in this run so that generated calls are not throttled; "
         "tests/api/test_rate_limits.py reaches 429 on purpose, and tests/api/test_faults.py injects it",
    409: "needs a resource created twice or a training in progress; tests/api/test_collections.py, "
         "test_identify.py, test_deployments.py and test_operator.py reach it",
    403: "needs a refused call (retired attribute, terms of use, quota, suspension); tests/api/test_detect.py, "
         "test_terms_enforcement.py and test_collections.py reach it",
    404: "generated ids rarely exist; the api tests reach every NotFound code",
    415: "generated bodies use the documented media types; test_detect.py sends text/plain",
    500: "never on purpose: only an injected fault answers it (tests/api/test_faults.py)",
    503: "needs Redis or every worker down (tests/api/test_health.py), or an injected fault (test_faults.py)",
    201: "signup and creation answers: reached when generation hits them",
    202: "train on an existing collection, or a redaction of real media: tests/api/test_identify.py and "
         "test_media.py reach it",
    413: "needs an upload over the cap or a video beyond the limits; tests/api/test_media.py sends both",
    204: "deletes of existing things: test_deployments.py and test_collections.py reach it",
}
"""Why a documented status may go unseen by random generation, and which test reaches it instead.
200 needs an existing resource for many reads; 400 and 401 must be reached wherever the operation
reads a body or a query (400) or needs a credential (401)."""

PINNED_PATH = {"apiVersion": "v1.2-preview.1", "deployment": STARTER_NAME}
"""Path parameters every generated request keeps valid, so that the invalid ones break what the
operation reads (body, query, ids) rather than miss the route: an unknown API version or another
deployment's name is a 404 before anything is read. v1.2-preview.1 is served by every data-plane
route, the PersonDirectory's included; every tenant has a `starter` deployment."""

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance, unsupported_method, allow_header_conformance, use_after_free,
          ensure_resource_availability]
"""Every answer: no 5xx, a documented status, media type, body and headers; an undocumented method is
a 405 saying which are allowed; in sequences, nothing deleted answers afterwards and nothing created
is missing. (schemathesis's data acceptance and rejection checks are left out: the credentials are
added here, outside the generated request, so it would count a request as missing its key.)"""

observed: set[tuple[str, int]] = set()

AWS_JSON = "application/x-amz-json-1.1"
"""Rekognition's protocol at POST / (JSON 1.1): schemathesis knows JSON only as application/json."""


@schemathesis.serializer(AWS_JSON)
def _aws_json_body(_: Any, value: Any) -> dict[str, Any]:
    return {"data": json.dumps(value).encode()}


@schemathesis.deserializer(AWS_JSON)
def _aws_json_answer(_: Any, response: Any) -> Any:
    return json.loads(response.content)


class Credential(enum.Enum):
    KEY = "subscriptionKey"
    MANAGEMENT = "managementToken"
    ADMIN = "adminToken"


@dataclasses.dataclass(frozen=True)
class Credentials:
    """A data-plane key and a management token of two different tenants, so that a generated call
    with the token (deleting a deployment, say) cannot take the key away, and the admin token."""

    key: str
    token: str
    admin: str

    def headers(self, kind: Credential) -> dict[str, str]:
        if kind is Credential.KEY:
            return {"Ocp-Apim-Subscription-Key": self.key}
        return {"Authorization": f"Bearer {self.token if kind is Credential.MANAGEMENT else self.admin}"}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveVisage]:
    with visage_up(Path(tmp_path_factory.mktemp("visage")),
                   extra_env={"VISAGE_RATE_LIMITS": "off", "VISAGE_SIGNUP_RATE_LIMIT": "off"}) as server:
        yield server


@pytest.fixture(scope="module")
def credentials(live: LiveVisage) -> Credentials:
    data_plane, management = live.sign_up(), live.sign_up()
    return Credentials(data_plane["key1"], management["token"], live.admin_token)


@pytest.fixture(scope="module")
def contract(live: LiveVisage) -> Any:
    # Loaded from the served text rather than its URL: schemathesis leaves out the operation that
    # serves the document it was loaded from, and GET /openapi.yaml must conform too.
    served = yaml.safe_load(requests.get(live.url("/openapi.yaml"), timeout=30).text)
    schema = schemathesis.openapi.from_dict(served)
    schema.config.base_url = live.endpoint
    schema.config.phases.update(phases=["examples", "coverage", "fuzzing", "stateful"])
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                                    max_examples=FUZZ_EXAMPLES)
    schema.config.update(parameters={f"path.{name}": value for name, value in PINNED_PATH.items()})
    return schema


def required_credential(case: Any) -> Credential | None:
    security = case.operation.definition.raw.get("security") or []
    names = {name for requirement in security for name in requirement}
    return next((kind for kind in Credential if kind.value in names), None)


def refused_at_the_front_door(response: Any) -> bool:
    """gunicorn answers a request line over 4094 bytes with 414 (HTML) before any route sees it."""
    return bool(response.status_code == 414 and "Request Line is too large" in response.text)


def call_and_check(case: Any, kind: Credential, credentials: Credentials, live: LiveVisage, *,
                   valid: bool) -> None:
    response = case.call(headers=credentials.headers(kind), timeout=60)
    if refused_at_the_front_door(response):
        return
    observed.add((f"{case.operation.method.upper()} {case.operation.path}", response.status_code))
    try:
        case.validate_response(response, checks=CHECKS)
    finally:
        undo(case, response, credentials, live)
    required = required_credential(case)
    if valid and required is not None and kind is not required:  # an invalid path may be a 404 first
        assert response.status_code == 401, (
            f"{case.operation.label} answered {response.status_code} to a {kind.name} credential; it needs "
            f"{required.name}")


def undo(case: Any, response: Any, credentials: Credentials, live: LiveVisage) -> None:
    """Take back what the operator's generated calls did that would blind the rest of the run: a fault
    would answer 5xx on purpose, a suspension would refuse every later call of the key's tenant."""
    if case.method.upper() != case.operation.method.upper():
        return  # another method on the operation's path (the coverage phase tries those): nothing was done
    operation = case.operation.definition.raw.get("operationId")
    admin = {"Authorization": f"Bearer {credentials.admin}"}
    if operation == "adminAddFault" and response.status_code == 201:
        requests.delete(live.url(f"/admin/v1/faults/{response.json()['id']}"), headers=admin, timeout=30)
    if operation == "adminSuspendTenant" and response.status_code == 200:
        requests.post(live.url(f"/admin/v1/tenants/{case.path_parameters['tenantId']}/reinstate"),
                      json={"reason": "undone by the contract test"}, headers=admin, timeout=30)


def test_every_operation_with_every_credential_conforms(contract: Any, credentials: Credentials,
                                                        live: LiveVisage) -> None:
    feedback = FeedbackSources()
    failures: list[str] = []

    def call(case: Any) -> None:
        valid = case.meta is None or case.meta.generation.mode is GenerationMode.POSITIVE
        required = required_credential(case)
        kinds = [required] if required is not None else list(Credential)
        if valid:  # a valid request with each credential kind: only its own may pass
            kinds += [kind for kind in Credential if kind not in kinds]
        for kind in kinds:
            call_and_check(case, kind, credentials, live, valid=valid)

    for result in contract.get_all_operations():
        operation = result.ok()
        test = build_operation_test(config=contract.config, operation=operation, test_func=call, given_kwargs={},
                                    feedback=feedback, explicit_settings=SETTINGS)
        try:
            test()
        except Unsatisfiable:
            pass  # nothing in it can be generated invalid (no parameters, or only free strings)
        except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - collect every failure, then report
            failures.append(f"{operation.label}: {failure}")
    assert failures == [], "\n\n".join(failures)


def test_stateful_sequences_conform(contract: Any, credentials: Credentials, live: LiveVisage) -> None:
    failures: list[str] = []
    scenarios, steps, linked = [0], [0], [0]

    class Workflow(contract.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            scenarios[0] += 1

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            kind = required_credential(case)
            return {"headers": credentials.headers(kind) if kind is not None else {}, "timeout": 60}

        def step(self, input: Any) -> Any:
            steps[0] += 1
            linked[0] += input.transition is not None and input.is_applied  # a value from an earlier answer
            return super().step(input)

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            if not refused_at_the_front_door(response):
                observed.add((f"{case.operation.method.upper()} {case.operation.path}", response.status_code))
                undo(case, response, credentials, live)

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            if refused_at_the_front_door(response):
                return
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - recorded, so that the run goes on
                failures.append(f"{case.operation.label}: {failure}")

    # Scenarios depend on what the live server holds, which each one changes, so Hypothesis may find a
    # replay drawing differently (Flaky). Failures are recorded as they happen and the run resumes, as
    # schemathesis's own engine does, until every scenario has run.
    for _ in range(STATEFUL_SCENARIOS):
        if scenarios[0] >= STATEFUL_SCENARIOS:
            break
        try:
            Workflow.run(settings=settings(max_examples=STATEFUL_SCENARIOS - scenarios[0],
                                           stateful_step_count=STATEFUL_STEPS, deadline=None, database=None,
                                           suppress_health_check=list(HealthCheck), phases=[Phase.generate]))
        except (Flaky, AssertionError) as replay:
            if isinstance(replay, AssertionError) and not is_inconsistent_replay(replay):
                raise
    assert scenarios[0] >= STATEFUL_SCENARIOS
    print(f"stateful: {scenarios[0]} scenarios, {steps[0]} calls, {linked[0]} following a link")
    assert linked[0] > 0, "no call followed a link from an earlier answer"
    assert failures == [], "\n\n".join(failures)


def test_every_documented_status_was_reached_or_is_explained(live: LiveVisage) -> None:
    parsed = yaml.safe_load(requests.get(f"{live.endpoint}/openapi.yaml", timeout=30).text)
    unexplained = []
    for path, operations in parsed["paths"].items():
        for method, operation in operations.items():
            reads_input = "requestBody" in operation or any(
                parameter.get("in") == "query" for parameter in operation.get("parameters", []))
            for status in map(int, operation["responses"]):
                explained = status in UNREACHED_ON_PURPOSE or status == 200 or (status == 400 and not reads_input)
                if (f"{method.upper()} {path}", status) not in observed and not explained:
                    unexplained.append(f"{method.upper()} {path} {status}")
    assert observed, "the generated run did not happen"
    assert unexplained == [], "\n".join(unexplained)
