"""Fixtures of the SDK's unit tests: a fake clock, mocked HTTP (`responses`), and clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses
from visage import AdminClient, FaceClient, ManagementClient
from visage_fakes import ENDPOINT, KEY, NO_JITTER, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def http() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def client(clock: FakeClock) -> Iterator[FaceClient]:
    with FaceClient(ENDPOINT, KEY, retry=NO_JITTER, clock=clock) as face_client:
        yield face_client


@pytest.fixture
def management(clock: FakeClock) -> Iterator[ManagementClient]:
    with ManagementClient(ENDPOINT, "mgmt-token", retry=NO_JITTER, clock=clock) as management_client:
        yield management_client


@pytest.fixture
def admin(clock: FakeClock) -> Iterator[AdminClient]:
    with AdminClient(ENDPOINT, "admin-token", retry=NO_JITTER, clock=clock) as admin_client:
        yield admin_client
