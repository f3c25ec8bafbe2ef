"""The trainer at tiny size: Algorithm 1's counts, live knobs, repeatability, eager == fast, stop, NaN recovery."""

import copy
import math
import threading
import warnings
from types import SimpleNamespace

import pytest
import torch

from ganedu import models
from ganedu import train as train_module
from ganedu.train import COLUMNS, K_MAX, History, TrainConfig, Trainer, every


def tiny_pair(seed=0):
    torch.manual_seed(seed)
    G = models.MLPGenerator(latent_dim=4, hidden=(16, 16), out_shape=(2,), batchnorm=True, tanh=False)
    D = models.MLPDiscriminator(in_shape=(2,), hidden=(16,))
    return G, D


def points(n=256, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 2, generator=g) * 0.3 + torch.tensor([1.0, -1.0])


def make(seed=0, **cfg):
    G, D = tiny_pair(seed)
    cfg.setdefault("device", "cpu")
    cfg.setdefault("batch_size", 16)
    return Trainer(G, D, points(), TrainConfig(seed=seed, **cfg))


def adam_steps(opt):
    return {int(st["step"]) for st in opt.state.values()}


@pytest.mark.parametrize("k", [1, 3])
def test_algorithm_1_counts(k):
    t = make(k=k)
    t.train(5)
    assert adam_steps(t.opt_d) == {5 * k}  # k discriminator updates per generator step
    assert adam_steps(t.opt_g) == {5}
    assert len(t.history) == 5 and t.history["k"] == [k] * 5


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_bad_k(bad):
    t = make()
    with pytest.raises(ValueError, match="k .* must be a whole number >= 1"):
        t.k = bad
    with pytest.raises(ValueError):
        make(k=bad)


@pytest.mark.parametrize("bad", [0, -1e-3, float("nan"), float("inf"), "fast", None])
def test_bad_lr(bad):
    t = make()
    with pytest.raises(ValueError, match="lr_d must be a positive finite number"):
        t.lr_d = bad
    with pytest.raises(ValueError, match="lr_g"):
        t.lr_g = bad


def test_bad_loss_and_data():
    t = make()
    with pytest.raises(ValueError, match="unknown generator loss 'wgan'.*nonsaturating"):
        t.loss = "wgan"
    G, D = tiny_pair()
    with pytest.raises(ValueError, match="data must be a tensor"):
        Trainer(G, D, torch.zeros(0, 2), TrainConfig(device="cpu"))


@pytest.mark.parametrize("fast", [False, True])
def test_knob_changes_show_at_next_step(fast):
    t = make(fast=fast)

    def turn_knobs(tr):
        if tr.step_count == 3:
            tr.k, tr.lr_d, tr.lr_g, tr.loss = 2, 1e-3, 5e-4, "minimax"

    t.train(5, callbacks=[turn_knobs])
    h = t.history
    assert h["k"] == [1, 1, 1, 2, 2]
    assert h["lr_d"][3:] == [1e-3, 1e-3] and h["lr_g"][2] == 2e-4
    assert h["loss"] == ["nonsaturating"] * 3 + ["minimax"] * 2
    lr = t.opt_d.param_groups[0]["lr"]
    assert float(lr) == pytest.approx(1e-3)  # reached the optimizer (a tensor updated in place on the fast path)
    assert adam_steps(t.opt_d) == {3 + 2 * 2}


def test_knob_set_from_another_thread_is_seen():
    t = make()
    t.train(2)
    th = threading.Thread(target=lambda: setattr(t, "k", 4))
    th.start()
    th.join()
    t.train(1)
    assert t.history["k"][-1] == 4


def test_cpu_runs_repeat_bit_for_bit():
    a, b = make(seed=3), make(seed=3)
    a.train(20)
    b.train(20)
    for col in ("d_loss", "g_loss", "d_real", "d_fake"):
        assert a.history[col] == b.history[col]
    assert torch.equal(a.samples(), b.samples())
    c = make(seed=4)
    c.train(20)
    assert c.history["g_loss"] != a.history["g_loss"]


def test_eager_and_fast_paths_compute_the_same_losses():
    eager, fast = make(fast=False), make(fast=True)
    assert not eager.fast and fast.fast and not fast.graphs
    eager.train(10)
    fast.train(10)
    for col in ("d_loss", "g_loss", "d_real", "d_fake"):
        e, f = eager.history[col], fast.history[col]
        assert e[0] == pytest.approx(f[0], abs=1e-6)  # first step: same batch, same weights
        assert e == pytest.approx(f, abs=1e-4)  # fused vs foreach Adam differ only by rounding


def test_history_rows_and_recorded_values():
    t = make(sync_every=4)
    for _ in range(6):
        t.step()
    assert len(t._history) == 4  # two rows still on the device ...
    h = t.history  # ... until reading history flushes them
    assert len(h) == 6 and list(h.rows[0]) != [] and set(h.rows[0]) == set(COLUMNS)
    assert h["step"] == list(range(1, 7))
    assert all(0 < v < 1 for v in h["d_real"] + h["d_fake"])
    assert all(t2 >= t1 for t1, t2 in zip(h["time"], h["time"][1:]))
    assert History.from_dict(h.to_dict()).rows == h.rows


def test_recorded_losses_match_a_recomputation():
    # the last D step's loss is recorded: recompute it from the same batch with the pre-update weights
    t = make()
    d_before = {k: v.clone() for k, v in t.D.state_dict().items()}
    g_before = {k: v.clone() for k, v in t.G.state_dict().items()}
    rng = t._gen.get_state()
    t.train(1)
    G, D = tiny_pair()
    G.load_state_dict(g_before)
    D.load_state_dict(d_before)
    gen = torch.Generator().set_state(rng)
    idx = torch.randint(0, len(t.data), (16,), generator=gen)
    z = torch.randn(16, 4, generator=gen)
    with torch.no_grad():
        fake = G(z)  # G in train mode, as in the trainer
        from ganedu.losses import d_loss_bce

        want = d_loss_bce(D(t.data[idx]), D(fake)).item()
    assert t.history["d_loss"][0] == pytest.approx(want, rel=1e-5)


def test_g_step_leaves_discriminator_weights_alone():
    t = make()
    before = [p.clone() for p in t.D.parameters()]
    t.g_step()
    assert all(torch.equal(a, b) for a, b in zip(before, t.D.parameters()))
    assert all(p.grad is None for p in t.D.parameters())
    g_before = [p.clone() for p in t.G.parameters()]
    t.d_step()
    assert all(torch.equal(a, b) for a, b in zip(g_before, t.G.parameters()))


def test_stop_request_halts_within_one_step():
    t = make()
    t.train(100, callbacks=[lambda tr: tr.request_stop() if tr.step_count == 7 else None])
    assert t.step_count == 7


def test_stop_from_another_thread():
    t = make()
    started = threading.Event()
    th = threading.Thread(target=lambda: t.train(10**7, callbacks=[lambda tr: started.set()]))
    th.start()
    assert started.wait(10)
    t.request_stop()
    th.join(timeout=10)
    assert not th.is_alive() and 0 < t.step_count < 10**7


def test_max_seconds_bounds_training():
    t = make()
    t.train(max_seconds=0.3)
    assert t.step_count > 0 and len(t.history) == t.step_count
    with pytest.raises(ValueError, match="max_seconds"):
        t.train(max_seconds=-1)
    with pytest.raises(ValueError, match="steps"):
        t.train(0)


def test_every_callback():
    seen = []
    t = make()
    t.train(7, callbacks=[every(3, lambda tr: seen.append(tr.step_count))])
    assert seen == [3, 6]


def test_nonfinite_loss_pauses_and_restores_last_good_state():
    calls = {"n": 0}
    from ganedu.losses import d_loss_bce

    def poisoned(real, fake):  # becomes NaN on its 30th call
        calls["n"] += 1
        out = d_loss_bce(real, fake)
        return out * float("nan") if calls["n"] >= 30 else out

    G, D = tiny_pair()
    t = Trainer(G, D, points(), TrainConfig(device="cpu", batch_size=16, sync_every=5, snapshot_every=10),
                d_loss=poisoned)
    weights_at = {}
    t.train(100, callbacks=[lambda tr: weights_at.__setitem__(tr.step_count, [p.clone() for p in tr.G.parameters()])])
    assert t.status and "discriminator loss became nan" in t.status and "restored to step 20" in t.status
    assert t.step_count == 20 and len(t.history) == 20
    assert all(math.isfinite(v) for v in t.history["d_loss"])
    assert all(torch.equal(a, b) for a, b in zip(weights_at[20], t.G.parameters()))


def test_samples_fixed_noise_eval_mode():
    t = make(n_samples=9)
    s1, s2 = t.samples(), t.samples()
    assert s1.shape == (9, 2) and torch.equal(s1, s2) and t.G.training
    assert t.samples(4).shape == (4, 2)
    assert t.generate(5).shape == (5, 2)


def test_reset_returns_to_the_start():
    t = make()
    first = [p.clone() for p in t.G.parameters()]
    t.train(5)
    h1 = t.history["g_loss"]
    t.reset()
    assert len(t.history) == 0 and t.step_count == 0
    assert all(torch.equal(a, b) for a, b in zip(first, t.G.parameters()))
    t.train(5)
    assert t.history["g_loss"] == pytest.approx(h1, abs=1e-6)


def test_state_dict_round_trip_continues_the_same_run():
    a = make(seed=5)
    a.train(8)
    b = make(seed=9)
    b.load_state_dict(a.state_dict())
    a.train(6)
    b.train(6)
    assert a.history["g_loss"] == b.history["g_loss"] and b.step_count == 14


def test_joint_discriminator_pass_equals_separate_passes():
    # without BatchNorm in D, one pass over cat(real, fake) gives the same loss as two passes
    joint, separate = make(), make()
    assert joint._joint_d
    separate._joint_d = False
    joint.train(3)
    separate.train(3)
    assert joint.history["d_loss"] == pytest.approx(separate.history["d_loss"], abs=1e-6)
    G = models.MLPGenerator(latent_dim=4, hidden=(8,), out_shape=(1, 28, 28))
    _, D = models.build("dcgan")
    assert not Trainer(G, D, torch.zeros(4, 1, 28, 28), TrainConfig(device="cpu"))._joint_d


def test_d_penalty_is_added_to_the_discriminator_loss():
    plain, penalised = make(), make()
    penalised.d_penalty = lambda critic, real, fake: torch.tensor(0.25)
    plain.train(1)
    penalised.train(1)
    assert penalised.history["d_loss"][0] == pytest.approx(plain.history["d_loss"][0] + 0.25, abs=1e-6)


def test_d_penalty_gets_a_differentiable_critic():
    seen = {}

    def r1(critic, real, fake):  # R1-style: squared gradient norm of the critic at real points
        real = real.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(critic(real).sum(), real, create_graph=True)
        seen["shape"] = grad.shape
        return grad.pow(2).sum(1).mean()

    t = make()
    t.d_penalty = r1
    t.train(2)
    assert seen["shape"] == (16, 2) and all(math.isfinite(v) for v in t.history["d_loss"])


class CondG(torch.nn.Module):
    latent_dim = 3

    def __init__(self):
        super().__init__()
        self.embed, self.lin = torch.nn.Embedding(4, 2), torch.nn.Linear(3, 2)

    def forward(self, z, y):
        return self.lin(z) + self.embed(y)


class CondD(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed, self.lin, self.seen = torch.nn.Embedding(4, 2), torch.nn.Linear(2, 1), []

    def forward(self, x, y):
        self.seen.append(y.detach().clone())
        return self.lin(x * self.embed(y))


def test_conditional_training_passes_labels_to_both_players():
    data = torch.randn(40, 2)
    labels = torch.arange(40) % 4
    t = Trainer(CondG(), CondD(), data, TrainConfig(device="cpu", batch_size=8, n_samples=8), labels=labels)
    t.train(3)
    assert t.num_classes == 4 and len(t.history) == 3
    ys = torch.cat(t.D.seen)
    assert ys.min() >= 0 and ys.max() <= 3 and len(ys) >= 3 * 16
    assert t.samples().shape == (8, 2)
    a, b = t.samples(noise=torch.zeros(2, 3), labels=torch.tensor([0, 1])), t.samples(noise=torch.zeros(2, 3),
                                                                                       labels=torch.tensor([1, 1]))
    assert not torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])  # the label changes the output
    assert t.generate(5).shape == (5, 2)
    with pytest.raises(ValueError, match="labels must have shape"):
        Trainer(CondG(), CondD(), data, TrainConfig(device="cpu"), labels=labels[:5])


# ----- nothing lost: consistent checkpoints ---------------------------------------------------------------------------
def same_state(a, b):
    """Two state dicts (nested dicts/lists of tensors and numbers) hold equal values."""
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and torch.equal(a, b)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_state(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_state(x, y) for x, y in zip(a, b))
    return a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))


def test_state_dict_is_a_copy_that_training_does_not_change():
    t = make()
    t.train(3)
    sd = t.state_dict()
    frozen = copy.deepcopy(sd)
    t.train(3)
    assert same_state(sd, frozen)  # live tensors would have moved with the weights and Adam's moments
    assert not same_state(sd["generator"], t.state_dict()["generator"])


def test_state_dict_taken_while_another_thread_trains_is_one_consistent_moment():
    t = make(k=2, sync_every=3)
    snaps = []
    th = threading.Thread(target=lambda: t.train(10**7))
    th.start()
    try:
        while len(snaps) < 15 and th.is_alive():
            sd = t.state_dict()
            snaps.append((sd, copy.deepcopy(sd)))
    finally:
        t.request_stop()
        th.join(timeout=30)
    assert not th.is_alive() and len(snaps) == 15
    for sd, frozen in snaps:
        assert same_state(sd, frozen)  # nothing moved after the lock was released
        steps_g = {int(s["step"]) for s in sd["opt_g"]["state"].values()}
        steps_d = {int(s["step"]) for s in sd["opt_d"]["state"].values()}
        if sd["step"]:
            assert steps_g == {sd["step"]} and steps_d == {2 * sd["step"]}  # k = 2: Adam's counts match the step
        assert len(sd["history"]["step"]) == sd["step"]
        fresh = make(seed=7, k=2)
        fresh.load_state_dict(sd)
        assert same_state(dict(fresh.G.state_dict()), sd["generator"])
        assert same_state(dict(fresh.D.state_dict()), sd["discriminator"])


# ----- every bad input a clear answer ---------------------------------------------------------------------------------
def tanh_pair():
    torch.manual_seed(0)
    return (models.MLPGenerator(latent_dim=4, hidden=(8, 8), out_shape=(1, 4, 4)),
            models.MLPDiscriminator(in_shape=(1, 4, 4), hidden=(8,)))


@pytest.mark.parametrize("dtype", [torch.uint8, torch.int64, torch.bool])
def test_data_that_is_not_float_is_refused_with_the_fix(dtype):
    G, D = tanh_pair()
    with pytest.raises(ValueError, match=rf"dtype {dtype}.*x.float\(\) / 127.5 - 1"):
        Trainer(G, D, torch.zeros(8, 1, 4, 4, dtype=dtype), TrainConfig(device="cpu", batch_size=4))


def test_data_outside_the_tanh_range_is_refused():
    G, D = tanh_pair()
    pixels = torch.arange(8 * 16, dtype=torch.float32).view(8, 1, 4, 4) * 2  # 0 .. 254, as if read from PNGs
    with pytest.raises(ValueError, match=r"from 0 to 254.*\[-1, 1\].*x / 127.5 - 1"):
        Trainer(G, D, pixels, TrainConfig(device="cpu", batch_size=4))
    Trainer(G, D, pixels / 127.5 - 1, TrainConfig(device="cpu", batch_size=4))  # the fix works
    make()  # a generator without tanh (2D toy data) may fit any range: points() is centred at (1, -1)


def test_nonfinite_data_is_refused():
    data = points()
    data[5, 1] = float("nan")
    G, D = tiny_pair()
    with pytest.raises(ValueError, match="NaN or infinite"):
        Trainer(G, D, data, TrainConfig(device="cpu"))


def test_data_shaped_unlike_the_generator_output_is_refused_at_construction():
    G, D = tiny_pair()  # G makes (2,) points
    bn = G.net[3]
    before = (bn.running_mean.clone(), bn.running_var.clone(), int(bn.num_batches_tracked))
    with pytest.raises(ValueError, match=r"generator makes samples of shape \(2,\).*shape \(3,\)"):
        Trainer(G, D, torch.randn(32, 3), TrainConfig(device="cpu"))
    Trainer(G, D, points(), TrainConfig(device="cpu"))
    after = (bn.running_mean, bn.running_var, int(bn.num_batches_tracked))
    assert torch.equal(before[0], after[0]) and torch.equal(before[1], after[1]) and before[2] == after[2]


def test_batch_size_one_with_batchnorm_is_refused():
    G, D = tiny_pair()  # BatchNorm in G
    with pytest.raises(ValueError, match="batch_size 1 .*generator uses BatchNorm.*batch_size >= 2"):
        Trainer(G, D, points(), TrainConfig(device="cpu", batch_size=1))
    G = models.MLPGenerator(latent_dim=4, hidden=(8,), out_shape=(2,), batchnorm=False, tanh=False)
    Trainer(G, D, points(), TrainConfig(device="cpu", batch_size=1)).train(2)  # no BatchNorm: fine


def test_bad_labels_and_generator_are_refused():
    data = torch.randn(40, 2)
    with pytest.raises(ValueError, match="whole-number class ids"):
        Trainer(CondG(), CondD(), data, TrainConfig(device="cpu"), labels=torch.zeros(40))
    with pytest.raises(ValueError, match="class ids >= 0, found -1"):
        Trainer(CondG(), CondD(), data, TrainConfig(device="cpu"), labels=torch.arange(40) % 4 - 1)
    G, D = tiny_pair()
    del G.latent_dim
    with pytest.raises(ValueError, match="latent_dim"):
        Trainer(G, D, points(), TrainConfig(device="cpu"))


def test_bad_config_values_are_refused():
    for bad, match in ((dict(betas=(0.5, 1.5)), "betas"), (dict(seed=-1), "seed"), (dict(n_samples=0), "n_samples")):
        G, D = tiny_pair()
        with pytest.raises(ValueError, match=match):
            Trainer(G, D, points(), TrainConfig(device="cpu", **bad))


def test_history_names_its_columns_for_a_wrong_one():
    with pytest.raises(KeyError, match="no column 'gloss'.*g_loss"):
        make().history["gloss"]


# ----- divergence: the right network named, nothing bad kept ----------------------------------------------------------
def test_nan_in_a_batchnorm_buffer_is_caught_and_not_kept():
    t = make(sync_every=5, snapshot_every=5)

    def poison(tr):
        if tr.step_count == 12:
            tr.G.net[3].running_var[0] = float("nan")  # eval-mode statistic: the training losses stay finite

    t.train(30, callbacks=[poison])
    assert t.status and "generator's net.3.running_var" in t.status and "restored to step 10" in t.status
    assert t.step_count == 10 and len(t.history) == 10
    assert torch.isfinite(t.G.net[3].running_var).all() and torch.isfinite(t.samples()).all()


def test_a_diverged_generator_is_named_as_the_generator():
    t = make(sync_every=5, snapshot_every=5)
    t.train(12, callbacks=[lambda tr: tr.G.net[-1].bias.data.fill_(float("inf")) if tr.step_count == 7 else None])
    assert t.status and "generator's samples" in t.status and "discriminator loss" not in t.status
    assert "restored to step 5" in t.status and t.step_count == 5


def test_a_diverged_discriminator_is_named_as_the_discriminator():
    t = make(sync_every=5, snapshot_every=5)
    t.train(12, callbacks=[lambda tr: tr.D.net[1].weight.data.fill_(float("nan")) if tr.step_count == 7 else None])
    assert t.status and "discriminator's outputs on real data" in t.status and "lr_d" in t.status


def test_exploding_losses_warn_once_per_run():
    with pytest.warns(RuntimeWarning, match=r"loss .* at step \d+: the learning rates are too high") as seen:
        t = make(lr_d=1e3, lr_g=1e3, sync_every=5)
        t.train(30)
    assert len([w for w in seen if "too high" in str(w.message)]) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make().train(30)  # a sane run says nothing


# ----- hangs: bounded k, time budget inside a step, argument types --------------------------------------------------
def test_k_is_bounded_by_k_max():
    assert K_MAX == 100
    t = make()
    t.k = K_MAX
    with pytest.raises(ValueError, match=r"at most 100, got 101.*between 1 and 100"):
        t.k = K_MAX + 1


def test_the_time_budget_cuts_the_discriminator_steps_of_a_step(monkeypatch):
    from ganedu.losses import d_loss_bce

    clock = {"t": 0.0}  # a fake clock: each D update takes one "second"
    monkeypatch.setattr(train_module, "time", SimpleNamespace(perf_counter=lambda: clock["t"]))

    def one_second(real, fake):
        clock["t"] += 1
        return d_loss_bce(real, fake)

    G, D = tiny_pair()
    t = Trainer(G, D, points(), TrainConfig(device="cpu", batch_size=16, k=50), d_loss=one_second)
    t.train(10, max_seconds=3.5)
    # D updates at t = 0, 1, 2, 3 (each checked against 3.5), then the one that goes with the G step
    assert t.step_count == 1 and t.history["k"] == [5] and adam_steps(t.opt_d) == {5}
    t.train(1)  # no budget: the full k
    assert t.history["k"][-1] == 50


def test_a_stop_request_cuts_a_long_step_but_not_a_short_one(monkeypatch):
    from ganedu.losses import d_loss_bce

    clock = {"t": 0.0, "per_d": 1.0}  # a fake clock: each D update takes per_d "seconds"
    monkeypatch.setattr(train_module, "time", SimpleNamespace(perf_counter=lambda: clock["t"]))
    calls = {"n": 0}

    def stopping(real, fake):
        clock["t"] += clock["per_d"]
        calls["n"] += 1
        if calls["n"] == 3:
            t.request_stop()
        return d_loss_bce(real, fake)

    G, D = tiny_pair()
    t = Trainer(G, D, points(), TrainConfig(device="cpu", batch_size=16, k=K_MAX), d_loss=stopping)
    t.train(5)
    assert t.step_count == 1 and t.history["k"] == [4]  # D step 3 asked; 96 s more would be too long
    t.train(1)  # the stop request ended that run only
    assert t.history["k"][-1] == K_MAX
    t.request_stop()  # with no train() running, a step on its own is not cut short
    t.step()
    assert t.history["k"][-1] == K_MAX
    calls["n"], clock["per_d"] = 0, 0.001  # the rest of the step takes 0.1 s: it finishes with its k
    t.train(5)
    assert t.step_count == 4 and t.history["k"][-1] == K_MAX


@pytest.mark.parametrize("bad", ["5", [1], True])
def test_max_seconds_of_a_wrong_type_is_a_clear_error(bad):
    with pytest.raises(TypeError, match="max_seconds must be a positive number"):
        make().train(max_seconds=bad)


def test_wrong_callbacks_are_a_clear_error():
    t = make()
    with pytest.raises(TypeError, match=r"callbacks must be a list of functions"):
        t.train(2, callbacks=lambda tr: None)
    with pytest.raises(TypeError, match=r"callbacks must be a list"):
        t.train(2, callbacks=[3])
    with pytest.raises(ValueError, match="max_seconds"):
        t.train(max_seconds=float("nan"))


def test_training_asks_the_thread_policy_every_step(monkeypatch):
    calls = []
    monkeypatch.setattr(train_module.config, "adapt_threads", lambda: calls.append(1) or torch.get_num_threads())
    make().train(4)
    assert len(calls) == 4


def test_cpu_captures_no_graphs_and_generate_is_models_sample():
    t = make()
    t.train(3)
    assert t.captured_graphs == 0
    assert torch.equal(t.generate(7), models.sample(t.G, 7)) and t.G.training


def test_weights_broken_by_a_lone_d_step_are_caught_at_the_next_read():
    t = make(sync_every=5, snapshot_every=5)
    t.train(5)
    t.D.net[1].weight.data[0, 0] = float("nan")  # as if a lone D step had diverged
    t.d_step()
    assert t.status is None and len(t.history) == 5  # reading history checks the weights ...
    assert "discriminator's net.1.weight" in t.status and torch.isfinite(t.D.net[1].weight).all()


def test_a_checkpoint_with_nan_weights_is_refused_and_changes_nothing():
    t = make()
    t.train(3)
    sd = t.state_dict()
    sd["generator"]["net.0.bias"][1] = float("nan")
    before = [p.clone() for p in t.G.parameters()]
    with pytest.raises(ValueError, match="generator has NaN or infinite values in net.0.bias.*earlier checkpoint"):
        t.load_state_dict(sd)
    assert all(torch.equal(a, b) for a, b in zip(before, t.G.parameters()))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA graphs need a CUDA GPU")
def test_cuda_graphs_are_captured_once_and_compute_the_eager_update():
    eager, fast = make(device="cuda", fast=False), make(device="cuda", fast=True, tf32=False)
    assert fast.graphs and fast.captured_graphs == 0
    eager.train(10)
    fast.train(10)
    assert fast.captured_graphs == 2  # one D step; last D step + G step + record for the loss in use
    assert eager.history["g_loss"] == pytest.approx(fast.history["g_loss"], abs=1e-4)
    fast.k, fast.lr_d = 3, 1e-4
    fast.train(3)
    assert fast.captured_graphs == 2 and fast.history["k"][-3:] == [3, 3, 3]  # knobs turn without a re-capture
    sd = fast.state_dict()
    fast.train(3)
    assert sd["step"] == 13 and adam_steps(fast.opt_d) == {10 + 3 * 6}


def test_listeners_hear_train_reset_and_load_in_the_thread_that_did_it_and_are_held_weakly():
    import gc
    import threading

    trainer = make()
    heard = []

    class View:
        def moved(self, t):
            heard.append((t.step_count, threading.current_thread().name))

    view = View()
    trainer.add_listener(view.moved)
    trainer.add_listener(lambda t: 1 / 0)  # a broken listener never breaks training
    trainer.train(steps=3)
    assert heard == [(3, threading.current_thread().name)]
    state = trainer.state_dict()
    thread = threading.Thread(target=trainer.train, kwargs={"steps": 2}, name="elsewhere")
    thread.start()
    thread.join()
    assert heard[-1] == (5, "elsewhere")
    trainer.reset()
    assert heard[-1][0] == 0
    trainer.load_state_dict(state)
    assert heard[-1][0] == 3 and len(heard) == 4
    trainer.step()  # a single step outside train() is not announced
    assert len(heard) == 4
    del view
    gc.collect()
    trainer.train(steps=1)
    assert len(heard) == 4  # the view is gone, and so is its listener
