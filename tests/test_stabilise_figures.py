"""ganedu.lessons.stabilise_figures: runs and stored pictures drawn as given."""

from __future__ import annotations

import numpy as np

from ganedu.lessons import stabilise_figures
from ganedu.messages import msg


def test_trajectory_figure_draws_one_line_per_run_with_its_values() -> None:
    curves = {"baseline": (np.array([0, 10, 20]), np.array([8.0, 3.0, 1.0])), "R1": (np.array([0, 10]), [8.0, 8.0])}
    ax = stabilise_figures.trajectory_figure(curves, "modes", highlight=("R1",), ylim=(0, 9)).axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines["baseline"].get_ydata()) == [8.0, 3.0, 1.0] and list(lines["R1"].get_xdata()) == [0, 10]
    assert lines["R1"].get_linewidth() > lines["baseline"].get_linewidth()  # the highlighted run stands out
    assert ax.get_ylim() == (0, 9) and ax.get_xlabel() == msg("fig_step") and ax.get_ylabel() == "modes"


def test_pictures_figure_shows_each_picture_and_leaves_missing_ones_empty() -> None:
    pic = np.arange(12, dtype=np.uint8).reshape(3, 4)
    fig = stabilise_figures.pictures_figure({"a": pic, "b": None, "c": pic}, cols=2, title="recipes")
    axes = fig.axes
    assert len(axes) == 4  # 2 rows of 2: the last panel stays empty
    assert [ax.get_title() for ax in axes[:3]] == ["a", "b", "c"]
    assert np.array_equal(axes[0].images[0].get_array(), pic) and not axes[1].images and not axes[3].images
    assert fig.get_suptitle() == "recipes"
