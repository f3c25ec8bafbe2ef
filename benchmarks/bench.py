"""Benchmark: the classic tutorial loop against ganedu's trainer, in one process, same models/batch/optimizer.

    python benchmarks/bench.py speed   --device cuda --batch-sizes 64 256
    python benchmarks/bench.py check   --device cuda            # eager vs fast path: same losses?
    python benchmarks/bench.py quality --device cpu --seeds 0 1 2   # time to quality with the CLI's settings

Prints steps/s and ratios (not a test: nothing here asserts). Results and commands go in benchmarks/RESULTS.md.
Needs MNIST: --data-root (default: $GANEDU_DATA) and --split (the test split is enough to measure speed).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import sys
import time
from pathlib import Path

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
    """Time to quality, as a learner sees it: per seed, train with the CLI's settings (or the given ones) with a
    ``QualityMeter`` measuring every ``--every`` steps (1,000 fresh samples of the generator the trainer samples
    from: FD in floors, coverage). Training time excludes the measuring. Prints, per mark, the latest measurement
    and the best one kept so far; then when each seed was first GOOD."""
    from ganedu import metrics
    from ganedu.interface import cli

    clf = metrics.classifier(root=args.data_root)
    real = metrics.held_out(clf, root=args.data_root)[0]
    floor = float(clf.fd_floor)
    given = {} if args.ema is None else {"ema": args.ema or None}  # --ema 0: no average; not given: the CLI's
    cfg = cli.train_config(device, batch_size=args.batch_size, lr_d=args.lr_d or args.lr, lr_g=args.lr_g or args.lr,
                           **given)
    print(f"# settings: batch {cfg.batch_size}, lr_d {cfg.lr_d:g}, lr_g {cfg.lr_g:g}, betas {cfg.betas}, "
          f"ema {cfg.ema}, {args.model}, {args.split} split; classifier floor {floor:.3f}; "
          f"measured every {args.every} steps; "
          f"GOOD: 10 classes and FD <= {metrics.GOOD.floors:g} floors", flush=True)
    marks = sorted(float(m) for m in args.marks)
    runs = []
    for seed in args.seeds:
        ge.seed_everything(seed)
        G, D = models.build(args.model)
        t = Trainer(G, D, images, dataclasses.replace(cfg, seed=seed, device=str(device)))
        meter = metrics.QualityMeter(real, clf=clf, every=args.every, n=args.n)
        clock = {}  # measured step -> training seconds then (after the meter, which comes first, has measured)

        def stamp(tr, clock=clock, meter=meter):
            if tr.step_count % meter.every == 0:
                clock.setdefault(tr.step_count, tr.seconds - meter.seconds)

        rows = []
        for m in marks:
            while t.seconds - meter.seconds < m:
                t.train(max_seconds=m - (t.seconds - meter.seconds), callbacks=[meter, stamp])
            done = [(clock.get(step, 0.0), fd / floor, cov) for step, fd, cov in meter.history]
            last = done[-1] if done else (0.0, float("nan"), 0)
            good = [d for d in done if d[2] == 10 and d[1] <= metrics.GOOD.floors]
            rows.append({"mark": m, "steps": t.step_count, "fd_floors": last[1], "coverage": last[2],
                         "best_fd_floors": meter.best_fd / floor, "best_step": meter.best_step,
                         "first_good_s": good[0][0] if good else None})
            print(f"seed {seed}  t={m:5.0f} s  step {t.step_count:6d}  latest FD {last[1]:6.2f} floors "
                  f"({last[2]} classes)"
                  f"  best kept {meter.best_fd / floor:6.2f} (step {meter.best_step})"
                  f"  first GOOD {'-' if not good else f'{good[0][0]:.0f} s'}", flush=True)
        runs.append({"seed": seed, "rows": rows,
                     "measurements": [(round(clock.get(s, 0.0), 2), s, fd / floor, c) for s, fd, c in meter.history]})
    summary = {"settings": dataclasses.asdict(cfg) | {"model": args.model, "split": args.split, "every": args.every},
               "floor": floor, "runs": runs, "header": header(device), "command": " ".join(sys.argv)}
    if args.out:
        Path(args.out).write_text(json.dumps(summary, indent=1))
    for i, m in enumerate(marks):
        at = [run["rows"][i] for run in runs]
        good = sum(r["first_good_s"] is not None for r in at)
        print(f"by {m:4.0f} s: GOOD reached on {good}/{len(at)} seeds; latest FD "
              + " ".join(f"{r['fd_floors']:.2f}" for r in at)
              + "; best kept " + " ".join(f"{r['best_fd_floors']:.2f}" for r in at))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["speed", "check", "quality"])
    p.add_argument("--device", default="auto")
    p.add_argument("--model", default="mlp", choices=sorted(models.PAIRS))
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[64, 256])
    p.add_argument("--batch-size", type=int, default=None, help="quality: default the CLI's")
    p.add_argument("--lr", type=float, default=None, help="quality: both learning rates (default: the CLI's)")
    p.add_argument("--lr-d", type=float, default=None)
    p.add_argument("--lr-g", type=float, default=None)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--windows", type=int, default=5)
    p.add_argument("--check-steps", type=int, default=20)
    p.add_argument("--cpu-fast", action="store_true", help="also time fast=True (fused Adam) on the CPU")
    p.add_argument("--tf32", type=int, default=1, help="1: graphs use TF32 GEMMs (the default), 0: plain fp32")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--marks", nargs="+", default=["30", "60", "90", "120", "180", "240", "300"])
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--ema", type=float, default=None, help="quality: decay of G's average (0: none; default the CLI's)")
    p.add_argument("--every", type=int, default=500, help="quality: steps between measurements (the meter's default)")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--out", default=None, help="quality: also write the table as JSON here")
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
