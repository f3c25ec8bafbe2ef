"""ganedu.toy: 2D data sets, coverage, heatmap and arrows against closed forms, presets that show their behaviour."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from ganedu import plot, toy


def test_ring_and_grid_centres_by_hand():
    ring = toy.ring_centers()
    assert ring.shape == (8, 2)
    np.testing.assert_allclose(ring[0], [2.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(ring[2], [0.0, 2.0], atol=1e-12)
    np.testing.assert_allclose(ring[1], [np.sqrt(2), np.sqrt(2)], atol=1e-12)
    grid = toy.grid_centers()
    assert grid.shape == (25, 2)
    assert set(np.unique(grid)) == {-4.0, -2.0, 0.0, 2.0, 4.0}


@pytest.mark.parametrize("name", ["ring", "grid", "moons"])
def test_datasets_are_float32_and_reproducible(name):
    a, b, c = toy.dataset(name, n=500, seed=1), toy.dataset(name, n=500, seed=1), toy.dataset(name, n=500, seed=2)
    assert a.data.shape == (500, 2) and a.data.dtype == torch.float32
    assert torch.equal(a.data, b.data) and not torch.equal(a.data, c.data)


def test_ring_samples_spread_with_the_stated_std():
    data = toy.dataset("ring", n=20000, seed=0)
    x = data.data.numpy()
    nearest = data.centers[((x[:, None] - data.centers[None]) ** 2).sum(-1).argmin(1)]
    assert np.std(x - nearest) == pytest.approx(toy.MODE_STD, rel=0.03)


def test_moons_are_our_two_half_circles():
    pts, labels = toy.moons_curve(per_moon=5)
    # t = 0 on the upper moon is (1, 0); t = 0 on the lower moon is (0, 0.5); both shifted by -(0.5, 0.25), x 1.5
    np.testing.assert_allclose(pts[0], [0.75, -0.375])
    np.testing.assert_allclose(pts[5], [-0.75, 0.375])
    assert labels.tolist() == [0] * 5 + [1] * 5
    data = toy.dataset("moons", n=2000, seed=0)
    cov = toy.mode_coverage(data.data, data)
    assert cov.n_modes == 2 and cov.modes_hit == 2 and cov.high_quality > 0.97


def test_points_entered_by_a_learner():
    data = toy.dataset("points", n=300, points=[(0, 0), (3, 3)], std=0.1)
    assert data.n_modes == 2
    assert toy.mode_coverage(data.data, data).modes_hit == 2
    with pytest.raises(ValueError, match="pairs"):
        toy.dataset("points", points=[])
    with pytest.raises(ValueError, match="pairs"):
        toy.dataset("points", points=[(1, 2, 3)])
    with pytest.raises(ValueError, match="choose one of"):
        toy.dataset("spiral")


def test_coverage_of_real_ring_data_matches_the_2d_gaussian_closed_form():
    # in 2D, P(|x - mu| <= 3 std) = 1 - exp(-9/2) = 0.9889 (a Rayleigh distance)
    data = toy.dataset("ring", n=20000, seed=0)
    cov = toy.mode_coverage(data.data, data)
    assert cov.modes_hit == 8
    assert cov.high_quality == pytest.approx(1 - np.exp(-4.5), abs=0.004)


def test_coverage_hand_cases():
    data = toy.dataset("ring", n=100)
    on_three = np.repeat(data.centers[:3], 10, axis=0)  # 30 samples exactly on modes 0, 1, 2
    cov = toy.mode_coverage(on_three, data)
    assert (cov.modes_hit, cov.high_quality) == (3, 1.0)
    assert cov.per_mode.tolist() == [10, 10, 10, 0, 0, 0, 0, 0]
    far = np.full((50, 2), 10.0)
    assert (toy.mode_coverage(far, data).modes_hit, toy.mode_coverage(far, data).high_quality) == (0, 0.0)
    # a collapsed generator: 995 samples on mode 0, 5 strays on mode 4 (0.5% < 1%): one mode, not two
    collapsed = np.concatenate([np.repeat(data.centers[:1], 995, 0), np.repeat(data.centers[4:5], 5, 0)])
    cov = toy.mode_coverage(collapsed, data)
    assert (cov.modes_hit, cov.high_quality) == (1, 1.0)
    assert "1/8" in str(cov)
    with pytest.raises(ValueError, match="shape"):
        toy.mode_coverage(np.zeros((4, 3)), data)


def test_build_gan_is_seeded_and_scaled_without_touching_global_rng():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    g1, d1 = toy.build_gan(seed=5)
    assert torch.equal(torch.rand(1), before)  # the global stream is untouched
    g2, _ = toy.build_gan(seed=5)
    g_small, _ = toy.build_gan(seed=5, g_init_scale=0.1)
    z = torch.randn(16, 2)
    assert torch.equal(g1(z), g2(z))
    torch.testing.assert_close(g_small(z), 0.1 * g1(z))
    assert g1(z).shape == (16, 2) and d1(g1(z)).shape == (16, 1)
    assert not any(isinstance(m, nn.BatchNorm1d) for m in g1.modules())


def _linear_d(w=(1.5, -0.5), b=0.25) -> nn.Module:
    d = nn.Linear(2, 1)
    with torch.no_grad():
        d.weight.copy_(torch.tensor([w]))
        d.bias.fill_(b)
    return d


def test_heatmap_is_sigmoid_of_a_linear_logit():
    d = _linear_d()
    d.train()
    xs, ys, probs = toy.d_heatmap(d, (-1.0, 1.0, -2.0, 2.0), n=5)
    assert probs.shape == (5, 5) and d.training  # mode restored
    expect = 1 / (1 + np.exp(-(1.5 * xs[None, :] - 0.5 * ys[:, None] + 0.25)))
    np.testing.assert_allclose(probs, expect, rtol=1e-5)


@pytest.mark.parametrize("loss", ["minimax", "nonsaturating"])
def test_arrows_are_minus_the_per_sample_gradient(loss):
    g = nn.Linear(2, 2)
    with torch.no_grad():
        g.weight.copy_(torch.eye(2))
        g.bias.zero_()  # G(z) = z
    w = np.array([1.5, -0.5])
    z = torch.tensor([[0.0, 0.0], [2.0, 1.0], [-3.0, 0.5]])
    pts, arrows = toy.g_arrows(g, _linear_d(), z, loss)
    np.testing.assert_allclose(pts, z.numpy())
    s = 1 / (1 + np.exp(-(pts @ w + 0.25)))  # D(G(z)) per sample
    # -dL/dx: minimax L = log(1 - D) -> D w; non-saturating L = -log D -> (1 - D) w
    expect = (s if loss == "minimax" else 1 - s)[:, None] * w[None, :]
    np.testing.assert_allclose(arrows, expect, rtol=1e-5)
    assert g.weight.grad is None


def test_presets_registry_and_overrides():
    assert {"healthy", "mode_collapse", "strong_d", "strong_d_nonsaturating"} <= set(toy.PRESETS)
    p = toy.preset("healthy", seed=7)
    assert p.seed == 7 and toy.PRESETS["healthy"].seed == 0
    with pytest.raises(ValueError, match="choose one of"):
        toy.preset("nope")


def test_preset_budget_in_quick_and_full_mode(monkeypatch):
    from ganedu import config

    monkeypatch.setattr(config, "QUICK", False)
    assert toy.preset("healthy").budget == 3000 and toy.preset("strong_d").budget == 600
    monkeypatch.setattr(config, "QUICK", True)
    assert toy.preset("healthy").budget == 300  # a tenth
    assert toy.preset("strong_d").budget == 200 == toy.preset("strong_d_nonsaturating").budget  # quick_steps


def test_make_trainer_reproduces_a_run_from_its_seed():
    runs = []
    for _ in range(2):
        t = toy.make_trainer("healthy", n_samples=32)
        t.train(steps=5)
        runs.append(t.samples())
    assert torch.equal(runs[0], runs[1])
    other = toy.make_trainer("healthy", seed=1, n_samples=32)
    other.train(steps=5)
    assert not torch.equal(other.samples(), runs[0])


def test_the_trainer_carries_its_data_set():
    t = toy.make_trainer("healthy", dataset="grid", n_samples=16)
    assert isinstance(t.dataset, toy.Dataset2D) and t.dataset.name == "grid" and t.dataset.n_modes == 25
    assert toy.dataset_of(t) is t.dataset
    assert torch.equal(t.data, t.dataset.data)  # the trainer trains on exactly the data set it carries
    assert not hasattr(toy, "_DATA_OF")  # explicit state, no module-level registry keyed by trainer
    # score reads the attribute: another data set there changes the verdict on the same samples
    on_grid = toy.score(t)
    t.dataset = toy.dataset("points", points=[(100.0, 100.0)])
    assert toy.score(t).n_modes == 1 and toy.score(t).modes_hit == 0 and on_grid.n_modes == 25
    g, d = toy.build_gan()
    from ganedu.train import TrainConfig, Trainer

    plain = Trainer(g, d, torch.randn(64, 2), TrainConfig(batch_size=16, device="cpu", n_samples=16))
    assert toy.dataset_of(plain) is None
    with pytest.raises(ValueError, match="make_trainer"):
        toy.score(plain)


def test_trace_reads_coverage_every_few_steps():
    t = toy.make_trainer("healthy", n_samples=64)
    track = toy.trace(t, steps=6, every=2)
    assert track["step"].tolist() == [2, 4, 6] and t.step_count == 6
    assert track["center"].shape == (3, 2)
    last = toy.score(t)  # the last reading is the coverage of the trainer as it stands now
    assert track["modes_hit"][-1] == last.modes_hit and track["high_quality"][-1] == pytest.approx(last.high_quality)
    np.testing.assert_allclose(track["center"][-1], t.samples().mean(0).numpy(), rtol=1e-6)


def test_strong_d_stalls_the_saturating_loss_and_not_the_nonsaturating_one():
    stalled, _ = toy.run_preset("strong_d", steps=80)
    freed, _ = toy.run_preset("strong_d_nonsaturating", steps=80)
    start = toy.make_trainer("strong_d").samples()
    assert (stalled.samples() - start).norm(dim=1).mean() < 0.1  # measured 0.02
    assert stalled.history["d_fake"][-1] < 1e-3  # measured 4e-5
    assert (freed.samples() - start).norm(dim=1).mean() > 0.6  # measured 1.2


def test_race_1d_sgd_stalls_minimax_and_moves_nonsaturating():
    sat = toy.race_1d("minimax", steps=30, g_optimizer="sgd")
    ns = toy.race_1d("nonsaturating", steps=30, g_optimizer="sgd")
    assert set(sat) == {"step", "g_mean", "d_fake", "grad"} and sat["step"].tolist() == list(range(1, 31))
    assert abs(sat["g_mean"][-1]) < 0.05 and sat["d_fake"][-1] < 1e-3
    assert ns["g_mean"][-1] > 1.0
    assert np.all(ns["grad"][:5] > 100 * sat["grad"][:5])  # the logit gradients differ by ~1/D(G(z))
    with pytest.raises(ValueError, match="sgd"):
        toy.race_1d(g_optimizer="rmsprop")


def test_adam_step_ratio_is_the_last_step_over_lr():
    # oracle: the weights' actual movement in Adam's last step, divided by lr, and Adam's update written by hand
    w = nn.Parameter(torch.zeros(3, dtype=torch.float64))
    opt = torch.optim.Adam([w], lr=0.1, betas=(0.5, 0.999))
    g1 = torch.tensor([1.0, -2.0, 4.0], dtype=torch.float64)
    for g in (g1, g1, 1e-3 * g1):  # two steady steps, then a gradient a thousand times smaller
        before = w.detach().clone()
        w.grad = g.clone()
        opt.step()
    moved = ((w.detach() - before).abs() / 0.1).median().item()
    m = 0.5 * (0.5 * 0.5 * g1 + 0.5 * g1) + 0.5 * 1e-3 * g1  # m_t = b1 m_{t-1} + (1 - b1) g_t from m_0 = 0
    v = 0.999 * (0.999 * 0.001 * g1**2 + 0.001 * g1**2) + 0.001 * (1e-3 * g1) ** 2
    by_hand = ((m / (1 - 0.5**3)).abs() / ((v / (1 - 0.999**3)).sqrt() + 1e-8)).median().item()
    assert toy.adam_step_ratio(opt) == pytest.approx(moved, rel=1e-9)
    assert toy.adam_step_ratio(opt) == pytest.approx(by_hand, rel=1e-9)
    assert toy.adam_step_ratio(opt) < 0.7  # the small gradient gives a step well below lr
    steady = torch.optim.Adam([nn.Parameter(torch.zeros(2))], lr=0.1)
    steady.param_groups[0]["params"][0].grad = torch.tensor([1e-4, -3e-4])
    steady.step()
    assert toy.adam_step_ratio(steady) == pytest.approx(1.0, rel=1e-3)  # first step: full size whatever |g|
    with pytest.raises(ValueError, match="step"):
        toy.adam_step_ratio(torch.optim.Adam([nn.Parameter(torch.zeros(1))]))


def test_field_panel_png_is_reused_and_works_for_any_2d_trainer():
    t = toy.make_trainer("healthy", n_samples=64)
    t.train(steps=2)
    first = plot.field_panel(t)
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    panel = t.field_view
    plot.field_panel(t)
    assert t.field_view is panel  # one figure per trainer, updated in place
    assert "modes hit" in panel.title.get_text()

    from ganedu.train import TrainConfig, Trainer

    g, d = toy.build_gan()
    plain = Trainer(g, d, torch.randn(100, 2), TrainConfig(batch_size=16, device="cpu", n_samples=16))
    assert plot.field_panel(plain)[:4] == b"\x89PNG"  # no data set known: limits from the data, no coverage
    fig = plot.fields_figure({"a": t, "b": plain})
    assert fig._repr_png_()[:4] == b"\x89PNG"
