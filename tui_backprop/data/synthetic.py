"""Synthetic 2-D classification sets: xor, circles, moons, spiral and blobs.

Every set lies roughly in [-1, 1]² so that sigmoid and tanh nets train quickly, and every
`noise` option is the standard deviation of Gaussian jitter added to each coordinate.
"""

from __future__ import annotations

import numpy as np

from .arrays import assemble, class_targets, plane_range, split_indices
from .base import Dataset, DatasetInfo
from .options import (
    DatasetSpec,
    OptionSpec,
    n_samples_option,
    noise_option,
    seed_option,
    split_option,
)

N_SAMPLES = 400
BLOB_RADIUS = 0.6
"""Distance of each blob centre from the origin; the centres are evenly spaced on a circle."""


def class_sizes(n: int, n_classes: int) -> list[int]:
    """n split as evenly as possible into n_classes counts."""
    return [n // n_classes + (1 if j < n % n_classes else 0) for j in range(n_classes)]


def classification_set(
    name: str,
    description: str,
    X: np.ndarray,
    classes: np.ndarray,
    class_names: tuple[str, ...],
    test_fraction: float,
    rng: np.random.Generator,
) -> Dataset:
    """A Dataset from 2-D points and their integer classes, split with a stratified seeded split."""
    train, test = split_indices(len(X), test_fraction, rng, classes)
    info = DatasetInfo(
        name=name,
        description=f"{description} ({len(train)} train / {len(test)} test)",
        n_inputs=X.shape[1],
        n_outputs=1 if len(class_names) == 2 else len(class_names),
        task="classification",
        class_names=class_names,
        drawable_2d=X.shape[1] == 2,
        image_shape=None,
        input_range=plane_range(X),
    )
    return assemble(info, X, class_targets(classes, len(class_names)), train, test)


def load_xor(*, seed: int, n_samples: int, noise: float, test_fraction: float) -> Dataset:
    """XOR: points uniform in [-1, 1]², class 1 when x and y have opposite signs."""
    rng = np.random.default_rng(seed)
    clean = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    classes = (clean[:, 0] * clean[:, 1] < 0).astype(np.intp)
    X = clean + rng.normal(0.0, noise, size=clean.shape)
    return classification_set(
        "xor", f"XOR, noise {noise:g}", X, classes, ("same sign", "opposite signs"),
        test_fraction, rng,
    )  # fmt: skip


def load_circles(*, seed: int, n_samples: int, noise: float, test_fraction: float) -> Dataset:
    """Two concentric rings, radius 1 (class 0, outer) and 0.5 (class 1, inner)."""
    rng = np.random.default_rng(seed)
    sizes = class_sizes(n_samples, 2)
    classes = np.repeat([0, 1], sizes)
    radius = np.where(classes == 0, 1.0, 0.5)
    angle = rng.uniform(0.0, 2 * np.pi, size=n_samples)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X += rng.normal(0.0, noise, size=X.shape)
    return classification_set(
        "circles", f"Two rings, noise {noise:g}", X, classes, ("outer", "inner"),
        test_fraction, rng,
    )  # fmt: skip


def load_moons(*, seed: int, n_samples: int, noise: float, test_fraction: float) -> Dataset:
    """Two interleaving half circles, centred and scaled into about [-1, 1] x [-0.6, 0.6]."""
    rng = np.random.default_rng(seed)
    sizes = class_sizes(n_samples, 2)
    classes = np.repeat([0, 1], sizes)
    t = rng.uniform(0.0, np.pi, size=n_samples)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where(classes[:, None] == 0, upper, lower)
    X = (X - np.array([0.5, 0.25])) / 1.5
    X += rng.normal(0.0, noise, size=X.shape)
    return classification_set(
        "moons", f"Two moons, noise {noise:g}", X, classes, ("upper", "lower"),
        test_fraction, rng,
    )  # fmt: skip


def load_spiral(
    *, seed: int, n_samples: int, noise: float, arms: int, turns: float, test_fraction: float
) -> Dataset:
    """Interleaved spiral arms from the centre to radius 1, each turning ``turns`` times."""
    rng = np.random.default_rng(seed)
    classes = np.repeat(np.arange(arms), class_sizes(n_samples, arms))
    t = rng.uniform(0.0, 1.0, size=n_samples)
    radius = 0.1 + 0.9 * t
    angle = 2 * np.pi * (classes / arms + turns * t)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X += rng.normal(0.0, noise, size=X.shape)
    names = tuple(f"arm {j + 1}" for j in range(arms))
    return classification_set(
        "spiral", f"Spiral, {arms} arms, noise {noise:g}", X, classes, names, test_fraction, rng
    )


def load_blobs(
    *, seed: int, n_samples: int, noise: float, classes: int, test_fraction: float
) -> Dataset:
    """Gaussian blobs, one per class, centred evenly on a circle of radius 0.6."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(classes), class_sizes(n_samples, classes))
    angle = 2 * np.pi * np.arange(classes) / classes + np.pi / 2
    centres = BLOB_RADIUS * np.column_stack([np.cos(angle), np.sin(angle)])
    X = centres[labels] + rng.normal(0.0, noise, size=(n_samples, 2))
    names = tuple(f"blob {j + 1}" for j in range(classes))
    return classification_set(
        "blobs", f"{classes} blobs, spread {noise:g}", X, labels, names, test_fraction, rng
    )


def _common(noise: float, noise_help: str) -> tuple[OptionSpec, ...]:
    """The seed, n_samples, noise and test_fraction options of a synthetic set."""
    return (
        seed_option(),
        n_samples_option(N_SAMPLES),
        noise_option(noise, noise_help),
        split_option(),
    )


_JITTER = "std of Gaussian jitter added to each coordinate"

SPECS = (
    DatasetSpec(
        "xor",
        "XOR: is x·y negative? Points in [-1, 1]², 2 classes, 1 output",
        _common(0.05, f"{_JITTER} (points near the axes change side)"),
        load_xor,
    ),
    DatasetSpec(
        "circles",
        "Two concentric rings (radii 1 and 0.5): inner vs outer, 2 classes, 1 output",
        _common(0.08, f"{_JITTER} (the rings are 0.5 apart)"),
        load_circles,
    ),
    DatasetSpec(
        "moons",
        "Two interleaving half moons, 2 classes, 1 output",
        _common(0.07, f"{_JITTER} (the moons are about 0.33 apart)"),
        load_moons,
    ),
    DatasetSpec(
        "spiral",
        "Interleaved spiral arms, one class per arm (2 arms: 1 output, more: one-hot)",
        _common(0.03, f"{_JITTER} (arms get closer as `arms` grows)")
        + (
            OptionSpec("arms", int, 2, "number of arms, one class each", min=2, max=5),
            OptionSpec(
                "turns", float, 0.75, "turns of each arm from centre to tip", min=0.25, max=3
            ),
        ),
        load_spiral,
    ),
    DatasetSpec(
        "blobs",
        "Gaussian blobs on a circle, one class per blob (2 blobs: 1 output, more: one-hot)",
        _common(0.1, "std of each blob around its centre (centres are 0.6 from the origin)")
        + (OptionSpec("classes", int, 3, "number of blobs, one class each", min=2, max=8),),
        load_blobs,
    ),
)
