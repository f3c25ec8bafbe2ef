"""Figures of the theory lessons (notebooks 01 and 02): densities and the optimal discriminator, curves as
p_g slides past p_data, and the generator losses' gradients. Shown in notebooks as ``ge.plot.<name>``."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..interface.plot import FAKE, OTHER_LINES, REAL, ShownFigure, finish_figure, lines_figure
from ..messages import msg
from . import theory

__internal__ = True  # part of the theory lesson, reached through ge.plot

C_D = "black"  # the optimal discriminator D*


def minimax_figure(p_data: theory.Mixture, p_g: theory.Mixture, x: np.ndarray | None = None,
                   others: dict[str, np.ndarray | Callable[[np.ndarray], np.ndarray]] | None = None,
                   title: str = "") -> ShownFigure:
    """Top: p_data and p_g. Bottom: D* = p_data/(p_data + p_g), other discriminators, V(D*, G) and JSD.

    ``p_data``, ``p_g``: objects with ``.pdf(x)`` (``ge.theory.Mixture``); ``others``: ``{label: D}`` where D is
    an array on ``x`` or a callable x -> D(x) (e.g. a trained discriminator), drawn dashed.
    """
    x = theory.grid() if x is None else x
    p, q = p_data.pdf(x), p_g.pdf(x)
    d_star = theory.optimal_discriminator(p, q)
    v, j = theory.value(d_star, p, q, x), theory.jsd(p, q, x)
    fig = ShownFigure(figsize=(7.0, 4.6))
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1, 1]})
    for density, colour, key in ((p, REAL, "fig_p_data"), (q, FAKE, "fig_p_g")):
        top.fill_between(x, density, color=colour.value, alpha=0.3)
        top.plot(x, density, color=colour.value, label=msg(key))
    top.set_ylabel(msg("fig_density"))
    top.legend(loc="upper right", frameon=False)
    bottom.plot(x, d_star, color=C_D, label=msg("fig_d_star"))
    for i, (label, d) in enumerate((others or {}).items()):
        values = d(x) if callable(d) else d
        bottom.plot(x, values, color=OTHER_LINES[i % len(OTHER_LINES)], linestyle="--", label=label)
    bottom.axhline(0.5, color="gray", linewidth=0.8, linestyle=":")
    bottom.set_ylim(-0.03, 1.03)
    mass = np.flatnonzero(p + q > 1e-3 * np.max(p + q))  # show where the densities are, not the empty grid ends
    bottom.set_xlim(x[mass[0]] - 0.5, x[mass[-1]] + 0.5)
    bottom.set_ylabel(msg("fig_d_of_x"))
    bottom.set_xlabel(msg("fig_x"))
    bottom.legend(loc="best", frameon=False, fontsize=8)
    return finish_figure(fig, title or msg("fig_minimax_title", v=v, jsd=j, bound=-np.log(4) + 2 * j))


def sweep_figure(shifts: np.ndarray, rows: dict[str, np.ndarray], xlabel: str = "",
                 title: str = "") -> ShownFigure:
    """Curves ``rows[label]`` against ``shifts`` on one axis (e.g. V, JSD and L_D as p_g slides past p_data),
    with the level 0 dashed; ``xlabel`` defaults to "mean of p_g"."""
    return lines_figure(shifts, rows, xlabel or msg("fig_mean_of_p_g"), title=title, hline=0.0, figsize=(6.0, 3.2))


def logit_gradient_figure(logits: np.ndarray, grads: dict[str, np.ndarray], title: str = "") -> ShownFigure:
    """Left: d L_G / d logit for each loss against the fake's logit. Right: |gradient| against D(G(z)), log axes."""
    fig = ShownFigure(figsize=(8.5, 3.3))
    left, right = fig.subplots(1, 2)
    d_fake = 1.0 / (1.0 + np.exp(-logits))
    for label, g in grads.items():
        left.plot(logits, g, label=label)
        right.loglog(d_fake, np.abs(g), label=label)
    left.axhline(0.0, color="gray", linewidth=0.8)
    left.set_xlabel(msg("fig_logit"))
    left.set_ylabel(msg("fig_grad_logit"))
    right.set_xlabel(msg("fig_d_fake_axis"))
    right.set_ylabel(msg("fig_abs_grad_logit"))
    for ax in (left, right):
        ax.grid(alpha=0.25)
        ax.legend(frameon=False, fontsize=8)
    return finish_figure(fig, title)
