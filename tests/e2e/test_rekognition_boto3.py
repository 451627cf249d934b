"""Unchanged boto3 and the AWS CLI against `visage up`, as an AWS user would point them at Visage: a
client made with only the endpoint, a region and the deployment's name and key. Videos and images
in S3 live on moto's S3 server over HTTP, which Visage reads with its own credentials.

The face search on the whole clip takes about a minute on two cores: it runs once."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from tests.support.faces import FACES_DIR, photo, single_face_people
from tests.support.live import LiveVisage, visage_up
from tests.support.s3 import MotoS3, aws_environment, moto_s3_server
from tests.support.video import CLIP

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
JOB_TIMEOUT = 600
SINGER_SHOT_MS = (2736, 7040)
"""Frames 82 to 210 of the clip: Lin-Manuel Miranda sings to the camera."""


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoS3]:
    with moto_s3_server() as server:
        yield server


@pytest.fixture(scope="module")
def live(moto: MotoS3, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveVisage]:
    with visage_up(tmp_path_factory.mktemp("visage"), extra_env=aws_environment(moto.endpoint)) as server:
        yield server


def rekognition(live: LiveVisage, account: dict[str, str]) -> Any:
    return boto3.client("rekognition", endpoint_url=live.endpoint, region_name=REGION,
                        aws_access_key_id=account["deployment"], aws_secret_access_key=account["key1"])


def test_unchanged_boto3_indexes_searches_compares_and_searches_a_video_in_s3(live: LiveVisage,
                                                                              moto: MotoS3) -> None:
    client = rekognition(live, live.sign_up())
    client.create_collection(CollectionId="people")
    by_identity: dict[str, list[str]] = {}
    for entry in single_face_people():
        by_identity.setdefault(str(entry.identity), []).append(entry.path)
    held_out = {identity: paths[-1] for identity, paths in by_identity.items() if len(paths) > 1}
    for identity, paths in by_identity.items():
        for path in paths:
            if path != held_out.get(identity):
                indexed = client.index_faces(CollectionId="people", Image={"Bytes": photo(path).read()},
                                             ExternalImageId=identity)
                assert len(indexed["FaceRecords"]) == 1, path
    for identity, path in held_out.items():
        found = client.search_faces_by_image(CollectionId="people", Image={"Bytes": photo(path).read()})
        assert found["FaceMatches"][0]["Face"]["ExternalImageId"] == identity, path

    compared = client.compare_faces(SourceImage={"Bytes": photo("people/obama/obama.jpg").read()},
                                    TargetImage={"Bytes": photo("groups/obama_and_biden.jpg").read()})
    assert len(compared["FaceMatches"]) == 1 and len(compared["UnmatchedFaces"]) == 2

    s3 = moto.client()
    s3.create_bucket(Bucket="footage")
    s3.upload_file(str(CLIP), "footage", "hamilton/clip.mp4")
    job_id = client.start_face_search(Video={"S3Object": {"Bucket": "footage", "Name": "hamilton/clip.mp4"}},
                                      CollectionId="people")["JobId"]
    deadline = time.monotonic() + JOB_TIMEOUT
    while (page := client.get_face_search(JobId=job_id))["JobStatus"] == "IN_PROGRESS":
        assert time.monotonic() < deadline, "the face search did not finish"
        time.sleep(3)
    assert page["JobStatus"] == "SUCCEEDED", page.get("StatusMessage")
    assert page["VideoMetadata"]["Codec"] == "h264" and page["VideoMetadata"]["FrameWidth"] == 640
    persons = page["Persons"]
    while "NextToken" in page:
        page = client.get_face_search(JobId=job_id, NextToken=page["NextToken"])
        persons += page["Persons"]
    best = {person["Timestamp"]: person["FaceMatches"][0]["Face"]["ExternalImageId"] for person in persons}
    singing = {identity for stamp, identity in best.items() if SINGER_SHOT_MS[0] <= stamp < SINGER_SHOT_MS[1]}
    assert singing == {"lin_manuel_miranda"}, "Lin-Manuel Miranda sings to the camera in the second shot"
    # the pianist in profile in the first shot is Alex Lacamoire, whose photos are indexed too
    assert set(best.values()) <= {"lin_manuel_miranda", "alex_lacamoire"}


def test_police_are_refused_real_time_identification_through_boto3(live: LiveVisage) -> None:
    account = live.sign_up(customer_type="law_enforcement", country="GB", organization="Kent Police",
                           use_cases=["investigative_identification"])
    reviewed = requests.post(live.url(f"/admin/v1/tenants/{account['tenant_id']}/review"),
                             json={"decision": "approve", "reason": "recorded material only"},
                             headers={"Authorization": f"Bearer {live.admin_token}"}, timeout=30)
    assert reviewed.status_code == 200
    client = rekognition(live, account)
    client.create_collection(CollectionId="suspects")
    image = {"Bytes": photo("people/obama/obama_small.jpg").read()}
    with pytest.raises(client.exceptions.AccessDeniedException, match="clause le-realtime-identification"):
        client.search_faces_by_image(CollectionId="suspects", Image=image)
    with pytest.raises(client.exceptions.AccessDeniedException, match="le-realtime-identification"):
        client.compare_faces(SourceImage=image, TargetImage=image)
    assert client.detect_faces(Image=image)["FaceDetails"]  # detection, e.g. for redaction, stays allowed


def test_the_readme_example_and_the_aws_cli_run_unchanged(live: LiveVisage, tmp_path: Path) -> None:
    account = live.sign_up(deployment="eu-face")  # the deployment the tour creates and the example signs as
    example = re.search(r"<!-- rekognition-example -->\s*```python\n(.*?)```", (REPO / "README.md").read_text(),
                        re.DOTALL)
    assert example, "the README's boto3 example is marked <!-- rekognition-example -->"
    script = tmp_path / "example.py"
    script.write_text(example.group(1))
    env = {**os.environ, **aws_environment(None, credentials=False), "EP": live.endpoint, "EU_KEY": account["key1"]}
    ran = subprocess.run([sys.executable, str(script)], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=300)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split()[0] == "obama"

    aws = Path(sys.executable).parent / "aws"
    cli_env = {**aws_environment(None, credentials=False), "PATH": os.environ["PATH"],
               "AWS_ENDPOINT_URL_REKOGNITION": live.endpoint, "AWS_ACCESS_KEY_ID": account["deployment"],
               "AWS_SECRET_ACCESS_KEY": account["key1"]}

    def cli(*arguments: str) -> Any:
        done = subprocess.run([str(aws), "rekognition", *arguments, "--output", "json"], env=cli_env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else None

    assert "staff" in cli("list-collections")["CollectionIds"]  # made by the README example
    detected = cli("detect-faces", "--image-bytes", f"fileb://{FACES_DIR / 'groups' / 'two_people.jpg'}")
    assert len(detected["FaceDetails"]) == 2
    refused = subprocess.run([str(aws), "rekognition", "describe-collection", "--collection-id", "staff"],
                             env={**cli_env, "AWS_SECRET_ACCESS_KEY": account["key1"][::-1]},
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "InvalidSignatureException" in refused.stderr
