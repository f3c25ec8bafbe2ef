"""GAN losses as pure functions of discriminator *logits* (the score before the sigmoid).

D(x) = sigmoid(logit). Working with logits keeps every log finite: log D = -softplus(-logit) and
log(1 - D) = -softplus(logit). Each docstring states the equation that ``tests/test_losses.py`` checks.
All losses return a scalar that the player in question *minimizes*.

The module goes: the losses of the original GAN (Goodfellow et al. 2014), the alternatives notebook 09 compares
(label smoothing, Wasserstein, hinge, least squares), the gradient penalties, and last the registries by name.
Everything is capture-safe (no ``.item()``, no host sync, no data-dependent Python branch), so the fast trainer
can record it in a CUDA graph.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor

from .messages import msg

SMOOTH_REAL = 0.9  # one-sided label smoothing: the real target 1 becomes 0.9 (Salimans et al. 2016, Section 3.4)
GP_WEIGHT = 10.0  # lambda of WGAN-GP: Gulrajani et al. (2017) used 10 in every experiment
R1_GAMMA = 10.0  # γ of R1 (Mescheder et al. 2018); 10 is a common choice for image GANs; notebook 09 measures it
_NORM_EPS = 1e-12  # ||g|| = sqrt(sum g^2 + eps): sqrt has an infinite slope at 0, and a zero gradient is possible


# --- the original GAN's losses (notebooks 01-02) ----------------------------------------------------------------


def d_loss_bce(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    """Discriminator loss: L_D = -E_x[log D(x)] - E_z[log(1 - D(G(z)))].

    Minimizing L_D is maximizing the value V(D, G) over D (Goodfellow et al. 2014, Eq. 1).
    """
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def g_loss_minimax(fake_logits: Tensor) -> Tensor:
    """Saturating (minimax) generator loss: L_G = E_z[log(1 - D(G(z)))], minimized by G.

    Its gradient with respect to the logit is -D(G(z)): it vanishes when D confidently rejects fakes,
    which is exactly early in training.
    """
    return -F.softplus(fake_logits).mean()


def g_loss_nonsaturating(fake_logits: Tensor) -> Tensor:
    """Non-saturating generator loss: L_G = -E_z[log D(G(z))], minimized by G.

    Same fixed point as the minimax loss, but its logit gradient is D(G(z)) - 1, large when D rejects fakes.
    """
    return F.softplus(-fake_logits).mean()


def d_of(logits: Tensor) -> Tensor:
    """Mean discriminator probability E[D] = E[sigmoid(logit)] — what the history's d_real/d_fake record."""
    return torch.sigmoid(logits).mean()


# --- alternative losses: label smoothing, Wasserstein, hinge, least squares (notebooks 08, 09)---------------------


def d_loss_smoothed(real_logits: Tensor, fake_logits: Tensor, real_target: float = SMOOTH_REAL) -> Tensor:
    """One-sided label smoothing (Salimans et al. 2016): real digits get the target a = 0.9 instead of 1, fakes keep 0.

    L_D = -E_x[a log D(x) + (1 - a) log(1 - D(x))] - E_z[log(1 - D(G(z)))],   a = ``real_target``.

    The minimizing D outputs a on data it is sure about instead of 1, so its logits stay finite and G's gradient
    does not vanish where D is confident. One-sided: smoothing the fake target too would move the optimum of D
    towards the fakes (Salimans et al. explain why). a = 1 gives :func:`d_loss_bce`.
    """
    real = real_target * F.softplus(-real_logits) + (1.0 - real_target) * F.softplus(real_logits)
    return real.mean() + F.softplus(fake_logits).mean()


def optimal_d_smoothed(p_data: Tensor, p_g: Tensor, real_target: float = SMOOTH_REAL) -> Tensor:
    """The discriminator that minimizes :func:`d_loss_smoothed` for densities ``p_data`` and ``p_g``, elementwise:

    D*(x) = a p_data(x) / (p_data(x) + p_g(x)),   a = ``real_target``

    (Goodfellow 2016, NIPS tutorial, Section 4.2). Pointwise, L_D weighs the real term by p_data and the fake term
    by p_g; its logit derivative p_data (D - a) + p_g D vanishes there. So D* = a where only data lies, a/2 where
    both densities are equal, 0 where only fakes lie; a = 1 gives Goodfellow et al.'s D* = p_data / (p_data + p_g).
    Where both densities are 0 the value does not enter L_D; we return a/2 there.
    """
    p, q = torch.as_tensor(p_data, dtype=torch.float64), torch.as_tensor(p_g, dtype=torch.float64)
    if bool((p < 0).any()) or bool((q < 0).any()):
        raise ValueError(msg("loss_negative_density"))
    total = p + q
    return torch.where(total > 0, real_target * p / torch.where(total > 0, total, 1.0), real_target / 2)


def d_loss_wasserstein(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    """Wasserstein critic loss (Arjovsky et al. 2017): L_D = E_z[f(G(z))] - E_x[f(x)].

    f is the critic's raw score (the "logit"; no sigmoid). Minimizing L_D maximizes E_x[f(x)] - E_z[f(G(z))],
    which estimates the Wasserstein-1 distance only while f is 1-Lipschitz: add :func:`gradient_penalty`
    (WGAN-GP) or spectral normalisation, otherwise the critic's scores grow without bound.
    """
    return fake_logits.mean() - real_logits.mean()


def g_loss_wasserstein(fake_logits: Tensor) -> Tensor:
    """Wasserstein generator loss: L_G = -E_z[f(G(z))], minimized by G (push the critic's score of fakes up).

    The same generator loss serves the hinge critic (:func:`d_loss_hinge`); its gradient per score is the
    constant -1/B, so it never saturates.
    """
    return -fake_logits.mean()


def d_loss_hinge(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    """Hinge discriminator loss (Lim & Ye 2017; used by SN-GAN, Miyato et al. 2018):

    L_D = E_x[max(0, 1 - f(x))] + E_z[max(0, 1 + f(G(z)))].

    Scores beyond the margin (f(x) > 1 on data, f < -1 on fakes) cost nothing, so D stops pushing them further.
    """
    return F.relu(1.0 - real_logits).mean() + F.relu(1.0 + fake_logits).mean()


def d_loss_least_squares(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    """Least-squares discriminator loss (LSGAN, Mao et al. 2017): L_D = ½E_x[(f(x) - 1)²] + ½E_z[f(G(z))²]."""
    return 0.5 * (real_logits - 1.0).square().mean() + 0.5 * fake_logits.square().mean()


def g_loss_least_squares(fake_logits: Tensor) -> Tensor:
    """Least-squares generator loss (LSGAN, Mao et al. 2017): L_G = ½E_z[(f(G(z)) - 1)²], minimized by G."""
    return 0.5 * (fake_logits - 1.0).square().mean()


# --- gradient penalties (notebooks 08, 09)-------------------------------------------------------------------------
# A penalty has the Trainer's signature fn(critic, real, fake) -> scalar, where critic(x) -> logits (B, 1); choose
# its weight with functools.partial(gradient_penalty, weight=...).


def _grad_sq(critic: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """||∇_x f(x)||² per sample, shape (B,), summed over all non-batch dims; kept in the graph (create_graph) so
    the penalty itself can be differentiated with respect to the critic's weights."""
    x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)  # sum: row i's score depends on x_i only
    return grad.flatten(1).square().sum(dim=1)


def interpolates(real: Tensor, fake: Tensor, eps: Tensor | None = None) -> Tensor:
    """x̂ = ε x + (1 - ε) x̃ with ONE ε ~ U[0, 1] per sample (shape (B, 1, ..., 1)), broadcast over its pixels.

    A separate ε per pixel would make x̂ a pixel mosaic of x and x̃, off the line between them where the
    WGAN-GP argument puts the penalty. ``eps`` (B,) may be given (tests).
    """
    if real.shape != fake.shape:
        raise ValueError(msg("loss_shape_mismatch", real=tuple(real.shape), fake=tuple(fake.shape)))
    shape = (real.shape[0],) + (1,) * (real.ndim - 1)
    e = torch.rand(shape, device=real.device, dtype=real.dtype) if eps is None else eps.reshape(shape).to(real)
    return e * real.detach() + (1.0 - e) * fake.detach()


def gradient_penalty(critic: Callable[[Tensor], Tensor], real: Tensor, fake: Tensor, weight: float = GP_WEIGHT,
                     eps: Tensor | None = None) -> Tensor:
    """WGAN-GP's gradient penalty (Gulrajani et al. 2017): λ E_x̂[(||∇_x̂ f(x̂)||₂ - 1)²].

    x̂ = ε x + (1 - ε) x̃ on the line between a real x and a fake x̃ (:func:`interpolates`, one ε per sample);
    the norm runs over every non-batch dimension (all 784 pixels of a digit). It pulls the critic's gradient norm
    towards 1 there, a soft form of the 1-Lipschitz constraint. For a linear critic f(x) = w·x + b the gradient
    is w everywhere, so the penalty is exactly λ (||w|| - 1)². λ = ``weight`` (10 in the paper).
    """
    norm = (_grad_sq(critic, interpolates(real, fake, eps)) + _NORM_EPS).sqrt()  # (B,)
    return weight * (norm - 1.0).square().mean()


def r1_penalty(critic: Callable[[Tensor], Tensor], real: Tensor, fake: Tensor | None = None,
               gamma: float = R1_GAMMA) -> Tensor:
    """R1 regularizer (Mescheder et al. 2018): γ/2 · E_x[||∇_x f(x)||²] on real data only.

    It penalizes D for having any slope at the data, which damps the rotation around the equilibrium that
    notebook 04 shows for the Dirac-GAN. ``fake`` is ignored (it is there for the Trainer's signature).
    For a linear critic f(x) = w·x + b the penalty is exactly γ/2 · ||w||².
    """
    del fake
    return 0.5 * gamma * _grad_sq(critic, real).mean()


# --- the losses by name ---------------------------------------------------------------------------------------------

#: Generator losses by name, as the trainer's ``loss`` knob, the CLI's ``--loss`` and the recipes accept them.
G_LOSSES: dict[str, Callable[[Tensor], Tensor]] = {
    "nonsaturating": g_loss_nonsaturating,
    "minimax": g_loss_minimax,
    "wasserstein": g_loss_wasserstein,  # also the hinge critic's generator loss
    "least_squares": g_loss_least_squares,
}

#: Discriminator losses by name (what ``ganedu.lessons.stabilise`` recipes refer to), all fn(real_logits, fake_logits).
D_LOSSES: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "bce": d_loss_bce,
    "smoothed": d_loss_smoothed,
    "wasserstein": d_loss_wasserstein,
    "hinge": d_loss_hinge,
    "least_squares": d_loss_least_squares,
}
