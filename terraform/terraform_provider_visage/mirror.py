"""An offline install: a Terraform filesystem mirror that holds this provider, and a CLI config that uses it.

Terraform finds `registry.terraform.io/visage/visage` in the mirror (the "unpacked" layout, a directory per
version and platform holding the executable), so `terraform init` works with no registry and no network.
The executable there is a two-line shell script that runs the provider installed in this Python
environment, so a later `pip install -e` of the provider needs no new mirror.
"""

from __future__ import annotations

import platform
import shlex
import stat
import sys
from pathlib import Path

from terraform_provider_visage import __version__

HOSTNAME, NAMESPACE, TYPE = "registry.terraform.io", "visage", "visage"
SOURCE = f"{HOSTNAME}/{NAMESPACE}/{TYPE}"
EXECUTABLE = f"terraform-provider-{TYPE}"
CLI_CONFIG_NAME = "terraform.rc"

_ARCHITECTURES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


def platform_target() -> str:
    """Terraform's name for this platform, e.g. `linux_amd64`."""
    machine = platform.machine().lower()
    return f"{platform.system().lower()}_{_ARCHITECTURES.get(machine, machine)}"


def provider_command() -> list[str]:
    """How to run this provider from this environment: its console script, else `python -m`. The path is not
    resolved: a virtual environment's `bin/python` must stay the link it is, or the environment is lost."""
    script = Path(sys.executable).parent / EXECUTABLE
    if script.exists():
        return [str(script.absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "terraform_provider_visage"]


def cli_config(mirror: Path) -> str:
    path = str(mirror).replace("\\", "/")
    return (
        "# Written by `terraform-provider-visage --install-mirror`: take visage/visage from the local mirror,\n"
        "# every other provider from its registry as usual.\n"
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{path}"\n'
        f'    include = ["{SOURCE}"]\n'
        "  }\n"
        "  direct {\n"
        f'    exclude = ["{SOURCE}"]\n'
        "  }\n"
        "}\n"
    )


def install_mirror(mirror: Path) -> Path:
    """Lay out the mirror under `mirror` and write its CLI config there; return the config's path."""
    mirror = mirror.absolute()
    package = mirror / HOSTNAME / NAMESPACE / TYPE / __version__ / platform_target()
    package.mkdir(parents=True, exist_ok=True)
    shim = package / f"{EXECUTABLE}_v{__version__}"
    shim.write_text(f"#!/bin/sh\nexec {shlex.join(provider_command())} \"$@\"\n")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    config = mirror / CLI_CONFIG_NAME
    config.write_text(cli_config(mirror))
    return config
