"""Shared figures: data in, ``matplotlib.figure.Figure`` or PNG bytes out.

What more than one lesson or the dashboard draws lives here: the course's colours, image grids, training and
quality curves, GIF frames, curves over one axis. Each lesson's own figures live next to it in
``ganedu/lessons/*_figures.py``; ``ge.plot.<name>`` finds them through :data:`LESSON_FIGURES`.

No pyplot state: figures are built with ``Figure()`` directly, so these are safe to call from a training
thread (pyplot is not thread-safe). Notebooks display a returned Figure by ending a cell with it.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..messages import msg

if TYPE_CHECKING:
    from ..train import History

NOTEBOOK_DPI = 80  # notebook figures: sharp enough on GitHub, small enough that a notebook stays well under 1 MB


class Colour(NamedTuple):
    """One colour of the course's scheme, with the word the notebooks' text uses for it."""

    name: str  # what the notebooks call it ("green dots: real samples")
    value: str  # what matplotlib draws


# The course's one colour scheme (GAN Lab's): real data green, generated data purple; the 2D field's heatmap
# (cmap PRGn) runs between them. Dark shades, so that dots stay visible on the heatmap.
REAL = Colour("green", "darkgreen")
FAKE = Colour("purple", "indigo")
OTHER_LINES = ("tab:blue", "tab:red", "tab:orange")  # further curves next to real and fake ones


# --- fonts for the learner's language ----------------------------------------------------------------------------
# Matplotlib's default font (DejaVu Sans) has no Chinese glyphs: a Chinese label would be drawn as empty boxes. For
# such a language, the first installed font of its list goes in front of DejaVu Sans (which keeps drawing Latin
# letters, digits and symbols the CJK font lacks: matplotlib >= 3.6 falls back glyph by glyph along the list).
LANGUAGE_FONTS = {
    "zh": ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
           "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "SimHei",
           "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans", "Arial Unicode MS"),
}
# File names of those fonts, to find one installed after matplotlib built its font cache (Colab: apt-get, then a
# kernel restart does not rebuild the cache)
FONT_FILES = ("notosanscjk", "notosanssc", "sourcehansans", "wqy", "msyh", "pingfang", "simhei")


def language_font(lang: str) -> str | None:
    """The first installed font that can write ``lang`` (None when there is none, or when the language needs no
    special font). A font file installed after matplotlib's cache was built is added to the cache here."""
    wanted = LANGUAGE_FONTS.get(lang)
    if not wanted:
        return None
    from matplotlib import font_manager

    def installed() -> str | None:
        names = {font.name for font in font_manager.fontManager.ttflist}
        return next((name for name in wanted if name in names), None)

    found = installed()
    if found is None:
        for path in font_manager.findSystemFonts():
            stem = Path(path).name.replace("-", "").replace("_", "").lower()
            if stem.startswith(FONT_FILES):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # an unreadable file: try the next one
                    continue
        found = installed()
    return found


def use_language_fonts(lang: str) -> str | None:
    """Make matplotlib draw ``lang``: for Chinese, an installed CJK font before DejaVu Sans; returns its name.

    Prints one message naming the install command when the language needs a font and none is installed (figures
    still draw, with boxes for the missing characters). English changes nothing.
    """
    if lang not in LANGUAGE_FONTS:
        return None
    import matplotlib

    font = language_font(lang)
    if font is None:
        print(msg("font_cjk_missing"))
        return None
    rest = [name for name in matplotlib.rcParams["font.sans-serif"] if name != font]
    matplotlib.rcParams["font.sans-serif"] = [font, *rest]  # DejaVu Sans, matplotlib's default, stays in the list
    matplotlib.rcParams["font.family"] = ["sans-serif"]
    return font


def figure_to_png(fig: Figure, dpi: int = 72, tight: bool = True) -> bytes:
    """Encode a Figure as PNG bytes (for ``ipywidgets.Image``); ``tight=False`` keeps the figure's own size."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight" if tight else None)
    return buf.getvalue()


class ShownFigure(Figure):
    """A Figure that shows itself as PNG when a notebook cell ends with it (``_repr_png_``).

    A bare ``Figure()`` made without pyplot has no display hook outside the inline backend and would show as
    ``<Figure size ...>`` text; this one renders in Jupyter, Colab, VS Code and in the saved notebook on GitHub.
    """

    def _repr_png_(self) -> bytes:
        return figure_to_png(self, dpi=NOTEBOOK_DPI)


class LiveFigure:
    """A figure made once and redrawn in place (a dashboard view); subclasses set ``self.figure``."""

    figure: Figure

    def png(self, dpi: int = 72) -> bytes:
        """The current frame as PNG bytes (~0.1 s at 72 dpi); fixed layout, so frames keep one size."""
        return figure_to_png(self.figure, dpi=dpi, tight=False)


def finish_figure(fig: Figure, title: str = "", ax: Axes | None = None, fontsize: int = 10) -> Figure:
    """The common tail of a figure: ``title`` over ``ax`` (or over the whole figure), tight layout."""
    if title:
        if ax is None:
            fig.suptitle(title, fontsize=fontsize)
        else:
            ax.set_title(title, fontsize=fontsize)
    fig.tight_layout()
    return fig


def image_grid(images: torch.Tensor | np.ndarray, nrow: int | None = None, pad: int = 2) -> np.ndarray:
    """(N, 1, H, W) or (N, H, W) values in [-1, 1] -> one (rows*(H+pad)+pad, cols*(W+pad)+pad) uint8 image."""
    arr = images.detach().float().cpu().numpy() if isinstance(images, torch.Tensor) else np.asarray(images, float)
    if arr.ndim == 4:
        arr = arr[:, 0]
    if arr.ndim != 3:
        raise ValueError(msg("fig_bad_images", shape=arr.shape))
    n, h, w = arr.shape
    cols = nrow or int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    out = np.zeros((rows * (h + pad) + pad, cols * (w + pad) + pad), np.uint8)
    pix = np.clip((arr + 1.0) * 127.5, 0, 255).round().astype(np.uint8)
    for i in range(n):
        r, c = divmod(i, cols)
        out[pad + r * (h + pad): pad + r * (h + pad) + h, pad + c * (w + pad): pad + c * (w + pad) + w] = pix[i]
    return out


def grid_png(images: torch.Tensor | np.ndarray, nrow: int | None = None, scale: int = 2) -> bytes:
    """A sample grid as PNG bytes, each pixel repeated ``scale`` times (~10 ms for 64 digits)."""
    from PIL import Image

    g = image_grid(images, nrow)
    if scale > 1:
        g = g.repeat(scale, axis=0).repeat(scale, axis=1)
    buf = io.BytesIO()
    Image.fromarray(g, mode="L").save(buf, format="PNG")
    return buf.getvalue()


def grid_figure(images: torch.Tensor | np.ndarray, nrow: int | None = None, title: str = "") -> Figure:
    """A sample grid as a Figure, for a notebook cell to show."""
    fig = ShownFigure(figsize=(4, 4))
    ax = fig.add_subplot()
    ax.imshow(image_grid(images, nrow), cmap="gray", vmin=0, vmax=255)
    ax.set_axis_off()
    return finish_figure(fig, title, ax, fontsize=12)


# --- training curves (ganedu.widgets / MNIST notebooks) ---

KNOBS = ("k", "lr_d", "lr_g", "loss")  # history columns a learner can change while training runs
MAX_POINTS = 1500  # curves are decimated to at most this many points: a redraw stays fast after 100k steps
MAX_MARKERS = 12  # only the latest knob changes get a labelled marker, so the plot never turns into a barcode
LABEL_ROWS = 2  # knob-change labels stack in this many rows above the loss plot; one that fits none is not drawn
LABEL_ROW_PT = 9.0  # points between label rows (7-point text)
LABEL_GAP_PX = 3.0  # the least room between two labels in one row, in pixels at the figure's dpi
D_EQUILIBRIUM = 0.5  # at the game's optimum p_g = p_data, so D*(x) = p/(p + p_g) = 1/2 everywhere


def history_columns(history: History | Iterable[Mapping] | Mapping[str, list]) -> dict[str, list]:
    """Rows ``{step, k, lr_d, ...}`` -> columns ``{"step": [...], "k": [...], ...}``.

    Accepts a ``ganedu.train.History``, anything with ``.rows``, a list of row dicts, or a dict of columns.
    """
    if isinstance(history, dict):
        return {key: list(values) for key, values in history.items()}
    rows = getattr(history, "rows", history)
    rows = list(rows() if callable(rows) else rows)
    keys = rows[0].keys() if rows else ("step", "d_loss", "g_loss", "d_real", "d_fake", *KNOBS)
    return {key: [row.get(key) for row in rows] for key in keys}


def knob_changes(columns: dict[str, list]) -> list[tuple[float, str]]:
    """``(step, "k=5")`` for every row whose knobs differ from the row before (training start excluded)."""
    steps = columns.get("step", [])
    out = []
    for i in range(1, len(steps)):
        changed = [f"{name}={_knob_text(columns[name][i])}" for name in KNOBS
                   if name in columns and columns[name][i] != columns[name][i - 1]]
        if changed:
            out.append((float(steps[i]), ", ".join(changed)))
    return out


def _knob_text(value) -> str:
    return f"{value:.0e}" if isinstance(value, float) else str(value)


def _decimate(x: np.ndarray, y: np.ndarray, limit: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Bin-average down to ``limit`` points (keeps the trend, unlike taking every n-th noisy value)."""
    n = len(x)
    if n <= limit:
        return x, y
    edges = np.linspace(0, n, limit + 1).astype(int)  # limit bins of (almost) equal size
    width = np.diff(edges)
    return np.add.reduceat(x, edges[:-1]) / width, np.add.reduceat(y, edges[:-1]) / width


def _smooth(y: np.ndarray) -> np.ndarray:
    """Trailing running mean over ~2% of the curve (at least 1 point): the trend through the step-to-step noise."""
    w = max(1, len(y) // 50)
    if w == 1:
        return y
    c = np.cumsum(np.insert(y, 0, 0.0))
    head = c[1:w] / np.arange(1, w)  # the first w-1 points average what exists so far
    return np.concatenate([head, (c[w:] - c[:-w]) / w])


class TrainingCurves(LiveFigure):
    """The dashboard's curves figure, made once: ``update(history)`` moves the lines, ``png()`` encodes it.

    Top: discriminator and generator losses. Bottom: mean D(x) on real and D(G(z)) on generated samples,
    with the equilibrium value 1/2. Dotted verticals mark steps where k, a learning rate or the loss changed.
    Faint lines are the raw per-step values, solid ones their running mean.
    """

    SERIES = (  # (axis, history column, message key of its legend label, colour)
        (0, "d_loss", "fig_d_loss", "tab:red"),
        (0, "g_loss", "fig_g_loss", "tab:blue"),
        (1, "d_real", "fig_d_real", REAL.value),
        (1, "d_fake", "fig_d_fake", FAKE.value),
    )

    def __init__(self, figsize: tuple[float, float] = (6.0, 4.2), shown: bool = False, title: str = "") -> None:
        # shown: a ShownFigure, which a notebook cell displays as PNG (the dashboard only needs png())
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.figure = (ShownFigure if shown else Figure)(figsize=figsize)
        FigureCanvasAgg(self.figure)  # a renderer to measure the knob-change labels with (see _place_labels)
        self.axes = self.figure.subplots(2, 1, sharex=True)
        # fixed margins instead of bbox_inches="tight": one draw per frame, and the image never jumps in size.
        # The top margin holds LABEL_ROWS rows of knob-change labels, and above them the title if there is one.
        label_pt = 2 + LABEL_ROWS * LABEL_ROW_PT + 4
        title_pt = 16 if title else 0
        top = 1 - (label_pt + title_pt) / (72 * figsize[1])
        self.figure.subplots_adjust(left=0.1, right=0.98, top=top, bottom=0.19, hspace=0.12)
        if title:
            self.figure.suptitle(title, fontsize=10, y=1 - 3 / (72 * figsize[1]), va="top")
        self.raw, self.trend = {}, {}
        for ax_i, key, label, colour in self.SERIES:
            ax = self.axes[ax_i]
            (self.raw[key],) = ax.plot([], [], color=colour, alpha=0.25, linewidth=0.8)
            (self.trend[key],) = ax.plot([], [], color=colour, linewidth=1.6, label=msg(label))
        self.axes[1].axhline(D_EQUILIBRIUM, color="gray", linestyle="--", linewidth=0.8, label=msg("fig_half"))
        self.axes[0].set_ylabel(msg("fig_loss"))
        self.axes[1].set_ylabel(msg("fig_mean_d"))
        self.axes[1].set_ylim(-0.02, 1.02)
        self.axes[1].set_xlabel(msg("fig_step"))
        for ax in self.axes:
            ax.grid(alpha=0.25)
        # one legend row under the plots: inside the axes it would hide curves or knob-change labels
        handles = [h for ax in self.axes for h in ax.get_legend_handles_labels()[0]]
        self.figure.legend(handles=handles, loc="lower center", ncol=5, fontsize=7, frameon=False)
        self._markers: list = []
        self._labels: list = []  # the knob-change annotations (also in _markers)

    def update(self, history: History | Iterable[Mapping] | Mapping[str, list]) -> None:
        """Redraw from ``history`` (a History, rows, or columns). Cheap: no artist is created except markers."""
        cols = history_columns(history)
        steps = np.asarray(cols.get("step", []), dtype=float)
        for _ax_i, key, _label, _colour in self.SERIES:
            y = np.asarray(cols.get(key, []), dtype=float)
            if len(y) != len(steps):
                y = np.full(len(steps), np.nan)
            x, yd = _decimate(steps, y)
            self.raw[key].set_data(x, yd)
            self.trend[key].set_data(x, _smooth(yd) if len(yd) else yd)
        for artist in self._markers:
            artist.remove()
        self._markers = []
        changes = knob_changes(cols)[-MAX_MARKERS:]
        for step, _text in changes:
            for ax in self.axes:
                self._markers.append(ax.axvline(step, color="black", linestyle=":", linewidth=0.9, alpha=0.7))
        self._rescale(steps, cols)
        self._labels = [self.axes[0].annotate(
            text, (step, 1.0), xycoords=("data", "axes fraction"), xytext=(2, 2), textcoords="offset points",
            fontsize=7, rotation=0, annotation_clip=False) for step, text in changes]
        self._markers += self._labels
        self._place_labels()

    def _place_labels(self) -> None:
        """Lay out the knob-change labels so that none runs into another or out of the figure: newest first, each
        in the lowest of ``LABEL_ROWS`` rows where it fits (left of its line when the right edge is near); a label
        that fits no row is not drawn (its dotted line still is)."""
        renderer = self.figure.canvas.get_renderer()
        fig_right = self.figure.bbox.x1
        rows: list[list[tuple[float, float]]] = [[] for _ in range(LABEL_ROWS)]
        for label in reversed(self._labels):
            placed = False
            for side in ("right", "left"):  # of the dotted line
                label.set_horizontalalignment("left" if side == "right" else "right")
                for row, taken in enumerate(rows):
                    label.xyann = (2 if side == "right" else -2, 2 + row * LABEL_ROW_PT)
                    box = label.get_window_extent(renderer)
                    if box.x0 < 0 or box.x1 > fig_right:
                        break  # this side leaves the figure in every row: try the other side
                    if all(box.x1 + LABEL_GAP_PX <= a or box.x0 >= b + LABEL_GAP_PX for a, b in taken):
                        taken.append((box.x0, box.x1))
                        placed = True
                        break
                if placed:
                    break
            label.set_visible(placed)

    def _rescale(self, steps: np.ndarray, cols: dict[str, list]) -> None:
        left = float(steps[0]) if len(steps) else 0.0
        self.axes[0].set_xlim(left, max(float(steps[-1]) if len(steps) else 1.0, left + 1.0))
        losses = np.asarray([v for key in ("d_loss", "g_loss") for v in cols.get(key, [])], dtype=float)
        losses = losses[np.isfinite(losses)]
        if len(losses):
            lo, hi = np.percentile(losses, [0.5, 99.5])  # one wild step must not flatten the rest of the curve
            pad = 0.05 * (hi - lo) + 1e-3
            self.axes[0].set_ylim(lo - pad, hi + pad)


def curves_figure(history: History | Iterable[Mapping] | Mapping[str, list], title: str = "") -> Figure:
    """Losses and mean D outputs over training, with knob-change markers: the static twin of the dashboard view."""
    curves = TrainingCurves(shown=True, title=title)
    curves.update(history)
    return curves.figure


class QualityCurves(LiveFigure):
    """Sample quality over training, made once and updated: Fréchet distance (left, lower is better) and how
    many of the 10 digit classes the samples cover (right), from rows (step, fd, coverage) such as
    ``ganedu.metrics.QualityMeter.history``."""

    def __init__(self, figsize: tuple[float, float] = (4.2, 3.0), shown: bool = False) -> None:
        self.figure = (ShownFigure if shown else Figure)(figsize=figsize)
        self.ax = self.figure.add_subplot()
        self.figure.subplots_adjust(left=0.16, right=0.86, top=0.9, bottom=0.16)
        self.cov_ax = self.ax.twinx()
        (self.fd_line,) = self.ax.plot([], [], "o-", color="tab:orange", markersize=3, label=msg("fig_fd_short"))
        (self.cov_line,) = self.cov_ax.plot([], [], "s--", color="tab:cyan", markersize=3,
                                            label=msg("fig_classes_covered"))
        self.ax.set_xlabel(msg("fig_step"))
        self.ax.set_ylabel(msg("fig_fd"), color="tab:orange")
        self.cov_ax.set_ylabel(msg("fig_classes_covered"), color="tab:cyan")
        self.cov_ax.set_ylim(-0.3, 10.3)
        self.ax.grid(alpha=0.25)

    def update(self, rows: Iterable[Sequence[float]]) -> None:
        """Redraw from (step, fd, coverage) rows."""
        arr = np.asarray([tuple(r)[:3] for r in rows], dtype=float).reshape(-1, 3)
        self.fd_line.set_data(arr[:, 0], arr[:, 1])
        self.cov_line.set_data(arr[:, 0], arr[:, 2])
        if len(arr):
            lo, hi = arr[0, 0], max(arr[-1, 0], arr[0, 0] + 1)
            self.ax.set_xlim(lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo))
            fd = arr[np.isfinite(arr[:, 1]), 1]
            if len(fd):
                self.ax.set_ylim(0, 1.08 * fd.max() + 1e-6)


def quality_figure(rows: Iterable[Sequence[float]]) -> Figure:
    """Static Fréchet distance and class coverage over training, from (step, fd, coverage) rows."""
    curves = QualityCurves(shown=True)
    curves.update(rows)
    return curves.figure


def frames_figure(frames: Sequence[np.ndarray], titles: Sequence[str], count: int = 6) -> Figure:
    """``count`` evenly spaced frames (uint8 grids) side by side with their titles: a GIF's static twin."""
    idx = np.unique(np.linspace(0, len(frames) - 1, min(count, len(frames))).round().astype(int))
    fig = ShownFigure(figsize=(1.6 * len(idx), 1.9))
    axes = np.atleast_1d(fig.subplots(1, len(idx)))
    for ax, i in zip(axes, idx, strict=True):
        ax.imshow(frames[i], cmap="gray", vmin=0, vmax=255)
        ax.set_title(titles[i], fontsize=8)
        ax.set_axis_off()
    return fig


def gif_bytes(frames: Sequence[np.ndarray], duration_ms: int = 150, scale: int = 1, hold_last_ms: int = 1500,
              levels: int = 256) -> bytes:
    """Frames (uint8 arrays (H, W), e.g. from ``image_grid``) -> an endlessly looping GIF, as bytes.

    The last frame stays ``hold_last_ms`` so the final samples can be seen. ``levels`` < 256 rounds the greys to
    that many levels: 16 look the same to the eye and shrink a GIF of noisy samples by about 40%. Show it with
    ``IPython.display.Image(data)``.
    """
    from PIL import Image

    if not frames:
        raise ValueError(msg("fig_no_frames"))
    images = []
    for f in frames:
        arr = np.asarray(f, dtype=np.uint8)
        if levels < 256:
            step = 255 / (levels - 1)
            arr = np.round(np.round(arr / step) * step).astype(np.uint8)
        if scale > 1:
            arr = arr.repeat(scale, axis=0).repeat(scale, axis=1)
        images.append(Image.fromarray(arr))  # 2D uint8 -> 8-bit grey
    durations = [duration_ms] * (len(images) - 1) + [max(duration_ms, hold_last_ms)]
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=0,
                   optimize=True)
    return buf.getvalue()




# --- figures more than one lesson draws ---


def image_rows_figure(rows: dict[str, torch.Tensor | np.ndarray], title: str = "", per_row: int | None = None
                      ) -> ShownFigure:
    """One labelled strip of digits per entry (``{label: images (N, 1, 28, 28)}``): cases side by side, latent
    walks, sample / nearest-neighbour pairs."""
    n = per_row or max(len(v) for v in rows.values())
    fig = ShownFigure(figsize=(0.55 * n + 1.6, 0.62 * len(rows) + 0.4))
    axes = np.atleast_1d(fig.subplots(len(rows), 1))
    for ax, (label, imgs) in zip(axes, rows.items()):
        ax.imshow(image_grid(imgs[:n], nrow=n, pad=1), cmap="gray", vmin=0, vmax=255)
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
    return finish_figure(fig, title)


def draw_runs(ax: Axes, runs: dict[str, tuple[np.ndarray, np.ndarray]], log: bool = False,
              highlight: tuple[str, ...] = (), marker: str = "") -> None:
    """One line per run (``{name: (x, y)}``), labelled by its name; when ``highlight`` names some runs, those are
    drawn thick and the rest thin and faint, so a few runs stand out of many. ``log``: logarithmic y axis."""
    for name, (x, y) in runs.items():
        faint = bool(highlight) and name not in highlight
        (ax.semilogy if log else ax.plot)(x, y, label=name, marker=marker or None, markersize=2 if faint else 3,
                                          linewidth=0.9 if faint else (2.0 if highlight else 1.5),
                                          alpha=0.55 if faint else 1.0)


def lines_figure(x: np.ndarray, ys: dict[str, np.ndarray], xlabel: str, ylabel: str = "", title: str = "",
                 hline: float | None = None, figsize: tuple[float, float] = (5.5, 3.0)) -> ShownFigure:
    """Several curves ``ys[label]`` over one x axis, with an optional dashed reference level ``hline``."""
    fig = ShownFigure(figsize=figsize)
    ax = fig.add_subplot()
    draw_runs(ax, {label: (x, y) for label, y in ys.items()})
    if hline is not None:
        ax.axhline(hline, color="gray", linestyle="--", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.25)
    ax.legend(frameon=False, fontsize=8)
    return finish_figure(fig, title, ax)


# --- each lesson's own figures, found by name for ge.plot.<name> ---

LESSON_FIGURES = {  # ge.plot.<name> -> the lesson module that draws it, imported on first use
    "minimax_figure": "ganedu.lessons.theory_figures",
    "sweep_figure": "ganedu.lessons.theory_figures",
    "logit_gradient_figure": "ganedu.lessons.theory_figures",
    "race_figure": "ganedu.lessons.toy_figures",
    "FieldPanel": "ganedu.lessons.toy_figures",
    "field_panel": "ganedu.lessons.toy_figures",
    "field_figure": "ganedu.lessons.toy_figures",
    "fields_figure": "ganedu.lessons.toy_figures",
    "ring_panels_figure": "ganedu.lessons.toy_figures",
    "dirac_figure": "ganedu.lessons.dirac_figures",
    "eigen_figure": "ganedu.lessons.dirac_figures",
    "speed_figure": "ganedu.lessons.speed_figures",
    "bars_figure": "ganedu.lessons.evaluation_figures",
    "class_bars_figure": "ganedu.lessons.evaluation_figures",
    "knn_figure": "ganedu.lessons.evaluation_figures",
    "trajectory_figure": "ganedu.lessons.stabilise_figures",
    "kl_fits_figure": "ganedu.lessons.divergences_figures",
    "critics_figure": "ganedu.lessons.divergences_figures",
    "tracking_figure": "ganedu.lessons.divergences_figures",
    "pictures_figure": "ganedu.lessons.stabilise_figures",
    "confusion_figure": "ganedu.lessons.latent_figures",
    "checkerboard_figure": "ganedu.lessons.dcgan_rules_figures",
    "truncation_figure": "ganedu.lessons.latent_figures",
}


def __getattr__(name: str):
    """``ge.plot.<name>`` for a lesson's figure: the one allowed look-up from the interface into the lessons."""
    if name in LESSON_FIGURES:
        return getattr(importlib.import_module(LESSON_FIGURES[name]), name)
    raise AttributeError(msg("fig_unknown", name=name))


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(LESSON_FIGURES))
