"""Settings that the whole package shares: quick mode, devices, where data, caches and runs live, seeding, threads.

Reading environment variables is the only thing this module does at import; it creates no folder,
touches no device and seeds nothing.
"""

from __future__ import annotations

import math
import os
import random
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import torch

from .messages import msg

T = TypeVar("T")  # quick(normal, quick_value) returns one of its two arguments

FLAG_ON = ("1", "true", "yes", "on")  # values of a boolean environment variable that switch it on
FLAG_OFF = ("", "0", "false", "no", "off")  # ... and those that leave it off (unset counts as "")


def _flag(name: str) -> bool:
    """The boolean environment variable ``name``, parsed strictly (case and spaces ignored).

    Anything neither in FLAG_ON nor in FLAG_OFF warns, naming the variable and the accepted values, and counts as
    off: a typo must not switch a mode on (``GANEDU_QUICK=off`` used to turn quick mode on).
    """
    value = os.environ.get(name, "").strip().lower()
    if value in FLAG_ON:
        return True
    if value not in FLAG_OFF:
        warnings.warn(msg("config_bad_flag", name=name, value=os.environ[name], on="/".join(FLAG_ON),
                          off="/".join(v for v in FLAG_OFF if v)), stacklevel=2)
    return False


#: ``GANEDU_QUICK=1`` shrinks steps and sizes everywhere so every notebook runs in seconds (tests, CI).
#: Read once here; notebooks never test it themselves, they call functions whose defaults honour it.
QUICK: bool = _flag("GANEDU_QUICK")

#: ``GANEDU_OFFLINE=1`` forbids downloads (the test suite sets it: tests never reach the internet).
OFFLINE: bool = _flag("GANEDU_OFFLINE")


def quick(normal: T, quick_value: T) -> T:
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
        raise ValueError(msg("config_bad_device", value=device)) from err
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(msg("config_no_cuda"))
    return dev


def data_root(root: str | os.PathLike | None = None) -> Path:
    """Folder that holds ``MNIST/raw`` (read, and downloaded into): ``root`` if given, else ``$GANEDU_DATA``,
    else the per-user ``_user_cache()``. Nothing is created here. It only says where digits are read from:
    caches of derived files (the metrics classifier) go to :func:`cache_dir`, since a data folder is often
    read-only (a shared folder on JupyterHub).
    """
    if root is not None:
        return Path(root).expanduser()
    env = os.environ.get("GANEDU_DATA")
    if env:
        return Path(env).expanduser()
    return _user_cache()


def run_path(name: str) -> Path:
    """Where a lesson saves a run (a checkpoint): ``$GANEDU_RUNS/name``, else ``runs/name`` under the working
    folder. Nothing is created here; the saver makes the folder. The tests point ``$GANEDU_RUNS`` at a temp folder,
    so running a notebook never writes into the checkout.
    """
    return Path(os.environ.get("GANEDU_RUNS") or "runs").expanduser() / name


def _user_cache() -> Path:
    """``$XDG_CACHE_HOME/ganedu``, or ``~/.cache/ganedu``: the user's own, writable cache folder."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache).expanduser() / "ganedu"


def cache_dir() -> Path:
    """Where ganedu writes files it can always rebuild (the metrics classifier): ``$GANEDU_CACHE`` if set, else
    ``$XDG_CACHE_HOME/ganedu`` or ``~/.cache/ganedu``. Never the data folder, whatever data root is in use.
    Nothing is created here; callers that cannot write there carry on without caching.
    """
    env = os.environ.get("GANEDU_CACHE")
    return Path(env).expanduser() if env else _user_cache()


def display_path(path: str | os.PathLike, cwd: str | os.PathLike | None = None,
                 home: str | os.PathLike | None = None) -> str:
    """``path`` as a learner should read it: relative to ``cwd`` (default: the working folder) when inside it,
    else with the home folder (default: ``Path.home()``) written ``~``, else absolute. Printed paths go through
    this, so a notebook's outputs show ``runs/05`` or ``~/.cache/ganedu``, never the build machine's folders.
    """
    full = Path(os.path.abspath(Path(path).expanduser()))
    for base, shown in ((cwd if cwd is not None else os.getcwd(), None), (home or Path.home(), "~")):
        base = Path(os.path.abspath(base))
        if full == base or base in full.parents:
            rest = full.relative_to(base)
            if shown is None:
                return str(rest)
            return shown if rest == Path() else f"{shown}{os.sep}{rest}"
    return str(full)


def seed_everything(seed: int) -> int:
    """Seed Python's, NumPy's and PyTorch's (CPU and CUDA) generators; returns ``seed``.

    Called explicitly (setup cell, CLI, tests) — never at import.
    """
    import numpy as np

    if not isinstance(seed, int) or seed < 0:
        raise ValueError(msg("config_bad_seed", value=seed))
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
    before, pinned = torch.get_num_threads(), getattr(_LOCAL, "pinned", False)
    torch.set_num_threads(1)
    _LOCAL.pinned = True  # adapt_threads leaves the count alone inside this block (same run, same numbers)
    try:
        yield
    finally:
        _LOCAL.pinned = pinned
        torch.set_num_threads(before)


# --------------------------------------------------------------------------------------------------------------
# CPU threads: use every core when the machine is ours, one thread when others need the CPU too
# --------------------------------------------------------------------------------------------------------------
# Measured on 2 cores (train --max-seconds 20, the MLP pair): alone, 2 threads run 56-61 steps/s and 1 thread 40;
# two runs at once with 2 threads each fall to 9-13 steps/s each (OpenMP threads wait for a core that the other
# run holds), with 1 thread each both keep 40; beside a busy process, 2 threads crawl at 1.3 steps/s, 1 at 41.

CHECK_EVERY_S = 1.5  # seconds between two real checks of the machine's load: adapt_threads is called every step
BUSY_CORES = 0.5  # CPU load of other processes (in cores) that counts as a core taken


def cpu_quota(cgroup: Path = Path("/sys/fs/cgroup")) -> int | None:
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


def cpu_cores() -> int:
    """CPU cores this process may really use: the scheduler affinity, capped by a container's CPU quota."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    quota = cpu_quota()
    return max(1, min(cores, quota)) if quota else max(1, cores)


def thread_policy(cores: int, other_load: float, current: int) -> int:
    """Intra-op threads to use on ``cores`` cores while other processes keep ``other_load`` cores busy, given the
    ``current`` count.

    All cores when the rest of the machine is idle (single-user speed); one thread as soon as another process
    takes about half a core or more (``BUSY_CORES``): more threads than free cores make every thread wait for the
    slowest, which cost 4-30x on a 2-core machine, while one thread per run shares it fairly. Going back up needs
    the others below half that load, so a load near the limit does not flip the count at every check.
    """
    cores = max(1, cores)
    if other_load >= BUSY_CORES:
        return 1
    if current < cores and other_load >= BUSY_CORES / 2:
        return max(1, current)  # in between: keep the count we have
    return cores


@dataclass
class _LoadProbe:
    """The last reading of :func:`adapt_threads`: when, the machine's CPU seconds, and ours."""

    wall: float = -math.inf  # time.monotonic() of the last real check
    machine: float | None = None  # CPU seconds the cores we run on had used, all processes together
    own: float = 0.0  # CPU seconds this process had used (time.process_time)


_LOCAL = threading.local()  # one probe per thread: OpenMP thread counts belong to the thread that sets them


def _probe() -> _LoadProbe:
    """The calling thread's probe (a dashboard trains in its own thread, beside the kernel's)."""
    probe = getattr(_LOCAL, "probe", None)
    if probe is None:
        probe = _LOCAL.probe = _LoadProbe()
    return probe


def _machine_cpu_seconds() -> float | None:
    """CPU seconds used so far by everything that competes with us: the container's cgroup when a quota is set,
    else the cores of our affinity set (from /proc/stat). None where neither can be read (not Linux)."""
    if cpu_quota() is not None:
        for name, key, scale in (("cpu.stat", "usage_usec", 1e-6), ("cpuacct/cpuacct.usage", None, 1e-9)):
            try:
                text = (Path("/sys/fs/cgroup") / name).read_text()
            except OSError:
                continue
            if key is None:
                return int(text) * scale
            for line in text.splitlines():
                if line.startswith(key + " "):
                    return int(line.split()[1]) * scale
    try:
        cpus = os.sched_getaffinity(0)
        lines = Path("/proc/stat").read_text().splitlines()
        ticks = os.sysconf("SC_CLK_TCK")
    except (OSError, AttributeError, ValueError):
        return None
    busy = 0
    for line in lines:
        name, *fields = line.split()
        if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cpus:
            user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in fields[:7])
            busy += user + nice + system + irq + softirq
    return busy / ticks


def adapt_threads(clock: Callable[[], float] = time.monotonic) -> int:
    """Apply the CPU-thread policy (:func:`thread_policy`) and return the thread count in force.

    Training loops call this every step, so it only looks at the machine every ``CHECK_EVERY_S`` seconds (one
    clock read otherwise). The load of *other* processes over the last interval is the machine's CPU time minus
    this process's own. ``GANEDU_THREADS=fixed`` turns the policy off (benchmarks compare with it), and where the
    load cannot be read (not Linux) the thread count stays as it is. The count is set for the calling thread
    (OpenMP keeps one per thread), which is why training loops call this from the thread that trains.
    """
    probe, now = _probe(), clock()
    if now - probe.wall < CHECK_EVERY_S or getattr(_LOCAL, "pinned", False):
        return torch.get_num_threads()
    if os.environ.get("GANEDU_THREADS", "auto").strip().lower() == "fixed":
        probe.wall = now
        return torch.get_num_threads()
    machine, own = _machine_cpu_seconds(), time.process_time()
    last_wall, last_machine, last_own = probe.wall, probe.machine, probe.own
    probe.wall, probe.machine, probe.own = now, machine, own
    current = torch.get_num_threads()
    if machine is None or last_machine is None or not math.isfinite(last_wall):
        return current  # first look, or no way to read the load: nothing to compare with yet
    other = max(0.0, (machine - last_machine) - (own - last_own)) / max(now - last_wall, 1e-9)  # in cores
    threads = thread_policy(cpu_cores(), other, current)
    if threads != current:
        torch.set_num_threads(threads)
    return threads
