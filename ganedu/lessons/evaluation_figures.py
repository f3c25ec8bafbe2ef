"""Figures of the evaluation lesson (notebook 07): one number per case, the classes samples are read as, and
k-NN precision and recall in 2D. Shown in notebooks as ``ge.plot.<name>``."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Circle

from ..interface.plot import FAKE, REAL, ShownFigure, finish_figure
from ..messages import msg

__internal__ = True  # part of the evaluation lesson, reached through ge.plot


def bars_figure(values: dict[str, float], ylabel: str, floor: float | None = None, floor_label: str = "",
                title: str = "", log: bool = False, fmt: str = "{:.2f}") -> ShownFigure:
    """One bar per case (``{case: value}``), the value written on each bar, and an optional reference line in
    the real data's colour (e.g. the real-vs-real floor of the Fréchet distance)."""
    fig = ShownFigure(figsize=(1.1 * len(values) + 2.0, 3.0))
    ax = fig.add_subplot()
    names, vals = list(values), np.asarray([np.nan if v is None else v for v in values.values()], dtype=float)
    bars = ax.bar(range(len(vals)), np.nan_to_num(vals), color=FAKE.value)
    for bar, v in zip(bars, vals):
        ax.annotate(msg("fig_not_available") if not np.isfinite(v) else fmt.format(v),
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom", fontsize=8,
                    xytext=(0, 2), textcoords="offset points")
    if floor is not None:
        ax.axhline(floor, color=REAL.value, linestyle="--", linewidth=1.2, label=floor_label or msg("fig_reference"))
        ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.set_xticks(range(len(vals)), names, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.grid(alpha=0.25, axis="y")
    return finish_figure(fig, title, ax)


def class_bars_figure(histograms: dict[str, np.ndarray], title: str = "") -> ShownFigure:
    """Share of samples read as each digit 0-9, one small panel per case, with the fair share 1/10 dashed."""
    fig = ShownFigure(figsize=(2.3 * len(histograms), 2.3))
    axes = np.atleast_1d(fig.subplots(1, len(histograms), sharey=True))
    for ax, (name, h) in zip(axes, histograms.items()):
        ax.bar(range(10), np.asarray(h, dtype=float), color=FAKE.value)
        ax.axhline(0.1, color="gray", linestyle="--", linewidth=0.8)
        ax.set_xticks(range(10))
        ax.tick_params(labelsize=7)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel(msg("fig_digit"), fontsize=8)
    axes[0].set_ylabel(msg("fig_share_of_samples"))
    return finish_figure(fig, title)


def _inside(points: np.ndarray, centres: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """(P,) bool: whether each of the (P, 2) points lies in at least one ball (centres (C, 2), radii (C,))."""
    d = np.sqrt(((points[:, None, :] - centres[None, :, :]) ** 2).sum(-1))  # (P, C)
    return (d <= radii[None, :]).any(axis=1)


def knn_figure(real: np.ndarray, fake: np.ndarray, real_radii: np.ndarray, fake_radii: np.ndarray,
               title: str = "") -> ShownFigure:
    """k-NN manifolds in 2D (Kynkäänniemi et al. 2019): left, balls around real points (green) and the fakes
    (purple) that fall in them (precision); right, balls around fakes and the reals they reach (recall). Points
    inside are filled."""
    fig = ShownFigure(figsize=(8.0, 3.8))
    left, right = fig.subplots(1, 2, sharex=True, sharey=True)
    panels = ((left, real, real_radii, REAL, fake, FAKE, "fig_knn_precision"),
              (right, fake, fake_radii, FAKE, real, REAL, "fig_knn_recall"))
    for ax, centres, radii, c_ball, points, c_pt, key in panels:
        for (x, y), r in zip(centres, radii):
            ax.add_patch(Circle((x, y), r, color=c_ball.value, alpha=0.12, linewidth=0))
        ax.scatter(centres[:, 0], centres[:, 1], s=6, color=c_ball.value)
        hit = _inside(points, centres, radii)
        ax.scatter(points[hit, 0], points[hit, 1], s=22, color=c_pt.value, edgecolors="black", linewidths=0.4)
        ax.scatter(points[~hit, 0], points[~hit, 1], s=22, facecolors="none", edgecolors=c_pt.value, linewidths=1.0)
        ax.set_title(msg(key, share=hit.mean()), fontsize=9)
        ax.set_aspect("equal")
        ax.grid(alpha=0.2)
    return finish_figure(fig, title)
