"""ganedu.env: the setup banner, seeding, core counting under quotas, platform detection, report and estimates."""

from __future__ import annotations

import random
import sys
import types

import numpy as np
import pytest
import torch

import ganedu
from ganedu import config, env


@pytest.fixture
def threads():
    """Restore PyTorch's thread count after a test that may change it."""
    before = torch.get_num_threads()
    yield before
    torch.set_num_threads(before)


def test_setup_prints_one_banner_and_returns_the_device(capsys, monkeypatch, threads):
    monkeypatch.setattr(config, "QUICK", False)
    monkeypatch.setattr(env, "free_memory", lambda: (10_000.0, "machine"))  # plenty: no memory line
    device = env.setup(seed=0, device="cpu")
    lines = capsys.readouterr().out.splitlines()
    assert device == torch.device("cpu")
    assert len(lines) == 1
    assert f"ganedu {ganedu.__version__}" in lines[0] and f"torch {torch.__version__}" in lines[0]
    assert "device: cpu (" in lines[0] and "quick mode" not in lines[0]


def test_banner_mentions_quick_mode(capsys, monkeypatch, threads):
    monkeypatch.setattr(config, "QUICK", True)
    env.setup(seed=0, device="cpu")
    assert "quick mode (GANEDU_QUICK)" in capsys.readouterr().out


def test_setup_seeds_python_numpy_and_torch(threads):
    env.setup(seed=123, device="cpu")
    first = (random.random(), np.random.rand(), torch.rand(3))
    env.setup(seed=123, device="cpu")
    second = (random.random(), np.random.rand(), torch.rand(3))
    assert first[:2] == second[:2] and torch.equal(first[2], second[2])
    env.setup(seed=124, device="cpu")
    assert not torch.equal(torch.rand(3), first[2])


def test_setup_without_seed_leaves_the_generators_alone(threads):
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    env.setup(seed=None, device="cpu")
    assert torch.equal(torch.rand(3), expected)


def test_setup_rejects_bad_device_and_seed(threads):
    with pytest.raises(ValueError, match="unknown device"):
        env.setup(device="tpu9")
    with pytest.raises(ValueError, match="whole number >= 0.*seed=0"):
        env.setup(seed=-1, device="cpu")


def test_setup_leaves_the_thread_count_to_the_policy(monkeypatch, threads, capsys):
    torch.set_num_threads(2)
    calls = []
    monkeypatch.setattr(config, "adapt_threads", lambda: calls.append(1) or torch.get_num_threads())
    monkeypatch.setattr(env, "cpu_cores", lambda: 1)  # a 1-core quota: setup must still not pin the pool itself
    env.setup(seed=0, device="cpu")
    assert calls == [1]  # the policy was applied, once
    assert torch.get_num_threads() == 2  # ... and nothing else changed the count


def test_where(monkeypatch):
    for name in ("COLAB_RELEASE_TAG", "BINDER_LAUNCH_HOST", "BINDER_REQUEST", "BINDER_SERVICE_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert env.where() == "local"
    monkeypatch.setenv("BINDER_LAUNCH_HOST", "https://mybinder.org/")
    assert env.where() == "binder"
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert env.where() == "colab"


def test_seconds_per_step_warms_up_then_times_one_call():
    calls, ticks = [], iter([5.0, 7.0])  # a fake clock: the timed call takes 2 s

    assert env.seconds_per_step(calls.append, steps=20, timer=lambda: next(ticks)) == pytest.approx(0.1)
    assert calls == [env.WARMUP_STEPS, 20]  # warm-up steps first, untimed; then the timed steps in one call


def test_lesson_seconds_by_hand():
    work = env.LessonWork(gan_steps=1000, classifier_steps=400, figures=10)
    assert env.lesson_seconds(work, 0.1, 0.05, 0.2) == pytest.approx(100 + 20 + 2)


def test_estimate_scales_steps_timed_here_by_the_lesson_work():
    # fake clock: 20 GAN steps take 2 s, 20 classifier steps 1 s, 3 figures 0.6 s (the real steps still run)
    ticks = iter([0.0, 2.0, 10.0, 11.0, 20.0, 20.6])
    work = env.LessonWork(gan_steps=1000, classifier_steps=1200, figures=10)
    torch.manual_seed(3)
    expected_next = torch.rand(2)
    torch.manual_seed(3)
    seconds, text = env.estimate(torch.device("cpu"), work=work, timer=lambda: next(ticks))
    assert seconds == pytest.approx(1000 * 0.1 + 1200 * 0.05 + 10 * 0.2)  # 162 s; 102 s without the classifier
    assert text.startswith("about 3 min here, 2 min once the metrics classifier is cached")
    assert "100.0 ms per GAN step, 50 ms per classifier step, 200 ms per figure" in text
    assert torch.equal(torch.rand(2), expected_next)  # the learner's random stream is left alone


def test_mnist_lesson_counts_follow_the_code_they_count():
    from ganedu.interface import widgets

    assert env.MNIST_LESSON.gan_steps == 2 * widgets.RUN_STEPS + 50
    assert env.MNIST_LESSON.classifier_steps == -(-180_000 // 128)  # metrics.train_classifier's default pass count
    assert env._duration(10) == "10 s" and env._duration(180) == "3 min"


def test_describe_names_the_device_and_its_cores(monkeypatch):
    monkeypatch.setattr(env, "cpu_cores", lambda: 3)
    assert env.describe(torch.device("cpu")) == "cpu (3 cores)"
    monkeypatch.setattr(env, "gpu_name", lambda: "Some GPU (8 GiB)")
    assert env.describe(torch.device("cuda")) == "cuda (Some GPU (8 GiB))"


def test_report_lists_versions_hardware_and_mnist(empty_data_root):
    info = env.report(device="cpu")
    assert info["python"] == ".".join(map(str, sys.version_info[:3]))
    assert torch.__version__.startswith(info["torch"])
    assert info["cpu_cores"] == env.cpu_cores() >= 1
    assert info["mnist_dir"] == str(empty_data_root / "MNIST" / "raw")
    assert info["mnist_train"] is False and info["mnist_test"] is False
    assert info["estimate_seconds"] > 0 and "GAN step" in info["estimate"]


def test_report_sees_the_local_test_split(mnist_copy):
    info = env.report(root=mnist_copy, device="cpu")
    assert info["mnist_test"] is True and info["mnist_train"] is False


def test_report_names_a_missing_package(monkeypatch, empty_data_root):
    def version(dist):
        if dist == "torchvision":
            raise env.metadata.PackageNotFoundError(dist)
        return "1.0"

    monkeypatch.setattr(env.metadata, "version", version)
    assert env.report(device="cpu")["torchvision"] == "not installed"


def test_report_shows_as_table(empty_data_root):
    info = env.report(device="cpu")
    info["mnist_dir"] = "<dir & co>"
    page = info._repr_html_()
    assert page.startswith("<table>") and "&lt;dir &amp; co&gt;" in page and "<dir" not in page
    assert page.count("<tr>") == len(info)  # a header row, one row per fact but estimate_seconds
    text = str(info)
    assert "MNIST test split there" in text and "no (see below how to get it)" in text
    assert "estimate_seconds" not in text


def test_self_check_passes_and_leaves_random_streams_alone(capsys):
    torch.manual_seed(5)
    random.seed(5)
    np.random.seed(5)
    expected = (torch.rand(2), random.random(), np.random.rand())
    torch.manual_seed(5)
    random.seed(5)
    np.random.seed(5)
    assert env.self_check("cpu") is True
    assert torch.equal(torch.rand(2), expected[0])
    assert (random.random(), np.random.rand()) == expected[1:]
    out = capsys.readouterr().out
    assert "2 + 2 = 4" in out and "ready" in out


# --- free memory: /proc/meminfo and cgroup limits (Binder), and the warning setup() prints ---


def _meminfo(tmp_path, available_kb: int):
    path = tmp_path / "meminfo"
    path.write_text(f"MemTotal:       16000000 kB\nMemFree:         1000000 kB\nMemAvailable:   {available_kb} kB\n")
    return path


def test_free_memory_of_the_machine(tmp_path):
    assert env.free_memory(_meminfo(tmp_path, 3_000_000), tmp_path / "no-cgroup") == (3_000_000 * 1024 / 1e6,
                                                                                       "machine")
    assert env.free_memory(tmp_path / "absent", tmp_path / "no-cgroup") is None  # not Linux: unknown, no warning


def test_free_memory_under_a_cgroup_v2_limit(tmp_path):
    cg = tmp_path / "cg"
    cg.mkdir()
    (cg / "memory.max").write_text("2000000000\n")  # Binder: 2 GB for the whole session
    (cg / "memory.current").write_text("1700000000\n")
    (cg / "memory.stat").write_text("anon 1500000000\ninactive_file 200000000\n")  # droppable file cache
    assert env.free_memory(_meminfo(tmp_path, 50_000_000), cg) == (500.0, "container")  # 2000 - (1700 - 200)
    (cg / "memory.max").write_text("max\n")  # no limit: the machine's figure
    assert env.free_memory(_meminfo(tmp_path, 1_000_000), cg)[1] == "machine"


def test_free_memory_under_a_cgroup_v1_limit(tmp_path):
    v1 = tmp_path / "cg" / "memory"
    v1.mkdir(parents=True)
    (v1 / "memory.limit_in_bytes").write_text("1000000000\n")
    (v1 / "memory.usage_in_bytes").write_text("900000000\n")
    (v1 / "memory.stat").write_text("total_inactive_file 100000000\n")
    assert env.free_memory(_meminfo(tmp_path, 50_000_000), tmp_path / "cg") == (200.0, "container")
    (v1 / "memory.limit_in_bytes").write_text("9223372036854771712\n")  # v1's "no limit"
    assert env.free_memory(_meminfo(tmp_path, 50_000_000), tmp_path / "cg")[1] == "machine"


def test_setup_says_what_to_do_when_memory_is_low(capsys, monkeypatch, threads):
    monkeypatch.setattr(env, "free_memory", lambda: (420.0, "container"))
    env.setup(seed=0, device="cpu")
    banner, warning = capsys.readouterr().out.splitlines()
    assert banner.startswith("ganedu ")
    assert "420 MB" in warning and "Shut Down Kernel" in warning and "Running Terminals and Kernels" in warning
    monkeypatch.setattr(env, "free_memory", lambda: (env.LOW_MEMORY_MB + 1, "machine"))
    assert not env.warn_if_low_memory() and capsys.readouterr().out == ""


def _unset_language(monkeypatch) -> None:
    """$GANEDU_LANG unset for this test, and restored afterwards even when the code under test sets it (a plain
    delenv of an absent variable records nothing to restore)."""
    monkeypatch.setenv("GANEDU_LANG", "en")
    monkeypatch.delenv("GANEDU_LANG")


# --- the language: ge.setup(lang=...) and $GANEDU_LANG ------------------------------------------------------------

@pytest.fixture
def language(monkeypatch):
    """$GANEDU_LANG unset for the test, and matplotlib's settings restored after it (Chinese sets a font)."""
    import matplotlib

    _unset_language(monkeypatch)
    with matplotlib.rc_context():
        yield monkeypatch


def test_setup_selects_chinese_for_every_later_message(capsys, language, threads):
    env.setup(seed=0, device="cpu", lang="zh")
    banner = capsys.readouterr().out
    assert "设备: cpu (" in banner and "核" in banner
    assert ganedu.messages.language() == "zh"
    assert ganedu.messages.msg("dash_start") == ganedu.messages.ZH["dash_start"]
    env.setup(seed=0, device="cpu", lang="en")  # and back
    assert "device: cpu (" in capsys.readouterr().out


def test_setup_reads_the_language_from_the_environment(capsys, language, threads):
    language.setenv("GANEDU_LANG", "zh_CN.UTF-8")
    env.setup(seed=0, device="cpu")
    assert "设备:" in capsys.readouterr().out


def test_setup_keeps_english_and_the_environment_alone_by_default(capsys, language, threads):
    env.setup(seed=0, device="cpu")
    assert "device:" in capsys.readouterr().out
    assert "GANEDU_LANG" not in __import__("os").environ


@pytest.mark.parametrize("where", ["argument", "environment"])
def test_setup_refuses_an_unknown_language(where, capsys, language, threads):
    if where == "environment":
        language.setenv("GANEDU_LANG", "fr")
    with pytest.raises(ValueError, match=r"'fr'.*en, zh"):
        env.setup(seed=0, device="cpu", lang="fr" if where == "argument" else None)
    assert capsys.readouterr().out == ""  # no banner in a language nobody asked for
