"""server.vision.fetch against real local HTTP(S) servers, and its URL and address rules offline."""

from __future__ import annotations

import gzip
import http.server
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import urllib3.util.connection

from server.errors import InvalidImageSize, InvalidURL
from server.tls import certificates_for
from server.vision.fetch import REFUSED_ADDRESS, TIMED_OUT, Peek, fetch_image, is_public, parse_allowlist, peek_url

PAYLOAD = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8  # JPEG-like magic, 2052 bytes
BIG = 5000
CAP = 1000
LOCAL = ["127.0.0.1/32"]


def remote_error(reason: str) -> str:
    return (
        "Invalid image URL or error downloading from target server. "
        f'Remote server error returned: "{reason}"'
    )


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hits: list[str]  # set on each server's own subclass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.hits.append(self.path)
        path, _, query = self.path.partition("?")
        route = getattr(self, "route_" + path.strip("/").split("/")[0].replace("-", "_"), None)
        try:
            if route is None:
                self.send_error(404)
            else:
                route(path, parse_qs(query))
        except OSError:  # the client gave up (size cap, deadline)
            self.close_connection = True

    def send_body(self, body: bytes, status: int = 200, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send_body(b"", status, Location=location)

    def route_img(self, path: str, query: dict[str, list[str]]) -> None:
        self.send_body(PAYLOAD, Content_Type="image/jpeg")

    def route_echo(self, path: str, query: dict[str, list[str]]) -> None:
        lines = [f"{name}: {self.headers.get(name)}" for name in ("Host", "User-Agent", "Accept-Encoding")]
        self.send_body("\n".join(lines).encode())

    def route_redirect(self, path: str, query: dict[str, list[str]]) -> None:
        self.redirect(query.get("to", ["/img"])[0], int(query.get("status", ["302"])[0]))

    def route_chain(self, path: str, query: dict[str, list[str]]) -> None:
        hops = int(path.rsplit("/", 1)[1])
        self.redirect(f"/chain/{hops - 1}" if hops > 0 else "/img", 301)

    def route_big(self, path: str, query: dict[str, list[str]]) -> None:
        self.send_body(b"x" * BIG)

    def route_big_chunked(self, path: str, query: dict[str, list[str]]) -> None:
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for _ in range(BIG // 500):
            self.wfile.write(b"1f4\r\n" + b"x" * 500 + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    def route_big_unsized(self, path: str, query: dict[str, list[str]]) -> None:
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"x" * BIG)
        self.close_connection = True

    def route_gzip(self, path: str, query: dict[str, list[str]]) -> None:
        self.send_body(gzip.compress(b"\0" * BIG * 100), Content_Encoding="gzip")

    def route_slow(self, path: str, query: dict[str, list[str]]) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "20")
        self.end_headers()
        for _ in range(20):
            self.wfile.write(b"x")
            time.sleep(0.5)

    def route_slow_headers(self, path: str, query: dict[str, list[str]]) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Pad: ")
        for _ in range(20):
            self.wfile.write(b"x")
            time.sleep(0.5)


class Server:
    def __init__(self, host: str, tls: ssl.SSLContext | None = None) -> None:
        self.hits: list[str] = []
        handler = type("BoundHandler", (Handler,), {"hits": self.hits})
        self.httpd = http.server.ThreadingHTTPServer((host, 0), handler)
        self.httpd.daemon_threads = True
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server("127.0.0.1")
    yield running
    running.close()


@pytest.fixture(scope="module")
def second_loopback() -> Iterator[Server]:
    """A server on 127.0.0.2: inside 127.0.0.0/8 (every address of which Linux answers on) but outside
    the tests' 127.0.0.1/32 allow-list."""
    running = Server("127.0.0.2")
    yield running
    running.close()


Resolver = Callable[..., list[tuple[Any, ...]]]


@pytest.fixture
def names(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A fake DNS: names mapped here resolve to their addresses (a list, or a callable giving one per
    lookup); IP literals resolve numerically; every other name fails, so no test touches the network.
    `names["lookups"]` counts the lookups of mapped names."""
    real: Resolver = socket.getaddrinfo
    table: dict[str, Any] = {"lookups": 0, "localhost": ["127.0.0.1"]}

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        if host in table:
            table["lookups"] += 1
            entry = table[host]
            addresses = entry() if callable(entry) else entry
            return [
                (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "",
                 (a, int(port or 0)))
                for a in addresses
            ]
        kwargs["flags"] = socket.AI_NUMERICHOST
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


@pytest.fixture
def offline(names: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The fake DNS, and any attempt to connect fails the test: refusals happen before connecting."""

    def connect(*args: Any, **kwargs: Any) -> socket.socket:
        pytest.fail(f"tried to connect to {args[0]}")

    monkeypatch.setattr(urllib3.util.connection, "create_connection", connect)
    return names


def refused(url: object, **kwargs: Any) -> str:
    with pytest.raises(InvalidURL) as caught:
        fetch_image(url, **kwargs)  # type: ignore[arg-type]
    return caught.value.message


# --- URL and address rules, no network ---------------------------------------------------------


@pytest.mark.parametrize("url", [
    "ftp://example.com/a.jpg", "file:///etc/passwd", "data:image/png;base64,iVBORw0KGgo=", "javascript:x",
    "gopher://127.0.0.1:6379/_INFO", "http://", "http:///a.jpg", "//example.com/a.jpg", "example.com/a.jpg",
    "http://user@example.com/a.jpg", "http://a:b@example.com/", "http://example.com@127.0.0.1/",
    "http://example.com\\@127.0.0.1/", "http://exa mple.com/", "http://example.com/a\r\nX-Evil: 1",
    "http://[::1/", "http://example.com:99999/", "http://example.com:0/", "http://[fe80::1%25eth0]/",
    "http://ex%61mple.com/", "http://" + "a" * 64 + ".com/", "http://example.com/" + "a" * 2048, "",
    None, 42, b"http://example.com/a.jpg",
])
def test_malformed_or_non_http_urls_are_refused(offline: dict[str, Any], url: object) -> None:
    assert refused(url) == "Invalid image URL."
    assert offline["lookups"] == 0


@pytest.mark.parametrize("host", [
    "127.0.0.1", "127.255.255.254", "localhost", "LOCALHOST", "10.1.2.3", "172.16.0.1", "172.31.255.255",
    "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.100.100.200", "192.0.0.192", "0.0.0.0",
    "224.0.0.1", "240.0.0.1", "255.255.255.255", "198.18.0.1",
    "[::1]", "[::]", "[fc00::1]", "[fd00:ec2::254]", "[fe80::1]", "[ff02::1]", "[fec0::1]",
    "[::ffff:127.0.0.1]", "[::ffff:10.0.0.1]", "[::ffff:169.254.169.254]", "[::127.0.0.1]",
    "[64:ff9b::a9fe:a9fe]", "[2002:7f00:1::]", "[2002:a00:1::]", "[2001:0:4136:e378:8000:63bf:80ff:fffe]",
    "2130706433", "0x7f000001", "0x7f.0.0.1", "0177.0.0.1", "127.1", "127.0.1", "017700000001",
    "metadata.google.internal", "metadata", "metadata.google.internal.",
])
def test_non_global_addresses_and_metadata_names_are_refused(offline: dict[str, Any], host: str) -> None:
    assert refused(f"http://{host}/a.jpg") == REFUSED_ADDRESS


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2002:808:808::"])
def test_global_addresses_are_public(address: str) -> None:
    import ipaddress

    assert is_public(ipaddress.ip_address(address))


def test_a_name_resolving_to_a_private_address_is_refused(offline: dict[str, Any]) -> None:
    offline["intranet.example.com"] = ["10.0.0.5"]
    offline["mixed.example.com"] = ["93.184.216.34", "10.0.0.5"]  # one bad address is enough
    assert refused("http://intranet.example.com/a.jpg") == REFUSED_ADDRESS
    assert refused("https://mixed.example.com/a.jpg") == REFUSED_ADDRESS
    assert refused("http://nothing.example.com/a.jpg") == remote_error("name does not resolve")


def test_allowlist_parsing() -> None:
    rules = parse_allowlist(["127.0.0.0/8", " ::1/128 ", "10.0.0.5", "LocalHost.", "images.example", ""])
    assert [str(net) for net in rules.networks] == ["127.0.0.0/8", "::1/128", "10.0.0.5/32"]
    assert rules.names == {"localhost", "images.example"}
    assert parse_allowlist(["10.1.2.3/8"]).networks[0].with_prefixlen == "10.0.0.0/8"
    with pytest.raises(ValueError, match="not a valid network"):
        parse_allowlist(["10.0.0.0/33"])


def test_allowlist_names_and_networks_open_only_what_they_name(offline: dict[str, Any]) -> None:
    offline["localhost"] = ["::1", "127.0.0.1"]
    offline["metadata.google.internal"] = ["169.254.169.254"]
    # The network covers one of localhost's two addresses: still refused.
    assert refused("http://localhost:1/", allowlist=["127.0.0.1/32"]) == REFUSED_ADDRESS
    assert refused("http://127.0.0.2:1/", allowlist=["127.0.0.1/32"]) == REFUSED_ADDRESS
    assert refused("http://10.0.0.5:1/", allowlist=["localhost", "127.0.0.0/8"]) == REFUSED_ADDRESS
    assert refused("http://metadata.google.internal/", allowlist=["localhost"]) == REFUSED_ADDRESS


# --- real servers -------------------------------------------------------------------------------


def test_fetches_an_allowed_local_image(server: Server, names: dict[str, Any]) -> None:
    assert refused(server.url("/img")) == REFUSED_ADDRESS
    assert fetch_image(server.url("/img"), allowlist=LOCAL) == PAYLOAD
    assert fetch_image(server.url("/img"), allowlist=LOCAL, max_bytes=len(PAYLOAD)) == PAYLOAD


def test_allowlisted_name_tries_each_validated_address(server: Server, names: dict[str, Any]) -> None:
    names["localhost"] = ["::1", "127.0.0.1"]  # the server listens on 127.0.0.1 only
    assert fetch_image(server.url("/img", host="localhost"), allowlist=["LocalHost"]) == PAYLOAD


def test_connects_to_the_validated_address_with_the_original_host_header(
    server: Server, names: dict[str, Any]
) -> None:
    answers = iter([["127.0.0.1"]])
    names["rebind.example.com"] = lambda: next(answers, ["127.0.0.2"])  # a rebinding DNS server
    body = fetch_image(server.url("/echo", host="rebind.example.com"), allowlist=LOCAL)
    assert names["lookups"] == 1
    assert body.decode().splitlines() == [
        f"Host: rebind.example.com:{server.port}", "User-Agent: Visage-ImageFetcher/1",
        "Accept-Encoding: identity",
    ]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_follows_redirects(server: Server, names: dict[str, Any], status: int) -> None:
    assert fetch_image(server.url(f"/redirect?status={status}"), allowlist=LOCAL) == PAYLOAD
    assert fetch_image(server.url("/chain/3"), allowlist=LOCAL, max_redirects=4) == PAYLOAD


def test_too_many_redirects(server: Server, names: dict[str, Any]) -> None:
    too_many = remote_error("too many redirects")
    assert refused(server.url("/chain/5"), allowlist=LOCAL, max_redirects=4) == too_many
    assert refused(server.url("/redirect"), allowlist=LOCAL, max_redirects=0) == too_many


def test_each_redirect_is_checked_again(
    server: Server, second_loopback: Server, names: dict[str, Any]
) -> None:
    to_second = server.url(f"/redirect?to={second_loopback.url('/img', host='127.0.0.2')}")
    assert refused(to_second, allowlist=LOCAL) == REFUSED_ADDRESS
    assert second_loopback.hits == []
    assert fetch_image(to_second, allowlist=["127.0.0.0/8"]) == PAYLOAD  # reachable when allowed
    to_ipv6_loopback = server.url(f"/redirect?to=http://[::1]:{server.port}/img")
    assert refused(to_ipv6_loopback, allowlist=LOCAL) == REFUSED_ADDRESS
    assert refused(server.url("/redirect?to=http://169.254.169.254/"), allowlist=LOCAL) == REFUSED_ADDRESS
    assert refused(server.url("/redirect?to=file:///etc/passwd"), allowlist=LOCAL) == "Invalid image URL."


def test_a_peek_reads_the_first_bytes_and_the_declared_length_under_the_same_rules(
    server: Server, second_loopback: Server, names: dict[str, Any]
) -> None:
    assert peek_url(server.url("/img"), allowlist=LOCAL, head_bytes=16) == Peek(PAYLOAD[:16], len(PAYLOAD))
    assert peek_url(server.url("/redirect"), allowlist=LOCAL, head_bytes=4) == Peek(PAYLOAD[:4], len(PAYLOAD))
    assert peek_url(server.url("/big-unsized"), allowlist=LOCAL, head_bytes=10) == Peek(b"x" * 10, None)
    with pytest.raises(InvalidURL, match="loopback"):
        peek_url(server.url("/img"))
    to_second = server.url(f"/redirect?to={second_loopback.url('/img', host='127.0.0.2')}")
    hits = len(second_loopback.hits)
    with pytest.raises(InvalidURL, match="loopback"):
        peek_url(to_second, allowlist=LOCAL)
    assert len(second_loopback.hits) == hits
    started = time.monotonic()
    with pytest.raises(InvalidURL, match="timed out"):
        peek_url(server.url("/slow-headers"), allowlist=LOCAL, total_timeout=1.5)
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("path", ["/big", "/big-chunked", "/big-unsized"])
def test_bodies_over_the_cap_are_refused(server: Server, names: dict[str, Any], path: str) -> None:
    with pytest.raises(InvalidImageSize, match="Image size is too big."):
        fetch_image(server.url(path), allowlist=LOCAL, max_bytes=CAP)
    assert len(fetch_image(server.url(path), allowlist=LOCAL, max_bytes=BIG)) == BIG


def test_compressed_bodies_are_not_inflated(server: Server, names: dict[str, Any]) -> None:
    body = fetch_image(server.url("/gzip"), allowlist=LOCAL, max_bytes=CAP)
    assert len(body) < CAP and gzip.decompress(body) == b"\0" * BIG * 100


@pytest.mark.parametrize("path", ["/slow", "/slow-headers"])
def test_a_slow_drip_cannot_outlast_the_deadline(server: Server, names: dict[str, Any], path: str) -> None:
    started = time.monotonic()
    assert refused(server.url(path), allowlist=LOCAL, total_timeout=1.5) == TIMED_OUT
    assert time.monotonic() - started < 2.5


def test_remote_failures_name_their_reason(server: Server, names: dict[str, Any]) -> None:
    assert refused(server.url("/missing"), allowlist=LOCAL) == remote_error("404 Not Found")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    assert refused(f"http://127.0.0.1:{closed_port}/", allowlist=LOCAL) == remote_error("connection refused")


# --- TLS ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path, list[str]]]:
    """An HTTPS server on 127.0.0.1 with a certificate for images.visage.test from a test CA (made as
    `visage up --tls` makes its own); yields the server, the CA certificate (the trust anchor) and the
    SNI names clients sent."""
    files = certificates_for(tmp_path_factory.mktemp("tls"), ["images.visage.test"])
    cert = files.ca_cert
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(files.server_cert, files.server_key)
    sni: list[str] = []

    def record_sni(sock: ssl.SSLObject, name: str | None, ctx: ssl.SSLContext) -> None:
        sni.append(name or "")

    context.sni_callback = record_sni
    running = Server("127.0.0.1", tls=context)
    yield running, cert, sni
    running.close()


def test_https_pins_the_address_and_verifies_the_host_name(
    tls_server: tuple[Server, Path, list[str]], names: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, cert, sni = tls_server
    names["images.visage.test"] = ["127.0.0.1"]
    names["other.visage.test"] = ["127.0.0.1"]
    url = f"https://images.visage.test:{server.port}/img"
    assert refused(url, allowlist=LOCAL) == remote_error("TLS certificate verification failed")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # read by the default context's load_default_certs
    assert fetch_image(url, allowlist=LOCAL) == PAYLOAD
    assert sni[-1] == "images.visage.test"
    wrong_name = f"https://other.visage.test:{server.port}/img"
    assert refused(wrong_name, allowlist=LOCAL) == remote_error("TLS certificate verification failed")
    assert refused(f"https://127.0.0.1:{server.port}/img", allowlist=LOCAL) == remote_error(
        "TLS certificate verification failed")
