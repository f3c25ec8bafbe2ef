"""A GAN on 2D points: data sets, a small G/D pair, mode coverage, the D heatmap, G's gradient arrows, presets.

2D data shows what a GAN does with its whole distribution at once: where the fakes are, what the discriminator
believes everywhere (the heatmap of D(x)), and where each fake is pushed (the arrows, -dL_G/dx). Everything here
is a pure function of tensors and networks returning arrays; ``ganedu.plot`` draws them.

Data sets (all float32 tensors (N, 2)):
- ``ring``: 8 Gaussians on a circle of radius 2, std 0.05;
- ``grid``: 25 Gaussians on a 5 x 5 grid with spacing 2 (centres -4 .. 4), std 0.05;
- ``moons``: two interleaved half circles with Gaussian noise (our own implementation);
- ``points``: Gaussians at points a learner enters, e.g. ``dataset("points", points=[(0, 0), (1, 2)])``.
The ring and the grid are the benchmarks of Metz et al. (2016, Unrolled GANs) and Srivastava et al. (2017,
VEEGAN), who used std 0.02; we use 0.05 so that small CPU-trained generators can reach the modes in seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import torch
from torch import Tensor, nn

from ..config import one_thread, quick, seeded
from ..losses import G_LOSSES, d_loss_bce
from ..messages import msg
from ..models import MLPDiscriminator, MLPGenerator, evaluating
from ..train import TrainConfig, Trainer

RING_MODES, RING_RADIUS = 8, 2.0  # the 8-Gaussian ring of Metz et al. (2016)
GRID_SIDE, GRID_SPACING = 5, 2.0  # the 25-Gaussian grid of Srivastava et al. (2017): centres at -4, -2, 0, 2, 4
MODE_STD = 0.05  # std of every mixture component (papers: 0.02; 0.05 is reachable by small nets in seconds)
MOONS_NOISE = 0.1  # std of the noise around the two half circles
HQ_SIGMAS = 3.0  # a sample is "high quality" within 3 std of its nearest mode (VEEGAN's convention)
MIN_MODE_SHARE = 0.01  # a mode counts as hit when at least 1% of the samples are high-quality samples of it
N_DATA = 10_000  # real samples per data set: plenty for 2D, and drawn in milliseconds


@dataclass(frozen=True)
class Dataset2D:
    """Real samples plus what coverage needs: where the modes are and how wide they are."""

    name: str  # "ring", "grid", "moons" or "points"
    data: Tensor  # (N, 2) float32 real samples
    centers: np.ndarray  # (M, 2) reference points: mixture means, or dense points along each moon
    labels: np.ndarray  # (M,) the mode each reference point belongs to (0 .. n_modes - 1)
    std: float  # spread of the data around the reference points (sets the high-quality radius)

    @property
    def n_modes(self) -> int:
        return int(self.labels.max()) + 1

    @property
    def limits(self) -> tuple[float, float, float, float]:
        """(xmin, xmax, ymin, ymax): the data's bounding box with a margin, for plots and heatmaps."""
        lo, hi = self.centers.min(axis=0), self.centers.max(axis=0)
        pad = 0.25 * float(np.max(hi - lo)) + 4 * self.std
        return float(lo[0] - pad), float(hi[0] + pad), float(lo[1] - pad), float(hi[1] + pad)


def _mixture(centers: np.ndarray, n: int, std: float, gen: torch.Generator) -> Tensor:
    """n samples from equal-weight Gaussians N(center, std^2 I): (n, 2)."""
    idx = torch.randint(0, len(centers), (n,), generator=gen)
    return torch.as_tensor(centers, dtype=torch.float32)[idx] + std * torch.randn(n, 2, generator=gen)


def ring_centers(modes: int = RING_MODES, radius: float = RING_RADIUS) -> np.ndarray:
    """(modes, 2): radius * (cos 2 pi i / modes, sin 2 pi i / modes)."""
    angles = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def grid_centers(side: int = GRID_SIDE, spacing: float = GRID_SPACING) -> np.ndarray:
    """(side^2, 2): a square grid centred on the origin."""
    ticks = (np.arange(side) - (side - 1) / 2) * spacing
    gx, gy = np.meshgrid(ticks, ticks)
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def moons_curve(per_moon: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Points along the two half circles and their moon (0 or 1): ((2 * per_moon, 2), (2 * per_moon,)).

    Upper moon: (cos t, sin t); lower moon: (1 - cos t, 0.5 - sin t), t in [0, pi]; then centred on the origin
    and scaled by 1.5 so the picture spans about the same area as the ring.
    """
    t = np.linspace(0, np.pi, per_moon)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    pts = (np.concatenate([upper, lower]) - np.array([0.5, 0.25])) * 1.5
    return pts, np.repeat([0, 1], per_moon)


def dataset(name: str = "ring", n: int = N_DATA, seed: int = 0, std: float | None = None,
            points: list | np.ndarray | None = None) -> Dataset2D:
    """A 2D data set by name ("ring", "grid", "moons", "points"), n samples, reproducible from ``seed``."""
    gen = torch.Generator().manual_seed(seed)
    if name == "ring":
        centers, s = ring_centers(), MODE_STD if std is None else std
        return Dataset2D(name, _mixture(centers, n, s, gen), centers, np.arange(len(centers)), s)
    if name == "grid":
        centers, s = grid_centers(), MODE_STD if std is None else std
        return Dataset2D(name, _mixture(centers, n, s, gen), centers, np.arange(len(centers)), s)
    if name == "points":
        centers = np.asarray(points if points is not None else [], dtype=float).reshape(-1, 2) if _is_xy(points) \
            else None
        if centers is None or len(centers) == 0:
            raise ValueError(msg("toy_bad_points", value=points))
        s = MODE_STD if std is None else std
        return Dataset2D(name, _mixture(centers, n, s, gen), centers, np.arange(len(centers)), s)
    if name == "moons":
        curve, labels = moons_curve(per_moon=2000)
        s = MOONS_NOISE if std is None else std
        idx = torch.randint(0, len(curve), (n,), generator=gen)
        data = torch.as_tensor(curve, dtype=torch.float32)[idx] + s * torch.randn(n, 2, generator=gen)
        ref, ref_labels = moons_curve()
        return Dataset2D(name, data, ref, ref_labels, s)
    raise ValueError(msg("toy_bad_dataset", value=name, choices=", ".join(DATASETS)))


DATASETS = ("ring", "grid", "moons", "points")


def _is_xy(points) -> bool:
    try:
        arr = np.asarray(points, dtype=float)
    except (TypeError, ValueError):
        return False
    return arr.size > 0 and arr.size % 2 == 0 and np.all(np.isfinite(arr)) and (arr.ndim == 2 and arr.shape[1] == 2
                                                                                 or arr.ndim == 1 and arr.size == 2)


# --- mode coverage ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModeCoverage:
    """How well 2D samples cover a data set's modes (not to be confused with ``metrics.coverage``, which counts
    MNIST classes)."""

    modes_hit: int  # modes with at least MIN_MODE_SHARE of all samples as their high-quality samples
    n_modes: int  # modes in the data set
    high_quality: float  # share of samples within HQ_SIGMAS std of their nearest reference point
    per_mode: np.ndarray  # (n_modes,) high-quality samples per mode

    def __str__(self) -> str:
        return msg("toy_coverage", hit=self.modes_hit, modes=self.n_modes, hq=100 * self.high_quality)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # how a notebook cell ending in a ModeCoverage shows it
        printer.text(msg("toy_coverage_per_mode", coverage=str(self), per_mode=self.per_mode.tolist()))


def mode_coverage(samples: Tensor | np.ndarray, data: Dataset2D, sigmas: float = HQ_SIGMAS,
                  min_share: float = MIN_MODE_SHARE) -> ModeCoverage:
    """Modes hit and share of high-quality samples (Srivastava et al. 2017, VEEGAN, Section 5.1).

    A sample is high quality when its distance to the nearest reference point is at most ``sigmas`` data std
    (VEEGAN's 3 standard deviations; Metz et al. 2016 scored the same ring by modes reached). It then belongs
    to that point's mode. Papers differ on how many such samples make a mode "covered"; we count a mode when at
    least ``min_share`` of all samples (1%, at least one sample) are its high-quality samples, so a few strays
    of a collapsed generator do not count.
    """
    x = samples.detach().float().cpu().numpy() if isinstance(samples, Tensor) else np.asarray(samples, float)
    if x.ndim != 2 or x.shape[1] != 2 or len(x) == 0:
        raise ValueError(msg("toy_bad_samples", shape=tuple(x.shape)))
    d2 = ((x[:, None, :] - data.centers[None, :, :]) ** 2).sum(-1)  # (N, M) squared distances
    nearest = d2.argmin(axis=1)
    good = np.sqrt(d2[np.arange(len(x)), nearest]) <= sigmas * data.std
    per_mode = np.bincount(data.labels[nearest[good]], minlength=data.n_modes)
    need = max(1, math.ceil(min_share * len(x)))
    return ModeCoverage(int((per_mode >= need).sum()), data.n_modes, float(good.mean()), per_mode)




# --- the networks ---------------------------------------------------------------------------------------------------


def build_gan(latent_dim: int = 2, g_hidden: tuple[int, ...] = (64, 64), d_hidden: tuple[int, ...] = (64, 64),
              seed: int = 0, g_init_scale: float = 1.0) -> tuple[nn.Module, nn.Module]:
    """A small (G, D) for 2D points: MLPs with LeakyReLU, no BatchNorm and no tanh (2D data is not in [-1, 1]).

    Defaults: z in 2D (a 2D latent maps onto 2D data without folding; with 8 dims our runs covered the ring
    less often), two hidden layers of 64 (about 4.5k parameters each: fast on a CPU). ``g_init_scale``
    multiplies G's output layer at initialisation: 0.1 starts every fake in a tight clump at the centre, far
    from the data, like a poor generator early in training. Weights come from ``seed`` without touching the
    global random state.
    """
    with seeded(seed):
        g = MLPGenerator(latent_dim=latent_dim, hidden=g_hidden, out_shape=(2,), batchnorm=False, tanh=False)
        d = MLPDiscriminator(in_shape=(2,), hidden=d_hidden)
    if g_init_scale != 1.0:
        with torch.no_grad():
            last = [m for m in g.modules() if isinstance(m, nn.Linear)][-1]
            last.weight.mul_(g_init_scale)
            last.bias.mul_(g_init_scale)
    return g, d


def _device_of(net: nn.Module) -> torch.device:
    return next(net.parameters()).device


@torch.no_grad()
def d_heatmap(discriminator: nn.Module, limits: tuple[float, float, float, float],
              n: int = 64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """D(x) = sigmoid(logit) on an n x n grid over ``limits``: (xs (n,), ys (n,), probs (n, n) with probs[i, j] at
    (xs[j], ys[i])). D runs in eval mode and is left as it was."""
    xs, ys = np.linspace(limits[0], limits[1], n), np.linspace(limits[2], limits[3], n)
    gx, gy = np.meshgrid(xs, ys)
    pts = torch.as_tensor(np.stack([gx.ravel(), gy.ravel()], axis=1), dtype=torch.float32,
                          device=_device_of(discriminator))  # (n * n, 2)
    with evaluating(discriminator):
        probs = torch.sigmoid(discriminator(pts)).reshape(n, n).float().cpu().numpy()
    return xs, ys, probs


def g_arrows(generator: nn.Module, discriminator: nn.Module, z: Tensor,
             loss: str = "nonsaturating") -> tuple[np.ndarray, np.ndarray]:
    """Where each fake sample is pushed: (points (B, 2), -dL_G/dx (B, 2)) at x = G(z).

    L_G is the per-sample generator loss (``losses.G_LOSSES[loss]`` on one logit), so each arrow is that sample's
    own steepest-descent direction in data space; G's update moves its weights so the samples follow these
    arrows (through the network's Jacobian). Both nets run in eval mode; no weight gets a gradient.
    """
    if loss not in G_LOSSES:
        raise ValueError(msg("bad_loss", value=loss, choices=", ".join(G_LOSSES)))
    with evaluating(generator, discriminator):
        with torch.no_grad():
            x = generator(z.to(_device_of(generator))).reshape(-1, 2)
        x = x.detach().requires_grad_(True)
        logits = discriminator(x)  # (B, 1)
        total = G_LOSSES[loss](logits) * len(x)  # the losses are means: times B gives the sum of per-sample losses
        (grad,) = torch.autograd.grad(total, x)  # row i depends on sample i only: its own -dL_G/dx
    return x.detach().cpu().numpy(), -grad.cpu().numpy()


# --- instructor presets -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A named, seeded setting that shows one behaviour on cue (see ``PRESETS``)."""

    name: str  # key in PRESETS
    dataset: str = "ring"  # one of DATASETS
    loss: str = "nonsaturating"  # generator loss
    k: int = 1  # D steps per G step
    lr_d: float = 1e-3  # Adam step size of D; 1e-3 trains these small MLPs in seconds
    lr_g: float = 1e-3  # Adam step size of G
    steps: int = 3000  # generator steps the behaviour needs to show
    batch_size: int = 128  # real and fake samples per step
    latent_dim: int = 2  # size of z (see build_gan)
    g_hidden: tuple[int, ...] = (64, 64)  # generator hidden widths
    d_hidden: tuple[int, ...] = (64, 64)  # discriminator hidden widths
    g_init_scale: float = 1.0  # G's output layer at init is multiplied by this (see build_gan)
    points: tuple[tuple[float, float], ...] = ()  # mode centres for dataset="points", e.g. ((0, 0), (2, 1))
    seed: int = 0  # weights, data, batches and noise all follow from it
    expect: str = ""  # messages key: what the learner should see
    quick_steps: int = 0  # steps in quick mode (tests, CI) if a tenth is too few to show the behaviour; 0: a tenth

    @property
    def budget(self) -> int:
        """Steps to train for this preset's behaviour: ``steps``; in quick mode (tests) ``quick_steps`` or a tenth."""
        return quick(self.steps, self.quick_steps or max(1, self.steps // 10))


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        # all 8 modes within 2000-3000 steps: the non-saturating loss, k = 1, equal learning rates
        Preset("healthy", expect="toy_expect_healthy"),
        # G 10x faster than D: G jumps onto whatever spot D currently likes, D follows, G jumps again:
        # one tight blob hopping around the ring (the classic picture of mode collapse)
        Preset("mode_collapse", lr_g=1e-2, steps=2000, expect="toy_expect_collapse"),
        # D far ahead (k = 5 at 25x G's step size) of a G that starts as a clump at the centre: with the
        # saturating loss D(G(z)) falls below 1e-5 and G's gradient vanishes, so G does not move at all
        Preset("strong_d", loss="minimax", k=5, lr_d=5e-3, lr_g=2e-4, g_init_scale=0.1, steps=600,
               quick_steps=200, expect="toy_expect_strong_d"),
        # the same D with the non-saturating loss: G escapes at once, but onto one or two modes only
        Preset("strong_d_nonsaturating", loss="nonsaturating", k=5, lr_d=5e-3, lr_g=2e-4, g_init_scale=0.1,
               steps=600, quick_steps=200, expect="toy_expect_strong_d_ns"),
    )
}


def preset(name: str, **overrides: object) -> Preset:
    """A registered preset, optionally with fields replaced (``preset("healthy", seed=3)``)."""
    if name not in PRESETS:
        raise ValueError(msg("toy_bad_preset", value=name, choices=", ".join(PRESETS)))
    return replace(PRESETS[name], **overrides) if overrides else PRESETS[name]


# --- the 2D trainer: build, score, run, trace ---------------------------------------------------------------------


def make_trainer(p: Preset | str = "healthy", device: str = "cpu", n_samples: int = 512,
                 **overrides: object) -> Trainer:
    """A fresh ``Trainer`` for a preset (a name or a Preset), on the CPU by default so a seed gives the same run
    on the same machine and PyTorch version; ``n_samples`` fixed-noise samples are what panels and coverage look at.

    The trainer carries its data set as the plain attribute ``trainer.dataset`` (a :class:`Dataset2D`), which
    :func:`score` and the 2D field panel read to know where the modes are.
    """
    if "points" in overrides:  # lists from a learner -> the hashable tuples a frozen Preset holds
        overrides["points"] = tuple(tuple(float(v) for v in xy) for xy in np.asarray(overrides["points"], float))
    p = preset(p, **overrides) if isinstance(p, str) else (replace(p, **overrides) if overrides else p)
    data = dataset(p.dataset, seed=p.seed, points=p.points or None)
    g, d = build_gan(p.latent_dim, p.g_hidden, p.d_hidden, seed=p.seed, g_init_scale=p.g_init_scale)
    cfg = TrainConfig(batch_size=p.batch_size, k=p.k, lr_d=p.lr_d, lr_g=p.lr_g, loss=p.loss, seed=p.seed,
                      device=device, n_samples=n_samples)
    trainer = Trainer(g, d, data.data, cfg)
    trainer.dataset = data
    return trainer


def dataset_of(trainer: Trainer) -> Dataset2D | None:
    """The Dataset2D a trainer carries (``trainer.dataset``, set by :func:`make_trainer`); None for other trainers."""
    return getattr(trainer, "dataset", None)


def score(trainer: Trainer) -> ModeCoverage:
    """Mode coverage of the trainer's fixed-noise samples on its data set."""
    data = dataset_of(trainer)
    if data is None:
        raise ValueError(msg("toy_no_dataset"))
    return mode_coverage(trainer.samples(), data)


def run_preset(p: Preset | str, steps: int | None = None, device: str = "cpu",
               progress: bool | None = None) -> tuple[Trainer, ModeCoverage]:
    """Build a preset's trainer and train it for ``steps`` (default: ``preset.budget``).

    Returns (trainer, coverage of its fixed-noise samples). ``progress``: a bar over the steps (``ganedu.progress``:
    by default in a notebook or on a terminal; False: none).
    """
    p = preset(p) if isinstance(p, str) else p
    trainer = make_trainer(p, device=device)
    with one_thread():
        trainer.train(steps=steps or p.budget, progress=progress, desc=msg("progress_preset", name=p.name))
    return trainer, score(trainer)


def trace(trainer: Trainer, steps: int, every: int) -> dict[str, np.ndarray]:
    """Train ``steps`` steps and take a mode-coverage reading every ``every`` steps (a trainer from make_trainer).

    Returns arrays per reading: ``step``, ``modes_hit``, ``high_quality``, ``top_mode`` (the mode holding the most
    high-quality samples, -1 if none) and ``center`` ((R, 2) mean of the fakes): enough to see a collapsed
    generator hop from mode to mode.
    """
    rows = []
    with one_thread():
        for _ in range(max(1, steps // every)):
            trainer.train(steps=every)
            cov, fakes = score(trainer), trainer.samples()
            top = int(np.argmax(cov.per_mode)) if cov.per_mode.sum() else -1
            rows.append((trainer.step_count, cov.modes_hit, cov.high_quality, top, *fakes.mean(0).tolist()))
    arr = np.array(rows, dtype=float)
    return {"step": arr[:, 0].astype(int), "modes_hit": arr[:, 1].astype(int), "high_quality": arr[:, 2],
            "top_mode": arr[:, 3].astype(int), "center": arr[:, 4:6]}


# --- a 1D race between the two generator losses --------------------------------------------------------------------


def race_1d(loss: str = "nonsaturating", steps: int | None = None, g_optimizer: str = "sgd",
            lr_g: float | None = None, k: int = 5, lr_d: float = 5e-3, data_mean: float = 4.0,
            data_std: float = 0.5, g_init_std: float = 0.2, batch_size: int = 128, d_head_start: int = 200,
            seed: int = 0) -> dict[str, np.ndarray]:
    """Algorithm 1 in miniature on 1D data N(data_mean, data_std^2), to watch one generator loss work or stall.

    G(z) = a z + b (z ~ N(0, 1)) starts at a = ``g_init_std``, b = 0: a narrow clump 8 data-stds away from the data.
    D is a 2x32 MLP trained with Adam: ``d_head_start`` = 200 steps against the initial G before G moves, then
    ``k`` = 5 steps at ``lr_d`` = 5e-3 per G step. That is a strong discriminator, as early in real training.
    G's optimizer is a choice: plain "sgd" (lr 0.05) moves G by the raw gradient, so the size of the gradient
    is what you see; "adam" (lr 0.01) divides each gradient by its running size and hides small ones, until they
    fall below Adam's eps (1e-8). Written out here rather than with ``Trainer`` because the Trainer always uses
    Adam. Returns arrays over generator steps: ``step``, ``g_mean`` (b, the mean of G's samples), ``d_fake``
    (mean D(G(z))) and ``grad`` (|dL_G/db|).
    """
    if loss not in G_LOSSES:
        raise ValueError(msg("bad_loss", value=loss, choices=", ".join(G_LOSSES)))
    if g_optimizer not in ("sgd", "adam"):
        raise ValueError(msg("toy_bad_optimizer", value=g_optimizer))
    steps = quick(200, 50) if steps is None else steps
    gen = torch.Generator().manual_seed(seed)
    with seeded(seed):
        g = nn.Linear(1, 1)  # G(z) = a z + b
        d = MLPDiscriminator(in_shape=(1,), hidden=(32, 32))
    with torch.no_grad():
        g.weight.fill_(g_init_std)
        g.bias.zero_()
    opt_d = torch.optim.Adam(d.parameters(), lr=lr_d, betas=(0.5, 0.999))
    if g_optimizer == "sgd":
        opt_g = torch.optim.SGD(g.parameters(), lr=0.05 if lr_g is None else lr_g)
    else:
        opt_g = torch.optim.Adam(g.parameters(), lr=0.01 if lr_g is None else lr_g, betas=(0.5, 0.999))
    out = {key: np.zeros(steps) for key in ("step", "g_mean", "d_fake", "grad")}
    with one_thread():  # a tiny net: one CPU thread is faster
        for i in range(-1, steps):  # i = -1: the discriminator's head start
            for _ in range(d_head_start if i < 0 else k):
                real = data_mean + data_std * torch.randn(batch_size, 1, generator=gen)
                with torch.no_grad():
                    fake = g(torch.randn(batch_size, 1, generator=gen))
                d_loss = d_loss_bce(d(real), d(fake))
                opt_d.zero_grad(set_to_none=True)
                d_loss.backward()
                opt_d.step()
            if i < 0:
                continue
            fake_logits = d(g(torch.randn(batch_size, 1, generator=gen)))  # (B, 1)
            opt_g.zero_grad(set_to_none=True)
            G_LOSSES[loss](fake_logits).backward()  # D's weights get gradients too; D zeroes them before its step
            out["grad"][i] = g.bias.grad.abs().item()
            opt_g.step()
            out["step"][i], out["g_mean"][i] = i + 1, g.bias.item()
            out["d_fake"][i] = torch.sigmoid(fake_logits.detach()).mean().item()
    return out


def adam_step_ratio(optimizer: torch.optim.Adam) -> float:
    """Median over all weights of |Adam's last step| / lr: how much of its step size Adam really used.

    Adam moves a weight by lr * m_hat / (sqrt(v_hat) + eps), with m_hat, v_hat the bias-corrected running means
    of the gradient and of its square (Kingma & Ba 2015, Algorithm 1). A gradient of steady size gives a ratio
    near 1 whatever that size; a gradient that shrinks faster than v_hat forgets (about 1 / (1 - beta2) steps)
    gives a ratio far below 1. Read from the optimizer's state after at least one step; weights without
    state are skipped.
    """
    ratios = []
    for group in optimizer.param_groups:
        beta1, beta2 = group["betas"]
        for p in group["params"]:
            state = optimizer.state.get(p)
            if not state:
                continue
            n = float(state["step"])
            m_hat = state["exp_avg"] / (1 - beta1**n)
            v_hat = state["exp_avg_sq"] / (1 - beta2**n)
            ratios.append((m_hat.abs() / (v_hat.sqrt() + group["eps"])).flatten())
    if not ratios:
        raise ValueError(msg("toy_adam_no_state"))
    return float(torch.cat(ratios).median())
