"""`tui-backprop reproduce`: the book experiments, their [expect] tables, and the table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tui_backprop.cli import main
from tui_backprop.data import mnist as mnist_module
from tui_backprop.experiments.expect import book_experiments, find_experiment
from tui_backprop.experiments.measures import METRICS
from tui_backprop.training import ConfigError, load_preset

OFFLINE = {
    "book-ch1-digits",
    "book-ch3-digits",
    "book-slowdown",
    "book-vanishing",
    "book-overfitting",
    "book-regularization",
    "book-eta",
    "book-finite-differences",
}


def test_every_book_experiment_is_a_preset_with_a_complete_expect_table() -> None:
    """The issue's seven offline experiments and the two MNIST ones, each stating its source."""
    experiments = {e.name: e for e in book_experiments()}
    assert OFFLINE | {"nielsen-ch1", "nielsen-ch3"} <= set(experiments)
    for experiment in experiments.values():
        expect = experiment.expect
        assert expect.metric in METRICS and expect.book and "chapter" in expect.source
        comments = experiment.path.read_text(encoding="utf-8")
        assert "expect" in comments.lower(), f"{experiment.name}: say how ours should differ"
        assert load_preset(str(experiment.path)) == experiment.config  # still a plain preset


def test_the_book_numbers_are_the_books() -> None:
    """nielsen-ch1 and nielsen-ch3 quote 95.42 % and 97.92 % with a tolerance under a point."""
    ch1, ch3 = find_experiment("nielsen-ch1").expect, find_experiment("nielsen-ch3").expect
    assert ch1.book == "95.42 %" and 0.9442 <= ch1.value < 0.9542
    assert ch3.book == "97.92 %" and 0.9692 <= ch3.value < 0.9792


def test_reproduce_runs_experiments_in_parallel_and_prints_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two fast experiments: a line per run, the table with book/ours/verdict, JSONL kept."""
    status = main(
        ["reproduce", "book-slowdown", "book-vanishing", "--jobs", "2",
         "--metrics", str(tmp_path / "runs")]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0, out
    assert "reproduce: 2 experiments, 3 runs" in out
    assert "[3/3]" in out and "book-slowdown (cost=cross_entropy): finished" in out
    assert "Reproducing the book: 2 of 2 hold" in out
    assert "quadratic −0.6 %" in out and "≈ 100×" in out and "holds" in out
    rows = (tmp_path / "runs" / "book-slowdown-costquadratic.jsonl").read_text().splitlines()
    assert len(rows) == 30 and json.loads(rows[0])["epoch"] == 1


#: a run that diverges within its first epoch
DIVERGING = 'eta = 1e6\nactivation = "relu"\noutput_activation = "linear"\ncost = "quadratic"\n'


def write_experiment(path: Path, expect: str, extra: str = "") -> Path:
    """A tiny xor experiment preset with the given [expect] body."""
    path.write_text(
        'dataset = "xor"\nsizes = [2, 8, 8, 1]\nepochs = 2\n' + extra
        + "\n[expect]\n" + expect
    )  # fmt: skip
    return path


def test_an_expectation_that_fails_exits_1_and_says_differs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Accuracy ≥ 1.5 cannot hold: the verdict is 'differs' and the exit status 1."""
    preset = write_experiment(
        tmp_path / "impossible.toml",
        'metric = "test_accuracy"\ncompare = ">="\nvalue = 1.5\nbook = "150 %"\n'
        'source = "chapter 0, nowhere"\n',
    )
    assert main(["reproduce", str(preset), "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    assert "impossible" in out and "differs" in out and "0 of 1 hold" in out


def test_a_failed_run_is_reported_in_its_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run that diverges is named with its state and message; the verdict is 'differs'."""
    preset = write_experiment(
        tmp_path / "diverges.toml",
        'metric = "test_accuracy"\ncompare = ">="\nvalue = 0.0\nbook = "-"\nsource = "chapter 3"\n',
        extra=DIVERGING,
    )
    assert main(["reproduce", str(preset), "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    assert "diverged" in out and "differs" in out


def test_mnist_experiments_are_skipped_without_mnist_and_say_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With an empty cache and no --mnist, nielsen-ch1 is 'skipped' and the run exits 0."""
    monkeypatch.setattr(mnist_module, "default_cache_dir", lambda: tmp_path / "empty")
    assert main(["reproduce", "nielsen-ch1", "nielsen-ch3"]) == 0
    out = capsys.readouterr().out
    assert out.count("skipped") >= 2 and "--mnist PATH" in out and "mnist.pkl.gz" in out


def test_mnist_experiments_run_from_a_copy_given_with_mnist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--mnist PATH reaches the worker process: a small Keras-format file trains one epoch."""
    rng = np.random.default_rng(0)
    np.savez(
        tmp_path / "mnist.npz",
        x_train=rng.integers(0, 256, (10_020, 28, 28), dtype=np.uint8),
        y_train=rng.integers(0, 10, 10_020, dtype=np.uint8),
        x_test=rng.integers(0, 256, (30, 28, 28), dtype=np.uint8),
        y_test=rng.integers(0, 10, 30, dtype=np.uint8),
    )
    preset = tmp_path / "tiny-mnist.toml"
    preset.write_text(
        'dataset = "mnist"\nsizes = [784, 10, 10]\nepochs = 1\n\n[expect]\n'
        'metric = "test_accuracy"\ncompare = ">="\nvalue = 0.0\nbook = "-"\n'
        'source = "chapter 1"\n'
    )
    status = main(["reproduce", str(preset), "--mnist", str(tmp_path / "mnist.npz"), "--jobs", "1"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "tiny-mnist: finished, test accuracy" in out and "1 of 1 hold" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["reproduce"], "name experiments or give --all"),
        (["reproduce", "book-slowdwn"], "did you mean 'book-slowdown'"),
        (["reproduce", "--all", "--jobs", "0"], "--jobs 0: must be a whole number ≥ 1"),
        (["reproduce", "--all", "--executor", "spark://x"], "expected dask://HOST:PORT"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing name, an unknown one, a bad --jobs or --executor: exit 2, one line."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_missing_or_malformed_mnist_copy_is_refused_before_any_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--mnist naming nothing, or a file that is not MNIST: exit 2, one line naming it."""
    assert main(["reproduce", "nielsen-ch1", "--mnist", str(tmp_path / "none.npz")]) == 2
    assert "none.npz: no such file or folder" in capsys.readouterr().err
    (tmp_path / "mnist.npz").write_bytes(b"not a zip")
    assert main(["reproduce", "nielsen-ch1", "--mnist", str(tmp_path / "mnist.npz")]) == 2
    err = capsys.readouterr().err
    assert "mnist.npz: not a readable mnist.npz" in err and len(err.strip().splitlines()) == 1


def test_a_preset_without_expect_or_with_a_bad_one_is_refused(tmp_path: Path) -> None:
    """No [expect] table, an unknown metric, a missing key: ConfigError naming the file."""
    plain = tmp_path / "plain.toml"
    plain.write_text('dataset = "xor"\nsizes = [2, 4, 1]\n')
    with pytest.raises(ConfigError, match="has no \\[expect\\] table"):
        find_experiment(str(plain))
    bad = write_experiment(tmp_path / "bad.toml", 'metric = "speed"\n')
    with pytest.raises(ConfigError, match=r"bad.toml: \[expect\] needs 'compare'"):
        find_experiment(str(bad))
    bad = write_experiment(
        tmp_path / "bad2.toml",
        'metric = "speed"\ncompare = ">="\nvalue = 1\nbook = "x"\nsource = "y"\n',
    )
    with pytest.raises(ConfigError, match=r"metric = 'speed' must be one of test_accuracy"):
        find_experiment(str(bad))
