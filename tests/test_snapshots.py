"""The trainer's safety net at tiny size: snapshots are copies, restore goes back by name, the finiteness check."""

import torch

from ganedu import models
from ganedu.snapshots import Snapshots, first_nonfinite, optimizer_tensors
from ganedu.train import TrainConfig, Trainer


def tiny_trainer():
    torch.manual_seed(0)
    G = models.MLPGenerator(latent_dim=4, hidden=(16, 16), out_shape=(2,), batchnorm=True, tanh=False)
    D = models.MLPDiscriminator(in_shape=(2,), hidden=(16,))
    return Trainer(G, D, torch.randn(64, 2), TrainConfig(device="cpu", batch_size=8))


def test_take_is_a_copy_and_restore_puts_it_back():
    w = torch.nn.Linear(2, 2)
    snaps = Snapshots(lambda: dict(w.state_dict()))
    before = {k: v.clone() for k, v in w.state_dict().items()}
    snap = snaps.take()
    with torch.no_grad():
        w.weight.add_(1.0)
    assert torch.equal(snap["weight"], before["weight"])  # the snapshot did not move with the weights
    weight_storage = w.weight.data_ptr()
    snaps.restore(snap)
    assert torch.equal(w.weight, before["weight"]) and w.weight.data_ptr() == weight_storage  # in place


def test_keep_and_back_to_good_and_initial():
    x = torch.zeros(3)
    snaps = Snapshots(lambda: {"x": x})
    x.fill_(1.0)
    snaps.keep(7)
    x.fill_(float("nan"))
    assert snaps.back_to_good() == 7 and torch.equal(x, torch.ones(3))
    snaps.back_to_initial()
    assert torch.equal(x, torch.zeros(3)) and snaps.good_step == 0


def test_restore_matches_state_by_name_when_optimizer_state_appears_later():
    # the CUDA capture snapshots before a warm-up that creates optimizer state, then restores
    t = tiny_trainer()
    t.d_step()  # D's Adam state exists, G's not yet
    snap = t._safety.take()
    assert not optimizer_tensors("opt_g", t.opt_g) and optimizer_tensors("opt_d", t.opt_d)
    t.g_step()
    t.d_step()
    t._safety.restore(snap)
    for name, value in t._state_tensors().items():
        if name in snap:
            assert torch.equal(value, snap[name]), name
        else:
            assert name.startswith("opt_g.") and not value.any(), name


def test_first_nonfinite_names_the_network_and_the_tensor():
    G = models.MLPGenerator(latent_dim=4, hidden=(8, 8), out_shape=(2,), batchnorm=True, tanh=False)
    D = models.MLPDiscriminator(in_shape=(2,), hidden=(8,))
    nets = {"generator": G.state_dict(), "discriminator": D.state_dict()}  # live views of the tensors
    assert first_nonfinite(nets) is None
    G.net[3].running_var[3] = float("nan")  # a BatchNorm statistic: no training loss would show it
    assert first_nonfinite(nets) == ("generator", "net.3.running_var")
    G.net[3].running_var.fill_(1.0)
    D.net[-1].bias.data.fill_(float("inf"))
    assert first_nonfinite(nets) == ("discriminator", "net.3.bias")
