"""The test set by class: confusion matrix, most confused pair, the worst mistakes."""

from __future__ import annotations

import numpy as np

from tui_backprop.training.confusion import ClassTally, confusion_matrix, most_confused_pair


def test_the_matrix_counts_true_rows_against_predicted_columns() -> None:
    """Rows are true classes, columns predicted ones; shares are per true class."""
    matrix = confusion_matrix(np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 0, 0]), 3)
    assert matrix.tolist() == [[1, 1, 0], [0, 1, 0], [2, 0, 1]]
    assert most_confused_pair(matrix) == (2, 0, 2)
    assert most_confused_pair(np.diag([3, 4])) is None


def test_the_tally_keeps_the_most_confident_mistakes_across_chunks() -> None:
    """Two chunks: the worst mistakes by ‖a − y‖², with their test rows and outputs."""
    eye = np.eye(2)
    tally = ClassTally(2, keep=2)
    outputs_1 = np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8]])
    tally.add(outputs_1, eye[[0, 0, 1]], np.array([0, 0, 1]), np.array([0, 1, 1]), first_row=0)
    outputs_2 = np.array([[0.05, 0.95], [0.7, 0.3]])
    tally.add(outputs_2, eye[[0, 1]], np.array([0, 1]), np.array([1, 0]), first_row=3)
    classes = tally.result(n_outputs=2)
    assert classes.matrix.tolist() == [[1, 2], [1, 1]]
    assert classes.total == 5
    assert classes.worst.tolist() == [3, 4]  # 0.95 wrong before 0.7 wrong
    assert classes.worst_true.tolist() == [0, 1] and classes.worst_predicted.tolist() == [1, 0]
    assert np.allclose(classes.worst_outputs[0], [0.05, 0.95])
    assert np.allclose(classes.shares()[0], [1 / 3, 2 / 3])


def test_a_perfect_test_set_has_no_worst() -> None:
    """No mistakes: an empty gallery and no confused pair."""
    tally = ClassTally(3)
    labels = np.array([0, 1, 2])
    tally.add(np.eye(3), np.eye(3), labels, labels, first_row=0)
    classes = tally.result(n_outputs=3)
    assert len(classes.worst) == 0 and classes.most_confused() is None
