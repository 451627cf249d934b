"""The trust list in Redis: one hash of anchors, one of their fingerprints, changed together by Lua."""

from __future__ import annotations

from redis import Redis

from server.domain.trust_anchors import TrustAnchor
from server.store import keys
from server.store.codec import text

_ADD = """
local existing = redis.call('HGET', KEYS[2], ARGV[2])
if existing then return 'exists:' .. existing end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return 'full' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
return 'ok'
"""

_DELETE = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[2], ARGV[2]) == ARGV[1] then redis.call('HDEL', KEYS[2], ARGV[2]) end
return 1
"""


class TrustListFull(Exception):
    pass


class AlreadyListed(Exception):
    def __init__(self, anchor_id: str) -> None:
        super().__init__(anchor_id)
        self.anchor_id = anchor_id


class TrustAnchorStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def add(self, anchor: TrustAnchor, *, max_anchors: int) -> None:
        """Add an anchor; AlreadyListed when its certificate is, TrustListFull at `max_anchors`."""
        outcome = str(text(self.redis.eval(_ADD, 2, keys.trust_anchors(), keys.trust_anchor_fingerprints(),
                                           anchor.anchor_id, anchor.fingerprint, anchor.to_json(), max_anchors)))
        if outcome.startswith("exists:"):
            raise AlreadyListed(outcome.removeprefix("exists:"))
        if outcome == "full":
            raise TrustListFull()

    def get(self, anchor_id: str) -> TrustAnchor | None:
        raw = self.redis.hget(keys.trust_anchors(), anchor_id)
        return None if raw is None else TrustAnchor.from_json(anchor_id, raw)

    def list(self) -> list[TrustAnchor]:
        """Every anchor, oldest first."""
        raw = self.redis.hgetall(keys.trust_anchors())
        anchors = [TrustAnchor.from_json(str(text(anchor_id)), value) for anchor_id, value in raw.items()]
        return sorted(anchors, key=lambda anchor: (anchor.created_at, anchor.anchor_id))

    def delete(self, anchor: TrustAnchor) -> bool:
        return bool(self.redis.eval(_DELETE, 2, keys.trust_anchors(), keys.trust_anchor_fingerprints(),
                                    anchor.anchor_id, anchor.fingerprint))
