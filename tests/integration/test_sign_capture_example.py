"""The guide's signing example runs as documented, and Visage trusts what it signs under the CA it lists."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from server.domain.provenance import DeviceClass, ProvenanceStatus
from server.domain.trust_anchors import new_trust_anchor
from server.vision.provenance import read_provenance
from tests.support.c2pa import EXAMPLE, JPEG_PHOTO
from tests.support.faces import photo


def test_the_example_signs_a_capture_that_visage_trusts_under_its_ca(tmp_path: Path) -> None:
    signed_path, pki_dir = tmp_path / "signed.jpg", tmp_path / "pki"
    run = subprocess.run([sys.executable, str(EXAMPLE), str(photo(JPEG_PHOTO).file), str(signed_path),
                          "--captured-at", "2026-11-20T09:30:00Z", "--out-dir", str(pki_dir)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert "POST /admin/v1/trust-anchors" in run.stdout
    anchor = new_trust_anchor("example", "Example Body Camera CA", (pki_dir / "ca.pem").read_text(), "body-worn",
                              at=datetime.now(UTC))
    result = read_provenance(signed_path.read_bytes(), [anchor])
    assert (result.status, result.device_class) == (ProvenanceStatus.TRUSTED, DeviceClass.BODY_WORN), result.reasons
    assert result.captured_at == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def test_the_example_refuses_a_time_without_an_offset(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, str(EXAMPLE), str(photo(JPEG_PHOTO).file), str(tmp_path / "out.jpg"),
                          "--captured-at", "2026-11-20T09:30:00"], capture_output=True, text=True, timeout=120,
                         check=False)
    assert run.returncode != 0 and "UTC offset" in run.stderr
    assert not (tmp_path / "out.jpg").exists()
