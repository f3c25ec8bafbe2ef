"""The Dirac-GAN of Mescheder, Geiger & Nowozin (2018), "Which training methods for GANs do actually converge?".

The smallest GAN that shows the dynamics: real data is a single point at x = 0, the generator is a single
point G(z) = theta, and the discriminator is linear, logit D_psi(x) = psi * x, D(x) = sigmoid(psi * x).
The unique equilibrium is (theta, psi) = (0, 0).

Our sign convention is the course's: the logit scores "real". The real logit is psi * 0 = 0, the fake logit
is t = psi * theta, and with the BCE losses of ``ganedu.losses``

    L_D = softplus(0) + softplus(t) + gamma/2 * psi^2          (gamma/2 * |grad_x D_psi(0)|^2 is R1 on the real point)
    L_G = -softplus(t)  (minimax)  or  softplus(-t)  (non-saturating)
    L_D = t + gamma/2 * psi^2,  L_G = -t                        (Wasserstein: a critic without sigmoid)

Each player descends its own loss. The gradient vector field v = (-dL_G/dtheta, -dL_D/dpsi) is

    v_theta = psi * f'(-t)  (minimax)    psi * f'(t)  (non-saturating)    psi  (Wasserstein)
    v_psi   = -theta * f'(-t) - gamma * psi

with f(t) = -log(1 + exp(-t)) the function of the paper (f'(t) = sigmoid(-t)); for Wasserstein f(t) = t.
Its Jacobian at the equilibrium is [[0, f'(0)], [-f'(0), -gamma]] with eigenvalues
-gamma/2 +- sqrt(gamma^2/4 - f'(0)^2): +- i f'(0) without regularisation (purely imaginary: rotation, no
pull towards the equilibrium), and a negative real part with R1 (gamma > 0).
"""

from __future__ import annotations

import numpy as np

from ..messages import msg

LOSSES = ("nonsaturating", "minimax", "wasserstein")
MODES = ("simultaneous", "alternating")


def _sigmoid(t: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * t))  # = 1 / (1 + exp(-t)), without overflow for large |t|


def _check(loss: str, gamma: float) -> None:
    if loss not in LOSSES:
        raise ValueError(msg("bad_loss", value=loss, choices=", ".join(LOSSES)))
    if not np.isfinite(gamma) or gamma < 0:
        raise ValueError(msg("dirac_bad_gamma", value=gamma))


def slope(loss: str = "nonsaturating") -> float:
    """f'(0): 1/2 for the BCE losses (f'(t) = sigmoid(-t)), 1 for Wasserstein (f(t) = t)."""
    _check(loss, 0.0)
    return 1.0 if loss == "wasserstein" else 0.5


def vector_field(theta: np.ndarray | float, psi: np.ndarray | float, loss: str = "nonsaturating",
                 gamma: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """v(theta, psi) = (-dL_G/dtheta, -dL_D/dpsi), elementwise over broadcast arrays (for quiver plots).

    minimax: (psi sigmoid(t), -theta sigmoid(t) - gamma psi); non-saturating: v_theta = psi sigmoid(-t);
    Wasserstein: (psi, -theta - gamma psi); t = psi * theta.
    """
    _check(loss, gamma)
    theta, psi = np.asarray(theta, dtype=float), np.asarray(psi, dtype=float)
    t = psi * theta
    if loss == "wasserstein":
        return psi + 0.0 * theta, -theta - gamma * psi
    d_fake = _sigmoid(t)  # D(G(z)): f'(-t) = sigmoid(t)
    v_theta = psi * (d_fake if loss == "minimax" else 1.0 - d_fake)
    return v_theta, -theta * d_fake - gamma * psi


def autograd_vector_field(theta: float, psi: float, loss: str = "nonsaturating",
                          gamma: float = 0.0) -> tuple[float, float]:
    """The same field from autograd through the real loss functions of ``ganedu.losses`` (the oracle for
    :func:`vector_field`): ``d_loss_bce`` or ``d_loss_wasserstein`` for D, ``G_LOSSES[loss]`` for G."""
    import torch

    from .. import losses

    _check(loss, gamma)
    th = torch.tensor(float(theta), dtype=torch.float64, requires_grad=True)
    ps = torch.tensor(float(psi), dtype=torch.float64, requires_grad=True)
    real_logit, fake_logit = (ps * 0.0).reshape(1, 1), (ps * th).reshape(1, 1)  # D_psi(0), D_psi(theta)
    r1 = gamma / 2 * ps**2  # gamma/2 |d D_psi(x)/dx|^2 at the real point
    d_loss = losses.d_loss_wasserstein if loss == "wasserstein" else losses.d_loss_bce
    l_d, l_g = d_loss(real_logit, fake_logit) + r1, losses.G_LOSSES[loss](fake_logit)
    (g_theta,) = torch.autograd.grad(l_g, th, retain_graph=True)  # the two losses share the fake logit
    (g_psi,) = torch.autograd.grad(l_d, ps)
    return -float(g_theta), -float(g_psi)


def jacobian(loss: str = "nonsaturating", gamma: float = 0.0) -> np.ndarray:
    """dv/d(theta, psi) at the equilibrium (0, 0), closed form [[0, f'(0)], [-f'(0), -gamma]]; rows (v_theta, v_psi)."""
    a = slope(loss)
    _check(loss, gamma)
    return np.array([[0.0, a], [-a, 0.0 - gamma]])  # 0.0 - gamma: no '-0.0' printed for gamma = 0


def numerical_jacobian(theta: float = 0.0, psi: float = 0.0, loss: str = "nonsaturating", gamma: float = 0.0,
                       eps: float = 1e-6) -> np.ndarray:
    """dv/d(theta, psi) at any point by central differences of :func:`vector_field` (error ~ eps^2)."""
    jac = np.zeros((2, 2))
    for j, (dt, dp) in enumerate(((eps, 0.0), (0.0, eps))):
        plus = vector_field(theta + dt, psi + dp, loss, gamma)
        minus = vector_field(theta - dt, psi - dp, loss, gamma)
        jac[:, j] = (np.array(plus) - np.array(minus)) / (2 * eps)
    return jac


def eigenvalues(loss: str = "nonsaturating", gamma: float = 0.0) -> np.ndarray:
    """Closed form eigenvalues of :func:`jacobian`: -gamma/2 +- sqrt(gamma^2/4 - f'(0)^2) (complex, + root first)."""
    a = slope(loss)
    _check(loss, gamma)
    root = np.sqrt(complex(gamma**2 / 4 - a**2))
    return np.array([-gamma / 2 + root, -gamma / 2 - root]) + 0.0  # + 0.0 turns -0.0 parts into 0.0


# --- discrete training ---------------------------------------------------------------------------------------


def _check_run(lr: float, lr_d: float, mode: str, k: int, steps: int | None = None) -> None:
    for name, v in (("lr", lr), ("lr_d", lr_d)):
        if not (isinstance(v, (int, float)) and np.isfinite(v) and v > 0):
            raise ValueError(msg("bad_lr", name=name, value=v))
    if mode not in MODES:
        raise ValueError(msg("dirac_bad_mode", value=mode, choices=", ".join(MODES)))
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
        raise ValueError(msg("bad_k", value=k))
    if steps is not None and (not isinstance(steps, (int, np.integer)) or steps < 0):
        raise ValueError(msg("bad_steps", name="steps", value=steps))


def step(theta: float, psi: float, lr: float = 0.1, mode: str = "simultaneous", k: int = 1, gamma: float = 0.0,
         loss: str = "nonsaturating", lr_d: float | None = None) -> tuple[float, float]:
    """One generator step of Algorithm 1 on the Dirac-GAN: k discriminator steps, one generator step.

    alternating: psi moves k times (theta fixed), then theta moves using the *new* psi.
    simultaneous: theta's step uses the gradient at the *old* (theta, psi), as if both moved at once.
    ``lr`` is the generator's step size, ``lr_d`` the discriminator's (default: the same).
    """
    lr_d = lr if lr_d is None else lr_d
    _check_run(lr, lr_d, mode, k)
    v_theta_old, _ = vector_field(theta, psi, loss, gamma)
    new_psi = psi
    for _ in range(k):
        new_psi = new_psi + lr_d * float(vector_field(theta, new_psi, loss, gamma)[1])
    v_theta = v_theta_old if mode == "simultaneous" else vector_field(theta, new_psi, loss, gamma)[0]
    return theta + lr * float(v_theta), new_psi


def simulate(theta0: float = 1.0, psi0: float = 1.0, lr: float = 0.1, steps: int = 200,
             mode: str = "simultaneous", k: int = 1, gamma: float = 0.0, loss: str = "nonsaturating",
             lr_d: float | None = None) -> np.ndarray:
    """The trajectory of ``steps`` calls of :func:`step` from (theta0, psi0): array (steps + 1, 2) of (theta, psi).

    If the parameters overflow (e.g. the Wasserstein game with large steps), the remaining rows are nan.
    """
    lr_d = lr if lr_d is None else lr_d
    _check_run(lr, lr_d, mode, k, steps)
    _check(loss, gamma)
    out = np.full((steps + 1, 2), np.nan)  # rows after a blow-up (inf / nan) stay nan
    out[0] = theta0, psi0
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(steps):
            out[i + 1] = step(out[i, 0], out[i, 1], lr, mode, k, gamma, loss, lr_d)
            if not np.all(np.isfinite(out[i + 1])):
                out[i + 1] = np.nan
                break
    return out


def distance(trajectory: np.ndarray) -> np.ndarray:
    """Euclidean distance of each row (theta, psi) to the equilibrium (0, 0), shape (steps + 1,)."""
    return np.hypot(trajectory[:, 0], trajectory[:, 1])


def update_matrix(lr: float = 0.1, mode: str = "simultaneous", k: int = 1, gamma: float = 0.0,
                  loss: str = "nonsaturating", lr_d: float | None = None) -> np.ndarray:
    """The linearised update map M at the equilibrium: (theta, psi) after one :func:`step` ~= M @ (theta, psi).

    With J = :func:`jacobian`, one D step is A_D = [[1, 0], [h_d J10, 1 + h_d J11]] and one G step from the
    point (theta, psi') is A_G = [[1 + h J00, h J01], [0, 1]]. Alternating: M = A_G A_D^k. Simultaneous: the
    first row of I + h J (G uses the old point) over the second row of A_D^k. k = 1 simultaneous is I + h J.
    If the spectral radius of M is < 1, training converges from close enough starts (Ostrowski's theorem, the
    tool of Mescheder, Nowozin & Geiger 2017, "The Numerics of GANs"); > 1 it moves away; = 1 the linear
    picture alone cannot decide, and the simulation has to.
    """
    lr_d = lr if lr_d is None else lr_d
    _check_run(lr, lr_d, mode, k)
    jac = jacobian(loss, gamma)
    a_d = np.array([[1.0, 0.0], [lr_d * jac[1, 0], 1.0 + lr_d * jac[1, 1]]])
    a_dk = np.linalg.matrix_power(a_d, k)
    if mode == "alternating":
        a_g = np.array([[1.0 + lr * jac[0, 0], lr * jac[0, 1]], [0.0, 1.0]])
        return a_g @ a_dk
    return np.vstack([np.array([1.0 + lr * jac[0, 0], lr * jac[0, 1]]), a_dk[1]])


def spectral_radius(lr: float = 0.1, mode: str = "simultaneous", k: int = 1, gamma: float = 0.0,
                    loss: str = "nonsaturating", lr_d: float | None = None) -> float:
    """max |eigenvalue| of :func:`update_matrix`: < 1 converges, = 1 circles forever, > 1 spirals out (locally)."""
    return float(np.max(np.abs(np.linalg.eigvals(update_matrix(lr, mode, k, gamma, loss, lr_d)))))
