"""Figures of the stabilisation lesson (notebook 09): a measured quantity over training for many recipes, and
their stored sample grids side by side. Shown in notebooks as ``ge.plot.<name>``."""

from __future__ import annotations

import numpy as np

from ..interface.plot import ShownFigure, draw_runs, finish_figure
from ..messages import msg

__internal__ = True  # part of the stabilisation lesson, reached through ge.plot


def trajectory_figure(curves: dict[str, tuple[np.ndarray, np.ndarray]], ylabel: str, title: str = "",
                      ylim: tuple[float, float] | None = None, highlight: tuple[str, ...] = ()) -> ShownFigure:
    """A measured quantity over training, one line per run (``{name: (steps, values)}``); ``highlight`` names are
    drawn thick, the rest thin, so a few runs stand out of many."""
    fig = ShownFigure(figsize=(6.5, 3.2))
    ax = fig.add_subplot()
    draw_runs(ax, curves, highlight=highlight, marker="o")
    ax.set_xlabel(msg("fig_step"))
    ax.set_ylabel(ylabel)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.grid(alpha=0.25)
    ax.legend(frameon=False, fontsize=7, ncol=2, loc="best")
    return finish_figure(fig, title, ax)


def pictures_figure(pictures: dict[str, np.ndarray | None], cols: int = 5, title: str = "") -> ShownFigure:
    """Ready-made grey pictures (``{title: uint8 array (H, W)}``, e.g. stored sample grids) in a titled grid;
    None entries show as empty panels."""
    rows = int(np.ceil(len(pictures) / cols))
    fig = ShownFigure(figsize=(2.1 * cols, 1.3 * rows + 0.4))
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    for ax in axes:
        ax.set_axis_off()
    for ax, (name, pic) in zip(axes, pictures.items()):
        if pic is not None:
            ax.imshow(pic, cmap="gray", vmin=0, vmax=255)
        ax.set_title(name, fontsize=8)
    return finish_figure(fig, title)
