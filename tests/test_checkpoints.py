"""Checkpoints: atomic writes, weights_only reads, clear errors, and resuming the very same run."""

import os
import pickle

import pytest
import torch

from ganedu import checkpoints, models
from ganedu.train import TrainConfig, Trainer


def small_trainer(seed=0):
    torch.manual_seed(seed)
    G = models.MLPGenerator(latent_dim=8, hidden=(16, 32), out_shape=(1, 28, 28))
    D = models.MLPDiscriminator(hidden=(16,))
    data = torch.rand(64, 1, 28, 28) * 2 - 1
    return Trainer(G, D, data, TrainConfig(device="cpu", batch_size=8, seed=seed)), data


def test_save_is_atomic_and_loads_with_weights_only(tmp_path):
    t, _ = small_trainer()
    t.train(3)
    path = checkpoints.save(t, tmp_path / "run" / "g.pt")
    assert path.is_file()
    assert [p.name for p in path.parent.iterdir()] == ["g.pt"]  # no temp file left behind
    raw = torch.load(path, weights_only=True)  # plain data only
    assert raw["format"] == "ganedu-checkpoint" and raw["trainer"]["step"] == 3


def test_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    t, _ = small_trainer()
    path = checkpoints.save(t, tmp_path / "g.pt")
    before = path.read_bytes()

    def broken_save(obj, f):
        f.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        checkpoints.save(t, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["g.pt"]


def test_resume_continues_the_same_run(tmp_path):
    straight, data = small_trainer(seed=1)
    straight.train(12)
    first, _ = small_trainer(seed=1)
    first.train(7)
    checkpoints.save(first, tmp_path / "g.pt")
    resumed = checkpoints.resume(tmp_path / "g.pt", data)
    assert resumed.step_count == 7 and len(resumed.history) == 7
    resumed.train(5)
    assert resumed.history["g_loss"] == straight.history["g_loss"]  # bit-for-bit on the CPU
    assert torch.equal(resumed.samples(), straight.samples())


def test_resume_keeps_knobs(tmp_path):
    t, data = small_trainer()
    t.k, t.lr_d, t.loss = 3, 1e-3, "minimax"
    t.train(2)
    checkpoints.save(t, tmp_path / "g.pt")
    r = checkpoints.resume(tmp_path / "g.pt", data)
    assert (r.k, r.lr_d, r.loss) == (3, 1e-3, "minimax")
    assert r.opt_d.param_groups[0]["lr"] == pytest.approx(1e-3)


def test_load_generator_samples(tmp_path):
    t, _ = small_trainer()
    checkpoints.save(t, tmp_path / "g.pt")
    G = checkpoints.load_generator(tmp_path / "g.pt")
    assert not G.training
    with torch.no_grad():
        assert torch.allclose(G(t.fixed_noise), t.samples())


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no checkpoint at .*nope.pt.*train first"):
        checkpoints.load(tmp_path / "nope.pt")


@pytest.mark.parametrize("content", [b"", b"not a checkpoint at all", os.urandom(300)])
def test_corrupt_file(tmp_path, content):
    p = tmp_path / "bad.pt"
    p.write_bytes(content)
    with pytest.raises(checkpoints.CheckpointError, match="not a readable ganedu checkpoint"):
        checkpoints.load(p)


def test_truncated_checkpoint(tmp_path):
    t, _ = small_trainer()
    p = checkpoints.save(t, tmp_path / "g.pt")
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
    with pytest.raises(checkpoints.CheckpointError):
        checkpoints.load(p)


def test_foreign_torch_file(tmp_path):
    p = tmp_path / "weights.pt"
    torch.save({"state_dict": {"w": torch.zeros(2)}}, p)
    with pytest.raises(checkpoints.CheckpointError, match="not a ganedu checkpoint"):
        checkpoints.load(p)


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_pickled_code_is_refused(tmp_path):
    p = tmp_path / "evil.pt"
    with open(p, "wb") as f:
        torch.save({"format": "ganedu-checkpoint", "x": Evil()}, f, pickle_protocol=pickle.DEFAULT_PROTOCOL)
    with pytest.raises(checkpoints.CheckpointError):
        checkpoints.load(p)


def test_resume_on_another_device_type_keeps_going(tmp_path):
    # a CUDA generator's state (16 bytes) cannot be loaded into a CPU generator: resume must not fail on it
    t, data = small_trainer()
    t.train(3)
    path = checkpoints.save(t, tmp_path / "g.pt")
    raw = torch.load(path, weights_only=True)
    raw["trainer"]["rng"] = torch.zeros(16, dtype=torch.uint8)  # what a CUDA run stores
    torch.save(raw, path)
    r = checkpoints.resume(path, data)
    r.train(2)
    assert r.step_count == 5 and all(torch.isfinite(torch.tensor(r.history["g_loss"])))
