"""Media jobs in Redis: one hash a job, its face tracks beside it, both kept RETENTION_SECONDS.

Writes after creation only touch a job that still exists, so a job deleted (or purged with its
deployment) while a worker runs it is not brought back by the worker's next progress report.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from redis import Redis

from server.domain.clock import format_time
from server.domain.media_jobs import RETENTION_SECONDS, MediaJob
from server.store import keys
from server.store.codec import decode_hash, fields, text

_UPDATE_IF_PRESENT = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], unpack(ARGV))
  return 1
end
return 0
"""


class MediaJobStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def create(self, job: MediaJob) -> None:
        key = keys.media_job(job.deployment_id, job.job_id)
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields(job.to_record()))
            pipe.expire(key, RETENTION_SECONDS)
            pipe.execute()

    def get(self, deployment_id: str, job_id: str) -> MediaJob | None:
        raw = decode_hash(self.redis.hgetall(keys.media_job(deployment_id, job_id)))
        return MediaJob.from_record(raw) if raw else None

    def update(self, job: MediaJob) -> bool:
        """Write the whole job; False when it no longer exists."""
        return self._update_if_present(keys.media_job(job.deployment_id, job.job_id), job.to_record())

    def progress(self, deployment_id: str, job_id: str, percent: int, moment: datetime) -> bool:
        """A running job's percentComplete (and its heartbeat); False when it no longer exists."""
        stamp = format_time(moment)
        return self._update_if_present(keys.media_job(deployment_id, job_id), {
            "percent_complete": str(percent), "last_action": stamp, "heartbeat": stamp,
        })

    def beat(self, deployment_id: str, job_id: str, moment: datetime) -> bool:
        return self._update_if_present(keys.media_job(deployment_id, job_id), {"heartbeat": format_time(moment)})

    def save_tracks(self, deployment_id: str, job_id: str, tracks: Sequence[dict[str, Any]]) -> None:
        key = keys.media_job_tracks(deployment_id, job_id)
        ttl = int(self.redis.ttl(keys.media_job(deployment_id, job_id)))
        if ttl > 0:
            self.redis.set(key, json.dumps(list(tracks), separators=(",", ":")), ex=ttl)

    def tracks(self, deployment_id: str, job_id: str) -> list[dict[str, Any]] | None:
        raw = text(self.redis.get(keys.media_job_tracks(deployment_id, job_id)))
        return None if raw is None else list(json.loads(raw))

    def delete(self, deployment_id: str, job_id: str) -> bool:
        return bool(self.redis.delete(keys.media_job(deployment_id, job_id),
                                      keys.media_job_tracks(deployment_id, job_id)))

    def _update_if_present(self, key: str, record: dict[str, str]) -> bool:
        flat = [item for pair in record.items() for item in pair]
        return bool(self.redis.eval(_UPDATE_IF_PRESENT, 1, key, *flat))
