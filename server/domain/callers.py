"""Who is calling: a tenant through one of its deployments.

Every service that acts for a deployment takes a `Caller`: the data plane builds one from the
deployment key, the management API from the tenant's token and a deployment's name, a worker from
the ids a job carries. The request id, the route (its operationId) and the API version tie the call
to its audit entries; the capture context is what the caller declared about the pixels it sends
(data plane only).
"""

from __future__ import annotations

import dataclasses

from server.domain.capture import CaptureContext
from server.domain.deployments import Deployment
from server.domain.tenants import Tenant


@dataclasses.dataclass(frozen=True)
class Caller:
    tenant: Tenant
    deployment: Deployment
    request_id: str = ""
    capture: CaptureContext = dataclasses.field(default_factory=CaptureContext)
    route: str = ""
    api_version: str = ""
    refusal_status: int | None = None
    """The HTTP status this surface answers every refusal with, where it is not the error's own
    (Rekognition's AccessDeniedException is a 400), so the audit records what the caller got."""

    @property
    def tenant_id(self) -> str:
        return self.tenant.tenant_id

    @property
    def deployment_id(self) -> str:
        return self.deployment.deployment_id
