"""Run the `terraform` CLI in a working directory, as a user would, with the provider from a local mirror."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

COMMAND_TIMEOUT = 180
"""One terraform command: init, plan or apply of a handful of objects takes seconds; this is for slow CI."""

PROVIDER_SCRIPT = Path(sys.executable).parent / "terraform-provider-visage"


def install_mirror(directory: Path) -> Path:
    """`terraform-provider-visage --install-mirror DIR`, the documented command; returns the CLI config."""
    if not PROVIDER_SCRIPT.exists():
        pytest.fail(f"{PROVIDER_SCRIPT} is missing: install the provider (pip install -e './terraform[test]')")
    subprocess.run([str(PROVIDER_SCRIPT), "--install-mirror", str(directory)], check=True, timeout=60,
                   capture_output=True, text=True)
    return directory / "terraform.rc"


def environment(cli_config: Path, endpoint: str, token: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TF_", "VISAGE_"))}
    env.update({
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",  # no version check against HashiCorp's servers
        "VISAGE_ENDPOINT": endpoint,
        "VISAGE_MANAGEMENT_TOKEN": token,
    })
    return env


class Terraform:
    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir = workdir
        self.env = env
        self.binary = shutil.which("terraform") or "terraform"

    def run(self, *args: str, expect: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([self.binary, *args], cwd=self.workdir, env=self.env, capture_output=True, text=True,
                              timeout=COMMAND_TIMEOUT)
        if done.returncode not in expect:
            pytest.fail(f"terraform {' '.join(args)} exited {done.returncode} (expected {expect}) in "
                        f"{self.workdir}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}")
        return done

    def init(self) -> None:
        self.run("init", "-no-color")

    def apply(self, *variables: str) -> None:
        self.run("apply", "-auto-approve", "-no-color", *variables)

    def plan(self, *variables: str, out: str | None = None) -> int:
        """`plan -detailed-exitcode`: 0 no changes, 2 changes (1 is an error, and fails the test)."""
        extra = [f"-out={out}"] if out else []
        return self.run("plan", "-detailed-exitcode", "-no-color", *extra, *variables, expect=(0, 2)).returncode

    def outputs(self) -> dict[str, Any]:
        raw = json.loads(self.run("output", "-json").stdout)
        return {name: value["value"] for name, value in raw.items()}

    def show(self, *args: str) -> dict[str, Any]:
        shown: dict[str, Any] = json.loads(self.run("show", "-json", *args).stdout)
        return shown

    def resources(self) -> dict[str, dict[str, Any]]:
        """The state's resources by address, with their attribute values."""
        root = self.show().get("values", {}).get("root_module", {})
        return {r["address"]: r["values"] for r in root.get("resources", [])}
