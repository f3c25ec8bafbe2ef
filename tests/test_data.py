"""ganedu.data: MNIST found, verified, decoded and cached; downloads mocked; offline and damaged files explained.

Oracles: the IDX bytes decoded independently with gzip + struct, the published per-class counts of the MNIST
test split, and the official MD5s. No test reaches the internet: torchvision is replaced by fakes.
"""

from __future__ import annotations

import gzip
import os
import shutil
import socket
import struct
import sys
import types
from pathlib import Path
from urllib.error import URLError

import pytest
import torch

from ganedu import data

# Digits per class in the MNIST test split (0..9), as published with the data set.
TEST_CLASS_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
TEST_FIRST_LABELS = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
T10K = ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def fake_torchvision(monkeypatch: pytest.MonkeyPatch, mnist_class) -> None:
    """Make ``from torchvision.datasets import MNIST`` return ``mnist_class`` (torchvision installed or not)."""
    package, datasets = types.ModuleType("torchvision"), types.ModuleType("torchvision.datasets")
    datasets.MNIST = mnist_class
    package.datasets = datasets
    monkeypatch.setitem(sys.modules, "torchvision", package)
    monkeypatch.setitem(sys.modules, "torchvision.datasets", datasets)


def offline_mnist(calls: list):
    """A torchvision MNIST stand-in that fails the way an offline download does."""

    class OfflineMNIST:
        def __init__(self, root, train=True, download=False):
            calls.append({"root": root, "train": train, "download": download, "timeout": socket.getdefaulttimeout()})
            raise RuntimeError("Error downloading train-images-idx3-ubyte.gz")

    return OfflineMNIST


def unpack(gz: Path) -> bytes:
    return gzip.decompress(gz.read_bytes())


# --- loading the real test split ------------------------------------------------------------------------------


def test_test_split_shapes_range_and_labels(mnist_test):
    images, labels = mnist_test
    assert images.shape == (10_000, 1, 28, 28) and images.dtype == torch.float32
    assert labels.shape == (10_000,) and labels.dtype == torch.int64
    assert images.min().item() == -1.0 and images.max().item() == 1.0
    assert labels[:10].tolist() == TEST_FIRST_LABELS
    assert torch.bincount(labels, minlength=10).tolist() == TEST_CLASS_COUNTS


def test_pixels_match_an_independent_idx_decode(mnist_copy):
    raw = unpack(mnist_copy / "MNIST" / "raw" / f"{T10K[0]}.gz")
    magic, count, rows, cols = struct.unpack(">IIII", raw[:16])
    assert (magic, count, rows, cols) == (2051, 10_000, 28, 28)
    images, _ = data.mnist("test", root=mnist_copy)
    for index, row, col in [(0, 0, 0), (0, 14, 14), (1, 10, 12), (9_999, 20, 7)]:
        byte = raw[16 + index * 784 + row * 28 + col]
        assert images[index, 0, row, col].item() == pytest.approx(byte / 127.5 - 1.0, abs=1e-6)


def test_present_split_loads_while_the_other_is_absent(mnist_copy, monkeypatch):
    calls: list = []
    fake_torchvision(monkeypatch, offline_mnist(calls))
    assert data.available("test", root=mnist_copy)
    assert not data.available("train", root=mnist_copy)
    images, labels = data.mnist("test", root=mnist_copy)  # download=True, yet nothing to fetch
    assert len(images) == len(labels) == 10_000
    assert calls == []


def test_unpacked_files_load_like_gzipped_ones(mnist_copy, tmp_path):
    root = tmp_path / "unpacked"
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for stem in T10K:
        (raw / stem).write_bytes(unpack(mnist_copy / "MNIST" / "raw" / f"{stem}.gz"))
    x1, y1 = data.mnist("test", root=mnist_copy)
    x2, y2 = data.mnist("test", root=root)
    assert torch.equal(x1, x2) and torch.equal(y1, y2)


def test_second_call_uses_the_cache_and_returns_fresh_tensors(mnist_copy, monkeypatch):
    data.mnist("test", root=mnist_copy)
    reads = []
    real = data._read_idx
    monkeypatch.setattr(data, "_read_idx", lambda *a, **k: reads.append(a) or real(*a, **k))
    x1, _ = data.mnist("test", root=mnist_copy)
    x1.fill_(0.0)  # a learner editing the tensor in place must not change the next call's result
    x2, _ = data.mnist("test", root=mnist_copy)
    assert reads == []
    assert x2.max().item() == 1.0


def test_replaced_file_is_read_again(mnist_copy, monkeypatch):
    data.mnist("test", root=mnist_copy)
    labels = mnist_copy / "MNIST" / "raw" / f"{T10K[1]}.gz"
    stat = labels.stat()
    blob = bytearray(labels.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    labels.write_bytes(bytes(blob))  # same size, new content
    os.utime(labels, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # a newer mtime, whatever the clock's grain
    with pytest.raises(data.DataCorrupt):
        data.mnist("test", root=mnist_copy)


# --- where files are looked for ----------------------------------------------------------------------------------


def test_root_argument_wins_over_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GANEDU_DATA", str(tmp_path / "env"))
    assert data.raw_dir(tmp_path / "arg") == tmp_path / "arg" / "MNIST" / "raw"
    assert data.raw_dir() == tmp_path / "env" / "MNIST" / "raw"


def test_user_cache_when_nothing_is_set(tmp_path, monkeypatch):
    monkeypatch.delenv("GANEDU_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert data.raw_dir() == tmp_path / "ganedu" / "MNIST" / "raw"


def test_bad_split_is_refused_with_the_choices(tmp_path):
    for call in (lambda: data.mnist("validation", root=tmp_path), lambda: data.available("training", tmp_path)):
        with pytest.raises(ValueError, match="'train' or 'test'"):
            call()


# --- downloads (mocked) and the offline message -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def downloads_allowed(monkeypatch):
    """The suite runs with GANEDU_OFFLINE=1; these tests mock torchvision, so they may take the download path."""
    from ganedu import config

    monkeypatch.setattr(config, "OFFLINE", False)


def test_offline_switch_never_downloads(empty_data_root, monkeypatch):
    from ganedu import config

    monkeypatch.setattr(config, "OFFLINE", True)
    monkeypatch.setattr(data, "_download", lambda *a: pytest.fail("GANEDU_OFFLINE must not download"))
    with pytest.raises(data.DataUnavailable, match="MNIST test split not found"):
        data.mnist("test")



def test_download_fetches_with_torchvision_then_loads(mnist_copy, empty_data_root, monkeypatch):
    calls = []

    class FakeMNIST:  # "downloads" by copying the local test split into place
        def __init__(self, root, train=True, download=False):
            calls.append({"root": root, "train": train, "download": download, "timeout": socket.getdefaulttimeout()})
            shutil.copytree(mnist_copy / "MNIST", Path(root) / "MNIST", dirs_exist_ok=True)

    fake_torchvision(monkeypatch, FakeMNIST)
    before = socket.getdefaulttimeout()
    images, labels = data.mnist("test")
    assert calls == [{"root": str(empty_data_root), "train": False, "download": True,
                      "timeout": data.DOWNLOAD_TIMEOUT_S}]
    assert socket.getdefaulttimeout() == before  # the short timeout is only for the download
    assert images.shape == (10_000, 1, 28, 28) and labels[:10].tolist() == TEST_FIRST_LABELS


def test_offline_gives_one_clear_message(empty_data_root, monkeypatch):
    calls: list = []
    fake_torchvision(monkeypatch, offline_mnist(calls))
    with pytest.raises(data.DataUnavailable) as info:
        data.mnist("train")
    text = str(info.value)
    raw = empty_data_root / "MNIST" / "raw"
    assert len(calls) == 1 and calls[0]["train"] is True and calls[0]["timeout"] == data.DOWNLOAD_TIMEOUT_S
    assert str(raw / "train-images-idx3-ubyte.gz") in text and str(raw / "train-labels-idx1-ubyte.gz") in text
    assert "Error downloading" in text  # the reason
    assert "internet" in text and "GANEDU_DATA" in text and f"into {raw}" in text  # the fixes
    assert isinstance(info.value, RuntimeError)


def test_network_error_types_are_caught_too(empty_data_root, monkeypatch):
    class TimeoutMNIST:
        def __init__(self, root, train=True, download=False):
            raise URLError(TimeoutError("timed out"))

    fake_torchvision(monkeypatch, TimeoutMNIST)
    with pytest.raises(data.DataUnavailable, match="timed out"):
        data.mnist("test")


def test_missing_torchvision_is_named(empty_data_root, monkeypatch):
    monkeypatch.setitem(sys.modules, "torchvision", None)  # makes the import fail as if not installed
    monkeypatch.setitem(sys.modules, "torchvision.datasets", None)
    with pytest.raises(data.DataUnavailable, match="pip install torchvision"):
        data.mnist("test")


def test_download_false_never_calls_torchvision(empty_data_root, monkeypatch):
    calls: list = []
    fake_torchvision(monkeypatch, offline_mnist(calls))
    with pytest.raises(data.DataUnavailable, match="download=False"):
        data.mnist("test", download=False)
    assert calls == []


def test_download_that_leaves_no_files_is_reported(empty_data_root, monkeypatch):
    fake_torchvision(monkeypatch, lambda root, train=True, download=False: None)
    with pytest.raises(data.DataUnavailable, match="still missing"):
        data.mnist("test")


# --- damaged files ---------------------------------------------------------------------------------------------


def test_flipped_byte_in_gz_fails_the_md5(mnist_copy):
    gz = mnist_copy / "MNIST" / "raw" / f"{T10K[0]}.gz"
    blob = bytearray(gz.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    gz.write_bytes(bytes(blob))
    with pytest.raises(data.DataCorrupt) as info:
        data.mnist("test", root=mnist_copy)
    assert str(gz) in str(info.value) and "9fb629c4189551a2d022fa330f9573f3" in str(info.value)
    assert "Delete it" in str(info.value)


@pytest.mark.parametrize(
    ("stem", "damage", "expected"),
    [
        (T10K[0], lambda b: b[:-100], "data bytes"),  # truncated
        (T10K[0], lambda b: struct.pack(">I", 2049) + b[4:], "IDX header"),  # labels' magic on an image file
        (T10K[1], lambda b: b[:8] + bytes([10]) + b[9:], "not a digit"),  # label 10
        (T10K[1], lambda b: b[:6], "only 6 bytes"),
    ],
)
def test_damaged_unpacked_files_are_explained(mnist_copy, stem, damage, expected):
    raw = mnist_copy / "MNIST" / "raw"
    for name in T10K:  # unpack both, then damage one
        (raw / name).write_bytes(unpack(raw / f"{name}.gz"))
        (raw / f"{name}.gz").unlink()
    (raw / stem).write_bytes(damage((raw / stem).read_bytes()))
    with pytest.raises(data.DataCorrupt, match=expected) as info:
        data.mnist("test", root=mnist_copy)
    assert str(raw / stem) in str(info.value)


def test_md5_table_matches_torchvisions():
    datasets = pytest.importorskip("torchvision.datasets")
    assert data.MD5 == dict(datasets.MNIST.resources)


def test_best_split_prefers_train_and_falls_back_to_test(mnist_copy, empty_data_root):
    assert data.best_split(root=empty_data_root) == "train"  # nothing here: the train split will be downloaded
    assert data.best_split(root=mnist_copy) == "test"  # only the test split on disk
    raw = Path(mnist_copy) / "MNIST" / "raw"
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        (raw / name).write_bytes(b"x")
    assert data.best_split(root=mnist_copy) == "train"
