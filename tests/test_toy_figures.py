"""ganedu.lessons.toy_figures: the 2D views draw the course's colours and keep their state on the trainer."""

from __future__ import annotations

import colorsys
import weakref

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb, to_rgba
from matplotlib.image import AxesImage

import ganedu as ge
from ganedu.interface import plot
from ganedu.lessons import toy, toy_figures


def _hue(colour) -> float:
    h, _, _ = colorsys.rgb_to_hls(*to_rgb(colour))
    return h * 360


def _hue_gap(a: float, b: float) -> float:
    return min(abs(a - b), 360 - abs(a - b))


def _scatter_colours(ax) -> list[tuple[float, ...]]:
    """The face colour (RGBA) of each scatter drawn on ``ax`` that has points, in drawing order."""
    return [tuple(c.get_facecolor()[0]) for c in ax.collections
            if isinstance(c, PathCollection) and len(c.get_offsets())]


@pytest.fixture(scope="module")
def toy_trainer():
    t = toy.make_trainer("healthy", n_samples=64)
    t.train(steps=2)
    return t


def test_field_view_draws_real_green_and_fake_purple(toy_trainer) -> None:
    ax = ge.plot.field_figure(toy_trainer).axes[0]
    real, fake = _scatter_colours(ax)
    assert real[:3] == to_rgba(plot.REAL.value)[:3]
    assert fake[:3] == to_rgba(plot.FAKE.value)[:3]
    # the heatmap runs from "fake" (D = 0) to "real" (D = 1) in the same two colours
    heat = next(a for a in ax.get_children() if isinstance(a, AxesImage))
    assert _hue_gap(_hue(heat.cmap(0.0)), _hue(plot.FAKE.name)) < 30
    assert _hue_gap(_hue(heat.cmap(1.0)), _hue(plot.REAL.name)) < 30


def test_ring_panels_draw_fakes_purple_over_black_centres() -> None:
    fig = ge.plot.ring_panels_figure({"a": np.zeros((5, 2))}, toy.ring_centers(), {"a": "modes 0/8"}, cols=1)
    centres, fakes = _scatter_colours(fig.axes[0])
    assert centres[:3] == to_rgb("black")
    assert fakes[:3] == to_rgba(plot.FAKE.value)[:3]
    assert fig.axes[0].get_title() == "a\nmodes 0/8"


# --- the 2D field view keeps its state on the trainer, not in a registry ---


def test_field_panel_is_kept_on_the_trainer_and_no_module_keeps_trainers(toy_trainer) -> None:
    assert toy_figures.field_panel(toy_trainer)[:8] == b"\x89PNG\r\n\x1a\n"
    panel = toy_trainer.field_view
    toy_figures.field_panel(toy_trainer)
    assert toy_trainer.field_view is panel
    for module in (plot, toy_figures):
        assert not [n for n, v in vars(module).items() if isinstance(v, (weakref.WeakKeyDictionary, dict))
                    and any(isinstance(k, ge.Trainer) for k in v)], module


def test_field_view_reads_the_trainers_data_set() -> None:
    g, d = toy.build_gan()
    data = toy.dataset("ring", n=200)
    plain = ge.Trainer(g, d, data.data, ge.TrainConfig(batch_size=16, device="cpu", n_samples=16))
    expected = str(toy.mode_coverage(plain.samples(), data))
    assert expected not in ge.plot.field_figure(plain).axes[0].get_title()  # no data set known: no coverage
    plain.dataset = data
    assert ge.plot.field_figure(plain).axes[0].get_title().endswith(expected)
