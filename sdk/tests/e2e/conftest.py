"""E2E fixtures: one `visage up` for the session (through the repository's test helper), and an
account (tenant, deployment, keys) made through the SDK itself."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[3]
if str(REPOSITORY) not in sys.path:  # `tests.support` lives at the repository root
    sys.path.insert(0, str(REPOSITORY))

from sdk_live import Account, open_account  # noqa: E402

from tests.support.live import LiveVisage, visage_up  # noqa: E402


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveVisage]:
    data_dir = tmp_path_factory.mktemp("visage-sdk-e2e")
    with visage_up(data_dir, extra_env={"VISAGE_SIGNUP_RATE_LIMIT": "off"}) as server:
        yield server


@pytest.fixture(scope="session")
def account(live: LiveVisage) -> Account:
    """A commercial tenant in GB with an S0 deployment: approved for recognition at signup."""
    return open_account(live.endpoint)
