"""An exponential moving average (EMA) of a generator's weights: the generator a trained GAN samples from.

The adversarial game keeps G's weights wandering from step to step; their running average sits near the middle of
that wandering and draws cleaner samples (Karras et al. 2018 sample from it; Yazıcı et al. 2019 study why it helps).
``TrainConfig(ema=0.999)`` makes a ``Trainer`` keep one and sample from it; as a callback, :class:`EMA` averages any
trainer's G (notebook 09 compares it with other remedies).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import torch
from torch import Tensor, nn

from .messages import msg

if TYPE_CHECKING:
    from .train import Trainer

EMA_DECAY = 0.999  # Karras et al. (2018, Progressive GAN) averaged G with 0.999: a memory of about 1000 steps
EMA_WARMUP = 10.0  # decay_t = min(decay, (1 + t) / (EMA_WARMUP + t)): early on the average forgets the random init


class EMA:
    """``fn(trainer)`` callback: an exponential moving average of the generator's weights.

    After every generator step t (t = 1, 2, ...) each parameter θ of G updates the average θ̄:

        θ̄ ← β_t θ̄ + (1 - β_t) θ,     β_t = min(β, (1 + t) / (w + t)),

    with β = ``decay`` and w = ``warmup`` (the warm-up lets the average forget the random initial weights quickly;
    ``warmup=None`` uses β from the first step). Buffers (BatchNorm's running statistics) are copied, not averaged.
    The average G never trains: it smooths out the step-to-step wandering that the adversarial game causes
    (Yazıcı et al. 2019 study why this helps; Karras et al. 2018 sample from it). Sample from :attr:`generator`.
    """

    def __init__(self, generator: nn.Module, decay: float = EMA_DECAY, warmup: float | None = EMA_WARMUP) -> None:
        if not (isinstance(decay, (int, float)) and 0.0 <= decay < 1.0):
            raise ValueError(msg("stab_bad_decay", value=decay))
        if warmup is not None and not warmup > 1.0:
            raise ValueError(msg("stab_bad_warmup", value=warmup))
        self.decay, self.warmup = float(decay), warmup
        self.generator = copy.deepcopy(generator).eval().requires_grad_(False)  # θ̄ starts at θ_0
        self.updates = 0

    def rate(self, t: int) -> float:
        """β_t, the weight of the old average at update t (1-based)."""
        return self.decay if self.warmup is None else min(self.decay, (1.0 + t) / (self.warmup + t))

    @torch.no_grad()
    def update(self, generator: nn.Module) -> None:
        """One averaging step towards ``generator``'s current weights (no host sync: safe on a GPU every step)."""
        self.updates += 1
        beta = self.rate(self.updates)
        avg = list(self.generator.parameters())
        live = [p.detach() for p in generator.parameters()]
        if len(avg) != len(live) or any(a.shape != b.shape for a, b in zip(avg, live)):
            raise ValueError(msg("stab_ema_mismatch"))
        torch._foreach_lerp_(avg, live, 1.0 - beta)  # θ̄ + (1 - β)(θ - θ̄) = β θ̄ + (1 - β) θ
        for b_avg, b_live in zip(self.generator.buffers(), generator.buffers()):
            b_avg.copy_(b_live)

    def __call__(self, trainer: Trainer) -> None:
        self.update(trainer.G)

    @torch.no_grad()
    def samples(self, noise: Tensor, labels: Tensor | None = None) -> Tensor:
        """The averaged generator's outputs for ``noise`` (and ``labels`` for a conditional G), on the CPU."""
        dev = next(self.generator.parameters()).device
        z = noise.to(dev)
        out = self.generator(z) if labels is None else self.generator(z, labels.to(dev))
        return out.float().cpu()


__all__ = ["EMA", "EMA_DECAY", "EMA_WARMUP"]
