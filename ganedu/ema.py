"""An exponential moving average (EMA) of a generator's weights: the generator a trained GAN samples from.

The adversarial game keeps G's weights wandering from step to step; their running average sits near the middle of
that wandering and draws cleaner samples (Karras et al. 2018 sample from it; Yazıcı et al. 2019 study why it helps).
``TrainConfig(ema=0.999)`` makes a ``Trainer`` keep one and sample from it (the CLI, notebook 05 and notebook 09's
"EMA of G" recipe do); as a callback, :class:`EMA` averages any trainer's G.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import torch
from torch import nn

from .messages import msg

if TYPE_CHECKING:
    from .train import Trainer

EMA_DECAY = 0.999  # Karras et al. (2018, Progressive GAN) averaged G with 0.999: a memory of about 1/(1 - β) = 1000
# steps (a change of G is 1 - β^1000 ≈ 1 - 1/e = 63 % taken up after 1000 updates; tests/test_ema.py checks it)
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
            raise ValueError(msg("ema_bad_decay", value=decay))
        if warmup is not None and not warmup > 1.0:
            raise ValueError(msg("ema_bad_warmup", value=warmup))
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
            raise ValueError(msg("ema_mismatch"))
        torch._foreach_lerp_(avg, live, 1.0 - beta)  # θ̄ + (1 - β)(θ - θ̄) = β θ̄ + (1 - β) θ
        for b_avg, b_live in zip(self.generator.buffers(), generator.buffers()):
            b_avg.copy_(b_live)

    def __call__(self, trainer: Trainer) -> None:
        self.update(trainer.G)


__all__ = ["EMA", "EMA_DECAY", "EMA_WARMUP"]
