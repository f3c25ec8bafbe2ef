"""The dashboard's promises, on a tiny 2D GAN: knobs reach the trainer, re-runs never race, Pause is prompt, NaN and
errors are shown, and the Colab drivers (play, async) train too.

The same file runs under Colab's versions (ipywidgets 7.7, ipykernel 6.17) via tests/colab_env.sh.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import math
import sys
import threading
import time
import types

import numpy as np
import pytest
import torch

import ganedu as ge
from ganedu import losses, plot
from ganedu import widgets as W

WAIT_S = 20.0  # generous upper bound for background work to happen; tests never assert on speed
KERNEL_WAIT_S = W.STOP_WAIT_S  # the longest the kernel waits for a run's step, as shipped


def wait_for(predicate, timeout: float = WAIT_S) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.005)
    return predicate()


def tiny_trainer(**overrides) -> ge.Trainer:
    """2D Gaussian data and 2 -> 16 -> 2 / 2 -> 16 -> 1 MLPs: a step takes about a millisecond."""
    torch.manual_seed(0)
    G = ge.models.MLPGenerator(latent_dim=2, hidden=(16,), out_shape=(2,), batchnorm=False, tanh=False)
    D = ge.models.MLPDiscriminator(in_shape=(2,), hidden=(16,))
    data = torch.randn(256, 2) * 0.5 + 1.0
    cfg = dict(batch_size=32, device="cpu", sync_every=5, snapshot_every=10, seed=0)
    cfg.update(overrides)
    return ge.Trainer(G, D, data, ge.TrainConfig(**cfg))


def slow_steps(trainer: ge.Trainer, seconds: float = 0.01) -> None:
    """Make every step take a little longer, so that a step is surely in progress when Pause arrives."""
    step = trainer.step

    def slow() -> None:
        time.sleep(seconds)
        step()

    trainer.step = slow


def long_step(monkeypatch, trainer: ge.Trainer, after: int, hold_lock: bool):
    """Make the step after ``after`` steps wait for the returned ``release`` event (WAIT_S at most): a step far
    longer than the kernel may wait. ``entered`` is set once it waits; ``waited`` then gets True (released) or
    False (gave up). ``hold_lock``: wait inside the trainer's lock, as a real long step does."""
    entered, release, waited = threading.Event(), threading.Event(), []
    step = trainer.step

    def long() -> None:
        with trainer.lock if hold_lock else contextlib.nullcontext():
            if trainer.step_count == after and not release.is_set():
                entered.set()
                waited.append(release.wait(WAIT_S))
            step()

    monkeypatch.setattr(trainer, "step", long)
    return entered, release, waited


@pytest.fixture(autouse=True)
def no_leftover_runs(monkeypatch):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny nets: one thread is fastest, and immune to OpenMP stalls on a busy machine
    monkeypatch.setattr(W, "STOP_WAIT_S", WAIT_S)  # a busy test machine may take seconds to end a tiny step
    yield
    assert W.stop_all(timeout=WAIT_S)
    for dash in list(W._ALL):  # a redraw put off by the rate limit must not fire while the next test runs
        if dash._pending_draw is not None:
            dash._pending_draw.join(WAIT_S)
    torch.set_num_threads(threads)


def tick_until_stopped(dash: W.Dashboard, max_ticks: int = 200) -> None:
    """What the browser does for the play driver: tick, tick, ... (back to back here), until the run stops."""
    dash.driver.min_gap_s = 0.0
    for _ in range(max_ticks):
        if not dash.running:
            return
        dash.driver.play.value += 1


def stderr_text(output) -> str:
    return "".join(o.get("text", "") for o in output.outputs if o.get("name") == "stderr")


# ----- knobs ---------------------------------------------------------------------------------------------------------


def test_slider_change_reaches_history_at_the_next_step_while_training():
    trainer = tiny_trainer()
    dash = W.Dashboard(trainer, driver="thread")
    dash.start()
    assert wait_for(lambda: trainer.step_count >= 5)
    done = trainer.step_count  # steps finished before the change; step done + 1 may be in progress
    dash.k_slider.value = 4  # what a learner's slider move does in the kernel
    assert trainer.k == 4  # the trainer has it at once ...
    assert wait_for(lambda: trainer.step_count >= done + 4)
    dash.pause()
    ks = trainer.history["k"]
    assert ks[0] == 1 and ks[-1] == 4
    # ... and the next step uses it: the step in progress (row index done) may still have k = 1, step done + 2
    # (row index done + 1) must have k = 4, and so must every later one
    assert ks.index(4) <= done + 1
    assert all(k == 4 for k in ks[ks.index(4):])


@pytest.mark.parametrize("name, control, value", [
    ("lr_d", "lr_d_slider", 1e-3),
    ("lr_g", "lr_g_slider", 3e-5),
    ("loss", "loss_dropdown", "minimax"),
    ("k", "k_slider", 7),
])
def test_each_control_sets_its_knob_for_the_next_step(name, control, value):
    trainer = tiny_trainer()
    dash = W.Dashboard(trainer, driver="thread", sync_steps=0)
    dash.run(2)
    getattr(dash, control).value = value
    dash.buttons["step"].click()
    rows = trainer.history.rows
    assert len(rows) == 3
    assert rows[1][name] != value
    assert rows[2][name] == (pytest.approx(value) if isinstance(value, float) else value)


def test_controls_show_knobs_set_in_code_without_clamping_them():
    trainer = tiny_trainer(k=12, lr_d=0.05)
    dash = W.Dashboard(trainer, driver="thread")
    assert dash.k_slider.value == 12 and trainer.k == 12  # a k slider clamped to 10 would have written 10 back
    assert dash.lr_d_slider.value == pytest.approx(0.05) and trainer.lr_d == pytest.approx(0.05)


def test_k_is_bounded_by_the_trainers_k_max_with_a_message(monkeypatch):
    trainer = tiny_trainer(k=12)
    monkeypatch.setattr(ge.train, "K_MAX", 8, raising=False)  # a k set before the bound: shown as out of range
    dash = W.Dashboard(trainer, driver="thread", sync_steps=0)
    assert (dash.k_slider.min, dash.k_slider.max) == (1, 8)
    assert "k = 12" in dash.alert_html.value and "1 to 8" in dash.alert_html.value
    assert trainer.k == 12  # shown, never silently written back as 8
    dash.k_slider.value = 3
    assert trainer.k == 3
    dash.k_slider.max = 50  # a front end that lets a typed value past the slider's range
    dash.k_slider.value = 20
    assert trainer.k == 3 and dash.k_slider.value == 3  # refused, and the slider shows the k in force
    assert "k = 20" in dash.alert_html.value


def test_k_slider_keeps_its_usual_range_below_k_max():
    dash = W.Dashboard(tiny_trainer(), driver="thread", sync_steps=0)
    assert (dash.k_slider.min, dash.k_slider.max) == (1, min(W.K_SLIDER_MAX, W.k_max()))
    assert W.k_max() == getattr(ge.train, "K_MAX", 100)


@pytest.mark.parametrize("d_loss, g_loss", [
    (losses.d_loss_wasserstein, "wasserstein"),
    (losses.d_loss_hinge, "wasserstein"),
    (losses.d_loss_least_squares, "least_squares"),
])
def test_a_critic_or_least_squares_trainer_gets_only_fitting_losses(d_loss, g_loss):
    torch.manual_seed(0)
    G = ge.models.MLPGenerator(latent_dim=2, hidden=(16,), out_shape=(2,), batchnorm=False, tanh=False)
    D = ge.models.MLPDiscriminator(in_shape=(2,), hidden=(16,))
    cfg = ge.TrainConfig(batch_size=32, device="cpu", sync_every=5, loss=g_loss, seed=0)
    trainer = ge.Trainer(G, D, torch.randn(256, 2), cfg, d_loss=d_loss)
    dash = W.Dashboard(trainer, driver="thread", sync_steps=0)
    assert [name for _label, name in dash.loss_dropdown.options] == [g_loss]  # no minimax for a critic
    assert dash.loss_dropdown.value == g_loss
    dash.buttons["step"].click()
    assert trainer.history["loss"] == [g_loss] and dash.error is None


def test_a_classifier_trainer_offers_both_gan_losses_and_its_own():
    trainer = tiny_trainer()
    assert W.loss_choices(trainer) == ("nonsaturating", "minimax")
    trainer.loss = "least_squares"  # set in code: the dropdown must still show it
    dash = W.Dashboard(trainer, driver="thread", sync_steps=0)
    assert [name for _label, name in dash.loss_dropdown.options] == ["nonsaturating", "minimax", "least_squares"]
    assert dash.loss_dropdown.value == "least_squares"


# ----- one run at a time ------------------------------------------------------------------------------------------


def test_a_new_dashboard_stops_and_joins_the_old_run():
    trainer = tiny_trainer()
    old = W.Dashboard(trainer, driver="thread")
    old.start()
    assert wait_for(lambda: trainer.step_count >= 3)
    thread = old.driver.thread
    new = W.Dashboard(trainer, driver="thread")  # re-running the cell
    assert not thread.is_alive() and not old.running
    steps = trainer.step_count
    time.sleep(0.05)
    assert trainer.step_count == steps  # nobody trains until the new dashboard is started
    new.start()
    assert wait_for(lambda: trainer.step_count > steps)
    assert not old.running


def test_rerunning_the_cell_during_a_long_step_never_blocks_the_kernel(monkeypatch):
    monkeypatch.setattr(W, "STOP_WAIT_S", KERNEL_WAIT_S)  # the shipped bound, not the tests' generous one
    trainer = tiny_trainer()
    entered, release, waited = long_step(monkeypatch, trainer, after=3, hold_lock=True)
    seen = []
    old = W.Dashboard(trainer, driver="thread", callbacks=[lambda t: seen.append(t.step_count)])
    old.start()
    assert entered.wait(WAIT_S)
    thread = old.driver.thread
    new = W.Dashboard(trainer, driver="thread")  # re-running the cell
    assert thread.is_alive() and not waited  # construction returned while the old step still runs
    assert not old.running and not new.running
    assert "still inside a long step" in new.status_html.value
    new.start()  # its train() clears the trainer's stop flag, which the old loop must not take as "go on"
    release.set()
    assert wait_for(lambda: not thread.is_alive())
    assert wait_for(lambda: trainer.step_count >= 8)
    assert waited == [True]
    assert seen == [1, 2, 3]  # the old run ended with its long step: no callback of it ever saw another step
    assert new.running
    new.pause()
    assert "still inside a long step" not in new.status_html.value


def test_pause_during_a_long_step_returns_and_says_so(monkeypatch):
    monkeypatch.setattr(W, "STOP_WAIT_S", KERNEL_WAIT_S)
    trainer = tiny_trainer()
    entered, release, _waited = long_step(monkeypatch, trainer, after=2, hold_lock=False)
    dash = W.Dashboard(trainer, driver="thread")
    dash.start()
    assert entered.wait(WAIT_S)
    assert not dash.pause()  # returned after KERNEL_WAIT_S, with the step still running
    assert "did not stop" in dash.alert_html.value and not release.is_set()
    dash.buttons["reset"].click()  # refused while the step runs: the kernel must not wait for the trainer
    release.set()
    assert wait_for(lambda: not dash.driver.thread.is_alive())
    assert trainer.step_count == 3  # the long step was the last one
    dash.buttons["reset"].click()
    assert trainer.step_count == 0


def test_the_training_thread_applies_the_thread_policy(monkeypatch):
    calls = []
    monkeypatch.setattr(ge.config, "adapt_threads", lambda: calls.append(threading.current_thread().name) or 1)
    trainer = tiny_trainer()
    dash = W.Dashboard(trainer, driver="thread", sync_steps=0)
    dash.start()
    assert wait_for(lambda: trainer.step_count >= 3)
    dash.pause()
    assert calls and set(calls) == {W.THREAD_NAME}  # called in the training thread, never for it from outside
    assert len(calls) >= trainer.step_count  # ... by Trainer.train, every step


def test_starting_one_dashboard_stops_another_on_a_different_trainer():
    a, b = tiny_trainer(), tiny_trainer()
    dash_a = W.Dashboard(a, driver="thread")
    dash_b = W.Dashboard(b, driver="thread")
    dash_a.start()
    assert wait_for(lambda: a.step_count >= 2)
    dash_b.start()
    assert not dash_a.running and not dash_a.driver.thread.is_alive()
    assert dash_b.running


def test_start_twice_keeps_one_thread():
    trainer = tiny_trainer()
    dash = W.Dashboard(trainer, driver="thread")
    dash.start()
    first = dash.driver.thread
    dash.buttons["start"].click()
    assert dash.driver.thread is first
    names = [t.name for t in threading.enumerate() if t.name == "ganedu-dashboard" and t.is_alive()]
    assert len(names) == 1


def test_pause_stops_within_one_step():
    trainer = tiny_trainer()
    slow_steps(trainer, 0.02)
    dash = W.Dashboard(trainer, driver="thread")
    dash.start()
    assert wait_for(lambda: trainer.step_count >= 3)
    before = trainer.step_count
    assert dash.pause()
    after = trainer.step_count
    assert after - before <= 1
    assert not dash.running and not dash.driver.thread.is_alive()
    time.sleep(0.1)
    assert trainer.step_count == after
    assert "paused" in dash.status_html.value


def test_pause_right_after_start_still_stops_within_one_step():
    trainer = tiny_trainer()
    dash = W.Dashboard(trainer, driver="thread")
    dash.start()
    dash.pause()  # may land before the thread reaches train(), which clears the trainer's own stop flag
    assert trainer.step_count <= 1
    assert not dash.running


# ----- NaN and errors ---------------------------------------------------------------------------------------------


def nan_after(trainer: ge.Trainer, flag: dict) -> None:
    """Make the D loss NaN once ``flag["on"]`` is set (what a far too large learning rate ends in)."""

    def d_loss(real, fake):
        out = losses.d_loss_bce(real, fake)
        return out * float("nan") if flag["on"] else out

    trainer.d_loss_fn = d_loss


@pytest.mark.parametrize("driver", ["thread", "play"])
def test_nonfinite_loss_pauses_restores_and_tells_the_learner(driver):
    trainer = tiny_trainer(snapshot_every=1)  # a snapshot at every flush: the last one is at step 20
    flag = {"on": False}
    nan_after(trainer, flag)
    dash = W.Dashboard(trainer, driver=driver)
    dash.run(20)
    good = {k: v.clone() for k, v in trainer.G.state_dict().items()}
    flag["on"] = True
    dash.start()
    if driver == "play":
        tick_until_stopped(dash)
    assert wait_for(lambda: not dash.running)
    assert trainer.status and "step" in trainer.status
    assert "restored" in dash.alert_html.value and "#d32f2f" in dash.alert_html.value  # shown, in red
    assert trainer.step_count == 20 and len(trainer.history) == 20
    for k, v in trainer.G.state_dict().items():
        assert torch.equal(v, good[k]), k  # the weights are the last good ones
    assert all(math.isfinite(r["d_loss"]) for r in trainer.history.rows)
    assert "paused" in dash.status_html.value


def test_a_learner_recovers_after_nan():
    trainer = tiny_trainer()
    flag = {"on": True}
    nan_after(trainer, flag)
    dash = W.Dashboard(trainer, driver="thread")
    dash.run(5)
    assert trainer.status is not None
    flag["on"] = False  # e.g. a smaller learning rate
    dash.run(5)
    assert trainer.status is None and trainer.step_count == 5
    assert "#d32f2f" not in dash.alert_html.value  # the red alert goes once training works again


@pytest.mark.parametrize("driver", ["thread", "play", "async"])
def test_an_exception_in_the_loop_reaches_the_alert_and_the_log(driver):
    trainer = tiny_trainer()

    def boom(t):
        if t.step_count == 3:
            raise RuntimeError("boom at step 3")

    dash = W.Dashboard(trainer, driver=driver, callbacks=[boom])

    async def run_async():
        dash.start()
        while dash.running:
            await asyncio.sleep(0.01)

    if driver == "async":
        asyncio.run(run_async())
    else:
        dash.start()
        if driver == "play":
            tick_until_stopped(dash)
    assert wait_for(lambda: not dash.running)
    assert isinstance(dash.error, RuntimeError)
    assert "boom at step 3" in dash.alert_html.value
    log = stderr_text(dash.log)
    assert "Traceback" in log and "boom at step 3" in log
    assert trainer.step_count == 3


def test_an_exception_in_a_button_action_is_shown(tmp_path, monkeypatch):
    trainer = tiny_trainer()
    dash = W.Dashboard(trainer, driver="thread", checkpoint=str(tmp_path / "x.pt"))
    from ganedu import checkpoints

    def broken(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(checkpoints, "save", broken)
    dash.buttons["save"].click()
    assert "disk full" in dash.alert_html.value and "disk full" in stderr_text(dash.log)


# ----- Colab drivers ------------------------------------------------------------------------------------------------


def test_auto_picks_play_on_colab_and_thread_elsewhere(monkeypatch):
    assert W.pick_driver("auto") == "thread"
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert W.pick_driver("auto") == "play"
    dash = W.Dashboard(tiny_trainer())
    assert dash.driver_name == "play" and dash.driver.play in dash.controls.children
    assert dash.buttons["start"] not in dash.controls.children  # the player's own button starts training


def test_play_driver_trains_one_chunk_per_tick_and_takes_slider_changes():
    trainer = tiny_trainer()
    dash = W.Dashboard(trainer, driver="play")
    play = dash.driver.play
    dash.driver.min_gap_s = 0.0
    play.value += 1
    assert trainer.step_count == 0  # ticks before Start do nothing
    setattr(play, dash.driver.trait, True)  # the learner presses the player's play button
    assert dash.running
    play.value += 1
    n = trainer.step_count
    assert n > 0  # a tick trains synchronously, in the tick's message handler
    dash.k_slider.value = 3
    play.value += 1
    assert trainer.step_count > n and trainer.history.rows[n]["k"] == 3
    setattr(play, dash.driver.trait, False)  # ... and its pause button
    assert not dash.running
    m = trainer.step_count
    play.value += 1  # a tick that was already queued
    assert trainer.step_count == m


def test_play_driver_skips_ticks_that_queued_during_a_chunk():
    trainer = tiny_trainer()
    dash = W.Dashboard(trainer, driver="play")
    dash.driver.min_gap_s = 60.0
    dash.start()
    dash.driver.play.value += 1
    n = trainer.step_count
    dash.driver.play.value += 1  # arrives right after the chunk ended: it queued meanwhile
    assert n > 0 and trainer.step_count == n


def test_async_driver_trains_yields_and_stops():
    trainer = tiny_trainer()

    async def scenario():
        dash = W.Dashboard(trainer, driver="async")
        dash.start()
        while trainer.step_count < 5:
            await asyncio.sleep(0.01)  # the loop gets control back between chunks: the kernel stays responsive
        dash.k_slider.value = 2  # a slider message handled between chunks
        changed_at = trainer.step_count
        while trainer.step_count < changed_at + 3:
            await asyncio.sleep(0.01)
        dash.pause()
        assert not dash.running
        stopped_at = trainer.step_count
        await asyncio.sleep(0.2)
        assert trainer.step_count == stopped_at
        return changed_at

    changed_at = asyncio.run(scenario())
    ks = trainer.history["k"]
    assert ks[changed_at] == 2 and ks[0] == 1


def test_async_driver_outside_a_loop_says_what_to_do():
    dash = W.Dashboard(tiny_trainer(), driver="async")
    with pytest.raises(RuntimeError, match="driver='thread'"):
        dash.start()
    assert not dash.running


# ----- buttons, quick mode, panels ------------------------------------------------------------------------------------


def test_quick_mode_trains_synchronously_when_shown():
    trainer = tiny_trainer()
    dash = W.Dashboard(trainer, driver="thread", sync_steps=7)
    box = dash.show()
    assert trainer.step_count == 7 and not dash.running
    assert box is dash.widget
    assert "Quick mode" in dash.alert_html.value


@pytest.mark.parametrize("quick", [True, False])
def test_showing_trains_synchronously_only_in_quick_mode(monkeypatch, quick):
    monkeypatch.setattr(ge.config, "QUICK", quick)
    trainer = tiny_trainer()
    dash = W.Dashboard(trainer, driver="thread")  # the default sync_steps follows quick mode
    dash.show()
    assert trainer.step_count == (W.QUICK_STEPS if quick else 0) and not dash.running
    assert ("Quick mode" in dash.alert_html.value) == quick


def test_autostart_trains_in_the_background_when_shown(monkeypatch):
    monkeypatch.setattr(ge.config, "QUICK", False)
    trainer = tiny_trainer()
    dash = W.Dashboard(trainer, driver="thread", autostart=True)
    assert trainer.step_count == 0 and not dash.running  # nothing before it is shown
    dash.show()
    assert dash.running and wait_for(lambda: trainer.step_count >= 2)


def test_step_reset_and_save_buttons(tmp_path):
    from ganedu import checkpoints

    trainer = tiny_trainer()
    path = tmp_path / "run.pt"
    dash = W.Dashboard(trainer, driver="thread", checkpoint=str(path))
    dash.buttons["step"].click()
    dash.buttons["step"].click()
    assert trainer.step_count == 2
    dash.buttons["save"].click()
    assert checkpoints.load(path)["trainer"]["step"] == 2
    assert str(path) in dash.alert_html.value
    dash.buttons["reset"].click()
    assert trainer.step_count == 0 and len(trainer.history) == 0


def test_views_update_and_panels_are_called():
    calls = []

    def panel(t):
        calls.append(t.step_count)
        return plot.figure_to_png(plot.curves_figure(t.history))

    class Meter:  # the shape of ganedu.metrics.QualityMeter
        def __init__(self):
            self.history = []

        def __call__(self, t):
            self.history.append((t.step_count, 100.0 / t.step_count, min(10, t.step_count)))

        def status(self):
            return "quality line"

    trainer = tiny_trainer()
    dash = W.Dashboard(trainer, panels={"field": panel}, callbacks=[Meter()], driver="thread")
    dash.run(4)
    assert calls[-1] == 4
    for image in (dash.panel_images["field"], dash.curves_image, dash.quality_image):
        assert bytes(image.value).startswith(b"\x89PNG")
    assert "quality line" in dash.status_html.value
    assert "step 4" in dash.status_html.value and "driver: thread" in dash.status_html.value


def test_mnist_shaped_generator_gets_a_sample_grid():
    G = ge.models.MLPGenerator(latent_dim=4, hidden=(8,), out_shape=(1, 28, 28), batchnorm=False)
    D = ge.models.MLPDiscriminator(hidden=(8,))
    trainer = ge.Trainer(G, D, torch.rand(64, 1, 28, 28) * 2 - 1, ge.TrainConfig(device="cpu", batch_size=8))
    dash = W.Dashboard(trainer, driver="thread")
    from PIL import Image

    img = Image.open(io.BytesIO(dash.sample_image.value))
    assert img.size == (W.GRID_SCALE * (8 * 30 + 2),) * 2  # 8 x 8 digits of 28 px, 2 px gaps


def test_bad_arguments_say_what_to_do():
    with pytest.raises(ValueError, match="choose 'auto'"):
        W.Dashboard(tiny_trainer(), driver="colab")
    with pytest.raises(ValueError, match="callables"):
        W.Dashboard(tiny_trainer(), panels=["not a function"])
    with pytest.raises(ValueError, match="refresh"):
        W.Dashboard(tiny_trainer(), refresh=0)


# ----- recorder and curves ------------------------------------------------------------------------------------------


def test_recorder_keeps_few_frames_and_makes_a_gif():
    from PIL import Image

    G = ge.models.MLPGenerator(latent_dim=4, hidden=(8,), out_shape=(1, 28, 28), batchnorm=False)
    D = ge.models.MLPDiscriminator(hidden=(8,))
    trainer = ge.Trainer(G, D, torch.rand(64, 1, 28, 28) * 2 - 1, ge.TrainConfig(device="cpu", batch_size=8))
    rec = W.Recorder(every=2, n=4, max_frames=5)
    with pytest.raises(RuntimeError, match="no frames"):
        rec.gif()
    trainer.train(steps=30, callbacks=[rec])
    assert len(rec.frames) <= 5 and rec.steps[0] == 1  # the first call records the untrained generator
    assert all(s % rec.every == 0 for s in rec.steps[1:]) and rec.every > 2  # thinned: fewer, evenly spaced
    gif = Image.open(io.BytesIO(rec.gif()))
    assert gif.n_frames == len(rec.frames)
    strip = rec.figure(count=3)
    assert len(strip.axes) == 3 and bytes(strip._repr_png_()).startswith(b"\x89PNG")  # shows itself in a notebook
    bundle = rec.show()._repr_mimebundle_()  # plays as a GIF; static views get a sentence, not an object repr
    assert base64.b64decode(bundle["image/gif"]).startswith(b"GIF8") and "recorder.figure()" in bundle["text/plain"]
    trainer.reset()  # the Reset button: the recorded frames belong to a run that no longer exists
    trainer.train(steps=1, callbacks=[rec])
    assert rec.steps == [1]


def test_knob_changes_and_curves_follow_the_history():
    rows = [dict(step=i + 1, k=1 if i < 3 else 5, lr_d=2e-4, lr_g=2e-4 if i < 5 else 1e-3, loss="nonsaturating",
                 d_loss=1.0 + i, g_loss=2.0 - i, d_real=0.6, d_fake=0.4, time=0.1 * i) for i in range(8)]
    assert plot.knob_changes(plot.history_columns(rows)) == [(4.0, "k=5"), (6.0, "lr_g=1e-03")]
    curves = plot.TrainingCurves()
    curves.update(rows)
    x, y = curves.raw["d_loss"].get_data()
    assert list(x) == [r["step"] for r in rows] and list(y) == [r["d_loss"] for r in rows]
    assert len(curves._markers) == 2 * 3  # per change: a line on each of 2 axes and one label


def test_decimation_averages_bins():
    x = np.arange(3000.0)
    y = np.arange(3000.0) % 2  # alternating 0, 1: every bin of 2 averages to 1/2
    xd, yd = plot._decimate(x, y, limit=1500)
    assert len(xd) == 1500 and np.allclose(yd, 0.5) and np.allclose(xd, np.arange(0.5, 3000, 2))


def test_gif_bytes_round_trip():
    from PIL import Image

    frames = [np.full((10, 12), v, np.uint8) for v in (0, 128, 255)]
    gif = Image.open(io.BytesIO(plot.gif_bytes(frames, scale=2)))
    assert gif.n_frames == 3 and gif.size == (24, 20)
    gif.seek(1)
    assert np.asarray(gif.convert("L"))[0, 0] == 128
    coarse = Image.open(io.BytesIO(plot.gif_bytes(frames, levels=3)))  # greys rounded to 0, 127.5, 255
    coarse.seek(1)
    assert np.asarray(coarse.convert("L"))[0, 0] == 128  # round(128 / 127.5) * 127.5 = 127.5 -> 128


def test_static_figures_show_themselves_in_a_notebook():
    rows = [dict(step=i + 1, k=1, lr_d=2e-4, lr_g=2e-4, loss="nonsaturating", d_loss=1.3, g_loss=0.8, d_real=0.6,
                 d_fake=0.4, time=0.0) for i in range(5)]
    for fig in (plot.curves_figure(rows, title="t"), plot.quality_figure([(10, 50.0, 7), (20, 30.0, 9)])):
        assert bytes(fig._repr_png_()).startswith(b"\x89PNG")


def test_real_quality_meter_in_the_dashboard_keeps_the_best_generator():
    from ganedu import metrics

    torch.manual_seed(0)
    G = ge.models.MLPGenerator(latent_dim=4, hidden=(8,), out_shape=(1, 28, 28), batchnorm=False)
    D = ge.models.MLPDiscriminator(hidden=(8,))
    real = torch.rand(64, 1, 28, 28) * 2 - 1
    trainer = ge.Trainer(G, D, real, ge.TrainConfig(device="cpu", batch_size=8, lr_g=5e-3))
    meter = metrics.QualityMeter(real, clf=metrics.Classifier().eval(), every=2, n=32)
    dash = W.Dashboard(trainer, callbacks=[meter], driver="thread")
    dash.run(6)
    assert [h[0] for h in meter.history] == [2, 4, 6]  # measured every 2 steps, never every step
    assert bytes(dash.quality_image.value).startswith(b"\x89PNG")
    assert meter.status() in dash.status_html.value  # "quality at step 6: Fréchet distance ... best ... at step"
    best = meter.best_step
    assert meter.best_fd == min(h[1] for h in meter.history)
    assert meter.restore_best(trainer) == best
    assert all(torch.equal(trainer.G.state_dict()[k], v) for k, v in meter.best_state.items())


def test_best_button_puts_back_the_best_measured_generator_of_an_averaging_trainer():
    from ganedu import metrics

    torch.manual_seed(0)
    G = ge.models.MLPGenerator(latent_dim=4, hidden=(8,), out_shape=(1, 28, 28), batchnorm=False)
    D = ge.models.MLPDiscriminator(hidden=(8,))
    real = torch.rand(64, 1, 28, 28) * 2 - 1
    trainer = ge.Trainer(G, D, real, ge.TrainConfig(device="cpu", batch_size=8, lr_g=5e-3, ema=0.5))
    plain = W.Dashboard(tiny_trainer(), driver="thread")
    assert plain.buttons["best"].layout.display == "none"  # no meter, no Best button
    meter = metrics.QualityMeter(real, clf=metrics.Classifier().eval(), every=2, n=32)
    dash = W.Dashboard(trainer, callbacks=[meter], driver="thread")
    assert dash.buttons["best"].layout.display is None
    dash.buttons["best"].click()  # before any measurement: says so, changes nothing
    assert "every 2 steps" in dash.alert_html.value
    dash.run(6)
    live = {k: v.clone() for k, v in trainer.G.state_dict().items()}
    assert trainer.sampler is trainer.ema.generator and meter.best_step in (2, 4, 6)
    dash.buttons["best"].click()
    assert all(torch.equal(trainer.ema.generator.state_dict()[k], v) for k, v in meter.best_state.items())
    assert all(torch.equal(trainer.G.state_dict()[k], v) for k, v in live.items())  # training's G is not touched
    assert f"step {meter.best_step}" in dash.alert_html.value and trainer.step_count == 6
    with torch.no_grad():  # the sample grid now shows the kept generator
        assert torch.equal(trainer.samples(), trainer.ema.generator(trainer.fixed_noise))


# ----- every dashboard on a trainer stays current ---------------------------------------------------------------------


def test_a_plain_train_call_shows_in_every_dashboard_on_the_trainer():
    trainer = tiny_trainer()
    dash = W.Dashboard(trainer, driver="thread", sync_steps=0)
    assert "step 0 " in dash.status_html.value
    trainer.k = 3  # code changes a knob, then trains outside any dashboard
    trainer.train(steps=5)  # within the refresh time of the first draw: drawn when that time is up
    assert wait_for(lambda: "step 5 " in dash.status_html.value and "k = 3" in dash.status_html.value)
    assert dash.k_slider.value == 3  # the controls follow too: this dashboard is not training
    trainer.reset()
    assert wait_for(lambda: "step 0 " in dash.status_html.value)


def test_another_dashboards_run_shows_in_this_one_when_it_ends():
    trainer = tiny_trainer()
    shown = W.Dashboard(trainer, driver="thread", sync_steps=0)
    other = W.Dashboard(trainer, driver="thread", sync_steps=0)
    other.start()  # trains in its thread; the listener runs there when the run ends
    assert wait_for(lambda: trainer.step_count >= 10)
    assert other.pause()
    assert f"step {trainer.step_count} " in shown.status_html.value
    assert f"step {trainer.step_count} " in other.status_html.value
    shown.run(2)  # and the other way round, from the kernel's thread (drawn when the refresh time is up)
    assert wait_for(lambda: f"step {trainer.step_count} " in other.status_html.value)


def test_status_shows_the_knobs_the_last_step_used():
    trainer = tiny_trainer()
    dash = W.Dashboard(trainer, driver="thread", sync_steps=0)
    dash.run(1)
    assert "k = 1" in dash.status_html.value
    dash.k_slider.value = 4
    assert "k = 4" not in dash.status_html.value  # set, not yet trained with
    dash.run(1)
    assert "k = 4" in dash.status_html.value and trainer.history["k"][-1] == 4


def test_a_callback_added_during_a_run_joins_it_and_a_meter_gets_its_view():
    class Meter:  # the shape of ganedu.metrics.QualityMeter
        def __init__(self):
            self.history, self.every = [], 1

        def __call__(self, t):
            self.history.append((t.step_count, 1.0, 10))

        def status(self):
            return "quality line"

    trainer = tiny_trainer()
    dash = W.Dashboard(trainer, driver="thread", sync_steps=0)
    started = []
    dash.start_hooks.append(lambda: started.append(trainer.step_count))
    views = len(dash.views.children)
    dash.start()
    assert started and wait_for(lambda: trainer.step_count >= 3)
    meter = Meter()
    dash.add_callback(meter)
    assert wait_for(lambda: len(meter.history) >= 3)  # the running run calls it from its next step on
    dash.pause()
    assert len(dash.views.children) == views + 1 and dash.quality == [meter]
    dash.redraw(force=True)
    assert bytes(dash.quality_image.value).startswith(b"\x89PNG") and "quality line" in dash.status_html.value


def _visible_texts(fig) -> list:
    return [t for t in fig.findobj(lambda a: hasattr(a, "get_text") and a.get_visible()) if t.get_text().strip()]


@pytest.mark.parametrize("title", ["", "3000 steps on the test split"])
def test_knob_labels_and_titles_of_the_curves_never_overlap(title):
    # a preset changes four knobs at once, a learner moves k back and forth: many labels, some steps apart
    ks = [1] * 50 + [5] * 3 + [1] * 2 + [3] * 40 + [2] + [4] * 60 + [5] * 40
    rows = [dict(step=i + 1, k=k, lr_d=2e-4 if i < 60 else 1e-3, lr_g=2e-4 if i < 60 else 5e-3,
                 loss="nonsaturating" if i < 60 else "minimax", d_loss=1.0, g_loss=1.0, d_real=0.5, d_fake=0.5,
                 time=0.0) for i, k in enumerate(ks)]
    fig = plot.curves_figure(rows, title=title) if title else W.Dashboard(tiny_trainer(), sync_steps=0).curves.figure
    if not title:
        curves = next(d for d in W._ALL if d.curves.figure is fig).curves
        curves.update(rows)
    renderer = fig.canvas.get_renderer()
    labels = [t for t in _visible_texts(fig) if "=" in t.get_text()]
    assert len(labels) >= 4  # most changes keep their label
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in labels]
    if title:
        boxes.append((title, fig._suptitle.get_window_extent(renderer)))
    for i, (a, box_a) in enumerate(boxes):
        assert fig.bbox.contains(box_a.x0, box_a.y0) and fig.bbox.contains(box_a.x1, box_a.y1), a
        for b, box_b in boxes[i + 1:]:
            assert not box_a.overlaps(box_b), f"{a!r} runs into {b!r}"


def test_recorder_display_shows_the_animation_and_a_png_still():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.display import display
    from IPython.utils.capture import capture_output

    G = ge.models.MLPGenerator(latent_dim=4, hidden=(8,), out_shape=(1, 28, 28), batchnorm=False)
    D = ge.models.MLPDiscriminator(hidden=(8,))
    trainer = ge.Trainer(G, D, torch.rand(64, 1, 28, 28) * 2 - 1, ge.TrainConfig(device="cpu", batch_size=8))
    rec = W.Recorder(every=2, n=4)
    trainer.train(steps=10, callbacks=[rec])
    InteractiveShell.instance()
    with capture_output() as cap:
        display(rec.show())
    kinds = [set(out.data) for out in cap.outputs]
    assert {"image/gif", "text/plain"} in kinds and {"image/png", "text/plain"} in kinds
    png = next(out.data["image/png"] for out in cap.outputs if "image/png" in out.data)
    assert base64.b64decode(png).startswith(b"\x89PNG")


def test_showing_a_dashboard_again_draws_what_moved_the_trainer_unannounced():
    trainer = tiny_trainer()
    dash = W.Dashboard(trainer, driver="thread", sync_steps=0)
    trainer.step()  # a single step outside train() tells no listener
    trainer.step()
    assert "step 0 " in dash.status_html.value
    dash.show()  # what re-running a cell that ends in `dash` does
    assert "step 2 " in dash.status_html.value and trainer.step_count == 2
