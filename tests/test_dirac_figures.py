"""ganedu.lessons.dirac_figures: what the figures draw is what ganedu.lessons.dirac computes."""

from __future__ import annotations

import numpy as np

from ganedu.lessons import dirac, dirac_figures
from ganedu.messages import msg


def test_dirac_figure_draws_each_trajectory_and_its_distance() -> None:
    runs = {name: dirac.simulate(1.0, 1.0, lr=0.1, steps=50, mode=name) for name in dirac.MODES}
    left, right = dirac_figures.dirac_figure(runs).axes
    for name, traj in runs.items():
        path = next(line for line in left.get_lines() if line.get_label() == name)
        assert np.allclose(path.get_xdata(), traj[:, 0]) and np.allclose(path.get_ydata(), traj[:, 1])
        dist = next(line for line in right.get_lines() if line.get_label() == name)
        assert np.allclose(dist.get_ydata(), dirac.distance(traj))
    assert right.get_ylabel() == msg("fig_distance")


def test_eigen_figure_plots_the_eigenvalues_and_spectral_radii() -> None:
    gammas = np.array([0.0, 0.5, 1.0, 2.0])
    left, right, _ = dirac_figures.eigen_figure(gammas, lr=0.1).axes  # the last axes is the colour bar
    points = np.concatenate([c.get_offsets() for c in left.collections if len(c.get_offsets()) == len(gammas)])
    expected = np.concatenate([[(e.real, e.imag) for e in dirac.eigenvalues("nonsaturating", g)] for g in gammas])
    assert np.allclose(np.sort(points, axis=0), np.sort(expected, axis=0))
    for mode in dirac.MODES:
        line = next(line for line in right.get_lines() if line.get_label() == mode)
        assert np.allclose(line.get_ydata(), [dirac.spectral_radius(0.1, mode, 1, g) for g in gammas])
