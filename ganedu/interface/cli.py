"""Command line: ``python -m ganedu train | sample | evaluate``. Built only from the library's layers."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from .. import checkpoints, config, models
from ..losses import G_LOSSES
from ..train import TrainConfig, Trainer

PROGRESS_EVERY = 0.5  # seconds between progress-bar redraws (each one reads metrics back: one device sync)
# the CLI trains unconditional pairs; a conditional pair ("cgan") needs labels: see notebook 09
UNCONDITIONAL = sorted(kind for kind in models.PAIRS if not kind.startswith("c"))
CPU_LR = 5e-4  # on 2 CPU cores: FD 6.4 after 60 s vs 10.7 with 2e-4 (benchmarks/RESULTS.md, one seed)


def _int_at_least(minimum: int):
    """An argparse type: a whole number >= ``minimum``, with an error that says which."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {value}")
        return value

    return parse


_positive_int = _int_at_least(1)
_seed = _int_at_least(0)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 2e-4, got {text!r}") from None
    if not (value > 0 and np.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ganedu", description="Train, sample and evaluate MNIST GANs.")
    sub = parser.add_subparsers(dest="command", required=True)

    t = sub.add_parser("train", help="train a GAN on MNIST and write generator.pt, samples.png, history.json")
    t.add_argument("--model", choices=UNCONDITIONAL, default="mlp", help="network pair (default: mlp)")
    t.add_argument("--steps", type=_positive_int, default=None,
                   help="generator steps (default 2000 unless --max-seconds)")
    t.add_argument("--max-seconds", type=_positive_float, default=None, help="stop after this many seconds of training")
    t.add_argument("--batch-size", type=_positive_int, default=TrainConfig.batch_size)
    t.add_argument("--k", type=_positive_int, default=TrainConfig.k, help="discriminator steps per generator step")
    t.add_argument("--lr-d", type=_positive_float, default=None,
                   help=f"discriminator learning rate (default {CPU_LR:g} on a CPU, else {TrainConfig.lr_d:g})")
    t.add_argument("--lr-g", type=_positive_float, default=None,
                   help=f"generator learning rate (default {CPU_LR:g} on a CPU, else {TrainConfig.lr_g:g})")
    t.add_argument("--loss", choices=list(G_LOSSES), default=TrainConfig.loss, help="generator loss")
    t.add_argument("--device", choices=["auto", "cpu", "cuda", "mps"], default="auto")
    t.add_argument("--data-root", default=None, help="folder holding MNIST/raw (default: $GANEDU_DATA or a cache)")
    t.add_argument("--split", choices=["train", "test"], default="train", help="MNIST split to train on")
    t.add_argument("--seed", type=_seed, default=0)
    t.add_argument("--out", required=True, help="output folder")
    t.add_argument("--resume", default=None, help="continue the run saved in this checkpoint")
    t.add_argument("--quiet", action="store_true", help="no progress bar")

    s = sub.add_parser("sample", help="write N generated digits as float32 (N, 1, 28, 28) in [-1, 1] to a .npy")
    s.add_argument("--checkpoint", required=True)
    s.add_argument("--n", type=_positive_int, required=True)
    s.add_argument("--out", required=True, help="output .npy file")
    s.add_argument("--seed", type=_seed, default=0)
    s.add_argument("--device", choices=["auto", "cpu", "cuda", "mps"], default="cpu")

    e = sub.add_parser("evaluate", help="print quality metrics as one JSON object")
    src = e.add_mutually_exclusive_group(required=True)
    src.add_argument("--samples", help=".npy of generated digits (N, 1, 28, 28) in [-1, 1]")
    src.add_argument("--checkpoint", help="checkpoint to sample from")
    e.add_argument("--n", type=_positive_int, default=None, help="samples to draw from --checkpoint")
    e.add_argument("--data-root", default=None)
    e.add_argument("--split", choices=["train", "test"], default="test", help="real digits to compare with")
    e.add_argument("--seed", type=_seed, default=0)
    return parser


class _Progress:
    """A one-line progress bar on stderr, redrawn at most every PROGRESS_EVERY seconds."""

    def __init__(self, total: int | None, seconds: float | None, quiet: bool) -> None:
        self.total, self.seconds, self.quiet, self.last = total, seconds, quiet, 0.0

    def __call__(self, trainer: Trainer) -> None:
        now = time.perf_counter()
        if self.quiet or now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        row = trainer.history.last() or {}
        rate = trainer.step_count / max(trainer.seconds, 1e-9)
        goal = f"/{self.total}" if self.total else f" ({trainer.seconds:.0f}/{self.seconds:.0f} s)"
        frac = trainer.step_count / self.total if self.total else trainer.seconds / (self.seconds or 1)
        bar = "#" * int(20 * min(frac, 1.0))
        sys.stderr.write(f"\r[{bar:<20}] step {trainer.step_count}{goal} | {rate:.0f} steps/s | "
                         f"D loss {row.get('d_loss', float('nan')):.3f} G loss {row.get('g_loss', float('nan')):.3f}")
        sys.stderr.flush()

    def close(self) -> None:
        if not self.quiet:
            sys.stderr.write("\n")


def cmd_train(args: argparse.Namespace) -> int:
    from .. import data
    from . import plot

    images, _ = data.mnist(args.split, root=args.data_root)
    on_cpu = config.pick_device(args.device).type == "cpu"
    lr_d = args.lr_d or (CPU_LR if on_cpu else TrainConfig.lr_d)
    lr_g = args.lr_g or (CPU_LR if on_cpu else TrainConfig.lr_g)
    cfg = TrainConfig(batch_size=args.batch_size, k=args.k, lr_d=lr_d, lr_g=lr_g, loss=args.loss,
                      seed=args.seed, device=args.device)
    if args.resume:
        trainer = checkpoints.resume(args.resume, images, device=args.device)
    else:
        config.seed_everything(args.seed)  # weight initialisation
        G, D = models.build(args.model)
        trainer = Trainer(G, D, images, cfg)
    steps = args.steps if (args.steps or args.max_seconds) else 2000
    progress = _Progress(steps, args.max_seconds, args.quiet)
    trainer.train(steps=steps, max_seconds=args.max_seconds, callbacks=[progress])
    progress.close()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    checkpoints.save(trainer, out / "generator.pt")
    (out / "samples.png").write_bytes(plot.grid_png(trainer.samples(), scale=2))
    tmp = out / ".history.json.tmp"
    tmp.write_text(json.dumps(trainer.history.to_dict()))
    tmp.replace(out / "history.json")
    summary = {"steps": trainer.step_count, "seconds": round(trainer.seconds, 2), "device": str(trainer.device),
               "out": str(out)}
    if trainer.status:
        summary["status"] = trainer.status
    print(json.dumps(summary))
    return 0 if not trainer.status else 1


def cmd_sample(args: argparse.Namespace) -> int:
    G = checkpoints.load_generator(args.checkpoint, device=config.pick_device(args.device))
    gen = torch.Generator().manual_seed(args.seed)
    with torch.no_grad():
        z = torch.randn(args.n, G.latent_dim, generator=gen).to(next(G.parameters()).device)
        x = torch.cat([G(c) for c in z.split(1000)]).float().cpu().clamp_(-1, 1)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.save(out, x.numpy().astype(np.float32))
    print(json.dumps({"n": args.n, "shape": list(x.shape), "out": str(out)}))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .. import data, metrics

    real, _ = data.mnist(args.split, root=args.data_root)
    if args.samples:
        arr = np.load(args.samples)
        if arr.ndim != 4 or arr.shape[1:] != (1, 28, 28):
            raise ValueError(f"--samples must hold an array of shape (N, 1, 28, 28), got {arr.shape}")
        fake = torch.from_numpy(arr.astype(np.float32))
    else:
        G = checkpoints.load_generator(args.checkpoint)
        gen = torch.Generator().manual_seed(args.seed)
        with torch.no_grad():
            fake = G(torch.randn(args.n or min(len(real), 5000), G.latent_dim, generator=gen))
    result = metrics.evaluate(fake, real, clf=metrics.classifier(root=args.data_root))
    print(json.dumps(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {"train": cmd_train, "sample": cmd_sample, "evaluate": cmd_evaluate}
    try:
        return handlers[args.command](args)
    except (FileNotFoundError, ValueError, RuntimeError) as err:
        # learner-facing errors (missing data, bad checkpoint, bad settings) without a traceback
        parser.exit(2, f"error: {err}\n")
