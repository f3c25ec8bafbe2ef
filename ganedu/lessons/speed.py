"""Speed measurements: the classic tutorial loop, re-implemented faithfully, against ganedu's trainer.

The classic loop is the one of PyTorch-GAN's ``implementations/gan/gan.py`` (Linder-Norén): a map-style dataset
that builds a PIL image per digit, ToTensor + Normalize per item, a DataLoader with the default 0 worker processes
(the main process builds every batch), noise drawn with NumPy on the host, a sigmoid + BCELoss, one G step then one
D step that reuses the same fakes, and two ``.item()`` calls plus a formatted log line every step. (The official
PyTorch DCGAN tutorial differs: it draws noise on the device, loads with 2 worker processes and updates D first;
it also reads ``.item()`` every step.) It uses the *same* networks, batch and optimizer as ours, so the ratio
measures the loop, not the model. Timings are medians of windows, synchronised at the edges. Results recorded on
other machines are read from ``benchmarks/speed_recorded.json`` (:func:`recorded`), never kept in code.
"""

from __future__ import annotations

import io
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn

from .. import models
from ..config import pick_device, quick, seeded
from ..messages import msg
from ..train import TrainConfig, Trainer


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


class PILDigits(torch.utils.data.Dataset):
    """Like torchvision's MNIST: one PIL image per item, then the transforms (ToTensor, Normalize(0.5, 0.5))."""

    def __init__(self, images_uint8: np.ndarray) -> None:
        from torchvision import transforms

        self.images = images_uint8  # (N, 28, 28) uint8
        self.transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize([0.5], [0.5])])

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int) -> tuple[Tensor, int]:
        from PIL import Image

        return self.transform(Image.fromarray(self.images[i], mode="L")), 0


class ClassicLoop:
    """The tutorial loop, one ``step()`` per batch. Networks are ours; D gets a sigmoid for BCELoss as there."""

    def __init__(self, G: nn.Module, D: nn.Module, images: Tensor, batch_size: int = 64, lr: float = 2e-4,
                 device: str | torch.device = "cpu", workers: int = 0) -> None:
        self.device = torch.device(device)
        self.G, self.D = G.to(self.device), nn.Sequential(D, nn.Sigmoid()).to(self.device)
        pixels = ((images[:, 0] + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).numpy()
        self.loader = torch.utils.data.DataLoader(PILDigits(pixels), batch_size=batch_size, shuffle=True,
                                                  num_workers=workers, drop_last=True)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=lr, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=lr, betas=(0.5, 0.999))
        self.bce = nn.BCELoss()
        self.latent = G.latent_dim
        self.log = io.StringIO()  # the per-step print goes here instead of flooding the terminal
        self._it = iter(self.loader)
        self.steps = 0

    def _next(self) -> Tensor:
        try:
            return next(self._it)[0]
        except StopIteration:
            self._it = iter(self.loader)
            return next(self._it)[0]

    def load_batch(self) -> None:
        """Only the data part of a step: one batch through PIL, ToTensor and Normalize (to time it alone)."""
        self._next()

    def step(self) -> None:
        """One tutorial step: G's update on fresh fakes, then D's on the real batch and the same fakes."""
        imgs = self._next()
        real = imgs.to(self.device)
        valid = torch.ones(imgs.size(0), 1, device=self.device)
        fake = torch.zeros(imgs.size(0), 1, device=self.device)
        z = torch.tensor(np.random.normal(0, 1, (imgs.shape[0], self.latent)), dtype=torch.float32,
                         device=self.device)
        self.opt_g.zero_grad()
        gen_imgs = self.G(z)
        g_loss = self.bce(self.D(gen_imgs), valid)
        g_loss.backward()
        self.opt_g.step()
        self.opt_d.zero_grad()
        real_loss = self.bce(self.D(real), valid)
        fake_loss = self.bce(self.D(gen_imgs.detach()), fake)
        d_loss = (real_loss + fake_loss) / 2
        d_loss.backward()
        self.opt_d.step()
        self.steps += 1
        # the tutorials' log line, verbatim (it goes to self.log, nobody reads it; what is timed is its two syncs)
        print(f"[Batch {self.steps}] [D loss: {d_loss.item():f}] [G loss: {g_loss.item():f}]",  # msg-exempt: unread
              file=self.log)
        if self.log.tell() > 1 << 20:
            self.log.seek(0)
            self.log.truncate()


@dataclass
class Rate:
    """Steps per second over several timed windows."""

    median: float
    low: float
    high: float

    def __str__(self) -> str:
        return msg("speed_rate", median=self.median, low=self.low, high=self.high)


def steps_per_second(step: Callable[[], None], device: torch.device, warmup: int = 20, steps: int = 200,
                     windows: int = 5) -> Rate:
    """Run ``warmup`` steps, then ``windows`` windows of ``steps`` steps, synchronised at their edges."""
    for _ in range(warmup):
        step()
    _sync(device)
    rates = []
    for _ in range(windows):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        _sync(device)
        rates.append(steps / (time.perf_counter() - t0))
    return Rate(statistics.median(rates), min(rates), max(rates))


def trainer_rate(trainer: Trainer, warmup: int = 20, steps: int = 200, windows: int = 5) -> Rate:
    """Like ``steps_per_second`` for a Trainer, timing ``train(steps)`` (its own metric read-back included)."""
    trainer.train(warmup)
    rates = []
    for _ in range(windows):
        t0 = time.perf_counter()
        trainer.train(steps)  # ends with a flush: one host sync, so the window is fully counted
        rates.append(steps / (time.perf_counter() - t0))
    return Rate(statistics.median(rates), min(rates), max(rates))


def compare_loops(images: Tensor, model: str = "mlp", batch_size: int = 64, device: str | torch.device = "auto",
                  steps: int | None = None, windows: int = 3) -> dict:
    """Steps/s of the classic loop, ganedu eager and ganedu fast for one model and batch, in this process.

    Same networks (fresh, same seed), same batch and optimizer for all three. ``steps`` per timed window
    (default 100; 3 in quick mode). Returns a row for ``plot.speed_figure``.
    """
    dev = pick_device(device)
    steps = steps or quick(100, 3)
    warmup = max(3, steps // 5)
    row: dict = {"model": model, "batch": batch_size}
    with seeded(0):
        G, D = models.build(model)
    classic = ClassicLoop(G, D, images, batch_size=batch_size, device=dev)
    row["classic"] = steps_per_second(classic.step, dev, warmup, steps, windows).median
    row["data loading only"] = steps_per_second(classic.load_batch, dev, warmup, steps, windows).median
    for label, fast in (("ganedu eager", False), ("ganedu fast", True)):
        with seeded(0):
            G, D = models.build(model)
        trainer = Trainer(G, D, images, TrainConfig(batch_size=batch_size, device=str(dev), fast=fast))
        row[label] = trainer_rate(trainer, warmup, steps, windows).median
    return row


#: The recorded results: written by ``benchmarks/bench.py speed`` runs (commands, hardware and dates inside).
RECORDED_FILE = Path(__file__).resolve().parents[2] / "benchmarks" / "speed_recorded.json"


@dataclass
class RecordedRun:
    """One recorded benchmark run: where and how it was measured, and its rows for ``plot.speed_figure``."""

    hardware: str  # the machine, as the benchmark's header and RESULTS.md name it
    torch: str  # torch version of the run
    date: str  # ISO date of the run
    commands: list[str]  # the command lines that produced the rows
    rows: list[dict]  # {"model", "batch", "classic", "ganedu eager", "ganedu fast"}: steps per second

    def __str__(self) -> str:
        return msg("speed_recorded_header", hardware=self.hardware, torch=self.torch, date=self.date,
                   commands="\n  ".join(self.commands))

    def ratios(self, loop: str = "ganedu fast") -> list[float]:
        """``loop``'s speed-up over the classic loop, row by row (same process, so comparable)."""
        return [r[loop] / r["classic"] for r in self.rows]


def recorded(run: str = "h100", path: str | Path | None = None) -> RecordedRun:
    """The recorded run ``run`` ("h100" or "cpu2") of ``path`` (default :data:`RECORDED_FILE`)."""
    path = Path(path) if path is not None else RECORDED_FILE
    if not path.is_file():
        raise FileNotFoundError(msg("speed_no_recorded", path=path))
    runs = json.loads(path.read_text(encoding="utf-8"))["runs"]
    if run not in runs:
        raise KeyError(msg("speed_unknown_run", run=run, known=", ".join(sorted(runs))))
    r = runs[run]
    return RecordedRun(r["hardware"], r["torch"], r["date"], list(r["commands"]), list(r["rows"]))
