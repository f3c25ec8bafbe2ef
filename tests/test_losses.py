"""ganedu.losses against hand-computed values and autograd: the equations in their docstrings, the penalties on
critics whose gradients are known, and the penalties inside the trainer."""

import functools
import math

import pytest
import torch
from torch import nn

from ganedu import losses
from ganedu.train import TrainConfig, Trainer

pytestmark = pytest.mark.usefixtures("one_thread")  # conftest.py: tiny nets run on one thread


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


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# --- label smoothing ---------------------------------------------------------------------------------------------


def test_smoothed_loss_hand_value():
    # L_D = -[0.9 log D(x) + 0.1 log(1 - D(x))] - log(1 - D(G(z))) with D = sigmoid(logit)
    real, fake = 1.5, -0.5
    want = -(0.9 * math.log(sig(real)) + 0.1 * math.log(1 - sig(real))) - math.log(1 - sig(fake))
    got = losses.d_loss_smoothed(torch.tensor([[real]]), torch.tensor([[fake]])).item()
    assert got == pytest.approx(want, rel=1e-6)


def test_smoothing_with_target_1_is_plain_bce():
    real, fake = torch.randn(8, 1), torch.randn(8, 1)
    assert losses.d_loss_smoothed(real, fake, real_target=1.0).item() == pytest.approx(
        losses.d_loss_bce(real, fake).item(), rel=1e-6)


def test_smoothed_optimum_is_d_equals_09():
    # d/dl of the real term is sigmoid(l) - a: zero exactly where D(x) = a = 0.9 (not at D = 1)
    for logit, want in ((math.log(9.0), 0.0), (0.0, 0.5 - 0.9), (5.0, sig(5.0) - 0.9)):
        lt = torch.tensor([[logit]], requires_grad=True)
        losses.d_loss_smoothed(lt, torch.zeros(1, 1)).backward()
        assert lt.grad.item() == pytest.approx(want, abs=1e-6)


def _argmin_logit(f, lo: float = -30.0, hi: float = 30.0) -> float:
    """The minimizer of a convex scalar function of one logit, by bisection on its autograd derivative."""
    for _ in range(100):
        mid = torch.tensor((lo + hi) / 2, dtype=torch.float64, requires_grad=True)
        f(mid).backward()
        lo, hi = (mid.item(), hi) if mid.grad.item() < 0 else (lo, mid.item())
    return (lo + hi) / 2


@pytest.mark.parametrize("p, q", [(1.0, 0.0), (3.0, 1.0), (1.0, 1.0), (0.2, 0.7), (0.05, 2.0)])
def test_smoothed_optimum_is_a_p_over_p_plus_q(p, q):
    # Pointwise, L_D weighs the real term by p_data(x) = p and the fake term by p_g(x) = q: minimize
    # p·L_D(t, c) + q·L_D(c, t) over the logit t (the terms in the fixed c are constants) with the library's loss.
    c = torch.zeros(1, 1, dtype=torch.float64)
    weighted = lambda t: p * losses.d_loss_smoothed(t.view(1, 1), c) + q * losses.d_loss_smoothed(c, t.view(1, 1))
    numeric = sig(_argmin_logit(weighted))
    closed = losses.optimal_d_smoothed(*torch.tensor([p, q], dtype=torch.float64)).item()
    assert closed == pytest.approx(0.9 * p / (p + q), rel=1e-12) and numeric == pytest.approx(closed, abs=1e-9)


def test_smoothed_optimum_edges_and_the_unsmoothed_case():
    from ganedu.lessons import theory

    p, q = torch.tensor([1.0, 0.0, 2.0, 0.0]), torch.tensor([0.0, 1.0, 2.0, 0.0])
    assert losses.optimal_d_smoothed(p, q).tolist() == pytest.approx([0.9, 0.0, 0.45, 0.45])  # both 0: a/2
    assert losses.optimal_d_smoothed(p[:3], q[:3], real_target=1.0).numpy() == pytest.approx(
        theory.optimal_discriminator(p[:3].numpy(), q[:3].numpy()))  # a = 1: Goodfellow et al.'s D*
    with pytest.raises(ValueError, match="densit"):
        losses.optimal_d_smoothed(torch.tensor([-1.0]), torch.tensor([1.0]))


def test_smoothing_is_one_sided():
    # the fake term is the plain BCE one: the loss difference to BCE does not depend on the fake logits
    real = torch.tensor([[0.7], [2.0]])
    for fake in (torch.zeros(2, 1), torch.tensor([[-3.0], [4.0]])):
        diff = losses.d_loss_smoothed(real, fake) - losses.d_loss_bce(real, fake)
        want = (0.1 * (torch.nn.functional.softplus(real) - torch.nn.functional.softplus(-real))).mean()
        assert diff.item() == pytest.approx(want.item(), rel=1e-6)


# --- Wasserstein, hinge, least squares --------------------------------------------------------------------------


def test_wasserstein_hand_values():
    real, fake = torch.tensor([[3.0], [1.0]]), torch.tensor([[-1.0], [0.0]])
    assert losses.d_loss_wasserstein(real, fake).item() == pytest.approx(-0.5 - 2.0)  # E f(fake) - E f(real)
    assert losses.g_loss_wasserstein(fake).item() == pytest.approx(0.5)  # -E f(fake)


def test_hinge_hand_values():
    # real scores 2 (beyond the margin: 0) and 0.5 (0.5); fake scores -3 (0) and 0 (1)
    real, fake = torch.tensor([[2.0], [0.5]]), torch.tensor([[-3.0], [0.0]])
    assert losses.d_loss_hinge(real, fake).item() == pytest.approx((0 + 0.5) / 2 + (0 + 1) / 2)


def test_least_squares_hand_values():
    real, fake = torch.tensor([[1.0], [3.0]]), torch.tensor([[0.0], [-2.0]])
    assert losses.d_loss_least_squares(real, fake).item() == pytest.approx(0.5 * (0 + 4) / 2 + 0.5 * (0 + 4) / 2)
    assert losses.g_loss_least_squares(fake).item() == pytest.approx(0.5 * (1 + 9) / 2)


def test_registries():
    assert losses.G_LOSSES == {"nonsaturating": losses.g_loss_nonsaturating, "minimax": losses.g_loss_minimax,
                               "wasserstein": losses.g_loss_wasserstein, "least_squares": losses.g_loss_least_squares}
    assert losses.D_LOSSES == {"bce": losses.d_loss_bce, "smoothed": losses.d_loss_smoothed,
                               "wasserstein": losses.d_loss_wasserstein, "hinge": losses.d_loss_hinge,
                               "least_squares": losses.d_loss_least_squares}


# --- penalties on critics whose gradients are known --------------------------------------------------------------


class Linear(nn.Module):
    """f(x) = w·x + b over all pixels: ∇_x f = w everywhere."""

    def __init__(self, w: torch.Tensor, b: float = 0.3) -> None:
        super().__init__()
        self.w = nn.Parameter(w.clone())
        self.b = b

    def forward(self, x):
        return (x * self.w).flatten(1).sum(dim=1, keepdim=True) + self.b  # (B, 1)


def quadratic(x):
    """f(x) = ½||x||²: ∇_x f = x."""
    return 0.5 * x.flatten(1).square().sum(dim=1, keepdim=True)


def images(n=4, seed=0):
    return torch.randn(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed))


def test_gp_on_linear_critic_is_lambda_norm_minus_one_squared():
    w = torch.randn(1, 28, 28, generator=torch.Generator().manual_seed(1))
    critic = Linear(w)
    got = losses.gradient_penalty(critic, images(), images(seed=2), weight=10.0)
    assert got.item() == pytest.approx(10.0 * (w.norm().item() - 1.0) ** 2, rel=1e-5)


def test_gp_is_zero_for_a_unit_norm_linear_critic():
    w = torch.zeros(1, 28, 28)
    w[0, 3, 4], w[0, 10, 20] = 0.6, 0.8  # ||w|| = 1
    assert losses.gradient_penalty(Linear(w), images(), images(seed=2)).item() == pytest.approx(0.0, abs=1e-8)


def test_gp_gradient_wrt_critic_weights():
    # d/dw λ(||w|| - 1)² = 2λ(||w|| - 1) w / ||w||: the penalty must reach the critic's weights (create_graph)
    w = torch.randn(1, 28, 28, generator=torch.Generator().manual_seed(3)) * 0.1
    critic = Linear(w)
    losses.gradient_penalty(critic, images(), images(seed=2), weight=10.0).backward()
    norm = w.norm()
    want = 2 * 10.0 * (norm - 1) * w / norm
    assert torch.allclose(critic.w.grad, want, rtol=1e-4, atol=1e-7)


def test_gp_uses_one_eps_per_sample_and_the_norm_over_all_pixels():
    # quadratic critic: ∇f(x̂) = x̂, so the penalty is λ mean_i (||x̂_i|| - 1)² with x̂_i = ε_i x_i + (1 - ε_i) x̃_i
    real, fake = images(3), images(3, seed=5)
    eps = torch.tensor([0.0, 0.25, 1.0])
    x_hat = torch.stack([e * r + (1 - e) * f for e, r, f in zip(eps, real, fake)])
    want = 10.0 * ((x_hat.flatten(1).norm(dim=1) - 1) ** 2).mean()
    got = losses.gradient_penalty(quadratic, real, fake, weight=10.0, eps=eps)
    assert got.item() == pytest.approx(want.item(), rel=1e-5)


def test_random_interpolates_lie_on_the_segment_per_sample():
    real, fake = images(6), images(6, seed=7)
    torch.manual_seed(0)
    x_hat = losses.interpolates(real, fake)
    # (x̂ - x̃) / (x - x̃) is one number per sample, in [0, 1]: the same ε for all 784 pixels
    ratio = ((x_hat - fake) / (real - fake)).flatten(1)
    assert torch.allclose(ratio, ratio[:, :1].expand_as(ratio), atol=1e-4)
    assert ((ratio[:, 0] >= 0) & (ratio[:, 0] <= 1)).all()
    assert ratio[:, 0].unique().numel() == 6  # and a different ε for each sample


def test_interpolates_shape_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match="same shape"):
        losses.interpolates(torch.zeros(2, 2), torch.zeros(3, 2))


def test_r1_on_linear_critic_is_half_gamma_norm_squared():
    w = torch.randn(1, 28, 28, generator=torch.Generator().manual_seed(4))
    got = losses.r1_penalty(Linear(w), images(), images(seed=2), gamma=10.0)
    assert got.item() == pytest.approx(5.0 * w.square().sum().item(), rel=1e-5)


def test_r1_on_quadratic_critic_and_ignores_fakes():
    real = images(5)
    want = 0.5 * 2.0 * real.flatten(1).square().sum(dim=1).mean()  # γ/2 E||x||², γ = 2
    for fake in (images(5, seed=9), None):
        assert losses.r1_penalty(quadratic, real, fake, gamma=2.0).item() == pytest.approx(want.item(), rel=1e-5)


def test_r1_gradient_wrt_critic_weights():
    w = torch.randn(1, 28, 28, generator=torch.Generator().manual_seed(6))
    critic = Linear(w)
    losses.r1_penalty(critic, images(), None, gamma=4.0).backward()
    assert torch.allclose(critic.w.grad, 4.0 * w, rtol=1e-5)  # d/dw γ/2 ||w||² = γ w


def test_penalties_leave_inputs_untouched():
    real, fake = images(2), images(2, seed=1)
    losses.gradient_penalty(quadratic, real, fake)
    losses.r1_penalty(quadratic, real, fake)
    assert not real.requires_grad and not fake.requires_grad and real.grad is None


# --- in the trainer -----------------------------------------------------------------------------------------------


def _toy_pair(seed=0):
    from ganedu import toy

    return toy.build_gan(seed=seed)


@pytest.mark.parametrize("penalty", [functools.partial(losses.gradient_penalty, weight=1.0), losses.r1_penalty])
def test_trainer_with_penalty_eager_and_fast_paths_agree(penalty):
    data = torch.randn(256, 2)
    rows = []
    for fast in (False, True):
        torch.manual_seed(0)  # the penalty's ε comes from the global RNG
        G, D = _toy_pair()
        t = Trainer(G, D, data, TrainConfig(batch_size=32, device="cpu", fast=fast, seed=0, loss="wasserstein"),
                    d_loss=losses.d_loss_wasserstein, d_penalty=penalty)
        t.train(steps=5)
        rows.append([r["d_loss"] for r in t.history.rows])
    assert rows[0] == pytest.approx(rows[1], rel=1e-4, abs=1e-6)
    assert all(math.isfinite(v) for v in rows[0])


def test_wgan_gp_keeps_the_critic_gradient_near_one():
    # after some critic steps with GP, ||∇f|| on interpolates moves towards 1 from the random init's value
    from ganedu import toy

    data = toy.dataset("ring", n=2000).data
    G, D = _toy_pair()
    t = Trainer(G, D, data, TrainConfig(batch_size=128, device="cpu", lr_d=1e-3, lr_g=1e-4, k=5, seed=0,
                                        betas=(0.0, 0.9), loss="wasserstein"),
                d_loss=losses.d_loss_wasserstein, d_penalty=losses.gradient_penalty)

    def mean_norm():
        x = losses.interpolates(data[:500], G(torch.randn(500, G.latent_dim)).detach())
        return losses._grad_sq(D, x).sqrt().mean().item()

    torch.manual_seed(0)
    before = mean_norm()
    t.train(steps=20)
    after = mean_norm()
    assert abs(after - 1) < 0.5 * abs(before - 1)
