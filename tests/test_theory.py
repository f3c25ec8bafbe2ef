"""ganedu.theory against closed forms: Gaussian KL, Goodfellow et al. (2014) Prop. 1 and Thm. 1."""

from __future__ import annotations

import numpy as np
import pytest

from ganedu import theory

X = theory.grid(-20.0, 20.0, 20001)  # wide and fine: the densities below vanish (< 1e-20) at the ends


def _pdfs(mean_g: float = 1.5, std_g: float = 0.7):
    return theory.gaussian(0.0, 1.0).pdf(X), theory.gaussian(mean_g, std_g).pdf(X)


def test_gaussian_pdf_hand_values_and_mass():
    assert theory.gaussian_pdf(np.array(0.0), 0.0, 1.0) == pytest.approx(1 / np.sqrt(2 * np.pi))
    assert theory.gaussian_pdf(np.array(3.0), 1.0, 2.0) == pytest.approx(np.exp(-0.5) / (2 * np.sqrt(2 * np.pi)))
    mix = theory.Mixture(means=(-2.0, 1.0), stds=(0.5, 1.0), weights=(1.0, 3.0))
    assert theory.integrate(mix.pdf(X), X) == pytest.approx(1.0, abs=1e-10)
    assert mix.pdf(np.array(1.0)) == pytest.approx(
        0.25 * theory.gaussian_pdf(1.0, -2.0, 0.5) + 0.75 * theory.gaussian_pdf(1.0, 1.0, 1.0))


def test_mixture_samples_follow_the_weights():
    import torch

    mix = theory.Mixture(means=(-5.0, 5.0), stds=(0.1, 0.1), weights=(1.0, 3.0))
    s = mix.sample(20000, torch.Generator().manual_seed(0))
    assert s.shape == (20000, 1) and s.dtype == torch.float32
    assert float((s > 0).float().mean()) == pytest.approx(0.75, abs=0.01)
    assert float(s[s > 0].mean()) == pytest.approx(5.0, abs=0.01)


def test_optimal_discriminator_hand_values():
    d = theory.optimal_discriminator(np.array([1.0, 0.0, 3.0, 0.0, 0.2]), np.array([1.0, 2.0, 1.0, 0.0, 0.6]))
    np.testing.assert_allclose(d, [0.5, 0.0, 0.75, 0.5, 0.25])  # 0/0 -> 1/2 by our convention


@pytest.mark.parametrize(("mp", "sp", "mq", "sq"), [(0.0, 1.0, 1.5, 0.7), (-1.0, 0.5, 2.0, 2.0), (0.3, 1.2, 0.3, 1.2)])
def test_kl_matches_the_gaussian_closed_form(mp, sp, mq, sq):
    p, q = theory.gaussian(mp, sp).pdf(X), theory.gaussian(mq, sq).pdf(X)
    assert theory.kl(p, q, X) == pytest.approx(theory.kl_gaussians(mp, sp, mq, sq), abs=1e-9)


def test_kl_gaussians_hand_value():
    # KL(N(0,1) || N(1,2^2)) = log 2 + (1 + 1)/8 - 1/2
    assert theory.kl_gaussians(0.0, 1.0, 1.0, 2.0) == pytest.approx(np.log(2) + 0.25 - 0.5)


def test_kl_is_infinite_without_overlap():
    p, q = np.array([0.5, 0.5, 0.0]), np.array([0.0, 0.5, 0.5])
    assert theory.kl(p, q, np.array([0.0, 1.0, 2.0])) == float("inf")


@pytest.mark.parametrize(("mean_g", "std_g"), [(1.5, 0.7), (0.2, 1.0), (4.0, 0.3), (-0.5, 2.0)])
def test_value_at_d_star_is_minus_log4_plus_two_jsd(mean_g, std_g):
    p, q = _pdfs(mean_g, std_g)
    v = theory.value(theory.optimal_discriminator(p, q), p, q, X)
    assert v == pytest.approx(-np.log(4) + 2 * theory.jsd(p, q, X), abs=1e-12)


def test_value_identity_on_a_mixture_and_callable_d():
    p = theory.Mixture(means=(-2.0, 2.0), stds=(0.5, 0.5)).pdf(X)
    q = theory.gaussian(0.5, 1.5).pdf(X)
    d_star = theory.optimal_discriminator(p, q)
    v = theory.value(d_star, p, q, X)
    assert v == pytest.approx(-np.log(4) + 2 * theory.jsd(p, q, X), abs=1e-12)
    assert theory.value(lambda x: np.full_like(x, 0.5), p, q, X) == pytest.approx(-np.log(4), abs=1e-9)


def test_d_star_beats_any_other_discriminator():
    p, q = _pdfs()
    v_star = theory.value(theory.optimal_discriminator(p, q), p, q, X)
    rng = np.random.default_rng(0)
    for _ in range(5):
        d = np.clip(theory.optimal_discriminator(p, q) + rng.normal(0, 0.05, X.shape), 0.01, 0.99)
        assert theory.value(d, p, q, X) < v_star


def test_global_optimum_p_g_equals_p_data():
    p = theory.Mixture(means=(-1.0, 2.0), stds=(0.4, 0.8), weights=(2.0, 1.0)).pdf(X)
    d = theory.optimal_discriminator(p, p)
    np.testing.assert_allclose(d, 0.5)
    assert theory.value(d, p, p, X) == pytest.approx(-np.log(4), abs=1e-10)
    assert theory.jsd(p, p, X) == pytest.approx(0.0, abs=1e-14)
    assert theory.d_loss_at(d, p, p, X) == pytest.approx(theory.LOG4, abs=1e-10)


def test_jsd_bounds_and_symmetry():
    for mean_g in (0.0, 0.5, 2.0, 5.0, 9.0):
        p, q = _pdfs(mean_g, 0.5)
        j = theory.jsd(p, q, X)
        assert -1e-12 <= j <= np.log(2) + 1e-12
        assert j == pytest.approx(theory.jsd(q, p, X), abs=1e-12)
    p, q = _pdfs(9.0, 0.3)  # almost disjoint supports -> JSD at its ceiling log 2
    assert theory.jsd(p, q, X) == pytest.approx(np.log(2), abs=1e-6)


def test_best_response_finds_d_star_and_the_wrong_objective_does_not():
    p, q = _pdfs()
    sel = slice(8000, 12001)  # x in [-4, 4]
    d_star = theory.optimal_discriminator(p, q)[sel]
    np.testing.assert_allclose(theory.best_response(p[sel], q[sel], "gan"), d_star, atol=5e-4)
    wrong = theory.best_response(p[sel], q[sel], "no_log")
    np.testing.assert_allclose(wrong, np.minimum(1.0, p[sel] / q[sel]), atol=5e-4)
    assert np.max(np.abs(wrong - d_star)) > 0.3
    with pytest.raises(ValueError, match="objective"):
        theory.best_response(p, q, "bogus")


def test_trained_discriminator_approaches_d_star():
    p_data, p_g = theory.gaussian(0.0, 1.0), theory.gaussian(1.5, 0.7)
    d = theory.train_discriminator(p_data, p_g, steps=300, seed=0)
    p, q = p_data.pdf(X), p_g.pdf(X)
    mass = (p + q) > 0.1  # where samples actually land
    assert np.max(np.abs(d(X) - theory.optimal_discriminator(p, q))[mass]) < 0.1
    assert np.mean(d.losses[-30:]) == pytest.approx(theory.d_loss_at(theory.optimal_discriminator(p, q), p, q, X),
                                                    abs=0.05)


def test_bad_input_gets_clear_errors():
    with pytest.raises(ValueError, match="standard deviation"):
        theory.gaussian(0.0, 0.0)
    with pytest.raises(ValueError, match="one std"):
        theory.Mixture(means=(0.0, 1.0), stds=(1.0,))
    with pytest.raises(ValueError, match=">= 0"):
        theory.optimal_discriminator(np.array([-1.0]), np.array([1.0]))
    with pytest.raises(ValueError, match="same grid"):
        theory.value(np.ones(3), np.ones(4), np.ones(4), np.arange(4.0))
    with pytest.raises(ValueError, match="increasing"):
        theory.integrate(np.ones(3), np.array([0.0, 2.0, 1.0]))


def test_theory_figures_render():
    from ganedu import plot

    p_data, p_g = theory.Mixture(means=(-2.0, 1.5), stds=(0.6, 0.8)), theory.gaussian(0.5, 1.2)
    fig = plot.minimax_figure(p_data, p_g, others={"half": lambda x: np.full_like(x, 0.5)})
    assert "V(D*, G)" in fig._suptitle.get_text()
    assert fig._repr_png_()[:4] == b"\x89PNG"
    logits = np.linspace(-5, 5, 11)
    assert plot.logit_gradient_figure(logits, {"a": -logits})._repr_png_()[:4] == b"\x89PNG"
    assert plot.sweep_figure(logits, {"a": logits})._repr_png_()[:4] == b"\x89PNG"


# --- the Wasserstein-1 distance -----------------------------------------------------------------------------------


def _quantile_w1(p: np.ndarray, q: np.ndarray, n: int = 200_000) -> float:
    """W1 = ∫_0^1 |F_p^{-1}(u) - F_q^{-1}(u)| du by the midpoint rule, from the inverse CDFs."""
    u = (np.arange(n) + 0.5) / n
    return float(np.mean(np.abs(theory.quantile(p, X, u) - theory.quantile(q, X, u))))


@pytest.mark.parametrize(("m1", "m2", "s"), [(0.0, 1.3, 1.0), (-2.0, 0.5, 0.4), (1.0, 1.0, 2.0)])
def test_w1_of_equal_width_gaussians_is_the_distance_of_the_means(m1, m2, s):
    p, q = theory.gaussian(m1, s).pdf(X), theory.gaussian(m2, s).pdf(X)
    assert theory.wasserstein_1(p, q, X) == pytest.approx(abs(m1 - m2), abs=1e-6)


def test_w1_of_two_widths_is_the_closed_form():
    # quantiles s1 Φ^{-1}(u) and s2 Φ^{-1}(u) differ by |s1 - s2| |Φ^{-1}(u)|, whose mean is |s1 - s2| sqrt(2/π)
    p, q = theory.gaussian(0.0, 1.0).pdf(X), theory.gaussian(0.0, 2.5).pdf(X)
    assert theory.wasserstein_1(p, q, X) == pytest.approx(1.5 * np.sqrt(2 / np.pi), abs=1e-5)


def test_w1_on_the_grid_matches_the_quantile_integral_for_a_mixture():
    p = theory.Mixture(means=(-2.0, 2.0), stds=(0.5, 0.5), weights=(0.3, 0.7)).pdf(X)
    q = theory.gaussian(0.4, 0.8).pdf(X)
    w = theory.wasserstein_1(p, q, X)
    assert w == pytest.approx(_quantile_w1(p, q), abs=1e-4)
    assert theory.wasserstein_1(q, p, X) == pytest.approx(w, abs=1e-12) and theory.wasserstein_1(p, p, X) == 0.0


def test_w1_samples_equal_sizes_is_the_mean_sorted_distance_and_point_masses():
    assert theory.wasserstein_1_samples([0.0], [2.5]) == pytest.approx(2.5)  # two point masses
    assert theory.wasserstein_1_samples([0.0, 1.0, 5.0], [3.0, 1.0, 2.0]) == pytest.approx(4 / 3)  # by hand
    assert theory.wasserstein_1_samples(np.array([1.0, 2.0]), np.array([2.0, 1.0])) == 0.0


def test_w1_samples_unequal_sizes_equals_repeating_each_point():
    # a sample of n points repeated m times is the same distribution: W1 must not change
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=7), rng.normal(1.0, 2.0, size=5)
    assert theory.wasserstein_1_samples(a, b) == pytest.approx(
        theory.wasserstein_1_samples(np.repeat(a, 5), np.repeat(b, 7)), abs=1e-12)
    assert theory.wasserstein_1_samples([0.0], [1.0, 3.0]) == pytest.approx(2.0)  # half the mass to 1, half to 3


def test_w1_samples_approach_the_grid_value():
    import torch

    mix, g = theory.Mixture(means=(-2.0, 2.0), stds=(0.5, 0.5)), theory.gaussian(0.0, 0.5)
    gen = torch.Generator().manual_seed(0)
    w = theory.wasserstein_1_samples(mix.sample(40_000, gen), g.sample(30_000, gen))
    assert w == pytest.approx(theory.wasserstein_1(mix.pdf(X), g.pdf(X), X), abs=0.02)


def test_w1_errors_are_clear():
    with pytest.raises(ValueError):
        theory.wasserstein_1_samples([], [1.0])
    with pytest.raises(ValueError):
        theory.wasserstein_1(np.zeros_like(X), theory.gaussian().pdf(X), X)
