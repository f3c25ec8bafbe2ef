"""Figures of the toy-GAN lessons (notebooks 02, 03, 07, 09): the 1D race of two generator losses, the live 2D
field view (D's heatmap, real and fake samples, the generator's gradient arrows), and ring samples in small
multiples. Shown in notebooks as ``ge.plot.<name>``; real data is green and fakes purple (``plot.REAL/FAKE``)."""

from __future__ import annotations

from contextlib import nullcontext
from typing import TYPE_CHECKING

import numpy as np
import torch

from ..interface.plot import FAKE, REAL, LiveFigure, ShownFigure, draw_runs, finish_figure
from ..messages import msg
from . import toy

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..train import Trainer

__internal__ = True  # part of the toy lessons, reached through ge.plot

RACE_TITLES = {"g_mean": "fig_race_g_mean", "d_fake": "fig_race_d_fake", "grad": "fig_race_grad"}  # message keys
ARROW_MAX = 0.5  # longest drawn arrow, in data units: length = ARROW_MAX * |g| / (1 + |g|) keeps tiny ones tiny


def race_figure(curves: dict[str, dict[str, np.ndarray]], keys: tuple[str, ...], log: tuple[str, ...] = (),
                title: str = "") -> ShownFigure:
    """One panel per key: ``curves[run][key]`` against ``curves[run]["step"]`` for every run (e.g. two losses);
    keys in ``log`` get a logarithmic y axis (for quantities that span many orders of magnitude)."""
    fig = ShownFigure(figsize=(3.2 * len(keys), 3.0))
    axes = np.atleast_1d(fig.subplots(1, len(keys)))
    for ax, key in zip(axes, keys, strict=True):
        draw_runs(ax, {run: (c["step"], c[key]) for run, c in curves.items()}, log=key in log)
        ax.set_xlabel(msg("fig_step"))
        ax.set_title(msg(RACE_TITLES[key]) if key in RACE_TITLES else key, fontsize=9)
        ax.grid(alpha=0.25)
    axes[0].legend(frameon=False, fontsize=8)
    return finish_figure(fig, title)


def _arrow_lengths(grads: np.ndarray) -> np.ndarray:
    """(B, 2) gradients -> (B, 2) display vectors with length ARROW_MAX |g| / (1 + |g|), same direction."""
    norm = np.linalg.norm(grads, axis=1, keepdims=True)
    return grads * (ARROW_MAX / (1.0 + norm))


def _limits_of(data: torch.Tensor) -> tuple[float, float, float, float]:
    """Bounding box of (N, 2) data with a 25% margin, for trainers made outside ``ge.toy.make_trainer``."""
    arr = data.detach().float().cpu().numpy()
    lo, hi = arr.min(axis=0), arr.max(axis=0)
    pad = 0.25 * float(np.max(hi - lo)) + 1e-3
    return float(lo[0] - pad), float(hi[0] + pad), float(lo[1] - pad), float(hi[1] + pad)


class FieldPanel(LiveFigure):
    """The live 2D view of a toy GAN, built once and updated in place (``panel(trainer) -> PNG bytes``).

    Background: D(x) on a grid (purple = "fake", 0; green = "real", 1; white = 1/2). Green dots: real samples.
    Purple dots: G's samples for the trainer's fixed noise. Arrows: -dL_G/dx at some of them, the direction
    the generator loss pushes each fake (length ARROW_MAX |g| / (1 + |g|), so a vanishing gradient shows as no
    arrow). Title: step, loss, and the mode coverage when the data set is known (``ge.toy.make_trainer``).
    """

    def __init__(self, data: toy.Dataset2D | None = None, n_real: int = 600, n_arrows: int = 64,
                 resolution: int = 48, figsize: tuple[float, float] = (4.4, 4.6), ax: Axes | None = None) -> None:
        self.data, self.n_real, self.n_arrows, self.resolution = data, n_real, n_arrows, resolution
        if ax is None:
            self.figure = ShownFigure(figsize=figsize)
            self.ax = self.figure.add_subplot()
            self.figure.subplots_adjust(left=0.08, right=0.97, bottom=0.06, top=0.9)
        else:
            self.figure, self.ax = ax.figure, ax
        self._artists = None  # made on the first update, when the data's extent is known

    def _build(self, trainer: Trainer, limits: tuple[float, float, float, float]) -> None:
        ax = self.ax
        real = trainer.data[: self.n_real].detach().float().cpu().numpy()
        self.heat = ax.imshow(np.full((self.resolution, self.resolution), 0.5), extent=limits, origin="lower",
                              cmap="PRGn", vmin=0.0, vmax=1.0, alpha=0.55, interpolation="bilinear")
        ax.scatter(real[:, 0], real[:, 1], s=3, color=REAL.value, alpha=0.6, linewidths=0)
        self.fake = ax.scatter([], [], s=5, color=FAKE.value, alpha=0.8, linewidths=0)
        self.n_arrows = min(self.n_arrows, len(trainer.fixed_noise))  # quiver keeps its arrow count for life
        zeros = np.zeros(self.n_arrows)
        self.arrows = ax.quiver(zeros, zeros, zeros, zeros, angles="xy", scale_units="xy", scale=1.0,
                                color="black", width=0.004, alpha=0.8)
        ax.set_xlim(limits[0], limits[1])
        ax.set_ylim(limits[2], limits[3])
        ax.set_aspect("equal")
        ax.tick_params(labelsize=7)
        self.title = ax.set_title("", fontsize=8)
        self._artists = True

    def update(self, trainer: Trainer) -> None:
        """Recompute heatmap, fakes, arrows and coverage from ``trainer`` (its G, D, fixed noise, loss)."""
        data = self.data or toy.dataset_of(trainer)
        limits = data.limits if data is not None else _limits_of(trainer.data)
        with getattr(trainer, "lock", nullcontext()):  # a consistent G/D pair while a training thread runs
            if self._artists is None:
                self._build(trainer, limits)
            fakes = trainer.samples()  # (n, 2) CPU, eval mode
            _, _, probs = toy.d_heatmap(trainer.D, limits, self.resolution)
            noise = trainer.fixed_noise[: self.n_arrows]
            pts, grads = toy.g_arrows(trainer.G, trainer.D, noise, trainer.loss)
        self.heat.set_data(probs)
        self.fake.set_offsets(fakes.numpy())
        vec = _arrow_lengths(grads)
        self.arrows.set_offsets(pts)
        self.arrows.set_UVC(vec[:, 0], vec[:, 1])
        line = msg("fig_field_title", step=trainer.step_count, loss=trainer.loss, k=trainer.k)
        if data is not None:
            line += "\n" + str(toy.mode_coverage(fakes, data))
        self.title.set_text(line)

    def __call__(self, trainer: Trainer) -> bytes:
        self.update(trainer)
        return self.png()


def field_panel(trainer: Trainer) -> bytes:
    """A dashboard panel: the trainer's 2D field view as PNG bytes. The view is made on first use and kept on
    the trainer as ``trainer.field_view`` (a FieldPanel), so every frame redraws one figure in place."""
    panel = getattr(trainer, "field_view", None)
    if panel is None:
        panel = trainer.field_view = FieldPanel()
    return panel(trainer)


def field_figure(trainer: Trainer, data: toy.Dataset2D | None = None) -> ShownFigure:
    """The same view as a static figure for a notebook cell."""
    panel = FieldPanel(data)
    panel.update(trainer)
    return panel.figure


def fields_figure(trainers: dict[str, Trainer], size: float = 3.3) -> ShownFigure:
    """Several trainers' field views side by side, titled by their keys (e.g. one per preset)."""
    fig = ShownFigure(figsize=(size * len(trainers), size + 0.5))
    axes = np.atleast_1d(fig.subplots(1, len(trainers)))
    for ax, (label, trainer) in zip(axes, trainers.items(), strict=True):
        panel = FieldPanel(ax=ax)
        panel.update(trainer)
        panel.title.set_text(msg("fig_named_panel", name=label, text=panel.title.get_text()))
        panel.title.set_fontsize(7)
    return finish_figure(fig)


def ring_panels_figure(samples: dict[str, np.ndarray], centers: np.ndarray, scores: dict[str, str] | None = None,
                       cols: int = 5, lim: float = 3.0) -> ShownFigure:
    """Small multiples of generated 2D points (``{name: (N, 2)}``, purple) over the ring's mode centres (black
    crosses), one per recipe, each titled with its name and ``scores[name]`` (e.g. "modes 8/8")."""
    rows = int(np.ceil(len(samples) / cols))
    fig = ShownFigure(figsize=(2.0 * cols, 2.1 * rows))
    axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True, sharey=True)).ravel()
    for ax in axes[len(samples):]:
        ax.set_axis_off()
    for ax, (name, pts) in zip(axes, samples.items()):
        pts = np.asarray(pts, dtype=float).reshape(-1, 2)
        ax.scatter(centers[:, 0], centers[:, 1], s=40, marker="x", color="black", linewidths=1.0)
        ax.scatter(pts[:, 0], pts[:, 1], s=2, alpha=0.5, color=FAKE.value)
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        score = scores.get(name) if scores else None
        ax.set_title(name if score is None else msg("fig_named_panel", name=name, text=score), fontsize=8)
    return finish_figure(fig)
