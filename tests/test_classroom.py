"""The MNIST instructor presets: each applies exactly its settings, to a fresh trainer and to one mid-run, and each
setting has the relation to the healthy run that its comment gives as the reason."""

from __future__ import annotations

import pytest
import torch

import ganedu as ge
from ganedu.lessons import classroom, stabilise


def tiny_trainer() -> ge.Trainer:
    torch.manual_seed(0)
    G = ge.models.MLPGenerator(latent_dim=2, hidden=(16,), out_shape=(2,), batchnorm=False, tanh=False)
    D = ge.models.MLPDiscriminator(in_shape=(2,), hidden=(16,))
    return ge.Trainer(G, D, torch.randn(128, 2), ge.TrainConfig(batch_size=16, device="cpu", seed=0))


@pytest.mark.parametrize("name", list(classroom.PRESETS))
def test_each_preset_applies_its_settings_from_the_next_step(name):
    p = classroom.preset(name)
    trainer = tiny_trainer()
    trainer.k, trainer.lr_d, trainer.lr_g, trainer.loss = 2, 3e-3, 7e-5, "minimax" if p.loss != "minimax" else \
        "nonsaturating"  # every knob away from the preset first, so each assignment is seen
    trainer.train(steps=2)
    p.apply(trainer)  # mid-run, as the app's Apply does
    assert (trainer.k, trainer.lr_d, trainer.lr_g, trainer.loss) == (p.k, p.lr_d, p.lr_g, p.loss)
    trainer.train(steps=1)
    row = trainer.history.rows[-1]
    assert (row["k"], row["lr_d"], row["lr_g"], row["loss"]) == (p.k, pytest.approx(p.lr_d), pytest.approx(p.lr_g),
                                                                 p.loss)
    assert p.label and p.expect and p.label != p.expect


def test_presets_say_what_their_comments_claim():
    healthy, strong, collapse = (classroom.preset(n) for n in ("healthy", "strong_d", "mode_collapse"))
    cfg = ge.TrainConfig()
    assert (healthy.k, healthy.lr_d, healthy.lr_g, healthy.loss) == (cfg.k, cfg.lr_d, cfg.lr_g, cfg.loss)
    assert strong.k == 5 and strong.lr_d == 5 * strong.lr_g and strong.loss == "minimax"  # the saturating loss
    assert collapse.lr_g / collapse.lr_d == pytest.approx(stabilise.PROBLEMS["mnist"].g_speedup) == 25
    assert collapse.k == 1 and collapse.loss == "nonsaturating"


def test_an_unknown_preset_names_the_choices():
    with pytest.raises(ValueError, match="healthy, strong_d, mode_collapse"):
        classroom.preset("collapse")
