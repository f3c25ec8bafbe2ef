"""The trainer: Algorithm 1 of Goodfellow et al. (2014) — k discriminator steps, then one generator step.

One ``Trainer`` runs on the CPU, on Apple's MPS or on CUDA. Its knobs (``k``, ``lr_d``, ``lr_g``, ``loss``) may be
set at any moment from any thread; a setter only validates and records, and ``step()`` reads every knob once at
its start, so a change shows in ``history`` at the next step.

Two paths compute the same update:
- eager: float learning rates, PyTorch's default Adam;
- fast (default on CUDA and the CPU): learning rates live in device tensors updated in place, fused Adam, and on
  CUDA one captured graph for a D step and one per generator loss for (last D step + G step + metrics record); a step
  replays the D graph k - 1 times, then that one, so no knob ever forces a re-capture. Metrics stay on the
  device and are read back every ``sync_every`` steps, not every step.
On the CPU, ``fast=True`` runs the same step functions without graph capture; ``tests/test_train.py`` checks that
it computes the same losses as the eager path.
"""

from __future__ import annotations

import copy
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn

from . import losses
from .config import pick_device, quick
from .messages import msg

COLUMNS = ("step", "k", "lr_d", "lr_g", "loss", "d_loss", "g_loss", "d_real", "d_fake", "time")
_STATS = 4  # device-side metrics per step: d_loss, d_real, d_fake (last D step), g_loss


@dataclass(frozen=True)
class TrainConfig:
    """Starting settings of a run. The knobs among them (k, lr_d, lr_g, loss) stay changeable on the Trainer."""

    batch_size: int = 64  # minibatch m of Algorithm 1; 64 is the classic MNIST-tutorial value
    k: int = 1  # D steps per G step; Goodfellow et al. (2014) used k = 1 in their experiments
    lr_d: float = 2e-4  # Adam step size for D; 2e-4 with beta1 = 0.5 is the DCGAN recipe (Radford et al. 2016)
    lr_g: float = 2e-4  # Adam step size for G; same DCGAN recipe
    betas: tuple[float, float] = (0.5, 0.999)  # beta1 = 0.5: DCGAN found the default 0.9 made training oscillate
    loss: str = "nonsaturating"  # G loss; "minimax" has vanishing gradients when D wins (Goodfellow et al. 2014)
    seed: int | None = 0  # seeds the trainer's own random generator (batches, noise); None = fresh randomness
    device: str = "auto"  # "auto" picks CUDA, then MPS, then the CPU
    fast: bool | None = None  # None: fast path on CUDA (graphs) and CPU (fused Adam, ~1.3x); eager on MPS
    tf32: bool = True  # CUDA graphs capture TensorFloat-32 GEMMs (Ampere+): ~2x faster, 10-bit mantissa is ample here
    n_samples: int = 64  # size of the fixed-noise sample grid (8 x 8)
    sync_every: int = 50  # read device metrics back every N steps (a host sync costs ~10-50 us on a GPU)
    snapshot_every: int = 200  # keep an in-memory copy of the last good state every N steps (for NaN recovery)


class History:
    """Per-generator-step records: a list of dict rows with the keys in ``COLUMNS``."""

    def __init__(self, rows: Iterable[dict] | None = None) -> None:
        self.rows: list[dict] = list(rows or [])

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, column: str) -> list:
        """One column as a list, e.g. ``history["g_loss"]``."""
        if column not in COLUMNS:
            raise KeyError(f"history has no column {column!r}; columns are {', '.join(COLUMNS)}")
        return [r[column] for r in self.rows]

    def last(self) -> dict | None:
        return self.rows[-1] if self.rows else None

    def to_dict(self) -> dict[str, list]:
        """Columns as lists: JSON-ready and loadable with ``weights_only=True``."""
        return {c: self[c] for c in COLUMNS}

    @classmethod
    def from_dict(cls, columns: dict[str, list]) -> History:
        n = len(columns.get("step", []))
        return cls({c: columns[c][i] for c in COLUMNS} for i in range(n))

    def __repr__(self) -> str:
        return f"History({len(self)} steps, last={self.last()})"


def every(n: int, fn: Callable[[Trainer], None]) -> Callable[[Trainer], None]:
    """A callback that calls ``fn(trainer)`` every ``n`` steps."""
    _check_positive_int("n", n)
    return lambda trainer: fn(trainer) if trainer.step_count % n == 0 else None


def _check_positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(msg("bad_steps", name=name, value=value))
    return value


def _check_lr(name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = float("nan")
    if isinstance(value, bool) or not (math.isfinite(v) and v > 0):
        raise ValueError(msg("bad_lr", name=name, value=value))
    return v


def _check_k(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(msg("bad_k", value=value))
    return value


def _check_loss(value) -> str:
    if value not in losses.G_LOSSES:
        raise ValueError(msg("bad_loss", value=value, choices=", ".join(losses.G_LOSSES)))
    return value


class Trainer:
    """Trains ``generator`` against ``discriminator`` on ``data`` (N, ...) float32 in the generator's range.

    ``d_loss(real_logits, fake_logits)`` is D's loss; ``d_penalty(critic, real, fake)``, if given, is added to it
    (WGAN-GP, R1); ``labels`` (N,) makes the run conditional. A GAN variant changes these, never the loop.
    """

    def __init__(
        self,
        generator: nn.Module,
        discriminator: nn.Module,
        data: Tensor,
        config: TrainConfig | None = None,
        *,
        d_loss: Callable[[Tensor, Tensor], Tensor] = losses.d_loss_bce,
        d_penalty: Callable[[Callable[[Tensor], Tensor], Tensor, Tensor], Tensor] | None = None,
        labels: Tensor | None = None,
    ) -> None:
        cfg = config or TrainConfig()
        if not isinstance(data, Tensor) or data.ndim < 2 or data.shape[0] == 0:
            raise ValueError("data must be a tensor of shape (N, ...) with N >= 1 samples, e.g. ge.mnist()[0]")
        _check_positive_int("batch_size", cfg.batch_size)
        _check_positive_int("sync_every", cfg.sync_every)
        _check_positive_int("snapshot_every", cfg.snapshot_every)
        self.config = cfg
        self.device = pick_device(cfg.device)
        self.fast = (self.device.type in ("cuda", "cpu")) if cfg.fast is None else bool(cfg.fast)
        self.graphs = self.fast and self.device.type == "cuda"  # CUDA graphs need a CUDA device
        self.G = generator.to(self.device).train()
        self.D = discriminator.to(self.device).train()
        self.d_loss_fn = d_loss
        self.d_penalty = d_penalty  # added to D's loss: fn(critic, real, fake), critic(x) -> logits (B, 1)
        self._joint_d = not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in discriminator.modules())
        self.latent_dim = int(generator.latent_dim)
        self.data = data.detach().to(self.device, torch.float32).contiguous()  # resident: no DataLoader, no PIL
        # class labels (N,) turn on conditional training: G(z, y) and D(x, y) (see ganedu.models' conditional pair)
        self.labels = None if labels is None else labels.detach().to(self.device, torch.long)
        if self.labels is not None and self.labels.shape != (self.data.shape[0],):
            raise ValueError(f"labels must have shape ({self.data.shape[0]},) to match data, got {tuple(labels.shape)}")
        self.num_classes = 0 if self.labels is None else int(self.labels.max()) + 1

        # knobs: validated here, read once per step()
        self._k = _check_k(cfg.k)
        self._lr_d = _check_lr("lr_d", cfg.lr_d)
        self._lr_g = _check_lr("lr_g", cfg.lr_g)
        self._loss = _check_loss(cfg.loss)

        seed = cfg.seed if cfg.seed is not None else int(torch.seed() % 2**63)
        self._gen = torch.Generator(device=self.device)
        self._gen.manual_seed(seed)
        # fixed noise from a CPU generator, so the grid shows the same z on every device
        cpu_gen = torch.Generator().manual_seed(seed + 1)
        self.fixed_noise = torch.randn(cfg.n_samples, self.latent_dim, generator=cpu_gen).to(self.device)
        self.fixed_labels = torch.arange(cfg.n_samples, device=self.device) % max(self.num_classes, 1)

        self.opt_d = self._adam(self.D, self._lr_d)
        self.opt_g = self._adam(self.G, self._lr_g)
        self._applied = (self._lr_d, self._lr_g)  # learning rates currently inside the optimizers

        # device-side metrics: static outputs of the step functions and a ring of unread rows
        self._dstat = torch.zeros(3, device=self.device)  # d_loss, d_real, d_fake of the latest D step
        self._gstat = torch.zeros(1, device=self.device)  # g_loss of the latest G step
        self._buf = torch.zeros(cfg.sync_every, _STATS, device=self.device)
        self._slot = torch.zeros(1, dtype=torch.long, device=self.device)
        self._pending: list[dict] = []  # host halves of rows whose numbers are still on the device
        self._graph_cache: dict[str, torch.cuda.CUDAGraph] = {}

        self._history = History()
        self.step_count = 0
        self.status: str | None = None  # set when training had to stop (non-finite loss)
        self._elapsed = 0.0  # seconds of training before the current train() call
        self._t0: float | None = None
        self._stop = threading.Event()
        self._lock = threading.RLock()  # one step or flush at a time, whichever thread asks
        self.lock = self._lock  # public: hold it to read G and D consistently while another thread trains
        self._initial = self._snapshot()  # for reset()
        self._good = self._initial
        self._good_step = 0

    # ----- knobs -------------------------------------------------------------------------------------------------
    @property
    def k(self) -> int:
        """Discriminator steps per generator step (>= 1)."""
        return self._k

    @k.setter
    def k(self, value: int) -> None:
        self._k = _check_k(value)

    @property
    def lr_d(self) -> float:
        """Discriminator learning rate (> 0)."""
        return self._lr_d

    @lr_d.setter
    def lr_d(self, value: float) -> None:
        self._lr_d = _check_lr("lr_d", value)

    @property
    def lr_g(self) -> float:
        """Generator learning rate (> 0)."""
        return self._lr_g

    @lr_g.setter
    def lr_g(self, value: float) -> None:
        self._lr_g = _check_lr("lr_g", value)

    @property
    def loss(self) -> str:
        """Generator loss name: "nonsaturating" or "minimax"."""
        return self._loss

    @loss.setter
    def loss(self, value: str) -> None:
        self._loss = _check_loss(value)

    # ----- the two players -----------------------------------------------------------------------------------------
    def _adam(self, net: nn.Module, lr: float) -> torch.optim.Adam:
        params = [p for p in net.parameters() if p.requires_grad]
        if self.fast:  # tensor lr: changed in place with fill_, read by the captured kernels
            return torch.optim.Adam(params, lr=torch.tensor(lr, device=self.device), betas=self.config.betas,
                                    fused=True, capturable=self.graphs)
        return torch.optim.Adam(params, lr=lr, betas=self.config.betas)

    def _batch(self) -> tuple[Tensor, Tensor | None]:
        """A minibatch of real samples (B, ...) and their labels (B,) or None, drawn with replacement on the device."""
        idx = torch.randint(0, self.data.shape[0], (self.config.batch_size,), device=self.device,
                            generator=self._gen)
        return self.data[idx], (None if self.labels is None else self.labels[idx])

    def _noise(self, n: int | None = None) -> Tensor:
        """z ~ N(0, I): (B, latent_dim)."""
        return torch.randn(n or self.config.batch_size, self.latent_dim, device=self.device, generator=self._gen)

    def _fake_labels(self) -> Tensor | None:
        """Labels to ask a conditional G for: drawn from the data's own labels, so class frequencies match."""
        if self.labels is None:
            return None
        return self._batch()[1]

    def _g(self, z: Tensor, y: Tensor | None) -> Tensor:
        return self.G(z) if y is None else self.G(z, y)

    def _d(self, x: Tensor, y: Tensor | None) -> Tensor:
        return self.D(x) if y is None else self.D(x, y)

    def _d_update(self) -> None:
        """One D step: descend L_D (+ penalty) on a fresh real batch and a fresh fake batch (G frozen)."""
        self.opt_d.zero_grad(set_to_none=True)
        real, y_real = self._batch()
        y_fake = self._fake_labels()
        with torch.no_grad():
            fake = self._g(self._noise(), y_fake)
        if self._joint_d:  # one D pass over (2B, ...): same result without BatchNorm, half the kernel launches
            y = None if y_real is None else torch.cat([y_real, y_fake])
            real_logits, fake_logits = self._d(torch.cat([real, fake]), y).split(real.shape[0])
        else:  # BatchNorm in D: real and fake batches keep separate statistics
            real_logits, fake_logits = self._d(real, y_real), self._d(fake, y_fake)
        loss = self.d_loss_fn(real_logits, fake_logits)
        if self.d_penalty is not None:  # e.g. WGAN-GP's gradient penalty or R1: fn(critic, real, fake) -> scalar
            loss = loss + self.d_penalty(lambda x: self._d(x, y_real), real, fake)
        loss.backward()
        self.opt_d.step()
        self._dstat.copy_(torch.stack([loss.detach(), losses.d_of(real_logits.detach()),
                                       losses.d_of(fake_logits.detach())]))

    def _g_update(self, loss_name: str) -> None:
        """One G step: descend the generator loss on fresh noise; D's weights get no gradient."""
        self.opt_g.zero_grad(set_to_none=True)
        self.D.requires_grad_(False)  # no wasted D weight-gradients in the G step
        y = self._fake_labels()
        loss = losses.G_LOSSES[loss_name](self._d(self._g(self._noise(), y), y))
        loss.backward()
        self.D.requires_grad_(True)
        self.opt_g.step()
        self._gstat.copy_(loss.detach().view(1))

    def _record_update(self) -> None:
        """Append (d_loss, d_real, d_fake, g_loss) to the device ring; no host sync."""
        row = torch.cat([self._dstat, self._gstat]).view(1, _STATS)
        self._buf.index_copy_(0, self._slot, row)
        self._slot.add_(1)

    def _last_d_g_record(self, loss_name: str) -> None:
        """The last D step, the G step and the metrics record: one graph, so k = 1 costs one replay per step."""
        self._d_update()
        self._g_update(loss_name)
        self._record_update()

    def _run(self, name: str, fn: Callable[[], None]) -> None:
        """Run a step function: eagerly, or by replaying its CUDA graph (captured on first use)."""
        if not self.graphs:
            fn()
            return
        graph = self._graph_cache.get(name)
        if graph is None:
            graph = self._capture(name, fn)
        graph.replay()

    def _capture(self, name: str, fn: Callable[[], None]) -> torch.cuda.CUDAGraph:
        """Warm up ``fn`` on a side stream, undo the warm-up, then capture it as a CUDA graph."""
        saved, rng = self._snapshot(), self._gen.get_state()
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):  # builds optimizer state and cuBLAS workspaces outside the capture
                fn()
        torch.cuda.current_stream().wait_stream(side)
        self._restore(saved)  # warm-up steps must not count as training
        self._gen.set_state(rng)
        graph = torch.cuda.CUDAGraph()
        graph.register_generator_state(self._gen)
        tf32 = torch.backends.cuda.matmul.allow_tf32
        torch.backends.cuda.matmul.allow_tf32 = bool(self.config.tf32)  # baked into the captured kernels only
        try:
            with torch.cuda.graph(graph):
                fn()
        finally:
            torch.backends.cuda.matmul.allow_tf32 = tf32
        self._graph_cache[name] = graph
        return graph

    def d_step(self) -> None:
        """One discriminator update (public so a lesson can step D alone)."""
        with self._lock:
            self._apply_lrs(self._lr_d, self._lr_g)
            self._run("d", self._d_update)

    def g_step(self) -> None:
        """One generator update with the current loss (public so a lesson can step G alone)."""
        with self._lock:
            self._apply_lrs(self._lr_d, self._lr_g)
            loss_name = self._loss
            self._run(f"g:{loss_name}", lambda: self._g_update(loss_name))

    def _apply_lrs(self, lr_d: float, lr_g: float) -> None:
        """Move changed learning rates into the optimizers: in place for tensors, so graphs stay valid."""
        if (lr_d, lr_g) == self._applied:
            return
        for opt, lr in ((self.opt_d, lr_d), (self.opt_g, lr_g)):
            for group in opt.param_groups:
                if isinstance(group["lr"], Tensor):
                    group["lr"].fill_(lr)
                else:
                    group["lr"] = lr
        self._applied = (lr_d, lr_g)

    def step(self) -> None:
        """Algorithm 1, one iteration: k D steps, one G step, one history row. Knobs are read once, here."""
        with self._lock:
            if self._t0 is None:
                self._t0 = time.perf_counter() - self._elapsed
            k, lr_d, lr_g, loss_name = self._k, self._lr_d, self._lr_g, self._loss
            self._apply_lrs(lr_d, lr_g)
            if self.graphs and "d" not in self._graph_cache:  # capture it now, so a later k > 1 captures nothing
                self._capture("d", self._d_update)
            for _ in range(k - 1):
                self._run("d", self._d_update)
            self._run(f"dg:{loss_name}", lambda: self._last_d_g_record(loss_name))
            self.step_count += 1
            self._pending.append({"step": self.step_count, "k": k, "lr_d": lr_d, "lr_g": lr_g, "loss": loss_name,
                                  "time": time.perf_counter() - self._t0})
            if len(self._pending) >= self.config.sync_every:
                self.flush()

    # ----- metrics, divergence, snapshots --------------------------------------------------------------------------
    def flush(self) -> None:
        """Read pending metrics back from the device (one sync), check them, keep or restore a snapshot."""
        with self._lock:
            if not self._pending:
                return
            n = len(self._pending)
            values = self._buf[:n].tolist()  # the only host sync of the fast path
            self._slot.zero_()
            pending, self._pending = self._pending, []
            for host, (d_loss, d_real, d_fake, g_loss) in zip(pending, values):
                host.update(d_loss=d_loss, g_loss=g_loss, d_real=d_real, d_fake=d_fake)
            bad = next((r for r in pending if not (math.isfinite(r["d_loss"]) and math.isfinite(r["g_loss"]))), None)
            if bad is not None:
                self._diverged(bad, pending)
                return
            self._history.rows.extend(pending)
            if self.step_count - self._good_step >= self.config.snapshot_every:
                self._good, self._good_step = self._snapshot(), self.step_count

    def _diverged(self, bad: dict, pending: list[dict]) -> None:
        which = "discriminator" if not math.isfinite(bad["d_loss"]) else "generator"
        value = bad["d_loss"] if which == "discriminator" else bad["g_loss"]
        self._history.rows.extend(r for r in pending if r["step"] < bad["step"])
        self._restore(self._good)
        self.status = msg("nonfinite", step=bad["step"], which=which, value=value, restored=self._good_step)
        # the restored weights are those of step _good_step: drop the rows after it, so history matches the model
        self._history.rows = [r for r in self._history.rows if r["step"] <= self._good_step]
        self.step_count = self._good_step
        self._stop.set()

    def _state_tensors(self) -> dict[str, Tensor]:
        """Every tensor that training changes, by a stable name (net entries, then optimizer state)."""
        out = {"slot": self._slot}  # the metrics ring index: a capture's warm-up must not move it
        out.update({f"G.{k}": v for k, v in self.G.state_dict().items()})
        out.update({f"D.{k}": v for k, v in self.D.state_dict().items()})
        for o, opt in (("opt_g", self.opt_g), ("opt_d", self.opt_d)):
            params = [p for group in opt.param_groups for p in group["params"]]
            for i, p in enumerate(params):
                for name, v in opt.state.get(p, {}).items():
                    if isinstance(v, Tensor):
                        out[f"{o}.{i}.{name}"] = v
        return out

    def _snapshot(self) -> dict[str, Tensor]:
        return {name: t.detach().clone() for name, t in self._state_tensors().items()}

    def _restore(self, snap: dict[str, Tensor]) -> None:
        """Copy a snapshot back in place (graphs keep their tensor addresses). Missing optimizer state -> zeros."""
        with torch.no_grad():
            for name, dst in self._state_tensors().items():
                if name in snap:
                    dst.copy_(snap[name])
                else:
                    dst.zero_()  # optimizer state born after the snapshot: fresh Adam state is all zeros

    # ----- running ---------------------------------------------------------------------------------------------------
    def train(
        self,
        steps: int | None = None,
        max_seconds: float | None = None,
        callbacks: Iterable[Callable[[Trainer], None]] = (),
    ) -> History:
        """Run ``step()`` until ``steps`` more steps, ``max_seconds`` of training, or ``request_stop()``."""
        if steps is not None:
            _check_positive_int("steps", steps)
        if max_seconds is not None and not (float(max_seconds) > 0):
            raise ValueError(msg("bad_seconds", value=max_seconds))
        if steps is None and max_seconds is None:
            steps = quick(1000, 20)
        callbacks = list(callbacks)
        self._stop.clear()
        self.status = None
        start, done = time.perf_counter(), 0
        try:
            while not self._stop.is_set():
                if steps is not None and done >= steps:
                    break
                if max_seconds is not None and time.perf_counter() - start >= max_seconds:
                    break
                self.step()
                done += 1
                for cb in callbacks:
                    cb(self)
        finally:
            self.flush()
            self._pause_clock()
        return self.history

    def _pause_clock(self) -> None:
        if self._t0 is not None:
            self._elapsed = time.perf_counter() - self._t0
            self._t0 = None

    def request_stop(self) -> None:
        """Ask a running ``train()`` to stop; it returns after the step in progress (any thread may call this)."""
        self._stop.set()

    @property
    def history(self) -> History:
        """All recorded steps (reading it flushes metrics still on the device)."""
        self.flush()
        return self._history

    @property
    def seconds(self) -> float:
        """Seconds spent training so far."""
        return self._elapsed if self._t0 is None else time.perf_counter() - self._t0

    @torch.no_grad()
    def samples(self, n: int | None = None, noise: Tensor | None = None, labels: Tensor | None = None) -> Tensor:
        """Generator outputs (eval mode) for the fixed noise (or ``noise``), as a CPU tensor.

        A conditional generator gets ``labels`` (default: the fixed labels, 0, 1, ..., 9, 0, ... in grid order).
        """
        with self._lock:
            z = self.fixed_noise[: n or len(self.fixed_noise)] if noise is None else noise.to(self.device)
            y = None
            if self.labels is not None:
                y = self.fixed_labels[: len(z)] if labels is None else torch.as_tensor(labels).to(self.device)
            was_training = self.G.training
            self.G.eval()
            out = self._g(z, y).float().cpu()
            self.G.train(was_training)
            return out

    def generate(self, n: int, batch: int = 1000, labels: Tensor | None = None) -> Tensor:
        """``n`` fresh samples (eval mode) on the CPU, drawn in batches with a separate random generator.

        A conditional generator gets ``labels`` (n,), default: classes in turn (0, 1, ..., 9, 0, ...).
        """
        gen = torch.Generator(device=self.device).manual_seed(12345)
        if self.labels is not None and labels is None:
            labels = torch.arange(n) % self.num_classes
        chunks = []
        for i in range(0, n, batch):
            z = torch.randn(min(batch, n - i), self.latent_dim, device=self.device, generator=gen)
            chunks.append(self.samples(noise=z, labels=None if labels is None else labels[i: i + len(z)]))
        return torch.cat(chunks)

    def reset(self) -> None:
        """Back to the weights, optimizer state and random stream of construction; history cleared."""
        with self._lock:
            self._pending = []
            self._slot.zero_()
            self._restore(self._initial)
            self._good, self._good_step = self._initial, 0
            self._history = History()
            self.step_count, self._elapsed, self._t0, self.status = 0, 0.0, None, None
            seed = self.config.seed if self.config.seed is not None else int(torch.seed() % 2**63)
            self._gen.manual_seed(seed)

    # ----- checkpoints ------------------------------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """Everything needed to continue this run: nets, optimizers, knobs, step, history, noise, RNG state."""
        with self._lock:
            self.flush()
            return {
                "generator": self.G.state_dict(),
                "discriminator": self.D.state_dict(),
                "opt_g": _plain_lrs(self.opt_g.state_dict()),
                "opt_d": _plain_lrs(self.opt_d.state_dict()),
                "knobs": {"k": self._k, "lr_d": self._lr_d, "lr_g": self._lr_g, "loss": self._loss},
                "step": self.step_count,
                "seconds": self.seconds,
                "history": self._history.to_dict(),
                "fixed_noise": self.fixed_noise.cpu(),
                "rng": self._gen.get_state(),
                "config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self.config).items()},
            }

    def load_state_dict(self, state: dict) -> None:
        """Continue a saved run: same weights, optimizer moments, knobs, step count, history and noise."""
        with self._lock:
            self._pending = []
            self._slot.zero_()
            self.G.load_state_dict(state["generator"])
            self.D.load_state_dict(state["discriminator"])
            for opt, key in ((self.opt_g, "opt_g"), (self.opt_d, "opt_d")):
                lr_tensors = [g["lr"] for g in opt.param_groups]
                opt.load_state_dict(copy.deepcopy(state[key]))
                for group, t in zip(opt.param_groups, lr_tensors):
                    group["lr"] = t  # keep our own lr tensors (graphs read them) or floats
            knobs = state["knobs"]
            self.k, self.lr_d, self.lr_g, self.loss = knobs["k"], knobs["lr_d"], knobs["lr_g"], knobs["loss"]
            self._applied = (None, None)  # force the saved learning rates into the optimizers
            self._apply_lrs(self._lr_d, self._lr_g)
            self.step_count = int(state["step"])
            self._elapsed, self._t0 = float(state.get("seconds", 0.0)), None
            self._history = History.from_dict(state["history"])
            self.fixed_noise = state["fixed_noise"].to(self.device)
            try:
                self._gen.set_state(state["rng"])
            except RuntimeError:  # saved on another device type (a CUDA run resumed on a CPU): a new, seeded stream
                self._gen.manual_seed((self.config.seed or 0) + self.step_count)
            self._graph_cache.clear()  # new optimizer-state tensors: capture again on next use
            self._good, self._good_step = self._snapshot(), self.step_count
            self.status = None


def _plain_lrs(opt_state: dict) -> dict:
    """Optimizer state with learning-rate tensors turned into floats, so a CPU trainer can load a GPU run."""
    out = dict(opt_state)
    out["param_groups"] = [
        {k: (float(v) if k == "lr" and isinstance(v, Tensor) else v) for k, v in g.items()}
        for g in opt_state["param_groups"]
    ]
    return out
