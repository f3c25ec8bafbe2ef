"""The classroom app: the live MNIST dashboard of notebook 05 with instructor presets and a quality meter, made to
appear at once (``notebooks/classroom_app.ipynb``, served with ``voila``).

Nothing heavy runs before the app is on screen. Showing it displays the controls and a status line, then a
background thread loads the digits, builds the full-size MLP pair and a ``Trainer``, and puts the dashboard in
(``lazy``; on Colab, where updates from threads do not render, this happens before display instead). The quality
meter's classifier (trained once, then cached) is prepared on the first Start, in another thread, while training
already runs; the meter joins the run when it is ready. Every step of this shows in the status line.

Presets are passed in (``ganedu.lessons.classroom.PRESETS`` in the notebook): objects with ``name``, ``label``,
``expect`` and ``apply(trainer)``. Apply sets the preset's knobs now (the run goes on from the current weights);
Restart goes back to the untrained networks first.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from .. import config, data, models
from ..ema import EMA_DECAY
from ..messages import msg
from ..train import TrainConfig, Trainer
from . import widgets as dashboards

if TYPE_CHECKING:
    import ipywidgets

BUILD_THREAD = "ganedu-app-build"  # the threads' names, to find them in a debugger or a test
METER_THREAD = "ganedu-app-meter"
SEED = 0  # the networks' initial weights and the trainer's stream: every class sees the same run for a preset


class Preset(Protocol):
    """What the app needs of a preset (``ganedu.lessons.classroom.KnobPreset`` is one)."""

    name: str
    label: str
    expect: str

    def apply(self, trainer: Trainer) -> None: ...


def mnist_trainer() -> tuple[Trainer, str]:
    """Notebook 05's setup: the best MNIST split on this machine, the full-size MLP pair (seeded), TrainConfig's
    defaults with G averaged (``ema``: samples come from the average of G's weights). Returns (trainer, a line
    describing it). This is the slow part the app keeps off first paint."""
    split = data.best_split()
    images, _labels = data.mnist(split)
    with config.seeded(SEED):
        G, D = models.build("mlp")
    trainer = Trainer(G, D, images, TrainConfig(seed=SEED, ema=EMA_DECAY))
    return trainer, msg("app_ready", n=len(images), split=split, g=models.count_parameters(G),
                        d=models.count_parameters(D))


def quality_meter() -> Any:
    """A ``ganedu.metrics.QualityMeter`` (its classifier is trained on first use and cached)."""
    from .. import metrics

    return metrics.QualityMeter()


class ClassroomApp:
    """The app; display it by ending a cell with it.

    Args:
        presets: name -> preset (see ``Preset``); the first is selected.
        build: makes the trainer, returns (trainer, status line); default :func:`mnist_trainer`.
        meter: makes the quality meter on the first Start (None: no meter); default :func:`quality_meter`.
        lazy: build in a background thread after display (default: yes, except on Colab).
        driver, checkpoint: passed to the ``Dashboard``.
    """

    def __init__(
        self,
        presets: Mapping[str, Preset],
        build: Callable[[], tuple[Trainer, str]] = mnist_trainer,
        meter: Callable[[], Any] | None = quality_meter,
        lazy: bool | None = None,
        driver: str = "auto",
        checkpoint: str | None = None,
    ) -> None:
        import ipywidgets as widgets

        if not presets:
            raise ValueError(msg("app_no_presets"))
        self.presets = dict(presets)
        self.build_fn, self.meter_fn = build, meter
        self.lazy = (not dashboards.in_colab()) if lazy is None else bool(lazy)
        self.driver = driver
        self.checkpoint = checkpoint or str(config.run_path("classroom_app.pt"))
        self.trainer: Trainer | None = None
        self.dash: dashboards.Dashboard | None = None
        self.meter: Any = None
        self.error: BaseException | None = None
        self.ready = threading.Event()  # set once the dashboard is in (or the build failed: see error)
        self._build_started = False
        self._meter_started = False
        self._lock = threading.Lock()

        wide = {"description_width": "initial"}
        self.preset_dropdown = widgets.Dropdown(options=[(p.label, name) for name, p in self.presets.items()],
                                                description=msg("app_preset"), style=wide,
                                                layout=widgets.Layout(width="520px"))
        self.apply_button = widgets.Button(description=msg("app_apply"), tooltip=msg("app_tip_apply"),
                                           button_style="primary", disabled=True, layout=widgets.Layout(width="90px"))
        self.restart_button = widgets.Button(description=msg("app_restart"), tooltip=msg("app_tip_restart"),
                                             disabled=True, layout=widgets.Layout(width="90px"))
        self.apply_button.on_click(lambda _b: self._guarded(self.apply))
        self.restart_button.on_click(lambda _b: self._guarded(self.restart))
        self.expect_html = widgets.HTML()
        self.status_html = widgets.HTML()
        self.meter_html = widgets.HTML()
        self.dash_box = widgets.VBox([])
        self.preset_dropdown.observe(lambda _c: self._show_expect(), names="value")
        self._show_expect()
        self._status(msg("app_loading"))
        self.widget = widgets.VBox([
            widgets.HBox([self.preset_dropdown, self.apply_button, self.restart_button]),
            self.expect_html, self.status_html, self.meter_html, self.dash_box,
        ])

    # ----- display: the controls first, the heavy part after ---------------------------------------------------------
    def _ipython_display_(self) -> None:
        from IPython.display import display

        if not self.lazy:
            self.build()
        display(self.widget)
        if self.lazy:
            self.build_in_background()

    def show(self) -> ipywidgets.VBox:
        """The app as one ipywidgets box (builds now unless ``lazy``, else right after this call)."""
        if self.lazy:
            self.build_in_background()
        else:
            self.build()
        return self.widget

    def build_in_background(self) -> threading.Thread | None:
        """Start the build thread (once); returns it, or None if the build already started."""
        with self._lock:
            if self._build_started:
                return None
            self._build_started = True
        thread = threading.Thread(target=self._build, name=BUILD_THREAD, daemon=True)
        thread.start()
        return thread

    def build(self) -> None:
        """Build now, in this thread (once)."""
        with self._lock:
            if self._build_started:
                return
            self._build_started = True
        self._build()

    def _build(self) -> None:
        try:
            trainer, line = self.build_fn()
            self.preset(self.preset_dropdown.value).apply(trainer)
            dash = dashboards.Dashboard(trainer, driver=self.driver, checkpoint=self.checkpoint, sync_steps=0)
            if self.meter_fn is not None:
                dash.start_hooks.append(self.prepare_meter_in_background)
            self.trainer, self.dash = trainer, dash
            self.dash_box.children = (dash.widget,)
            self.apply_button.disabled = self.restart_button.disabled = False
            self._status(line)
        except Exception as err:  # noqa: BLE001 - shown in the app, never lost with the thread
            self.error = err
            self._status(msg("app_failed", error=f"{type(err).__name__}: {err}"), alert=True)
        finally:
            self.ready.set()

    # ----- the quality meter, prepared on the first Start -----------------------------------------------------------
    def prepare_meter_in_background(self) -> threading.Thread | None:
        """Make the quality meter in a thread (once) and add it to the dashboard when it is ready."""
        with self._lock:
            if self._meter_started or self.meter_fn is None:
                return None
            self._meter_started = True
        self.meter_html.value = html.escape(msg("app_meter_preparing"))
        thread = threading.Thread(target=self._prepare_meter, name=METER_THREAD, daemon=True)
        thread.start()
        return thread

    def _prepare_meter(self) -> None:
        try:
            meter = self.meter_fn()
            self.dash.add_callback(meter)
            self.meter = meter
            self.meter_html.value = html.escape(msg("app_meter_ready", every=meter.every))
        except Exception as err:  # noqa: BLE001 - the app trains on without a meter, and says why
            self.meter_html.value = html.escape(msg("app_meter_failed", error=f"{type(err).__name__}: {err}"))

    # ----- presets ---------------------------------------------------------------------------------------------------
    def preset(self, name: str) -> Preset:
        if name not in self.presets:
            raise ValueError(msg("classroom_bad_preset", value=name, choices=", ".join(self.presets)))
        return self.presets[name]

    def apply(self, name: str | None = None) -> None:
        """Set the selected (or the named) preset's knobs now; the run goes on from the current weights."""
        p = self.preset(name or self.preset_dropdown.value)
        p.apply(self.trainer)
        self.dash.redraw(force=True, sync=True)
        self.dash._notice(msg("app_applied", label=p.label, expect=p.expect))

    def restart(self, name: str | None = None) -> None:
        """Back to the untrained networks, then the selected (or the named) preset's knobs; not started."""
        p = self.preset(name or self.preset_dropdown.value)
        self.dash.reset()
        p.apply(self.trainer)
        self.dash.redraw(force=True, sync=True)
        self.dash._notice(msg("app_restarted", label=p.label, expect=p.expect))

    # ----- text ------------------------------------------------------------------------------------------------------
    def _show_expect(self) -> None:
        p = self.presets.get(self.preset_dropdown.value)
        self.expect_html.value = f"<i>{html.escape(p.expect)}</i>" if p else ""

    def _status(self, text: str, alert: bool = False) -> None:
        style = "color:#611a15;font-weight:bold" if alert else "color:#333"
        self.status_html.value = f"<span style='{style}'>{html.escape(text)}</span>"

    def _guarded(self, action: Callable[[], object]) -> None:
        try:
            action()
        except Exception as err:  # noqa: BLE001 - a button's error is shown, never swallowed
            self._status(msg("app_error", error=f"{type(err).__name__}: {err}"), alert=True)


__all__ = ["ClassroomApp", "Preset", "mnist_trainer", "quality_meter"]
