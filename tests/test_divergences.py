"""ganedu.lessons.divergences against closed forms, brute force and independent computations."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ganedu import losses
from ganedu.lessons import divergences as dv
from ganedu.lessons import theory

X = theory.grid(-12.0, 12.0, 9601)
TWO_MODES = theory.Mixture(means=(-3.0, 3.0), stds=(0.7, 0.7), weights=(0.6, 0.4))


# --- 1 · forward and reverse KL ----------------------------------------------------------------------------------


def test_mean_std_of_a_mixture_is_the_closed_form():
    m = 0.6 * -3.0 + 0.4 * 3.0
    var = 0.6 * (0.49 + 9.0) + 0.4 * (0.49 + 9.0) - m**2
    mean, std = dv.mean_std(TWO_MODES.pdf(X), X)
    assert mean == pytest.approx(m, abs=1e-9) and std == pytest.approx(np.sqrt(var), abs=1e-9)


def test_forward_kl_fit_by_search_is_moment_matching():
    p = TWO_MODES.pdf(X)
    fit = dv.fit_gaussian(p, X, "forward")
    mean, std = dv.mean_std(p, X)
    assert fit.mean == pytest.approx(mean, abs=0.01) and fit.std == pytest.approx(std, abs=0.01)
    # and no other Gaussian nearby does better: moment matching is the minimum
    best = theory.kl(p, theory.gaussian_pdf(X, mean, std), X)
    for dm, ds in ((0.1, 0.0), (-0.1, 0.0), (0.0, 0.1), (0.0, -0.1)):
        assert theory.kl(p, theory.gaussian_pdf(X, mean + dm, std + ds), X) > best


def test_reverse_kl_fit_sits_on_the_heavier_mode():
    p = TWO_MODES.pdf(X)
    fit = dv.fit_gaussian(p, X, "reverse")
    assert fit.mean == pytest.approx(-3.0, abs=0.05) and fit.std == pytest.approx(0.7, abs=0.05)
    q = theory.gaussian_pdf(X, fit.mean, fit.std)
    assert dv.mass_between(q, X, -12.0, 0.0) > 0.99
    # its KL(q || p) is about -log 0.6 (one mode of weight 0.6, matched exactly), far below the covering fit's
    assert fit.divergence == pytest.approx(-np.log(0.6), abs=0.01)
    cover = dv.fit_gaussian(p, X, "forward")
    assert theory.kl(theory.gaussian_pdf(X, cover.mean, cover.std), p, X) > fit.divergence + 0.1


def test_fit_gaussian_rejects_an_unknown_direction():
    with pytest.raises(ValueError, match="forward"):
        dv.fit_gaussian(TWO_MODES.pdf(X), X, "sideways")


# --- 2 · Theorem 2.5 of Arjovsky & Bottou (2017) -------------------------------------------------------------------

P_DATA = theory.Mixture(means=(-2.0, 2.0), stds=(0.6, 0.6)).pdf(X)


@pytest.mark.parametrize("theta0", [-1.0, 0.3, 1.5, 3.0])
def test_ns_gradient_at_fixed_d_star_is_the_kl_minus_2jsd_gradient(theta0):
    family = lambda t: theory.gaussian_pdf(X, t, 1.0)  # noqa: E731 - the generator's mean is θ
    assert dv.ns_gradient(P_DATA, family, theta0, X) == pytest.approx(
        dv.divergence_gradient(P_DATA, family, theta0, X), abs=1e-6)


def test_theorem_2_5_for_a_width_parameter_too():
    family = lambda s: theory.gaussian_pdf(X, 0.5, s)  # noqa: E731 - the generator's std is θ
    for s0 in (0.5, 1.0, 2.0):
        assert dv.ns_gradient(P_DATA, family, s0, X) == pytest.approx(
            dv.divergence_gradient(P_DATA, family, s0, X), abs=1e-6)


def test_the_identity_has_content_jsd_alone_is_not_it():
    family = lambda t: theory.gaussian_pdf(X, t, 1.0)  # noqa: E731
    ns = dv.ns_gradient(P_DATA, family, 1.5, X)
    h = 1e-4
    jsd_grad = (theory.jsd(P_DATA, family(1.5 + h), X) - theory.jsd(P_DATA, family(1.5 - h), X)) / (2 * h)
    assert abs(ns - 2 * jsd_grad) > 0.1 and abs(ns) > 0.1


# --- 3 · disjoint supports -------------------------------------------------------------------------------------------


def test_gap_sweep_matches_the_closed_forms():
    x = np.linspace(-1.0, 6.0, 7001)  # spacing 0.001: every shift below lands on the grid
    shifts = np.round(np.linspace(0.0, 4.0, 17), 3)
    r = dv.gap_sweep(shifts, x)
    np.testing.assert_allclose(r["jsd"], np.minimum(shifts, 1.0) * np.log(2), atol=2e-3)
    np.testing.assert_allclose(r["jsd"][shifts >= 1.0], np.log(2), atol=1e-12)
    assert r["kl"][0] == 0.0 and np.all(np.isinf(r["kl"][1:]))
    np.testing.assert_allclose(r["w1"], shifts, atol=1e-9)


def test_uniform_pdf_integrates_to_one():
    x = np.linspace(-1.0, 3.0, 4001)
    assert theory.integrate(dv.uniform_pdf(x, 0.25, 1.75), x) == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(ValueError):
        dv.uniform_pdf(x, 10.0, 11.0)


# --- 4 · critics ------------------------------------------------------------------------------------------------


def test_optimal_critic_attains_w1_and_is_1_lipschitz():
    p = theory.Mixture(means=(-2.0, 2.0), stds=(0.5, 0.5), weights=(0.3, 0.7)).pdf(X)
    q = theory.gaussian(0.4, 0.8).pdf(X)
    f = dv.optimal_critic(p, q, X)
    assert np.max(np.abs(np.diff(f) / np.diff(X))) <= 1.0 + 1e-12
    dual = theory.integrate(f * (p - q), X)  # E_p f - E_q f
    assert dual == pytest.approx(theory.wasserstein_1(p, q, X), abs=1e-6)


def test_cloud_samples_are_shifted_blobs():
    a = dv.Cloud().sample(20_000, torch.Generator().manual_seed(0))
    b = dv.Cloud(shift=(1.2, 1.6)).sample(20_000, torch.Generator().manual_seed(0))
    assert a.shape == (20_000, 2) and torch.allclose(b - a, torch.tensor([1.2, 1.6]), atol=1e-6)


@pytest.fixture(scope="module")
def critics():
    p, q = dv.Cloud(), dv.Cloud(shift=(1.2, 1.6))  # W1 = |(1.2, 1.6)| = 2
    return {m: dv.train_critic(p, q, m, steps=150, seed=0, n_eval=4000) for m in dv.LIPSCHITZ}


def test_gp_critic_recovers_w1_up_to_its_soft_constraint(critics):
    gp = critics["gp"]
    assert gp.estimate == pytest.approx(2.0, rel=0.2)
    assert gp.grad_interp_mean == pytest.approx(1.0, abs=0.15)
    assert gp.estimate / gp.grad_mean == pytest.approx(2.0, rel=0.1)  # a linear critic: estimate = slope · W1


def test_sn_critic_is_1_lipschitz_and_below_w1(critics):
    sn = critics["sn"]
    assert sn.grad_max <= 1.0 + 1e-3 and 1.0 < sn.estimate <= 2.0 + 0.05


def test_clipped_critic_is_far_below_w1(critics):
    clip = critics["clip"]
    assert clip.estimate < 0.05 and clip.grad_max < 0.05 and clip.estimate > 0  # it points the right way
    for w in clip.net.parameters():
        assert float(w.detach().abs().max()) <= dv.CLIP + 1e-7


def test_train_critic_is_deterministic_and_checks_its_arguments(critics):
    again = dv.train_critic(dv.Cloud(), dv.Cloud(shift=(1.2, 1.6)), "gp", steps=150, seed=0, n_eval=4000)
    assert again.estimate == critics["gp"].estimate
    with pytest.raises(ValueError, match="gp"):
        dv.train_critic(dv.Cloud(), dv.Cloud(), "dropout")
    with pytest.raises(ValueError):
        dv.train_critic(dv.Cloud(), dv.Cloud(), "gp", steps=0)


# --- 5 · quality along a run ---------------------------------------------------------------------------------------


def test_sliced_w1_of_a_shift_is_the_mean_projected_shift():
    a = np.random.default_rng(0).normal(size=(500, 2))
    v = np.array([0.6, -0.8])
    theta = np.random.default_rng(3).normal(size=(16, 2))
    theta /= np.linalg.norm(theta, axis=1, keepdims=True)
    assert dv.sliced_w1(a, a + v, slices=16, seed=3) == pytest.approx(np.mean(np.abs(theta @ v)), abs=1e-12)
    assert dv.sliced_w1(a, a[::-1]) == pytest.approx(0.0, abs=1e-12)  # the same points in another order


def test_correlation_is_pearsons():
    a, b = np.array([1.0, 2.0, 4.0, 3.0]), np.array([0.5, 0.1, 2.0, 2.5])
    assert dv.correlation(a, b) == pytest.approx(np.corrcoef(a, b)[0, 1], abs=1e-12)
    assert dv.correlation(a, np.ones(4)) == 0.0


def test_track_measures_every_chunk():
    r = dv.track("GAN", steps=20, every=10, n_eval=200)
    assert r.steps == [10, 20] and len(r.d_loss) == len(r.gap) == len(r.quality) == len(r.modes) == 2
    assert r.samples.shape == (200, 2) and all(q > 0 for q in r.quality)
    assert set(dv.RECIPES) == {"GAN", "WGAN-GP", "LSGAN", "hinge"}


# --- 6 · least squares and hinge ------------------------------------------------------------------------------------

P6, Q6 = P_DATA, theory.gaussian_pdf(X, 0.5, 1.2)


def test_lsgan_chi2_identity_for_maos_targets():
    two_c = 2 * dv.ls_generator_value(P6, Q6, X, dv.LS_CHI2)
    mao = theory.integrate((2 * Q6 - (P6 + Q6)) ** 2 / (P6 + Q6), X)  # χ²_Pearson(p_data + p_g || 2 p_g), as written
    assert two_c == pytest.approx(mao, abs=1e-12)
    assert two_c == pytest.approx(dv.triangular_discrimination(P6, Q6, X), abs=1e-12)


def test_lsgan_with_the_course_targets_is_an_affine_function_of_the_same_divergence():
    two_c = 2 * dv.ls_generator_value(P6, Q6, X, dv.LS_COURSE)
    assert two_c == pytest.approx(0.5 + dv.triangular_discrimination(P6, Q6, X) / 4, abs=1e-12)
    assert 2 * dv.ls_generator_value(P6, P6, X, dv.LS_COURSE) == pytest.approx(0.5, abs=1e-12)  # at p_g = p_data


def _where_clear(p, q):
    return ((p + q) > 1e-3) & (np.abs(p - q) > 1e-3)


def test_course_least_squares_loss_has_targets_0_and_1():
    x, p, q = X[::12], P6[::12], Q6[::12]
    br = dv.best_response(losses.d_loss_least_squares, p, q)
    m = _where_clear(p, q)
    assert np.max(np.abs(br - dv.optimal_d_least_squares(p, q))[m]) <= 1e-3
    mao = lambda r, f: 0.5 * (r - 1).square().mean() + 0.5 * (f + 1).square().mean()  # noqa: E731 - a = -1, b = 1
    assert np.max(np.abs(dv.best_response(mao, p, q) - dv.optimal_d_least_squares(p, q, -1.0, 1.0))[m]) <= 1e-3
    assert x.shape == p.shape


def test_hinge_optimum_is_the_sign_and_its_loss_is_2_minus_2tv():
    p, q = P6[::12], Q6[::12]
    br = np.clip(dv.best_response(losses.d_loss_hinge, p, q), -1.0, 1.0)  # beyond ±1 the loss is flat
    m = _where_clear(p, q)
    np.testing.assert_array_equal(br[m], dv.optimal_d_hinge(p, q)[m])
    f_star = dv.optimal_d_hinge(P6, Q6)
    best = dv.hinge_value(f_star, P6, Q6, X)
    assert best == pytest.approx(2 - 2 * dv.total_variation(P6, Q6, X), abs=1e-12)
    rng = np.random.default_rng(0)
    for _ in range(3):
        assert dv.hinge_value(f_star + rng.normal(0, 0.2, X.shape), P6, Q6, X) > best


def test_triangular_discrimination_and_total_variation_reach_their_bounds():
    # the docstrings' ranges: 0 <= Δ <= 2 and 0 <= TV <= 1, with 0 exactly for p = q and the maximum exactly when
    # the supports do not overlap (then (p - q)²/(p + q) = p + q and |p - q| = p + q, each integrating to 2)
    x = np.linspace(-1.0, 4.0, 5001)
    p, q = dv.uniform_pdf(x, 0.0, 1.0), dv.uniform_pdf(x, 2.0, 3.0)
    assert dv.triangular_discrimination(p, p, x) == 0.0 and dv.total_variation(p, p, x) == 0.0
    assert dv.triangular_discrimination(p, q, x) == pytest.approx(2.0, abs=1e-9)
    assert dv.total_variation(p, q, x) == pytest.approx(1.0, abs=1e-9)
    half = dv.uniform_pdf(x, 0.5, 1.5)  # half overlap: Δ = 1, TV = 1/2
    assert dv.triangular_discrimination(p, half, x) == pytest.approx(1.0, abs=1e-2)
    assert dv.total_variation(p, half, x) == pytest.approx(0.5, abs=1e-2)
