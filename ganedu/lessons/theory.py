"""The minimax game on 1D densities: the optimal discriminator, the value V(D, G), KL and Jensen-Shannon.

Everything here works on density values sampled on a grid ``x`` (NumPy arrays) and integrates with the
trapezoid rule, so each identity of Goodfellow et al. (2014, Section 4) can be checked to many digits:

* D*(x) = p_data(x) / (p_data(x) + p_g(x))                              (Proposition 1)
* V(D*, G) = -log 4 + 2 JSD(p_data || p_g)                               (Theorem 1)
* at p_g = p_data: D* = 1/2 everywhere and V = -log 4

and the Wasserstein-1 distance of notebook 08 (divergences), from densities on the grid or from samples.

Logs are natural, so KL and JSD are in nats and 0 <= JSD <= log 2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from ..config import one_thread, quick, seeded
from ..losses import d_loss_bce
from ..messages import msg
from ..models import MLPDiscriminator

ArrayLike = np.ndarray | float
LOG4 = float(np.log(4.0))  # -V at the global optimum; also the BCE loss of a D that always says 1/2


# --- densities ---------------------------------------------------------------------------------------------


def gaussian_pdf(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    """N(x; mean, std^2) = exp(-(x - mean)^2 / (2 std^2)) / (std sqrt(2 pi))."""
    if not std > 0:
        raise ValueError(msg("theory_bad_std", value=std))
    x = np.asarray(x, dtype=float)
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2.0 * np.pi))


@dataclass(frozen=True)
class Mixture:
    """A 1D mixture of Gaussians sum_i w_i N(mean_i, std_i^2); one component is a plain Gaussian."""

    means: tuple[float, ...] = (0.0,)  # centre of each component
    stds: tuple[float, ...] = (1.0,)  # width of each component, > 0
    weights: tuple[float, ...] | None = None  # mixing weights, normalised here; None = equal weights

    def __post_init__(self) -> None:
        if len(self.means) != len(self.stds) or (self.weights is not None and len(self.weights) != len(self.means)):
            raise ValueError(msg("theory_bad_mixture", means=len(self.means), stds=len(self.stds)))
        if any(not s > 0 for s in self.stds):
            raise ValueError(msg("theory_bad_std", value=self.stds))

    @property
    def w(self) -> np.ndarray:
        """Normalised weights, shape (components,)."""
        w = np.ones(len(self.means)) if self.weights is None else np.asarray(self.weights, dtype=float)
        return w / w.sum()

    def pdf(self, x: np.ndarray) -> np.ndarray:
        """Density values on ``x`` (same shape as x)."""
        return sum(wi * gaussian_pdf(x, m, s) for wi, m, s in zip(self.w, self.means, self.stds, strict=True))

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """n samples as a float32 tensor of shape (n, 1): pick a component by weight, then add its noise."""
        idx = torch.multinomial(torch.as_tensor(self.w), n, replacement=True, generator=generator)
        means = torch.as_tensor(self.means, dtype=torch.float32)[idx]
        stds = torch.as_tensor(self.stds, dtype=torch.float32)[idx]
        return (means + stds * torch.randn(n, generator=generator)).unsqueeze(1)


def gaussian(mean: float = 0.0, std: float = 1.0) -> Mixture:
    """A single Gaussian N(mean, std^2) as a one-component :class:`Mixture`."""
    return Mixture(means=(float(mean),), stds=(float(std),))


def grid(lo: float = -10.0, hi: float = 10.0, n: int = 8001) -> np.ndarray:
    """Evenly spaced points for the integrals (default spacing 0.0025 on [-10, 10]).

    Every identity here assumes each density integrates to 1 on the grid: keep the ends many standard
    deviations beyond every component, or the cut-off tails show up as errors in the 6th digit or worse.
    """
    return np.linspace(lo, hi, n)


# --- the game ------------------------------------------------------------------------------------------------


def optimal_discriminator(p_data: ArrayLike, p_g: ArrayLike) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)), elementwise.

    Where both densities are 0 (no real and no fake sample can land there) the value does not enter V;
    we return 1/2 there, the answer of a discriminator with no evidence either way.
    """
    p, q = np.asarray(p_data, dtype=float), np.asarray(p_g, dtype=float)
    if np.any(p < 0) or np.any(q < 0):
        raise ValueError(msg("theory_negative_density"))
    total = p + q
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, p / np.where(total > 0, total, 1.0), 0.5)


def _xlogy(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """p * log(y) with the convention 0 * log(anything) = 0 (a region without mass costs nothing)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p > 0, p * np.log(np.where(p > 0, y, 1.0)), 0.0)


def _on_grid(d: np.ndarray | Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    values = np.asarray(d(x) if callable(d) else d, dtype=float)
    if values.shape != np.shape(x):
        raise ValueError(msg("theory_shape", what="D", got=values.shape, want=np.shape(x)))
    return values


def integrate(y: np.ndarray, x: np.ndarray) -> float:
    """Trapezoid rule: sum_i (x_{i+1} - x_i) (y_i + y_{i+1}) / 2."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size < 2 or np.any(np.diff(x) <= 0):
        raise ValueError(msg("theory_bad_grid"))
    y = np.asarray(y, dtype=float)
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2.0))


_D_MIN, _D_MAX = 1e-300, 1.0 - 1e-16  # rounding in the far tails can make D* exactly 0 or 1; keep logs finite


def value(
    d: np.ndarray | Callable[[np.ndarray], np.ndarray], p_data: np.ndarray, p_g: np.ndarray, x: np.ndarray
) -> float:
    """V(D, G) = integral p_data(x) log D(x) dx + integral p_g(x) log(1 - D(x)) dx.

    This is E_{x~p_data}[log D(x)] + E_{z~p_z}[log(1 - D(G(z)))] written over x, since G(z) ~ p_g.
    ``d`` holds D's values on ``x`` (or is a callable x -> D(x)); 0 log 0 counts as 0. D is clipped to
    [1e-300, 1 - 1e-16] first: p/(p+q) rounds to exactly 0 or 1 where one density is 1e-16 times the other,
    and the clip keeps that rounding from turning V into -inf while changing V by less than 1e-13.
    """
    dv = np.clip(_on_grid(d, x), _D_MIN, _D_MAX)
    return integrate(_xlogy(np.asarray(p_data, float), dv) + _xlogy(np.asarray(p_g, float), 1.0 - dv), x)


def kl(p: np.ndarray, q: np.ndarray, x: np.ndarray) -> float:
    """KL(p || q) = integral p(x) log(p(x) / q(x)) dx in nats (inf if p has mass where q has none)."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    if np.any((p > 0) & (q <= 0)):
        return float("inf")
    return integrate(_xlogy(p, p) - _xlogy(p, q), x)


def jsd(p: np.ndarray, q: np.ndarray, x: np.ndarray) -> float:
    """JSD(p || q) = KL(p || m)/2 + KL(q || m)/2 with m = (p + q)/2, in nats; 0 <= JSD <= log 2."""
    m = (np.asarray(p, float) + np.asarray(q, float)) / 2.0
    return 0.5 * kl(p, m, x) + 0.5 * kl(q, m, x)


def kl_gaussians(mean_p: float, std_p: float, mean_q: float, std_q: float) -> float:
    """KL(N(m_p, s_p^2) || N(m_q, s_q^2)) in closed form: log(s_q/s_p) + (s_p^2 + (m_p - m_q)^2)/(2 s_q^2) - 1/2."""
    return float(np.log(std_q / std_p) + (std_p**2 + (mean_p - mean_q) ** 2) / (2.0 * std_q**2) - 0.5)


def d_loss_at(d: np.ndarray | Callable[[np.ndarray], np.ndarray], p_data: np.ndarray, p_g: np.ndarray,
              x: np.ndarray) -> float:
    """The discriminator's BCE loss in expectation, L_D = -V(D, G) (what ``losses.d_loss_bce`` estimates)."""
    return -value(d, p_data, p_g, x)


# --- the Wasserstein-1 distance (notebook 08 · divergences) ------------------------------------------------------


def cdf(p: np.ndarray, x: np.ndarray) -> np.ndarray:
    """F(x_i) = integral_{x_0}^{x_i} p dx by the cumulative trapezoid rule, shape of x; F(x_0) = 0."""
    x, p = np.asarray(x, dtype=float), np.asarray(p, dtype=float)
    integrate(p, x)  # validates the grid
    return np.concatenate([[0.0], np.cumsum(np.diff(x) * (p[1:] + p[:-1]) / 2.0)])


def wasserstein_1(p: np.ndarray, q: np.ndarray, x: np.ndarray) -> float:
    """W1(p, q) = integral |F_p(x) - F_q(x)| dx for 1D densities on the grid ``x`` (the same units as x).

    In one dimension the cheapest way to move p's mass onto q's keeps the order of the points, and the mass that
    crosses a point x is |F_p(x) - F_q(x)|; integrating over x gives the total distance travelled. Densities need
    not be normalised exactly: both CDFs are divided by their total mass first.
    """
    fp, fq = cdf(p, x), cdf(q, x)
    if not (fp[-1] > 0 and fq[-1] > 0):
        raise ValueError(msg("theory_no_mass"))
    return integrate(np.abs(fp / fp[-1] - fq / fq[-1]), x)


def quantile(p: np.ndarray, x: np.ndarray, u: np.ndarray) -> np.ndarray:
    """F^{-1}(u) for the density ``p`` on the grid ``x``: the inverse CDF, interpolated linearly (u in [0, 1])."""
    f = cdf(p, x)
    f = f / f[-1]
    keep = np.concatenate([[True], np.diff(f) > 0])  # a flat CDF (no mass) has no unique inverse: keep rises only
    return np.interp(np.asarray(u, dtype=float), f[keep], np.asarray(x, dtype=float)[keep])


def wasserstein_1_samples(a: np.ndarray | torch.Tensor, b: np.ndarray | torch.Tensor) -> float:
    """W1 between the empirical distributions of two 1D samples: integral_0^1 |Q_a(u) - Q_b(u)| du.

    Q_a is the step quantile function of ``a`` (Q_a(u) = the ceil(u n)-th smallest of the n points). For equal
    sizes this is the mean of |sorted a - sorted b| (the i-th smallest point moves to the i-th smallest); for
    unequal sizes n and m the steps change at every k/n and k/m, so the integral is exact over those intervals.
    """
    a = np.sort(np.asarray(a, dtype=float).ravel())
    b = np.sort(np.asarray(b, dtype=float).ravel())
    if a.size == 0 or b.size == 0:
        raise ValueError(msg("theory_empty_sample"))
    if a.size == b.size:
        return float(np.mean(np.abs(a - b)))
    u = np.union1d(np.arange(a.size + 1) / a.size, np.arange(b.size + 1) / b.size)  # every step of either
    mid = (u[1:] + u[:-1]) / 2.0  # Q is constant on each interval: evaluate it in the middle
    qa = a[np.minimum((mid * a.size).astype(int), a.size - 1)]
    qb = b[np.minimum((mid * b.size).astype(int), b.size - 1)]
    return float(np.sum(np.diff(u) * np.abs(qa - qb)))


# --- best responses, right and wrong ---------------------------------------------------------------------------

#: Per-point integrands f(p, q, D) whose integral over x is an objective for D.
INTEGRANDS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]] = {
    # the GAN value: p log D + q log(1 - D)
    "gan": lambda p, q, d: _xlogy(p, d) + _xlogy(q, 1.0 - d),
    # a common mis-statement with the log dropped from the fake term: p log D + q (1 - D)
    "no_log": lambda p, q, d: _xlogy(p, d) + q * (1.0 - d),
}


def best_response(p_data: np.ndarray, p_g: np.ndarray, objective: str = "gan", levels: int = 2001) -> np.ndarray:
    """The D that maximizes ``INTEGRANDS[objective]`` at every x, by brute force over ``levels`` values in (0, 1].

    A check that needs no calculus: for "gan" it lands on D* = p/(p+q) (to the level spacing); for "no_log"
    it lands on min(1, p/q), which is not D*.
    """
    if objective not in INTEGRANDS:
        raise ValueError(msg("theory_bad_objective", value=objective, choices=", ".join(INTEGRANDS)))
    d = np.linspace(0.0, 1.0, levels)[1:]  # (L,); D = 0 would give log 0 on real mass
    p, q = np.asarray(p_data, float)[..., None], np.asarray(p_g, float)[..., None]  # (N, 1) against (L,)
    scores = INTEGRANDS[objective](p, q, d)  # (N, L)
    return d[np.argmax(scores, axis=-1)]


# --- a discriminator trained by gradient ascent ------------------------------------------------------------------


@dataclass
class TrainedDiscriminator:
    """A small MLP D trained on samples of two 1D densities; call it on a grid to get D(x) = sigmoid(logit)."""

    net: torch.nn.Module  # (B, 1) -> logits (B, 1)
    losses: list[float]  # minibatch L_D = -V estimate after each step

    def __call__(self, x: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            t = torch.as_tensor(np.asarray(x, dtype=np.float32)).reshape(-1, 1)
            return torch.sigmoid(self.net(t)).reshape(np.shape(x)).double().numpy()


def train_discriminator(
    p_data: Mixture,
    p_g: Mixture,
    steps: int | None = None,
    batch: int = 256,
    lr: float = 3e-3,
    hidden: tuple[int, ...] = (64, 64),
    seed: int = 0,
) -> TrainedDiscriminator:
    """Fit D by gradient ascent on a minibatch estimate of V(D, G), with G held fixed.

    Ascending V is descending L_D = -V (``losses.d_loss_bce``). Defaults: Adam at lr 3e-3 on a 2x64 MLP; 600
    steps of 256 + 256 samples (1-2 s on a laptop CPU; 200 in quick mode) bring D within about 0.05 of D*
    wherever either density has mass (larger steps leave more minibatch noise in D).
    """
    steps = quick(600, 200) if steps is None else steps
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(msg("bad_steps", name="steps", value=steps))
    gen = torch.Generator().manual_seed(seed)
    with seeded(seed):  # seed the initial weights without touching the global RNG
        net = MLPDiscriminator(in_shape=(1,), hidden=hidden)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    losses = []
    with one_thread():  # a tiny net: one CPU thread is faster
        for _ in range(steps):
            real, fake = p_data.sample(batch, gen), p_g.sample(batch, gen)  # (B, 1) each
            loss = d_loss_bce(net(real), net(fake))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return TrainedDiscriminator(net.eval(), losses)
