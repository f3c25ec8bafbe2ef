"""Write Algorithm 1 yourself (notebook 05): a checker for a learner's own ``d_step`` and ``g_step``.

The learner writes the two updates of Algorithm 1 (Goodfellow et al. 2014) in plain PyTorch, with the signatures

    d_step(G, D, opt_g, opt_d, real, z) -> L_D as a float     (one discriminator update)
    g_step(G, D, opt_g, opt_d, real, z) -> L_G as a float     (one generator update)

Both get the same arguments, everything a training loop has in scope: deciding which of them an update may use is
part of the exercise. :func:`check` then

1. runs each function once from a fixed state on tiny networks, beside the reference update from the same state,
   with stale gradients left on every parameter (as a previous update leaves them), and names the first mistake it
   recognises from what the call did: which network moved, which gradients it left, which loss it returned;
2. runs the learner's loop for ``STEPS`` steps beside ``ge.Trainer``'s eager path (``fast=False``): same networks,
   same optimisers (the trainer's own Adam objects), same real batches and noise (the trainer's random draws,
   replayed from its seed), and compares the losses of every step and the weights at the end.

The generator loss is the trainer's default, the non-saturating L_G = -E_z[log D(G(z))] (``losses.G_LOSSES``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from .. import losses, models
from ..config import seeded
from ..messages import msg
from ..train import TrainConfig, Trainer
from .exercises import verdict

SEED = 0  # seeds the tiny networks, the data and the trainer's draws
STEPS = 5  # loop steps compared with the trainer: enough for optimiser state and forgotten zero_grads to show
BATCH = 16  # minibatch m; small, so the whole check takes a fraction of a second on a CPU
LATENT = 4  # noise dimension of the tiny generator
POINTS = 256  # size of the 2D data set
STALE = 0.1  # scale of the stale gradients left on every parameter before a probe (a real loop leaves some)
LOSS_TOL = 1e-5  # losses agree to float32 rounding (the trainer runs D once on real and fake together)
PARAM_TOL = 1e-6  # weights after one update agree to float32 rounding (an Adam step moves a weight by ~2e-4)

StepFn = Callable[[nn.Module, nn.Module, torch.optim.Optimizer, torch.optim.Optimizer, Tensor, Tensor], object]


# --- the reference solution ----------------------------------------------------------------------------------------


def _d_step(G: nn.Module, D: nn.Module, opt_g, opt_d, real: Tensor, z: Tensor) -> float:
    opt_d.zero_grad()
    fake = G(z).detach()  # G's samples as plain data: no gradient flows back into G
    loss = losses.d_loss_bce(D(real), D(fake))  # -mean log D(x) - mean log(1 - D(G(z))), as the trainer
    loss.backward()
    opt_d.step()
    return loss.item()


def _g_step(G: nn.Module, D: nn.Module, opt_g, opt_d, real: Tensor, z: Tensor) -> float:
    opt_g.zero_grad()
    loss = losses.g_loss_nonsaturating(D(G(z)))  # -mean log D(G(z)), the non-saturating loss
    loss.backward()  # fills D's gradients too; only opt_g steps, and opt_d.zero_grad() clears them later
    opt_g.step()
    return loss.item()


def reference() -> tuple[StepFn, StepFn]:
    """The reference ``(d_step, g_step)``, to see what :func:`check` prints for a loop that agrees."""
    return _d_step, _g_step


# --- the setting: tiny networks, 2D data, the trainer's draws ------------------------------------------------------


def _nets() -> tuple[nn.Module, nn.Module]:
    """The tiny pair, the same every call: G 4 -> 16 -> 16 -> 2, D 2 -> 16 -> 1 (no BatchNorm)."""
    with seeded(SEED):
        G = models.MLPGenerator(latent_dim=LATENT, hidden=(16, 16), out_shape=(2,), batchnorm=False, tanh=False)
        D = models.MLPDiscriminator(in_shape=(2,), hidden=(16,))
    return G, D


def _data() -> Tensor:
    """POINTS 2D points (POINTS, 2) from one Gaussian blob around (1, -1)."""
    gen = torch.Generator().manual_seed(SEED)
    return torch.randn(POINTS, 2, generator=gen) * 0.3 + torch.tensor([1.0, -1.0])


def _trainer() -> Trainer:
    """A trainer on the eager path: float learning rates and PyTorch's default Adam, as a plain loop has."""
    G, D = _nets()
    return Trainer(G, D, _data(), TrainConfig(batch_size=BATCH, seed=SEED, device="cpu", fast=False))


def draws(steps: int = STEPS) -> list[tuple[Tensor, Tensor, Tensor]]:
    """The trainer's random draws, replayed: per step (real batch (B, 2), D's noise (B, 4), G's noise (B, 4)).

    The trainer draws from its own generator seeded with ``config.seed``, in this order per step with k = 1: the
    batch indices, D's noise, G's noise (``Trainer._batch``, ``Trainer._noise``). tests/test_own_loop.py checks
    the replay against the trainer's recorded losses.
    """
    data, gen = _data(), torch.Generator().manual_seed(SEED)
    out = []
    for _ in range(steps):
        idx = torch.randint(0, len(data), (BATCH,), generator=gen)
        z_d = torch.randn(BATCH, LATENT, generator=gen)
        z_g = torch.randn(BATCH, LATENT, generator=gen)
        out.append((data[idx], z_d, z_g))
    return out


# --- calling a learner's function ----------------------------------------------------------------------------------


class _Verdict(Exception):
    """Carries the hint for the first problem found, out of the probing code."""


def _call(fn: StepFn, name: str, trainer: Trainer, real: Tensor, z: Tensor) -> float:
    """``fn`` on the trainer's networks and optimisers; its loss as a float. A failure becomes a _Verdict."""
    try:
        out = fn(trainer.G, trainer.D, trainer.opt_g, trainer.opt_d, real, z)
    except NotImplementedError:  # the skeleton as stored in the notebook
        raise _Verdict(msg("own_loop_not_yet", name=name)) from None
    except Exception as err:  # a learner's function may raise anything: a hint, not a crash
        raise _Verdict(msg("own_loop_raised", name=name, kind=type(err).__name__, error=err)) from None
    try:
        return float(out.detach() if isinstance(out, Tensor) else out)  # detach: no warning for a loss with grad
    except Exception:  # None, a tuple, a tensor of many numbers
        raise _Verdict(msg("own_loop_not_a_number", name=name, kind=type(out).__name__)) from None


def _params(net: nn.Module) -> list[Tensor]:
    return [p.detach().clone() for p in net.parameters()]


def _stale(net: nn.Module, seed: int) -> list[Tensor]:
    """Leave a seeded stale gradient (STALE * N(0, 1)) on every parameter of ``net``; returns copies of them."""
    gen = torch.Generator().manual_seed(seed)
    for p in net.parameters():
        p.grad = torch.randn(p.shape, generator=gen) * STALE
    return [p.grad.clone() for p in net.parameters()]


def _same(a: list[Tensor], b: list[Tensor], tol: float = PARAM_TOL) -> bool:
    return all(torch.allclose(x, y, rtol=0.0, atol=tol) for x, y in zip(a, b))


def _grads(net: nn.Module) -> list[Tensor] | None:
    """The gradients left on ``net``'s parameters, or None when any was cleared (None)."""
    grads = [p.grad for p in net.parameters()]
    return None if any(g is None for g in grads) else [g.detach().clone() for g in grads]


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= LOSS_TOL * max(1.0, abs(b))


@dataclass
class _Probe:
    """What one call did, from the fixed state with stale gradients: its loss, the weights and gradients after."""

    loss: float
    g_moved: bool  # some weight of G changed
    d_moved: bool  # some weight of D changed
    g_after: list[Tensor]
    d_after: list[Tensor]
    g_grads: list[Tensor] | None
    d_grads: list[Tensor] | None
    g_stale: list[Tensor]
    d_stale: list[Tensor]


def _probe(fn: StepFn, name: str, real: Tensor, z: Tensor) -> _Probe:
    trainer = _trainer()  # the initial state, with the trainer's own (fresh) Adam optimisers
    g_stale, d_stale = _stale(trainer.G, SEED + 1), _stale(trainer.D, SEED + 2)
    g0, d0 = _params(trainer.G), _params(trainer.D)
    loss = _call(fn, name, trainer, real, z)
    g1, d1 = _params(trainer.G), _params(trainer.D)
    moved = lambda before, after: not all(torch.equal(x, y) for x, y in zip(before, after))  # noqa: E731
    return _Probe(loss, moved(g0, g1), moved(d0, d1), g1, d1, _grads(trainer.G), _grads(trainer.D), g_stale, d_stale)


def _gradient(loss_of: Callable[[nn.Module, nn.Module], Tensor], net: str) -> list[Tensor]:
    """d(loss)/d(weights of ``net``) ("G" or "D") at the initial state, by autograd."""
    G, D = _nets()
    loss = loss_of(G, D)
    return [g.detach() for g in torch.autograd.grad(loss, list((G if net == "G" else D).parameters()))]


def _plus(a: list[Tensor], b: list[Tensor], sign: float = 1.0) -> list[Tensor]:
    return [x + sign * y for x, y in zip(a, b)]


def _grad_hint(grads: list[Tensor] | None, stale: list[Tensor], right: list[Tensor], prefix: str) -> str:
    """Why the update differs although the returned loss is right, read from the gradients left behind."""
    if grads is not None:
        tol = 1e-5
        if _same(grads, _plus(stale, right), tol):
            return msg(f"own_loop_{prefix}_zero_grad")
        if _same(grads, [-g for g in right], tol) or _same(grads, _plus(stale, right, -1.0), tol):
            return msg(f"own_loop_{prefix}_sign")
    return msg(f"own_loop_{prefix}_update")


# --- diagnosing each update ----------------------------------------------------------------------------------------


def _diagnose_d(d_step: StepFn) -> None:
    real, z, _ = draws(1)[0]
    mine, ref = _probe(d_step, "d_step", real, z), _probe(_d_step, "d_step", real, z)
    if mine.g_moved:
        raise _Verdict(msg("own_loop_d_wrong_optimiser" if not mine.d_moved else "own_loop_d_moves_g"))
    if not mine.d_moved:
        raise _Verdict(msg("own_loop_d_unchanged"))
    if mine.g_grads is not None and not _same(mine.g_grads, mine.g_stale, 0.0) \
            and any(bool(g.abs().sum() > 0) for g in mine.g_grads):
        raise _Verdict(msg("own_loop_d_detach"))
    G, D = _nets()
    with torch.no_grad():
        r, f = D(real), D(G(z))
    wrong = {  # what a loss that is not L_D may be
        "own_loop_d_sign": -ref.loss,
        "own_loop_d_swapped": float(losses.d_loss_bce(f, r)),  # real and fake terms exchanged
        "own_loop_d_g_loss": float(losses.g_loss_nonsaturating(f)),
    }
    if not _close(mine.loss, ref.loss):
        key = next((k for k, v in wrong.items() if _close(mine.loss, v)), None)
        raise _Verdict(msg(key) if key else msg("own_loop_d_loss", got=mine.loss, want=ref.loss))
    if not _same(mine.d_after, ref.d_after):
        right = _gradient(lambda G, D: losses.d_loss_bce(D(real), D(G(z).detach())), "D")
        raise _Verdict(_grad_hint(mine.d_grads, mine.d_stale, right, "d"))


def _diagnose_g(g_step: StepFn) -> None:
    (real, _, z), (other_real, _, _) = draws(2)
    mine, ref = _probe(g_step, "g_step", real, z), _probe(_g_step, "g_step", real, z)
    if mine.d_moved:
        raise _Verdict(msg("own_loop_g_wrong_optimiser" if not mine.g_moved else "own_loop_g_moves_d"))
    other = _probe(g_step, "g_step", other_real, z)  # same state and noise, another real batch
    if other.loss != mine.loss or not _same(other.g_after, mine.g_after, 0.0):
        raise _Verdict(msg("own_loop_g_real"))
    if not mine.g_moved:
        raise _Verdict(msg("own_loop_g_unchanged"))
    G, D = _nets()
    with torch.no_grad():
        f = D(G(z))
    minimax = float(losses.g_loss_minimax(f))  # E[log(1 - D(G(z)))]
    wrong = {"own_loop_g_minimax": minimax, "own_loop_g_sign": -ref.loss}
    if not _close(mine.loss, ref.loss):
        key = next((k for k, v in wrong.items() if _close(mine.loss, v)), None)
        if key is None and _close(mine.loss, -minimax):
            key = "own_loop_g_sign"  # -E[log(1 - D(G(z)))]: the minimax loss, climbed instead of descended
        raise _Verdict(msg(key) if key else msg("own_loop_g_loss", got=mine.loss, want=ref.loss))
    if not _same(mine.g_after, ref.g_after):
        right = _gradient(lambda G, D: losses.g_loss_nonsaturating(D(G(z))), "G")
        raise _Verdict(_grad_hint(mine.g_grads, mine.g_stale, right, "g"))


# --- the loop beside the trainer -----------------------------------------------------------------------------------


@dataclass
class Comparison:
    """The learner's loop beside the trainer's eager path: losses per step, and the largest gaps."""

    yours: list[tuple[float, float]]  # (L_D, L_G) per step, as the learner's functions returned them
    trainer: list[tuple[float, float]]  # (d_loss, g_loss) per step, from trainer.history
    loss_gap: float  # largest |difference| of a loss over all steps
    weight_gap: float  # largest |difference| of a weight of G or D after the last step


def compare(d_step: StepFn, g_step: StepFn, steps: int = STEPS) -> Comparison:
    """Run ``steps`` steps of the learner's loop and of ``ge.Trainer``'s eager path from the same start."""
    trainer, yours = _trainer(), _trainer()
    rows = []
    for real, z_d, z_g in draws(steps):
        rows.append((_call(d_step, "d_step", yours, real, z_d), _call(g_step, "g_step", yours, real, z_g)))
    for _ in range(steps):
        trainer.step()
    ref = list(zip(trainer.history["d_loss"], trainer.history["g_loss"]))
    loss_gap = max(abs(a - b) for mine, theirs in zip(rows, ref) for a, b in zip(mine, theirs))
    weight_gap = max(float((a - b).abs().max()) for a, b in zip(
        [*_params(yours.G), *_params(yours.D)], [*_params(trainer.G), *_params(trainer.D)]))
    return Comparison(rows, ref, loss_gap, weight_gap)


def _table(c: Comparison) -> str:
    lines = [msg("own_loop_table_header")]
    lines += [msg("own_loop_table_row", step=i + 1, d_yours=a[0], d_trainer=b[0], g_yours=a[1], g_trainer=b[1])
              for i, (a, b) in enumerate(zip(c.yours, c.trainer))]
    return "\n".join(lines)


def check(d_step: StepFn | None, g_step: StepFn | None) -> bool:
    """Whether the learner's ``d_step`` and ``g_step`` compute Algorithm 1's updates as ``ge.Trainer`` does.

    Prints "Correct!" and the losses of both loops side by side, or "Not yet:" and a hint that names the first
    mistake found (the unfilled skeleton gets a plain "not yet").
    """
    try:
        for name, fn in (("d_step", d_step), ("g_step", g_step)):
            if fn is None:
                raise _Verdict(msg("own_loop_missing", name=name))
        _diagnose_d(d_step)
        _diagnose_g(g_step)
        result = compare(d_step, g_step)
    except _Verdict as hint:
        return verdict(False, str(hint))
    step = next((i + 1 for i, (a, b) in enumerate(zip(result.yours, result.trainer))
                 if not all(_close(x, y) for x, y in zip(a, b))), None)
    if step is not None or result.weight_gap > 10 * PARAM_TOL:
        verdict(False, msg("own_loop_drift", steps=STEPS, step=step or STEPS))
        print(_table(result))
        return False
    verdict(True, msg("own_loop_ok", steps=STEPS, loss_gap=result.loss_gap, weight_gap=result.weight_gap))
    print(_table(result))
    return True
