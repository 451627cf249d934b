"""`python -m server.memory_redis --port P`: the in-memory Redis-compatible server (fakeredis) that
`visage up` runs when no redis-server is installed. Its data lives only as long as the process.

It runs as a child process like redis-server, so stopping it never waits on connections that are
blocked in a command (an idle RQ worker's BLMOVE waits minutes): SIGTERM or SIGINT end it at once.
"""

from __future__ import annotations

import argparse
import os
import signal
from types import FrameType

from fakeredis import TcpFakeServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m server.memory_redis")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    server = TcpFakeServer((args.host, args.port), server_type="redis")

    def stop(signum: int, frame: FrameType | None) -> None:
        os._exit(0)  # memory only: nothing to flush, and connection threads must not hold the exit

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()


if __name__ == "__main__":
    main()
