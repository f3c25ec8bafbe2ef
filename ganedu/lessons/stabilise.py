"""Keeping GAN training from collapsing: a generator EMA, named remedies ("recipes") and a runner that measures them.

Notebook 09 reproduces mode collapse on cue and compares remedies on the same seeds; ``benchmarks/stabilise.py``
runs the comparison and records its table. Nothing here changes the training loop: a remedy only picks what the
``Trainer`` already takes (a D loss, a penalty, k, learning rates, Adam's betas, a spectrally normalised D, an
average of G's weights to sample from).

- :class:`EMA` (from ``ganedu.ema``): an exponential moving average of the generator's weights (notebook 09 steps
  it by hand; the EMA recipe sets ``TrainConfig.ema``).
- :class:`Problem`: a baseline setting that collapses on cue (``PROBLEMS["ring"]``, ``PROBLEMS["mnist"]``).
- :class:`Recipe`: one change to that baseline (``RECIPES``, in the order the table lists them).
- :func:`watch_recipe` / :func:`run_recipe`: build, train and measure one recipe on one seed -> :class:`Run` /
  :class:`Outcome`.
- :func:`compare_recipes`, :func:`summarize`, :class:`Table`: many recipes and seeds, averaged, as a table.
"""

from __future__ import annotations

import base64
import functools
import math
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING

import torch
from torch import Tensor, nn

from .. import config, losses, models
from ..ema import EMA, EMA_DECAY  # the generator average lives in the core; named here for notebook 09
from ..messages import msg
from ..progress import bar as progress_bar

if TYPE_CHECKING:  # for annotations only: these modules load when a run needs them
    import os

    import numpy as np

    from ..metrics import Classifier
    from ..train import Trainer
    from .toy import Dataset2D

# ----------------------------------------------------------------------------------------------------------------
# Problems (baselines that collapse on cue) and recipes (one change each)
# ----------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A baseline that collapses on cue. Recipe learning rates are multiples of ``lr``."""

    name: str  # "ring" (8 Gaussians, ganedu.toy) or "mnist" (the MLP pair on MNIST digits)
    lr: float  # the base step size η: D's Adam step in the baseline
    steps: int  # generator steps of a full run
    quick_steps: int  # ... in quick mode (GANEDU_QUICK): enough to run every code path, not to converge
    batch_size: int  # real and fake samples per step
    every: int  # steps between measurements along the way (the trajectory)
    n_eval: int  # generated samples measured at the end and along the way
    g_speedup: float  # the cue for collapse: the baseline's G step is this many times D's
    betas: tuple[float, float] = (0.5, 0.999)  # Adam's betas unless a recipe says otherwise (DCGAN's β1 = 0.5)


PROBLEMS: dict[str, Problem] = {
    # the toy preset "mode_collapse" of ganedu.toy: 2D latent, 64-64 MLPs, batch 128, η = 1e-3, G 10x faster
    # (lr_G = 1e-2): one blob hopping around the ring. ~3 ms a step on one CPU thread, so quick mode runs it in
    # full: notebooks 07 and 09 check their claims about it (collapse, perfect-generator losses) in the tests too
    "ring": Problem("ring", lr=1e-3, g_speedup=10.0, steps=1500, quick_steps=1500, batch_size=128, every=250,
                    n_eval=2000),
    # the classic MLP pair (1.5 M + 0.5 M parameters) at the DCGAN rate η = 2e-4, batch 64, G 25x faster
    # (lr_G = 5e-3): within a few hundred steps every sample is read as the same digit. ~20 ms a step on 2 cores
    "mnist": Problem("mnist", lr=2e-4, g_speedup=25.0, steps=1000, quick_steps=8, batch_size=64, every=250,
                     n_eval=1000),
}


@dataclass(frozen=True)
class Recipe:
    """One change to a problem's baseline; every field left at its default keeps the baseline's choice."""

    name: str  # key in RECIPES and the table's row label
    loss: str = "nonsaturating"  # generator loss, a key of losses.G_LOSSES
    d_loss: str = "bce"  # discriminator loss, a key of losses.D_LOSSES
    penalty: str | None = None  # "gp" (WGAN-GP) or "r1", added to D's loss
    weight: float | None = None  # the penalty's λ (gp) or γ (r1); None: the loss module's default
    k: int = 1  # D steps per G step (n_critic)
    lr_d: float = 1.0  # D's Adam step, in units of the problem's η
    lr_g: float | None = None  # G's Adam step, in units of η; None: the problem's g_speedup (the collapse cue)
    betas: tuple[float, float] | None = None  # Adam's (β1, β2) for both players; None: the problem's
    spectral_norm: bool = False  # spectral normalisation on every layer of D (Miyato et al. 2018)
    ema: float | None = None  # TrainConfig.ema: measure the average of G's weights with this decay, not G itself
    source: str = ""  # where the remedy comes from


#: The comparison of notebook 09, in table order. Each row changes one thing (or one paper's bundle) from the
#: baseline, which collapses because G takes steps much larger than D's (``Problem.g_speedup``).
RECIPES: dict[str, Recipe] = {r.name: r for r in (
    Recipe("baseline", source="collapse on cue: G's learning rate 10-25 x D's"),
    Recipe("minimax", loss="minimax", source="Goodfellow et al. 2014 (saturating loss)"),
    Recipe("k=5", k=5, source="Algorithm 1 with k = 5 D steps"),
    Recipe("equal lr", lr_g=1.0, source="lr_G = lr_D"),
    Recipe("TTUR", lr_d=4.0, lr_g=1.0, source="Heusel et al. 2017; lr_D = 4 lr_G as in SAGAN (Zhang et al. 2019)"),
    Recipe("label smoothing", d_loss="smoothed", source="Salimans et al. 2016 (one-sided, 0.9)"),
    Recipe("WGAN-GP", loss="wasserstein", d_loss="wasserstein", penalty="gp", k=5, betas=(0.0, 0.9),
           source="Gulrajani et al. 2017 (λ = 10, n_critic = 5, β = (0, 0.9))"),
    Recipe("spectral norm", spectral_norm=True, source="Miyato et al. 2018 (SN-GAN)"),
    Recipe("R1", penalty="r1", source="Mescheder et al. 2018 (γ = 10)"),
    Recipe("EMA of G", ema=EMA_DECAY, source="Karras et al. 2018; Yazıcı et al. 2019 (β = 0.999)"),
)}


def recipe(name: str | Recipe, **overrides: object) -> Recipe:
    """A registered recipe by name (or a Recipe), with fields replaced: ``recipe("R1", weight=1.0)``."""
    if isinstance(name, Recipe):
        return replace(name, **overrides) if overrides else name
    if name not in RECIPES:
        raise ValueError(msg("stab_bad_recipe", value=name, choices=", ".join(RECIPES)))
    return replace(RECIPES[name], **overrides) if overrides else RECIPES[name]


def _problem(problem: str | Problem) -> Problem:
    if isinstance(problem, Problem):
        return problem
    if problem not in PROBLEMS:
        raise ValueError(msg("stab_bad_problem", value=problem, choices=", ".join(PROBLEMS)))
    return PROBLEMS[problem]


def penalty_fn(r: Recipe) -> Callable | None:
    """The recipe's D penalty as fn(critic, real, fake), with its weight bound, or None."""
    if r.penalty is None:
        return None
    if r.penalty == "gp":
        return losses.gradient_penalty if r.weight is None else functools.partial(losses.gradient_penalty,
                                                                                   weight=r.weight)
    if r.penalty == "r1":
        return losses.r1_penalty if r.weight is None else functools.partial(losses.r1_penalty, gamma=r.weight)
    raise ValueError(msg("stab_bad_penalty", value=r.penalty))


def _check_recipe(r: Recipe) -> None:
    if r.loss not in losses.G_LOSSES:
        raise ValueError(msg("bad_loss", value=r.loss, choices=", ".join(losses.G_LOSSES)))
    if r.d_loss not in losses.D_LOSSES:
        raise ValueError(msg("stab_bad_d_loss", value=r.d_loss, choices=", ".join(losses.D_LOSSES)))
    penalty_fn(r)


# ----------------------------------------------------------------------------------------------------------------
# Running one recipe
# ----------------------------------------------------------------------------------------------------------------

GRID_SAMPLES = 32  # MNIST digits an outcome keeps as a picture (4 rows of 8, ~5 kB)


@dataclass
class Outcome:
    """What one run of a recipe measured. ``metrics`` at the end; ``trajectory`` rows along the way."""

    recipe: str
    problem: str
    seed: int
    steps: int  # generator steps actually trained (fewer if training diverged)
    seconds: float  # training time, measurements excluded
    metrics: dict  # ring: modes, high_quality; mnist: fd, fd_real_floor, coverage, confidence, precision, recall
    trajectory: list = field(default_factory=list)  # ring: [step, modes, hq]; mnist: [step, fd, coverage]
    status: str | None = None  # the trainer's message if a loss became non-finite
    samples: list | None = None  # ring: a few generated points [[x, y], ...] for figures
    grid_png: str | None = None  # mnist: GRID_SAMPLES generated digits as one base64 PNG (8 per row)

    def to_dict(self) -> dict:
        return asdict(self)


def _mnist_digits() -> Tensor:
    from .. import data

    return data.mnist(data.best_split())[0]


def _mnist_reference(clf: Classifier | None) -> Tensor:
    """The real digits the MNIST metrics compare with: those the classifier never saw (``metrics.held_out``)."""
    from .. import metrics

    return metrics.held_out(clf)[0]


class _Measure:
    """Scores generated samples for one problem: the ring's mode coverage, or MNIST's classifier metrics."""

    def __init__(self, problem: Problem, data, clf=None, real: Tensor | None = None) -> None:
        self.problem = problem
        self.data = data
        if problem.name == "mnist":
            from .. import metrics

            self.clf = clf or metrics.classifier()
            self.real = data if real is None else real
            self.meter = metrics.QualityMeter(self.real, clf=self.clf, every=problem.every, n=problem.n_eval)

    def point(self, samples: Tensor) -> list:
        """One trajectory row (without the step): [modes, hq] on the ring, [fd, coverage] on MNIST."""
        if self.problem.name == "ring":
            from . import toy

            c = toy.mode_coverage(samples, self.data)
            return [c.modes_hit, round(c.high_quality, 4)]
        fd, cov = self.meter.measure(samples)
        return [round(fd, 3) if math.isfinite(fd) else None, cov]

    def final(self, samples: Tensor, seed: int) -> dict:
        if self.problem.name == "ring":
            from . import toy

            c = toy.mode_coverage(samples, self.data)
            return {"modes": c.modes_hit, "n_modes": c.n_modes, "high_quality": round(c.high_quality, 4)}
        from .. import metrics

        if not torch.isfinite(samples).all():
            return {"fd": None, "fd_real_floor": None, "coverage": 0}
        out = metrics.evaluate(samples.clamp(-1, 1), self.real, clf=self.clf, n=len(samples), seed=seed)
        return {k: out[k] for k in ("n", "fd", "fd_real_floor", "coverage", "confidence", "precision", "recall",
                                     "memorization")}


def build_trainer(r: Recipe | str, problem: str | Problem = "ring", seed: int = 0, device: str = "cpu",
                  data: Tensor | None = None) -> tuple[Trainer, Dataset2D | Tensor]:
    """A Trainer for recipe ``r`` on ``problem`` with everything seeded by ``seed``; returns (trainer, data_obj).

    ``data_obj`` is the ring's ``toy.Dataset2D``, or the MNIST digits tensor. ``data`` replaces the MNIST digits
    (default: the train split if present, else the test split).
    """
    from ..train import TrainConfig, Trainer

    r, p = recipe(r), _problem(problem)
    _check_recipe(r)
    if p.name == "ring":
        from . import toy

        data_obj = toy.dataset("ring", seed=seed)
        G, D = toy.build_gan(seed=seed)
        if r.spectral_norm:
            models.spectral_normalize(D)
        x = data_obj.data
    else:
        x = _mnist_digits() if data is None else data
        data_obj = x
        with config.seeded(seed):
            G, D = models.build("sn_mlp" if r.spectral_norm else "mlp")
    lr_g = (p.g_speedup if r.lr_g is None else r.lr_g) * p.lr
    cfg = TrainConfig(batch_size=p.batch_size, k=r.k, lr_d=r.lr_d * p.lr, lr_g=lr_g, loss=r.loss,
                      betas=r.betas or p.betas, seed=seed, device=device, n_samples=min(p.n_eval, 512),
                      ema=r.ema, fast=True)  # fast: fused Adam (also on the CPU, ~30% faster); CUDA graphs on a GPU
    trainer = Trainer(G, D, x, cfg, d_loss=losses.D_LOSSES[r.d_loss], d_penalty=penalty_fn(r))
    return trainer, data_obj


@dataclass
class Run:
    """A finished run of :func:`watch_recipe`: its measured outcome plus what a notebook wants to look at."""

    outcome: Outcome
    trainer: object  # the ganedu.train.Trainer (its history holds the loss curves)
    data: object  # the ring's toy.Dataset2D, or the MNIST digits
    snapshots: list  # [(step, samples)] at every measurement: 2D points (ring) or 16 digits (MNIST)

    @property
    def ema(self) -> EMA | None:
        """The trainer's average of G's weights (the EMA recipe), else None."""
        return self.trainer.ema

    @property
    def generator(self) -> nn.Module:
        """The generator that was measured: the trainer's sampler (the average for the EMA recipe)."""
        return self.trainer.sampler


def watch_recipe(r: Recipe | str, problem: str | Problem = "ring", seed: int = 0, steps: int | None = None,
                 device: str = "cpu", data: Tensor | None = None, clf: Classifier | None = None,
                 n_points: int = 400, every: int | None = None, progress: bool | None = None) -> Run:
    """Train recipe ``r`` on ``problem`` for ``steps`` (default: the problem's; tiny in quick mode), measuring it
    every ``every`` steps (default ``problem.every``) and at the end. Returns a :class:`Run` (trainer, snapshots,
    outcome).

    Same ``seed`` -> same initial weights, data, batches and noise for every recipe (the penalty's random ε too:
    the global RNG is seeded inside a fork, so the caller's random state is left alone). Measurements use their own
    fixed noise and are excluded from ``seconds``. With ``ema`` the averaged generator is what gets measured.
    On the ring, ``n_points`` generated points are kept per snapshot. ``clf``: the MNIST classifier to use.
    MNIST samples are compared with the digits the classifier never saw (``metrics.held_out``), or with ``data``
    when it is given. ``progress``: a bar over the steps (``ganedu.progress``: by default in a notebook or on a
    terminal; False: none).
    """
    r, p = recipe(r), _problem(problem)
    steps = steps or config.quick(p.steps, p.quick_steps)
    every = p.every if every is None else every
    for name, value in (("steps", steps), ("every", every)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(msg("bad_steps", name=name, value=value))
    dev = config.pick_device(device)
    keep = n_points if p.name == "ring" else 16
    threads = config.one_thread() if p.name == "ring" else nullcontext()  # tiny nets: 1 thread is faster
    with threads, config.seeded(seed, dev):
        trainer, data_obj = build_trainer(r, p, seed=seed, device=str(dev), data=data)
        real = _mnist_reference(clf) if p.name == "mnist" and data is None else None  # else: the given data
        measure = _Measure(p, data_obj, clf=clf, real=real)
        bar = progress_bar(steps, msg("progress_recipe", recipe=r.name, seed=seed), progress=progress)
        callbacks = [lambda _: bar.update(1)]
        trajectory, snapshots, seconds = [], [], 0.0
        while trainer.step_count < steps and trainer.status is None:
            chunk = min(every - trainer.step_count % every, steps - trainer.step_count)
            start = time.perf_counter()
            trainer.train(steps=chunk, callbacks=callbacks)
            seconds += time.perf_counter() - start
            if trainer.status is None:
                now = models.sample(trainer.sampler, p.n_eval)  # the same fixed z for every recipe
                trajectory.append([trainer.step_count, *measure.point(now)])
                snapshots.append((trainer.step_count, now[:keep]))
        bar.close()
        final = models.sample(trainer.sampler, p.n_eval)  # the same fixed z for every recipe
        points = grid = None
        if p.name == "ring":
            points = [[round(float(a), 3), round(float(b), 3)] for a, b in final[:n_points].tolist()]
        elif torch.isfinite(final).all():
            from ..interface import plot

            grid = base64.b64encode(plot.grid_png(final[:GRID_SAMPLES], nrow=8, scale=1)).decode("ascii")
        outcome = Outcome(recipe=r.name, problem=p.name, seed=seed, steps=trainer.step_count,
                          seconds=round(seconds, 2), metrics=measure.final(final, seed), trajectory=trajectory,
                          status=trainer.status, samples=points, grid_png=grid)
    return Run(outcome, trainer, data_obj, snapshots)


def run_recipe(r: Recipe | str, problem: str | Problem = "ring", seed: int = 0, steps: int | None = None,
               device: str = "cpu", data: Tensor | None = None, clf: Classifier | None = None,
               n_points: int = 400, progress: bool | None = None) -> Outcome:
    """The measured :class:`Outcome` of :func:`watch_recipe` (same arguments), without keeping the trainer."""
    run = watch_recipe(r, problem, seed=seed, steps=steps, device=device, data=data, clf=clf, n_points=n_points,
                       progress=progress)
    return run.outcome


def compare_recipes(names: Iterable[str | Recipe] | None = None, problem: str | Problem = "ring",
                    seeds: Sequence[int] = (0,), steps: int | None = None, device: str = "cpu",
                    progress: bool | None | Callable[[Outcome], None] = None,
                    on_run: Callable[[Outcome], None] | None = None, **kwargs: object) -> list[Outcome]:
    """:func:`run_recipe` for every recipe (default: all of ``RECIPES``) on every seed; ``on_run(outcome)`` is
    called after each run (e.g. ``print``). ``progress``: one bar over the runs (``ganedu.progress``: by default in a
    notebook or on a terminal; False: none); a callable there is taken as ``on_run``, as it used to be."""
    if callable(progress):
        on_run, progress = progress, None
    runs = [(name, seed) for name in (list(RECIPES) if names is None else names) for seed in seeds]
    out = []
    with progress_bar(len(runs), msg("progress_recipes"), unit=msg("progress_unit_run"), progress=progress) as bar:
        for name, seed in runs:
            o = run_recipe(name, problem, seed=seed, steps=steps, device=device, progress=False, **kwargs)
            out.append(o)
            bar.update(1)
            if on_run is not None:
                on_run(o)
    return out


# ----------------------------------------------------------------------------------------------------------------
# Tables
# ----------------------------------------------------------------------------------------------------------------

#: Columns of the summary table per problem: (metrics key, messages key of its header, format). Means over seeds.
TABLE_COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "ring": (("modes", "stab_col_modes", "{:.1f}"), ("high_quality", "stab_col_high_quality", "{:.0%}")),
    "mnist": (("coverage", "stab_col_coverage", "{:.1f}"), ("fd", "stab_col_fd", "{:.1f}"),
              ("fd_real_floor", "stab_col_fd_floor", "{:.1f}"), ("confidence", "stab_col_confidence", "{:.2f}"),
              ("precision", "stab_col_precision", "{:.2f}"), ("recall", "stab_col_recall", "{:.2f}")),
}


def _as_dict(o: Outcome | dict) -> dict:
    return o.to_dict() if isinstance(o, Outcome) else o


def summarize(outcomes: Iterable[Outcome | dict]) -> list[dict]:
    """One row per (problem, recipe): metric means over seeds (None-safe), the per-seed values and mean seconds.

    Rows keep the order in which recipes first appear.
    """
    groups: dict[tuple[str, str], list[dict]] = {}
    for o in map(_as_dict, outcomes):
        groups.setdefault((o["problem"], o["recipe"]), []).append(o)
    rows = []
    for (prob, name), runs in groups.items():
        row = {"problem": prob, "recipe": name, "seeds": [o["seed"] for o in runs],
               "seconds": round(sum(o["seconds"] for o in runs) / len(runs), 2),
               "diverged": sum(o["status"] is not None for o in runs)}
        for key, _, _ in TABLE_COLUMNS[prob]:
            values = [o["metrics"].get(key) for o in runs]
            finite = [v for v in values if v is not None and math.isfinite(v)]
            row[key] = sum(finite) / len(finite) if finite else None
            row[f"{key}_per_seed"] = values
        rows.append(row)
    return rows


class Table:
    """Summary rows shown as an HTML table in notebooks (GitHub renders it) and as aligned text elsewhere."""

    def __init__(self, rows: list[dict], problem: str, note: str = "") -> None:
        self.rows = [row for row in rows if row["problem"] == problem]
        self.problem = problem
        self.note = note

    def _cells(self, row: dict) -> list[str]:
        cells = [row["recipe"]]
        for key, _, fmt in TABLE_COLUMNS[self.problem]:
            v = row.get(key)
            text = msg("stab_not_available") if v is None else fmt.format(v)
            per = row.get(f"{key}_per_seed") or []
            if key in ("modes", "coverage") and len(per) > 1:
                text += " (" + ", ".join("-" if x is None else str(x) for x in per) + ")"
            cells.append(text)
        cells.append(f"{row['seconds']:.1f}")
        return cells

    def headers(self) -> list[str]:
        """The column headers in the learner's language."""
        return [msg("stab_col_recipe"), *(msg(h) for _, h, _ in TABLE_COLUMNS[self.problem]), msg("stab_col_seconds")]

    def _repr_html_(self) -> str:
        import html

        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.headers())
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in self._cells(r)) + "</tr>"
                       for r in self.rows)
        note = f"<p><small>{html.escape(self.note)}</small></p>" if self.note else ""
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}"

    def __str__(self) -> str:
        table = [self.headers(), *(self._cells(r) for r in self.rows)]
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in table]
        return "\n".join(lines + ([self.note] if self.note else []))

    __repr__ = __str__


def table(outcomes: Iterable[Outcome | dict], problem: str = "ring", note: str = "") -> Table:
    """The notebook's comparison table for ``problem`` from outcomes (or their dicts, as the JSON stores them)."""
    return Table(summarize(outcomes), _problem(problem).name, note)


#: What each trajectory row holds after its step, per problem.
TRAJECTORY: dict[str, tuple[str, str]] = {"ring": ("modes", "high_quality"), "mnist": ("fd", "coverage")}


def curve(outcome: Outcome | dict, key: str) -> tuple[list, list]:
    """(steps, values) of one measured quantity along a run: "modes" / "high_quality" (ring), "fd" / "coverage"
    (MNIST), for ``plot.trajectory_figure``."""
    o = _as_dict(outcome)
    cols = TRAJECTORY[o["problem"]]
    if key not in cols:
        raise ValueError(msg("stab_bad_curve", problem=o["problem"], keys=", ".join(cols), value=key))
    i = cols.index(key) + 1
    return [row[0] for row in o["trajectory"]], [row[i] for row in o["trajectory"]]


def grid_image(outcome: Outcome | dict) -> np.ndarray | None:
    """An MNIST outcome's stored sample grid as a uint8 array (H, W), for ``plot`` functions; None if absent."""
    import io

    import numpy as np
    from PIL import Image

    data = _as_dict(outcome).get("grid_png")
    if not data:
        return None
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("L"))


RESULTS_NAME = "stabilise_results.json"  # written by benchmarks/stabilise.py
RESULTS_URL = "https://raw.githubusercontent.com/ganedu/ganedu/main/benchmarks/" + RESULTS_NAME


def load_results(path: str | os.PathLike | None = None) -> dict:
    """The recorded comparison (``benchmarks/stabilise_results.json``): command, date, device and outcomes.

    Looked for in the course repository this package sits in (a clone, Binder); where the package was installed
    without the repository (``pip install``, Colab), the recorded file is fetched from the course's GitHub
    repository unless ``$GANEDU_OFFLINE`` is set.
    """
    import json
    from pathlib import Path

    local = Path(path) if path is not None else Path(__file__).resolve().parents[2] / "benchmarks" / RESULTS_NAME
    if local.is_file():
        return json.loads(local.read_text(encoding="utf-8"))
    if path is None and not config.OFFLINE:
        import urllib.request

        try:
            with urllib.request.urlopen(RESULTS_URL, timeout=20) as response:
                return json.loads(response.read().decode("utf-8"))
        except (OSError, ValueError):
            pass
    raise FileNotFoundError(msg("stab_no_results", path=local))

