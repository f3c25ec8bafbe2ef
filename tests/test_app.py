"""The classroom app: nothing heavy before it is on screen, the dashboard arrives from a background thread, presets
apply (now, or from untrained networks), the quality meter is prepared on the first Start and joins the run."""

from __future__ import annotations

import threading
import time

import pytest
import torch

import ganedu as ge
from ganedu import widgets as W
from ganedu.interface import app as A
from ganedu.lessons import classroom

WAIT_S = 20.0  # generous bound for background work; never a speed assertion


def wait_for(predicate, timeout: float = WAIT_S) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def tiny_build(calls: list | None = None):
    def build():
        if calls is not None:
            calls.append(threading.current_thread().name)
        torch.manual_seed(0)
        G = ge.models.MLPGenerator(latent_dim=2, hidden=(16,), out_shape=(2,), batchnorm=False, tanh=False)
        D = ge.models.MLPDiscriminator(in_shape=(2,), hidden=(16,))
        trainer = ge.Trainer(G, D, torch.randn(128, 2), ge.TrainConfig(batch_size=16, device="cpu", sync_every=2))
        return trainer, "ready line"
    return build


class FakeMeter:  # the shape of ganedu.metrics.QualityMeter
    every = 1

    def __init__(self):
        self.history = []

    def __call__(self, t):
        self.history.append((t.step_count, 1.0, 10))

    def status(self):
        return "quality line"


@pytest.fixture(autouse=True)
def no_leftover_runs():
    yield
    assert W.stop_all(timeout=WAIT_S)


def test_nothing_is_built_before_display_and_the_build_runs_in_the_background():
    calls = []
    app = A.ClassroomApp(classroom.PRESETS, build=tiny_build(calls), meter=None, lazy=True)
    assert calls == [] and app.dash is None and app.apply_button.disabled
    assert "Loading" in app.status_html.value and app.dash_box.children == ()
    box = app.show()  # what displaying it does: the box first, the build after
    assert box is app.widget
    assert app.ready.wait(WAIT_S) and app.error is None
    assert calls == [A.BUILD_THREAD]
    assert app.dash_box.children == (app.dash.widget,) and not app.apply_button.disabled
    assert "ready line" in app.status_html.value
    assert app.trainer.step_count == 0 and not app.dash.running  # no training before Start, also in quick mode


def test_the_selected_preset_applies_at_build_and_on_apply_and_restart():
    app = A.ClassroomApp(classroom.PRESETS, build=tiny_build(), meter=None, lazy=False)
    app.preset_dropdown.value = "strong_d"
    app.show()
    t = app.trainer
    assert (t.k, t.loss) == (5, "minimax") and app.dash.k_slider.value == 5
    app.dash.run(3)
    app.preset_dropdown.value = "mode_collapse"
    assert "one or two digits" in app.expect_html.value  # what to look for, before applying
    app.apply_button.click()
    p = classroom.preset("mode_collapse")
    assert (t.k, t.lr_d, t.lr_g, t.loss) == (p.k, p.lr_d, p.lr_g, p.loss) and t.step_count == 3  # weights kept
    assert app.dash.k_slider.value == 1 and app.dash.lr_g_slider.value == pytest.approx(p.lr_g)
    assert "Preset applied" in app.dash.alert_html.value
    app.preset_dropdown.value = "healthy"
    app.restart_button.click()
    assert t.step_count == 0 and len(t.history) == 0 and t.lr_g == classroom.preset("healthy").lr_g
    assert "Restarted" in app.dash.alert_html.value


def test_the_meter_is_prepared_on_the_first_start_and_joins_the_run():
    made = []

    def meter():
        made.append(threading.current_thread().name)
        return FakeMeter()

    app = A.ClassroomApp(classroom.PRESETS, build=tiny_build(), meter=meter, lazy=False)
    app.show()
    assert made == [] and app.meter_html.value == ""
    app.dash.buttons["start"].click()
    assert wait_for(lambda: app.meter is not None)
    assert made == [A.METER_THREAD] and "Quality meter ready" in app.meter_html.value
    assert wait_for(lambda: len(app.meter.history) >= 2)  # called by the run that was already training
    app.dash.pause()
    app.dash.start()  # a second Start prepares nothing again
    app.dash.pause()
    assert made == [A.METER_THREAD]


def test_a_failing_build_or_meter_is_shown_not_lost():
    def broken():
        raise OSError("no digits here")

    app = A.ClassroomApp(classroom.PRESETS, build=broken, lazy=True)
    app.show()
    assert app.ready.wait(WAIT_S) and isinstance(app.error, OSError)
    assert "no digits here" in app.status_html.value and app.apply_button.disabled

    app = A.ClassroomApp(classroom.PRESETS, build=tiny_build(), meter=lambda: 1 / 0, lazy=False)
    app.show()
    app.dash.start()
    assert wait_for(lambda: "ZeroDivisionError" in app.meter_html.value)
    assert app.dash.running  # training goes on without a meter
    app.dash.pause()


def test_no_presets_is_refused():
    with pytest.raises(ValueError, match="at least one preset"):
        A.ClassroomApp({}, build=tiny_build())


def test_the_real_build_is_notebook_05s_full_size_setup(mnist_test):
    trainer, line = A.mnist_trainer()
    G, D = ge.models.build("mlp")
    assert ge.models.count_parameters(trainer.G) == ge.models.count_parameters(G) > 1_000_000
    assert ge.models.count_parameters(trainer.D) == ge.models.count_parameters(D)
    assert trainer.data.shape[1:] == (1, 28, 28) and f"{len(trainer.data):,} digits" in line
    assert trainer.config == ge.TrainConfig(seed=A.SEED, ema=ge.ema.EMA_DECAY)  # notebook 05 samples from the average
