"""The headless contract: python -m ganedu train / sample / evaluate, and argparse-style errors."""

import json
import os
import re
import signal
import subprocess
import sys

import numpy as np
import pytest
import torch

from ganedu import checkpoints, cli, losses, models
from ganedu.train import TrainConfig, Trainer

pytestmark = pytest.mark.usefixtures("mnist_test")


def test_train_writes_the_three_files(tmp_path):
    out = tmp_path / "run"
    rc = cli.main(["train", "--steps", "3", "--batch-size", "8", "--split", "test", "--out", str(out), "--quiet",
                   "--device", "cpu", "--k", "2"])
    assert rc == 0
    ckpt = torch.load(out / "generator.pt", weights_only=True)
    assert ckpt["trainer"]["step"] == 3
    assert (out / "samples.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    hist = json.loads((out / "history.json").read_text())
    assert hist["step"] == [1, 2, 3] and hist["k"] == [2, 2, 2]


def test_sample_writes_float32_digits(tmp_path):
    out = tmp_path / "run"
    cli.main(["train", "--steps", "2", "--batch-size", "8", "--split", "test", "--out", str(out), "--quiet",
              "--model", "dcgan", "--device", "cpu"])
    npy = tmp_path / "s.npy"
    assert cli.main(["sample", "--checkpoint", str(out / "generator.pt"), "--n", "7", "--out", str(npy)]) == 0
    arr = np.load(npy)
    assert arr.dtype == np.float32 and arr.shape == (7, 1, 28, 28)
    assert arr.min() >= -1 and arr.max() <= 1


def test_resume_continues(tmp_path):
    out = tmp_path / "run"
    base = ["--batch-size", "8", "--split", "test", "--quiet", "--device", "cpu"]
    cli.main(["train", "--steps", "2", "--out", str(out), *base])
    cli.main(["train", "--steps", "3", "--out", str(out), "--resume", str(out / "generator.pt"), *base])
    assert json.loads((out / "history.json").read_text())["step"] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    "args, pattern",
    [
        (["train", "--k", "0", "--out", "x"], "--k: must be a whole number from 1 to 100, got 0"),
        (["train", "--k", "101", "--out", "x"], "--k: must be a whole number from 1 to 100, got 101"),
        (["train", "--k", "1.5", "--out", "x"], "--k: expected a whole number, got '1.5'"),
        (["train", "--steps", "100000000", "--out", "x"], "--steps: must be a whole number from 1 to 10000000"),
        (["train", "--batch-size", "1", "--out", "x"], "--batch-size: must be a whole number from 2 to 60000, got 1"),
        (["train", "--batch-size", "10000000", "--out", "x"], "--batch-size: must be a whole number from 2 to"),
        (["train", "--seed", "-1", "--out", "x"], "--seed: must be a whole number from 0 to 4294967295, got -1"),
        (["train", "--checkpoint-every", "-1", "--out", "x"], "--checkpoint-every: must be a number of minutes"),
        (["train", "--checkpoint-every", "nan", "--out", "x"], "--checkpoint-every: must be a number of minutes"),
        (["train", "--lr-d", "-1", "--out", "x"], "--lr-d: must be a positive number"),
        (["train", "--lr-g", "abc", "--out", "x"], "--lr-g: expected a number"),
        (["train", "--model", "gpt", "--out", "x"], "--model: invalid choice: 'gpt'"),
        (["train", "--model", "cgan", "--out", "x"], "--model: invalid choice: 'cgan'"),
        (["train", "--loss", "wgan", "--out", "x"], "--loss: invalid choice"),
        (["train", "--steps", "5"], "the following arguments are required: --out"),
        (["sample", "--checkpoint", "c.pt", "--n", "0", "--out", "o.npy"], "--n: must be a whole number from 1 to"),
        (["sample", "--checkpoint", "c.pt", "--n", "1000000", "--out", "o.npy"], "--n: must be a whole number"),
        (["evaluate", "--checkpoint", "c.pt", "--n", "1000000"], "--n: must be a whole number from 1 to 100000"),
    ],
)
def test_bad_arguments_are_argparse_errors(args, pattern, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(args)
    assert exc.value.code == 2
    assert pattern in capsys.readouterr().err


def test_missing_data_offline_is_a_clear_error(tmp_path, monkeypatch, capsys):
    import torchvision.datasets

    def offline_mnist(*args, **kwargs):  # what torchvision does with no network
        raise OSError("network is unreachable")

    monkeypatch.setattr(torchvision.datasets, "MNIST", offline_mnist)
    monkeypatch.setattr("ganedu.config.OFFLINE", False)  # take the download path; torchvision is mocked above
    with pytest.raises(SystemExit) as exc:
        cli.main(["train", "--steps", "1", "--data-root", str(tmp_path), "--out", str(tmp_path / "o"), "--quiet"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "MNIST train split not found" in err and "network is unreachable" in err and str(tmp_path) in err


def test_bad_checkpoint_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "g.pt"
    bad.write_bytes(b"garbage")
    with pytest.raises(SystemExit) as exc:
        cli.main(["sample", "--checkpoint", str(bad), "--n", "2", "--out", str(tmp_path / "s.npy")])
    assert exc.value.code == 2 and "not a readable ganedu checkpoint" in capsys.readouterr().err


def test_python_dash_m_entry_point(tmp_path):
    env = {**os.environ, "TQDM_DISABLE": "0"}  # a progress bar although stderr is a pipe here, not a terminal
    r = subprocess.run([sys.executable, "-m", "ganedu", "train", "--steps", "2", "--batch-size", "4", "--split", "test",
                        "--out", str(tmp_path / "o"), "--device", "cpu"], capture_output=True, text=True, timeout=300,
                       env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["steps"] == 2  # stdout is the JSON summary and nothing else
    assert "training" in r.stderr and "2/2" in r.stderr and "step/s" in r.stderr  # tqdm's bar, ended where training did


@pytest.mark.parametrize("quiet, force, shown", [(True, "0", False), (False, "0", True), (False, None, False)])
def test_progress_bar_on_stderr_unless_quiet_or_a_log(tmp_path, capsys, monkeypatch, quiet, force, shown):
    """--quiet: no bar even when forced; by default a bar on a terminal only (capsys, like a log file, is not one)."""
    if force is None:
        monkeypatch.delenv("TQDM_DISABLE", raising=False)
    else:
        monkeypatch.setenv("TQDM_DISABLE", force)
    args = ["train", "--steps", "3", "--batch-size", "8", "--split", "test", "--out", str(tmp_path / "o"),
            "--device", "cpu", *(["--quiet"] if quiet else [])]
    assert cli.main(args) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["steps"] == 3
    assert ("3/3" in err) is shown and (err == "") is (not shown)


def test_evaluate_prints_one_json_object(tmp_path, capsys, mnist_test):
    images, _ = mnist_test
    npy = tmp_path / "real.npy"
    np.save(npy, images[:300].numpy())
    capsys.readouterr()
    assert cli.main(["evaluate", "--samples", str(npy), "--split", "test"]) == 0
    result = json.loads(capsys.readouterr().out)  # the whole of stdout is one JSON object
    for key in ("fd", "fd_real_floor", "coverage", "confidence", "precision", "recall"):
        assert key in result
    assert result["coverage"] >= 8  # real digits cover (nearly) every class


def test_evaluate_compares_with_digits_the_classifier_never_saw(tmp_path, capsys, monkeypatch, mnist_test):
    from ganedu import metrics

    images, labels = mnist_test
    np.save(tmp_path / "s.npy", images[:50].numpy())
    unseen = (images[1:200:2], labels[1:200:2])  # stands for the held-out half
    seen = []
    monkeypatch.setattr(metrics, "held_out", lambda clf, root=None: seen.append(clf) or unseen)
    monkeypatch.setattr(metrics, "evaluate", lambda fake, real, clf: {"n_real": len(real)})
    assert cli.main(["evaluate", "--samples", str(tmp_path / "s.npy")]) == 0
    assert json.loads(capsys.readouterr().out) == {"n_real": 100} and len(seen) == 1  # the default: held out
    assert cli.main(["evaluate", "--samples", str(tmp_path / "s.npy"), "--split", "test"]) == 0
    assert json.loads(capsys.readouterr().out) == {"n_real": len(images)} and len(seen) == 1


def test_evaluate_rejects_wrong_shapes(tmp_path, capsys):
    npy = tmp_path / "bad.npy"
    np.save(npy, np.zeros((4, 28, 28), np.float32))
    with pytest.raises(SystemExit):
        cli.main(["evaluate", "--samples", str(npy), "--split", "test"])
    assert "(N, 1, 28, 28)" in capsys.readouterr().err


def test_default_learning_rates_and_explicit_override(tmp_path):
    out = tmp_path / "run"
    cli.main(["train", "--steps", "1", "--batch-size", "4", "--split", "test", "--out", str(out), "--quiet",
              "--device", "cpu"])
    hist = json.loads((out / "history.json").read_text())
    assert hist["lr_d"] == [TrainConfig.lr_d] and hist["lr_g"] == [TrainConfig.lr_g]  # the same on every device
    cli.main(["train", "--steps", "1", "--batch-size", "4", "--split", "test", "--out", str(out), "--quiet",
              "--device", "cpu", "--lr-d", "1e-4"])
    hist = json.loads((out / "history.json").read_text())
    assert hist["lr_d"] == [1e-4] and hist["lr_g"] == [TrainConfig.lr_g]


def test_runs_average_the_generator_by_default_and_ema_0_turns_it_off(tmp_path):
    from ganedu import ema

    out = tmp_path / "run"
    cli.main(["train", "--steps", "2", "--out", str(out), *QUICK])
    saved = torch.load(out / "generator.pt", weights_only=True)["trainer"]
    assert saved["config"]["ema"] == ema.EMA_DECAY and saved["ema_updates"] == 2
    G = checkpoints.load_generator(out / "generator.pt")  # sample and evaluate read the average
    assert all(torch.equal(v, saved["generator_ema"][k]) for k, v in G.state_dict().items())
    cli.main(["train", "--steps", "2", "--out", str(out), "--ema", "0", *QUICK])
    saved = torch.load(out / "generator.pt", weights_only=True)["trainer"]
    assert saved["config"]["ema"] is None and "generator_ema" not in saved


@pytest.mark.parametrize("value", ["1", "-0.1", "nan", "x"])
def test_bad_ema_decay_is_an_argparse_error(value, capsys):
    err = fails(["train", "--ema", value, "--out", "x"], capsys)
    assert "--ema:" in err and ("decay in [0, 1)" in err or "expected a number" in err)


# --- nothing lost: --out checked first, whole-folder writes, saves on signals and every few minutes ---

QUICK = ["--batch-size", "8", "--split", "test", "--quiet", "--device", "cpu"]


def fails(args, capsys):
    """Run the CLI and return its stderr, after checking it ended with exit code 2 (no exception escaped)."""
    with pytest.raises(SystemExit) as exc:
        cli.main(args)
    assert exc.value.code == 2
    return capsys.readouterr().err


def no_training(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("training started before --out was checked")

    monkeypatch.setattr("ganedu.data.mnist", boom)


def test_out_that_is_a_file_is_refused_before_training(tmp_path, capsys, monkeypatch):
    no_training(monkeypatch)
    f = tmp_path / "run"
    f.write_text("mine")
    err = fails(["train", "--steps", "1", "--out", str(f), *QUICK], capsys)
    assert f"{f} is a file, not a folder" in err and "give --out a new folder" in err
    assert f.read_text() == "mine"


def test_empty_out_is_refused(capsys, monkeypatch):
    no_training(monkeypatch)
    assert "--out is empty" in fails(["train", "--steps", "1", "--out", "", *QUICK], capsys)


def test_out_holding_other_files_is_refused_and_left_alone(tmp_path, capsys, monkeypatch):
    no_training(monkeypatch)
    (tmp_path / "notes.txt").write_text("mine")
    err = fails(["train", "--steps", "1", "--out", str(tmp_path), *QUICK], capsys)
    assert "notes.txt" in err and "not a ganedu run" in err
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert not (tmp_path.parent / f"{tmp_path.name}.previous").exists()


def test_unwritable_out_is_refused_before_training(tmp_path, capsys, monkeypatch):
    no_training(monkeypatch)

    def denied(*args, **kwargs):  # what mkdtemp raises in a read-only folder (root ignores chmod, so fake it)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkdtemp", denied)
    err = fails(["train", "--steps", "1", "--out", str(tmp_path / "run"), *QUICK], capsys)
    assert f"cannot write into {tmp_path}" in err and "Permission denied" in err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_refused(tmp_path, capsys, monkeypatch):
    no_training(monkeypatch)
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        assert "cannot write into" in fails(["train", "--steps", "1", "--out", str(ro / "run"), *QUICK], capsys)
    finally:
        ro.chmod(0o755)


def test_a_run_replaces_its_folder_whole_and_keeps_the_previous(tmp_path):
    out = tmp_path / "run"
    assert cli.main(["train", "--steps", "3", "--out", str(out), *QUICK]) == 0
    assert cli.main(["train", "--steps", "2", "--out", str(out), *QUICK]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(cli.RUN_FILES)
    assert json.loads((out / "history.json").read_text())["step"] == [1, 2]
    assert torch.load(out / "generator.pt", weights_only=True)["trainer"]["step"] == 2
    previous = tmp_path / "run.previous"
    assert json.loads((previous / "history.json").read_text())["step"] == [1, 2, 3]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "run.previous"]  # no temp folder left


def test_a_failed_write_leaves_the_old_run_whole(tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    cli.main(["train", "--steps", "3", "--out", str(out), *QUICK])
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("ganedu.interface.plot.grid_png", disk_full)  # after generator.pt is written
    err = fails(["train", "--steps", "2", "--out", str(out), *QUICK], capsys)
    assert "No space left on device" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the old files, none of the new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_checkpoint_every_saves_while_training(tmp_path, monkeypatch):
    saved_at = []
    write_run = cli._write_run

    def recording(trainer, out):
        saved_at.append(trainer.step_count)
        write_run(trainer, out)

    monkeypatch.setattr(cli, "_write_run", recording)
    out = tmp_path / "run"
    assert cli.main(["train", "--steps", "6", "--out", str(out), "--checkpoint-every", "1e-9", *QUICK]) == 0
    assert saved_at == [1, 2, 3, 4, 5, 6, 6]  # after every step (the interval is ~0), then the final save
    saved_at.clear()
    assert cli.main(["train", "--steps", "6", "--out", str(out), "--checkpoint-every", "0", *QUICK]) == 0
    assert saved_at == [6]  # 0 = off: only the final save


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_saves_and_the_run_resumes(tmp_path, sig):
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "ganedu", "train", "--steps", "1000000", "--batch-size", "8", "--split", "test",
           "--device", "cpu", "--out", str(out)]
    env = {**os.environ, "GANEDU_QUICK": "1", "TQDM_DISABLE": "0"}  # the bar although stderr is a pipe
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    seen = b""
    while not re.search(rb"[0-9]step/s", seen):  # a measured rate on the bar: training is under way
        chunk = os.read(proc.stderr.fileno(), 4096)
        assert chunk, f"train ended before any progress: {seen!r}"
        seen += chunk
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=120)
    stderr = (seen + stderr).decode()
    assert proc.returncode == 128 + sig, stderr
    assert "Traceback" not in stderr
    summary = json.loads(stdout)
    assert 1 <= summary["steps"] < 1000000 and summary["stopped_by"] == signal.Signals(sig).name
    assert f"saved in {out}" in stderr and f"--resume {out / 'generator.pt'} --out {out}" in stderr
    steps = summary["steps"]
    assert json.loads((out / "history.json").read_text())["step"] == list(range(1, steps + 1))
    assert cli.main(["train", "--steps", "2", "--resume", str(out / "generator.pt"), "--out", str(out), *QUICK]) == 0
    assert json.loads((out / "history.json").read_text())["step"] == list(range(1, steps + 3))


# --- each generator loss trains with its own discriminator loss ---


def test_every_generator_loss_has_its_discriminator_loss():
    assert set(cli.LOSS_PAIRS) == set(losses.G_LOSSES)
    assert cli.build_parser()._subparsers._group_actions[0].choices["train"]._option_string_actions[
        "--loss"].choices == list(cli.LOSS_PAIRS)


@pytest.mark.parametrize("loss, d_loss, gp", [
    ("nonsaturating", losses.d_loss_bce, False),
    ("minimax", losses.d_loss_bce, False),
    ("least_squares", losses.d_loss_least_squares, False),
    ("wasserstein", losses.d_loss_wasserstein, True),
])
def test_train_pairs_the_losses(tmp_path, monkeypatch, loss, d_loss, gp):
    built = []

    def recording_trainer(*args, **kwargs):  # what the CLI asks the Trainer for
        built.append(kwargs)
        return Trainer(*args, **kwargs)

    monkeypatch.setattr(cli, "Trainer", recording_trainer)
    assert cli.main(["train", "--steps", "1", "--loss", loss, "--out", str(tmp_path / "run"), *QUICK]) == 0
    (kwargs,) = built
    assert kwargs["d_loss"] is d_loss
    penalty = kwargs["d_penalty"]
    if gp:  # WGAN's critic is kept Lipschitz by WGAN-GP's penalty with the course's weight
        assert penalty.func is losses.gradient_penalty
        assert penalty.keywords == {"weight": losses.GP_WEIGHT} and losses.GP_WEIGHT == 10
    else:
        assert penalty is None
    assert json.loads((tmp_path / "run" / "history.json").read_text())["loss"] == [loss]


def test_wgan_discriminator_loss_is_the_critic_loss(tmp_path, monkeypatch):
    # oracle: with the penalty off, the recorded D loss of step 1 equals E[f(fake)] - E[f(real)] on the same batch
    calls = []
    monkeypatch.setitem(cli.LOSS_PAIRS, "wasserstein", (lambda r, f: calls.append((r, f)) or f.mean() - r.mean(), None))
    monkeypatch.setattr(cli, "_write_run", lambda trainer, out: calls.append(trainer))
    cli.main(["train", "--steps", "1", "--loss", "wasserstein", "--out", str(tmp_path / "r"), "--model", "mlp", *QUICK])
    (real, fake), trainer = calls[0], calls[-1]
    assert trainer.history["d_loss"][0] == pytest.approx(float((fake.mean() - real.mean()).detach()), abs=1e-5)


# --- resuming: knobs apply, pinned settings must match ---


def test_resume_applies_knobs(tmp_path):
    out = tmp_path / "run"
    cli.main(["train", "--steps", "2", "--out", str(out), *QUICK])
    cli.main(["train", "--steps", "2", "--out", str(out), "--resume", str(out / "generator.pt"), "--k", "3",
              "--lr-d", "1e-3", "--loss", "least_squares", *QUICK])
    hist = json.loads((out / "history.json").read_text())
    assert hist["k"] == [1, 1, 3, 3] and hist["lr_d"][2:] == [1e-3, 1e-3]
    assert hist["loss"] == ["nonsaturating"] * 2 + ["least_squares"] * 2


def test_resume_keeps_the_saved_loss_pair(tmp_path, monkeypatch):
    out = tmp_path / "run"
    cli.main(["train", "--steps", "1", "--out", str(out), "--loss", "wasserstein", *QUICK])
    args = cli.build_parser().parse_args(["train", "--out", str(out), "--resume", str(out / "generator.pt"),
                                          "--device", "cpu"])
    asked, resume = [], checkpoints.resume

    def recording_resume(path, data, **kwargs):
        asked.append(kwargs)
        return resume(path, data, **kwargs)

    monkeypatch.setattr(cli.checkpoints, "resume", recording_resume)
    trainer = cli._resumed_trainer(args, torch.zeros(16, 1, 28, 28))
    assert trainer.loss == "wasserstein" and asked[0]["d_loss"] is losses.d_loss_wasserstein
    assert asked[0]["d_penalty"] is cli.LOSS_PAIRS["wasserstein"][1]
    args.loss = "least_squares"  # --loss on resume: the new loss with its own D loss
    trainer = cli._resumed_trainer(args, torch.zeros(16, 1, 28, 28))
    assert trainer.loss == "least_squares" and asked[1]["d_loss"] is losses.d_loss_least_squares
    assert asked[1]["d_penalty"] is None


@pytest.mark.parametrize("flag, value, pattern", [
    ("--batch-size", "16", "trained with batch_size=8"),
    ("--seed", "5", "trained with seed=0"),
    ("--model", "dcgan", "holds a mlp run"),
])
def test_resume_refuses_pinned_settings(tmp_path, capsys, flag, value, pattern):
    out = tmp_path / "run"
    cli.main(["train", "--steps", "1", "--out", str(out), *QUICK])
    before = (out / "generator.pt").read_bytes()
    err = fails(["train", "--steps", "1", "--out", str(out), "--resume", str(out / "generator.pt"), *QUICK,
                 flag, value], capsys)
    assert pattern in err and "without" in err
    assert (out / "generator.pt").read_bytes() == before
    # the same value as saved is fine
    same = {"--batch-size": "8", "--seed": "0", "--model": "mlp"}[flag]
    assert cli.main(["train", "--steps", "1", "--out", str(out), "--resume", str(out / "generator.pt"), *QUICK,
                     flag, same]) == 0


# --- sample --out: the file written is the file reported ---


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp("ckpt") / "run"
    cli.main(["train", "--steps", "1", "--out", str(out), *QUICK])
    return out / "generator.pt"


@pytest.mark.parametrize("name, written", [("noext", "noext.npy"), ("s.npy", "s.npy"), ("a.b", "a.b.npy")])
def test_sample_reports_the_file_it_writes(tmp_path, capsys, checkpoint, name, written):
    capsys.readouterr()
    assert cli.main(["sample", "--checkpoint", str(checkpoint), "--n", "3", "--out", str(tmp_path / name)]) == 0
    reported = json.loads(capsys.readouterr().out)["out"]
    assert reported == str(tmp_path / written) and np.load(reported).shape == (3, 1, 28, 28)
    assert [p.name for p in tmp_path.iterdir()] == [written]


def test_sample_refuses_a_folder_and_an_empty_out(tmp_path, capsys, checkpoint):
    base = ["sample", "--checkpoint", str(checkpoint), "--n", "2", "--out"]
    assert f"--out {tmp_path} is a folder" in fails([*base, str(tmp_path)], capsys)
    (tmp_path / "d.npy").mkdir()
    assert "is a folder" in fails([*base, str(tmp_path / "d")], capsys)
    assert "is a folder" in fails([*base, str(tmp_path / "new") + "/"], capsys)
    assert "--out is empty" in fails([*base, ""], capsys)
    assert [p.name for p in tmp_path.iterdir()] == ["d.npy"] and not any((tmp_path / "d.npy").iterdir())


# --- evaluate: only float digit arrays, and NumPy's unsafe advice never shown ---


@pytest.mark.parametrize("array, pattern", [
    (np.zeros((4, 1, 28, 28), np.uint8), "holds uint8 values"),
    (np.zeros((4, 1, 28, 28), np.complex64), "holds complex64 values"),
    (np.zeros((4, 1, 28, 28), np.int64), "holds int64 values"),
    (np.zeros((4, 28, 28), np.float32), "(N, 1, 28, 28), got (4, 28, 28)"),
])
def test_evaluate_checks_dtype_and_shape(tmp_path, capsys, array, pattern):
    npy = tmp_path / "bad.npy"
    np.save(npy, array)
    err = fails(["evaluate", "--samples", str(npy), "--split", "test"], capsys)
    assert pattern in err and ("float32" in err or "reshape" in err)


def test_evaluate_refuses_npz_and_text_files(tmp_path, capsys):
    npz = tmp_path / "digits.npz"
    np.savez(npz, x=np.zeros((2, 1, 28, 28), np.float32))
    renamed = npz.rename(tmp_path / "renamed.npy")
    assert "is a .npz archive, not one array" in fails(["evaluate", "--samples", str(renamed)], capsys)
    text = tmp_path / "text.npy"
    text.write_text("0.1 0.2 0.3\n")
    err = fails(["evaluate", "--samples", str(text)], capsys)
    assert "is not a NumPy array file" in err and "numpy.save" in err
    assert "allow_pickle" not in err and "pickle" not in err.lower()


# --- tampered checkpoints: a clear error, never a traceback ---


@pytest.mark.parametrize("tamper, pattern", [
    (lambda c: c["generator_spec"].update(kind="gpt"), "unknown model 'gpt'"),
    (lambda c: c["generator_spec"].update(kind="dcgan"), "do not fit together"),
    (lambda c: c["generator_spec"].update(wings=3), "wings"),
    (lambda c: [c["trainer"].pop(k, None) for k in ("generator", "generator_ema")], "no 'generator' entry"),
    (lambda c: c.pop("generator_spec"), "no 'generator_spec' entry"),
])
def test_tampered_checkpoint_is_a_clear_error(tmp_path, capsys, checkpoint, tamper, pattern):
    ckpt = torch.load(checkpoint, weights_only=True)
    tamper(ckpt)
    bad = tmp_path / "bad.pt"
    torch.save(ckpt, bad)
    err = fails(["sample", "--checkpoint", str(bad), "--n", "2", "--out", str(tmp_path / "s.npy")], capsys)
    assert pattern in err and str(bad) in err and len(err.strip().splitlines()) == 1
    err = fails(["train", "--steps", "1", "--resume", str(bad), "--out", str(tmp_path / "o"), *QUICK], capsys)
    assert pattern in err


def test_pickled_code_never_suggests_weights_only_false(tmp_path, capsys):
    evil = tmp_path / "evil.pt"
    torch.save({"format": "ganedu-checkpoint", "x": Evil()}, evil)
    err = fails(["sample", "--checkpoint", str(evil), "--n", "2", "--out", str(tmp_path / "s.npy")], capsys)
    assert "not a ganedu checkpoint or it contains code; ganedu only loads plain data" in err
    assert "weights_only" not in err


class Evil:
    def __reduce__(self):
        return (print, ("this would have run",))


def test_errors_reach_the_shell_without_traceback(tmp_path):
    bad = tmp_path / "bad.npy"
    np.save(bad, np.zeros((2, 1, 28, 28), np.uint8))
    r = subprocess.run([sys.executable, "-m", "ganedu", "evaluate", "--samples", str(bad)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("error: ") and "holds uint8 values" in r.stderr and "Traceback" not in r.stderr


def test_resume_refuses_a_conditional_run(tmp_path, capsys):
    torch.manual_seed(0)
    G, D = models.build("cgan")
    t = Trainer(G, D, torch.zeros(16, 1, 28, 28), TrainConfig(device="cpu", batch_size=8), labels=torch.arange(16) % 10)
    path = checkpoints.save(t, tmp_path / "c.pt")
    err = fails(["train", "--steps", "1", "--resume", str(path), "--out", str(tmp_path / "o"), *QUICK], capsys)
    assert "conditional cgan run" in err and "checkpoints.resume(path, images, labels=labels)" in err
