"""Progress bars (ganedu.progress): shown when asked for, silent when quiet, and on every long run without a
dashboard (Trainer.train, the classifier, toy presets, recipe comparisons). tqdm writes to stderr; pytest's capture
is not a terminal, so the default (None) shows nothing here, exactly as in a log file."""

from __future__ import annotations

import pytest
import torch

from ganedu import metrics, progress
from ganedu.lessons import stabilise, toy
from ganedu.messages import msg

pytest.importorskip("tqdm")


@pytest.mark.parametrize("asked, env, expected", [
    (True, "1", False), (False, "0", True),  # an explicit choice wins over the environment
    (None, None, None), (None, "1", True), (None, "true", True), (None, "0", False), (None, "", None),
])
def test_disabled_reads_the_argument_then_tqdm_disable(monkeypatch, asked, env, expected):
    if env is None:
        monkeypatch.delenv("TQDM_DISABLE", raising=False)
    else:
        monkeypatch.setenv("TQDM_DISABLE", env)
    assert progress.disabled(asked) is expected


def test_quiet_bar_is_a_stand_in(capsys):
    with progress.bar(10, "x", progress=False) as bar:
        bar.update(3)
        bar.set_postfix_str("y")
    assert isinstance(bar, progress._Off)
    assert capsys.readouterr() == ("", "")


def _trainer():
    return toy.make_trainer("healthy")


def test_training_bar_counts_the_steps_and_shows_the_losses(capsys):
    trainer = _trainer()
    trainer.train(steps=7, progress=True, desc="run A")
    err = capsys.readouterr().err
    row = trainer.history.last()
    assert "run A" in err and "7/7" in err and msg("progress_unit_step") in err
    assert msg("progress_losses", d_loss=row["d_loss"], g_loss=row["g_loss"]) in err  # where training ended


@pytest.mark.parametrize("kwargs", [{}, {"progress": False}, {"progress": None}])
def test_training_is_silent_by_default_when_quiet_and_off_a_terminal(capsys, monkeypatch, kwargs):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    _trainer().train(steps=3, **kwargs)
    assert capsys.readouterr() == ("", "")


def test_tqdm_disable_0_forces_the_bar_in_a_log(capsys, monkeypatch):
    monkeypatch.setenv("TQDM_DISABLE", "0")
    _trainer().train(steps=3, progress=None)
    assert "3/3" in capsys.readouterr().err


def test_the_bar_does_not_change_the_run():
    a, b = _trainer(), _trainer()
    a.train(steps=5, progress=True)
    b.train(steps=5)
    assert a.history.to_dict()["g_loss"] == b.history.to_dict()["g_loss"]


def test_preset_bar(capsys):
    toy.run_preset("healthy", steps=4, progress=True)
    err = capsys.readouterr().err
    assert msg("progress_preset", name="healthy") in err and "4/4" in err
    toy.run_preset("healthy", steps=4, progress=False)
    assert capsys.readouterr() == ("", "")


def test_classifier_bar(capsys):
    gen = torch.Generator().manual_seed(0)
    x, y = torch.rand(64, 1, 28, 28, generator=gen) * 2 - 1, torch.randint(0, 10, (64,), generator=gen)
    metrics.train_classifier(x, y, epochs=2, batch_size=32, progress=True)
    err = capsys.readouterr().err
    assert msg("progress_classifier") in err and "4/4" in err and msg("progress_unit_batch") in err
    metrics.train_classifier(x, y, epochs=1, batch_size=32)  # off by default: the core is quiet
    assert capsys.readouterr() == ("", "")


def test_recipe_comparison_bar_and_the_per_run_callback(capsys):
    seen = []
    stabilise.compare_recipes(["baseline", "R1"], "ring", seeds=(0,), steps=2, progress=True, on_run=seen.append)
    err = capsys.readouterr().err
    assert msg("progress_recipes") in err and "2/2" in err and [o.recipe for o in seen] == ["baseline", "R1"]
    seen.clear()
    stabilise.compare_recipes(["baseline"], "ring", seeds=(0,), steps=2, progress=seen.append)  # the old way
    assert len(seen) == 1 and capsys.readouterr().err == ""


def test_single_recipe_bar(capsys):
    stabilise.run_recipe("baseline", "ring", steps=3, progress=True)
    assert msg("progress_recipe", recipe="baseline", seed=0) in capsys.readouterr().err
