"""Benchmark: the classic tutorial loop against ganedu's trainer, in one process, same models/batch/optimizer.

    python benchmarks/bench.py speed   --device cuda --batch-sizes 64 256
    python benchmarks/bench.py check   --device cuda            # eager vs fast path: same losses?
    python benchmarks/bench.py quality --device cuda --seconds 20 --out q.npz   # time to quality

Prints steps/s and ratios (not a test: nothing here asserts). Results and commands go in benchmarks/RESULTS.md.
Needs MNIST: --data-root (default: $GANEDU_DATA) and --split (the test split is enough to measure speed).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ganedu as ge  # noqa: E402
from ganedu import models  # noqa: E402
from ganedu.lessons import speed as lesson_speed  # noqa: E402
from ganedu.train import TrainConfig, Trainer  # noqa: E402


def header(device: torch.device) -> str:
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "cpu"
    return (f"# {time.strftime('%Y-%m-%d %H:%M')} | torch {torch.__version__} | {device} ({name}) | "
            f"threads {torch.get_num_threads()}")


def speed(args, images, device) -> dict:
    out = {}
    for bs in args.batch_sizes:
        ge.seed_everything(0)
        G, D = models.build(args.model)
        classic = lesson_speed.ClassicLoop(G, D, images, batch_size=bs, device=device)
        c = lesson_speed.steps_per_second(classic.step, device, warmup=args.warmup, steps=args.steps,
                                          windows=args.windows)
        row = {"classic": c.median}
        print(f"{args.model} B={bs:<4} classic loop      {c}")
        for label, fast in (("ganedu eager", False), ("ganedu fast", True)):
            if fast and device.type != "cuda" and not args.cpu_fast:
                continue
            ge.seed_everything(0)
            G, D = models.build(args.model)
            t = Trainer(G, D, images, TrainConfig(batch_size=bs, device=str(device), fast=fast, tf32=bool(args.tf32)))
            r = lesson_speed.trainer_rate(t, warmup=args.warmup, steps=args.steps, windows=args.windows)
            if fast and device.type == "cuda":  # knobs stay live on the graph path: turn them, no re-capture
                graphs = t.captured_graphs
                t.k, t.lr_d = 3, 1e-4
                t.train(5)
                t.k, t.lr_d = 1, 2e-4
                t.train(5)
                assert t.captured_graphs == graphs and t.history["k"][-10:] == [3] * 5 + [1] * 5
            row[label] = r.median
            print(f"{args.model} B={bs:<4} {label:<17} {r}   x{r.median / c.median:.1f} vs classic")
        out[bs] = row
    return out


def check(args, images, device) -> None:
    """Same seed, eager vs fast on this device: print the largest loss difference over the first steps."""
    hist = {}
    for name, fast, tf32 in (("eager", False, False), ("fast", True, False), ("fast+tf32", True, True)):
        ge.seed_everything(0)
        G, D = models.build(args.model)
        t = Trainer(G, D, images, TrainConfig(batch_size=64, device=str(device), fast=fast, tf32=tf32))
        t.train(args.check_steps)
        hist[name] = t.history
    for name in ("fast", "fast+tf32"):
        for col in ("d_loss", "g_loss", "d_real", "d_fake"):
            diffs = [abs(a - b) for a, b in zip(hist["eager"][col], hist[name][col])]
            print(f"{name:9s} {col:7s} step 1 |eager-fast| = {diffs[0]:.2e}; max over {len(diffs)} steps = "
                  f"{max(diffs):.2e}; final eager {hist['eager'][col][-1]:.4f} {name} {hist[name][col][-1]:.4f}")


def quality(args, images, device) -> None:
    """Train for --seconds, saving 2,000 fresh samples at each checkpoint time (sampling excluded from time)."""
    ge.seed_everything(args.seed)
    G, D = models.build(args.model)
    cfg = TrainConfig(batch_size=args.batch_size, lr_d=args.lr, lr_g=args.lr, device=str(device), seed=args.seed)
    t = Trainer(G, D, images, cfg)
    marks = sorted(float(m) for m in args.marks)
    saved = {}
    for m in marks:
        if m > args.seconds:
            break
        t.train(max_seconds=m - t.seconds)
        saved[f"t{m:g}"] = t.generate(args.n).numpy().astype(np.float16)
        print(f"t={t.seconds:6.2f} s  step {t.step_count:6d}  d_loss {t.history['d_loss'][-1]:.3f}", flush=True)
    np.savez_compressed(args.out, **saved, steps=np.array([t.step_count]))
    print(json.dumps({"out": args.out, "steps": t.step_count, "seconds": round(t.seconds, 2)}))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["speed", "check", "quality"])
    p.add_argument("--device", default="auto")
    p.add_argument("--model", default="mlp", choices=sorted(models.PAIRS))
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[64, 256])
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--windows", type=int, default=5)
    p.add_argument("--check-steps", type=int, default=20)
    p.add_argument("--cpu-fast", action="store_true", help="also time fast=True (fused Adam) on the CPU")
    p.add_argument("--tf32", type=int, default=1, help="1: graphs use TF32 GEMMs (the default), 0: plain fp32")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--marks", nargs="+", default=["2", "5", "10", "20", "30", "60", "120", "180"])
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="quality.npz")
    p.add_argument("--data-root", default=None)
    p.add_argument("--split", default="test")
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = ge.pick_device(args.device)
    images, _ = ge.data.mnist(args.split, root=args.data_root, download=False)
    print(header(device), flush=True)
    {"speed": speed, "check": check, "quality": quality}[args.what](args, images, device)


if __name__ == "__main__":
    main()
