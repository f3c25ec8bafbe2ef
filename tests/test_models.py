import pytest
import torch
from torch import nn

from ganedu import models


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
    _, D = models.build(kind)
    assert not any(isinstance(m, nn.Sigmoid) for m in D.modules())
    D.eval()
    out = D(torch.full((3, 1, 28, 28), 1.0) * 50)  # a saturating input can push logits outside [0, 1]
    assert out.shape == (3, 1)


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
