"""Detect faces with landmarks and quality attributes, from a path, bytes or a file.

    python sdk/examples/02_detect.py [photo.jpg]
"""

from __future__ import annotations

import sys
from pathlib import Path

from _env import endpoint, need, photo
from visage import DetectionModel, FaceAttributeType, FaceClient, RecognitionModel


def main() -> None:
    image = Path(sys.argv[1]) if len(sys.argv) > 1 else photo("groups/two_people.jpg")
    with FaceClient(endpoint(), need("VISAGE_KEY")) as client:
        faces = client.detect(
            image,  # also: bytes, or a file opened with open(path, "rb")
            detection_model=DetectionModel.DETECTION_01,
            recognition_model=RecognitionModel.RECOGNITION_04,
            return_face_landmarks=True,
            return_face_attributes=[FaceAttributeType.HEAD_POSE, FaceAttributeType.QUALITY_FOR_RECOGNITION],
        )
    print(f"{len(faces)} face(s) in {image.name}, largest first; content credentials: {faces.provenance}")
    for face in faces:
        box = face.face_rectangle
        print(f"- faceId {face.face_id}: {box.width}x{box.height} at ({box.left}, {box.top})")
        if face.face_landmarks is not None:
            nose = face.face_landmarks.nose_tip
            print(f"  nose tip at ({nose.x:.0f}, {nose.y:.0f})")
        if face.face_attributes is not None and face.face_attributes.head_pose is not None:
            pose = face.face_attributes.head_pose
            print(f"  head pose yaw {pose.yaw:.1f}, pitch {pose.pitch:.1f}, roll {pose.roll:.1f}; "
                  f"quality {face.face_attributes.quality_for_recognition}")


if __name__ == "__main__":
    main()
