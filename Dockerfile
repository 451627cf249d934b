# Visage in a container: `visage up` with the role given on the command line (default: everything, with
# a private Redis in the container). compose.yaml runs the scale-out topology: Redis with an append-only
# file, the API, and workers, each a container of this image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    VISAGE_DATA_DIR=/data

# redis-server only serves `--role all` without REDIS_URL; the compose topology uses its own Redis.
RUN apt-get update \
    && apt-get install -y --no-install-recommends redis-server \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY server ./server
COPY workers ./workers
# face-recognition declares dlib, which would compile for minutes; dlib-bin (a prebuilt wheel of the same
# library) comes with Visage's own dependencies, so face-recognition is installed without its dependencies.
RUN pip install . \
    && pip install --no-deps face-recognition==1.3.0

RUN useradd --system --uid 10001 --home-dir /data --create-home visage
USER visage
VOLUME ["/data"]
EXPOSE 8080

HEALTHCHECK --interval=10s --timeout=5s --start-period=120s \
    CMD ["python", "-c", "import json, sys, urllib.request; json.load(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4))"]

ENTRYPOINT ["visage"]
CMD ["up", "--host", "0.0.0.0", "--port", "8080"]
