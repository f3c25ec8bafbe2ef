"""ganedu — an interactive course on Generative Adversarial Networks, and the small library behind it.

``import ganedu as ge`` is cheap and has no side effects: submodules load on first use (``ge.theory``,
``ge.widgets``, ...), so a notebook about 1D densities never imports torchvision or ipywidgets.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# ge.<name> -> the module behind it. The layout shows the layers (docs/ARCHITECTURE.md; tests/test_layers.py):
# the core library at the top of the package, lesson material in ganedu.lessons, the interface in ganedu.interface.
_SUBMODULES = {
    # core: what a GAN needs, and nothing a lesson or a front end needs
    "checkpoints": "checkpoints", "config": "config", "data": "data", "ema": "ema", "losses": "losses",
    "messages": "messages",
    "metrics": "metrics", "models": "models", "progress": "progress", "train": "train",
    # lessons: the props of one or a few notebooks
    "theory": "lessons.theory", "divergences": "lessons.divergences", "dirac": "lessons.dirac", "toy": "lessons.toy",
    "stabilise": "lessons.stabilise",
    "speed": "lessons.speed", "latent": "lessons.latent", "exercises": "lessons.exercises", "check": "lessons.check",
    "classroom": "lessons.classroom",
    "own_loop": "lessons.own_loop", "dcgan_rules": "lessons.dcgan_rules",
    # interface: what a learner touches (dashboards, figures, the setup banner, the command line)
    "plot": "interface.plot", "widgets": "interface.widgets", "env": "interface.env", "cli": "interface.cli",
    "app": "interface.app",
}
_SHORTCUTS = {  # ge.<name> -> module.attribute, for the calls every notebook makes
    "setup": ("interface.env", "setup"),
    "seed_everything": ("config", "seed_everything"),
    "pick_device": ("config", "pick_device"),
    "mnist": ("data", "mnist"),
    "Trainer": ("train", "Trainer"),
    "TrainConfig": ("train", "TrainConfig"),
}

__all__ = sorted(set(_SUBMODULES) | set(_SHORTCUTS))


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{_SUBMODULES[name]}")
    if name in _SHORTCUTS:
        module, attr = _SHORTCUTS[name]
        return getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    raise AttributeError(f"module 'ganedu' has no attribute {name!r}")  # msg-exempt: Python's attribute protocol


def __dir__() -> list[str]:
    return __all__
