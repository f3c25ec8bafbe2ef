"""Checkpoints: atomic writes, weights_only reads, clear errors, and resuming the very same run."""

import os
import pickle
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from ganedu import checkpoints, losses, models
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


# --- temp files: recognisable, removed when stale, never another writer's ---


def dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temps_of_killed_saves_are_removed(tmp_path):
    t, _ = small_trainer()
    target = tmp_path / "g.pt"
    dead = tmp_path / f".g.pt.tmp-{dead_pid()}-abc"  # a save killed mid-write
    legacy = tmp_path / ".g.pt.k3j2h1.tmp"  # what older ganedu versions left (no pid)
    live = tmp_path / f".g.pt.tmp-{os.getppid()}-xyz"  # another process saving right now: keep it
    old_live = tmp_path / f".g.pt.tmp-{os.getppid()}-old"  # a live pid, but a day old: a reused pid, stale
    other = tmp_path / f".h.pt.tmp-{dead_pid()}-abc"  # another target's temp: not ours to judge
    for p in (dead, legacy, live, old_live, other):
        p.write_bytes(b"partial")
    day_ago = time.time() - 86400
    os.utime(old_live, (day_ago, day_ago))
    checkpoints.save(t, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["g.pt", live.name, other.name])


def test_temp_names_carry_the_pid(tmp_path, monkeypatch):
    seen = []

    def recording_save(obj, f):
        seen.append(Path(f.name).name)
        f.write(b"x")

    monkeypatch.setattr(torch, "save", recording_save)
    checkpoints.atomic_save({}, tmp_path / "g.pt")
    assert seen[0].startswith(f".g.pt.tmp-{os.getpid()}-")


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_saved_files_follow_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        path = checkpoints.atomic_save({"x": 1}, tmp_path / "c.pt")
        with checkpoints.atomic_folder(tmp_path / "run", ["a.txt"]) as tmp:
            (tmp / "a.txt").write_text("a")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "run" / "a.txt").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "run").stat().st_mode) == mode | (mode & 0o444) >> 2  # + x where r


# --- whole folders ---


def test_atomic_folder_swaps_in_whole_and_keeps_the_previous(tmp_path):
    run = tmp_path / "run"
    for text in ("one", "two", "three"):
        with checkpoints.atomic_folder(run, ["a", "b"]) as tmp:
            (tmp / "a").write_text(text)
            (tmp / "b").write_text(text)
    assert (run / "a").read_text() == (run / "b").read_text() == "three"
    assert (tmp_path / "run.previous" / "a").read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "run.previous"]


def test_atomic_folder_removes_folders_of_killed_writes(tmp_path):
    killed = tmp_path / f".run.tmp-{dead_pid()}-abc"
    killed.mkdir()
    (killed / "generator.pt").write_bytes(b"half")
    with checkpoints.atomic_folder(tmp_path / "run", ["a"]) as tmp:
        (tmp / "a").write_text("a")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_atomic_folder_failure_leaves_the_old_folder(tmp_path):
    run = tmp_path / "run"
    with checkpoints.atomic_folder(run, ["a"]) as tmp:
        (tmp / "a").write_text("old")
    with pytest.raises(OSError, match="disk full"):
        with checkpoints.atomic_folder(run, ["a"]) as tmp:
            (tmp / "a").write_text("new")
            raise OSError("disk full")
    assert (run / "a").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


@pytest.mark.parametrize("where", ["run", "run.previous"])
def test_atomic_folder_never_replaces_foreign_files(tmp_path, where):
    (tmp_path / where).mkdir()
    (tmp_path / where / "thesis.tex").write_text("mine")
    with pytest.raises(ValueError, match=r"not a ganedu run \(thesis\.tex\)"):
        with checkpoints.atomic_folder(tmp_path / "run", ["a"]):
            pass
    assert (tmp_path / where / "thesis.tex").read_text() == "mine"


# --- reading: never on an unsafe torch, never torch's unsafe advice, tampered files named as such ---


def test_old_torch_is_refused(tmp_path, monkeypatch):
    t, _ = small_trainer()
    path = checkpoints.save(t, tmp_path / "g.pt")
    monkeypatch.setattr(torch, "__version__", "2.5.1+cu121")
    with pytest.raises(RuntimeError, match=r"torch 2.5.1\+cu121 .*CVE-2025-32434.*torch >= 2.6"):
        checkpoints.load(path)
    monkeypatch.setattr(torch, "__version__", "2.6.0")
    assert checkpoints.load(path)["trainer"]["step"] == 0


def test_code_in_a_checkpoint_gets_our_message_not_torchs(tmp_path):
    p = tmp_path / "evil.pt"
    torch.save({"format": "ganedu-checkpoint", "x": Evil()}, p)
    with pytest.raises(checkpoints.CheckpointError) as exc:
        checkpoints.load(p)
    text = str(exc.value)
    assert "not a ganedu checkpoint or it contains code; ganedu only loads plain data" in text
    assert "weights_only" not in text and "trust" not in text


def test_random_bytes_name_the_unpickler_finding_only(tmp_path):
    p = tmp_path / "bad.pt"
    p.write_bytes(b"garbage")
    with pytest.raises(checkpoints.CheckpointError) as exc:
        checkpoints.load(p)
    assert "not a readable ganedu checkpoint" in str(exc.value) and "weights_only" not in str(exc.value)


@pytest.mark.parametrize("tamper, pattern", [
    (lambda c: c["generator_spec"].update(kind="gpt"), "unknown model 'gpt'"),
    (lambda c: c["discriminator_spec"].update(kind="dcgan"), "do not fit together"),
    (lambda c: c["generator_spec"].update(wings=3), "wings"),
    (lambda c: c["trainer"].pop("discriminator"), "no 'discriminator' entry"),
    (lambda c: c["trainer"].pop("opt_g"), "no 'opt_g' entry"),
    (lambda c: c["trainer"].pop("config"), "no 'config' entry"),
    (lambda c: c.update(trainer=[1, 2]), "'trainer' is not a dict"),
])
def test_tampered_checkpoints_raise_checkpoint_error(tmp_path, tamper, pattern):
    t, data = small_trainer()
    path = checkpoints.save(t, tmp_path / "g.pt")
    raw = torch.load(path, weights_only=True)
    tamper(raw)
    torch.save(raw, path)
    with pytest.raises(checkpoints.CheckpointError, match=pattern):
        checkpoints.resume(path, data)


# --- resume: knobs given win over the saved ones; pinned settings must match ---


def test_resume_applies_knob_overrides(tmp_path):
    t, data = small_trainer()
    t.train(2)
    checkpoints.save(t, tmp_path / "g.pt")
    r = checkpoints.resume(tmp_path / "g.pt", data, k=4, lr_d=3e-3, lr_g=7e-4, loss="minimax")
    assert (r.k, r.lr_d, r.lr_g, r.loss) == (4, 3e-3, 7e-4, "minimax")
    r.train(1)
    assert r.history["k"] == [1, 1, 4] and r.history["loss"][-1] == "minimax"
    assert r.history["lr_d"][-1] == 3e-3 and r.history["lr_g"][-1] == 7e-4
    assert float(r.opt_d.param_groups[0]["lr"]) == pytest.approx(3e-3)  # in the optimizer, not only the knob
    assert float(r.opt_g.param_groups[0]["lr"]) == pytest.approx(7e-4)


@pytest.mark.parametrize("name, value", [("batch_size", 16), ("seed", 3), ("betas", (0.9, 0.999)), ("n_samples", 9)])
def test_resume_refuses_a_different_pinned_setting(tmp_path, name, value):
    t, data = small_trainer()
    checkpoints.save(t, tmp_path / "g.pt")
    with pytest.raises(ValueError, match=f"trained with {name}=.*keeps it"):
        checkpoints.resume(tmp_path / "g.pt", data, **{name: value})
    saved = {"batch_size": 8, "seed": 0, "betas": (0.5, 0.999), "n_samples": 64}[name]
    assert getattr(checkpoints.resume(tmp_path / "g.pt", data, **{name: saved}).config, name) == saved


def test_resume_passes_the_discriminator_loss(tmp_path):
    t, data = small_trainer()
    checkpoints.save(t, tmp_path / "g.pt")
    calls = []

    def recording_d_loss(real_logits, fake_logits):
        calls.append(real_logits.shape[0])
        return losses.d_loss_least_squares(real_logits, fake_logits)

    r = checkpoints.resume(tmp_path / "g.pt", data, d_loss=recording_d_loss, loss="least_squares")
    r.train(2)
    assert calls == [8, 8] and r.loss == "least_squares"  # one D step per G step (k = 1), batch 8


def test_a_conditional_run_resumes_with_its_labels(tmp_path):
    torch.manual_seed(0)
    G, D = models.build("cgan")
    data, labels = torch.rand(32, 1, 28, 28) * 2 - 1, torch.arange(32) % 10
    t = Trainer(G, D, data, TrainConfig(device="cpu", batch_size=8), labels=labels)
    t.train(1)
    checkpoints.save(t, tmp_path / "c.pt")
    r = checkpoints.resume(tmp_path / "c.pt", data, labels=labels)
    r.train(1)
    assert r.history["step"] == [1, 2] and r.samples(10).shape == (10, 1, 28, 28)


def test_rebuilding_a_net_leaves_the_global_random_stream_alone(tmp_path):
    # resume/load_generator in a seeded notebook: what follows must not depend on whether a file was loaded
    trainer, _ = small_trainer()
    path = checkpoints.save(trainer, tmp_path / "run.pt")
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    checkpoints.load_generator(path)
    assert torch.equal(torch.rand(3), expected)
