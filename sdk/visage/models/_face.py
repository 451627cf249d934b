"""Results of the data plane's face calls: detect, verify, identify, find similar, group."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from visage.enums import BlurLevel, ExposureLevel, NoiseLevel, ProvenanceStatus, QualityForRecognition, RecognitionModel
from visage.models._wire import WireModel


@dataclass(frozen=True, slots=True)
class FaceRectangle(WireModel):
    """Where a face is, in pixels of the image."""

    top: int
    left: int
    width: int
    height: int

    def to_target_face(self) -> str:
        """Azure's `targetFace` form: `left,top,width,height`."""
        return f"{self.left},{self.top},{self.width},{self.height}"


@dataclass(frozen=True, slots=True)
class LandmarkCoordinate(WireModel):
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class FaceLandmarks(WireModel):
    """Azure's 27 named points of a face."""

    pupil_left: LandmarkCoordinate
    pupil_right: LandmarkCoordinate
    nose_tip: LandmarkCoordinate
    mouth_left: LandmarkCoordinate
    mouth_right: LandmarkCoordinate
    eyebrow_left_outer: LandmarkCoordinate
    eyebrow_left_inner: LandmarkCoordinate
    eye_left_outer: LandmarkCoordinate
    eye_left_top: LandmarkCoordinate
    eye_left_bottom: LandmarkCoordinate
    eye_left_inner: LandmarkCoordinate
    eyebrow_right_inner: LandmarkCoordinate
    eyebrow_right_outer: LandmarkCoordinate
    eye_right_inner: LandmarkCoordinate
    eye_right_top: LandmarkCoordinate
    eye_right_bottom: LandmarkCoordinate
    eye_right_outer: LandmarkCoordinate
    nose_root_left: LandmarkCoordinate
    nose_root_right: LandmarkCoordinate
    nose_left_alar_top: LandmarkCoordinate
    nose_right_alar_top: LandmarkCoordinate
    nose_left_alar_out_tip: LandmarkCoordinate
    nose_right_alar_out_tip: LandmarkCoordinate
    upper_lip_top: LandmarkCoordinate
    upper_lip_bottom: LandmarkCoordinate
    under_lip_top: LandmarkCoordinate
    under_lip_bottom: LandmarkCoordinate


@dataclass(frozen=True, slots=True)
class HeadPose(WireModel):
    """Degrees: pitch (up/down), roll (tilt), yaw (left/right)."""

    pitch: float
    roll: float
    yaw: float


@dataclass(frozen=True, slots=True)
class BlurProperties(WireModel):
    blur_level: BlurLevel
    value: float


@dataclass(frozen=True, slots=True)
class ExposureProperties(WireModel):
    exposure_level: ExposureLevel
    value: float


@dataclass(frozen=True, slots=True)
class NoiseProperties(WireModel):
    noise_level: NoiseLevel
    value: float


@dataclass(frozen=True, slots=True)
class FaceAttributes(WireModel):
    """The attributes asked for with `return_face_attributes`; others stay None. Attributes Visage
    does not compute (glasses, occlusion, ...) would arrive in `extra` from another server."""

    head_pose: HeadPose | None = None
    blur: BlurProperties | None = None
    exposure: ExposureProperties | None = None
    noise: NoiseProperties | None = None
    quality_for_recognition: QualityForRecognition | None = None


@dataclass(frozen=True, slots=True)
class FaceDetectionResult(WireModel):
    """One detected face, largest first. `face_id` lives 24 hours unless `face_id_time_to_live`."""

    face_rectangle: FaceRectangle
    face_id: str | None = None
    recognition_model: RecognitionModel | None = None
    face_landmarks: FaceLandmarks | None = None
    face_attributes: FaceAttributes | None = None


class DetectResult(list[FaceDetectionResult]):
    """The faces of a detect call, largest first, and the provenance of the image.

    It is a list of `FaceDetectionResult` (index it, iterate it, compare it with a list: the
    provenance is not compared); `provenance` is what the image's C2PA content credentials showed,
    from the `x-visage-provenance` header. Under terms 2026-12 a law-enforcement tenant may recognize
    only faces from trusted images captured more than 24 hours earlier.
    """

    __slots__ = ("_provenance",)

    def __init__(self, faces: Iterable[FaceDetectionResult] = (), *,
                 provenance: ProvenanceStatus | None = None) -> None:
        super().__init__(faces)
        self._provenance = provenance

    @property
    def provenance(self) -> ProvenanceStatus | None:
        """`none`, `untrusted` or `trusted`; None when the server did not say (a Face API other than
        Visage, or a Visage from before provenance)."""
        return self._provenance

    def __repr__(self) -> str:
        return f"DetectResult({list.__repr__(self)}, provenance={self._provenance!r})"


@dataclass(frozen=True, slots=True)
class FaceVerificationResult(WireModel):
    """`is_identical` is true when `confidence` is 0.5 or more."""

    is_identical: bool
    confidence: float


@dataclass(frozen=True, slots=True)
class IdentificationCandidate(WireModel):
    person_id: str
    confidence: float


@dataclass(frozen=True, slots=True)
class FaceIdentificationResult(WireModel):
    """The candidates for one query face, best first; empty when nobody matches."""

    face_id: str
    candidates: tuple[IdentificationCandidate, ...] = ()


@dataclass(frozen=True, slots=True)
class FaceFindSimilarResult(WireModel):
    """A similar face: `face_id` when searching faceIds, `persisted_face_id` when searching a list."""

    confidence: float
    face_id: str | None = None
    persisted_face_id: str | None = None


@dataclass(frozen=True, slots=True)
class FaceGroupingResult(WireModel):
    """faceIds grouped by person; `messy_group` holds faces like no other."""

    groups: tuple[tuple[str, ...], ...] = ()
    messy_group: tuple[str, ...] = ()
