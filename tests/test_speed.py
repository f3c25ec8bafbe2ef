"""ganedu.lessons.speed: the classic tutorial loop does the real update, and the rate helpers count what they time.

No timings are asserted: the clock is replaced by one that advances only when a step runs.
"""

from __future__ import annotations

import copy
import json
import re

import numpy as np
import pytest
import torch
from torch import nn

from ganedu import config, models
from ganedu.lessons import speed
from ganedu.train import TrainConfig, Trainer

pytestmark = pytest.mark.usefixtures("one_thread")  # conftest.py: tiny nets run on one thread


class Clock:
    """A stand-in for time.perf_counter that moves by ``tick`` seconds per step and not otherwise."""

    def __init__(self, tick: float) -> None:
        self.now, self.tick = 0.0, tick

    def __call__(self) -> float:
        return self.now

    def advance(self) -> None:
        self.now += self.tick


def _tiny_pair(seed: int = 0) -> tuple[nn.Module, nn.Module]:
    with config.seeded(seed):
        G = models.MLPGenerator(latent_dim=4, hidden=(16, 16))  # BatchNorm on the 2nd layer, tanh out: MNIST's shape
        D = models.MLPDiscriminator(hidden=(16,))
    return G, D


def test_classic_loop_step_is_the_tutorial_update():
    pixels = torch.arange(784, dtype=torch.float32).reshape(1, 1, 28, 28) % 256  # 0..255
    images = (pixels / 127.5 - 1).expand(32, 1, 28, 28).contiguous()  # every digit the same: shuffling is moot
    G, D = _tiny_pair()
    G2, D2 = copy.deepcopy(G), copy.deepcopy(D)
    loop = speed.ClassicLoop(G, D, images, batch_size=8, lr=1e-2)

    np.random.seed(0)  # the tutorials draw z with NumPy on the host
    loop.step()

    # the same update written out: real pixels through ToTensor + Normalize(0.5, 0.5) are 2 p / 255 - 1;
    # G's step on D(G(z)) vs 1, then D's step on the real batch vs 1 and the same fakes vs 0, both BCE on sigmoid
    np.random.seed(0)
    z = torch.tensor(np.random.normal(0, 1, (8, 4)), dtype=torch.float32)
    real = (2 * pixels / 255 - 1).expand(8, 1, 28, 28)
    opt_g = torch.optim.Adam(G2.parameters(), lr=1e-2, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D2.parameters(), lr=1e-2, betas=(0.5, 0.999))
    bce, ones, zeros = nn.BCELoss(), torch.ones(8, 1), torch.zeros(8, 1)
    fake = G2(z)
    g_loss = bce(torch.sigmoid(D2(fake)), ones)
    g_loss.backward()
    opt_g.step()
    opt_d.zero_grad()
    d_loss = (bce(torch.sigmoid(D2(real)), ones) + bce(torch.sigmoid(D2(fake.detach())), zeros)) / 2
    d_loss.backward()
    opt_d.step()

    for ours, theirs in ((G, G2), (D, D2)):
        for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
            torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-6)
    assert loop.steps == 1
    line = loop.log.getvalue()
    logged = re.fullmatch(r"\[Batch 1\] \[D loss: ([\d.]+)\] \[G loss: ([\d.]+)\]\n", line)
    assert logged is not None
    assert float(logged.group(1)) == pytest.approx(d_loss.item(), abs=1e-5)
    assert float(logged.group(2)) == pytest.approx(g_loss.item(), abs=1e-5)


def test_classic_loop_changes_both_networks_and_reuses_its_loader():
    images = torch.rand(16, 1, 28, 28) * 2 - 1
    G, D = _tiny_pair()
    before = [p.detach().clone() for p in (*G.parameters(), *D.parameters())]
    loop = speed.ClassicLoop(G, D, images, batch_size=8)
    for _ in range(5):  # two batches per epoch: the loader is restarted twice
        loop.step()
    after = list((*G.parameters(), *D.parameters()))
    assert all(not torch.equal(a, b) for a, b in zip(before, after))
    assert loop.steps == 5 and loop.log.getvalue().count("\n") == 5


def test_steps_per_second_counts_warmup_and_windows(monkeypatch):
    clock, calls = Clock(tick=0.125), []

    def step() -> None:
        calls.append(1)
        clock.advance()

    monkeypatch.setattr(speed.time, "perf_counter", clock)
    rate = speed.steps_per_second(step, torch.device("cpu"), warmup=3, steps=5, windows=2)
    assert len(calls) == 3 + 2 * 5
    assert (rate.median, rate.low, rate.high) == pytest.approx((8.0, 8.0, 8.0))  # 5 steps in 0.625 s (fake clock)
    assert "8.0 steps/s" in str(rate)


def test_trainer_rate_counts_generator_steps(monkeypatch):
    G, D = _tiny_pair()
    trainer = Trainer(G, D, torch.rand(32, 1, 28, 28) * 2 - 1, TrainConfig(batch_size=8, device="cpu", fast=False))
    clock = Clock(tick=0.25)
    monkeypatch.setattr(speed.time, "perf_counter", clock)
    def train(steps: int) -> None:  # the real training, plus the fake clock moving with it
        Trainer.train(trainer, steps=steps)
        for _ in range(steps):
            clock.advance()

    monkeypatch.setattr(trainer, "train", train)
    rate = speed.trainer_rate(trainer, warmup=2, steps=4, windows=3)
    assert trainer.step_count == 2 + 3 * 4
    assert rate.median == pytest.approx(4.0)  # 4 steps in 1 s of the fake clock


def test_compare_loops_measures_the_three_loops_on_the_same_model():
    images = torch.rand(32, 1, 28, 28) * 2 - 1
    row = speed.compare_loops(images, model="mlp", batch_size=8, device="cpu", steps=2, windows=1)
    assert set(row) == {"model", "batch", "classic", "data loading only", "ganedu eager", "ganedu fast"}
    assert (row["model"], row["batch"]) == ("mlp", 8)
    assert all(row[k] > 0 for k in ("classic", "data loading only", "ganedu eager", "ganedu fast"))


def test_recorded_runs_are_the_numbers_of_results_md():
    """The recorded file holds the rows of benchmarks/RESULTS.md's tables, with their commands and hardware."""
    from pathlib import Path

    results = (Path(__file__).resolve().parent.parent / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    for name in ("h100", "cpu2"):
        run = speed.recorded(name)
        assert run.rows and run.commands and run.hardware and re.fullmatch(r"\d{4}-\d\d-\d\d", run.date)
        for command in run.commands:  # each command line is the one RESULTS.md gives (wrapped there)
            assert " ".join(command.split()) in " ".join(results.split())
        for row in run.rows:
            assert set(row) == {"model", "batch", "classic", "ganedu eager", "ganedu fast"}
            table_row = re.compile(rf"\| {row['batch']} \| {row['classic']}( steps/s)? \| {row['ganedu eager']} \| "
                                   rf"\**{row['ganedu fast']}\**")
            assert table_row.search(results), (name, row)
    assert str(speed.recorded("h100")).startswith("recorded 2026-11-22 on NVIDIA H100")


def test_recorded_ratios_are_fast_over_classic_per_row(tmp_path):
    path = tmp_path / "rec.json"
    row = {"model": "mlp", "batch": 8, "classic": 4.0, "ganedu eager": 6.0, "ganedu fast": 10.0}
    run = {"hardware": "hw", "torch": "2.6", "date": "2026-01-02", "commands": ["c"], "rows": [row]}
    path.write_text(json.dumps({"runs": {"x": run}}))
    run = speed.recorded("x", path)
    assert run.ratios() == [2.5] and run.ratios("ganedu eager") == [1.5]
    with pytest.raises(KeyError, match="'y'.*x"):
        speed.recorded("y", path)
    with pytest.raises(FileNotFoundError, match="nothing.json"):
        speed.recorded("x", tmp_path / "nothing.json")
