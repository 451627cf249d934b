"""Tunables and limits, each with the reason for its value.

Azure's documented limits are quoted from ../shared/reference/azure-face-api.md; the others are
Visage's own choices.
"""

API_VERSIONS = ("v1.0", "v1.1-preview.1", "v1.2-preview.1", "v1.2")
"""Data-plane API versions served under /face/{apiVersion}. The official azure-ai-vision-face
1.0.0b2 client defaults to v1.2-preview.1; azure-cognitiveservices-vision-face uses v1.0."""

MIN_IMAGE_BYTES = 1024
"""Azure: "The allowed image file size is from 1KB to 6MB"."""

MAX_IMAGE_BYTES = 6 * 1024 * 1024
"""Azure's upper image size."""

MAX_IMAGE_PIXELS = 40_000_000
"""Largest decoded image accepted (width x height), checked from the header before decoding.
Azure states no pixel limit; a 6 MB PNG can claim billions of pixels (a decompression bomb), and
40 MP covers any phone or DSLR photo while capping a decode at about 120 MB of RGB."""

MAX_FACES_RETURNED = 100
"""Azure returns up to 100 faces an image, largest first."""

DETECTION_WORKING_SIDE = 1024
"""detection_01 looks for faces on a copy whose long side is at most this many
pixels (faces are then encoded from the full image). On a 1920x1080 photo this finds faces of
about 75 pixels and larger, at a quarter of the cost of scanning the full image."""

DETECTION_CNN_WORKING_SIDE = 768
"""detection_02 runs dlib's CNN (MMOD) detector, which finds side and blurry faces HOG misses but
costs about a second per 640 x 480 pixels on one core: it works on a smaller copy."""

DETECTION_FINE_WORKING_SIDE = 2048
"""detection_03 scans a copy up to this long side: it finds faces down to about 40 pixels on a
1080p photo (Azure's 36-pixel promise), at about four times the cost of detection_01."""

FACE_ID_TTL_DEFAULT = 86_400
"""Azure: faceIds "expire 24 hours after the detection call" unless faceIdTimeToLive says less."""

FACE_ID_TTL_MIN = 60
FACE_ID_TTL_MAX = 86_400

FETCH_CONNECT_TIMEOUT = 5.0
"""Seconds to connect to an image URL's host."""

FETCH_TOTAL_TIMEOUT = 15.0
"""Seconds for the whole download of an image URL, redirects included: a slow server cannot hold
an API worker longer than this."""

FETCH_MAX_REDIRECTS = 5
"""Redirects followed for an image URL, each re-checked against the address rules."""

API_KEY_BYTES = 32
"""Random bytes in a deployment key (256 bits; shown as 64 hex characters like Azure's keys)."""

TOKEN_BYTES = 32
"""Random bytes in management and admin tokens and in email verification links."""

RATE_LIMITS = {"F0": (20, 60), "S0": (10, 1)}
"""Calls allowed per window of seconds, per deployment: Azure's F0 has 20 transactions a minute
and S0 10 a second. Exceeding them answers 429 with Retry-After."""

SIGNUP_RATE_LIMIT = (30, 3600)
"""Signups allowed per client address per hour: enough for a team trying things out, too few to
mint accounts in bulk."""

MAX_JSON_BODY_BYTES = 1024 * 1024
"""JSON request bodies larger than this are refused before they are parsed."""

MAX_DEPLOYMENTS_PER_TENANT = 20
"""Azure allows 10 S0 resources and one F0 per region; Visage keeps a flat cap per tenant."""

WORKER_HEARTBEAT_FRESH_SECONDS = 90
"""/healthz counts a worker as answering when its last heartbeat is this recent (it beats about
every 30 seconds while idle: WORKER_TTL_SECONDS)."""

WORKER_TTL_SECONDS = 45
"""RQ's worker_ttl. An idle RQ worker beats once per blocking dequeue, which waits worker_ttl - 15
seconds: RQ's default (420) would beat every 405 s, so /healthz, which wants a beat within
WORKER_HEARTBEAT_FRESH_SECONDS, would call an idle worker dead most of the time. 45 makes it 30 s."""

AUDIT_CHECKPOINT_EVERY = 100
"""Audit entries between two signed checkpoints in the data dir. Whoever can write to Redis can
delete the newest entries since the last checkpoint and rewind the head unnoticed, so this is the
most that can go missing silently. A checkpoint checks those entries again (about 70 microseconds
each) and fsyncs one file: bench/audit_append.py finds it within the noise of the appends
themselves (about 0.7 ms each, two round trips to Redis)."""

MAX_FAULTS = 100
"""Injected faults at once. Every data-plane call reads the whole list, so it stays short; a
resilience test needs a handful."""

FAULT_MAX_LATENCY_MS = 30_000
"""The longest delay a fault may add. It holds an API worker for that long, and gunicorn kills a
worker silent for 120 s; 30 s is past any client's sensible timeout already."""

FAULT_MAX_COUNT = 1_000_000_000
"""The most calls a counted fault may hit. Its hits left are a Redis integer (64 bits); a billion is
past any resilience test, and `null` hits until deleted anyway."""

FAULT_RETRY_AFTER_SECONDS = 1
"""The Retry-After of an injected 429 or 503 unless the fault says otherwise: short, so resilience
tests that honour it stay fast."""

FAULT_MAX_RETRY_AFTER_SECONDS = 3600
"""The longest Retry-After a fault may state (an hour: long enough to test a client that gives up)."""

CORS_MAX_AGE_SECONDS = 600
"""How long a browser may reuse a preflight answer: ten minutes (Chromium caps it at two hours),
so a browser app preflights rarely, yet a changed VISAGE_CORS_ORIGINS reaches it soon."""

LATENCY_BUCKETS_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
"""Request latency histogram buckets: Prometheus's defaults (5 ms to 10 s, where management calls
and most detections fall) plus 30 and 60 s for detection_02 on large photos and URL fetches that
run into their 15 s limit."""

MAX_VIDEO_BYTES = 2 * 1024 ** 3
"""Largest video file accepted (upload, URL or S3 object). Rekognition takes up to 10 GB; Visage runs
on one machine and copies a video to local disk before it reads it, so it stops at 2 GB (an hour
of 1080p from a body-worn camera is about 1.5 GB)."""

MAX_VIDEO_SECONDS = 2 * 3600
"""Longest video accepted. Rekognition takes 6 hours; detection on a laptop runs at a few times
real time, so Visage stops at 2 hours (a long shift's recording comes in several files anyway)."""

MAX_VIDEO_FRAME_PIXELS = 3840 * 2160
"""Largest frame accepted (4K UHD): one decoded frame then takes 25 MB, and nothing holds more than
a few frames at once."""

MAX_VIDEO_FPS = 240.0
"""Highest frame rate accepted (phones record slow motion at 240 fps)."""

MAX_VIDEO_FRAMES = 432_000
"""Most frames decoded from one video (2 hours at 60 fps): a container that misstates its length
cannot keep a worker decoding for ever."""
