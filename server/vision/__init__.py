"""Pixels to faces: decoding, detection, landmarks, embeddings and attributes (dlib + OpenCV)."""
