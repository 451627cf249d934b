"""The dlib models, loaded once a process from the files `face-recognition-models` ships.

gunicorn's --preload loads them in the master so that every API worker shares the pages.
"""

from __future__ import annotations

import functools
from typing import Any

import dlib
import face_recognition_models


@functools.cache
def hog_detector() -> Any:
    return dlib.get_frontal_face_detector()


@functools.cache
def cnn_detector() -> Any:
    return dlib.cnn_face_detection_model_v1(face_recognition_models.cnn_face_detector_model_location())


@functools.cache
def five_point_predictor() -> Any:
    return dlib.shape_predictor(face_recognition_models.pose_predictor_five_point_model_location())


@functools.cache
def sixty_eight_point_predictor() -> Any:
    return dlib.shape_predictor(face_recognition_models.pose_predictor_model_location())


@functools.cache
def face_encoder() -> Any:
    return dlib.face_recognition_model_v1(face_recognition_models.face_recognition_model_location())


def load_all() -> None:
    hog_detector()
    cnn_detector()
    five_point_predictor()
    sixty_eight_point_predictor()
    face_encoder()
