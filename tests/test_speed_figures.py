"""ganedu.lessons.speed_figures against hand-computed speed-ups."""

from __future__ import annotations

from ganedu.lessons import speed_figures


def test_speed_figure_labels_each_bar_with_its_speed_up() -> None:
    rows = [{"model": "mlp", "batch": 64, "classic": 2.0, "ganedu eager": 4.0, "ganedu fast": 20.0}]
    ax = speed_figures.speed_figure(rows).axes[0]
    assert [t.get_text() for t in ax.texts] == ["x1", "x2", "x10"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["mlp B=64"]
