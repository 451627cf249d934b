"""The `visage` command: `up`, `status`, `reset`, `worker`, `audit verify|checkpoint`, `openapi`, `--version`.

Tools that read a running Visage (`status`, `audit ...`) use REDIS_URL when it is set, else the
Redis of the instance running with the data dir (--data-dir, $VISAGE_DATA_DIR or ~/.visage); when
none runs they say so in one line and exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from server.config import default_data_dir
from server.datadir import DataDir, DataDirBusy, NoInstance

if TYPE_CHECKING:
    from redis import Redis

from server import redact_cli

DEFAULT_PORT = 8080

EXIT_NO_INSTANCE = 2
"""Exit status of a tool that found no Visage to talk to (the audit tools' "cannot be checked")."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    data_dir = (getattr(args, "data_dir", None) or default_data_dir()).expanduser().resolve()
    if args.command in ("up", "status", "reset", "audit") and data_dir.exists() and not data_dir.is_dir():
        print(f"visage: the data dir {data_dir} is not a directory", file=sys.stderr)
        return 1 if args.command in ("up", "reset") else EXIT_NO_INSTANCE
    if args.command == "up":
        from server.up import Options, Role, run

        return run(Options(
            host=args.host,
            port=args.port,
            data_dir=data_dir,
            workers=max(1, args.workers),
            api_processes=args.api_processes or min(4, os.cpu_count() or 1),
            role=Role(args.role),
            tls=args.tls,
            dev=args.dev,
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
        return audit(args.audit_command, data_dir)
    if args.command == "status":
        return show_status(data_dir)
    if args.command == "reset":
        return reset(data_dir, assume_yes=args.yes)
    parser.error(f"unknown command {args.command}")
    return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="visage", description="A local, Azure-Face-compatible face API.")
    parser.add_argument("--version", action="version", version=f"visage {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    data_dir_help = "the instance's data dir (default $VISAGE_DATA_DIR or ~/.visage)"

    up = commands.add_parser("up", help="run the API, the workers and (unless REDIS_URL is set) Redis")
    up.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    up.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    up.add_argument("--data-dir", type=Path, default=None, help=data_dir_help)
    up.add_argument("--workers", type=int, default=2, help="RQ worker processes (default 2)")
    up.add_argument("--api-processes", type=int, default=None,
                    help="gunicorn worker processes (default: one per CPU core, at most 4)")
    up.add_argument("--role", choices=["all", "api", "worker"], default="all",
                    help="run the API, the workers or both (default all); api and worker need REDIS_URL")
    up.add_argument("--tls", action="store_true",
                    help="serve HTTPS with a certificate from a local CA kept in the data dir")
    up.add_argument("--dev", action="store_true",
                    help="create the development tenant with well-known keys (never where others can reach it)")

    commands.add_parser("worker", help="run one RQ worker against REDIS_URL")

    status = commands.add_parser("status", help="tenants, deployments, queues, running jobs and recent refusals")
    status.add_argument("--data-dir", type=Path, default=None, help=data_dir_help)

    reset_parser = commands.add_parser("reset", help="wipe one stopped instance's data (Redis data, media, logs)")
    reset_parser.add_argument("--data-dir", type=Path, default=None, help=data_dir_help)
    reset_parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

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
    return parser


def _version() -> str:
    try:
        return version("visage")
    except PackageNotFoundError:
        return "unknown (not installed)"


def redis_url_for_tools(data_dir: Path) -> str:
    """REDIS_URL, else the Redis of the Visage running with this data dir; NoInstance when there is none."""
    if url := os.environ.get("REDIS_URL"):
        return url
    return DataDir(data_dir).running_redis_url()


def _tool_redis(data_dir: Path) -> tuple[Redis, str] | None:
    """A client for the tools and its URL, or None after saying plainly why there is none."""
    from redis import RedisError

    from server.redis_connection import connect, redacted

    try:
        url = redis_url_for_tools(data_dir)
    except NoInstance as missing:
        print(f"visage: {missing}", file=sys.stderr)
        return None
    try:
        client = connect(url)
        client.ping()
    except ValueError as error:
        print(f"visage: {redacted(url)} is not a Redis URL Visage can use: {error}", file=sys.stderr)
        return None
    except RedisError as error:
        print(f"visage: the Redis at {redacted(url)} does not answer ({error}); is Visage still running?",
              file=sys.stderr)
        return None
    return client, url


def audit(command: str, data_dir: Path) -> int:
    from server.audit_cli import checkpoint_audit, verify_audit

    try:
        url = redis_url_for_tools(data_dir)
    except NoInstance as missing:
        print(f"visage: {missing}", file=sys.stderr)
        return EXIT_NO_INSTANCE
    return verify_audit(url, data_dir) if command == "verify" else checkpoint_audit(url, data_dir)


def show_status(data_dir: Path) -> int:
    from redis import RedisError

    from server import status
    from server.redis_connection import redacted

    found = _tool_redis(data_dir)
    if found is None:
        return EXIT_NO_INSTANCE
    client, url = found
    try:
        report = status.gather(client)
    except RedisError as error:
        print(f"visage: the Redis at {redacted(url)} failed while being read ({error}); is it the Redis of a "
              "Visage?", file=sys.stderr)
        return EXIT_NO_INSTANCE
    report.summary.insert(0, f"Visage on {redacted(url)}")
    if sys.stdout.isatty() and _has_rich():
        status.render_rich(report)
    else:
        sys.stdout.write(status.render_text(report))
    return 0


def reset(data_dir: Path, *, assume_yes: bool) -> int:
    if not data_dir.exists():
        print(f"Nothing to reset: {data_dir} does not exist.")
        return 0
    data = DataDir(data_dir)
    try:
        lock = data.acquire(patience=0)  # held while wiping, so no instance starts on half a data dir
    except DataDirBusy as busy:
        print(f"visage: {busy}; stop it before resetting", file=sys.stderr)
        return 1
    try:
        if not assume_yes and not _confirmed(f"Delete every tenant, key, collection, media file and log kept in "
                                             f"{data_dir}?"):
            return 1
        removed = data.wipe_state()
    finally:
        lock.release()
    for path in removed:
        print(f"removed {path}")
    print(f"Reset {data_dir}: " + ("its data is gone" if removed else "there was no data")
          + "; the admin token, the audit key and the TLS authority (if any) are kept.")
    if os.environ.get("REDIS_URL"):
        print("REDIS_URL is set: the Redis it names was not touched.")
    return 0


def _confirmed(question: str) -> bool:
    if not sys.stdin.isatty():
        print("visage: reset deletes data; confirm with --yes when not at a terminal", file=sys.stderr)
        return False
    if input(f"{question} [y/N] ").strip().lower() in ("y", "yes"):
        return True
    print("Nothing deleted.")
    return False


def _has_rich() -> bool:
    try:
        import rich  # noqa: F401
    except ImportError:
        return False
    return True


def write_openapi(target: Path | None) -> int:
    from server import create_app
    from server.api import openapi

    text = openapi.to_yaml(openapi.build(create_app({"REDIS_URL": "redis://unused.invalid:6379/0"})))
    if target is None:
        sys.stdout.write(text)
        return 0
    # beside the target first, then renamed: an error (no such directory, a full disk) leaves no half a document
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(text)
        partial.replace(target)
    except OSError as error:
        print(f"visage: cannot write {target}: {error.strerror or error}", file=sys.stderr)
        return 1
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
