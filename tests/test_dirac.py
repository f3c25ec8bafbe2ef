"""ganedu.dirac: the field against autograd, the Jacobian against finite differences, dynamics against the
linear analysis of Mescheder, Geiger & Nowozin (2018)."""

from __future__ import annotations

import numpy as np
import pytest

from ganedu import dirac

POINTS = [(0.3, -0.8), (1.0, 1.0), (-2.0, 0.5), (0.0, 0.0)]


@pytest.mark.parametrize("loss", dirac.LOSSES)
@pytest.mark.parametrize("gamma", [0.0, 0.7])
def test_vector_field_matches_autograd_of_the_course_losses(loss, gamma):
    for theta, psi in POINTS:
        np.testing.assert_allclose(dirac.vector_field(theta, psi, loss, gamma),
                                   dirac.autograd_vector_field(theta, psi, loss, gamma), atol=1e-12)


@pytest.mark.parametrize("loss,d_name", [("wasserstein", "d_loss_wasserstein"), ("minimax", "d_loss_bce"),
                                         ("nonsaturating", "d_loss_bce")])
def test_autograd_field_differentiates_the_library_losses(loss, d_name, monkeypatch):
    # the oracle must run the real functions of ganedu.losses, not a copy: count the calls through them
    from ganedu import losses

    calls = []

    def counted(name, fn):
        return lambda *logits: calls.append(name) or fn(*logits)

    monkeypatch.setattr(losses, d_name, counted("D", getattr(losses, d_name)))
    monkeypatch.setitem(losses.G_LOSSES, loss, counted("G", losses.G_LOSSES[loss]))
    dirac.autograd_vector_field(0.5, -0.3, loss, gamma=0.2)
    assert sorted(calls) == ["D", "G"]


def test_vector_field_hand_values():
    # minimax at (theta, psi) = (1, 2): t = 2, v = (2 sigmoid(2), -sigmoid(2)); sigmoid(2) = 0.880797...
    s2 = 1 / (1 + np.exp(-2.0))
    np.testing.assert_allclose(dirac.vector_field(1.0, 2.0, "minimax"), (2 * s2, -s2))
    np.testing.assert_allclose(dirac.vector_field(1.0, 2.0, "nonsaturating"), (2 * (1 - s2), -s2))
    np.testing.assert_allclose(dirac.vector_field(1.0, 2.0, "wasserstein", gamma=0.5), (2.0, -2.0))


@pytest.mark.parametrize("loss", dirac.LOSSES)
@pytest.mark.parametrize("gamma", [0.0, 0.3, 2.5])
def test_jacobian_closed_form_matches_finite_differences_and_eigenvalues(loss, gamma):
    jac = dirac.jacobian(loss, gamma)
    np.testing.assert_allclose(dirac.numerical_jacobian(0.0, 0.0, loss, gamma), jac, atol=1e-8)
    ev = dirac.eigenvalues(loss, gamma)
    np.testing.assert_allclose(np.sort_complex(ev), np.sort_complex(np.linalg.eigvals(jac)), atol=1e-12)


def test_eigenvalues_without_and_with_r1():
    np.testing.assert_allclose(dirac.eigenvalues("nonsaturating", 0.0), [0.5j, -0.5j])  # +- i f'(0), f'(0) = 1/2
    np.testing.assert_allclose(dirac.eigenvalues("wasserstein", 0.0), [1j, -1j])
    for gamma in (0.1, 0.5, 1.0, 3.0):
        assert np.all(dirac.eigenvalues("minimax", gamma).real < 0)
    np.testing.assert_allclose(dirac.eigenvalues("minimax", 1.0), [-0.5, -0.5], atol=1e-7)  # gamma = 2 f'(0)


def test_jacobian_of_field_at_a_general_point_by_autograd():
    import torch

    def field(v):
        return torch.stack(_torch_field(v[0], v[1]))

    def _torch_field(theta, psi):  # minimax field written in torch, R1 weight 0.4
        s = torch.sigmoid(psi * theta)
        return psi * s, -theta * s - 0.4 * psi

    at = torch.tensor([0.7, -1.3], dtype=torch.float64)
    auto = torch.autograd.functional.jacobian(field, at).numpy()
    np.testing.assert_allclose(dirac.numerical_jacobian(0.7, -1.3, "minimax", 0.4), auto, atol=1e-7)


def test_simulate_shape_and_first_step_by_hand():
    traj = dirac.simulate(1.0, 1.0, lr=0.1, steps=3, mode="simultaneous", loss="minimax")
    assert traj.shape == (4, 2)
    s1 = 1 / (1 + np.exp(-1.0))
    np.testing.assert_allclose(traj[1], (1 + 0.1 * s1, 1 - 0.1 * s1))
    alt = dirac.simulate(1.0, 1.0, lr=0.1, steps=1, mode="alternating", loss="minimax")
    psi1 = 1 - 0.1 * s1
    np.testing.assert_allclose(alt[1], (1 + 0.1 * psi1 / (1 + np.exp(-psi1)), psi1))


def test_minimax_simultaneous_spirals_out_alternating_circles_r1_converges():
    sim = dirac.distance(dirac.simulate(1.0, 1.0, 0.1, 1000, "simultaneous", loss="minimax"))
    alt = dirac.distance(dirac.simulate(1.0, 1.0, 0.1, 1000, "alternating", loss="minimax"))
    r1 = dirac.distance(dirac.simulate(1.0, 1.0, 0.1, 1000, "simultaneous", gamma=1.0, loss="minimax"))
    assert sim[-1] > 1.5 * sim[0]
    assert 0.8 * alt[0] < alt[-1] < 1.2 * alt[0] and np.min(alt) > 0.8  # stays on its orbit, never arrives
    assert r1[-1] < 1e-10


def test_continuous_minimax_flow_conserves_the_radius():
    # d/dt (theta^2 + psi^2) = 2 (theta v_theta + psi v_psi) = 0 for the minimax game without R1
    for theta, psi in POINTS:
        v = dirac.vector_field(theta, psi, "minimax")
        assert theta * v[0] + psi * v[1] == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("theta,psi", POINTS + [(3.0, 2.5), (-4.0, 1.5)])
def test_nonsaturating_flow_is_damped_by_minus_t_tanh_half_t(theta, psi):
    # notebook 04 states theta v_theta + psi v_psi = -t tanh(t/2) with t = psi theta for the non-saturating game.
    # Independent of the closed form: the field by autograd through ganedu.losses, and tanh from NumPy.
    v_theta, v_psi = dirac.autograd_vector_field(theta, psi, "nonsaturating")
    t = theta * psi
    assert theta * v_theta + psi * v_psi == pytest.approx(-t * np.tanh(t / 2), abs=1e-12)
    assert theta * v_theta + psi * v_psi <= 0.0  # the radius never grows in continuous time
    if t != 0.0:
        assert theta * v_theta + psi * v_psi < 0.0  # strictly inward off the axes


def test_update_matrix_closed_forms():
    h, a = 0.2, 0.5
    np.testing.assert_allclose(dirac.update_matrix(h, "simultaneous"), np.eye(2) + h * dirac.jacobian())
    assert dirac.spectral_radius(h, "simultaneous") == pytest.approx(np.sqrt(1 + h**2 * a**2))
    for k in (1, 3, 5):
        m = dirac.update_matrix(h, "alternating", k=k)
        assert np.linalg.det(m) == pytest.approx(1.0)  # area preserving: no pull to the equilibrium
        assert np.trace(m) == pytest.approx(2 - k * h**2 * a**2)
    assert dirac.spectral_radius(2.0, "alternating", k=5) > 1  # k h^2 a^2 = 5 > 4: real eigenvalues, diverges
    assert dirac.spectral_radius(0.1, "alternating", gamma=1.0) < 1


@pytest.mark.parametrize(("mode", "k", "gamma", "lr_d"), [("simultaneous", 1, 0.0, None), ("alternating", 3, 0.5, 0.05),
                                                         ("simultaneous", 4, 0.2, 0.3), ("alternating", 1, 0.0, None)])
def test_update_matrix_matches_the_step_map_linearised_numerically(mode, k, gamma, lr_d):
    eps = 1e-6
    num = np.zeros((2, 2))
    for j, e in enumerate(np.eye(2) * eps):
        plus = dirac.step(*e, lr=0.1, mode=mode, k=k, gamma=gamma, loss="nonsaturating", lr_d=lr_d)
        minus = dirac.step(*(-e), lr=0.1, mode=mode, k=k, gamma=gamma, loss="nonsaturating", lr_d=lr_d)
        num[:, j] = (np.array(plus) - np.array(minus)) / (2 * eps)
    np.testing.assert_allclose(num, dirac.update_matrix(0.1, mode, k, gamma, "nonsaturating", lr_d), atol=1e-8)


def test_blow_up_fills_nan_and_bad_input_errors():
    traj = dirac.simulate(1.0, 1.0, lr=0.5, steps=2000, mode="simultaneous", k=5, loss="wasserstein")
    assert np.isnan(traj[-1]).all() and np.isfinite(traj[0]).all()
    with pytest.raises(ValueError, match="mode"):
        dirac.simulate(mode="sideways")
    with pytest.raises(ValueError, match="k"):
        dirac.simulate(k=0)
    with pytest.raises(ValueError, match="gamma"):
        dirac.simulate(gamma=-1.0)
    with pytest.raises(ValueError, match="lr"):
        dirac.simulate(lr=0.0)
    with pytest.raises(ValueError, match="loss"):
        dirac.vector_field(0.0, 0.0, loss="hinge")


def test_dirac_figures_render():
    from ganedu import plot

    runs = {"sim": dirac.simulate(steps=20), "blown": dirac.simulate(lr=0.5, steps=400, k=5, loss="wasserstein")}
    assert plot.dirac_figure(runs)._repr_png_()[:4] == b"\x89PNG"
    assert plot.eigen_figure(np.linspace(0, 2, 5))._repr_png_()[:4] == b"\x89PNG"
