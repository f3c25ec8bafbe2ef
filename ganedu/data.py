"""MNIST digits as tensors: find torchvision-layout files, verify them, decode them, download if asked.

Layout (the one ``torchvision.datasets.MNIST`` writes)::

    <root>/MNIST/raw/train-images-idx3-ubyte.gz   60000 images    train-labels-idx1-ubyte.gz
    <root>/MNIST/raw/t10k-images-idx3-ubyte.gz    10000 images    t10k-labels-idx1-ubyte.gz

``<root>`` is ``config.data_root(root)``: the argument, else ``$GANEDU_DATA``, else a per-user cache. Each split
stands alone, so the test split loads even where the train split is absent. The IDX files are parsed here with
gzip + NumPy (no PIL, no torchvision): a ``.gz`` must match the official MD5, and every file must have the IDX
header, sizes and length MNIST has.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import socket
from pathlib import Path

import numpy as np
import torch

from . import config
from .messages import msg

#: split -> (file prefix, number of digits)
SPLITS: dict[str, tuple[str, int]] = {"train": ("train", 60_000), "test": ("t10k", 10_000)}
#: Official MD5s of the gzipped files, as listed in ``torchvision.datasets.MNIST.resources``.
MD5: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
SIDE = 28  # MNIST digits are 28 x 28 pixels
IMAGES_MAGIC = 2051  # IDX header: 0x00000803 = unsigned bytes, 3 dimensions (count, rows, cols)
LABELS_MAGIC = 2049  # IDX header: 0x00000801 = unsigned bytes, 1 dimension (count)
DOWNLOAD_TIMEOUT_S = 20.0  # per network operation: offline machines fail in seconds, not minutes

# Decoded uint8 arrays keyed by (file path, mtime, size) pairs, so a second call skips gunzip + MD5 but still
# notices a replaced file. uint8 keeps the train split at 47 MB; each call converts to fresh float tensors.
_CACHE: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}


class DataUnavailable(RuntimeError):
    """MNIST files are missing and could not be downloaded (offline, no torchvision, ...)."""


class DataCorrupt(RuntimeError):
    """An MNIST file exists but is damaged or is not an MNIST file."""


def raw_dir(root: str | os.PathLike | None = None) -> Path:
    """The folder that holds the IDX files: ``config.data_root(root) / "MNIST" / "raw"``."""
    return config.data_root(root) / "MNIST" / "raw"


def _check_split(split: str) -> str:
    if split not in SPLITS:
        raise ValueError(msg("data_bad_split", split=split))
    return split


def _stems(split: str) -> tuple[str, str]:
    prefix = SPLITS[split][0]
    return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"


def _locate(raw: Path, split: str) -> tuple[list[Path], list[Path]]:
    """(found files, missing .gz files) for a split; a gzipped file wins over an unpacked one."""
    found, missing = [], []
    for stem in _stems(split):
        gz, plain = raw / f"{stem}.gz", raw / stem
        if gz.is_file():
            found.append(gz)
        elif plain.is_file():
            found.append(plain)
        else:
            missing.append(gz)
    return found, missing


def available(split: str = "test", root: str | os.PathLike | None = None) -> bool:
    """Whether both files of ``split`` are on disk (no download, no verification)."""
    _check_split(split)
    return not _locate(raw_dir(root), split)[1]


def _read_idx(path: Path, magic: int, count: int, dims: tuple[int, ...]) -> np.ndarray:
    """Verify and decode one IDX file -> uint8 array of shape (count, *dims)."""
    data = path.read_bytes()
    if path.suffix == ".gz":  # the official MD5 covers the gzip stream, so a match also means it unpacks
        want, got = MD5[path.name], hashlib.md5(data).hexdigest()
        if got != want:
            raise DataCorrupt(msg("data_corrupt", path=path, reason=f"MD5 {got}, the official file has {want}"))
        data = gzip.decompress(data)
    header = 4 * (1 + len(dims) + 1)  # magic, count, then one 32-bit size per extra dimension
    if len(data) < header:
        raise DataCorrupt(msg("data_corrupt", path=path, reason=f"only {len(data)} bytes"))
    fields = tuple(int(v) for v in np.frombuffer(data, dtype=">u4", count=header // 4))
    if fields != (magic, count, *dims):
        reason = f"IDX header {fields}, expected {(magic, count, *dims)}"
        raise DataCorrupt(msg("data_corrupt", path=path, reason=reason))
    size = count * int(np.prod(dims, dtype=np.int64))
    if len(data) != header + size:
        reason = f"{len(data) - header} data bytes, expected {size}"
        raise DataCorrupt(msg("data_corrupt", path=path, reason=reason))
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(count, *dims).copy()  # writable for torch


def _download(split: str, root: Path, missing: list[Path]) -> None:
    """Fetch MNIST with torchvision into ``root``; any failure becomes one DataUnavailable."""
    raw = root / "MNIST" / "raw"
    print(msg("data_downloading", split=split, raw=raw), flush=True)
    reason = None
    old_timeout = socket.getdefaulttimeout()
    try:
        from torchvision.datasets import MNIST  # lazy: only a download needs torchvision

        socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)  # urllib has no timeout of its own: never hang offline
        MNIST(str(root), train=(split == "train"), download=True)
    except ImportError:
        reason = msg("data_no_torchvision")
    except Exception as err:  # noqa: BLE001 - network, HTTP and disk errors all mean "not available"
        reason = f"{type(err).__name__}: {err}".strip().splitlines()[0][:200].rstrip(":")
    finally:
        socket.setdefaulttimeout(old_timeout)
    if reason is None and _locate(raw, split)[1]:
        reason = "the download finished but the files are still missing"
    if reason is not None:
        files = ", ".join(str(p) for p in missing)
        raise DataUnavailable(msg("data_missing", split=split, reason=reason, files=files, raw=raw))


def mnist(
    split: str = "train", root: str | os.PathLike | None = None, download: bool | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST ``split`` ("train" or "test") as ``(images, labels)``.

    images: float32 (N, 1, 28, 28) scaled to [-1, 1] as ``x / 127.5 - 1`` (pixel 0 -> -1, 255 -> 1);
    labels: int64 (N,) in 0..9. N is 60000 (train) or 10000 (test). Files are looked for under
    ``config.data_root(root)/MNIST/raw``; missing ones are downloaded with torchvision when ``download`` is True.
    Raises ``DataUnavailable`` (missing, offline) or ``DataCorrupt`` (a file fails its checks).
    The returned tensors are fresh each call; only the decoded bytes are cached.
    """
    _check_split(split)
    if download is None:  # downloads are on unless $GANEDU_OFFLINE says otherwise (the test suite sets it)
        download = not config.OFFLINE
    data_root = config.data_root(root)
    raw = data_root / "MNIST" / "raw"
    found, missing = _locate(raw, split)
    if missing:
        if not download:
            files = ", ".join(str(p) for p in missing)
            reason = msg("data_download_off")
            raise DataUnavailable(msg("data_missing", split=split, reason=reason, files=files, raw=raw))
        _download(split, data_root, missing)
        found, _ = _locate(raw, split)
    key = tuple((str(p.resolve()), p.stat().st_mtime_ns, p.stat().st_size) for p in found)
    if key not in _CACHE:
        count = SPLITS[split][1]
        images = _read_idx(found[0], IMAGES_MAGIC, count, (SIDE, SIDE))
        labels = _read_idx(found[1], LABELS_MAGIC, count, ())
        if labels.max() > 9:
            raise DataCorrupt(msg("data_corrupt", path=found[1], reason=f"label {labels.max()} is not a digit"))
        _CACHE[key] = (images, labels)
    images, labels = _CACHE[key]
    x = torch.from_numpy(images).to(torch.float32).div_(127.5).sub_(1.0).unsqueeze(1)  # (N, 1, 28, 28)
    y = torch.from_numpy(labels).to(torch.int64)  # (N,)
    return x, y


def best_split(root: str | os.PathLike | None = None) -> str:
    """The split a lesson should train on: "train" (60,000 digits) when it is on disk or may be downloaded,
    else "test" (10,000) when only that one is here, as on an offline classroom machine."""
    if available("train", root) or not available("test", root):
        return "train"
    return "test"
