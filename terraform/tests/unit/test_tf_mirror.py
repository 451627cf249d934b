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


def test_the_sdk_it_depends_on_is_this_repositorys() -> None:
    """PyPI's `visage-sdk` is another project: the provider pins the version of the SDK in ../sdk, and that is
    the one installed."""
    import visage

    assert f"visage-sdk=={visage.__version__}" in (importlib.metadata.requires("terraform-provider-visage") or [])
    assert importlib.metadata.version("visage-sdk") == visage.__version__
    assert hasattr(visage.ManagementClient, "create_managed_large_person_group")


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


def test_the_shim_starts_the_provider_and_its_sdk_from_anywhere(tmp_path: Path) -> None:
    """As Terraform starts it: from another directory, with no PYTHONPATH. `--dev` imports the provider (and with
    it `visage`), says so and serves until stopped."""
    mirror.install_mirror(tmp_path)
    [shim] = (tmp_path / "registry.terraform.io").rglob("terraform-provider-visage_v*")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}
    with subprocess.Popen([str(shim), "--dev"], cwd=tmp_path, env={**env, "PYTHONUNBUFFERED": "1"},
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as provider:
        try:
            assert provider.stdout is not None
            first_line = provider.stdout.readline()
        finally:
            provider.terminate()
        _, stderr = provider.communicate(timeout=30)
    assert first_line.strip() == "Running in dev mode", stderr


def test_install_mirror_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--install-mirror", str(tmp_path)]) == 0
    assert f"export TF_CLI_CONFIG_FILE={tmp_path / 'terraform.rc'}" in capsys.readouterr().out
    assert main(["--install-mirror"]) == 2


def test_run_by_hand_it_explains_itself(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("TF_PLUGIN_MAGIC_COOKIE", raising=False)
    assert main([]) == 1
    assert "--install-mirror DIR" in capsys.readouterr().err
    assert main(["--help"]) == 0
