"""The trainer's knobs: settings a learner may change at any moment, from any thread, checked when set.

``Knob(check)`` declares one on a class: ``k = Knob(check_k)``. Setting it runs ``check`` (which raises a clear
``ValueError`` or returns the value to keep); reading it returns what was kept. The trainer reads every knob once at
the start of a step, so a change shows at the next step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from . import losses
from .messages import msg

__internal__ = True  # a part of the trainer (ganedu.train), not an entry point of its own

K_MAX = 100  # most D steps per G step; the dashboard's k slider ends here. Beyond it one step could run for minutes


class Knob:
    """A validated attribute: ``k = Knob(check_k)`` stores ``check_k(value)`` in the instance as ``_k``."""

    def __init__(self, check: Callable[[Any], Any]) -> None:
        self.check = check  # value -> value to keep; raises ValueError with a msg() text for a bad value

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.slot = name, f"_{name}"

    def __get__(self, obj: object | None, owner: type | None = None) -> Any:
        return self if obj is None else getattr(obj, self.slot)

    def __set__(self, obj: object, value: Any) -> None:
        setattr(obj, self.slot, self.check(value))


def check_positive_int(name: str, value: Any) -> int:
    """``value`` if it is a whole number >= 1 (not a bool), else a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(msg("bad_steps", name=name, value=value))
    return value


def check_k(value: Any) -> int:
    """Discriminator steps per generator step: a whole number in 1..K_MAX."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(msg("bad_k", value=value))
    if value > K_MAX:
        raise ValueError(msg("train_k_too_big", value=value, k_max=K_MAX))
    return value


def check_lr(name: str) -> Callable[[Any], float]:
    """A checker for the learning rate ``name``: a positive finite number, returned as a float."""

    def check(value: Any) -> float:
        try:
            v = float(value)
        except (TypeError, ValueError):
            v = float("nan")
        if isinstance(value, bool) or not (math.isfinite(v) and v > 0):
            raise ValueError(msg("bad_lr", name=name, value=value))
        return v

    return check


def check_loss(value: Any) -> str:
    """A generator loss name among ``losses.G_LOSSES``."""
    if not isinstance(value, str) or value not in losses.G_LOSSES:
        raise ValueError(msg("bad_loss", value=value, choices=", ".join(losses.G_LOSSES)))
    return value
