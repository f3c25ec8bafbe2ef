"""Self-check exercises: ``ge.exercises.check_<name>(answer)`` tells a learner whether an answer is right.

Each checker is registered with a reference answer (must pass) and a typical wrong answer (must fail), and
``tests/test_exercises.py`` runs both for every checker, so CI checks the checkers themselves.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .messages import msg


@dataclass(frozen=True)
class Exercise:
    """A checker plus the two answers that test it."""

    check: Callable[..., bool]  # answer -> True (praise) or False (a hint); never raises on a wrong answer
    reference: Callable[[], object]  # builds the right answer
    wrong: Callable[[], object]  # builds a typical wrong answer


REGISTRY: dict[str, Exercise] = {}


def exercise(reference: Callable[[], object], wrong: Callable[[], object]):
    """Decorator: register ``check_*`` with a reference and a wrong answer."""

    def wrap(check: Callable[..., bool]) -> Callable[..., bool]:
        REGISTRY[check.__name__] = Exercise(check, reference, wrong)
        return check

    return wrap


def report(ok: bool, detail: str = "") -> bool:
    """Print the verdict in the learner's language and return it."""
    print(msg("check_ok" if ok else "check_wrong", detail=detail))
    return ok


# --- 01-04 theory exercises ---
def _number(answer) -> float | None:
    """``answer`` as a float, or None when it is not a single number (a wrong answer must not raise)."""
    try:
        return float(answer)
    except (TypeError, ValueError):
        return None


def _near(answer, target: float, tol: float = 1e-3) -> bool:
    value = _number(answer)
    return value is not None and abs(value - target) <= tol * max(1.0, abs(target))


@exercise(reference=lambda: 0.75, wrong=lambda: 0.25)
def check_d_star(answer) -> bool:
    """01: D*(x) where p_data(x) = 0.3 and p_g(x) = 0.1. D* = p_data / (p_data + p_g) = 0.75."""
    ok = _near(answer, 0.3 / (0.3 + 0.1))
    return report(ok, msg("ex_d_star_ok" if ok else "ex_d_star_hint"))


@exercise(reference=lambda: -math.log(4), wrong=lambda: 0.0)
def check_value_at_optimum(answer) -> bool:
    """01: V(D*, G) when p_g = p_data: D* = 1/2 everywhere, so V = log 1/2 + log 1/2 = -log 4."""
    ok = _near(answer, -math.log(4))
    return report(ok, msg("ex_value_opt_ok" if ok else "ex_value_opt_hint"))


@exercise(reference=lambda: math.log(4), wrong=lambda: 0.0)
def check_d_loss_at_optimum(answer) -> bool:
    """01: the discriminator's BCE loss L_D = -V at the global optimum: log 4 (about 1.386), not 0."""
    ok = _near(answer, math.log(4))
    return report(ok, msg("ex_d_loss_opt_ok" if ok else "ex_d_loss_opt_hint"))


@exercise(reference=lambda: -0.01, wrong=lambda: -0.99)
def check_saturating_gradient(answer) -> bool:
    """02: d/dl log(1 - sigmoid(l)) at D(G(z)) = sigmoid(l) = 0.01 is -sigmoid(l) = -0.01."""
    ok = _near(answer, -0.01, tol=1e-4)
    return report(ok, msg("ex_sat_grad_ok" if ok else "ex_sat_grad_hint"))


@exercise(reference=lambda: 99.0, wrong=lambda: 1.0)
def check_gradient_ratio(answer) -> bool:
    """02: |non-saturating| / |saturating| logit gradient at D(G(z)) = 0.01: (1 - 0.01) / 0.01 = 99."""
    ok = _near(answer, 99.0)
    return report(ok, msg("ex_grad_ratio_ok" if ok else "ex_grad_ratio_hint"))


@exercise(reference=lambda: (1, 1.0), wrong=lambda: (8, 1.0))
def check_collapsed_coverage(answer) -> bool:
    """03: (modes hit, high-quality share) of a generator that puts every sample on one ring mode's centre."""
    try:
        modes, share = answer
        ok = int(modes) == 1 and _near(share, 1.0)
    except (TypeError, ValueError):
        ok = False
    return report(ok, msg("ex_collapse_ok" if ok else "ex_collapse_hint"))


@exercise(reference=lambda: 0.5, wrong=lambda: 1.0)
def check_heatmap_at_optimum(answer) -> bool:
    """03: the value the D heatmap shows everywhere once p_g = p_data and D is optimal: 1/2."""
    ok = _near(answer, 0.5)
    return report(ok, msg("ex_heatmap_ok" if ok else "ex_heatmap_hint"))


@exercise(reference=lambda: (0.5j, -0.5j), wrong=lambda: (0.5, -0.5))
def check_dirac_eigenvalues(answer) -> bool:
    """04: eigenvalues of the unregularised Dirac-GAN Jacobian at (0, 0) with a BCE loss: +- i f'(0) = +- i/2."""
    try:
        got = sorted((complex(v) for v in answer), key=lambda c: (c.imag, c.real))
        ok = len(got) == 2 and all(abs(g - w) < 1e-3 for g, w in zip(got, (-0.5j, 0.5j), strict=True))
    except (TypeError, ValueError):
        ok = False
    return report(ok, msg("ex_dirac_eig_ok" if ok else "ex_dirac_eig_hint"))


@exercise(reference=lambda: 1.0, wrong=lambda: 0.5)
def check_critical_gamma(answer) -> bool:
    """04: the R1 weight where the eigenvalues -gamma/2 +- sqrt(gamma^2/4 - f'(0)^2) meet: gamma = 2 f'(0) = 1."""
    ok = _near(answer, 1.0)
    return report(ok, msg("ex_gamma_ok" if ok else "ex_gamma_hint"))


# --- 05-06 MNIST exercises ---
D_WINS_OPTIONS = {  # 05: what to change when D(x) -> 1, D(G(z)) -> 0 and the G loss keeps climbing
    "a": "raise k to 5",
    "b": "lower lr_d (e.g. from 2e-4 to 5e-5)",
    "c": "switch to the saturating generator loss",
    "d": "raise lr_d to 1e-3",
}


@exercise(reference=lambda: 300 * 1 + 200 * 5, wrong=lambda: 300 + 200)
def check_d_updates(answer) -> bool:
    """05: D updates in 300 generator steps with k = 1, then 200 with k = 5: sum of k over the steps = 1300."""
    value = _number(answer)
    ok = value is not None and value == 1300
    return report(ok, msg("ex_d_updates_ok" if ok else "ex_d_updates_hint"))


@exercise(reference=lambda: "b", wrong=lambda: "a")
def check_d_wins(answer) -> bool:
    """05: D is winning (D(x) -> 1, D(G(z)) -> 0, G loss climbing); the knob that slows D down is a lower lr_d."""
    ok = str(answer).strip().lower() in ("b", D_WINS_OPTIONS["b"].lower())
    return report(ok, msg("ex_d_wins_ok" if ok else "ex_d_wins_hint"))


# --- 07-09 evaluation exercises ---
