"""ganedu — an interactive course on Generative Adversarial Networks, and the small library behind it.

``import ganedu as ge`` is cheap and has no side effects: submodules load on first use (``ge.theory``,
``ge.widgets``, ...), so a notebook about 1D densities never imports torchvision or ipywidgets.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = {
    "checkpoints", "cli", "config", "data", "dirac", "exercises", "losses", "messages", "metrics", "models",
    "plot", "stabilize", "theory", "toy", "train", "widgets", "bench", "env",
}
_SHORTCUTS = {  # ge.<name> -> module.attribute, for the calls every notebook makes
    "setup": ("env", "setup"),
    "seed_everything": ("config", "seed_everything"),
    "pick_device": ("config", "pick_device"),
    "mnist": ("data", "mnist"),
    "Trainer": ("train", "Trainer"),
    "TrainConfig": ("train", "TrainConfig"),
}

__all__ = sorted(_SUBMODULES | set(_SHORTCUTS))


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _SHORTCUTS:
        module, attr = _SHORTCUTS[name]
        return getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    raise AttributeError(f"module 'ganedu' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
