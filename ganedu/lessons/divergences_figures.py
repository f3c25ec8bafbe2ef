"""Figures of the divergences lesson (notebook 08 · divergences): Gaussian fits to a two-mode density, critics in
the plane, and D's numbers beside sample quality along a run. Shown in notebooks as ``ge.plot.<name>``."""

from __future__ import annotations

import numpy as np
import torch

from ..interface.plot import FAKE, OTHER_LINES, REAL, ShownFigure, finish_figure
from ..messages import msg
from . import divergences, theory

__internal__ = True  # part of the divergences lesson, reached through ge.plot


def kl_fits_figure(x: np.ndarray, p: np.ndarray, fits: dict[str, divergences.GaussianFit],
                   title: str = "") -> ShownFigure:
    """The density ``p`` (filled) and each fitted Gaussian ``fits[label]`` as a line, labelled with its N(m, s²)."""
    fig = ShownFigure(figsize=(6.5, 3.2))
    ax = fig.add_subplot()
    ax.fill_between(x, p, color=REAL.value, alpha=0.3)
    ax.plot(x, p, color=REAL.value, label=msg("fig_p_data"))
    for i, (label, f) in enumerate(fits.items()):
        ax.plot(x, theory.gaussian_pdf(x, f.mean, f.std), color=OTHER_LINES[i % len(OTHER_LINES)],
                label=msg("fig_wd_fit", label=label, mean=f.mean, std=f.std))
    mass = np.flatnonzero(p > 1e-3 * p.max())
    ax.set_xlim(x[mass[0]] - 1.5, x[mass[-1]] + 1.5)
    ax.set_xlabel(msg("fig_x"))
    ax.set_ylabel(msg("fig_density"))
    ax.legend(frameon=False, fontsize=8)
    return finish_figure(fig, title or msg("fig_wd_kl_title"), ax)


def critics_figure(p: divergences.Cloud, q: divergences.Cloud, fits: dict[str, divergences.CriticFit],
                   n: int = 300, seed: int = 0) -> ShownFigure:
    """One panel per critic: its scores f over the plane (colour, each panel its own scale) with ``n`` points of
    p (data colour) and of q (fake colour); the title gives the estimate and the mean gradient norm."""
    gen = torch.Generator().manual_seed(seed)
    a, b = p.sample(n, gen).numpy(), q.sample(n, gen).numpy()
    pts = np.concatenate([a, b])
    lo, hi = pts.min(axis=0) - 0.7, pts.max(axis=0) + 0.7
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 120), np.linspace(lo[1], hi[1], 120))
    grid = torch.as_tensor(np.stack([gx.ravel(), gy.ravel()], axis=1), dtype=torch.float32)  # (120², 2)
    fig = ShownFigure(figsize=(3.3 * len(fits), 3.3))
    axes = np.atleast_1d(fig.subplots(1, len(fits)))
    for ax, (method, fit) in zip(axes, fits.items()):
        with torch.no_grad():
            f = fit.net(grid).reshape(gx.shape).numpy()
        ax.contourf(gx, gy, f, levels=20, cmap="coolwarm")
        ax.scatter(a[:, 0], a[:, 1], s=3, color=REAL.value, label=msg("fig_wd_critic_real"))
        ax.scatter(b[:, 0], b[:, 1], s=3, color=FAKE.value, label=msg("fig_wd_critic_fake"))
        ax.set_title(msg("fig_wd_critic_title", method=method, estimate=fit.estimate, grad=fit.grad_mean),
                     fontsize=9)
        ax.set_aspect("equal")
    axes[0].legend(frameon=False, fontsize=7, loc="lower right")
    return finish_figure(fig)


def tracking_figure(runs: dict[str, divergences.Tracked]) -> ShownFigure:
    """One column per run: top, −(logged D loss) and the critic's gap on fixed samples; bottom, the samples' sliced
    W1 to the data, all against generator steps."""
    fig = ShownFigure(figsize=(4.2 * len(runs), 5.0))
    axes = np.asarray(fig.subplots(2, len(runs), sharex="col")).reshape(2, len(runs))
    for col, (name, r) in enumerate(runs.items()):
        top, bottom = axes[0, col], axes[1, col]
        top.plot(r.steps, -np.asarray(r.d_loss), color=OTHER_LINES[0], marker=".", label=msg("fig_wd_minus_loss"))
        top.plot(r.steps, r.gap, color=OTHER_LINES[1], marker=".", label=msg("fig_wd_gap"))
        top.set_title(name, fontsize=10)
        top.set_ylabel(msg("fig_wd_loss_axis"))
        top.legend(frameon=False, fontsize=7)
        bottom.plot(r.steps, r.quality, color=FAKE.value, marker=".")
        bottom.set_ylabel(msg("fig_wd_quality"))
        bottom.set_xlabel(msg("fig_wd_steps"))
        for ax in (top, bottom):
            ax.grid(alpha=0.25)
    return finish_figure(fig)
