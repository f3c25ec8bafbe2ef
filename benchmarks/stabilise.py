"""The measured comparison of notebook 09: every stabilisation recipe, same seeds, on the ring and on MNIST.

    python benchmarks/stabilise.py                        # the recorded table: ~10 min on 2 CPU cores
    python benchmarks/stabilise.py --problems ring --seeds 0 1 2 3 4
    python benchmarks/stabilise.py --device cuda --steps 20000 --problems mnist --out runs/stabilise_gpu.json

Each run is ``ganedu.stabilise.run_recipe`` (one recipe, one seed); the JSON file records the command, date,
device, software versions, the problems' and recipes' settings, and every outcome (final metrics, the trajectory
along the way, a few samples). Notebook 09 loads it with ``ge.stabilise.load_results()``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import asdict
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ganedu import config, stabilise  # noqa: E402

DEFAULT_OUT = REPO / "benchmarks" / stabilise.RESULTS_NAME


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def device_text(device: str) -> str:
    dev = config.pick_device(device)
    if dev.type == "cuda":
        return torch.cuda.get_device_name(dev)
    return f"CPU: {_cpu_name()}, {torch.get_num_threads()} torch thread(s), {os.cpu_count()} logical cores visible"


def _dumps(result: dict) -> str:
    """Readable JSON: the header indented, then one outcome per line (their point lists would fill pages)."""
    head = json.dumps({k: v for k, v in result.items() if k != "outcomes"}, indent=1, ensure_ascii=False)
    rows = ",\n  ".join(json.dumps(o, ensure_ascii=False) for o in result["outcomes"])
    return head[:-2] + ',\n "outcomes": [\n  ' + rows + "\n ]\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", default=list(stabilise.PROBLEMS), choices=list(stabilise.PROBLEMS))
    parser.add_argument("--recipes", nargs="+", default=list(stabilise.RECIPES), choices=list(stabilise.RECIPES))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2], help="seeds for the ring (default 0 1 2)")
    parser.add_argument("--mnist-seeds", nargs="+", type=int, default=[0], help="seeds for MNIST (default 0)")
    parser.add_argument("--steps", type=int, default=None, help="generator steps per run (default: the problem's)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default cpu: reproducible anywhere)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads for MNIST runs (ring runs use 1)")
    parser.add_argument("--classifier", type=Path, default=None,
                        help="MNIST classifier file (ganedu.metrics.save_classifier); default: ge.metrics.classifier()")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON file to write (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    clf = None
    if "mnist" in args.problems:  # loaded (or trained once) before the clock starts
        from ganedu import metrics

        clf = metrics.load_classifier(args.classifier) if args.classifier else metrics.classifier()
    outcomes = []
    start = time.perf_counter()
    load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    for name in args.problems:
        seeds = args.seeds if name == "ring" else args.mnist_seeds
        kwargs = {"clf": clf} if name == "mnist" else {}
        for r in args.recipes:
            for seed in seeds:
                o = stabilise.run_recipe(r, name, seed=seed, steps=args.steps, device=args.device, **kwargs)
                row = o.to_dict()
                if seed != seeds[0]:  # the notebook draws the first seed's points; the others only need numbers
                    row["samples"] = None
                outcomes.append(row)
                short = {k: v for k, v in o.metrics.items() if k != "n"}
                print(f"{name:5s} {r:16s} seed {seed}: {short}  {o.seconds:.1f} s", flush=True)
    total = time.perf_counter() - start
    result = {
        "command": "python benchmarks/stabilise.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "device": device_text(args.device),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "load_average_at_start": load_start,
        "total_seconds": round(total, 1),
        "problems": {k: asdict(v) for k, v in stabilise.PROBLEMS.items() if k in args.problems},
        "recipes": {k: asdict(stabilise.RECIPES[k]) for k in args.recipes},
        "classifier": None if clf is None else dict(clf.meta),
        "outcomes": outcomes,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(_dumps(result), encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1000:.0f} kB) after {total / 60:.1f} min")
    for name in args.problems:
        print(stabilise.table(outcomes, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
