"""Reading an image's C2PA content credentials with the reference implementation (c2pa-python).

The C2PA library parses the manifest, checks the claim signature, the certificate chain against the
trust anchors it is given (the operator's list and nothing else: no remote manifests, no OCSP, no
built-in list) and the asset hash against the bytes sent. Which anchor the chain ends at is asked of
the same library, by validating again against parts of the list (one class of device at a time,
then halves), so the device class never rests on a name string the signer chose.

Every input has an outcome and none raises: no manifest is `none`; an unreadable, unsigned-by-us,
tampered or expired one is `untrusted`, with the C2PA codes and reasons. Each read works on one
in-memory copy (or, for a video, the file) with its own context; nothing is cached between calls.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import c2pa

from server import defaults
from server.domain.clock import parse_time
from server.domain.provenance import NO_PROVENANCE, Provenance, ProvenanceStatus
from server.domain.trust_anchors import TrustAnchor

TRUSTED_STATE = "Trusted"
"""The C2PA library's validation state when the chain ends at a trust anchor and nothing failed."""

HASH_MATCH_CODES = frozenset({"assertion.dataHash.match", "assertion.boxesHash.match", "assertion.bmffHash.match"})
"""Success codes saying the hard binding (hash of the asset's bytes) matches what was sent."""

ACTIONS_LABELS = frozenset({"c2pa.actions", "c2pa.actions.v2"})
CREATED_ACTION = "c2pa.created"

READ_SETTINGS: dict[str, Any] = {
    "verify": {
        "verify_trust": True,
        "verify_after_reading": True,
        "remote_manifest_fetch": False,
        "ocsp_fetch": False,
    },
}
"""Validate everything, fetch nothing: a remote manifest or an OCSP answer would let the network (and
whoever controls a URL in the manifest) decide, and take unbounded time."""

PLAIN_REASONS = {
    "signingCredential.untrusted": "the signing certificate does not chain to a trust anchor the operator listed",
    "signingCredential.expired": "the signing certificate had expired",
    "signingCredential.invalid": "the signing certificate is not valid for content credentials",
    "signingCredential.revoked": "the signing certificate was revoked",
    "claimSignature.mismatch": "the claim signature does not match the manifest",
    "assertion.dataHash.mismatch": "the image changed after it was signed (its hash does not match the manifest's)",
    "assertion.boxesHash.mismatch": "the image changed after it was signed (its hash does not match the manifest's)",
    "assertion.hashedURI.mismatch": "an assertion changed after the manifest was signed",
}
"""The C2PA failure codes a caller most often meets, in words for the refusal message and the audit."""


@dataclasses.dataclass(frozen=True)
class _Report:
    """What one validation said about the active manifest."""

    state: str
    manifest: Mapping[str, Any]
    failures: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]
    successes: frozenset[str]
    embedded: bool

    @property
    def trusted(self) -> bool:
        return self.state == TRUSTED_STATE and not self.failures and self.embedded


class _NoManifest(Exception):
    pass


class _Unreadable(Exception):
    pass


def read_provenance(image: bytes, anchors: Sequence[TrustAnchor]) -> Provenance:
    """The provenance of these exact bytes under this trust list."""
    if len(image) > defaults.MAX_IMAGE_BYTES:
        return _untrusted((), (f"the image is larger than {defaults.MAX_IMAGE_BYTES} bytes; its content "
                               "credentials were not read",))
    return _provenance(image, anchors)


def read_file_provenance(path: Path, anchors: Sequence[TrustAnchor]) -> Provenance:
    """The provenance of a file (a video: MP4, MOV, AVI) under this trust list, read from disk."""
    return _provenance(path, anchors)


def _provenance(image: bytes | Path, anchors: Sequence[TrustAnchor]) -> Provenance:
    try:
        report = _validate(image, anchors)
    except _NoManifest:
        return NO_PROVENANCE
    except _Unreadable as error:
        return _untrusted(("manifest.unreadable",), (f"the content credentials could not be read: {error}",))

    codes = tuple(dict.fromkeys([code for code, _ in report.failures] + list(report.notes)))
    if not (report.trusted and anchors):
        reasons = [PLAIN_REASONS.get(code, f"{code}: {explanation}") for code, explanation in report.failures]
        if not anchors:
            reasons.append("the operator lists no trust anchors")
        if not report.embedded:
            reasons.append("the manifest is not embedded in the image")
        return _untrusted(codes, tuple(dict.fromkeys(reasons)) or (f"validation state {report.state}",))
    if not HASH_MATCH_CODES & report.successes:
        return _untrusted(codes, ("no hash of the image's bytes was validated against the manifest",))

    anchor = _anchor_of(image, anchors)
    if isinstance(anchor, str):
        return _untrusted(codes, (anchor,))
    captured_at, when_reasons = _capture_time(report.manifest)
    signed = (f"signed under trust anchor '{anchor.name}' ({anchor.device_class.value}); the signature is valid and "
              "the image's hash matches the manifest")
    trusted_reasons = (signed, *when_reasons)
    return Provenance(ProvenanceStatus.TRUSTED, captured_at, anchor.device_class, anchor.anchor_id, anchor.name,
                      codes, trusted_reasons)


def _untrusted(codes: tuple[str, ...], reasons: tuple[str, ...]) -> Provenance:
    return Provenance(ProvenanceStatus.UNTRUSTED, codes=codes, reasons=reasons)


def _validate(image: bytes | Path, anchors: Sequence[TrustAnchor]) -> _Report:
    settings = dict(READ_SETTINGS)
    if anchors:  # the library reads an empty list as a malformed certificate
        settings["trust"] = {"trust_anchors": "".join(anchor.certificate for anchor in anchors)}
    try:
        with _opened(image) as stream, c2pa.Settings.from_dict(settings) as configured, \
                c2pa.Context(configured) as context, c2pa.Reader(stream, context=context) as reader:
            report = json.loads(reader.json())
            embedded = reader.is_embedded()
    except c2pa.C2paError.ManifestNotFound:
        raise _NoManifest() from None
    except c2pa.C2paError.NotSupported:
        raise _NoManifest() from None  # a format that cannot carry a manifest (BMP) carries none
    except (c2pa.C2paError, ValueError, UnicodeError) as error:
        raise _Unreadable(str(error) or type(error).__name__) from None
    return _report_of(report, embedded)


def _report_of(report: Mapping[str, Any], embedded: bool) -> _Report:
    manifests = report.get("manifests") or {}
    active = manifests.get(report.get("active_manifest") or "")
    if not isinstance(active, Mapping):
        raise _Unreadable("the manifest store names no active manifest")
    results = report.get("validation_results") or {}
    groups = [results.get("activeManifest") or {}]
    groups += [delta.get("validationDeltas") or {} for delta in results.get("ingredientDeltas") or []]
    failures = [(str(item.get("code")), str(item.get("explanation", ""))) for group in groups
                for item in group.get("failure") or []]
    failures += [(str(item.get("code")), str(item.get("explanation", ""))) for item in
                 report.get("validation_status") or []]
    return _Report(
        state=str(report.get("validation_state") or ""),
        manifest=active,
        failures=tuple(dict.fromkeys(failures)),
        notes=tuple(str(item.get("code")) for group in groups for item in group.get("informational") or []),
        successes=frozenset(str(item.get("code")) for group in groups for item in group.get("success") or []),
        embedded=embedded,
    )


def _opened(image: bytes | Path) -> BinaryIO:
    """The bytes, or the file, as the stream the C2PA library reads (its caller closes it)."""
    return io.BytesIO(image) if isinstance(image, bytes) else open(image, "rb")


def _anchor_of(image: bytes | Path, anchors: Sequence[TrustAnchor]) -> TrustAnchor | str:
    """The listed anchor the signature chain ends at, or why it cannot be told.

    Validation against a part of the list is trusted exactly when the chain ends at an anchor in
    that part. Classes first: a chain ending at anchors of two classes (the operator listed a root
    and its intermediate under different classes) has no one class and is not trusted. Then halves,
    to name the anchor for the audit trail."""
    by_class: dict[str, list[TrustAnchor]] = {}
    for anchor in anchors:
        by_class.setdefault(anchor.device_class.value, []).append(anchor)
    candidates = list(anchors)
    if len(by_class) > 1:
        ending = [group for group in by_class.values() if _trusted_by(image, group)]
        if len(ending) != 1:
            classes = ", ".join(group[0].device_class.value for group in ending) or "none"
            return (f"the signature chain ends at trust anchors of {len(ending)} device classes ({classes}), "
                    "so its device class cannot be told")
        candidates = ending[0]
    confirmed = len(by_class) > 1 or len(candidates) == 1
    while len(candidates) > 1:
        half = len(candidates) // 2
        confirmed = _trusted_by(image, candidates[:half])
        candidates = candidates[:half] if confirmed else candidates[half:]
    if not confirmed and not _trusted_by(image, candidates):
        return "the signature chain could not be matched to one listed trust anchor"
    return candidates[0]


def _trusted_by(image: bytes | Path, anchors: Iterable[TrustAnchor]) -> bool:
    try:
        return _validate(image, list(anchors)).trusted
    except (_NoManifest, _Unreadable):
        return False


def _capture_time(manifest: Mapping[str, Any]) -> tuple[datetime | None, tuple[str, ...]]:
    """The `when` of the active manifest's c2pa.created action, or None with the reason."""
    whens = set()
    for assertion in manifest.get("assertions") or []:
        if str(assertion.get("label", "")).split("__")[0] not in ACTIONS_LABELS:
            continue
        for action in (assertion.get("data") or {}).get("actions") or []:
            if action.get("action") == CREATED_ACTION:
                whens.add(action.get("when"))
    if not whens or whens == {None}:
        return None, ("the manifest has no c2pa.created action with a time (when), so its capture time is unknown",)
    if len(whens) > 1:
        return None, ("the manifest's c2pa.created actions give different times, so its capture time is unknown",)
    when = whens.pop()
    try:
        return parse_time(str(when)), ()
    except ValueError:
        return None, (f"the c2pa.created time {str(when)[:64]!r} is not an RFC 3339 time with an offset",)
