"""Fixtures shared by the app's tests: small, fast configurations (no downloads)."""

from __future__ import annotations

import pytest

from tui_backprop.training import RunConfig, from_dict


@pytest.fixture
def app_xor_config() -> RunConfig:
    """A tiny XOR run (2-5-3-1) that cannot finish during a test: 100,000 epochs.

    Paced at 50 steps and 2.5 reports a second: Textual's Pilot waits for an idle CPU
    after each key, which a full-speed training thread never leaves it.
    """
    return from_dict(
        {
            "dataset": "xor",
            "dataset_options": {"n_samples": 200, "seed": 1},
            "sizes": [2, 5, 3, 1],
            "activation": "tanh",
            "output_activation": "sigmoid",
            "cost": "cross_entropy",
            "eta": 0.3,
            "batch_size": 10,
            "epochs": 100_000,
            "seed": 1,
            "report_every_seconds": 0.4,
            "max_steps_per_second": 50,
        }
    )


@pytest.fixture
def app_spiral_config() -> RunConfig:
    """A fixed three-arm spiral (2-12-8-3, softmax): the state the screenshots show."""
    return from_dict(
        {
            "description": "screenshot run",
            "dataset": "spiral",
            "dataset_options": {"n_samples": 300, "arms": 3, "noise": 0.05, "seed": 0},
            "sizes": [2, 12, 8, 3],
            "activation": "tanh",
            "output_activation": "softmax",
            "cost": "log_likelihood",
            "eta": 0.1,
            "batch_size": 10,
            "epochs": 500,
            "seed": 0,
        }
    )
