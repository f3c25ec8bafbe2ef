"""Command line: ``python -m ganedu train | sample | evaluate``. Built only from the library's layers.

stdout carries one JSON object per command and nothing else; progress, warnings and errors go to stderr.
A bad input ends with exit code 2 and one sentence that names the problem and the fix, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from .. import checkpoints, config, losses, models, train
from ..ema import EMA_DECAY
from ..messages import msg
from ..train import TrainConfig, Trainer

# the CLI trains unconditional pairs; a conditional pair ("cgan") needs labels: see notebook 10
UNCONDITIONAL = sorted(kind for kind in models.PAIRS if not kind.startswith("c"))
RUN_FILES = ("generator.pt", "samples.png", "history.json")  # a run folder holds these and nothing else
CHECKPOINT_EVERY = 5.0  # minutes between saves while training: a kill loses at most this much
DEFAULT_STEPS = 2000  # generator steps when neither --steps nor --max-seconds is given
# upper bounds of whole-number arguments: beyond them a run would hang or exhaust memory rather than fail
K_MAX = getattr(train, "K_MAX", 100)  # D steps per G step (the trainer's own bound where it has one)
MAX_STEPS = 10_000_000  # about 3 days at 40 steps/s
MAX_BATCH = 60_000  # the MNIST train split: a larger minibatch only repeats digits
MIN_BATCH = 2  # BatchNorm needs two samples per batch in training mode
MAX_SAMPLES = 100_000  # 100k digits are 314 MB of float32
MAX_SEED = 2**32 - 1  # the largest seed NumPy accepts too
MAX_MINUTES = 24 * 60.0  # --checkpoint-every

#: Each generator loss with the discriminator loss (and penalty) it is defined with: (d_loss, d_penalty).
#: WGAN's critic must stay 1-Lipschitz: the gradient penalty of WGAN-GP with the course's weight (losses.GP_WEIGHT).
LOSS_PAIRS: dict[str, tuple[Callable, Callable | None]] = {
    "nonsaturating": (losses.d_loss_bce, None),
    "minimax": (losses.d_loss_bce, None),
    "least_squares": (losses.d_loss_least_squares, None),
    "wasserstein": (losses.d_loss_wasserstein, functools.partial(losses.gradient_penalty, weight=losses.GP_WEIGHT)),
}


def _int_in(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number in [low, high], with an error that says which."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(msg("cli_not_int", value=text)) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(msg("cli_range", low=low, high=high, value=value))
        return value

    return parse


def _float(text: str) -> float:
    """An argparse value as a float, with an error that shows what was typed."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(msg("cli_not_number", value=text)) from None


def _positive_float(text: str) -> float:
    value = _float(text)
    if not (value > 0 and np.isfinite(value)):
        raise argparse.ArgumentTypeError(msg("cli_not_positive", value=text))
    return value


def _decay(text: str) -> float | None:
    """--ema: a decay in [0, 1); 0 turns the average off (an average with decay 0 is G itself)."""
    value = _float(text)
    if not 0 <= value < 1:  # also refuses nan
        raise argparse.ArgumentTypeError(msg("cli_bad_decay", value=text, default=EMA_DECAY))
    return value or None


def _minutes(text: str) -> float:
    value = _float(text)
    if not 0 <= value <= MAX_MINUTES:  # also refuses nan
        raise argparse.ArgumentTypeError(msg("cli_minutes", high=f"{MAX_MINUTES:g}", value=text))
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ganedu", description=msg("cli_description"))
    sub = parser.add_subparsers(dest="command", required=True)
    devices = ["auto", "cpu", "cuda", "mps"]

    # settings a resumed run keeps default to None here, so that only an explicit value is compared with it
    t = sub.add_parser("train", help=msg("cli_help_train"))
    t.add_argument("--model", choices=UNCONDITIONAL, default=None, help=msg("cli_help_model"))
    t.add_argument("--steps", type=_int_in(1, MAX_STEPS), default=None, help=msg("cli_help_steps", high=MAX_STEPS))
    t.add_argument("--max-seconds", type=_positive_float, default=None, help=msg("cli_help_max_seconds"))
    t.add_argument("--batch-size", type=_int_in(MIN_BATCH, MAX_BATCH), default=None,
                   help=msg("cli_help_batch_size", low=MIN_BATCH, high=MAX_BATCH, default=TrainConfig.batch_size))
    t.add_argument("--k", type=_int_in(1, K_MAX), default=None,
                   help=msg("cli_help_k", high=K_MAX, default=TrainConfig.k))
    t.add_argument("--lr-d", type=_positive_float, default=None,
                   help=msg("cli_help_lr", who="discriminator", default=TrainConfig.lr_d))
    t.add_argument("--lr-g", type=_positive_float, default=None,
                   help=msg("cli_help_lr", who="generator", default=TrainConfig.lr_g))
    t.add_argument("--ema", type=_decay, default=EMA_DECAY, metavar="DECAY",
                   help=msg("cli_help_ema", default=EMA_DECAY))
    t.add_argument("--loss", choices=list(LOSS_PAIRS), default=None,
                   help=msg("cli_help_loss", gp=losses.GP_WEIGHT, default=TrainConfig.loss))
    t.add_argument("--device", choices=devices, default="auto", help=msg("cli_help_device"))
    t.add_argument("--data-root", default=None, help=msg("cli_help_data_root"))
    t.add_argument("--split", choices=["train", "test"], default="train", help=msg("cli_help_split_train"))
    t.add_argument("--seed", type=_int_in(0, MAX_SEED), default=None, help=msg("cli_help_seed", high=MAX_SEED))
    t.add_argument("--out", required=True, help=msg("cli_help_out"))
    t.add_argument("--resume", default=None, help=msg("cli_help_resume"))
    t.add_argument("--checkpoint-every", type=_minutes, default=CHECKPOINT_EVERY, metavar="MINUTES",
                   help=msg("cli_help_checkpoint_every", default=CHECKPOINT_EVERY))
    t.add_argument("--quiet", action="store_true", help=msg("cli_help_quiet"))

    s = sub.add_parser("sample", help=msg("cli_help_sample"))
    s.add_argument("--checkpoint", required=True, help=msg("cli_help_checkpoint"))
    s.add_argument("--n", type=_int_in(1, MAX_SAMPLES), required=True, help=msg("cli_help_n", high=MAX_SAMPLES))
    s.add_argument("--out", required=True, help=msg("cli_help_npy_out"))
    s.add_argument("--seed", type=_int_in(0, MAX_SEED), default=0, help=msg("cli_help_seed", high=MAX_SEED))
    s.add_argument("--device", choices=devices, default="cpu", help=msg("cli_help_device"))

    e = sub.add_parser("evaluate", help=msg("cli_help_evaluate"))
    src = e.add_mutually_exclusive_group(required=True)
    src.add_argument("--samples", help=msg("cli_help_samples"))
    src.add_argument("--checkpoint", help=msg("cli_help_checkpoint"))
    e.add_argument("--n", type=_int_in(1, MAX_SAMPLES), default=None, help=msg("cli_help_eval_n", high=MAX_SAMPLES))
    e.add_argument("--data-root", default=None, help=msg("cli_help_data_root"))
    e.add_argument("--split", choices=["held-out", "train", "test"], default="held-out",
                   help=msg("cli_help_split_eval"))
    e.add_argument("--seed", type=_int_in(0, MAX_SEED), default=0, help=msg("cli_help_seed", high=MAX_SEED))
    return parser


class _Every:
    """A callback that calls ``fn(trainer)`` each time ``seconds`` of wall time have passed since the last call."""

    def __init__(self, seconds: float, fn: Callable[[Trainer], None]) -> None:
        self.seconds, self.fn, self.due = seconds, fn, time.monotonic() + seconds

    def __call__(self, trainer: Trainer) -> None:
        if time.monotonic() >= self.due:
            self.fn(trainer)
            self.due = time.monotonic() + self.seconds


class _StopOnSignal:
    """While active, Ctrl-C (SIGINT) and SIGTERM (e.g. a Binder cull) ask the trainer to stop after the step in
    progress instead of killing the process, so the run can be saved; ``signum`` records the first one."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, trainer: Trainer) -> None:
        self.trainer, self.signum, self._old = trainer, None, {}

    def _handle(self, signum: int, frame: object) -> None:
        self.signum = self.signum or signum
        self.trainer.request_stop()

    def __enter__(self) -> _StopOnSignal:
        if threading.current_thread() is threading.main_thread():  # only the main thread may set handlers
            for sig in self.SIGNALS:
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


def train_config(device: str | torch.device, batch_size: int | None = None, k: int | None = None,
                 lr_d: float | None = None, lr_g: float | None = None, loss: str | None = None,
                 seed: int | None = None, ema: float | None = EMA_DECAY) -> TrainConfig:
    """The settings ``train`` uses on ``device``: each one given, else TrainConfig's, with G averaged (``ema``, the
    decay of the average of G's weights that samples come from; None: G itself). Why these defaults:
    benchmarks/RESULTS.md, "Time to quality" (the same on every device; the benchmark times these)."""
    return TrainConfig(batch_size=batch_size or TrainConfig.batch_size, k=k or TrainConfig.k,
                       lr_d=lr_d or TrainConfig.lr_d, lr_g=lr_g or TrainConfig.lr_g,
                       loss=loss or TrainConfig.loss, seed=0 if seed is None else seed, device=str(device), ema=ema)


def _new_trainer(args: argparse.Namespace, images: torch.Tensor) -> Trainer:
    cfg = train_config(args.device, args.batch_size, args.k, args.lr_d, args.lr_g, args.loss, args.seed, args.ema)
    loss = cfg.loss
    config.seed_everything(cfg.seed)  # weight initialisation
    G, D = models.build(args.model or "mlp")
    d_loss, d_penalty = LOSS_PAIRS[loss]
    return Trainer(G, D, images, cfg, d_loss=d_loss, d_penalty=d_penalty)


def _resumed_trainer(args: argparse.Namespace, images: torch.Tensor) -> Trainer:
    """The saved run with the knobs given on the command line; settings it pins must not differ."""
    saved = checkpoints.load(args.resume)
    kind = saved["generator_spec"].get("kind")
    if kind in models.PAIRS and kind not in UNCONDITIONAL:  # a conditional run needs labels: notebooks resume it
        raise ValueError(msg("cli_resume_conditional", path=args.resume, saved=kind))
    if args.model and args.model != kind:
        raise ValueError(msg("cli_resume_model", path=args.resume, saved=kind, value=args.model))
    given = {"batch_size": args.batch_size, "seed": args.seed, "k": args.k, "lr_d": args.lr_d, "lr_g": args.lr_g,
             "loss": args.loss}
    overrides = {name: value for name, value in given.items() if value is not None}
    knobs = saved["trainer"].get("knobs")
    loss = args.loss or (knobs.get("loss") if isinstance(knobs, dict) else None)
    d_loss, d_penalty = LOSS_PAIRS.get(loss, (None, None))  # an unknown saved loss: the trainer says so
    return checkpoints.resume(args.resume, images, d_loss=d_loss, d_penalty=d_penalty, device=args.device,
                              **overrides)


def _write_run(trainer: Trainer, out: Path) -> None:
    """Write generator.pt, samples.png and history.json from ONE snapshot, replacing ``out`` as a whole."""
    from . import plot

    snap = checkpoints.snapshot(trainer)  # the nets are read once, here; the files below use only this copy
    G = checkpoints.sampler(snap)
    with torch.no_grad(), models.evaluating(G):
        grid = G(snap["trainer"]["fixed_noise"]).float()
    with checkpoints.atomic_folder(out, RUN_FILES) as tmp:
        checkpoints.atomic_save(snap, tmp / "generator.pt")
        (tmp / "samples.png").write_bytes(plot.grid_png(grid, scale=2))
        (tmp / "history.json").write_text(json.dumps(snap["trainer"]["history"]))


def cmd_train(args: argparse.Namespace) -> int:
    from .. import data

    out = checkpoints.check_folder(args.out, RUN_FILES)  # before any training: a bad --out loses nothing
    images, _ = data.mnist(args.split, root=args.data_root)
    trainer = _resumed_trainer(args, images) if args.resume else _new_trainer(args, images)
    steps = args.steps if (args.steps or args.max_seconds) else DEFAULT_STEPS
    callbacks: list[Callable[[Trainer], None]] = []
    if args.checkpoint_every:
        callbacks.append(_Every(60 * args.checkpoint_every, lambda tr: _write_run(tr, out)))
    with _StopOnSignal(trainer) as stop:  # stays on while saving: a second Ctrl-C does not cut the save short
        # a tqdm bar on stderr (a terminal only, unless TQDM_DISABLE=0); --quiet: none
        trainer.train(steps=steps, max_seconds=args.max_seconds, callbacks=callbacks,
                      progress=False if args.quiet else None, desc=msg("progress_train"))
        _write_run(trainer, out)
    summary = {"steps": trainer.step_count, "seconds": round(trainer.seconds, 2), "device": str(trainer.device),
               "out": str(out)}
    if trainer.status:
        summary["status"] = trainer.status
    if stop.signum:
        summary["stopped_by"] = signal.Signals(stop.signum).name
    print(json.dumps(summary))
    if stop.signum:
        name = "Ctrl-C" if stop.signum == signal.SIGINT else signal.Signals(stop.signum).name
        sys.stderr.write(msg("cli_interrupted", signal=name, step=trainer.step_count, out=out,
                             checkpoint=out / "generator.pt") + "\n")
        return 128 + stop.signum  # the shell's convention for "ended by a signal"
    return 0 if not trainer.status else 1


def _npy_target(text: str) -> Path:
    """The exact file ``sample --out`` writes: ``.npy`` added where missing; empty or a folder refused."""
    if not text.strip():
        raise ValueError(msg("cli_npy_empty"))
    path = Path(text).expanduser()
    if text.endswith(("/", os.sep)) or path.is_dir():
        raise ValueError(msg("cli_npy_is_folder", path=text, example=path / "samples.npy"))
    if path.suffix != ".npy":
        path = path.with_name(path.name + ".npy")  # what np.save would write anyway: say so
    if path.is_dir():
        raise ValueError(msg("cli_npy_is_folder", path=path, example=path / "samples.npy"))
    return path


def cmd_sample(args: argparse.Namespace) -> int:
    out = _npy_target(args.out)
    G = checkpoints.load_generator(args.checkpoint, device=config.pick_device(args.device))
    x = models.sample(G, args.n, seed=args.seed).clamp_(-1, 1)  # float32 CPU (N, 1, 28, 28)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.save(out, x.numpy())
    print(json.dumps({"n": args.n, "shape": list(x.shape), "out": str(out)}))
    return 0


def _load_samples(path: str) -> torch.Tensor:
    """The digits of a ``--samples`` file as float32 (N, 1, 28, 28); dtype and shape are checked before casting."""
    try:
        arr = np.load(path, allow_pickle=False)  # no pickled objects: a .npy can never run code
    except FileNotFoundError:
        raise FileNotFoundError(msg("cli_samples_missing", path=path)) from None
    except (ValueError, OSError, EOFError) as err:
        # a text file or pickle: NumPy's text suggests allow_pickle=True, which would run code; give our own
        text = str(err).strip()
        reason = msg("cli_samples_not_npy") if "pickle" in text or not text else text.splitlines()[0][:200]
        raise ValueError(msg("cli_samples_unreadable", path=path, reason=reason)) from None
    if not isinstance(arr, np.ndarray):  # np.load opens a .npz archive whatever its name
        arr.close()
        raise ValueError(msg("cli_samples_npz", path=path))
    if arr.dtype not in (np.float16, np.float32, np.float64):
        raise ValueError(msg("cli_samples_dtype", path=path, dtype=arr.dtype))
    if arr.ndim != 4 or arr.shape[1:] != (1, 28, 28):
        raise ValueError(msg("cli_samples_shape", shape=arr.shape))
    return torch.from_numpy(arr.astype(np.float32))


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .. import data, metrics

    with contextlib.redirect_stdout(sys.stderr):  # whatever the library prints: stdout holds only the JSON
        fake = _load_samples(args.samples) if args.samples else None
        clf = metrics.classifier(root=args.data_root)
        if args.split == "held-out":  # digits the classifier never saw: its features read them as well as fakes
            real, _ = metrics.held_out(clf, root=args.data_root)
        else:
            real, _ = data.mnist(args.split, root=args.data_root)
        if fake is None:
            G = checkpoints.load_generator(args.checkpoint)
            fake = models.sample(G, args.n or min(len(real), 5000), seed=args.seed)
        result = metrics.evaluate(fake, real, clf=clf)
    print(json.dumps(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {"train": cmd_train, "sample": cmd_sample, "evaluate": cmd_evaluate}
    try:
        return handlers[args.command](args)
    except (OSError, ValueError, RuntimeError) as err:
        # learner-facing errors (missing data, bad checkpoint, bad settings, a full disk) without a traceback
        parser.exit(2, f"error: {err}\n")
    except KeyboardInterrupt:  # Ctrl-C outside training (loading data, a checkpoint): nothing to save yet
        parser.exit(128 + signal.SIGINT, f"{msg('cli_interrupted_early')}\n")
