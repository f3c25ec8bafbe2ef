"""Losses against hand-computed values and autograd: the equations in their docstrings."""

import math

import pytest
import torch

from ganedu import losses


def sp(x: float) -> float:  # softplus by hand
    return math.log1p(math.exp(x))


def test_d_loss_at_chance_is_2_log_2():
    # D(x) = D(G(z)) = 1/2: L_D = -log 1/2 - log 1/2
    assert losses.d_loss_bce(torch.zeros(4, 1), torch.zeros(4, 1)).item() == pytest.approx(2 * math.log(2))


def test_d_loss_hand_value():
    # L_D = -log sigmoid(2) - log(1 - sigmoid(-1)) = softplus(-2) + softplus(-1)
    got = losses.d_loss_bce(torch.tensor([[2.0]]), torch.tensor([[-1.0]])).item()
    want = -math.log(1 / (1 + math.exp(-2))) - math.log(1 - 1 / (1 + math.exp(1)))
    assert got == pytest.approx(want, rel=1e-6)
    assert got == pytest.approx(sp(-2) + sp(-1), rel=1e-6)


def test_d_loss_is_minus_value_function():
    # V(D, G) = E[log D(x)] + E[log(1 - D(G(z)))]; minimizing L_D = maximizing V
    real, fake = torch.randn(16, 1), torch.randn(16, 1)
    v = torch.log(torch.sigmoid(real)).mean() + torch.log(1 - torch.sigmoid(fake)).mean()
    assert losses.d_loss_bce(real, fake).item() == pytest.approx(-v.item(), rel=1e-5)


def test_generator_losses_hand_values():
    fake = torch.tensor([[0.0], [1.5]])
    d = torch.sigmoid(fake)
    assert losses.g_loss_minimax(fake).item() == pytest.approx(torch.log(1 - d).mean().item(), rel=1e-6)
    assert losses.g_loss_nonsaturating(fake).item() == pytest.approx((-torch.log(d)).mean().item(), rel=1e-6)
    assert losses.g_loss_minimax(torch.zeros(1, 1)).item() == pytest.approx(-math.log(2))
    assert losses.g_loss_nonsaturating(torch.zeros(1, 1)).item() == pytest.approx(math.log(2))


@pytest.mark.parametrize("logit", [-6.0, -1.0, 0.0, 2.0])
def test_generator_gradients_wrt_logit(logit):
    # d/dl log(1 - sigmoid(l)) = -sigmoid(l) (vanishes as D rejects fakes, l -> -inf);
    # d/dl -log sigmoid(l) = sigmoid(l) - 1 (stays near -1 there)
    s = 1 / (1 + math.exp(-logit))
    for fn, want in ((losses.g_loss_minimax, -s), (losses.g_loss_nonsaturating, s - 1)):
        lt = torch.tensor([[logit]], requires_grad=True)
        fn(lt).backward()
        assert lt.grad.item() == pytest.approx(want, rel=1e-5, abs=1e-7)


def test_saturating_gradient_is_tiny_when_d_is_confident():
    lt = torch.tensor([[-10.0]], requires_grad=True)
    losses.g_loss_minimax(lt).backward()
    mm = abs(lt.grad.item())
    lt.grad = None
    losses.g_loss_nonsaturating(lt).backward()
    assert mm < 1e-4 < abs(lt.grad.item())


def test_losses_finite_at_extreme_logits():
    big = torch.tensor([[100.0], [-100.0]])
    for value in (losses.d_loss_bce(big, -big), losses.g_loss_minimax(big), losses.g_loss_nonsaturating(big)):
        assert torch.isfinite(value)


def test_registry_names():
    assert losses.G_LOSSES["nonsaturating"] is losses.g_loss_nonsaturating
    assert losses.G_LOSSES["minimax"] is losses.g_loss_minimax
