"""`visage up --tls`: HTTPS that Python requests (REQUESTS_CA_BUNDLE) and Node's https module
(NODE_EXTRA_CA_CERTS) trust through the printed CA file, with no insecure flag; without it, both refuse."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from server.services.dev_account import DEV_KEY1
from tests.support.faces import photo
from tests.support.live import visage_up

pytestmark = pytest.mark.slow

PYTHON_CLIENT = """
import sys, requests
response = requests.post(sys.argv[1] + "/face/v1.2/detect", data=open(sys.argv[2], "rb").read(),
                         headers={"Ocp-Apim-Subscription-Key": sys.argv[3],
                                  "Content-Type": "application/octet-stream"}, timeout=60)
print(response.status_code, len(response.json()))
"""

NODE_CLIENT = """
const https = require("https");
https.get(process.argv[1] + "/healthz", (response) => {
  let body = "";
  response.on("data", (chunk) => { body += chunk; });
  response.on("end", () => { console.log(response.statusCode, JSON.parse(body).status); });
}).on("error", (error) => { console.log("error", error.code); process.exit(3); });
"""


def client_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS")}
    return {**env, **extra}


def python_detect(endpoint: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    image = photo("people/obama/obama_small.jpg").file
    return subprocess.run([sys.executable, "-c", PYTHON_CLIENT, endpoint, str(image), DEV_KEY1], env=env,
                          capture_output=True, text=True, timeout=120)


def node_health(endpoint: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed for the JavaScript client test: install nodejs (.ci/run does)")
    return subprocess.run([node, "-e", NODE_CLIENT, endpoint], env=env, capture_output=True, text=True, timeout=60)


def test_https_is_trusted_through_the_printed_ca_file_and_only_through_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with visage_up(data_dir, args=["--tls", "--dev"]) as live:
        assert live.endpoint.startswith("https://127.0.0.1:")
        printed = re.search(r"CA file:\s+(\S+)", "".join(live.output))
        assert printed is not None
        ca_file = Path(printed.group(1))
        assert ca_file == data_dir.resolve() / "tls" / "ca.pem"
        assert f"REQUESTS_CA_BUNDLE={ca_file}" in "".join(live.output)
        localhost = live.endpoint.replace("127.0.0.1", "localhost")

        for endpoint in (live.endpoint, localhost):
            trusted = python_detect(endpoint, client_env(REQUESTS_CA_BUNDLE=str(ca_file)))
            assert (trusted.returncode, trusted.stdout) == (0, "200 1\n"), trusted.stderr
            node = node_health(endpoint, client_env(NODE_EXTRA_CA_CERTS=str(ca_file)))
            assert (node.returncode, node.stdout) == (0, "200 ok\n"), node.stderr

        untrusted = python_detect(live.endpoint, client_env())
        assert untrusted.returncode != 0 and "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr
        refused = node_health(live.endpoint, client_env())
        assert refused.returncode == 3 and refused.stdout.startswith("error UNABLE_TO_VERIFY_LEAF_SIGNATURE")
