"""`terraform-provider-visage`: the plugin that Terraform starts, and `--install-mirror DIR` for users."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from terraform_provider_visage import __version__

MAGIC_COOKIE = "TF_PLUGIN_MAGIC_COOKIE"
"""Terraform sets it when it starts a plugin; without it, a person ran the program by hand."""

USAGE = f"""\
terraform-provider-visage {__version__}: the Terraform provider for Visage (registry.terraform.io/visage/visage).

Terraform starts this program itself. To make it available to Terraform offline:

    terraform-provider-visage --install-mirror DIR
    export TF_CLI_CONFIG_FILE=DIR/terraform.rc
    terraform init

Options:
    --install-mirror DIR   write a filesystem mirror holding this provider, and its CLI config, under DIR
    --dev                  serve without TLS and print TF_REATTACH_PROVIDERS, for debugging
    --version              print the version
"""


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--version"]:
        print(__version__)
        return 0
    if args[:1] == ["--install-mirror"]:
        if len(args) != 2:
            print("usage: terraform-provider-visage --install-mirror DIR", file=sys.stderr)
            return 2
        from terraform_provider_visage.mirror import install_mirror

        config = install_mirror(Path(args[1]))
        print(f"Installed registry.terraform.io/visage/visage {__version__} into {config.parent}.\n"
              f"Point Terraform at it, then run `terraform init`:\n\n    export TF_CLI_CONFIG_FILE={config}")
        return 0
    asked_for_help = args[:1] in (["-h"], ["--help"])
    if asked_for_help or (MAGIC_COOKIE not in os.environ and "--dev" not in args):
        print(USAGE, file=sys.stdout if asked_for_help else sys.stderr)
        return 0 if asked_for_help else 1

    from tf.runner import run_provider

    from terraform_provider_visage.provider import VisageProvider

    run_provider(VisageProvider(), [sys.argv[0], *args])
    return 0
