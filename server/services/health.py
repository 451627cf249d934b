"""Whether Visage can serve: Redis answers, and at least one RQ worker beats."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from redis import Redis
from redis.exceptions import RedisError
from rq import Worker

from server import defaults


@dataclasses.dataclass(frozen=True)
class Health:
    status: str
    redis: str
    workers: int

    @property
    def ready(self) -> bool:
        return self.status == "ok"


def check_health(redis: Redis) -> Health:
    try:
        redis.ping()
    except RedisError as error:
        return Health("unavailable", f"unreachable: {error}", 0)
    moment = datetime.now(UTC)
    answering = 0
    for worker in Worker.all(connection=redis):
        beat = worker.last_heartbeat
        if beat is not None:
            beat = beat if beat.tzinfo else beat.replace(tzinfo=UTC)
            if (moment - beat).total_seconds() <= defaults.WORKER_HEARTBEAT_FRESH_SECONDS:
                answering += 1
    return Health("ok" if answering else "unavailable", "ok", answering)
