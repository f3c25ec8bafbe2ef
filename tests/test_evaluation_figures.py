"""ganedu.lessons.evaluation_figures against hand-computed values."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgba

from ganedu.interface import plot
from ganedu.lessons import evaluation_figures
from ganedu.messages import msg


def test_knn_figure_titles_state_precision_and_recall() -> None:
    real, fake = np.array([[0.0, 0.0], [5.0, 5.0]]), np.array([[0.5, 0.0], [3.0, 0.0]])
    fig = evaluation_figures.knn_figure(real, fake, np.array([1.0, 1.0]), np.array([1.0, 1.0]))
    left, right = fig.axes
    assert left.get_title() == msg("fig_knn_precision", share=0.5)  # (0.5, 0) is in a real ball, (3, 0) is not
    assert right.get_title() == msg("fig_knn_recall", share=0.5)  # (0, 0) reaches a fake ball, (5, 5) does not


def test_bars_figure_marks_missing_values_and_the_floor_in_the_real_colour() -> None:
    ax = evaluation_figures.bars_figure({"a": 2.0, "b": None}, "FD", floor=1.0, floor_label="floor").axes[0]
    assert [t.get_text() for t in ax.texts] == ["2.00", msg("fig_not_available")]
    floor = next(line for line in ax.get_lines() if line.get_label() == "floor")
    assert to_rgba(floor.get_color()) == to_rgba(plot.REAL.value)
