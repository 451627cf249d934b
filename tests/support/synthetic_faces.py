"""Synthetic face embeddings shaped like dlib's, for tests and benchmarks at sizes no photo set reaches.

Measured on the 30 faces of ../shared/faces (dlib's 128-d encoder, through server.vision): every
embedding has a norm of about 1.4, because all of them share a mean of norm 1.31; two photos of one
person are 0.05-0.52 apart (median 0.34); two people are 0.70-1.02 apart (median 0.84, 5 % below
0.71). An identity is therefore drawn as

    face = MEAN + centre + noise,

with the centre a Gaussian of decaying spectrum (variances proportional to exp(-k / 16) along a fixed
random rotation: an effective dimension of about 32, which reproduces the relative spread of the
people-to-people distances above; isotropic 128-d would make every stranger equally far, which no
real encoder does) and the noise isotropic, sized so that two faces of one identity sit 0.34 apart
and two identities 0.84 apart at the median. Each face's noise is scaled by its own factor, uniform in
[0.3, 1.3] (a frontal, well-lit photo to a turned, badly lit one), which spreads same-person distances
over 0.1-0.55 as in the photos. Each identity has 1 to 7 faces (4 on average), as
enrolled persons do; probes are fresh faces of an identity (a new photo, not a stored face).

Everything is a pure function of (seed, identity), computed in blocks, so ten million faces can be
streamed into a store and any identity's probe recomputed later without keeping the matrix.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

DIMENSIONS = 128
MEAN_NORM = 1.31
SAME_PERSON_MEDIAN = 0.34
STRANGER_MEDIAN = 0.84
SPECTRUM_SCALE = 16.0
MAX_FACES_PER_IDENTITY = 7
BLOCK = 4096
"""Identities generated together: the unit of determinism and of streaming."""

NOISE_SCALES = (0.3, 1.3)
"""Each face's noise factor is uniform in this range: its mean square is (1.3^3 - 0.3^3) / 3."""

FACE_SIGMA = SAME_PERSON_MEDIAN / np.sqrt(2 * DIMENSIONS * (NOISE_SCALES[1] ** 3 - NOISE_SCALES[0] ** 3) / 3)
"""Per-dimension noise: |n1 - n2| of two isotropic draws is about sigma * sqrt(2 d) times the factors."""


def _noise(rng: np.random.Generator, rows: int) -> np.ndarray:
    factors = rng.uniform(*NOISE_SCALES, size=(rows, 1)).astype(np.float32) * np.float32(FACE_SIGMA)
    return rng.standard_normal((rows, DIMENSIONS), dtype=np.float32) * factors


@functools.cache
def _shape(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The shared mean and the centre generator (scaled rows of a random rotation)."""
    rng = np.random.default_rng([seed, 0xFACE])
    mean = rng.normal(size=DIMENSIONS)
    mean *= MEAN_NORM / np.linalg.norm(mean)
    rotation, _ = np.linalg.qr(rng.normal(size=(DIMENSIONS, DIMENSIONS)))
    variances = np.exp(-np.arange(DIMENSIONS) / SPECTRUM_SCALE)
    # two centres differ by sqrt(2 * sum(variances)) * scale; faces add the noise of two draws
    centre_gap = np.sqrt(STRANGER_MEDIAN ** 2 - SAME_PERSON_MEDIAN ** 2)
    scale = centre_gap / np.sqrt(2 * variances.sum())
    generator = (np.sqrt(variances) * scale)[:, None] * rotation
    return mean.astype(np.float32), generator.astype(np.float32)


@dataclasses.dataclass(frozen=True)
class SyntheticFaces:
    """`identities` enrolled identities with `faces` faces in all, rows grouped by identity."""

    faces: int
    seed: int = 1

    @functools.cached_property
    def faces_per_identity(self) -> np.ndarray:
        rng = np.random.default_rng([self.seed, 1])
        counts = rng.integers(1, MAX_FACES_PER_IDENTITY + 1, size=self.faces // 2 + 1)
        ends = np.cumsum(counts)
        identities = int(np.searchsorted(ends, self.faces)) + 1
        counts = counts[:identities].copy()
        counts[-1] -= int(ends[identities - 1]) - self.faces
        return counts

    @property
    def identities(self) -> int:
        return len(self.faces_per_identity)

    @functools.cached_property
    def first_face(self) -> np.ndarray:
        """Row of each identity's first face, and the total at the end."""
        return np.concatenate([[0], np.cumsum(self.faces_per_identity)]).astype(np.int64)

    def centres(self, block: int) -> np.ndarray:
        mean, generator = _shape(self.seed)
        rng = np.random.default_rng([self.seed, 2, block])
        return mean + rng.standard_normal((BLOCK, DIMENSIONS), dtype=np.float32) @ generator

    def block_faces(self, block: int) -> tuple[np.ndarray, np.ndarray]:
        """(identity of each row, embeddings) of the enrolled identities of one block."""
        first, last = block * BLOCK, min((block + 1) * BLOCK, self.identities)
        counts = self.faces_per_identity[first:last]
        local = np.repeat(np.arange(last - first), counts)
        rng = np.random.default_rng([self.seed, 3, block])
        return local + first, self.centres(block)[local] + _noise(rng, len(local))

    def blocks(self) -> range:
        return range(-(-self.identities // BLOCK))

    def matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """(identity of each row, all embeddings): only for sizes that fit in memory."""
        parts = [self.block_faces(block) for block in self.blocks()]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def probes(self, identities: np.ndarray, salt: int = 0) -> np.ndarray:
        """A fresh face of each identity (beyond `self.identities`: people never enrolled)."""
        out = np.empty((len(identities), DIMENSIONS), dtype=np.float32)
        for block in np.unique(identities // BLOCK):
            chosen = np.flatnonzero(identities // BLOCK == block)
            centres = self.centres(int(block))[identities[chosen] - block * BLOCK]
            rng = np.random.default_rng([self.seed, 4, int(block), salt])
            out[chosen] = centres + _noise(rng, len(centres))
        return out
