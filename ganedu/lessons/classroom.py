"""Instructor presets for the MNIST GAN of notebook 05 and the classroom app: named settings of the trainer's live
knobs (k, lr_d, lr_g, loss) that show one behaviour on cue.

A preset changes only what a running ``ganedu.train.Trainer`` lets you change at any moment, so it applies to a
run in progress (the app's Apply) as well as to a fresh one (Restart). The network pair is always the classic MLP
pair of notebook 05 (``ge.models.build("mlp")``); the 2D presets of notebook 03 live in ``ganedu.lessons.toy``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..messages import msg
from .stabilise import PROBLEMS

if TYPE_CHECKING:
    from ..train import Trainer

LR = 2e-4  # the DCGAN step size (Radford et al. 2016), TrainConfig's default for both players
_COLLAPSE = PROBLEMS["mnist"]  # notebook 09's MNIST baseline that collapses on cue: one source for its numbers


@dataclass(frozen=True)
class KnobPreset:
    """A named setting of the four live knobs; ``label`` and ``expect`` are what the class reads."""

    name: str  # key in PRESETS; also names its messages (classroom_<name>, classroom_expect_<name>)
    k: int = 1  # D updates per G update
    lr_d: float = LR  # D's Adam step size
    lr_g: float = LR  # G's Adam step size
    loss: str = "nonsaturating"  # generator loss, a key of ganedu.losses.G_LOSSES

    @property
    def label(self) -> str:
        """One line naming the preset and its settings (the app's dropdown)."""
        return msg(f"classroom_{self.name}")

    @property
    def expect(self) -> str:
        """What the class should see while it trains."""
        return msg(f"classroom_expect_{self.name}")

    def apply(self, trainer: Trainer) -> None:
        """Set ``trainer``'s knobs to this preset (any thread, also during a run: the next step uses them)."""
        trainer.k, trainer.lr_d, trainer.lr_g, trainer.loss = self.k, self.lr_d, self.lr_g, self.loss


PRESETS: dict[str, KnobPreset] = {p.name: p for p in (
    # notebook 05's own run: Algorithm 1 with k = 1, Adam at the DCGAN settings for both players and the
    # non-saturating G loss (TrainConfig's defaults). Digits take shape over a few thousand steps.
    KnobPreset("healthy"),
    # D far ahead: k = 5 D updates per G update (notebook 05, section 5, measures that k = 5 alone lets D pull
    # ahead) at 5x G's step size, and the saturating G loss, whose gradient -D(G(z)) fades once D rejects the
    # fakes with confidence (notebook 02). Measured from scratch (seed 0, the test split, CPU): over steps 251-300
    # mean D(x) = 0.82 and D(G(z)) = 0.19, against 0.56 and 0.51 for "healthy".
    KnobPreset("strong_d", k=5, lr_d=5 * LR, lr_g=LR, loss="minimax"),
    # G much faster than D (notebook 09's MNIST baseline: lr G = 25 x lr D): G jumps onto whatever D currently
    # likes, and within a few hundred steps most samples are read as one digit.
    KnobPreset("mode_collapse", lr_d=_COLLAPSE.lr, lr_g=_COLLAPSE.lr * _COLLAPSE.g_speedup),
)}


def preset(name: str) -> KnobPreset:
    """A registered preset by name (see ``PRESETS``)."""
    if name not in PRESETS:
        raise ValueError(msg("classroom_bad_preset", value=name, choices=", ".join(PRESETS)))
    return PRESETS[name]


__all__ = ["LR", "PRESETS", "KnobPreset", "preset"]
