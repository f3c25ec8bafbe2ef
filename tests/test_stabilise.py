"""ganedu.stabilise (EMA, recipes, runner, tables) and the model options it uses: spectral norm, the cGAN pair."""

import json
import math

import pytest
import torch
from torch import nn

from ganedu import losses, metrics, models, stabilise
from ganedu.train import TrainConfig, Trainer

pytestmark = pytest.mark.usefixtures("one_thread")  # conftest.py: tiny nets run on one thread


# --- EMA --------------------------------------------------------------------------------------------------------


class Affine(nn.Module):
    """A one-parameter-pair "generator" with a buffer, to follow the EMA by hand."""

    latent_dim = 1

    def __init__(self, w: float, b: float) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.tensor([w]))
        self.b = nn.Parameter(torch.tensor([b]))
        self.register_buffer("count", torch.tensor([0.0]))

    def forward(self, z):
        return self.w * z + self.b


def test_ema_matches_hand_computation():
    live = Affine(1.0, 0.0)
    ema = stabilise.EMA(live, decay=0.9, warmup=10.0)
    avg = 1.0
    for t, w in enumerate([2.0, 4.0, -1.0], start=1):
        with torch.no_grad():
            live.w.fill_(w)
            live.count.fill_(t)
        ema.update(live)
        beta = min(0.9, (1 + t) / (10 + t))  # 2/11, 3/12, 4/13: the warm-up is below 0.9 here
        avg = beta * avg + (1 - beta) * w
        assert ema.generator.w.item() == pytest.approx(avg, rel=1e-6)
        assert ema.rate(t) == pytest.approx(beta)
    assert ema.generator.count.item() == 3.0  # buffers are copied, not averaged
    assert live.w.item() == -1.0  # the live generator is untouched


def test_ema_without_warmup_uses_the_decay_from_the_start():
    live = Affine(0.0, 0.0)
    ema = stabilise.EMA(live, decay=0.5, warmup=None)
    with torch.no_grad():
        live.w.fill_(8.0)
    for want in (4.0, 6.0, 7.0):  # 0.5 * avg + 0.5 * 8
        ema.update(live)
        assert ema.generator.w.item() == pytest.approx(want)


def test_ema_converges_to_a_constant_generator_and_never_trains():
    live = Affine(3.0, -2.0)
    ema = stabilise.EMA(Affine(0.0, 0.0), decay=0.99)
    for _ in range(2000):
        ema.update(live)
    assert ema.generator.w.item() == pytest.approx(3.0, abs=1e-6)
    assert ema.generator.b.item() == pytest.approx(-2.0, abs=1e-6)
    assert not any(p.requires_grad for p in ema.generator.parameters())


def test_ema_as_trainer_callback():
    from ganedu import toy

    data = toy.dataset("ring", n=500).data
    G, D = toy.build_gan(seed=0)
    trainer = Trainer(G, D, data, TrainConfig(batch_size=32, device="cpu", seed=0))
    path = [[p.detach().clone() for p in G.parameters()]]  # θ_0, θ_1, ... recorded after every step
    ema, copy0 = stabilise.EMA(trainer.G, decay=0.7, warmup=None), stabilise.EMA(trainer.G, decay=0.0)
    record = lambda t: path.append([p.detach().clone() for p in t.G.parameters()])
    trainer.train(steps=5, callbacks=[ema, copy0, record])
    assert ema.updates == 5
    for p_live, p_copy in zip(trainer.G.parameters(), copy0.generator.parameters()):
        assert torch.equal(p_live, p_copy)  # decay 0: the average is the latest G
    want = path[0]
    for theta in path[1:]:  # θ̄_t = 0.7 θ̄_{t-1} + 0.3 θ_t
        want = [0.7 * a + 0.3 * b for a, b in zip(want, theta)]
    for p_avg, w in zip(ema.generator.parameters(), want):
        assert torch.allclose(p_avg, w, atol=1e-6)
    z = torch.randn(7, trainer.latent_dim)
    assert ema.samples(z).shape == (7, 2)


@pytest.mark.parametrize("decay,warmup", [(1.0, 10.0), (-0.1, 10.0), (0.9, 0.5), ("0.9", None)])
def test_ema_bad_settings_are_clear_errors(decay, warmup):
    with pytest.raises(ValueError, match="EMA"):
        stabilise.EMA(Affine(0.0, 0.0), decay=decay, warmup=warmup)


def test_ema_of_another_network_is_a_clear_error():
    ema = stabilise.EMA(Affine(0.0, 0.0))
    with pytest.raises(ValueError, match="EMA"):
        ema.update(nn.Linear(3, 3))


# --- spectral normalisation --------------------------------------------------------------------------------------


def _top_singular(weight: torch.Tensor) -> float:
    return torch.linalg.matrix_norm(weight.detach().flatten(1), ord=2).item()


def test_spectral_norm_makes_every_top_singular_value_one():
    D = models.build_discriminator("sn_mlp")
    raw = [m.parametrizations.weight.original for m in D.modules() if isinstance(m, nn.Linear)]
    assert len(raw) == 3 and all(_top_singular(w) > 1.5 for w in [r * 3 for r in raw])
    x = torch.randn(2, 1, 28, 28)
    for _ in range(150):  # one power iteration per forward pass in training mode; σ is estimated from below
        D(x)
    for m in D.modules():
        if isinstance(m, nn.Linear):
            assert _top_singular(m.weight) == pytest.approx(1.0, abs=1e-3)


def test_spectral_norm_bounds_the_mlp_lipschitz_constant():
    D = models.build_discriminator("sn_mlp")
    for _ in range(150):
        D(torch.randn(2, 1, 28, 28))
    D.eval()
    x = torch.randn(64, 1, 28, 28)
    x = x.requires_grad_(True)
    (g,) = torch.autograd.grad(D(x).sum(), x)
    assert g.flatten(1).norm(dim=1).max().item() <= 1.0 + 1e-3  # ||∇D|| <= product of layer norms = 1


def test_spectral_normalize_in_place_and_idempotent():
    net = nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(0.2), nn.Conv2d(1, 2, 3))
    assert models.spectral_normalize(net) is net
    models.spectral_normalize(net)  # a second call does not stack another parametrization
    assert len(net[0].parametrizations.weight) == 1
    assert hasattr(net[2], "parametrizations")


@pytest.mark.parametrize("kind", ["sn_mlp", "sn_dcgan"])
def test_sn_pairs_rebuild_from_spec(kind):
    G, D = models.build(kind, latent_dim=8)
    D2 = models.from_spec(D.spec, "discriminator")
    D2.load_state_dict(D.state_dict())
    D.eval(), D2.eval()
    x = torch.rand(3, 1, 28, 28) * 2 - 1
    assert torch.equal(D(x), D2(x))
    assert D.spec["kind"] == kind and G(torch.randn(2, 8)).shape == (2, 1, 28, 28)


# --- the conditional pair ---------------------------------------------------------------------------------------


def test_cgan_shapes_and_spec():
    G, D = models.build("cgan", latent_dim=12)
    z, y = torch.randn(5, 12), torch.tensor([0, 1, 2, 3, 9])
    x = G(z, y)
    assert x.shape == (5, 1, 28, 28) and x.abs().max() <= 1
    assert D(x, y).shape == (5, 1)
    G2 = models.from_spec(G.spec, "generator")
    G2.load_state_dict(G.state_dict())
    G.eval(), G2.eval()
    assert torch.equal(G(z, y), G2(z, y))


def test_cgan_uses_the_label():
    G, D = models.build("cgan", latent_dim=12)
    G.eval()
    z = torch.randn(4, 12)
    a, b = G(z, torch.full((4,), 3)), G(z, torch.full((4,), 7))
    assert (a - b).abs().max() > 1e-4  # same z, another label: another image
    x = torch.rand(4, 1, 28, 28) * 2 - 1
    assert (D(x, torch.full((4,), 3)) - D(x, torch.full((4,), 7))).abs().max() > 1e-5
    # the label reaches the loss: its embedding gets a gradient
    D(x, torch.full((4,), 3)).sum().backward()
    grad = D.embed.weight.grad
    assert grad[3].abs().sum() > 0 and grad[7].abs().sum() == 0


def test_cgan_default_labels_and_errors():
    G, D = models.build("cgan", latent_dim=4)
    G.eval()
    z = torch.randn(12, 4)
    assert torch.equal(G(z), G(z, torch.arange(12) % 10))  # y=None: classes in turn
    with pytest.raises(ValueError, match="needs labels"):
        D(torch.zeros(2, 1, 28, 28))
    with pytest.raises(ValueError, match="one class per sample"):
        G(z, torch.zeros(3, dtype=torch.long))


def test_cgan_trains_in_the_trainer_with_labels():
    G, D = models.build("cgan", latent_dim=8)
    x = torch.rand(64, 1, 28, 28) * 2 - 1
    y = torch.arange(64) % 10
    t = Trainer(G, D, x, TrainConfig(batch_size=16, device="cpu", n_samples=20), labels=y)
    t.train(steps=2)
    assert t.num_classes == 10 and len(t.history) == 2
    assert t.samples().shape == (20, 1, 28, 28)
    assert "cgan" in models.PAIRS


# --- recipes and the runner ----------------------------------------------------------------------------------------


def test_recipe_lookup_and_errors():
    assert stabilise.recipe("R1").penalty == "r1"
    assert stabilise.recipe("R1", weight=1.0).weight == 1.0
    with pytest.raises(ValueError, match="unknown recipe 'nope'"):
        stabilise.recipe("nope")
    with pytest.raises(ValueError, match="unknown problem"):
        stabilise.run_recipe("baseline", "cifar")
    with pytest.raises(ValueError, match="unknown penalty"):
        stabilise.penalty_fn(stabilise.Recipe("x", penalty="l2"))
    with pytest.raises(ValueError, match="discriminator loss"):
        stabilise.build_trainer(stabilise.Recipe("x", d_loss="kl"))


def test_build_trainer_applies_the_recipe():
    p = stabilise.PROBLEMS["ring"]
    t, _ = stabilise.build_trainer("WGAN-GP", "ring", seed=0)
    assert t.k == 5 and t.loss == "wasserstein" and t.config.betas == (0.0, 0.9)
    assert t.d_loss_fn is losses.d_loss_wasserstein and t.d_penalty is losses.gradient_penalty
    assert t.lr_d == pytest.approx(p.lr) and t.lr_g == pytest.approx(p.g_speedup * p.lr)
    t, _ = stabilise.build_trainer("TTUR", "ring")
    assert t.lr_d == pytest.approx(4 * t.lr_g)
    t, _ = stabilise.build_trainer("spectral norm", "ring")
    assert any(hasattr(m, "parametrizations") for m in t.D.modules())
    t, _ = stabilise.build_trainer(stabilise.recipe("R1", weight=2.5), "ring")
    assert t.d_penalty.keywords == {"gamma": 2.5}


def test_every_recipe_runs_on_the_ring_at_tiny_size():
    before = torch.get_rng_state()
    outcomes = stabilise.compare_recipes(problem="ring", seeds=(0,), steps=3)
    assert torch.equal(before, torch.get_rng_state())  # the caller's random state is left alone
    assert [o.recipe for o in outcomes] == list(stabilise.RECIPES)
    for o in outcomes:
        assert o.steps == 3 and 0 <= o.metrics["modes"] <= 8 and len(o.samples) == 400
        assert o.trajectory[-1][0] == 3
    json.dumps([o.to_dict() for o in outcomes])  # the benchmark stores them as JSON


def test_same_seed_same_outcome_and_ema_is_measured():
    a = stabilise.run_recipe("WGAN-GP", "ring", seed=1, steps=4)
    b = stabilise.run_recipe("WGAN-GP", "ring", seed=1, steps=4)
    assert a.metrics == b.metrics and a.samples == b.samples
    c = stabilise.run_recipe("baseline", "ring", seed=1, steps=4)
    e = stabilise.run_recipe("EMA of G", "ring", seed=1, steps=4)
    assert c.trajectory[-1] != e.trajectory[-1] or c.samples != e.samples  # EMA measures the averaged G


@pytest.mark.parametrize("name", ["baseline", "WGAN-GP", "spectral norm", "EMA of G"])
def test_recipes_run_on_mnist_sized_data(name):
    x = torch.rand(120, 1, 28, 28) * 2 - 1  # digit-shaped noise: the code paths, not the quality
    clf = metrics.Classifier()  # untrained: the metrics only need some classifier
    o = stabilise.run_recipe(name, "mnist", seed=0, steps=2, data=x, clf=clf)
    assert o.steps == 2 and o.problem == "mnist"
    assert set(o.metrics) >= {"fd", "fd_real_floor", "coverage", "confidence", "precision", "recall"}
    assert o.trajectory[-1][0] == 2 and len(o.trajectory[-1]) == 3


def test_summarize_and_table_from_hand_made_outcomes():
    def out(name, seed, modes, hq):
        return {"recipe": name, "problem": "ring", "seed": seed, "seconds": 2.0, "status": None,
                "metrics": {"modes": modes, "high_quality": hq}}

    rows = stabilise.summarize([out("a", 0, 8, 0.5), out("a", 1, 6, 0.3), out("b", 0, 1, 0.1)])
    assert [r["recipe"] for r in rows] == ["a", "b"]
    assert rows[0]["modes"] == pytest.approx(7.0) and rows[0]["modes_per_seed"] == [8, 6]
    assert rows[0]["high_quality"] == pytest.approx(0.4)
    t = stabilise.table([out("a", 0, 8, 0.5), out("a", 1, 6, 0.3)], "ring", note="n")
    assert "7.0 (8, 6)" in str(t) and "<table>" in t._repr_html_() and "40%" in str(t)


def test_summarize_ignores_missing_values():
    o = {"recipe": "x", "problem": "mnist", "seed": 0, "seconds": 1.0, "status": "diverged",
         "metrics": {"fd": None, "coverage": 0}}
    row = stabilise.summarize([o])[0]
    assert row["fd"] is None and row["coverage"] == 0 and row["diverged"] == 1
    assert math.isnan(float("nan")) and "n/a" in str(stabilise.Table([row], "mnist"))


def test_recorded_results_load():
    res = stabilise.load_results()
    assert {"command", "date", "device", "outcomes"} <= set(res)
    problems = {o["problem"] for o in res["outcomes"]}
    assert "ring" in problems
    names = {o["recipe"] for o in res["outcomes"]}
    assert set(stabilise.RECIPES) <= names


# --- latent paths (ge.models.interpolate) -------------------------------------------------------------------------


def test_interpolate_endpoints_and_linear_midpoint():
    a, b = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    for mode in ("linear", "spherical"):
        path = models.interpolate(a, b, steps=5, mode=mode)
        assert path.shape == (5, 2) and torch.allclose(path[0], a) and torch.allclose(path[-1], b, atol=1e-6)
    assert torch.allclose(models.interpolate(a, b, 3, "linear")[1], torch.tensor([0.5, 0.5]))


def test_slerp_of_orthogonal_unit_vectors_stays_on_the_circle():
    a, b = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    path = models.interpolate(a, b, steps=7, mode="spherical")
    assert torch.allclose(path.norm(dim=1), torch.ones(7), atol=1e-6)
    s = math.sqrt(0.5)
    assert torch.allclose(path[3], torch.tensor([s, s]), atol=1e-6)  # (a + b)/√2 at t = 1/2
    angles = torch.atan2(path[:, 1], path[:, 0])
    assert torch.allclose(angles, torch.linspace(0, math.pi / 2, 7), atol=1e-6)  # constant angular speed


def test_slerp_keeps_equal_norms_and_falls_back_for_parallel_vectors():
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(2, 100, generator=g)
    b = b / b.norm() * a.norm()
    assert torch.allclose(models.interpolate(a, b, 11).norm(dim=1), a.norm().expand(11), rtol=1e-5)
    assert models.interpolate(a, b, 11, "linear").norm(dim=1)[5] < 0.8 * a.norm()  # the linear path dips inside
    assert torch.allclose(models.interpolate(a, 2 * a, 3), models.interpolate(a, 2 * a, 3, "linear"))


def test_interpolate_bad_input():
    with pytest.raises(ValueError, match="mode"):
        models.interpolate(torch.zeros(2), torch.ones(2), 3, "cubic")
    with pytest.raises(ValueError, match="same length"):
        models.interpolate(torch.zeros(2), torch.ones(3))
    with pytest.raises(ValueError, match="steps"):
        models.interpolate(torch.zeros(2), torch.ones(2), 1)


def test_missing_results_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="benchmarks/stabilise.py"):
        stabilise.load_results(tmp_path / "none.json")  # an explicit path is never downloaded


def test_grid_image_and_curve_of_a_recorded_outcome():
    res = stabilise.load_results()
    mnist = [o for o in res["outcomes"] if o["problem"] == "mnist"]
    if not mnist:
        pytest.skip("the recorded file holds no MNIST runs")
    pic = stabilise.grid_image(mnist[0])
    assert pic.dtype.name == "uint8" and pic.ndim == 2 and pic.shape[1] > pic.shape[0]  # 4 rows of 8 digits
    steps, cov = stabilise.curve(mnist[0], "coverage")
    assert steps[-1] == mnist[0]["steps"] and all(0 <= c <= 10 for c in cov)
    with pytest.raises(ValueError, match="holds fd, coverage"):
        stabilise.curve(mnist[0], "modes")
