"""Progress bars for long runs that have no dashboard, the ecosystem's way: ``tqdm.auto`` (a widget bar in Jupyter,
a text bar on a terminal).

Every function that takes ``progress`` reads it the same way:

- ``True``: a bar, wherever the output goes (tests force it so);
- ``False``: nothing at all (quiet; ``tqdm`` is not even imported);
- ``None``: a bar in a notebook or on a terminal, none in logs, pipes and tests (tqdm's own rule: no bar when
  stderr is not a terminal), unless the environment variable ``TQDM_DISABLE`` decides (``1``: never, as the notebook
  build sets it, so committed notebooks hold no bars; ``0``: always).

The library's core (``Trainer.train``, ``metrics.train_classifier``) defaults to ``False``; the command line and
the lesson functions that run for long (``toy.run_preset``, ``stabilise.run_recipe``/``compare_recipes``, the
metrics classifier's first training) default to ``None``.
"""

from __future__ import annotations

import os
import time
from typing import Any

from .config import FLAG_OFF, FLAG_ON
from .messages import msg

POSTFIX_EVERY_S = 0.5  # seconds between two loss read-outs on a training bar (each reads metrics back: a device sync)


class _Off:
    """What a bar is when there is none: every call does nothing."""

    n = 0

    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, text: str = "", refresh: bool = True) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> _Off:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def disabled(progress: bool | None) -> bool | None:
    """tqdm's ``disable`` for ``progress`` (see the module's docstring): True, False, or None (tqdm decides)."""
    if progress is not None:
        return not progress
    env = os.environ.get("TQDM_DISABLE", "").strip().lower()
    if env in FLAG_ON:
        return True
    if env and env in FLAG_OFF:
        return False
    return None


def bar(total: int | None = None, desc: str = "", unit: str | None = None, progress: bool | None = None,
        **kwargs: Any) -> Any:
    """A ``tqdm.auto.tqdm`` bar of ``total`` items (None: a counter), or a do-nothing stand-in when ``progress``
    turns it off. Use as a context manager, or ``close()`` it."""
    disable = disabled(progress)
    if disable is True:
        return _Off()
    from tqdm.auto import tqdm  # here, not at import: `import ganedu` stays light, and quiet runs never load it

    return tqdm(total=total, desc=desc, unit=unit or msg("progress_unit_step"), disable=disable, **kwargs)


class TrainingBar:
    """A bar over a trainer's steps, as a ``train()`` callback: one tick per step, and the latest D and G losses
    at most every ``POSTFIX_EVERY_S`` seconds (reading them flushes the metrics ring: one device sync)."""

    def __init__(self, total: int | None, desc: str | None = None, progress: bool | None = None) -> None:
        self.bar = bar(total, desc or msg("progress_train"), progress=progress)
        self.off = isinstance(self.bar, _Off) or bool(getattr(self.bar, "disable", False))  # tqdm may have decided
        self.due = time.monotonic() + POSTFIX_EVERY_S

    def __call__(self, trainer: Any) -> None:
        self.bar.update(1)
        if self.off or time.monotonic() < self.due:
            return
        self.due = time.monotonic() + POSTFIX_EVERY_S
        self._losses(trainer)

    def _losses(self, trainer: Any) -> None:
        row = trainer.history.last() or {}
        if row:
            self.bar.set_postfix_str(msg("progress_losses", d_loss=row["d_loss"], g_loss=row["g_loss"]),
                                     refresh=False)

    def close(self, trainer: Any | None = None) -> None:
        """Show where training ended (the last losses), then end the bar."""
        if trainer is not None and not self.off:
            self._losses(trainer)
        self.bar.close()
