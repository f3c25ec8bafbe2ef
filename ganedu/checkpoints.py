"""Checkpoints: written atomically, read with ``weights_only=True``, rebuilt from plain data.

A checkpoint is a dict of tensors, numbers, strings and lists only (no pickled classes), so
``torch.load(path, weights_only=True)`` reads it and a learner's file can never run code. Nets are rebuilt from
the ``.spec`` each ganedu network records (see ``ganedu.models``).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from torch import Tensor, nn

from . import models
from .messages import msg

if TYPE_CHECKING:  # checkpoints sits below train in the layers: import it only where a Trainer is rebuilt
    from collections.abc import Callable

    from .train import Trainer

FORMAT = "ganedu-checkpoint"  # marks our files; anything else is refused with a clear message
VERSION = 1
MIN_TORCH = (2, 6)  # torch.load(weights_only=True) could run code before 2.6 (CVE-2025-32434)
STALE_SECONDS = 3600.0  # a temp file this old is a leftover even if its pid is alive again (pids are reused)
KNOBS = ("k", "lr_d", "lr_g", "loss")  # TrainConfig fields a resumed run may change: applied after loading
FIXED = ("batch_size", "seed", "betas", "n_samples")  # fields the saved state pins: a different value is refused
_TEMP = re.compile(r"\.tmp-(\d+)-")  # temp names: .<target name>.tmp-<pid>-<random>


class CheckpointError(ValueError):
    """A file that is not a readable ganedu checkpoint."""


# --- writing files and folders all at once ----------------------------------------------------------------------


def _file_mode(directory: bool = False) -> int:
    """0644 for files, 0755 for folders, less what the umask takes away (mkstemp/mkdtemp give 0600/0700)."""
    return (0o777 if directory else 0o666) & ~_umask()


def _umask() -> int:
    """The process's umask: read from /proc on Linux (setting it to read it races with other threads' files)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def _temp_prefix(target: Path) -> str:
    """The start of every temp name for ``target``; the pid in it tells whether its writer is still alive."""
    return f".{target.name}.tmp-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale_temps(target: str | os.PathLike) -> list[Path]:
    """Delete temp files and folders that killed writes of ``target`` left beside it; returns what was removed.

    A temp (``.<name>.tmp-<pid>-<random>``) is stale when its process is dead, or is this one but not writing
    it now, or it is older than STALE_SECONDS (pids are reused). Temps of older ganedu versions
    (``.<name>.<random>.tmp``, no pid) are always stale.
    """
    target = Path(target)
    if not target.parent.is_dir():
        return []
    now, removed = time.time(), []
    legacy = set(target.parent.glob(f".{target.name}.*.tmp"))
    for temp in sorted(legacy | set(target.parent.glob(_temp_prefix(target) + "*"))):
        match = _TEMP.match(temp.name[len(target.name) + 1:])
        if match and temp not in legacy:
            pid = int(match.group(1))
            try:
                old = now - temp.lstat().st_mtime > STALE_SECONDS
            except FileNotFoundError:  # its writer just renamed or removed it
                continue
            if temp in _WRITING or (not old and pid != os.getpid() and _alive(pid)):
                continue
        if temp.is_dir() and not temp.is_symlink():
            shutil.rmtree(temp, ignore_errors=True)
        else:
            temp.unlink(missing_ok=True)
        removed.append(temp)
    return removed


_WRITING: set[Path] = set()  # temps this process is writing now (threads may save side by side)


def _new_temp(target: Path, directory: bool = False) -> Path:
    prefix = f"{_temp_prefix(target)}{os.getpid()}-"
    if directory:
        temp = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    else:
        fd, name = tempfile.mkstemp(prefix=prefix, dir=target.parent)
        os.close(fd)
        temp = Path(name)
    _WRITING.add(temp)
    return temp


def atomic_save(obj: object, path: str | os.PathLike) -> Path:
    """``torch.save`` to a temp file in the same folder, fsync, then rename: a crash never leaves half a file.

    Temps left by killed saves of the same file are removed first; the file gets mode 0644 (less the umask).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path)
    tmp = _new_temp(path)
    try:
        with open(tmp, "wb") as f:
            torch.save(obj, f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        _WRITING.discard(tmp)
    return path


def check_folder(path: str | os.PathLike, allowed: Collection[str]) -> Path:
    """The absolute ``path`` if :func:`atomic_folder` can write it, else a ValueError that says why and what to do.

    ``path`` and ``<path>.previous`` must be new, or folders holding only names in ``allowed`` (an earlier run's
    files: the swap moves and deletes them, so a folder with anything else is refused, never overwritten); the
    parent folder must be writable (tried with a real temp folder).
    """
    if not str(path).strip():
        raise ValueError(msg("out_empty"))
    path = Path(path).expanduser().resolve()
    if not path.name:
        raise ValueError(msg("out_root", path=path))
    for where in (path, _previous(path)):
        if where.exists() and not where.is_dir():
            raise ValueError(msg("out_is_file", path=where))
        if where.is_dir():
            extra = sorted(p.name for p in where.iterdir() if p.name not in allowed)
            if extra:
                raise ValueError(msg("out_not_run", path=where, extra=", ".join(extra[:3])))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        probe = _new_temp(path, directory=True)
        probe.rmdir()
        _WRITING.discard(probe)
    except OSError as err:
        raise ValueError(msg("out_not_writable", path=path.parent, reason=err.strerror or err)) from err
    return path


def _previous(path: Path) -> Path:
    return path.with_name(path.name + ".previous")


@contextmanager
def atomic_folder(path: str | os.PathLike, allowed: Collection[str]) -> Iterator[Path]:
    """Write a whole folder at once: fill the temp folder this yields; when the block ends without error, the
    old ``path`` becomes ``<path>.previous`` and the temp folder becomes ``path``.

    A reader sees the old folder or the new one (between the two renames, for an instant, only ``<path>.previous``),
    never a mix of both; an error in the block leaves ``path`` as it was. ``allowed`` names the files a replaced
    folder may hold (see :func:`check_folder`).
    """
    path = check_folder(path, allowed)
    remove_stale_temps(path)
    tmp = _new_temp(path, directory=True)
    try:
        yield tmp
        for f in tmp.iterdir():
            os.chmod(f, _file_mode())
        os.chmod(tmp, _file_mode(directory=True))
        previous = _previous(path)
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()  # an empty folder made for this run: nothing to keep
        if path.exists():
            shutil.rmtree(previous, ignore_errors=True)
            os.rename(path, previous)
        os.rename(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        _WRITING.discard(tmp)


# --- reading -----------------------------------------------------------------------------------------------------


def _torch_version() -> tuple[int, int]:
    match = re.match(r"(\d+)\.(\d+)", torch.__version__)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def safe_load(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> object:
    """``torch.load(..., weights_only=True)`` with errors that say what is wrong and what to do.

    Refuses to run on torch < 2.6, whose weights_only loader could be tricked into running code.
    """
    if _torch_version() < MIN_TORCH:
        raise RuntimeError(msg("ckpt_old_torch", version=torch.__version__,
                               minimum=".".join(map(str, MIN_TORCH))))
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(msg("ckpt_missing", path=path))
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # truncated zip, random bytes, pickled code refused by weights_only, ...
        text = str(err).strip()
        reason = text.splitlines()[0][:200] if text else type(err).__name__
        if "weights_only" in text or "weights only" in text.lower():
            # torch's own text advises weights_only=False, which would run the file's code: never show any of it,
            # only the unpickler's finding ("Unsupported operand 103" for random bytes; a "global" is code)
            finding = text.partition("WeightsUnpickler error:")[2].strip().splitlines()
            reason = finding[0][:200] if finding else ""
            if not reason or "global" in reason.lower() or "weights" in reason.lower():
                raise CheckpointError(msg("ckpt_code", path=path)) from err
        raise CheckpointError(msg("ckpt_corrupt", path=path, reason=reason)) from err


def snapshot(trainer: Trainer) -> dict:
    """What ``save`` writes: one consistent ``trainer.state_dict()`` with the specs that rebuild its nets."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "generator_spec": dict(trainer.G.spec),
        "discriminator_spec": dict(trainer.D.spec),
        "trainer": trainer.state_dict(),
    }


def save(trainer: Trainer, path: str | os.PathLike) -> Path:
    """Save a whole run (nets, optimizers, knobs, history) so that ``resume`` continues it."""
    return atomic_save(snapshot(trainer), path)


def load(path: str | os.PathLike) -> dict:
    """Read and validate a checkpoint written by ``save``."""
    data = safe_load(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CheckpointError(msg("ckpt_foreign", path=path, entry="format"))
    for key in ("generator_spec", "discriminator_spec", "trainer"):
        if key not in data:
            raise CheckpointError(msg("ckpt_foreign", path=path, entry=key))
    for key in ("generator_spec", "discriminator_spec", "trainer"):
        if not isinstance(data[key], dict):
            raise CheckpointError(msg("ckpt_damaged", path=path, reason=msg("ckpt_not_dict", entry=key)))
    return data


def rebuild(ckpt: dict, role: str, path: str | os.PathLike = "", weights: str | None = None) -> nn.Module:
    """The ``role`` ("generator" or "discriminator") net of a loaded checkpoint or ``snapshot``, rebuilt from its
    spec with its saved weights (the entry ``weights``, default ``role``); ``path`` names the file in errors."""
    try:
        net = models.loaded(lambda: models.from_spec(ckpt[f"{role}_spec"], role), ckpt["trainer"][weights or role])
    except (KeyError, TypeError, ValueError, RuntimeError) as err:  # tampered spec or weights that do not fit it
        raise CheckpointError(msg("ckpt_damaged", path=path, reason=_reason(err))) from err
    return net


def _reason(err: BaseException) -> str:
    text = str(err).strip()
    if isinstance(err, KeyError):
        return msg("ckpt_no_entry", entry=text)
    return text.splitlines()[0][:200] if text else type(err).__name__


def sampler(ckpt: dict, path: str | os.PathLike = "") -> nn.Module:
    """The generator a loaded checkpoint or ``snapshot`` samples from: its average of G's weights when the run kept
    one (``TrainConfig.ema``), else G; what ``Trainer.sampler`` was when it was saved."""
    averaged = "generator_ema" in ckpt.get("trainer", {})
    return rebuild(ckpt, "generator", path, weights="generator_ema" if averaged else None)


def load_generator(path: str | os.PathLike, device: str | torch.device = "cpu") -> nn.Module:
    """The trained generator of a checkpoint (:func:`sampler`: the average when the run kept one), in eval mode,
    ready to sample."""
    return sampler(load(path), path).to(device).eval()


def resume(
    path: str | os.PathLike,
    data: Tensor,
    *,
    d_loss: Callable[[Tensor, Tensor], Tensor] | None = None,
    d_penalty: Callable | None = None,
    labels: Tensor | None = None,
    **overrides,
) -> Trainer:
    """A Trainer that continues the saved run on ``data``.

    ``overrides`` are TrainConfig fields: knobs (k, lr_d, lr_g, loss) are applied after loading, so they win over
    the saved ones; device and speed settings apply as given; the fields the saved state pins (batch_size, seed,
    betas, n_samples) must equal the saved values, else a ValueError says so. ``d_loss`` and ``d_penalty`` go to
    the Trainer (they are code, so a checkpoint cannot hold them: pass the pair that matches the run's loss), and
    so do ``labels`` (N,) of ``data``, which a conditional run needs.
    """
    from .train import TrainConfig, Trainer

    ckpt = load(path)
    saved = ckpt["trainer"]
    try:
        fields = {k: (tuple(v) if k == "betas" else v) for k, v in saved["config"].items()
                  if k in TrainConfig.__dataclass_fields__}
    except (KeyError, AttributeError, TypeError) as err:
        raise CheckpointError(msg("ckpt_damaged", path=path, reason=_reason(err))) from err
    unknown = sorted(set(overrides) - set(TrainConfig.__dataclass_fields__))
    if unknown:
        raise TypeError(msg("ckpt_unknown_override", names=", ".join(unknown),
                            choices=", ".join(TrainConfig.__dataclass_fields__)))
    for name in FIXED:
        if name in overrides and _same(overrides[name]) != _same(fields.get(name)):
            raise ValueError(msg("ckpt_fixed", name=name, value=overrides[name], saved=fields.get(name), path=path))
    knobs = {k: overrides.pop(k) for k in KNOBS if k in overrides}
    fields.update(overrides)
    G, D = rebuild(ckpt, "generator", path), rebuild(ckpt, "discriminator", path)
    extra = {k: v for k, v in (("d_loss", d_loss), ("d_penalty", d_penalty), ("labels", labels)) if v is not None}
    trainer = Trainer(G, D, data, TrainConfig(**fields), **extra)
    try:
        trainer.load_state_dict(saved)
    except (KeyError, TypeError, ValueError, RuntimeError) as err:
        raise CheckpointError(msg("ckpt_damaged", path=path, reason=_reason(err))) from err
    for name, value in knobs.items():  # after loading: the saved knobs would overwrite them
        setattr(trainer, name, value)
    return trainer


def _same(value: object) -> object:
    """Values as a comparison should see them: a saved tuple comes back as a list."""
    return tuple(value) if isinstance(value, (list, tuple)) else value
