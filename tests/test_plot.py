"""Shared figures (ganedu.interface.plot) and the lessons' figures found through ``ge.plot.<name>``."""

from __future__ import annotations

import ast
import colorsys
import io
import json
import re
import weakref
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb, to_rgba
from matplotlib.image import AxesImage
from PIL import Image

import ganedu as ge
from ganedu.interface import plot
from ganedu.lessons import evaluation_figures, latent_figures, speed_figures, toy, toy_figures
from ganedu.messages import msg

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
FIGURE_FILES = [REPO / "ganedu" / "interface" / "plot.py", *sorted((REPO / "ganedu" / "lessons").glob("*_figures.py"))]


def _cells(path: Path, kind: str) -> str:
    """The joined source of a notebook's cells of one kind ("code" or "markdown")."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == kind)


def _notebook(prefix: str) -> Path:
    return next(p for p in NOTEBOOKS if p.name.startswith(prefix))


# --- ge.plot.<name> keeps resolving ---


def test_every_plot_name_the_notebooks_call_resolves() -> None:
    called = {name for nb in NOTEBOOKS for name in re.findall(r"\bge\.plot\.(\w+)", _cells(nb, "code"))}
    assert {"grid_figure", "field_figure", "minimax_figure", "ring_panels_figure"} <= called  # the scan sees calls
    missing = sorted(name for name in called if not callable(getattr(ge.plot, name, None)))
    assert not missing, f"notebooks call ge.plot.{missing}, which resolve to nothing"


def test_lesson_figures_come_from_the_lesson_module_the_table_names() -> None:
    for name, module in plot.LESSON_FIGURES.items():
        assert module.startswith("ganedu.lessons.") and module.endswith("_figures")
        assert getattr(ge.plot, name).__module__ == module, name
        assert name in dir(plot)
    with pytest.raises(AttributeError, match="no figure 'no_such_figure'"):
        ge.plot.no_such_figure  # noqa: B018


# --- one colour scheme, and what the notebooks promise about it ---


def _hue(colour) -> float:
    """Hue in degrees of a matplotlib colour."""
    return 360.0 * colorsys.rgb_to_hsv(*to_rgb(colour))[0]


def _hue_gap(a: float, b: float) -> float:
    return min(abs(a - b), 360.0 - abs(a - b))


@pytest.mark.parametrize("colour", [plot.REAL, plot.FAKE])
def test_each_colour_looks_like_its_name(colour: plot.Colour) -> None:
    # the drawn shade has the hue of the CSS colour its name denotes (darker shades keep their hue)
    assert _hue_gap(_hue(colour.value), _hue(colour.name)) < 30, colour


def test_notebooks_describe_the_2d_views_in_the_scheme_colours() -> None:
    for prefix in ("02", "03"):
        text = _cells(_notebook(prefix), "markdown").lower()
        assert f"{plot.REAL.name} dots" in text and f"{plot.FAKE.name} dots" in text, prefix
        for word in ("blue", "orange"):
            assert f"{word} dots" not in text, prefix


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


# --- shared helpers ---


def test_live_figures_encode_at_their_own_size() -> None:
    curves = plot.TrainingCurves(figsize=(6.0, 4.0))
    curves.update([{"step": i, "d_loss": 1.0, "g_loss": 2.0, "d_real": 0.6, "d_fake": 0.4} for i in range(5)])
    assert Image.open(io.BytesIO(curves.png(dpi=50))).size == (300, 200)  # no tight bbox: frames keep one size
    quality = plot.QualityCurves(figsize=(4.0, 3.0))
    quality.update([(10, 50.0, 7)])
    assert Image.open(io.BytesIO(quality.png(dpi=50))).size == (200, 150)


def test_finish_figure_titles_the_axes_or_the_figure() -> None:
    fig = plot.ShownFigure()
    ax = fig.add_subplot()
    assert plot.finish_figure(fig, "on the axes", ax) is fig
    assert ax.get_title() == "on the axes" and fig.get_suptitle() == ""
    plot.finish_figure(fig, "over all")
    assert fig.get_suptitle() == "over all"
    plain = plot.ShownFigure()
    plot.finish_figure(plain, "", plain.add_subplot())
    assert plain.axes[0].get_title() == "" and plain.get_suptitle() == ""


def test_draw_runs_makes_highlighted_runs_stand_out() -> None:
    fig = plot.ShownFigure()
    ax = fig.add_subplot()
    plot.draw_runs(ax, {"a": ([0, 1], [1, 2]), "b": ([0, 1], [3, 4])}, highlight=("a",))
    a, b = ax.get_lines()
    assert (a.get_label(), a.get_linewidth(), a.get_alpha()) == ("a", 2.0, 1.0)
    assert (b.get_label(), b.get_linewidth(), b.get_alpha()) == ("b", 0.9, 0.55)
    assert list(b.get_ydata()) == [3, 4]


def test_sweep_figure_is_lines_over_one_axis_with_the_zero_level() -> None:
    x = np.linspace(-1, 1, 5)
    ax = ge.plot.sweep_figure(x, {"V": x**2, "JSD": -x}).axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert np.array_equal(lines["V"].get_ydata(), x**2) and np.array_equal(lines["JSD"].get_xdata(), x)
    assert any(np.all(np.asarray(line.get_ydata()) == 0.0) for line in ax.get_lines())
    assert ax.get_xlabel() == msg("fig_mean_of_p_g")


# --- lesson figures against hand-computed values ---


def test_knn_figure_titles_state_precision_and_recall() -> None:
    real, fake = np.array([[0.0, 0.0], [5.0, 5.0]]), np.array([[0.5, 0.0], [3.0, 0.0]])
    fig = evaluation_figures.knn_figure(real, fake, np.array([1.0, 1.0]), np.array([1.0, 1.0]))
    left, right = fig.axes
    assert left.get_title() == msg("fig_knn_precision", share=0.5)  # (0.5, 0) is in a real ball, (3, 0) is not
    assert right.get_title() == msg("fig_knn_recall", share=0.5)  # (0, 0) reaches a fake ball, (5, 5) does not


def test_bars_figure_marks_missing_values_and_the_floor_in_the_real_colour() -> None:
    ax = evaluation_figures.bars_figure({"a": 2.0, "b": None}, "FD", floor=1.0, floor_label="floor").axes[0]
    assert [t.get_text() for t in ax.texts] == ["2.00", msg("fig_not_available")]
    floor = next(line for line in ax.get_lines() if line.get_label() == "floor")
    assert to_rgba(floor.get_color()) == to_rgba(plot.REAL.value)


def test_speed_figure_labels_each_bar_with_its_speed_up() -> None:
    rows = [{"model": "mlp", "batch": 64, "classic": 2.0, "ganedu eager": 4.0, "ganedu fast": 20.0}]
    ax = speed_figures.speed_figure(rows).axes[0]
    assert [t.get_text() for t in ax.texts] == ["x1", "x2", "x10"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["mlp B=64"]


def test_confusion_figure_writes_the_shares_in_percent() -> None:
    ax = latent_figures.confusion_figure(np.eye(10)).axes[0]
    assert [t.get_text() for t in ax.texts] == ["100"] * 10
    assert ax.get_xlabel() == msg("fig_digit_read") and ax.get_ylabel() == msg("fig_digit_asked")


# --- every sentence on a figure comes from ganedu.messages ---

TEXT_CALLS = {"set_title", "set_xlabel", "set_ylabel", "suptitle", "text", "annotate", "legend", "colorbar",
              "set_text", "set_xticks", "set_yticks", "set_xticklabels", "set_yticklabels"}


def literal_texts(source: str) -> list[str]:
    """String literals and f-strings handed to figure-text calls or ``label=`` in ``source`` (numbers and format
    codes alone, like "{:.2f}", and the empty string pass)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        args = list(node.args) if name in TEXT_CALLS else []
        args += [k.value for k in node.keywords if k.arg in ("label", "labels", "title", "xlabel", "ylabel")]
        for arg in args:
            found += _literals(arg)
    return found


def _literals(node: ast.AST) -> list[str]:
    """Text literals inside ``node``, not looking into ``msg(...)`` calls (their first argument is a key)."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "msg":
        return []
    if isinstance(node, ast.JoinedStr):
        return [ast.unparse(node)]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if re.search(r"[A-Za-z]", re.sub(r"\{[^}]*\}", "", node.value)) else []
    return [text for child in ast.iter_child_nodes(node) for text in _literals(child)]


def test_the_text_scan_finds_literals() -> None:
    src = 'ax.set_title("loss")\nax.plot(x, label=f"{n} runs")\nax.set_xlabel(msg("k"))\nax.annotate("{:.2f}")'
    assert literal_texts(src) == ["loss", "f'{n} runs'"]


@pytest.mark.parametrize("path", FIGURE_FILES, ids=lambda p: p.name)
def test_figure_text_goes_through_msg(path: Path) -> None:
    assert not literal_texts(path.read_text(encoding="utf-8")), f"route these through msg() in {path.name}"
