"""The headless contract: python -m ganedu train / sample / evaluate, and argparse-style errors."""

import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from ganedu import cli

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
        (["train", "--k", "0", "--out", "x"], "--k: must be >= 1"),
        (["train", "--lr-d", "-1", "--out", "x"], "--lr-d: must be a positive number"),
        (["train", "--lr-g", "abc", "--out", "x"], "--lr-g: expected a number"),
        (["train", "--model", "gpt", "--out", "x"], "--model: invalid choice: 'gpt'"),
        (["train", "--model", "cgan", "--out", "x"], "--model: invalid choice: 'cgan'"),
        (["train", "--loss", "wgan", "--out", "x"], "--loss: invalid choice"),
        (["train", "--steps", "5"], "the following arguments are required: --out"),
        (["sample", "--checkpoint", "c.pt", "--n", "0", "--out", "o.npy"], "--n: must be >= 1"),
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
    r = subprocess.run([sys.executable, "-m", "ganedu", "train", "--steps", "2", "--batch-size", "4", "--split", "test",
                        "--out", str(tmp_path / "o"), "--device", "cpu"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.strip().splitlines()[-1])["steps"] == 2
    assert "step 2/2" in r.stderr or "steps/s" in r.stderr or r.stderr == ""


def test_evaluate_prints_one_json_object(tmp_path, capsys, mnist_test):
    images, _ = mnist_test
    npy = tmp_path / "real.npy"
    np.save(npy, images[:300].numpy())
    capsys.readouterr()
    assert cli.main(["evaluate", "--samples", str(npy), "--split", "test"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    for key in ("fd", "fd_real_floor", "coverage", "confidence", "precision", "recall"):
        assert key in result
    assert result["coverage"] >= 8  # real digits cover (nearly) every class


def test_evaluate_rejects_wrong_shapes(tmp_path, capsys):
    npy = tmp_path / "bad.npy"
    np.save(npy, np.zeros((4, 28, 28), np.float32))
    with pytest.raises(SystemExit):
        cli.main(["evaluate", "--samples", str(npy), "--split", "test"])
    assert "(N, 1, 28, 28)" in capsys.readouterr().err


def test_cpu_default_learning_rate_and_explicit_override(tmp_path):
    out = tmp_path / "run"
    cli.main(["train", "--steps", "1", "--batch-size", "4", "--split", "test", "--out", str(out), "--quiet",
              "--device", "cpu"])
    assert json.loads((out / "history.json").read_text())["lr_d"] == [cli.CPU_LR]
    cli.main(["train", "--steps", "1", "--batch-size", "4", "--split", "test", "--out", str(out), "--quiet",
              "--device", "cpu", "--lr-d", "1e-4"])
    hist = json.loads((out / "history.json").read_text())
    assert hist["lr_d"] == [1e-4] and hist["lr_g"] == [cli.CPU_LR]
