"""The offline install: `terraform-provider-visage --install-mirror DIR` and the plugin entry point."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
from pathlib import Path

import pytest
from terraform_provider_visage import __version__, mirror
from terraform_provider_visage.main import main


def test_version_is_the_distributions() -> None:
    assert __version__ == importlib.metadata.version("terraform-provider-visage")


def test_platform_target_is_terraforms_name() -> None:
    assert mirror.platform_target() in {"linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64"}


def test_install_mirror_lays_out_an_unpacked_mirror_and_its_cli_config(tmp_path: Path) -> None:
    config = mirror.install_mirror(tmp_path / "mirror")
    package = tmp_path / "mirror" / "registry.terraform.io" / "visage" / "visage" / __version__
    [target] = package.iterdir()
    assert target.name == mirror.platform_target()
    shim = target / f"terraform-provider-visage_v{__version__}"
    assert os.access(shim, os.X_OK) and shim.read_text().startswith("#!/bin/sh\nexec ")
    text = config.read_text()
    assert f'path    = "{tmp_path / "mirror"}"' in text
    assert 'include = ["registry.terraform.io/visage/visage"]' in text
    assert 'exclude = ["registry.terraform.io/visage/visage"]' in text


def test_the_shim_runs_this_provider(tmp_path: Path) -> None:
    mirror.install_mirror(tmp_path)
    [shim] = (tmp_path / "registry.terraform.io").rglob("terraform-provider-visage_v*")
    done = subprocess.run([str(shim), "--version"], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == __version__


def test_install_mirror_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--install-mirror", str(tmp_path)]) == 0
    assert f"export TF_CLI_CONFIG_FILE={tmp_path / 'terraform.rc'}" in capsys.readouterr().out
    assert main(["--install-mirror"]) == 2


def test_run_by_hand_it_explains_itself(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("TF_PLUGIN_MAGIC_COOKIE", raising=False)
    assert main([]) == 1
    assert "--install-mirror DIR" in capsys.readouterr().err
    assert main(["--help"]) == 0
