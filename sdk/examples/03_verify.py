"""Are two photos the same person? Detect a faceId in each, then verify.

    python sdk/examples/03_verify.py [first.jpg second.jpg]
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from _env import endpoint, need, photo
from visage import CaptureContext, FaceClient


def main() -> None:
    if len(sys.argv) > 2:
        first, second = Path(sys.argv[1]), Path(sys.argv[2])
    else:
        first, second = photo("people/obama/obama.jpg"), photo("people/obama/obama2.jpg")
    # Say how the pictures were captured: recorded photos here. Without it the server assumes the
    # strictest case (real time), which matters for law-enforcement tenants.
    capture = CaptureContext.recorded(captured_at=datetime(2024, 5, 1, 12, 0, tzinfo=UTC))
    with FaceClient(endpoint(), need("VISAGE_KEY")) as client:
        face_ids = []
        for image in (first, second):
            faces = client.detect(image, capture=capture)
            if not faces or faces[0].face_id is None:
                sys.exit(f"no face found in {image}")
            face_ids.append(faces[0].face_id)
        result = client.verify_face_to_face(face_ids[0], face_ids[1], capture=capture)
    verdict = "the same person" if result.is_identical else "different people"
    print(f"{first.name} and {second.name}: {verdict} (confidence {result.confidence:.2f})")


if __name__ == "__main__":
    main()
