"""AWS Signature Version 4, checked on the server's side: the rules without the secret, then the
signature itself.

A client (botocore's `SigV4Auth` is the reference, and the tests compare with it) signs a
*canonical request*: the method, the path, the sorted query, the headers it names in
`SignedHeaders` (lower case, values trimmed), that list, and the SHA-256 of the body. It signs the
hash of that with a key derived from its secret, the day, the region and the service. The server
rebuilds the canonical request from what it received, derives the same key from the secret it
holds, and compares the two signatures in constant time.

Before any secret is looked at, the request must name its credential completely, carry a time
within 15 minutes of the server's (AWS's window), sign the headers that matter (`host`, the time,
every `x-amz-*` header, and Visage's capture headers, which the terms of use read), and be scoped
to the service it calls. Each refusal is the exception AWS answers with, in AWS's words where they
are known.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote_plus

from server.domain.aws_errors import (
    IncompleteSignatureException,
    InvalidSignatureException,
    MissingAuthenticationTokenException,
    UnrecognizedClientException,
)

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
TIMESTAMP_FORMAT = "%Y%m%dT%H%M%SZ"

MAX_CLOCK_SKEW = timedelta(minutes=15)
"""AWS refuses a request whose time is more than 15 minutes from its own, either way."""

AMZ_DATE = "x-amz-date"
CONTENT_SHA256 = "x-amz-content-sha256"
SECURITY_TOKEN = "x-amz-security-token"

MUST_SIGN_PREFIXES = ("x-amz-", "x-visage-")
"""Headers that must be signed whenever they are sent: AWS's own (the operation is chosen by
X-Amz-Target, so an unsigned one could be swapped for another), and Visage's capture context."""


@dataclasses.dataclass(frozen=True)
class HttpRequest:
    """A request as the server received it: the path as sent (percent-encoded, no query)."""

    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def values(self, name: str) -> list[str]:
        lowered = name.lower()
        return [value for key, value in self.headers if key.lower() == lowered]

    def has(self, name: str) -> bool:
        return bool(self.values(name))


@dataclasses.dataclass(frozen=True)
class Authorization:
    """What the Authorization header says; the access key id is readable without any secret."""

    access_key: str
    date: str
    region: str
    service: str
    terminator: str
    signed_headers: tuple[str, ...]
    signature: str

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/{self.terminator}"


def parse_authorization(header: str | None, query: str = "") -> Authorization:
    if not header:
        if "X-Amz-Signature=" in query or "X-Amz-Credential=" in query:
            raise MissingAuthenticationTokenException(
                "Visage takes Signature Version 4 in the Authorization header, not in the query string.")
        raise MissingAuthenticationTokenException()
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise IncompleteSignatureException(
            f"Unsupported authorization type '{algorithm[:40]}': sign with Signature Version 4 ({ALGORITHM}).")
    parts: dict[str, str] = {}
    for component in rest.split(","):
        name, equals, value = component.strip().partition("=")
        if equals and name:
            parts[name] = value.strip()
    missing = [f"Authorization header requires '{name}' parameter." for name in ("Credential", "Signature",
                                                                                 "SignedHeaders")
               if not parts.get(name)]
    if missing:
        raise IncompleteSignatureException(" ".join(missing) + f" Authorization={header[:200]}")
    credential = parts["Credential"].split("/")
    if len(credential) != 5 or not all(credential):
        raise IncompleteSignatureException(
            f"Credential should have 5 parts: <access key id>/<yyyymmdd>/<region>/<service>/{TERMINATOR}, "
            f"not '{parts['Credential'][:200]}'.")
    access_key, date, region, service, terminator = credential
    return Authorization(access_key, date, region, service, terminator,
                         signed_headers=tuple(name.strip() for name in parts["SignedHeaders"].split(";")),
                         signature=parts["Signature"].lower())


def request_time(request: HttpRequest) -> tuple[str, datetime]:
    """The time the request was signed at (X-Amz-Date, else Date) and the header it came from."""
    if stamp := request.values(AMZ_DATE):
        try:
            return AMZ_DATE, datetime.strptime(stamp[0].strip(), TIMESTAMP_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            raise IncompleteSignatureException(
                f"Date must be in ISO-8601 'basic format'. Got '{stamp[0][:40]}'.") from None
    if stamp := request.values("date"):
        try:
            return "date", parsedate_to_datetime(stamp[0]).astimezone(UTC)
        except (TypeError, ValueError):
            raise IncompleteSignatureException(f"The Date header '{stamp[0][:40]}' is not an HTTP date.") from None
    raise IncompleteSignatureException(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")


def string_to_sign(request: HttpRequest, auth: Authorization, *, service: str, now: datetime) -> str:
    """Every check that needs no secret, then what the client must have signed."""
    time_header, signed_at = request_time(request)
    signed = {name.lower() for name in auth.signed_headers}
    if "host" not in signed:
        raise InvalidSignatureException("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    unsigned = sorted({key.lower() for key, _ in request.headers
                       if key.lower() == time_header or key.lower().startswith(MUST_SIGN_PREFIXES)} - signed)
    if unsigned:
        raise InvalidSignatureException(f"'{unsigned[0]}' must be a 'SignedHeader' in the AWS Authorization.")
    if absent := [name for name in auth.signed_headers if not request.has(name)]:
        raise InvalidSignatureException(f"The signed header '{absent[0]}' is not in the request.")
    if request.has(SECURITY_TOKEN):
        raise UnrecognizedClientException()  # Visage issues no session tokens
    stamp = signed_at.strftime(TIMESTAMP_FORMAT)
    if auth.date != stamp[:8]:
        raise InvalidSignatureException(
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{auth.date}' != '{stamp[:8]}', from '{stamp}'.")
    if auth.service != service:
        raise InvalidSignatureException(f"Credential should be scoped to correct service: '{service}'.")
    if auth.terminator != TERMINATOR:
        raise InvalidSignatureException(
            f"Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{auth.terminator}'.")
    _check_time(signed_at, now)
    payload = hashlib.sha256(request.body).hexdigest()
    declared = request.values(CONTENT_SHA256)
    if declared and declared[0].strip() != payload:
        raise InvalidSignatureException(f"The provided '{CONTENT_SHA256}' header does not match what was computed.")
    canonical = canonical_request(request, auth.signed_headers, payload)
    return "\n".join([ALGORITHM, stamp, auth.scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()])


def _check_time(signed_at: datetime, now: datetime) -> None:
    def stamp(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)

    if signed_at < now - MAX_CLOCK_SKEW:
        raise InvalidSignatureException(f"Signature expired: {stamp(signed_at)} is now earlier than "
                                        f"{stamp(now - MAX_CLOCK_SKEW)} ({stamp(now)} - 15 min.)")
    if signed_at > now + MAX_CLOCK_SKEW:
        raise InvalidSignatureException(f"Signature not yet current: {stamp(signed_at)} is still later than "
                                        f"{stamp(now + MAX_CLOCK_SKEW)} ({stamp(now)} + 15 min.)")


def canonical_request(request: HttpRequest, signed_headers: Sequence[str], payload_hash: str) -> str:
    names = sorted({name.lower() for name in signed_headers})
    headers = "".join(f"{name}:{','.join(' '.join(value.split()) for value in request.values(name))}\n"
                      for name in names)
    return "\n".join([request.method.upper(), canonical_path(request.path), canonical_query(request.query),
                      headers, ";".join(names), payload_hash])


def canonical_path(path: str) -> str:
    """The path without dot segments or empty ones, each character encoded once more (AWS's rule
    for every service but S3)."""
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment and segment != ".":
            segments.append(segment)
    trailing = "/" if path.endswith("/") and segments else ""
    return quote("/" + "/".join(segments) + trailing, safe="/~")


def canonical_query(query: str) -> str:
    """Name=value pairs, each side URI-encoded (unreserved characters kept), sorted. A '+' on the wire
    is a space: botocore signs a space as %20 and its HTTP layer then sends it as '+'."""
    pairs = []
    for item in query.split("&") if query else []:
        name, _, value = item.partition("=")
        pairs.append((quote(unquote_plus(name), safe="-_.~"), quote(unquote_plus(value), safe="-_.~")))
    return "&".join(f"{name}={value}" for name, value in sorted(pairs))


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, TERMINATOR):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return key


def signature(secret: str, auth: Authorization, to_sign: str) -> str:
    key = signing_key(secret, auth.date, auth.region, auth.service)
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def signature_matches(secret: str, auth: Authorization, to_sign: str) -> bool:
    return hmac.compare_digest(signature(secret, auth, to_sign).encode(), auth.signature.encode())
