"""The trainer's diagnosis of a run going wrong: which network diverged, and losses growing out of bounds.

A read-back of the metrics ring gives one row per step. The first row with a non-finite loss says what happened:
- G's samples already non-finite (G diverged at an earlier G step) -> the generator is named;
- D's output on real data non-finite (D's weights diverged) -> the discriminator is named;
- otherwise the loss itself became non-finite (a loss function fed bad numbers) -> that loss is named.
Losses above ``EXPLODING`` warn before that happens: the learning rates are usually too high.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .messages import msg

__internal__ = True  # a part of the trainer (ganedu.train), not an entry point of its own

EXPLODING = 1e4  # |loss| above this warns: BCE-type losses of a sane run stay below ~10, Wasserstein below ~1e3

Status = Callable[[int], str]  # restored step -> the text the learner sees in trainer.status


def first_nonfinite_row(rows: list[dict]) -> int | None:
    """Index of the first row whose D or G loss is NaN or infinite, or None."""
    return next((i for i, r in enumerate(rows) if not (math.isfinite(r["d_loss"]) and math.isfinite(r["g_loss"]))),
                None)


def loss_cause(row: dict, fakes_finite: bool) -> Status:
    """The status for the first row with a non-finite loss, naming the network that diverged where it shows."""
    step, lr_d, lr_g = row["step"], row["lr_d"], row["lr_g"]
    if not fakes_finite:
        return lambda restored: msg("train_nonfinite_net", step=step, net="generator", what="samples",
                                    restored=restored, knob="lr_g", smaller=lr_g / 10)
    if not math.isfinite(row["d_real"]):
        return lambda restored: msg("train_nonfinite_net", step=step, net="discriminator", what="outputs on real data",
                                    restored=restored, knob="lr_d", smaller=lr_d / 10)
    which = "discriminator" if not math.isfinite(row["d_loss"]) else "generator"
    value = row["d_loss"] if which == "discriminator" else row["g_loss"]
    return lambda restored: msg("nonfinite", step=step, which=which, value=value, restored=restored)


def weights_cause(step: int, net: str, tensor: str) -> Status:
    """The status for a non-finite parameter or buffer found at a read-back whose losses were all finite."""
    return lambda restored: msg("train_nonfinite_state", step=step, net=net, tensor=tensor, restored=restored)


def exploding(rows: list[dict]) -> str | None:
    """The warning text for the first finite loss above ``EXPLODING`` in ``rows``, or None."""
    for r in rows:
        for net, col, knob in (("D", "d_loss", "lr_d"), ("G", "g_loss", "lr_g")):
            if math.isfinite(r[col]) and abs(r[col]) > EXPLODING:
                return msg("train_exploding", net=net, value=r[col], step=r["step"], lr_d=r["lr_d"], lr_g=r["lr_g"],
                           knob=knob, smaller=r[knob] / 10)
    return None
