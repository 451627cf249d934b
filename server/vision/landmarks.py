"""Azure's 27 named face landmarks from dlib's 68 iBUG 300-W points.

"Left" and "Right" are the image's sides, as in Azure's answers (pupilLeft has the smaller x):
dlib's 36-41 are the image-left eye, 42-47 the image-right one. Each landmark is a dlib point
(indices below), the mean of several, or a point part-way from one to another, `lerp(a, b, t)`,
where dlib has no point of its own:

| landmark            | dlib points          | landmark             | dlib points           |
| ------------------- | -------------------- | -------------------- | --------------------- |
| pupilLeft           | mean 36-41           | pupilRight           | mean 42-47            |
| eyebrowLeftOuter    | 17                   | eyebrowRightOuter    | 26                    |
| eyebrowLeftInner    | 21                   | eyebrowRightInner    | 22                    |
| eyeLeftOuter        | 36                   | eyeRightOuter        | 45                    |
| eyeLeftInner        | 39                   | eyeRightInner        | 42                    |
| eyeLeftTop          | mean 37, 38          | eyeRightTop          | mean 43, 44           |
| eyeLeftBottom       | mean 40, 41          | eyeRightBottom       | mean 46, 47           |
| noseRootLeft        | lerp(28, 39, 1/3)    | noseRootRight        | lerp(28, 42, 1/3)     |
| noseLeftAlarTop     | lerp(29, 31, 1/2)    | noseRightAlarTop     | lerp(29, 35, 1/2)     |
| noseLeftAlarOutTip  | 31                   | noseRightAlarOutTip  | 35                    |
| mouthLeft           | 48                   | mouthRight           | 54                    |
| noseTip             | 30                   | upperLipTop          | 51                    |
| upperLipBottom      | 62                   | underLipTop          | 66                    |
| underLipBottom      | 57                   |                      |                       |

The nose roots sit on the bridge at eye level (dlib's 28), a third of the way towards the inner
eye corners; the alar tops, where the nostril wings meet the bridge, half-way between the bridge
above the tip (29) and the outer nostril points (31, 35).
"""

from __future__ import annotations

import numpy as np

_Construction = tuple[tuple[int, ...], tuple[int, ...], float]

# Each landmark is lerp(mean(first), mean(second), t); with t = 0 the second group is unused.
_CONSTRUCTION: dict[str, _Construction] = {
    "pupilLeft": ((36, 37, 38, 39, 40, 41), (), 0.0),
    "pupilRight": ((42, 43, 44, 45, 46, 47), (), 0.0),
    "noseTip": ((30,), (), 0.0),
    "mouthLeft": ((48,), (), 0.0),
    "mouthRight": ((54,), (), 0.0),
    "eyebrowLeftOuter": ((17,), (), 0.0),
    "eyebrowLeftInner": ((21,), (), 0.0),
    "eyeLeftOuter": ((36,), (), 0.0),
    "eyeLeftTop": ((37, 38), (), 0.0),
    "eyeLeftBottom": ((40, 41), (), 0.0),
    "eyeLeftInner": ((39,), (), 0.0),
    "eyebrowRightInner": ((22,), (), 0.0),
    "eyebrowRightOuter": ((26,), (), 0.0),
    "eyeRightInner": ((42,), (), 0.0),
    "eyeRightTop": ((43, 44), (), 0.0),
    "eyeRightBottom": ((46, 47), (), 0.0),
    "eyeRightOuter": ((45,), (), 0.0),
    "noseRootLeft": ((28,), (39,), 1 / 3),
    "noseRootRight": ((28,), (42,), 1 / 3),
    "noseLeftAlarTop": ((29,), (31,), 1 / 2),
    "noseRightAlarTop": ((29,), (35,), 1 / 2),
    "noseLeftAlarOutTip": ((31,), (), 0.0),
    "noseRightAlarOutTip": ((35,), (), 0.0),
    "upperLipTop": ((51,), (), 0.0),
    "upperLipBottom": ((62,), (), 0.0),
    "underLipTop": ((66,), (), 0.0),
    "underLipBottom": ((57,), (), 0.0),
}
"""Azure's 27 names in Azure's order (FaceLandmarks in the v1.2 specification)."""


def azure_landmarks(points68: np.ndarray) -> dict[str, dict[str, float]]:
    """Azure's faceLandmarks from a 68 x 2 array of dlib points, in image pixels to 0.1 px."""
    points = np.asarray(points68, dtype=np.float64)
    if points.shape != (68, 2):
        raise ValueError(f"expected 68 x 2 landmark points, got {points.shape}")
    landmarks: dict[str, dict[str, float]] = {}
    for name, (first, second, t) in _CONSTRUCTION.items():
        point = points[list(first)].mean(axis=0)
        if second:
            point = point + t * (points[list(second)].mean(axis=0) - point)
        landmarks[name] = {"x": round(float(point[0]), 1), "y": round(float(point[1]), 1)}
    return landmarks
