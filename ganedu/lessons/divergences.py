"""Which distance does the generator minimise? Divergences, the Wasserstein distance and its critics (notebook 08).

The 1D tools (densities on a grid, KL, JSD, W1) live in ``ganedu.lessons.theory``; this module holds what the
divergences notebook adds on top of them, in the order of its sections:

1. :func:`fit_gaussian`: the single Gaussian closest to a density in forward KL(p || q) or reverse KL(q || p).
2. :func:`ns_gradient` and :func:`divergence_gradient`: the non-saturating generator's gradient at a fixed optimal
   D equals the gradient of KL(p_g || p_data) - 2 JSD(p_data || p_g) (Arjovsky & Bottou 2017, Theorem 2.5).
3. :func:`uniform_pdf`, :func:`gap_sweep`: JSD, KL and W1 of two shifted uniform densities.
4. :func:`train_critic`: a 1D critic kept 1-Lipschitz by clipping, a gradient penalty or spectral normalisation,
   against the Kantorovich-Rubinstein dual; :func:`optimal_critic` is the exact maximiser on the grid.
5. :func:`sliced_w1`, :func:`track`: GAN losses beside a sample-quality number along a run on the ring.
6. :func:`optimal_d_least_squares`, :func:`ls_generator_value`, :func:`triangular_discrimination`,
   :func:`best_response`, :func:`hinge_value`: what the LSGAN and hinge discriminators' optima are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from .. import config, losses, models
from ..messages import msg
from . import stabilise, theory

# --- 1 · forward and reverse KL ----------------------------------------------------------------------------------


def mean_std(p: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    """The mean and standard deviation of the density ``p`` on the grid ``x`` (normalised first)."""
    mass = theory.integrate(p, x)
    mean = theory.integrate(x * p, x) / mass
    return mean, float(np.sqrt(theory.integrate((x - mean) ** 2 * p, x) / mass))


@dataclass(frozen=True)
class GaussianFit:
    """The Gaussian N(mean, std^2) that minimised a divergence to a density, and the divergence it reached."""

    direction: str  # "forward": KL(p || q); "reverse": KL(q || p)
    mean: float
    std: float
    divergence: float  # the minimised KL in nats


DIRECTIONS = ("forward", "reverse")


def _kl_to(p: np.ndarray, x: np.ndarray, direction: str, mean: float, std: float) -> float:
    q = theory.gaussian_pdf(x, mean, std)
    return theory.kl(p, q, x) if direction == "forward" else theory.kl(q, p, x)


def fit_gaussian(p: np.ndarray, x: np.ndarray, direction: str = "reverse", rounds: int = 4,
                 points: int = 25) -> GaussianFit:
    """The Gaussian q minimising KL(p || q) (``"forward"``) or KL(q || p) (``"reverse"``), by grid search.

    Round 1 tries ``points`` means over the range where p has mass and ``points`` standard deviations from 1/50 to
    the full width of that range (log-spaced); each later round zooms in around the best pair, 4x finer. No
    gradient, no start point: the search sees every mode. The forward fit has a closed form to check it against
    (:func:`mean_std`, moment matching); the reverse one does not.
    """
    if direction not in DIRECTIONS:
        raise ValueError(msg("wd_bad_direction", value=direction, choices=", ".join(DIRECTIONS)))
    where = np.flatnonzero(p > 1e-4 * np.max(p))
    lo, hi = float(x[where[0]]), float(x[where[-1]])
    width = hi - lo
    means, log_stds = np.linspace(lo, hi, points), np.linspace(np.log(width / 50), np.log(width), points)
    best = (np.inf, 0.0, 0.0)
    for _ in range(rounds):
        for m in means:
            for ls in log_stds:
                d = _kl_to(p, x, direction, float(m), float(np.exp(ls)))
                if d < best[0]:
                    best = (d, float(m), float(ls))
        dm, ds = (means[1] - means[0]) * 2, (log_stds[1] - log_stds[0]) * 2  # zoom: +- 2 old steps, 4x finer
        means = np.linspace(best[1] - dm, best[1] + dm, points)
        log_stds = np.linspace(best[2] - ds, best[2] + ds, points)
    return GaussianFit(direction, best[1], float(np.exp(best[2])), best[0])


def mass_between(q: np.ndarray, x: np.ndarray, lo: float, hi: float) -> float:
    """The share of q's mass on [lo, hi] (trapezoid rule over the grid points inside)."""
    inside = (x >= lo) & (x <= hi)
    return theory.integrate(np.where(inside, q, 0.0), x) / theory.integrate(q, x)


# --- 2 · what the generator minimises at the optimal discriminator ------------------------------------------------

FD_STEP = 1e-4  # central-difference step in θ: error ~ h^2 times the third derivative, far below the tests' 1e-6


def ns_gradient(p_data: np.ndarray, family: Callable[[float], np.ndarray], theta0: float, x: np.ndarray,
                h: float = FD_STEP) -> float:
    """d/dθ E_{x~p_θ}[-log D*_θ0(x)] at θ = θ0, with D*_θ0 = p_data / (p_data + p_θ0) HELD FIXED.

    This is the gradient the non-saturating generator loss gives when D is optimal for the current generator:
    D does not move while G takes its step. ``family(θ)`` returns p_θ on ``x``. Central difference in θ.
    """
    d_star = np.clip(theory.optimal_discriminator(p_data, family(theta0)), 1e-300, 1.0)  # fixed at θ0
    minus_log_d = -np.log(d_star)

    def loss(theta: float) -> float:
        return theory.integrate(family(theta) * minus_log_d, x)

    return (loss(theta0 + h) - loss(theta0 - h)) / (2 * h)


def ns_divergence(p_data: np.ndarray, p_g: np.ndarray, x: np.ndarray) -> float:
    """KL(p_g || p_data) - 2 JSD(p_data || p_g): what the non-saturating loss follows (Arjovsky & Bottou 2017)."""
    return theory.kl(p_g, p_data, x) - 2.0 * theory.jsd(p_data, p_g, x)


def divergence_gradient(p_data: np.ndarray, family: Callable[[float], np.ndarray], theta0: float, x: np.ndarray,
                        h: float = FD_STEP) -> float:
    """d/dθ [KL(p_θ || p_data) - 2 JSD(p_data || p_θ)] at θ0: both divergences move with θ (central difference)."""
    return (ns_divergence(p_data, family(theta0 + h), x) - ns_divergence(p_data, family(theta0 - h), x)) / (2 * h)


# --- 3 · disjoint supports --------------------------------------------------------------------------------------


def uniform_pdf(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """The uniform density on [lo, hi), normalised on the grid so that it integrates to exactly 1 there."""
    inside = ((x >= lo) & (x < hi)).astype(float)
    mass = theory.integrate(inside, x)
    if not mass > 0:
        raise ValueError(msg("theory_no_mass"))
    return inside / mass


def gap_sweep(shifts: np.ndarray, x: np.ndarray, width: float = 1.0) -> dict[str, np.ndarray]:
    """JSD, KL and W1 between U[0, width) and the same density shifted by t, for every t in ``shifts``.

    Returns ``{"jsd": ..., "kl": ..., "w1": ...}`` (arrays like ``shifts``; KL is inf as soon as t > 0, because
    p then has mass where q has none). Closed forms: JSD = min(t / width, 1) log 2, W1 = t.
    """
    p = uniform_pdf(x, 0.0, width)
    out = {"jsd": [], "kl": [], "w1": []}
    for t in shifts:
        q = uniform_pdf(x, float(t), float(t) + width)
        out["jsd"].append(theory.jsd(p, q, x))
        out["kl"].append(theory.kl(p, q, x))
        out["w1"].append(theory.wasserstein_1(p, q, x))
    return {k: np.asarray(v) for k, v in out.items()}


# --- 4 · the Kantorovich-Rubinstein dual and three ways to a 1-Lipschitz critic ---------------------------------------

CLIP = 0.01  # weight clipping's c (Arjovsky, Chintala & Bottou 2017 used 0.01)
LIPSCHITZ = ("clip", "gp", "sn")  # weight clipping, gradient penalty (λ = losses.GP_WEIGHT), spectral normalisation


def optimal_critic(p: np.ndarray, q: np.ndarray, x: np.ndarray) -> np.ndarray:
    """A 1-Lipschitz f maximising E_p f - E_q f on the grid: f' = sign(F_q - F_p), f(x_0) = 0.

    Integrating by parts, E_p f - E_q f = -∫ f'(x) (F_p(x) - F_q(x)) dx, which is largest under |f'| ≤ 1 when f'
    has the opposite sign of F_p - F_q; it is then ∫ |F_p - F_q| dx = W1. Only its differences matter.
    """
    fp, fq = theory.cdf(p, x), theory.cdf(q, x)
    slope = np.sign(fq / fq[-1] - fp / fp[-1])
    return np.concatenate([[0.0], np.cumsum(np.diff(x) * (slope[1:] + slope[:-1]) / 2.0)])


@dataclass(frozen=True)
class Cloud:
    """Points in the plane: equal-weight Gaussian blobs of std ``std`` around ``centers``, moved by ``shift``.

    W1 between a cloud and the same cloud shifted by v is exactly |v|: moving every point by v costs |v|, and the
    1-Lipschitz f(x) = v·x / |v| gains |v|, so neither bound can be beaten.
    """

    centers: tuple[tuple[float, float], ...] = ((-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0))
    std: float = 0.3  # of every blob, in both coordinates
    shift: tuple[float, float] = (0.0, 0.0)  # added to every point

    def sample(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """n points as a float32 tensor (n, 2)."""
        c = torch.as_tensor(self.centers, dtype=torch.float32)  # (M, 2)
        idx = torch.randint(len(c), (n,), generator=generator)
        noise = torch.randn(n, 2, generator=generator) * self.std
        return c[idx] + noise + torch.as_tensor(self.shift, dtype=torch.float32)


@dataclass
class CriticFit:
    """A critic trained to maximise E_p f - E_q f under one Lipschitz method, and what was measured on it."""

    method: str  # "clip", "gp" or "sn"
    net: nn.Module  # (B, 1) -> scores (B, 1), in eval mode
    estimate: float  # E_p f - E_q f on fresh samples (n_eval of each): the critic's estimate of W1
    grad_mean: float  # mean |f'(x)| over those samples
    grad_max: float  # largest |f'(x)| over them
    grad_interp_mean: float  # mean |f'| on interpolates between them (where the gradient penalty acts)


def _abs_grad(net: nn.Module, x: Tensor) -> Tensor:
    """||∇f(x)|| per sample, shape (B,)."""
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(net(x).sum(), x)
    return g.flatten(1).norm(dim=1)


def train_critic(p: theory.Mixture | Cloud, q: theory.Mixture | Cloud, method: str = "gp", steps: int | None = None,
                 batch: int = 256, lr: float = 1e-3, hidden: tuple[int, ...] = (64, 64), clip: float = CLIP,
                 seed: int = 0, n_eval: int = 20_000) -> CriticFit:
    """Train an MLP critic f on samples of p and q (each with ``.sample(n, generator)`` -> (n, d)) by descending
    ``losses.d_loss_wasserstein`` = E_q f - E_p f.

    ``method`` keeps f (close to) 1-Lipschitz: "clip" clamps every weight to [-clip, clip] after each step,
    "gp" adds ``losses.gradient_penalty`` (λ = 10), "sn" spectrally normalises every layer
    (``models.spectral_normalize``). Same net, seed, batches and Adam (lr, β = (0, 0.9) as in WGAN-GP) for all
    three; 400 steps (150 in quick mode). The critic is measured on fresh samples it never trained on.

    In 1D the gradient penalty can trap the critic: turning a slope of -1 into +1 means passing through slope 0,
    which the penalty charges λ for, so a critic that starts sloping the wrong way stays there. In 2D or more the
    gradient can turn round without shrinking; the notebook uses 2D clouds (:class:`Cloud`).
    """
    if method not in LIPSCHITZ:
        raise ValueError(msg("wd_bad_method", value=method, choices=", ".join(LIPSCHITZ)))
    steps = config.quick(400, 150) if steps is None else steps
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(msg("bad_steps", name="steps", value=steps))
    gen = torch.Generator().manual_seed(seed)
    dim = p.sample(1, torch.Generator().manual_seed(0)).shape[1]
    with config.seeded(seed), config.one_thread():  # weights and the penalty's ε from the seed; a tiny net
        net = models.MLPDiscriminator(in_shape=(dim,), hidden=hidden)
        if method == "sn":
            models.spectral_normalize(net)
        opt = torch.optim.Adam(net.parameters(), lr=lr, betas=(0.0, 0.9))
        for _ in range(steps):
            real, fake = p.sample(batch, gen), q.sample(batch, gen)  # (B, 1) each
            f_real, f_fake = net(real), net(fake)
            loss = losses.d_loss_wasserstein(f_real, f_fake)
            if method == "gp":
                loss = loss + losses.gradient_penalty(net, real, fake)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if method == "clip":
                with torch.no_grad():
                    for w in net.parameters():
                        w.clamp_(-clip, clip)
        net.eval()
        real, fake = p.sample(n_eval, gen), q.sample(n_eval, gen)
        with torch.no_grad():
            estimate = float(net(real).mean() - net(fake).mean())
        grads = torch.cat([_abs_grad(net, real), _abs_grad(net, fake)])
        interp = _abs_grad(net, losses.interpolates(real, fake))
    return CriticFit(method, net, estimate, float(grads.mean()), float(grads.max()), float(interp.mean()))


# --- 5 · losses beside sample quality along a run ------------------------------------------------------------------

SLICES = 64  # random directions of the sliced W1


def sliced_w1(a: Tensor | np.ndarray, b: Tensor | np.ndarray, slices: int = SLICES, seed: int = 0) -> float:
    """Sliced Wasserstein-1 of two 2D (or nD) samples: the mean over ``slices`` random unit directions θ of
    W1(θ·a, θ·b), each an exact 1D W1 (``theory.wasserstein_1_samples``). 0 for equal samples; the directions are
    fixed by ``seed``, so two calls compare the same slices. It uses no network, so no critic can bias it."""
    a = np.asarray(a.detach().cpu() if isinstance(a, Tensor) else a, dtype=float)
    b = np.asarray(b.detach().cpu() if isinstance(b, Tensor) else b, dtype=float)
    theta = np.random.default_rng(seed).normal(size=(slices, a.shape[1]))
    theta /= np.linalg.norm(theta, axis=1, keepdims=True)
    return float(np.mean([theory.wasserstein_1_samples(a @ t, b @ t) for t in theta]))


#: The runs of sections 5 and 6 on the ring: each is a ``stabilise.Recipe`` (a D loss, a G loss, a penalty, k), so
#: the same Trainer runs them all. Equal learning rates for G and D (the healthy setting of notebook 09's table),
#: except WGAN-GP: with lr_G = lr_D = 1e-3 its critic fell behind the generator in our runs and its samples
#: wandered, so its G steps are 10x smaller (the critic must stay near its optimum to estimate W1).
RECIPES: dict[str, stabilise.Recipe] = {r.name: r for r in (
    stabilise.Recipe("GAN", lr_g=1.0, source="Goodfellow et al. 2014, non-saturating loss"),
    stabilise.recipe("WGAN-GP", lr_g=0.1),
    stabilise.Recipe("LSGAN", loss="least_squares", d_loss="least_squares", lr_g=1.0, source="Mao et al. 2017"),
    stabilise.Recipe("hinge", loss="wasserstein", d_loss="hinge", lr_g=1.0,
                     source="Lim & Ye 2017; Miyato et al. 2018"),
)}


TRACK_STEPS, TRACK_EVERY = 450, 30  # the same in quick mode: the notebook's claims are about this very run


@dataclass
class Tracked:
    """One run measured along the way: the D loss the trainer logged and a sample-quality number at each point."""

    recipe: str
    steps: list  # generator steps at each measurement
    d_loss: list  # mean of the logged D loss (with its penalty) over the steps since the previous measurement
    gap: list  # E_data[D score] - E_fake[D score] on fixed samples at each measurement (no penalty): W1's estimate
    quality: list  # sliced W1 between generated samples and the real data (lower is better)
    modes: list  # ring modes hit (ganedu.toy.mode_coverage)
    samples: np.ndarray  # the last generated samples, (n, 2)


def track(name: str | stabilise.Recipe, steps: int | None = None, every: int | None = None, seed: int = 0,
          n_eval: int = 1000) -> Tracked:
    """Train one of :data:`RECIPES` on the ring (``stabilise.build_trainer``) and measure it every ``every`` steps.

    Default: 450 steps measured every 30, in quick mode too (a few seconds for the GAN, ~8 s for WGAN-GP on an idle
    CPU core). The quality number is :func:`sliced_w1` between
    ``n_eval`` samples from fixed noise and the ring's data set.
    """
    from . import toy

    r = RECIPES[name] if isinstance(name, str) and name in RECIPES else stabilise.recipe(name)
    steps = TRACK_STEPS if steps is None else steps
    every = TRACK_EVERY if every is None else every
    for label, value in (("steps", steps), ("every", every)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(msg("bad_steps", name=label, value=value))
    out = Tracked(r.name, [], [], [], [], [], np.zeros((0, 2)))
    with config.one_thread(), config.seeded(seed):
        trainer, ring = stabilise.build_trainer(r, "ring", seed=seed)
        while trainer.step_count < steps and trainer.status is None:
            before = len(trainer.history)
            trainer.train(steps=min(every, steps - trainer.step_count))
            rows = trainer.history.rows[before:]
            fake = models.sample(trainer.G, n_eval)  # the same fixed noise at every measurement
            out.steps.append(trainer.step_count)
            out.d_loss.append(float(np.mean([row["d_loss"] for row in rows])))
            with torch.no_grad(), models.evaluating(trainer.D):
                real = ring.data[:n_eval].to(fake)  # the same real points at every measurement
                out.gap.append(float(trainer.D(real).mean() - trainer.D(fake).mean()))
            out.quality.append(sliced_w1(fake, ring.data))
            out.modes.append(toy.mode_coverage(fake, ring).modes_hit)
            out.samples = fake.numpy()
    return out


def correlation(a: list | np.ndarray, b: list | np.ndarray) -> float:
    """Pearson's correlation coefficient of two equally long series (0 when either is constant)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    a, b = a - a.mean(), b - b.mean()
    denom = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / denom) if denom > 0 else 0.0


# --- 6 · least squares and hinge: the optimal discriminators and what G then minimises -----------------------------

LS_COURSE = (0.0, 1.0, 1.0)  # (a, b, c) of losses.d_loss_least_squares / g_loss_least_squares: fake 0, real 1, G 1
LS_CHI2 = (-1.0, 1.0, 0.0)  # Mao et al. (2017)'s choice with b - c = 1 and b - a = 2: the Pearson χ² case


def optimal_d_least_squares(p_data: np.ndarray, p_g: np.ndarray, a: float = 0.0, b: float = 1.0) -> np.ndarray:
    """D*(x) = (b p_data(x) + a p_g(x)) / (p_data(x) + p_g(x)): the minimiser of
    ½ E_data[(D - b)²] + ½ E_g[(D - a)²] at every x (Mao et al. 2017, Proposition 1); (a + b)/2 where both are 0."""
    p, q = np.asarray(p_data, float), np.asarray(p_g, float)
    total = p + q
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (b * p + a * q) / np.where(total > 0, total, 1.0), (a + b) / 2)


def ls_generator_value(p_data: np.ndarray, p_g: np.ndarray, x: np.ndarray,
                       abc: tuple[float, float, float] = LS_COURSE) -> float:
    """C(G) = ½ E_data[(D*(x) - c)²] + ½ E_g[(D*(x) - c)²] with the optimal least-squares D* for targets (a, b)."""
    a, b, c = abc
    d = optimal_d_least_squares(p_data, p_g, a, b)
    return 0.5 * theory.integrate(p_data * (d - c) ** 2 + p_g * (d - c) ** 2, x)


def triangular_discrimination(p: np.ndarray, q: np.ndarray, x: np.ndarray) -> float:
    """Δ(p, q) = ∫ (p - q)² / (p + q) dx (0 where both vanish); 0 ≤ Δ ≤ 2, and Δ = 0 only for p = q.

    Mao et al. (2017) write the same integral for (a, b, c) = (-1, 1, 0) as χ²_Pearson(p_data + p_g || 2 p_g)
    = ∫ (2 p_g - (p_data + p_g))² / (p_data + p_g) dx, since 2 p_g - (p_data + p_g) = p_g - p_data.
    """
    p, q = np.asarray(p, float), np.asarray(q, float)
    total = p + q
    with np.errstate(invalid="ignore", divide="ignore"):
        return theory.integrate(np.where(total > 0, (p - q) ** 2 / np.where(total > 0, total, 1.0), 0.0), x)


def optimal_d_hinge(p_data: np.ndarray, p_g: np.ndarray) -> np.ndarray:
    """f*(x) = sign(p_data(x) - p_g(x)): +1 where data is denser, -1 where fakes are (0 on ties, where any
    f in [-1, 1] is optimal)."""
    return np.sign(np.asarray(p_data, float) - np.asarray(p_g, float))


def hinge_value(f: np.ndarray, p_data: np.ndarray, p_g: np.ndarray, x: np.ndarray) -> float:
    """The hinge D loss in expectation: ∫ p_data max(0, 1 - f) + p_g max(0, 1 + f) dx (``losses.d_loss_hinge``).

    At f* it is ∫ 2 min(p_data, p_g) dx = 2 - 2 TV(p_data, p_g), TV = ½ ∫ |p_data - p_g| dx.
    """
    f = np.asarray(f, float)
    return theory.integrate(p_data * np.maximum(0.0, 1.0 - f) + p_g * np.maximum(0.0, 1.0 + f), x)


def total_variation(p: np.ndarray, q: np.ndarray, x: np.ndarray) -> float:
    """TV(p, q) = ½ ∫ |p - q| dx, between 0 and 1."""
    return 0.5 * theory.integrate(np.abs(np.asarray(p, float) - np.asarray(q, float)), x)


def best_response(d_loss: Callable[[Tensor, Tensor], Tensor], p_data: np.ndarray, p_g: np.ndarray,
                  levels: np.ndarray | None = None) -> np.ndarray:
    """The score f minimising p_data(x) ℓ_real(f) + p_g(x) ℓ_fake(f) at every x, by brute force over ``levels``.

    ℓ_real and ℓ_fake are read off the course's own ``d_loss(real_logits, fake_logits)`` one score at a time, so
    this checks the implementation, target convention included. Default levels: 4001 values on [-2, 2].
    """
    f = torch.as_tensor(np.linspace(-2.0, 2.0, 4001) if levels is None else levels, dtype=torch.float64)
    zero = torch.zeros(1, 1, dtype=torch.float64)
    real = torch.stack([d_loss(v.view(1, 1), zero) for v in f]) - d_loss(zero, zero)  # ℓ_real(f) - ℓ_real(0)
    fake = torch.stack([d_loss(zero, v.view(1, 1)) for v in f]) - d_loss(zero, zero)  # ℓ_fake(f) - ℓ_fake(0)
    p = torch.as_tensor(np.asarray(p_data, float))[:, None]  # (N, 1) against (L,)
    q = torch.as_tensor(np.asarray(p_g, float))[:, None]
    return f[torch.argmin(p * real + q * fake, dim=1)].numpy()
