"""Figures of the Dirac-GAN lesson (notebook 04): the vector field with trajectories, and the eigenvalues and
step spectral radius as the R1 weight grows. Shown in notebooks as ``ge.plot.<name>``."""

from __future__ import annotations

import numpy as np

from ..interface.plot import ShownFigure, finish_figure
from ..messages import msg
from . import dirac

__internal__ = True  # part of the Dirac-GAN lesson, reached through ge.plot


def dirac_figure(trajectories: dict[str, np.ndarray], loss: str = "nonsaturating", gamma: float = 0.0,
                 lim: float = 2.0, title: str = "") -> ShownFigure:
    """Left: the Dirac-GAN vector field (arrows) with trajectories (theta, psi). Right: distance to (0, 0)."""
    fig = ShownFigure(figsize=(9.0, 4.0))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.2]})
    g = np.linspace(-lim, lim, 17)
    th, ps = np.meshgrid(g, g)
    v_th, v_ps = dirac.vector_field(th, ps, loss, gamma)
    left.quiver(th, ps, v_th, v_ps, color="0.6", angles="xy")
    for label, traj in trajectories.items():
        (line,) = left.plot(traj[:, 0], traj[:, 1], linewidth=1.0, label=label)
        left.plot(traj[0, 0], traj[0, 1], "o", color=line.get_color(), markersize=4)
        right.semilogy(dirac.distance(traj), color=line.get_color(), label=label)
    left.plot(0, 0, "k*", markersize=10)
    left.set_xlim(-lim, lim)
    left.set_ylim(-lim, lim)
    left.set_aspect("equal")
    left.set_xlabel(msg("fig_theta"))
    left.set_ylabel(msg("fig_psi"))
    right.set_xlabel(msg("fig_step"))
    right.set_ylabel(msg("fig_distance"))
    right.grid(alpha=0.25, which="both")
    right.legend(frameon=False, fontsize=8)
    finite = np.concatenate([dirac.distance(t) for t in trajectories.values()])
    finite = finite[np.isfinite(finite) & (finite > 0)]
    if finite.size:
        right.set_ylim(bottom=max(finite.min() / 2, 1e-12))  # below 1e-12 is "arrived"; keep the rest readable
    return finish_figure(fig, title or msg("fig_dirac_title", loss=loss, gamma=gamma))


def eigen_figure(gammas: np.ndarray, loss: str = "nonsaturating", lr: float = 0.1) -> ShownFigure:
    """Left: eigenvalues of the Jacobian in the complex plane as the R1 weight gamma grows. Right: the
    spectral radius of one training step (simultaneous and alternating) against gamma, with the line 1."""
    fig = ShownFigure(figsize=(9.0, 3.6))
    left, right = fig.subplots(1, 2)
    ev = np.array([dirac.eigenvalues(loss, gm) for gm in gammas])  # (G, 2) complex
    for i in range(2):
        sc = left.scatter(ev[:, i].real, ev[:, i].imag, c=gammas, cmap="viridis", s=12)
    fig.colorbar(sc, ax=left, label=msg("fig_gamma"))
    left.axvline(0.0, color="gray", linewidth=0.8)
    left.set_xlabel(msg("fig_real_part"))
    left.set_ylabel(msg("fig_imaginary_part"))
    left.set_title(msg("fig_eigen_title"), fontsize=9)
    for mode in dirac.MODES:
        right.plot(gammas, [dirac.spectral_radius(lr, mode, 1, gm, loss) for gm in gammas], label=mode)
    right.axhline(1.0, color="gray", linestyle="--", linewidth=0.8)
    right.set_xlabel(msg("fig_gamma_r1"))
    right.set_ylabel(msg("fig_spectral_radius"))
    right.set_title(msg("fig_one_step_title", lr=lr), fontsize=9)
    right.legend(frameon=False, fontsize=8)
    right.grid(alpha=0.25)
    return finish_figure(fig)
