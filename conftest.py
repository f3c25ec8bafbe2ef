"""Shared test setup: where MNIST is, quick mode, and skipping notebooks that need MNIST where none is on disk.

Runs before any test module imports ganedu, so the environment set here is what ``ganedu.config`` reads and what
nbval's notebook kernels inherit.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent
SHARED_DATA = REPO.parent / "shared" / "data"  # the course's local MNIST (test split only), beside the checkout

if not os.environ.get("GANEDU_DATA") and SHARED_DATA.is_dir():
    os.environ["GANEDU_DATA"] = str(SHARED_DATA)
os.environ.setdefault("GANEDU_QUICK", "1")
os.environ.setdefault("GANEDU_CACHE", tempfile.mkdtemp(prefix="ganedu-test-cache-"))  # never write into data
os.environ.setdefault("GANEDU_RUNS", tempfile.mkdtemp(prefix="ganedu-test-runs-"))  # never write into the checkout
os.environ["GANEDU_OFFLINE"] = "1"  # tests never reach the internet: a missing split fails fast instead
os.environ["GANEDU_THREADS"] = "fixed"  # the thread policy must not undo the one thread pinned below


def pytest_configure(config: pytest.Config) -> None:
    """One PyTorch thread for the whole run, before any test: the nets here are tiny (one thread is as fast), and
    on a busy shared machine two OpenMP threads ran 4-25x slower than one."""
    import torch

    torch.set_num_threads(1)


# A notebook needs MNIST when its metadata says so ({"ganedu": {"needs_mnist": true}}) or, failing that, when a
# code cell calls ``mnist(`` (``ge.mnist(...)``, ``ge.data.mnist(...)``).
_MNIST_CALL = re.compile(r"\bmnist\s*\(")


def local_mnist_reason(split: str = "test") -> str | None:
    """None if the ``split`` files are on disk, else the reason a test that needs them is skipped."""
    from ganedu import data

    if data.available(split):
        return None
    return (f"no local MNIST {split} split in {data.raw_dir()}: set GANEDU_DATA to a folder holding MNIST/raw/ "
            f"(CI points it at ../shared/data), or download it once with python -c \"import ganedu; "
            f"ganedu.mnist('{split}')\"")


def needs_mnist(notebook: Path) -> bool:
    """Whether a notebook needs MNIST (see ``_MNIST_CALL`` above for the rule)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    flag = nb.get("metadata", {}).get("ganedu", {}).get("needs_mnist")
    if flag is not None:
        return bool(flag)
    return any(cell.get("cell_type") == "code" and _MNIST_CALL.search("".join(cell.get("source", "")))
               for cell in nb.get("cells", []))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip every cell of an MNIST notebook, with the reason, when the local test split is absent."""
    reason = local_mnist_reason("test")
    if reason is None:
        return
    verdicts: dict[Path, bool] = {}
    for item in items:
        path = Path(str(item.path))
        if path.suffix != ".ipynb":
            continue
        if path not in verdicts:
            verdicts[path] = needs_mnist(path)
        if verdicts[path]:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def mnist_test():
    """The local MNIST test split ``(images, labels)``; skips the test where it is absent. Never downloads."""
    reason = local_mnist_reason("test")
    if reason is not None:
        pytest.skip(reason)
    from ganedu import data

    return data.mnist("test", download=False)


@pytest.fixture
def empty_data_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder that ``$GANEDU_DATA`` points at for this test."""
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("GANEDU_DATA", str(root))
    return root


@pytest.fixture
def mnist_copy(tmp_path: Path) -> Path:
    """A data root in tmp_path holding a copy of the local test split's .gz files (to damage freely)."""
    reason = local_mnist_reason("test")
    if reason is not None:
        pytest.skip(reason)
    from ganedu import data

    names = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
    if not all((data.raw_dir() / name).is_file() for name in names):
        pytest.skip(f"the local MNIST test split in {data.raw_dir()} is not gzipped")
    root = tmp_path / "copy"
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in names:
        shutil.copyfile(data.raw_dir() / name, raw / name)
    return root


@pytest.fixture
def one_thread():
    """One thread for this test (the whole run has one already, see ``pytest_configure``; kept for old tests)."""
    from ganedu import config

    with config.one_thread():
        yield
