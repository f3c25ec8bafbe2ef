"""ganedu.ema, the average of a generator's weights: by hand, as a callback, inside the Trainer (TrainConfig.ema)."""

import copy
import math

import pytest
import torch
from torch import nn

from ganedu import checkpoints, models
from ganedu import ema as ema_module
from ganedu.ema import EMA
from ganedu.train import TrainConfig, Trainer

pytestmark = pytest.mark.usefixtures("one_thread")  # conftest.py: tiny nets run on one thread


# --- EMA --------------------------------------------------------------------------------------------------------


class Affine(nn.Module):
    """A one-parameter-pair "generator" with a buffer, to follow the EMA by hand."""

    latent_dim = 1

    def __init__(self, w: float, b: float) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.tensor([w]))
        self.b = nn.Parameter(torch.tensor([b]))
        self.register_buffer("count", torch.tensor([0.0]))

    def forward(self, z):
        return self.w * z + self.b


def test_ema_matches_hand_computation():
    live = Affine(1.0, 0.0)
    ema = EMA(live, decay=0.9, warmup=10.0)
    avg = 1.0
    for t, w in enumerate([2.0, 4.0, -1.0], start=1):
        with torch.no_grad():
            live.w.fill_(w)
            live.count.fill_(t)
        ema.update(live)
        beta = min(0.9, (1 + t) / (10 + t))  # 2/11, 3/12, 4/13: the warm-up is below 0.9 here
        avg = beta * avg + (1 - beta) * w
        assert ema.generator.w.item() == pytest.approx(avg, rel=1e-6)
        assert ema.rate(t) == pytest.approx(beta)
    assert ema.generator.count.item() == 3.0  # buffers are copied, not averaged
    assert live.w.item() == -1.0  # the live generator is untouched


def test_ema_without_warmup_uses_the_decay_from_the_start():
    live = Affine(0.0, 0.0)
    ema = EMA(live, decay=0.5, warmup=None)
    with torch.no_grad():
        live.w.fill_(8.0)
    for want in (4.0, 6.0, 7.0):  # 0.5 * avg + 0.5 * 8
        ema.update(live)
        assert ema.generator.w.item() == pytest.approx(want)


def test_ema_memory_is_about_1_over_1_minus_decay_updates():
    live = Affine(0.0, 0.0)
    ema = EMA(live, decay=ema_module.EMA_DECAY, warmup=None)
    with torch.no_grad():
        live.w.fill_(1.0)  # G jumps from 0 to 1: after N updates the average has taken up 1 - β^N of the jump
    memory = round(1 / (1 - ema_module.EMA_DECAY))  # 1000 for β = 0.999
    for _ in range(memory):
        ema.update(live)
    assert ema.generator.w.item() == pytest.approx(1 - ema_module.EMA_DECAY ** memory, rel=1e-4)
    assert ema.generator.w.item() == pytest.approx(1 - 1 / math.e, abs=1e-3)  # ≈ 63 %: "a memory of ~1000 steps"


def test_ema_converges_to_a_constant_generator_and_never_trains():
    live = Affine(3.0, -2.0)
    ema = EMA(Affine(0.0, 0.0), decay=0.99)
    for _ in range(2000):
        ema.update(live)
    assert ema.generator.w.item() == pytest.approx(3.0, abs=1e-6)
    assert ema.generator.b.item() == pytest.approx(-2.0, abs=1e-6)
    assert not any(p.requires_grad for p in ema.generator.parameters())


def test_ema_as_trainer_callback():
    from ganedu import toy

    data = toy.dataset("ring", n=500).data
    G, D = toy.build_gan(seed=0)
    trainer = Trainer(G, D, data, TrainConfig(batch_size=32, device="cpu", seed=0))
    path = [[p.detach().clone() for p in G.parameters()]]  # θ_0, θ_1, ... recorded after every step
    ema, copy0 = EMA(trainer.G, decay=0.7, warmup=None), EMA(trainer.G, decay=0.0)
    record = lambda t: path.append([p.detach().clone() for p in t.G.parameters()])
    trainer.train(steps=5, callbacks=[ema, copy0, record])
    assert ema.updates == 5
    for p_live, p_copy in zip(trainer.G.parameters(), copy0.generator.parameters()):
        assert torch.equal(p_live, p_copy)  # decay 0: the average is the latest G
    want = path[0]
    for theta in path[1:]:  # θ̄_t = 0.7 θ̄_{t-1} + 0.3 θ_t
        want = [0.7 * a + 0.3 * b for a, b in zip(want, theta)]
    for p_avg, w in zip(ema.generator.parameters(), want):
        assert torch.allclose(p_avg, w, atol=1e-6)
    assert models.sample(ema.generator, 7).shape == (7, 2)


@pytest.mark.parametrize("decay,warmup", [(1.0, 10.0), (-0.1, 10.0), (0.9, 0.5), ("0.9", None)])
def test_ema_bad_settings_are_clear_errors(decay, warmup):
    with pytest.raises(ValueError, match="EMA"):
        EMA(Affine(0.0, 0.0), decay=decay, warmup=warmup)


def test_ema_of_another_network_is_a_clear_error():
    ema = EMA(Affine(0.0, 0.0))
    with pytest.raises(ValueError, match="EMA"):
        ema.update(nn.Linear(3, 3))


# --- inside the Trainer ------------------------------------------------------------------------------------------


def tiny_trainer(seed=0, **cfg):
    torch.manual_seed(seed)
    G = models.MLPGenerator(latent_dim=4, hidden=(16, 16), out_shape=(2,), batchnorm=True, tanh=False)
    D = models.MLPDiscriminator(in_shape=(2,), hidden=(16,))
    data = torch.randn(256, 2, generator=torch.Generator().manual_seed(seed)) * 0.3 + 1.0
    cfg.setdefault("batch_size", 16)
    return Trainer(G, D, data, TrainConfig(seed=seed, device="cpu", **cfg))


def test_trainer_average_follows_the_formula_and_samples_come_from_it():
    t = tiny_trainer(ema=0.9)
    path = [[p.detach().clone() for p in t.G.parameters()]]
    t.train(steps=4, callbacks=[lambda tr: path.append([p.detach().clone() for p in tr.G.parameters()])])
    want = path[0]
    for step, theta in enumerate(path[1:], start=1):  # θ̄_t = β_t θ̄_{t-1} + (1 - β_t) θ_t, β_t = min(β, (1+t)/(10+t))
        beta = min(0.9, (1 + step) / (ema_module.EMA_WARMUP + step))
        want = [beta * a + (1 - beta) * b for a, b in zip(want, theta)]
    assert t.ema.updates == 4 and t.sampler is t.ema.generator
    for p_avg, w, p_live in zip(t.ema.generator.parameters(), want, t.G.parameters()):
        assert torch.allclose(p_avg, w, atol=1e-6) and not torch.allclose(p_avg, p_live)
    with torch.no_grad():
        assert torch.equal(t.samples(), t.ema.generator(t.fixed_noise))  # the grid shows the average
    assert torch.equal(t.generate(5), models.sample(t.ema.generator, 5))


def test_trainer_without_average_samples_from_g_and_g_step_updates_the_average():
    plain = tiny_trainer()
    assert plain.ema is None and plain.sampler is plain.G and "generator_ema" not in plain.state_dict()
    t = tiny_trainer(ema=0.5)
    t.g_step()  # a lesson's single G update is averaged too
    assert t.ema.updates == 1


def test_trainer_average_is_saved_resumed_and_reset(tmp_path):
    a = tiny_trainer(seed=3, ema=0.99)
    start = copy.deepcopy(a.ema.generator.state_dict())
    a.train(6)
    path = checkpoints.save(a, tmp_path / "run.pt")
    b = checkpoints.resume(path, a.data, device="cpu")
    assert b.config.ema == 0.99 and b.ema.updates == 6
    a.train(5)
    b.train(5)
    for x, y in zip(a.ema.generator.state_dict().values(), b.ema.generator.state_dict().values()):
        assert torch.equal(x, y)  # the resumed average continues bit for bit
    G = checkpoints.load_generator(path)  # what the run sampled from: the average, not G
    saved = torch.load(path, weights_only=True)["trainer"]
    for name, value in G.state_dict().items():
        assert torch.equal(value, saved["generator_ema"][name])
    assert not all(torch.equal(saved["generator"][n], v) for n, v in G.state_dict().items())
    a.reset()
    assert a.ema.updates == 0
    assert all(torch.equal(v, start[k]) for k, v in a.ema.generator.state_dict().items())


def test_trainer_average_starts_from_g_when_the_saved_run_had_none():
    plain = tiny_trainer(seed=1)
    plain.train(3)
    t = tiny_trainer(seed=2, ema=0.9)
    t.load_state_dict(plain.state_dict())
    assert t.ema.updates == 0
    for x, y in zip(t.ema.generator.parameters(), t.G.parameters()):
        assert torch.equal(x, y)


def test_trainer_bad_average_decay_is_a_clear_error():
    with pytest.raises(ValueError, match="EMA"):
        tiny_trainer(ema=1.0)
