"""Figures of the conditional and latent-space lesson (notebook 10): which digit a conditional generator draws
for each requested label, and precision and recall under the truncation trick. Shown in notebooks as
``ge.plot.<name>``."""

from __future__ import annotations

import numpy as np

from ..interface.plot import FAKE, REAL, ShownFigure, finish_figure
from ..messages import msg

__internal__ = True  # part of the conditional and latent-space lesson, reached through ge.plot


def confusion_figure(matrix: np.ndarray, title: str = "", xlabel: str = "", ylabel: str = "") -> ShownFigure:
    """A 10 x 10 matrix of shares (rows sum to 1), e.g. requested label vs classifier prediction, numbers inside;
    the axes default to "digit the classifier reads" (x) and "digit asked for" (y)."""
    m = np.asarray(matrix, dtype=float)
    fig = ShownFigure(figsize=(4.6, 4.0))
    ax = fig.add_subplot()
    im = ax.imshow(m, cmap="Blues", vmin=0, vmax=1)
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if m[i, j] >= 0.005:
                ax.text(j, i, msg("fig_percent", value=100 * m[i, j]), ha="center", va="center", fontsize=6,
                        color="white" if m[i, j] > 0.5 else "black")
    ax.set_xticks(range(m.shape[1]))
    ax.set_yticks(range(m.shape[0]))
    ax.set_xlabel(xlabel or msg("fig_digit_read"))
    ax.set_ylabel(ylabel or msg("fig_digit_asked"))
    fig.colorbar(im, ax=ax, fraction=0.046, label=msg("fig_share"))
    return finish_figure(fig, title, ax)


def truncation_figure(rows: list[dict], title: str = "") -> ShownFigure:
    """Precision and recall (y) at each truncation threshold (x, one tick per row of
    ``ganedu.lessons.latent.truncation_sweep``, "none" for no truncation), left to right from the tightest."""
    fig = ShownFigure(figsize=(5.0, 3.0))
    ax = fig.add_subplot()
    x = np.arange(len(rows))
    for key, label, colour in (("precision", "fig_precision", REAL.value), ("recall", "fig_recall", FAKE.value)):
        ax.plot(x, [r[key] for r in rows], "o-", color=colour, label=msg(label))
    ticks = [msg("fig_no_truncation") if r["threshold"] is None else format(r["threshold"], "g") for r in rows]
    ax.set_xticks(x, ticks)  # the thresholds as numbers, "none" for no truncation
    ax.set_xlabel(msg("fig_truncation_threshold"))
    ax.set_ylim(-0.02, 1.02)
    ax.legend(frameon=False, fontsize=8)
    ax.grid(alpha=0.25)
    return finish_figure(fig, title, ax)
