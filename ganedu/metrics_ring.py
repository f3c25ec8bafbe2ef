"""The trainer's device-side metrics: each step's numbers stay on the device until a flush reads many at once.

Reading a number back from a GPU waits for all queued work (~10-50 us); the step functions instead write their
statistics into fixed device tensors, and ``record`` appends them to a ring with no host sync. ``read`` is the one
sync per ``sync_every`` steps. The same code runs on the CPU, where it costs next to nothing.
"""

from __future__ import annotations

import torch
from torch import Tensor

from . import losses

__internal__ = True  # a part of the trainer (ganedu.train), not an entry point of its own

FIELDS = ("d_loss", "d_real", "d_fake", "fakes_finite", "g_loss")  # one ring row per step


class MetricsRing:
    """A (capacity, 5) device buffer of per-step statistics and its write index."""

    def __init__(self, capacity: int, device: torch.device) -> None:
        self.d = torch.zeros(4, device=device)  # d_loss, d_real, d_fake, fakes_finite of the latest D step
        self.g = torch.zeros(1, device=device)  # g_loss of the latest G step
        self.buf = torch.zeros(capacity, len(FIELDS), device=device)
        self.slot = torch.zeros(1, dtype=torch.long, device=device)  # next row to write

    def set_d(self, loss: Tensor, real_logits: Tensor, fake_logits: Tensor, fakes: Tensor) -> None:
        """D's loss, mean D(x), mean D(G(z)), and whether G's samples were finite (1.0) or not (0.0)."""
        self.d.copy_(torch.stack([loss.detach(), losses.d_of(real_logits.detach()),
                                  losses.d_of(fake_logits.detach()), torch.isfinite(fakes).all().float()]))

    def set_g(self, loss: Tensor) -> None:
        self.g.copy_(loss.detach().view(1))

    def record(self) -> None:
        """Append the latest D and G statistics as one row; no host sync."""
        self.buf.index_copy_(0, self.slot, torch.cat([self.d, self.g]).view(1, len(FIELDS)))
        self.slot.add_(1)

    def read(self, n: int) -> list[dict[str, float]]:
        """The first ``n`` rows as dicts (the host sync), then empty the ring."""
        values = self.buf[:n].tolist()
        self.slot.zero_()
        return [dict(zip(FIELDS, row)) for row in values]

    def clear(self) -> None:
        self.slot.zero_()
