"""ganedu.lessons.own_loop: the learner's own d_step/g_step beside the trainer's eager path. The reference and other
correct ways pass; every typical mistake gets its own hint; the unfilled skeleton is a plain "not yet"."""

from __future__ import annotations

import warnings

import pytest
import torch
import torch.nn.functional as F

from ganedu import losses
from ganedu.lessons import own_loop
from ganedu.messages import msg

CORRECT = msg("check_ok", detail="")
NOT_YET = msg("check_wrong", detail="")
D_REF, G_REF = own_loop.reference()


def _run(d_step, g_step, capsys) -> tuple[bool, str]:
    ok = own_loop.check(d_step, g_step)
    return ok, capsys.readouterr().out


# --- the setting is the trainer's: its draws, its losses -----------------------------------------------------------


def test_replayed_draws_are_the_trainers_first_batch_and_noise():
    # oracle: L_D of the trainer's first step, recomputed with ganedu.losses from the initial nets and the replay
    trainer = own_loop._trainer()
    trainer.step()
    G, D = own_loop._nets()
    real, z_d, z_g = own_loop.draws(1)[0]
    with torch.no_grad():
        want = losses.d_loss_bce(D(real), D(G(z_d))).item()
        other = losses.d_loss_bce(D(real), D(G(z_g))).item()  # G's noise in D's place: must not match
    assert trainer.history["d_loss"][0] == pytest.approx(want, abs=1e-6)
    assert abs(other - want) > 1e-4


def test_reference_loop_agrees_with_the_trainer_at_every_step():
    c = own_loop.compare(D_REF, G_REF)
    assert len(c.yours) == len(c.trainer) == own_loop.STEPS
    assert c.loss_gap < 1e-6 and c.weight_gap < 1e-6
    assert len({round(d, 6) for d, _ in c.trainer}) > 1  # the losses move: the comparison is not of constants


def test_reference_passes_and_prints_both_loops(capsys):
    ok, out = _run(D_REF, G_REF, capsys)
    assert ok is True and out.startswith(CORRECT.strip())
    assert msg("own_loop_table_header") in out
    assert len(out.strip().splitlines()) == 2 + own_loop.STEPS  # verdict, header, one row per step


# --- other correct ways pass ---------------------------------------------------------------------------------------


def d_bce_no_grad(G, D, opt_g, opt_d, real, z):
    opt_d.zero_grad(set_to_none=False)
    with torch.no_grad():
        fake = G(z)
    r, f = D(real), D(fake)
    loss = F.binary_cross_entropy_with_logits(r, torch.ones_like(r)) + \
        F.binary_cross_entropy_with_logits(f, torch.zeros_like(f))
    loss.backward()
    opt_d.step()
    return loss.detach()  # a 0-dim tensor is a number too


def g_library_loss(G, D, opt_g, opt_d, real, z):
    G.zero_grad()
    loss = losses.g_loss_nonsaturating(D(G(z)))
    loss.backward()
    opt_g.step()
    return loss.item()


def test_other_correct_ways_pass(capsys):
    ok, out = _run(d_bce_no_grad, g_library_loss, capsys)
    assert ok is True, out


def test_returning_the_loss_tensor_itself_passes_without_a_warning(capsys):
    def g_step(G, D, opt_g, opt_d, real, z):
        opt_g.zero_grad()
        loss = L_G(G, D, real, z)
        loss.backward()
        opt_g.step()
        return loss  # a tensor that still requires grad: float() of it alone would warn

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ok, out = _run(D_REF, g_step, capsys)
    assert ok is True, out


# --- every mistake has its own hint --------------------------------------------------------------------------------


def _update(player, loss_of, zero=True, opts=None):
    """An update built from parts, for ``player`` "d" or "g": ``loss_of(G, D, real, z)``, whether it zeroes that
    player's gradients first, and which optimisers it steps (default: the player's own)."""
    def update(G, D, opt_g, opt_d, real, z):
        if zero:
            (opt_g if player == "g" else opt_d).zero_grad()
        loss = loss_of(G, D, real, z)
        loss.backward()
        for name in player if opts is None else opts:
            (opt_g if name == "g" else opt_d).step()
        return loss.item()
    return update


def _d(loss_of, zero=True, opts=None):
    return _update("d", loss_of, zero, opts)


def _g(loss_of, zero=True, opts=None):
    return _update("g", loss_of, zero, opts)


L_D = lambda G, D, real, z: F.softplus(-D(real)).mean() + F.softplus(D(G(z).detach())).mean()  # noqa: E731
L_G = lambda G, D, real, z: F.softplus(-D(G(z))).mean()  # noqa: E731

MISTAKES = {  # hint key -> (d_step, g_step) with exactly that mistake
    "own_loop_d_sign": (_d(lambda *a: -L_D(*a)), G_REF),
    "own_loop_d_swapped": (_d(lambda G, D, r, z: F.softplus(D(r)).mean() + F.softplus(-D(G(z).detach())).mean()),
                           G_REF),
    "own_loop_d_detach": (_d(lambda G, D, r, z: F.softplus(-D(r)).mean() + F.softplus(D(G(z))).mean()), G_REF),
    "own_loop_d_g_loss": (_d(lambda G, D, r, z: F.softplus(-D(G(z).detach())).mean()), G_REF),
    "own_loop_d_zero_grad": (_d(L_D, zero=False), G_REF),
    "own_loop_d_wrong_optimiser": (_d(L_D, opts="g"), G_REF),
    "own_loop_d_moves_g": (_d(lambda G, D, r, z: F.softplus(-D(r)).mean() + F.softplus(D(G(z))).mean(), opts="dg"),
                           G_REF),
    "own_loop_g_sign": (D_REF, _g(lambda *a: -L_G(*a))),
    "own_loop_g_minimax": (D_REF, _g(lambda G, D, r, z: -F.softplus(D(G(z))).mean())),  # E[log(1 - D(G(z)))]
    "own_loop_g_zero_grad": (D_REF, _g(L_G, zero=False)),
    "own_loop_g_wrong_optimiser": (D_REF, _g(L_G, opts="d")),
    "own_loop_g_moves_d": (D_REF, _g(L_G, opts="gd")),  # D stepped on the generator loss
    "own_loop_g_real": (D_REF, _g(lambda G, D, r, z: F.softplus(-D(r)).mean())),
    "own_loop_g_unchanged": (D_REF, _g(L_G, opts="")),
    "own_loop_d_unchanged": (_d(L_D, opts=""), G_REF),  # forgot opt_d.step()
}


@pytest.mark.parametrize("key", sorted(MISTAKES))
def test_each_mistake_gets_its_own_hint(key, capsys):
    d_step, g_step = MISTAKES[key]
    ok, out = _run(d_step, g_step, capsys)
    assert ok is False
    assert out.strip() == (NOT_YET + msg(key)).strip()


def test_the_hints_are_all_different():
    texts = [msg(k) for k in MISTAKES]
    assert len(set(texts)) == len(texts)


def test_minimax_and_the_wrong_sign_are_told_apart_by_value():
    # the two wrong G losses differ at the probe's state by the mean logit, far above the tolerance
    G, D = own_loop._nets()
    _, _, z = own_loop.draws(1)[0]
    with torch.no_grad():
        f = D(G(z))
    assert abs(float(-F.softplus(f).mean()) - float(-F.softplus(-f).mean())) > 100 * own_loop.LOSS_TOL


# --- unfinished, broken and sneaky answers -------------------------------------------------------------------------


def skeleton(G, D, opt_g, opt_d, real, z):
    raise NotImplementedError


def test_the_skeleton_and_none_are_not_yet(capsys):
    ok, out = _run(skeleton, skeleton, capsys)
    assert ok is False and out.strip() == (NOT_YET + msg("own_loop_not_yet", name="d_step")).strip()
    ok, out = _run(D_REF, skeleton, capsys)
    assert ok is False and "g_step" in out and "NotImplementedError" in out
    ok, out = _run(None, G_REF, capsys)
    assert ok is False and out.strip() == (NOT_YET + msg("own_loop_missing", name="d_step")).strip()


def test_a_function_that_raises_or_returns_no_number_gets_a_hint(capsys):
    def broken(G, D, opt_g, opt_d, real, z):
        raise ZeroDivisionError("oops")

    ok, out = _run(broken, G_REF, capsys)
    assert ok is False and "ZeroDivisionError" in out and "oops" in out
    ok, out = _run(lambda *args: None, G_REF, capsys)
    assert ok is False and out.strip() == (NOT_YET + msg("own_loop_not_a_number", name="d_step",
                                                         kind="NoneType")).strip()


def test_a_step_on_a_network_of_the_notebook_is_caught(capsys):
    G_nb, D_nb = own_loop._nets()  # the learner's own globals, not the ones passed in
    opt_nb = torch.optim.Adam(D_nb.parameters(), lr=2e-4, betas=(0.5, 0.999))

    def d_step(G, D, opt_g, opt_d, real, z):
        return D_REF(G_nb, D_nb, None, opt_nb, real, z)

    ok, out = _run(d_step, G_REF, capsys)
    assert ok is False and out.strip() == (NOT_YET + msg("own_loop_d_unchanged")).strip()


def test_a_loop_that_drifts_after_its_first_steps_is_caught(capsys):
    calls = []

    def d_step(G, D, opt_g, opt_d, real, z):  # right twice, then a different learning rate
        calls.append(1)
        if len(calls) > 2:
            for group in opt_d.param_groups:
                group["lr"] = 1e-2
        return D_REF(G, D, opt_g, opt_d, real, z)

    ok, out = _run(d_step, G_REF, capsys)
    assert ok is False
    assert out.startswith(NOT_YET + msg("own_loop_drift", steps=own_loop.STEPS, step=3)[:40])
    assert msg("own_loop_table_header") in out
