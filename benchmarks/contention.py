"""Benchmark: does training stay fast on a shared machine? The CPU-thread policy (``config.adapt_threads``) on and off.

    python benchmarks/contention.py --seconds 20              # on a quiet machine: nothing else running
    python benchmarks/contention.py --seconds 2 --quick       # a smoke run that only checks the script works

For each policy (``GANEDU_THREADS=fixed``: PyTorch's default thread count throughout; ``auto``: the policy), three
scenes, each a fresh ``python`` process training the MLP pair on the CPU for ``--seconds``:

- alone: one run on an otherwise idle machine (the single-user speed the policy must keep);
- two runs at once (two learners on one machine): their total against one run alone, >= 0.9 is a fair share;
- one run beside a busy process (``python -c "while True: pass"``, an unrelated program taking one core).

The trainer applies the policy every step; each run also records the thread counts it saw. Prints steps/s
per run and the ratios; asserts nothing (not a test).
Results and the command go in benchmarks/RESULTS.md. Needs MNIST (--data-root, default $GANEDU_DATA; the test split
is enough to measure speed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
START_DELAY_S = 3.0  # runs of one scene load their data first, then start training together at the same moment


def worker(args: argparse.Namespace) -> None:
    """One training run: wait for the common start, train for ``args.seconds``, print one JSON line."""
    sys.path.insert(0, str(REPO))
    import torch

    from ganedu import config, data, models
    from ganedu.train import TrainConfig, Trainer

    images, _ = data.mnist(args.split, root=args.data_root)
    g, d = models.build("mlp")
    trainer = Trainer(g, d, images, TrainConfig(device="cpu", seed=0))
    time.sleep(max(0.0, args.start_at - time.time()))
    seen = set()

    def policy(_trainer) -> None:
        seen.add(config.adapt_threads())

    trainer.train(max_seconds=args.seconds, callbacks=[policy])
    rate = trainer.step_count / max(trainer.seconds, 1e-9)
    print(json.dumps({"steps": trainer.step_count, "seconds": round(trainer.seconds, 2), "steps_per_s": rate,
                      "threads_seen": sorted(seen), "threads_end": torch.get_num_threads()}), flush=True)


def scene(args: argparse.Namespace, policy: str, runs: int, busy: bool) -> list[dict]:
    """Start ``runs`` training processes (and a busy loop if ``busy``) under ``policy``; their JSON results."""
    env = dict(os.environ, GANEDU_THREADS=policy, PYTHONPATH=str(REPO))
    start_at = time.time() + START_DELAY_S
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--seconds", str(args.seconds),
           "--split", args.split, "--start-at", str(start_at)]
    if args.data_root:
        cmd += ["--data-root", args.data_root]
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
    try:
        procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True) for _ in range(runs)]
        outs = [p.communicate()[0] for p in procs]
    finally:
        if hog is not None:
            hog.kill()
            hog.wait()
    if any(p.returncode for p in procs):
        raise SystemExit(f"a training run failed (exit codes {[p.returncode for p in procs]})")
    return [json.loads(out.strip().splitlines()[-1]) for out in outs]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="training time per run (default 20)")
    parser.add_argument("--split", choices=["train", "test"], default="test", help="MNIST split (speed only)")
    parser.add_argument("--data-root", default=None, help="folder holding MNIST/raw (default: $GANEDU_DATA)")
    parser.add_argument("--policies", nargs="+", default=["fixed", "auto"], help="GANEDU_THREADS values to compare")
    parser.add_argument("--quick", action="store_true", help="smoke run: only the 'alone' scene")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
        return
    print(f"# {time.strftime('%Y-%m-%d %H:%M')} | {os.cpu_count()} CPUs visible | {args.seconds:g} s per run")
    scenes = {"alone": (1, False)} if args.quick else {"alone": (1, False), "two at once": (2, False),
                                                      "beside a busy process": (1, True)}
    for policy in args.policies:
        alone = None
        for name, (runs, busy) in scenes.items():
            results = scene(args, policy, runs, busy)
            rates = [r["steps_per_s"] for r in results]
            alone = alone if alone is not None else rates[0]
            threads = ", ".join(f"{r['threads_seen']}->{r['threads_end']}" for r in results)
            print(f"{policy:6s} {name:22s} steps/s {' + '.join(f'{v:6.1f}' for v in rates):18s} "
                  f"total / alone {sum(rates) / alone:5.2f}   threads {threads}")


if __name__ == "__main__":
    main()
