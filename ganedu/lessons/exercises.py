"""Self-check exercises: ``ge.exercises.check_<name>(answer)`` tells a learner whether an answer is right.

Each checker is registered with a reference answer (must pass) and a typical wrong answer (must fail), and
``tests/test_exercises.py`` runs both for every checker, so CI checks the checkers themselves. The checkers are
grouped by the notebook that asks them, in course order (00 to 10).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from .. import metrics
from ..messages import msg


@dataclass(frozen=True)
class Exercise:
    """A checker plus the two answers that test it."""

    check: Callable[..., bool]  # answer -> True (praise) or False (a hint); never raises on a wrong answer
    reference: Callable[[], object]  # builds the right answer
    wrong: Callable[[], object]  # builds a typical wrong answer


REGISTRY: dict[str, Exercise] = {}


def exercise(reference: Callable[[], object],
             wrong: Callable[[], object]) -> Callable[[Callable[..., bool]], Callable[..., bool]]:
    """Decorator: register ``check_*`` with a reference and a wrong answer."""

    def wrap(check: Callable[..., bool]) -> Callable[..., bool]:
        REGISTRY[check.__name__] = Exercise(check, reference, wrong)
        return check

    return wrap


def verdict(ok: bool, detail: str = "") -> bool:
    """Print the verdict on an answer ("Correct! ..." or "Not yet: ...") in the learner's language and return it."""
    print(msg("check_ok" if ok else "check_wrong", detail=detail))
    return ok


# --- shared by the checkers ---------------------------------------------------------------------------------------


def _number(answer: object) -> float | None:
    """``answer`` as a float, or None when it is not a single number (a wrong answer must not raise)."""
    try:
        return float(answer)
    except (TypeError, ValueError):
        return None


def _near(answer: object, target: float, tol: float = 1e-3) -> bool:
    value = _number(answer)
    return value is not None and abs(value - target) <= tol * max(1.0, abs(target))


def _holds(test: Callable[[Any], bool], answer: object) -> bool:
    """``test(answer)``; an answer of the wrong kind or length (TypeError, ValueError) is wrong, not a crash."""
    try:
        return bool(test(answer))
    except (TypeError, ValueError):
        return False


# --- 00 start here -------------------------------------------------------------------------------------------------


@exercise(reference=lambda: 605.0, wrong=lambda: 2.0)
def check_lesson_seconds(answer: object) -> bool:
    """00: 20 timed GAN steps took 2 s; the lesson trains 6050 steps: 6050 * (2 / 20) = 605 s of GAN steps."""
    ok = _near(answer, 6050 * 2.0 / 20)
    return verdict(ok, msg("ex_lesson_seconds_ok" if ok else "ex_lesson_seconds_hint"))


# --- 01 the minimax objective -------------------------------------------------------------------------------------


@exercise(reference=lambda: 0.75, wrong=lambda: 0.25)
def check_d_star(answer: object) -> bool:
    """01: D*(x) where p_data(x) = 0.3 and p_g(x) = 0.1. D* = p_data / (p_data + p_g) = 0.75."""
    ok = _near(answer, 0.3 / (0.3 + 0.1))
    return verdict(ok, msg("ex_d_star_ok" if ok else "ex_d_star_hint"))


@exercise(reference=lambda: -math.log(4), wrong=lambda: 0.0)
def check_value_at_optimum(answer: object) -> bool:
    """01: V(D*, G) when p_g = p_data: D* = 1/2 everywhere, so V = log 1/2 + log 1/2 = -log 4."""
    ok = _near(answer, -math.log(4))
    return verdict(ok, msg("ex_value_opt_ok" if ok else "ex_value_opt_hint"))


@exercise(reference=lambda: math.log(4), wrong=lambda: 0.0)
def check_d_loss_at_optimum(answer: object) -> bool:
    """01: the discriminator's BCE loss L_D = -V at the global optimum: log 4 (about 1.386), not 0."""
    ok = _near(answer, math.log(4))
    return verdict(ok, msg("ex_d_loss_opt_ok" if ok else "ex_d_loss_opt_hint"))


# --- 02 generator losses ------------------------------------------------------------------------------------------


@exercise(reference=lambda: -0.01, wrong=lambda: -0.99)
def check_saturating_gradient(answer: object) -> bool:
    """02: d/dl log(1 - sigmoid(l)) at D(G(z)) = sigmoid(l) = 0.01 is -sigmoid(l) = -0.01."""
    ok = _near(answer, -0.01, tol=1e-4)
    return verdict(ok, msg("ex_sat_grad_ok" if ok else "ex_sat_grad_hint"))


@exercise(reference=lambda: 99.0, wrong=lambda: 1.0)
def check_gradient_ratio(answer: object) -> bool:
    """02: |non-saturating| / |saturating| logit gradient at D(G(z)) = 0.01: (1 - 0.01) / 0.01 = 99."""
    ok = _near(answer, 99.0)
    return verdict(ok, msg("ex_grad_ratio_ok" if ok else "ex_grad_ratio_hint"))


# --- 03 a GAN on 2D points ----------------------------------------------------------------------------------------


@exercise(reference=lambda: (1, 1.0), wrong=lambda: (8, 1.0))
def check_collapsed_coverage(answer: object) -> bool:
    """03: (modes hit, high-quality share) of a generator that puts every sample on one ring mode's centre."""
    ok = _holds(lambda a: len(a) == 2 and int(a[0]) == 1 and _near(a[1], 1.0), answer)
    return verdict(ok, msg("ex_collapse_ok" if ok else "ex_collapse_hint"))


@exercise(reference=lambda: 0.5, wrong=lambda: 1.0)
def check_heatmap_at_optimum(answer: object) -> bool:
    """03: the value the D heatmap shows everywhere once p_g = p_data and D is optimal: 1/2."""
    ok = _near(answer, 0.5)
    return verdict(ok, msg("ex_heatmap_ok" if ok else "ex_heatmap_hint"))


# --- 04 does it converge (the Dirac-GAN) --------------------------------------------------------------------------


@exercise(reference=lambda: (0.5j, -0.5j), wrong=lambda: (0.5, -0.5))
def check_dirac_eigenvalues(answer: object) -> bool:
    """04: eigenvalues of the unregularised Dirac-GAN Jacobian at (0, 0) with a BCE loss: +- i f'(0) = +- i/2."""
    def both_roots(a: object) -> bool:
        got = sorted((complex(v) for v in a), key=lambda c: (c.imag, c.real))
        return len(got) == 2 and all(abs(g - w) < 1e-3 for g, w in zip(got, (-0.5j, 0.5j), strict=True))

    ok = _holds(both_roots, answer)
    return verdict(ok, msg("ex_dirac_eig_ok" if ok else "ex_dirac_eig_hint"))


@exercise(reference=lambda: 1.0, wrong=lambda: 0.5)
def check_critical_gamma(answer: object) -> bool:
    """04: the R1 weight where the eigenvalues -gamma/2 +- sqrt(gamma^2/4 - f'(0)^2) meet: gamma = 2 f'(0) = 1."""
    ok = _near(answer, 1.0)
    return verdict(ok, msg("ex_gamma_ok" if ok else "ex_gamma_hint"))


# --- 05 a GAN on MNIST --------------------------------------------------------------------------------------------


D_WINS_OPTIONS = {  # what to change when D(x) -> 1, D(G(z)) -> 0 and the G loss keeps climbing
    "a": msg("ex_d_wins_a"),
    "b": msg("ex_d_wins_b"),
    "c": msg("ex_d_wins_c"),
    "d": msg("ex_d_wins_d"),
}


@exercise(reference=lambda: 300 * 1 + 200 * 5, wrong=lambda: 300 + 200)
def check_d_updates(answer: object) -> bool:
    """05: D updates in 300 generator steps with k = 1, then 200 with k = 5: sum of k over the steps = 1300."""
    value = _number(answer)
    ok = value is not None and value == 1300
    return verdict(ok, msg("ex_d_updates_ok" if ok else "ex_d_updates_hint"))


@exercise(reference=lambda: "b", wrong=lambda: "a")
def check_d_wins(answer: object) -> bool:
    """05: D is winning (D(x) -> 1, D(G(z)) -> 0, G loss climbing); the knob that slows D down is a lower lr_d."""
    ok = str(answer).strip().lower() in ("b", D_WINS_OPTIONS["b"].lower())
    return verdict(ok, msg("ex_d_wins_ok" if ok else "ex_d_wins_hint"))


# --- 06 DCGAN and speed -------------------------------------------------------------------------------------------


SYNC_CHOICES = ("loss.item()", "torch.randn(64, 100, device='cuda')", "optimizer.step()", "print(f'{loss:.3f}')")
HOST_SYNCS = {"loss.item()", "print(f'{loss:.3f}')"}  # the right answer: both read a GPU number on the host


def _loader_bound_reference():
    return lambda loader_ms, gpu_ms: 1000.0 / (loader_ms + gpu_ms)


def _loader_bound_wrong():
    return lambda loader_ms, gpu_ms: 1000.0 / gpu_ms  # forgets that the GPU waits for the next batch


@exercise(reference=_loader_bound_reference, wrong=_loader_bound_wrong)
def check_loader_bound(steps_per_second: Callable[[float, float], float]) -> bool:
    """06: ``steps_per_second(loader_ms, gpu_ms)``: the best a loop can do when each batch is prepared on the CPU
    (``loader_ms``) and only then computed on the GPU (``gpu_ms``), one after the other (workers=0)."""
    cases = [(10.0, 0.5), (6.0, 6.0), (0.1, 2.0)]
    if steps_per_second is None:  # the cell as stored: nothing written yet
        return verdict(False, msg("ex_loader_none"))
    try:
        got = [float(steps_per_second(a, b)) for a, b in cases]
    except Exception as err:  # a learner's function may raise: that is a wrong answer, not a crash
        return verdict(False, msg("ex_function_raised", kind=type(err).__name__, error=err))
    want = [1000.0 / (a + b) for a, b in cases]
    ok = all(abs(g - w) <= 1e-6 * w for g, w in zip(got, want))
    return verdict(ok, msg("ex_loader_ok", best=want[0]) if ok else msg("ex_loader_hint", got=got[0]))


@exercise(reference=lambda: set(HOST_SYNCS), wrong=lambda: {"optimizer.step()"})
def check_host_syncs(answer: set[str]) -> bool:
    """06: which of ``SYNC_CHOICES`` make the CPU wait for the GPU to finish? (A set of the chosen strings.)"""
    chosen = set(answer) if isinstance(answer, (set, list, tuple)) else {answer}
    unknown = chosen - set(SYNC_CHOICES)
    if unknown:
        return verdict(False, msg("ex_sync_unknown", unknown=sorted(map(str, unknown))))
    ok = chosen == HOST_SYNCS
    return verdict(ok, msg("ex_sync_ok" if ok else "ex_sync_hint"))


# --- 07 evaluating GANs -------------------------------------------------------------------------------------------


@exercise(reference=lambda: 27.0, wrong=lambda: 43.0)
def check_fd_gaussians(answer: object) -> bool:
    """07: Fréchet distance between N((0, 0), diag(1, 4)) and N((3, 4), diag(4, 1)): ||Δμ||² = 25 plus
    Σ(√a_i - √b_i)² = (1 - 2)² + (2 - 1)² = 2, so 27 (computed below with ge.metrics.frechet_distance)."""
    # sample sets whose sample mean and covariance are exactly the two Gaussians' (±1 patterns, scaled)
    signs = torch.tensor([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]], dtype=torch.float64)
    a = signs * torch.tensor([1.0, 2.0]) * (3 / 4) ** 0.5
    b = signs * torch.tensor([2.0, 1.0]) * (3 / 4) ** 0.5 + torch.tensor([3.0, 4.0])
    target = metrics.frechet_distance(a, b)
    ok = _near(answer, target)
    return verdict(ok, msg("ex_fd_ok" if ok else "ex_fd_hint"))


@exercise(reference=lambda: 5.0, wrong=lambda: 10.0)
def check_confidence_half_the_digits(answer: object) -> bool:
    """07: Inception-like score of a generator that draws only digits 0-4, equally often, each read with certainty:
    p(y) is uniform over 5 classes and every KL term is log 5, so exp(log 5) = 5 (ge.metrics.confidence)."""
    target = metrics.confidence(torch.eye(10)[[0, 1, 2, 3, 4] * 20])
    ok = _near(answer, target)
    return verdict(ok, msg("ex_conf_ok" if ok else "ex_conf_hint"))


@exercise(reference=lambda: "memorization", wrong=lambda: "fd")
def check_copy_detector(answer: object) -> bool:
    """07: the one metric of ge.metrics.evaluate that flags a "generator" replaying training digits: memorization
    (its FD sits at the real floor, its coverage is 10 and precision and recall are perfect)."""
    ok = str(answer).strip().lower() in ("memorization", "memorisation")
    return verdict(ok, msg("ex_copy_ok" if ok else "ex_copy_hint"))


@exercise(reference=lambda: ("high", "low"), wrong=lambda: ("low", "high"))
def check_one_class_pr(answer: object) -> bool:
    """07: (precision, recall) of a generator that draws only clean 1s: its samples lie on the real manifold
    (high precision) but reach only the 1s among the real digits (low recall)."""
    ok = _holds(lambda a: tuple(str(v).strip().lower() for v in a) == ("high", "low"), answer)
    return verdict(ok, msg("ex_one_class_pr_ok" if ok else "ex_one_class_pr_hint"))


# --- 08 divergences and the Wasserstein distance ------------------------------------------------------------------


@exercise(reference=lambda: 4.0 / 3.0, wrong=lambda: 0.0)
def check_w1_three_points(answer: object) -> bool:
    """08: W1 between the samples {0, 1, 5} and {1, 2, 3}: sorted, matched in order, mean |difference|
    = (1 + 1 + 2)/3 = 4/3 (the means are equal, so "difference of means" would wrongly say 0)."""
    ok = _near(answer, (abs(0 - 1) + abs(1 - 2) + abs(5 - 3)) / 3)
    return verdict(ok, msg("ex_wd_w1_ok" if ok else "ex_wd_w1_hint"))


@exercise(reference=lambda: math.log(2), wrong=lambda: math.inf)
def check_jsd_disjoint(answer: object) -> bool:
    """08: JSD between two densities with disjoint supports is log 2 (KL would be infinite)."""
    ok = _near(answer, math.log(2))
    return verdict(ok, msg("ex_wd_jsd_ok" if ok else "ex_wd_jsd_hint"))


@exercise(reference=lambda: 1.0, wrong=lambda: 0.75)
def check_hinge_optimum(answer: object) -> bool:
    """08: the optimal hinge score where p_data = 0.3 and p_g = 0.1 is sign(0.3 - 0.1) = 1."""
    ok = _near(answer, 1.0)
    return verdict(ok, msg("ex_wd_hinge_ok" if ok else "ex_wd_hinge_hint"))


# --- 09 stabilising training ---------------------------------------------------------------------------------------


@exercise(reference=lambda: 40.0, wrong=lambda: 4.0)
def check_gp_linear(answer: object) -> bool:
    """09: WGAN-GP penalty of a linear critic f(x) = w·x + b with ||w|| = 3 and λ = 10: λ(||w|| - 1)² = 40."""
    ok = _near(answer, 10.0 * (3.0 - 1.0) ** 2)
    return verdict(ok, msg("ex_gp_ok" if ok else "ex_gp_hint"))


@exercise(reference=lambda: 45.0, wrong=lambda: 90.0)
def check_r1_linear(answer: object) -> bool:
    """09: R1 penalty of the same linear critic (||w|| = 3) with γ = 10: γ/2 · ||w||² = 45."""
    ok = _near(answer, 10.0 / 2 * 3.0**2)
    return verdict(ok, msg("ex_r1_ok" if ok else "ex_r1_hint"))


@exercise(reference=lambda: 1.9, wrong=lambda: 2.0)
def check_ema_two_steps(answer: object) -> bool:
    """09: an EMA with β = 0.9 (no warm-up) starts at 0 and sees the weight 10 twice: 0.9·0 + 0.1·10 = 1, then
    0.9·1 + 0.1·10 = 1.9."""
    ok = _near(answer, 0.9 * (0.9 * 0.0 + 0.1 * 10.0) + 0.1 * 10.0)
    return verdict(ok, msg("ex_ema_ok" if ok else "ex_ema_hint"))


# --- 10 conditional GANs and the latent space ---------------------------------------------------------------------


@exercise(reference=lambda: math.sqrt(0.5), wrong=lambda: 1.0)
def check_lerp_midpoint_norm(answer: object) -> bool:
    """10: norm of the linear midpoint (a + b)/2 of two orthogonal unit vectors: √(1/4 + 1/4) = √½ ≈ 0.707
    (slerp's midpoint keeps norm 1)."""
    ok = _near(answer, math.sqrt(0.5))
    return verdict(ok, msg("ex_lerp_ok" if ok else "ex_lerp_hint"))
