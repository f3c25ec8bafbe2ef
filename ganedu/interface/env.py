"""The learner's environment: the setup banner every notebook prints, and the check ``00_start_here`` shows.

``setup()`` is the one call a notebook makes before anything else; ``report()`` lists versions, hardware,
where MNIST is looked for, and how long the MNIST lesson takes here, estimated from a few steps timed on this
machine. Nothing happens at import.
"""

from __future__ import annotations

import html
import math
import os
import platform as _platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import torch

from .. import __version__, config, data, messages, metrics, models
from ..config import cpu_cores
from ..messages import msg
from ..train import TrainConfig, Trainer
from . import plot


@dataclass(frozen=True)
class LessonWork:
    """What one lesson computes at full size, counted from its cells; the estimate times a few of each here."""

    gan_steps: int  # generator steps of all its training cells together (Algorithm 1 steps)
    classifier_steps: int  # optimizer steps of the metrics classifier (on first use only: then it is cached)
    figures: int  # static figures it draws (live dashboard redraws are not counted)


# Notebook 05, counted from its cells (update with them): dash.run() and quality_dash.run() train 3000 steps each
# (widgets.RUN_STEPS), the reloaded checkpoint 50 more; its QualityMeter trains the metrics classifier once on
# ~180 k digits in batches of 128 (metrics.train_classifier); five figures.
MNIST_LESSON = LessonWork(gan_steps=2 * 3000 + 50, classifier_steps=math.ceil(180_000 / 128), figures=5)
TIMED_STEPS = 20  # GAN and classifier steps timed: a second or two on 2 CPU cores, enough to average out noise
TIMED_FIGURES = 3  # figures rendered and timed
WARMUP_STEPS = 2  # untimed steps first: allocations and first-call overheads are not the lesson's pace

# Below this much free memory (MB) setup() warns: a kernel that trains on MNIST holds torch (~0.4 GB), the digits
# and two networks, and Binder gives a whole session about 2 GB (benchmarks/memory.json: each notebook's peak).
LOW_MEMORY_MB = 1000.0

# Versions the report shows: report key -> (product name, distribution name; None means the interpreter).
PACKAGES = {"python": ("Python", None), "torch": ("PyTorch", "torch"), "torchvision": ("torchvision", "torchvision"),
            "ipywidgets": ("ipywidgets", "ipywidgets"), "ipykernel": ("ipykernel", "ipykernel")}


def where() -> str:
    """``"colab"``, ``"binder"`` or ``"local"``: where this kernel runs (from modules and environment variables)."""
    if "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ:
        return "colab"
    if any(name in os.environ for name in ("BINDER_LAUNCH_HOST", "BINDER_REQUEST", "BINDER_SERVICE_HOST")):
        return "binder"
    return "local"


def gpu_name() -> str | None:
    """The CUDA GPU's name with its memory, Apple's MPS, or None."""
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        return msg("env_gpu_cuda", name=props.name, gib=props.total_memory / 2**30)
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return msg("env_gpu_mps")
    return None


def describe(device: torch.device) -> str:
    """``"cuda (NVIDIA H100 80GB HBM3 (79 GiB))"``, ``"cpu (2 cores)"``: the device as the banner shows it."""
    if device.type in ("cuda", "mps"):
        return msg("env_device_gpu", kind=device.type, gpu=gpu_name())
    return msg("env_device_cpu", kind=device.type, cores=cpu_cores())


def _read_int(path: Path) -> int | None:
    """A file holding one whole number (a cgroup value); None if absent, unreadable or "max" (no limit)."""
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _stat_field(path: Path, key: str) -> int:
    """The number after ``key`` in a "key value [unit]" file (cgroup memory.stat, /proc/meminfo); 0 if absent."""
    try:
        for line in path.read_text().splitlines():
            fields = line.split()
            if len(fields) >= 2 and fields[0] == key:
                return int(fields[1])
    except (OSError, ValueError):
        pass
    return 0


def free_memory(meminfo: Path = Path("/proc/meminfo"),
                cgroup: Path = Path("/sys/fs/cgroup")) -> tuple[float, str] | None:
    """(MB of memory free for this kernel, what limits it: "machine" or "container"), or None where unknown.

    The machine's ``MemAvailable`` (/proc/meminfo), or a container's cgroup limit minus what it uses (v2:
    ``memory.max`` - ``memory.current``; v1: ``memory.limit_in_bytes`` - ``memory.usage_in_bytes``), whichever is
    smaller. File cache the kernel can drop (``inactive_file``) counts as free. Binder and JupyterHub limit memory
    by cgroup, while /proc/meminfo there shows the whole host. No psutil: plain files, Linux only.
    """
    found = []
    available = _stat_field(meminfo, "MemAvailable:")  # "MemAvailable:   123456 kB"
    if available:
        found.append((available * 1024 / 1e6, "machine"))
    for limit, usage, stat, cache in (("memory.max", "memory.current", "memory.stat", "inactive_file"),
                                      ("memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes",
                                       "memory/memory.stat", "total_inactive_file")):
        cap, used = _read_int(cgroup / limit), _read_int(cgroup / usage)
        if cap is not None and used is not None and cap < 2**60:  # v1 writes "no limit" as about 2**63
            used -= _stat_field(cgroup / stat, cache)
            found.append((max(0, cap - used) / 1e6, "container"))
            break
    return min(found) if found else None


def warn_if_low_memory(limit_mb: float = LOW_MEMORY_MB) -> bool:
    """Print what to do when less than ``limit_mb`` MB are free (see :func:`free_memory`); returns whether it did."""
    free = free_memory()
    if free is None or free[0] >= limit_mb:
        return False
    print(msg("env_low_memory", free_mb=free[0], where=msg(f"env_memory_{free[1]}"), need_mb=limit_mb))
    return True


def setup(seed: int | None = 0, device: str | torch.device = "auto", lang: str | None = None) -> torch.device:
    """Choose the language, seed everything (unless ``seed`` is None), pick the device, print one banner line,
    return the device.

    ``lang`` (``"en"``, ``"zh"``) selects the message table for everything ganedu prints, raises or draws from now
    on; None keeps ``$GANEDU_LANG`` (English when unset). An unknown language raises ValueError naming the ones
    there are. The Chinese notebooks (notebooks/zh/) pass ``lang="zh"`` in their setup cell: explicit, and
    independent of where the kernel starts (Colab starts every kernel in /content, whatever notebook it opens).
    For Chinese, figures get a CJK font (``plot.use_language_fonts``).

    When memory is short (another notebook's kernel still running, on Binder's 2 GB), a second line says so and
    what to do (:func:`warn_if_low_memory`).

    PyTorch's CPU thread count is left to ``config.adapt_threads`` (applied here for the kernel's own thread, as
    training loops apply it for theirs): pinning a count here would override that policy.
    """
    requested = lang if lang is not None else os.environ.get("GANEDU_LANG")
    chosen = messages.set_language(requested) if requested else messages.DEFAULT_LANG
    plot.use_language_fonts(chosen)
    if seed is not None:
        config.seed_everything(seed)
    dev = config.pick_device(device)
    config.adapt_threads()
    extra = msg("banner_quick") if config.QUICK else ""
    print(msg("banner", version=__version__, torch=torch.__version__, device=describe(dev), extra=extra))
    warn_if_low_memory()
    return dev


def _version(dist: str | None) -> str:
    if dist is None:
        return _platform.python_version()
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return msg("env_missing")


def _duration(seconds: float) -> str:
    return msg("env_seconds", seconds=seconds) if seconds < 90 else msg("env_minutes", minutes=seconds / 60)


def seconds_per_step(run: Callable[[int], object], steps: int = TIMED_STEPS,
                     timer: Callable[[], float] = time.perf_counter) -> float:
    """Wall seconds per step of ``run(n)`` (a callable that takes n steps): ``WARMUP_STEPS`` untimed, then
    ``steps`` timed in one call. ``run`` must finish its device work before it returns (see ``_synced``)."""
    run(WARMUP_STEPS)
    start = timer()
    run(steps)
    return (timer() - start) / steps


def lesson_seconds(work: LessonWork, gan_step: float, classifier_step: float, figure: float) -> float:
    """Seconds for ``work`` from the seconds one GAN step, one classifier step and one figure take."""
    return work.gan_steps * gan_step + work.classifier_steps * classifier_step + work.figures * figure


def _synced(device: torch.device, run: Callable[[int], object]) -> Callable[[int], None]:
    """``run`` followed by a wait for the device's queued kernels, so a timer reads finished work."""
    def synced(n: int) -> None:
        run(n)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        elif device.type == "mps":
            torch.mps.synchronize()
    return synced


def _lesson_runs(device: torch.device) -> dict[str, Callable[[int], None]]:
    """n-step callables for the three kinds of work in ``LessonWork``, on MNIST-shaped random digits.

    The step time does not depend on the pixels, so no data set is needed. Models are built under a forked
    seed, so the learner's random streams continue as if nothing ran.
    """
    n = 128 * (TIMED_STEPS + WARMUP_STEPS)  # enough digits for one pass of classifier batches
    with config.seeded(0, device):
        images = torch.rand(n, 1, 28, 28) * 2 - 1  # (N, 1, 28, 28) in [-1, 1], like ge.mnist()
        labels = torch.randint(0, 10, (n,))
        g, d = models.build("mlp")  # notebook 05's pair
    trainer = Trainer(g, d, images, TrainConfig(device=str(device)))
    dev = trainer.device
    return {
        "gan": _synced(dev, lambda k: trainer.train(steps=k)),
        "classifier": _synced(dev, lambda k: metrics.train_classifier(images[: 128 * k], labels[: 128 * k],
                                                                      epochs=1, device=dev)),
        "figure": lambda k: [plot.figure_to_png(plot.grid_figure(images[:64])) for _ in range(k)],
    }


def estimate(device: torch.device, work: LessonWork = MNIST_LESSON,
             timer: Callable[[], float] = time.perf_counter) -> tuple[float, str]:
    """(seconds, sentence): how long ``work`` (the MNIST lesson, notebook 05) takes on ``device``.

    Times ``TIMED_STEPS`` steps of the lesson's GAN and of its metrics classifier and ``TIMED_FIGURES`` figures
    here (a few seconds), and scales them by ``work``'s counts. ``timer`` is replaceable for tests.
    """
    runs = _lesson_runs(device)
    gan = seconds_per_step(runs["gan"], TIMED_STEPS, timer)
    clf = seconds_per_step(runs["classifier"], TIMED_STEPS, timer)
    fig = seconds_per_step(runs["figure"], TIMED_FIGURES, timer)
    seconds = lesson_seconds(work, gan, clf, fig)
    cached = lesson_seconds(work, gan, 0.0, fig)
    text = msg("env_estimate_timed", time=_duration(seconds), cached=_duration(cached), gan_ms=gan * 1e3,
               clf_ms=clf * 1e3, fig_ms=fig * 1e3)
    return seconds, text


class Report(dict):
    """A dict of facts that shows itself as a two-column table (HTML in Jupyter, text elsewhere)."""

    LABELS = {"cpu_cores": "env_label_cores", "gpu": "env_label_gpu", "device": "env_label_device",
              "platform": "env_label_platform", "mnist_dir": "env_label_mnist_dir",
              "mnist_train": "env_label_mnist_train", "mnist_test": "env_label_mnist_test",
              "estimate": "env_label_estimate"}

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs in the learner's language; ``estimate_seconds`` is for code, not for the table."""
        out = []
        for key, value in self.items():
            if key == "estimate_seconds":
                continue
            label = PACKAGES[key][0] if key in PACKAGES else msg(self.LABELS.get(key, key))
            if isinstance(value, bool):
                value = msg("env_yes" if value else "env_mnist_absent")
            out.append((label, str(value)))
        return out

    def __str__(self) -> str:
        rows = self.rows()
        width = max(len(label) for label, _ in rows)
        return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in msg("env_header").split("|"))
        body = "".join(f"<tr><td style='text-align:left'>{html.escape(label)}</td>"
                       f"<td style='text-align:left'>{html.escape(value)}</td></tr>" for label, value in self.rows())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def report(root: str | os.PathLike | None = None, device: str | torch.device = "auto") -> Report:
    """Versions, hardware, platform, MNIST location and availability, and the MNIST lesson's time estimate.

    Keys: ``python``, ``torch``, ``torchvision``, ``ipywidgets``, ``ipykernel`` (version strings), ``cpu_cores``,
    ``gpu``, ``device``, ``platform``, ``mnist_dir``, ``mnist_train``, ``mnist_test`` (bools), ``estimate``
    (sentence) and ``estimate_seconds`` (float; a few seconds of timed steps, see :func:`estimate`). Nothing is
    downloaded.
    """
    dev = config.pick_device(device)
    cores = cpu_cores()
    info = Report({key: _version(dist) for key, (_, dist) in PACKAGES.items()})
    info["cpu_cores"] = cores
    info["gpu"] = gpu_name() or msg("env_gpu_none")
    info["device"] = describe(dev)
    info["platform"] = msg(f"env_place_{where()}")
    info["mnist_dir"] = config.display_path(data.raw_dir(root))
    info["mnist_train"] = data.available("train", root)
    info["mnist_test"] = data.available("test", root)
    info["estimate_seconds"], info["estimate"] = estimate(dev)
    return info


def self_check(device: str | torch.device = "auto") -> bool:
    """Print two tiny checks (maths on the device; same seed -> same numbers) and whether all is well.

    The seeding check goes through ``config.seed_everything`` and restores every generator it touched, so the
    learner's random streams continue as if it had not run.
    """
    import random

    import numpy as np

    dev = config.pick_device(device)
    value = float((torch.full((1,), 2.0, device=dev) + 2.0).item())
    print(msg("env_selfcheck_math", value=value))  # device-neutral wording: the notebook compares this output
    py_state, np_state = random.getstate(), np.random.get_state()
    with torch.random.fork_rng(devices=range(torch.cuda.device_count())):  # restores torch's CPU and CUDA RNGs
        draws = []
        for _ in range(2):
            config.seed_everything(0)
            draws.append((random.random(), float(np.random.rand()), torch.rand(4)))
    random.setstate(py_state)
    np.random.set_state(np_state)
    (a, b, x), (c, d, y) = draws
    same = a == c and b == d and bool(torch.equal(x, y))
    print(msg("env_selfcheck_seed", same=msg("env_yes") if same else msg("env_no")))
    ok = value == 4.0 and same
    print(msg("env_selfcheck_ok" if ok else "env_selfcheck_bad"))
    return ok
