"""Settings that the whole package shares: quick mode, devices, where data lives, seeding.

Reading an environment variable is the only thing this module does at import; it creates no folder,
touches no device and seeds nothing.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import torch

#: ``GANEDU_QUICK=1`` shrinks steps and sizes everywhere so every notebook runs in seconds (tests, CI).
#: Read once here; notebooks never test it themselves, they call functions whose defaults honour it.
QUICK: bool = os.environ.get("GANEDU_QUICK", "").strip().lower() not in ("", "0", "false", "no")

#: ``GANEDU_OFFLINE=1`` forbids downloads (the test suite sets it: tests never reach the internet).
OFFLINE: bool = os.environ.get("GANEDU_OFFLINE", "").strip().lower() not in ("", "0", "false", "no")


def quick(normal, quick_value):
    """``quick_value`` in quick mode, else ``normal`` — how defaults honour ``GANEDU_QUICK``."""
    return quick_value if QUICK else normal


def budget(seconds: float) -> float:
    """A training time budget for a lesson cell: ``seconds``, or at most 2 s in quick mode (tests, CI)."""
    return quick(float(seconds), min(float(seconds), 2.0))


def pick_device(device: str | torch.device = "auto") -> torch.device:
    """``"auto"`` picks CUDA, then Apple's MPS, then the CPU; anything else is checked and returned."""
    if isinstance(device, torch.device):
        return device
    name = str(device).strip().lower()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        dev = torch.device(name)
    except RuntimeError as err:
        raise ValueError(f"unknown device {device!r}: use 'auto', 'cpu', 'cuda' or 'mps'") from err
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for but PyTorch sees no CUDA GPU here: use device='auto' or 'cpu'")
    return dev


def data_root(root: str | os.PathLike | None = None) -> Path:
    """Folder that holds ``MNIST/raw``: ``root`` if given, else ``$GANEDU_DATA``, else a per-user cache.

    The cache is ``$XDG_CACHE_HOME/ganedu`` (``~/.cache/ganedu`` by default). Nothing is created here.
    """
    if root is not None:
        return Path(root).expanduser()
    env = os.environ.get("GANEDU_DATA")
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "ganedu"


def seed_everything(seed: int) -> int:
    """Seed Python's, NumPy's and PyTorch's (CPU and CUDA) generators; returns ``seed``.

    Called explicitly (setup cell, CLI, tests) — never at import.
    """
    import numpy as np

    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return seed


@contextmanager
def seeded(seed: int, device: str | torch.device = "cpu") -> Iterator[None]:
    """Run the block with PyTorch's global generator seeded with ``seed``, then restore it as it was.

    For code that must draw from the global stream (``nn.Module`` initialisation) without disturbing the
    learner's own seeded sequence. A CUDA ``device`` forks and seeds that device's stream too.
    """
    dev = pick_device(device)
    with torch.random.fork_rng(devices=[dev] if dev.type == "cuda" else []):
        torch.manual_seed(seed)
        yield


@contextmanager
def one_thread() -> Iterator[None]:
    """Run the block with PyTorch on one CPU thread, then restore the previous count.

    Tiny networks (thousands of parameters) lose more to splitting their matrix products across threads than
    they gain, and on a busy 2-core machine two threads ran 4-6x slower than one.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def adapt_threads() -> int:
    """Apply the CPU-thread policy for training loops and return the thread count in force.

    Training loops call this often (it is cheap); the policy decides how many intra-op threads to use.
    """
    return torch.get_num_threads()
