"""ganedu.lessons.divergences_figures against the data they are given."""

from __future__ import annotations

import numpy as np
import torch

import ganedu as ge
from ganedu.lessons import divergences as dv
from ganedu.lessons import theory
from ganedu.messages import msg


def test_kl_fits_figure_draws_the_density_and_each_fit() -> None:
    x = theory.grid(-8.0, 8.0, 1601)
    p = theory.Mixture(means=(-2.0, 2.0), stds=(0.5, 0.5)).pdf(x)
    fits = {"forward": dv.GaussianFit("forward", 0.0, 2.0, 0.5), "reverse": dv.GaussianFit("reverse", -2.0, 0.5, 0.7)}
    ax = ge.plot.kl_fits_figure(x, p, fits).axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert np.array_equal(lines[msg("fig_p_data")].get_ydata(), p)
    label = msg("fig_wd_fit", label="reverse", mean=-2.0, std=0.5)
    assert np.allclose(lines[label].get_ydata(), theory.gaussian_pdf(x, -2.0, 0.5))


class _Linear(torch.nn.Module):
    def forward(self, x):
        return x[:, :1] * 2.0  # f(x) = 2 x_1


def test_critics_figure_one_panel_per_critic_titled_with_its_numbers() -> None:
    fits = {m: dv.CriticFit(m, _Linear(), 1.5, 0.9, 1.1, 0.95) for m in ("gp", "sn")}
    fig = ge.plot.critics_figure(dv.Cloud(), dv.Cloud(shift=(1.0, 0.0)), fits, n=50)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [msg("fig_wd_critic_title", method=m, estimate=1.5, grad=0.9) for m in ("gp", "sn")]


def test_tracking_figure_plots_minus_the_loss_the_gap_and_quality() -> None:
    r = dv.Tracked("GAN", [10, 20], [1.2, 1.3], [0.1, 0.2], [0.5, 0.4], [0, 1], np.zeros((1, 2)))
    fig = ge.plot.tracking_figure({"GAN": r})
    top, bottom = fig.axes[0], fig.axes[1]
    lines = {line.get_label(): line for line in top.get_lines()}
    assert np.allclose(lines[msg("fig_wd_minus_loss")].get_ydata(), [-1.2, -1.3])
    assert np.allclose(lines[msg("fig_wd_gap")].get_ydata(), [0.1, 0.2])
    assert np.allclose(bottom.get_lines()[0].get_ydata(), [0.5, 0.4]) and top.get_title() == "GAN"
