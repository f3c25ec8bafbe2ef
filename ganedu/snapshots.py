"""The trainer's safety net: copies of the training state, and the check that a state is worth keeping.

``Snapshots`` knows every tensor that training changes by a stable name (network entries, optimizer state, the
metrics ring's index). It keeps the state of construction (for ``reset()``) and the last good state (restored when
training diverges). A state is good only if every parameter and buffer of both networks is finite: a NaN in a
BatchNorm running average does not show in the training losses, but would poison every sample in eval mode.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

__internal__ = True  # a part of the trainer (ganedu.train), not an entry point of its own


def optimizer_tensors(prefix: str, opt: torch.optim.Optimizer) -> dict[str, Tensor]:
    """Adam's per-parameter state (step, moments) by name ``prefix.i.key``, i = parameter order in the groups."""
    params = [p for group in opt.param_groups for p in group["params"]]
    return {f"{prefix}.{i}.{key}": v for i, p in enumerate(params)
            for key, v in opt.state.get(p, {}).items() if isinstance(v, Tensor)}


def first_nonfinite(states: dict[str, dict[str, Tensor]]) -> tuple[str, str] | None:
    """(network name, tensor name) of the first parameter or buffer holding a NaN or an infinity, or None.

    ``states`` maps a network's name to its ``state_dict()`` (parameters and buffers).
    """
    named = [(net_name, name, t) for net_name, state in states.items()
             for name, t in state.items() if isinstance(t, Tensor) and t.is_floating_point()]
    if not named:
        return None
    finite = torch.stack([torch.isfinite(t).all() for _, _, t in named]).tolist()  # one host sync
    return next(((net_name, name) for (net_name, name, _), ok in zip(named, finite) if not ok), None)


class Snapshots:
    """Take and restore copies of the training state; remember the initial and the last good one."""

    def __init__(self, tensors: Callable[[], dict[str, Tensor]]) -> None:
        self.tensors = tensors  # () -> every tensor training changes, by name (read anew: optimizer state grows)
        self.initial = self.take()  # for reset()
        self.good, self.good_step = self.initial, 0  # last state that passed the checks, and its step

    def take(self) -> dict[str, Tensor]:
        """A copy of the state now (clones on the same device)."""
        return {name: t.detach().clone() for name, t in self.tensors().items()}

    def restore(self, snap: dict[str, Tensor]) -> None:
        """Copy ``snap`` back in place (graphs keep their tensor addresses). Missing optimizer state -> zeros."""
        with torch.no_grad():
            for name, dst in self.tensors().items():
                if name in snap:
                    dst.copy_(snap[name])
                else:
                    dst.zero_()  # optimizer state born after the snapshot: fresh Adam state is all zeros

    def keep(self, step: int) -> None:
        """Remember the state now as the last good one, reached at ``step``."""
        self.good, self.good_step = self.take(), step

    def back_to_good(self) -> int:
        """Restore the last good state; returns its step."""
        self.restore(self.good)
        return self.good_step

    def back_to_initial(self) -> None:
        self.restore(self.initial)
        self.good, self.good_step = self.initial, 0
