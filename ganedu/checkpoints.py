"""Checkpoints: written atomically, read with ``weights_only=True``, rebuilt from plain data.

A checkpoint is a dict of tensors, numbers, strings and lists only (no pickled classes), so
``torch.load(path, weights_only=True)`` reads it and a learner's file can never run code. Nets are rebuilt from
the ``.spec`` each ganedu network records (see ``ganedu.models``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from torch import Tensor, nn

from . import models
from .messages import msg

if TYPE_CHECKING:  # checkpoints sits below train in the layers: import it only where a Trainer is rebuilt
    from .train import Trainer

FORMAT = "ganedu-checkpoint"  # marks our files; anything else is refused with a clear message
VERSION = 1


class CheckpointError(ValueError):
    """A file that is not a readable ganedu checkpoint."""


def atomic_save(obj: object, path: str | os.PathLike) -> Path:
    """``torch.save`` to a temp file in the same folder, fsync, then rename: a crash never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(obj, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def safe_load(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> object:
    """``torch.load(..., weights_only=True)`` with errors that say what is wrong and what to do."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(msg("ckpt_missing", path=path))
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # truncated zip, random bytes, pickled code refused by weights_only, ...
        reason = str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__
        raise CheckpointError(msg("ckpt_corrupt", path=path, reason=reason)) from err


def save(trainer: Trainer, path: str | os.PathLike) -> Path:
    """Save a whole run (nets, optimizers, knobs, history) so that ``resume`` continues it."""
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "generator_spec": dict(trainer.G.spec),
        "discriminator_spec": dict(trainer.D.spec),
        "trainer": trainer.state_dict(),
    }
    return atomic_save(payload, path)


def load(path: str | os.PathLike) -> dict:
    """Read and validate a checkpoint written by ``save``."""
    data = safe_load(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CheckpointError(msg("ckpt_foreign", path=path, entry="format"))
    for key in ("generator_spec", "discriminator_spec", "trainer"):
        if key not in data:
            raise CheckpointError(msg("ckpt_foreign", path=path, entry=key))
    return data


def load_generator(path: str | os.PathLike, device: str | torch.device = "cpu") -> nn.Module:
    """The trained generator of a checkpoint, in eval mode, ready to sample."""
    data = load(path)
    G = models.from_spec(data["generator_spec"], "generator")
    G.load_state_dict(data["trainer"]["generator"])
    return G.to(device).eval()


def resume(path: str | os.PathLike, data: Tensor, **overrides) -> Trainer:
    """A Trainer that continues the saved run on ``data``; ``overrides`` change TrainConfig fields (e.g. device)."""
    from .train import TrainConfig, Trainer

    ckpt = load(path)
    saved = ckpt["trainer"]
    fields = {k: (tuple(v) if k == "betas" else v) for k, v in saved["config"].items()
              if k in TrainConfig.__dataclass_fields__}
    fields.update(overrides)
    G = models.from_spec(ckpt["generator_spec"], "generator")
    D = models.from_spec(ckpt["discriminator_spec"], "discriminator")
    trainer = Trainer(G, D, data, TrainConfig(**fields))
    trainer.load_state_dict(saved)
    return trainer
