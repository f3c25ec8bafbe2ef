"""Figures of the speed lesson (notebook 06): training steps per second of each loop. Shown in notebooks as
``ge.plot.<name>``."""

from __future__ import annotations

from ..interface.plot import ShownFigure, finish_figure
from ..messages import msg

__internal__ = True  # part of the speed lesson, reached through ge.plot


def speed_figure(rows: list[dict], loops: tuple[str, ...] = ("classic", "ganedu eager", "ganedu fast"),
                 title: str = "") -> ShownFigure:
    """Bars of steps/s per (model, batch) row and loop (the rows' keys, from ``ge.speed``), on a log axis, each
    bar labelled with its speed-up over the first loop."""
    fig = ShownFigure(figsize=(7, 3))
    ax = fig.add_subplot()
    width = 0.8 / len(loops)
    for j, loop in enumerate(loops):
        xs = [i + (j - (len(loops) - 1) / 2) * width for i in range(len(rows))]
        ys = [r[loop] for r in rows]
        ax.bar(xs, ys, width, label=loop)
        for x, y, r in zip(xs, ys, rows):
            ax.annotate(msg("fig_speed_up", factor=y / r[loops[0]]), (x, y), ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(rows)), [msg("fig_model_batch", model=r["model"], batch=r["batch"]) for r in rows])
    ax.set_yscale("log")
    ax.set_ylabel(msg("fig_steps_per_second"))
    ax.legend(fontsize=8, frameon=False)
    return finish_figure(fig, title, ax, fontsize=9)
