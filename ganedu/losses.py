"""GAN losses as pure functions of discriminator *logits* (the score before the sigmoid).

D(x) = sigmoid(logit). Working with logits keeps every log finite: log D = -softplus(-logit) and
log(1 - D) = -softplus(logit). Each docstring states the equation that ``tests/test_losses.py`` checks.
All losses return a scalar that the player in question *minimizes*.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor


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


#: Generator losses by name, as the trainer's ``loss`` knob and the CLI's ``--loss`` accept them.
G_LOSSES: dict[str, Callable[[Tensor], Tensor]] = {
    "nonsaturating": g_loss_nonsaturating,
    "minimax": g_loss_minimax,
}


def d_of(logits: Tensor) -> Tensor:
    """Mean discriminator probability E[D] = E[sigmoid(logit)] — what the history's d_real/d_fake record."""
    return torch.sigmoid(logits).mean()
