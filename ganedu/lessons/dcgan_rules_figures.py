"""Figures of the DCGAN design rules (notebook 06): the checkerboard of uneven overlap. Shown as ``ge.plot.<name>``."""

from __future__ import annotations

from matplotlib.patches import Rectangle
from torch import Tensor

from ..interface.plot import ShownFigure, finish_figure
from ..messages import msg
from .dcgan_rules import unevenness

__internal__ = True  # part of the DCGAN-rules lesson, reached through ge.plot


def checkerboard_figure(demos: dict[str, tuple[Tensor, Tensor]], title: str = "") -> ShownFigure:
    """One panel per upsampler of ``dcgan_rules.demos()``: its output on a constant input, each pixel's value
    written on it, the interior framed, and the interior's max - min in the panel title."""
    fig = ShownFigure(figsize=(3.6 * len(demos), 3.9))
    for i, (name, (full, inner)) in enumerate(demos.items()):
        ax = fig.add_subplot(1, len(demos), i + 1)
        ax.imshow(full.numpy(), cmap="gray", vmin=0, vmax=float(full.max()))
        for j, x in enumerate(full.flatten().tolist()):
            value = format(x, "g")  # a number, no words: 1, 2, 4
            ax.annotate(value, divmod(j, full.shape[1])[::-1], ha="center", va="center", fontsize=6,
                        color="black" if x > 0.6 * float(full.max()) else "white")
        m = (full.shape[0] - inner.shape[0]) // 2  # the border left out of the interior
        ax.add_patch(Rectangle((m - 0.5, m - 0.5), inner.shape[1], inner.shape[0], fill=False, color="tab:red"))
        ax.set_title(msg(f"fig_upsampler_{name}", spread=unevenness(inner)[0]), fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    return finish_figure(fig, title, fontsize=9)
