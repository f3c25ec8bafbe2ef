"""A live training dashboard: change k, the learning rates and the generator loss while a GAN trains.

``Dashboard(trainer)`` shows sliders, buttons (start / pause / step / reset / save), the fixed-noise sample grid,
the loss and D-output curves and a status line. Training runs off the cell's execution path, driven by one of:

- ``"thread"``: a daemon thread; widget updates from threads render in JupyterLab, Notebook 7, VS Code, Voila;
- ``"async"``: an asyncio task on the kernel's event loop, yielding between short chunks of steps;
- ``"play"``: an ``ipywidgets.Play`` ticks in the browser and each tick trains one short chunk. Every widget
  message is then a reply to a browser message, the way a button click is, which is what renders on Colab
  (updates sent from a background thread do not show there).

``driver="auto"`` picks ``"play"`` on Colab and ``"thread"`` elsewhere. Only core widgets are used (``Image`` fed
PNG bytes, ``HTML``, ``Output``) so the dashboard works with ipywidgets 7.7 (Colab) and 8.

Guarantees the tests check: a knob change reaches the trainer at once and shows in ``history`` at the next step;
a new dashboard (re-running the cell) stops every older run, waiting at most ``STOP_WAIT_S`` for a step in
progress, so the kernel never hangs; a stopped run never trains again (its generation token is checked after
every step), so two loops never train one model; Pause stops after the step in progress; an exception in the loop
is shown in the dashboard and its traceback appended to the log (never lost); a non-finite loss pauses training
and shows the trainer's message; every dashboard on a trainer shows its latest state once another dashboard's run,
a plain ``trainer.train()``, a reset or a loaded checkpoint moved it (``Trainer.add_listener``; at most one redraw
per ``refresh``, the last one never dropped), and the status line says which knobs the latest step really used
(from the history, not from the sliders). In quick mode (``GANEDU_QUICK=1``) showing a dashboard trains a few steps
synchronously instead, so notebook runs are deterministic.
"""

from __future__ import annotations

import asyncio
import base64
import html
import math
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import config, losses
from .. import train as train_module
from ..messages import EN, msg
from . import plot

if TYPE_CHECKING:
    from pathlib import Path

    import ipywidgets
    from matplotlib.figure import Figure

    from ..train import History, Trainer

DRIVERS = ("thread", "async", "play")
REFRESH_S = 0.5  # seconds between redraws: a PNG frame costs ~0.1 s, so at most a few per second, never per step
CHUNK_S = 0.12  # async / play: seconds of training per chunk; short, so slider and button messages wait < ~0.15 s
PLAY_INTERVAL_MS = 200  # play: browser tick period; a bit above CHUNK_S so ticks do not pile up in the kernel
STOP_WAIT_S = 2.0  # the longest the kernel waits for a run to finish its step; a longer step ends on its own
LOCK_WAIT_S = 0.5  # a redraw waits this long for the trainer between steps, else it skips the views this time
QUICK_STEPS = 20  # quick mode: steps trained synchronously when the dashboard is shown
RUN_STEPS = 3000  # Dashboard.run() default: about 3 epochs of the 60,000 MNIST digits, when MLP digits get legible
GRID_SCALE = 2  # sample grid pixels are repeated 2x: 28-pixel digits stay legible in the browser
K_SLIDER_MAX = 10  # k slider's usual top (Algorithm 1 allows any k >= 1; beyond 10 D simply wins); never over K_MAX
LR_EXP_RANGE = (-5, -2)  # learning-rate sliders span 1e-5 .. 1e-2 (log scale); 2e-4 is the DCGAN default
THREAD_NAME = "ganedu-dashboard"  # the thread driver's threads, by name

# Generator losses that fit each discriminator loss: a critic's score is not a probability, so a WGAN or hinge
# critic takes the Wasserstein G loss and a least-squares D its own; only a classifier D takes the two of 2014.
FITTING_G_LOSSES: dict[Callable, tuple[str, ...]] = {
    losses.d_loss_bce: ("nonsaturating", "minimax"),
    losses.d_loss_smoothed: ("nonsaturating", "minimax"),
    losses.d_loss_wasserstein: ("wasserstein",),
    losses.d_loss_hinge: ("wasserstein",),
    losses.d_loss_least_squares: ("least_squares",),
}

_ALL: weakref.WeakSet = weakref.WeakSet()  # the registry: every dashboard made in this kernel (stop_all)
_THREADS: weakref.WeakSet = weakref.WeakSet()  # every training thread a dashboard started (alive ones are kept)


def in_colab() -> bool:
    """Whether this kernel runs on Google Colab (where only the play driver's updates render)."""
    return "google.colab" in sys.modules


def pick_driver(driver: str = "auto") -> str:
    """``"auto"`` -> ``"play"`` on Colab, ``"thread"`` elsewhere; other names are checked and returned."""
    if driver == "auto":
        return "play" if in_colab() else "thread"
    if driver not in DRIVERS:
        raise ValueError(msg("dash_bad_driver", driver=driver))
    return driver


def k_max() -> int:
    """The largest k the dashboard accepts: the trainer module's ``K_MAX`` (100 where it sets none)."""
    return int(getattr(train_module, "K_MAX", 100))


def loss_choices(trainer: Trainer) -> tuple[str, ...]:
    """Generator-loss names that fit ``trainer``'s D loss (``FITTING_G_LOSSES``), always with its current one.

    A D loss not in the table (a custom function) offers the family of the current G loss.
    """
    d_loss = getattr(trainer, "d_loss_fn", None)
    d_loss = getattr(d_loss, "func", d_loss)  # functools.partial(d_loss_smoothed, real_target=...) -> the function
    fits = FITTING_G_LOSSES.get(d_loss) or next((f for f in FITTING_G_LOSSES.values() if trainer.loss in f), ())
    return fits if trainer.loss in fits else (*fits, trainer.loss)


def stop_all(timeout: float | None = None, exclude: Dashboard | None = None) -> bool:
    """Stop every dashboard run in this kernel (but ``exclude``'s) and wait up to ``timeout`` seconds in all
    (default ``STOP_WAIT_S``) for their threads; True if all have stopped. A run still inside a long step is not
    waited for longer: it ends when that step does and never trains again."""
    for dash in list(_ALL):
        if dash is not exclude:
            dash._halt()
    return _join(lingering(), STOP_WAIT_S if timeout is None else timeout)


def lingering() -> list[threading.Thread]:
    """Training threads of stopped runs that are still finishing their last step."""
    live = {getattr(dash.driver, "thread", None) for dash in list(_ALL) if dash.running}
    return [t for t in list(_THREADS) if t.is_alive() and t not in live and t is not threading.current_thread()]


def _join(threads: Iterable[threading.Thread], timeout: float) -> bool:
    """Wait for ``threads`` up to ``timeout`` seconds in all; True if none is alive then."""
    threads = [t for t in threads if t is not threading.current_thread()]
    end = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, end - time.monotonic()))
    return not any(t.is_alive() for t in threads)


class _Superseded(Exception):
    """Raised after a step of a run whose generation has ended (Pause, a newer run): its ``train()`` ends there."""


# ----- drivers: each runs Dashboard._train somewhere that does not block the kernel ----------------------------------
# A driver trains one run at a time, tagged with the generation the dashboard opened for it (``gen``); ``alive``
# says whether the run's code may still execute, ``stop()`` ends it without waiting.


class _ThreadDriver:
    """Trains in a daemon thread; widget traits set from it reach the browser through the kernel's iopub thread."""

    name = "thread"

    def __init__(self, dash: Dashboard) -> None:
        self.dash = dash
        self.thread: threading.Thread | None = None
        self.gen = 0  # the generation of the latest run

    @property
    def alive(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def threads(self) -> list[threading.Thread]:
        """The threads to wait for when this run stops."""
        return [self.thread] if self.alive else []

    def start(self, gen: int) -> None:
        self.gen = gen
        self.thread = threading.Thread(target=self.dash._run_blocking, args=(gen,), name=THREAD_NAME, daemon=True)
        _THREADS.add(self.thread)
        self.thread.start()

    def stop(self) -> None:
        pass  # the run's per-step guard sees that its generation has ended and leaves train() there


class _AsyncDriver:
    """Trains in an asyncio task on the kernel's loop: ``CHUNK_S`` of steps, then it yields to the kernel."""

    name = "async"
    YIELD_S = 0.01  # pause between chunks: the kernel reads slider and button messages then

    def __init__(self, dash: Dashboard) -> None:
        self.dash = dash
        self.task: asyncio.Task | None = None
        self.gen = 0

    @property
    def alive(self) -> bool:
        return self.task is not None and not self.task.done()

    def threads(self) -> list[threading.Thread]:
        return []  # the task runs on the caller's own thread: nothing to wait for

    def start(self, gen: int) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError as err:
            raise RuntimeError(msg("dash_no_loop")) from err
        self.gen = gen
        self.task = loop.create_task(self._run(gen))

    async def _run(self, gen: int) -> None:
        try:
            while self.dash._train(gen, max_seconds=CHUNK_S):
                await asyncio.sleep(self.YIELD_S)
        except asyncio.CancelledError:
            pass
        finally:
            self.dash._finished(gen)

    def stop(self) -> None:
        # Same thread as the caller: the task sits at an await (a chunk never runs concurrently with us), so
        # cancelling it ends the loop before it can take another step.
        if self.alive:
            self.task.cancel()


class _PlayDriver:
    """Trains one chunk per tick of an ``ipywidgets.Play`` that the learner starts with its play button."""

    name = "play"

    def __init__(self, dash: Dashboard, interval_ms: int = PLAY_INTERVAL_MS) -> None:
        import ipywidgets as widgets

        self.dash = dash
        self.active = False
        self.gen = 0
        # ipywidgets 8 names the trait "playing" (and starts the browser loop when the kernel sets it);
        # ipywidgets 7.7 (Colab) names it "_playing" and only its play button starts the loop.
        self.play = widgets.Play(value=0, min=0, max=10**9, step=1, interval=interval_ms, show_repeat=False)
        self.trait = "playing" if "playing" in self.play.trait_names() else "_playing"
        # A tick that arrives this soon after the previous chunk ended was queued while that chunk ran: skip it,
        # so a backlog of ticks never keeps training after Pause. Tests set it to 0 to tick back to back.
        self.min_gap_s = 0.5 * interval_ms / 1000
        self._last_end = 0.0
        self.play.observe(self._on_tick, names="value")
        self.play.observe(self._on_playing, names=self.trait)

    @property
    def alive(self) -> bool:
        return self.active

    def threads(self) -> list[threading.Thread]:
        return []  # ticks run in the kernel's message handler: nothing to wait for

    def start(self, gen: int) -> None:
        self.gen = gen
        self.active = True
        self._last_end = 0.0
        if not getattr(self.play, self.trait):
            setattr(self.play, self.trait, True)

    def stop(self) -> None:
        was = self.active
        self.active = False
        if getattr(self.play, self.trait):
            setattr(self.play, self.trait, False)
        if was:
            self.dash._finished(self.gen)

    def _on_playing(self, change: dict) -> None:
        if change["new"] and not self.active:  # the learner pressed the player's play button
            self.dash.start()
        elif not change["new"] and self.active:  # ... or its pause / stop button
            self.dash.pause()

    def _on_tick(self, change: dict) -> None:
        if not (self.dash.running and getattr(self.play, self.trait)):
            return  # e.g. the player's stop button sends "not playing" and a value change in one message
        if time.perf_counter() - self._last_end < self.min_gap_s:
            return
        try:
            if not self.dash._train(self.gen, max_seconds=CHUNK_S):
                self.dash.pause()
        finally:
            self._last_end = time.perf_counter()


# ----- the dashboard -------------------------------------------------------------------------------------------------


class Dashboard:
    """Live controls and views around a ``ganedu.train.Trainer``; display it by ending a cell with it.

    Args:
        trainer: the Trainer to drive (its knobs k, lr_d, lr_g, loss are what the controls set).
        panels: extra image views: callables ``panel(trainer) -> PNG bytes``, or a dict of them by title.
        driver: "auto" (play on Colab, thread elsewhere), "thread", "async" or "play".
        callbacks: ``fn(trainer)`` called after every step (e.g. ``Recorder``, ``ge.metrics.QualityMeter``; a
            callback with a ``history`` of (step, fd, coverage) and a ``status()`` also gets a quality panel).
        checkpoint: where the Save button writes (``ganedu.checkpoints.save``).
        refresh: seconds between redraws while training.
        autostart: start training as soon as the dashboard is shown (not in quick mode).
        sync_steps: steps to train synchronously when shown; default: ``QUICK_STEPS`` in quick mode, else none.
    """

    def __init__(
        self,
        trainer: Trainer,
        panels: Sequence[Callable] | Mapping[str, Callable] | None = None,
        driver: str = "auto",
        callbacks: Iterable[Callable] = (),
        checkpoint: str = "runs/dashboard.pt",
        refresh: float = REFRESH_S,
        autostart: bool = False,
        sync_steps: int | None = None,
    ) -> None:
        import ipywidgets as widgets

        self.trainer = trainer
        self.driver_name = pick_driver(driver)
        self.callbacks = list(callbacks)
        self.checkpoint = checkpoint
        self.refresh = _positive("refresh", refresh)
        self.autostart = autostart
        self.sync_steps = config.quick(None, QUICK_STEPS) if sync_steps is None else int(sync_steps)
        self.panels = _check_panels(panels)
        self.error: BaseException | None = None  # the last exception the loop caught
        # Every start and every pause opens a new generation; a run trains only while its own is the current one.
        self._generation = 0
        self._gen_lock = threading.Lock()
        self._op_lock = threading.RLock()  # start / pause / step / reset never interleave
        self._last_draw = -math.inf
        self._rate = 0.0  # steps per second, smoothed
        self._rate_mark = (time.perf_counter(), trainer.step_count)
        self._syncing = False  # True while controls are set from the trainer: do not write back
        self._alerting = False  # an alert (error, non-finite loss) is shown: notices must not replace it
        self._images: bool | None = None  # whether samples are images (decided once, on first use)
        self._ending = False  # a run is drawing its final state: the status line says paused
        self._local = threading.local()  # .driving: this thread is training for this dashboard
        self._drawn_step: int | None = None  # the trainer's step when the views were last drawn
        self._last_row: dict | None = None  # the latest history row drawn: the knobs the trainer really used
        self._pending_draw: threading.Timer | None = None  # a redraw the trainer listener put off (rate limit)
        self.start_hooks: list[Callable[[], None]] = []  # called after every start (e.g. an app's lazy set-up)

        # Re-running the cell: older runs stop first. A run inside a long step is not waited for (that would hang
        # the kernel): it stops when the step ends, and the status line says so meanwhile.
        stop_all()
        _ALL.add(self)

        self.curves = plot.TrainingCurves()
        self.quality = [cb for cb in self.callbacks if _is_quality_meter(cb)]
        self.quality_curves = plot.QualityCurves() if self.quality else None
        self._build_widgets(widgets)
        self.driver = {"thread": _ThreadDriver, "async": _AsyncDriver, "play": _PlayDriver}[self.driver_name](self)
        if self.driver_name == "play":
            self.controls.children = (self.driver.play, *self.controls.children[2:])  # the player replaces start/pause
        self.redraw(force=True, sync=True)
        # another dashboard, a plain trainer.train(), a reset or a loaded checkpoint moved the trainer: show it
        trainer.add_listener(self._trainer_moved)

    # ----- layout ----------------------------------------------------------------------------------------------------
    def _build_widgets(self, widgets: Any) -> None:
        t = self.trainer
        wide = {"description_width": "initial"}
        top = min(k_max(), max(K_SLIDER_MAX, t.k))  # a k set in code beyond 10 is shown, not clamped back
        self.k_slider = widgets.IntSlider(value=min(t.k, top), min=1, max=top, description=msg("dash_k"),
                                          continuous_update=False, style=wide)
        self.lr_d_slider = self._lr_slider(widgets, t.lr_d, msg("dash_lr_d"))
        self.lr_g_slider = self._lr_slider(widgets, t.lr_g, msg("dash_lr_g"))
        self.loss_dropdown = widgets.Dropdown(options=_loss_options(t), value=t.loss, description=msg("dash_loss"),
                                              style=wide)
        self.k_slider.observe(lambda c: self._set_knob("k", c["new"]), names="value")
        self.lr_d_slider.observe(lambda c: self._set_knob("lr_d", c["new"]), names="value")
        self.lr_g_slider.observe(lambda c: self._set_knob("lr_g", c["new"]), names="value")
        self.loss_dropdown.observe(lambda c: self._set_knob("loss", c["new"]), names="value")

        self.buttons = {}
        for name, icon, style, action in (
            ("start", "play", "success", self.start), ("pause", "pause", "warning", self.pause),
            ("step", "step-forward", "", self.step), ("reset", "undo", "", self.reset),
            ("save", "save", "info", self.save), ("best", "trophy", "", self.best),
        ):
            button = widgets.Button(description=msg(f"dash_{name}"), icon=icon, button_style=style,
                                    tooltip=msg(f"dash_tip_{name}"), layout=widgets.Layout(width="90px"))
            button.on_click(lambda _b, act=action: self._guarded(act))
            self.buttons[name] = button
        self.buttons["best"].layout.display = None if self.quality else "none"  # only with a quality meter
        self.controls = widgets.HBox(list(self.buttons.values()))

        self.status_html = widgets.HTML()
        self.alert_html = widgets.HTML()  # trainer.status or an error, red; empty when all is well
        self.sample_image = widgets.Image(format="png", layout=widgets.Layout(width="300px"))
        self.curves_image = widgets.Image(format="png", layout=widgets.Layout(width="440px"))
        self.panel_images = {title: widgets.Image(format="png", layout=widgets.Layout(width="300px"))
                             for title in self.panels}
        self.quality_image = widgets.Image(format="png", layout=widgets.Layout(width="300px"))
        self.log = widgets.Output()  # tracebacks, appended with append_stderr (safe from any thread)

        def titled(title: str, image: ipywidgets.Image) -> ipywidgets.VBox:
            return widgets.VBox([widgets.HTML(f"<b>{html.escape(title)}</b>"), image])

        self._titled = titled
        views = []
        if self._has_image_samples():
            views.append(titled(msg("dash_samples"), self.sample_image))
        views.append(titled(msg("dash_curves"), self.curves_image))
        views += [titled(title, img) for title, img in self.panel_images.items()]
        if self.quality:
            views.append(titled(msg("dash_quality"), self.quality_image))
        knobs = widgets.HBox([self.k_slider, self.lr_d_slider, self.lr_g_slider, self.loss_dropdown],
                             layout=widgets.Layout(flex_flow="row wrap"))
        self.views = widgets.HBox(views, layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox([knobs, self.controls, self.status_html, self.alert_html, self.views, self.log])

    @staticmethod
    def _lr_slider(widgets: Any, value: float, description: str) -> ipywidgets.FloatLogSlider:
        lo = min(LR_EXP_RANGE[0], math.floor(math.log10(value)))
        hi = max(LR_EXP_RANGE[1], math.ceil(math.log10(value)))
        return widgets.FloatLogSlider(value=value, base=10, min=lo, max=hi, step=0.1, readout_format=".1e",
                                      description=description, continuous_update=False,
                                      style={"description_width": "initial"})

    def _has_image_samples(self) -> bool:
        """(1, 28, 28) images get the sample grid; 2D toy points do not (their notebook passes its own panel)."""
        if self._images is None:
            shape = getattr(self.trainer.G, "out_shape", None)
            self._images = len(shape) >= 2 if shape is not None else self.trainer.samples(1).ndim >= 3
        return self._images

    # ----- display ---------------------------------------------------------------------------------------------------
    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
        self._shown()

    def show(self) -> ipywidgets.VBox:
        """The dashboard as one ipywidgets box (end a cell with it); trains synchronously first in quick mode."""
        self._shown()
        return self.widget

    def _shown(self) -> None:
        if self._drawn_step != self.trainer.step_count and not self.running:
            self.redraw(force=True, sync=True)  # shown again after the trainer moved: its latest state first
        if self.sync_steps:
            self.run(self.sync_steps)
            self._notice(msg("dash_quick", steps=self.sync_steps))
        elif self.autostart:
            self.start()

    # ----- actions (buttons call these; so can code) -----------------------------------------------------------------
    @property
    def running(self) -> bool:
        """Whether a run of this dashboard may still take a step."""
        return self.driver.alive and self.driver.gen == self._generation

    def start(self) -> None:
        """Train in the background (see the module docstring) until ``pause()`` or a non-finite loss."""
        with self._op_lock:
            if self.running:
                return
            # never two loops: every other run stops first; one inside a long step never trains again after it
            stop_all(exclude=self)
            gen = self._open_run()
            self._clear_alert()
            self._rate_mark = (time.perf_counter(), self.trainer.step_count)
            self.driver.start(gen)
            self._update_status()
        for hook in list(self.start_hooks):
            self._guarded(hook)

    def pause(self, timeout: float | None = None) -> bool:
        """Stop after the step in progress, waiting for it at most ``timeout`` seconds (default ``STOP_WAIT_S``);
        True once stopped. A longer step is not waited for: the status line says so and the run ends with it."""
        timeout = STOP_WAIT_S if timeout is None else timeout
        self._halt()
        stopped = _join(self.driver.threads(), timeout)
        if not stopped:
            self._notice(msg("dash_old_run", seconds=timeout))
            self._update_status()
        return stopped

    def step(self) -> None:
        """Pause if running, then one training step (k D updates, one G update) and a redraw."""
        with self._op_lock:
            if self.pause():
                self.run(1)

    def run(self, steps: int | None = None) -> History:
        """Train ``steps`` steps (default ``RUN_STEPS``, quick mode 20) synchronously in this cell, with the
        dashboard's callbacks, redrawing as it goes; returns the trainer's History. The cell waits: use it for a
        fixed budget or in a script."""
        steps = config.quick(RUN_STEPS, QUICK_STEPS) if steps is None else steps
        with self._op_lock:
            self.pause()
            self._clear_alert()
            self._local.driving = True
            try:
                self.trainer.train(steps=steps, callbacks=[self._step_callbacks, self._tick])
            except Exception as err:  # noqa: BLE001 - shown to the learner, never swallowed silently
                self._report(err)
            finally:
                self._local.driving = False
            self.redraw(force=True, sync=True)
            return self.trainer.history

    def add_callback(self, callback: Callable[[Trainer], None]) -> None:
        """Add a per-step callback, also to a run in progress (from its next step on); a quality meter (see
        ``callbacks``) also gets its view. Any thread may call this, e.g. one that prepared the meter."""
        self.callbacks.append(callback)
        if _is_quality_meter(callback) and not self.quality:
            self.quality_curves = plot.QualityCurves()  # first: a redraw in another thread may look at it next
            self.views.children = (*self.views.children, self._titled(msg("dash_quality"), self.quality_image))
            self.quality.append(callback)
            self.buttons["best"].layout.display = None
        self.redraw(force=True)

    def reset(self) -> None:
        """Pause, then back to the trainer's starting (untrained) weights; history cleared, knobs kept."""
        with self._op_lock:
            if not self.pause():
                return  # a long step still runs; pause's notice says so
            self._local.driving = True  # this dashboard redraws itself below
            try:
                self.trainer.reset()
            finally:
                self._local.driving = False
            self._clear_alert()
            self.redraw(force=True, sync=True)
            self._notice(msg("dash_reset_done", step=self.trainer.step_count))

    def best(self) -> int | None:
        """Pause, then put back the best generator the quality meter has measured (lowest FD) and show it; returns
        its step, or None before the first measurement. Save writes it; training on moves on from it."""
        with self._op_lock:
            meter = self.quality[0] if self.quality else None
            if meter is None or not hasattr(meter, "restore_best"):
                self._notice(msg("dash_best_no_meter"))
                return None
            if not self.pause():
                return None
            if getattr(meter, "best_state", None) is None:
                self._notice(msg("dash_best_none", every=meter.every))
                return None
            step = meter.restore_best(self.trainer)
            self.redraw(force=True, sync=True)
            self._notice(msg("dash_best_done", step=step, fd=meter.best_fd, now=self.trainer.step_count))
            return step

    def save(self, path: str | None = None) -> Path:
        """Save a checkpoint (works while training: it waits for the step in progress); returns the path."""
        from .. import checkpoints

        out = checkpoints.save(self.trainer, path or self.checkpoint)
        self._notice(msg("dash_saved", step=self.trainer.step_count, path=config.display_path(out)))
        return out

    # ----- the loop ---------------------------------------------------------------------------------------------------
    def _open_run(self) -> int:
        """A new generation for a run that starts now; any older run is stale from here on."""
        with self._gen_lock:
            self._generation += 1
            return self._generation

    def _close_run(self, gen: int | None = None) -> None:
        """End the run of generation ``gen`` (default: the current one) if it is still the current one."""
        with self._gen_lock:
            if gen is None or gen == self._generation:
                self._generation += 1

    def _halt(self) -> None:
        """Ask this dashboard's run to stop after its step, without waiting."""
        if self.running:
            self.trainer.request_stop()
        self._close_run()
        self.driver.stop()

    def _guard(self, gen: int) -> Callable[[Trainer], None]:
        """The first per-step callback of run ``gen``: it ends a stale run. (``Trainer.train`` applies the CPU-thread
        policy itself, every step, in this training thread.)"""

        def guard(_trainer: Trainer) -> None:
            if gen != self._generation:
                raise _Superseded

        return guard

    def _tick(self, _trainer: Trainer) -> None:
        """Per-step callback: redraw when ``refresh`` seconds have passed."""
        self.redraw()

    def _train(self, gen: int, max_seconds: float) -> bool:
        """Train run ``gen`` for up to ``max_seconds``; False when the run must end (stale, NaN or an error)."""
        if gen != self._generation:
            return False
        self._local.driving = True
        try:
            self.trainer.train(max_seconds=max_seconds, callbacks=[self._guard(gen), self._step_callbacks, self._tick])
        except _Superseded:
            return False
        except Exception as err:  # noqa: BLE001 - reported in the dashboard, never lost with the thread
            self._report(err)
            return False
        finally:
            self._local.driving = False
        return self.trainer.status is None and gen == self._generation

    def _step_callbacks(self, trainer: Trainer) -> None:
        """The learner's callbacks, read at every step, so one added during a run (``add_callback``) joins it."""
        for cb in tuple(self.callbacks):
            cb(trainer)

    def _trainer_moved(self, _trainer: Trainer, force: bool = False) -> None:
        """Trainer listener: a ``train()`` call, a reset or a load ended somewhere else (another dashboard, a cell,
        another thread): draw the trainer as it is now. The controls follow only while this dashboard does not
        train (then no learner's slider move here can race the sync); its own runs draw themselves."""
        if getattr(self._local, "driving", False):
            return
        # At most once per refresh (the play and async drivers end a train() call every chunk): a call that comes
        # sooner leaves a timer that draws when the refresh time is up, so the latest state is always drawn.
        wait = self.refresh - (time.perf_counter() - self._last_draw)
        if not force and wait > 0:
            with self._gen_lock:
                if self._pending_draw is None or not self._pending_draw.is_alive():
                    self._pending_draw = threading.Timer(wait, self._trainer_moved, (self.trainer, True))
                    self._pending_draw.daemon = True
                    self._pending_draw.start()
            return
        try:
            self.redraw(force=True, sync=not self.running)
        except Exception as err:  # noqa: BLE001 - shown, never lost in another thread
            self._report(err)

    def _run_blocking(self, gen: int) -> None:
        """Thread driver body: train run ``gen`` until Pause, a newer run, a non-finite loss or an error."""
        try:
            self._train(gen, max_seconds=math.inf)
        finally:
            self._finished(gen)

    def _finished(self, gen: int) -> None:
        """Run ``gen`` ended (any driver, any reason): show the final state unless a newer run draws already.

        The run counts as running until its final state is drawn, so whoever waits for it sees that state.
        """
        if gen == self.driver.gen:
            self._ending = True
            try:
                self.redraw(force=True)
            except Exception as err:  # noqa: BLE001
                self._report(err)
            finally:
                self._ending = False
        self._close_run(gen)
        for other in list(_ALL):  # the other dashboards on this trainer show where the run ended
            if other is not self and other.trainer is self.trainer:
                other._trainer_moved(self.trainer, force=True)

    def _report(self, err: BaseException) -> None:
        """Show an exception: one line in the alert, the traceback in the log."""
        self.error = err
        self._alert(msg("dash_error", error=f"{type(err).__name__}: {err}"))
        self.log.append_stderr("".join(traceback.format_exception(type(err), err, err.__traceback__)))

    # ----- views ------------------------------------------------------------------------------------------------------
    def redraw(self, force: bool = False, sync: bool = False) -> None:
        """Refresh every view, at most once per ``refresh`` seconds unless ``force``.

        ``sync`` also moves the controls to the trainer's knobs; only from the kernel's main thread and never while
        a run could race a learner's slider move (init, reset, after a synchronous run). The views wait at most
        ``LOCK_WAIT_S`` for the trainer: while a long step holds it they are drawn at the next chance instead.
        """
        now = time.perf_counter()
        if not force and now - self._last_draw < self.refresh:
            return
        t = self.trainer
        if sync:
            self._sync_controls()
        if t.lock.acquire(timeout=LOCK_WAIT_S):
            try:
                self._draw_views()
            finally:
                t.lock.release()
            self._last_draw = now
        else:
            self._last_draw = -math.inf
        self._update_status()
        if t.status:
            self._alert(t.status)

    def _draw_views(self) -> None:
        """Samples, curves, panels and quality, from the trainer as it is now (the caller holds its lock)."""
        t = self.trainer
        history = t.history  # flushes metrics still on the device
        self._drawn_step = t.step_count
        self._last_row = dict(history.rows[-1]) if len(history) else None
        if self._has_image_samples():
            self.sample_image.value = plot.grid_png(t.samples(), scale=GRID_SCALE)
        self.curves.update(history)
        self.curves_image.value = self.curves.png()
        for title, panel in self.panels.items():
            self.panel_images[title].value = panel(t)
        if self.quality:
            self.quality_curves.update(self.quality[0].history)
            self.quality_image.value = self.quality_curves.png()

    def _update_status(self) -> None:
        now, step = time.perf_counter(), self.trainer.step_count
        then, before = self._rate_mark
        if now - then > 0.2:
            rate = max(0.0, (step - before) / (now - then))
            self._rate = rate if self._rate == 0 else 0.5 * self._rate + 0.5 * rate
            self._rate_mark = (now, step)
        running = self.running and not self._ending
        state = msg("dash_running" if running else "dash_paused")
        line = msg("dash_status", step=step, rate=self._rate if running else 0.0, device=self.trainer.device,
                   driver=self.driver_name, state=state)
        extra = [q.status() for q in self.quality]
        row = self._last_row
        if row is not None:  # what the latest step really used (from the history), not what the sliders say
            extra.insert(0, msg("dash_last_step", step=row["step"], k=row["k"], lr_d=row["lr_d"], lr_g=row["lr_g"],
                                loss=row["loss"]))
        if lingering():
            extra.append(msg("dash_old_run_busy"))
        if self.driver_name == "play" and not running:
            extra.append(msg("dash_play_hint"))
        self.status_html.value = "<br>".join(f"<code>{html.escape(s)}</code>" if i == 0 else html.escape(s)
                                             for i, s in enumerate([line, *extra]))

    def _alert(self, text: str) -> None:
        self._alerting = True
        self.alert_html.value = (
            "<div style='background:#fdecea;color:#611a15;border-left:5px solid #d32f2f;padding:6px 10px;"
            f"margin:4px 0'><b>{html.escape(text)}</b></div>"
        )

    def _notice(self, text: str) -> None:
        if not self._alerting:  # a notice never hides an alert
            self.alert_html.value = f"<div style='color:#1b5e20;padding:2px 0'>{html.escape(text)}</div>"

    def _clear_alert(self) -> None:
        self._alerting = False
        self.error = None
        self.alert_html.value = ""

    # ----- controls <-> trainer knobs ---------------------------------------------------------------------------------
    def _set_knob(self, name: str, value: Any) -> None:
        if self._syncing:
            return
        if name == "k" and not 1 <= int(value) <= k_max():
            self._alert(msg("dash_k_range", value=value, k_max=k_max()))
            self._sync_controls()  # the slider goes back to the k the trainer keeps
            return
        try:
            setattr(self.trainer, name, int(value) if name == "k" else value)
        except ValueError as err:
            self._alert(msg("dash_bad_knob", error=err))

    def _sync_controls(self) -> None:
        """Show the trainer's knobs (changed by reset, a loaded checkpoint or code) without writing them back."""
        t = self.trainer
        self._syncing = True
        try:
            if t.k > self.k_slider.max:
                self.k_slider.max = min(t.k, k_max())
            if t.k > k_max():
                self._alert(msg("dash_k_range", value=t.k, k_max=k_max()))
            for slider, value in ((self.lr_d_slider, t.lr_d), (self.lr_g_slider, t.lr_g)):
                exp = math.log10(value)
                slider.min, slider.max = min(slider.min, math.floor(exp)), max(slider.max, math.ceil(exp))
                if not math.isclose(slider.value, value, rel_tol=1e-9):
                    slider.value = value
            if self.k_slider.value != t.k:
                self.k_slider.value = t.k
            if t.loss not in (name for _label, name in self.loss_dropdown.options):  # e.g. a loaded checkpoint's
                self.loss_dropdown.options = _loss_options(t)
            if self.loss_dropdown.value != t.loss:
                self.loss_dropdown.value = t.loss
        finally:
            self._syncing = False

    def _guarded(self, action: Callable[[], object]) -> None:
        """Run a button's action; an exception goes to the alert and the log instead of vanishing."""
        try:
            action()
        except Exception as err:  # noqa: BLE001
            self._report(err)


# ----- helpers --------------------------------------------------------------------------------------------------------


def _positive(name: str, value: object) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = float("nan")
    if not (math.isfinite(v) and v > 0):
        raise ValueError(msg("dash_bad_number", name=name, value=value))
    return v


def _check_panels(panels: Sequence[Callable] | Mapping[str, Callable] | None) -> dict[str, Callable]:
    if panels is None:
        return {}
    if isinstance(panels, Mapping):
        items = panels.items()
    else:
        items = ((msg("dash_panel", number=i + 1), p) for i, p in enumerate(panels))
    out = {}
    for title, panel in items:
        if not callable(panel):
            raise ValueError(msg("dash_bad_panel", value=panel))
        out[str(title)] = panel
    return out


def _loss_options(trainer: Trainer) -> list[tuple[str, str]]:
    """(label, name) pairs for the loss dropdown: the generator losses that fit the trainer's D loss."""
    return [(msg(f"dash_loss_{name}") if f"dash_loss_{name}" in EN else msg("dash_loss_other", name=name), name)
            for name in loss_choices(trainer)]


def _is_quality_meter(cb: object) -> bool:
    """Duck-typed ``ganedu.metrics.QualityMeter``: a ``history`` list of (step, fd, coverage) and ``status()``."""
    return isinstance(getattr(cb, "history", None), list) and callable(getattr(cb, "status", None))


# ----- recording a training-progress animation ------------------------------------------------------------------------


class Recorder:
    """Callback that keeps the fixed-noise sample grid every ``every`` steps, for a training-progress GIF.

    It keeps at most ``max_frames`` frames: when full, it drops every other frame and records half as often,
    so a GIF of any run length stays small. Pass it in ``callbacks=[...]`` to ``train()`` or the Dashboard.
    """

    def __init__(self, every: int | None = None, n: int = 16, max_frames: int = 20) -> None:
        self.every = every or config.quick(100, 5)  # steps between frames
        self.n = n  # digits per frame: a 4 x 4 grid keeps the GIF near 200 kB (noisy digits compress poorly)
        self.max_frames = max_frames  # cap on frames kept: 20 keep the GIF under ~300 kB
        self.frames: list[np.ndarray] = []  # uint8 (H, W) grids
        self.steps: list[int] = []

    def __call__(self, trainer: Trainer) -> None:
        step = trainer.step_count
        while self.steps and self.steps[-1] >= step:  # after a reset or a NaN restore: drop the undone frames
            self.steps.pop()
            self.frames.pop()
        if self.steps and step % self.every:
            return  # the very first call always records: the barely trained generator is the GIF's first frame
        self.frames.append(plot.image_grid(trainer.samples(self.n)))
        self.steps.append(step)
        if len(self.frames) > self.max_frames:
            self.every *= 2
            keep = [i for i, s in enumerate(self.steps) if i == 0 or s % self.every == 0]
            self.frames = [self.frames[i] for i in keep]
            self.steps = [self.steps[i] for i in keep]

    def gif(self, duration_ms: int = 200, scale: int = 2, label: bool = True, levels: int = 16) -> bytes:
        """The recorded grids as a looping GIF (bytes); each frame captioned with its step if ``label``."""
        if not self.frames:
            raise RuntimeError(msg("rec_empty"))
        pairs = zip(self.frames, self.steps, strict=True)
        frames = [_caption(f, msg("rec_step", step=s)) if label else f for f, s in pairs]
        return plot.gif_bytes(frames, duration_ms=duration_ms, scale=scale, levels=levels)

    def show(self, duration_ms: int = 200, scale: int = 2, still: int = 6) -> Animation:
        """The GIF, shown as an animation (end a cell with it), and below it a still: ``still`` frames side by side
        (:meth:`figure`) as a PNG, which nbconvert, GitHub and printouts show where no GIF plays."""
        strip = self.figure(still)._repr_png_() if still else None
        return Animation(self.gif(duration_ms, scale), msg("rec_animation", frames=len(self.frames)), still=strip,
                         still_text=msg("rec_still", frames=min(still, len(self.frames))))

    def figure(self, count: int = 6) -> Figure:
        """``count`` evenly spaced frames side by side: the whole animation at a glance, also where no GIF plays
        (a printout, a PDF export)."""
        if not self.frames:
            raise RuntimeError(msg("rec_empty"))
        return plot.frames_figure(self.frames, [msg("rec_step", step=s) for s in self.steps], count)


class Animation:
    """A GIF for a notebook output: ``image/gif`` where it plays, a sentence (not an object repr) elsewhere; and,
    given a ``still`` (PNG bytes), a second output with that picture.

    Two outputs, not one bundle holding both: a front end shows one type of a bundle, and JupyterLab ranks PNG
    above GIF (the animation would never play), while nbconvert and GitHub show no GIF at all.
    """

    def __init__(self, gif: bytes, text: str, still: bytes | None = None, still_text: str = "") -> None:
        self.gif, self.text = gif, text
        self.still, self.still_text = still, still_text

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, object]:
        return {"image/gif": base64.b64encode(self.gif).decode("ascii"), "text/plain": self.text}

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)
        if self.still is not None:
            display({"image/png": base64.b64encode(self.still).decode("ascii"), "text/plain": self.still_text},
                    raw=True)

    def __repr__(self) -> str:
        return self.text


def _caption(frame: np.ndarray, text: str, height: int = 12) -> np.ndarray:
    """A grid with a black band on top holding ``text`` in white (PIL's built-in bitmap font)."""
    from PIL import Image, ImageDraw

    band = Image.new("L", (frame.shape[1], height), 0)
    ImageDraw.Draw(band).text((2, 0), text, fill=255)
    return np.concatenate([np.asarray(band, dtype=np.uint8), frame], axis=0)
