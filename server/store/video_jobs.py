"""Rekognition video jobs in Redis: one hash a job, its results as lists beside it, its
ClientRequestToken, and the set of a deployment's jobs in progress; all kept RETENTION_SECONDS.

Writes after creation only touch a job that still exists, so a job purged with its deployment while
a worker runs it is not brought back by the worker's next heartbeat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from redis import Redis

from server.domain.clock import format_time
from server.domain.media_jobs import RETENTION_SECONDS
from server.domain.video_jobs import VideoJob
from server.store import keys
from server.store.codec import decode_hash, fields, text
from server.store.transactions import update_if_present

_CLAIM_TOKEN = """
local held = redis.call('GET', KEYS[1])
if held then return held end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return false
"""

RESULT_BATCH = 1000
"""Results written per round trip."""


class VideoJobStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def create(self, job: VideoJob) -> None:
        key = keys.video_job(job.deployment_id, job.job_id)
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields(job.to_record()))
            pipe.expire(key, RETENTION_SECONDS)
            pipe.sadd(keys.active_video_jobs(job.deployment_id), job.job_id)
            pipe.expire(keys.active_video_jobs(job.deployment_id), RETENTION_SECONDS)
            pipe.execute()

    def claim_token(self, deployment_id: str, kind: str, token: str, job_id: str, fingerprint: str) -> str | None:
        """Hold `token` for this job; what another job holding it wrote ("job id fingerprint") if one does."""
        held = self.redis.eval(_CLAIM_TOKEN, 1, keys.video_job_token(deployment_id, kind, token),
                               f"{job_id} {fingerprint}", RETENTION_SECONDS)
        return text(held) if held else None

    def release_token(self, deployment_id: str, kind: str, token: str) -> None:
        self.redis.delete(keys.video_job_token(deployment_id, kind, token))

    def get(self, deployment_id: str, job_id: str) -> VideoJob | None:
        raw = decode_hash(self.redis.hgetall(keys.video_job(deployment_id, job_id)))
        return VideoJob.from_record(raw) if raw else None

    def active(self, deployment_id: str) -> list[str]:
        return sorted(str(text(job_id)) for job_id in self.redis.smembers(keys.active_video_jobs(deployment_id)))

    def set_inactive(self, deployment_id: str, job_ids: Sequence[str]) -> None:
        if job_ids:
            self.redis.srem(keys.active_video_jobs(deployment_id), *job_ids)

    def update(self, job: VideoJob) -> bool:
        """Write the whole job; False when it no longer exists."""
        return update_if_present(self.redis, keys.video_job(job.deployment_id, job.job_id), job.to_record())

    def beat(self, deployment_id: str, job_id: str, moment: datetime) -> bool:
        return update_if_present(self.redis, keys.video_job(deployment_id, job_id), {"heartbeat": format_time(moment)})

    def save_results(self, deployment_id: str, job_id: str, ordered: Mapping[str, Sequence[str]]) -> None:
        """The job's results, each order a list of JSON documents, kept as long as the job."""
        ttl = int(self.redis.ttl(keys.video_job(deployment_id, job_id)))
        if ttl <= 0:
            return
        with self.redis.pipeline(transaction=True) as pipe:
            for order, documents in ordered.items():
                key = keys.video_job_results(deployment_id, job_id, order)
                pipe.delete(key)
                for start in range(0, len(documents), RESULT_BATCH):
                    pipe.rpush(key, *documents[start:start + RESULT_BATCH])
                pipe.expire(key, ttl)
            pipe.execute()

    def results(self, deployment_id: str, job_id: str, order: str, start: int, count: int) -> tuple[list[str], int]:
        """`count` results from `start` in one order, and how many there are in all."""
        key = keys.video_job_results(deployment_id, job_id, order)
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.lrange(key, start, start + count - 1)
            pipe.llen(key)
            found, total = pipe.execute()
        return [str(text(item)) for item in found], int(total)
