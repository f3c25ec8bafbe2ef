"""ganedu.config: strict boolean switches, the cache folder, and the CPU-thread policy.

Oracles: the accepted spellings listed in the brief of issue 10, hand-made decisions of the thread policy, and a fake
clock and fake load readings for the rate limit of ``adapt_threads``.
"""

from __future__ import annotations

import importlib
import threading
from pathlib import Path

import pytest
import torch

from ganedu import config


@pytest.mark.parametrize("value", ["1", "true", "YES", " on ", "True"])
def test_flag_on(monkeypatch, value):
    monkeypatch.setenv("GANEDU_X", value)
    assert config._flag("GANEDU_X") is True


@pytest.mark.parametrize("value", ["", "0", "false", "No", "off", " OFF "])
def test_flag_off(monkeypatch, value):
    monkeypatch.setenv("GANEDU_X", value)
    assert config._flag("GANEDU_X") is False


def test_flag_unset_is_off(monkeypatch):
    monkeypatch.delenv("GANEDU_X", raising=False)
    assert config._flag("GANEDU_X") is False


def test_flag_typo_warns_naming_the_variable_and_counts_as_off(monkeypatch):
    monkeypatch.setenv("GANEDU_X", "maybe")
    with pytest.warns(UserWarning, match=r"GANEDU_X='maybe'.*1/true/yes/on.*0/false/no/off"):
        assert config._flag("GANEDU_X") is False


def test_quick_off_means_off_at_import(monkeypatch):
    monkeypatch.setenv("GANEDU_QUICK", "off")
    monkeypatch.setenv("GANEDU_OFFLINE", "off")
    try:
        importlib.reload(config)
        assert config.QUICK is False and config.OFFLINE is False
        monkeypatch.setenv("GANEDU_QUICK", "on")
        importlib.reload(config)
        assert config.QUICK is True
    finally:
        monkeypatch.undo()
        importlib.reload(config)  # back to the session's settings for the other tests


def test_cache_dir_rule(monkeypatch, tmp_path):
    monkeypatch.setenv("GANEDU_CACHE", str(tmp_path / "c"))
    monkeypatch.setenv("GANEDU_DATA", str(tmp_path / "data"))
    assert config.cache_dir() == tmp_path / "c"  # never the data folder
    monkeypatch.delenv("GANEDU_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert config.cache_dir() == tmp_path / "xdg" / "ganedu"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert config.cache_dir() == Path.home() / ".cache" / "ganedu"
    assert config.data_root(tmp_path / "r") == tmp_path / "r" and config.data_root() == tmp_path / "data"


def test_display_path_hand_cases(tmp_path, monkeypatch):
    home, work = tmp_path / "home" / "ana", tmp_path / "home" / "ana" / "course" / "notebooks"
    shown = lambda p: config.display_path(p, cwd=work, home=home)  # noqa: E731
    assert shown(work / "runs" / "05") == str(Path("runs") / "05")  # inside the working folder: relative
    assert shown(work) == "."
    assert shown(home / ".cache" / "ganedu") == str(Path("~") / ".cache" / "ganedu")  # home: ~
    assert shown(home) == "~"
    assert shown(tmp_path / "home" / "anabel" / "x") == str(tmp_path / "home" / "anabel" / "x")  # no prefix trap
    assert shown(tmp_path / "elsewhere") == str(tmp_path / "elsewhere")  # anywhere else: absolute
    monkeypatch.chdir(tmp_path)
    assert config.display_path("data/MNIST") == str(Path("data") / "MNIST")  # defaults: os.getcwd()


@pytest.mark.parametrize(("cores", "other", "current", "want"), [
    (2, 0.0, 2, 2),  # alone: every core
    (2, 0.0, 1, 2),  # the other run ended: back up
    (2, 1.0, 2, 1),  # another run or a busy process on one core: one thread
    (2, 2.0, 1, 1),
    (8, 0.6, 8, 1),  # half a core taken is enough to step down
    (2, 0.3, 1, 1),  # between the limits: keep what we have (no flapping)
    (2, 0.3, 2, 2),
    (2, 0.1, 1, 2),  # clearly idle again
    (1, 0.0, 4, 1),  # never more threads than cores
    (0, 0.0, 1, 1),  # a broken core count still gives one thread
])
def test_thread_policy_hand_cases(cores, other, current, want):
    assert config.thread_policy(cores, other, current) == want


def test_cpu_quota_reads_cgroup_v2_and_v1(tmp_path):
    assert config.cpu_quota(tmp_path) is None
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    assert config.cpu_quota(tmp_path) == 2  # 1.5 cores, rounded up
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert config.cpu_quota(tmp_path) is None


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def probe(monkeypatch):
    """A fresh probe, the policy on, 2 cores, and fake load readings; restores the thread count afterwards."""
    monkeypatch.setattr(config, "_LOCAL", threading.local())  # a fresh probe
    monkeypatch.setenv("GANEDU_THREADS", "auto")
    monkeypatch.setattr(config, "cpu_cores", lambda: 2)
    readings = {"machine": 0.0, "own": 0.0, "calls": 0}

    def machine() -> float:
        readings["calls"] += 1
        return readings["machine"]

    monkeypatch.setattr(config, "_machine_cpu_seconds", machine)
    monkeypatch.setattr(config.time, "process_time", lambda: readings["own"])
    before = torch.get_num_threads()
    yield readings
    torch.set_num_threads(before)


def test_adapt_threads_is_rate_limited_and_follows_the_load(probe):
    clock = FakeClock()
    torch.set_num_threads(2)
    assert config.adapt_threads(clock) == 2 and probe["calls"] == 1  # first look: nothing to compare yet
    for _ in range(100):  # every training step within CHECK_EVERY_S: no reading at all
        clock.now += 0.01
        config.adapt_threads(clock)
    assert probe["calls"] == 1
    clock.now += config.CHECK_EVERY_S
    probe["machine"] += 2.0 * 2.5  # 2 cores busy for the last 2.5 s, of which we used 1 core: others 1 core
    probe["own"] += 1.0 * 2.5
    assert config.adapt_threads(clock) == 1 and torch.get_num_threads() == 1 and probe["calls"] == 2
    clock.now += 2.0
    probe["machine"] += 0.9 * 2.0  # only our own single thread runs now
    probe["own"] += 0.9 * 2.0
    assert config.adapt_threads(clock) == 2 and torch.get_num_threads() == 2


def test_adapt_threads_leaves_a_one_thread_block_alone(probe):
    """Tiny nets pinned to one thread (config.one_thread) stay there: same run, same numbers, on an idle machine."""
    clock = FakeClock()
    torch.set_num_threads(2)
    with config.one_thread():
        for _ in range(3):  # an idle machine would give 2 threads
            clock.now += 5
            assert config.adapt_threads(clock) == 1 and torch.get_num_threads() == 1
    assert torch.get_num_threads() == 2
    clock.now += 5
    config.adapt_threads(clock)
    clock.now += 5
    assert config.adapt_threads(clock) == 2  # outside the block the policy applies again


def test_adapt_threads_fixed_or_unreadable_keeps_the_count(probe, monkeypatch):
    clock = FakeClock()
    torch.set_num_threads(2)
    monkeypatch.setenv("GANEDU_THREADS", "fixed")
    for _ in range(3):
        clock.now += 5
        probe["machine"] += 10.0  # a fully busy machine would mean one thread, but the policy is off
        assert config.adapt_threads(clock) == 2
    assert probe["calls"] == 0
    monkeypatch.setenv("GANEDU_THREADS", "auto")
    monkeypatch.setattr(config, "_machine_cpu_seconds", lambda: None)  # not Linux
    for _ in range(3):
        clock.now += 5
        assert config.adapt_threads(clock) == 2


def test_each_thread_has_its_own_probe(probe):
    clock = FakeClock()
    config.adapt_threads(clock)
    config.adapt_threads(clock)  # rate-limited in this thread
    assert probe["calls"] == 1
    other = threading.Thread(target=config.adapt_threads, args=(clock,))
    other.start()
    other.join()
    assert probe["calls"] == 2  # a dashboard's training thread takes its own first look (OpenMP counts are per thread)


@pytest.mark.parametrize(
    ("files", "cores"),
    [
        ({"cpu.max": "200000 100000\n"}, 2),
        ({"cpu.max": "150000 100000\n"}, 2),  # 1.5 cores of quota -> 2 threads
        ({"cpu.max": "50000 100000\n"}, 1),
        ({"cpu.max": "max 100000\n"}, None),
        ({"cpu/cpu.cfs_quota_us": "400000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 4),  # cgroup v1
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
        ({}, None),
    ],
)
def test_cpu_quota_of_each_cgroup_layout(tmp_path, files, cores):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert config.cpu_quota(tmp_path) == cores


def test_cpu_cores_is_capped_by_the_quota(monkeypatch):
    monkeypatch.setattr(config, "cpu_quota", lambda: 2)
    monkeypatch.setattr(config.os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert config.cpu_cores() == 2
    monkeypatch.setattr(config, "cpu_quota", lambda: None)
    assert config.cpu_cores() == 64


def test_run_path_follows_ganedu_runs_and_creates_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("GANEDU_RUNS", str(tmp_path / "my runs"))
    path = config.run_path("05_mlp_gan.pt")
    assert path == tmp_path / "my runs" / "05_mlp_gan.pt"
    assert not (tmp_path / "my runs").exists()  # the saver creates the folder, not the lookup
    monkeypatch.delenv("GANEDU_RUNS")
    assert config.run_path("x.pt") == Path("runs") / "x.pt"  # relative: beside the notebook that saves it


def test_notebooks_save_runs_through_run_path():
    """No code cell names a literal runs/ path: under the tests, $GANEDU_RUNS (a temp folder, see conftest.py)
    must catch every checkpoint a notebook writes, so running a notebook leaves the checkout unchanged."""
    import json

    notebooks = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
    assert notebooks
    for nb in notebooks:
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            source = "".join(cell["source"])
            if cell["cell_type"] == "code":
                assert '"runs/' not in source and "'runs/" not in source, f"{nb.name} cell {i}: use ge.config.run_path"
