"""The learner's environment: the setup banner every notebook prints, and the check ``00_start_here`` shows.

``setup()`` is the one call a notebook makes before anything else; ``report()`` lists versions, hardware,
where MNIST is looked for, and how long the MNIST lesson takes here. Nothing happens at import.
"""

from __future__ import annotations

import html
import os
import platform as _platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import torch

from .. import __version__, config, data
from ..messages import msg

# Wall time of the MNIST lesson (notebook 05: the MLP GAN until its digits are recognisable), taken from
# benchmarks/RESULTS.md. PLACEHOLDERS until that file holds the measured numbers; keep each number's hardware.
MNIST_LESSON_SECONDS_CPU = 180.0  # on 2 CPU cores (a Binder-sized machine)
MNIST_LESSON_SECONDS_GPU = 10.0  # on the reference GPU below
REFERENCE_GPU = "an NVIDIA H100"  # the GPU MNIST_LESSON_SECONDS_GPU was measured on
REFERENCE_CORES = 2  # the core count MNIST_LESSON_SECONDS_CPU was measured on

# Versions the report shows: report key -> (product name, distribution name; None means the interpreter).
PACKAGES = {"python": ("Python", None), "torch": ("PyTorch", "torch"), "torchvision": ("torchvision", "torchvision"),
            "ipywidgets": ("ipywidgets", "ipywidgets"), "ipykernel": ("ipykernel", "ipykernel")}


def cpu_cores() -> int:
    """CPU cores this process may really use: the scheduler affinity, capped by a container's CPU quota.

    Binder and Docker limit CPU with a cgroup quota while ``os.cpu_count()`` still reports the host's cores.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    quota = _cgroup_quota()
    return max(1, min(cores, quota)) if quota else max(1, cores)


def _cgroup_quota(cgroup: Path = Path("/sys/fs/cgroup")) -> int | None:
    """Cores allowed by a cgroup v2 (``cpu.max``) or v1 (``cfs_quota_us``) limit, rounded up; None if unlimited."""
    try:
        quota, period = (cgroup / "cpu.max").read_text().split()[:2]
        return None if quota == "max" else max(1, -(-int(quota) // int(period)))
    except (OSError, ValueError):
        pass
    try:
        quota = int((cgroup / "cpu" / "cpu.cfs_quota_us").read_text())  # -1 means no limit
        period = int((cgroup / "cpu" / "cpu.cfs_period_us").read_text())
        return max(1, -(-quota // period)) if quota > 0 and period > 0 else None
    except (OSError, ValueError):
        return None


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


def setup(seed: int | None = 0, device: str | torch.device = "auto") -> torch.device:
    """Seed everything (unless ``seed`` is None), pick the device, print one banner line, return the device.

    PyTorch's CPU thread count is left to ``config.adapt_threads`` (applied here for the kernel's own thread, as
    training loops apply it for theirs): pinning a count here would override that policy.
    """
    if seed is not None:
        config.seed_everything(seed)
    dev = config.pick_device(device)
    config.adapt_threads()
    extra = msg("banner_quick") if config.QUICK else ""
    print(msg("banner", version=__version__, torch=torch.__version__, device=describe(dev), extra=extra))
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


def estimate(device: torch.device, cores: int | None = None) -> tuple[float | None, str]:
    """(seconds or None, sentence): how long the MNIST lesson takes on ``device``, from the benchmark constants.

    CPU time is scaled by ``REFERENCE_CORES / cores`` only below the reference (fewer cores: slower); more
    cores are not promised to help, since small MLPs do not scale well across threads.
    """
    gpu_time = _duration(MNIST_LESSON_SECONDS_GPU)
    if device.type == "cuda":
        text = msg("env_estimate_gpu", time=gpu_time, ref_time=gpu_time, ref_gpu=REFERENCE_GPU)
        return MNIST_LESSON_SECONDS_GPU, text
    if device.type == "mps":
        return None, msg("env_estimate_mps", gpu_time=gpu_time, cpu_time=_duration(MNIST_LESSON_SECONDS_CPU))
    cores = cores or cpu_cores()
    seconds = MNIST_LESSON_SECONDS_CPU * max(1.0, REFERENCE_CORES / cores)
    text = msg("env_estimate_cpu", time=_duration(seconds), ref_time=_duration(MNIST_LESSON_SECONDS_CPU),
               gpu_time=gpu_time)
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
    (sentence) and ``estimate_seconds`` (float, None where not measured). Nothing is downloaded.
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
    info["estimate_seconds"], info["estimate"] = estimate(dev, cores)
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
