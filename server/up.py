"""`visage up`: Redis (unless REDIS_URL is given), the API under gunicorn and the RQ workers, kept
running until Ctrl-C or SIGTERM.

It says "up" only when it is: the data dir is locked first (a second instance on it refuses), the
API's port is bound by this process before anything starts (a port already taken is a one-line
error, and no other server can answer the health check), and the API and the workers answer. A child
that dies afterwards is restarted with a back-off (server/supervisor.py). A second Ctrl-C stops at once.

`--role api|worker` runs one half on a host that shares REDIS_URL with others; `--tls` serves HTTPS
with a certificate of the data dir's local authority (server/tls.py); `--dev` creates the well-known
development account (server/services/dev_account.py).
"""

from __future__ import annotations

import dataclasses
import enum
import errno
import logging
import os
import shutil
import socket
import ssl
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from redis import Redis, RedisError

from server.config import load_config
from server.datadir import DataDir, DataDirBusy, InstanceLock
from server.redis_connection import connect, redacted
from server.store.audit import AuditLog
from server.store.audit_files import AuditKeyUnavailable, ensure_key
from server.supervisor import Program, Supervisor, describe_exit
from server.tls import TlsFiles, ensure_certificates

log = logging.getLogger("visage.up")

READY_TIMEOUT_SECONDS = 150
"""How long the API and workers get to answer; the API loads the face models first, a few seconds,
a cold disk more."""

REDIS_START_TIMEOUT_SECONDS = 20

API_TIMEOUT_SECONDS = 120
"""gunicorn kills a worker silent for this long: a large detection on a slow machine stays under it."""

API_GRACEFUL_TIMEOUT_SECONDS = 10


class Role(enum.StrEnum):
    ALL = "all"
    API = "api"
    WORKER = "worker"

    @property
    def serves_api(self) -> bool:
        return self is not Role.WORKER

    @property
    def runs_workers(self) -> bool:
        return self is not Role.API


@dataclasses.dataclass(frozen=True)
class Options:
    host: str
    port: int
    data_dir: Path
    workers: int
    api_processes: int
    role: Role = Role.ALL
    tls: bool = False
    dev: bool = False

    def problem(self, redis_url: str | None) -> str | None:
        """Why these options cannot run, or None."""
        if self.role is not Role.ALL and not redis_url:
            return (f"--role {self.role} needs REDIS_URL: the Redis that every host shares "
                    "(only --role all starts a Redis of its own)")
        if self.tls and not self.role.serves_api:
            return "--tls is for the API; a --role worker host serves no HTTP"
        return None


class StartError(Exception):
    """Visage cannot start; the message is one line a person can act on."""


@dataclasses.dataclass(frozen=True)
class RedisInUse:
    url: str
    note: str
    private: bool


def run(options: Options) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s visage: %(message)s", datefmt="%H:%M:%S",
                        stream=sys.stderr)
    if problem := options.problem(os.environ.get("REDIS_URL")):
        return _fail(problem)
    if options.role.serves_api:
        try:
            load_config()  # what the API processes will read: a typo is one line here, not their traceback
        except ValueError as error:
            return _fail(str(error))
    data = DataDir(options.data_dir)
    try:
        lock = data.acquire()
    except DataDirBusy as busy:
        return _fail(f"{busy}; stop it first, or give this instance its own --data-dir")
    supervisor = Supervisor()
    supervisor.install_signal_handlers()
    listener: socket.socket | None = None
    redis: RedisInUse | None = None
    try:
        listener = _listen(options.host, options.port) if options.role.serves_api else None
        print(f"Starting Visage (role {options.role}, data dir {data.root})...", flush=True)
        tls = ensure_certificates(data.tls_dir, [options.host]) if options.tls else None
        admin_token = data.admin_token()
        _ensure_audit_key(data)
        redis = _redis(data, supervisor, lock)
        data.write_redis_url(redis.url)
        endpoint = f"{'https' if tls else 'http'}://{_display_host(options.host)}:{options.port}"
        lock.describe(role=options.role.value, endpoint=endpoint if listener else None,
                      started=datetime.now(UTC).isoformat(timespec="seconds"))
        # What this process does itself (the dev account's keys, sealed for Signature V4) must use the data
        # dir's keys, as its children do, not ones made in ~/.visage.
        os.environ["VISAGE_DATA_DIR"] = str(data.root)
        dev_lines = _dev_account(redis.url) if options.dev else []
        env = {**os.environ, "REDIS_URL": redis.url, "VISAGE_ADMIN_TOKEN": admin_token,
               "VISAGE_DATA_DIR": str(data.root)}
        if listener is not None:
            supervisor.start(_api_program(options, env, listener, lock, tls))
        if options.role.runs_workers:
            data.logs_dir.mkdir(exist_ok=True)
            for number in range(1, options.workers + 1):
                supervisor.start(Program(f"worker-{number}", [sys.executable, "-m", "workers"], env,
                                         log_file=data.logs_dir / f"worker-{number}.log", pass_fds=(lock.fd,)))
        if not _wait_until_ready(options, endpoint, tls, redis.url, supervisor):
            return 0 if supervisor.stop_requested.is_set() else 1
        print(_banner(options, endpoint, admin_token, redis, data, tls, dev_lines), flush=True)
        while not supervisor.wait(0.5):
            supervisor.keep_running()
        print("Stopping Visage...", flush=True)
        return 130 if supervisor.force_requested.is_set() else 0
    except StartError as error:
        return _fail(str(error))
    finally:
        _stop(supervisor, redis, data)
        if redis is not None:
            data.forget_redis_url()
        if listener is not None:
            listener.close()
        lock.release()


def _ensure_audit_key(data: DataDir) -> None:
    """The audit chain's key, made once in the data dir before any process appends (unless
    VISAGE_AUDIT_KEY gives it)."""
    try:
        ensure_key(data.root)
    except AuditKeyUnavailable as error:
        raise StartError(str(error)) from None


def _fail(message: str) -> int:
    print(f"visage: {message}", file=sys.stderr, flush=True)
    return 1


def _stop(supervisor: Supervisor, redis: RedisInUse | None, data: DataDir) -> None:
    supervisor.stop([child.program.name for child in supervisor.children if child.program.name != "redis"])
    if redis is not None and not supervisor.force_requested.is_set():
        on_shutdown(redis.url, data)
    supervisor.stop(["redis"])


def on_shutdown(redis_url: str, data: DataDir) -> None:
    """Runs once the API and the workers have stopped, while Redis still answers: sign the audit trail's
    checkpoint at its end, so that a tail deleted while Visage is down shows in `visage audit verify`."""
    try:
        result = AuditLog(connect(redis_url), data_dir=data.root).checkpoint()
    except (AuditKeyUnavailable, RedisError, OSError) as error:
        log.error("audit checkpoint not written on shutdown: %s", error)
        return
    if result.written or result.message == "nothing new to checkpoint":
        log.info("audit: %s", result.message)
    else:
        log.error("audit checkpoint on shutdown: %s", result.message)


# -- the API's socket --------------------------------------------------------------------------------


def _listen(host: str, port: int) -> socket.socket:
    """Bind and listen here, before anything starts: gunicorn serves this very socket (fd://), so a
    port that is taken fails now, in one line, and a restarted gunicorn never has to bind again."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as error:
        raise StartError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart may bind over TIME_WAIT
        listener.bind(address)
        listener.listen(socket.SOMAXCONN)
    except OSError as error:
        listener.close()
        raise StartError(f"cannot listen on {_display_host(host)}:{port}: {error.strerror}"
                         + (" (another server is using that port; pick one with --port)"
                            if error.errno == errno.EADDRINUSE else "")) from None
    return listener


def _api_program(options: Options, env: dict[str, str], listener: socket.socket, lock: InstanceLock,
                 tls: TlsFiles | None) -> Program:
    command = [
        sys.executable, "-m", "gunicorn", "--preload",
        "--workers", str(options.api_processes),
        "--bind", f"fd://{listener.fileno()}",
        "--timeout", str(API_TIMEOUT_SECONDS), "--graceful-timeout", str(API_GRACEFUL_TIMEOUT_SECONDS),
        # gunicorn's control socket defaults to one path per user: two `visage up` would collide
        "--no-control-socket",
    ]
    if tls is not None:
        command += ["--certfile", str(tls.server_cert), "--keyfile", str(tls.server_key)]
    return Program("api", [*command, "server.wsgi:app"], env, pass_fds=(listener.fileno(), lock.fd))


# -- Redis ----------------------------------------------------------------------------------------------


def _redis(data: DataDir, supervisor: Supervisor, lock: InstanceLock) -> RedisInUse:
    if url := os.environ.get("REDIS_URL"):
        redis = RedisInUse(url, f"{redacted(url)} (from REDIS_URL)", private=False)
    else:
        redis = _start_private_redis(data, supervisor, lock)
    _wait_for_redis(redis, supervisor, data)
    return redis


def _start_private_redis(data: DataDir, supervisor: Supervisor, lock: InstanceLock) -> RedisInUse:
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    executable = shutil.which("redis-server")
    if executable:
        data.redis_dir.mkdir(exist_ok=True)
        supervisor.start(Program("redis", [
            executable, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data.redis_dir),
            "--appendonly", "yes", "--appendfsync", "always", "--save", "",
            "--logfile", str(data.redis_dir / "redis.log"),
        ], dict(os.environ), pass_fds=(lock.fd,)))
        return RedisInUse(url, f"private redis-server on port {port}, append-only file in {data.redis_dir}",
                          private=True)

    def warn_data_lost() -> None:
        log.warning("the in-memory Redis is starting again EMPTY: every tenant, key and collection is gone")
        data.forget_audit_checkpoint()

    data.forget_audit_checkpoint()  # it vouched for a trail that lived in the memory of an earlier run
    supervisor.start(Program("redis", [sys.executable, "-m", "server.memory_redis", "--port", str(port)],
                             dict(os.environ), pass_fds=(lock.fd,), before_restart=warn_data_lost))
    print(
        "WARNING: redis-server is not installed, so Visage uses an in-memory Redis-compatible server.\n"
        "         Data is kept in memory only and is lost when Visage stops. Install Redis\n"
        "         (apt-get install redis-server, brew install redis) or set REDIS_URL to keep it.",
        file=sys.stderr, flush=True,
    )
    return RedisInUse(url, f"in-memory server on port {port} (memory only: data is lost on stop)", private=True)


def _wait_for_redis(redis: RedisInUse, supervisor: Supervisor, data: DataDir) -> None:
    client = connect(redis.url)
    deadline = time.monotonic() + REDIS_START_TIMEOUT_SECONDS
    last_error = ""
    while time.monotonic() < deadline and not supervisor.stop_requested.is_set():
        try:
            if client.ping():
                return
        except RedisError as error:
            last_error = str(error)
        if exited := supervisor.first_exit():
            raise StartError(f"Redis {describe_exit(exited.process.returncode or 0)} while starting"
                             + (f"; see {data.redis_dir / 'redis.log'}" if data.redis_dir.exists() else ""))
        time.sleep(0.1)
    if not supervisor.stop_requested.is_set():
        raise StartError(f"Redis at {redacted(redis.url)} did not answer: {last_error}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _dev_account(redis_url: str) -> list[str]:
    from server.services import dev_account

    account = dev_account.ensure_dev_account(connect(redis_url))
    return [
        f"  dev tenant:  {account.tenant.organization} ({'created now' if account.created else 'kept'}), "
        f"deployment '{account.deployment_name}' (S0, {account.region})",
        f"  dev key 1:   {dev_account.DEV_KEY1}",
        f"  dev key 2:   {dev_account.DEV_KEY2}",
        f"  dev management token: {dev_account.DEV_MANAGEMENT_TOKEN}",
        "               (well-known development secrets: never use --dev where others can reach the server)",
    ]


# -- readiness ----------------------------------------------------------------------------------------------


def _wait_until_ready(options: Options, endpoint: str, tls: TlsFiles | None, redis_url: str,
                      supervisor: Supervisor) -> bool:
    client = connect(redis_url)
    context = ssl.create_default_context(cafile=str(tls.ca_cert)) if tls else None

    def ready() -> bool:
        if options.role is Role.WORKER:
            return _workers_registered(client, supervisor)
        return _api_answers(f"{endpoint}/healthz", context, needs_worker=options.role is Role.ALL)

    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline and not supervisor.stop_requested.is_set():
        if exited := supervisor.first_exit():
            where = f"; see {exited.program.log_file}" if exited.program.log_file else ""
            raise StartError(f"{exited.program.name} {describe_exit(exited.process.returncode or 0)} "
                             f"while starting{where}")
        if ready():
            return True
        supervisor.wait(0.3)
    if supervisor.stop_requested.is_set():
        return False
    raise StartError(f"{'the workers' if options.role is Role.WORKER else endpoint + '/healthz'} "
                     f"did not answer within {READY_TIMEOUT_SECONDS} s")


def _api_answers(url: str, context: ssl.SSLContext | None, *, needs_worker: bool) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2, context=context) as response:
            return bool(response.status == 200)
    except urllib.error.HTTPError as error:
        return not needs_worker and error.code == 503  # the API answers; the workers run on other hosts
    except (urllib.error.URLError, OSError):
        return False


def _workers_registered(client: Redis, supervisor: Supervisor) -> bool:
    from rq import Worker

    mine = set(supervisor.pids("worker-"))
    try:
        registered = {worker.pid for worker in Worker.all(connection=client)}
    except RedisError:
        return False
    return bool(mine) and mine <= registered


def _banner(options: Options, endpoint: str, admin_token: str, redis: RedisInUse, data: DataDir, tls: TlsFiles | None,
            dev_lines: list[str]) -> str:
    lines = ["Visage is up."]
    if options.role.serves_api:
        lines += [f"  endpoint:    {endpoint}", f"  admin token: {admin_token}"]
        if options.role is Role.API and not os.environ.get("VISAGE_ADMIN_TOKEN"):
            lines.append("               (this host's own: set VISAGE_ADMIN_TOKEN on every API host to share one)")
    lines += [f"  role:        {options.role} ({_role_text(options.role)})", f"  redis:       {redis.note}"]
    if options.role.serves_api:
        lines.append(f"  api:         gunicorn, {options.api_processes} processes")
    if options.role.runs_workers:
        lines.append(f"  workers:     {options.workers} RQ workers (logs in {data.logs_dir})")
    lines.append(f"  data dir:    {data.root}")
    if tls is not None:
        lines += [f"  CA file:     {tls.ca_cert}",
                  f"               clients trust it with REQUESTS_CA_BUNDLE={tls.ca_cert} (Python requests)",
                  f"               or NODE_EXTRA_CA_CERTS={tls.ca_cert} (Node)"]
    lines += dev_lines
    if options.role.serves_api:
        lines.append(f"  sign up at:  {endpoint}/signup")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


def _role_text(role: Role) -> str:
    return {Role.ALL: "API and workers", Role.API: "API only; workers run on other hosts",
            Role.WORKER: "workers only; the API runs on other hosts"}[role]


def _display_host(host: str) -> str:
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
