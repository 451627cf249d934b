"""Redact the faces in a video (or a photo): progress while it runs, the face tracks, the file.

    python sdk/examples/09_redact.py [clip.mp4 [redacted.mp4]]
"""

from __future__ import annotations

import sys
from pathlib import Path

from _env import FACES, endpoint, need
from visage import FaceClient, RedactionMethod
from visage.models import RedactionJob


def show(job: RedactionJob) -> None:
    print(f"  {job.status.value:<10} {job.percent_complete:3d}%", flush=True)


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else FACES / "video" / "short_hamilton_clip.mp4"
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"{source.stem}-redacted{source.suffix}")
    with FaceClient(endpoint(), need("VISAGE_KEY")) as client:
        print(f"redacting {source.name}")
        poller = client.begin_redact(source, method=RedactionMethod.BLUR, progress=show)
        job = poller.result(timeout=3600)
        poller.download(target)
    result = job.result
    assert result is not None
    if result.frames is not None:
        print(f"{result.frames} frames, {result.duration_ms} ms, {result.width}x{result.height}, "
              f"{len(job.face_tracks)} face track(s)")
        for track in job.face_tracks:
            print(f"- track {track.index}: {track.start_ms}-{track.end_ms} ms, seen {len(track.faces)} times")
    else:
        print(f"{len(result.faces)} face(s) hidden")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
