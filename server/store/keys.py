"""Every Redis key Visage uses, built in one place.

Tenant-owned data lives under the tenant's or the deployment's id, so that deleting them is a
prefix scan and one tenant's key can never name another's data.
"""

from __future__ import annotations

PREFIX = "visage"


def tenant(tenant_id: str) -> str:
    return f"{PREFIX}:tenant:{tenant_id}"


def tenants_by_creation() -> str:
    """Sorted set of tenant ids scored by creation time."""
    return f"{PREFIX}:tenants"


def management_token(token_hash: str) -> str:
    """Hash of a management token -> tenant id."""
    return f"{PREFIX}:management-token:{token_hash}"


def deployment(tenant_id: str, name: str) -> str:
    return f"{PREFIX}:tenant:{tenant_id}:deployment:{name}"


def deployment_names(tenant_id: str) -> str:
    return f"{PREFIX}:tenant:{tenant_id}:deployments"


def api_key(key_hash: str) -> str:
    """Hash of a deployment key -> "tenant_id/deployment name/key name"."""
    return f"{PREFIX}:api-key:{key_hash}"


def deployment_data_prefix(deployment_id: str) -> str:
    """Everything stored on behalf of one deployment (collections, snapshots) starts with this."""
    return f"{PREFIX}:deployment:{deployment_id}:"


def face(face_id: str) -> str:
    """A detected face (faceId): its embedding, owner and capture context, with Azure's TTL."""
    return f"{PREFIX}:face:{face_id}"


def rate_log(scope: str) -> str:
    """Sorted set of the calls a rate-limited scope was admitted in its trailing window, scored by
    Redis's time (microseconds)."""
    return f"{PREFIX}:rate:{scope}"


def outbox() -> str:
    """List of emails Visage would have sent, newest first."""
    return f"{PREFIX}:outbox"


def email_verification(token_hash: str) -> str:
    return f"{PREFIX}:email-verification:{token_hash}"


def token_recovery(token_hash: str) -> str:
    """A management-token recovery link (by its token's hash) -> JSON: its tenant and the token hash it replaces."""
    return f"{PREFIX}:token-recovery:{token_hash}"


def audit_stream() -> str:
    return f"{PREFIX}:audit"


def collection_index(deployment_id: str, kind: str) -> str:
    """Sorted set (all scores 0, so ordered by id) of a deployment's collections of one kind."""
    return f"{deployment_data_prefix(deployment_id)}{kind}-index"


def collection_members_total(deployment_id: str, kind: str) -> str:
    """Persons in all of a deployment's collections of one kind, for Azure's per-resource quota."""
    return f"{deployment_data_prefix(deployment_id)}{kind}-members"


def collection(deployment_id: str, kind: str, collection_id: str) -> str:
    """A collection's own hash (name, userData, recognitionModel, createdDateTime)."""
    return f"{deployment_data_prefix(deployment_id)}{kind}:{collection_id}"


COLLECTION_PARTS = (
    "persons",        # hash personId -> JSON {name, userData}
    "person-order",   # sorted set of personIds, for paging
    "person-faces",   # hash personId -> comma-separated persistedFaceIds
    "faces",          # hash persistedFaceId -> JSON {personId?, userData}
    "face-order",     # sorted set of persistedFaceIds (face lists), for paging
    "embeddings",     # hash persistedFaceId -> 128 float32
    "training",       # hash: the latest training run
    "snapshot",       # hash: the last successful snapshot's version and shape
    "operations",     # set of the ids of its training operations
)
"""Every key a collection owns besides its snapshot's data blocks."""


def collection_part(deployment_id: str, kind: str, collection_id: str, part: str) -> str:
    return f"{collection(deployment_id, kind, collection_id)}:{part}"


def snapshot_block(deployment_id: str, kind: str, collection_id: str, version: str, block: str) -> str:
    """One block of a trained snapshot (matrix chunks, ids), written once, never updated."""
    return f"{collection(deployment_id, kind, collection_id)}:snapshot:{version}:{block}"


def operation(deployment_id: str, operation_id: str) -> str:
    """A long-running operation (training, or a PersonDirectory change), kept 48 hours."""
    return f"{deployment_data_prefix(deployment_id)}operation:{operation_id}"


DIRECTORY_PARTS = (
    "persons",        # hash personId -> JSON {name, userData}
    "person-order",   # sorted set of personIds, for paging
    "group-index",    # sorted set of dynamicPersonGroupIds, for paging
)
"""The PersonDirectory's own keys; faces live per recognition model, groups and references per id."""


def directory(deployment_id: str, part: str) -> str:
    """One of a deployment's PersonDirectory keys (DIRECTORY_PARTS)."""
    return f"{deployment_data_prefix(deployment_id)}directory:{part}"


DIRECTORY_FACE_PARTS = (
    "person-faces",   # hash personId -> comma-separated persistedFaceIds
    "faces",          # hash persistedFaceId -> JSON {personId, userData, provenance}
    "embeddings",     # hash persistedFaceId -> 128 float32
)
"""The PersonDirectory's faces of one recognition model: a person holds faces per model."""


def directory_faces(deployment_id: str, recognition_model: str, part: str) -> str:
    return f"{deployment_data_prefix(deployment_id)}directory:{recognition_model}:{part}"


def dynamic_person_group(deployment_id: str, group_id: str) -> str:
    """A dynamic person group's hash (name, userData, createdDateTime)."""
    return f"{deployment_data_prefix(deployment_id)}directory:group:{group_id}"


def dynamic_person_group_persons(deployment_id: str, group_id: str) -> str:
    """Sorted set (scores 0, ordered by id) of the persons a dynamic person group references."""
    return f"{dynamic_person_group(deployment_id, group_id)}:persons"


def person_group_references(deployment_id: str, person_id: str) -> str:
    """Sorted set (scores 0, ordered by id) of the dynamic person groups that reference a person."""
    return f"{deployment_data_prefix(deployment_id)}directory:person:{person_id}:groups"


def audit_head() -> str:
    """Hash: the audit chain's last hash, entry count and last entry id (deleting the tail shows)."""
    return f"{PREFIX}:audit:head"


def audit_by_tenant(tenant_id: str) -> str:
    """Sorted set of one tenant's audit entry ids, scored by decision time (ms): its own reads, and
    the recognition cadence. Kept apart from tenant data: the audit outlives a purge."""
    return f"{PREFIX}:audit:tenant:{tenant_id}"


def recognition_cadence(tenant_id: str) -> str:
    """Sorted set of a tenant's recent recognition calls, scored by time (ms): the live-stream cadence."""
    return f"{PREFIX}:cadence:{tenant_id}"


def trust_anchors() -> str:
    """Hash anchor id -> JSON of a trust anchor: the operator's list of capture-device CAs."""
    return f"{PREFIX}:trust-anchors"


def trust_anchor_fingerprints() -> str:
    """Hash certificate SHA-256 -> anchor id, so the same CA is listed once."""
    return f"{PREFIX}:trust-anchor-fingerprints"


def policy_in_force() -> str:
    """Hash: the newest terms-of-use version ever in force and its effective time (ms), so a clock
    set backwards cannot bring older terms back."""
    return f"{PREFIX}:policy-in-force"


def face_cadence(scope: str) -> str:
    """Sorted set of the faces (faceIds, or ids for faces detected without one) a tenant or a linked
    organization handled recently, scored by Redis's own time (ms): the live-stream throughput."""
    return f"{PREFIX}:face-cadence:{scope}"


def claimed_times(tenant_id: str) -> str:
    """List of a tenant's last claimed capture times with the Redis time each was claimed at."""
    return f"{PREFIX}:claimed-times:{tenant_id}"


def recent_frames(tenant_id: str) -> str:
    """List of perceptual hashes of a tenant's last images with the Redis time each arrived at."""
    return f"{PREFIX}:recent-frames:{tenant_id}"


def tenants_by_link(link_id: str) -> str:
    """Set of the ids of tenants sharing one link key (domain/linking.py: an opaque id of an email
    address, email domain or organization name), to link signups of one organization."""
    return f"{PREFIX}:tenants-by-link:{link_id}"


def tenant_links_indexed() -> str:
    """Set once every tenant is in the link index (tenants from before it existed are added then)."""
    return f"{PREFIX}:tenants-by-link:indexed:2"  # 2: organization names also keyed in small letters


def faults() -> str:
    """Hash fault id -> JSON of an injected fault (server/domain/faults.py), shared by every API host."""
    return f"{PREFIX}:faults"


def fault_order() -> str:
    """Sorted set fault id -> the place it was added in (1, 2, ...): the order faults are checked in,
    which neither a millisecond timestamp nor a host's clock can give."""
    return f"{PREFIX}:faults:order"


def fault_hits_left() -> str:
    """Hash fault id -> calls it may still hit, for faults added with a `count`."""
    return f"{PREFIX}:faults:hits-left"


def media_job(deployment_id: str, job_id: str) -> str:
    """A media job (redaction): its input, output, status and percentComplete, kept 7 days."""
    return f"{deployment_data_prefix(deployment_id)}media-job:{job_id}"


def media_job_tracks(deployment_id: str, job_id: str) -> str:
    """The face tracks a finished media job found (JSON), kept as long as the job."""
    return f"{deployment_data_prefix(deployment_id)}media-job:{job_id}:tracks"


def signing_secrets(deployment_name: str) -> str:
    """Hash "tenant id/key name" -> a deployment key encrypted under the server's signing key, for the
    deployments of every tenant with this name: Signature Version 4 names the deployment, not the
    tenant, so its verifier needs the key itself (server/store/signing_secrets.py)."""
    return f"{PREFIX}:sigv4-secrets:{deployment_name}"


def video_job(deployment_id: str, job_id: str) -> str:
    """A Rekognition video job (face detection or search): its video, parameters and status, kept 7 days."""
    return f"{deployment_data_prefix(deployment_id)}video-job:{job_id}"


def video_job_results(deployment_id: str, job_id: str, order: str) -> str:
    """List of a finished video job's results (JSON each) in one order (timestamp, or person index)."""
    return f"{deployment_data_prefix(deployment_id)}video-job:{job_id}:results:{order}"


def video_job_token(deployment_id: str, kind: str, token: str) -> str:
    """A ClientRequestToken of one Start operation -> "job id fingerprint", kept 7 days."""
    return f"{deployment_data_prefix(deployment_id)}video-job-token:{kind}:{token}"


def active_video_jobs(deployment_id: str) -> str:
    """Set of a deployment's video jobs that were in progress when last looked at."""
    return f"{deployment_data_prefix(deployment_id)}video-jobs-active"
