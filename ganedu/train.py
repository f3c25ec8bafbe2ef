"""The trainer: Algorithm 1 of Goodfellow et al. (2014) — k discriminator steps, then one generator step.

One ``Trainer`` runs on the CPU, on Apple's MPS or on CUDA. Its knobs (``k``, ``lr_d``, ``lr_g``, ``loss``) may be
set at any moment from any thread; a setter only validates and records, and ``step()`` reads every knob once at
its start, so a change shows in ``history`` at the next step.

Two paths compute the same update:
- eager: float learning rates, PyTorch's default Adam;
- fast (default on CUDA and the CPU): learning rates live in device tensors updated in place, fused Adam, and on
  CUDA captured graphs of the step functions (``ganedu.fastpath``). Metrics stay on the device and are read back
  every ``sync_every`` steps, not every step (``ganedu.metrics_ring``).
On the CPU, ``fast=True`` runs the same step functions without graph capture; ``tests/test_train.py`` checks that
it computes the same losses as the eager path. At every read-back the run is checked: a non-finite loss or weight
restores the last good state (``ganedu.snapshots``) and pauses with a message in ``status``.
With ``TrainConfig(ema=...)`` the trainer also keeps an average of G's weights (``ganedu.ema``), updated after every
G step, and samples from it (``Trainer.sampler``); G itself trains as before.
"""

from __future__ import annotations

import copy
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn

from . import config, losses, models
from .config import pick_device, quick
from .divergence import exploding, first_nonfinite_row, loss_cause, weights_cause
from .ema import EMA
from .fastpath import LearningRates, StepGraphs, adam
from .knobs import K_MAX, Knob, check_k, check_loss, check_lr, check_positive_int
from .messages import msg
from .metrics_ring import MetricsRing
from .progress import TrainingBar
from .snapshots import Snapshots, first_nonfinite, optimizer_tensors

__all__ = ["COLUMNS", "K_MAX", "History", "TrainConfig", "Trainer", "every"]

COLUMNS = ("step", "k", "lr_d", "lr_g", "loss", "d_loss", "g_loss", "d_real", "d_fake", "time")
OVERRUN_S = 1.0  # a step may finish this long past train()'s budget or a stop request; beyond, its D steps are cut


@dataclass(frozen=True)
class TrainConfig:
    """Starting settings of a run. The knobs among them (k, lr_d, lr_g, loss) stay changeable on the Trainer."""

    batch_size: int = 64  # minibatch m of Algorithm 1; 64 is the classic MNIST-tutorial value
    k: int = 1  # D steps per G step; Goodfellow et al. (2014) used k = 1 in their experiments
    lr_d: float = 2e-4  # Adam step size for D; 2e-4 with beta1 = 0.5 is the DCGAN recipe (Radford et al. 2016)
    lr_g: float = 2e-4  # Adam step size for G; same DCGAN recipe
    betas: tuple[float, float] = (0.5, 0.999)  # beta1 = 0.5: DCGAN found the default 0.9 made training oscillate
    loss: str = "nonsaturating"  # G loss; "minimax" has vanishing gradients when D wins (Goodfellow et al. 2014)
    ema: float | None = None  # decay of an average of G's weights to sample from (ganedu.ema); None: G itself
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
            raise KeyError(msg("train_bad_column", column=column, columns=", ".join(COLUMNS)))
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
    check_positive_int("n", n)
    return lambda trainer: fn(trainer) if trainer.step_count % n == 0 else None


class Trainer:
    """Trains ``generator`` against ``discriminator`` on ``data`` (N, ...) float32 in the generator's range.

    ``d_loss(real_logits, fake_logits)`` is D's loss; ``d_penalty(critic, real, fake)``, if given, is added to it
    (WGAN-GP, R1); ``labels`` (N,) makes the run conditional. A GAN variant changes these, never the loop.
    """

    k = Knob(check_k)  # discriminator steps per generator step, 1..K_MAX
    lr_d = Knob(check_lr("lr_d"))  # discriminator learning rate (> 0)
    lr_g = Knob(check_lr("lr_g"))  # generator learning rate (> 0)
    loss = Knob(check_loss)  # generator loss name, a key of losses.G_LOSSES

    # ----- Algorithm 1 -----------------------------------------------------------------------------------------------
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
        return None if self.labels is None else self._batch()[1]

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
        self._ring.set_d(loss, real_logits, fake_logits, fake)

    def _g_update(self, loss_name: str) -> None:
        """One G step: descend the generator loss on fresh noise; D's weights get no gradient."""
        self.opt_g.zero_grad(set_to_none=True)
        self.D.requires_grad_(False)  # no wasted D weight-gradients in the G step
        y = self._fake_labels()
        loss = losses.G_LOSSES[loss_name](self._d(self._g(self._noise(), y), y))
        loss.backward()
        self.D.requires_grad_(True)
        self.opt_g.step()
        self._ring.set_g(loss)

    def _last_d_g_record(self, loss_name: str) -> None:
        """The last D step, the G step and the metrics record: one graph, so k = 1 costs one replay per step."""
        self._d_update()
        self._g_update(loss_name)
        self._ring.record()

    def d_step(self) -> None:
        """One discriminator update (public so a lesson can step D alone)."""
        with self._lock:
            self._lrs.apply(self._lr_d, self._lr_g)
            self._steps.run("d", self._d_update)
            self._unchecked = True

    def g_step(self) -> None:
        """One generator update with the current loss (public so a lesson can step G alone)."""
        with self._lock:
            self._lrs.apply(self._lr_d, self._lr_g)
            loss_name = self._loss
            self._steps.run(f"g:{loss_name}", lambda: self._g_update(loss_name))
            if self.ema is not None:
                self.ema.update(self.G)
            self._unchecked = True

    def step(self) -> None:
        """Algorithm 1, one iteration: k D steps, one G step, one history row. Knobs are read once, here.

        Inside ``train()``, past its ``max_seconds`` or after ``request_stop()``, the remaining D steps are skipped
        if they would take more than ``OVERRUN_S`` longer, so a large k cannot overrun a time budget (or a Pause) by
        much; the row then records the D steps taken.
        """
        with self._lock:
            if self._t0 is None:
                self._t0 = time.perf_counter() - self._elapsed
            k, lr_d, lr_g, loss_name = self._k, self._lr_d, self._lr_g, self._loss
            self._lrs.apply(lr_d, lr_g)
            self._steps.ensure("d", self._d_update)  # capture it now, so a later k > 1 captures nothing
            d_steps, started = 1, time.perf_counter()  # the last D step runs with the G step below
            while d_steps < k and not self._skip_rest(d_done=d_steps - 1, d_left=k - d_steps, since=started):
                self._steps.run("d", self._d_update)
                d_steps += 1
            self._steps.run(f"dg:{loss_name}", lambda: self._last_d_g_record(loss_name))
            if self.ema is not None:  # eager, after the graph: averaging reads G's new weights
                self.ema.update(self.G)
            self.step_count += 1
            self._unchecked = True
            self._pending.append({"step": self.step_count, "k": d_steps, "lr_d": lr_d, "lr_g": lr_g,
                                  "loss": loss_name, "time": time.perf_counter() - self._t0})
            if len(self._pending) >= self.config.sync_every:
                self.flush()

    def train(
        self,
        steps: int | None = None,
        max_seconds: float | None = None,
        callbacks: Iterable[Callable[[Trainer], None]] = (),
        progress: bool | None = False,
        desc: str | None = None,
    ) -> History:
        """Run ``step()`` until ``steps`` more steps, ``max_seconds`` of training, or ``request_stop()``.

        ``progress``: a progress bar over the steps (``ganedu.progress``: True always, None in a notebook or on a
        terminal, False never, the default); ``desc`` is its label.
        """
        steps, max_seconds, callbacks = _check_run(steps, max_seconds, callbacks)
        bar = TrainingBar(steps, desc, progress) if progress is not False else None
        if bar is not None and not bar.off:  # a bar tqdm turned off costs no call per step
            callbacks = [bar, *callbacks]
        self._stop.clear()
        self.status = None
        self._deadline = None if max_seconds is None else time.perf_counter() + max_seconds
        self._running, done = True, 0
        try:
            while not self._cut_short() and (steps is None or done < steps):
                config.adapt_threads()  # the CPU-thread policy, in the thread that trains (rate-limited)
                self.step()
                done += 1
                for cb in callbacks:
                    cb(self)
        finally:
            self.flush()
            self._pause_clock()
            if bar is not None:  # after the clock: drawing the last losses is not training time
                bar.close(self)
            self._stop.clear()  # a stop request ends this run only
            self._running, self._deadline = False, None
            self._notify()
        return self.history

    def _cut_short(self) -> bool:
        """Whether a running train() should end: a stop request, or its time budget spent."""
        if not self._running:  # a step() called on its own always runs its k D steps
            return False
        return self._stop.is_set() or (self._deadline is not None and time.perf_counter() >= self._deadline)

    def _skip_rest(self, d_done: int, d_left: int, since: float) -> bool:
        """Whether a step should skip its ``d_left`` remaining D steps: train() must end and, at the pace of the
        ``d_done`` ones run since ``since``, they would take longer than ``OVERRUN_S``."""
        if not self._cut_short():
            return False
        seconds_per_d = (time.perf_counter() - since) / max(d_done, 1)
        return d_left * seconds_per_d > OVERRUN_S

    # ----- listeners: views that show this trainer (e.g. every dashboard on it) hear when it has moved -------------
    def add_listener(self, fn: Callable[[Trainer], None]) -> None:
        """Call ``fn(trainer)`` whenever a ``train()`` call ends, ``reset()`` or ``load_state_dict()`` ran, in the
        thread that did it. Held weakly (a bound method lives as long as its object), so a closed view is
        forgotten; an exception in a listener is swallowed, it never ends a run."""
        ref = weakref.WeakMethod(fn) if hasattr(fn, "__self__") else (lambda fn=fn: fn)
        with self._listeners_lock:
            self._listeners.append(ref)

    def _notify(self) -> None:
        with self._listeners_lock:
            self._listeners = [ref for ref in self._listeners if ref() is not None]
            fns = [ref() for ref in self._listeners]
        for fn in fns:
            if fn is not None:
                try:
                    fn(self)
                except Exception:  # noqa: BLE001, S110 - a broken view must never break training
                    pass

    def request_stop(self) -> None:
        """Ask a running ``train()`` to stop; it returns after the step in progress (any thread may call this)."""
        self._stop.set()

    # ----- setting up -------------------------------------------------------------------------------------------------
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
        cfg = _check_config(config or TrainConfig())
        self.config = cfg
        self.k, self.lr_d, self.lr_g, self.loss = cfg.k, cfg.lr_d, cfg.lr_g, cfg.loss  # checked by the Knobs
        data = _check_data(data)  # everything a learner passed is checked before anything moves or changes
        labels = None if labels is None else _check_labels(labels, data)
        self.latent_dim = _latent_dim(generator)
        _check_batchnorm_batch(cfg.batch_size, generator, discriminator)

        self.device = pick_device(cfg.device)
        self.fast = (self.device.type in ("cuda", "cpu")) if cfg.fast is None else bool(cfg.fast)
        self.graphs = self.fast and self.device.type == "cuda"  # CUDA graphs need a CUDA device
        self.G = generator.to(self.device).train()
        self.D = discriminator.to(self.device).train()
        # the average of G's weights that samples come from (TrainConfig.ema), updated after every G step
        self.ema = None if cfg.ema is None else EMA(self.G, decay=cfg.ema)
        self.d_loss_fn = d_loss
        self.d_penalty = d_penalty  # added to D's loss: fn(critic, real, fake), critic(x) -> logits (B, 1)
        self._joint_d = not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in discriminator.modules())
        self.data = data.to(self.device, torch.float32).contiguous()  # resident on the device: no DataLoader
        # class labels (N,) turn on conditional training: G(z, y) and D(x, y) (see ganedu.models' conditional pair)
        self.labels = None if labels is None else labels.to(self.device)
        self.num_classes = 0 if self.labels is None else int(self.labels.max()) + 1
        _check_generator_fits(self.G, self.data, self.labels, self.latent_dim)

        seed = cfg.seed if cfg.seed is not None else int(torch.seed() % 2**63)
        self._gen = torch.Generator(device=self.device)
        self._gen.manual_seed(seed)
        # fixed noise from a CPU generator, so the grid shows the same z on every device
        cpu_gen = torch.Generator().manual_seed(seed + 1)
        self.fixed_noise = torch.randn(cfg.n_samples, self.latent_dim, generator=cpu_gen).to(self.device)
        self.fixed_labels = torch.arange(cfg.n_samples, device=self.device) % max(self.num_classes, 1)

        self.opt_d = adam(self.D, self._lr_d, cfg.betas, self.fast, self.graphs, self.device)
        self.opt_g = adam(self.G, self._lr_g, cfg.betas, self.fast, self.graphs, self.device)
        self._lrs = LearningRates(self.opt_d, self.opt_g)
        self._lrs.apply(self._lr_d, self._lr_g)
        self._ring = MetricsRing(cfg.sync_every, self.device)
        self._pending: list[dict] = []  # host halves of rows whose numbers are still in the ring
        self._safety = Snapshots(self._state_tensors)
        self._steps = StepGraphs(self.graphs, bool(cfg.tf32), self._gen, self._safety)

        self._history = History()
        self.step_count = 0
        self.status: str | None = None  # set when training had to stop (non-finite loss or weights)
        self._warned = False  # the exploding-loss warning is given once per run
        self._unchecked = False  # the weights changed since the last finiteness check
        self._elapsed = 0.0  # seconds of training before the current train() call
        self._t0: float | None = None
        self._stop = threading.Event()
        self._running = False  # inside train(): its stop request and time budget may cut a step short
        self._deadline: float | None = None  # time.perf_counter() at which the running train() ends
        self._lock = threading.RLock()  # one step or flush at a time, whichever thread asks
        self.lock = self._lock  # public: hold it to read G and D consistently while another thread trains
        self._listeners: list[Callable[[], Callable | None]] = []  # weak references, see add_listener
        self._listeners_lock = threading.Lock()

    def _state_tensors(self) -> dict[str, Tensor]:
        """Every tensor that training changes, by a stable name (net entries, then optimizer state)."""
        out = {"slot": self._ring.slot}  # the metrics ring index: a capture's warm-up must not move it
        out.update({f"G.{k}": v for k, v in self.G.state_dict().items()})
        out.update({f"D.{k}": v for k, v in self.D.state_dict().items()})
        if self.ema is not None:
            out.update({f"E.{k}": v for k, v in self.ema.generator.state_dict().items()})
        out.update(optimizer_tensors("opt_g", self.opt_g))
        out.update(optimizer_tensors("opt_d", self.opt_d))
        return out

    # ----- reading back, checking, keeping a good state ---------------------------------------------------------------
    def flush(self) -> None:
        """Read pending metrics back from the device (one sync), check them and the weights, keep or restore a
        snapshot. A state is kept as good only if every loss, parameter and buffer is finite."""
        with self._lock:
            if self._pending and not self._read_back():
                return
            if not self._unchecked:
                return
            self._unchecked = False
            broken = first_nonfinite({"generator": self.G.state_dict(), "discriminator": self.D.state_dict()})
            if broken is not None:  # e.g. a NaN in a BatchNorm running average: the losses look fine
                self._diverged(weights_cause(self.step_count, *broken))
            elif self.step_count - self._safety.good_step >= self.config.snapshot_every:
                self._safety.keep(self.step_count)

    def _read_back(self) -> bool:
        """Move the pending rows into history; False (and training restored) at the first non-finite loss."""
        pending, self._pending = self._pending, []
        stats = self._ring.read(len(pending))
        for row, s in zip(pending, stats):
            row.update(d_loss=s["d_loss"], g_loss=s["g_loss"], d_real=s["d_real"], d_fake=s["d_fake"])
        bad = first_nonfinite_row(pending)
        self._warn_if_exploding(pending if bad is None else pending[: bad + 1])
        if bad is not None:
            self._history.rows.extend(pending[:bad])
            self._diverged(loss_cause(pending[bad], fakes_finite=stats[bad]["fakes_finite"] == 1))
            return False
        self._history.rows.extend(pending)
        return True

    def _diverged(self, status: Callable[[int], str]) -> None:
        """Back to the last good state; ``status(restored_step)`` tells the learner why. Stops a running train()."""
        restored = self._safety.back_to_good()
        self._ring.clear()
        self._unchecked = False  # the restored state passed the checks when it was kept
        self.status = status(restored)
        # the restored weights are those of step `restored`: drop the rows after it, so history matches the model
        self._history.rows = [r for r in self._history.rows if r["step"] <= restored]
        self.step_count = restored
        self._stop.set()

    def _warn_if_exploding(self, rows: list[dict]) -> None:
        text = None if self._warned else exploding(rows)
        if text is not None:
            self._warned = True  # once per run: a dashboard calls train() again and again
            warnings.warn(text, RuntimeWarning, stacklevel=4)

    # ----- results ----------------------------------------------------------------------------------------------------
    @property
    def history(self) -> History:
        """All recorded steps (reading it flushes metrics still on the device)."""
        self.flush()
        return self._history

    @property
    def seconds(self) -> float:
        """Seconds spent training so far."""
        return self._elapsed if self._t0 is None else time.perf_counter() - self._t0

    @property
    def captured_graphs(self) -> int:
        """How many CUDA graphs this trainer has captured (0 off the CUDA fast path); turning knobs adds none."""
        return len(self._steps)

    def _pause_clock(self) -> None:
        if self._t0 is not None:
            self._elapsed = time.perf_counter() - self._t0
            self._t0 = None

    @torch.no_grad()
    def samples(self, n: int | None = None, noise: Tensor | None = None, labels: Tensor | None = None) -> Tensor:
        """Outputs of :attr:`sampler` (eval mode) for the fixed noise (or ``noise``), as a CPU tensor.

        A conditional generator gets ``labels`` (default: the fixed labels, 0, 1, ..., 9, 0, ... in grid order).
        """
        G = self.sampler
        with self._lock, models.evaluating(G):
            z = self.fixed_noise[: n or len(self.fixed_noise)] if noise is None else noise.to(self.device)
            if self.labels is None:
                return G(z).float().cpu()
            y = self.fixed_labels[: len(z)] if labels is None else torch.as_tensor(labels).to(self.device)
            return G(z, y).float().cpu()

    def generate(self, n: int, batch: int = 1000, labels: Tensor | None = None) -> Tensor:
        """``n`` fresh samples of :attr:`sampler` (eval mode) on the CPU, from noise of a separate seeded generator
        (``models.sample``).

        A conditional generator gets ``labels`` (n,), default: classes in turn (0, 1, ..., 9, 0, ...).
        """
        if self.labels is not None and labels is None:
            labels = torch.arange(n) % self.num_classes
        with self._lock:
            return models.sample(self.sampler, n, labels=labels, batch=batch)

    @property
    def sampler(self) -> nn.Module:
        """The generator samples come from: the average of G's weights (``TrainConfig.ema``), else G itself."""
        return self.G if self.ema is None else self.ema.generator

    def reset(self) -> None:
        """Back to the weights, optimizer state and random stream of construction; history cleared."""
        with self._lock:
            self._pending = []
            self._safety.back_to_initial()
            if self.ema is not None:
                self.ema.updates = 0
            self._ring.clear()
            self._history = History()
            self.step_count, self._elapsed, self._t0, self.status, self._warned = 0, 0.0, None, None, False
            self._unchecked = False
            seed = self.config.seed if self.config.seed is not None else int(torch.seed() % 2**63)
            self._gen.manual_seed(seed)
        self._notify()

    # ----- checkpoints ------------------------------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """A copy of everything needed to continue this run: nets, optimizers, knobs, step, history, noise, RNG.

        Every tensor is cloned under the lock, so the copy is one consistent moment of the run even while another
        thread trains on (a ``torch.save`` of it after the lock is released writes matching step, D and G).
        """
        with self._lock:
            self.flush()
            return {
                "generator": {k: v.detach().clone() for k, v in self.G.state_dict().items()},
                "discriminator": {k: v.detach().clone() for k, v in self.D.state_dict().items()},
                "opt_g": LearningRates.plain(copy.deepcopy(self.opt_g.state_dict())),
                "opt_d": LearningRates.plain(copy.deepcopy(self.opt_d.state_dict())),
                "knobs": {"k": self._k, "lr_d": self._lr_d, "lr_g": self._lr_g, "loss": self._loss},
                "step": self.step_count,
                "seconds": self.seconds,
                "history": self._history.to_dict(),
                "fixed_noise": self.fixed_noise.detach().to("cpu", copy=True),
                "rng": self._gen.get_state().clone(),
                "config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self.config).items()},
                **({} if self.ema is None else {
                    "generator_ema": {k: v.detach().clone() for k, v in self.ema.generator.state_dict().items()},
                    "ema_updates": self.ema.updates}),
            }

    def load_state_dict(self, state: dict) -> None:
        """Continue a saved run: same weights, optimizer moments, knobs, step count, history and noise."""
        with self._lock:
            nets = ("generator", "discriminator", "generator_ema")
            broken = first_nonfinite({name: state[name] for name in nets if name in state})
            if broken is not None:  # never continue from (or keep as good) a diverged state
                raise ValueError(msg("train_load_nonfinite", net=broken[0], tensor=broken[1]))
            self._pending = []
            self._ring.clear()
            self.G.load_state_dict(state["generator"])
            self.D.load_state_dict(state["discriminator"])
            if self.ema is not None:  # a run saved without an average starts one from its G
                self.ema.generator.load_state_dict(state.get("generator_ema", state["generator"]))
                self.ema.updates = int(state.get("ema_updates", 0))
            LearningRates.load(self.opt_g, copy.deepcopy(state["opt_g"]))
            LearningRates.load(self.opt_d, copy.deepcopy(state["opt_d"]))
            knobs = state["knobs"]
            self.k, self.lr_d, self.lr_g, self.loss = knobs["k"], knobs["lr_d"], knobs["lr_g"], knobs["loss"]
            self._lrs.applied = None  # force the saved learning rates into the optimizers
            self._lrs.apply(self._lr_d, self._lr_g)
            self.step_count = int(state["step"])
            self._elapsed, self._t0 = float(state.get("seconds", 0.0)), None
            self._history = History.from_dict(state["history"])
            self.fixed_noise = state["fixed_noise"].to(self.device)
            try:
                self._gen.set_state(state["rng"])
            except RuntimeError:  # saved on another device type (a CUDA run resumed on a CPU): a new, seeded stream
                self._gen.manual_seed((self.config.seed or 0) + self.step_count)
            self._steps.clear()  # new optimizer-state tensors: capture again on next use
            self._safety.keep(self.step_count)
            self.status, self._warned = None, False
        self._notify()


# ----- checking what a learner passes in ------------------------------------------------------------------------------
def _check_config(cfg: TrainConfig) -> TrainConfig:
    if not isinstance(cfg, TrainConfig):
        raise TypeError(msg("train_bad_config", value=type(cfg).__name__))
    for name in ("batch_size", "sync_every", "snapshot_every", "n_samples"):
        check_positive_int(name, getattr(cfg, name))
    betas = cfg.betas
    if (not isinstance(betas, (tuple, list)) or len(betas) != 2
            or not all(isinstance(b, (int, float)) and not isinstance(b, bool) and 0 <= b < 1 for b in betas)):
        raise ValueError(msg("train_bad_betas", value=betas))
    if cfg.seed is not None and (isinstance(cfg.seed, bool) or not isinstance(cfg.seed, int) or cfg.seed < 0):
        raise ValueError(msg("train_bad_seed", value=cfg.seed))
    return cfg


def _check_run(steps, max_seconds, callbacks) -> tuple[int | None, float | None, list]:
    """train()'s arguments, checked: (steps, max_seconds, callbacks as a list)."""
    if steps is not None:
        check_positive_int("steps", steps)
    if max_seconds is not None:
        if isinstance(max_seconds, bool) or not isinstance(max_seconds, (int, float)):
            raise TypeError(msg("bad_seconds", value=max_seconds))
        if not max_seconds > 0:  # NaN fails this too; inf means no time limit
            raise ValueError(msg("bad_seconds", value=max_seconds))
    if steps is None and max_seconds is None:
        steps = quick(1000, 20)
    if callable(callbacks) or not isinstance(callbacks, Iterable) or not all(callable(c) for c in callbacks):
        raise TypeError(msg("train_bad_callbacks", value=callbacks))
    return steps, max_seconds, list(callbacks)


def _check_data(data) -> Tensor:
    """``data`` if it is a float tensor (N, ...) of finite values; raises with what to do otherwise."""
    if not isinstance(data, Tensor) or data.ndim < 2 or data.shape[0] == 0:
        raise ValueError(msg("train_bad_data"))
    if not data.is_floating_point():
        raise ValueError(msg("train_bad_dtype", dtype=data.dtype))
    data = data.detach()
    if not torch.isfinite(data).all():
        raise ValueError(msg("train_data_nonfinite"))
    return data


def _check_labels(labels, data: Tensor) -> Tensor:
    """``labels`` as int64 (N,) class ids >= 0 matching ``data`` (N, ...); raises with what to do otherwise."""
    n = data.shape[0]
    if not isinstance(labels, Tensor) or labels.dtype == torch.bool or labels.is_floating_point() \
            or labels.is_complex():
        raise ValueError(msg("train_bad_label_dtype", dtype=getattr(labels, "dtype", type(labels).__name__)))
    if tuple(labels.shape) != (n,):
        raise ValueError(msg("train_bad_label_shape", n=n, shape=tuple(labels.shape)))
    if int(labels.min()) < 0:
        raise ValueError(msg("train_negative_label", value=int(labels.min())))
    return labels.detach().long()


def _latent_dim(generator: nn.Module) -> int:
    dim = getattr(generator, "latent_dim", None)
    if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
        raise ValueError(msg("train_no_latent_dim", value=dim))
    return dim


def _check_batchnorm_batch(batch_size: int, generator: nn.Module, discriminator: nn.Module) -> None:
    """BatchNorm normalises over the batch: with one sample it has no variance to divide by."""
    for net_name, net in (("generator", generator), ("discriminator", discriminator)):
        if batch_size < 2 and any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in net.modules()):
            raise ValueError(msg("train_batchnorm_batch", batch_size=batch_size, net=net_name))


def _ends_in_tanh(net: nn.Module) -> bool:
    """Whether ``net``'s last layer is a tanh, i.e. its outputs lie in [-1, 1]."""
    leaves = [m for m in net.modules() if not any(True for _ in m.children())]
    return bool(leaves) and isinstance(leaves[-1], nn.Tanh)


@torch.no_grad()
def _check_generator_fits(G: nn.Module, data: Tensor, labels: Tensor | None, latent_dim: int) -> None:
    """G on 2 noise vectors (eval mode: no BatchNorm statistics move) must make samples shaped like ``data``'s, and
    data for a tanh generator must lie in [-1, 1] (with 1% slack for rounding)."""
    device = data.device
    z = torch.randn(2, latent_dim, generator=torch.Generator().manual_seed(0)).to(device)
    with models.evaluating(G):
        out = G(z) if labels is None else G(z, labels[torch.arange(2, device=labels.device) % len(labels)])
    if tuple(out.shape[1:]) != tuple(data.shape[1:]):
        raise ValueError(msg("train_shape_mismatch", g_shape=tuple(out.shape[1:]), d_shape=tuple(data.shape[1:])))
    if _ends_in_tanh(G):
        lo, hi = float(data.min()), float(data.max())
        if lo < -1.01 or hi > 1.01:
            raise ValueError(msg("train_bad_range", lo=lo, hi=hi))
