"""ganedu.models: the networks, spectral normalisation, the conditional pair, latent paths, eval mode and sampling."""

import math

import pytest
import torch
from torch import nn

from ganedu import config, models
from ganedu.train import TrainConfig, Trainer


def test_classic_mlp_shapes_and_sizes():
    G, D = models.build("mlp")
    z = torch.randn(5, 100)
    x = G(z)
    assert x.shape == (5, 1, 28, 28)
    assert x.min() >= -1 and x.max() <= 1  # tanh range
    assert D(x).shape == (5, 1)
    # 100->128->256->512->1024->784 with BN on 256/512/1024; D 784->512->256->1
    g_expected = (100 * 128 + 128) + (128 * 256 + 256) + (256 * 512 + 512) + (512 * 1024 + 1024) + (1024 * 784 + 784)
    g_expected += 2 * (256 + 512 + 1024)  # BN weight and bias
    assert models.count_parameters(G) == g_expected
    assert models.count_parameters(D) == (784 * 512 + 512) + (512 * 256 + 256) + (256 + 1)


def test_batchnorm_not_misconfigured():
    # the classic slip BatchNorm1d(n, 0.8) sets eps=0.8; ours keeps PyTorch's defaults
    G, _ = models.build("mlp")
    bns = [m for m in G.modules() if isinstance(m, nn.BatchNorm1d)]
    assert [m.num_features for m in bns] == [256, 512, 1024]
    assert all(m.eps == pytest.approx(1e-5) and m.momentum == pytest.approx(0.1) for m in bns)


@pytest.mark.parametrize("kind", ["mlp", "dcgan"])
def test_discriminators_return_logits(kind):
    with config.seeded(0):
        _, D = models.build(kind)
    assert not any(isinstance(m, nn.Sigmoid) for m in D.modules())
    D.eval()
    x = torch.rand(64, 1, 28, 28, generator=torch.Generator().manual_seed(1)) * 2 - 1
    out = D(x)
    assert out.shape == (64, 1)
    # a probability would stay inside (0, 1); logits of an untrained D take both signs
    assert (out < 0).any() and (out > 0).any()
    # and the last layer is the output, nothing after it: scaling the head's weights and bias scales the output
    head = D.net[-1]
    with torch.no_grad():
        head.weight.mul_(100.0)
        head.bias.mul_(100.0)
    torch.testing.assert_close(D(x), 100.0 * out, rtol=1e-4, atol=1e-4)
    assert D(x).abs().max() > 1.0


def test_mlp_discriminator_output_is_the_hand_computed_linear_logit():
    # no hidden layer: D(x) = w·flatten(x) + b exactly, with no squashing
    D = models.MLPDiscriminator(in_shape=(2,), hidden=())
    with torch.no_grad():
        D.net[-1].weight.copy_(torch.tensor([[2.0, -3.0]]))
        D.net[-1].bias.fill_(0.5)
    x = torch.tensor([[1.0, 1.0], [4.0, 0.0], [0.0, 0.0]])
    torch.testing.assert_close(D(x), torch.tensor([[-0.5], [8.5], [0.5]]))


def test_dcgan_shapes():
    G, D = models.build("dcgan", latent_dim=16)
    x = G(torch.randn(4, 16))
    assert x.shape == (4, 1, 28, 28)
    assert D(x).shape == (4, 1)


def test_unknown_model_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown model 'gpt'.*dcgan, mlp"):
        models.build("gpt")


@pytest.mark.parametrize("kind", ["mlp", "dcgan"])
def test_rebuild_from_spec(kind):
    G, D = models.build(kind)
    G2 = models.from_spec(G.spec, "generator")
    D2 = models.from_spec(D.spec, "discriminator")
    G2.load_state_dict(G.state_dict())
    D2.load_state_dict(D.state_dict())
    G.eval(), G2.eval()
    z = torch.randn(2, 100)
    assert torch.equal(G(z), G2(z))


def test_toy_generator_has_no_tanh():
    G = models.MLPGenerator(latent_dim=2, hidden=(8,), out_shape=(2,), batchnorm=False, tanh=False)
    assert not any(isinstance(m, nn.Tanh) for m in G.modules())
    assert G(torch.randn(3, 2)).shape == (3, 2)


# --- spectral normalisation --------------------------------------------------------------------------------------


def _top_singular(weight: torch.Tensor) -> float:
    return torch.linalg.matrix_norm(weight.detach().double().flatten(1), ord=2).item()


def test_spectral_norm_divides_by_a_known_top_singular_value():
    # W = U diag(3, 1, 0.5) V^T: σ(W) = 3 and the power iteration converges like (1/3)^(2k), so after 20 steps the
    # normalised weight is W / 3 up to float32 rounding
    gen = torch.Generator().manual_seed(0)
    u = torch.linalg.qr(torch.randn(3, 3, generator=gen))[0]  # orthonormal columns
    v = torch.linalg.qr(torch.randn(4, 4, generator=gen))[0]
    w = u @ torch.diag(torch.tensor([3.0, 1.0, 0.5])) @ v[:, :3].T  # (3, 4)
    layer = nn.Linear(4, 3)
    with torch.no_grad():
        layer.weight.copy_(w)
    with config.seeded(0):  # the power iteration's random start
        models.spectral_normalize(layer)
    for _ in range(20):
        layer(torch.zeros(1, 4))
    torch.testing.assert_close(layer.weight.detach(), w / 3.0, rtol=1e-5, atol=1e-6)
    assert _top_singular(layer.weight) == pytest.approx(1.0, abs=1e-5)


def test_spectral_norm_makes_every_top_singular_value_one():
    with config.seeded(0):  # weights and the power iteration's start come from the global stream: fix both here
        D = models.build_discriminator("sn_mlp")
    layers = [m for m in D.modules() if isinstance(m, nn.Linear)]
    raw = [m.parametrizations.weight.original.detach().double() for m in layers]
    assert len(raw) == 3 and all(_top_singular(w) > 0.5 for w in raw)  # not already normalised by chance
    # power iteration on W^T W: tan θ_k <= tan θ_0 (σ2/σ1)^(2k), θ = angle between SN's vector v and W's top right
    # singular vector; the estimate σ̂ = ||W^T u|| then obeys 1 <= σ1/σ̂ <= 1/sqrt(1 - tan² θ_k)
    steps, bounds = 150, []
    for m, w in zip(layers, raw):
        svd = torch.linalg.svd(w)
        cos = abs(float(m.parametrizations.weight[0]._v.double() @ svd.Vh[0]))
        ratio = float(svd.S[1] / svd.S[0]) if len(svd.S) > 1 else 0.0
        tan_k = math.sqrt(max(0.0, 1 - cos**2)) / cos * ratio ** (2 * (steps - 1))
        bounds.append(1 / math.sqrt(1 - tan_k**2) - 1)
    x = torch.zeros(2, 1, 28, 28)
    for _ in range(steps):  # one power iteration per forward pass in training mode
        D(x)
    for m, bound in zip(layers, bounds):
        assert bound < 0.01  # the bound says something at this seed
        top = _top_singular(m.weight)
        assert 1.0 - 1e-6 <= top <= 1.0 + bound + 1e-6  # σ is estimated from below, so never over-normalised


def test_spectral_norm_bounds_the_mlp_lipschitz_constant():
    with config.seeded(0):
        D = models.build_discriminator("sn_mlp")
        for _ in range(150):
            D(torch.randn(2, 1, 28, 28))
        x = torch.randn(64, 1, 28, 28).requires_grad_(True)
    D.eval()
    (g,) = torch.autograd.grad(D(x).sum(), x)
    # ||∇D|| <= product of the layers' spectral norms (LeakyReLU's slope is at most 1), each 1 up to SN's estimate
    lipschitz = math.prod(_top_singular(m.weight) for m in D.modules() if isinstance(m, nn.Linear))
    assert lipschitz == pytest.approx(1.0, abs=0.01)
    assert g.flatten(1).norm(dim=1).max().item() <= lipschitz + 1e-6


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


# --- eval mode and sampling -----------------------------------------------------------------------------------------


def test_evaluating_restores_each_mode_even_after_an_error():
    a, b = nn.BatchNorm1d(3), nn.BatchNorm1d(3).eval()
    with models.evaluating(a, b):
        assert not a.training and not b.training
    assert a.training and not b.training
    with pytest.raises(RuntimeError), models.evaluating(a):
        raise RuntimeError("boom")
    assert a.training


def test_sample_is_the_generator_on_seeded_noise_in_eval_mode():
    G = models.MLPGenerator(latent_dim=3, hidden=(8, 8), out_shape=(2,), tanh=False)  # BatchNorm: eval mode matters
    G.train()
    out = models.sample(G, 5, seed=7, batch=2)  # three batches: 2 + 2 + 1
    z = torch.randn(5, 3, generator=torch.Generator().manual_seed(7))
    G.eval()
    torch.testing.assert_close(out, G(z))
    assert out.dtype == torch.float32 and out.device.type == "cpu"
    G.train()
    assert G.training  # left as it was
    torch.testing.assert_close(models.sample(G, 5, seed=7), out)  # batching does not change the samples
    assert not torch.allclose(models.sample(G, 5, seed=8), out)


def test_sample_gives_a_conditional_generator_the_classes_in_turn():
    G = models.ConditionalGenerator(latent_dim=4, hidden=(8,))
    out = models.sample(G, 12, seed=1)
    z = torch.randn(12, 4, generator=torch.Generator().manual_seed(1))
    G.eval()
    torch.testing.assert_close(out, G(z, torch.arange(12) % 10))
    fives = torch.full((3,), 5)
    z3 = torch.randn(3, 4, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(models.sample(G, 3, seed=1, labels=fives), G(z3, fives))


def test_dcgan_nets_use_the_dcgan_initialisation():
    # Radford et al. (2016): every weight ~ N(0, 0.02). PyTorch's default would give D's first conv (fan-in 16) a
    # spread of 1/sqrt(16)/sqrt(3) = 0.144 and D's head (fan-in 6272) 0.0073, both far from 0.02.
    with config.seeded(0):
        G, D = models.build("dcgan")
    weighted = [m for net in (G, D) for m in net.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear))]
    assert len(weighted) == 6
    for m in weighted:
        assert abs(float(m.weight.detach().std()) - models.INIT_STD) < 0.1 * models.INIT_STD
        assert abs(float(m.weight.detach().mean())) < 0.01
        assert m.bias is None or bool((m.bias == 0).all())
    for m in (m for net in (G, D) for m in net.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)):
        scale = m.weight.detach()
        assert abs(float(scale.mean()) - 1.0) < 0.01 and abs(float(scale.std()) - models.INIT_STD) < 0.01
        assert bool((m.bias == 0).all())
    default = nn.Conv2d(1, 64, kernel_size=4)  # the oracle above: the default init is not DCGAN's
    assert float(default.weight.detach().std()) > 5 * models.INIT_STD


def test_truncated_noise_stays_inside_and_has_the_truncated_normal_moments():
    tau = 1.0
    z = models.truncated_noise(20_000, 10, tau, generator=torch.Generator().manual_seed(0))
    assert z.shape == (20_000, 10) and z.dtype == torch.float32 and z.abs().max() <= tau
    # N(0, 1) conditioned on |z| <= τ: variance 1 - 2τφ(τ)/(2Φ(τ) - 1); share inside τ/2: (2Φ(τ/2) - 1)/(2Φ(τ) - 1)
    phi = math.exp(-tau ** 2 / 2) / math.sqrt(2 * math.pi)
    mass = math.erf(tau / math.sqrt(2))  # 2Φ(τ) - 1
    assert float(z.var()) == pytest.approx(1 - 2 * tau * phi / mass, rel=0.02)  # 0.291
    assert float((z.abs() <= tau / 2).float().mean()) == pytest.approx(math.erf(tau / 2 / math.sqrt(2)) / mass,
                                                                        abs=0.01)
    assert abs(float(z.mean())) < 0.01


def test_truncated_noise_without_a_bound_is_the_plain_normal_and_is_seeded():
    for tau in (None, math.inf):  # the same numbers as torch.randn from the same seed
        torch.testing.assert_close(models.truncated_noise(50, 4, tau, generator=torch.Generator().manual_seed(3)),
                                   torch.randn(50, 4, generator=torch.Generator().manual_seed(3)), rtol=0, atol=0)
    # a bound far out in the tails (P(|z| > 8) ~ 1e-15) changes nothing either
    torch.testing.assert_close(models.truncated_noise(50, 4, 8.0, generator=torch.Generator().manual_seed(3)),
                               torch.randn(50, 4, generator=torch.Generator().manual_seed(3)), rtol=0, atol=0)
    a = models.truncated_noise(30, 5, 0.5, generator=torch.Generator().manual_seed(4))
    torch.testing.assert_close(a, models.truncated_noise(30, 5, 0.5, generator=torch.Generator().manual_seed(4)))
    assert not torch.equal(a, models.truncated_noise(30, 5, 0.5, generator=torch.Generator().manual_seed(5)))
    for bad in (0.0, -1.0, math.nan):
        with pytest.raises(ValueError, match="truncation"):
            models.truncated_noise(3, 2, bad)


def test_sample_with_truncation_uses_the_truncated_noise():
    G = models.MLPGenerator(latent_dim=3, hidden=(8,), out_shape=(2,), tanh=False)
    out = models.sample(G, 6, seed=2, truncation=0.5)
    z = models.truncated_noise(6, 3, 0.5, generator=torch.Generator().manual_seed(2))
    with models.evaluating(G):
        torch.testing.assert_close(out, G(z))
    torch.testing.assert_close(models.sample(G, 6, seed=2, truncation=None), models.sample(G, 6, seed=2))
