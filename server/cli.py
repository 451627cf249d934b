"""The `visage` command: `visage up`, `visage worker`, and operator tools."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from server import redact_cli

DEFAULT_PORT = 8080

REDIS_URL_FILE = "redis.url"
"""Where `visage up` writes the URL of the Redis it uses, for tools like `visage audit verify`."""


def default_data_dir() -> Path:
    from server.config import default_data_dir as configured

    return configured()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="visage", description="A local, Azure-Face-compatible face API.")
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="run the API, the workers and (unless REDIS_URL is set) Redis")
    up.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    up.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    up.add_argument("--data-dir", type=Path, default=None,
                    help="where Redis data and the admin token live (default $VISAGE_DATA_DIR or ~/.visage)")
    up.add_argument("--workers", type=int, default=2, help="RQ worker processes (default 2)")
    up.add_argument("--api-processes", type=int, default=None,
                    help="gunicorn worker processes (default: one per CPU core, at most 4)")

    commands.add_parser("worker", help="run one RQ worker against REDIS_URL")

    audit = commands.add_parser("audit", help="operator tools for the audit trail")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    for name, summary in (("verify", "check the keyed audit chain to the stream's end against the last checkpoint; "
                                     "exit 1 if it is broken, 2 if it cannot be checked"),
                          ("checkpoint", "check the entries since the last checkpoint and sign a new one")):
        tool = audit_commands.add_parser(name, help=summary)
        tool.add_argument("--data-dir", type=Path, default=None,
                          help="the data dir of `visage up`, which holds the audit key and checkpoints "
                               "(default $VISAGE_DATA_DIR or ~/.visage)")

    redact_cli.register(commands)

    document = commands.add_parser("openapi", help="print the OpenAPI document the app generates")
    document.add_argument("--write", type=Path, metavar="FILE", help="write it to FILE instead (openapi/visage.yaml)")

    args = parser.parse_args(argv)
    if args.command == "up":
        from server.up import Options, run

        return run(Options(
            host=args.host,
            port=args.port,
            data_dir=(args.data_dir or default_data_dir()).expanduser().resolve(),
            workers=max(1, args.workers),
            api_processes=args.api_processes or min(4, os.cpu_count() or 1),
        ))
    if args.command == "worker":
        from workers.main import main as worker_main

        worker_main()
        return 0
    if args.command == "openapi":
        return write_openapi(args.write)
    if args.command == "redact":
        return redact_cli.run(args)
    if args.command == "audit":
        from server.audit_cli import checkpoint_audit, verify_audit

        data_dir = (args.data_dir or default_data_dir()).expanduser()
        url = redis_url_for_tools(data_dir)
        return verify_audit(url, data_dir) if args.audit_command == "verify" else checkpoint_audit(url, data_dir)
    parser.error(f"unknown command {args.command}")
    return 2


def redis_url_for_tools(data_dir: Path | None = None) -> str:
    """REDIS_URL, else the private Redis of a running `visage up` (it writes its URL to the data
    dir), else Redis's default address."""
    if url := os.environ.get("REDIS_URL"):
        return url
    written = (data_dir or default_data_dir()).expanduser() / REDIS_URL_FILE
    if written.exists():
        return written.read_text().strip()
    return "redis://127.0.0.1:6379/0"


def write_openapi(target: Path | None) -> int:
    from server import create_app, openapi

    text = openapi.to_yaml(openapi.build(create_app({"REDIS_URL": "redis://unused.invalid:6379/0"})))
    if target is None:
        sys.stdout.write(text)
    else:
        target.write_text(text)
        print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
