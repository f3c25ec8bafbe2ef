"""Shared figures (ganedu.interface.plot) and the lessons' figures found through ``ge.plot.<name>``."""

from __future__ import annotations

import ast
import colorsys
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PIL import Image

import ganedu as ge
from ganedu.interface import plot

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


# --- Chinese figures: a CJK font, and no missing glyph ------------------------------------------------------------

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chinese(monkeypatch):
    """Messages in Chinese and matplotlib's settings restored afterwards."""
    import matplotlib

    monkeypatch.setenv("GANEDU_LANG", "zh")
    with matplotlib.rc_context():
        yield


def _missing_glyphs(make) -> tuple[list[str], list[str]]:
    """Build the figures ``make()`` returns and draw them (Agg); returns the missing-glyph warnings of both steps
    (a tight layout already draws text) and the texts drawn."""
    import warnings

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    texts = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for fig in make():
            FigureCanvasAgg(fig).draw()
            texts += [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    return [str(w.message) for w in caught if "missing from font" in str(w.message)], texts


def _course_figures() -> list:
    from ganedu.lessons import theory, theory_figures

    history = {"step": [1, 2, 3, 4], "k": [1, 1, 5, 5], "lr_d": [2e-4] * 4, "lr_g": [2e-4] * 4,
               "loss": ["nonsaturating"] * 4, "d_loss": [1.4, 1.2, 1.0, 0.9], "g_loss": [0.7, 0.9, -1.1, 1.3],
               "d_real": [0.5, 0.6, 0.7, 0.7], "d_fake": [0.5, 0.4, 0.3, 0.3], "time": [0, 1, 2, 3]}
    logits = np.linspace(-6, 6, 50)
    return [plot.curves_figure(history, title=ge.messages.msg("dash_curves")),
            theory_figures.minimax_figure(theory.gaussian(0.0, 1.0), theory.gaussian(1.0, 2.0)),
            theory_figures.logit_gradient_figure(logits, {ge.messages.msg("dash_loss_nonsaturating"): -logits})]


def test_chinese_course_figures_have_every_glyph(chinese):
    font = plot.language_font("zh")
    if font is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    assert plot.use_language_fonts("zh") == font
    missing, texts = _missing_glyphs(_course_figures)
    assert sum(bool(HAN.search(t)) for t in texts) >= 5, "hardly any Chinese text drawn: the test would prove nothing"
    assert not missing, missing


def test_a_missing_glyph_is_detected(chinese):
    """The check above can fail: without a CJK font, Chinese labels lose their glyphs."""
    import matplotlib

    matplotlib.rcParams["font.family"] = ["sans-serif"]
    matplotlib.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    missing, _ = _missing_glyphs(lambda: _course_figures()[:1])
    assert missing


def test_without_a_cjk_font_one_message_names_the_install_line(chinese, monkeypatch, capsys):
    import matplotlib

    monkeypatch.setattr(plot, "language_font", lambda lang: None)
    before = list(matplotlib.rcParams["font.sans-serif"])
    assert plot.use_language_fonts("zh") is None
    out = capsys.readouterr().out
    assert out == ge.messages.msg("font_cjk_missing") + "\n" and "apt-get -qq install fonts-noto-cjk" in out
    assert list(matplotlib.rcParams["font.sans-serif"]) == before


def test_english_needs_no_font(chinese, capsys):
    import matplotlib

    before = list(matplotlib.rcParams["font.sans-serif"])
    assert plot.use_language_fonts("en") is None
    assert list(matplotlib.rcParams["font.sans-serif"]) == before and capsys.readouterr().out == ""


def test_a_font_installed_after_matplotlibs_cache_was_built_is_found(monkeypatch):
    """Colab: apt-get installs the font, but matplotlib's font cache predates it; the font file is added."""
    from types import SimpleNamespace

    from matplotlib import font_manager

    class StaleCache:
        def __init__(self):
            self.ttflist, self.added = [SimpleNamespace(name="DejaVu Sans")], []

        def addfont(self, path):
            self.added.append(path)
            self.ttflist.append(SimpleNamespace(name="Noto Sans CJK SC"))

    cache = StaleCache()
    monkeypatch.setattr(font_manager, "fontManager", cache)
    files = ["fonts/DejaVuSans.ttf", "fonts/NotoSansCJK-Regular.ttc"]
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda: files)
    assert plot.language_font("zh") == "Noto Sans CJK SC"
    assert cache.added == ["fonts/NotoSansCJK-Regular.ttc"]
    assert plot.language_font("en") is None
