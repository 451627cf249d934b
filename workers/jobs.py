"""Job functions. They stay thin: each opens the store and calls one service function."""

from __future__ import annotations

import os

from redis import Redis
from rq import get_current_job

from server.store import keys

SCAN_BATCH = 500
"""Keys deleted per round trip when purging."""


def _connection() -> Redis:
    job = get_current_job()
    if job is None:
        raise RuntimeError("job functions run inside an RQ worker")
    connection: Redis = job.connection
    return connection


def purge_deployment(deployment_id: str) -> int:
    """Delete every key stored on behalf of a deleted deployment, and its media files; returns how
    many keys."""
    from server.services.media import media_directory
    from server.services.redactions import purge_media

    purged = purge_prefix(_connection(), keys.deployment_data_prefix(deployment_id))
    purge_media(media_directory(), deployment_id)
    return purged


def purge_prefix(redis: Redis, prefix: str) -> int:
    deleted = 0
    batch: list[bytes] = []
    for key in redis.scan_iter(match=f"{prefix}*", count=SCAN_BATCH):
        batch.append(key)
        if len(batch) >= SCAN_BATCH:
            deleted += int(redis.delete(*batch))
            batch.clear()
    if batch:
        deleted += int(redis.delete(*batch))
    return deleted


def train_collection(tenant_id: str, deployment_id: str, kind: str, collection_id: str, operation_id: str) -> str:
    """Build the snapshot of a collection for identify and find-similar, if the terms still allow it."""
    from server.domain.collections import RULES, CollectionKind
    from server.domain.operations import OperationClass
    from server.services.policy import authorize_job
    from server.services.training import run_training

    redis = _connection()

    def may_run() -> str | None:
        decision = authorize_job(redis, tenant_id, deployment_id, OperationClass.TRAINING, job_id=operation_id)
        return None if decision.allowed else decision.message

    rules = RULES[CollectionKind(kind)]
    return run_training(redis, deployment_id, rules, collection_id, operation_id, may_run=may_run).value


def redact_media(tenant_id: str, deployment_id: str, job_id: str) -> str:
    """Hide the faces in a queued image or video, if the terms still allow it."""
    from server.config import parse_list
    from server.domain.operations import OperationClass
    from server.services.media import media_directory
    from server.services.policy import authorize_job
    from server.services.redactions import run_redaction_job

    redis = _connection()

    def may_run() -> str | None:
        # The terms of use, decided again as the job starts. Redaction is detection only, allowed
        # to every tenant in good standing; what can refuse it is the tenant's state now (suspended,
        # deleted) or its deployment's.
        decision = authorize_job(redis, tenant_id, deployment_id, OperationClass.DETECTION, job_id=job_id)
        return None if decision.allowed else decision.message

    return run_redaction_job(redis, tenant_id, deployment_id, job_id, media_dir=media_directory(), may_run=may_run,
                             url_allowlist=parse_list(os.environ.get("VISAGE_URL_ALLOWLIST", ""))).value


def send_token_recovery(email: str, base_url: str, request_id: str = "") -> int:
    """Email a one-time management-token recovery link to each tenant of this mailbox; how many."""
    from server.services.token_recovery import send_recovery_links

    return send_recovery_links(_connection(), email, base_url=base_url, request_id=request_id)


def analyse_video(tenant_id: str, deployment_id: str, job_id: str) -> str:
    """A Rekognition face detection or face search on a video in S3, if the terms allow it: decided
    on the footage's content credentials, and for a search again on each sampled frame."""
    from collections.abc import Callable

    from server.domain.operations import OperationClass
    from server.domain.policy import PolicyDecision
    from server.domain.provenance import Provenance
    from server.services import rekognition_video
    from server.services.media import media_directory
    from server.services.policy import authorize_job, frame_decider
    from server.store.s3 import S3Store

    redis = _connection()

    def decide_job(operation_class: OperationClass, footage: Provenance) -> PolicyDecision:
        return authorize_job(redis, tenant_id, deployment_id, operation_class, footage=(footage,), job_id=job_id)

    def decide_frames(operation_class: OperationClass, footage: Provenance) -> Callable[[int], PolicyDecision]:
        return frame_decider(redis, tenant_id, deployment_id, operation_class, footage, job_id=job_id)

    return rekognition_video.run(redis, deployment_id, job_id, media_dir=media_directory(),
                                 s3=S3Store.from_environment, decide_job=decide_job,
                                 decide_frames=decide_frames).value
