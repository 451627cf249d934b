"""Large person groups filled with synthetic embeddings through the store layer (no images), so that a
training takes seconds: long enough to kill its worker in the middle of it."""

from __future__ import annotations

import uuid

import numpy as np
import requests
from redis import Redis

from server.domain.capture import CaptureContext
from server.domain.clock import now
from server.domain.collections import RULES, CollectionKind
from server.domain.detection import DetectionModel, RecognitionModel
from server.domain.faces import FaceRecord
from server.store.collections import CollectionStore
from server.store.deployments import DeploymentRepository
from server.store.faces import FaceRepository

IMPORT_BATCH = 20_000
CROWD = 100_000
"""Persons in a crowd: training them takes about 5 s on one core, filling them about 9 s."""


def create_crowd(endpoint: str, key: str, redis: Redis, tenant_id: str, deployment: str, group: str,
                 count: int = CROWD, seed: int = 0) -> np.ndarray:
    """Create the group through the API, then import `count` persons of one face each; their embeddings."""
    created = requests.put(f"{endpoint}/face/v1.2/largepersongroups/{group}",
                           json={"name": group, "recognitionModel": "recognition_04"},
                           headers={"Ocp-Apim-Subscription-Key": key}, timeout=30)
    assert created.status_code == 200, created.text
    deployment_id = DeploymentRepository(redis).get(tenant_id, deployment).deployment_id
    store = CollectionStore(redis, deployment_id, RULES[CollectionKind.LARGE_PERSON_GROUP])
    matrix = np.random.default_rng(seed).normal(scale=0.09, size=(count, 128)).astype(np.float32)
    for start in range(0, count, IMPORT_BATCH):
        store.import_persons(group, [(str(uuid.uuid4()), f"person {i}", [(str(uuid.uuid4()), matrix[i])])
                                     for i in range(start, min(count, start + IMPORT_BATCH))])
    return matrix


def train(endpoint: str, key: str, group: str) -> str:
    """Start a training; its operation URL."""
    response = requests.post(f"{endpoint}/face/v1.2/largepersongroups/{group}/train",
                             headers={"Ocp-Apim-Subscription-Key": key}, timeout=30)
    assert response.status_code == 202, response.text
    return str(response.headers["Operation-Location"])


def training_status(endpoint: str, key: str, group: str) -> dict[str, str]:
    response = requests.get(f"{endpoint}/face/v1.2/largepersongroups/{group}/training",
                            headers={"Ocp-Apim-Subscription-Key": key}, timeout=30)
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def identify_nearest(endpoint: str, key: str, redis: Redis, tenant_id: str, deployment: str, group: str,
                     vector: np.ndarray) -> int:
    """Identify a face with this embedding in the group (through the API); how many candidates it found."""
    deployment_id = DeploymentRepository(redis).get(tenant_id, deployment).deployment_id
    record = FaceRecord(str(uuid.uuid4()), tenant_id, deployment_id, DetectionModel.DETECTION_01,
                        RecognitionModel.RECOGNITION_04, vector.astype(np.float32), CaptureContext(), now())
    FaceRepository(redis).save_all([record], 600)
    answer = requests.post(f"{endpoint}/face/v1.2/identify", headers={"Ocp-Apim-Subscription-Key": key},
                           json={"faceIds": [record.face_id], "largePersonGroupId": group}, timeout=120)
    assert answer.status_code == 200, answer.text
    return len(answer.json()[0]["candidates"])
