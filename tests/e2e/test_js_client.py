"""Microsoft's official JavaScript Face client (@azure-rest/ai-vision-face, pinned in tests/e2e/js's
lock file), unchanged, against a live `visage up` with an endpoint and a key: the PersonDirectory
with the client's own long-running operation pollers.

Node.js 20 or later must be on PATH (the locked @azure/core packages need it; Debian 12's own
nodejs is 18). When node_modules is missing, `npm ci` installs exactly the locked versions, once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.faces import FACES_DIR, photo
from tests.support.http import serve_bytes
from tests.support.live import LiveVisage, visage_up

pytestmark = pytest.mark.slow

JS_DIR = Path(__file__).resolve().parent / "js"
SCRIPT_TIMEOUT = 180


def node() -> str:
    found = shutil.which("node")
    assert found, "Node.js 20 or later is needed on PATH for the official JavaScript client's test"
    version = subprocess.run([found, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    assert int(version.lstrip("v").split(".")[0]) >= 20, f"Node.js 20 or later is needed, found {version}"
    return found


@pytest.fixture(scope="module")
def installed() -> str:
    """node, with the locked client installed in tests/e2e/js/node_modules."""
    executable = node()
    if not (JS_DIR / "node_modules" / "@azure-rest" / "ai-vision-face").is_dir():
        npm = shutil.which("npm")
        assert npm, "npm is needed to install the locked JavaScript client once (apt-get install npm)"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, check=True, timeout=600)
    return executable


@pytest.fixture(scope="module")
def served_image() -> Iterator[str]:
    with serve_bytes(photo("people/rose_leslie/img2.jpg").read()) as url:
        yield url


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveVisage]:
    with visage_up(Path(tmp_path_factory.mktemp("visage")), extra_env={
            "VISAGE_RATE_LIMITS": "off", "VISAGE_URL_ALLOWLIST": "127.0.0.1/32"}) as server:
        yield server


def run_script(installed: str, live: LiveVisage, image_url: str, api_version: str | None) -> dict[str, Any]:
    environment = {**os.environ, "VISAGE_ENDPOINT": live.endpoint, "VISAGE_KEY": live.sign_up()["key1"],
                   "VISAGE_FACES": str(FACES_DIR), "VISAGE_IMAGE_URL": image_url}
    if api_version:
        environment["VISAGE_API_VERSION"] = api_version
    finished = subprocess.run([installed, "person_directory.mjs"], cwd=JS_DIR, env=environment, capture_output=True,
                              text=True, timeout=SCRIPT_TIMEOUT)
    assert finished.returncode == 0, finished.stderr + finished.stdout
    seen: dict[str, Any] = json.loads(finished.stdout.strip().splitlines()[-1])
    return seen


@pytest.mark.parametrize("api_version", [None, "v1.2-preview.1"])
def test_the_official_js_client_walks_the_person_directory(installed: str, live: LiveVisage, served_image: str,
                                                            api_version: str | None) -> None:
    seen = run_script(installed, live, served_image, api_version)
    ids = seen["ids"]
    barack, rose = ids["barack"], ids["rose"]
    version = api_version or "v1.1-preview.1"  # the client's default

    created = seen["createPerson"]
    assert (created["status"], created["poll"]) == ("202", "succeeded")
    assert created["operationLocation"].startswith(f"{live.endpoint}/face/{version}/operations/")
    assert created["location"] == f"{live.endpoint}/face/{version}/persons/{barack}"
    assert created["final"] == {"personId": barack, "name": "Barack", "userData": "44"}
    assert seen["person"] == {"personId": rose, "name": "Rose", "userData": "actor"}
    assert seen["allPersons"] == sorted([barack, rose])
    assert [listed["personId"] for listed in seen["persons"]] == [min(barack, rose)]

    assert (seen["addFace"]["status"], seen["addFace"]["poll"]) == ("202", "succeeded")
    assert seen["addFace"]["final"] == {"persistedFaceId": ids["face"], "userData": "first"}
    assert (seen["addFaceFromUrl"]["status"], seen["addFaceFromUrl"]["poll"]) == ("202", "succeeded")
    assert seen["faces"] == {"personId": barack, "persistedFaceIds": [ids["face"]]}
    assert seen["otherModelFaces"] == {"personId": barack, "persistedFaceIds": []}
    assert seen["face"] == {"persistedFaceId": ids["face"], "userData": "renamed"}

    assert seen["createGroupWithPersons"]["status"] == "202"
    assert seen["createGroupWithPersons"]["final"] == {"dynamicPersonGroupId": "staff", "name": "Staff"}
    assert (seen["createEmptyGroup"], seen["addPersons"]["status"], seen["rename"]) == ("200", "202", "200")
    assert seen["group"] == {"dynamicPersonGroupId": "staff", "name": "All staff"}
    assert seen["groups"] == ["empty", "staff"]
    assert seen["groupPersons"] == {"personIds": sorted([barack, rose])}
    assert seen["references"] == {"dynamicPersonGroupIds": ["staff"]}

    [everyone] = seen["identifyAll"]
    assert everyone["faceId"] == ids["probe"] and [c["personId"] for c in everyone["candidates"]] == [barack]
    assert seen["identifyPersons"][0]["candidates"] == []
    assert [c["personId"] for c in seen["identifyGroup"][0]["candidates"]] == [barack]
    assert seen["verify"]["isIdentical"] is True and seen["verifyOther"]["isIdentical"] is False

    assert seen["missingPerson"] == {"status": "404", "code": "PersonNotFound", "header": "PersonNotFound"}
    assert seen["deletes"] == [["202", "succeeded"]] * 3
    assert seen["afterDelete"] == "404"
    assert seen["roseReferences"] == {"dynamicPersonGroupIds": []}
