"""Pure plotting functions: data in, ``matplotlib.figure.Figure`` or PNG bytes out.

No pyplot state: figures are built with ``Figure()`` directly, so these are safe to call from a training
thread (pyplot is not thread-safe). Notebooks display a returned Figure by ending a cell with it.
"""

from __future__ import annotations

import io

import numpy as np
import torch
from matplotlib.figure import Figure


def figure_to_png(fig: Figure, dpi: int = 72) -> bytes:
    """Encode a Figure as PNG bytes (for ``ipywidgets.Image``)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


class ShownFigure(Figure):
    """A Figure that shows itself as PNG when a notebook cell ends with it (``_repr_png_``).

    A bare ``Figure()`` made without pyplot has no display hook outside the inline backend and would show as
    ``<Figure size ...>`` text; this one renders in Jupyter, Colab, VS Code and in the saved notebook on GitHub.
    """

    def _repr_png_(self) -> bytes:
        return figure_to_png(self, dpi=THEORY_DPI)


def image_grid(images: torch.Tensor | np.ndarray, nrow: int | None = None, pad: int = 2) -> np.ndarray:
    """(N, 1, H, W) or (N, H, W) values in [-1, 1] -> one (rows*(H+pad)+pad, cols*(W+pad)+pad) uint8 image."""
    arr = images.detach().float().cpu().numpy() if isinstance(images, torch.Tensor) else np.asarray(images, float)
    if arr.ndim == 4:
        arr = arr[:, 0]
    if arr.ndim != 3:
        raise ValueError(f"expected images of shape (N, 1, H, W) or (N, H, W), got {arr.shape}")
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
    if title:
        ax.set_title(title)
    return fig


# --- training curves (ganedu.widgets / MNIST notebooks) ---

KNOBS = ("k", "lr_d", "lr_g", "loss")  # history columns a learner can change while training runs
MAX_POINTS = 1500  # curves are decimated to at most this many points: a redraw stays fast after 100k steps
MAX_MARKERS = 12  # only the latest knob changes get a labelled marker, so the plot never turns into a barcode
D_EQUILIBRIUM = 0.5  # at the game's optimum p_g = p_data, so D*(x) = p/(p + p_g) = 1/2 everywhere


def history_columns(history) -> dict[str, list]:
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


class TrainingCurves:
    """The dashboard's curves figure, made once: ``update(history)`` moves the lines, ``png()`` encodes it.

    Top: discriminator and generator losses. Bottom: mean D(x) on real and D(G(z)) on generated samples,
    with the equilibrium value 1/2. Dotted verticals mark steps where k, a learning rate or the loss changed.
    Faint lines are the raw per-step values, solid ones their running mean.
    """

    SERIES = (  # (axis, history column, legend label, colour)
        (0, "d_loss", "D loss", "tab:red"),
        (0, "g_loss", "G loss", "tab:blue"),
        (1, "d_real", "D(x), real", "tab:green"),
        (1, "d_fake", "D(G(z)), fake", "tab:purple"),
    )

    def __init__(self, figsize: tuple[float, float] = (6.0, 4.2), shown: bool = False) -> None:
        # shown: a ShownFigure, which a notebook cell displays as PNG (the dashboard only needs png())
        self.figure = (ShownFigure if shown else Figure)(figsize=figsize)
        self.axes = self.figure.subplots(2, 1, sharex=True)
        # fixed margins instead of bbox_inches="tight": one draw per frame, and the image never jumps in size
        self.figure.subplots_adjust(left=0.1, right=0.98, top=0.92, bottom=0.19, hspace=0.12)
        self.raw, self.trend = {}, {}
        for ax_i, key, label, colour in self.SERIES:
            ax = self.axes[ax_i]
            (self.raw[key],) = ax.plot([], [], color=colour, alpha=0.25, linewidth=0.8)
            (self.trend[key],) = ax.plot([], [], color=colour, linewidth=1.6, label=label)
        self.axes[1].axhline(D_EQUILIBRIUM, color="gray", linestyle="--", linewidth=0.8, label="1/2")
        self.axes[0].set_ylabel("loss")
        self.axes[1].set_ylabel("mean D")
        self.axes[1].set_ylim(-0.02, 1.02)
        self.axes[1].set_xlabel("generator step")
        for ax in self.axes:
            ax.grid(alpha=0.25)
        # one legend row under the plots: inside the axes it would hide curves or knob-change labels
        handles = [h for ax in self.axes for h in ax.get_legend_handles_labels()[0]]
        self.figure.legend(handles=handles, loc="lower center", ncol=5, fontsize=7, frameon=False)
        self._markers: list = []

    def update(self, history) -> None:
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
        for step, text in knob_changes(cols)[-MAX_MARKERS:]:
            for ax in self.axes:
                self._markers.append(ax.axvline(step, color="black", linestyle=":", linewidth=0.9, alpha=0.7))
            self._markers.append(self.axes[0].annotate(
                text, (step, 1.0), xycoords=("data", "axes fraction"), xytext=(2, 2), textcoords="offset points",
                fontsize=7, rotation=0, annotation_clip=False))
        self._rescale(steps, cols)

    def _rescale(self, steps: np.ndarray, cols: dict[str, list]) -> None:
        left = float(steps[0]) if len(steps) else 0.0
        self.axes[0].set_xlim(left, max(float(steps[-1]) if len(steps) else 1.0, left + 1.0))
        losses = np.asarray([v for key in ("d_loss", "g_loss") for v in cols.get(key, [])], dtype=float)
        losses = losses[np.isfinite(losses)]
        if len(losses):
            lo, hi = np.percentile(losses, [0.5, 99.5])  # one wild step must not flatten the rest of the curve
            pad = 0.05 * (hi - lo) + 1e-3
            self.axes[0].set_ylim(lo - pad, hi + pad)

    def png(self, dpi: int = 72) -> bytes:
        """The current figure as PNG bytes (~0.1 s at 72 dpi), for ``ipywidgets.Image``."""
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()


def curves_figure(history, title: str = "") -> Figure:
    """Losses and mean D outputs over training, with knob-change markers: the static twin of the dashboard view."""
    curves = TrainingCurves(shown=True)
    curves.update(history)
    if title:
        curves.figure.suptitle(title, fontsize=10)
    return curves.figure


class QualityCurves:
    """Sample quality over training, made once and updated: Fréchet distance (left, lower is better) and how
    many of the 10 digit classes the samples cover (right), from rows (step, fd, coverage) such as
    ``ganedu.metrics.QualityMeter.history``."""

    def __init__(self, figsize: tuple[float, float] = (4.2, 3.0), shown: bool = False) -> None:
        self.figure = (ShownFigure if shown else Figure)(figsize=figsize)
        self.ax = self.figure.add_subplot()
        self.figure.subplots_adjust(left=0.16, right=0.86, top=0.9, bottom=0.16)
        self.cov_ax = self.ax.twinx()
        (self.fd_line,) = self.ax.plot([], [], "o-", color="tab:orange", markersize=3, label="FD")
        (self.cov_line,) = self.cov_ax.plot([], [], "s--", color="tab:cyan", markersize=3, label="classes covered")
        self.ax.set_xlabel("generator step")
        self.ax.set_ylabel("Fréchet distance", color="tab:orange")
        self.cov_ax.set_ylabel("classes covered", color="tab:cyan")
        self.cov_ax.set_ylim(-0.3, 10.3)
        self.ax.grid(alpha=0.25)

    def update(self, rows) -> None:
        arr = np.asarray([tuple(r)[:3] for r in rows], dtype=float).reshape(-1, 3)
        self.fd_line.set_data(arr[:, 0], arr[:, 1])
        self.cov_line.set_data(arr[:, 0], arr[:, 2])
        if len(arr):
            lo, hi = arr[0, 0], max(arr[-1, 0], arr[0, 0] + 1)
            self.ax.set_xlim(lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo))
            fd = arr[np.isfinite(arr[:, 1]), 1]
            if len(fd):
                self.ax.set_ylim(0, 1.08 * fd.max() + 1e-6)

    def png(self, dpi: int = 72) -> bytes:
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()


def quality_figure(rows) -> Figure:
    """Static Fréchet distance and class coverage over training, from (step, fd, coverage) rows."""
    curves = QualityCurves(shown=True)
    curves.update(rows)
    return curves.figure


def frames_figure(frames: list, titles: list[str], count: int = 6) -> Figure:
    """``count`` evenly spaced frames (uint8 grids) side by side with their titles: a GIF's static twin."""
    idx = np.unique(np.linspace(0, len(frames) - 1, min(count, len(frames))).round().astype(int))
    fig = ShownFigure(figsize=(1.6 * len(idx), 1.9))
    axes = np.atleast_1d(fig.subplots(1, len(idx)))
    for ax, i in zip(axes, idx, strict=True):
        ax.imshow(frames[i], cmap="gray", vmin=0, vmax=255)
        ax.set_title(titles[i], fontsize=8)
        ax.set_axis_off()
    return fig


def gif_bytes(frames: list, duration_ms: int = 150, scale: int = 1, hold_last_ms: int = 1500,
              levels: int = 256) -> bytes:
    """Frames (uint8 arrays (H, W), e.g. from ``image_grid``) -> an endlessly looping GIF, as bytes.

    The last frame stays ``hold_last_ms`` so the final samples can be seen. ``levels`` < 256 rounds the greys to
    that many levels: 16 look the same to the eye and shrink a GIF of noisy samples by about 40%. Show it with
    ``IPython.display.Image(data)``.
    """
    from PIL import Image

    if not frames:
        raise ValueError("gif_bytes needs at least one frame: record some training first")
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


# --- theory and toy figures (ganedu.theory / ganedu.toy / ganedu.dirac) ---

THEORY_DPI = 80  # notebook figures: sharp enough on GitHub, small enough that a notebook stays well under 1 MB
C_DATA, C_G, C_D, C_TRAINED = "tab:blue", "tab:orange", "black", "tab:green"


def minimax_figure(p_data, p_g, x: np.ndarray | None = None, others: dict | None = None,
                   title: str = "") -> ShownFigure:
    """Top: p_data and p_g. Bottom: D* = p_data/(p_data + p_g), other discriminators, V(D*, G) and JSD.

    ``p_data``, ``p_g``: objects with ``.pdf(x)`` (``ge.theory.Mixture``); ``others``: ``{label: D}`` where D is
    an array on ``x`` or a callable x -> D(x) (e.g. a trained discriminator), drawn dashed.
    """
    from ..lessons import theory

    x = theory.grid() if x is None else x
    p, q = p_data.pdf(x), p_g.pdf(x)
    d_star = theory.optimal_discriminator(p, q)
    v, j = theory.value(d_star, p, q, x), theory.jsd(p, q, x)
    fig = ShownFigure(figsize=(7.0, 4.6))
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1, 1]})
    top.fill_between(x, p, color=C_DATA, alpha=0.3)
    top.plot(x, p, color=C_DATA, label="p_data")
    top.fill_between(x, q, color=C_G, alpha=0.3)
    top.plot(x, q, color=C_G, label="p_g")
    top.set_ylabel("density")
    top.legend(loc="upper right", frameon=False)
    bottom.plot(x, d_star, color=C_D, label="D* = p_data / (p_data + p_g)")
    for i, (label, d) in enumerate((others or {}).items()):
        values = d(x) if callable(d) else d
        bottom.plot(x, values, color=(C_TRAINED, "tab:red", "tab:purple")[i % 3], linestyle="--", label=label)
    bottom.axhline(0.5, color="gray", linewidth=0.8, linestyle=":")
    bottom.set_ylim(-0.03, 1.03)
    mass = np.flatnonzero(p + q > 1e-3 * np.max(p + q))  # show where the densities are, not the empty grid ends
    bottom.set_xlim(x[mass[0]] - 0.5, x[mass[-1]] + 0.5)
    bottom.set_ylabel("D(x)")
    bottom.set_xlabel("x")
    bottom.legend(loc="best", frameon=False, fontsize=8)
    fig.suptitle(title or f"V(D*, G) = {v:.4f}   JSD = {j:.4f} nats   -log 4 + 2 JSD = {-np.log(4) + 2 * j:.4f}",
                 fontsize=10)
    fig.tight_layout()
    return fig


def sweep_figure(shifts: np.ndarray, rows: dict[str, np.ndarray], xlabel: str = "mean of p_g",
                 title: str = "") -> ShownFigure:
    """Curves ``rows[label]`` against ``shifts`` on one axis (e.g. V, JSD and L_D as p_g slides past p_data)."""
    fig = ShownFigure(figsize=(6.0, 3.2))
    ax = fig.add_subplot()
    for label, values in rows.items():
        ax.plot(shifts, values, label=label)
    ax.axhline(0.0, color="gray", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.legend(frameon=False, fontsize=8)
    ax.grid(alpha=0.25)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def logit_gradient_figure(logits: np.ndarray, grads: dict[str, np.ndarray], title: str = "") -> ShownFigure:
    """Left: d L_G / d logit for each loss against the fake's logit. Right: |gradient| against D(G(z)), log axes."""
    fig = ShownFigure(figsize=(8.5, 3.3))
    left, right = fig.subplots(1, 2)
    d_fake = 1.0 / (1.0 + np.exp(-logits))
    for label, g in grads.items():
        left.plot(logits, g, label=label)
        right.loglog(d_fake, np.abs(g), label=label)
    left.axhline(0.0, color="gray", linewidth=0.8)
    left.set_xlabel("logit l of a fake sample (D = sigmoid(l))")
    left.set_ylabel("d L_G / d l")
    right.set_xlabel("D(G(z))")
    right.set_ylabel("|d L_G / d l|")
    for ax in (left, right):
        ax.grid(alpha=0.25)
        ax.legend(frameon=False, fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


RACE_TITLES = {"g_mean": "mean of the fakes", "d_fake": "mean D(G(z))", "grad": "|dL_G / db|"}


def race_figure(curves: dict[str, dict[str, np.ndarray]], keys: tuple[str, ...], log: tuple[str, ...] = (),
                title: str = "") -> ShownFigure:
    """One panel per key: ``curves[run][key]`` against ``curves[run]["step"]`` for every run (e.g. two losses);
    keys in ``log`` get a logarithmic y axis (for quantities that span many orders of magnitude)."""
    fig = ShownFigure(figsize=(3.2 * len(keys), 3.0))
    axes = np.atleast_1d(fig.subplots(1, len(keys)))
    for ax, key in zip(axes, keys, strict=True):
        for run, c in curves.items():
            (ax.semilogy if key in log else ax.plot)(c["step"], c[key], label=run)
        ax.set_xlabel("generator step")
        ax.set_title(RACE_TITLES.get(key, key), fontsize=9)
        ax.grid(alpha=0.25)
    axes[0].legend(frameon=False, fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def dirac_figure(trajectories: dict[str, np.ndarray], loss: str = "nonsaturating", gamma: float = 0.0,
                 lim: float = 2.0, title: str = "") -> ShownFigure:
    """Left: the Dirac-GAN vector field (arrows) with trajectories (theta, psi). Right: distance to (0, 0)."""
    from ..lessons import dirac

    fig = ShownFigure(figsize=(9.0, 4.0))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.2]})
    g = np.linspace(-lim, lim, 17)
    th, ps = np.meshgrid(g, g)
    v_th, v_ps = dirac.vector_field(th, ps, loss, gamma)
    left.quiver(th, ps, v_th, v_ps, color="0.6", angles="xy")
    for label, traj in trajectories.items():
        (line,) = left.plot(traj[:, 0], traj[:, 1], linewidth=1.0, label=label)
        left.plot(traj[0, 0], traj[0, 1], "o", color=line.get_color(), markersize=4)
        right.semilogy(dirac.distance(traj), color=line.get_color(), label=label)
    left.plot(0, 0, "k*", markersize=10)
    left.set_xlim(-lim, lim)
    left.set_ylim(-lim, lim)
    left.set_aspect("equal")
    left.set_xlabel("theta (generator)")
    left.set_ylabel("psi (discriminator)")
    right.set_xlabel("generator step")
    right.set_ylabel("distance to equilibrium")
    right.grid(alpha=0.25, which="both")
    right.legend(frameon=False, fontsize=8)
    finite = np.concatenate([dirac.distance(t) for t in trajectories.values()])
    finite = finite[np.isfinite(finite) & (finite > 0)]
    if finite.size:
        right.set_ylim(bottom=max(finite.min() / 2, 1e-12))  # below 1e-12 is "arrived"; keep the rest readable
    fig.suptitle(title or f"Dirac-GAN, {loss} loss (arrows: the field with R1 weight gamma = {gamma})", fontsize=10)
    fig.tight_layout()
    return fig


def eigen_figure(gammas: np.ndarray, loss: str = "nonsaturating", lr: float = 0.1) -> ShownFigure:
    """Left: eigenvalues of the Jacobian in the complex plane as the R1 weight gamma grows. Right: the
    spectral radius of one training step (simultaneous and alternating) against gamma, with the line 1."""
    from ..lessons import dirac

    fig = ShownFigure(figsize=(9.0, 3.6))
    left, right = fig.subplots(1, 2)
    ev = np.array([dirac.eigenvalues(loss, gm) for gm in gammas])  # (G, 2) complex
    for i in range(2):
        sc = left.scatter(ev[:, i].real, ev[:, i].imag, c=gammas, cmap="viridis", s=12)
    fig.colorbar(sc, ax=left, label="gamma")
    left.axvline(0.0, color="gray", linewidth=0.8)
    left.set_xlabel("real part")
    left.set_ylabel("imaginary part")
    left.set_title("eigenvalues of the Jacobian at (0, 0)", fontsize=9)
    for mode in dirac.MODES:
        right.plot(gammas, [dirac.spectral_radius(lr, mode, 1, gm, loss) for gm in gammas], label=mode)
    right.axhline(1.0, color="gray", linestyle="--", linewidth=0.8)
    right.set_xlabel("gamma (R1 weight)")
    right.set_ylabel("spectral radius of one step")
    right.set_title(f"one training step, lr = {lr}", fontsize=9)
    right.legend(frameon=False, fontsize=8)
    right.grid(alpha=0.25)
    fig.tight_layout()
    return fig


C_REAL, C_FAKE = "darkgreen", "indigo"  # GAN Lab's colours: real green, fake purple; the heatmap goes between
ARROW_MAX = 0.5  # longest drawn arrow, in data units: length = ARROW_MAX * |g| / (1 + |g|) keeps tiny ones tiny


def _arrow_lengths(grads: np.ndarray) -> np.ndarray:
    """(B, 2) gradients -> (B, 2) display vectors with length ARROW_MAX |g| / (1 + |g|), same direction."""
    norm = np.linalg.norm(grads, axis=1, keepdims=True)
    return grads * (ARROW_MAX / (1.0 + norm))


class FieldPanel:
    """The live 2D view of a toy GAN, built once and updated in place (``panel(trainer) -> PNG bytes``).

    Background: D(x) on a grid (purple = "fake", 0; green = "real", 1; white = 1/2). Green dots: real samples.
    Purple dots: G's samples for the trainer's fixed noise. Arrows: -dL_G/dx at some of them, the direction
    the generator loss pushes each fake (length ARROW_MAX |g| / (1 + |g|), so a vanishing gradient shows as no
    arrow). Title: step, loss, and the mode coverage when the data set is known (``ge.toy.make_trainer``).
    """

    def __init__(self, data=None, n_real: int = 600, n_arrows: int = 64, resolution: int = 48,
                 figsize: tuple[float, float] = (4.4, 4.6), ax=None) -> None:
        self.data, self.n_real, self.n_arrows, self.resolution = data, n_real, n_arrows, resolution
        if ax is None:
            self.figure = ShownFigure(figsize=figsize)
            self.ax = self.figure.add_subplot()
            self.figure.subplots_adjust(left=0.08, right=0.97, bottom=0.06, top=0.9)
        else:
            self.figure, self.ax = ax.figure, ax
        self._artists = None  # made on the first update, when the data's extent is known

    def _build(self, trainer, limits) -> None:
        ax = self.ax
        real = trainer.data[: self.n_real].detach().float().cpu().numpy()
        self.heat = ax.imshow(np.full((self.resolution, self.resolution), 0.5), extent=limits, origin="lower",
                              cmap="PRGn", vmin=0.0, vmax=1.0, alpha=0.55, interpolation="bilinear")
        ax.scatter(real[:, 0], real[:, 1], s=3, color=C_REAL, alpha=0.6, linewidths=0)
        self.fake = ax.scatter([], [], s=5, color=C_FAKE, alpha=0.8, linewidths=0)
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

    def update(self, trainer) -> None:
        """Recompute heatmap, fakes, arrows and coverage from ``trainer`` (its G, D, fixed noise, loss)."""
        from contextlib import nullcontext

        from ..lessons import toy

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
        line = f"step {trainer.step_count} · {trainer.loss} · k={trainer.k}"
        if data is not None:
            line += "\n" + str(toy.coverage(fakes, data))
        self.title.set_text(line)

    def png(self, dpi: int = 72) -> bytes:
        """The current frame as PNG bytes (fixed layout, no tight bbox: frames keep one size)."""
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()

    def __call__(self, trainer) -> bytes:
        self.update(trainer)
        return self.png()


def _limits_of(data) -> tuple[float, float, float, float]:
    """Bounding box of (N, 2) data with a 25% margin, for trainers made outside ``ge.toy.make_trainer``."""
    arr = data.detach().float().cpu().numpy()
    lo, hi = arr.min(axis=0), arr.max(axis=0)
    pad = 0.25 * float(np.max(hi - lo)) + 1e-3
    return float(lo[0] - pad), float(hi[0] + pad), float(lo[1] - pad), float(hi[1] + pad)


_PANELS = None  # a weakref.WeakKeyDictionary trainer -> its FieldPanel, made on first use


def field_panel(trainer) -> bytes:
    """A dashboard panel: the trainer's 2D field view as PNG bytes (one FieldPanel per trainer, reused)."""
    import weakref

    global _PANELS
    if _PANELS is None:
        _PANELS = weakref.WeakKeyDictionary()
    panel = _PANELS.get(trainer)
    if panel is None:
        panel = _PANELS[trainer] = FieldPanel()
    return panel(trainer)


def field_figure(trainer, data=None) -> ShownFigure:
    """The same view as a static figure for a notebook cell."""
    panel = FieldPanel(data)
    panel.update(trainer)
    return panel.figure


def fields_figure(trainers: dict, size: float = 3.3) -> ShownFigure:
    """Several trainers' field views side by side, titled by their keys (e.g. one per preset)."""
    fig = ShownFigure(figsize=(size * len(trainers), size + 0.5))
    axes = np.atleast_1d(fig.subplots(1, len(trainers)))
    for ax, (label, trainer) in zip(axes, trainers.items(), strict=True):
        panel = FieldPanel(ax=ax)
        panel.update(trainer)
        panel.title.set_text(f"{label}\n{panel.title.get_text()}")
        panel.title.set_fontsize(7)
    fig.tight_layout()
    return fig


# --- speed (ganedu.bench / notebook 06) ---


def speed_figure(rows: list[dict], loops: tuple[str, ...] = ("classic", "ganedu eager", "ganedu fast"),
                 title: str = "") -> ShownFigure:
    """Bars of steps/s per (model, batch) row and loop, on a log axis, each bar labelled with its speed-up."""
    fig = ShownFigure(figsize=(7, 3))
    ax = fig.add_subplot()
    width = 0.8 / len(loops)
    for j, loop in enumerate(loops):
        xs = [i + (j - (len(loops) - 1) / 2) * width for i in range(len(rows))]
        ys = [r[loop] for r in rows]
        ax.bar(xs, ys, width, label=loop)
        for x, y, r in zip(xs, ys, rows):
            ax.annotate(f"x{y / r[loops[0]]:.0f}", (x, y), ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(rows)), [f"{r['model']} B={r['batch']}" for r in rows])
    ax.set_yscale("log")
    ax.set_ylabel("steps / second")
    ax.legend(fontsize=8, frameon=False)
    if title:
        ax.set_title(title, fontsize=9)
    return fig


# --- evaluation and stabilisation figures ---
# Notebooks 07-09 (ganedu.metrics, ganedu.stabilize, the conditional pair). All return ShownFigure at THEORY_DPI.

C_REAL, C_FAKE, C_FLOOR = "tab:blue", "tab:orange", "tab:green"


def bars_figure(values: dict[str, float], ylabel: str, floor: float | None = None, floor_label: str = "",
                title: str = "", log: bool = False, fmt: str = "{:.2f}") -> ShownFigure:
    """One bar per case (``{case: value}``), the value written on each bar, and an optional reference line
    (e.g. the real-vs-real floor of the Fréchet distance)."""
    fig = ShownFigure(figsize=(1.1 * len(values) + 2.0, 3.0))
    ax = fig.add_subplot()
    names, vals = list(values), np.asarray([np.nan if v is None else v for v in values.values()], dtype=float)
    bars = ax.bar(range(len(vals)), np.nan_to_num(vals), color=C_FAKE)
    for bar, v in zip(bars, vals):
        ax.annotate("n/a" if not np.isfinite(v) else fmt.format(v), (bar.get_x() + bar.get_width() / 2,
                    bar.get_height()), ha="center", va="bottom", fontsize=8, xytext=(0, 2), textcoords="offset points")
    if floor is not None:
        ax.axhline(floor, color=C_FLOOR, linestyle="--", linewidth=1.2, label=floor_label or "reference")
        ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.set_xticks(range(len(vals)), names, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.grid(alpha=0.25, axis="y")
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def class_bars_figure(histograms: dict[str, np.ndarray], title: str = "") -> ShownFigure:
    """Share of samples read as each digit 0-9, one small panel per case, with the fair share 1/10 dashed."""
    fig = ShownFigure(figsize=(2.3 * len(histograms), 2.3))
    axes = np.atleast_1d(fig.subplots(1, len(histograms), sharey=True))
    for ax, (name, h) in zip(axes, histograms.items()):
        ax.bar(range(10), np.asarray(h, dtype=float), color=C_FAKE)
        ax.axhline(0.1, color="gray", linestyle="--", linewidth=0.8)
        ax.set_xticks(range(10))
        ax.tick_params(labelsize=7)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("digit", fontsize=8)
    axes[0].set_ylabel("share of samples")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


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
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def knn_figure(real: np.ndarray, fake: np.ndarray, real_radii: np.ndarray, fake_radii: np.ndarray,
               title: str = "") -> ShownFigure:
    """k-NN manifolds in 2D (Kynkäänniemi et al. 2019): left, balls around real points and the fakes that fall
    in them (precision); right, balls around fakes and the reals they reach (recall). Points inside are filled."""
    from matplotlib.patches import Circle

    def inside(points, centres, radii):
        d = np.sqrt(((points[:, None, :] - centres[None, :, :]) ** 2).sum(-1))
        return (d <= radii[None, :]).any(axis=1)

    fig = ShownFigure(figsize=(8.0, 3.8))
    left, right = fig.subplots(1, 2, sharex=True, sharey=True)
    panels = ((left, real, real_radii, C_REAL, fake, C_FAKE, "precision: fakes inside the real manifold"),
              (right, fake, fake_radii, C_FAKE, real, C_REAL, "recall: reals inside the fake manifold"))
    for ax, centres, radii, c_ball, points, c_pt, label in panels:
        for (x, y), r in zip(centres, radii):
            ax.add_patch(Circle((x, y), r, color=c_ball, alpha=0.12, linewidth=0))
        ax.scatter(centres[:, 0], centres[:, 1], s=6, color=c_ball)
        hit = inside(points, centres, radii)
        ax.scatter(points[hit, 0], points[hit, 1], s=22, color=c_pt, edgecolors="black", linewidths=0.4)
        ax.scatter(points[~hit, 0], points[~hit, 1], s=22, facecolors="none", edgecolors=c_pt, linewidths=1.0)
        ax.set_title(f"{label}: {hit.mean():.0%}", fontsize=9)
        ax.set_aspect("equal")
        ax.grid(alpha=0.2)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def ring_panels_figure(samples: dict[str, np.ndarray], centers: np.ndarray, scores: dict[str, str] | None = None,
                       cols: int = 5, lim: float = 3.0) -> ShownFigure:
    """Small multiples of generated 2D points (``{name: (N, 2)}``) over the ring's mode centres, one per recipe,
    each titled with its name and ``scores[name]`` (e.g. "modes 8/8")."""
    rows = int(np.ceil(len(samples) / cols))
    fig = ShownFigure(figsize=(2.0 * cols, 2.1 * rows))
    axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True, sharey=True)).ravel()
    for ax in axes[len(samples):]:
        ax.set_axis_off()
    for ax, (name, pts) in zip(axes, samples.items()):
        pts = np.asarray(pts, dtype=float).reshape(-1, 2)
        ax.scatter(centers[:, 0], centers[:, 1], s=40, marker="x", color="black", linewidths=1.0)
        ax.scatter(pts[:, 0], pts[:, 1], s=2, alpha=0.5, color=C_FAKE)
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(name + (f"\n{scores[name]}" if scores and name in scores else ""), fontsize=8)
    fig.tight_layout()
    return fig


def trajectory_figure(curves: dict[str, tuple[np.ndarray, np.ndarray]], ylabel: str, title: str = "",
                      ylim: tuple[float, float] | None = None, highlight: tuple[str, ...] = ()) -> ShownFigure:
    """A measured quantity over training, one line per run (``{name: (steps, values)}``); ``highlight`` names are
    drawn thick, the rest thin, so a few runs stand out of many."""
    fig = ShownFigure(figsize=(6.5, 3.2))
    ax = fig.add_subplot()
    for name, (steps, values) in curves.items():
        strong = not highlight or name in highlight
        ax.plot(steps, values, marker="o", markersize=3 if strong else 2, linewidth=2.0 if strong else 0.9,
                alpha=1.0 if strong else 0.55, label=name)
    ax.set_xlabel("generator step")
    ax.set_ylabel(ylabel)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.grid(alpha=0.25)
    ax.legend(frameon=False, fontsize=7, ncol=2, loc="best")
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def confusion_figure(matrix: np.ndarray, title: str = "", xlabel: str = "digit the classifier reads",
                     ylabel: str = "digit asked for") -> ShownFigure:
    """A 10 x 10 matrix of shares (rows sum to 1), e.g. requested label vs classifier prediction, numbers inside."""
    m = np.asarray(matrix, dtype=float)
    fig = ShownFigure(figsize=(4.6, 4.0))
    ax = fig.add_subplot()
    im = ax.imshow(m, cmap="Blues", vmin=0, vmax=1)
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if m[i, j] >= 0.005:
                ax.text(j, i, f"{100 * m[i, j]:.0f}", ha="center", va="center", fontsize=6,
                        color="white" if m[i, j] > 0.5 else "black")
    ax.set_xticks(range(m.shape[1]))
    ax.set_yticks(range(m.shape[0]))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.colorbar(im, ax=ax, fraction=0.046, label="share")
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def lines_figure(x: np.ndarray, ys: dict[str, np.ndarray], xlabel: str, ylabel: str, title: str = "",
                 hline: float | None = None) -> ShownFigure:
    """Several curves over one x axis, with an optional dashed reference level."""
    fig = ShownFigure(figsize=(5.5, 3.0))
    ax = fig.add_subplot()
    for label, y in ys.items():
        ax.plot(x, y, label=label)
    if hline is not None:
        ax.axhline(hline, color="gray", linestyle="--", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.25)
    ax.legend(frameon=False, fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def pictures_figure(pictures: dict[str, np.ndarray], cols: int = 5, title: str = "") -> ShownFigure:
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
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
