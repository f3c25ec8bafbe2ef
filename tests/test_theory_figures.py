"""ganedu.lessons.theory_figures against the data they are given."""

from __future__ import annotations

import numpy as np

import ganedu as ge
from ganedu.messages import msg


def test_sweep_figure_is_lines_over_one_axis_with_the_zero_level() -> None:
    x = np.linspace(-1, 1, 5)
    ax = ge.plot.sweep_figure(x, {"V": x**2, "JSD": -x}).axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert np.array_equal(lines["V"].get_ydata(), x**2) and np.array_equal(lines["JSD"].get_xdata(), x)
    assert any(np.all(np.asarray(line.get_ydata()) == 0.0) for line in ax.get_lines())
    assert ax.get_xlabel() == msg("fig_mean_of_p_g")
